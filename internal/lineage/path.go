package lineage

import (
	"fmt"
	"slices"

	"github.com/exphub/exphub/internal/store"
)

// PathGraph makes the graph of a shortest path p between from and another
// node, rooted at from: its nodes in order from from, each at its
// position as distance, and its edges pointing downstream (from later to
// earlier nodes when the path runs down to from). A node outside scope,
// which the store's path never crosses, would be a placeholder. It does
// not change p.
func PathGraph(from string, p *store.LineagePath, scope store.Scope) *Graph {
	nodes := make([]Node, len(p.Nodes))
	for i, n := range p.Nodes {
		nodes[i] = nodeOf(n)
	}
	rels := slices.Clone(p.Rels)
	reversed := len(nodes) > 0 && nodes[0].ID != from
	if reversed {
		// The path was found to→from: edges still point downstream, i.e.
		// from later to earlier in the reversed order.
		slices.Reverse(nodes)
		slices.Reverse(rels)
	}
	g := &Graph{Root: from}
	for i := range nodes {
		nodes[i].Distance = i
		if !scope.Allows(nodes[i].ProjectKey) {
			nodes[i] = Node{ID: fmt.Sprintf("%spath:%d", RedactedNamePrefix, i), Kind: store.KindRedacted, Distance: i}
		}
	}
	g.Nodes = nodes
	for i, rel := range rels {
		e := Edge{From: nodes[i].ID, To: nodes[i+1].ID, Kind: rel, Hops: 1}
		if reversed {
			e.From, e.To = e.To, e.From
		}
		g.Edges = append(g.Edges, e)
	}
	return g
}
