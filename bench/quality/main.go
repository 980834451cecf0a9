// Command quality benchmarks the data-quality engine (internal/quality)
// against its peers: it generates a deterministic file of a million rows
// and eight columns as CSV and as Parquet (once; later runs reuse it), and
// validates each with a ten-rule suite through the hub (hubctl validate,
// built once) and through Polars, DuckDB, pandera and Great Expectations
// (peers.py, in the venv of deploy/python/requirements-bench-quality.txt).
// Every run is a child process timed as a whole, start-up included, with
// its peak RSS from wait4; each peer's verdicts are checked against the
// hub's, and the table shows the ratios and the targets.
//
// With --peers=false it measures only the engine, as before: each run is
// this binary with --child, timing quality.Engine.Run alone, peak RSS from
// VmHWM, so neither data generation nor the other format inflates it.
//
//	go run ./bench/quality [--runs 3] [--peers=false] [--engines hub,polars,duckdb,pandera,gx]
//	                       [--rows 1000000] [--dir .data/bench-quality] [--cpuprofile DIR (with --peers=false)]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/exphub/exphub/internal/quality"
)

// suiteYAML is the benchmark suite: a realistic mix of ten rules.
const suiteYAML = `name: bench-orders
rules:
  - {type: not_null, column: email, mostly: 0.98}
  - {type: unique, column: id}
  - {type: value_between, column: amount, min: 0, max: 10000}
  - {type: in_set, column: country, values: [US, GB, DE, FR, NL, SE, ES, IT, PL, JP]}
  - {type: regex, column: email, pattern: '^[a-z0-9._]+@[a-z]+\.[a-z]+$'}
  - {type: aggregate_between, column: amount, aggregate: mean, min: 4000, max: 6000}
  - {type: row_count_between, min: 1000}
  - {type: null_ratio_max, column: amount, max: 0.05}
  - {type: length_between, column: status, min: 3, max: 12}
  - {type: pair_comparison, column_a: discount, op: "<=", column_b: amount, mostly: 0.99}
`

// order is one generated row.
type order struct {
	ID        int64    `parquet:"id"`
	UserID    int64    `parquet:"user_id"`
	Email     *string  `parquet:"email,optional"`
	Country   string   `parquet:"country"`
	Amount    *float64 `parquet:"amount,optional"`
	Discount  float64  `parquet:"discount"`
	Status    string   `parquet:"status"`
	CreatedAt int64    `parquet:"created_at,timestamp(millisecond)"`
}

var (
	countries = []string{"US", "GB", "DE", "FR", "NL", "SE", "ES", "IT", "PL", "JP"}
	statuses  = []string{"new", "paid", "shipped", "delivered", "refunded", "cancelled"}
)

// generate returns row i; the same i always gives the same row.
func generate(r *rand.Rand, i int64) order {
	o := order{
		ID:        i + 1,
		UserID:    1 + r.Int64N(200_000),
		Country:   countries[r.IntN(len(countries))],
		Status:    statuses[r.IntN(len(statuses))],
		CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() + i*31_000,
	}
	if r.IntN(100) != 0 { // 1% null emails
		e := fmt.Sprintf("user%d.%d@example.com", o.UserID, r.IntN(1000))
		o.Email = &e
	}
	if r.IntN(50) != 0 { // 2% null amounts
		a := float64(r.IntN(1_000_000)) / 100
		o.Amount = &a
		o.Discount = float64(r.IntN(int(a*10)+1)) / 100
	}
	return o
}

func writeCSV(path string, rows int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("id,user_id,email,country,amount,discount,status,created_at\n")
	r := rand.New(rand.NewPCG(1, 2))
	var b []byte
	for i := range rows {
		o := generate(r, i)
		b = b[:0]
		b = strconv.AppendInt(b, o.ID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, o.UserID, 10)
		b = append(b, ',')
		if o.Email != nil {
			b = append(b, *o.Email...)
		}
		b = append(b, ',')
		b = append(b, o.Country...)
		b = append(b, ',')
		if o.Amount != nil {
			b = strconv.AppendFloat(b, *o.Amount, 'f', -1, 64)
		}
		b = append(b, ',')
		b = strconv.AppendFloat(b, o.Discount, 'f', -1, 64)
		b = append(b, ',')
		b = append(b, o.Status...)
		b = append(b, ',')
		b = time.UnixMilli(o.CreatedAt).UTC().AppendFormat(b, time.RFC3339)
		b = append(b, '\n')
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeParquet(path string, rows int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := parquet.NewGenericWriter[order](f, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(128*1024))
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]order, 0, 4096)
	for i := range rows {
		buf = append(buf, generate(r, i))
		if len(buf) == cap(buf) || i == rows-1 {
			if _, err := w.Write(buf); err != nil {
				f.Close()
				return err
			}
			buf = buf[:0]
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// childReport is what a child prints: one measured run.
type childReport struct {
	Format   string  `json:"format"`
	Seconds  float64 `json:"seconds"`
	PeakRSS  int64   `json:"peak_rss_bytes"`
	Status   string  `json:"status"`
	Rows     int64   `json:"rows"`
	Bytes    int64   `json:"bytes"`
	Failures string  `json:"failures"`
}

// peakRSS reads VmHWM (the resident-set high-water mark) from
// /proc/self/status.
func peakRSS() (int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// runChild validates one file and prints a childReport.
func runChild(path, cpuprofile string, stdout io.Writer) error {
	suite, err := quality.ParseSuite([]byte(suiteYAML))
	if err != nil {
		return err
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := quality.New(quality.Options{}).Run(context.Background(), suite, quality.Source{URI: path})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	rss, err := peakRSS()
	if err != nil {
		return err
	}
	var failures []string
	for _, r := range res.Rules {
		if r.Verdict != quality.VerdictPassed {
			failures = append(failures, fmt.Sprintf("%d:%s:%s:%s", r.Index, r.Type, r.Verdict, r.Message))
		}
	}
	if res.Error != nil {
		failures = append(failures, res.Error.Error())
	}
	return json.NewEncoder(stdout).Encode(childReport{
		Format: string(res.Format), Seconds: elapsed.Seconds(), PeakRSS: rss, Status: string(res.Status),
		Rows: res.RowCount, Bytes: st.Size(), Failures: strings.Join(failures, "; "),
	})
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench/quality:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench/quality", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int64("rows", 1_000_000, "rows to generate")
	dir := fs.String("dir", ".data/bench-quality", "where the generated files live (reused when present)")
	runs := fs.Int("runs", 3, "measured runs per format")
	cpuprofile := fs.String("cpuprofile", "", "with --peers=false: write a CPU profile of each format's first run into this folder")
	peers := fs.Bool("peers", true, "measure the hub as a whole process against Polars, DuckDB, pandera and Great Expectations (false: the engine alone, in-process)")
	engineList := fs.String("engines", "hub,"+strings.Join(peerNames, ","), "with --peers: the engines to measure; hub is the reference and must be one")
	child := fs.String("child", "", "internal: validate this file once and print a JSON report")
	childProfile := fs.String("child-cpuprofile", "", "internal")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *child != "" {
		return runChild(*child, *childProfile, stdout)
	}
	if *rows <= 0 || *runs <= 0 {
		return errors.New("--rows and --runs must be positive")
	}
	var engines []string
	if *peers {
		if *cpuprofile != "" {
			return errors.New("--cpuprofile profiles the in-process run: use it with --peers=false")
		}
		engines = []string{"hub"} // the reference, measured first in each round
		for _, e := range strings.Split(*engineList, ",") {
			switch {
			case e == "hub":
			case slices.Contains(peerNames, e) && !slices.Contains(engines, e):
				engines = append(engines, e)
			default:
				return fmt.Errorf("--engines: %q is not one of hub, %s (or is repeated)", e, strings.Join(peerNames, ", "))
			}
		}
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"csv":     filepath.Join(*dir, fmt.Sprintf("orders-%d.csv", *rows)),
		"parquet": filepath.Join(*dir, fmt.Sprintf("orders-%d.parquet", *rows)),
	}
	for _, format := range []string{"csv", "parquet"} {
		p := files[format]
		if _, err := os.Stat(p); err == nil {
			continue
		}
		start := time.Now()
		tmp := p + ".tmp"
		var err error
		if format == "csv" {
			err = writeCSV(tmp, *rows)
		} else {
			err = writeParquet(tmp, *rows)
		}
		if err == nil {
			err = os.Rename(tmp, p)
		}
		if err != nil {
			return fmt.Errorf("generate %s: %w", p, err)
		}
		fmt.Fprintf(stderr, "generated %s in %s\n", p, time.Since(start).Round(time.Millisecond))
	}
	if *peers {
		return runPeers(files, engines, *runs, stdout, stderr)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-8s %10s %8s %10s %10s %10s  %s\n", "format", "size MB", "rows", "best s", "median s", "peak RSS MB", "status")
	for _, format := range []string{"csv", "parquet"} {
		var reports []childReport
		for i := range *runs {
			args := []string{"--child", files[format]}
			if *cpuprofile != "" && i == 0 {
				args = append(args, "--child-cpuprofile", filepath.Join(*cpuprofile, format+".pprof"))
			}
			cmd := exec.Command(self, args...)
			cmd.Stderr = stderr
			out, err := cmd.Output()
			if err != nil {
				return fmt.Errorf("%s run %d: %w", format, i+1, err)
			}
			var rep childReport
			if err := json.Unmarshal(out, &rep); err != nil {
				return fmt.Errorf("%s run %d: %w: %s", format, i+1, err, out)
			}
			reports = append(reports, rep)
		}
		secs := make([]float64, len(reports))
		var rss int64
		for i, r := range reports {
			secs[i] = r.Seconds
			rss = max(rss, r.PeakRSS)
		}
		slices.Sort(secs)
		r := reports[0]
		fmt.Fprintf(stdout, "%-8s %10.1f %8d %10.2f %10.2f %10.0f  %s %s\n", format, float64(r.Bytes)/1e6, r.Rows, secs[0], secs[len(secs)/2], float64(rss)/(1<<20), r.Status, r.Failures)
	}
	return nil
}
