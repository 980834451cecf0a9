package lineage_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

// The assembly is tested on facts written by hand, as the store would
// read them: no Neo4j. internal/store's lineage scenarios run the same
// functions over real walks.

// walked is a node as a walk reached it: at down hops downstream and up
// hops upstream (-1: that walk did not reach it).
func walked(id string, kind store.Kind, down, up int) store.WalkedNode {
	d := down
	if d < 0 || (up >= 0 && up < d) {
		d = up
	}
	return store.WalkedNode{LineageNode: store.LineageNode{ID: id, Kind: kind, Name: "name of " + id, ProjectKey: "p", Owner: "owner of " + id, Distance: d},
		Reach: store.Reach{down, up}}
}

// walkOf is a walk of nodes (the root first) and edges [from, kind, to].
func walkOf(nodes []store.WalkedNode, edges ...[3]string) *store.LineageWalk {
	w := &store.LineageWalk{Nodes: nodes, Index: map[string]int{}}
	for i, n := range nodes {
		w.Index[n.ID] = i
	}
	for _, e := range edges {
		n := w.Node(e[0])
		n.Out = append(n.Out, store.LineageEdge{From: e[0], Kind: e[1], To: e[2]})
	}
	return w
}

// brief is a graph's nodes as "id@distance" (with "+" for hasMore) and
// its edges as "from -KIND/hops-> to".
func brief(g *lineage.Graph) (nodes, edges []string) {
	for _, n := range g.Nodes {
		s := fmt.Sprintf("%s@%d", n.ID, n.Distance)
		if n.HasMore {
			s += "+"
		}
		nodes = append(nodes, s)
	}
	for _, e := range g.Edges {
		edges = append(edges, fmt.Sprintf("%s -%s/%d-> %s", e.From, e.Kind, e.Hops, e.To))
	}
	return nodes, edges
}

const (
	run  = store.KindRun
	dsv  = store.KindDatasetVersion
	mv   = store.KindModelVersion
	down = store.Downstream
	up   = store.Upstream
)

func TestAssemble(t *testing.T) {
	more := func(n store.WalkedNode, f func(*store.WalkedNode)) store.WalkedNode { f(&n); return n }
	cases := []struct {
		name        string
		walk        *store.LineageWalk
		bounds      lineage.Bounds
		nodes       []string
		edges       []string
		truncatedBy []string
	}{
		{
			name: "a node at the depth bound with more beyond is a depth cut",
			walk: walkOf([]store.WalkedNode{walked("a", run, 0, -1), walked("b", dsv, 1, -1),
				more(walked("c", run, 2, -1), func(n *store.WalkedNode) { n.MoreDown = true })},
				[3]string{"a", "PRODUCED", "b"}, [3]string{"b", "CONSUMED_BY", "c"}),
			bounds:      lineage.Bounds{Depth: 2, MaxNodes: 10},
			nodes:       []string{"a@0", "b@1", "c@2+"},
			edges:       []string{"a -PRODUCED/1-> b", "b -CONSUMED_BY/1-> c"},
			truncatedBy: []string{lineage.TruncatedDepth},
		},
		{
			name: "a walk the budget cut, with more before the depth bound",
			walk: func() *store.LineageWalk {
				w := walkOf([]store.WalkedNode{walked("r", run, 0, -1), more(walked("x1", dsv, 1, -1), func(n *store.WalkedNode) { n.MoreDown = true }),
					walked("x2", dsv, 1, -1)}, [3]string{"r", "PRODUCED", "x1"}, [3]string{"r", "PRODUCED", "x2"})
				w.Cut = true
				return w
			}(),
			bounds:      lineage.Bounds{Depth: 5, MaxNodes: 3},
			nodes:       []string{"r@0", "x1@1+", "x2@1"},
			edges:       []string{"r -PRODUCED/1-> x1", "r -PRODUCED/1-> x2"},
			truncatedBy: []string{lineage.TruncatedMaxNodes},
		},
		{
			name: "maxNodes keeps the nearest, in walk order at one distance",
			walk: walkOf([]store.WalkedNode{walked("r", run, 0, 0), walked("u", dsv, -1, 1), walked("d", dsv, 1, -1), walked("dd", run, 2, -1)},
				[3]string{"u", "CONSUMED_BY", "r"}, [3]string{"r", "PRODUCED", "d"}, [3]string{"d", "CONSUMED_BY", "dd"}),
			bounds:      lineage.Bounds{Depth: 5, MaxNodes: 2},
			nodes:       []string{"r@0", "u@1"},
			edges:       []string{"u -CONSUMED_BY/1-> r"},
			truncatedBy: []string{lineage.TruncatedMaxNodes},
		},
		{
			name: "a kinds filter links returned nodes through the left-out ones",
			walk: walkOf([]store.WalkedNode{walked("d0", dsv, 0, -1), walked("r1", run, 1, -1), walked("d1", dsv, 2, -1), walked("r2", run, 3, -1),
				walked("m", mv, 4, -1)},
				[3]string{"d0", "CONSUMED_BY", "r1"}, [3]string{"r1", "PRODUCED", "d1"}, [3]string{"d1", "CONSUMED_BY", "r2"}, [3]string{"r2", "PRODUCED", "m"}),
			bounds: lineage.Bounds{Depth: 4, MaxNodes: 10, Kinds: []store.Kind{dsv, mv}},
			nodes:  []string{"d0@0", "d1@2", "m@4"},
			edges:  []string{"d0 -INDIRECT/2-> d1", "d1 -INDIRECT/2-> m"},
		},
		{
			name: "a filtered node maxNodes left out shows as more on the node before it",
			walk: walkOf([]store.WalkedNode{walked("d0", dsv, 0, -1), walked("r1", run, 1, -1), walked("r2", run, 1, -1), walked("d1", dsv, 2, -1),
				walked("d2", dsv, 2, -1)},
				[3]string{"d0", "CONSUMED_BY", "r1"}, [3]string{"d0", "CONSUMED_BY", "r2"}, [3]string{"r1", "PRODUCED", "d1"}, [3]string{"r2", "PRODUCED", "d2"}),
			bounds:      lineage.Bounds{Depth: 5, MaxNodes: 2, Kinds: []store.Kind{dsv}},
			nodes:       []string{"d0@0+", "d1@2"},
			edges:       []string{"d0 -INDIRECT/2-> d1"},
			truncatedBy: []string{lineage.TruncatedMaxNodes},
		},
		{
			name: "hidden neighbours get one placeholder per direction",
			walk: walkOf([]store.WalkedNode{more(walked("r", run, 0, 0), func(n *store.WalkedNode) { n.HiddenDown, n.HiddenUp = true, true }),
				walked("s", dsv, 1, -1)}, [3]string{"r", "PRODUCED", "s"}),
			bounds: lineage.Bounds{Depth: 3, MaxNodes: 10},
			nodes:  []string{"r@0", "s@1", "redacted:r:DOWNSTREAM@1", "redacted:r:UPSTREAM@1"},
			edges:  []string{"r -REDACTED/1-> redacted:r:DOWNSTREAM", "r -PRODUCED/1-> s", "redacted:r:UPSTREAM -REDACTED/1-> r"},
		},
		{
			name: "hidden neighbours at the depth bound were never expanded",
			walk: walkOf([]store.WalkedNode{walked("r", run, 0, -1), more(walked("s", dsv, 1, -1), func(n *store.WalkedNode) { n.HiddenDown = true })},
				[3]string{"r", "PRODUCED", "s"}),
			bounds: lineage.Bounds{Depth: 1, MaxNodes: 10},
			nodes:  []string{"r@0", "s@1"},
			edges:  []string{"r -PRODUCED/1-> s"},
		},
		{
			name: "a placeholder that does not fit leaves its node with more",
			walk: walkOf([]store.WalkedNode{walked("r", run, 0, -1), more(walked("s", dsv, 1, -1), func(n *store.WalkedNode) { n.HiddenDown = true })},
				[3]string{"r", "PRODUCED", "s"}),
			bounds:      lineage.Bounds{Depth: 3, MaxNodes: 2},
			nodes:       []string{"r@0", "s@1+"},
			edges:       []string{"r -PRODUCED/1-> s"},
			truncatedBy: []string{lineage.TruncatedMaxNodes},
		},
		{
			name: "what a filtered-out node hides shows on the returned node before it",
			walk: walkOf([]store.WalkedNode{walked("d0", dsv, 0, -1), more(walked("r1", run, 1, -1), func(n *store.WalkedNode) { n.HiddenDown = true })},
				[3]string{"d0", "CONSUMED_BY", "r1"}),
			bounds: lineage.Bounds{Depth: 3, MaxNodes: 10, Kinds: []store.Kind{dsv}},
			nodes:  []string{"d0@0", "redacted:d0:DOWNSTREAM@1"},
			edges:  []string{"d0 -REDACTED/1-> redacted:d0:DOWNSTREAM"},
		},
		{
			name: "a container root is linked to its members",
			walk: func() *store.LineageWalk {
				w := walkOf([]store.WalkedNode{walked("ds", store.KindDataset, 0, -1), walked("v1", dsv, 1, -1), walked("v2", dsv, 1, -1),
					walked("r", run, 2, -1)}, [3]string{"v1", "CONSUMED_BY", "r"})
				w.MemberEdge = "HAS_VERSION"
				return w
			}(),
			bounds: lineage.Bounds{Depth: 3, MaxNodes: 10},
			nodes:  []string{"ds@0", "v1@1", "v2@1", "r@2"},
			edges:  []string{"ds -HAS_VERSION/1-> v1", "ds -HAS_VERSION/1-> v2", "v1 -CONSUMED_BY/1-> r"},
		},
		{
			name: "a filter sees through a container's membership edges",
			walk: func() *store.LineageWalk {
				w := walkOf([]store.WalkedNode{walked("ds", store.KindDataset, 0, -1), walked("v1", dsv, 1, -1), walked("r", run, 2, -1)},
					[3]string{"v1", "CONSUMED_BY", "r"})
				w.MemberEdge = "HAS_VERSION"
				return w
			}(),
			bounds: lineage.Bounds{Depth: 3, MaxNodes: 10, Kinds: []store.Kind{run}},
			nodes:  []string{"ds@0", "r@2"},
			edges:  []string{"ds -INDIRECT/2-> r"},
		},
		{
			name: "both cuts, depth first",
			walk: func() *store.LineageWalk {
				w := walkOf([]store.WalkedNode{walked("a", run, 0, -1), more(walked("b", dsv, 1, -1), func(n *store.WalkedNode) { n.MoreDown = true })},
					[3]string{"a", "PRODUCED", "b"})
				w.Cut = true
				return w
			}(),
			bounds:      lineage.Bounds{Depth: 1, MaxNodes: 10},
			nodes:       []string{"a@0", "b@1+"},
			edges:       []string{"a -PRODUCED/1-> b"},
			truncatedBy: []string{lineage.TruncatedDepth, lineage.TruncatedMaxNodes},
		},
		{
			name:   "the root alone",
			walk:   walkOf([]store.WalkedNode{walked("a", run, 0, 0)}),
			bounds: lineage.Bounds{Depth: 0, MaxNodes: 1},
			nodes:  []string{"a@0"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := cloneWalk(c.walk)
			g := lineage.Assemble(c.walk, c.bounds)
			nodes, edges := brief(g)
			if !slices.Equal(nodes, c.nodes) {
				t.Errorf("nodes %v, want %v", nodes, c.nodes)
			}
			if !slices.Equal(edges, c.edges) {
				t.Errorf("edges %v, want %v", edges, c.edges)
			}
			if !slices.Equal(g.TruncatedBy, c.truncatedBy) || g.Truncated() != (len(c.truncatedBy) > 0) {
				t.Errorf("truncatedBy %v, want %v", g.TruncatedBy, c.truncatedBy)
			}
			if g.Root != c.walk.Nodes[0].ID {
				t.Errorf("root %s", g.Root)
			}
			for _, n := range g.Nodes {
				if n.Kind == store.KindRedacted && (n.Name != "" || n.ProjectKey != "" || n.Owner != "") {
					t.Errorf("placeholder %s carries data: %+v", n.ID, n)
				}
			}
			if !reflect.DeepEqual(c.walk, before) {
				t.Error("Assemble changed the walk")
			}
		})
	}
}

func cloneWalk(w *store.LineageWalk) *store.LineageWalk {
	out := *w
	out.Nodes = slices.Clone(w.Nodes)
	for i := range out.Nodes {
		out.Nodes[i].Out = slices.Clone(w.Nodes[i].Out)
	}
	return &out
}

func TestPathGraph(t *testing.T) {
	node := func(id, project string) store.LineageNode {
		return store.LineageNode{ID: id, Kind: dsv, Name: "name of " + id, ProjectKey: project}
	}
	scope := store.Scope{Keys: []string{"p"}}
	path := &store.LineagePath{Nodes: []store.LineageNode{node("a", "p"), node("b", "p"), node("c", "p")}, Rels: []string{"CONSUMED_BY", "PRODUCED"}}
	cases := []struct {
		name, from   string
		path         *store.LineagePath
		nodes, edges []string
	}{
		{"from the upstream end", "a", path, []string{"a@0", "b@1", "c@2"}, []string{"a -CONSUMED_BY/1-> b", "b -PRODUCED/1-> c"}},
		{"from the downstream end: edges still point downstream", "c", path, []string{"c@0", "b@1", "a@2"},
			[]string{"b -PRODUCED/1-> c", "a -CONSUMED_BY/1-> b"}},
		{"one node", "a", &store.LineagePath{Nodes: []store.LineageNode{node("a", "p")}}, []string{"a@0"}, nil},
		{"a node out of scope is a placeholder", "a",
			&store.LineagePath{Nodes: []store.LineageNode{node("a", "p"), node("h", "hidden"), node("c", "p")}, Rels: []string{"CONSUMED_BY", "PRODUCED"}},
			[]string{"a@0", "redacted:path:1@1", "c@2"}, []string{"a -CONSUMED_BY/1-> redacted:path:1", "redacted:path:1 -PRODUCED/1-> c"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := &store.LineagePath{Nodes: slices.Clone(c.path.Nodes), Rels: slices.Clone(c.path.Rels)}
			g := lineage.PathGraph(c.from, c.path, scope)
			nodes, edges := brief(g)
			if g.Root != c.from || !slices.Equal(nodes, c.nodes) || !slices.Equal(edges, c.edges) || g.Truncated() {
				t.Errorf("root %s nodes %v edges %v truncated %v; want %s %v %v", g.Root, nodes, edges, g.TruncatedBy, c.from, c.nodes, c.edges)
			}
			if !reflect.DeepEqual(c.path, before) {
				t.Error("PathGraph changed the path")
			}
		})
	}
}

func TestImpactOf(t *testing.T) {
	node := func(id string, kind store.Kind, d int, owner string, stage store.ModelStage) store.WalkedNode {
		n := walked(id, kind, d, -1)
		n.Owner, n.Stage = owner, stage
		return n
	}
	r1 := node("r1", run, 1, "bob", "")
	r1.HiddenDown = true
	w := walkOf([]store.WalkedNode{node("d", dsv, 0, "root owner", ""), r1, node("v2", dsv, 2, "alice", ""),
		node("m1", mv, 3, "bob", store.StageStaging), node("m2", mv, 4, "carol", store.StageProduction), node("m3", mv, 4, "", "")},
		[3]string{"d", "CONSUMED_BY", "r1"}, [3]string{"r1", "PRODUCED", "v2"}, [3]string{"v2", "CONSUMED_BY", "r1"})
	rep := lineage.ImpactOf(w, 10)
	ids := func(ns []lineage.Node) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.ID)
		}
		return out
	}
	if got := ids(rep.Runs); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("runs %v", got)
	}
	if got := ids(rep.DatasetVersions); !slices.Equal(got, []string{"v2"}) {
		t.Errorf("dataset versions %v", got)
	}
	// Production first, then nearest first.
	if got := ids(rep.ModelVersions); !slices.Equal(got, []string{"m2", "m1", "m3"}) {
		t.Errorf("model versions %v", got)
	}
	// The root and the placeholder are not affected; owners once each.
	if rep.Root != "d" || rep.TotalAffected != 5 || !rep.HiddenAffected || rep.Truncated() {
		t.Errorf("root %s total %d hidden %v truncated %v", rep.Root, rep.TotalAffected, rep.HiddenAffected, rep.TruncatedBy)
	}
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(rep.Owners, want) {
		t.Errorf("owners %v, want %v", rep.Owners, want)
	}
	affected := rep.Affected()
	if want := []string{"r1", "v2", "m1", "m2", "m3"}; !slices.Equal(affected, want) {
		t.Errorf("affected %v, want %v", affected, want)
	}
	h := map[string]lineage.Health{"r1": lineage.HealthOK, "v2": lineage.HealthFailed, "m1": lineage.HealthAtRisk, "m2": lineage.HealthWarn}
	if got := lineage.AtRisk(affected, h); !slices.Equal(got, []string{"v2", "m1"}) {
		t.Errorf("at risk %v", got)
	}
	if got := lineage.AtRisk(nil, h); got == nil || len(got) != 0 {
		t.Errorf("at risk of nothing: %#v", got)
	}

	// Nothing downstream: empty groups, not nil.
	empty := lineage.ImpactOf(walkOf([]store.WalkedNode{walked("d", dsv, 0, -1)}), 1)
	if empty.Runs == nil || empty.DatasetVersions == nil || empty.ModelVersions == nil || empty.Owners == nil || empty.TotalAffected != 0 || empty.HiddenAffected {
		t.Errorf("empty report %+v", empty)
	}
}
