package api_test

import (
	"encoding/json"
	"testing"

	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/pyenv"
)

// hubRunID is the hub's id of an MLflow run id.
func hubRunID(t *testing.T, mlflowID string) string {
	t.Helper()
	id, err := mlflow.HubRunID(mlflowID)
	if err != nil {
		t.Fatalf("run id %q from the client: %v", mlflowID, err)
	}
	return id
}

// TestMLflowPythonClient: the real mlflow client (mlflow-skinny 3.17.2,
// from deploy/python/requirements-mlflow.txt) runs a training script
// against the hub with only MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN
// set: an experiment, a run with params, a metric series, tags and a
// pandas dataset as input, a nested run and a failed run; the client reads
// the history back and searches with a filter. Through GraphQL the same
// facts are there, and the dataset version is upstream of the run.
func TestMLflowPythonClient(t *testing.T) {
	w := newMLflowWorld(t)
	py := pyenv.Python(t, "mlflow")
	out := pyenv.Run(t, py, "testdata/mlflow/train.py", []string{
		"MLFLOW_TRACKING_URI=" + w.h.srv.URL,
		"MLFLOW_TRACKING_TOKEN=" + w.contributor,
		// Telemetry off (the research: either switch alone suffices).
		"MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true",
		"MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT=true",
		// Fail fast instead of retrying for minutes if the hub errs.
		"MLFLOW_HTTP_REQUEST_MAX_RETRIES=0",
		"EXPERIMENT=fraud-gbm",
	})
	var got struct {
		ExperimentID      string `json:"experiment_id"`
		Parent, Child     string
		Failed            string
		History           [][2]float64
		Search            []string
		ParentStatus      string             `json:"parent_status"`
		ParentParams      map[string]string  `json:"parent_params"`
		ParentMetrics     map[string]float64 `json:"parent_metrics"`
		Inputs            []string
		MissingExperiment bool              `json:"missing_experiment"`
		ExperimentTags    map[string]string `json:"experiment_tags"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("train.py printed %q: %v", out, err)
	}
	if len(got.History) != 5 || got.History[4][0] != 4 || got.History[4][1] != 0.2 {
		t.Errorf("history read back by the client = %v", got.History)
	}
	if len(got.Search) != 1 || got.Search[0] != got.Parent {
		t.Errorf("search_runs found %v, want the parent %s", got.Search, got.Parent)
	}
	if got.ParentStatus != "FINISHED" || got.ParentParams["depth"] != "6" || got.ParentMetrics["auc"] != 0.91 || len(got.Inputs) != 1 || !got.MissingExperiment ||
		got.ExperimentTags["owner"] != "risk-team" {
		t.Errorf("client read back %+v", got)
	}

	type kv struct{ Key, Value string }
	type run struct {
		Name, Status string
		Experiment   struct{ ID, Name string }
		Params, Tags []kv
		Metrics      []struct {
			Key     string
			History []struct {
				Step  int
				Value float64
			}
		}
		Inputs []struct {
			ID, Version, Integrity string
			Digest                 *string
			Dataset                struct{ Namespace, Name string }
		}
	}
	// One query per run keeps each under the complexity limit.
	get := func(mlflowID string) run {
		t.Helper()
		var out struct{ Node run }
		w.h.gql(t, w.viewer, `query($id: ID!) { node(id: $id) { ... on Run { name status experiment { id name }
			params { key value } tags { key value } metrics { key history { step value } }
			inputs { id version digest integrity dataset { namespace name } } } } }`,
			map[string]any{"id": hubRunID(t, mlflowID)}).ok(t, &out)
		return out.Node
	}
	data := struct{ Parent, Child, Failed run }{get(got.Parent), get(got.Child), get(got.Failed)}

	p := data.Parent
	if p.Name != "train-parent" || p.Status != "FINISHED" || p.Experiment.ID != got.ExperimentID || p.Experiment.Name != "fraud-gbm" {
		t.Errorf("parent run = %+v", p)
	}
	params := map[string]string{}
	for _, kv := range p.Params {
		params[kv.Key] = kv.Value
	}
	if params["lr"] != "0.1" || params["depth"] != "6" || params["n_estimators"] != "100" {
		t.Errorf("params = %v", params)
	}
	tags := map[string]string{}
	for _, kv := range p.Tags {
		tags[kv.Key] = kv.Value
	}
	if tags["team"] != "risk" || tags["stage"] != "dev" || tags["mlflow.source.name"] == "" || tags["mlflow.user"] == "" || tags["mlflow.runName"] != "train-parent" {
		t.Errorf("tags = %v", tags)
	}
	for _, m := range p.Metrics {
		if m.Key == "loss" && (len(m.History) != 5 || m.History[2].Step != 2 || m.History[2].Value != 1.0/3) {
			t.Errorf("loss history = %+v", m.History)
		}
	}
	if len(p.Metrics) != 3 {
		t.Errorf("metrics = %+v, want loss, auc, f1", p.Metrics)
	}
	if len(p.Inputs) != 1 || p.Inputs[0].Digest != nil || p.Inputs[0].Integrity != "NONE" || p.Inputs[0].Version != got.Inputs[0] ||
		p.Inputs[0].Dataset.Namespace != "s3://bucket" || p.Inputs[0].Dataset.Name != "data/train.csv" {
		t.Errorf("inputs = %+v", p.Inputs)
	}
	childTags := map[string]string{}
	for _, kv := range data.Child.Tags {
		childTags[kv.Key] = kv.Value
	}
	if data.Child.Status != "FINISHED" || childTags["mlflow.parentRunId"] != got.Parent {
		t.Errorf("child run = %+v", data.Child)
	}
	if data.Failed.Status != "FAILED" || data.Failed.Name != "will-fail" {
		t.Errorf("failed run = %+v", data.Failed)
	}

	// Lineage: the dataset version is upstream of the run.
	var lin struct {
		Lineage struct {
			Edges []struct{ From, To string }
		}
	}
	w.h.gql(t, w.viewer, `query($id: ID!) { lineage(id: $id, direction: UPSTREAM, depth: 1) { edges { from to } } }`,
		map[string]any{"id": hubRunID(t, got.Parent)}).ok(t, &lin)
	found := false
	for _, e := range lin.Lineage.Edges {
		found = found || (len(p.Inputs) == 1 && e.From == p.Inputs[0].ID && e.To == hubRunID(t, got.Parent))
	}
	if !found {
		t.Errorf("lineage upstream of the run = %+v, want an edge from the dataset version", lin.Lineage.Edges)
	}
}
