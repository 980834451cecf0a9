// Command lineage benchmarks lineage, impact and lineagePath on a large
// generated graph: each operation through the GraphQL endpoint (HTTP, auth,
// complexity, resolvers, JSON) and, alternating with it on the same roots,
// the same Cypher statements straight through the driver (the floor: what
// the store sent for that root, recorded once and replayed). GraphQL is
// timed to the response's last byte, and again with the client's JSON
// decoding of it. It generates the graph first when the database does not
// hold it yet.
//
//	go run ./bench/lineage [--nodes 1000000] [--roots 200] [--neo4j-uri bolt://127.0.0.1:7689]
//
// bench/README.md has the latest figures and how to start the Neo4j
// instance they came from.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/bench/benchgraph"
	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/lineage:", err)
		os.Exit(1)
	}
}

type op struct {
	name  string
	query string
	vars  func(root string) map[string]any
	// call runs the operation through the lineage domain and the store,
	// as the resolver does: run with a recording context, it yields the
	// statements the floor replays.
	call  func(ctx context.Context, root string) error
	roots []string
}

// A sample is one root's three times: the GraphQL request until its last
// byte arrived, the same with the client's JSON decoding of the response
// added, and the raw statements.
type sample struct{ gql, decoded, raw time.Duration }

func run() error {
	nodes := flag.Int("nodes", 1_000_000, "graph size to generate when the database has none with --prefix")
	seed := flag.Uint64("seed", 1, "seed of the generated graph and of the root sample")
	prefix := flag.String("prefix", "lg", "project key prefix of the generated graph")
	nRoots := flag.Int("roots", 200, "roots per operation")
	warmup := flag.Int("warmup", 50, "unmeasured calls per operation before measuring")
	uri := flag.String("neo4j-uri", "bolt://127.0.0.1:7689", "Neo4j Bolt URI")
	passwordEnv := flag.String("password-env", "EXPHUB_NEO4J_PASSWORD", "environment variable with the Neo4j password (exphub-dev-password when unset)")
	only := flag.String("only", "", "run only the operations whose name contains this")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured calls to this file")
	flag.Parse()

	ctx := context.Background()
	driver, s, err := benchgraph.Open(ctx, *uri, *passwordEnv, storegen.GenSpec{Nodes: *nodes, Seed: *seed, Prefix: *prefix})
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	graphs := storegen.New(driver, "")

	verifier, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		return err
	}
	// One caller sends every call, one at a time, as fast as they return:
	// the per-caller cost budget, which bounds what a caller may spend per
	// second, would refuse them, and latency is what is measured here.
	callers := api.CallerLimits{CostRate: 1e12, CostBurst: 1e9}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: s, Verifier: verifier, Ready: s, MaxBodyBytes: 1 << 20, ComplexityLimit: api.DefaultComplexityLimit,
		Callers: callers, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	token, err := auth.NewDevToken([]byte(auth.DevSecret), "bench", map[string]auth.Role{"*": auth.RoleViewer}, 24*time.Hour, time.Now())
	if err != nil {
		return err
	}
	client := &gqlClient{url: srv.URL + "/graphql", token: token, http: srv.Client()}

	roots, err := graphs.SampleLineageRoots(ctx, *prefix, *nRoots+*warmup, *seed)
	if err != nil {
		return err
	}
	hubs, err := graphs.Hubs(ctx, *prefix, 12)
	if err != nil {
		return err
	}
	// The caller reads every project, as the GraphQL token does. lin
	// answers the setup's questions; recorded runs the operations on a
	// store whose statements are kept for the floor.
	reader := &auth.Principal{Subject: "bench", Roles: map[string]auth.Role{auth.AllProjects: auth.RoleViewer}}
	lin := lineage.New(s)
	recorded := lineage.New(store.New(storegen.Recording(driver), ""))
	const lineageQ = `query($id: ID!, $depth: Int!, $max: Int!) { lineage(id: $id, direction: BOTH, depth: $depth, maxNodes: $max) {
		root truncated truncatedBy nodes { id kind name distance projectKey hasMore } edges { from to kind hops } } }`
	lineageOp := func(depth, maxNodes int, what string, roots []string) op {
		return op{
			name: fmt.Sprintf("lineage BOTH depth %d maxNodes %d, %s", depth, maxNodes, what), query: lineageQ, roots: roots,
			vars: func(root string) map[string]any { return map[string]any{"id": root, "depth": depth, "max": maxNodes} },
			call: func(ctx context.Context, root string) error {
				_, err := recorded.Lineage(ctx, reader, lineage.Request{Root: root, Direction: store.Both, Depth: &depth, MaxNodes: &maxNodes})
				return err
			},
		}
	}
	const impactQ = `query($id: ID!, $depth: Int!) { impact(id: $id, depth: $depth) { totalAffected hiddenAffected truncated owners
		runs { id name distance owner } datasetVersions { id name distance owner } modelVersions { id name stage inProduction distance owner } } }`
	impactOp := func(name string, rs []string, depth func(string) int) op {
		return op{name: name, query: impactQ, roots: rs,
			vars: func(root string) map[string]any { return map[string]any{"id": root, "depth": depth(root)} },
			call: func(ctx context.Context, root string) error {
				d := depth(root)
				_, err := recorded.Impact(ctx, reader, lineage.ImpactRequest{Root: root, Depth: &d})
				return err
			},
		}
	}
	ten := func(string) int { return 10 }
	// Impact that reaches about 10,000 nodes: for each hub, the smallest
	// depth at which its impact reaches 10,000.
	reach := map[string]int{}
	var reaching []string
	for _, h := range hubs {
		for d := 1; d <= 10; d++ {
			rep, err := lin.Impact(ctx, reader, lineage.ImpactRequest{Root: h, Depth: &d})
			if err != nil {
				return err
			}
			if rep.TotalAffected >= 10_000 {
				reach[h] = d
				reaching = append(reaching, h)
				break
			}
		}
	}
	// Path ends: each root and the farthest node of its downstream walk,
	// so every pair is connected.
	pairs := map[string]string{}
	var pathRoots []string
	for _, r := range roots {
		depth, maxNodes := 10, 200
		g, err := lin.Lineage(ctx, reader, lineage.Request{Root: r, Direction: store.Downstream, Depth: &depth, MaxNodes: &maxNodes})
		if err != nil {
			return err
		}
		if last := g.Nodes[len(g.Nodes)-1]; last.ID != r && !strings.HasPrefix(last.ID, lineage.RedactedNamePrefix) {
			pairs[r] = last.ID
			pathRoots = append(pathRoots, r)
		}
	}
	const pathQ = `query($from: ID!, $to: ID!) { lineagePath(from: $from, to: $to) { nodes { id kind name distance } edges { from to kind } } }`
	ops := []op{
		lineageOp(3, 500, "random roots", roots), lineageOp(5, 500, "random roots", roots), lineageOp(10, 500, "random roots", roots),
		lineageOp(5, 500, "hub dataset versions", hubs),
		impactOp("impact depth 10, random roots", roots, ten),
		impactOp("impact depth 10, hub dataset versions", hubs, ten),
		impactOp("impact reaching 10,000 nodes (hubs, smallest such depth)", reaching, func(r string) int { return reach[r] }),
		{name: "lineagePath, connected pairs", query: pathQ, roots: pathRoots,
			vars: func(root string) map[string]any { return map[string]any{"from": root, "to": pairs[root]} },
			call: func(ctx context.Context, root string) error {
				_, err := recorded.Path(ctx, reader, lineage.PathRequest{From: root, To: pairs[root]})
				return err
			}},
	}

	fmt.Printf("\n%s\n\n", machine())
	fmt.Println("| operation | calls | nodes/call | GraphQL p50 | GraphQL p99 | raw Cypher p50 | raw Cypher p99 | ratio p50 | ratio p99 | decoded ratio p50 | decoded ratio p99 |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for _, o := range ops {
		if !strings.Contains(o.name, *only) {
			continue
		}
		if len(o.roots) == 0 {
			fmt.Printf("| %s | 0 | no such roots in the sample | | | | | | |\n", o.name)
			continue
		}
		// Small root sets are walked twice, the first time unmeasured.
		if len(o.roots) <= *warmup {
			o.roots = append(slices.Clone(o.roots), o.roots...)
		}
		warm := min(*warmup, len(o.roots)/2)
		var samples []sample
		var nodesSeen int
		for i, root := range o.roots {
			// Each root's pages are warmed by one unmeasured call, which
			// records the statements the floor sends, and the two paths
			// take turns going first.
			rctx, log := storegen.Record(ctx)
			if err := o.call(rctx, root); err != nil {
				return fmt.Errorf("%s on %s: %w", o.name, root, err)
			}
			statements := log.Transactions()
			var smp sample
			var n int
			for turn := range 2 {
				if (turn+i)%2 == 0 {
					t0 := time.Now()
					var received time.Time
					if n, received, err = client.do(ctx, o.query, o.vars(root)); err != nil {
						return fmt.Errorf("%s on %s: %w", o.name, root, err)
					}
					smp.gql, smp.decoded = received.Sub(t0), time.Since(t0)
				} else {
					t0 := time.Now()
					if _, err := graphs.Replay(ctx, statements); err != nil {
						return fmt.Errorf("%s raw on %s: %w", o.name, root, err)
					}
					smp.raw = time.Since(t0)
				}
			}
			if i >= warm {
				samples = append(samples, smp)
				nodesSeen += n
			}
		}
		gq := pct(samples, func(s sample) time.Duration { return s.gql })
		dq := pct(samples, func(s sample) time.Duration { return s.decoded })
		rq := pct(samples, func(s sample) time.Duration { return s.raw })
		fmt.Printf("| %s | %d | %d | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.2f |\n", o.name, len(samples), nodesSeen/max(1, len(samples)),
			ms(gq[0]), ms(gq[1]), ms(rq[0]), ms(rq[1]), gq[0].Seconds()/rq[0].Seconds(), gq[1].Seconds()/rq[1].Seconds(),
			dq[0].Seconds()/rq[0].Seconds(), dq[1].Seconds()/rq[1].Seconds())
	}

	// Memory: the deepest, widest requests on the most-read hub.
	fmt.Println()
	for _, m := range []struct {
		name, query string
		vars        map[string]any
	}{
		{fmt.Sprintf("lineage BOTH depth %d maxNodes %d", lineage.MaxDepth, lineage.MaxNodes), lineageQ,
			map[string]any{"id": hubs[0], "depth": lineage.MaxDepth, "max": lineage.MaxNodes}},
		{fmt.Sprintf("impact depth %d", lineage.MaxImpactDepth), impactQ, map[string]any{"id": hubs[0], "depth": lineage.MaxImpactDepth}},
	} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		n, _, err := client.do(ctx, m.query, m.vars)
		if err != nil {
			return err
		}
		took := time.Since(t0)
		runtime.ReadMemStats(&after)
		fmt.Printf("- %s on the most-read hub: %d nodes in %s; %.1f MiB allocated during the call, %.1f MiB heap in use after it\n",
			m.name, n, ms(took), float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), float64(after.HeapInuse)/(1<<20))
	}
	fmt.Printf("- peak RSS of the whole benchmark process (server, client and root sampling): %s\n", peakRSS())
	return nil
}

type gqlClient struct {
	url, token string
	http       *http.Client
}

// do posts one GraphQL request and returns how many lineage or impact
// nodes came back, and when the response's last byte had arrived (its
// decoding comes after).
func (c *gqlClient) do(ctx context.Context, query string, vars map[string]any) (int, time.Time, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return 0, time.Time{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, time.Time{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	received := time.Now()
	if err != nil {
		return 0, received, err
	}
	// One pass over the response: count the nodes, keep the errors.
	type counted struct {
		Nodes         []struct{} `json:"nodes"`
		TotalAffected int        `json:"totalAffected"`
	}
	var out struct {
		Data struct {
			Lineage, Impact, LineagePath *counted
		} `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return 0, received, err
	}
	if len(out.Errors) > 0 {
		return 0, received, fmt.Errorf("GraphQL errors: %s", out.Errors)
	}
	n := 0
	for _, c := range []*counted{out.Data.Lineage, out.Data.Impact, out.Data.LineagePath} {
		if c != nil {
			n += len(c.Nodes) + c.TotalAffected
		}
	}
	return n, received, nil
}

func pct(ss []sample, f func(sample) time.Duration) [2]time.Duration {
	ds := make([]time.Duration, len(ss))
	for i, s := range ss {
		ds[i] = f(s)
	}
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return [2]time.Duration{at(0.50), at(0.99)}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("machine: %d cores (%s), %s, Go %s", runtime.NumCPU(), cpu, runtime.GOOS+"/"+runtime.GOARCH, runtime.Version())
}

func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
