// Command governance benchmarks promotion governance on the generated
// lineage graph, through the GraphQL endpoint (HTTP, auth, resolvers,
// JSON): requestPromotion (whose UPSTREAM_VALIDATIONS check walks
// everything upstream of the model version), the approvePromotion that
// carries a promotion out, what open requests add to a validation result
// on a hub dataset version (the re-evaluation of the open requests
// downstream of it), evidencePack, and verifyAuditLog over the whole
// event log. It generates the graph first when the database does not
// hold it yet (the same graph as bench/lineage: same prefix, size and
// seed), and cancels the requests it opened before it ends.
//
//	go run ./bench/governance [--nodes 1000000] [--requests 100] [--approvals 50] [--k 10,100] [--neo4j-uri bolt://127.0.0.1:7689]
//
// Every run adds to the database: policy versions when the projects' policies
// differ from the one it sets, promotion requests (closed at the end),
// validation runs on the hub and on the upstream data of the approved
// versions, stage changes of those versions, and the events of all of it.
// bench/README.md has the latest figures and how to start the Neo4j
// instance they came from.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/bench/benchgraph"
	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/governance:", err)
		os.Exit(1)
	}
}

// openRequestsByDatasetVersion is the statement with which a validation
// result finds the open requests it may affect, the store's own text (so it
// shares the store's cached plan), timed and profiled here on its own.
var openRequestsByDatasetVersion = store.ReevaluationQuery()

// passingResult is the smallest Great Expectations result that passes.
const passingResult = `{"success": true, "results": []}`

const (
	requesterSubject = "bench-governance-requester"
	adminSubject     = "bench-governance-admin"
)

type bench struct {
	driver neo4j.DriverWithContext
	url    string
	http   *http.Client
	tokens map[string]string
	// open holds the requests this run opened and has not closed yet.
	open      map[string]bool
	serverErr *lastLine
}

// lastLine keeps the last line written to it: the server's last logged
// error.
type lastLine struct {
	mu   sync.Mutex
	line string
}

func (l *lastLine) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.line = strings.TrimSpace(string(p))
	return len(p), nil
}

func (l *lastLine) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.line
	l.line = ""
	return s
}

type mv struct{ id, stage string }

// row is one line of the results table.
type row struct {
	name  string
	calls int
	p50   time.Duration
	p99   time.Duration
	note  string
}

func run() (err error) {
	nodes := flag.Int("nodes", 1_000_000, "graph size to generate when the database has none with --prefix")
	seed := flag.Uint64("seed", 1, "seed of the generated graph and of the model version sample")
	prefix := flag.String("prefix", "lg", "project key prefix of the generated graph")
	nRequests := flag.Int("requests", 100, "measured requestPromotion calls per kind of model version (random, downstream of hubs)")
	nApprovals := flag.Int("approvals", 50, "measured approvePromotion calls that complete a promotion (and evidencePack calls)")
	kList := flag.String("k", "10,100", "numbers of open requests for the validation re-evaluation cases, comma-separated")
	nValidations := flag.Int("validations", 20, "measured recordValidationResult calls per re-evaluation case")
	warmup := flag.Int("warmup", 10, "unmeasured calls before each measured series (1 for the re-evaluation cases)")
	caseBudget := flag.Duration("case-budget", 90*time.Second, "measured time after which a re-evaluation case stops early")
	hubIndex := flag.Int("hub", 0, "which hub the re-evaluation cases validate: 0 is the most read")
	verifyRuns := flag.Int("verify-runs", 3, "verifyAuditLog calls")
	uri := flag.String("neo4j-uri", "bolt://127.0.0.1:7689", "Neo4j Bolt URI")
	passwordEnv := flag.String("password-env", "EXPHUB_NEO4J_PASSWORD", "environment variable with the Neo4j password (exphub-dev-password when unset)")
	flag.Parse()
	var ks []int
	for _, f := range strings.Split(*kList, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return fmt.Errorf("--k: want positive integers separated by commas, got %q", *kList)
		}
		ks = append(ks, k)
	}
	if *nRequests < 1 || *nApprovals < 1 || *nValidations < 1 || *warmup < 0 || *verifyRuns < 1 {
		return errors.New("--requests, --approvals, --validations and --verify-runs must be positive, --warmup not negative")
	}

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
	// The server's error log keeps the cause of an "internal error".
	serverErr := &lastLine{}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: s, Verifier: verifier, Ready: s, MaxBodyBytes: 1 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(serverErr, &slog.HandlerOptions{Level: slog.LevelError}))}))
	defer srv.Close()
	b := &bench{driver: driver, url: srv.URL + "/graphql", http: srv.Client(), tokens: map[string]string{}, open: map[string]bool{},
		serverErr: serverErr}
	// Whatever happens, the requests this run opened are closed.
	defer func() {
		if n, cerr := b.cancelAll(context.WithoutCancel(ctx), nil); cerr != nil {
			err = errors.Join(err, fmt.Errorf("cancelling the requests left open: %w", cerr))
		} else if n > 0 {
			fmt.Printf("cancelled %d requests left open\n", n)
		}
	}()

	// Requests a previous run left open would conflict with this one's.
	leftovers, err := b.ids(ctx, `MATCH (r:PromotionRequest {open: true}) WHERE r.projectKey STARTS WITH $p RETURN r.id AS id ORDER BY id`,
		map[string]any{"p": *prefix + "-"})
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

	// The default policy, set explicitly: one approval from an approver,
	// upstream validations passed, separation of duties.
	projects, err := b.ids(ctx, `MATCH (p:Project) WHERE p.key STARTS WITH $p RETURN p.key AS id ORDER BY id`, map[string]any{"p": *prefix + "-"})
	if err != nil {
		return err
	}
	changed := 0
	for _, p := range projects {
		var out struct {
			SetPolicy struct{ Changed bool } `json:"setPolicy"`
		}
		if _, _, err := b.do(ctx, adminSubject, `mutation($p: String!) { setPolicy(input: {projectKey: $p, requiredApprovals: 1,
			approverRole: APPROVER, requireUpstreamValidationsPassed: true, separationOfDuties: true, stages: [STAGING, PRODUCTION]}) { changed } }`,
			map[string]any{"p": p}, &out); err != nil {
			return fmt.Errorf("setPolicy %s: %w", p, err)
		}
		if out.SetPolicy.Changed {
			changed++
		}
	}
	fmt.Printf("policy set on %d projects (%d new versions)\n", len(projects), changed)

	// Model versions: all of them, and those downstream of each hub.
	all, err := b.modelVersions(ctx, `MATCH (m:ModelVersion) WHERE m.projectKey STARTS WITH $p RETURN m.id AS id, m.stage AS stage ORDER BY id`,
		map[string]any{"p": *prefix + "-"})
	if err != nil {
		return err
	}
	hubs, err := graphs.Hubs(ctx, *prefix, 12)
	if err != nil {
		return err
	}
	if *hubIndex < 0 || *hubIndex >= len(hubs) {
		return fmt.Errorf("--hub: the graph has %d hubs", len(hubs))
	}
	hub := hubs[*hubIndex]
	stageOf := map[string]string{}
	for _, m := range all {
		stageOf[m.id] = m.stage
	}
	downOf := map[string]map[string]bool{}
	var belowHubs []mv
	seen := map[string]bool{}
	for _, h := range hubs {
		t0 := time.Now()
		ds, err := b.modelVersions(ctx, `
			MATCH (:DatasetVersion {id: $id})-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..50]->(m:ModelVersion)
			WITH DISTINCT m RETURN m.id AS id, m.stage AS stage ORDER BY id`, map[string]any{"id": h})
		if err != nil {
			return err
		}
		downOf[h] = map[string]bool{}
		for _, m := range ds {
			downOf[h][m.id] = true
			if !seen[m.id] {
				seen[m.id] = true
				belowHubs = append(belowHubs, m)
			}
		}
		if h == hub {
			fmt.Printf("hub %s: %d model versions downstream (found in %s)\n", hub, len(ds), ms(time.Since(t0)))
		}
	}
	var notBelowHub []mv
	for _, m := range all {
		if !downOf[hub][m.id] {
			notBelowHub = append(notBelowHub, m)
		}
	}
	fmt.Printf("%d model versions, %d of them downstream of the %d hubs\n", len(all), len(belowHubs), len(hubs))

	rng := rand.New(rand.NewPCG(*seed, 0x90fe))
	used := map[string]bool{}
	pick := func(from []mv, n int) ([]mv, error) {
		order := rng.Perm(len(from))
		var out []mv
		for _, i := range order {
			if len(out) == n {
				break
			}
			if m := from[i]; !used[m.id] {
				used[m.id] = true
				out = append(out, m)
			}
		}
		if len(out) < n {
			return nil, fmt.Errorf("wanted %d model versions, the graph has %d left to pick from", n, len(out))
		}
		return out, nil
	}
	randomMVs, err := pick(all, *warmup+*nRequests)
	if err != nil {
		return err
	}
	hubMVs, err := pick(belowHubs, *warmup+*nRequests)
	if err != nil {
		return err
	}
	approveMVs, err := pick(all, *warmup+*nApprovals)
	if err != nil {
		return err
	}
	maxK := slices.Max(ks)
	below := make([]mv, 0, len(downOf[hub]))
	for _, m := range all {
		if downOf[hub][m.id] {
			below = append(below, m)
		}
	}
	belowMVs, err := pick(below, maxK)
	if err != nil {
		return err
	}
	elsewhereMVs, err := pick(notBelowHub, maxK)
	if err != nil {
		return err
	}
	var randomDVs []string
	dvRoots, err := graphs.SampleLineageRoots(ctx, *prefix, 20*(*warmup+*nValidations), *seed+1)
	if err != nil {
		return err
	}
	for _, id := range dvRoots {
		if k, _ := store.KindOf(id); k == store.KindDatasetVersion && !slices.Contains(randomDVs, id) && !slices.Contains(hubs, id) &&
			len(randomDVs) < *warmup+*nValidations {
			randomDVs = append(randomDVs, id)
		}
	}

	fmt.Printf("\n%s\n", machine())
	if v, err := neo4jVersion(ctx, driver); err == nil {
		fmt.Printf("Neo4j %s\n", v)
	}
	var rows []row

	// 1. requestPromotion, then cancelPromotion of the same requests.
	progress("requestPromotion and cancelPromotion")
	var cancels []time.Duration
	for _, set := range []struct {
		name string
		mvs  []mv
	}{{"random model versions", randomMVs}, {"model versions downstream of hubs", hubMVs}} {
		var lat []time.Duration
		var ids []string
		status := map[string]int{}
		upstream := []int{}
		for i, m := range set.mvs {
			req, took, err := b.request(ctx, m)
			if err != nil {
				return err
			}
			ids = append(ids, req.ID)
			if i < *warmup {
				continue
			}
			lat = append(lat, took)
			status[req.Status]++
			for _, c := range req.Checks {
				if c.Name == "UPSTREAM_VALIDATIONS" {
					upstream = append(upstream, len(c.EvidenceIDs))
				}
			}
		}
		rows = append(rows, timed("requestPromotion, "+set.name, lat,
			fmt.Sprintf("%d PENDING, %d BLOCKED; upstream dataset versions per request: median %d, max %d",
				status["PENDING"], status["BLOCKED"], median(upstream), slices.Max(upstream))))
		for i, id := range ids {
			took, err := b.cancel(ctx, id)
			if err != nil {
				return err
			}
			if i >= *warmup {
				cancels = append(cancels, took)
			}
		}
	}
	rows = append(rows, timed("cancelPromotion (the requests above)", cancels, ""))

	progress("approvePromotion")
	// 2. approvePromotion that completes a promotion: every dataset
	// version upstream of these model versions gets a passing validation
	// first (unmeasured), so the requests are PENDING.
	validated := 0
	for _, m := range approveMVs {
		dvs, err := b.ids(ctx, `
			MATCH (dv:DatasetVersion)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..50]->(:ModelVersion {id: $id})
			WITH DISTINCT dv WHERE coalesce(dv.qualityStatus, '') <> 'PASSED'
			RETURN dv.id AS id ORDER BY id`, map[string]any{"id": m.id})
		if err != nil {
			return err
		}
		for _, dv := range dvs {
			if _, _, err := b.validate(ctx, dv); err != nil {
				return err
			}
			validated++
		}
	}
	fmt.Printf("recorded passing validations on %d upstream dataset versions of the versions to approve\n", validated)
	var approved []string
	var approveLat []time.Duration
	for i, m := range approveMVs {
		req, _, err := b.request(ctx, m)
		if err != nil {
			return err
		}
		if req.Status != "PENDING" {
			return fmt.Errorf("request %s for %s is %s after its upstream data passed: %+v", req.ID, m.id, req.Status, req.Checks)
		}
		var out struct {
			ApprovePromotion struct {
				Promoted         bool
				PromotionRequest struct{ Status string } `json:"promotionRequest"`
			} `json:"approvePromotion"`
		}
		took, _, err := b.do(ctx, fmt.Sprintf("bench-governance-approver-%d", i), `mutation($id: ID!) {
			approvePromotion(input: {promotionRequestId: $id, comment: "bench"}) { promoted promotionRequest { status } } }`,
			map[string]any{"id": req.ID}, &out)
		if err != nil {
			return fmt.Errorf("approvePromotion %s: %w", req.ID, err)
		}
		if !out.ApprovePromotion.Promoted {
			return fmt.Errorf("approvePromotion %s did not promote (%s)", req.ID, out.ApprovePromotion.PromotionRequest.Status)
		}
		delete(b.open, req.ID)
		approved = append(approved, req.ID)
		if i >= *warmup {
			approveLat = append(approveLat, took)
		}
	}
	rows = append(rows, timed("approvePromotion completing a promotion (1 approval required)", approveLat,
		"checks evaluated again, version moved, request closed, events appended"))

	// 4. evidencePack of the completed requests.
	progress("evidencePack")
	var packLat []time.Duration
	var packSizes []int
	for i, id := range approved {
		var out struct {
			EvidencePack json.RawMessage `json:"evidencePack"`
		}
		took, _, err := b.do(ctx, adminSubject, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": id}, &out)
		if err != nil {
			return fmt.Errorf("evidencePack %s: %w", id, err)
		}
		if i >= *warmup {
			packLat = append(packLat, took)
			packSizes = append(packSizes, len(out.EvidencePack))
		}
	}
	rows = append(rows, timed("evidencePack of a completed request", packLat,
		fmt.Sprintf("JSON median %s, max %s", kib(median(packSizes)), kib(slices.Max(packSizes)))))

	// 3. What open requests add to a validation result on the hub.
	type vcase struct {
		name string
		mvs  []mv
	}
	cases := []vcase{{"no open requests", nil}}
	for _, k := range ks {
		cases = append(cases, vcase{fmt.Sprintf("%d open requests NOT downstream of it", k), elsewhereMVs[:k]},
			vcase{fmt.Sprintf("%d open requests downstream of it", k), belowMVs[:k]})
	}
	progress("recordValidationResult on random dataset versions")
	// A validation result on typical dataset versions, with no open
	// requests.
	var dvLat []time.Duration
	var dvFailure error
	var slowest string
	var slowestTook time.Duration
	for i, dv := range randomDVs {
		took, _, err := b.validate(ctx, dv)
		if err != nil {
			dvFailure = err
			break
		}
		if i >= *warmup {
			dvLat = append(dvLat, took)
		}
		if took > slowestTook {
			slowest, slowestTook = dv, took
		}
	}
	dvNote := "typical dataset versions"
	if dvFailure != nil {
		dvNote += "; fails: " + cause(dvFailure)
	}
	rows = append(rows, timed("recordValidationResult on random dataset versions, no open requests", dvLat, dvNote))
	var profiles []string
	if slowest != "" {
		prof, err := b.profileOpenRequests(ctx, openRequestsByDatasetVersion, slowest, txTimeout)
		if err != nil {
			return err
		}
		profiles = append(profiles, fmt.Sprintf("the statement, the random dataset version whose validation took longest (%s), no open requests:\n%s",
			ms(slowestTook), prof))
	}

	for _, c := range cases {
		progress("recordValidationResult on the hub, " + c.name)
		var ids []string
		for _, m := range c.mvs {
			req, _, err := b.request(ctx, m)
			if err != nil {
				return err
			}
			ids = append(ids, req.ID)
		}
		// Which requests the plan reads: PROFILE with a dataset version
		// that does not exist shows it cheaply.
		probe, err := b.planProbe(ctx)
		if err != nil {
			return err
		}
		// One unmeasured call, then up to --validations measured ones
		// within --case-budget. A call that fails (the 30 s transaction
		// timeout) ends the series: it is the result.
		lat, failure := series(*nValidations, *caseBudget, func() (time.Duration, error) {
			took, runStatus, err := b.validate(ctx, hub)
			if err == nil && runStatus != "PASSED" {
				return 0, fmt.Errorf("recordValidationResult on %s: status %s, want PASSED", hub, runStatus)
			}
			return took, err
		})
		rawLat, rawFailure := series(*nValidations, *caseBudget, func() (time.Duration, error) {
			return b.rawOpenRequests(ctx, openRequestsByDatasetVersion, hub, txTimeout)
		})
		note := "plan: " + probe + "; "
		if failure != nil {
			note += fmt.Sprintf("fails: %s; ", cause(failure))
		}
		if rawFailure != nil {
			note += fmt.Sprintf("statement alone fails: %s", cause(rawFailure))
		} else {
			note += fmt.Sprintf("statement alone: %d calls, p50 %s, p99 %s", len(rawLat), ms(pctl(rawLat, 0.5)), ms(pctl(rawLat, 0.99)))
			prof, err := b.profileOpenRequests(ctx, openRequestsByDatasetVersion, hub, txTimeout)
			if err != nil {
				return err
			}
			profiles = append(profiles, fmt.Sprintf("the statement, hub %d, %s:\n%s", *hubIndex, c.name, prof))
		}
		rows = append(rows, timed(fmt.Sprintf("recordValidationResult on hub %d (%d model versions downstream), %s", *hubIndex, len(downOf[hub]), c.name), lat, note))
		if _, err := b.cancelAll(ctx, ids); err != nil {
			return err
		}
	}

	// 5. verifyAuditLog over the whole event log.
	progress("verifyAuditLog")
	var verifyLat []time.Duration
	var checked int
	for range *verifyRuns {
		var out struct {
			VerifyAuditLog struct {
				Ok      bool
				Checked int
				HeadSeq int `json:"headSeq"`
			} `json:"verifyAuditLog"`
		}
		took, _, err := b.do(ctx, adminSubject, `query($p: String!) { verifyAuditLog(projectKey: $p) { ok checked headSeq } }`,
			map[string]any{"p": projects[0]}, &out)
		if err != nil {
			return fmt.Errorf("verifyAuditLog: %w", err)
		}
		if !out.VerifyAuditLog.Ok {
			return fmt.Errorf("verifyAuditLog: the chain is broken: %+v", out.VerifyAuditLog)
		}
		checked = out.VerifyAuditLog.Checked
		verifyLat = append(verifyLat, took)
	}
	slices.Sort(verifyLat)
	rows = append(rows, row{name: "verifyAuditLog, the whole event log", calls: len(verifyLat), p50: pctl(verifyLat, 0.5), p99: verifyLat[len(verifyLat)-1],
		note: fmt.Sprintf("%d events; %.0f events/s at the median (p99 column: slowest)", checked, float64(checked)/pctl(verifyLat, 0.5).Seconds())})

	fmt.Println()
	fmt.Println("| operation | calls | p50 | p99 | notes |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		if r.calls == 0 {
			fmt.Printf("| %s | 0 | – | – | %s |\n", r.name, r.note)
			continue
		}
		fmt.Printf("| %s | %d | %s | %s | %s |\n", r.name, r.calls, ms(r.p50), ms(r.p99), r.note)
	}
	fmt.Printf("\nProfiles of the re-evaluation statement (openRequestsBy[\"datasetVersionId\"]); hub %d is %s:\n\n", *hubIndex, hub)
	for _, p := range profiles {
		fmt.Println(p)
	}
	fmt.Printf("- peak RSS of the benchmark process: %s\n", peakRSS())
	return nil
}

type checkOut struct {
	Name        string   `json:"name"`
	EvidenceIDs []string `json:"evidenceIds"`
}

type requestOut struct {
	ID     string     `json:"id"`
	Status string     `json:"status"`
	Checks []checkOut `json:"checks"`
}

// request asks for m to move to the stage it is not in: STAGING, or
// PRODUCTION when it is in STAGING (a rerun finds the versions it
// promoted in their new stage).
func (b *bench) request(ctx context.Context, m mv) (*requestOut, time.Duration, error) {
	target := "STAGING"
	if m.stage == "STAGING" {
		target = "PRODUCTION"
	}
	var out struct {
		RequestPromotion struct {
			PromotionRequest requestOut `json:"promotionRequest"`
		} `json:"requestPromotion"`
	}
	took, _, err := b.do(ctx, requesterSubject, `mutation($id: ID!, $stage: ModelStage!) {
		requestPromotion(input: {modelVersionId: $id, targetStage: $stage, justification: "bench/governance"}) {
			promotionRequest { id status checks { name evidenceIds } } } }`, map[string]any{"id": m.id, "stage": target}, &out)
	if err != nil {
		return nil, 0, fmt.Errorf("requestPromotion %s to %s: %w", m.id, target, err)
	}
	req := out.RequestPromotion.PromotionRequest
	b.open[req.ID] = true
	return &req, took, nil
}

func (b *bench) cancel(ctx context.Context, id string) (time.Duration, error) {
	var out struct {
		CancelPromotion struct {
			PromotionRequest struct{ Status string } `json:"promotionRequest"`
		} `json:"cancelPromotion"`
	}
	took, _, err := b.do(ctx, requesterSubject, `mutation($id: ID!) { cancelPromotion(input: {promotionRequestId: $id}) { promotionRequest { status } } }`,
		map[string]any{"id": id}, &out)
	if err != nil {
		return 0, fmt.Errorf("cancelPromotion %s: %w", id, err)
	}
	delete(b.open, id)
	return took, nil
}

// cancelAll cancels the open requests among ids, or every request this
// run holds open when ids is nil.
func (b *bench) cancelAll(ctx context.Context, ids []string) (int, error) {
	if ids == nil {
		for id := range b.open {
			ids = append(ids, id)
		}
		slices.Sort(ids)
	}
	n := 0
	for _, id := range ids {
		if !b.open[id] {
			continue
		}
		if _, err := b.cancel(ctx, id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// validate records a passing validation result on a dataset version and
// returns the run's status.
func (b *bench) validate(ctx context.Context, dv string) (time.Duration, string, error) {
	var out struct {
		RecordValidationResult struct {
			ValidationRun struct{ Status string } `json:"validationRun"`
		} `json:"recordValidationResult"`
	}
	took, _, err := b.do(ctx, adminSubject, `mutation($id: ID!, $result: String!) {
		recordValidationResult(input: {datasetVersionId: $id, suiteName: "bench-governance", result: $result}) { validationRun { status } } }`,
		map[string]any{"id": dv, "result": passingResult}, &out)
	if err != nil {
		return 0, "", fmt.Errorf("recordValidationResult %s: %w", dv, err)
	}
	return took, out.RecordValidationResult.ValidationRun.Status, nil
}

// txTimeout is the store's transaction timeout; the statements run here
// straight through the driver get the same.
const txTimeout = 30 * time.Second

func rawOptions() []neo4j.ExecuteQueryConfigurationOption {
	return []neo4j.ExecuteQueryConfigurationOption{neo4j.ExecuteQueryWithReadersRouting(),
		neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(txTimeout))}
}

// rawOpenRequests runs a re-evaluation statement once straight through
// the driver, with a transaction timeout.
func (b *bench) rawOpenRequests(ctx context.Context, q, dv string, timeout time.Duration) (time.Duration, error) {
	t0 := time.Now()
	if _, err := neo4j.ExecuteQuery(ctx, b.driver, q, map[string]any{"id": dv}, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithReadersRouting(), neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(timeout))); err != nil {
		return 0, fmt.Errorf("re-evaluation statement: %w", err)
	}
	return time.Since(t0), nil
}

// profileOpenRequests runs statement q under PROFILE with dv and returns
// its operators.
func (b *bench) profileOpenRequests(ctx context.Context, q, dv string, timeout time.Duration) (string, error) {
	counts, err := neo4j.ExecuteQuery(ctx, b.driver, `MATCH (r:PromotionRequest) RETURN count(r) AS n, count(CASE WHEN r.open THEN 1 END) AS open`,
		nil, neo4j.EagerResultTransformer, rawOptions()...)
	if err != nil {
		return "", err
	}
	n, _, _ := neo4j.GetRecordValue[int64](counts.Records[0], "n")
	open, _, _ := neo4j.GetRecordValue[int64](counts.Records[0], "open")
	t0 := time.Now()
	res, err := neo4j.ExecuteQuery(ctx, b.driver, "PROFILE "+q, map[string]any{"id": dv}, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithReadersRouting(), neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(timeout)))
	if err != nil {
		return "", fmt.Errorf("PROFILE of the re-evaluation statement: %w", err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "  dataset version %s; %d rows returned in %s; %d open of %d requests in the database\n", dv, len(res.Records),
		ms(time.Since(t0)), open, n)
	if p := res.Summary.Profile(); p != nil {
		total := profile(&sb, p, 1)
		fmt.Fprintf(&sb, "  total db hits: %d\n", total)
	}
	return sb.String(), nil
}

// planProbe profiles the re-evaluation statement with a dataset version
// that does not exist and says which promotion requests the plan reads:
// the open ones (an index seek on open = true) or every request ever made
// (an index scan, with the open filter applied later). The statement this
// replaced flipped between the two as the statistics changed.
func (b *bench) planProbe(ctx context.Context) (string, error) {
	res, err := neo4j.ExecuteQuery(ctx, b.driver, "PROFILE "+openRequestsByDatasetVersion, map[string]any{"id": "dsv_bench-governance-probe"},
		neo4j.EagerResultTransformer, rawOptions()...)
	if err != nil {
		return "", fmt.Errorf("plan probe: %w", err)
	}
	counts, err := neo4j.ExecuteQuery(ctx, b.driver, `MATCH (r:PromotionRequest) RETURN count(r) AS n, count(CASE WHEN r.open THEN 1 END) AS open`,
		nil, neo4j.EagerResultTransformer, rawOptions()...)
	if err != nil {
		return "", err
	}
	n, _, _ := neo4j.GetRecordValue[int64](counts.Records[0], "n")
	open, _, _ := neo4j.GetRecordValue[int64](counts.Records[0], "open")
	var leaf string
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		details, _ := p.Arguments()["Details"].(string)
		if leaf == "" && strings.Contains(details, "PromotionRequest") {
			op, _, _ := strings.Cut(p.Operator(), "@")
			leaf = fmt.Sprintf("%s `%s` → %d rows", op, details, p.Records())
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	if p := res.Summary.Profile(); p != nil {
		walk(p)
	}
	return fmt.Sprintf("%s (%d open of %d requests in the database)", leaf, open, n), nil
}

// progress says on stderr what the benchmark is measuring now.
func progress(what string) { fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), what) }

// slowCall is how long a first call must take to be measured.
const slowCall = 5 * time.Second

// series makes one unmeasured call (measured when slower than slowCall),
// then measures up to n calls, fewer when they take more than budget
// altogether (at least one). It stops at the first error and returns it
// with the sorted timings.
func series(n int, budget time.Duration, call func() (time.Duration, error)) ([]time.Duration, error) {
	first, err := call()
	if err != nil {
		return nil, err
	}
	var lat []time.Duration
	var spent time.Duration
	// A call of seconds is measured from the first: warming up is
	// negligible at that scale.
	if first > slowCall {
		lat, spent = append(lat, first), first
	}
	for len(lat) < n && (len(lat) == 0 || spent < budget) {
		took, err := call()
		if err != nil {
			return lat, err
		}
		lat = append(lat, took)
		spent += took
	}
	slices.Sort(lat)
	return lat, nil
}

// cause names a failure for a table cell: the transaction timeout by
// name, anything else shortened.
func cause(err error) string {
	if strings.Contains(err.Error(), "TransactionTimedOut") {
		return fmt.Sprintf("the transaction timed out (%s)", txTimeout)
	}
	return clip(err.Error())
}

// clip shortens an error for a table cell.
func clip(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}

// profile writes one line per operator: name, rows, db hits and details.
func profile(sb *strings.Builder, p neo4j.ProfiledPlan, depth int) int64 {
	details, _ := p.Arguments()["Details"].(string)
	if len(details) > 140 {
		details = details[:140] + "…"
	}
	fmt.Fprintf(sb, "%s- %s: rows %d, db hits %d; %s\n", strings.Repeat("  ", depth), p.Operator(), p.Records(), p.DbHits(), details)
	total := p.DbHits()
	for _, c := range p.Children() {
		total += profile(sb, c, depth+1)
	}
	return total
}

// ids runs a read statement that returns an id column.
func (b *bench) ids(ctx context.Context, q string, params map[string]any) ([]string, error) {
	rows, err := b.modelVersions(ctx, q, params)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.id
	}
	return out, err
}

// modelVersions runs a read statement that returns an id column and,
// optionally, a stage column.
func (b *bench) modelVersions(ctx context.Context, q string, params map[string]any) ([]mv, error) {
	res, err := neo4j.ExecuteQuery(ctx, b.driver, q, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, err
	}
	out := make([]mv, 0, len(res.Records))
	for _, rec := range res.Records {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, err
		}
		stage, _, _ := neo4j.GetRecordValue[string](rec, "stage")
		out = append(out, mv{id, stage})
	}
	return out, nil
}

// do posts one GraphQL operation as subject (an admin of every project),
// decodes its data into out and returns the time to the decoded response
// and the response's size.
func (b *bench) do(ctx context.Context, subject, query string, vars map[string]any, out any) (time.Duration, int, error) {
	token, ok := b.tokens[subject]
	if !ok {
		var err error
		token, err = auth.NewDevToken([]byte(auth.DevSecret), subject, map[string]auth.Role{"*": auth.RoleAdmin}, 24*time.Hour, time.Now())
		if err != nil {
			return 0, 0, err
		}
		b.tokens[subject] = token
	}
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := b.http.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, 0, err
	}
	var env struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return 0, 0, fmt.Errorf("HTTP %d: %w", res.StatusCode, err)
	}
	if len(env.Errors) > 0 {
		if cause := b.serverErr.take(); cause != "" {
			return 0, 0, fmt.Errorf("GraphQL errors: %s; server log: %s", env.Errors, cause)
		}
		return 0, 0, fmt.Errorf("GraphQL errors: %s", env.Errors)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return 0, 0, err
	}
	return time.Since(t0), len(raw), nil
}

func neo4jVersion(ctx context.Context, d neo4j.DriverWithContext) (string, error) {
	res, err := neo4j.ExecuteQuery(ctx, d, `CALL dbms.components() YIELD versions, edition RETURN versions[0] + ' ' + edition AS v`, nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
	if err != nil || len(res.Records) == 0 {
		return "", err
	}
	v, _, err := neo4j.GetRecordValue[string](res.Records[0], "v")
	return v, err
}

func timed(name string, lat []time.Duration, note string) row {
	slices.Sort(lat)
	if len(lat) == 0 {
		return row{name: name, note: note}
	}
	return row{name: name, calls: len(lat), p50: pctl(lat, 0.5), p99: pctl(lat, 0.99), note: note}
}

// pctl reads a percentile of sorted durations.
func pctl(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func kib(n int) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

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
