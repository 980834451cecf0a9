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
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// lineageScenario is one file of testdata/lineage: a seed graph, one
// operation and its expected result, all in local names. The format is
// described in testdata/lineage/README.md.
type lineageScenario struct {
	Description string         `json:"description"`
	Nodes       []scenarioNode `json:"nodes"`
	// Edges are [from, consumed_by|produced|derived_into, to] with an
	// optional fourth element: the minute the edge was created at
	// (default: when its later end was).
	Edges  [][]any        `json:"edges"`
	FanOut []fanOut       `json:"fanOut"`
	Op     scenarioOp     `json:"op"`
	Expect scenarioExpect `json:"expect"`
}

type scenarioNode struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`    // run | dsv | mv | ds (a dataset: its versions name it in "dataset")
	Project string `json:"project"` // a | b
	Dataset string `json:"dataset"` // dsv: the ds node it is a version of (default: the project's dataset "ds")
	T       int    `json:"t"`       // the minute it was created at
	Stage   string `json:"stage"`   // mv: its stage (default NONE)
}

// fanOut adds Count runs named Prefix00001... that all consume From.
type fanOut struct {
	From   string `json:"from"`
	Prefix string `json:"prefix"`
	Count  int    `json:"count"`
}

type scenarioOp struct {
	Kind      string   `json:"kind"` // lineage | impact | path
	Root      string   `json:"root"`
	Direction string   `json:"direction"`
	Depth     int      `json:"depth"`
	MaxNodes  int      `json:"maxNodes"`
	Kinds     []string `json:"kinds"` // run | dsv | mv | ds
	AsOf      *int     `json:"asOf"`  // minute
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
	// NotFound expects errs.NotFound (e.g. a root that did not exist at asOf).
	NotFound bool `json:"notFound"`
	// Impact is the grouped report of an impact operation, by local name.
	Impact *struct {
		Runs            []string `json:"runs"`
		DatasetVersions []string `json:"datasetVersions"`
		ModelVersions   []string `json:"modelVersions"` // production ones first
		TotalAffected   int      `json:"totalAffected"`
		HiddenAffected  bool     `json:"hiddenAffected"`
		// SampledRuns counts runs beyond Runs, all from the fan-outs.
		SampledRuns int `json:"sampledRuns"`
	} `json:"impact"`
}

type expectNode struct {
	Distance int  `json:"distance"`
	HasMore  bool `json:"hasMore"`
}

var edgeKinds = map[string]string{"consumed_by": "CONSUMED_BY", "produced": "PRODUCED", "derived_into": "DERIVED_INTO"}

// scenarioEdge is a decoded seed edge.
type scenarioEdge struct {
	from, kind, to string
	t              *int
}

func (sc lineageScenario) edges(t *testing.T) []scenarioEdge {
	t.Helper()
	var out []scenarioEdge
	for _, e := range sc.Edges {
		if len(e) != 3 && len(e) != 4 {
			t.Fatalf("edge %v: want [from, kind, to] or [from, kind, to, minute]", e)
		}
		var se scenarioEdge
		var ok [3]bool
		se.from, ok[0] = e[0].(string)
		se.kind, ok[1] = e[1].(string)
		se.to, ok[2] = e[2].(string)
		if ok != [3]bool{true, true, true} {
			t.Fatalf("edge %v: from, kind and to must be strings", e)
		}
		if len(e) == 4 {
			f, isNum := e[3].(float64)
			if !isNum {
				t.Fatalf("edge %v: the minute must be a number", e)
			}
			m := int(f)
			se.t = &m
		}
		out = append(out, se)
	}
	for _, f := range sc.FanOut {
		for i := 1; i <= f.Count; i++ {
			out = append(out, scenarioEdge{from: f.From, kind: "consumed_by", to: fmt.Sprintf("%s%05d", f.Prefix, i)})
		}
	}
	return out
}

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

// seed builds the scenario's graph through the store's public API (the
// fan-outs in bulk), at the minutes the scenario gives.
func seed(t *testing.T, s *store.Store, clock *neo4jtest.MinuteClock, sc lineageScenario) *seededGraph {
	t.Helper()
	ctx := t.Context()
	g := &seededGraph{projects: map[string]string{}, ids: map[string]string{}, names: map[string]string{}, nodes: map[string]scenarioNode{}}
	exps, datasets := map[string]string{}, map[string]string{}
	clock.Set(-1)
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
	edges := sc.edges(t)
	derivedFrom := map[string][]string{}
	fanned := map[string]bool{}
	for _, f := range sc.FanOut {
		for i := 1; i <= f.Count; i++ {
			fanned[fmt.Sprintf("%s%05d", f.Prefix, i)] = true
		}
	}
	for _, e := range edges {
		if fanned[e.to] {
			continue
		}
		fk, tk := g.nodes[e.from].Kind, g.nodes[e.to].Kind
		ok := map[string]bool{"dsv consumed_by run": true, "run produced dsv": true, "run produced mv": true, "dsv derived_into dsv": true}
		if !ok[fk+" "+e.kind+" "+tk] {
			t.Fatalf("edge %v: %q %s %q is not a lineage edge", e, fk, e.kind, tk)
		}
		if e.kind == "derived_into" {
			if e.t != nil {
				t.Fatalf("edge %v: a derived_into edge is created with its target version", e)
			}
			derivedFrom[e.to] = append(derivedFrom[e.to], e.from)
		}
	}
	set := func(name, id string) { g.ids[name], g.names[id] = id, name }
	for _, n := range sc.Nodes {
		clock.Set(n.T)
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
			if n.Stage != "" {
				if err := s.SetModelStage(ctx, v.ID, store.ModelStage(n.Stage)); err != nil {
					t.Fatal(err)
				}
			}
		case "ds":
			d := newDataset(t, s, g.projects[n.Project], n.Name)
			set(n.Name, d.ID)
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
			ds := datasets[n.Project]
			if n.Dataset != "" {
				ds = g.id(t, n.Dataset)
			}
			clock.Set(n.T)
			v, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds, Version: n.Name,
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
	for _, e := range edges {
		if fanned[e.to] {
			continue
		}
		at := max(g.nodes[e.from].T, g.nodes[e.to].T)
		if e.t != nil {
			at = *e.t
		}
		clock.Set(at)
		var err error
		switch e.kind {
		case "consumed_by":
			_, err = s.AddRunInputs(ctx, actor, g.ids[e.to], []string{g.ids[e.from]})
		case "produced":
			if g.nodes[e.to].Kind == "mv" {
				_, err = s.AddRunOutputs(ctx, actor, g.ids[e.from], nil, []string{g.ids[e.to]})
			} else {
				_, err = s.AddRunOutputs(ctx, actor, g.ids[e.from], []string{g.ids[e.to]}, nil)
			}
		}
		if err != nil {
			t.Fatalf("edge %v: %v", e, err)
		}
	}
	for _, f := range sc.FanOut {
		src := g.nodes[f.From]
		names := make([]string, f.Count)
		for i := range names {
			names[i] = fmt.Sprintf("%s%05d", f.Prefix, i+1)
			g.nodes[names[i]] = scenarioNode{Name: names[i], Kind: "run", Project: src.Project, T: src.T}
		}
		ids, err := s.BulkConsumers(ctx, actor, exps[src.Project], g.id(t, f.From), names, clock.At(src.T))
		if err != nil {
			t.Fatal(err)
		}
		for name, id := range ids {
			set(name, id)
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

var kindOfLocal = map[string]store.Kind{"run": store.KindRun, "dsv": store.KindDatasetVersion, "mv": store.KindModelVersion, "ds": store.KindDataset}

func TestLineageScenarios(t *testing.T) {
	neo4jtest.Store(t) // migrates once, before the parallel subtests
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
			clock := &neo4jtest.MinuteClock{Base: time.Now().UTC().Truncate(time.Minute).Add(-24 * time.Hour)}
			s := neo4jtest.Store(t, store.WithClock(clock.Now))
			g := seed(t, s, clock, sc)
			scope, visible := g.scope(sc)
			var asOf *time.Time
			if sc.Op.AsOf != nil {
				at := clock.At(*sc.Op.AsOf)
				asOf = &at
			}
			var kinds []store.Kind
			for _, k := range sc.Op.Kinds {
				kind, ok := kindOfLocal[k]
				if !ok {
					t.Fatalf("op kinds: unknown kind %q", k)
				}
				kinds = append(kinds, kind)
			}
			var (
				res *store.LineageGraph
				rep *store.ImpactReport
				err error
			)
			switch sc.Op.Kind {
			case "lineage":
				res, err = s.Lineage(t.Context(), store.LineageRequest{Root: g.id(t, sc.Op.Root), Direction: store.Direction(sc.Op.Direction),
					Depth: sc.Op.Depth, MaxNodes: sc.Op.MaxNodes, Kinds: kinds, AsOf: asOf, Scope: scope})
			case "impact":
				rep, err = s.Impact(t.Context(), store.ImpactRequest{Root: g.id(t, sc.Op.Root), Depth: sc.Op.Depth, AsOf: asOf, Scope: scope})
			case "path":
				res, err = s.LineagePath(t.Context(), store.PathRequest{From: g.id(t, sc.Op.From), To: g.id(t, sc.Op.To), AsOf: asOf, Scope: scope})
			default:
				t.Fatalf("unknown op kind %q", sc.Op.Kind)
			}
			switch {
			case sc.Expect.NoPath:
				if !errors.Is(err, store.ErrNoPath) || res != nil {
					t.Fatalf("want ErrNoPath, got %+v, %v", res, err)
				}
				return
			case sc.Expect.NotFound:
				if !errors.Is(err, errs.NotFound) || res != nil || rep != nil {
					t.Fatalf("want errs.NotFound, got %+v %+v, %v", res, rep, err)
				}
				return
			case err != nil:
				t.Fatalf("%s: %v", sc.Op.Kind, err)
			case rep != nil:
				checkImpact(t, g, sc, rep, visible)
				return
			case res == nil:
				t.Fatal("got nil graph")
			}
			checkGraph(t, g, sc, res, visible)
		})
	}
}

// checkImpact compares an impact report with the scenario's expectation.
func checkImpact(t *testing.T, g *seededGraph, sc lineageScenario, rep *store.ImpactReport, visible map[string]bool) {
	t.Helper()
	want := sc.Expect.Impact
	if want == nil {
		t.Fatal("an impact scenario needs expect.impact")
	}
	if rep.Root != g.ids[sc.Op.Root] {
		t.Errorf("root = %s, want %s", rep.Root, sc.Op.Root)
	}
	names := func(ns []store.LineageNode) []string {
		var out []string
		for _, n := range ns {
			out = append(out, g.local(t, n.ID))
			if !visible[g.nodes[g.local(t, n.ID)].Project] {
				t.Errorf("impact names %s of a hidden project", g.local(t, n.ID))
			}
		}
		return out
	}
	runs := names(rep.Runs)
	sampled := 0
	var named []string
	for _, r := range runs {
		if slices.Contains(want.Runs, r) {
			named = append(named, r)
		} else {
			sampled++
		}
	}
	slices.Sort(named)
	wantRuns := slices.Sorted(slices.Values(want.Runs))
	if !slices.Equal(named, wantRuns) || sampled != want.SampledRuns {
		t.Errorf("runs = %v (+%d sampled), want %v (+%d sampled)", named, sampled, wantRuns, want.SampledRuns)
	}
	if got := slices.Sorted(slices.Values(names(rep.DatasetVersions))); !slices.Equal(got, slices.Sorted(slices.Values(want.DatasetVersions))) {
		t.Errorf("datasetVersions = %v, want %v", got, want.DatasetVersions)
	}
	// Model versions in order: production first.
	if got := names(rep.ModelVersions); !slices.Equal(got, want.ModelVersions) {
		t.Errorf("modelVersions = %v, want %v", got, want.ModelVersions)
	}
	if rep.TotalAffected != want.TotalAffected || rep.HiddenAffected != want.HiddenAffected {
		t.Errorf("totalAffected %d hiddenAffected %v, want %d %v", rep.TotalAffected, rep.HiddenAffected, want.TotalAffected, want.HiddenAffected)
	}
	if rep.TotalAffected != len(rep.Runs)+len(rep.DatasetVersions)+len(rep.ModelVersions) {
		t.Errorf("totalAffected %d is not the sum of the groups", rep.TotalAffected)
	}
	if wantOwners := []string{actor}; rep.TotalAffected > 0 && !slices.Equal(rep.Owners, wantOwners) {
		t.Errorf("owners = %v, want %v", rep.Owners, wantOwners)
	}
	gotTrunc, wantTrunc := slices.Sorted(slices.Values(rep.TruncatedBy)), slices.Sorted(slices.Values(sc.Expect.TruncatedBy))
	if !slices.Equal(gotTrunc, wantTrunc) {
		t.Errorf("truncatedBy = %v, want %v", rep.TruncatedBy, sc.Expect.TruncatedBy)
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
		wantName := map[string]string{"run": name, "dsv": "ds@" + name, "mv": name + " v1", "ds": name}[seeded.Kind]
		if seeded.Kind == "dsv" && seeded.Dataset != "" {
			wantName = seeded.Dataset + "@" + name
		}
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
		for _, e := range sc.edges(t) {
			if _, ok := got[e.from]; ok {
				if _, ok := got[e.to]; ok {
					wantEdges = append(wantEdges, [3]string{e.from, edgeKinds[e.kind], e.to})
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
			_, err := s.LineagePath(t.Context(), store.PathRequest{From: r.ID, To: r.ID, Scope: store.Scope{Keys: []string{other}}})
			return err
		}},
		{"empty scope", func() error {
			_, err := s.Lineage(t.Context(), store.LineageRequest{Root: r.ID, Direction: store.Both, Depth: 1, MaxNodes: 10})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantErr(t, c.call(), errs.NotFound) })
	}
}

// A hidden root and an unknown one give the same error, with or without
// asOf, so errors never reveal that a hidden node exists or when it was
// created.
func TestLineageHiddenRootSameErrorAsUnknown(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, store.StatusRunning)
	scope := store.Scope{Keys: []string{newProject(t, s, "other")}}
	at := time.Now().Add(time.Hour)
	missing := unknownID("run_")
	for _, asOf := range []*time.Time{nil, &at} {
		for _, impact := range []bool{false, true} {
			call := func(id string) error {
				if impact {
					_, err := s.Impact(t.Context(), store.ImpactRequest{Root: id, Depth: 1, AsOf: asOf, Scope: scope})
					return err
				}
				_, err := s.Lineage(t.Context(), store.LineageRequest{Root: id, Direction: store.Both, Depth: 1, MaxNodes: 10, AsOf: asOf, Scope: scope})
				return err
			}
			hidden, unknown := call(r.ID), call(missing)
			wantErr(t, hidden, errs.NotFound)
			if h, m := strings.ReplaceAll(hidden.Error(), r.ID, "ID"), strings.ReplaceAll(unknown.Error(), missing, "ID"); h != m {
				t.Errorf("asOf=%v impact=%v: hidden %q vs unknown %q", asOf != nil, impact, h, m)
			}
		}
	}
}

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
