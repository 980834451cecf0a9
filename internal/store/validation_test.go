package store_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// oddNames are values that would break a query built by concatenation.
var oddNames = []struct{ name, value string }{
	{"single quotes", `it's 'quoted'`},
	{"double quotes", `say "hello"`},
	{"backticks", "back`tick` `Run`"},
	{"cypher injection single", `'}) MATCH (n) DETACH DELETE n //`},
	{"cypher injection double", `"}) MATCH (n) DETACH DELETE n //`},
	{"cypher injection backtick", "`) MATCH (n) DETACH DELETE n //"},
	{"parameter and format lookalikes", `$id {name} %s %!d(MISSING) \u0027 \\`},
	{"unicode", "数据集 — naïve café 🚀 مرحبا e\u0301 👩\u200d🔬"},
	{"tab and newline", "line one\n\tline two"},
}

func TestOddNamesAreStoredVerbatim(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()

	// A bystander project that no write below may touch.
	bystander := newProject(t, s, "bystander")
	bexp := newExperiment(t, s, bystander)
	if _, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: bexp.ID, Name: "innocent"}); err != nil {
		t.Fatal(err)
	}
	bystanderNodes := countProjectNodes(t, bystander)

	key := newProject(t, s, "odd")
	for _, c := range oddNames {
		t.Run(c.name, func(t *testing.T) {
			v := c.value
			exp, err := s.CreateExperiment(ctx, actor, store.CreateExperimentInput{ProjectKey: key, Name: v, Description: v})
			if err != nil {
				t.Fatalf("create experiment: %v", err)
			}
			run, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID, Name: v,
				Params: []store.KeyValue{{Key: v, Value: v}}, Tags: []store.KeyValue{{Key: v, Value: v}},
				Code: &store.CodeRef{Repo: v, Commit: v}})
			if err != nil {
				t.Fatalf("start run: %v", err)
			}
			if _, err := s.LogMetrics(ctx, run.ID, []store.MetricPoint{{Key: v, Value: 1, Step: 1}}); err != nil {
				t.Fatalf("log metric: %v", err)
			}
			ds, err := s.RegisterDataset(ctx, actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: v, Name: v, Description: v})
			if err != nil {
				t.Fatalf("register dataset: %v", err)
			}
			dsv, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: v, URI: v,
				Digest: digest('c'), Schema: []store.SchemaField{{Name: v, Type: v}}})
			if err != nil {
				t.Fatalf("register dataset version: %v", err)
			}
			mv, err := s.RegisterModelVersion(ctx, actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: v, URI: v, RunID: run.ID})
			if err != nil {
				t.Fatalf("register model version: %v", err)
			}

			exps, err := s.ExperimentsByIDs(ctx, []string{exp.ID})
			if err != nil {
				t.Fatal(err)
			}
			r := readRun(t, s, run.ID)
			metrics, err := s.MetricsOfRuns(ctx, []string{run.ID})
			if err != nil {
				t.Fatal(err)
			}
			dss, err := s.DatasetsByIDs(ctx, []string{ds.ID})
			if err != nil {
				t.Fatal(err)
			}
			dsvs, err := s.DatasetVersionsByIDs(ctx, []string{dsv.ID})
			if err != nil {
				t.Fatal(err)
			}
			mvs, err := s.ModelVersionsByIDs(ctx, []string{mv.ID})
			if err != nil {
				t.Fatal(err)
			}
			models, err := s.ModelsByIDs(ctx, []string{mvs[mv.ID].ModelID})
			if err != nil {
				t.Fatal(err)
			}
			g, err := s.LineageWalk(ctx, store.WalkRequest{Root: run.ID, Direction: store.Downstream, Depth: 1, Budget: 10, Edges: true, Scope: store.Scope{Keys: []string{key}}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{
				"experiment.name":        exps[exp.ID].Name,
				"experiment.description": exps[exp.ID].Description,
				"run.name":               r.Name,
				"run.param.key":          r.Params[0].Key,
				"run.param.value":        r.Params[0].Value,
				"run.tag.key":            r.Tags[0].Key,
				"run.tag.value":          r.Tags[0].Value,
				"run.code.repo":          r.Code.Repo,
				"run.code.commit":        r.Code.Commit,
				"metric.key":             metrics[0][0].Key,
				"dataset.namespace":      dss[ds.ID].Namespace,
				"dataset.name":           dss[ds.ID].Name,
				"dataset.description":    dss[ds.ID].Description,
				"version.version":        dsvs[dsv.ID].Version,
				"version.uri":            dsvs[dsv.ID].URI,
				"version.schema.name":    dsvs[dsv.ID].Schema[0].Name,
				"version.schema.type":    dsvs[dsv.ID].Schema[0].Type,
				"model.name":             models[mvs[mv.ID].ModelID].Name,
				"modelVersion.uri":       mvs[mv.ID].URI,
			}
			for field, g := range got {
				if g != v {
					t.Errorf("%s read back as %q, want %q", field, g, v)
				}
			}
			names := map[string]string{}
			for _, n := range g.Nodes {
				names[n.ID] = n.Name
			}
			if names[run.ID] != v || names[mv.ID] != v+" v1" {
				t.Errorf("lineage names: run %q, model version %q; want %q and %q", names[run.ID], names[mv.ID], v, v+" v1")
			}
		})
	}
	t.Run("nothing else was touched", func(t *testing.T) {
		if n := countProjectNodes(t, bystander); n != bystanderNodes {
			t.Fatalf("bystander project has %d nodes, had %d", n, bystanderNodes)
		}
		// The project node and its default policy plus, per name, an
		// experiment, a run, a metric, a dataset, a version, a model and a
		// model version.
		if n, want := countProjectNodes(t, key), int64(2+7*len(oddNames)); n != want {
			t.Fatalf("project has %d nodes, want %d", n, want)
		}
	})
}

// limitCase writes a value of a chosen length into one field.
type limitCase struct {
	field string
	max   int
	// write writes v; written counts what such writes have left in the
	// database so far.
	write   func(t *testing.T, v string) error
	written func(t *testing.T) int64
}

func TestLimitsAreEnforced(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "limits")
	exp := newExperiment(t, s, key)
	run, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID})
	if err != nil {
		t.Fatal(err)
	}
	ds := newDataset(t, s, key, "limits")
	countIn := func(label, prop, val string) func(t *testing.T) int64 {
		return func(t *testing.T) int64 {
			return neo4jtest.Count(t, `MATCH (n) WHERE $label IN labels(n) AND n[$prop] = $val RETURN count(n) AS n`,
				map[string]any{"label": label, "prop": prop, "val": val})
		}
	}
	runsOfExp := countIn("Run", "experimentId", exp.ID)
	versionsOfDs := countIn("DatasetVersion", "datasetId", ds.ID)
	modelVersions := countIn("ModelVersion", "projectKey", key)
	datasets := countIn("Dataset", "projectKey", key)
	lengthKey := func(prefix, v string) string { return prefix + strconv.Itoa(len(v)) }
	keyBase := neo4jtest.Key(t, "lim")
	cases := []limitCase{
		{"key", 40, func(t *testing.T, v string) error {
			_, err := s.CreateProject(ctx, actor, store.CreateProjectInput{Key: keyBase + v[len(keyBase):], Name: "p"})
			return err
		}, func(t *testing.T) int64 {
			return neo4jtest.Count(t, `MATCH (p:Project) WHERE p.key STARTS WITH $base RETURN count(p) AS n`, map[string]any{"base": keyBase})
		}},
		{"name", store.MaxNameLen, func(t *testing.T, v string) error {
			_, err := s.CreateExperiment(ctx, actor, store.CreateExperimentInput{ProjectKey: key, Name: v})
			return err
		}, countIn("Experiment", "projectKey", key)},
		{"description", store.MaxDescriptionLen, func(t *testing.T, v string) error {
			_, err := s.CreateExperiment(ctx, actor, store.CreateExperimentInput{ProjectKey: key, Name: lengthKey("d", v), Description: v})
			return err
		}, countIn("Experiment", "projectKey", key)},
		{"name", store.MaxNameLen, func(t *testing.T, v string) error {
			_, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID, Name: v})
			return err
		}, runsOfExp},
		{"params[0].key", store.MaxNameLen, func(t *testing.T, v string) error {
			_, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID, Params: []store.KeyValue{{Key: v, Value: "1"}}})
			return err
		}, runsOfExp},
		{"params[0].value", store.MaxParamValueLen, func(t *testing.T, v string) error {
			_, err := s.LogParams(ctx, run.ID, []store.KeyValue{{Key: lengthKey("p", v), Value: v}})
			return err
		}, func(t *testing.T) int64 { return int64(len(readRun(t, s, run.ID).Params)) }},
		{"tags[0].key", store.MaxNameLen, func(t *testing.T, v string) error {
			_, err := s.SetRunTags(ctx, run.ID, []store.KeyValue{{Key: v, Value: "1"}})
			return err
		}, func(t *testing.T) int64 { return int64(len(readRun(t, s, run.ID).Tags)) }},
		{"tags[0].value", store.MaxTagValueLen, func(t *testing.T, v string) error {
			_, err := s.SetRunTags(ctx, run.ID, []store.KeyValue{{Key: lengthKey("t", v), Value: v}})
			return err
		}, func(t *testing.T) int64 { return int64(len(readRun(t, s, run.ID).Tags)) }},
		{"code.repo", store.MaxURILen, func(t *testing.T, v string) error {
			_, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID, Code: &store.CodeRef{Repo: v, Commit: "c"}})
			return err
		}, runsOfExp},
		{"environment.platform", store.MaxNameLen, func(t *testing.T, v string) error {
			_, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID, Environment: &store.Environment{Platform: &v}})
			return err
		}, runsOfExp},
		{"points[0].key", store.MaxNameLen, func(t *testing.T, v string) error {
			_, err := s.LogMetrics(ctx, run.ID, []store.MetricPoint{{Key: v, Value: 1}})
			return err
		}, countIn("Metric", "runId", run.ID)},
		{"namespace", store.MaxURILen, func(t *testing.T, v string) error {
			_, err := s.RegisterDataset(ctx, actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: v, Name: "n"})
			return err
		}, datasets},
		{"name", store.MaxURILen, func(t *testing.T, v string) error {
			_, err := s.RegisterDataset(ctx, actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "ns", Name: v})
			return err
		}, datasets},
		{"description", store.MaxDescriptionLen, func(t *testing.T, v string) error {
			_, err := s.RegisterDataset(ctx, actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "desc", Name: lengthKey("d", v), Description: v})
			return err
		}, datasets},
		// Each half within MaxURILen, together over the index entry limit.
		{"name", store.MaxDatasetIdentityLen, func(t *testing.T, v string) error {
			_, err := s.RegisterDataset(ctx, actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: v[:len(v)/2], Name: v[len(v)/2:]})
			return err
		}, datasets},
		{"version", store.MaxNameLen, func(t *testing.T, v string) error {
			_, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: v, URI: "s3://x", Digest: digest('1')})
			return err
		}, versionsOfDs},
		{"uri", store.MaxURILen, func(t *testing.T, v string) error {
			_, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: lengthKey("u", v), URI: v, Digest: digest('1')})
			return err
		}, versionsOfDs},
		{"schema[0].name", store.MaxNameLen, func(t *testing.T, v string) error {
			_, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: lengthKey("s", v), URI: "s3://x",
				Digest: digest('1'), Schema: []store.SchemaField{{Name: v, Type: "int"}}})
			return err
		}, versionsOfDs},
		{"modelName", store.MaxNameLen, func(t *testing.T, v string) error {
			_, err := s.RegisterModelVersion(ctx, actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: v, URI: "s3://m"})
			return err
		}, modelVersions},
		{"uri", store.MaxURILen, func(t *testing.T, v string) error {
			_, err := s.RegisterModelVersion(ctx, actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: v})
			return err
		}, modelVersions},
	}
	for _, c := range cases {
		t.Run(c.field+"/max="+strconv.Itoa(c.max), func(t *testing.T) {
			before := c.written(t)
			err := c.write(t, strings.Repeat("x", c.max+1))
			wantInvalidField(t, err, c.field)
			if n := c.written(t); n != before {
				t.Fatalf("rejected write changed the count from %d to %d", before, n)
			}
			// At the limit the same write is accepted, which shows the
			// count above would have seen a write.
			if err := c.write(t, strings.Repeat("x", c.max)); err != nil {
				t.Fatalf("value of exactly %d bytes: %v", c.max, err)
			}
			if n := c.written(t); n != before+1 {
				t.Fatalf("accepted write changed the count from %d to %d, want +1", before, n)
			}
		})
	}
}

// idOp calls one store operation with id in the position named field.
type idOp struct {
	name, field, prefix string
	call                func(id string) error
}

func TestMalformedAndUnknownIDs(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "ids")
	exp := newExperiment(t, s, key)
	run, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: exp.ID})
	if err != nil {
		t.Fatal(err)
	}
	ds := newDataset(t, s, key, "ids")
	dsv, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x", Digest: digest('a')})
	if err != nil {
		t.Fatal(err)
	}
	all := store.Scope{All: true}
	ops := []idOp{
		{"UpdateRunStatus", "runId", "run_", func(id string) error {
			_, err := s.UpdateRunStatus(ctx, actor, id, store.StatusFinished)
			return err
		}},
		{"LogParams", "runId", "run_", func(id string) error {
			_, err := s.LogParams(ctx, id, []store.KeyValue{{Key: "k", Value: "v"}})
			return err
		}},
		{"SetRunTags", "runId", "run_", func(id string) error {
			_, err := s.SetRunTags(ctx, id, []store.KeyValue{{Key: "k", Value: "v"}})
			return err
		}},
		{"LogMetrics", "runId", "run_", func(id string) error {
			_, err := s.LogMetrics(ctx, id, []store.MetricPoint{{Key: "k", Value: 1}})
			return err
		}},
		{"AddRunInputs", "runId", "run_", func(id string) error {
			_, err := s.AddRunInputs(ctx, actor, id, []string{dsv.ID})
			return err
		}},
		{"AddRunInputs", "datasetVersionIds[0]", "dsv_", func(id string) error {
			_, err := s.AddRunInputs(ctx, actor, run.ID, []string{id})
			return err
		}},
		{"AddRunOutputs", "modelVersionIds[0]", "mv_", func(id string) error {
			_, err := s.AddRunOutputs(ctx, actor, run.ID, nil, []string{id})
			return err
		}},
		{"StartRun", "experimentId", "exp_", func(id string) error {
			_, err := s.StartRun(ctx, actor, store.StartRunInput{ExperimentID: id})
			return err
		}},
		{"RegisterDatasetVersion", "datasetId", "ds_", func(id string) error {
			_, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: id, Version: "v", URI: "u", Digest: digest('a')})
			return err
		}},
		{"RegisterDatasetVersion", "derivedFrom[0]", "dsv_", func(id string) error {
			_, _, err := s.RegisterDatasetVersion(ctx, actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "derived", URI: "u",
				Digest: digest('a'), DerivedFrom: []string{id}})
			return err
		}},
		{"RegisterModelVersion", "runId", "run_", func(id string) error {
			_, err := s.RegisterModelVersion(ctx, actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: "u", RunID: id})
			return err
		}},
		{"LineageWalk", "id", "dsv_", func(id string) error {
			_, err := s.LineageWalk(ctx, store.WalkRequest{Root: id, Direction: store.Both, Depth: 1, Budget: 10, Edges: true, Scope: all})
			return err
		}},
		{"LineageWalk downstream", "id", "run_", func(id string) error {
			_, err := s.LineageWalk(ctx, store.WalkRequest{Root: id, Direction: store.Downstream, Depth: 1, Budget: 50_000, Scope: all})
			return err
		}},
		{"LineagePath", "from", "mv_", func(id string) error {
			_, err := s.LineagePath(ctx, store.PathRequest{From: id, To: dsv.ID, Scope: all})
			return err
		}},
		{"LineagePath", "to", "run_", func(id string) error {
			_, err := s.LineagePath(ctx, store.PathRequest{From: dsv.ID, To: id, Scope: all})
			return err
		}},
	}
	u := uuid.NewString()
	malformed := func(prefix string) map[string]string {
		return map[string]string{
			"empty":          "",
			"no prefix":      u,
			"prefix only":    prefix,
			"not a uuid":     prefix + "not-a-uuid",
			"no dashes":      prefix + strings.ReplaceAll(u, "-", ""),
			"braced":         prefix + "{" + u + "}",
			"trailing space": prefix + u + " ",
			"wrong kind":     "prj_" + u,
			"injection":      prefix + `'}) MATCH (n) DETACH DELETE n //`,
		}
	}
	for _, op := range ops {
		t.Run(op.name+"/"+op.field, func(t *testing.T) {
			for name, id := range malformed(op.prefix) {
				if id == "" && op.name == "RegisterModelVersion" {
					// An empty runId means "no producing run" there.
					continue
				}
				t.Run("malformed "+name, func(t *testing.T) {
					wantInvalidField(t, op.call(id), op.field)
				})
			}
			t.Run("unknown", func(t *testing.T) {
				wantErr(t, op.call(unknownID(op.prefix)), errs.NotFound)
			})
		})
	}
	t.Run("nothing was written", func(t *testing.T) {
		r := readRun(t, s, run.ID)
		if r.Status != store.StatusRunning || len(r.Params) != 0 || len(r.Tags) != 0 {
			t.Fatalf("run changed: %+v", r)
		}
		// Project, its default policy, experiment, run, dataset and its
		// one version.
		if n := countProjectNodes(t, key); n != 6 {
			t.Fatalf("project has %d nodes, want 6", n)
		}
		// And the events of creating them, no more.
		if n := countProjectEvents(t, key); n != 5 {
			t.Fatalf("project has %d events, want 5", n)
		}
		if n := neo4jtest.Count(t, `MATCH (:Run {id: $id})-[e]-() WHERE type(e) <> 'HAS_RUN' RETURN count(e) AS n`, map[string]any{"id": run.ID}); n != 0 {
			t.Fatalf("run has %d edges besides its experiment's", n)
		}
	})
}

// Namespace and name share one uniqueness index, whose entries Neo4j caps
// at about 8 kB: both at their own maximum used to fail inside Neo4j (an
// internal error) instead of naming the field.
func TestDatasetIdentityOverIndexLimitIsInvalid(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "dsid")
	cases := []struct{ ns, name int }{
		{store.MaxURILen, store.MaxURILen},
		{store.MaxURILen, store.MaxDatasetIdentityLen - store.MaxURILen + 1},
	}
	for _, c := range cases {
		t.Run(strconv.Itoa(c.ns)+"+"+strconv.Itoa(c.name), func(t *testing.T) {
			_, err := s.RegisterDataset(t.Context(), actor, store.RegisterDatasetInput{ProjectKey: key,
				Namespace: strings.Repeat("n", c.ns), Name: strings.Repeat("x", c.name)})
			wantInvalidField(t, err, "name")
			if n, e := countProjectNodes(t, key), countProjectEvents(t, key); n != 2 || e != 1 {
				t.Fatalf("project has %d nodes and %d events, want only itself, its default policy and its creation", n, e)
			}
		})
	}
}

// TestCursorsBelongToTheirList: a cursor handed to another list (or the
// same list in another order) is rejected, never a silent restart.
func TestCursorsBelongToTheirList(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "cursor")
	e := newExperiment(t, s, key)
	if _, err := s.CreateExperiment(t.Context(), actor, store.CreateExperimentInput{ProjectKey: key, Name: "second"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		if _, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: e.ID, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	exps, err := s.Experiments(t.Context(), key, store.ExperimentFilter{}, store.Page{First: 1})
	if err != nil || !exps.HasNext {
		t.Fatalf("first page: %+v, %v", exps, err)
	}
	expCursor := exps.EndCursor()
	if next, err := s.Experiments(t.Context(), key, store.ExperimentFilter{}, store.Page{First: 1, After: expCursor}); err != nil || len(next.Items) != 1 || next.HasNext {
		t.Fatalf("the cursor must work on its own list: %+v, %v", next, err)
	}
	byStart := store.RunOrder{Field: store.RunOrderStartedAt, Desc: true}
	runs, err := s.RunLists(t.Context(), []store.RunListKey{store.NewRunListKey(e.ID, store.RunFilter{}, byStart, store.Page{First: 1})})
	if err != nil {
		t.Fatal(err)
	}
	runCursor := runs[0].EndCursor()
	cases := []struct {
		name string
		call func() error
	}{
		{"experiments cursor on projects", func() error {
			_, err := s.Projects(t.Context(), store.Scope{All: true}, store.NameFilter{}, store.Page{First: 1, After: expCursor})
			return err
		}},
		{"experiments cursor on datasets", func() error {
			_, err := s.Datasets(t.Context(), key, store.NameFilter{}, store.Page{First: 1, After: expCursor})
			return err
		}},
		{"started-at cursor on the name order", func() error {
			_, err := s.RunLists(t.Context(), []store.RunListKey{store.NewRunListKey(e.ID, store.RunFilter{},
				store.RunOrder{Field: store.RunOrderName}, store.Page{First: 1, After: runCursor})})
			return err
		}},
		{"garbage", func() error {
			_, err := s.Experiments(t.Context(), key, store.ExperimentFilter{}, store.Page{First: 1, After: "not-a-cursor"})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "after") {
				t.Fatalf("want errs.Invalid naming after, got %v", err)
			}
		})
	}
}
