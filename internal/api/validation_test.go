package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// ordersCSV has one amount out of [0, 100] (row 3) and a null id (row 4).
const ordersCSV = "id,amount,status\n1,10,new\n2,20,paid\n3,250,lost\n,30,new\n"

const ordersSuite = `
rules:
  - type: not_null
    column: id
    severity: warn
  - type: value_between
    column: amount
    min: 0
    max: 100
  - type: row_count_between
    min: 1
`

// writeData writes content to a file in a temporary directory and returns
// its path and sha256.
func writeData(t *testing.T, name, content string) (string, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(content))
	return p, hex.EncodeToString(sum[:])
}

// newDataset registers a dataset in a fresh project.
func newDataset(t *testing.T, st *store.Store, prefix string) (string, *store.Dataset) {
	t.Helper()
	key := neo4jtest.Key(t, prefix)
	if _, err := st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	d, err := st.RegisterDataset(t.Context(), "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: "file://" + key, Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	return key, d
}

func registerVersion(t *testing.T, st *store.Store, d *store.Dataset, label, uri, digest string, derivedFrom ...string) *store.DatasetVersion {
	t.Helper()
	v, _, err := st.RegisterDatasetVersion(t.Context(), "alice", store.RegisterDatasetVersionInput{DatasetID: d.ID, Version: label, URI: uri,
		Digest: digest, DerivedFrom: derivedFrom})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type ruleResult struct {
	Index             int
	Type              string
	Column            *string
	Severity          string
	Verdict           string
	Observed          any
	ElementCount      int
	UnexpectedCount   int
	UnexpectedPercent *float64
	UnexpectedSample  []map[string]any
	Message           *string
}

type validationRun struct {
	ID           string
	Status       string
	Engine       string
	SuiteName    string
	SuiteVersion *int
	RowCount     *int
	Sha256       *string
	FinishedAt   *string
	Error        *struct {
		Code, Message string
	}
	Statistics *struct{ Evaluated, Passed, Failed, Errored int }
	Results    []ruleResult
}

const runFields = `id status engine suiteName suiteVersion rowCount sha256 finishedAt error { code message }
	statistics { evaluated passed failed errored }
	results { index type column severity verdict observed elementCount unexpectedCount unexpectedPercent unexpectedSample message }`

// awaitRun polls node(id) until the run is no longer RUNNING, up to a
// deadline.
func awaitRun(t *testing.T, h *hub, tok, id string) validationRun {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var out struct{ Node validationRun }
		h.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on ValidationRun { `+runFields+` } } }`, map[string]any{"id": id}).ok(t, &out)
		if out.Node.Status != "RUNNING" {
			return out.Node
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still RUNNING after 30s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// createSuite creates a suite through the API and returns its ID.
func createSuite(t *testing.T, h *hub, tok, datasetID, name, definition string) string {
	t.Helper()
	var out struct {
		CreateValidationSuite struct{ ValidationSuite struct{ ID string } }
	}
	h.gql(t, tok, `mutation($d: ID!, $n: String!, $def: String!) {
		createValidationSuite(input: {datasetId: $d, name: $n, definition: $def}) { validationSuite { id } } }`,
		map[string]any{"d": datasetID, "n": name, "def": definition}).ok(t, &out)
	return out.CreateValidationSuite.ValidationSuite.ID
}

// runValidation starts a run through the API and returns its ID.
func runValidation(t *testing.T, h *hub, tok, suiteID, versionID string) string {
	t.Helper()
	var out struct {
		RunValidation struct{ ValidationRun struct{ ID, Status string } }
	}
	h.gql(t, tok, `mutation($s: ID!, $v: ID!) { runValidation(input: {suiteId: $s, datasetVersionId: $v}) { validationRun { id status } } }`,
		map[string]any{"s": suiteID, "v": versionID}).ok(t, &out)
	if out.RunValidation.ValidationRun.Status != "RUNNING" {
		t.Fatalf("runValidation returned %+v, want a RUNNING run", out.RunValidation.ValidationRun)
	}
	return out.RunValidation.ValidationRun.ID
}

func TestValidationRunEndToEnd(t *testing.T) {
	h := newHub(t, nil)
	key, d := newDataset(t, h.st, "vapi")
	path, sum := writeData(t, "orders.csv", ordersCSV)
	v := registerVersion(t, h.st, d, "v1", path, sum)
	tok := token(t, "carol", map[string]auth.Role{key: auth.RoleContributor})

	// Subscribe first, from the log's current end.
	var head struct{ RecentEvents struct{ Cursor string } }
	h.gql(t, tok, `{ recentEvents(last: 0) { cursor } }`, nil).ok(t, &head)
	c := dial(t, h, token(t, "viewer", map[string]auth.Role{key: auth.RoleViewer}))
	if err := c.Subscribe(t.Context(), "v", `subscription($d: ID!, $after: String) {
		validationCompleted(datasetId: $d, after: $after) { cursor seq kind projectKey targetId actor payload } }`,
		map[string]any{"d": d.ID, "after": head.RecentEvents.Cursor}); err != nil {
		t.Fatal(err)
	}

	suiteID := createSuite(t, h, tok, d.ID, "orders-basic", ordersSuite)
	runID := runValidation(t, h, tok, suiteID, v.ID)
	run := awaitRun(t, h, tok, runID)

	if run.Status != "FAILED" || run.Engine != "exphub" || run.SuiteName != "orders-basic" || run.SuiteVersion == nil || *run.SuiteVersion != 1 ||
		run.RowCount == nil || *run.RowCount != 4 || run.Sha256 == nil || *run.Sha256 != sum || run.FinishedAt == nil || run.Error != nil {
		t.Fatalf("finished run %+v", run)
	}
	if s := run.Statistics; s == nil || s.Evaluated != 3 || s.Passed != 1 || s.Failed != 2 {
		t.Errorf("statistics %+v", run.Statistics)
	}
	if len(run.Results) != 3 {
		t.Fatalf("results %+v", run.Results)
	}
	notNull, between, rows := run.Results[0], run.Results[1], run.Results[2]
	if notNull.Verdict != "FAILED" || notNull.Severity != "WARN" || notNull.UnexpectedCount != 1 || len(notNull.UnexpectedSample) != 1 ||
		notNull.UnexpectedSample[0]["row"] != float64(4) {
		t.Errorf("not_null %+v", notNull)
	}
	if between.Verdict != "FAILED" || between.Severity != "ERROR" || between.Column == nil || *between.Column != "amount" ||
		between.UnexpectedCount != 1 || between.UnexpectedPercent == nil || *between.UnexpectedPercent != 25 ||
		len(between.UnexpectedSample) != 1 || between.UnexpectedSample[0]["row"] != float64(3) || fmt.Sprint(between.UnexpectedSample[0]["value"]) != "250" {
		t.Errorf("value_between %+v (unexpectedPercent %v)", between, *between.UnexpectedPercent)
	}
	if rows.Verdict != "PASSED" || rows.Observed != float64(4) || rows.Column != nil {
		t.Errorf("row_count_between %+v", rows)
	}

	// Delivered over the websocket, as the run's creator's event.
	ev := next(t, c, "v")
	if ev.Kind != "VALIDATION_COMPLETED" || ev.TargetID != runID || ev.Actor != "carol" || ev.Payload["status"] != "FAILED" ||
		ev.Payload["datasetVersionId"] != v.ID || ev.Payload["qualityStatus"] != "FAILED" {
		t.Errorf("subscription delivered %+v", ev)
	}
	// On the log: started, then completed.
	var kinds []string
	for _, e := range projectLog(t, h.st, key, 0) {
		if e.TargetID == runID {
			kinds = append(kinds, string(e.Kind))
		}
	}
	if strings.Join(kinds, ",") != "VALIDATION_STARTED,VALIDATION_COMPLETED" {
		t.Errorf("events of the run: %v", kinds)
	}

	// The version and the lists show it.
	var out struct {
		Node struct {
			QualityStatus  string
			Health         string
			ValidationRuns struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
		}
		ValidationRuns struct{ TotalCount int }
		Suite          struct {
			Version   int
			Dataset   struct{ ID string }
			Runs      struct{ TotalCount int }
			RuleCount int
		} `json:"suite"`
	}
	h.gql(t, tok, `query($v: ID!, $d: ID!, $s: ID!) {
		node(id: $v) { ... on DatasetVersion { qualityStatus health validationRuns { totalCount edges { node { id } } } } }
		validationRuns(datasetId: $d) { totalCount }
		suite: node(id: $s) { ... on ValidationSuite { version ruleCount dataset { id } runs { totalCount } } } }`,
		map[string]any{"v": v.ID, "d": d.ID, "s": suiteID}).ok(t, &out)
	if out.Node.QualityStatus != "FAILED" || out.Node.Health != "FAILED" || out.Node.ValidationRuns.TotalCount != 1 ||
		out.Node.ValidationRuns.Edges[0].Node.ID != runID || out.ValidationRuns.TotalCount != 1 {
		t.Errorf("version %+v, dataset runs %d", out.Node, out.ValidationRuns.TotalCount)
	}
	if out.Suite.Version != 1 || out.Suite.RuleCount != 3 || out.Suite.Dataset.ID != d.ID || out.Suite.Runs.TotalCount != 1 {
		t.Errorf("suite %+v", out.Suite)
	}

	t.Run("an updated suite runs as its new version and can pass", func(t *testing.T) {
		var upd struct {
			UpdateValidationSuite struct {
				Changed         bool
				ValidationSuite struct{ Version int }
			}
		}
		h.gql(t, tok, `mutation($s: ID!, $def: String!) { updateValidationSuite(input: {suiteId: $s, definition: $def}) {
			changed validationSuite { version } } }`, map[string]any{"s": suiteID, "def": "rules:\n  - type: row_count_between\n    min: 1\n"}).ok(t, &upd)
		if !upd.UpdateValidationSuite.Changed || upd.UpdateValidationSuite.ValidationSuite.Version != 2 {
			t.Fatalf("update %+v", upd)
		}
		run := awaitRun(t, h, tok, runValidation(t, h, tok, suiteID, v.ID))
		if run.Status != "PASSED" || *run.SuiteVersion != 2 || len(run.Results) != 1 {
			t.Errorf("run of version 2: %+v", run)
		}
		if ev := next(t, c, "v"); ev.TargetID != run.ID || ev.Payload["qualityStatus"] != "PASSED" {
			t.Errorf("second completion %+v", ev)
		}
	})
	t.Run("bad input is refused and writes nothing", func(t *testing.T) {
		other, otherD := newDataset(t, h.st, "vapi2")
		otherV := registerVersion(t, h.st, otherD, "v1", path, sum)
		before := stateOf(t, key)
		h.gql(t, tok, `mutation($d: ID!) { createValidationSuite(input: {datasetId: $d, name: "x", definition: "rules:\n  - type: unique\n"}) {
			validationSuite { id } } }`, map[string]any{"d": d.ID}).fails(t, "BAD_USER_INPUT", "rules[0].column")
		h.gql(t, tok, `mutation($d: ID!) { createValidationSuite(input: {datasetId: $d, name: "orders-basic", definition: "rules:\n  - type: unique\n    column: id\n"}) {
			validationSuite { id } } }`, map[string]any{"d": d.ID}).fails(t, "CONFLICT", "orders-basic")
		h.gql(t, token(t, "carol", map[string]auth.Role{key: auth.RoleContributor, other: auth.RoleContributor}),
			`mutation($s: ID!, $v: ID!) { runValidation(input: {suiteId: $s, datasetVersionId: $v}) { validationRun { id } } }`,
			map[string]any{"s": suiteID, "v": otherV.ID}).fails(t, "BAD_USER_INPUT", "datasetVersionId")
		h.gql(t, tok, `mutation($v: ID!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: "ge", result: "{}"}) {
			validationRun { id } } }`, map[string]any{"v": v.ID}).fails(t, "BAD_USER_INPUT", "result")
		h.gql(t, tok, `{ validationRuns { totalCount } }`, nil).fails(t, "BAD_USER_INPUT", "datasetId")
		unchanged(t, key, before)
	})
}

func TestValidationDigestMismatchIsIntegrityError(t *testing.T) {
	h := newHub(t, nil)
	key, d := newDataset(t, h.st, "vint")
	path, _ := writeData(t, "orders.csv", ordersCSV)
	v := registerVersion(t, h.st, d, "v1", path, strings.Repeat("0", 64))
	tok := token(t, "carol", map[string]auth.Role{key: auth.RoleContributor})
	run := awaitRun(t, h, tok, runValidation(t, h, tok, createSuite(t, h, tok, d.ID, "basic", ordersSuite), v.ID))
	if run.Status != "ERROR" || run.Error == nil || run.Error.Code != "INTEGRITY" || !strings.Contains(run.Error.Message, strings.Repeat("0", 64)) {
		t.Fatalf("run %+v", run)
	}
	for _, r := range run.Results {
		if r.Verdict != "ERROR" {
			t.Errorf("rule %d of an INTEGRITY run: %s, want ERROR (no partial verdicts)", r.Index, r.Verdict)
		}
	}
	t.Run("a path outside the file roots is refused", func(t *testing.T) {
		v2 := registerVersion(t, h.st, d, "v2", "/etc/hostname", strings.Repeat("0", 64))
		run := awaitRun(t, h, tok, runValidation(t, h, tok, createSuite(t, h, tok, d.ID, "other", ordersSuite), v2.ID))
		if run.Status != "ERROR" || run.Error == nil || run.Error.Code != "SOURCE" || !strings.Contains(run.Error.Message, "EXPHUB_VALIDATION_FILE_ROOTS") {
			t.Fatalf("run %+v", run)
		}
	})
}

func TestRecordGreatExpectationsResults(t *testing.T) {
	h := newHub(t, nil)
	key, d := newDataset(t, h.st, "vge")
	v := registerVersion(t, h.st, d, "v1", "s3://bucket/orders.csv", strings.Repeat("a", 64))
	tok := token(t, "carol", map[string]auth.Role{key: auth.RoleContributor})
	record := func(t *testing.T, fixture, suite string) validationRun {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", "validation", fixture))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			RecordValidationResult struct{ ValidationRun validationRun }
		}
		h.gql(t, tok, `mutation($v: ID!, $s: String!, $r: String!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: $s, result: $r}) {
			validationRun { `+runFields+` } } }`, map[string]any{"v": v.ID, "s": suite, "r": string(b)}).ok(t, &out)
		return out.RecordValidationResult.ValidationRun
	}
	t.Run("0.x", func(t *testing.T) {
		run := record(t, "ge_0x_result.json", "ge-orders")
		if run.Status != "FAILED" || run.Engine != "great_expectations" || run.SuiteVersion != nil || run.FinishedAt == nil || len(run.Results) != 2 {
			t.Fatalf("run %+v", run)
		}
		r := run.Results[1]
		if r.Type != "expect_column_values_to_be_between" || r.Verdict != "FAILED" || r.Severity != "ERROR" || r.UnexpectedCount != 1 ||
			len(r.UnexpectedSample) != 1 || r.UnexpectedSample[0]["value"] != float64(250) {
			t.Errorf("rule %+v", r)
		}
	})
	t.Run("1.x", func(t *testing.T) {
		run := record(t, "ge_1x_result.json", "ge-orders")
		// The failing expectation has severity warning: the run warns.
		if run.Status != "WARNED" || run.Engine != "great_expectations" || len(run.Results) != 2 {
			t.Fatalf("run %+v", run)
		}
		r := run.Results[1]
		if r.Severity != "WARN" || r.Verdict != "FAILED" || r.UnexpectedSample[0]["value"] != "lost" || r.UnexpectedSample[0]["row"] != float64(3) {
			t.Errorf("rule %+v", r)
		}
	})
	// The later result of the same external suite replaces the earlier.
	var out struct {
		Node struct{ QualityStatus, Health string }
	}
	h.gql(t, tok, `query($v: ID!) { node(id: $v) { ... on DatasetVersion { qualityStatus health } } }`, map[string]any{"v": v.ID}).ok(t, &out)
	if out.Node.QualityStatus != "WARNED" || out.Node.Health != "WARN" {
		t.Errorf("version %+v", out.Node)
	}
	var completed int
	for _, e := range projectLog(t, h.st, key, 0) {
		if e.Kind == store.EventValidationCompleted {
			completed++
		}
	}
	if completed != 2 {
		t.Errorf("%d VALIDATION_COMPLETED events, want 2", completed)
	}
}

// setQuality records an exphub-engine result of status for a version.
func setQuality(t *testing.T, st *store.Store, versionID, suite, status string) {
	t.Helper()
	res := `{"engine":"exphub","suite":"` + suite + `","row_count":1,"status":"` + status + `","statistics":{"evaluated":1,"passed":0,"failed":1,"errored":0,"success_percent":0},
		"rules":[{"index":0,"type":"not_null","column":"id","severity":"error","verdict":"` + map[string]string{"PASSED": "PASSED", "WARNED": "FAILED", "FAILED": "FAILED", "ERROR": "ERROR"}[status] +
		`","observed":null,"element_count":1,"missing_count":0,"unexpected_count":1,"unexpected_percent":100}]}`
	in, err := validation.RecordInput(versionID, suite, res)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordValidationResult(t.Context(), "alice", in); err != nil {
		t.Fatal(err)
	}
}

func TestLineageHealth(t *testing.T) {
	h := newHub(t, nil)
	st := h.st
	key, d := newDataset(t, st, "vhl")
	exp, err := st.CreateExperiment(t.Context(), "alice", store.CreateExperimentInput{ProjectKey: key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	digest := strings.Repeat("b", 64)
	// raw (FAILED) → etl → clean (PASSED itself) → train → model; beside
	// them: good (PASSED) → report run, warned (WARNED), fresh (never
	// validated, nothing upstream).
	raw := registerVersion(t, st, d, "raw", "/x/raw.csv", digest)
	clean := registerVersion(t, st, d, "clean", "/x/clean.csv", digest)
	good := registerVersion(t, st, d, "good", "/x/good.csv", digest)
	warned := registerVersion(t, st, d, "warned", "/x/warned.csv", digest)
	fresh := registerVersion(t, st, d, "fresh", "/x/fresh.csv", digest)
	etl, train, report := startRun(t, st, exp.ID, "etl"), startRun(t, st, exp.ID, "train"), startRun(t, st, exp.ID, "report")
	link := func(run string, in, out []string) {
		t.Helper()
		if _, err := st.AddRunInputs(t.Context(), "alice", run, in); err != nil {
			t.Fatal(err)
		}
		if len(out) > 0 {
			if _, err := st.AddRunOutputs(t.Context(), "alice", run, out, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	link(etl.ID, []string{raw.ID}, []string{clean.ID})
	link(train.ID, []string{clean.ID}, nil)
	link(report.ID, []string{good.ID}, nil)
	mv, err := st.RegisterModelVersion(t.Context(), "alice", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", RunID: train.ID, URI: "s3://m/1"})
	if err != nil {
		t.Fatal(err)
	}
	setQuality(t, st, raw.ID, "s", "FAILED")
	setQuality(t, st, clean.ID, "s", "PASSED")
	setQuality(t, st, good.ID, "s", "PASSED")
	setQuality(t, st, warned.ID, "s", "WARNED")
	tok := token(t, "bob", map[string]auth.Role{key: auth.RoleViewer})

	var out struct {
		Lineage struct {
			Nodes []struct{ ID, Health string }
		}
		Impact struct{ AtRisk []string }
		Issues []struct {
			DatasetVersion struct{ ID string }
			Status         string
			Distance       int
			FailingRuns    []struct{ ID, Status string }
			FailingRules   []struct{ Type, Verdict string }
		}
		Others []struct{ Health string }
	}
	res := h.gql(t, tok, `query($root: ID!, $raw: ID!, $mv: ID!, $others: [ID!]!) {
		lineage(id: $root, direction: BOTH, depth: 5) { nodes { id health } }
		impact(id: $raw) { atRisk }
		issues: qualityIssuesUpstream(id: $mv) { datasetVersion { id } status distance failingRuns { id status } failingRules { type verdict } }
		others: nodes(ids: $others) { ... on DatasetVersion { health } } }`,
		map[string]any{"root": clean.ID, "raw": raw.ID, "mv": mv.ID, "others": []string{good.ID, warned.ID, fresh.ID}})
	res.ok(t, &out)
	// One statement per upstream level for all lineage nodes together,
	// not one walk per node.
	if n := h.lastQueryCount(t); n > 40 {
		t.Errorf("the query cost %d statements", n)
	}
	got := map[string]string{}
	for _, n := range out.Lineage.Nodes {
		got[n.ID] = n.Health
	}
	want := map[string]string{raw.ID: "FAILED", etl.ID: "AT_RISK", clean.ID: "AT_RISK", train.ID: "AT_RISK", mv.ID: "AT_RISK"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("health of %s: %q, want %q", id, got[id], w)
		}
	}
	if !slices.Equal(out.Impact.AtRisk, []string{etl.ID, clean.ID, train.ID, mv.ID}) {
		t.Errorf("impact atRisk %v, want etl, clean, train, model", out.Impact.AtRisk)
	}
	if len(out.Issues) != 1 || out.Issues[0].DatasetVersion.ID != raw.ID || out.Issues[0].Distance != 4 || out.Issues[0].Status != "FAILED" ||
		len(out.Issues[0].FailingRuns) != 1 || len(out.Issues[0].FailingRules) != 1 || out.Issues[0].FailingRules[0].Type != "not_null" {
		t.Errorf("issues upstream of the model: %+v", out.Issues)
	}
	others := []string{}
	for _, o := range out.Others {
		others = append(others, o.Health)
	}
	if strings.Join(others, ",") != "OK,WARN,UNKNOWN" {
		t.Errorf("good, warned, fresh: %v", others)
	}
	var r2 struct {
		Lineage struct{ Nodes []struct{ ID, Health string } }
	}
	h.gql(t, tok, `query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM) { nodes { id health } } }`, map[string]any{"id": good.ID}).ok(t, &r2)
	for _, n := range r2.Lineage.Nodes {
		if want := map[string]string{good.ID: "OK", report.ID: "OK"}[n.ID]; n.Health != want {
			t.Errorf("health of %s: %s, want %s", n.ID, n.Health, want)
		}
	}

	t.Run("a failure in a project the caller may not read is not shown", func(t *testing.T) {
		hidden, hd := newDataset(t, st, "vhh")
		bad := registerVersion(t, st, hd, "bad", "/x/bad.csv", digest)
		setQuality(t, st, bad.ID, "s", "FAILED")
		consumer := startRun(t, st, exp.ID, "reads-hidden")
		link(consumer.ID, []string{bad.ID}, nil)
		var o struct {
			Lineage struct {
				Nodes []struct{ ID, Kind, Health string }
			}
		}
		h.gql(t, tok, `query($id: ID!) { lineage(id: $id, direction: UPSTREAM) { nodes { id kind health } } }`, map[string]any{"id": consumer.ID}).ok(t, &o)
		for _, n := range o.Lineage.Nodes {
			if n.Health != "UNKNOWN" {
				t.Errorf("%s %s: health %s, want UNKNOWN", n.Kind, n.ID, n.Health)
			}
		}
		h.gql(t, tok, `query($id: ID!) { qualityIssuesUpstream(id: $id) { distance } }`, map[string]any{"id": consumer.ID}).ok(t, nil)
		both := token(t, "root", map[string]auth.Role{key: auth.RoleViewer, hidden: auth.RoleViewer})
		h.gql(t, both, `query($id: ID!) { lineage(id: $id, direction: UPSTREAM) { nodes { id kind health } } }`, map[string]any{"id": consumer.ID}).ok(t, &o)
		for _, n := range o.Lineage.Nodes {
			if n.ID == consumer.ID && n.Health != "AT_RISK" {
				t.Errorf("for a caller who may read both projects the run is %s, want AT_RISK", n.Health)
			}
		}
	})
}

func TestValidationAccess(t *testing.T) {
	h := newHub(t, nil)
	key, d := newDataset(t, h.st, "vacc")
	path, sum := writeData(t, "orders.csv", ordersCSV)
	v := registerVersion(t, h.st, d, "v1", path, sum)
	owner := token(t, "carol", map[string]auth.Role{key: auth.RoleContributor})
	suiteID := createSuite(t, h, owner, d.ID, "basic", ordersSuite)
	runID := runValidation(t, h, owner, suiteID, v.ID)
	awaitRun(t, h, owner, runID)

	viewer := token(t, "vic", map[string]auth.Role{key: auth.RoleViewer})
	before := stateOf(t, key)
	h.gql(t, viewer, `mutation($d: ID!, $def: String!) { createValidationSuite(input: {datasetId: $d, name: "v", definition: $def}) { validationSuite { id } } }`,
		map[string]any{"d": d.ID, "def": ordersSuite}).fails(t, "FORBIDDEN")
	h.gql(t, viewer, `mutation($s: ID!, $def: String!) { updateValidationSuite(input: {suiteId: $s, definition: $def}) { changed } }`,
		map[string]any{"s": suiteID, "def": ordersSuite + "  - type: unique\n    column: id\n"}).fails(t, "FORBIDDEN")
	h.gql(t, viewer, `mutation($s: ID!, $v: ID!) { runValidation(input: {suiteId: $s, datasetVersionId: $v}) { validationRun { id } } }`,
		map[string]any{"s": suiteID, "v": v.ID}).fails(t, "FORBIDDEN")
	h.gql(t, viewer, `mutation($v: ID!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: "x", result: "{}"}) { validationRun { id } } }`,
		map[string]any{"v": v.ID}).fails(t, "FORBIDDEN")
	unchanged(t, key, before)
	// A viewer reads.
	var seen struct {
		ValidationRuns struct{ TotalCount int }
		Node           *struct{ ID string }
	}
	h.gql(t, viewer, `query($d: ID!, $r: ID!) { validationRuns(datasetId: $d) { totalCount } node(id: $r) { id } }`,
		map[string]any{"d": d.ID, "r": runID}).ok(t, &seen)
	if seen.ValidationRuns.TotalCount != 1 || seen.Node == nil {
		t.Errorf("viewer sees %+v", seen)
	}

	// A caller without the project sees nothing, as if none of it existed.
	outsider := token(t, "eve", map[string]auth.Role{"elsewhere": auth.RoleAdmin})
	var none struct {
		Run, Suite *struct{ ID string }
	}
	h.gql(t, outsider, `query($r: ID!, $s: ID!) { run: node(id: $r) { id } suite: node(id: $s) { id } }`,
		map[string]any{"r": runID, "s": suiteID}).ok(t, &none)
	if none.Run != nil || none.Suite != nil {
		t.Errorf("outsider sees %+v", none)
	}
	h.gql(t, outsider, `query($d: ID!) { validationRuns(datasetId: $d) { totalCount } }`, map[string]any{"d": d.ID}).fails(t, "NOT_FOUND")
	h.gql(t, outsider, `query($v: ID!) { validationRuns(datasetVersionId: $v) { totalCount } }`, map[string]any{"v": v.ID}).fails(t, "NOT_FOUND")
	h.gql(t, outsider, `query($v: ID!) { qualityIssuesUpstream(id: $v) { distance } }`, map[string]any{"v": v.ID}).fails(t, "NOT_FOUND")
	h.gql(t, outsider, `mutation($s: ID!, $v: ID!) { runValidation(input: {suiteId: $s, datasetVersionId: $v}) { validationRun { id } } }`,
		map[string]any{"s": suiteID, "v": v.ID}).fails(t, "NOT_FOUND")
	c := dial(t, h, outsider)
	if err := c.Subscribe(t.Context(), "x", `subscription($d: ID!) { validationCompleted(datasetId: $d) { cursor } }`, map[string]any{"d": d.ID}); err != nil {
		t.Fatal(err)
	}
	m, err := c.Next(t.Context())
	if err != nil || !strings.Contains(string(m.Payload), "NOT_FOUND") || strings.Contains(string(m.Payload), `"cursor"`) {
		t.Errorf("outsider's subscription: %v %s %s", err, m.Type, m.Payload)
	}
}

func TestDatasetVersionByName(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	// The same OpenLineage name in two projects.
	ns := "s3://" + neo4jtest.Key(t, "lake")
	var keys []string
	var ids []string
	for _, prefix := range []string{"dva", "dvb"} {
		key := neo4jtest.Key(t, prefix)
		if _, err := h.st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
			t.Fatal(err)
		}
		d, err := h.st.RegisterDataset(t.Context(), "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: ns, Name: "raw/orders"})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
		ids = append(ids, registerVersion(t, h.st, d, "v1", "s3://x/"+key, strings.Repeat("a", 64)).ID)
	}
	const q = `query($ns: String!, $v: String!, $pk: String) { datasetVersionByName(namespace: $ns, name: "raw/orders", version: $v, projectKey: $pk) { id } }`
	both := token(t, "both", map[string]auth.Role{keys[0]: auth.RoleViewer, keys[1]: auth.RoleViewer})
	one := token(t, "one", map[string]auth.Role{keys[1]: auth.RoleViewer})
	for _, c := range []struct {
		name, tok, version string
		pk                 any
		want               string // an ID, "null", or an error code
	}{
		{"in the one readable project", one, "v1", nil, ids[1]},
		{"named project", both, "v1", keys[0], ids[0]},
		{"ambiguous across projects", both, "v1", nil, "BAD_USER_INPUT"},
		{"a project the caller may not read", one, "v1", keys[0], "null"},
		{"unknown version", one, "v9", nil, "null"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := h.gql(t, c.tok, q, map[string]any{"ns": ns, "v": c.version, "pk": c.pk})
			switch c.want {
			case "BAD_USER_INPUT":
				if res.code() != c.want || !strings.Contains(string(res.Raw), "projectKey") {
					t.Fatalf("want BAD_USER_INPUT naming projectKey, got %s", res.Raw)
				}
			case "null":
				res.ok(t, nil)
				if string(res.Data) != `{"datasetVersionByName":null}` {
					t.Fatalf("want null, got %s", res.Data)
				}
			default:
				var d struct{ DatasetVersionByName struct{ ID string } }
				res.ok(t, &d)
				if d.DatasetVersionByName.ID != c.want {
					t.Fatalf("want %s, got %s", c.want, res.Raw)
				}
			}
		})
	}
}
