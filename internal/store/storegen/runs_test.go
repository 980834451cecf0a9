package storegen_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestSeedRunsAreWhatTheStoreReads: seeded runs are found by the store's
// run search exactly as their formula says, read back with their params,
// status and metric (latest point and history), and dropped again; an
// unknown experiment is NotFound and writes nothing.
func TestSeedRunsAreWhatTheStoreReads(t *testing.T) {
	gs, s := graphs(t)
	ctx := t.Context()
	pk := neo4jtest.Key(t, "seed")
	if _, err := s.CreateProject(ctx, "t", store.CreateProjectInput{Key: pk, Name: pk}); err != nil {
		t.Fatal(err)
	}
	e, err := s.CreateExperiment(ctx, "t", store.CreateExperimentInput{ProjectKey: pk, Name: "seeded"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 7_300 // two batches and a part
	got, err := gs.SeedRuns(ctx, e.ID, n)
	if err != nil || got != pk {
		t.Fatalf("SeedRuns: project %q, %v", got, err)
	}
	want := 0
	for i := range n {
		if float64((i*7919)%1000)/1000 > 0.9 && i%3 == 0 {
			want++
		}
	}
	q := &store.RunQuery{Where: &store.RunPredicate{And: []*store.RunPredicate{
		{Compare: &store.RunCompare{Entity: store.RunEntityMetric, Key: "auc", Op: store.RunOpGt, Number: 0.9}},
		{Compare: &store.RunCompare{Entity: store.RunEntityParam, Key: "lr", Op: store.RunOpEq, Str: "0.1"}},
	}}}
	search := func() []*store.Run {
		t.Helper()
		var out []*store.Run
		for after := ""; ; {
			c, err := s.SearchRuns(ctx, store.RunSearch{Scope: store.Scope{Keys: []string{pk}}, ProjectKey: pk, ExperimentIDs: []string{e.ID},
				Query: q, Page: store.Page{First: 100, After: after}})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c.Items...)
			if !c.HasNext {
				return out
			}
			after = c.EndCursor()
		}
	}
	runs := search()
	if len(runs) != want {
		t.Fatalf("search found %d runs, the formula %d", len(runs), want)
	}
	r := runs[0]
	var i int
	if _, err := fmt.Sscanf(r.Name, "seeded-%d", &i); err != nil {
		t.Fatalf("name %q: %v", r.Name, err)
	}
	if r.Status != store.StatusFinished || r.ProjectKey != pk || len(r.Params) != 2 || r.Params[0] != (store.KeyValue{Key: "lr", Value: "0.1"}) ||
		r.Params[1] != (store.KeyValue{Key: "depth", Value: fmt.Sprint(i % 10)}) {
		t.Errorf("run %+v", r)
	}
	ms, err := s.MetricsOfRuns(ctx, []string{r.ID})
	if err != nil || len(ms) != 1 || len(ms[0]) != 1 || ms[0][0].Key != "auc" || ms[0][0].Latest.Value != float64((i*7919)%1000)/1000 {
		t.Fatalf("metrics %v, %v", ms, err)
	}
	pts, more, err := s.MetricHistoryPage(ctx, store.MetricRef{RunID: r.ID, Key: "auc"}, 0, 10)
	if err != nil || more || len(pts) != 1 || pts[0].Value != ms[0][0].Latest.Value {
		t.Fatalf("history %v more %v: %v", pts, more, err)
	}

	if err := gs.DropSeededRuns(context.WithoutCancel(ctx), e.ID); err != nil {
		t.Fatal(err)
	}
	if runs := search(); len(runs) != 0 {
		t.Fatalf("%d runs left after the drop", len(runs))
	}
	if _, err := gs.SeedRuns(ctx, "exp_01941f29-7c00-7e66-b97d-a3a769620614", 10); !errors.Is(err, errs.NotFound) {
		t.Fatalf("unknown experiment: %v", err)
	}
}
