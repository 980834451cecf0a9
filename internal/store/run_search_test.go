package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

func searchIDs(t testing.TB, s *store.Store, in store.RunSearch) ([]string, store.Conn[*store.Run]) {
	t.Helper()
	c, err := s.SearchRuns(t.Context(), in)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	ids := make([]string, len(c.Items))
	for i, r := range c.Items {
		ids[i] = r.Name
	}
	return ids, c
}

func TestSearchRuns(t *testing.T) {
	s := neo4jtest.Store(t)
	pk := newProject(t, s, "rsearch")
	e := newExperiment(t, s, pk)
	mk := func(name, lr string, auc *float64, tags ...store.KeyValue) *store.Run {
		r, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: e.ID, Name: name,
			Params: []store.KeyValue{{Key: "lr", Value: lr}}, Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		if auc != nil {
			if _, err := s.LogMetrics(t.Context(), r.ID, []store.MetricPoint{{Key: "auc", Value: *auc, Timestamp: time.Now()}}); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	f := func(v float64) *float64 { return &v }
	ra := mk("a", "0.1", f(0.95), store.KeyValue{Key: "team", Value: "risk"})
	mk("b", "0.1", f(0.5))
	rc := mk("c", "0.01", f(0.99), store.KeyValue{Key: "team", Value: "Risk-2"})
	for i, in := range []struct {
		run  *store.Run
		name string
	}{{ra, "train-set"}, {rc, "eval-set"}} {
		ds := newDataset(t, s, pk, in.name)
		v, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x", Digest: digest(byte('a' + i))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddRunInputs(t.Context(), actor, in.run.ID, []string{v.ID}); err != nil {
			t.Fatal(err)
		}
	}
	mk("d", "0.01", nil)
	other := newExperiment(t, s, newProject(t, s, "rsearch-other"))
	if _, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: other.ID, Name: "hidden", Params: []store.KeyValue{{Key: "lr", Value: "0.1"}}}); err != nil {
		t.Fatal(err)
	}
	scope := store.Scope{Keys: []string{pk}}
	cmpP := func(e store.RunEntity, k string, op store.RunOp, str string, num float64) *store.RunPredicate {
		return &store.RunPredicate{Compare: &store.RunCompare{Entity: e, Key: k, Op: op, Str: str, Number: num}}
	}
	auc := cmpP(store.RunEntityMetric, "auc", store.RunOpGt, "", 0.9)
	lr := cmpP(store.RunEntityParam, "lr", store.RunOpEq, "0.1", 0)
	byName := []store.RunSearchOrder{{Entity: store.RunEntityAttribute, Key: "run_name"}}
	tests := []struct {
		name  string
		q     *store.RunPredicate
		order []store.RunSearchOrder
		want  []string
	}{
		{"and", &store.RunPredicate{And: []*store.RunPredicate{auc, lr}}, byName, []string{"a"}},
		{"or", &store.RunPredicate{Or: []*store.RunPredicate{auc, lr}}, byName, []string{"a", "b", "c"}},
		{"ilike tag", cmpP(store.RunEntityTag, "team", store.RunOpILike, "RISK%", 0), byName, []string{"a", "c"}},
		{"tag is null", cmpP(store.RunEntityTag, "team", store.RunOpIsNull, "", 0), byName, []string{"b", "d"}},
		{"status in", &store.RunPredicate{Compare: &store.RunCompare{Entity: store.RunEntityAttribute, Key: "status", Op: store.RunOpIn, Strs: []string{"RUNNING"}}}, byName, []string{"a", "b", "c", "d"}},
		{"metric desc nulls last", nil, []store.RunSearchOrder{{Entity: store.RunEntityMetric, Key: "auc", Desc: true}}, []string{"c", "a", "b", "d"}},
		{"metric asc nulls last", nil, []store.RunSearchOrder{{Entity: store.RunEntityMetric, Key: "auc"}}, []string{"b", "a", "c", "d"}},
		{"dataset name", cmpP(store.RunEntityDataset, "name", store.RunOpEq, "train-set", 0), byName, []string{"a"}},
		{"dataset digest in", &store.RunPredicate{Compare: &store.RunCompare{Entity: store.RunEntityDataset, Key: "digest", Op: store.RunOpIn, Strs: []string{digest('a'), digest('b')}}}, byName, []string{"a", "c"}},
		{"like special chars are literal", cmpP(store.RunEntityParam, "lr", store.RunOpLike, "0.1", 0), byName, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := store.RunSearch{Scope: scope, ProjectKey: pk, Query: &store.RunQuery{Where: tt.q}, Order: tt.order, Page: store.Page{First: 100}}
			got, _ := searchIDs(t, s, in)
			if !equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			// Paging one at a time gives the same sequence.
			var paged []string
			for range 10 {
				in.Page.First = 1
				ids, c := searchIDs(t, s, in)
				paged = append(paged, ids...)
				if !c.HasNext {
					break
				}
				in.Page.After = c.EndCursor()
			}
			if !equal(paged, tt.want) {
				t.Fatalf("paged %v, want %v", paged, tt.want)
			}
		})
	}
	t.Run("out of scope", func(t *testing.T) {
		got, _ := searchIDs(t, s, store.RunSearch{Scope: store.Scope{Keys: []string{"nope"}}, ProjectKey: pk, Page: store.Page{First: 10}})
		if len(got) != 0 {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("bad cursor", func(t *testing.T) {
		_, err := s.SearchRuns(t.Context(), store.RunSearch{Scope: scope, ProjectKey: pk, Page: store.Page{First: 1, After: "junk"}})
		if !errors.Is(err, errs.Invalid) {
			t.Fatalf("err = %v", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkSearchRuns100k measures the first page of 100 (and of 1,000) for
// `metrics.auc > 0.9 and params.lr = '0.1'` over 100,000 runs of one
// experiment, in the default order (start_time DESC).
func BenchmarkSearchRuns100k(b *testing.B) {
	s := neo4jtest.Store(b)
	pk := newProject(b, s, "rsbench")
	e := newExperiment(b, s, pk)
	gs := storegen.New(neo4jtest.Driver(b), "")
	if _, err := gs.SeedRuns(b.Context(), e.ID, 100_000); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := gs.DropSeededRuns(context.WithoutCancel(b.Context()), e.ID); err != nil {
			b.Error(err)
		}
	})
	q := &store.RunQuery{Where: &store.RunPredicate{And: []*store.RunPredicate{
		{Compare: &store.RunCompare{Entity: store.RunEntityMetric, Key: "auc", Op: store.RunOpGt, Number: 0.9}},
		{Compare: &store.RunCompare{Entity: store.RunEntityParam, Key: "lr", Op: store.RunOpEq, Str: "0.1"}},
	}}}
	// 100 is the API's page; 1,000 the mlflow client's (MaxFirst).
	for _, first := range []int{100, store.MaxRunSearchPage} {
		b.Run(fmt.Sprintf("page=%d", first), func(b *testing.B) {
			in := store.RunSearch{Scope: store.Scope{Keys: []string{pk}}, ProjectKey: pk, ExperimentIDs: []string{e.ID}, Query: q,
				Page: store.Page{First: first}, MaxFirst: first}
			for b.Loop() {
				c, err := s.SearchRuns(b.Context(), in)
				if err != nil {
					b.Fatal(err)
				}
				if len(c.Items) != first {
					b.Fatalf("page of %d", len(c.Items))
				}
			}
		})
	}
}

// A run search's page is at most MaxPageSize unless its caller allows more
// (MaxFirst), and never more than MaxRunSearchPage.
func TestRunSearchPageBound(t *testing.T) {
	s := neo4jtest.Store(t)
	pk := newProject(t, s, "rspage")
	e := newExperiment(t, s, pk)
	for _, tc := range []struct{ first, maxFirst int }{{101, 0}, {1001, 1000}, {1001, 5000}, {500, 200}} {
		_, err := s.SearchRuns(t.Context(), store.RunSearch{Scope: store.Scope{Keys: []string{pk}}, ProjectKey: pk, ExperimentIDs: []string{e.ID},
			Page: store.Page{First: tc.first}, MaxFirst: tc.maxFirst})
		if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "first: at most") {
			t.Errorf("first %d allowed by %d: %v, want refused", tc.first, tc.maxFirst, err)
		}
	}
	for _, tc := range []struct{ first, maxFirst int }{{100, 0}, {1000, 1000}, {1000, 5000}} {
		if _, err := s.SearchRuns(t.Context(), store.RunSearch{Scope: store.Scope{Keys: []string{pk}}, ProjectKey: pk, ExperimentIDs: []string{e.ID},
			Page: store.Page{First: tc.first}, MaxFirst: tc.maxFirst}); err != nil {
			t.Errorf("first %d allowed by %d: %v", tc.first, tc.maxFirst, err)
		}
	}
}
