package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exphub/exphub/bench/benchgraph"
	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

// config holds the command's flags.
type config struct {
	nodes        int
	seed         uint64
	prefix       string
	nRequests    int
	nApprovals   int
	ks           []int
	nValidations int
	warmup       int
	caseBudget   time.Duration
	hubIndex     int
	verifyRuns   int
	uri          string
	passwordEnv  string
}

func parseFlags() (*config, error) {
	var c config
	flag.IntVar(&c.nodes, "nodes", 1_000_000, "graph size to generate when the database has none with --prefix")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the generated graph and of the model version sample")
	flag.StringVar(&c.prefix, "prefix", "lg", "project key prefix of the generated graph")
	flag.IntVar(&c.nRequests, "requests", 100, "measured requestPromotion calls per kind of model version (random, downstream of hubs)")
	flag.IntVar(&c.nApprovals, "approvals", 50, "measured approvePromotion calls that complete a promotion (and evidencePack calls)")
	kList := flag.String("k", "10,100", "numbers of open requests for the validation re-evaluation cases, comma-separated")
	flag.IntVar(&c.nValidations, "validations", 20, "measured recordValidationResult calls per re-evaluation case")
	flag.IntVar(&c.warmup, "warmup", 10, "unmeasured calls before each measured series (1 for the re-evaluation cases)")
	flag.DurationVar(&c.caseBudget, "case-budget", 90*time.Second, "measured time after which a re-evaluation case stops early")
	flag.IntVar(&c.hubIndex, "hub", 0, "which hub the re-evaluation cases validate: 0 is the most read")
	flag.IntVar(&c.verifyRuns, "verify-runs", 3, "verifyAuditLog calls")
	flag.StringVar(&c.uri, "neo4j-uri", "bolt://127.0.0.1:7689", "Neo4j Bolt URI")
	flag.StringVar(&c.passwordEnv, "password-env", "EXPHUB_NEO4J_PASSWORD", "environment variable with the Neo4j password (exphub-dev-password when unset)")
	flag.Parse()
	for _, f := range strings.Split(*kList, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return nil, fmt.Errorf("--k: want positive integers separated by commas, got %q", *kList)
		}
		c.ks = append(c.ks, k)
	}
	if c.nRequests < 1 || c.nApprovals < 1 || c.nValidations < 1 || c.warmup < 0 || c.verifyRuns < 1 {
		return nil, errors.New("--requests, --approvals, --validations and --verify-runs must be positive, --warmup not negative")
	}
	return &c, nil
}

type bench struct {
	cfg    *config
	graphs *storegen.Graphs
	url    string
	http   *http.Client
	tokens map[string]string
	// open holds the requests this run opened and has not closed yet.
	open      map[string]bool
	serverErr *lastLine
}

// open connects to the benchmark Neo4j, generating the graph when the
// database does not hold it yet, and serves GraphQL in process over it.
// shutdown stops the server, then closes the driver.
func open(ctx context.Context, cfg *config) (b *bench, shutdown func(), err error) {
	driver, s, err := benchgraph.Open(ctx, cfg.uri, cfg.passwordEnv, storegen.GenSpec{Nodes: cfg.nodes, Seed: cfg.seed, Prefix: cfg.prefix})
	if err != nil {
		return nil, nil, err
	}
	verifier, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		driver.Close(ctx)
		return nil, nil, err
	}
	// The server's error log keeps the cause of an "internal error".
	serverErr := &lastLine{}
	// One caller sends every call, one at a time, as fast as they return:
	// the per-caller cost budget would refuse them (an evidence pack costs
	// 5,025), and latency is what is measured here, as in bench/lineage.
	callers := api.CallerLimits{CostRate: 1e12, CostBurst: 1e9}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: s, Verifier: verifier, Ready: s, MaxBodyBytes: 1 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Callers: callers, Logger: slog.New(slog.NewTextHandler(serverErr, &slog.HandlerOptions{Level: slog.LevelError}))}))
	b = &bench{cfg: cfg, graphs: storegen.New(driver, ""), url: srv.URL + "/graphql", http: srv.Client(), tokens: map[string]string{},
		open: map[string]bool{}, serverErr: serverErr}
	return b, func() {
		srv.Close()
		driver.Close(ctx)
	}, nil
}

// cancelLeftovers cancels the requests a previous run left open: they
// would conflict with this one's.
func (b *bench) cancelLeftovers(ctx context.Context) error {
	leftovers, err := b.graphs.OpenPromotionRequests(ctx, b.cfg.prefix)
	if err != nil {
		return err
	}
	for _, id := range leftovers {
		b.open[id] = true
	}
	if n, err := b.cancelAll(ctx, nil); err != nil {
		return err
	} else if n > 0 {
		fmt.Printf("cancelled %d open requests left by an earlier run\n", n)
	}
	return nil
}

// closeLeftOpen cancels every request this run still holds open.
func (b *bench) closeLeftOpen(ctx context.Context) error {
	if n, err := b.cancelAll(ctx, nil); err != nil {
		return fmt.Errorf("cancelling the requests left open: %w", err)
	} else if n > 0 {
		fmt.Printf("cancelled %d requests left open\n", n)
	}
	return nil
}

// setPolicies sets the default policy explicitly on every project of the
// graph (one approval from an approver, upstream validations passed,
// separation of duties) and returns the projects' keys.
func (b *bench) setPolicies(ctx context.Context) ([]string, error) {
	projects, err := b.graphs.ProjectKeys(ctx, b.cfg.prefix)
	if err != nil {
		return nil, err
	}
	changed := 0
	for _, p := range projects {
		var out struct {
			SetPolicy struct{ Changed bool } `json:"setPolicy"`
		}
		if _, _, err := b.do(ctx, adminSubject, `mutation($p: String!) { setPolicy(input: {projectKey: $p, requiredApprovals: 1,
			approverRole: APPROVER, requireUpstreamValidationsPassed: true, separationOfDuties: true, stages: [STAGING, PRODUCTION]}) { changed } }`,
			map[string]any{"p": p}, &out); err != nil {
			return nil, fmt.Errorf("setPolicy %s: %w", p, err)
		}
		if out.SetPolicy.Changed {
			changed++
		}
	}
	fmt.Printf("policy set on %d projects (%d new versions)\n", len(projects), changed)
	return projects, nil
}

// mv is a model version and its stage.
type mv = storegen.ModelVersion

// sample is what a run measures: the hub its re-evaluation cases
// validate, and the model and dataset versions of each series, no model
// version in two series.
type sample struct {
	hub string
	// downstream is the number of model versions downstream of the hub.
	downstream int
	// randomMVs and hubMVs are the requestPromotion series, approveMVs
	// the approvePromotion series (warm-up first).
	randomMVs, hubMVs, approveMVs []mv
	// belowMVs and elsewhereMVs get the open requests of the
	// re-evaluation cases: downstream of the hub and not.
	belowMVs, elsewhereMVs []mv
	// randomDVs are the dataset versions validated with no open
	// requests.
	randomDVs []string
}

// sample finds the model versions (all of them, and those downstream of
// each hub) and draws each series from them.
func (b *bench) sample(ctx context.Context) (*sample, error) {
	all, err := b.graphs.ModelVersions(ctx, b.cfg.prefix)
	if err != nil {
		return nil, err
	}
	hubs, err := b.graphs.Hubs(ctx, b.cfg.prefix, 12)
	if err != nil {
		return nil, err
	}
	if b.cfg.hubIndex < 0 || b.cfg.hubIndex >= len(hubs) {
		return nil, fmt.Errorf("--hub: the graph has %d hubs", len(hubs))
	}
	hub := hubs[b.cfg.hubIndex]
	downOf, belowHubs, err := b.downstreamOfHubs(ctx, hubs, hub)
	if err != nil {
		return nil, err
	}
	var below, notBelowHub []mv
	for _, m := range all {
		if downOf[hub][m.ID] {
			below = append(below, m)
		} else {
			notBelowHub = append(notBelowHub, m)
		}
	}
	fmt.Printf("%d model versions, %d of them downstream of the %d hubs\n", len(all), len(belowHubs), len(hubs))

	s := &sample{hub: hub, downstream: len(downOf[hub])}
	p := &picker{rng: rand.New(rand.NewPCG(b.cfg.seed, 0x90fe)), used: map[string]bool{}}
	maxK := slices.Max(b.cfg.ks)
	for _, draw := range []struct {
		into *[]mv
		from []mv
		n    int
	}{
		{&s.randomMVs, all, b.cfg.warmup + b.cfg.nRequests},
		{&s.hubMVs, belowHubs, b.cfg.warmup + b.cfg.nRequests},
		{&s.approveMVs, all, b.cfg.warmup + b.cfg.nApprovals},
		{&s.belowMVs, below, maxK},
		{&s.elsewhereMVs, notBelowHub, maxK},
	} {
		if *draw.into, err = p.pick(draw.from, draw.n); err != nil {
			return nil, err
		}
	}
	if s.randomDVs, err = b.randomDatasetVersions(ctx, hubs); err != nil {
		return nil, err
	}
	return s, nil
}

// downstreamOfHubs finds the model versions downstream of each hub, and
// all of them once each in the order found.
func (b *bench) downstreamOfHubs(ctx context.Context, hubs []string, hub string) (map[string]map[string]bool, []mv, error) {
	downOf := map[string]map[string]bool{}
	var belowHubs []mv
	seen := map[string]bool{}
	for _, h := range hubs {
		t0 := time.Now()
		ds, err := b.graphs.ModelVersionsDownstream(ctx, h)
		if err != nil {
			return nil, nil, err
		}
		downOf[h] = map[string]bool{}
		for _, m := range ds {
			downOf[h][m.ID] = true
			if !seen[m.ID] {
				seen[m.ID] = true
				belowHubs = append(belowHubs, m)
			}
		}
		if h == hub {
			fmt.Printf("hub %s: %d model versions downstream (found in %s)\n", hub, len(ds), ms(time.Since(t0)))
		}
	}
	return downOf, belowHubs, nil
}

// picker draws model versions at random, none twice over all its draws.
type picker struct {
	rng  *rand.Rand
	used map[string]bool
}

func (p *picker) pick(from []mv, n int) ([]mv, error) {
	order := p.rng.Perm(len(from))
	var out []mv
	for _, i := range order {
		if len(out) == n {
			break
		}
		if m := from[i]; !p.used[m.ID] {
			p.used[m.ID] = true
			out = append(out, m)
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("wanted %d model versions, the graph has %d left to pick from", n, len(out))
	}
	return out, nil
}

// randomDatasetVersions samples the dataset versions that are validated
// with no open requests: typical ones, no hub among them.
func (b *bench) randomDatasetVersions(ctx context.Context, hubs []string) ([]string, error) {
	n := b.cfg.warmup + b.cfg.nValidations
	roots, err := b.graphs.SampleLineageRoots(ctx, b.cfg.prefix, 20*n, b.cfg.seed+1)
	if err != nil {
		return nil, err
	}
	var dvs []string
	for _, id := range roots {
		if k, _ := store.KindOf(id); k == store.KindDatasetVersion && !slices.Contains(dvs, id) && !slices.Contains(hubs, id) &&
			len(dvs) < n {
			dvs = append(dvs, id)
		}
	}
	return dvs, nil
}

// printEnvironment prints the machine and the Neo4j version the figures
// come from.
func (b *bench) printEnvironment(ctx context.Context) {
	fmt.Printf("\n%s\n", machine())
	if v, err := b.graphs.ServerVersion(ctx); err == nil {
		fmt.Printf("Neo4j %s\n", v)
	}
}
