package store_test

import (
	"fmt"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func TestExperimentByNameAndScope(t *testing.T) {
	s := neo4jtest.Store(t)
	a, b := newProject(t, s, "mla"), newProject(t, s, "mlb")
	ea := newExperiment(t, s, a)
	newExperiment(t, s, b)
	got, err := s.ExperimentByName(t.Context(), a, "exp")
	if err != nil || got.ID != ea.ID {
		t.Fatalf("ExperimentByName = %+v, %v", got, err)
	}
	_, err = s.ExperimentByName(t.Context(), a, "nope")
	wantErr(t, err, errs.NotFound)

	es, err := s.ExperimentsInScope(t.Context(), store.Scope{Keys: []string{a}}, "", "", 10)
	if err != nil || len(es) != 1 || es[0].ID != ea.ID {
		t.Fatalf("ExperimentsInScope(a) = %v, %v", es, err)
	}
	es, err = s.ExperimentsInScope(t.Context(), store.Scope{Keys: []string{a}}, "", ea.ID, 10)
	if err != nil || len(es) != 0 {
		t.Fatalf("ExperimentsInScope after the last = %v, %v", es, err)
	}
}

func TestDeleteRunTagAndRename(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "mlt", store.StatusRunning)
	if _, err := s.SetRunTags(t.Context(), r.ID, []store.KeyValue{{Key: "a", Value: "1"}, {Key: "mlflow.runName", Value: "run"}}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second is a no-op
		if _, err := s.DeleteRunTag(t.Context(), r.ID, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RenameRun(t.Context(), r.ID, "renamed"); err != nil {
		t.Fatal(err)
	}
	got := readRun(t, s, r.ID)
	if got.Name != "renamed" || len(got.Tags) != 1 || got.Tags[0] != (store.KeyValue{Key: "mlflow.runName", Value: "renamed"}) {
		t.Errorf("run = %+v", got)
	}
	_, err := s.DeleteRunTag(t.Context(), unknownID("run_"), "a")
	wantErr(t, err, errs.NotFound)
}

func TestLogMLflowInputs(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "mli", store.StatusRunning)
	rows := int64(3)
	in := store.MLflowInput{Namespace: "s3://bucket", Name: "data/train.csv", Digest: "f6c67107", DatasetName: "train-set",
		SourceType: "s3", Source: `{"uri": "s3://bucket/data/train.csv"}`, URI: "s3://bucket/data/train.csv",
		SchemaFields: []store.SchemaField{{Name: "x", Type: "double"}}, RowCount: &rows,
		Tags: []store.KeyValue{{Key: "mlflow.data.context", Value: "training"}}}
	// A dataset registered through the hub under the same name is the
	// one MLflow's input lands in.
	d := newDataset(t, s, r.ProjectKey, "data/train.csv")
	_, before, err := s.RecentEvents(t.Context(), 1, store.EventFilter{Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.LogMLflowInputs(t.Context(), actor, r.ID, []store.MLflowInput{in}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := s.EventsAfter(t.Context(), before, 100, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{r.ProjectKey}})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		if e.ProjectKey == r.ProjectKey {
			kinds = append(kinds, string(e.Kind))
		}
	}
	if fmt.Sprint(kinds) != "[DATASET_VERSION_REGISTERED RUN_LINEAGE_CHANGED]" {
		t.Errorf("events = %v, want one version and one lineage change (the second call adds nothing)", kinds)
	}
	ins, err := s.MLflowInputsOfRun(t.Context(), r.ID)
	if err != nil || len(ins) != 1 {
		t.Fatalf("inputs = %+v, %v", ins, err)
	}
	vs, err := s.DatasetVersionsByIDs(t.Context(), []string{ins[0].VersionID})
	if err != nil {
		t.Fatal(err)
	}
	v := vs[ins[0].VersionID]
	if v.DatasetID != d.ID || v.Digest != "" || v.Version != "f6c67107" || v.Source == nil || *v.Source != store.SourceMLflow ||
		v.RowCount == nil || *v.RowCount != 3 || len(v.Schema) != 1 {
		t.Errorf("version = %+v", v)
	}
	if ins[0].DatasetName != "train-set" || len(ins[0].Tags) != 1 {
		t.Errorf("input = %+v", ins[0])
	}
}

func TestMLflowBatchFingerprints(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "mlf", store.StatusRunning)
	seen := func(fp string) bool {
		t.Helper()
		ok, err := s.MLflowBatchSeen(t.Context(), r.ID, fp)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if seen("a") {
		t.Fatal("a fresh run has seen a batch")
	}
	for i := range 1001 {
		if err := s.MLflowBatchDone(t.Context(), r.ID, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if seen("0") || !seen("1") || !seen("1000") {
		t.Errorf("the run should remember the last 1,000 fingerprints only")
	}
}
