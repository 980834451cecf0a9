package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

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

	es, err := s.ExperimentsInScope(t.Context(), store.Scope{Keys: []string{a}}, store.LifecycleActive, "", "", 10)
	if err != nil || len(es) != 1 || es[0].ID != ea.ID {
		t.Fatalf("ExperimentsInScope(a) = %v, %v", es, err)
	}
	es, err = s.ExperimentsInScope(t.Context(), store.Scope{Keys: []string{a}}, store.LifecycleActive, "", ea.ID, 10)
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

// TestLogRunBatch: a log-batch writes params, tags and metrics in one
// transaction, all or nothing under the rule it is given, and a batch whose
// fingerprint the run recorded (one of its last 1,000) writes nothing.
func TestLogRunBatch(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "mlf", store.StatusRunning)
	anyRun := func(*store.Run) error { return nil }
	state := func() (*store.Run, int64) {
		t.Helper()
		runs, err := s.RunsByIDs(t.Context(), []string{r.ID})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := s.MetricsOfRuns(t.Context(), []string{r.ID})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, m := range ms[0] {
			n += m.Count
		}
		return runs[r.ID], n
	}
	log := func(b store.RunBatch, allow func(*store.Run) error) (bool, error) {
		t.Helper()
		return s.LogRunBatch(t.Context(), r.ID, b, allow)
	}
	pt := func(v float64) []store.MetricPoint {
		return []store.MetricPoint{{Key: "loss", Value: v, Step: 1, Timestamp: time.UnixMilli(1796215031953)}}
	}
	first := store.RunBatch{Params: []store.KeyValue{{Key: "lr", Value: "0.1"}}, Tags: []store.KeyValue{{Key: "team", Value: "risk"}},
		Metrics: pt(0.5), Fingerprint: "first"}
	if seen, err := log(first, anyRun); seen || err != nil {
		t.Fatalf("first batch: seen %v, %v", seen, err)
	}
	run, points := state()
	if points != 1 || len(run.Params) != 1 || run.Params[0].Value != "0.1" || !slices.Contains(run.Tags, store.KeyValue{Key: "team", Value: "risk"}) {
		t.Fatalf("after the first batch: %d points, params %v, tags %v", points, run.Params, run.Tags)
	}
	// The same batch again: seen, nothing appended.
	if seen, err := log(first, anyRun); !seen || err != nil {
		t.Fatalf("a retried batch: seen %v, %v", seen, err)
	}
	// Another batch repeating a point (as the client does when it logs a
	// model: it re-sends a step's points), once more within itself, and a
	// new one: the new one only is appended, as MLflow keeps a point once.
	repeat := append(pt(0.5), pt(0.5)[0], store.MetricPoint{Key: "loss", Value: 0.45, Step: 2, Timestamp: time.UnixMilli(1796215032953)})
	if seen, err := log(store.RunBatch{Metrics: repeat, Fingerprint: "repeat"}, anyRun); seen || err != nil {
		t.Fatalf("a batch repeating points: seen %v, %v", seen, err)
	}
	if _, n := state(); n != 2 {
		t.Fatalf("after a batch repeating the latest point: %d points, want 2", n)
	}
	// The step-1 point again, now that it is not the latest: still kept
	// once; a different value at that step is a point of its own.
	again := append(pt(0.5), store.MetricPoint{Key: "loss", Value: 0.55, Step: 1, Timestamp: time.UnixMilli(1796215031953)})
	if _, err := log(store.RunBatch{Metrics: again, Fingerprint: "again"}, anyRun); err != nil {
		t.Fatal(err)
	}
	if _, n := state(); n != 3 {
		t.Fatalf("after re-sending an older point and a new one: %d points, want 3", n)
	}
	// A batch the rule refuses writes nothing, not even its params or tags.
	refused := errors.New("refused")
	_, err := log(store.RunBatch{Params: []store.KeyValue{{Key: "depth", Value: "6"}}, Tags: []store.KeyValue{{Key: "team", Value: "ops"}},
		Metrics: pt(0.4), Fingerprint: "second"}, func(*store.Run) error { return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("a refused batch: %v", err)
	}
	if after, n := state(); n != 3 || len(after.Params) != 1 || slices.Contains(after.Tags, store.KeyValue{Key: "team", Value: "ops"}) {
		t.Fatalf("a refused batch wrote: %d points, params %v, tags %v", n, after.Params, after.Tags)
	}
	// The run remembers its last 1,000 fingerprints only.
	for i := range 1001 {
		if _, err := log(store.RunBatch{Tags: []store.KeyValue{{Key: "n", Value: fmt.Sprint(i)}}, Fingerprint: fmt.Sprint(i)}, anyRun); err != nil {
			t.Fatal(err)
		}
	}
	// In this order: a batch not seen is recorded, and pushes out the oldest.
	for _, c := range []struct {
		fp   string
		want bool
	}{{"1000", true}, {"1", true}, {"first", false}} {
		seen, err := log(store.RunBatch{Tags: []store.KeyValue{{Key: "n", Value: c.fp}}, Fingerprint: c.fp}, anyRun)
		if err != nil || seen != c.want {
			t.Errorf("fingerprint %s: seen %v (%v), want %v", c.fp, seen, err, c.want)
		}
	}
}

// TestMetricHistoryPage: pages of a long series, across chunk boundaries,
// put together are its whole history in logging order; past the end is
// empty.
func TestMetricHistoryPage(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "mlf", store.StatusRunning)
	var all []store.MetricPoint
	for start := 0; start < 2500; start += 1000 {
		var batch []store.MetricPoint
		for i := start; i < min(start+1000, 2500); i++ {
			batch = append(batch, store.MetricPoint{Key: "loss", Value: 1 / float64(i+1), Step: int64(i), Timestamp: time.UnixMilli(1796215031953 + int64(i)).UTC()})
		}
		if _, err := s.LogMetrics(t.Context(), r.ID, batch); err != nil {
			t.Fatal(err)
		}
		all = append(all, batch...)
	}
	ref := store.MetricRef{RunID: r.ID, Key: "loss"}
	var got []store.MetricPoint
	for offset := 0; ; offset += 700 {
		page, more, err := s.MetricHistoryPage(t.Context(), ref, offset, 700)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if !more {
			break
		}
		if len(page) != 700 {
			t.Fatalf("a page before the last holds %d points", len(page))
		}
	}
	if len(got) != len(all) {
		t.Fatalf("pages hold %d points, the series %d", len(got), len(all))
	}
	for i := range all {
		if got[i].Step != all[i].Step || got[i].Value != all[i].Value || !got[i].Timestamp.Equal(all[i].Timestamp) {
			t.Fatalf("point %d: %+v, want %+v", i, got[i], all[i])
		}
	}
	if page, more, err := s.MetricHistoryPage(t.Context(), ref, 2500, 10); err != nil || len(page) != 0 || more {
		t.Errorf("past the end: %v, %v, %v", page, more, err)
	}
	if _, _, err := s.MetricHistoryPage(t.Context(), ref, -1, 10); !errors.Is(err, errs.Invalid) {
		t.Errorf("a negative offset: %v", err)
	}
	// A point far ahead does not make later writes read the whole series,
	// and points re-sent from the series' start are still kept once.
	if _, err := s.LogMetrics(t.Context(), r.ID, []store.MetricPoint{{Key: "loss", Value: 9, Step: 1 << 62, Timestamp: time.UnixMilli(1796215031953).UTC()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogMetrics(t.Context(), r.ID, all[:3]); err != nil {
		t.Fatal(err)
	}
	if _, more, err := s.MetricHistoryPage(t.Context(), ref, 2500, 10); err != nil || more {
		t.Errorf("after re-sending the first points: more %v, %v", more, err)
	}
	if page, _, _ := s.MetricHistoryPage(t.Context(), ref, 2500, 10); len(page) != 1 {
		t.Errorf("the series grew by %d points, want 1 (the far one; the re-sent ones are there)", len(page))
	}
}
