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

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// The lineage scenarios run each operation as the API does, through
// internal/lineage over this store: the statements, scope and asOf
// predicates of the walks are the store's, and a scenario states what a
// caller gets of them.

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
	if !strings.HasPrefix(id, lineage.RedactedNamePrefix) {
		t.Fatalf("returned ID %q is neither seeded nor a placeholder", id)
	}
	out := id
	for seeded, name := range g.names {
		out = strings.ReplaceAll(out, seeded, name)
	}
	return out
}

// caller is a viewer of the projects the scenario makes visible (all of
// its projects, but never every project).
func (g *seededGraph) caller(sc lineageScenario) (*auth.Principal, map[string]bool) {
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
	roles := map[string]auth.Role{}
	for _, k := range keys {
		roles[k] = auth.RoleViewer
	}
	return &auth.Principal{Subject: "scenario", Roles: roles}, visible
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
			caller, visible := g.caller(sc)
			lin := lineage.New(s)
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
				res *lineage.Graph
				rep *lineage.Report
				err error
			)
			depth, maxNodes := sc.Op.Depth, sc.Op.MaxNodes
			switch sc.Op.Kind {
			case "lineage":
				res, err = lin.Lineage(t.Context(), caller, lineage.Request{Root: g.id(t, sc.Op.Root), Direction: store.Direction(sc.Op.Direction),
					Depth: &depth, MaxNodes: &maxNodes, Kinds: kinds, AsOf: asOf})
			case "impact":
				rep, err = lin.Impact(t.Context(), caller, lineage.ImpactRequest{Root: g.id(t, sc.Op.Root), Depth: &depth, AsOf: asOf})
			case "path":
				res, err = lin.Path(t.Context(), caller, lineage.PathRequest{From: g.id(t, sc.Op.From), To: g.id(t, sc.Op.To), AsOf: asOf})
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
