package lineage_test

import (
	"fmt"
	"testing"

	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

// treeWalk is a downstream walk of n nodes below a dataset version, each
// node with fanout children one hop further, runs and versions
// alternating, as the store reads a hub's walk.
func treeWalk(n, fanout int, edges bool) *store.LineageWalk {
	w := &store.LineageWalk{Index: map[string]int{}}
	add := func(id string, k store.Kind, d int) int {
		w.Index[id] = len(w.Nodes)
		w.Nodes = append(w.Nodes, walked(id, k, d, -1))
		return len(w.Nodes) - 1
	}
	frontier := []int{add("root", dsv, 0)}
	for len(w.Nodes) < n {
		var next []int
		for _, p := range frontier {
			for c := 0; c < fanout && len(w.Nodes) < n; c++ {
				parent := w.Nodes[p]
				k := run
				if parent.Kind == run {
					k = dsv
				}
				ch := add(fmt.Sprintf("%s.%d", parent.ID, c), k, parent.Distance+1)
				if edges {
					w.Nodes[p].Out = append(w.Nodes[p].Out, store.LineageEdge{From: parent.ID, To: w.Nodes[ch].ID, Kind: "CONSUMED_BY"})
				}
				next = append(next, ch)
			}
		}
		frontier = next
	}
	return w
}

// The shaping the API adds to a walk: a lineage graph of maxNodes 500 and
// 5,000 (edges read), and an impact report at the 50,000-node budget.
func BenchmarkAssemble(b *testing.B) {
	for _, n := range []int{500, lineage.MaxNodes} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			w := treeWalk(n, 4, true)
			b.ReportAllocs()
			for b.Loop() {
				lineage.Assemble(w, lineage.Bounds{Depth: lineage.MaxDepth, MaxNodes: n})
			}
		})
	}
}

func BenchmarkImpactOf(b *testing.B) {
	w := treeWalk(lineage.MaxImpactNodes, 4, false)
	b.ReportAllocs()
	for b.Loop() {
		lineage.ImpactOf(w, lineage.MaxImpactDepth)
	}
}
