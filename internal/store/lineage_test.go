package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// lineageScenario is one file of testdata/lineage: a seed graph, one
// operation and its expected result, all in local names. The format is
// described in testdata/lineage/README.md.
type lineageScenario struct {
	Description string         `json:"description"`
	Nodes       []scenarioNode `json:"nodes"`
	Edges       [][3]string    `json:"edges"` // from, consumed_by|produced|derived_into, to
	Op          scenarioOp     `json:"op"`
	Expect      scenarioExpect `json:"expect"`
}

type scenarioNode struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`    // run | dsv | mv
	Project string `json:"project"` // a | b
}

type scenarioOp struct {
	Kind      string   `json:"kind"` // lineage | impact | path
	Root      string   `json:"root"`
	Direction string   `json:"direction"`
	Depth     int      `json:"depth"`
	MaxNodes  int      `json:"maxNodes"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Visible   []string `json:"visible"` // projects in scope; omitted means all
}

type scenarioExpect struct {
	// Nodes are the returned nodes by local name. Placeholders are named
	// "redacted:<local name of the visible neighbour>:<DIRECTION>".
	Nodes map[string]expectNode `json:"nodes"`
	// Sample allows nodes beyond Nodes: exactly Count of them, all from
	// From, each with the given distance and hasMore.
	Sample *struct {
		From     []string `json:"from"`
		Count    int      `json:"count"`
		Distance int      `json:"distance"`
		HasMore  bool     `json:"hasMore"`
	} `json:"sample"`
	// Edges are the returned edges [from, KIND, to]; with EdgesInduced
	// instead, the edges must be exactly the seed edges among the returned
	// nodes.
	Edges        [][3]string `json:"edges"`
	EdgesInduced bool        `json:"edgesInduced"`
	TruncatedBy  []string    `json:"truncatedBy"`
	// Path is the ordered node list of a path operation; NoPath expects nil.
	Path   []string `json:"path"`
	NoPath bool     `json:"noPath"`
}

type expectNode struct {
	Distance int  `json:"distance"`
	HasMore  bool `json:"hasMore"`
}

var edgeKinds = map[string]string{"consumed_by": "CONSUMED_BY", "produced": "PRODUCED", "derived_into": "DERIVED_INTO"}

// seededGraph maps local names to what the store created.
type seededGraph struct {
	projects map[string]string // local project → key
	ids      map[string]string // local name → ID
	names    map[string]string // ID → local name
	nodes    map[string]scenarioNode
}

func loadScenario(t *testing.T, path string) lineageScenario {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var sc lineageScenario
	if err := dec.Decode(&sc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sc
}

// seed builds the scenario's graph through the store's public API.
func seed(t *testing.T, s *store.Store, sc lineageScenario) *seededGraph {
	t.Helper()
	ctx := t.Context()
	g := &seededGraph{projects: map[string]string{}, ids: map[string]string{}, names: map[string]string{}, nodes: map[string]scenarioNode{}}
	exps, datasets := map[string]string{}, map[string]string{}
	for _, n := range sc.Nodes {
		if _, dup := g.nodes[n.Name]; dup {
			t.Fatalf("node %q declared twice", n.Name)
		}
		g.nodes[n.Name] = n
		if _, ok := g.projects[n.Project]; ok {
			continue
		}
		key := newProject(t, s, "lin"+n.Project)
		g.projects[n.Project] = key
		exps[n.Project] = newExperiment(t, s, key).ID
		datasets[n.Project] = newDataset(t, s, key, "ds").ID
	}
	derivedFrom := map[string][]string{}
	for _, e := range sc.Edges {
		from, kind, to := e[0], e[1], e[2]
		fk, tk := g.nodes[from].Kind, g.nodes[to].Kind
		ok := map[string]bool{"dsv consumed_by run": true, "run produced dsv": true, "run produced mv": true, "dsv derived_into dsv": true}
		if !ok[fk+" "+kind+" "+tk] {
			t.Fatalf("edge %v: %q %s %q is not a lineage edge", e, fk, kind, tk)
		}
		if kind == "derived_into" {
			derivedFrom[to] = append(derivedFrom[to], from)
		}
	}
	set := func(name, id string) { g.ids[name], g.names[id] = id, name }
	for _, n := range sc.Nodes {
		switch n.Kind {
		case "run":
			r, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exps[n.Project], Name: n.Name})
			if err != nil {
				t.Fatal(err)
			}
			set(n.Name, r.ID)
		case "mv":
			v, err := s.RegisterModelVersion(ctx, actor, store.RegisterModelVersionInput{ProjectKey: g.projects[n.Project], ModelName: n.Name, URI: "s3://m/" + n.Name})
			if err != nil {
				t.Fatal(err)
			}
			set(n.Name, v.ID)
		case "dsv":
		default:
			t.Fatalf("node %q: unknown kind %q", n.Name, n.Kind)
		}
	}
	// Dataset versions in an order where every derivedFrom source exists.
	for pending := true; pending; {
		progressed := false
		pending = false
		for _, n := range sc.Nodes {
			if n.Kind != "dsv" || g.ids[n.Name] != "" {
				continue
			}
			var srcs []string
			for _, src := range derivedFrom[n.Name] {
				srcs = append(srcs, g.ids[src])
			}
			if slices.Contains(srcs, "") {
				pending = true
				continue
			}
			v, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: datasets[n.Project], Version: n.Name,
				URI: "s3://d/" + n.Name, Digest: digest('d'), DerivedFrom: srcs})
			if err != nil {
				t.Fatal(err)
			}
			set(n.Name, v.ID)
			progressed = true
		}
		if pending && !progressed {
			t.Fatal("derived_into edges form a cycle")
		}
	}
	for _, e := range sc.Edges {
		var err error
		switch e[1] {
		case "consumed_by":
			_, err = s.AddRunInputs(ctx, g.ids[e[2]], []string{g.ids[e[0]]})
		case "produced":
			if g.nodes[e[2]].Kind == "mv" {
				_, err = s.AddRunOutputs(ctx, g.ids[e[0]], nil, []string{g.ids[e[2]]})
			} else {
				_, err = s.AddRunOutputs(ctx, g.ids[e[0]], []string{g.ids[e[2]]}, nil)
			}
		}
		if err != nil {
			t.Fatalf("edge %v: %v", e, err)
		}
	}
	return g
}

func (g *seededGraph) id(t *testing.T, name string) string {
	t.Helper()
	id, ok := g.ids[name]
	if !ok {
		t.Fatalf("unknown local name %q", name)
	}
	return id
}

// local maps a returned ID back to a local name; placeholder IDs have the
// IDs inside them replaced.
func (g *seededGraph) local(t *testing.T, id string) string {
	t.Helper()
	if name, ok := g.names[id]; ok {
		return name
	}
	if !strings.HasPrefix(id, store.RedactedNamePrefix) {
		t.Fatalf("returned ID %q is neither seeded nor a placeholder", id)
	}
	out := id
	for seeded, name := range g.names {
		out = strings.ReplaceAll(out, seeded, name)
	}
	return out
}

func (g *seededGraph) scope(sc lineageScenario) (store.Scope, map[string]bool) {
	visible := map[string]bool{}
	if sc.Op.Visible == nil {
		for p := range g.projects {
			visible[p] = true
		}
	}
	var keys []string
	for _, p := range sc.Op.Visible {
		visible[p] = true
	}
	for p := range visible {
		keys = append(keys, g.projects[p])
	}
	sort.Strings(keys)
	return store.Scope{Keys: keys}, visible
}

var kindOfLocal = map[string]store.Kind{"run": store.KindRun, "dsv": store.KindDatasetVersion, "mv": store.KindModelVersion}

func TestLineageScenarios(t *testing.T) {
	s := neo4jtest.Store(t)
	files, err := filepath.Glob(filepath.Join("testdata", "lineage", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no lineage scenarios in testdata/lineage")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, f)
			g := seed(t, s, sc)
			scope, visible := g.scope(sc)
			var (
				res *store.LineageGraph
				err error
			)
			switch sc.Op.Kind {
			case "lineage":
				res, err = s.Lineage(t.Context(), store.LineageRequest{Root: g.id(t, sc.Op.Root), Direction: store.Direction(sc.Op.Direction),
					Depth: sc.Op.Depth, MaxNodes: sc.Op.MaxNodes, Scope: scope})
			case "impact":
				res, err = s.Impact(t.Context(), store.ImpactRequest{Root: g.id(t, sc.Op.Root), Depth: sc.Op.Depth, Scope: scope})
			case "path":
				res, err = s.LineagePath(t.Context(), g.id(t, sc.Op.From), g.id(t, sc.Op.To), scope)
			default:
				t.Fatalf("unknown op kind %q", sc.Op.Kind)
			}
			if sc.Expect.NoPath {
				if !errors.Is(err, store.ErrNoPath) || res != nil {
					t.Fatalf("want ErrNoPath, got %+v, %v", res, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", sc.Op.Kind, err)
			}
			if res == nil {
				t.Fatal("got nil graph")
			}
			checkGraph(t, g, sc, res, visible)
		})
	}
}

func checkGraph(t *testing.T, g *seededGraph, sc lineageScenario, res *store.LineageGraph, visible map[string]bool) {
	t.Helper()
	// Nothing of a hidden project leaks: no ID, name or key.
	var secrets []string
	for name, n := range g.nodes {
		if !visible[n.Project] {
			secrets = append(secrets, g.ids[name], g.projects[n.Project])
		}
	}
	for _, n := range res.Nodes {
		for _, sec := range secrets {
			for _, field := range []string{n.ID, n.Name, n.ProjectKey} {
				if strings.Contains(field, sec) {
					t.Errorf("node %+v reveals hidden %q", n, sec)
				}
			}
		}
	}
	for _, e := range res.Edges {
		for _, sec := range secrets {
			if strings.Contains(e.From, sec) || strings.Contains(e.To, sec) {
				t.Errorf("edge %+v reveals hidden %q", e, sec)
			}
		}
	}

	got := map[string]store.LineageNode{}
	var order []string
	for _, n := range res.Nodes {
		name := g.local(t, n.ID)
		if _, dup := got[name]; dup {
			t.Errorf("node %s returned twice", name)
		}
		got[name] = n
		order = append(order, name)
		if n.Kind == store.KindRedacted {
			if n.Name != "" || n.ProjectKey != "" || n.Owner != "" || n.Stage != "" {
				t.Errorf("placeholder %s carries data: %+v", name, n)
			}
			continue
		}
		seeded := g.nodes[name]
		wantName := map[string]string{"run": name, "dsv": "ds@" + name, "mv": name + " v1"}[seeded.Kind]
		if n.Kind != kindOfLocal[seeded.Kind] || n.Name != wantName || n.ProjectKey != g.projects[seeded.Project] || n.Owner != actor {
			t.Errorf("node %s = %+v, want kind %s, name %q, project %s", name, n, kindOfLocal[seeded.Kind], wantName, g.projects[seeded.Project])
		}
	}
	root := sc.Op.Root
	if sc.Op.Kind == "path" {
		root = sc.Op.From
	}
	if res.Root != g.ids[root] {
		t.Errorf("root = %s, want %s", g.local(t, res.Root), root)
	}

	if sc.Expect.Path != nil {
		if !slices.Equal(order, sc.Expect.Path) {
			t.Errorf("path = %v, want %v", order, sc.Expect.Path)
		}
		for i, name := range order {
			if got[name].Distance != i {
				t.Errorf("path node %s at distance %d, want %d", name, got[name].Distance, i)
			}
		}
	} else {
		sampled := 0
		for name, n := range got {
			want, ok := sc.Expect.Nodes[name]
			switch {
			case ok:
				if n.Distance != want.Distance || n.HasMore != want.HasMore {
					t.Errorf("node %s: distance %d hasMore %v, want distance %d hasMore %v", name, n.Distance, n.HasMore, want.Distance, want.HasMore)
				}
			case sc.Expect.Sample != nil && slices.Contains(sc.Expect.Sample.From, name):
				sampled++
				if n.Distance != sc.Expect.Sample.Distance || n.HasMore != sc.Expect.Sample.HasMore {
					t.Errorf("sampled node %s: distance %d hasMore %v, want %d %v", name, n.Distance, n.HasMore, sc.Expect.Sample.Distance, sc.Expect.Sample.HasMore)
				}
			default:
				t.Errorf("unexpected node %s (%+v)", name, n)
			}
		}
		for name := range sc.Expect.Nodes {
			if _, ok := got[name]; !ok {
				t.Errorf("missing node %s", name)
			}
		}
		if sc.Expect.Sample != nil && sampled != sc.Expect.Sample.Count {
			t.Errorf("%d sampled nodes, want %d", sampled, sc.Expect.Sample.Count)
		}
	}

	var gotEdges [][3]string
	for _, e := range res.Edges {
		gotEdges = append(gotEdges, [3]string{g.local(t, e.From), e.Kind, g.local(t, e.To)})
	}
	wantEdges := sc.Expect.Edges
	if sc.Expect.EdgesInduced {
		wantEdges = nil
		for _, e := range sc.Edges {
			if _, ok := got[e[0]]; ok {
				if _, ok := got[e[2]]; ok {
					wantEdges = append(wantEdges, [3]string{e[0], edgeKinds[e[1]], e[2]})
				}
			}
		}
	}
	if a, b := sortedEdges(gotEdges), sortedEdges(wantEdges); !slices.Equal(a, b) {
		t.Errorf("edges:\n got  %v\n want %v", a, b)
	}

	gotTrunc, wantTrunc := slices.Clone(res.TruncatedBy), slices.Clone(sc.Expect.TruncatedBy)
	slices.Sort(gotTrunc)
	slices.Sort(wantTrunc)
	if !slices.Equal(gotTrunc, wantTrunc) {
		t.Errorf("truncatedBy = %v, want %v", res.TruncatedBy, sc.Expect.TruncatedBy)
	}
	if res.Truncated() != (len(wantTrunc) > 0) {
		t.Errorf("Truncated() = %v", res.Truncated())
	}
	// A node with more to show means the walk was cut, and vice versa.
	anyMore := false
	for _, n := range res.Nodes {
		anyMore = anyMore || n.HasMore
	}
	if sc.Op.Kind != "path" && anyMore != res.Truncated() {
		t.Errorf("some node has more: %v, but truncatedBy = %v", anyMore, res.TruncatedBy)
	}
}

func sortedEdges(es [][3]string) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%s -%s-> %s", e[0], e[1], e[2])
	}
	slices.Sort(out)
	return out
}

func TestLineageBounds(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, store.StatusRunning)
	scope := store.Scope{All: true}
	lineage := func(depth, maxNodes int) error {
		_, err := s.Lineage(t.Context(), store.LineageRequest{Root: r.ID, Direction: store.Both, Depth: depth, MaxNodes: maxNodes, Scope: scope})
		return err
	}
	impact := func(depth int) error {
		_, err := s.Impact(t.Context(), store.ImpactRequest{Root: r.ID, Depth: depth, Scope: scope})
		return err
	}
	cases := []struct {
		name  string
		err   error
		field string // "" means accepted
	}{
		{"lineage depth at maximum", lineage(store.MaxLineageDepth, 10), ""},
		{"lineage depth 0", lineage(0, 10), ""},
		{"lineage depth above maximum", lineage(store.MaxLineageDepth+1, 10), "depth"},
		{"lineage depth far above maximum", lineage(1_000_000, 10), "depth"},
		{"lineage depth negative", lineage(-1, 10), "depth"},
		{"lineage maxNodes at maximum", lineage(3, store.MaxLineageNodes), ""},
		{"lineage maxNodes 1", lineage(3, 1), ""},
		{"lineage maxNodes above maximum", lineage(3, store.MaxLineageNodes+1), "maxNodes"},
		{"lineage maxNodes 0", lineage(3, 0), "maxNodes"},
		{"lineage maxNodes negative", lineage(3, -5), "maxNodes"},
		{"impact depth at maximum", impact(store.MaxImpactDepth), ""},
		{"impact depth above maximum", impact(store.MaxImpactDepth + 1), "depth"},
		{"impact depth 0", impact(0), "depth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == "" {
				if c.err != nil {
					t.Fatalf("want success, got %v", c.err)
				}
				return
			}
			wantInvalidField(t, c.err, c.field)
		})
	}
}

func TestLineageHiddenRootIsNotFound(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, store.StatusRunning)
	other := newProject(t, s, "other")
	cases := []struct {
		name string
		call func() error
	}{
		{"lineage", func() error {
			_, err := s.Lineage(t.Context(), store.LineageRequest{Root: r.ID, Direction: store.Both, Depth: 1, MaxNodes: 10, Scope: store.Scope{Keys: []string{other}}})
			return err
		}},
		{"impact", func() error {
			_, err := s.Impact(t.Context(), store.ImpactRequest{Root: r.ID, Depth: 1, Scope: store.Scope{Keys: []string{other}}})
			return err
		}},
		{"path", func() error {
			_, err := s.LineagePath(t.Context(), r.ID, r.ID, store.Scope{Keys: []string{other}})
			return err
		}},
		{"empty scope", func() error {
			_, err := s.Lineage(t.Context(), store.LineageRequest{Root: r.ID, Direction: store.Both, Depth: 1, MaxNodes: 10})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantErr(t, c.call(), store.ErrNotFound) })
	}
}
