package lineage

import (
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/store"
)

// Truncation reasons.
const (
	TruncatedDepth    = "DEPTH"
	TruncatedMaxNodes = "MAX_NODES"
)

// Edge kinds a lineage graph carries beside the graph's own.
const (
	EdgeIndirect = "INDIRECT"
	EdgeRedacted = "REDACTED"
)

// RedactedNamePrefix starts the ID of every redacted placeholder.
const RedactedNamePrefix = "redacted:"

// Node is one node of a lineage graph.
type Node struct {
	ID         string
	Kind       store.Kind
	Name       string
	ProjectKey string
	Owner      string
	Stage      store.ModelStage
	Distance   int
	// HasMore: the node has neighbours the graph leaves out.
	HasMore bool
}

// Edge is one lineage edge; it always points downstream. Hops is 1 for an
// edge of the graph and the number of hops an INDIRECT edge stands for.
type Edge struct {
	From, To, Kind string
	Hops           int
}

// Graph is the lineage around a node.
type Graph struct {
	Root        string
	Nodes       []Node
	Edges       []Edge
	TruncatedBy []string
}

// Truncated reports whether anything was cut.
func (g *Graph) Truncated() bool { return len(g.TruncatedBy) > 0 }

func nodeOf(n store.LineageNode) Node {
	return Node{ID: n.ID, Kind: n.Kind, Name: n.Name, ProjectKey: n.ProjectKey, Owner: n.Owner, Stage: n.Stage, Distance: n.Distance}
}

// more reports whether the walk in dir reached n and left visible
// neighbours of n in that direction out.
func more(n *store.WalkedNode, dir store.Direction) bool {
	if _, ok := n.Reach.At(dir); !ok {
		return false
	}
	if dir == store.Downstream {
		return n.MoreDown || n.MoreMembers
	}
	return n.MoreUp || n.MoreMembers
}

// hidden reports whether the walk in dir expanded n (reached it before the
// depth bound) and n has neighbours in dir of hidden projects.
func hidden(n *store.WalkedNode, dir store.Direction, depth int) bool {
	d, ok := n.Reach.At(dir)
	if !ok || d >= depth {
		return false
	}
	if dir == store.Downstream {
		return n.HiddenDown
	}
	return n.HiddenUp
}

// node is a walked node as the assembly sees it.
type node struct {
	*store.WalkedNode
	// out are the node's edges to walked nodes; a container root's
	// include those to its members.
	out      []store.LineageEdge
	returned bool
	hasMore  bool
	// showDown and showUp: a returned node gets a placeholder for hidden
	// neighbours in that direction (its own, or those of left-out nodes
	// behind it).
	showDown, showUp bool
	pos              int // in Graph.Nodes, when returned
}

// assembly is one graph being made of a walk.
type assembly struct {
	b     Bounds
	walk  *store.LineageWalk
	nodes []node              // parallel to walk.Nodes
	in    map[string][]string // reverse edges among walked nodes, for kinds filters
}

func (a *assembly) node(id string) *node {
	i, ok := a.walk.Index[id]
	if !ok {
		return nil
	}
	return &a.nodes[i]
}

func (a *assembly) root() *node { return &a.nodes[0] }

// returns reports whether a kinds filter lets n through; the root always
// is.
func (a *assembly) returns(n *node) bool {
	return n == a.root() || len(a.b.Kinds) == 0 || slices.Contains(a.b.Kinds, n.Kind)
}

// Assemble makes the graph a caller gets of walk w (whose first node is
// its root) within b: the nodes the kinds filter lets through, nearest
// first, at most b.MaxNodes; the edges among them, and INDIRECT edges
// through the nodes the filter leaves out; hasMore on the nodes with
// neighbours left out; one redacted placeholder per direction for a
// node's hidden neighbours, while they fit, which reveals neither names
// nor counts; and why the graph was cut (TruncatedDepth: something lies
// beyond the depth bound; TruncatedMaxNodes: the budget or maxNodes left
// something out). It does not change w.
func Assemble(w *store.LineageWalk, b Bounds) *Graph {
	a := &assembly{b: b, walk: w, nodes: make([]node, len(w.Nodes))}
	for i := range w.Nodes {
		a.nodes[i] = node{WalkedNode: &w.Nodes[i], out: w.Nodes[i].Out}
	}
	root := a.root()
	g := &Graph{Root: root.ID}
	// Nearest first; the walk order breaks ties.
	order := make([]*node, len(a.nodes))
	for i := range a.nodes {
		order[i] = &a.nodes[i]
	}
	slices.SortStableFunc(order, func(x, y *node) int { return x.Distance - y.Distance })
	kept, maxCut := 0, w.Cut
	for _, n := range order {
		if a.returns(n) {
			if kept < b.MaxNodes {
				n.returned = true
				kept++
			} else {
				maxCut = true
			}
		}
	}
	depthCut := false
	// Cuts seen from each walked node: a node the walk in dir reached at
	// the depth bound with more beyond is a depth cut; with more before
	// the bound it is the budget.
	for _, n := range order {
		for _, dir := range []store.Direction{store.Downstream, store.Upstream} {
			if more(n.WalkedNode, dir) {
				if d, _ := n.Reach.At(dir); d >= b.Depth {
					depthCut = true
				} else {
					maxCut = true
				}
			}
		}
	}
	// A container root's members are the walked nodes one hop away; its
	// edges to them join the walk's own edges, so filters and placeholders
	// see through them like any other.
	if rel := w.MemberEdge; rel != "" {
		root.out = slices.Clip(root.out)
		for _, n := range order {
			if n.Distance == 1 {
				root.out = append(root.out, store.LineageEdge{From: root.ID, To: n.ID, Kind: rel})
			}
		}
	}
	if len(b.Kinds) > 0 {
		a.in = map[string][]string{}
		for _, n := range order {
			for _, e := range n.out {
				a.in[e.To] = append(a.in[e.To], e.From)
			}
		}
	}
	var edges []Edge
	for _, u := range order {
		if !u.returned {
			continue
		}
		u.hasMore = more(u.WalkedNode, store.Downstream) || more(u.WalkedNode, store.Upstream)
		u.showDown, u.showUp = hidden(u.WalkedNode, store.Downstream, b.Depth), hidden(u.WalkedNode, store.Upstream, b.Depth)
		for _, e := range u.out {
			if to := a.node(e.To); to != nil && to.returned {
				edges = append(edges, Edge{From: e.From, To: e.To, Kind: e.Kind, Hops: 1})
			}
		}
		if len(b.Kinds) == 0 {
			continue
		}
		// Walk on through left-out nodes, both ways, to the next returned
		// nodes; what the left-out nodes hide or leave out shows on u.
		a.through(u, store.Downstream, func(v *node, hops int) {
			edges = append(edges, Edge{From: u.ID, To: v.ID, Kind: EdgeIndirect, Hops: hops})
		}, func(more, hidden bool) {
			u.hasMore = u.hasMore || more
			u.showDown = u.showDown || hidden
		})
		a.through(u, store.Upstream, nil, func(more, hidden bool) {
			u.hasMore = u.hasMore || more
			u.showUp = u.showUp || hidden
		})
	}
	g.Nodes = make([]Node, 0, kept)
	var parents []*node
	for _, n := range order {
		if !n.returned {
			continue
		}
		n.pos = len(g.Nodes)
		out := nodeOf(n.LineageNode)
		out.HasMore = n.hasMore
		g.Nodes = append(g.Nodes, out)
		if n.showDown || n.showUp {
			parents = append(parents, n)
		}
	}
	// Placeholders, while they fit; a parent whose placeholder does not
	// fit has more.
	for _, parent := range parents {
		for _, c := range []struct {
			dir    store.Direction
			hidden bool
		}{{store.Downstream, parent.showDown}, {store.Upstream, parent.showUp}} {
			if !c.hidden {
				continue
			}
			if len(g.Nodes) >= b.MaxNodes {
				g.Nodes[parent.pos].HasMore = true
				maxCut = true
				continue
			}
			ph := Node{ID: RedactedNamePrefix + parent.ID + ":" + string(c.dir), Kind: store.KindRedacted, Distance: parent.Distance + 1}
			e := Edge{From: parent.ID, To: ph.ID, Kind: EdgeRedacted, Hops: 1}
			if c.dir == store.Upstream {
				e.From, e.To = ph.ID, parent.ID
			}
			g.Nodes = append(g.Nodes, ph)
			edges = append(edges, e)
		}
	}
	slices.SortFunc(edges, func(a, b Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	g.Edges = slices.CompactFunc(edges, func(a, b Edge) bool { return a.From == b.From && a.To == b.To && a.Kind == b.Kind })
	if depthCut {
		g.TruncatedBy = append(g.TruncatedBy, TruncatedDepth)
	}
	if maxCut {
		g.TruncatedBy = append(g.TruncatedBy, TruncatedMaxNodes)
	}
	return g
}

// through walks from returned node u in dir over walked nodes that are
// not returned, calling found for each returned node it reaches (with the
// hops it took) and passed with what each node it walks through leaves
// out in dir: more visible neighbours, hidden ones. A walked node that the
// kinds filter lets through but MaxNodes did not counts as more.
func (a *assembly) through(u *node, dir store.Direction, found func(v *node, hops int), passed func(more, hidden bool)) {
	root := a.root()
	container := a.walk.MemberEdge != ""
	next := func(n *node) []string {
		if dir == store.Upstream && !(container && n == root) {
			// A container's members are one hop away upstream too.
			return a.in[n.ID]
		}
		out := make([]string, len(n.out))
		for i, e := range n.out {
			out[i] = e.To
		}
		return out
	}
	seen := map[string]bool{u.ID: true}
	frontier := []*node{u}
	for hops := 1; len(frontier) > 0; hops++ {
		var level []*node
		for _, x := range frontier {
			for _, id := range next(x) {
				if seen[id] {
					continue
				}
				seen[id] = true
				v := a.node(id)
				switch {
				case v.returned:
					if found != nil && hops > 1 {
						found(v, hops)
					}
				case a.returns(v):
					// Cut by MaxNodes: more lies beyond u.
					passed(true, false)
				default:
					passed(more(v.WalkedNode, dir), hidden(v.WalkedNode, dir, a.b.Depth))
					level = append(level, v)
				}
			}
		}
		frontier = level
	}
}
