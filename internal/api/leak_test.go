package api_test

import (
	"log/slog"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/datasource"
)

const (
	// leakDepth bounds the object levels of a generated selection (the
	// root field's type is level 1; connections and edges do not count).
	leakDepth = 3
	// leakWorkers is how many generated operations are in flight at once.
	leakWorkers = 6
	// leakLiveRounds bounds the rounds of marker writes that wait for the
	// live subscriptions; each round uses one pre-registered H version.
	leakLiveRounds = 8
	// leakQuiet is how long no subscription message may arrive before
	// another round of marker writes.
	leakQuiet = 3 * time.Second
)

// TestLeakOracle proves the README's promise that nothing of a project a
// caller may not read reaches that caller — no name, no ID, no digest, no
// actor — by asking everything the API serves and looking for the hidden
// project's strings in every byte that comes back.
//
// Fixture: two projects, A (readable) and H (hidden), linked through the
// real GraphQL API in every way it allows (buildLeakFixture; the links it
// refuses are asserted and logged there). Secrets: every string of H's
// nodes and events, read back from Neo4j — IDs (and their bare UUIDs),
// names, namespaces, URIs, digests, version labels, descriptions, params,
// tags, code and environment strings, actors — and H's key. Every string
// the fixture writes into H carries a random marker, so a secret cannot
// turn up by chance.
//
// Generation: the operations come from the schema the server serves
// (graph.NewExecutableSchema(graph.Config{}).Schema()), so a new field or
// argument is covered without editing the test. Each Query root field gets
// a selection expanding every field of its type recursively, interfaces
// through an inline fragment per possible type (fields aliased Type__field),
// down to leakDepth object levels with no type more than twice on a path.
// Arguments come from pools: ID arguments every ID of A and of H of the
// kind their name says (for id, from, to: the kinds the field accepts, found
// by a probe), key arguments A's and H's keys, enums every value (enum
// lists: the values a probe finds accepted), several required strings one
// record (a dataset version's namespace, name and version); every other
// optional argument and input-object field is varied alone. The viewer of
// A asks everything, A's approver all of the fields gated by role and, with
// A's admin and A's auditor, a sample of the others (runLeakQueries). Every
// Subscription root field is opened by each reader from the start of the
// log (after: "0") and live, with the same selection; marker writes, the
// first of them one more cross-project link, then run until every
// subscription has delivered an event written after they began, which
// proves the replay delivered the whole log before.
//
// Oracle: each response and message is searched for every secret (opaque
// page cursors decoded too); an error that repeats the caller's own
// argument is not a leak. A leak is reported once per field (Type.field, or
// the path inside a JSON value) and kind of secret, with the first
// operation that showed it and every root field and role that did. So that
// the test cannot pass by proving nothing, it also fails when a root field
// never answered without errors, when the server refuses a generated
// operation as malformed or too large, when A's side of the links is not
// visible to A's readers, and when the oracle does not find H's strings in
// H's own objects read by H's admin (checkLeakOracleSees).
func TestLeakOracle(t *testing.T) {
	h := newHub(t, func(o *api.Options) {
		raiseAllLimits(o)
		o.Webhooks = datasource.Everything()
		// The handler logs to stderr rather than to the test's output: a
		// subscription's last event may still be resolving after its client
		// left and the test ended, and a write to the output then panics.
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	fx := buildLeakFixture(t, h)
	sec := collectLeakSecrets(t, fx)
	t.Logf("fixture: A=%s, H=%s; %d secrets of H", fx.a, fx.hk, len(sec))

	readers := []leakReader{
		{"viewer", token(t, "aviewer-"+fx.am, map[string]auth.Role{fx.a: auth.RoleViewer})},
		{"approver", token(t, "aapprover-"+fx.am, map[string]auth.Role{fx.a: auth.RoleApprover})},
		{"admin", token(t, "aadmin-"+fx.am, map[string]auth.Role{fx.a: auth.RoleAdmin})},
		{"auditor", token(t, "aauditor-"+fx.am, map[string]auth.Role{fx.a: auth.RoleAuditor})},
	}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	o := &leakOracle{s: schema, secrets: sec, leaks: map[string]*leakFinding{}, stats: map[string]*leakStats{}}

	checkLeakASide(t, h, fx, readers, o)

	pools := loadLeakPools(t, fx)
	g := &leakGen{s: schema, depth: leakDepth, pools: pools, valid: map[string]map[string]bool{}, enums: map[string][]any{}}
	g.probe(t, h, readers[2].tok)
	g.probeEnums(t, h, readers[2].tok)

	start := time.Now()
	ops, genErrs := g.ops("query", schema.Query)
	for _, e := range genErrs {
		t.Errorf("generator: %s", e)
	}
	for _, op := range ops {
		op.known = o.known(op.vars)
	}
	checkLeakOracleSees(t, h, fx, g, ops, o)
	aStrings := []string{fx.a}
	for id, side := range pools.side {
		if side == "A" {
			aStrings = append(aStrings, id)
		}
	}
	runLeakQueries(t, h, ops, readers, aStrings, o)
	t.Logf("queries: %d operations in %s", len(ops), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	subs, genErrs := g.ops("subscription", schema.Subscription)
	for _, e := range genErrs {
		t.Errorf("generator: %s", e)
	}
	for _, op := range subs {
		op.known = o.known(op.vars)
	}
	runLeakSubscriptions(t, h, fx, subs, readers, o)
	t.Logf("subscriptions: %d × %d readers, replayed and live, in %s", len(subs), len(readers), time.Since(start).Round(time.Millisecond))

	o.report(t, schema)
}

// raiseAllLimits lifts every per-operation and per-caller limit of the
// handler: the generated operations are large, and many, on purpose.
func raiseAllLimits(o *api.Options) {
	const big = 1 << 20
	o.ComplexityLimit = math.MaxInt
	o.MaxBodyBytes = 256 << 20
	o.Limits = api.Limits{MaxTokens: big, MaxDepth: big, MaxFragments: big, MaxSpreads: big, MaxSelections: big, MaxRepeats: big, MaxObjects: big}
	o.Callers = api.CallerLimits{Concurrent: big, Rate: 1e9, Burst: big, CostRate: 1e12, CostBurst: 1 << 40}
}

type leakReader struct {
	role, tok string
}

// checkLeakASide proves that A's readers see A's side of every link, so
// that a redaction that hid everything could not pass the oracle.
func checkLeakASide(t *testing.T, h *hub, f *leakFixture, readers []leakReader, o *leakOracle) {
	t.Helper()
	viewer, approver, auditor := readers[0].tok, readers[1].tok, readers[3].tok
	ask := func(tok, op string, vars map[string]any, wants ...string) {
		t.Helper()
		res := h.gql(t, tok, op, vars)
		o.check(leakCtx{where: "A-side check", known: o.known(vars)}, res.Raw)
		if res.Status != http.StatusOK || len(res.Errors) > 0 {
			t.Errorf("A-side check %s: %s", op, res.Raw)
			return
		}
		for _, w := range wants {
			if !strings.Contains(string(res.Data), w) {
				t.Errorf("A-side check %s: the answer lacks %s: %s", op, w, res.Data)
			}
		}
	}
	ask(viewer, `query($id: ID!) { node(id: $id) { ... on Run { inputs { id } outputs { id } } } }`, map[string]any{"id": f.aRun}, f.aV1, f.aV2FromH)
	ask(viewer, `query($id: ID!) { node(id: $id) { ... on DatasetVersion { consumedBy { id } } } }`, map[string]any{"id": f.aV1}, f.aRun)
	ask(viewer, `query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 5) { nodes { id kind } } }`, map[string]any{"id": f.aV1},
		f.aRun, f.aV2FromH, f.aMV2, `"REDACTED"`)
	ask(viewer, `query($id: ID!) { node(id: $id) { ... on ModelVersion { biasChecks { totalCount edges { node { id } } } promotionRequests { totalCount } } } }`,
		map[string]any{"id": f.aMV1}, f.aBias, `"totalCount":1`)
	ask(viewer, `query($k: String!) { recentEvents(filter: {projectKeys: [$k], kinds: [RUN_LINEAGE_CHANGED, BIAS_CHECK_RECORDED]}) { events { kind targetId } } }`,
		map[string]any{"k": f.a}, f.aRun, f.aBias)
	ask(viewer, `query($v: ID!) { columnLineage(datasetVersionId: $v, column: "amount", direction: DOWNSTREAM) { nodes { id } modelVersions { id } } }`,
		map[string]any{"v": f.aPipe.ordersV1}, f.aPipe.aggTotal, f.aPipe.reportT, f.aPipeMV)
	ask(viewer, `query($k: String!, $ns: String!, $n: String!) { job(projectKey: $k, namespace: $ns, name: $n) {
		id runs { edges { node { id parent { id } } } } parent { id } inputs { id } outputs { id } } }`,
		map[string]any{"k": f.a, "ns": f.aPipe.ns, "n": f.aPipe.agg}, f.aPipe.aggJob, f.aPipe.aggRun, f.aPipe.dagRun, f.aPipe.dagJob, f.aPipe.orders, f.aPipe.aggDS)
	ask(viewer, `query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 6, kinds: [DATASET_VERSION, RUN, JOB, MODEL_VERSION]) { nodes { id kind } } }`,
		map[string]any{"id": f.aPipe.ordersV1}, f.aPipe.aggJob, f.aPipe.reportJob, f.aPipeRun, f.aPipeMV, `"REDACTED"`)
	ask(viewer, `query($id: ID!) { impact(id: $id) { jobs { id } modelVersions { id } hiddenAffected } }`,
		map[string]any{"id": f.aPipe.ordersV1}, f.aPipe.aggJob, f.aPipe.reportJob, f.aPipeMV, `"hiddenAffected":true`)
	ask(approver, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": f.aPR1}, f.aMV1, f.aBias, "a-comment-"+f.am)
	ask(viewer, `query($id: ID!, $dir: String) { node(id: $id) { ... on Run { artifacts { path } dir: artifacts(path: $dir) { path sha256 } } } }`,
		map[string]any{"id": f.aRun, "dir": "plots-" + f.am}, "notes-"+f.am+".txt", "plots-"+f.am+"/roc-"+f.am+".png")
	// A's second version was trained by A's run and produced by H's too:
	// its pack carries A's run's artifacts, and none of H's.
	ask(approver, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": f.aPR2}, "notes-"+f.am+".txt")
	ask(approver, `query($k: String!) { auditEvents(filter: {projectKeys: [$k]}, first: 100) { totalCount edges { node { targetId } } } }`,
		map[string]any{"k": f.a}, f.aPR1)
	// The auditor reads the same trail and the same pack as the approver.
	ask(auditor, `query($k: String!) { auditEvents(filter: {projectKeys: [$k]}, first: 100) { totalCount edges { node { targetId } } } }`,
		map[string]any{"k": f.a}, f.aPR1)
	ask(auditor, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": f.aPR1}, f.aMV1, f.aBias, "a-comment-"+f.am)
}

// checkLeakOracleSees is the oracle's own control: H's admin asks the
// generated node(id) operation for one object of each kind of H, and the
// oracle, run on those answers, must find H's strings in each, under the
// field of that kind. An oracle that cannot see H's data where it is
// allowed to be would pass every leak.
func checkLeakOracleSees(t *testing.T, h *hub, f *leakFixture, g *leakGen, ops []*leakOp, o *leakOracle) {
	t.Helper()
	c := &leakOracle{s: o.s, secrets: o.secrets, leaks: map[string]*leakFinding{}, stats: map[string]*leakStats{}}
	asked := map[string]bool{}
	for _, op := range ops {
		if op.root != "node" || op.aOnly {
			continue
		}
		var label string
		for _, v := range op.vars {
			if id, ok := v.(string); ok && g.pools.side[id] == "H" {
				label = g.pools.label[id]
			}
		}
		if label == "" || asked[label] {
			continue
		}
		asked[label] = true
		_, raw, err := leakPost(h.srv.URL, f.hw, op.doc, op.vars)
		if err != nil {
			t.Fatalf("control: %v", err)
		}
		c.check(leakCtx{where: "control", rootType: op.rootType, known: op.known}, raw)
	}
	if len(asked) < 8 {
		t.Errorf("control: only %d kinds of H objects to ask for: %v", len(asked), asked)
	}
	for label := range asked {
		found := false
		for _, l := range c.leaks {
			found = found || strings.HasPrefix(l.field, label+".")
		}
		if !found {
			t.Errorf("control: the oracle found none of H's strings in H's %s, read by H's admin", label)
		}
	}
}
