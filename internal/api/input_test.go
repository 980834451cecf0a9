package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// inputFixture is a project with a running run (param lr=0.1), a finished
// run and a registered dataset version.
type inputFixture struct {
	*fixture
	finished string
}

func newInputFixture(t *testing.T, st *store.Store) *inputFixture {
	t.Helper()
	ctx := ctxT(t)
	f := &inputFixture{fixture: newFixture(t, st)}
	must(st.LogParams(ctx, f.run, []store.KeyValue{{Key: "lr", Value: "0.1"}})).of(t)
	must(st.LogMetrics(ctx, f.run, []store.MetricPoint{{Key: "auc", Value: 0.5, Step: 0}})).of(t)
	f.finished = f.freshRun(t, st)
	must(st.UpdateRunStatus(ctx, "alice", f.finished, store.StatusFinished)).of(t)
	return f
}

func unknown(prefix string) string { return prefix + uuid.Must(uuid.NewV7()).String() }

// TestBadInputChangesNothing sends malformed, unknown, conflicting and
// out-of-bounds input; each gets its code, a message naming the field, and
// (for writes) leaves the project exactly as it was.
func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	f := newInputFixture(t, h.st)
	tok := token(t, "writer", map[string]auth.Role{f.key: auth.RoleAdmin, f.newKey: auth.RoleAdmin, "bad key": auth.RoleAdmin})
	long := strings.Repeat("n", store.MaxNameLen+1)

	tests := []struct {
		name     string
		op       string
		vars     map[string]any
		code     string   // "" means success
		mentions []string // the message names these (the bad field)
		// noQueries: rejected before any database round-trip.
		noQueries bool
		data      string // exact data on success, when set
	}{
		// ---------------------------------------------------- IDs
		{name: "node: malformed id", op: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": "not-an-id"},
			code: "BAD_USER_INPUT", mentions: []string{"id", "not-an-id"}, noQueries: true},
		{name: "node: prefix with a broken uuid", op: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": "run_1234"},
			code: "BAD_USER_INPUT", mentions: []string{"id"}, noQueries: true},
		{name: "node: unknown well-formed id is null", op: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": unknown("run_")},
			data: `{"node":null}`},
		{name: "runs: malformed experimentId", op: `query($id: ID!) { runs(experimentId: $id) { totalCount } }`, vars: map[string]any{"id": "exp_x"},
			code: "BAD_USER_INPUT", mentions: []string{"experimentId"}, noQueries: true},
		{name: "runs: a run ID as experimentId", op: `query($id: ID!) { runs(experimentId: $id) { totalCount } }`, vars: map[string]any{"id": f.run},
			code: "BAD_USER_INPUT", mentions: []string{"experimentId"}, noQueries: true},
		{name: "runs: unknown experimentId", op: `query($id: ID!) { runs(experimentId: $id) { totalCount } }`, vars: map[string]any{"id": unknown("exp_")},
			code: "NOT_FOUND", mentions: []string{"experimentId"}},
		{name: "lineage: a project is not a lineage node", op: `query($id: ID!) { lineage(id: $id) { root } }`, vars: map[string]any{"id": unknown("prj_")},
			code: "BAD_USER_INPUT", mentions: []string{"id"}, noQueries: true},
		{name: "lineage: kinds names a kind without lineage", op: `query($id: ID!) { lineage(id: $id, kinds: [PROJECT]) { root } }`, vars: map[string]any{"id": f.dsv},
			code: "BAD_USER_INPUT", mentions: []string{"kinds", "PROJECT"}, noQueries: true},
		{name: "lineage: depth above the maximum", op: `query($id: ID!) { lineage(id: $id, depth: 51) { root } }`, vars: map[string]any{"id": f.dsv},
			code: "BAD_USER_INPUT", mentions: []string{"depth", "50"}, noQueries: true},
		{name: "lineagePath: a dataset is not a path end", op: `query($a: ID!, $b: ID!) { lineagePath(from: $a, to: $b) { root } }`, vars: map[string]any{"a": f.dsv, "b": f.exp},
			code: "BAD_USER_INPUT", mentions: []string{"to"}, noQueries: true},
		{name: "lineage: unknown dataset version", op: `query($id: ID!) { lineage(id: $id) { root } }`, vars: map[string]any{"id": unknown("dsv_")},
			code: "NOT_FOUND"},
		{name: "lineagePath: malformed to", op: `query($a: ID!) { lineagePath(from: $a, to: "dsv_nope") { root } }`, vars: map[string]any{"a": f.dsv},
			code: "BAD_USER_INPUT", mentions: []string{"to"}, noQueries: true},
		// ---------------------------------------------------- bounds
		{name: "lineage: depth over the maximum", op: `query($id: ID!) { lineage(id: $id, depth: 51) { root } }`, vars: map[string]any{"id": f.dsv},
			code: "BAD_USER_INPUT", mentions: []string{"depth", "50"}, noQueries: true},
		{name: "lineage: maxNodes over the maximum", op: `query($id: ID!) { lineage(id: $id, maxNodes: 5001) { root } }`, vars: map[string]any{"id": f.dsv},
			code: "BAD_USER_INPUT", mentions: []string{"maxNodes"}, noQueries: true},
		{name: "impact: depth over the maximum", op: `query($id: ID!) { impact(id: $id, depth: 51) { root } }`, vars: map[string]any{"id": f.dsv},
			code: "BAD_USER_INPUT", mentions: []string{"depth"}, noQueries: true},
		{name: "experiments: first over 100", op: `query($k: String!) { experiments(projectKey: $k, first: 101) { totalCount } }`, vars: map[string]any{"k": f.key},
			code: "BAD_USER_INPUT", mentions: []string{"first", "100"}, noQueries: true},
		{name: "experiments: a forged cursor", op: `query($k: String!) { experiments(projectKey: $k, after: "not-a-cursor") { totalCount } }`, vars: map[string]any{"k": f.key},
			code: "BAD_USER_INPUT", mentions: []string{"after"}, noQueries: true},
		// ---------------------------------------------------- writes
		{name: "startRun: malformed experimentId", op: `mutation($id: ID!) { startRun(input: {experimentId: $id}) { run { id } } }`, vars: map[string]any{"id": "exp_123"},
			code: "BAD_USER_INPUT", mentions: []string{"experimentId"}, noQueries: true},
		{name: "startRun: unknown experimentId", op: `mutation($id: ID!) { startRun(input: {experimentId: $id}) { run { id } } }`, vars: map[string]any{"id": unknown("exp_")},
			code: "NOT_FOUND", mentions: []string{"experimentId"}},
		{name: "startRun: starts FINISHED", op: `mutation($id: ID!) { startRun(input: {experimentId: $id, status: FINISHED}) { run { id } } }`, vars: map[string]any{"id": f.exp},
			code: "BAD_USER_INPUT", mentions: []string{"status"}},
		{name: "startRun: param value too long", op: `mutation($id: ID!, $v: String!) { startRun(input: {experimentId: $id, params: [{key: "k", value: $v}]}) { run { id } } }`,
			vars: map[string]any{"id": f.exp, "v": strings.Repeat("v", store.MaxParamValueLen+1)}, code: "BAD_USER_INPUT", mentions: []string{"params[0].value"}},
		{name: "startRun: duplicate param key", op: `mutation($id: ID!) { startRun(input: {experimentId: $id, params: [{key: "k", value: "1"}, {key: "k", value: "2"}]}) { run { id } } }`,
			vars: map[string]any{"id": f.exp}, code: "BAD_USER_INPUT", mentions: []string{"params", `"k"`}},
		{name: "logParams: unknown runId", op: `mutation($id: ID!) { logParams(input: {runId: $id, params: [{key: "a", value: "b"}]}) { run { id } } }`,
			vars: map[string]any{"id": unknown("run_")}, code: "NOT_FOUND", mentions: []string{"runId"}},
		{name: "addRunInputs: malformed version id", op: `mutation($run: ID!) { addRunInputs(input: {runId: $run, datasetVersionIds: ["dsv_bad"]}) { run { id } } }`,
			vars: map[string]any{"run": f.run}, code: "BAD_USER_INPUT", mentions: []string{"datasetVersionIds[0]"}},
		{name: "addRunInputs: unknown version id", op: `mutation($run: ID!, $a: ID!, $b: ID!) { addRunInputs(input: {runId: $run, datasetVersionIds: [$a, $b]}) { run { id } } }`,
			vars: map[string]any{"run": f.run, "a": f.dsv, "b": unknown("dsv_")}, code: "NOT_FOUND", mentions: []string{"datasetVersionIds[1]"}},
		{name: "addRunOutputs: nothing to add", op: `mutation($run: ID!) { addRunOutputs(input: {runId: $run}) { run { id } } }`,
			vars: map[string]any{"run": f.run}, code: "BAD_USER_INPUT", mentions: []string{"datasetVersionIds"}},
		{name: "registerDatasetVersion: digest too short", op: `mutation($ds: ID!) { registerDatasetVersion(input: {datasetId: $ds, version: "v9", uri: "s3://x", digest: "abc123"}) { created } }`,
			vars: map[string]any{"ds": f.ds}, code: "BAD_USER_INPUT", mentions: []string{"digest", "sha256"}},
		{name: "registerDatasetVersion: digest not hex", op: `mutation($ds: ID!, $d: String!) { registerDatasetVersion(input: {datasetId: $ds, version: "v9", uri: "s3://x", digest: $d}) { created } }`,
			vars: map[string]any{"ds": f.ds, "d": strings.Repeat("z", 64)}, code: "BAD_USER_INPUT", mentions: []string{"digest"}},
		{name: "registerDatasetVersion: md5 instead of sha256", op: `mutation($ds: ID!) { registerDatasetVersion(input: {datasetId: $ds, version: "v9", uri: "s3://x", digest: "d41d8cd98f00b204e9800998ecf8427e"}) { created } }`,
			vars: map[string]any{"ds": f.ds}, code: "BAD_USER_INPUT", mentions: []string{"digest"}},
		{name: "registerDatasetVersion: negative rowCount", op: `mutation($ds: ID!, $d: String!) { registerDatasetVersion(input: {datasetId: $ds, version: "v9", uri: "s3://x", digest: $d, rowCount: -1}) { created } }`,
			vars: map[string]any{"ds": f.ds, "d": sha("v9")}, code: "BAD_USER_INPUT", mentions: []string{"rowCount"}},
		{name: "registerDatasetVersion: v1 again with another digest", op: `mutation($ds: ID!, $d: String!) { registerDatasetVersion(input: {datasetId: $ds, version: "v1", uri: "s3://b/tbl/v1", digest: $d}) { created } }`,
			vars: map[string]any{"ds": f.ds, "d": sha("tampered")}, code: "CONFLICT", mentions: []string{"digest", "v1"}},
		{name: "registerDatasetVersion: v1 again with another uri", op: `mutation($ds: ID!, $d: String!) { registerDatasetVersion(input: {datasetId: $ds, version: "v1", uri: "s3://elsewhere", digest: $d}) { created } }`,
			vars: map[string]any{"ds": f.ds, "d": sha(f.key)}, code: "CONFLICT", mentions: []string{"uri"}},
		{name: "registerDatasetVersion: v1 again, identical, is a no-op", op: `mutation($ds: ID!, $d: String!) { registerDatasetVersion(input: {datasetId: $ds, version: "v1", uri: "s3://b/tbl/v1", digest: $d}) { created datasetVersion { id } } }`,
			vars: map[string]any{"ds": f.ds, "d": "sha256:" + strings.ToUpper(sha(f.key))},
			data: `{"registerDatasetVersion":{"created":false,"datasetVersion":{"id":"` + f.dsv + `"}}}`},
		{name: "updateRunStatus: FINISHED back to RUNNING", op: `mutation($run: ID!) { updateRunStatus(input: {runId: $run, status: RUNNING}) { run { status } } }`,
			vars: map[string]any{"run": f.finished}, code: "CONFLICT", mentions: []string{"FINISHED", "RUNNING"}},
		{name: "updateRunStatus: RUNNING back to SCHEDULED", op: `mutation($run: ID!) { updateRunStatus(input: {runId: $run, status: SCHEDULED}) { run { status } } }`,
			vars: map[string]any{"run": f.run}, code: "CONFLICT", mentions: []string{"SCHEDULED"}},
		{name: "finishRun: FINISHED to FAILED", op: `mutation($run: ID!) { finishRun(input: {runId: $run, status: FAILED}) { run { status } } }`,
			vars: map[string]any{"run": f.finished}, code: "CONFLICT", mentions: []string{"FAILED"}},
		{name: "finishRun: to RUNNING", op: `mutation($run: ID!) { finishRun(input: {runId: $run, status: RUNNING}) { run { status } } }`,
			vars: map[string]any{"run": f.run}, code: "BAD_USER_INPUT", mentions: []string{"status"}},
		{name: "finishRun: the status it has is a no-op", op: `mutation($run: ID!) { finishRun(input: {runId: $run}) { run { status } } }`,
			vars: map[string]any{"run": f.finished}, data: `{"finishRun":{"run":{"status":"FINISHED"}}}`},
		{name: "logParams: changing a logged param", op: `mutation($run: ID!) { logParams(input: {runId: $run, params: [{key: "new", value: "1"}, {key: "lr", value: "0.2"}]}) { run { id } } }`,
			vars: map[string]any{"run": f.run}, code: "CONFLICT", mentions: []string{"lr", "0.1"}},
		{name: "logParams: the same value is a no-op", op: `mutation($run: ID!) { logParams(input: {runId: $run, params: [{key: "lr", value: "0.1"}]}) { run { params { key value } } } }`,
			vars: map[string]any{"run": f.run}, data: `{"logParams":{"run":{"params":[{"key":"lr","value":"0.1"}]}}}`},
		{name: "logParams: on a finished run", op: `mutation($run: ID!) { logParams(input: {runId: $run, params: [{key: "x", value: "1"}]}) { run { id } } }`,
			vars: map[string]any{"run": f.finished}, code: "CONFLICT", mentions: []string{"FINISHED"}},
		{name: "logMetrics: on a finished run", op: `mutation($run: ID!) { logMetrics(input: {runId: $run, points: [{key: "auc", value: 1}]}) { accepted } }`,
			vars: map[string]any{"run": f.finished}, code: "CONFLICT", mentions: []string{"FINISHED"}},
		{name: "setRunTags: control character in a key", op: `mutation($run: ID!, $k: String!) { setRunTags(input: {runId: $run, tags: [{key: $k, value: "v"}]}) { run { id } } }`,
			vars: map[string]any{"run": f.run, "k": "a\x00b"}, code: "BAD_USER_INPUT", mentions: []string{"tags[0].key"}},
		{name: "createExperiment: name over the limit", op: `mutation($k: String!, $n: String!) { createExperiment(input: {projectKey: $k, name: $n}) { experiment { id } } }`,
			vars: map[string]any{"k": f.key, "n": long}, code: "BAD_USER_INPUT", mentions: []string{"name", "250"}},
		{name: "createExperiment: blank name", op: `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "   "}) { experiment { id } } }`,
			vars: map[string]any{"k": f.key}, code: "BAD_USER_INPUT", mentions: []string{"name"}},
		{name: "createExperiment: a name taken", op: `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "exp"}) { experiment { id } } }`,
			vars: map[string]any{"k": f.key}, code: "CONFLICT", mentions: []string{"exp"}},
		{name: "registerDataset: empty namespace", op: `mutation($k: String!) { registerDataset(input: {projectKey: $k, namespace: "", name: "t"}) { dataset { id } } }`,
			vars: map[string]any{"k": f.key}, code: "BAD_USER_INPUT", mentions: []string{"namespace"}},
		{name: "registerModelVersion: model name over the limit", op: `mutation($k: String!, $n: String!) { registerModelVersion(input: {projectKey: $k, modelName: $n, uri: "s3://m"}) { modelVersion { id } } }`,
			vars: map[string]any{"k": f.key, "n": long}, code: "BAD_USER_INPUT", mentions: []string{"modelName"}},
		{name: "createProject: malformed key", op: `mutation { createProject(input: {key: "bad key", name: "x"}) { project { id } } }`,
			code: "BAD_USER_INPUT", mentions: []string{"key"}},
		{name: "createProject: name over the limit", op: `mutation($k: String!, $n: String!) { createProject(input: {key: $k, name: $n}) { project { id } } }`,
			vars: map[string]any{"k": f.newKey, "n": long}, code: "BAD_USER_INPUT", mentions: []string{"name"}},
		{name: "createProject: a key taken", op: `mutation($k: String!) { createProject(input: {key: $k, name: "again"}) { project { id } } }`,
			vars: map[string]any{"k": f.key}, code: "CONFLICT", mentions: []string{f.key}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, f.key)
			res := h.gql(t, tok, tc.op, tc.vars)
			if tc.code == "" {
				res.ok(t, nil)
				if tc.data != "" && string(res.Data) != tc.data {
					t.Errorf("want %s, got %s", tc.data, res.Data)
				}
			} else {
				res.fails(t, tc.code, tc.mentions...)
				assertNullData(t, res)
			}
			if tc.noQueries {
				if n := h.lastQueryCount(t); n != 0 {
					t.Errorf("rejected input still cost %d Cypher statements", n)
				}
			}
			if tc.code == "" {
				// An accepted no-op adds nothing. (It may bump the run's
				// lock revision: the store locks a run by writing to it.)
				if after := stateOf(t, f.key); after.Nodes != before.Nodes || after.Rels != before.Rels || after.Events != before.Events {
					t.Errorf("a no-op added nodes or edges: %+v → %+v", before, after)
				}
			} else {
				unchanged(t, f.key, before)
			}
			if n := neo4jtest.Count(t, `MATCH (p:Project {key: $k}) RETURN count(p) AS n`, map[string]any{"k": f.newKey}); n != 0 {
				t.Errorf("project %s was created", f.newKey)
			}
		})
	}
}

// TestNonFiniteMetricsAreRejected: JSON cannot carry NaN or ±Inf, so
// clients try strings; they are BAD_USER_INPUT, and the whole batch
// (including its valid points) is not written.
func TestNonFiniteMetricsAreRejected(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	f := newInputFixture(t, h.st)
	tok := token(t, "writer", map[string]auth.Role{f.key: auth.RoleContributor})
	const op = `mutation($run: ID!, $points: [MetricPointInput!]!) { logMetrics(input: {runId: $run, points: $points}) { accepted } }`
	tests := []struct {
		name     string
		value    any
		mentions []string
	}{
		{"NaN as a string", "NaN", []string{"points[1].value"}},
		{"Infinity as a string", "Infinity", []string{"points[1].value"}},
		{"-Infinity as a string", "-Infinity", []string{"points[1].value"}},
		{"+Inf as a string", "+Inf", []string{"points[1].value"}},
		{"a number beyond float64", json.Number("1e400"), []string{"points[1].value"}},
		{"not a number", "twelve", []string{"points[1].value"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, f.key)
			points := []any{
				map[string]any{"key": "loss", "value": 0.25, "step": 1},
				map[string]any{"key": "loss", "value": tc.value, "step": 2},
			}
			res := h.gql(t, tok, op, map[string]any{"run": f.run, "points": points})
			res.fails(t, "BAD_USER_INPUT", tc.mentions...)
			assertNullData(t, res)
			unchanged(t, f.key, before)
			if n := neo4jtest.Count(t, `MATCH (m:Metric {runId: $run, key: "loss"}) RETURN count(m) AS n`, map[string]any{"run": f.run}); n != 0 {
				t.Errorf("the valid point of a rejected batch was written")
			}
		})
	}
	t.Run("a finite value is accepted", func(t *testing.T) {
		res := h.gql(t, tok, op, map[string]any{"run": f.run, "points": []any{map[string]any{"key": "auc", "value": "0.75", "step": 3}}})
		res.ok(t, nil)
		if string(res.Data) != `{"logMetrics":{"accepted":1}}` {
			t.Errorf("got %s", res.Data)
		}
	})
}

// TestNamesAreStoredVerbatim: quotes, backticks and Cypher in names are
// data, stored and returned exactly, and they touch nothing else.
func TestNamesAreStoredVerbatim(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	f := newFixture(t, h.st)
	bystander := newFixture(t, h.st)
	tok := token(t, "writer", map[string]auth.Role{f.key: auth.RoleContributor})
	names := []string{
		`Robert'); MATCH (n) DETACH DELETE n; //`,
		"`Run` \"double\" 'single' \\ {curly} $param",
		`x"}) RETURN 1 AS a UNION MATCH (n) SET n.projectKey = 'pwned' RETURN 1 AS a //`,
		"名前 — ✓ 🚀\ttab",
	}
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			beforeF, beforeB := stateOf(t, f.key), stateOf(t, bystander.key)
			ex := h.gql(t, tok, `mutation($k: String!, $n: String!) { createExperiment(input: {projectKey: $k, name: $n, description: $n}) { experiment { id name description } } }`,
				map[string]any{"k": f.key, "n": name})
			var e struct {
				CreateExperiment struct {
					Experiment struct{ ID, Name, Description string }
				}
			}
			ex.ok(t, &e)
			ds := h.gql(t, tok, `mutation($k: String!, $n: String!) { registerDataset(input: {projectKey: $k, namespace: $n, name: $n}) { dataset { id } } }`,
				map[string]any{"k": f.key, "n": name})
			var d struct {
				RegisterDataset struct{ Dataset struct{ ID string } }
			}
			ds.ok(t, &d)
			run := h.gql(t, tok, `mutation($e: ID!, $n: String!) { startRun(input: {experimentId: $e, name: $n, params: [{key: $n, value: $n}], tags: [{key: $n, value: $n}]}) { run { id } } }`,
				map[string]any{"e": e.CreateExperiment.Experiment.ID, "n": name})
			var r struct {
				StartRun struct{ Run struct{ ID string } }
			}
			run.ok(t, &r)

			// Read everything back through node(id).
			back := h.gql(t, tok, `query($e: ID!, $d: ID!, $r: ID!) {
				e: node(id: $e) { ... on Experiment { name description } }
				d: node(id: $d) { ... on Dataset { namespace name } }
				r: node(id: $r) { ... on Run { name params { key value } tags { key value } } } }`,
				map[string]any{"e": e.CreateExperiment.Experiment.ID, "d": d.RegisterDataset.Dataset.ID, "r": r.StartRun.Run.ID})
			var got struct {
				E struct{ Name, Description string }
				D struct{ Namespace, Name string }
				R struct {
					Name   string
					Params []struct{ Key, Value string }
					Tags   []struct{ Key, Value string }
				}
			}
			back.ok(t, &got)
			for field, v := range map[string]string{"experiment.name": got.E.Name, "experiment.description": got.E.Description,
				"dataset.namespace": got.D.Namespace, "dataset.name": got.D.Name, "run.name": got.R.Name} {
				if v != name {
					t.Errorf("%s: stored %q, want %q", field, v, name)
				}
			}
			if len(got.R.Params) != 1 || got.R.Params[0].Key != name || got.R.Params[0].Value != name ||
				len(got.R.Tags) != 1 || got.R.Tags[0].Key != name || got.R.Tags[0].Value != name {
				t.Errorf("params/tags not verbatim: %s", back.Raw)
			}
			// Exactly three nodes more here (experiment, dataset, run) and
			// nothing changed next door.
			after := stateOf(t, f.key)
			if after.Nodes != beforeF.Nodes+3 {
				t.Errorf("want 3 new nodes, got %d", after.Nodes-beforeF.Nodes)
			}
			unchanged(t, bystander.key, beforeB)
			if n := neo4jtest.Count(t, `MATCH (n) WHERE n.projectKey = 'pwned' RETURN count(n) AS n`, nil); n != 0 {
				t.Errorf("case %d: a name was executed as Cypher", i)
			}
		})
	}
}

// TestBodyOverTheLimitIs413: an oversized body is refused before parsing,
// whether its length is declared or streamed, and nothing is written.
func TestBodyOverTheLimitIs413(t *testing.T) {
	t.Parallel()
	const limit = 16 << 10
	h := newHub(t, func(o *api.Options) { o.MaxBodyBytes = limit })
	f := newFixture(t, h.st)
	tok := token(t, "writer", map[string]auth.Role{f.key: auth.RoleContributor})
	// A valid write padded with an undeclared variable, which GraphQL
	// ignores: only the size limit stands between it and the database.
	body := func(padLen int) []byte {
		b, err := json.Marshal(map[string]any{
			"query":     `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "big"}) { experiment { id } } }`,
			"variables": map[string]any{"k": f.key, "pad": strings.Repeat("x", padLen)},
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		body    io.Reader
		status  int
		created int64
	}{
		{"declared length over the limit", bytes.NewReader(body(limit)), http.StatusRequestEntityTooLarge, 0},
		// A reader of unknown length is sent chunked, without Content-Length.
		{"streamed body over the limit", io.MultiReader(bytes.NewReader(body(limit))), http.StatusRequestEntityTooLarge, 0},
		{"far over the limit", io.MultiReader(bytes.NewReader(body(50 * limit))), http.StatusRequestEntityTooLarge, 0},
		{"under the limit", bytes.NewReader(body(limit - 1024)), http.StatusOK, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, f.key)
			res := h.post(t, tok, tc.body)
			if res.Status != tc.status {
				t.Fatalf("want HTTP %d, got %d: %.300s", tc.status, res.Status, res.Raw)
			}
			after := stateOf(t, f.key)
			if tc.status != http.StatusOK {
				res.fails(t, "BAD_USER_INPUT", "limit")
				if after != before {
					t.Errorf("an oversized body changed the project: %+v → %+v", before, after)
				}
				if n := h.lastQueryCount(t); n != 0 {
					t.Errorf("an oversized body cost %d Cypher statements", n)
				}
				return
			}
			res.ok(t, nil)
			if after.Nodes != before.Nodes+tc.created {
				t.Errorf("want %d node created, got %d", tc.created, after.Nodes-before.Nodes)
			}
		})
	}
}

// TestComplexityLimit: a query whose cost is over the limit is refused as
// BAD_USER_INPUT (the gqlgen code kept in extensions.detail) before any of
// it runs.
func TestComplexityLimit(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil) // api.DefaultComplexityLimit
	f := newFixture(t, h.st)
	tok := token(t, "writer", map[string]auth.Role{f.key: auth.RoleContributor})
	tests := []struct {
		name string
		op   string
	}{
		{"a query three pages deep", `query($k: String!) { experiments(projectKey: $k, first: 100) { edges { node { runs(first: 100) { edges { node {
			id name status inputs { id } outputs { id } } } } } } } }`},
		{"projects × experiments × runs", `{ projects(first: 100) { edges { node { experiments(first: 100) { edges { node { runs(first: 100) { totalCount } } } } } } } }`},
		{"eleven aliased impact walks", aliased(11, fmt.Sprintf("impact(id: %q) { totalAffected }", f.dsv))},
		{"eleven lineage walks of 5,000 nodes", aliased(11, fmt.Sprintf("lineage(id: %q, maxNodes: 5000) { root }", f.dsv))},
		{"a mutation whose payload is too deep", `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "too-complex"}) { experiment {
			runs(first: 100) { edges { node { experiment { runs(first: 100) { edges { node { id name status inputs { id } } } } } } } } } } }`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, f.key)
			res := h.gql(t, tok, tc.op, map[string]any{"k": f.key})
			res.fails(t, "BAD_USER_INPUT", "complexity")
			if d := res.Errors[0].Extensions["detail"]; d != "COMPLEXITY_LIMIT_EXCEEDED" {
				t.Errorf("want extensions.detail COMPLEXITY_LIMIT_EXCEEDED, got %v", d)
			}
			if len(res.Data) != 0 && string(res.Data) != "null" {
				t.Errorf("a refused operation returned data: %s", res.Data)
			}
			if n := h.lastQueryCount(t); n != 0 {
				t.Errorf("a refused operation ran %d Cypher statements", n)
			}
			unchanged(t, f.key, before)
		})
	}
	t.Run("the documented page fits", func(t *testing.T) {
		res := h.gql(t, tok, `query($k: String!) { experiments(projectKey: $k, first: 100) { edges { node { id name runs(first: 20) {
			totalCount edges { node { id name status inputs { id version } } } } } } } }`, map[string]any{"k": f.key})
		res.ok(t, nil)
	})
}

// aliased repeats field n times under aliases in one query (that also
// declares $k, which the test passes).
func aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("query($k: String!) { p: project(key: $k) { key }")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

// getStatus fetches path and returns the status code and body.
func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
