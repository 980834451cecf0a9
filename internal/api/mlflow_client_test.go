package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/pyenv"
	"github.com/exphub/exphub/internal/store"
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
	aw := newArtifactsWorld(t)
	w := aw.mlflowWorld
	calls := recordCalls(t, w.h.srv.URL)
	py := pyenv.Python(t, "mlflow")
	out := pyenv.Run(t, py, "testdata/mlflow/train.py", []string{
		"MLFLOW_TRACKING_URI=" + calls.url,
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
		// Artifacts and the logged model.
		ArtifactURI   string `json:"artifact_uri"`
		Uploaded      map[string]string
		Listed        []string
		ListedNotes   [][]any `json:"listed_notes"`
		Downloaded    map[string]string
		ModelID       string `json:"model_id"`
		ModelStatus   string `json:"model_status"`
		ModelName     string `json:"model_name"`
		ModelLocation string `json:"model_artifact_location"`
		ModelRun      string `json:"model_source_run"`
		PackagingRun  string `json:"packaging_run"`
		// The packaging run's val_auc history after log_model re-sent its
		// step-0 point, and the models get_run says it output.
		PackagingHistory [][2]float64      `json:"packaging_history"`
		PackagingOutputs []string          `json:"packaging_outputs"`
		ModelFiles       map[string]string `json:"model_files"`
		Prediction       []int
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

	t.Run("artifacts", func(t *testing.T) {
		checkClientArtifacts(t, aw, calls, got.Parent, got.ExperimentID, clientArtifacts{
			ArtifactURI: got.ArtifactURI, Uploaded: got.Uploaded, Listed: got.Listed, ListedNotes: got.ListedNotes, Downloaded: got.Downloaded,
			ModelID: got.ModelID, ModelStatus: got.ModelStatus, ModelName: got.ModelName, ModelLocation: got.ModelLocation,
			ModelRun: got.ModelRun, PackagingRun: got.PackagingRun, ModelFiles: got.ModelFiles, Prediction: got.Prediction,
			PackagingHistory: got.PackagingHistory, PackagingOutputs: got.PackagingOutputs})
	})
}

// clientArtifacts is what train.py logged and read back as artifacts.
type clientArtifacts struct {
	ArtifactURI, ModelID, ModelStatus, ModelName, ModelLocation, ModelRun, PackagingRun string
	Uploaded, Downloaded, ModelFiles                                                    map[string]string
	Listed                                                                              []string
	ListedNotes                                                                         [][]any
	Prediction                                                                          []int
	PackagingHistory                                                                    [][2]float64
	PackagingOutputs                                                                    []string
}

// checkClientArtifacts checks the client's artifacts and logged model
// through the store and the blob store: every file the client downloaded
// is recorded with the sha256 of the bytes it uploaded, and those bytes
// are what the blob store keeps under that digest.
func checkClientArtifacts(t *testing.T, w *artifactsWorld, calls *callLog, parent, experimentID string, got clientArtifacts) {
	if want := "mlflow-artifacts:/" + experimentID + "/" + parent + "/artifacts"; got.ArtifactURI != want {
		t.Errorf("artifact_uri = %q, want %q", got.ArtifactURI, want)
	}
	if strings.Join(got.Listed, ",") != "config,notes,plots,reports" {
		t.Errorf("list_artifacts = %v", got.Listed)
	}
	if len(got.ListedNotes) != 1 || got.ListedNotes[0][0] != "notes/summary.txt" || got.ListedNotes[0][1] != false {
		t.Errorf("list_artifacts(notes) = %v", got.ListedNotes)
	}
	run := store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: hubRunID(t, parent)}
	arts := must(w.st.ArtifactsOf(ctxT(t), run)).of(t)
	recorded := map[string]string{}
	for _, a := range arts {
		recorded[a.Path] = a.SHA256
	}
	for _, p := range []string{"notes/summary.txt", "config/features.json", "plots/square.png", "reports/report.csv"} {
		if recorded[p] == "" || got.Downloaded[p] != recorded[p] {
			t.Errorf("%s: recorded sha256 %q, downloaded %q", p, recorded[p], got.Downloaded[p])
		}
	}
	if got.Uploaded["reports/report.csv"] != recorded["reports/report.csv"] {
		t.Errorf("report.csv: the client uploaded %s, the hub recorded %s", got.Uploaded["reports/report.csv"], recorded["reports/report.csv"])
	}
	blobsHeld := map[string]bool{}
	for _, f := range w.blobFiles(t) {
		blobsHeld[f[strings.LastIndex(f, "/")+1:]] = true
	}
	stored := func(digest string) string {
		rc, _, err := mustLocal(t, w.root).Open(ctxT(t), digest)
		if err != nil {
			return err.Error()
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			return err.Error()
		}
		return sha256Hex(b)
	}
	for p, d := range recorded {
		if !blobsHeld[d] || stored(d) != d {
			t.Errorf("%s: the blob store does not hold bytes hashing to %s", p, d)
		}
	}

	// The logged model: READY, from the parent run, its files uploaded
	// through the proxy to its own location and loadable again.
	if !strings.HasPrefix(got.ModelID, "m-") || got.ModelStatus != "READY" || got.ModelName != "fraud-model" || got.ModelRun != got.PackagingRun ||
		got.ModelLocation != "mlflow-artifacts:/"+experimentID+"/models/"+got.ModelID+"/artifacts" {
		t.Errorf("logged model: %+v", got)
	}
	if len(got.Prediction) != 3 {
		t.Errorf("the loaded model predicted %v", got.Prediction)
	}
	outputs := must(w.st.ModelOutputsOfRun(ctxT(t), hubRunID(t, got.PackagingRun))).of(t)
	if len(outputs) != 1 || outputs[0].ModelID != got.ModelID || len(got.PackagingOutputs) != 1 || got.PackagingOutputs[0] != got.ModelID {
		t.Errorf("models the run output: store %+v, client %v", outputs, got.PackagingOutputs)
	}
	if want := [][2]float64{{0, 0.8}, {1, 0.85}, {2, 0.9}}; !slices.Equal(got.PackagingHistory, want) {
		t.Errorf("after log_model re-sent the step-0 point, the history is %v, want %v (each point once)", got.PackagingHistory, want)
	}
	marts := must(w.st.ArtifactsOf(ctxT(t), store.ArtifactOwner{Kind: store.ArtifactOfLoggedModel, ID: got.ModelID})).of(t)
	var mpaths []string
	for _, a := range marts {
		mpaths = append(mpaths, a.Path)
		if got.ModelFiles[a.Path] != a.SHA256 || stored(a.SHA256) != a.SHA256 {
			t.Errorf("model file %s: recorded %s, downloaded %s", a.Path, a.SHA256, got.ModelFiles[a.Path])
		}
	}
	if !slices.Contains(mpaths, "MLmodel") || !slices.Contains(mpaths, "model.skops") || len(marts) != len(got.ModelFiles) {
		t.Errorf("model files in the graph = %v, downloaded %v", mpaths, got.ModelFiles)
	}

	// The calls the client made for them, as the proxy in front of the hub
	// saw them.
	seen := calls.lines()
	for _, want := range []string{
		"PUT /api/2.0/mlflow-artifacts/artifacts/" + experimentID + "/" + parent + "/artifacts/notes/summary.txt",
		"PUT /api/2.0/mlflow-artifacts/artifacts/" + experimentID + "/" + parent + "/artifacts/reports/report.csv",
		"GET /api/2.0/mlflow-artifacts/artifacts?path=" + url.QueryEscape(experimentID+"/"+parent+"/artifacts"),
		"GET /api/2.0/mlflow-artifacts/artifacts/" + experimentID + "/" + parent + "/artifacts/plots/square.png",
		"POST /api/2.0/mlflow/logged-models",
		"POST /api/2.0/mlflow/runs/outputs",
		"GET /api/2.0/mlflow/logged-models/" + got.ModelID,
		"PUT /api/2.0/mlflow-artifacts/artifacts/" + experimentID + "/models/" + got.ModelID + "/artifacts/MLmodel",
		"PATCH /api/2.0/mlflow/logged-models/" + got.ModelID,
	} {
		if !slices.Contains(seen, want) {
			t.Errorf("the client did not call %s", want)
		}
	}
	if t.Failed() {
		t.Logf("the client's calls:\n%s", strings.Join(seen, "\n"))
	}
}

// callLog is a logging reverse proxy in front of the hub: it records the
// method, path and query of every request the client makes.
type callLog struct {
	url  string
	mu   sync.Mutex
	seen []string
}

func (c *callLog) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.seen)
}

func recordCalls(t *testing.T, target string) *callLog {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	c := &callLog{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		line := fmt.Sprintf("%s %s", r.Method, r.URL.EscapedPath())
		if r.URL.RawQuery != "" {
			line += "?" + r.URL.RawQuery
		}
		c.mu.Lock()
		c.seen = append(c.seen, line)
		c.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	c.url = srv
	return c
}

// TestMLflowPythonClientLifecycle: the real mlflow client deletes and
// restores a run and an experiment (MlflowClient.delete_run, restore_run,
// delete_experiment, restore_experiment) and searches with each view type.
// testdata/mlflow/lifecycle.py prints what the client saw; the expected
// answers are those a real MLflow 3.17 server gave the same script, except
// that restoring the experiment brings back only the runs its deletion
// deleted (here both: the dropped run was restored before).
func TestMLflowPythonClientLifecycle(t *testing.T) {
	w := newMLflowWorld(t)
	calls := recordCalls(t, w.h.srv.URL)
	py := pyenv.Python(t, "mlflow")
	out := pyenv.Run(t, py, "testdata/mlflow/lifecycle.py", []string{
		"MLFLOW_TRACKING_URI=" + calls.url,
		"MLFLOW_TRACKING_TOKEN=" + w.contributor,
		"MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true",
		"MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT=true",
		"MLFLOW_HTTP_REQUEST_MAX_RETRIES=0",
		"EXPERIMENT=fraud-lifecycle",
	})
	var got struct {
		ExperimentID       string    `json:"experiment_id"`
		RunDeleted         string    `json:"run_deleted"`
		HistoryOfDeleted   []float64 `json:"history_of_deleted"`
		ActiveOnly         []string  `json:"active_only"`
		DeletedOnly        []string  `json:"deleted_only"`
		All                []string  `json:"all"`
		DeletedFiltered    []string  `json:"deleted_filtered"`
		DeletedFrame       []string  `json:"deleted_frame"`
		LogToDeleted       string    `json:"log_to_deleted"`
		EndDeleted         string    `json:"end_deleted"`
		RunRestored        string    `json:"run_restored"`
		ExperimentDeleted  string    `json:"experiment_deleted"`
		ByNameDeleted      string    `json:"by_name_deleted"`
		RunsDeletedWithIt  []string  `json:"runs_deleted_with_it"`
		DeletedExperiments []string  `json:"deleted_experiments"`
		ActiveExperiments  []string  `json:"active_experiments"`
		RunInDeleted       string    `json:"run_in_deleted"`
		NameOfDeleted      string    `json:"name_of_deleted"`
		SetDeleted         string    `json:"set_deleted"`
		ExperimentRestored string    `json:"experiment_restored"`
		ActiveAfterRestore []string  `json:"active_after_restore"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("lifecycle.py printed %q: %v", out, err)
	}
	var ids struct{ Keep, Drop string }
	if err := json.Unmarshal([]byte(out), &ids); err != nil {
		t.Fatal(err)
	}
	keep, drop := ids.Keep, ids.Drop
	both := sorted(keep, drop)
	checks := []struct {
		what      string
		got, want any
	}{
		{"get_run of a deleted run", got.RunDeleted, "deleted"},
		{"its metric history", got.HistoryOfDeleted, []float64{0.5}},
		{"search_runs (ACTIVE_ONLY)", got.ActiveOnly, []string{keep}},
		{"search_runs DELETED_ONLY", got.DeletedOnly, []string{drop}},
		{"search_runs ALL", got.All, both},
		{"search_runs DELETED_ONLY with a filter", got.DeletedFiltered, []string{drop}},
		{"mlflow.search_runs DELETED_ONLY", got.DeletedFrame, []string{drop}},
		{"log_param to a deleted run", got.LogToDeleted, "INVALID_PARAMETER_VALUE"},
		{"set_terminated of a deleted run", got.EndDeleted, "INVALID_PARAMETER_VALUE"},
		{"get_run after restore_run", got.RunRestored, "active"},
		{"get_experiment of a deleted experiment", got.ExperimentDeleted, "deleted"},
		{"get_experiment_by_name of a deleted experiment", got.ByNameDeleted, "deleted"},
		{"its runs, deleted with it", got.RunsDeletedWithIt, both},
		{"search_experiments DELETED_ONLY", got.DeletedExperiments, []string{got.ExperimentID}},
		{"search_experiments (ACTIVE_ONLY)", len(got.ActiveExperiments), 0},
		{"create_run in a deleted experiment", got.RunInDeleted, "INVALID_PARAMETER_VALUE"},
		{"create_experiment with a deleted one's name", got.NameOfDeleted, "RESOURCE_ALREADY_EXISTS"},
		{"get_experiment after restore_experiment", got.ExperimentRestored, "active"},
		{"search_runs after restore_experiment", got.ActiveAfterRestore, both},
	}
	for _, c := range checks {
		if !jsonEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	if !strings.Contains(got.SetDeleted, "Cannot set a deleted experiment") {
		t.Errorf("set_experiment of a deleted experiment: %q", got.SetDeleted)
	}
	seen := calls.lines()
	for _, want := range []string{"POST /api/2.0/mlflow/runs/delete", "POST /api/2.0/mlflow/runs/restore",
		"POST /api/2.0/mlflow/experiments/delete", "POST /api/2.0/mlflow/experiments/restore"} {
		if !slices.Contains(seen, want) {
			t.Errorf("the client did not call %s; it called:\n%s", want, strings.Join(seen, "\n"))
		}
	}
	// The log: one event per change, the repeated delete and restore none.
	kinds := map[store.EventKind]int{}
	for _, k := range projectEventKinds(t, w.h.st, w.key, 0) {
		kinds[k]++
	}
	if kinds[store.EventRunDeleted] != 1 || kinds[store.EventRunRestored] != 1 || kinds[store.EventExperimentDeleted] != 1 || kinds[store.EventExperimentRestored] != 1 {
		t.Errorf("lifecycle events = %v, want one of each", kinds)
	}
}
