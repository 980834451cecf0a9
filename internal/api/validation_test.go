package api_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
)

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
	h.gql(t, viewer, `mutation($s: ID!) { setValidationSuiteOnArrival(input: {suiteId: $s, onArrival: false}) { changed } }`,
		map[string]any{"s": suiteID}).fails(t, "FORBIDDEN")
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
	h.gql(t, outsider, `mutation($s: ID!) { setValidationSuiteOnArrival(input: {suiteId: $s, onArrival: false}) { changed } }`,
		map[string]any{"s": suiteID}).fails(t, "NOT_FOUND")
	unchanged(t, key, before)
	c := dial(t, h, outsider)
	if err := c.Subscribe(t.Context(), "x", `subscription($d: ID!) { validationCompleted(datasetId: $d) { cursor } }`, map[string]any{"d": d.ID}); err != nil {
		t.Fatal(err)
	}
	m, err := c.Next(t.Context())
	if err != nil || !strings.Contains(string(m.Payload), "NOT_FOUND") || strings.Contains(string(m.Payload), `"cursor"`) {
		t.Errorf("outsider's subscription: %v %s %s", err, m.Type, m.Payload)
	}
}
