package storegen_test

import (
	"slices"
	"testing"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

func TestBenchmarkReads(t *testing.T) {
	gs, _ := graphs(t)
	ctx := t.Context()
	prefix := neo4jtest.Key(t, "gr")
	st, err := gs.GenerateLineage(ctx, storegen.GenSpec{Nodes: 1_000, Seed: 11, Prefix: prefix, Projects: 2, Hubs: 3})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("CountGraph counts what was generated", func(t *testing.T) {
		size, err := gs.CountGraph(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if size != (storegen.GraphSize{Nodes: int64(st.Nodes), Edges: int64(st.Edges)}) {
			t.Errorf("CountGraph %+v, generated %d nodes and %d edges", size, st.Nodes, st.Edges)
		}
	})

	t.Run("Hubs are the most-read dataset versions", func(t *testing.T) {
		hubs, err := gs.Hubs(ctx, prefix, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(hubs) != 3 {
			t.Fatalf("%d hubs, want 3", len(hubs))
		}
		prev := int64(-1)
		for i, h := range hubs {
			if k, _ := store.KindOf(h); k != store.KindDatasetVersion {
				t.Errorf("hub %s is a %s", h, k)
			}
			n := neo4jtest.Count(t, `MATCH (:DatasetVersion {id: $id})-[:CONSUMED_BY]->(r) RETURN count(r) AS n`, map[string]any{"id": h})
			if i > 0 && n > prev {
				t.Errorf("hub %d has %d readers, more than hub %d's %d", i, n, i-1, prev)
			}
			prev = n
		}
	})

	t.Run("SampleLineageRoots is repeatable and samples lineage nodes", func(t *testing.T) {
		a, err := gs.SampleLineageRoots(ctx, prefix, 50, 7)
		if err != nil {
			t.Fatal(err)
		}
		b, err := gs.SampleLineageRoots(ctx, prefix, 50, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != 50 || !slices.Equal(a, b) {
			t.Fatalf("two samples with one seed: %d and %d roots, equal %v", len(a), len(b), slices.Equal(a, b))
		}
		for _, id := range a {
			if k, _ := store.KindOf(id); k != store.KindRun && k != store.KindDatasetVersion && k != store.KindModelVersion {
				t.Errorf("root %s is a %s", id, k)
			}
		}
	})

	t.Run("nothing with an unused prefix", func(t *testing.T) {
		unused := neo4jtest.Key(t, "none")
		roots, err := gs.SampleLineageRoots(ctx, unused, 5, 1)
		if err != nil || len(roots) != 0 {
			t.Errorf("roots %v, err %v", roots, err)
		}
		size, err := gs.CountGraph(ctx, unused)
		if err != nil || size != (storegen.GraphSize{}) {
			t.Errorf("size %+v, err %v", size, err)
		}
	})
}
