// Command openlineage benchmarks OpenLineage ingestion through the real
// server: it builds the hub's server and starts it as a child process
// against the benchmark Neo4j, with the events' namespaces mapped to a
// project of their own (fresh on every run, so runs never mix), and then
// clients, each an Airflow deployment with a token of its own, post
// realistic RunEvents (a START and a COMPLETE per task run, 3 inputs and
// 2 outputs each, schema, column lineage, parent, source code location;
// see events.go) to POST /api/v1/lineage, each waiting for its
// acknowledgement before it sends the next, as the OpenLineage clients'
// synchronous HTTP transport does. It reports the events acknowledged per
// second after the warm-up, the acknowledgement latency as each client
// saw it, the errors, the CPU each process used and the server's memory;
// then it checks what the hub holds (one FINISHED run per runId sent, one
// LineageEvent per event) and sends a sample of the events again, which
// must all come back duplicate and add nothing to the event log.
//
//	go run ./bench/openlineage [--clients 8] [--duration 60s] [--warmup 10s] [--gzip] [--resend 1000] [--neo4j-uri bolt://127.0.0.1:7689]
//
// bench/README.md has the latest figures; ingest_test.go measures the
// store's write on its own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/bench/benchserver"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store/storegen"
)

const secret = "bench-openlineage-secret-0123456789abcdef"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/openlineage:", err)
		os.Exit(1)
	}
}

type config struct {
	clients, inflight, resend, dags, sources int
	duration, warmup                         time.Duration
	gzip, columns                            bool
	seed                                     uint64
	uri, neo4jPidFile, cpuprofile, ack       string
}

func parseFlags() config {
	var c config
	flag.IntVar(&c.clients, "clients", 8, "concurrent clients, each with a token of its own, each waiting for one acknowledgement before the next event")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "how long the clients send, after the warm-up")
	flag.DurationVar(&c.warmup, "warmup", 10*time.Second, "how long the clients send before measuring starts")
	flag.BoolVar(&c.gzip, "gzip", false, "send the events gzip-compressed (Content-Encoding: gzip), as the Python client does when compression is configured")
	flag.BoolVar(&c.columns, "column-lineage", true, "put a columnLineage facet on the outputs (false: leave it out, to see what it costs)")
	flag.IntVar(&c.resend, "resend", 1000, "events sent a second time after the load, which must all be duplicates")
	flag.IntVar(&c.inflight, "inflight", 4, "task runs each client keeps open: a START is followed by the COMPLETE of the oldest open run")
	flag.IntVar(&c.dags, "dags", 40, "DAGs in the pool (4-8 tasks each; every task writes two datasets of its own)")
	flag.IntVar(&c.sources, "sources", 120, "source datasets in the pool (read, never written)")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the pool and of the clients' choices")
	flag.StringVar(&c.ack, "ack", "recorded", "the hub's EXPHUB_OPENLINEAGE_ACK: recorded (acknowledged once recorded, applied in batches) or applied (acknowledged once in the graph)")
	flag.StringVar(&c.uri, "neo4j-uri", "bolt://127.0.0.1:7689", "Neo4j Bolt URI")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "run the server inside this process (config.Load and server.Run, as cmd/server does) and write a CPU profile of the measured span to this file; per-process CPU and RSS then include the clients")
	flag.StringVar(&c.neo4jPidFile, "neo4j-pid-file", ".data/neo4j-bench/neo4j.pid", "pid file of that Neo4j, to report its CPU time (skipped when unreadable)")
	flag.Parse()
	return c
}

func run() error {
	cfg := parseFlags()
	if cfg.clients < 1 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.inflight < 1 {
		return errors.New("--clients, --duration and --inflight must be positive, --warmup not negative")
	}
	ctx := context.Background()
	key := "bench-ol-" + strconv.FormatInt(time.Now().UnixNano()%(1<<40), 36)

	dir, err := os.MkdirTemp("", "exphub-bench-openlineage")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	env := []string{"EXPHUB_JWT_SECRET=" + secret, "EXPHUB_LOG_LEVEL=warn",
		"EXPHUB_OPENLINEAGE_PROJECTS=airflow-prod=" + key + ",dbt-analytics=" + key, "EXPHUB_OPENLINEAGE_ACK=" + cfg.ack}
	srv, err := startHub(dir, cfg.uri, cfg.cpuprofile != "", env)
	if err != nil {
		return err
	}
	defer srv.Stop()

	password := os.Getenv("EXPHUB_NEO4J_PASSWORD")
	if password == "" {
		password = "exphub-dev-password"
	}
	driver, err := neo4j.NewDriverWithContext(cfg.uri, neo4j.BasicAuth("neo4j", password, ""))
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	graphs := storegen.New(driver, "")
	version, err := graphs.ServerVersion(ctx)
	if err != nil {
		return err
	}

	admin, err := auth.NewDevToken([]byte(secret), "bench-admin", map[string]auth.Role{"*": auth.RoleAdmin}, 2*time.Hour, time.Now())
	if err != nil {
		return err
	}
	if err := benchserver.CreateProject(ctx, srv.URL(), admin, key); err != nil {
		return err
	}
	tokens := make([]string, cfg.clients)
	for i := range tokens {
		// One service account per Airflow deployment, contributor on the
		// project its namespaces map to.
		if tokens[i], err = auth.NewDevToken([]byte(secret), fmt.Sprintf("airflow-%02d", i), map[string]auth.Role{key: auth.RoleContributor},
			2*time.Hour, time.Now()); err != nil {
			return err
		}
	}

	p := newPool(cfg.seed, cfg.dags, cfg.sources, cfg.columns)
	fmt.Printf("machine: %s; Go %s; Neo4j %s at %s\n", machine(), runtime.Version(), version, cfg.uri)
	fmt.Printf("project %s; pool: %d DAGs, %d jobs, %d datasets (%d sources); column lineage %v; %d clients, %d open runs each, gzip %v; load average %s\n",
		key, len(p.dags), len(p.jobs), len(p.datasets), cfg.sources, cfg.columns, cfg.clients, cfg.inflight, cfg.gzip, loadavg())
	sample := p.event(&taskRun{Job: 0, Start: time.Now(), End: time.Now(), Rows: 1}, true)
	fmt.Printf("event size: %d bytes (a COMPLETE of job %s), %d gzip-compressed\n", len(sample), p.jobs[0].Name, len(gzipped(sample)))

	rss := watchRSS(srv.Pid())
	neo4jPid := readPid(cfg.neo4jPidFile)
	l := &load{cfg: cfg, pool: p, url: srv.URL() + "/api/v1/lineage", tokens: tokens, client: httpClient(cfg.clients)}
	if cfg.cpuprofile != "" {
		f, err := os.Create(cfg.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		l.atStart = func() {
			if err := pprof.StartCPUProfile(f); err != nil {
				fmt.Fprintln(os.Stderr, "cpuprofile:", err)
			}
		}
		l.atEnd = pprof.StopCPUProfile
	}
	cpu := map[string]int{"server": srv.Pid()}
	if cfg.cpuprofile != "" {
		cpu = map[string]int{"server and clients": srv.Pid()}
	} else {
		cpu["bench (clients)"] = os.Getpid()
	}
	if neo4jPid > 0 {
		cpu["Neo4j"] = neo4jPid
	}
	backlog := watchBacklog(ctx, driver, l)
	res := l.run(ctx, cpu)
	peak := rss.stop()

	res.report(os.Stdout, cfg)
	if err := backlog.report(ctx, os.Stdout, res); err != nil {
		return err
	}
	fmt.Printf("server RSS: %.0f MiB idle, %.0f MiB peak under load\n", float64(rss.idle)/1024, float64(peak)/1024)
	fmt.Printf("load average at the end: %s\n", loadavg())

	ok, err := verify(ctx, graphs, l, res, key, os.Stdout)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("the hub does not hold what was sent")
	}
	return nil
}

// machine describes the host as the README does: cores, CPU model, memory.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if kb := procField("/proc/meminfo", "MemTotal:"); kb > 0 {
		mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
	}
	return fmt.Sprintf("%d cores (%s)%s", runtime.NumCPU(), model, mem)
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

func readPid(file string) int {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// procField reads the first number after prefix in a /proc file of
// "Key: value kB" lines.
func procField(file, prefix string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// cpuTime is a process's user and system CPU time so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after it do not.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// machineBusy is the CPU time all processes of the machine used so far.
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / 100
}

type rssWatch struct {
	idle int64
	done chan struct{}
	peak chan int64
}

// watchRSS samples the server's resident memory every 200 ms until stop.
func watchRSS(pid int) *rssWatch {
	w := &rssWatch{idle: procField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:"), done: make(chan struct{}), peak: make(chan int64)}
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		peak := w.idle
		for {
			peak = max(peak, procField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:"))
			select {
			case <-w.done:
				w.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *rssWatch) stop() int64 {
	close(w.done)
	return <-w.peak
}

// verify checks what the hub holds against what the clients sent, then
// sends a sample again.
func verify(ctx context.Context, graphs *storegen.Graphs, l *load, res *loadResult, key string, out io.Writer) (bool, error) {
	t0 := time.Now()
	runs, err := graphs.OpenLineageRuns(ctx, key)
	if err != nil {
		return false, err
	}
	g, err := graphs.OpenLineageGraph(ctx, key)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(out, "\nwhat the hub holds (read in %s): %d runs, %d jobs, %d datasets, %d dataset versions, %d columns, %d column edges, %d LineageEvent nodes, %d event log entries\n",
		time.Since(t0).Round(time.Millisecond), runs.Runs, g.Jobs, g.Datasets, g.Versions, g.Columns, g.ColFeeds, g.LineageEvents, g.LogTotal())
	kinds := make([]string, 0, len(g.LogEntries))
	for k, n := range g.LogEntries {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	slices.Sort(kinds)
	fmt.Fprintf(out, "event log entries by kind: %s\n", strings.Join(kinds, ", "))

	ok := true
	check := func(pass bool, format string, args ...any) {
		mark := "ok  "
		if !pass {
			mark, ok = "FAIL", false
		}
		fmt.Fprintf(out, "  %s %s\n", mark, fmt.Sprintf(format, args...))
	}
	sent := map[string]bool{}
	finishedAcked := 0
	for _, r := range l.allRuns() {
		sent[r.ID.String()] = true
		if r.endAcked {
			finishedAcked++
		}
	}
	held := map[string]bool{}
	for _, id := range runs.ExternalIDs {
		held[id] = true
	}
	missing, extra := 0, 0
	for id := range sent {
		if !held[id] {
			missing++
		}
	}
	for id := range held {
		if !sent[id] {
			extra++
		}
	}
	check(missing == 0 && extra == 0 && int64(len(held)) == runs.Runs,
		"one Run per runId sent: %d runIds sent, %d runs held, %d distinct runIds among them, %d missing, %d never sent", len(sent), runs.Runs, len(held), missing, extra)
	check(int64(len(runs.ExternalIDs)) == runs.Runs, "no run written twice: %d runs, %d distinct runIds", runs.Runs, len(runs.ExternalIDs))
	check(runs.ByStatus["FINISHED"] == runs.Runs && int64(finishedAcked) == runs.Runs,
		"every run FINISHED: %v (%d COMPLETEs acknowledged)", runs.ByStatus, finishedAcked)
	check(g.LineageEvents >= res.acked && g.LineageEvents <= res.attempted,
		"LineageEvent nodes == distinct events sent: %d nodes, %d events acknowledged, %d sent", g.LineageEvents, res.acked, res.attempted)

	// Not a check: what the store makes of inputs named without a version.
	var more int64
	for n, c := range runs.ByInputs {
		if n > 3 {
			more += c
		}
	}
	fmt.Fprintf(out, "  note runs by dataset versions consumed (each event names 3 inputs, without a version facet): %v; %d runs consumed more than 3\n",
		runs.ByInputs, more)
	if l.cfg.resend <= 0 {
		return ok, nil
	}
	rs := l.resend(ctx)
	g2, err := graphs.OpenLineageGraph(ctx, key)
	if err != nil {
		return false, err
	}
	check(rs.duplicates == rs.sent && rs.sent == l.cfg.resend,
		"a sample sent again is duplicate: %d of %d sent answered 201 duplicate=true (%d not duplicate, %d errors), p50 %s, p99 %s",
		rs.duplicates, rs.sent, rs.fresh, rs.errors, pct(rs.lat, 0.50), pct(rs.lat, 0.99))
	for k, n := range rs.errorKinds {
		fmt.Fprintf(out, "       %d× %s\n", n, k)
	}
	check(g2.LogTotal() == g.LogTotal() && g2.LineageEvents == g.LineageEvents,
		"and adds nothing: event log entries %d → %d, LineageEvent nodes %d → %d", g.LogTotal(), g2.LogTotal(), g.LineageEvents, g2.LineageEvents)
	return ok, nil
}
