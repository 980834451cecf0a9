package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/demo"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

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
