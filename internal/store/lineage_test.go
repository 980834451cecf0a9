package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// The walks must stay breadth-first pruning expansions that stream into
// their LIMIT: anything else is exponential on diamonds or reads past the
// node budget.
func TestLineageWalkIsPruningBFS(t *testing.T) {
	sess := neo4jtest.Driver(t).NewSession(t.Context(), neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer sess.Close(t.Context())
	params := map[string]any{"id": "x", "allProjects": true, "projectKeys": []string{}, "asOf": nil, "limit": 10}
	var ops func(p neo4j.Plan) []string
	ops = func(p neo4j.Plan) []string {
		out := []string{p.Operator()}
		for _, c := range p.Children() {
			out = append(out, ops(c)...)
		}
		return out
	}
	for _, c := range []struct {
		q         string
		streaming bool
	}{
		{store.WalkQuery(store.Downstream, 5), true},
		{store.WalkQuery(store.Upstream, 50), true},
		{store.MemberWalkQuery(store.Downstream, 5, "HAS_VERSION"), true},
		{store.MemberWalkQuery(store.Upstream, 5, "HAS_RUN"), false},
	} {
		res, err := sess.Run(t.Context(), "EXPLAIN "+c.q, params)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := res.Consume(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(ops(sum.Plan()), " ")
		if !strings.Contains(got, "VarLengthExpand(Pruning,BFS") {
			t.Errorf("walk is not a pruning BFS: %s", got)
		}
		if c.streaming {
			if below := got[strings.Index(got, "Limit"):]; strings.Contains(below, "Aggregation") {
				t.Errorf("an aggregation sits below the LIMIT: %s", got)
			}
		}
	}
}

// The walk's facts for a run with an input, an output read further down,
// and an output in a project the caller may not read: reach per
// direction, the edges among walked nodes, what lies beyond them, and the
// budget's cut.
func TestLineageWalkFacts(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	a, b := newProject(t, s, "walka"), newProject(t, s, "walkb")
	version := func(key, name string) string {
		t.Helper()
		v, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: newDataset(t, s, key, name).ID, Version: "v1",
			URI: "s3://d/" + name, Digest: digest('d')})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	exp := newExperiment(t, s, a)
	run := func(inputs, outputs []string) string {
		t.Helper()
		r, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID, Name: "r"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddRunInputs(ctx, actor, r.ID, inputs); err != nil {
			t.Fatal(err)
		}
		if len(outputs) > 0 {
			if _, err := s.AddRunOutputs(ctx, actor, r.ID, outputs, nil); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	in, out, hiddenOut := version(a, "in"), version(a, "out"), version(b, "hidden")
	r := run([]string{in}, []string{out, hiddenOut})
	run([]string{out}, nil)
	req := store.WalkRequest{Root: r, Direction: store.Both, Depth: 1, Budget: 10, Edges: true, Scope: store.Scope{Keys: []string{a}}}

	w, err := s.LineageWalk(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range w.Nodes {
		ids = append(ids, n.ID)
		if w.Node(n.ID) == nil || w.Node(n.ID).ID != n.ID {
			t.Errorf("Node(%s) does not find it", n.ID)
		}
	}
	// The root first; at one distance downstream before upstream.
	if want := []string{r, out, in}; !slices.Equal(ids, want) {
		t.Fatalf("walked %v, want %v", ids, want)
	}
	if w.Cut || w.MemberEdge != "" {
		t.Errorf("cut %v, member edge %q", w.Cut, w.MemberEdge)
	}
	root, o, i := w.Node(r), w.Node(out), w.Node(in)
	for _, c := range []struct {
		name string
		got  store.Reach
		want store.Reach
	}{{"root", root.Reach, store.Reach{0, 0}}, {"out", o.Reach, store.Reach{1, -1}}, {"in", i.Reach, store.Reach{-1, 1}}} {
		if c.got != c.want {
			t.Errorf("%s reach %v, want %v", c.name, c.got, c.want)
		}
	}
	if want := []store.LineageEdge{{From: r, To: out, Kind: "PRODUCED"}}; !slices.Equal(root.Out, want) {
		t.Errorf("root edges %v, want %v", root.Out, want)
	}
	if want := []store.LineageEdge{{From: in, To: r, Kind: "CONSUMED_BY"}}; !slices.Equal(i.Out, want) {
		t.Errorf("input edges %v, want %v", i.Out, want)
	}
	// The output is read further down, past the depth bound; the root has
	// an output in the hidden project.
	if !o.MoreDown || o.MoreUp || i.MoreUp || root.MoreDown || root.MoreUp {
		t.Errorf("more: out %v/%v, in up %v, root %v/%v", o.MoreDown, o.MoreUp, i.MoreUp, root.MoreDown, root.MoreUp)
	}
	if !root.HiddenDown || root.HiddenUp || o.HiddenDown || i.HiddenUp {
		t.Errorf("hidden: root %v/%v, out down %v, in up %v", root.HiddenDown, root.HiddenUp, o.HiddenDown, i.HiddenUp)
	}
	for _, n := range w.Nodes {
		if strings.Contains(n.ID, hiddenOut) {
			t.Errorf("walked the hidden %s", n.ID)
		}
	}

	// A budget of two keeps the root and the nearest node, and cuts.
	req.Budget = 2
	if w, err = s.LineageWalk(ctx, req); err != nil {
		t.Fatal(err)
	}
	if len(w.Nodes) != 2 || w.Nodes[1].ID != out || !w.Cut {
		t.Errorf("budget 2: %d nodes, cut %v", len(w.Nodes), w.Cut)
	}

	// A hidden root is not found, as an unknown one is.
	req.Scope = store.Scope{Keys: []string{b}}
	_, err = s.LineageWalk(ctx, req)
	wantErr(t, err, errs.NotFound)
}
