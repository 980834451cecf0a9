package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/pyenv"
)

// olHub is a hub whose OpenLineage events land in a fresh project, and a
// token that may write it. It acknowledges events once recorded, as a
// deployed hub does by default; drain waits until the graph shows every
// event acknowledged.
func olHub(t *testing.T, prefix string) (h *hub, project, tok string, drain func()) {
	t.Helper()
	st := neo4jtest.Store(t)
	project = neo4jtest.Project(t, st, prefix)
	svc := openlineage.New(st, openlineage.Config{DefaultProject: project, Ack: openlineage.AckRecorded})
	h = newHub(t, func(o *api.Options) {
		o.Store = st
		o.Lineage = svc
	})
	drain = func() {
		t.Helper()
		if err := svc.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	return h, project, token(t, "pipeline", map[string]auth.Role{project: auth.RoleContributor}), drain
}

// idOf returns the ID of the one node a Cypher query names.
func idOf(t *testing.T, cypher string, params map[string]any) string {
	t.Helper()
	rows := neo4jtest.Rows(t, cypher, params)
	if len(rows) != 1 {
		t.Fatalf("%d rows for %s", len(rows), cypher)
	}
	id, _ := rows[0]["id"].(string)
	return id
}

// TestOpenLineagePythonClient: the real openlineage-python client reports
// an Airflow task (START, COMPLETE with a failing assertion, then a failed
// second run); through GraphQL the run statuses, the lineage edges, the
// validation result and the AT_RISK output downstream are there.
func TestOpenLineagePythonClient(t *testing.T) {
	h, project, tok, drain := olHub(t, "olpy")
	py := pyenv.Python(t, "openlineage")
	out := pyenv.Run(t, py, "testdata/openlineage/emit_job.py",
		[]string{"HUB_URL=" + h.srv.URL, "HUB_TOKEN=" + tok, "FAIL_ASSERTION=1"}, "--fail")
	var sent struct {
		Namespace, Job, ParentJob string
		RunID                     string `json:"runId"`
		ParentRunID               string `json:"parentRunId"`
		FailedRunID               string `json:"failedRunId"`
	}
	if err := json.Unmarshal([]byte(out), &sent); err != nil {
		t.Fatalf("emit_job.py printed %q: %v", out, err)
	}
	drain()
	// Every event the client sent was recorded, then applied; none is
	// left in the backlog.
	m := scrapeMetrics(t, h.srv.URL)
	if rec := m[`exphub_openlineage_events_total{outcome="recorded"}`]; rec < 3 || m[`exphub_openlineage_events_total{outcome="applied"}`] != rec ||
		m[`exphub_openlineage_events_total{outcome="failed"}`] != 0 || m["exphub_openlineage_backlog"] != 0 {
		t.Fatalf("OpenLineage metrics after the client's events: %v", m)
	}
	params := map[string]any{"p": project, "ext": sent.RunID, "failed": sent.FailedRunID}
	runID := idOf(t, `MATCH (r:Run {projectKey: $p, externalId: $ext}) RETURN r.id AS id`, params)
	failedID := idOf(t, `MATCH (r:Run {projectKey: $p, externalId: $failed}) RETURN r.id AS id`, params)

	var data struct {
		Done, Failed struct {
			Status  string
			Inputs  []struct{ ID, QualityStatus string }
			Outputs []struct {
				ID     string
				Health string
			}
			Code *struct{ Repo, Commit string }
		}
		Lineage struct {
			Edges []struct{ From, To, Kind string }
		}
	}
	h.gql(t, tok, `query($run: ID!, $failed: ID!) {
		done: node(id: $run) { ... on Run { status inputs { id qualityStatus } outputs { id health } code { repo commit } } }
		failed: node(id: $failed) { ... on Run { status inputs { id qualityStatus } outputs { id health } } }
		lineage(id: $run, direction: BOTH, depth: 1) { edges { from to kind } }
	}`, map[string]any{"run": runID, "failed": failedID}).ok(t, &data)
	if data.Done.Status != "FINISHED" || data.Failed.Status != "FAILED" {
		t.Fatalf("statuses: %s, %s", data.Done.Status, data.Failed.Status)
	}
	if len(data.Done.Inputs) != 1 || len(data.Done.Outputs) != 1 {
		t.Fatalf("run A read %d and wrote %d versions", len(data.Done.Inputs), len(data.Done.Outputs))
	}
	if data.Done.Inputs[0].QualityStatus != "FAILED" {
		t.Fatalf("the input's quality status is %q after a failed assertion", data.Done.Inputs[0].QualityStatus)
	}
	if data.Done.Outputs[0].Health != "AT_RISK" {
		t.Fatalf("the output downstream of a failed input is %q", data.Done.Outputs[0].Health)
	}
	if data.Done.Code == nil || data.Done.Code.Commit == "" {
		t.Fatalf("the run's code was not taken from sourceCodeLocation: %+v", data.Done.Code)
	}
	kinds := map[string]bool{}
	for _, e := range data.Lineage.Edges {
		kinds[e.Kind] = true
	}
	if !kinds["CONSUMED_BY"] || !kinds["PRODUCED"] {
		t.Fatalf("lineage edges of the run: %+v", data.Lineage.Edges)
	}
	rows := neo4jtest.Rows(t, `
		MATCH (j:Job {projectKey: $p})-[:HAS_RUN]->(r:Run)
		OPTIONAL MATCH (parent:Run)-[:PARENT_OF]->(r)
		RETURN j.name AS job, r.externalId AS run, r.errorMessage AS error, parent.externalId AS parent ORDER BY r.externalId`, params)
	byRun := map[string]map[string]any{}
	for _, r := range rows {
		byRun[r["run"].(string)] = r
	}
	if r := byRun[sent.FailedRunID]; r == nil || r["error"] == nil || r["job"] != sent.Job {
		t.Fatalf("the failed run: %v", r)
	}
	if r := byRun[sent.ParentRunID]; r != nil {
		t.Logf("the parent run was reported too: %v", r)
	}
	// The job, its runs and its column lineage, through GraphQL.
	var job struct {
		Job struct {
			ID, Namespace, Name string
			Description         *string
			SourceCode          *struct{ Repo, Commit string }
			Parent              *struct{ Name string }
			Runs                struct {
				Edges []struct {
					Node struct {
						ID, Status, ExternalID string
						ErrorMessage           *string
						Experiment             *struct{ ID string }
						Outputs                []struct {
							ID, Integrity string
							Digest        *string
							Columns       []string
						}
					}
				}
			}
		}
	}
	h.gql(t, tok, `query($p: String!, $ns: String!, $n: String!) { job(projectKey: $p, namespace: $ns, name: $n) {
		id namespace name description sourceCode { repo commit } parent { name }
		runs(first: 10) { edges { node { id status externalId errorMessage experiment { id } outputs { id integrity digest columns } } } } } }`,
		map[string]any{"p": project, "ns": sent.Namespace, "n": sent.Job}).ok(t, &job)
	if job.Job.ID == "" || job.Job.Description == nil || job.Job.SourceCode == nil || job.Job.Parent == nil || job.Job.Parent.Name != sent.ParentJob {
		t.Fatalf("job: %+v", job.Job)
	}
	statuses := map[string]string{}
	var output string
	for _, e := range job.Job.Runs.Edges {
		statuses[e.Node.ExternalID] = e.Node.Status
		if e.Node.Experiment != nil {
			t.Fatalf("a pipeline run has an experiment: %+v", e.Node)
		}
		if e.Node.ExternalID == sent.FailedRunID && e.Node.ErrorMessage == nil {
			t.Fatalf("the failed run has no error message")
		}
		if e.Node.ExternalID == sent.RunID {
			for _, o := range e.Node.Outputs {
				if o.Integrity != "NONE" || o.Digest != nil {
					t.Fatalf("an OpenLineage version claims a digest: %+v", o)
				}
				output = o.ID
			}
		}
	}
	if statuses[sent.RunID] != "FINISHED" || statuses[sent.FailedRunID] != "FAILED" {
		t.Fatalf("job runs: %v", statuses)
	}
	var cols struct {
		ColumnLineage struct {
			Nodes []struct {
				Name           string
				Distance       int
				DatasetVersion struct{ ID string }
			}
			Edges []struct {
				Transformations []struct {
					Type    string
					Subtype *string
				}
			}
		}
	}
	h.gql(t, tok, `query($v: ID!) { columnLineage(datasetVersionId: $v, column: "amount_usd", direction: UPSTREAM) {
		nodes { name distance datasetVersion { id } } edges { transformations { type subtype } } } }`,
		map[string]any{"v": output}).ok(t, &cols)
	found := false
	for _, n := range cols.ColumnLineage.Nodes {
		if n.Name == "amount" && n.Distance == 1 {
			found = true
		}
	}
	if !found || len(cols.ColumnLineage.Edges) == 0 || cols.ColumnLineage.Edges[0].Transformations[0].Type != "DIRECT" {
		t.Fatalf("column lineage upstream of amount_usd: %+v", cols.ColumnLineage)
	}
}

// TestFeastOpenLineage: real Feast applies and materializes a repository
// with OpenLineage pointed at the hub; its feature view and sources are in
// lineage, and a training run that reads the feature view's dataset reads
// the same Dataset node Feast wrote.
func TestFeastOpenLineage(t *testing.T) {
	h, project, tok, drain := olHub(t, "olfeast")
	py := pyenv.Python(t, "feast")
	out := pyenv.Run(t, py, "testdata/openlineage/run_feast.py",
		[]string{"HUB_URL=" + h.srv.URL, "HUB_TOKEN=" + tok, "FEAST_PROJECT=fraud_features"})
	var sent struct{ Namespace, DataFile string }
	if err := json.Unmarshal([]byte(out), &sent); err != nil {
		t.Fatalf("run_feast.py printed %q: %v", out, err)
	}
	drain()
	params := map[string]any{"p": project, "ns": sent.Namespace}
	view := idOf(t, `MATCH (d:Dataset {projectKey: $p, namespace: $ns, name: 'customer_transaction_stats'}) RETURN d.id AS id`, params)
	for _, job := range []string{"feast_feature_views_fraud_features", "feature_service_fraud_model_v1", "materialize_fraud_features"} {
		if n := neo4jtest.Count(t, `MATCH (j:Job {projectKey: $p, name: $j})-[:HAS_RUN]->(r:Run) WHERE r.status = 'FINISHED' RETURN count(r) AS n`,
			map[string]any{"p": project, "j": job}); n < 1 {
			t.Fatalf("job %s has no finished run", job)
		}
	}
	// The ML team's training run reads the feature view by its name.
	var v struct {
		DatasetVersionByName *struct{ ID string }
	}
	versions := neo4jtest.Rows(t, `MATCH (:Dataset {id: $d})-[:HAS_VERSION]->(v) RETURN v.version AS version ORDER BY v.createdAt DESC LIMIT 1`, map[string]any{"d": view})
	if len(versions) != 1 {
		t.Fatal("the feature view has no version")
	}
	h.gql(t, tok, `query($ns: String!, $v: String!, $p: String) { datasetVersionByName(namespace: $ns, name: "customer_transaction_stats", version: $v, projectKey: $p) { id } }`,
		map[string]any{"ns": sent.Namespace, "v": versions[0]["version"], "p": project}).ok(t, &v)
	if v.DatasetVersionByName == nil {
		t.Fatal("the feature view's version is not found by name")
	}
	admin := token(t, "trainer", map[string]auth.Role{project: auth.RoleContributor})
	var exp struct {
		CreateExperiment struct{ Experiment struct{ ID string } }
	}
	h.gql(t, admin, `mutation($p: String!) { createExperiment(input: {projectKey: $p, name: "fraud-model"}) { experiment { id } } }`,
		map[string]any{"p": project}).ok(t, &exp)
	var run struct {
		StartRun struct{ Run struct{ ID string } }
	}
	h.gql(t, admin, `mutation($e: ID!) { startRun(input: {experimentId: $e}) { run { id } } }`,
		map[string]any{"e": exp.CreateExperiment.Experiment.ID}).ok(t, &run)
	h.gql(t, admin, `mutation($r: ID!, $v: ID!) { addRunInputs(input: {runId: $r, datasetVersionIds: [$v]}) { run { id } } }`,
		map[string]any{"r": run.StartRun.Run.ID, "v": v.DatasetVersionByName.ID}).ok(t, nil)
	// Upstream of the training run: the feature view Feast wrote and, behind
	// it, the file source Feast applied it from.
	var lin struct {
		Lineage struct {
			Nodes []struct{ ID, Kind, Name string }
		}
	}
	h.gql(t, admin, `query($r: ID!) { lineage(id: $r, direction: UPSTREAM, depth: 4) { nodes { id kind name } } }`,
		map[string]any{"r": run.StartRun.Run.ID}).ok(t, &lin)
	names := map[string]bool{}
	for _, n := range lin.Lineage.Nodes {
		names[n.Name] = true
	}
	for _, want := range []string{"customer_transaction_stats", "customer_transactions_source"} {
		found := false
		for name := range names {
			if len(name) >= len(want) && name[:len(want)] == want {
				found = true
			}
		}
		if !found {
			t.Fatalf("upstream of the training run: %v; %s missing", names, want)
		}
	}
	if n := neo4jtest.Count(t, `MATCH (d:Dataset {projectKey: $p, namespace: $ns, name: 'customer_transaction_stats'}) RETURN count(d) AS n`, params); n != 1 {
		t.Fatalf("%d Dataset nodes for the feature view", n)
	}

	// The feature view as the feature-store team reads it, and at risk
	// once the data behind its source fails a real validation.
	featureViews := func(atRisk bool) []featureViewJSON {
		t.Helper()
		var out struct {
			FeatureViews struct {
				Edges []struct{ Node featureViewJSON }
			}
		}
		h.gql(t, admin, `query($p: String!, $r: Boolean) { featureViews(projectKey: $p, atRisk: $r) { edges { node { `+featureViewFields+` } } } }`,
			map[string]any{"p": project, "r": atRisk}).ok(t, &out)
		var vs []featureViewJSON
		for _, e := range out.FeatureViews.Edges {
			vs = append(vs, e.Node)
		}
		return vs
	}
	fv := featureViews(false)
	if len(fv) != 1 || fv[0].ID != view || fv[0].Name != "customer_transaction_stats" || fv[0].TTLSeconds == nil || *fv[0].TTLSeconds != 30*24*3600 ||
		!slices.Equal(fv[0].Features, []string{"total_amount", "txn_count"}) || len(fv[0].Sources) != 1 ||
		fv[0].Sources[0].Name != "customer_transactions_source" || len(fv[0].Services) != 1 || fv[0].Services[0].Name != "fraud_model_v1" {
		t.Fatalf("Feast's feature view in the hub: %+v", fv)
	}
	if len(featureViews(true)) != 0 {
		t.Fatal("the feature view is at risk before any validation")
	}
	data, err := os.ReadFile(sent.DataFile)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(data)
	var reg struct {
		RegisterDatasetVersion struct{ DatasetVersion struct{ ID string } }
	}
	h.gql(t, admin, `mutation($d: ID!, $u: String!, $digest: String!) { registerDatasetVersion(input: {datasetId: $d, version: "today",
		uri: $u, digest: $digest}) { datasetVersion { id } } }`,
		map[string]any{"d": fv[0].Sources[0].ID, "u": sent.DataFile, "digest": hex.EncodeToString(digest[:])}).ok(t, &reg)
	// Amounts run to 65.5 EUR in the file; the suite allows 50.
	suite := createSuite(t, h, admin, fv[0].Sources[0].ID, "daily-spend",
		`{"rules": [{"type": "not_null", "column": "customer_id"}, {"type": "value_between", "column": "total_amount", "min": 0, "max": 50}]}`)
	if st := awaitRun(t, h, admin, runValidation(t, h, admin, suite, reg.RegisterDatasetVersion.DatasetVersion.ID)).Status; st != "FAILED" {
		t.Fatalf("the validation of the source's data: %s", st)
	}
	risky := featureViews(true)
	if len(risky) != 1 || risky[0].ID != view || risky[0].Health != "AT_RISK" || len(risky[0].AtRiskSources) != 1 ||
		risky[0].AtRiskSources[0].ID != reg.RegisterDatasetVersion.DatasetVersion.ID {
		t.Fatalf("after the source failed validation: %+v", risky)
	}
}

// scrapeMetrics reads the hub's /metrics: each OpenLineage sample by its
// name and labels.
func scrapeMetrics(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d, %v", resp.StatusCode, err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(name, "exphub_openlineage_") {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		out[name] = v
	}
	return out
}
