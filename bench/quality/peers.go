package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml"
)

// The targets: the hub within 1.3× of the faster of Polars and
// DuckDB, at least 10× faster than Great Expectations, peak RSS under
// 300 MB; per format.
const (
	targetVsFastest = 1.3
	targetVsGX      = 10.0
	targetPeakRSS   = 300_000_000
)

// peerNames are the engines peers.py runs, in the order they are measured
// after the hub.
var peerNames = []string{"polars", "duckdb", "pandera", "gx"}

// verdicts is what the hub (hubctl validate --json) and peers.py print,
// reduced to what is compared.
type verdicts struct {
	Rows  int64         `json:"rows"`
	Count int64         `json:"row_count"` // the hub's name for Rows
	Rules []ruleVerdict `json:"rules"`
}

type ruleVerdict struct {
	Index      int    `json:"index"`
	Type       string `json:"type"`
	Verdict    string `json:"verdict"`
	Observed   any    `json:"observed"`
	Unexpected *int64 `json:"unexpected_count"`
}

// sample is one measured run: the whole process, start-up included.
type sample struct {
	wall time.Duration
	rss  int64 // peak resident set, bytes (wait4's ru_maxrss)
	out  verdicts
}

// peerBench holds what the peers mode needs once: the hub binary, the
// venv's interpreter, the suite as files, and the children's environment.
type peerBench struct {
	hubctl    string
	python    string
	script    string
	suiteYAML string
	suiteJSON string
	env       []string
}

// repoRoot is the directory holding go.mod, found upwards from the working
// directory (make and go run start there or below).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from the repository")
		}
		dir = parent
	}
}

// setupPeers builds hubctl into tmp, makes (or reuses) the bench venv with
// deploy/python/venv.sh, and writes the suite as YAML for the hub and as
// JSON for peers.py. internal/pyenv does the venv part for tests, but it
// takes a testing.TB; the script is the shared part, so it is run here.
func setupPeers(tmp string, stderr io.Writer) (*peerBench, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	b := &peerBench{
		hubctl:    filepath.Join(tmp, "hubctl"),
		script:    filepath.Join(root, "bench", "quality", "peers.py"),
		suiteYAML: filepath.Join(tmp, "suite.yaml"),
		suiteJSON: filepath.Join(tmp, "suite.json"),
	}
	build := exec.Command("go", "build", "-o", b.hubctl, "./cmd/hubctl")
	build.Dir, build.Stdout, build.Stderr = root, stderr, stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/hubctl: %w", err)
	}
	venv := exec.Command(filepath.Join(root, "deploy", "python", "venv.sh"), "bench-quality")
	venv.Stderr = stderr
	out, err := venv.Output()
	if err != nil {
		return nil, fmt.Errorf("deploy/python/venv.sh bench-quality: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	b.python = filepath.Join(dir, "bin", "python")
	if _, err := os.Stat(b.python); err != nil {
		return nil, fmt.Errorf("venv.sh printed %q, which has no interpreter: %w", dir, err)
	}
	js, err := yaml.YAMLToJSON([]byte(suiteYAML))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(b.suiteYAML, []byte(suiteYAML), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(b.suiteJSON, js, 0o644); err != nil {
		return nil, err
	}
	home, tmpdir := filepath.Join(tmp, "home"), filepath.Join(tmp, "tmp")
	for _, d := range []string{home, tmpdir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, err
		}
	}
	// Every child, the hub included, starts from the same small
	// environment: a fresh HOME (no GX project, no config files read), no
	// proxy, and nothing that could call out of the machine: GX's usage
	// statistics off (GX 1.x reads GX_ANALYTICS_ENABLED), its progress bars
	// off; Polars and DuckDB send nothing, and peers.py keeps DuckDB from
	// installing extensions.
	b.env = []string{
		"PATH=" + filepath.Dir(b.python) + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + home, "TMPDIR=" + tmpdir,
		"LANG=C.UTF-8", "LC_ALL=C.UTF-8",
		"PYTHONNOUSERSITE=1", "PYTHONDONTWRITEBYTECODE=1",
		"GX_ANALYTICS_ENABLED=false", "TQDM_DISABLE=1",
		"no_proxy=*", "NO_PROXY=*",
	}
	// Kept as the machine sets them (env/README.md: some processors need
	// them for correct results); no BLAS routine is on the measured path.
	for _, k := range []string{"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"} {
		if v, ok := os.LookupEnv(k); ok {
			b.env = append(b.env, k+"="+v)
		}
	}
	return b, nil
}

// command is the child process that runs engine over path.
func (b *peerBench) command(engine, path string) *exec.Cmd {
	var cmd *exec.Cmd
	if engine == "hub" {
		cmd = exec.Command(b.hubctl, "validate", "--suite", b.suiteYAML, "--data", path, "--json")
	} else {
		cmd = exec.Command(b.python, b.script, engine, b.suiteJSON, path)
	}
	cmd.Env = b.env
	return cmd
}

// measure runs one child and times it from start to reaped: the whole
// process, as a user waits for it.
func measure(cmd *exec.Cmd, engine string) (sample, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	// hubctl exits 1 when the suite fails: still a result to compare.
	var exit *exec.ExitError
	if err != nil && !(engine == "hub" && errors.As(err, &exit) && exit.ExitCode() == 1) {
		return sample{}, fmt.Errorf("%s: %w\n%s", engine, err, tail(stderr.String(), 4000))
	}
	s := sample{wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rss = int64(ru.Maxrss)
		if runtime.GOOS != "darwin" { // Linux reports KiB, macOS bytes
			s.rss *= 1024
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &s.out); err != nil {
		return sample{}, fmt.Errorf("%s: output is not a result: %w: %s\n%s", engine, err, tail(stdout.String(), 2000), tail(stderr.String(), 2000))
	}
	if engine == "hub" {
		s.out.Rows = s.out.Count
	}
	return s, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// disagreements lists where a peer's result differs from the hub's: a
// verdict, an unexpected count the peer reports, or an observed number
// (relative tolerance 1e-9: a mean summed in another order differs in the
// last digits).
func disagreements(hub, peer verdicts) []string {
	var out []string
	if hub.Rows != peer.Rows {
		out = append(out, fmt.Sprintf("rows: hub %d, peer %d", hub.Rows, peer.Rows))
	}
	if len(hub.Rules) != len(peer.Rules) {
		return append(out, fmt.Sprintf("rules: hub %d, peer %d", len(hub.Rules), len(peer.Rules)))
	}
	for i, h := range hub.Rules {
		p := peer.Rules[i]
		if p.Index != h.Index || p.Type != h.Type {
			out = append(out, fmt.Sprintf("rule %d: hub %d:%s, peer %d:%s", i, h.Index, h.Type, p.Index, p.Type))
			continue
		}
		if p.Verdict != h.Verdict {
			out = append(out, fmt.Sprintf("rule %d %s: verdict hub %s, peer %s", i, h.Type, h.Verdict, p.Verdict))
		}
		if p.Unexpected != nil && h.Unexpected != nil && *p.Unexpected != *h.Unexpected {
			out = append(out, fmt.Sprintf("rule %d %s: unexpected hub %d, peer %d", i, h.Type, *h.Unexpected, *p.Unexpected))
		}
		hv, hok := h.Observed.(float64)
		pv, pok := p.Observed.(float64)
		if hok && pok && math.Abs(hv-pv) > 1e-9*math.Max(1, math.Abs(hv)) {
			out = append(out, fmt.Sprintf("rule %d %s: observed hub %v, peer %v", i, h.Type, hv, pv))
		}
	}
	return out
}

// runPeers measures the hub and the peers on both files, runs rounds
// times each (engines interleaved within a round, so a burst of load on
// the shared machine does not fall on one engine), and prints the table,
// the verdict check and the targets.
func runPeers(files map[string]string, engines []string, rounds int, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "bench-quality-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b, err := setupPeers(tmp, stderr)
	if err != nil {
		return err
	}
	type row struct {
		engine, format string
		samples        []sample
	}
	var rows []row
	var problems []string
	for _, format := range []string{"csv", "parquet"} {
		path := files[format]
		if err := warm(path); err != nil {
			return err
		}
		got := map[string][]sample{}
		for i := range rounds {
			for _, e := range engines {
				s, err := measure(b.command(e, path), e)
				if err != nil {
					return fmt.Errorf("%s run %d: %w", format, i+1, err)
				}
				fmt.Fprintf(stderr, "%s %s run %d: %.2f s, %.0f MiB\n", format, e, i+1, s.wall.Seconds(), mib(s.rss))
				got[e] = append(got[e], s)
			}
		}
		hub := got["hub"][0].out
		for _, e := range engines {
			for i, s := range got[e] {
				for _, d := range disagreements(hub, s.out) {
					problems = append(problems, fmt.Sprintf("%s %s run %d: %s", e, format, i+1, d))
				}
			}
			rows = append(rows, row{e, format, got[e]})
		}
	}

	best := map[[2]string]time.Duration{}
	fmt.Fprintf(stdout, "%-8s %-8s %8s %9s %13s %10s  %s\n", "engine", "format", "best s", "median s", "peak RSS MiB", "× hub", "verdicts")
	for _, r := range rows {
		walls := make([]time.Duration, len(r.samples))
		var rss int64
		for i, s := range r.samples {
			walls[i] = s.wall
			rss = max(rss, s.rss)
		}
		slices.Sort(walls)
		best[[2]string{r.engine, r.format}] = walls[0]
		passed := 0
		for _, v := range r.samples[0].out.Rules {
			if v.Verdict == "PASSED" {
				passed++
			}
		}
		ratio := "-"
		if h, ok := best[[2]string{"hub", r.format}]; ok {
			ratio = fmt.Sprintf("%.2f", walls[0].Seconds()/h.Seconds())
		}
		fmt.Fprintf(stdout, "%-8s %-8s %8.2f %9.2f %13.0f %10s  %d/%d passed\n", r.engine, r.format,
			walls[0].Seconds(), walls[len(walls)/2].Seconds(), mib(rss), ratio, passed, len(r.samples[0].out.Rules))
	}
	fmt.Fprintln(stdout, "Wall time is the whole process (start-up, imports, reading, every rule, the result), best and median")
	fmt.Fprintf(stdout, "of %d runs; peak RSS is the largest of the runs (wait4's ru_maxrss). × hub: best / the hub's best.\n", rounds)

	if len(problems) == 0 {
		fmt.Fprintf(stdout, "verdicts: every engine agrees with the hub on every rule, count and observed value in every run\n")
	} else {
		fmt.Fprintf(stdout, "verdicts: %d DISAGREEMENTS with the hub (the timings compare unequal work):\n", len(problems))
		for _, p := range problems {
			fmt.Fprintln(stdout, "  "+p)
		}
	}

	has := func(e string) bool { return slices.Contains(engines, e) }
	for _, format := range []string{"csv", "parquet"} {
		hub, ok := best[[2]string{"hub", format}]
		if !ok {
			continue
		}
		var fastest string
		for _, e := range []string{"polars", "duckdb"} {
			if has(e) && (fastest == "" || best[[2]string{e, format}] < best[[2]string{fastest, format}]) {
				fastest = e
			}
		}
		if fastest != "" {
			f := best[[2]string{fastest, format}]
			r := hub.Seconds() / f.Seconds()
			fmt.Fprintf(stdout, "target %-7s hub ≤ %.1f× the faster of Polars and DuckDB: hub %.2f s, %s %.2f s: %.2f×  %s\n",
				format, targetVsFastest, hub.Seconds(), fastest, f.Seconds(), r, passFail(r <= targetVsFastest))
		}
		if has("gx") {
			g := best[[2]string{"gx", format}]
			r := g.Seconds() / hub.Seconds()
			fmt.Fprintf(stdout, "target %-7s Great Expectations ≥ %.0f× slower than the hub: gx %.2f s, hub %.2f s: %.2f×  %s\n",
				format, targetVsGX, g.Seconds(), hub.Seconds(), r, passFail(r >= targetVsGX))
		}
		var rss int64
		for _, r := range rows {
			if r.engine == "hub" && r.format == format {
				for _, s := range r.samples {
					rss = max(rss, s.rss)
				}
			}
		}
		fmt.Fprintf(stdout, "target %-7s hub peak RSS < 300 MB: %.0f MB  %s\n", format, float64(rss)/1e6, passFail(rss < targetPeakRSS))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d verdict disagreements with the hub", len(problems))
	}
	return nil
}

func passFail(ok bool) string {
	if ok {
		return "PASSED"
	}
	return "FAILED"
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// warm reads path once so that no engine pays for the first read from
// disk: every measured run then reads it from the page cache.
func warm(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}
