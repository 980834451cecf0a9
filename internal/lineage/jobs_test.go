package lineage_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

func TestWithJobs(t *testing.T) {
	job := func(id string) *store.Job {
		return &store.Job{ID: id, Name: "name of " + id, ProjectKey: "p", CreatedBy: "pipeline"}
	}
	// d0 → r1 → d1 → r2 → d2, and r3 beside r1; r1 and r3 are runs of
	// job a, r2 of job b.
	w := walkOf([]store.WalkedNode{walked("d0", dsv, 0, -1), walked("r1", run, 1, -1), walked("r3", run, 1, -1), walked("d1", dsv, 2, -1),
		walked("r2", run, 3, -1), walked("d2", dsv, 4, -1)},
		[3]string{"d0", "CONSUMED_BY", "r1"}, [3]string{"d0", "CONSUMED_BY", "r3"}, [3]string{"r1", "PRODUCED", "d1"},
		[3]string{"d1", "CONSUMED_BY", "r2"}, [3]string{"r2", "PRODUCED", "d2"})
	before := cloneWalk(w)
	a, b := job("job_a"), job("job_b")
	jw := lineage.WithJobs(w, map[string]*store.Job{"r1": a, "r3": a, "r2": b})
	if !reflect.DeepEqual(w, before) {
		t.Fatal("WithJobs changed the walk")
	}

	t.Run("jobs are one hop beyond their nearest run", func(t *testing.T) {
		g := lineage.Assemble(jw, lineage.Bounds{Depth: 5, MaxNodes: 20, Kinds: []store.Kind{dsv, run, store.KindJob}})
		nodes, edges := brief(g)
		wantNodes := []string{"d0@0", "r1@1", "r3@1", "d1@2", "job_a@2", "r2@3", "d2@4", "job_b@4"}
		if !slices.Equal(nodes, wantNodes) {
			t.Errorf("nodes %v, want %v", nodes, wantNodes)
		}
		for _, e := range []string{"job_a -HAS_RUN/1-> r1", "job_a -HAS_RUN/1-> r3", "job_b -HAS_RUN/1-> r2"} {
			if !slices.Contains(edges, e) {
				t.Errorf("edges %v lack %s", edges, e)
			}
		}
		if g.Nodes[4].Kind != store.KindJob || g.Nodes[4].Name != "name of job_a" || g.Nodes[4].Owner != "pipeline" {
			t.Errorf("job node %+v", g.Nodes[4])
		}
	})
	t.Run("jobs and datasets: a job joins what its runs wrote", func(t *testing.T) {
		g := lineage.Assemble(jw, lineage.Bounds{Depth: 5, MaxNodes: 20, Kinds: []store.Kind{dsv, store.KindJob}})
		_, edges := brief(g)
		for _, e := range []string{"job_a -INDIRECT/2-> d1", "job_b -INDIRECT/2-> d2"} {
			if !slices.Contains(edges, e) {
				t.Errorf("edges %v lack %s", edges, e)
			}
		}
	})
	t.Run("jobs count against maxNodes", func(t *testing.T) {
		g := lineage.Assemble(jw, lineage.Bounds{Depth: 5, MaxNodes: 6, Kinds: []store.Kind{dsv, run, store.KindJob}})
		nodes, _ := brief(g)
		if len(nodes) != 6 || slices.Contains(nodes, "job_b@4") || !g.Truncated() {
			t.Errorf("nodes %v truncated %v", nodes, g.TruncatedBy)
		}
	})
	t.Run("a job already walked (the root) is not added again", func(t *testing.T) {
		root := walkOf([]store.WalkedNode{walked("job_a", store.KindJob, 0, -1), walked("r1", run, 1, -1)})
		root.MemberEdge = "HAS_RUN"
		got := lineage.WithJobs(root, map[string]*store.Job{"r1": a})
		if len(got.Nodes) != 2 {
			t.Errorf("nodes %+v", got.Nodes)
		}
	})
	t.Run("no jobs: the same walk", func(t *testing.T) {
		got := lineage.WithJobs(w, nil)
		if !reflect.DeepEqual(got.Nodes, w.Nodes) || !reflect.DeepEqual(got.Index, w.Index) {
			t.Error("a walk without jobs changed")
		}
	})
}

func TestColumnGraphOf(t *testing.T) {
	w := &store.ColumnWalk{
		Columns: []store.WalkedColumn{{ID: "c0", VersionID: "v0", Name: "amount"}, {ID: "c1", VersionID: "v1", Name: "total", Distance: 1}},
		Feeds: []store.ColumnFeed{{From: "c0", To: "c1",
			Transformations: `[{"type":"DIRECT","subtype":"AGGREGATION","description":"sum","masking":false},{"type":"INDIRECT","subtype":"","masking":true}]`}},
		More: true,
	}
	g, err := lineage.ColumnGraphOf(w)
	if err != nil {
		t.Fatal(err)
	}
	if g.Root != "c0" || len(g.Nodes) != 2 || g.Nodes[1] != (lineage.ColumnNode{ID: "c1", VersionID: "v1", Name: "total", Distance: 1}) || !g.Truncated ||
		g.ModelVersions == nil {
		t.Fatalf("graph %+v", g)
	}
	tr := g.Edges[0].Transformations
	if len(tr) != 2 || tr[0].Type != "DIRECT" || *tr[0].Subtype != "AGGREGATION" || *tr[0].Description != "sum" || tr[0].Masking ||
		tr[1].Subtype != nil || tr[1].Description != nil || !tr[1].Masking {
		t.Errorf("transformations %+v", tr)
	}
	if ts, err := lineage.Transformations(""); err != nil || ts == nil || len(ts) != 0 {
		t.Errorf("no transformations: %#v %v", ts, err)
	}
	if _, err := lineage.Transformations("{"); err == nil {
		t.Error("broken JSON decoded")
	}
}

func TestColumnRequestCheck(t *testing.T) {
	n := func(v int) *int { return &v }
	for _, c := range []struct {
		name            string
		req             lineage.ColumnRequest
		depth, maxNodes int
		bad             bool
	}{
		{"defaults", lineage.ColumnRequest{}, lineage.DefaultColumnDepth, lineage.DefaultMaxNodes, false},
		{"the root alone", lineage.ColumnRequest{Depth: n(0), MaxNodes: n(1)}, 0, 1, false},
		{"too deep", lineage.ColumnRequest{Depth: n(lineage.MaxDepth + 1)}, 0, 0, true},
		{"no nodes", lineage.ColumnRequest{MaxNodes: n(0)}, 0, 0, true},
		{"too many nodes", lineage.ColumnRequest{MaxNodes: n(lineage.MaxNodes + 1)}, 0, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.req.Check()
			if (err != nil) != c.bad || (!c.bad && (b.Depth != c.depth || b.MaxNodes != c.maxNodes)) {
				t.Errorf("bounds %+v, err %v", b, err)
			}
		})
	}
}
