package store_test

import (
	"fmt"
	"regexp"
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

// ids matches exphub IDs and StartRun's default run names, which differ
// between two otherwise equal graphs.
var (
	idPattern      = regexp.MustCompile(`\b([a-z]+)_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	runNamePattern = regexp.MustCompile(`\brun-[0-9a-f]{8}\b`)
)

// shapeValue describes a property value without what differs between two
// projects written the same way: IDs, default names, the project key, times.
func shapeValue(key string, v any) string {
	switch x := v.(type) {
	case time.Time:
		return "<time>"
	case string:
		x = strings.ReplaceAll(x, key, "<key>")
		x = idPattern.ReplaceAllString(x, "${1}_<id>")
		return runNamePattern.ReplaceAllString(x, "run-<id>")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = shapeValue(key, e)
		}
		return fmt.Sprintf("%T[%s]", v, strings.Join(parts, ","))
	default:
		return fmt.Sprintf("%T(%v)", v, v)
	}
}

func shapeProps(key string, props map[string]any) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + shapeValue(key, props[k])
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// graphShape describes the experiments and runs of project key: every
// node with its labels and properties, every relationship touching them
// with its ends and properties (sorted), and the project's events in log
// order with actor and payload.
func graphShape(t *testing.T, key string) []string {
	t.Helper()
	ctx := t.Context()
	d := neo4jtest.Driver(t)
	query := func(q string) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, d, q, map[string]any{"k": key}, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatal(err)
		}
		return res.Records
	}
	get := func(rec *neo4j.Record, k string) any {
		v, _ := rec.Get(k)
		return v
	}
	var nodes, rels []string
	for _, rec := range query(`MATCH (n:Node {projectKey: $k}) WHERE n:Experiment OR n:Run RETURN labels(n) AS labels, properties(n) AS props`) {
		nodes = append(nodes, fmt.Sprintf("node %s %s", shapeValue(key, get(rec, "labels")), shapeProps(key, get(rec, "props").(map[string]any))))
	}
	for _, rec := range query(`
		MATCH (n:Node {projectKey: $k})-[r]-() WHERE n:Experiment OR n:Run
		WITH DISTINCT r
		WITH r, startNode(r) AS a, endNode(r) AS b
		RETURN type(r) AS type, properties(r) AS props,
		       labels(a) AS al, coalesce(a.name, a.version, a.key) AS an,
		       labels(b) AS bl, coalesce(b.name, b.version, b.key) AS bn`) {
		rels = append(rels, fmt.Sprintf("rel %s%s-[%s %s]->%s%s", shapeValue(key, get(rec, "al")), shapeValue(key, get(rec, "an")),
			get(rec, "type"), shapeProps(key, get(rec, "props").(map[string]any)), shapeValue(key, get(rec, "bl")), shapeValue(key, get(rec, "bn"))))
	}
	slices.Sort(nodes)
	slices.Sort(rels)
	shape := append(nodes, rels...)
	for _, rec := range query(`MATCH (e:Event {projectKey: $k}) RETURN e.kind AS kind, e.actor AS actor, e.targetId AS target, e.payload AS payload ORDER BY e.seq`) {
		shape = append(shape, fmt.Sprintf("event %v by %v on %s: %s", get(rec, "kind"), get(rec, "actor"),
			shapeValue(key, get(rec, "target")), shapeValue(key, get(rec, "payload"))))
	}
	return shape
}

// TestSeedExperimentsWritesWhatTheOperationsWrite: the fixture writer and
// CreateExperiment + StartRun + AddRunInputs leave the same experiments,
// runs, relationships and events, so a read measured on seeded data costs
// what it costs on data written through the API.
func TestSeedExperimentsWritesWhatTheOperationsWrite(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	build := func(seed bool) string {
		key := newProject(t, s, "seed")
		ds := newDataset(t, s, key, "events")
		var vs []string
		for i, v := range []string{"v1", "v2"} {
			dv, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: v,
				URI: "s3://bucket/events/" + v, Digest: digest(byte('a' + i))})
			if err != nil {
				t.Fatal(err)
			}
			vs = append(vs, dv.ID)
		}
		exps := []store.ExperimentSeed{
			{Name: "train", Runs: []store.RunSeed{{Name: "both", Inputs: []string{vs[1], vs[0]}}, {Name: "one", Inputs: []string{vs[0]}}, {}}},
			{Name: "empty"},
		}
		if seed {
			got, err := s.SeedExperiments(ctx, actor, key, exps)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || len(got[0].RunIDs) != 3 || len(got[1].RunIDs) != 0 {
				t.Fatalf("IDs %+v do not follow the seeds", got)
			}
			for i, id := range got[0].RunIDs {
				if r := readRun(t, s, id); r.ExperimentID != got[0].ID || (exps[0].Runs[i].Name != "" && r.Name != exps[0].Runs[i].Name) {
					t.Errorf("run %d: %+v, want %q of %s", i, r, exps[0].Runs[i].Name, got[0].ID)
				}
			}
			return key
		}
		for _, e := range exps {
			exp, err := s.CreateExperiment(ctx, actor, store.CreateExperimentInput{ProjectKey: key, Name: e.Name})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range e.Runs {
				run, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID, Name: r.Name})
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Inputs) > 0 {
					if _, err := s.AddRunInputs(ctx, actor, run.ID, r.Inputs); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		return key
	}
	want, got := graphShape(t, build(false)), graphShape(t, build(true))
	if len(want) < 10 {
		t.Fatalf("the operations' graph has too little to compare:\n%s", strings.Join(want, "\n"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("SeedExperiments wrote\n\t%s\nthe operations wrote\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestSeedExperimentsBatches: experiments with more runs than one batch
// holds are split between transactions, and every ID comes back in the
// order of the seeds.
func TestSeedExperimentsBatches(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "seedb")
	const experiments, runs = 4, 300 // four batches of one experiment
	exps := make([]store.ExperimentSeed, experiments)
	for e := range exps {
		exps[e].Name = fmt.Sprintf("e%d", e)
		for r := range runs {
			exps[e].Runs = append(exps[e].Runs, store.RunSeed{Name: fmt.Sprintf("e%d-r%03d", e, r)})
		}
	}
	got, err := s.SeedExperiments(ctx, actor, key, exps)
	if err != nil {
		t.Fatal(err)
	}
	if n := neo4jtest.Count(t, `MATCH (:Experiment {projectKey: $k})-[:HAS_RUN]->(r:Run) RETURN count(r) AS n`, map[string]any{"k": key}); n != experiments*runs {
		t.Fatalf("%d runs written, want %d", n, experiments*runs)
	}
	byID, err := s.RunsByIDs(ctx, slices.Concat(got[0].RunIDs, got[3].RunIDs))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []int{0, 3} {
		for r, id := range got[e].RunIDs {
			if run := byID[id]; run == nil || run.Name != exps[e].Runs[r].Name || run.ExperimentID != got[e].ID {
				t.Fatalf("experiment %d run %d: %s is %+v", e, r, id, run)
			}
		}
	}
}

func TestSeedExperimentsRefuses(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "seedr")
	newExperiment(t, s, key) // "exp"
	ds := newDataset(t, s, key, "events")
	v, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://bucket/events/v1", Digest: digest('a')})
	if err != nil {
		t.Fatal(err)
	}
	one := func(name string, inputs ...string) []store.ExperimentSeed {
		return []store.ExperimentSeed{{Name: name, Runs: []store.RunSeed{{Name: "r", Inputs: inputs}}}}
	}
	nodes, events := countProjectNodes(t, key), countProjectEvents(t, key)
	for _, c := range []struct {
		name     string
		key      string
		exps     []store.ExperimentSeed
		sentinel error
		field    string
	}{
		{"unknown project", neo4jtest.Key(t, "nope"), one("e", v.ID), errs.NotFound, ""},
		{"unknown input", key, one("e", v.ID, unknownID("dsv_")), errs.NotFound, ""},
		{"taken name", key, one("exp", v.ID), errs.Conflict, ""},
		{"no name", key, one(""), errs.Invalid, "experiments[0].name"},
		{"input of another kind", key, one("e", ds.ID), errs.Invalid, "experiments[0].runs[0].inputs[0]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.SeedExperiments(ctx, actor, c.key, c.exps)
			if c.field != "" {
				wantInvalidField(t, err, c.field)
			} else {
				wantErr(t, err, c.sentinel)
			}
			if n, e := countProjectNodes(t, key), countProjectEvents(t, key); n != nodes || e != events {
				t.Errorf("a refused seed wrote %d nodes and %d events", n-nodes, e-events)
			}
		})
	}
}
