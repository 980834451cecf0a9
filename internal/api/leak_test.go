package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/wsclient"
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
// A's admin, a sample of the others (runLeakQueries). Every
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

// ---------------------------------------------------------------- fixture

// leakFixture is project A (readable) and project H (hidden), linked in
// every way the API allows.
type leakFixture struct {
	h *hub
	// a and hk are the keys; am and hm the markers every string of A and
	// of H carries.
	a, hk, am, hm string
	aw, hw        string // writers: aw writes A (and may link H), hw writes H (and may link A)

	aExp, aRun, aRun2, aRepro             string
	hExp, hRun, hRun2                     string
	aDS, aDerivedDS, aEvalDS              string
	hDS, hEvalDS                          string
	aV1, aV2FromH, aProducedByH, aEval    string
	hV1, hFromA, hOut, hEval, hDerivedOfA string
	aMV1, aMV2, hMV                       string
	aPR1, aPR2, hPR                       string
	aBias                                 string
	// hLive are H versions registered up front for the live rounds: each
	// round links one into A's run, so its ID is a secret from the start.
	hLive []string
}

type leakReader struct {
	role, tok string
}

// do posts op and fails the test unless it succeeds; data goes into out.
func (f *leakFixture) do(t *testing.T, tok, op string, vars map[string]any, out any) {
	t.Helper()
	f.h.gql(t, tok, op, vars).ok(t, out)
}

// refused posts op, expects it to fail, and returns the error code.
func (f *leakFixture) refused(t *testing.T, what, tok, op string, vars map[string]any) string {
	t.Helper()
	res := f.h.gql(t, tok, op, vars)
	if len(res.Errors) == 0 {
		t.Fatalf("%s: the API was expected to refuse this link, but it succeeded: %s", what, res.Raw)
	}
	return res.code()
}

const (
	leakCreateProject = `mutation($k: String!, $n: String!) { createProject(input: {key: $k, name: $n}) { project { id } } }`
	leakCreateExp     = `mutation($k: String!, $n: String!, $d: String) { createExperiment(input: {projectKey: $k, name: $n, description: $d}) { experiment { id } } }`
	leakStartRun      = `mutation($e: ID!, $n: String, $p: [ParamInput!], $tg: [TagInput!], $c: CodeRefInput, $env: EnvironmentInput, $seed: Int) {
		startRun(input: {experimentId: $e, name: $n, params: $p, tags: $tg, code: $c, environment: $env, seed: $seed}) { run { id } } }`
	leakLogMetrics = `mutation($r: ID!, $pts: [MetricPointInput!]!) { logMetrics(input: {runId: $r, points: $pts}) { accepted } }`
	leakFinishRun  = `mutation($r: ID!) { finishRun(input: {runId: $r}) { run { status } } }`
	leakRegisterDS = `mutation($k: String!, $ns: String!, $n: String!, $d: String) {
		registerDataset(input: {projectKey: $k, namespace: $ns, name: $n, description: $d}) { dataset { id } } }`
	leakRegisterDSV = `mutation($in: RegisterDatasetVersionInput!) { registerDatasetVersion(input: $in) { datasetVersion { id } created } }`
	leakInputs      = `mutation($r: ID!, $v: [ID!]!) { addRunInputs(input: {runId: $r, datasetVersionIds: $v}) { run { id } } }`
	leakOutputs     = `mutation($r: ID!, $v: [ID!], $m: [ID!]) { addRunOutputs(input: {runId: $r, datasetVersionIds: $v, modelVersionIds: $m}) { run { id } } }`
	leakRegisterMV  = `mutation($k: String!, $n: String!, $r: ID, $u: String!) {
		registerModelVersion(input: {projectKey: $k, modelName: $n, runId: $r, uri: $u}) { modelVersion { id } } }`
	leakRecordResult = `mutation($v: ID!, $s: String!, $r: String!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: $s, result: $r}) { validationRun { id } } }`
	leakSetPolicy    = `mutation($in: SetPolicyInput!) { setPolicy(input: $in) { changed } }`
	leakRequest      = `mutation($mv: ID!, $s: ModelStage!, $j: String!) {
		requestPromotion(input: {modelVersionId: $mv, targetStage: $s, justification: $j}) { promotionRequest { id status } } }`
	leakApprove  = `mutation($id: ID!, $c: String!) { approvePromotion(input: {promotionRequestId: $id, comment: $c}) { promoted promotionRequest { status } } }`
	leakBias     = `mutation($in: RunBiasCheckInput!) { runBiasCheck(input: $in) { biasCheck { id sha256 } } }`
	leakRepro    = `mutation($a: ID!, $b: ID!) { recordReproduction(input: {originalRunId: $a, reproductionRunId: $b, tolerance: 0.01}) { reproduction { id status } } }`
	leakRunValid = `mutation($s: ID!, $v: ID!) { runValidation(input: {suiteId: $s, datasetVersionId: $v}) { validationRun { id } } }`
)

// leakMarker is a random lowercase tag.
func leakMarker(t *testing.T, prefix string) string {
	t.Helper()
	k := neo4jtest.Key(t, prefix) // prefix-xxxxxxxx
	return strings.ReplaceAll(k, "-", "")
}

// leakCSV is governance_test.go's evaluation set with a nonce column, so
// each project's file has its own digest.
func leakCSV(nonce string) string {
	lines := strings.Split(strings.TrimSpace(evalCSV), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] += ",nonce"
		} else {
			lines[i] += "," + nonce
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// buildLeakFixture makes A and H through the GraphQL API. Two writers make
// the links: A's (admin of A, contributor of H) and H's (admin of H,
// contributor of A), so that each link the API allows across projects can
// be made while every node and event of H has an actor of H's own, whose
// name is a secret too.
func buildLeakFixture(t *testing.T, h *hub) *leakFixture {
	t.Helper()
	f := &leakFixture{h: h, a: neo4jtest.Key(t, "leaka"), hk: neo4jtest.Key(t, "leakh"), am: leakMarker(t, "ax"), hm: leakMarker(t, "hx")}
	a, H, am, hm := f.a, f.hk, f.am, f.hm
	f.aw = token(t, "awriter-"+am, map[string]auth.Role{a: auth.RoleAdmin, H: auth.RoleContributor})
	f.hw = token(t, "hwriter-"+hm, map[string]auth.Role{H: auth.RoleAdmin, a: auth.RoleContributor})
	aDecider := token(t, "adecider-"+am, map[string]auth.Role{a: auth.RoleApprover})
	hDecider := token(t, "hdecider-"+hm, map[string]auth.Role{H: auth.RoleAdmin})
	aw, hw := f.aw, f.hw

	var p struct {
		CreateProject struct{ Project struct{ ID string } }
	}
	f.do(t, aw, leakCreateProject, map[string]any{"k": a, "n": "a-project-" + am}, &p)
	f.do(t, hw, leakCreateProject, map[string]any{"k": H, "n": "h-project-" + hm}, &p)

	exp := func(tok, key, name, desc string) string {
		var out struct {
			CreateExperiment struct{ Experiment struct{ ID string } }
		}
		f.do(t, tok, leakCreateExp, map[string]any{"k": key, "n": name, "d": desc}, &out)
		return out.CreateExperiment.Experiment.ID
	}
	run := func(tok, expID, m, name string) string {
		var out struct {
			StartRun struct{ Run struct{ ID string } }
		}
		f.do(t, tok, leakStartRun, map[string]any{"e": expID, "n": name,
			"p":    []map[string]any{{"key": "param-" + m, "value": "pval-" + m}},
			"tg":   []map[string]any{{"key": "tag-" + m, "value": "tval-" + m}},
			"c":    map[string]any{"repo": "https://git.example/repo-" + m, "commit": "commit" + m},
			"env":  map[string]any{"imageDigest": "sha256:" + sha("image"+m+name), "lockfileHash": "lock-" + m + "-" + name, "platform": "plat-" + m},
			"seed": 7}, &out)
		id := out.StartRun.Run.ID
		f.do(t, tok, leakLogMetrics, map[string]any{"r": id, "pts": []map[string]any{{"key": "metric-" + m, "value": 0.9, "step": 1}}}, nil)
		return id
	}
	dataset := func(tok, key, m, name string) string {
		var out struct {
			RegisterDataset struct{ Dataset struct{ ID string } }
		}
		f.do(t, tok, leakRegisterDS, map[string]any{"k": key, "ns": "s3://lake-" + m, "n": name + "-" + m, "d": "desc-" + name + "-" + m}, &out)
		return out.RegisterDataset.Dataset.ID
	}
	version := func(tok, ds, m, label, uri, digest string, derivedFrom ...string) string {
		in := map[string]any{"datasetId": ds, "version": label + "-" + m, "uri": uri, "digest": digest, "rowCount": 8,
			"schema": []map[string]any{{"name": "field-" + label + "-" + m, "type": "string"}}}
		if len(derivedFrom) > 0 {
			in["derivedFrom"] = derivedFrom
		}
		var out struct {
			RegisterDatasetVersion struct{ DatasetVersion struct{ ID string } }
		}
		f.do(t, tok, leakRegisterDSV, map[string]any{"in": in}, &out)
		return out.RegisterDatasetVersion.DatasetVersion.ID
	}
	model := func(tok, key, name, runID, m string) string {
		vars := map[string]any{"k": key, "n": name, "u": "s3://models-" + m + "/" + name}
		if runID != "" {
			vars["r"] = runID
		}
		var out struct {
			RegisterModelVersion struct{ ModelVersion struct{ ID string } }
		}
		f.do(t, tok, leakRegisterMV, vars, &out)
		return out.RegisterModelVersion.ModelVersion.ID
	}
	lake := func(m, name string) string { return "s3://lake-" + m + "/" + name + "-" + m }

	// Policies: A needs one approval, a passing bias rule and validated
	// upstream data; H needs an admin.
	f.do(t, aw, leakSetPolicy, map[string]any{"in": map[string]any{"projectKey": a, "requiredApprovals": 1, "allowWarnedValidations": true,
		"biasRules": []map[string]any{{"metric": "DEMOGRAPHIC_PARITY_RATIO", "threshold": 0.5}}}}, nil)
	f.do(t, hw, leakSetPolicy, map[string]any{"in": map[string]any{"projectKey": H, "requiredApprovals": 1, "approverRole": "ADMIN",
		"requireUpstreamValidationsPassed": false}}, nil)

	// H's own graph.
	f.hExp = exp(hw, H, "h-exp-"+hm, "h-exp-desc-"+hm)
	f.hDS = dataset(hw, H, hm, "h-table")
	f.hEvalDS = dataset(hw, H, hm, "h-eval")
	f.hV1 = version(hw, f.hDS, hm, "h-v1", lake(hm, "h-v1"), sha("h-v1"+hm))
	f.hFromA = version(hw, f.hDS, hm, "h-froma", lake(hm, "h-froma"), sha("h-froma"+hm))
	f.hOut = version(hw, f.hDS, hm, "h-out", lake(hm, "h-out"), sha("h-out"+hm))
	hPath, hSum := writeData(t, "h-eval-"+hm+".csv", leakCSV(hm))
	f.hEval = version(hw, f.hEvalDS, hm, "h-evalv", "file://"+hPath, hSum)
	for i := range leakLiveRounds {
		label := fmt.Sprintf("h-live%d", i)
		f.hLive = append(f.hLive, version(hw, f.hDS, hm, label, lake(hm, label), sha(label+hm)))
	}

	// A's own graph.
	f.aExp = exp(aw, a, "a-exp-"+am, "a-exp-desc-"+am)
	f.aDS = dataset(aw, a, am, "a-table")
	f.aDerivedDS = dataset(aw, a, am, "a-derived")
	f.aEvalDS = dataset(aw, a, am, "a-eval")
	f.aV1 = version(aw, f.aDS, am, "a-v1", lake(am, "a-v1"), sha("a-v1"+am))
	aPath, aSum := writeData(t, "a-eval-"+am+".csv", leakCSV(am))
	f.aEval = version(aw, f.aEvalDS, am, "a-evalv", "file://"+aPath, aSum)
	f.aProducedByH = version(aw, f.aDerivedDS, am, "a-byh", lake(am, "a-byh"), sha("a-byh"+am))

	// Link: an A version derived from an H version, and the other way.
	f.aV2FromH = version(aw, f.aDS, am, "a-v2", lake(am, "a-v2"), sha("a-v2"+am), f.hV1)
	f.hDerivedOfA = version(hw, f.hDS, hm, "h-ofa", lake(hm, "h-ofa"), sha("h-ofa"+hm), f.aV1)

	// Link: H's run reads A's and H's data, writes an A version and an H
	// version; H's model is trained by it.
	f.hRun = run(hw, f.hExp, hm, "h-run-"+hm)
	f.do(t, hw, leakInputs, map[string]any{"r": f.hRun, "v": []string{f.aV1, f.hV1, f.hEval}}, nil)
	f.do(t, hw, leakOutputs, map[string]any{"r": f.hRun, "v": []string{f.aProducedByH, f.hOut}}, nil)
	f.hMV = model(hw, H, "h-model-"+hm, f.hRun, hm)

	// Link: A's run reads H's versions and A's, writes an H version and
	// an H model version besides its own.
	f.aRun = run(aw, f.aExp, am, "a-run-"+am)
	f.do(t, aw, leakInputs, map[string]any{"r": f.aRun, "v": []string{f.aV1, f.hV1, f.hEval}}, nil)
	f.do(t, aw, leakOutputs, map[string]any{"r": f.aRun, "v": []string{f.aV2FromH, f.hFromA}, "m": []string{f.hMV}}, nil)

	// Link: A's first model version is trained by H's run (the writer is a
	// contributor of both); the second by A's run, which read H's data.
	f.aMV1 = model(aw, a, "a-model-"+am, f.hRun, am)
	f.aMV2 = model(aw, a, "a-model-"+am, f.aRun, am)
	// Link: H's run also produced A's second model version.
	f.do(t, hw, leakOutputs, map[string]any{"r": f.hRun, "m": []string{f.aMV2}}, nil)

	// Data quality. H's suite fails on H's evaluation data and checks a
	// column against A's data; A's suite checks a column against H's data.
	hSuite := createSuite(t, h, hw, f.hEvalDS, "h-suite-"+hm, fmt.Sprintf(
		`{"rules": [{"type": "not_null", "column": "sex"}, {"type": "value_between", "column": "y", "min": 5, "max": 9},
		  {"type": "referential_integrity", "column": "sex", "reference": %q}]}`, f.aEval))
	if st := awaitRun(t, h, hw, runValidation(t, h, hw, hSuite, f.hEval)).Status; st != "FAILED" {
		t.Fatalf("H's validation: want FAILED, got %s", st)
	}
	f.do(t, hw, leakRecordResult, map[string]any{"v": f.hV1, "s": "h-ge-" + hm, "r": `{"success": false, "results": []}`}, nil)
	aSuite := createSuite(t, h, aw, f.aEvalDS, "a-suite-"+am, fmt.Sprintf(
		`{"rules": [{"type": "not_null", "column": "sex"}, {"type": "referential_integrity", "column": "sex", "reference": %q}]}`, f.hEval))
	if st := awaitRun(t, h, aw, runValidation(t, h, aw, aSuite, f.aEval)).Status; st != "PASSED" {
		t.Fatalf("A's validation: want PASSED, got %s", st)
	}
	for _, v := range []string{f.aV1, f.aV2FromH, f.aProducedByH} {
		f.do(t, aw, leakRecordResult, map[string]any{"v": v, "s": "a-ge-" + am, "r": `{"success": true, "results": []}`}, nil)
	}

	// Bias checks: A's model on H's evaluation data, H's model on A's.
	bias := func(tok, mv, data string) string {
		var out struct {
			RunBiasCheck struct{ BiasCheck struct{ ID string } }
		}
		f.do(t, tok, leakBias, map[string]any{"in": map[string]any{"modelVersionId": mv, "datasetVersionId": data, "labelColumn": "y",
			"predictionColumn": "p", "sensitiveColumns": []string{"sex"}, "positiveLabel": "1", "minGroupSize": 2}}, &out)
		return out.RunBiasCheck.BiasCheck.ID
	}
	f.aBias = bias(aw, f.aMV1, f.hEval)
	bias(aw, f.aMV2, f.aEval)
	bias(hw, f.hMV, f.aEval)

	// Reproductions: the original run must be FINISHED with metrics, and
	// the rerun must be in the same project.
	f.aRun2 = run(aw, f.aExp, am, "a-rerun-"+am)
	f.hRun2 = run(hw, f.hExp, hm, "h-rerun-"+hm)
	for _, r := range [][2]string{{aw, f.aRun}, {aw, f.aRun2}, {hw, f.hRun}, {hw, f.hRun2}} {
		f.do(t, r[0], leakFinishRun, map[string]any{"r": r[1]}, nil)
	}
	var rep struct {
		RecordReproduction struct{ Reproduction struct{ ID string } }
	}
	f.do(t, aw, leakRepro, map[string]any{"a": f.aRun, "b": f.aRun2}, &rep)
	f.aRepro = rep.RecordReproduction.Reproduction.ID
	f.do(t, hw, leakRepro, map[string]any{"a": f.hRun, "b": f.hRun2}, nil)

	// Links the API refuses (asserted, so a change of rule shows up here):
	refusals := []string{
		// recordReproduction: "A FINISHED run of the same project".
		"recordReproduction(A run, H rerun): " + f.refused(t, "cross-project reproduction", aw, leakRepro, map[string]any{"a": f.aRun, "b": f.hRun2}),
		"recordReproduction(H run, A rerun): " + f.refused(t, "cross-project reproduction", hw, leakRepro, map[string]any{"a": f.hRun, "b": f.aRun2}),
		// runValidation: the version must be one of the suite's dataset.
		"runValidation(A suite, H version): " + f.refused(t, "cross-project validation", aw, leakRunValid, map[string]any{"s": aSuite, "v": f.hEval}),
	}
	t.Logf("links the API refuses: %s", strings.Join(refusals, "; "))

	// Promotions: A's model trained by H's run, with a bias check on H's
	// data, approved by a second approver of A so the pack has an approval;
	// A's second version stays open; H has its own.
	req := func(tok, mv, stage, just string) string {
		var out struct {
			RequestPromotion struct{ PromotionRequest struct{ ID, Status string } }
		}
		f.do(t, tok, leakRequest, map[string]any{"mv": mv, "s": stage, "j": just}, &out)
		return out.RequestPromotion.PromotionRequest.ID
	}
	f.aPR1 = req(aw, f.aMV1, "PRODUCTION", "a-just-"+am)
	f.do(t, aDecider, leakApprove, map[string]any{"id": f.aPR1, "c": "a-comment-" + am}, nil)
	f.aPR2 = req(aw, f.aMV2, "STAGING", "a-just2-"+am)
	f.hPR = req(hw, f.hMV, "STAGING", "h-just-"+hm)
	f.do(t, hDecider, leakApprove, map[string]any{"id": f.hPR, "c": "h-comment-" + hm}, nil)
	return f
}

// ---------------------------------------------------------------- secrets

// leakSecret is one string of H.
type leakSecret struct {
	value string
	b     []byte
	kind  string // Label.property
}

var (
	leakHexDigest = regexp.MustCompile(`^(sha256:)?[0-9a-f]{64}$`)
	leakUUID      = regexp.MustCompile(`^[a-z]+_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
)

// collectLeakSecrets reads every node of H from Neo4j (its events
// included) and keeps each string that is H's: its IDs, anything carrying
// H's marker, and its digests (any 64-hex string but A's data digests).
// Event hashes are left out on purpose: the log is one global hash chain,
// so an A event's prevHash is whatever event came before it, by design.
// A secret's kind is where it is first found: nodes before events, id
// first, so an ID is "DatasetVersion.id" rather than an event's payload.
func collectLeakSecrets(t *testing.T, f *leakFixture) []*leakSecret {
	t.Helper()
	rows := must(neo4jQuery(t, `
		MATCH (n) WHERE n.projectKey = $h RETURN labels(n) AS labels, properties(n) AS props
		UNION ALL
		MATCH (n:Project {key: $h}) RETURN labels(n) AS labels, properties(n) AS props`, map[string]any{"h": f.hk})).of(t)
	hIDs := map[string]bool{}
	events := 0
	for _, r := range rows {
		if id, ok := r["props"].(map[string]any)["id"].(string); ok {
			hIDs[id] = true
		}
		if leakLabel(r["labels"]) == "Event" {
			events++
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return leakLabel(rows[i]["labels"]) != "Event" && leakLabel(rows[j]["labels"]) == "Event"
	})
	// A's own data digests may sit in H's nodes legitimately (H's bias
	// check of A's data records A's digest): they are A's, not secrets.
	aDigests := map[string]bool{}
	for _, r := range must(neo4jQuery(t, `MATCH (v:DatasetVersion {projectKey: $a}) RETURN v.digest AS d`, map[string]any{"a": f.a})).of(t) {
		d, _ := r["d"].(string)
		aDigests[d] = true
	}
	seen := map[string]*leakSecret{}
	add := func(v, kind string) {
		if len(v) < 8 || seen[v] != nil || aDigests[v] {
			return
		}
		seen[v] = &leakSecret{value: v, b: []byte(v), kind: kind}
	}
	consider := func(v, kind string) {
		switch {
		case hIDs[v]:
			add(v, kind)
			if m := leakUUID.FindStringSubmatch(v); m != nil {
				add(m[1], kind+" (bare uuid)")
			}
		case strings.Contains(v, f.hm):
			add(v, kind)
		case leakHexDigest.MatchString(v):
			add(v, kind) // a digest of H's data, or of its code or image
			add(strings.TrimPrefix(v, "sha256:"), kind)
		}
	}
	// Strings that hold JSON (params, payloads, reports) are walked too.
	var walk func(x any, kind string)
	walk = func(x any, kind string) {
		switch x := x.(type) {
		case string:
			consider(x, kind)
			var j any
			if (strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[")) && json.Unmarshal([]byte(x), &j) == nil {
				walk(j, kind)
			}
		case []any:
			for _, e := range x {
				walk(e, kind)
			}
		case map[string]any:
			for k, e := range x {
				consider(k, kind)
				walk(e, kind+"."+k)
			}
		}
	}
	for _, r := range rows {
		label := leakLabel(r["labels"])
		props := r["props"].(map[string]any)
		keys := slices.Sorted(mapKeys(props))
		if i := slices.Index(keys, "id"); i > 0 {
			keys = append(append([]string{"id"}, keys[:i]...), keys[i+1:]...)
		}
		for _, k := range keys {
			v := props[k]
			if label == "Event" && (k == "hash" || k == "prevHash") {
				continue
			}
			kind := label + "." + k
			if k == "actor" || strings.HasSuffix(k, "By") {
				kind = "actor"
			}
			walk(v, kind)
		}
	}
	add(f.hk, "Project.key")
	out := make([]*leakSecret, 0, len(seen))
	for _, s := range seen {
		out = append(out, s)
	}
	// Longest first: a string holding several secrets is reported under
	// the most specific (a URI before the namespace inside it).
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].value) != len(out[j].value) {
			return len(out[i].value) > len(out[j].value)
		}
		return out[i].value < out[j].value
	})
	kinds := map[string]int{}
	for _, s := range out {
		kinds[strings.SplitN(s.kind, ".", 2)[0]]++
	}
	if len(hIDs) < 20 || events < 20 || kinds["DatasetVersion"] == 0 || kinds["actor"] == 0 {
		t.Fatalf("too few secrets of H to prove anything: %d IDs, %d events, kinds %v", len(hIDs), events, kinds)
	}
	// Only H's strings are secrets: nothing of A may be among them.
	aRows := must(neo4jQuery(t, `MATCH (n) WHERE n.projectKey = $a AND NOT n:Event RETURN n.id AS id`, map[string]any{"a": f.a})).of(t)
	for _, r := range aRows {
		if id, _ := r["id"].(string); seen[id] != nil {
			t.Fatalf("A's ID %s is among H's secrets", id)
		}
	}
	return out
}

func leakLabel(labels any) string {
	ls, _ := labels.([]any)
	for _, l := range ls {
		if s, _ := l.(string); s != "" && s != "Node" {
			return s
		}
	}
	return "?"
}

// ---------------------------------------------------------------- A side

// checkLeakASide proves that A's readers see A's side of every link, so
// that a redaction that hid everything could not pass the oracle.
func checkLeakASide(t *testing.T, h *hub, f *leakFixture, readers []leakReader, o *leakOracle) {
	t.Helper()
	viewer, approver := readers[0].tok, readers[1].tok
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
	ask(approver, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": f.aPR1}, f.aMV1, f.aBias, "a-comment-"+f.am)
	ask(approver, `query($k: String!) { auditEvents(filter: {projectKeys: [$k]}, first: 100) { totalCount edges { node { targetId } } } }`,
		map[string]any{"k": f.a}, f.aPR1)
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

// ---------------------------------------------------------------- pools

// leakPools are the argument values the generator draws from.
type leakPools struct {
	byLabel map[string][]string // label → IDs, A's first
	all     []string
	side    map[string]string // ID → "A" or "H"
	label   map[string]string // ID → label
	keys    []string          // A's key, H's key
	// records are correlated string arguments: the namespace, name and
	// version of one dataset version; the key and value of one param.
	records []map[string]any
	search  []string // substrings to search names with
	// dsOfA maps each dataset of A to one of its versions (marker writes).
	dsOfA   map[string]string
	expsOfA []string
	anchors []string // a few IDs to pair with every other in two-ID fields
	now     string
}

func loadLeakPools(t *testing.T, f *leakFixture) *leakPools {
	t.Helper()
	p := &leakPools{byLabel: map[string][]string{}, side: map[string]string{}, label: map[string]string{}, keys: []string{f.a, f.hk},
		dsOfA: map[string]string{}, now: time.Now().UTC().Format(time.RFC3339Nano)}
	for _, s := range []struct{ key, side string }{{f.a, "A"}, {f.hk, "H"}} {
		rows := must(neo4jQuery(t, `MATCH (n) WHERE (n.projectKey = $k OR n:Project AND n.key = $k) AND n.id IS NOT NULL AND NOT n:Event
			RETURN n.id AS id, labels(n) AS labels ORDER BY n.id`, map[string]any{"k": s.key})).of(t)
		for _, r := range rows {
			id, l := r["id"].(string), leakLabel(r["labels"])
			if !leakUUID.MatchString(id) || slices.Contains(f.hLive, id) {
				// Not a global ID (a metric's key): no argument takes it. The
				// live rounds' versions are like H's others: asking for them
				// too would only take time.
				continue
			}
			p.byLabel[l] = append(p.byLabel[l], id)
			p.all = append(p.all, id)
			p.side[id], p.label[id] = s.side, l
		}
		rows = must(neo4jQuery(t, `MATCH (d:Dataset {projectKey: $k})-[:HAS_VERSION]->(v:DatasetVersion)
			RETURN d.id AS ds, d.namespace AS namespace, d.name AS name, v.version AS version, v.id AS id ORDER BY v.id`,
			map[string]any{"k": s.key})).of(t)
		for _, r := range rows {
			if slices.Contains(f.hLive, r["id"].(string)) {
				continue
			}
			p.records = append(p.records, map[string]any{"namespace": r["namespace"], "name": r["name"], "version": r["version"]})
			if s.side == "A" {
				if _, ok := p.dsOfA[r["ds"].(string)]; !ok {
					p.dsOfA[r["ds"].(string)] = r["id"].(string)
				}
			}
		}
	}
	for _, m := range []string{f.am, f.hm} {
		p.records = append(p.records, map[string]any{"key": "param-" + m, "value": "pval-" + m}, map[string]any{"key": "tag-" + m, "value": "tval-" + m})
	}
	p.expsOfA = slices.DeleteFunc(slices.Clone(p.byLabel["Experiment"]), func(id string) bool { return p.side[id] != "A" })
	p.search = []string{f.a, f.hk, f.hm, "h-project-" + f.hm, "h-table-" + f.hm, "h-exp-" + f.hm, "h-model-" + f.hm}
	p.anchors = []string{f.aV1, f.aProducedByH, f.hV1}
	return p
}

// idsFor returns the IDs an argument or input field named name takes: the
// IDs of the kind its name says (experimentId, originalRunId, …), else
// every ID the field accepts (probed).
func (p *leakPools) idsFor(name string, valid map[string]bool) []string {
	if l := p.labelOf(name); l != "" {
		return p.byLabel[l]
	}
	var out []string
	for _, id := range p.all {
		if valid == nil || valid[p.label[id]] {
			out = append(out, id)
		}
	}
	return out
}

// labelOf is the label an ID argument's name names: the longest label L
// such that the name ends with L + "Id".
func (p *leakPools) labelOf(name string) string {
	best := ""
	for l := range p.byLabel {
		if strings.HasSuffix(strings.ToLower(name), strings.ToLower(l)+"id") && len(l) > len(best) {
			best = l
		}
	}
	return best
}

// ---------------------------------------------------------------- generator

// leakGen writes operations from the schema.
type leakGen struct {
	s     *ast.Schema
	depth int
	pools *leakPools
	// valid is, per root field with a generic ID argument, the labels the
	// field accepts (probed); nil: not probed, all.
	valid map[string]map[string]bool
	// enums is, per root field argument that is a list of enum values
	// ("lineage.kinds"), the values it accepts (probed).
	enums map[string][]any
}

// leakOp is one generated operation.
type leakOp struct {
	kind, root string // "query"/"subscription", the root field
	doc        string
	vars       map[string]any
	desc       string // the arguments, for messages
	aOnly      bool   // every ID and key argument is A's
	rootType   string // the root field's named type, when it has fields
	known      map[*leakSecret]bool
}

// leakWrapper says whether a type is a connection or an edge, which do not
// count as object levels.
func leakWrapper(name string) bool {
	return strings.HasSuffix(name, "Connection") || strings.HasSuffix(name, "Edge") || name == "PageInfo"
}

// selection expands def: every field, recursively, to g.depth object
// levels; interfaces and unions through an inline fragment per possible
// type, whose fields are aliased Type__field so that fields of the same
// name and different types never conflict.
func (g *leakGen) selection(def *ast.Definition, path map[string]int, depth int) string {
	if def.Kind == ast.Interface || def.Kind == ast.Union {
		types := slices.Clone(g.s.GetPossibleTypes(def))
		sort.Slice(types, func(i, j int) bool { return types[i].Name < types[j].Name })
		var b strings.Builder
		b.WriteString("__typename")
		for _, pt := range types {
			fmt.Fprintf(&b, " ... on %s { %s }", pt.Name, g.fields(pt, pt.Name+"__", path, depth))
		}
		return b.String()
	}
	return g.fields(def, "", path, depth)
}

func (g *leakGen) fields(def *ast.Definition, alias string, path map[string]int, depth int) string {
	path[def.Name]++
	defer func() { path[def.Name]-- }()
	var parts []string
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		args, ok := g.nestedArgs(f)
		if !ok {
			continue
		}
		name := f.Name + args
		if alias != "" {
			name = alias + f.Name + ": " + name
		}
		t := g.s.Types[f.Type.Name()]
		if t.IsLeafType() {
			parts = append(parts, name)
			continue
		}
		d := depth
		if !leakWrapper(t.Name) {
			d++
		}
		if d > g.depth || path[t.Name] >= 2 {
			continue
		}
		parts = append(parts, name+" { "+g.selection(t, path, d)+" }")
	}
	if len(parts) == 0 {
		return "__typename"
	}
	return strings.Join(parts, " ")
}

// nestedArgs are the arguments of a field below the root: pages of 100,
// defaults for the rest. A required argument without a literal the
// generator can write drops the field (none does today).
func (g *leakGen) nestedArgs(f *ast.FieldDefinition) (string, bool) {
	var parts []string
	for _, a := range f.Arguments {
		switch {
		case a.Name == "first" && a.Type.Name() == "Int":
			parts = append(parts, "first: 100")
		case a.Type.NonNull && a.DefaultValue == nil:
			vals := g.candidates(a.Name, a.Type, nil)
			if len(vals) == 0 {
				return "", false
			}
			b, _ := json.Marshal(vals[0])
			if t := g.s.Types[a.Type.Name()]; t.Kind == ast.Enum {
				b = []byte(vals[0].(string))
			} else if t.Kind == ast.InputObject || a.Type.Elem != nil {
				return "", false
			}
			parts = append(parts, a.Name+": "+string(b))
		}
	}
	if len(parts) == 0 {
		return "", true
	}
	return "(" + strings.Join(parts, ", ") + ")", true
}

// candidates are the values an argument or input field takes.
func (g *leakGen) candidates(name string, typ *ast.Type, valid map[string]bool) []any {
	def := g.s.Types[typ.Name()]
	if typ.Elem != nil {
		elem := g.candidates(name, typ.Elem, valid)
		if len(elem) == 0 {
			return nil
		}
		switch {
		case def.Kind == ast.Enum:
			var alt []any
			for i, v := range elem {
				if i%2 == 0 {
					alt = append(alt, v)
				}
			}
			return []any{elem, alt}
		case def.Name == "ID":
			// Every ID at once, in lists of at most 100.
			var out []any
			for i := 0; i < len(elem); i += 100 {
				out = append(out, elem[i:min(i+100, len(elem))])
			}
			return out
		default:
			out := []any{}
			for _, e := range elem {
				out = append(out, []any{e})
			}
			if len(elem) > 1 {
				out = append(out, elem)
			}
			return out
		}
	}
	switch def.Kind {
	case ast.Enum:
		var out []any
		for _, v := range def.EnumValues {
			out = append(out, v.Name)
		}
		return out
	case ast.InputObject:
		return g.inputObjects(def, valid)
	}
	lower := strings.ToLower(name)
	switch def.Name {
	case "ID":
		var out []any
		for _, id := range g.pools.idsFor(name, valid) {
			out = append(out, id)
		}
		return out
	case "String":
		switch {
		case lower == "key" || lower == "projectkey" || lower == "projectkeys":
			return []any{g.pools.keys[0], g.pools.keys[1]}
		case strings.HasSuffix(lower, "contains"):
			var out []any
			for _, s := range g.pools.search {
				out = append(out, s)
			}
			return out
		case lower == "after" || lower == "before" || lower == "cursor":
			return nil
		}
		// A lone string: the values of that name in the records.
		var out []any
		for _, r := range g.pools.records {
			if v, ok := r[name]; ok && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			out = []any{"x"}
		}
		return out
	case "Int":
		switch lower {
		case "first":
			return []any{100}
		case "last":
			return []any{1000}
		case "depth":
			return []any{10}
		case "maxnodes":
			return []any{5000}
		case "version":
			return []any{0, 1, 2}
		}
		return []any{1}
	case "Float":
		return []any{0.5}
	case "Boolean":
		return []any{true, false}
	case "Time":
		return []any{g.pools.now}
	}
	return nil // JSON and unknown scalars: not generated
}

// inputObjects are the values of an input object: its required fields set
// (correlated strings from one record), and each optional field set alone
// to each of its candidates.
func (g *leakGen) inputObjects(def *ast.Definition, valid map[string]bool) []any {
	base := map[string]any{}
	var requiredStrings []string
	for _, f := range def.Fields {
		if f.Type.NonNull && f.DefaultValue == nil {
			if f.Type.Name() == "String" && f.Type.Elem == nil {
				requiredStrings = append(requiredStrings, f.Name)
				continue
			}
			vals := g.candidates(f.Name, f.Type, valid)
			if len(vals) == 0 {
				return nil
			}
			base[f.Name] = vals[0]
		}
	}
	var bases []map[string]any
	if len(requiredStrings) > 0 {
		for _, r := range g.pools.records {
			b := maps(base)
			ok := true
			for _, n := range requiredStrings {
				v, has := r[n]
				ok = ok && has
				b[n] = v
			}
			if ok {
				bases = append(bases, b)
			}
		}
		if len(bases) == 0 {
			b := maps(base)
			for _, n := range requiredStrings {
				b[n] = "x"
			}
			bases = append(bases, b)
		}
	} else {
		bases = []map[string]any{base}
	}
	var out []any
	for _, b := range bases {
		out = append(out, b)
	}
	if len(requiredStrings) > 0 {
		return out // a record input (a param, a name): no variations
	}
	for _, f := range def.Fields {
		if f.Type.NonNull && f.DefaultValue == nil {
			continue
		}
		vals := g.candidates(f.Name, f.Type, valid)
		if f.Type.Name() == "ID" && f.Type.Elem == nil {
			// A filter by ID behaves alike for every ID of a kind: one of
			// each kind of each project.
			vals = g.sample(vals)
		}
		for _, v := range vals {
			b := maps(base)
			b[f.Name] = v
			out = append(out, b)
		}
	}
	return out
}

// sample keeps the first ID of each kind of each project.
func (g *leakGen) sample(ids []any) []any {
	seen := map[string]bool{}
	var out []any
	for _, id := range ids {
		k := g.pools.side[id.(string)] + g.pools.label[id.(string)]
		if !seen[k] {
			seen[k] = true
			out = append(out, id)
		}
	}
	return out
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// argChoices are the argument sets a root field is asked with: the
// cartesian product of its required arguments and enums (with the pages,
// depths and node budgets set to the pools' values; several required
// strings from one record), then each other optional argument set alone to
// each candidate, on the combinations whose IDs are A's and whose enums
// have their defaults. Two required ID arguments (lineagePath) are paired
// against the anchors instead of every ID with every ID.
func (g *leakGen) argChoices(f *ast.FieldDefinition, kind string) ([]map[string]any, error) {
	type axis struct {
		names []string // several: each value is a record of them
		vals  []any
	}
	valid := g.valid[f.Name]
	var cart, vary, ids []axis
	var recordArgs []string
	base := map[string]any{}
	for _, a := range f.Arguments {
		lower := strings.ToLower(a.Name)
		required := a.Type.NonNull && a.DefaultValue == nil
		if kind == "subscription" && lower == "after" {
			continue // set by the subscription runner
		}
		vals := g.candidates(a.Name, a.Type, valid)
		def := g.s.Types[a.Type.Name()]
		if ok := g.enums[f.Name+"."+a.Name]; ok != nil {
			var alt []any
			for i, v := range ok {
				if i%2 == 0 {
					alt = append(alt, v)
				}
			}
			vals = []any{ok, alt}
		}
		switch {
		case required && a.Type.Name() == "String" && a.Type.Elem == nil && !slices.Contains([]string{"key", "projectkey"}, lower):
			recordArgs = append(recordArgs, a.Name)
		case required:
			if len(vals) == 0 {
				return nil, fmt.Errorf("%s(%s: %s): no value to try; teach candidates() this type", f.Name, a.Name, a.Type)
			}
			if a.Type.Name() == "ID" && a.Type.Elem == nil {
				ids = append(ids, axis{[]string{a.Name}, vals})
			} else {
				cart = append(cart, axis{[]string{a.Name}, vals})
			}
		case slices.Contains([]string{"first", "last", "depth", "maxnodes"}, lower) && len(vals) > 0:
			base[a.Name] = vals[0]
		case def.Kind == ast.Enum && a.Type.Elem == nil:
			cart = append(cart, axis{[]string{a.Name}, vals})
		case kind == "subscription" && def.Kind == ast.InputObject:
			// A filtered subscription would never see the markers that tell
			// the runner it caught up; filters are asked of the queries.
		case len(vals) > 0:
			vary = append(vary, axis{[]string{a.Name}, vals})
		}
	}
	switch len(recordArgs) {
	case 0:
	case 1:
		cart = append(cart, axis{recordArgs, g.candidates(recordArgs[0], f.Arguments.ForName(recordArgs[0]).Type, valid)})
	default:
		var recs []any
		for _, r := range g.pools.records {
			rec := map[string]any{}
			for _, n := range recordArgs {
				if v, ok := r[n]; ok {
					rec[n] = v
				}
			}
			if len(rec) == len(recordArgs) {
				recs = append(recs, rec)
			}
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s(%v): no record holds these strings; add one to the pools", f.Name, recordArgs)
		}
		cart = append(cart, axis{recordArgs, recs})
	}
	set := func(c map[string]any, ax axis, v any) {
		if len(ax.names) == 1 {
			c[ax.names[0]] = v
			return
		}
		for k, x := range v.(map[string]any) {
			c[k] = x
		}
	}
	combos := []map[string]any{base}
	if len(ids) >= 2 {
		// Every ID against each anchor the other arguments accept, both ways.
		anchors := map[string]bool{}
		for _, a := range g.pools.anchors {
			anchors[a] = true
		}
		combos = nil
		seen := map[string]bool{}
		for i := range ids {
			for _, v := range ids[i].vals {
				for _, an := range ids[(i+1)%len(ids)].vals {
					if !anchors[an.(string)] {
						continue
					}
					c := maps(base)
					for k := range ids {
						c[ids[k].names[0]] = an
					}
					c[ids[i].names[0]] = v
					if key := fmt.Sprint(c); !seen[key] {
						seen[key] = true
						combos = append(combos, c)
					}
				}
			}
		}
	} else {
		cart = append(ids, cart...)
	}
	for _, ax := range cart {
		var next []map[string]any
		for _, c := range combos {
			for _, v := range ax.vals {
				n := maps(c)
				set(n, ax, v)
				next = append(next, n)
			}
		}
		combos = next
	}
	out := combos
	for _, ax := range vary {
		for _, c := range combos {
			if !g.aOnly(c) || !g.defaultEnums(f, c) {
				continue
			}
			for _, v := range ax.vals {
				n := maps(c)
				set(n, ax, v)
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// aOnly reports whether every ID and key in args is A's.
func (g *leakGen) aOnly(args map[string]any) bool {
	ok := true
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			if g.pools.side[x] == "H" || x == g.pools.keys[1] {
				ok = false
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case []string:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, v := range args {
		walk(v)
	}
	return ok
}

// defaultEnums reports whether every enum argument in args has its
// default (or first) value: variations of other arguments are asked once.
func (g *leakGen) defaultEnums(f *ast.FieldDefinition, args map[string]any) bool {
	for _, a := range f.Arguments {
		def := g.s.Types[a.Type.Name()]
		v, set := args[a.Name]
		if def.Kind != ast.Enum || a.Type.Elem != nil || !set {
			continue
		}
		want := def.EnumValues[0].Name
		if a.DefaultValue != nil {
			want = a.DefaultValue.Raw
		}
		if v != want {
			return false
		}
	}
	return true
}

// ops writes one operation per root field and argument set.
func (g *leakGen) ops(kind string, root *ast.Definition) ([]*leakOp, []string) {
	var out []*leakOp
	var errs []string
	for _, f := range root.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		choices, err := g.argChoices(f, kind)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		sel := ""
		if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
			sel = " { " + g.selection(t, map[string]int{}, 1) + " }"
		}
		for _, c := range choices {
			out = append(out, g.op(kind, f, c, sel))
		}
	}
	return out, errs
}

func (g *leakGen) op(kind string, f *ast.FieldDefinition, args map[string]any, sel string) *leakOp {
	var defs, uses, desc []string
	vars := map[string]any{}
	for _, a := range f.Arguments {
		v, ok := args[a.Name]
		if !ok {
			continue
		}
		defs = append(defs, fmt.Sprintf("$%s: %s", a.Name, a.Type.String()))
		uses = append(uses, fmt.Sprintf("%s: $%s", a.Name, a.Name))
		vars[a.Name] = v
		desc = append(desc, a.Name+"="+g.describe(v))
	}
	if kind == "subscription" && f.Arguments.ForName("after") != nil {
		defs = append(defs, "$after: String")
		uses = append(uses, "after: $after")
	}
	d, u := "", ""
	if len(defs) > 0 {
		d, u = "("+strings.Join(defs, ", ")+")", "("+strings.Join(uses, ", ")+")"
	}
	op := &leakOp{kind: kind, root: f.Name, vars: vars, desc: strings.Join(desc, " "), aOnly: g.aOnly(args),
		doc: fmt.Sprintf("%s Leak_%s%s { r: %s%s%s }", kind, f.Name, d, f.Name, u, sel)}
	if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
		op.rootType = t.Name
	}
	return op
}

// describe abbreviates an argument value for messages: IDs by project and
// kind, keys by project.
func (g *leakGen) describe(v any) string {
	switch v := v.(type) {
	case string:
		if s := g.pools.side[v]; s != "" {
			return s + ":" + g.pools.label[v] + ":" + v
		}
		if v == g.pools.keys[0] {
			return "A-key"
		}
		if v == g.pools.keys[1] {
			return "H-key"
		}
		return strconv.Quote(v)
	case []any:
		if len(v) > 4 {
			return fmt.Sprintf("[%d values]", len(v))
		}
		var parts []string
		for _, e := range v {
			parts = append(parts, g.describe(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(mapKeys(v)) {
			parts = append(parts, k+":"+g.describe(v[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprint(v)
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// probe learns which kinds of ID each root field with a generic ID
// argument (id, from, to) accepts: one A ID of each kind, a minimal
// selection; BAD_USER_INPUT means the kind is not for this field.
func (g *leakGen) probe(t *testing.T, h *hub, tok string) {
	t.Helper()
	for _, f := range g.s.Query.Fields {
		var generic []string
		for _, a := range f.Arguments {
			if a.Type.Name() == "ID" && a.Type.Elem == nil && g.pools.labelOf(a.Name) == "" {
				generic = append(generic, a.Name)
			}
		}
		if len(generic) == 0 {
			continue
		}
		valid := map[string]bool{}
		for l, ids := range g.pools.byLabel {
			if g.pools.side[ids[0]] != "A" {
				continue
			}
			args := map[string]any{}
			for _, a := range f.Arguments {
				switch {
				case slices.Contains(generic, a.Name):
					args[a.Name] = ids[0]
				case a.Type.NonNull && a.DefaultValue == nil:
					if vals := g.candidates(a.Name, a.Type, nil); len(vals) > 0 {
						args[a.Name] = vals[0]
					}
				}
			}
			sel := ""
			if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
				sel = " { __typename }"
			}
			op := g.op("query", f, args, sel)
			res := h.gql(t, tok, op.doc, op.vars)
			if res.code() != "BAD_USER_INPUT" {
				valid[l] = true
			}
		}
		if len(valid) == 0 {
			t.Errorf("probe: %s accepts no kind of ID", f.Name)
		}
		g.valid[f.Name] = valid
	}
}

// probeEnums learns which values each list-of-enum argument of a root
// field accepts (lineage's kinds take only lineage kinds): each value alone
// on the field's first A-only arguments; BAD_USER_INPUT means it is not
// for this argument.
func (g *leakGen) probeEnums(t *testing.T, h *hub, tok string) {
	t.Helper()
	for _, f := range g.s.Query.Fields {
		for _, a := range f.Arguments {
			def := g.s.Types[a.Type.Name()]
			if a.Type.Elem == nil || def.Kind != ast.Enum {
				continue
			}
			choices, err := g.argChoices(f, "query")
			if err != nil {
				continue
			}
			var base map[string]any
			for _, c := range choices {
				if g.aOnly(c) {
					base = c
					break
				}
			}
			if base == nil {
				continue
			}
			sel := ""
			if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
				sel = " { __typename }"
			}
			var ok []any
			for _, v := range def.EnumValues {
				args := maps(base)
				args[a.Name] = []any{v.Name}
				op := g.op("query", f, args, sel)
				if res := h.gql(t, tok, op.doc, op.vars); res.code() != "BAD_USER_INPUT" {
					ok = append(ok, v.Name)
				}
			}
			if len(ok) == 0 {
				t.Errorf("probe: %s(%s) accepts no value", f.Name, a.Name)
				continue
			}
			g.enums[f.Name+"."+a.Name] = ok
		}
	}
}

// ---------------------------------------------------------------- runners

// leakStats counts a root field's operations.
type leakStats struct {
	ops, ok  int
	codes    map[string]int
	examples map[string]string // an error message per code
	dur      time.Duration
}

// leakFinding is one leak: a field (or a path inside a JSON value) that
// carried a secret, de-duplicated by field and kind of secret.
type leakFinding struct {
	field, kind, value, in string
	example                string // the first operation and path that showed it
	roots, roles           map[string]bool
	count                  int
}

// leakOracle looks for H's secrets in responses and keeps the tallies.
// It is safe for concurrent use.
type leakOracle struct {
	s       *ast.Schema
	secrets []*leakSecret // longest first

	mu      sync.Mutex
	leaks   map[string]*leakFinding
	stats   map[string]*leakStats
	badDocs []string // operations refused as malformed or too large
}

// leakCtx says what a response answered.
type leakCtx struct {
	where    string // Query.node, Subscription.events, or a hand-written check
	rootType string // the named type of data.r; "" walks untyped
	desc     string // the arguments
	role     string
	// known are the secrets the caller sent: an error message that
	// repeats the caller's own argument tells it nothing.
	known map[*leakSecret]bool
}

var (
	leakIndex  = regexp.MustCompile(`\[\d+\]`)
	leakCursor = regexp.MustCompile(`"(?:[A-Za-z]+__)?(?:cursor|endCursor)":"([A-Za-z0-9_-]+)"`)
)

// known returns the secrets held by an operation's variables.
func (o *leakOracle) known(vars map[string]any) map[*leakSecret]bool {
	b, _ := json.Marshal(vars)
	out := map[*leakSecret]bool{}
	for _, s := range o.secrets {
		if bytes.Contains(b, s.b) {
			out[s] = true
		}
	}
	return out
}

// leakDecodeCursor returns what an opaque page cursor holds, or "".
func leakDecodeCursor(s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !json.Valid(b) {
		return ""
	}
	return string(b)
}

// check reports every secret in raw, a response body or a websocket
// message's payload; page cursors are decoded and looked into too.
func (o *leakOracle) check(c leakCtx, raw []byte) {
	hit := false
	for _, s := range o.secrets {
		if bytes.Contains(raw, s.b) {
			hit = true
			break
		}
	}
	for _, m := range leakCursor.FindAllSubmatch(raw, -1) {
		if d := leakDecodeCursor(string(m[1])); d != "" {
			for _, s := range o.secrets {
				if strings.Contains(d, s.value) {
					hit = true
				}
			}
		}
	}
	if !hit {
		return
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		o.visit(c, "(body)", "(body)", string(raw))
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if data, ok := x.(map[string]any); k == "data" && ok {
				for dk, dx := range data {
					switch {
					case dk == "r" && c.rootType != "":
						o.walk(c, dx, c.rootType, c.rootType, "data.r")
					case dk == "r":
						o.walk(c, dx, "", c.where, "data.r") // a JSON root field: Query.evidencePack…
					default:
						o.walk(c, dx, "", "Query."+dk, "data."+dk)
					}
				}
				continue
			}
			o.walk(c, x, "", k, k)
		}
	default: // an error message of a subscription: a list of errors
		o.walk(c, v, "", "errors", "errors")
	}
}

// walk visits the strings of x. typ is x's GraphQL type while the walk
// follows the selection (aliases Type__field name their type); inside a
// JSON value, or an untyped answer, label grows by the keys.
func (o *leakOracle) walk(c leakCtx, x any, typ, label, path string) {
	switch x := x.(type) {
	case []any:
		for i, e := range x {
			o.walk(c, e, typ, label, fmt.Sprintf("%s[%d]", path, i))
		}
	case map[string]any:
		for k, e := range x {
			if typ == "" {
				o.visit(c, label+".{key}", path+".{key}", k)
				o.walk(c, e, "", label+"."+k, path+"."+k)
				continue
			}
			parent, field := typ, k
			if i := strings.Index(k, "__"); i > 0 {
				parent, field = k[:i], k[i+2:]
			}
			if field == "__typename" {
				continue
			}
			next := ""
			if d := o.s.Types[parent]; d != nil {
				if fd := d.Fields.ForName(field); fd != nil {
					if nd := o.s.Types[fd.Type.Name()]; nd != nil && !nd.IsLeafType() {
						next = nd.Name
					}
				}
			}
			o.walk(c, e, next, parent+"."+field, path+"."+k)
		}
	case string:
		o.visit(c, label, path, x)
		if strings.HasSuffix(label, "ursor") {
			if d := leakDecodeCursor(x); d != "" {
				o.visit(c, label+" (decoded)", path, d)
			}
		}
	}
}

// visit records the most specific secrets s holds: those not inside a
// longer one it also holds.
func (o *leakOracle) visit(c leakCtx, label, path, s string) {
	var in []*leakSecret
	for _, sec := range o.secrets {
		if !strings.Contains(s, sec.value) || (strings.HasPrefix(path, "errors") && c.known[sec]) {
			continue
		}
		inner := false
		for _, l := range in {
			if strings.Contains(l.value, sec.value) {
				inner = true
				break
			}
		}
		if !inner {
			in = append(in, sec)
		}
	}
	for _, sec := range in {
		o.add(c, label, leakIndex.ReplaceAllString(path, "[]"), sec, s)
	}
}

func (o *leakOracle) add(c leakCtx, label, path string, s *leakSecret, in string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := label + "\x00" + s.kind
	f := o.leaks[k]
	if f == nil {
		if len(in) > 160 {
			in = in[:160] + "…"
		}
		ex := c.where
		if c.desc != "" {
			ex += "(" + c.desc + ")"
		}
		if c.role != "" {
			ex += " as " + c.role
		}
		f = &leakFinding{field: label, kind: s.kind, value: s.value, in: in, example: ex + " at " + path,
			roots: map[string]bool{}, roles: map[string]bool{}}
		o.leaks[k] = f
	}
	f.count++
	f.roots[c.where] = true
	if c.role != "" {
		f.roles[c.role] = true
	}
}

func (o *leakOracle) tally(where string, ok bool, codes map[string]string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.stats[where]
	if s == nil {
		s = &leakStats{codes: map[string]int{}, examples: map[string]string{}}
		o.stats[where] = s
	}
	s.ops++
	s.dur += d
	if ok {
		s.ok++
	}
	for c, m := range codes {
		s.codes[c]++
		if _, seen := s.examples[c]; !seen {
			s.examples[c] = m
		}
	}
}

func (o *leakOracle) refusedDoc(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.badDocs = append(o.badDocs, msg)
}

// leakBadCodes are refusals of the document itself (the generator wrote
// something the server would not run) and server failures.
var leakBadCodes = []string{"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "COMPLEXITY_LIMIT_EXCEEDED", "INTERNAL"}

func leakBadCode(c string) bool {
	return slices.Contains(leakBadCodes, c) || strings.HasSuffix(c, "_LIMIT_EXCEEDED")
}

// leakResponse is the shape every answer shares.
type leakResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// codes maps each error code of the response to one of its messages.
func (r *leakResponse) codes() map[string]string {
	out := map[string]string{}
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		if c == "" {
			c = "(no code)"
		}
		out[c] = e.Message
	}
	return out
}

// leakRoleSample is how many A-only argument sets of each root field the
// approver and the admin ask (see runLeakQueries).
const leakRoleSample = 5

// runLeakQueries sends the operations, leakWorkers at a time, and checks
// every response. Who asks what: the viewer asks everything. A field whose
// answer to the viewer holds nothing of A (refused, or empty: auditEvents,
// evidencePack, verifyAuditLog) is gated by role: the approver asks all of
// it, and the admin, who reads whatever an approver reads, adds nothing
// but time there (verifyAuditLog walks the whole shared log). Every other
// field is read under one rule, a role in the project, so the approver and
// the admin ask a sample of it, which guards that assumption without
// asking everything three times. A first round, the first A-only operation
// of each field as the viewer, finds the gated fields, so their
// operations, the slowest, go first.
func runLeakQueries(t *testing.T, h *hub, ops []*leakOp, readers []leakReader, aStrings []string, o *leakOracle) {
	t.Helper()
	viewer, approver, admin := readers[0], readers[1], readers[2]
	type job struct {
		op *leakOp
		r  leakReader
	}
	var mu sync.Mutex
	var nullA []string
	gated := map[string]bool{}
	probing := true
	run := func(jobs []job) {
		ch := make(chan job)
		var wg sync.WaitGroup
		for range leakWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					where := "Query." + j.op.root
					start := time.Now()
					status, raw, err := leakPost(h.srv.URL, j.r.tok, j.op.doc, j.op.vars)
					if err != nil {
						o.refusedDoc(fmt.Sprintf("%s(%s) as %s: %v", where, j.op.desc, j.r.role, err))
						continue
					}
					o.check(leakCtx{where: where, rootType: j.op.rootType, desc: j.op.desc, role: j.r.role, known: j.op.known}, raw)
					var res leakResponse
					if json.Unmarshal(raw, &res) != nil {
						o.refusedDoc(fmt.Sprintf("%s(%s) as %s: HTTP %d, not JSON: %.300s", where, j.op.desc, j.r.role, status, raw))
						continue
					}
					codes := res.codes()
					for c := range codes {
						if leakBadCode(c) {
							o.refusedDoc(fmt.Sprintf("%s(%s) as %s: HTTP %d %s: %.400s", where, j.op.desc, j.r.role, status, c, raw))
							break
						}
					}
					ok := status == http.StatusOK && len(res.Errors) == 0
					o.tally(where, ok, codes, time.Since(start))
					mu.Lock()
					if probing {
						holdsA := false
						for _, a := range aStrings {
							holdsA = holdsA || bytes.Contains(res.Data["r"], []byte(a))
						}
						gated[j.op.root] = !holdsA
					}
					// Every object of A asked for by ID is there: the oracle
					// is not passing because everything is hidden.
					if j.op.root == "node" && j.op.aOnly && (!ok || string(res.Data["r"]) == "null") {
						nullA = append(nullA, fmt.Sprintf("node(%s) as %s: %.200s", j.op.desc, j.r.role, raw))
					}
					mu.Unlock()
				}
			}()
		}
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
	}

	firstOp := map[string]*leakOp{}
	var probes []job
	for _, op := range ops {
		if op.aOnly && firstOp[op.root] == nil {
			firstOp[op.root] = op
			probes = append(probes, job{op, viewer})
		}
	}
	run(probes)
	probing = false

	var first, rest []job
	sampled := map[string]int{}
	for _, op := range ops {
		switch {
		case gated[op.root]:
			first = append(first, job{op, approver})
		case op.aOnly && sampled[op.root] < leakRoleSample:
			sampled[op.root]++
			rest = append(rest, job{op, approver}, job{op, admin})
		}
		if firstOp[op.root] != op {
			rest = append(rest, job{op, viewer})
		}
	}
	// Fields with few argument sets first, so that each gated field
	// (verifyAuditLog walks the whole log) starts early.
	count := map[string]int{}
	for _, j := range first {
		count[j.op.root]++
	}
	sort.SliceStable(first, func(i, j int) bool { return count[first[i].op.root] < count[first[j].op.root] })
	run(append(first, rest...))
	var names []string
	for r, g := range gated {
		if g {
			names = append(names, r)
		}
	}
	sort.Strings(names)
	t.Logf("fields gated by role (asked by the approver in full): %v", names)
	for _, n := range nullA {
		t.Errorf("an object of A is not visible to A's reader: %s", n)
	}
}

func leakPost(url, tok, doc string, vars map[string]any) (int, []byte, error) {
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// leakSub is one open subscription.
type leakSub struct {
	op     *leakOp
	role   string
	replay bool
	id     string
	c      *wsclient.Client

	msgs, events int
	lastSeq      int64
	seqs         []int64
	ended        bool   // error or complete
	endMsg       string // why
	bad          bool
}

// runLeakSubscriptions opens every generated subscription as every reader,
// from the start of the log and live, makes marker writes until each has
// delivered an event written after the markers began (or ended), and
// checks every message.
func runLeakSubscriptions(t *testing.T, h *hub, f *leakFixture, ops []*leakOp, readers []leakReader, o *leakOracle) {
	t.Helper()
	var mu sync.Mutex
	var markerSeq int64 = math.MaxInt64 // seq of the first marker event
	notify := make(chan struct{}, 1)
	var subs []*leakSub
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	var clients []*wsclient.Client
	defer func() {
		// Stop every subscription and close each connection normally, so
		// the server ends them as a client that leaves would.
		for _, s := range subs {
			_ = s.c.Stop(ctx, s.id)
		}
		for _, c := range clients {
			_ = c.Close()
		}
		cancel()
		wg.Wait()
	}()

	for _, r := range readers {
		c := dial(t, h, r.tok)
		clients = append(clients, c)
		byID := map[string]*leakSub{}
		n := 0
		for _, op := range ops {
			for _, replay := range []bool{true, false} {
				n++
				s := &leakSub{op: op, role: r.role, replay: replay, id: strconv.Itoa(n), c: c}
				vars := maps(op.vars)
				if replay {
					vars["after"] = "0"
				}
				if err := c.Subscribe(ctx, s.id, op.doc, vars); err != nil {
					t.Fatalf("subscribe %s: %v", op.root, err)
				}
				byID[s.id] = s
				subs = append(subs, s)
			}
		}
		wg.Add(1)
		go func(c *wsclient.Client, role string) {
			defer wg.Done()
			for {
				m, err := c.Next(ctx)
				if err != nil {
					return
				}
				mu.Lock()
				s := byID[m.ID]
				mu.Unlock()
				if s == nil {
					continue
				}
				where := "Subscription." + s.op.root
				mode := "live"
				if s.replay {
					mode = "replay"
				}
				o.check(leakCtx{where: where + " (" + mode + ")", rootType: s.op.rootType, desc: s.op.desc, role: role, known: s.op.known}, m.Payload)
				var d struct {
					Data   map[string]map[string]any `json:"data"`
					Errors []struct {
						Message    string         `json:"message"`
						Extensions map[string]any `json:"extensions"`
					} `json:"errors"`
				}
				_ = json.Unmarshal(m.Payload, &d)
				mu.Lock()
				s.msgs++
				switch m.Type {
				case "next":
					if len(d.Errors) == 0 {
						s.events++
					} else {
						for _, e := range d.Errors {
							c, _ := e.Extensions["code"].(string)
							s.bad = s.bad || leakBadCode(c)
						}
					}
					if ev := d.Data["r"]; ev != nil {
						if seq, ok := ev["seq"].(float64); ok {
							s.lastSeq = int64(seq)
							s.seqs = append(s.seqs, int64(seq))
						} else if markerSeq != math.MaxInt64 {
							s.lastSeq = math.MaxInt64 // no seq selected: any event after the markers began
						}
					}
				case "error", "complete":
					s.ended, s.endMsg = true, m.Type+" "+string(m.Payload)
					var errs []map[string]any
					if json.Unmarshal(m.Payload, &errs) == nil {
						for _, e := range errs {
							ext, _ := e["extensions"].(map[string]any)
							c, _ := ext["code"].(string)
							s.bad = s.bad || leakBadCode(c)
						}
					}
				}
				mu.Unlock()
				select {
				case notify <- struct{}{}:
				default:
				}
			}
		}(c, r.role)
	}

	caughtUp := func() []*leakSub {
		mu.Lock()
		defer mu.Unlock()
		var out []*leakSub
		for _, s := range subs {
			if !s.ended && s.lastSeq < markerSeq {
				out = append(out, s)
			}
		}
		return out
	}
	head := func() int64 {
		rows := must(neo4jQuery(t, `MATCH (h:EventLog {name: 'main'}) RETURN h.seq AS seq`, nil)).of(t)
		return rows[0]["seq"].(int64)
	}
	mu.Lock()
	markerSeq = head() + 1
	mu.Unlock()
	t.Logf("event log head before the markers: %d", markerSeq-1)
	for round := 0; ; round++ {
		if round == leakLiveRounds {
			for _, s := range caughtUp() {
				t.Errorf("subscription %s(%s) as %s (replay %v) never delivered an event after %d rounds of marker writes (last seq %d, %d messages): "+
					"extend leakMarkers so that a write matches it", s.op.root, s.op.desc, s.role, s.replay, leakLiveRounds, s.lastSeq, s.msgs)
			}
			break
		}
		t.Logf("marker writes, round %d: %d subscriptions still to catch up", round, len(caughtUp()))
		leakMarkers(t, f, round)
		// Wait while messages keep coming (a replay of the whole log takes
		// a while under load); a round of markers more only when nothing
		// came for leakQuiet: a live subscription that started after this
		// round's writes needs the next.
		for len(caughtUp()) > 0 {
			quiet := false
			select {
			case <-notify:
			case <-time.After(leakQuiet):
				quiet = true
			}
			if quiet {
				break
			}
		}
		if len(caughtUp()) == 0 {
			break
		}
	}

	// The replay of the whole log, unfiltered, delivered every event of
	// A before the markers, in order.
	want := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $a}) WHERE e.seq < $m RETURN count(e) AS n`, map[string]any{"a": f.a, "m": markerSeq})
	mu.Lock()
	defer mu.Unlock()
	for _, s := range subs {
		where := "Subscription." + s.op.root
		codes := map[string]string{}
		if s.ended && s.events == 0 {
			codes["ended"] = s.endMsg
		}
		o.tally(where, s.events > 0, codes, 0)
		if s.bad {
			o.refusedDoc(fmt.Sprintf("%s(%s) as %s: %s", where, s.op.desc, s.role, s.endMsg))
		}
		if s.op.root == "events" && s.replay && len(s.op.vars) == 0 {
			got := 0
			for i, q := range s.seqs {
				if i > 0 && q <= s.seqs[i-1] {
					t.Errorf("events replay as %s: seq %d after %d", s.role, q, s.seqs[i-1])
				}
				if q < markerSeq {
					got++
				}
			}
			if int64(got) != want {
				t.Errorf("events replay as %s delivered %d of A's %d events before the markers", s.role, got, want)
			}
		}
	}
}

// leakMarkers writes, as A's writer, one event for each kind of
// subscription: first another cross-project link (an H version read by
// A's run, the live part of the oracle), a run started in every
// experiment of A, a validation result on a version of every dataset of
// A, and a promotion request on a new version of A's model trained by H's
// run.
func leakMarkers(t *testing.T, f *leakFixture, round int) {
	t.Helper()
	f.do(t, f.aw, leakInputs, map[string]any{"r": f.aRun, "v": []string{f.hLive[round]}}, nil)
	pools := loadLeakPools(t, f)
	for _, e := range pools.expsOfA {
		f.do(t, f.aw, leakStartRun, map[string]any{"e": e, "n": fmt.Sprintf("a-marker%d-%s", round, f.am)}, nil)
	}
	for _, v := range pools.dsOfA {
		f.do(t, f.aw, leakRecordResult, map[string]any{"v": v, "s": "a-marker-" + f.am, "r": `{"success": true, "results": []}`}, nil)
	}
	var mv struct {
		RegisterModelVersion struct{ ModelVersion struct{ ID string } }
	}
	f.do(t, f.aw, leakRegisterMV, map[string]any{"k": f.a, "n": "a-marker-model-" + f.am, "r": f.hRun, "u": "s3://models-" + f.am + "/marker"}, &mv)
	f.do(t, f.aw, leakRequest, map[string]any{"mv": mv.RegisterModelVersion.ModelVersion.ID, "s": "STAGING", "j": "a-marker-" + f.am}, nil)
}

// ---------------------------------------------------------------- report

func (o *leakOracle) report(t *testing.T, schema *ast.Schema) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, root := range []*ast.Definition{schema.Query, schema.Subscription} {
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			where := root.Name + "." + f.Name
			s := o.stats[where]
			switch {
			case s == nil:
				t.Errorf("%s: no operation was generated", where)
			case s.ok == 0:
				t.Errorf("%s: none of %d operations succeeded (errors %v, e.g. %v): the generator rotted", where, s.ops, s.codes, s.examples)
			default:
				t.Logf("%-36s %5d operations, %5d without errors, %8s, errors %v %v", where, s.ops, s.ok, s.dur.Round(time.Millisecond), s.codes, s.examples)
			}
		}
	}
	slices.Sort(o.badDocs)
	for i, b := range o.badDocs {
		if i == 20 {
			t.Errorf("… and %d more refused operations", len(o.badDocs)-20)
			break
		}
		t.Errorf("generator: the server refused a generated operation: %s", b)
	}
	var keys []string
	for k := range o.leaks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sorted := func(m map[string]bool) string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return strings.Join(out, ", ")
	}
	for _, k := range keys {
		l := o.leaks[k]
		msg := fmt.Sprintf("%s: %s leaks %s %s", l.example, l.field, l.kind, l.value)
		if l.in != "" && l.in != l.value {
			msg += fmt.Sprintf(" (in %q)", l.in)
		}
		msg += fmt.Sprintf(" — %d× through %s, as %s", l.count, sorted(l.roots), sorted(l.roles))
		t.Error(msg)
	}
	if len(keys) > 0 {
		t.Logf("%d distinct leaks (field × kind of secret) of H's strings to A-only readers", len(keys))
	}
}
