package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

const suiteYAML = `
rules:
  - type: not_null
    column: id
  - type: value_between
    column: amount
    min: 0
    max: 100
`

// newDatasetVersion registers a dataset with one version in a fresh
// project and returns both.
func newDatasetVersion(t *testing.T, s *store.Store, prefix string) (*store.Dataset, *store.DatasetVersion) {
	t.Helper()
	key := newProject(t, s, prefix)
	d, err := s.RegisterDataset(t.Context(), actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "file://" + key, Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	return d, addVersion(t, s, d, "v1")
}

func addVersion(t *testing.T, s *store.Store, d *store.Dataset, label string) *store.DatasetVersion {
	t.Helper()
	v, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: d.ID, Version: label,
		URI: "/data/" + label + ".csv", Digest: strings.Repeat("a", 64)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// definition parses a suite definition as the resolvers do.
func definition(t *testing.T, name, text string) store.SuiteDefinition {
	t.Helper()
	def, err := validation.ParseDefinition(name, text)
	if err != nil {
		t.Fatalf("parse definition: %v", err)
	}
	return def
}

// createSuite attaches a suite with a YAML or JSON definition to d.
func createSuite(t *testing.T, s *store.Store, d *store.Dataset, name, text string) *store.ValidationSuite {
	t.Helper()
	suite, err := s.CreateValidationSuite(t.Context(), actor, store.CreateValidationSuiteInput{DatasetID: d.ID, Name: name, Definition: definition(t, name, text)})
	if err != nil {
		t.Fatal(err)
	}
	return suite
}

// outcome is a run's outcome of the given status: one passed rule over
// three rows, as the validation domain would write it.
func outcome(status store.ValidationStatus) store.ValidationOutcome {
	rows := int64(3)
	return store.ValidationOutcome{Status: status, RowCount: &rows, SHA256: strings.Repeat("a", 64),
		Statistics: `{"evaluated":1,"passed":1,"failed":0,"errored":0,"success_percent":100}`,
		Results:    `[{"index":0,"type":"not_null","column":"id","severity":"error","verdict":"PASSED","observed":1}]`}
}

// record records a result produced elsewhere as the resolvers do.
func record(t *testing.T, s *store.Store, versionID, suiteName, result string) (*store.ValidationRun, error) {
	t.Helper()
	in, err := validation.RecordInput(versionID, suiteName, result)
	if err != nil {
		return nil, err
	}
	return s.RecordValidationResult(t.Context(), actor, in)
}

// finish completes a run with an outcome of the given status.
func finish(t *testing.T, s *store.Store, runID string, status store.ValidationStatus) *store.ValidationRun {
	t.Helper()
	run, err := s.CompleteValidationRun(t.Context(), runID, outcome(status))
	if err != nil {
		t.Fatalf("complete %s: %v", runID, err)
	}
	return run
}

func startValidation(t *testing.T, s *store.Store, suiteID, versionID string) *store.ValidationRun {
	t.Helper()
	run, err := s.StartValidationRun(t.Context(), actor, store.StartValidationRunInput{SuiteID: suiteID, DatasetVersionID: versionID,
		Deadline: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatalf("start validation: %v", err)
	}
	return run
}

func qualityStatus(t *testing.T, s *store.Store, versionID string) store.ValidationStatus {
	t.Helper()
	vs, err := s.DatasetVersionsByIDs(t.Context(), []string{versionID})
	if err != nil {
		t.Fatal(err)
	}
	return vs[versionID].QualityStatus
}

func TestValidationSuiteVersions(t *testing.T) {
	s := neo4jtest.Store(t)
	d, v := newDatasetVersion(t, s, "vsv")
	suite := createSuite(t, s, d, "orders-basic", suiteYAML)
	if suite.Version != 1 || suite.RuleCount != 2 || suite.ProjectKey != d.ProjectKey || !strings.Contains(suite.Definition, `"name":"orders-basic"`) {
		t.Fatalf("created %+v", suite)
	}
	first := startValidation(t, s, suite.ID, v.ID)

	// The same rules again, as JSON: the canonical form is equal, so
	// nothing changes and no event is written.
	before := neo4jtest.Count(t, `MATCH (e:Event {targetId: $id}) RETURN count(e) AS n`, map[string]any{"id": suite.ID})
	same, changed, err := s.UpdateValidationSuite(t.Context(), actor, suite.ID, definition(t, suite.Name,
		`{"rules": [{"type": "not_null", "column": "id"}, {"type": "value_between", "column": "amount", "min": 0, "max": 100}]}`))
	if err != nil || changed || same.Version != 1 {
		t.Fatalf("identical update: changed=%v version=%d err=%v", changed, same.Version, err)
	}
	if after := neo4jtest.Count(t, `MATCH (e:Event {targetId: $id}) RETURN count(e) AS n`, map[string]any{"id": suite.ID}); after != before {
		t.Errorf("an update that changed nothing wrote %d events", after-before)
	}
	updated, changed, err := s.UpdateValidationSuite(t.Context(), "bob", suite.ID, definition(t, suite.Name, suiteYAML+"  - type: unique\n    column: id\n"))
	if err != nil || !changed {
		t.Fatalf("update: changed=%v err=%v", changed, err)
	}
	if updated.Version != 2 || updated.RuleCount != 3 || updated.UpdatedBy != "bob" || updated.CreatedBy != actor {
		t.Fatalf("updated %+v", updated)
	}
	second := startValidation(t, s, suite.ID, v.ID)
	if *first.SuiteVersion != 1 || *second.SuiteVersion != 2 || first.Status != store.ValidationRunning {
		t.Fatalf("runs recorded suite versions %d and %d (status %s)", *first.SuiteVersion, *second.SuiteVersion, first.Status)
	}
	if strings.Contains(first.Definition, "unique") || !strings.Contains(second.Definition, "unique") {
		t.Errorf("runs did not keep the definition they ran:\n%s\n%s", first.Definition, second.Definition)
	}
	finish(t, s, first.ID, store.ValidationPassed)
	if _, err := s.CompleteValidationRun(t.Context(), first.ID, outcome(store.ValidationFailed)); !errors.Is(err, errs.Conflict) {
		t.Errorf("completing a finished run again: want errs.Conflict, got %v", err)
	}

	evs, err := s.EventsAfter(t.Context(), 0, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{d.ProjectKey}})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		if strings.HasPrefix(string(e.Kind), "VALIDATION_") {
			kinds = append(kinds, string(e.Kind))
		}
	}
	want := "VALIDATION_SUITE_CREATED VALIDATION_STARTED VALIDATION_SUITE_UPDATED VALIDATION_STARTED VALIDATION_COMPLETED"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	last := evs[len(evs)-1]
	if last.Payload["datasetVersionId"] != v.ID || last.Payload["datasetId"] != d.ID || last.Payload["status"] != "PASSED" ||
		last.Payload["suiteVersion"] != int64(1) || last.Actor != actor {
		t.Errorf("completion event %+v", last)
	}
}

// createInput is a createValidationSuite request before parsing.
type createInput struct {
	DatasetID, Name, Definition string
}

func TestValidationBadInputWritesNothing(t *testing.T) {
	s := neo4jtest.Store(t)
	d, v := newDatasetVersion(t, s, "vbad")
	other, otherV := newDatasetVersion(t, s, "vbad2")
	suite := createSuite(t, s, d, "basic", suiteYAML)
	missingDS := "ds_" + "0190a000-0000-7000-8000-000000000000"
	missingV := "dsv_" + "0190a000-0000-7000-8000-000000000000"
	missingS := "vs_" + "0190a000-0000-7000-8000-000000000000"
	// A definition is parsed first, as the resolvers do: the parse
	// rejects what the engine rejects, the write what the graph does.
	create := func(in createInput) func() error {
		return func() error {
			def, err := validation.ParseDefinition(in.Name, in.Definition)
			if err != nil {
				return err
			}
			_, err = s.CreateValidationSuite(t.Context(), actor, store.CreateValidationSuiteInput{DatasetID: in.DatasetID, Name: in.Name, Definition: def})
			return err
		}
	}
	update := func(suiteID, name, text string) func() error {
		return func() error {
			def, err := validation.ParseDefinition(name, text)
			if err != nil {
				return err
			}
			_, _, err = s.UpdateValidationSuite(t.Context(), actor, suiteID, def)
			return err
		}
	}
	cases := []struct {
		name     string
		write    func() error
		sentinel error
		mentions []string
	}{
		{"unknown dataset", create(createInput{DatasetID: missingDS, Name: "x", Definition: suiteYAML}), errs.NotFound, []string{"datasetId"}},
		{"rule without its column", create(createInput{DatasetID: d.ID, Name: "x", Definition: "rules:\n  - type: not_null\n"}),
			errs.Invalid, []string{"definition", "rules[0].column"}},
		{"unknown rule type", create(createInput{DatasetID: d.ID, Name: "x", Definition: "rules:\n  - type: not_null\n    column: a\n  - type: nope\n"}),
			errs.Invalid, []string{"rules[1].type"}},
		{"a field of another rule type", create(createInput{DatasetID: d.ID, Name: "x", Definition: `{"rules": [{"type": "unique", "column": "a", "pattern": "x"}]}`}),
			errs.Invalid, []string{"rules[0].pattern"}},
		{"reference not a version ID", create(createInput{DatasetID: d.ID, Name: "x",
			Definition: "rules:\n  - type: referential_integrity\n    column: a\n    reference: ref.csv\n"}), errs.Invalid, []string{"rules[0].reference"}},
		{"reference to a missing version", create(createInput{DatasetID: d.ID, Name: "x",
			Definition: "rules:\n  - type: referential_integrity\n    column: a\n    reference: " + missingV + "\n"}), errs.NotFound, []string{"reference"}},
		{"suite written for another dataset", create(createInput{DatasetID: d.ID, Name: "x",
			Definition: "dataset: {namespace: s3://x, name: other}\nrules:\n  - type: not_null\n    column: a\n"}), errs.Invalid, []string{"definition: dataset"}},
		{"duplicate name", create(createInput{DatasetID: d.ID, Name: "basic", Definition: suiteYAML}), errs.Conflict, []string{"name", "basic"}},
		{"empty name", create(createInput{DatasetID: d.ID, Name: " ", Definition: suiteYAML}), errs.Invalid, []string{"name"}},
		{"bad update", update(suite.ID, suite.Name, "rules: []"), errs.Invalid, []string{"definition", "rules"}},
		{"update of an unknown suite", update(missingS, "basic", suiteYAML), errs.NotFound, []string{"suiteId"}},
		{"update parsed for another suite's name", update(suite.ID, "other", suiteYAML), nil, []string{"definition", "other", "basic"}},
		{"definition that was not parsed", func() error {
			_, err := s.CreateValidationSuite(t.Context(), actor, store.CreateValidationSuiteInput{DatasetID: d.ID, Name: "x"})
			return err
		}, nil, []string{"definition"}},
		{"parsed reference not a version ID", func() error {
			def := definition(t, "x", suiteYAML)
			def.References = []store.SuiteReference{{Rule: 1, DatasetVersionID: "ref.csv"}}
			_, err := s.CreateValidationSuite(t.Context(), actor, store.CreateValidationSuiteInput{DatasetID: d.ID, Name: "x", Definition: def})
			return err
		}, errs.Invalid, []string{"rules[1].reference"}},
		{"run on a version of another dataset", func() error {
			_, err := s.StartValidationRun(t.Context(), actor, store.StartValidationRunInput{SuiteID: suite.ID, DatasetVersionID: otherV.ID})
			return err
		}, errs.Invalid, []string{"datasetVersionId", other.ID}},
		{"run on an unknown version", func() error {
			_, err := s.StartValidationRun(t.Context(), actor, store.StartValidationRunInput{SuiteID: suite.ID, DatasetVersionID: missingV})
			return err
		}, errs.NotFound, []string{"datasetVersionId"}},
		{"run of an unknown suite", func() error {
			_, err := s.StartValidationRun(t.Context(), actor, store.StartValidationRunInput{SuiteID: missingS, DatasetVersionID: v.ID})
			return err
		}, errs.NotFound, []string{"suiteId"}},
		{"result that is not a validation result", func() error {
			_, err := record(t, s, v.ID, "ge", `{"success": true}`)
			return err
		}, errs.Invalid, []string{"result"}},
		{"result for an unknown version", func() error {
			_, err := record(t, s, missingV, "ge", `{"success": true, "results": []}`)
			return err
		}, errs.NotFound, []string{"datasetVersionId"}},
		{"outcome with a status that is not final", func() error {
			in, err := validation.RecordInput(v.ID, "ge", `{"success": true, "results": []}`)
			if err != nil {
				return err
			}
			in.Outcome.Status = store.ValidationRunning
			_, err = s.RecordValidationResult(t.Context(), actor, in)
			return err
		}, errs.Invalid, []string{"result: status", "RUNNING"}},
		{"outcome that was not built from a result", func() error {
			_, err := s.RecordValidationResult(t.Context(), actor, store.RecordValidationResultInput{DatasetVersionID: v.ID, SuiteName: "ge",
				Outcome: store.ValidationOutcome{Status: store.ValidationPassed, Engine: store.EngineGreatExpectations}})
			return err
		}, nil, []string{"result"}},
	}
	// Nodes (events included), relationships and suite versions of both
	// projects.
	count := func(t *testing.T) int64 {
		t.Helper()
		keys := map[string]any{"keys": []string{d.ProjectKey, other.ProjectKey}}
		return neo4jtest.Count(t, `MATCH (n) WHERE n.projectKey IN $keys
			RETURN count(n) + sum(CASE WHEN n:ValidationSuite THEN n.version ELSE 0 END) + sum(COUNT { (n)--() }) AS n`, keys)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := count(t)
			err := c.write()
			switch {
			case c.sentinel == nil && err == nil:
				t.Fatal("want an error, got none")
			case c.sentinel == nil && errors.Is(err, errs.Invalid):
				// A caller's mistake, not the client's: it must not
				// read as bad input.
				t.Fatalf("want an unclassified error, got %v", err)
			case c.sentinel != nil && !errors.Is(err, c.sentinel):
				t.Fatalf("want %v, got %v", c.sentinel, err)
			}
			for _, m := range c.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not name %q", err, m)
				}
			}
			if after := count(t); after != before {
				t.Errorf("a rejected write changed the graph (%d → %d)", before, after)
			}
		})
	}
}

func TestQualityStatusIsWorstOfLatestPerSuite(t *testing.T) {
	s := neo4jtest.Store(t)
	d, v := newDatasetVersion(t, s, "vqs")
	a := createSuite(t, s, d, "a", suiteYAML)
	b := createSuite(t, s, d, "b", suiteYAML)
	ge := func(success bool) {
		t.Helper()
		res := `{"success": false, "results": [{"success": false, "expectation_config": {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}, "result": {"unexpected_count": 1}}]}`
		if success {
			res = `{"success": true, "results": [{"success": true, "expectation_config": {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}, "result": {}}]}`
		}
		run, err := record(t, s, v.ID, "ge", res)
		if err != nil {
			t.Fatal(err)
		}
		if run.Engine != store.EngineGreatExpectations || run.SuiteID != "" || run.SuiteVersion != nil {
			t.Errorf("recorded run %+v", run)
		}
	}
	steps := []struct {
		name string
		do   func()
		want store.ValidationStatus
	}{
		{"no run finished", func() { startValidation(t, s, a.ID, v.ID) }, ""},
		{"a fails", func() { finish(t, s, startValidation(t, s, a.ID, v.ID).ID, store.ValidationFailed) }, store.ValidationFailed},
		{"b passes, a's failure is still its latest", func() { finish(t, s, startValidation(t, s, b.ID, v.ID).ID, store.ValidationPassed) }, store.ValidationFailed},
		{"a passes now", func() { finish(t, s, startValidation(t, s, a.ID, v.ID).ID, store.ValidationPassed) }, store.ValidationPassed},
		{"b warns", func() { finish(t, s, startValidation(t, s, b.ID, v.ID).ID, store.ValidationWarned) }, store.ValidationWarned},
		{"an external suite fails", func() { ge(false) }, store.ValidationFailed},
		{"the external suite passes", func() { ge(true) }, store.ValidationWarned},
		{"a errors", func() { finish(t, s, startValidation(t, s, a.ID, v.ID).ID, store.ValidationError) }, store.ValidationError},
	}
	for _, st := range steps {
		st.do()
		if got := qualityStatus(t, s, v.ID); got != st.want {
			t.Fatalf("%s: qualityStatus %q, want %q", st.name, got, st.want)
		}
	}
	// Another version of the dataset is untouched.
	if got := qualityStatus(t, s, addVersion(t, s, d, "v2").ID); got != "" {
		t.Errorf("an unvalidated version has qualityStatus %q", got)
	}
	runs, err := s.ValidationRuns(t.Context(), store.ValidationRunFilter{DatasetVersionID: v.ID}, store.Page{First: 3})
	if err != nil {
		t.Fatal(err)
	}
	if runs.Total != 8 || len(runs.Items) != 3 || !runs.HasNext || runs.Items[0].Status != store.ValidationError {
		t.Errorf("runs of the version: total %d, page %d, newest %s", runs.Total, len(runs.Items), runs.Items[0].Status)
	}
}

func TestValidationOutcomeIsStoredAsGiven(t *testing.T) {
	s := neo4jtest.Store(t)
	d, v := newDatasetVersion(t, s, "vout")
	suite := createSuite(t, s, d, "basic", suiteYAML)
	running := startValidation(t, s, suite.ID, v.ID)
	if running.Statistics != "" || running.Results != "" || running.RowCount != nil || running.Error != nil {
		t.Errorf("a running run has an outcome: %+v", running)
	}
	row, col := int64(4), "amount"
	out := store.ValidationOutcome{Status: store.ValidationError,
		Error:      &store.RunError{Code: "INPUT", Message: "row 4: bad number", Row: &row, Column: &col},
		Statistics: `{"evaluated":2,"errored":2}`, Results: `[{"index":0},{"index":1}]`,
		Engine: "ignored", EngineVersion: "ignored"}
	if _, err := s.CompleteValidationRun(t.Context(), running.ID, out); err != nil {
		t.Fatal(err)
	}
	runs, err := s.ValidationRunsByIDs(t.Context(), []string{running.ID})
	if err != nil {
		t.Fatal(err)
	}
	run := runs[running.ID]
	if run.Status != store.ValidationError || run.RowCount != nil || run.SHA256 != nil || run.Engine != store.EngineExphub ||
		run.EngineVersion != nil || run.Statistics != out.Statistics || run.Results != out.Results || run.FinishedAt == nil {
		t.Errorf("stored run %+v", run)
	}
	if e := run.Error; e == nil || e.Code != "INPUT" || e.Message != "row 4: bad number" || e.Row == nil || *e.Row != 4 || e.Column == nil || *e.Column != "amount" {
		t.Errorf("stored error %+v", run.Error)
	}

	in, err := validation.RecordInput(v.ID, "ge", `{"success": true, "meta": {"great_expectations_version": "1.3.0"}, "results": []}`)
	if err != nil {
		t.Fatal(err)
	}
	recorded, err := s.RecordValidationResult(t.Context(), actor, in)
	if err != nil {
		t.Fatal(err)
	}
	if recorded.Engine != store.EngineGreatExpectations || recorded.EngineVersion == nil || *recorded.EngineVersion != "1.3.0" ||
		recorded.RowCount != nil || recorded.Results != "[]" || recorded.Statistics != in.Outcome.Statistics || recorded.Error != nil {
		t.Errorf("recorded run %+v", recorded)
	}
}

// TestSuitesPerDatasetAreBounded: each suite may run on every version
// that arrives, so a dataset holds at most MaxSuitesPerDataset; one more
// is INVALID naming the bound, and writes nothing.
func TestSuitesPerDatasetAreBounded(t *testing.T) {
	s := neo4jtest.Store(t)
	d, _ := newDatasetVersion(t, s, "suitecap")
	for i := range store.MaxSuitesPerDataset {
		createSuite(t, s, d, fmt.Sprintf("s%02d", i), "rules:\n  - {type: row_count_between, min: 1}\n")
	}
	before := neo4jtest.ProjectNodes(t, d.ProjectKey)
	events := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": d.ProjectKey})
	_, err := s.CreateValidationSuite(t.Context(), actor, store.CreateValidationSuiteInput{DatasetID: d.ID, Name: "one-too-many",
		Definition: definition(t, "one-too-many", "rules:\n  - {type: row_count_between, min: 1}\n")})
	neo4jtest.WantErr(t, err, errs.Invalid)
	if !strings.Contains(err.Error(), fmt.Sprint(store.MaxSuitesPerDataset)) || !strings.Contains(err.Error(), "datasetId") {
		t.Errorf("error %q should name the field and the bound", err)
	}
	if after := neo4jtest.ProjectNodes(t, d.ProjectKey); after != before {
		t.Errorf("a refused suite changed the project's nodes: %d, then %d", before, after)
	}
	if after := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": d.ProjectKey}); after != events {
		t.Errorf("a refused suite appended %d events", after-events)
	}
}
