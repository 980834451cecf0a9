package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/demo"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// fixture is one project with one of everything, written through the store.
type fixture struct {
	key    string // the project
	newKey string // a key nobody has created yet, for createProject
	exp    string
	ds     string
	dsv    string
	run    string
	mv     string
}

const owner = "fixture-owner"

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	ctx := ctxT(t)
	f := &fixture{key: neo4jtest.Key(t, "acc"), newKey: neo4jtest.Key(t, "new")}
	must(st.CreateProject(ctx, owner, store.CreateProjectInput{Key: f.key, Name: "Access " + f.key})).of(t)
	f.exp = must(st.CreateExperiment(ctx, owner, store.CreateExperimentInput{ProjectKey: f.key, Name: "exp"})).of(t).ID
	f.ds = must(st.RegisterDataset(ctx, owner, store.RegisterDatasetInput{ProjectKey: f.key, Namespace: "s3://b", Name: "tbl"})).of(t).ID
	v, _, err := st.RegisterDatasetVersion(ctx, owner, store.RegisterDatasetVersionInput{DatasetID: f.ds, Version: "v1", URI: "s3://b/tbl/v1", Digest: sha(f.key)})
	f.dsv = must(v, err).of(t).ID
	f.run = f.freshRun(t, st)
	must(st.AddRunInputs(ctx, "alice", f.run, []string{f.dsv})).of(t)
	f.mv = must(st.RegisterModelVersion(ctx, owner, store.RegisterModelVersionInput{ProjectKey: f.key, ModelName: "m", RunID: f.run, URI: "s3://m/1"})).of(t).ID
	return f
}

// freshRun starts a RUNNING run, so every mutation case has its own.
func (f *fixture) freshRun(t *testing.T, st *store.Store) string {
	t.Helper()
	return must(st.StartRun(ctxT(t), owner, store.StartRunInput{ExperimentID: f.exp})).of(t).ID
}

// hidden is what a caller without a role in the project gets: queries by
// key are FORBIDDEN, objects addressed by ID are simply not there.
type hidden string

const (
	hiddenForbidden hidden = "FORBIDDEN"
	hiddenNotFound  hidden = "NOT_FOUND"
	hiddenNull      hidden = "null"   // the field is null
	hiddenAbsent    hidden = "absent" // the list does not contain it
	hiddenNone      hidden = ""       // needs no role at all
)

type accessCase struct {
	name string
	min  auth.Role // the role the operation needs in the fixture project
	// vars returns the operation's variables; it may create what the case
	// consumes (a fresh run) through the store.
	vars func(t *testing.T, st *store.Store, f *fixture) map[string]any
	op   string
	// hidden is the answer to a caller with no role.
	hidden hidden
	// check inspects a successful answer.
	check func(t *testing.T, f *fixture, data json.RawMessage)
}

func has(t *testing.T, data json.RawMessage, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(string(data), w) {
			t.Errorf("data does not contain %q: %s", w, data)
		}
	}
}

func accessCases() []accessCase {
	plain := func(t *testing.T, st *store.Store, f *fixture) map[string]any { return map[string]any{} }
	run := func(extra map[string]any) func(t *testing.T, st *store.Store, f *fixture) map[string]any {
		return func(t *testing.T, st *store.Store, f *fixture) map[string]any {
			v := map[string]any{"run": f.freshRun(t, st)}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
	}
	return []accessCase{
		// ------------------------------------------------ queries
		{name: "query node", min: auth.RoleViewer, vars: plain, hidden: hiddenNull,
			op:    `query($run: ID!) { node(id: $run) { id ... on Run { projectKey } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.run, f.key) }},
		{name: "query me", min: auth.RoleNone, vars: plain, hidden: hiddenNone,
			op:    `{ me { subject grants { projectKey role } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"subject":"caller"`) }},
		{name: "query projects", min: auth.RoleViewer, vars: plain, hidden: hiddenAbsent,
			op:    `{ projects(first: 100) { totalCount edges { node { key myRole } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"totalCount":`) }},
		{name: "query project", min: auth.RoleViewer, vars: plain, hidden: hiddenNull,
			op:    `query($key: String!) { project(key: $key) { key myRole } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.key) }},
		{name: "query experiments", min: auth.RoleViewer, vars: plain, hidden: hiddenForbidden,
			op:    `query($key: String!) { experiments(projectKey: $key) { totalCount edges { node { id } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.exp) }},
		{name: "query runs", min: auth.RoleViewer, vars: plain, hidden: hiddenNotFound,
			op:    `query($exp: ID!) { runs(experimentId: $exp) { totalCount edges { node { id } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.run) }},
		{name: "query datasets", min: auth.RoleViewer, vars: plain, hidden: hiddenForbidden,
			op:    `query($key: String!) { datasets(projectKey: $key) { edges { node { id versions { edges { node { id } } } } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.ds, f.dsv) }},
		{name: "query models", min: auth.RoleViewer, vars: plain, hidden: hiddenForbidden,
			op:    `query($key: String!) { models(projectKey: $key) { edges { node { id versions { edges { node { id } } } } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.mv) }},
		{name: "query lineage", min: auth.RoleViewer, vars: plain, hidden: hiddenNotFound,
			op:    `query($dsv: ID!) { lineage(id: $dsv, direction: DOWNSTREAM) { nodes { id } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.dsv, f.run, f.mv) }},
		{name: "query impact", min: auth.RoleViewer, vars: plain, hidden: hiddenNotFound,
			op:    `query($dsv: ID!) { impact(id: $dsv) { totalAffected modelVersions { id } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.mv, `"totalAffected":2`) }},
		{name: "query lineagePath", min: auth.RoleViewer, vars: plain, hidden: hiddenNotFound,
			op:    `query($dsv: ID!, $mv: ID!) { lineagePath(from: $dsv, to: $mv) { nodes { id } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.dsv, f.run, f.mv) }},

		// ------------------------------------------------ mutations
		{name: "mutation createProject", min: auth.RoleAdmin, vars: plain, hidden: hiddenForbidden,
			op:    `mutation($newKey: String!) { createProject(input: {key: $newKey, name: "New"}) { project { key myRole } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.newKey, `"myRole":"ADMIN"`) }},
		{name: "mutation createExperiment", min: auth.RoleContributor, vars: plain, hidden: hiddenForbidden,
			op:    `mutation($key: String!) { createExperiment(input: {projectKey: $key, name: "made-by-caller"}) { experiment { projectKey name createdBy } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"createdBy":"caller"`) }},
		{name: "mutation startRun", min: auth.RoleContributor, vars: plain, hidden: hiddenNotFound,
			op: `mutation($exp: ID!) { startRun(input: {experimentId: $exp, name: "r"}) { run { status createdBy } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) {
				has(t, d, `"status":"RUNNING"`, `"createdBy":"caller"`)
			}},
		{name: "mutation logMetrics", min: auth.RoleContributor, vars: run(nil), hidden: hiddenNotFound,
			op:    `mutation($run: ID!) { logMetrics(input: {runId: $run, points: [{key: "auc", value: 0.5, step: 1}]}) { accepted } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"accepted":1`) }},
		{name: "mutation logParams", min: auth.RoleContributor, vars: run(nil), hidden: hiddenNotFound,
			op:    `mutation($run: ID!) { logParams(input: {runId: $run, params: [{key: "lr", value: "0.1"}]}) { run { params { key value } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"key":"lr"`) }},
		{name: "mutation setRunTags", min: auth.RoleContributor, vars: run(nil), hidden: hiddenNotFound,
			op:    `mutation($run: ID!) { setRunTags(input: {runId: $run, tags: [{key: "team", value: "x"}]}) { run { tags { key } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"key":"team"`) }},
		{name: "mutation updateRunStatus", min: auth.RoleContributor, vars: run(nil), hidden: hiddenNotFound,
			op:    `mutation($run: ID!) { updateRunStatus(input: {runId: $run, status: FAILED}) { run { status } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"status":"FAILED"`) }},
		{name: "mutation finishRun", min: auth.RoleContributor, vars: run(nil), hidden: hiddenNotFound,
			op:    `mutation($run: ID!) { finishRun(input: {runId: $run}) { run { status endedAt } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"status":"FINISHED"`) }},
		{name: "mutation registerDataset", min: auth.RoleContributor, vars: plain, hidden: hiddenForbidden,
			op:    `mutation($key: String!) { registerDataset(input: {projectKey: $key, namespace: "s3://c", name: "made"}) { dataset { id projectKey } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"id":"ds_`) }},
		{name: "mutation registerDatasetVersion", min: auth.RoleContributor, vars: plain, hidden: hiddenNotFound,
			op: `mutation($ds: ID!, $digest: String!) { registerDatasetVersion(input: {datasetId: $ds, version: "v2", uri: "s3://b/tbl/v2", digest: $digest}) {
				created datasetVersion { id } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"created":true`) }},
		{name: "mutation addRunInputs", min: auth.RoleContributor, vars: run(nil), hidden: hiddenNotFound,
			op:    `mutation($run: ID!, $dsv: ID!) { addRunInputs(input: {runId: $run, datasetVersionIds: [$dsv]}) { run { inputs { id } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.dsv) }},
		{name: "mutation addRunOutputs", min: auth.RoleContributor, vars: run(nil), hidden: hiddenNotFound,
			op:    `mutation($run: ID!, $dsv: ID!) { addRunOutputs(input: {runId: $run, datasetVersionIds: [$dsv]}) { run { outputs { id } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.dsv) }},
		{name: "mutation registerModelVersion", min: auth.RoleContributor, vars: plain, hidden: hiddenForbidden,
			op:    `mutation($key: String!) { registerModelVersion(input: {projectKey: $key, modelName: "m", uri: "s3://m/2"}) { modelVersion { version } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"version":2`) }},
	}
}

// TestAccessTable runs every query and mutation of the schema as a caller
// with each role (and with '*' grants) and checks the answer: allowed, or
// FORBIDDEN, or — for a caller with no role at all — the object simply is
// not there. A refused mutation writes nothing.
func TestAccessTable(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	roles := []struct {
		name  string
		star  bool
		role  auth.Role
		grant func(f *fixture) map[string]auth.Role
	}{
		{name: "none", role: auth.RoleNone},
		{name: "viewer", role: auth.RoleViewer},
		{name: "contributor", role: auth.RoleContributor},
		{name: "approver", role: auth.RoleApprover},
		{name: "admin", role: auth.RoleAdmin},
		{name: "star-viewer", star: true, role: auth.RoleViewer},
		{name: "star-contributor", star: true, role: auth.RoleContributor},
		{name: "star-admin", star: true, role: auth.RoleAdmin},
	}
	for _, r := range roles {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range accessCases() {
				t.Run(c.name, func(t *testing.T) {
					f := newFixture(t, h.st)
					// Every caller holds a role somewhere, so "none" is about
					// this project, not about an empty token.
					grants := map[string]auth.Role{neo4jtest.Key(t, "elsewhere"): auth.RoleAdmin}
					switch {
					case r.star:
						grants["*"] = r.role
					case r.role != auth.RoleNone:
						grants[f.key], grants[f.newKey] = r.role, r.role
					}
					vars := c.vars(t, h.st, f)
					for k, v := range map[string]any{"key": f.key, "newKey": f.newKey, "exp": f.exp, "ds": f.ds, "dsv": f.dsv,
						"mv": f.mv, "run": f.run, "digest": sha("v2-" + f.key)} {
						if _, set := vars[k]; !set && strings.Contains(c.op, "$"+k) {
							vars[k] = v
						}
					}
					before := stateOf(t, f.key)
					res := h.gql(t, token(t, "caller", grants), c.op, vars)

					if r.role >= c.min {
						if res.code() != "" || res.Status != 200 {
							t.Fatalf("role %s: want allowed, got %s", r.name, res.Raw)
						}
						c.check(t, f, res.Data)
						if c.name == "query projects" && !r.star {
							has(t, res.Data, f.key)
						}
						return
					}
					defer func() {
						if strings.HasPrefix(c.name, "mutation") {
							unchanged(t, f.key, before)
							if n := neo4jtest.Count(t, `MATCH (p:Project {key: $k}) RETURN count(p) AS n`, map[string]any{"k": f.newKey}); n != 0 {
								t.Errorf("a refused createProject created project %s", f.newKey)
							}
						}
					}()
					if r.role == auth.RoleViewer {
						// Mutations (and createProject, needing admin).
						res.fails(t, "FORBIDDEN", c.min.String())
						assertNullData(t, res)
						return
					}
					switch c.hidden {
					case hiddenForbidden:
						res.fails(t, "FORBIDDEN", c.min.String())
						assertNullData(t, res)
					case hiddenNotFound:
						res.fails(t, "NOT_FOUND")
						assertNullData(t, res)
					case hiddenNull:
						res.ok(t, nil)
						var d map[string]any
						res.ok(t, &d)
						for k, v := range d {
							if v != nil {
								t.Errorf("%s: want null, got %v", k, v)
							}
						}
					case hiddenAbsent:
						res.ok(t, nil)
						if strings.Contains(string(res.Raw), f.key) {
							t.Errorf("project %s is listed for a caller without a role in it: %s", f.key, res.Raw)
						}
					default:
						t.Fatalf("role %s on %s: no expectation", r.name, c.name)
					}
				})
			}
		})
	}
}

// TestCreateProjectNeedsAdminOfThatKey: admin of one project may not create
// another; admin of '*' may create any.
func TestCreateProjectNeedsAdminOfThatKey(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	existing := neo4jtest.Key(t, "mine")
	must(h.st.CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: existing, Name: "Mine"})).of(t)
	tests := []struct {
		name    string
		grants  func(newKey string) map[string]auth.Role
		allowed bool
	}{
		{"admin of another project", func(string) map[string]auth.Role { return map[string]auth.Role{existing: auth.RoleAdmin} }, false},
		{"contributor of that key", func(k string) map[string]auth.Role { return map[string]auth.Role{k: auth.RoleContributor} }, false},
		{"approver of that key", func(k string) map[string]auth.Role { return map[string]auth.Role{k: auth.RoleApprover} }, false},
		{"approver of star", func(string) map[string]auth.Role { return map[string]auth.Role{"*": auth.RoleApprover} }, false},
		{"admin of that key", func(k string) map[string]auth.Role { return map[string]auth.Role{k: auth.RoleAdmin} }, true},
		{"admin of star", func(string) map[string]auth.Role { return map[string]auth.Role{"*": auth.RoleAdmin} }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			key := neo4jtest.Key(t, "new")
			res := h.gql(t, token(t, "creator", tc.grants(key)),
				`mutation($k: String!) { createProject(input: {key: $k, name: "N"}) { project { key createdBy } } }`, map[string]any{"k": key})
			n := neo4jtest.Count(t, `MATCH (p:Project {key: $k}) RETURN count(p) AS n`, map[string]any{"k": key})
			if tc.allowed {
				res.ok(t, nil)
				has(t, res.Data, key, `"createdBy":"creator"`)
				if n != 1 {
					t.Errorf("want project %s stored once, found %d", key, n)
				}
				return
			}
			res.fails(t, "FORBIDDEN", "admin", key)
			if n != 0 {
				t.Errorf("a refused createProject stored project %s", key)
			}
		})
	}
}

// assertNullData checks that a refused operation answered no data: data
// is null, or (for a nullable root field) every root field is null.
func assertNullData(t *testing.T, res *gqlResponse) {
	t.Helper()
	if d := strings.TrimSpace(string(res.Data)); d == "" || d == "null" {
		return
	}
	var fields map[string]any
	if err := json.Unmarshal(res.Data, &fields); err != nil {
		t.Fatalf("decode data: %v", err)
	}
	for k, v := range fields {
		if v != nil {
			t.Errorf("a refused operation returned data for %s: %s", k, res.Data)
		}
	}
}

// isolation is the demo scenario with lineage that crosses between the two
// projects, seen by a caller who may read only project A (fraud).
type isolation struct {
	a, b     string
	sc       *demo.Scenario
	bridge   string // B's run: consumes A's features, produces A's "derived"
	derived  string // A's version downstream of B's run
	mixedRun string // A's run reading one A and one B version
	bIDs     []string
	bNames   []string
}

func newIsolation(t *testing.T, st *store.Store) *isolation {
	t.Helper()
	ctx := ctxT(t)
	iso := &isolation{a: neo4jtest.Key(t, "fraud"), b: neo4jtest.Key(t, "churn")}
	sc, err := demo.Seed(ctx, st, demo.Keys{Fraud: iso.a, Churn: iso.b}, time.Now())
	iso.sc = must(sc, err).of(t)
	// B's secret pipeline reads A's features and writes a version into A.
	bExp := must(st.CreateExperiment(ctx, "mallory-b", store.CreateExperimentInput{ProjectKey: iso.b, Name: "secret-bridge-experiment"})).of(t)
	iso.bridge = must(st.StartRun(ctx, "mallory-b", store.StartRunInput{ExperimentID: bExp.ID, Name: "secret-bridge-run"})).of(t).ID
	must(st.AddRunInputs(ctx, "alice", iso.bridge, []string{sc.FraudFeatures})).of(t)
	aDS := must(st.RegisterDataset(ctx, "alice", store.RegisterDatasetInput{ProjectKey: iso.a, Namespace: "s3://fraud-lake", Name: "derived/scores"})).of(t)
	v, _, err := st.RegisterDatasetVersion(ctx, "alice", store.RegisterDatasetVersionInput{DatasetID: aDS.ID, Version: "v1", URI: "s3://fraud-lake/derived/v1", Digest: sha("derived" + iso.a)})
	iso.derived = must(v, err).of(t).ID
	must(st.AddRunOutputs(ctx, "alice", iso.bridge, []string{iso.derived}, nil)).of(t)
	// One of A's runs also reads B's customers.
	aExp := must(st.CreateExperiment(ctx, "carol", store.CreateExperimentInput{ProjectKey: iso.a, Name: "mixed-inputs"})).of(t)
	iso.mixedRun = must(st.StartRun(ctx, "carol", store.StartRunInput{ExperimentID: aExp.ID, Name: "mixed"})).of(t).ID
	must(st.AddRunInputs(ctx, "alice", iso.mixedRun, []string{sc.FraudFeatures, sc.ChurnData})).of(t)

	// Everything of B that must never reach the A-only caller.
	res := must(neo4jQuery(t, `MATCH (n:Node) WHERE n.projectKey = $pk RETURN n.id AS id, coalesce(n.name, '') AS name, coalesce(n.displayName, '') AS dn`,
		map[string]any{"pk": iso.b})).of(t)
	for _, rec := range res {
		iso.bIDs = append(iso.bIDs, rec["id"].(string))
		for _, k := range []string{"name", "dn"} {
			if s := rec[k].(string); s != "" {
				iso.bNames = append(iso.bNames, s)
			}
		}
	}
	iso.bNames = append(iso.bNames, iso.b, "mallory-b", "dave")
	if len(iso.bIDs) < 8 {
		t.Fatalf("want the churn project's nodes, got %v", iso.bIDs)
	}
	return iso
}

// leaks fails the test when the raw response names anything of B.
func (iso *isolation) leaks(t *testing.T, raw []byte) {
	t.Helper()
	for _, s := range append(append([]string{}, iso.bIDs...), iso.bNames...) {
		if strings.Contains(string(raw), s) {
			t.Errorf("response leaks %q of the hidden project: %s", s, raw)
		}
	}
}

func TestIsolationAcrossProjects(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	iso := newIsolation(t, h.st)
	tok := token(t, "alice", map[string]auth.Role{iso.a: auth.RoleAdmin})

	t.Run("node of B is null", func(t *testing.T) {
		for _, id := range iso.bIDs {
			res := h.gql(t, tok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			res.ok(t, nil)
			if string(res.Data) != `{"node":null}` {
				t.Errorf("node(%s): want null, got %s", id, res.Data)
			}
			iso.leaks(t, res.Raw)
		}
	})
	t.Run("nodes keeps order and nulls B", func(t *testing.T) {
		ids := append([]string{iso.sc.CleaningRun}, iso.bIDs...)
		ids = append(ids, iso.sc.FraudFeatures)
		res := h.gql(t, tok, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids})
		var d struct{ Nodes []*struct{ ID string } }
		res.ok(t, &d)
		if len(d.Nodes) != len(ids) {
			t.Fatalf("want %d entries, got %s", len(ids), res.Raw)
		}
		for i, n := range d.Nodes {
			readable := i == 0 || i == len(ids)-1
			switch {
			case readable && (n == nil || n.ID != ids[i]):
				t.Errorf("nodes[%d]: want %s, got %+v", i, ids[i], n)
			case !readable && n != nil:
				t.Errorf("nodes[%d]: want null for B's %s, got %+v", i, ids[i], n)
			}
		}
		iso.leaks(t, res.Raw)
	})
	t.Run("nodes refuses more than 100 ids", func(t *testing.T) {
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = iso.sc.CleaningRun
		}
		res := h.gql(t, tok, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids})
		if res.code() != "BAD_USER_INPUT" || !strings.Contains(string(res.Raw), "ids: at most 100") {
			t.Errorf("want BAD_USER_INPUT naming ids, got %s", res.Raw)
		}
	})
	t.Run("projects lists A, not B", func(t *testing.T) {
		res := h.gql(t, tok, `{ projects(first: 100) { totalCount edges { node { key name } } } }`, nil)
		var d struct {
			Projects struct {
				TotalCount int
				Edges      []struct{ Node struct{ Key string } }
			}
		}
		res.ok(t, &d)
		if d.Projects.TotalCount != 1 || len(d.Projects.Edges) != 1 || d.Projects.Edges[0].Node.Key != iso.a {
			t.Errorf("want exactly project %s, got %s", iso.a, res.Raw)
		}
		iso.leaks(t, res.Raw)
	})
	t.Run("project and lists of B are refused", func(t *testing.T) {
		res := h.gql(t, tok, `query($k: String!) { project(key: $k) { key } }`, map[string]any{"k": iso.b})
		res.ok(t, nil)
		if string(res.Data) != `{"project":null}` {
			t.Errorf("project(B): want null, got %s", res.Data)
		}
		for _, op := range []string{
			`query($k: String!) { experiments(projectKey: $k) { totalCount } }`,
			`query($k: String!) { datasets(projectKey: $k) { totalCount } }`,
			`query($k: String!) { models(projectKey: $k) { totalCount } }`,
		} {
			res := h.gql(t, tok, op, map[string]any{"k": iso.b})
			res.fails(t, "FORBIDDEN", "viewer")
			assertNullData(t, res)
		}
	})
	t.Run("run inputs crossing into B are filtered", func(t *testing.T) {
		res := h.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on Run { inputs { id projectKey } } } }`, map[string]any{"id": iso.mixedRun})
		var d struct {
			Node struct{ Inputs []struct{ ID string } }
		}
		res.ok(t, &d)
		if len(d.Node.Inputs) != 1 || d.Node.Inputs[0].ID != iso.sc.FraudFeatures {
			t.Errorf("want only A's features as input, got %s", res.Raw)
		}
		iso.leaks(t, res.Raw)
		// And the other way: A's features are consumed by B's runs.
		res = h.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on DatasetVersion { consumedBy { id } producedBy { id } } } }`, map[string]any{"id": iso.sc.FraudFeatures})
		res.ok(t, nil)
		iso.leaks(t, res.Raw)
		res = h.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on DatasetVersion { producedBy { id } } } }`, map[string]any{"id": iso.derived})
		res.ok(t, nil)
		if string(res.Data) != `{"node":{"producedBy":[]}}` {
			t.Errorf("derived's producer is in B: want [], got %s", res.Data)
		}
	})
	t.Run("lineage shows one redacted placeholder", func(t *testing.T) {
		for _, dir := range []string{"DOWNSTREAM", "BOTH"} {
			res := h.gql(t, tok, `query($id: ID!, $dir: LineageDirection) { lineage(id: $id, direction: $dir, depth: 6) {
				nodes { id kind name projectKey distance } edges { from to kind } } }`,
				map[string]any{"id": iso.sc.FraudRawV1, "dir": dir})
			var d struct {
				Lineage struct {
					Nodes []struct {
						ID, Kind, Name string
						ProjectKey     *string
					}
					Edges []struct{ From, To, Kind string }
				}
			}
			res.ok(t, &d)
			iso.leaks(t, res.Raw)
			redacted := 0
			for _, n := range d.Lineage.Nodes {
				if n.Kind != "REDACTED" {
					if n.ProjectKey == nil || *n.ProjectKey != iso.a {
						t.Errorf("%s: lineage node %s is not in A", dir, n.ID)
					}
					continue
				}
				redacted++
				if n.Name != "" || n.ProjectKey != nil {
					t.Errorf("%s: redacted node carries name %q / project %v", dir, n.Name, n.ProjectKey)
				}
			}
			// The features have a hidden consumer (B's bridge run): one
			// placeholder, however many hidden nodes lie behind it.
			if redacted != 1 {
				t.Errorf("%s: want 1 redacted placeholder, got %d: %s", dir, redacted, res.Raw)
			}
			for _, n := range d.Lineage.Nodes {
				if n.ID == iso.derived {
					t.Errorf("%s: lineage walked through B to %s", dir, iso.derived)
				}
			}
		}
		// Upstream of the mixed run: A's features and one placeholder for B's customers.
		res := h.gql(t, tok, `query($id: ID!) { lineage(id: $id, direction: UPSTREAM, depth: 1) { nodes { id kind } } }`, map[string]any{"id": iso.mixedRun})
		res.ok(t, nil)
		iso.leaks(t, res.Raw)
		if strings.Count(string(res.Data), `"REDACTED"`) != 1 {
			t.Errorf("want one redacted upstream placeholder, got %s", res.Data)
		}
	})
	t.Run("impact hides B", func(t *testing.T) {
		res := h.gql(t, tok, `query($id: ID!) { impact(id: $id) { totalAffected hiddenAffected owners
			runs { id projectKey } datasetVersions { id projectKey } modelVersions { id projectKey } } }`, map[string]any{"id": iso.sc.FraudFeatures})
		var d struct {
			Impact struct {
				TotalAffected   int
				HiddenAffected  bool
				Owners          []string
				Runs            []struct{ ID string }
				DatasetVersions []struct{ ID string }
				ModelVersions   []struct{ ID string }
			}
		}
		res.ok(t, &d)
		iso.leaks(t, res.Raw)
		im := d.Impact
		if !im.HiddenAffected {
			t.Errorf("want hiddenAffected: B's bridge run consumes the features")
		}
		// Visible downstream of the features: 3 training runs, the mixed
		// run, 2 model versions.
		if im.TotalAffected != 6 || len(im.Runs) != 4 || len(im.ModelVersions) != 2 || len(im.DatasetVersions) != 0 {
			t.Errorf("want 6 affected (4 runs, 2 model versions), got %d: %s", im.TotalAffected, res.Raw)
		}
		// The same question asked by someone who may read both counts B.
		all := h.gql(t, token(t, "root", map[string]auth.Role{"*": auth.RoleViewer}), `query($id: ID!) { impact(id: $id) { totalAffected hiddenAffected } }`,
			map[string]any{"id": iso.sc.FraudFeatures})
		all.ok(t, nil)
		if string(all.Data) != `{"impact":{"totalAffected":8,"hiddenAffected":false}}` {
			t.Errorf("a reader of both projects: want 8 affected (adds the bridge run and derived), got %s", all.Data)
		}
	})
	t.Run("lineagePath never runs through B", func(t *testing.T) {
		for _, ends := range [][2]string{{iso.sc.FraudFeatures, iso.derived}, {iso.derived, iso.sc.FraudFeatures}} {
			res := h.gql(t, tok, `query($from: ID!, $to: ID!) { lineagePath(from: $from, to: $to) { root nodes { id kind name projectKey distance } edges { from to kind } } }`,
				map[string]any{"from": ends[0], "to": ends[1]})
			res.ok(t, nil)
			iso.leaks(t, res.Raw)
			if string(res.Data) != `{"lineagePath":null}` {
				t.Errorf("the only route runs through B's run: want null, not a hint of the hidden hop; got %s", res.Data)
			}
		}
		// A reader of both projects gets the 3-node path through B.
		all := h.gql(t, token(t, "root", map[string]auth.Role{"*": auth.RoleViewer}), `query($from: ID!, $to: ID!) { lineagePath(from: $from, to: $to) { nodes { id } } }`,
			map[string]any{"from": iso.sc.FraudFeatures, "to": iso.derived})
		var d struct {
			LineagePath *struct{ Nodes []struct{ ID string } }
		}
		all.ok(t, &d)
		if d.LineagePath == nil || len(d.LineagePath.Nodes) != 3 {
			t.Errorf("a reader of both projects: want the 3-node path, got %s", all.Raw)
		}
	})
	t.Run("B's IDs as arguments are not found", func(t *testing.T) {
		for _, tc := range []struct{ op, field string }{
			{`query($id: ID!) { lineage(id: $id) { root } }`, ""},
			{`query($id: ID!) { impact(id: $id) { root } }`, ""},
			{`query($id: ID!) { lineagePath(from: $id, to: $id) { root } }`, ""},
		} {
			res := h.gql(t, tok, tc.op, map[string]any{"id": iso.sc.ChurnData})
			res.fails(t, "NOT_FOUND")
		}
		byPrefix := func(prefix string) string {
			for _, id := range iso.bIDs {
				if strings.HasPrefix(id, prefix) {
					return id
				}
			}
			t.Fatalf("no %s ID in B", prefix)
			return ""
		}
		// Hidden and unknown look the same: NOT_FOUND naming the argument.
		for _, id := range []string{byPrefix("exp_"), unknown("exp_")} {
			res := h.gql(t, tok, `query($id: ID!) { runs(experimentId: $id) { totalCount } }`, map[string]any{"id": id})
			res.fails(t, "NOT_FOUND", "experimentId")
			res = h.gql(t, tok, `mutation($id: ID!) { startRun(input: {experimentId: $id}) { run { id } } }`, map[string]any{"id": id})
			res.fails(t, "NOT_FOUND", "experimentId")
		}
		for _, id := range []string{byPrefix("ds_"), unknown("ds_")} {
			res := h.gql(t, tok, `mutation($id: ID!) { registerDatasetVersion(input: {datasetId: $id, version: "x", uri: "s3://x", digest: "`+sha("x")+`"}) { created } }`,
				map[string]any{"id": id})
			res.fails(t, "NOT_FOUND", "datasetId")
		}
		before, beforeB := stateOf(t, iso.a), stateOf(t, iso.b)
		defer unchanged(t, iso.b, beforeB)
		res := h.gql(t, tok, `mutation($run: ID!, $dsv: ID!) { addRunInputs(input: {runId: $run, datasetVersionIds: [$dsv]}) { run { id } } }`,
			map[string]any{"run": iso.mixedRun, "dsv": iso.sc.ChurnModel})
		res.fails(t, "BAD_USER_INPUT", "datasetVersionIds[0]")
		res = h.gql(t, tok, `mutation($run: ID!, $dsv: ID!) { addRunInputs(input: {runId: $run, datasetVersionIds: [$dsv]}) { run { id } } }`,
			map[string]any{"run": iso.mixedRun, "dsv": iso.sc.ChurnData})
		res.fails(t, "NOT_FOUND", "datasetVersionIds[0]")
		res = h.gql(t, tok, `mutation($run: ID!) { registerModelVersion(input: {projectKey: "`+iso.a+`", modelName: "x", uri: "s3://x", runId: $run}) { modelVersion { id } } }`,
			map[string]any{"run": iso.sc.ChurnRun})
		res.fails(t, "NOT_FOUND", "runId")
		unchanged(t, iso.a, before)
	})
	t.Run("a viewer of B cannot link B's run to a model version", func(t *testing.T) {
		both := token(t, "a-writer-b-reader", map[string]auth.Role{iso.a: auth.RoleContributor, iso.b: auth.RoleViewer})
		before, beforeB := stateOf(t, iso.a), stateOf(t, iso.b)
		res := h.gql(t, both, `mutation($run: ID!) { registerModelVersion(input: {projectKey: "`+iso.a+`", modelName: "x", uri: "s3://x", runId: $run}) { modelVersion { id } } }`,
			map[string]any{"run": iso.sc.ChurnRun})
		res.fails(t, "FORBIDDEN", iso.b)
		unchanged(t, iso.a, before)
		unchanged(t, iso.b, beforeB)
	})
}

// neo4jQuery reads rows for assertions (never to write).
func neo4jQuery(t *testing.T, cypher string, params map[string]any) ([]map[string]any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess := neo4jtest.Driver(t).NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer sess.Close(context.WithoutCancel(ctx))
	res, err := sess.Run(ctx, cypher, params)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = r.AsMap()
	}
	return out, nil
}
