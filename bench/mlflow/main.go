// Command mlflow measures the hub's MLflow tracking API side by side with
// a real MLflow server (3.17.2, SQLite backend, from its own virtual
// environment: deploy/python/venv.sh mlflow-server), in one run, with the
// same client (internal/mlflowimport's REST client, which sends the
// requests the mlflow client sends) and the same workload:
//
//   - log 100,000 points of one metric key with log-batch (1,000 a batch);
//   - read the metric's history back (get-history, pages of 25,000);
//   - create 10,000 runs, each with runs/create and a log-batch of 3 params
//     and 2 metrics, from --workers concurrent clients;
//   - search those runs with a metric-and-param filter: the first 1,000
//     matches, and all of them page by page (both servers must find the
//     same number);
//   - the hub alone: the first page of the same search over --search-runs
//     runs (100,000: created the same way, in the hub only).
//
// The hub is the server binary, run as a child process against the
// benchmark Neo4j (port 7689) with a fresh project as its default MLflow
// project.
//
//	go run ./bench/mlflow [--points 100000] [--runs 10000] [--workers 4] [--search-runs 100000] [--neo4j-uri bolt://127.0.0.1:7689]
//
// bench/README.md has the latest figures.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/exphub/exphub/bench/benchserver"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflowimport"
	"github.com/exphub/exphub/internal/mlflowserver"
	"github.com/exphub/exphub/internal/store/storegen"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

type config struct {
	points, runs, workers, searchRuns int
	uri                               string
}

const filter = "metrics.auc > 0.9 and params.depth = '6'"

func main() {
	var c config
	flag.IntVar(&c.points, "points", 100000, "metric points of one key to log and read back")
	flag.IntVar(&c.runs, "runs", 10000, "runs to create on both servers")
	flag.IntVar(&c.workers, "workers", 4, "concurrent clients creating runs")
	flag.IntVar(&c.searchRuns, "search-runs", 100000, "runs the hub holds for its own search row (0: skip the row)")
	flag.StringVar(&c.uri, "neo4j-uri", "bolt://127.0.0.1:7689", "the benchmark Neo4j")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench/mlflow:", err)
		os.Exit(1)
	}
}

// result is what one server did.
type result struct {
	logPoints, readPoints, createRuns, firstPage, allPages time.Duration
	read, matches, firstMatches                            int
}

func run(c config) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-mlflow-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("machine: %d cores, Go %s; load average %s", runtime.NumCPU(), runtime.Version(), load)

	// The peer.
	out, err := exec.Command("deploy/python/venv.sh", "mlflow-server").Output()
	if err != nil {
		return fmt.Errorf("deploy/python/venv.sh mlflow-server: %w", err)
	}
	python := strings.TrimSpace(string(out)) + "/bin/python"
	peer, err := mlflowserver.Start(python, dir, 5*time.Minute)
	if err != nil {
		return err
	}
	defer peer.Stop()

	// The hub, with a fresh project as its default MLflow project.
	raw := make([]byte, 16)
	rand.Read(raw)
	secret := "bench-mlflow-" + hex.EncodeToString(raw)
	project := "mlflow-bench-" + hex.EncodeToString(raw[:4])
	bin, err := benchserver.Build(dir)
	if err != nil {
		return err
	}
	hubSrv, err := benchserver.Start(bin, c.uri, os.Stderr, "EXPHUB_JWT_SECRET="+secret, "EXPHUB_LOG_LEVEL=warn",
		"EXPHUB_MLFLOW_DEFAULT_PROJECT="+project)
	if err != nil {
		return err
	}
	defer hubSrv.Stop()
	admin, err := auth.Sign([]byte(secret), auth.Claims{Subject: "bench", Roles: map[string]auth.Role{"*": auth.RoleAdmin}, ExpiresAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		return err
	}
	if err := benchserver.CreateProject(ctx, hubSrv.Base, admin, project); err != nil {
		return err
	}
	fmt.Printf("MLflow %s (SQLite) at %s; hub at %s (project %s, Neo4j %s)\n\n", "3.17.2", peer.URI, hubSrv.Base, project, c.uri)

	targets := []struct {
		name string
		cl   *mlflowimport.Client
	}{
		{"MLflow", &mlflowimport.Client{Base: peer.URI}},
		{"hub", &mlflowimport.Client{Base: hubSrv.Base, Token: admin}},
	}
	results := map[string]*result{}
	for _, tg := range targets {
		fmt.Printf("%s: ", tg.name)
		r, err := workload(ctx, tg.cl, c)
		fmt.Println()
		if err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
		results[tg.name] = r
	}
	m, h := results["MLflow"], results["hub"]
	if m.matches != h.matches || m.firstMatches != h.firstMatches || m.read != h.read {
		return fmt.Errorf("the servers disagree: MLflow read %d points and found %d (%d on the first page), the hub %d and %d (%d)",
			m.read, m.matches, m.firstMatches, h.read, h.matches, h.firstMatches)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "\n| workload\t| MLflow\t| hub\t| hub faster by\t|\n|---\t|---\t|---\t|---\t|\n")
	row := func(what string, a, b time.Duration) {
		fmt.Fprintf(w, "| %s\t| %s\t| %s\t| %.1f×\t|\n", what, a.Round(time.Millisecond), b.Round(time.Millisecond), float64(a)/float64(b))
	}
	row(fmt.Sprintf("log %d points of one key (log-batch, 1,000 a batch)", c.points), m.logPoints, h.logPoints)
	row(fmt.Sprintf("read the %d points back (get-history)", m.read), m.readPoints, h.readPoints)
	row(fmt.Sprintf("create %d runs with 3 params and 2 metrics (%d clients); runs/s %.0f vs %.0f", c.runs, c.workers,
		float64(c.runs)/m.createRuns.Seconds(), float64(c.runs)/h.createRuns.Seconds()), m.createRuns, h.createRuns)
	row(fmt.Sprintf("search `%s`: first %d matches (median of 5)", filter, m.firstMatches), m.firstPage, h.firstPage)
	row(fmt.Sprintf("the same search: all %d matches, page by page (median of 5)", m.matches), m.allPages, h.allPages)
	w.Flush()

	if c.searchRuns > c.runs {
		d, first, err := bigSearch(ctx, targets[1].cl, c)
		if err != nil {
			return fmt.Errorf("hub, search over %d runs: %w", c.searchRuns, err)
		}
		fmt.Printf("\nhub alone: the first page (%d matches) of the same search over %d runs: p50 %s, max %s of 20 searches\n",
			first, c.searchRuns, d[len(d)/2].Round(time.Millisecond), d[len(d)-1].Round(time.Millisecond))
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Printf("load average at the end: %s", load)
	return nil
}

// workload runs every row but the hub's own search on one server.
func workload(ctx context.Context, cl *mlflowimport.Client, c config) (*result, error) {
	r := &result{}
	stamp := time.Now().UnixNano()
	expID, err := cl.CreateExperiment(ctx, fmt.Sprintf("bench-%d", stamp), nil)
	if err != nil {
		return nil, err
	}
	base := time.Now().UnixMilli()
	info, err := cl.CreateRun(ctx, expID, "points", base, nil)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	for start := 0; start < c.points; start += 1000 {
		batch := make([]mlflowimport.Metric, 0, 1000)
		for i := start; i < min(start+1000, c.points); i++ {
			batch = append(batch, mlflowimport.Metric{Key: "loss", Value: mlflowimport.Double(1 / float64(i+1)), Timestamp: mlflowimport.Int(base + int64(i)), Step: mlflowimport.Int(i)})
		}
		if err := cl.LogBatch(ctx, info.RunID, batch, nil, nil); err != nil {
			return nil, err
		}
	}
	r.logPoints = time.Since(t0)
	fmt.Print("points logged; ")
	t0 = time.Now()
	hist, err := cl.History(ctx, info.RunID, "loss")
	if err != nil {
		return nil, err
	}
	r.readPoints, r.read = time.Since(t0), len(hist)
	fmt.Print("read; ")

	// Runs, from workers concurrent clients; run i gets depth 4–8 and an
	// auc spread over [0.5, 1).
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, c.workers)
	t0 = time.Now()
	for range c.workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= c.runs {
					return
				}
				if err := createRun(ctx, cl, expID, i); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Wait()
	r.createRuns = time.Since(t0)
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	fmt.Print("runs created; ")

	// Each search 5 times, the median: the first of a kind also pays for
	// planning it.
	var firsts, alls []time.Duration
	matches := 0
	for range 5 {
		// The first 1,000 matches, as a client asking for 1,000 gets them:
		// a server may answer a page with fewer and a page token.
		t0 = time.Now()
		token, first := "", 0
		for first < 1000 {
			page, next, err := cl.SearchRuns(ctx, []string{expID}, filter, 1000-first, token)
			if err != nil {
				return nil, err
			}
			first += len(page)
			if token = next; token == "" {
				break
			}
		}
		firsts, r.firstMatches = append(firsts, time.Since(t0)), first
		t0 = time.Now()
		token, matches = "", 0
		for {
			page, next, err := cl.SearchRuns(ctx, []string{expID}, filter, 1000, token)
			if err != nil {
				return nil, err
			}
			matches += len(page)
			if token = next; token == "" {
				break
			}
		}
		alls, r.matches = append(alls, time.Since(t0)), matches
	}
	slices.Sort(firsts)
	slices.Sort(alls)
	r.firstPage, r.allPages = firsts[2], alls[2]
	fmt.Print("searched")
	return r, nil
}

func createRun(ctx context.Context, cl *mlflowimport.Client, expID string, i int) error {
	info, err := cl.CreateRun(ctx, expID, fmt.Sprintf("run-%d", i), time.Now().UnixMilli(), nil)
	if err != nil {
		return err
	}
	now := mlflowimport.Int(time.Now().UnixMilli())
	auc := 0.5 + 0.5*math.Mod(float64(i)*0.6180339887, 1)
	return cl.LogBatch(ctx, info.RunID,
		[]mlflowimport.Metric{{Key: "auc", Value: mlflowimport.Double(auc), Timestamp: now}, {Key: "loss", Value: mlflowimport.Double(1 - auc), Timestamp: now}},
		[]mlflowimport.KV{{Key: "depth", Value: fmt.Sprint(4 + i%5)}, {Key: "lr", Value: fmt.Sprint(0.01 * float64(1+i%10))}, {Key: "seed", Value: fmt.Sprint(i)}}, nil)
}

// bigSearch fills one hub experiment with c.searchRuns runs, written
// straight into Neo4j by storegen (created one request at a time they
// would take the better part of an hour), and times the first page of the
// search over them through the REST API, 20 times.
func bigSearch(ctx context.Context, cl *mlflowimport.Client, c config) ([]time.Duration, int, error) {
	expID, err := cl.CreateExperiment(ctx, fmt.Sprintf("bench-search-%d", time.Now().UnixNano()), nil)
	if err != nil {
		return nil, 0, err
	}
	password := os.Getenv("EXPHUB_NEO4J_PASSWORD")
	if password == "" {
		password = "exphub-dev-password"
	}
	driver, err := neo4j.NewDriverWithContext(c.uri, neo4j.BasicAuth("neo4j", password, ""))
	if err != nil {
		return nil, 0, err
	}
	defer driver.Close(context.WithoutCancel(ctx))
	gs := storegen.New(driver, "")
	t0 := time.Now()
	if _, err := gs.SeedRuns(ctx, expID, c.searchRuns); err != nil {
		return nil, 0, err
	}
	defer func() {
		if err := gs.DropSeededRuns(context.WithoutCancel(ctx), expID); err != nil {
			fmt.Fprintln(os.Stderr, "dropping the seeded runs:", err)
		}
	}()
	fmt.Printf("\nhub: %d runs seeded in %s\n", c.searchRuns, time.Since(t0).Round(time.Second))
	var ds []time.Duration
	n := 0
	for range 20 {
		t := time.Now()
		page, _, err := cl.SearchRuns(ctx, []string{expID}, filter, 1000, "")
		if err != nil {
			return nil, 0, err
		}
		ds = append(ds, time.Since(t))
		n = len(page)
	}
	slices.Sort(ds)
	return ds, n, nil
}
