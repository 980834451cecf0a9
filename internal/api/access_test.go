package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

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
	// only: the operation needs exactly min (a sign-off needs the auditor,
	// whom no other role includes).
	only bool
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
	// request opens a promotion request for the fixture's version, by
	// alice under a policy of one approval and no other check.
	// report is a governance report of the fixture's project, as a
	// document to sign off.
	report := func(t *testing.T, st *store.Store, f *fixture) map[string]any {
		return map[string]any{"report": `{"governanceReport":{"projectKey":"` + f.key + `"}}`}
	}
	// modelOf names the fixture's model.
	modelOf := func(t *testing.T, st *store.Store, f *fixture) map[string]any {
		return map[string]any{"model": must(st.ModelVersionsByIDs(ctxT(t), []string{f.mv})).of(t)[f.mv].ModelID}
	}
	// aliased sets the alias challenger on the fixture's model version.
	aliased := func(t *testing.T, st *store.Store, f *fixture) map[string]any {
		mv := must(st.ModelVersionsByIDs(ctxT(t), []string{f.mv})).of(t)[f.mv]
		if _, err := st.SetModelAlias(ctxT(t), "an-owner", mv.ModelID, "challenger", mv.Version, false); err != nil {
			t.Fatal(err)
		}
		return map[string]any{"model": mv.ModelID}
	}
	// signedOff records a sign-off of a report of the fixture's project,
	// by its auditor.
	signedOff := func(t *testing.T, st *store.Store, f *fixture) map[string]any {
		p := must(st.ProjectByKey(ctxT(t), f.key)).of(t)
		d := sha("report-" + f.key)
		if _, _, err := st.RecordSignOff(ctxT(t), "an-auditor", store.SignOff{ProjectKey: f.key, Subject: store.SignOffGovernanceReport,
			SubjectID: p.ID, Digest: d, Decision: "ACCEPTED", Findings: "seen"}); err != nil {
			t.Fatal(err)
		}
		return map[string]any{"signedDigest": d}
	}
	request := func(t *testing.T, st *store.Store, f *fixture) map[string]any {
		ctx := ctxT(t)
		if _, _, err := st.SetPolicy(ctx, owner, f.key, store.PolicyInput{RequiredApprovals: 1, ApproverRole: store.ApproverRoleApprover, Stages: []store.ModelStage{store.StageStaging}}); err != nil {
			t.Fatal(err)
		}
		pr := must(st.RequestPromotion(ctx, "alice", store.RequestPromotionInput{ModelVersionID: f.mv, TargetStage: store.StageStaging, Justification: "lift"})).of(t)
		return map[string]any{"pr": pr.ID}
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

		// ------------------------------------------------ the audit trail
		{name: "query auditEvents", min: auth.RoleAuditor, vars: plain, hidden: hiddenForbidden,
			op:    `query($key: String!) { auditEvents(filter: {projectKeys: [$key]}, first: 100) { edges { node { projectKey targetId } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.key, f.run, f.mv) }},
		{name: "query verifyAuditLog", min: auth.RoleAuditor, vars: plain, hidden: hiddenForbidden,
			op:    `query($key: String!) { verifyAuditLog(projectKey: $key) { ok projectEvents } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"ok":true`) }},
		{name: "query governanceReport", min: auth.RoleAuditor, vars: plain, hidden: hiddenForbidden,
			op: `query($key: String!, $exp: ID!) { governanceReport(projectKey: $key, experimentId: $exp) {
				projectKey experiment { id } figures { runs datasetVersionsUsed versionsWithDigest } inProduction { id } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) {
				has(t, d, f.key, f.exp, `"runs":1`, `"datasetVersionsUsed":1`, `"versionsWithDigest":1`)
			}},
		{name: "query evidencePack", min: auth.RoleAuditor, vars: request, hidden: hiddenNotFound,
			op:    `query($pr: ID!) { evidencePack(promotionRequestId: $pr) }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.mv, f.run) }},
		{name: "query qualityDashboard", min: auth.RoleViewer, vars: plain, hidden: hiddenForbidden,
			op:    `query($key: String!) { qualityDashboard(projectKey: $key) { projectKey datasets versions failing { id } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.key, `"datasets":1`) }},
		{name: "query signOffs", min: auth.RoleViewer, vars: signedOff, hidden: hiddenAbsent,
			op:    `query($signedDigest: String!) { signOffs(digest: $signedDigest) { projectKey decision findings } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, f.key, `"findings":"seen"`) }},

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
		{name: "mutation approvePromotion", min: auth.RoleApprover, vars: request, hidden: hiddenNotFound,
			op:    `mutation($pr: ID!) { approvePromotion(input: {promotionRequestId: $pr}) { promoted promotionRequest { status } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"promoted":true`) }},
		{name: "mutation setModelAlias", min: auth.RoleContributor, vars: plain, hidden: hiddenNotFound,
			op: `mutation($mv: ID!) { setModelAlias(input: {modelVersionId: $mv, alias: "challenger"}) { modelVersion { aliases } promotionRequest { id } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) {
				has(t, d, `"aliases":["challenger"]`, `"promotionRequest":null`)
			}},
		{name: "mutation deleteModelAlias", min: auth.RoleContributor, vars: aliased, hidden: hiddenNotFound,
			op: `mutation($model: ID!) { deleteModelAlias(input: {modelId: $model, alias: "challenger"}) {
				model { id versions(first: 5) { edges { node { aliases } } } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"id":"mdl_`, `"aliases":[]`) }},
		{name: "mutation updateModel", min: auth.RoleContributor, vars: modelOf, hidden: hiddenNotFound,
			op:    `mutation($model: ID!) { updateModel(input: {modelId: $model, description: "described"}) { model { description } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"description":"described"`) }},
		{name: "mutation updateModelVersion", min: auth.RoleContributor, vars: plain, hidden: hiddenNotFound,
			op:    `mutation($mv: ID!) { updateModelVersion(input: {modelVersionId: $mv, setTag: {key: "k", value: "v"}}) { modelVersion { tags { key value } } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"tags":[{"key":"k","value":"v"}]`) }},
		{name: "mutation archiveModelVersion", min: auth.RoleContributor, vars: plain, hidden: hiddenNotFound,
			op:    `mutation($mv: ID!) { archiveModelVersion(input: {modelVersionId: $mv}) { modelVersion { stage } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"stage":"ARCHIVED"`) }},
		{name: "mutation signOff", min: auth.RoleAuditor, only: true, vars: report, hidden: hiddenForbidden,
			op: `mutation($report: String!) { signOff(input: {subject: GOVERNANCE_REPORT, document: $report, decision: ACCEPTED}) {
				signOff { projectKey decision signedBy } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) {
				has(t, d, f.key, `"decision":"ACCEPTED"`, `"signedBy":"caller"`)
			}},
		{name: "mutation rejectPromotion", min: auth.RoleApprover, vars: request, hidden: hiddenNotFound,
			op:    `mutation($pr: ID!) { rejectPromotion(input: {promotionRequestId: $pr, comment: "no"}) { promotionRequest { status } } }`,
			check: func(t *testing.T, f *fixture, d json.RawMessage) { has(t, d, `"status":"REJECTED"`) }},
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
		{name: "auditor", role: auth.RoleAuditor},
		{name: "star-auditor", star: true, role: auth.RoleAuditor},
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

					allowed := r.role.Allows(c.min)
					if c.only {
						allowed = r.role == c.min
					}
					if allowed {
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
					if r.role.Allows(auth.RoleViewer) {
						// A caller who reads the project is refused, not
						// kept in the dark.
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
