package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// mlflowResponse is an MLflow REST answer as the client reads it.
type mlflowResponse struct {
	Status int
	Body   map[string]any
	Raw    string
}

// mlflowCall sends one MLflow request: GET with params in the query
// string, anything else with a JSON body (raw when body is a string).
func mlflowCall(t *testing.T, base, tok, method, path string, body any) mlflowResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	u := base + path
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	case url.Values:
		u += "?" + b.Encode()
		rd = bytes.NewReader(nil)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	out := mlflowResponse{Status: resp.StatusCode, Raw: buf.String()}
	if err := json.Unmarshal(buf.Bytes(), &out.Body); err != nil {
		t.Fatalf("%s %s: response is not a JSON object (HTTP %d): %s", method, path, resp.StatusCode, buf.String())
	}
	return out
}

func (r mlflowResponse) ok(t *testing.T) map[string]any {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("want 200, got %d: %s", r.Status, r.Raw)
	}
	return r.Body
}

func (r mlflowResponse) fails(t *testing.T, status int, code string, mentions ...string) {
	t.Helper()
	if r.Status != status || r.Body["error_code"] != code {
		t.Fatalf("want %d %s, got %d: %s", status, code, r.Status, r.Raw)
	}
	msg, _ := r.Body["message"].(string)
	for _, m := range mentions {
		if !strings.Contains(msg, m) {
			t.Errorf("message %q does not mention %q", msg, m)
		}
	}
}

// mlflowWorld is a project with a contributor's and a viewer's token and
// a hub serving the MLflow API with that project as the default.
type mlflowWorld struct {
	h                   *hub
	key                 string
	contributor, viewer string
}

func newMLflowWorld(t *testing.T) *mlflowWorld {
	t.Helper()
	st := neo4jtest.Store(t)
	key := neo4jtest.Key(t, "mlf")
	must(st.CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: key, Name: "MLflow " + key})).of(t)
	h := newHub(t, func(o *api.Options) { o.Store = st; o.MLflow = mlflow.Config{DefaultProject: key} })
	return &mlflowWorld{h: h, key: key,
		contributor: token(t, "mlf-alice", map[string]auth.Role{key: auth.RoleContributor}),
		viewer:      token(t, "mlf-victor", map[string]auth.Role{key: auth.RoleViewer})}
}

func (w *mlflowWorld) call(t *testing.T, tok, method, path string, body any) mlflowResponse {
	t.Helper()
	return mlflowCall(t, w.h.srv.URL, tok, method, "/api/2.0/mlflow/"+path, body)
}

// run creates an experiment (once per name) and a RUNNING run in it and
// returns the MLflow run id.
func (w *mlflowWorld) run(t *testing.T, experiment string) string {
	t.Helper()
	var expID string
	got := w.call(t, w.contributor, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {experiment}})
	if got.Status == http.StatusOK {
		expID = got.Body["experiment"].(map[string]any)["experiment_id"].(string)
	} else {
		expID = w.call(t, w.contributor, http.MethodPost, "experiments/create", map[string]any{"name": experiment}).ok(t)["experiment_id"].(string)
	}
	res := w.call(t, w.contributor, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID, "run_name": "r",
		"start_time": time.Now().UnixMilli(), "tags": []map[string]string{{"key": "mlflow.user", "value": "alice"}}}).ok(t)
	return res["run"].(map[string]any)["info"].(map[string]any)["run_id"].(string)
}

// getRun returns run.data of a run as the client reads it.
func (w *mlflowWorld) getRun(t *testing.T, runID string) map[string]any {
	t.Helper()
	return w.call(t, w.contributor, http.MethodGet, "runs/get", url.Values{"run_id": {runID}, "run_uuid": {runID}}).ok(t)["run"].(map[string]any)
}

func count(m map[string]any, path ...string) int {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return 0
		}
		v = mm[p]
	}
	l, _ := v.([]any)
	return len(l)
}

func TestMLflowTracking(t *testing.T) {
	w := newMLflowWorld(t)
	c := w.contributor

	w.call(t, c, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {"fraud-gbm"}}).
		fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "fraud-gbm")
	expID := w.call(t, c, http.MethodPost, "experiments/create", map[string]any{"name": "fraud-gbm"}).ok(t)["experiment_id"].(string)
	w.call(t, c, http.MethodPost, "experiments/create", map[string]any{"name": "fraud-gbm"}).
		fails(t, http.StatusBadRequest, "RESOURCE_ALREADY_EXISTS", "fraud-gbm")
	// project/experiment names place an experiment in that project.
	got := w.call(t, c, http.MethodGet, "experiments/get", url.Values{"experiment_id": {expID}}).ok(t)["experiment"].(map[string]any)
	if got["name"] != "fraud-gbm" || got["lifecycle_stage"] != "active" || got["artifact_location"] != "mlflow-artifacts:/"+expID {
		t.Errorf("experiment = %v", got)
	}
	byPath := w.call(t, c, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {w.key + "/fraud-gbm"}}).ok(t)
	if id := byPath["experiment"].(map[string]any)["experiment_id"]; id != expID {
		t.Errorf("project/experiment found %v, want %s", id, expID)
	}
	found := w.call(t, c, http.MethodPost, "experiments/search", map[string]any{"filter": "name LIKE 'fraud%'", "max_results": 10}).ok(t)
	if count(found, "experiments") != 1 {
		t.Errorf("experiments/search = %v", found)
	}

	run := w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID, "user_id": "alice", "run_name": "train",
		"start_time": time.Now().UnixMilli(), "tags": []map[string]string{{"key": "mlflow.user", "value": "alice"}, {"key": "mlflow.source.name", "value": "train.py"}}}).ok(t)
	info := run["run"].(map[string]any)["info"].(map[string]any)
	runID := info["run_id"].(string)
	if len(runID) != 32 || info["status"] != "RUNNING" || info["experiment_id"] != expID || info["artifact_uri"] == "" || info["lifecycle_stage"] != "active" {
		t.Fatalf("run info = %v", info)
	}
	child := w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID,
		"tags": []map[string]string{{"key": "mlflow.parentRunId", "value": runID}, {"key": "mlflow.runName", "value": "child"}}}).ok(t)
	if n := child["run"].(map[string]any)["info"].(map[string]any)["run_name"]; n != "child" {
		t.Errorf("child run_name = %v, want the mlflow.runName tag", n)
	}

	w.call(t, c, http.MethodPost, "runs/log-parameter", map[string]any{"run_id": runID, "run_uuid": runID, "key": "lr", "value": "0.1"}).ok(t)
	w.call(t, c, http.MethodPost, "runs/log-parameter", map[string]any{"run_id": runID, "key": "lr", "value": "0.1"}).ok(t) // a retry
	w.call(t, c, http.MethodPost, "runs/log-parameter", map[string]any{"run_id": runID, "key": "lr", "value": "0.2"}).
		fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "lr")
	for step := range 5 {
		w.call(t, c, http.MethodPost, "runs/log-metric", map[string]any{"run_id": runID, "run_uuid": runID, "key": "loss",
			"value": 1.0 / float64(step+1), "timestamp": time.Now().UnixMilli(), "step": step}).ok(t)
	}
	w.call(t, c, http.MethodPost, "runs/log-batch", map[string]any{"run_id": runID,
		"metrics": []map[string]any{{"key": "auc", "value": "0.9", "timestamp": "1796215031953", "step": "1"}},
		"params":  []map[string]string{{"key": "depth", "value": "6"}},
		"tags":    []map[string]string{{"key": "team", "value": "risk"}, {"key": "tmp", "value": "x"}}}).ok(t)
	w.call(t, c, http.MethodPost, "runs/set-tag", map[string]any{"run_id": runID, "key": "stage", "value": "dev"}).ok(t)
	w.call(t, c, http.MethodPost, "runs/delete-tag", map[string]any{"run_id": runID, "key": "tmp"}).ok(t)
	w.call(t, c, http.MethodPost, "runs/delete-tag", map[string]any{"run_id": runID, "key": "tmp"}).ok(t) // a retry

	r := w.getRun(t, runID)
	data := r["data"].(map[string]any)
	if count(r, "data", "params") != 2 || count(r, "data", "metrics") != 2 {
		t.Errorf("run data = %v", data)
	}
	tags := map[string]string{}
	for _, kv := range data["tags"].([]any) {
		m := kv.(map[string]any)
		tags[m["key"].(string)] = m["value"].(string)
	}
	if tags["team"] != "risk" || tags["stage"] != "dev" || tags["mlflow.source.name"] != "train.py" || tags["mlflow.runName"] != "train" {
		t.Errorf("tags = %v", tags)
	}
	if _, ok := tags["tmp"]; ok {
		t.Errorf("deleted tag tmp is still there: %v", tags)
	}
	for _, m := range data["metrics"].([]any) {
		if mm := m.(map[string]any); mm["key"] == "loss" && (mm["step"] != 4.0 || mm["value"] != 0.2) {
			t.Errorf("latest loss = %v, want step 4 value 0.2", mm)
		}
	}

	// get-history pages through the series with max_results and page_token.
	var steps []float64
	q := url.Values{"run_id": {runID}, "run_uuid": {runID}, "metric_key": {"loss"}, "max_results": {"2"}}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("get-history does not stop paging")
		}
		page := w.call(t, c, http.MethodGet, "metrics/get-history", q).ok(t)
		for _, m := range page["metrics"].([]any) {
			steps = append(steps, m.(map[string]any)["step"].(float64))
		}
		tok, _ := page["next_page_token"].(string)
		if tok == "" {
			break
		}
		q.Set("page_token", tok)
	}
	if len(steps) != 5 || steps[0] != 0 || steps[4] != 4 {
		t.Errorf("history steps = %v", steps)
	}
	if res := w.call(t, c, http.MethodGet, "metrics/get-history", url.Values{"run_id": {runID}, "metric_key": {"nope"}}).ok(t); len(res) != 0 {
		t.Errorf("history of an unknown key = %v, want {}", res)
	}

	// runs/search pages through an experiment's runs, newest first.
	var seen []string
	body := map[string]any{"experiment_ids": []string{expID}, "run_view_type": "ACTIVE_ONLY", "filter": "", "max_results": 1}
	for pages := 0; ; pages++ {
		if pages > 4 {
			t.Fatal("runs/search does not stop paging")
		}
		page := w.call(t, c, http.MethodPost, "runs/search", body).ok(t)
		for _, r := range page["runs"].([]any) {
			seen = append(seen, r.(map[string]any)["info"].(map[string]any)["run_id"].(string))
		}
		tok, _ := page["next_page_token"].(string)
		if tok == "" {
			break
		}
		body["page_token"] = tok
	}
	if len(seen) != 2 || seen[1] != runID {
		t.Errorf("runs/search saw %v, want the child then %s", seen, runID)
	}
	// A filter runs the hub's run search (MLflow's grammar plus OR).
	hits := w.call(t, c, http.MethodPost, "runs/search", map[string]any{"experiment_ids": []string{expID},
		"filter": "metrics.auc > 0.5 and params.depth = '6' or tags.nope = 'x'", "order_by": []string{"attributes.start_time DESC"}, "max_results": 1000}).ok(t)
	if runs, _ := hits["runs"].([]any); len(runs) != 1 || runs[0].(map[string]any)["info"].(map[string]any)["run_id"] != runID {
		t.Errorf("runs/search with a filter = %v, want %s", hits, runID)
	}
	w.call(t, c, http.MethodPost, "runs/search", map[string]any{"experiment_ids": []string{expID}, "filter": "metrics.auc >> 0.5"}).
		fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "filter")

	upd := w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "run_uuid": runID, "status": "FINISHED",
		"end_time": time.Now().UnixMilli()}).ok(t)
	if ri := upd["run_info"].(map[string]any); ri["status"] != "FINISHED" || ri["end_time"] == nil {
		t.Errorf("run_info after update = %v", ri)
	}
	w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "status": "FINISHED"}).ok(t) // a retry
	renamed := w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "status": "FINISHED", "run_name": "train-v2"}).ok(t)
	if n := renamed["run_info"].(map[string]any)["run_name"]; n != "train-v2" {
		t.Errorf("renamed run_name = %v", n)
	}
	for _, kv := range w.getRun(t, runID)["data"].(map[string]any)["tags"].([]any) {
		if m := kv.(map[string]any); m["key"] == "mlflow.runName" && m["value"] != "train-v2" {
			t.Errorf("mlflow.runName after a rename = %v", m["value"])
		}
	}
	failed := w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": child["run"].(map[string]any)["info"].(map[string]any)["run_id"], "status": "FAILED"}).ok(t)
	if failed["run_info"].(map[string]any)["status"] != "FAILED" {
		t.Errorf("failed run = %v", failed)
	}

	// server-info says the hub does not do multipart artifact transfers.
	info3 := mlflowCall(t, w.h.srv.URL, c, http.MethodGet, "/api/3.0/mlflow/server-info", nil).ok(t)
	if info3["multipart_downloads_enabled"] != false {
		t.Errorf("server-info = %v", info3)
	}
}

// TestMLflowDefaultExperiment: a script that never sets an experiment
// posts to experiment "0", the default project's Default experiment.
func TestMLflowDefaultExperiment(t *testing.T) {
	w := newMLflowWorld(t)
	w.call(t, w.viewer, http.MethodGet, "experiments/get", url.Values{"experiment_id": {"0"}}).
		fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
	res := w.call(t, w.contributor, http.MethodPost, "runs/create", map[string]any{"experiment_id": "0"}).ok(t)
	expID := res["run"].(map[string]any)["info"].(map[string]any)["experiment_id"].(string)
	got := w.call(t, w.viewer, http.MethodGet, "experiments/get", url.Values{"experiment_id": {"0"}}).ok(t)
	if e := got["experiment"].(map[string]any); e["experiment_id"] != expID || e["name"] != "Default" {
		t.Errorf("experiment 0 = %v, want %s named Default", e, expID)
	}
}

// TestMLflowErrors: each bad request answers MLflow's error code and
// status, and writes nothing.
func TestMLflowErrors(t *testing.T) {
	w := newMLflowWorld(t)
	runID := w.run(t, "errors")
	w.call(t, w.contributor, http.MethodPost, "runs/log-batch", map[string]any{"run_id": runID,
		"metrics": []map[string]any{{"key": "m", "value": 1, "timestamp": 1, "step": 0}}}).ok(t)
	unknown := strings.Repeat("ab", 16)
	big := make([]map[string]any, mlflow.MaxBatchMetrics+1)
	for i := range big {
		big[i] = map[string]any{"key": "m", "value": i, "timestamp": 1, "step": i}
	}
	manyParams := make([]map[string]string, mlflow.MaxBatchParamsTags+1)
	for i := range manyParams {
		manyParams[i] = map[string]string{"key": "p" + strings.Repeat("x", i%7) + string(rune('a'+i%26)), "value": "v"}
	}
	cases := []struct {
		name           string
		tok            string
		method, path   string
		body           any
		status         int
		code           string
		mentions       []string
		finishRunFirst bool
	}{
		{"unknown run", w.contributor, http.MethodGet, "runs/get", url.Values{"run_id": {unknown}}, 404, "RESOURCE_DOES_NOT_EXIST", []string{unknown}, false},
		{"malformed run id", w.contributor, http.MethodGet, "runs/get", url.Values{"run_id": {"not-a-run"}}, 404, "RESOURCE_DOES_NOT_EXIST", nil, false},
		{"metric to an unknown run", w.contributor, http.MethodPost, "runs/log-metric", map[string]any{"run_id": unknown, "key": "m", "value": 2, "timestamp": 1}, 404, "RESOURCE_DOES_NOT_EXIST", nil, false},
		{"malformed JSON", w.contributor, http.MethodPost, "runs/log-batch", `{"run_id": "` + runID + `", "metrics": [`, 400, "INVALID_PARAMETER_VALUE", []string{"malformed"}, false},
		{"wrong type", w.contributor, http.MethodPost, "runs/log-metric", map[string]any{"run_id": runID, "key": "m", "value": "abc", "timestamp": 1}, 400, "INVALID_PARAMETER_VALUE", nil, false},
		{"no token", "", http.MethodPost, "runs/log-metric", map[string]any{"run_id": runID, "key": "m", "value": 2, "timestamp": 1}, 401, "UNAUTHENTICATED", nil, false},
		{"viewer logs a metric", w.viewer, http.MethodPost, "runs/log-metric", map[string]any{"run_id": runID, "key": "m", "value": 2, "timestamp": 1}, 403, "PERMISSION_DENIED", []string{"contributor"}, false},
		{"viewer logs a batch", w.viewer, http.MethodPost, "runs/log-batch", map[string]any{"run_id": runID, "params": []map[string]string{{"key": "v", "value": "1"}}}, 403, "PERMISSION_DENIED", nil, false},
		{"viewer creates an experiment", w.viewer, http.MethodPost, "experiments/create", map[string]any{"name": "viewer-exp"}, 403, "PERMISSION_DENIED", nil, false},
		{"too many metrics", w.contributor, http.MethodPost, "runs/log-batch", map[string]any{"run_id": runID, "metrics": big, "params": []map[string]string{{"key": "q", "value": "1"}}}, 400, "INVALID_PARAMETER_VALUE", []string{"1000 metrics"}, false},
		{"too many params", w.contributor, http.MethodPost, "runs/log-batch", map[string]any{"run_id": runID, "params": manyParams}, 400, "INVALID_PARAMETER_VALUE", []string{"100 params"}, false},
		{"NaN in a batch", w.contributor, http.MethodPost, "runs/log-batch", map[string]any{"run_id": runID,
			"metrics": []map[string]any{{"key": "ok", "value": 1, "timestamp": 1}, {"key": "weird", "value": "NaN", "timestamp": 1}},
			"params":  []map[string]string{{"key": "q", "value": "1"}}}, 400, "INVALID_PARAMETER_VALUE", []string{"weird"}, false},
		{"Infinity", w.contributor, http.MethodPost, "runs/log-metric", map[string]any{"run_id": runID, "key": "inf", "value": "-Infinity", "timestamp": 1}, 400, "INVALID_PARAMETER_VALUE", []string{"inf"}, false},
		{"unknown endpoint", w.contributor, http.MethodPost, "runs/teleport", map[string]any{}, 404, "ENDPOINT_NOT_FOUND", nil, false},
		{"metric on a finished run", w.contributor, http.MethodPost, "runs/log-batch", map[string]any{"run_id": runID,
			"metrics": []map[string]any{{"key": "m", "value": 3, "timestamp": 1}}, "params": []map[string]string{{"key": "late", "value": "1"}}}, 400, "INVALID_PARAMETER_VALUE", []string{"FINISHED"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.finishRunFirst {
				w.call(t, w.contributor, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "status": "FINISHED"}).ok(t)
			}
			before := w.getRun(t, runID)
			w.call(t, tc.tok, tc.method, tc.path, tc.body).fails(t, tc.status, tc.code, tc.mentions...)
			after := w.getRun(t, runID)
			delete(before["info"].(map[string]any), "status")
			delete(after["info"].(map[string]any), "status")
			delete(before["info"].(map[string]any), "end_time")
			delete(after["info"].(map[string]any), "end_time")
			b, _ := json.Marshal(before)
			a, _ := json.Marshal(after)
			if !bytes.Equal(a, b) {
				t.Errorf("the refused request changed the run:\nbefore %s\nafter  %s", b, a)
			}
			hist := w.call(t, w.contributor, http.MethodGet, "metrics/get-history", url.Values{"run_id": {runID}, "metric_key": {"m"}}).ok(t)
			if count(hist, "metrics") != 1 {
				t.Errorf("history of m = %v, want the one point", hist)
			}
		})
	}
	// A viewer reads.
	w.call(t, w.viewer, http.MethodGet, "runs/get", url.Values{"run_id": {runID}}).ok(t)
}

// TestMLflowLogInputs: log_input's dataset becomes a Dataset named from its
// source and a version labelled with MLflow's digest (integrity NONE, not
// a sha256), which the run CONSUMES; logging it again adds nothing.
func TestMLflowLogInputs(t *testing.T) {
	w := newMLflowWorld(t)
	runID := w.run(t, "inputs")
	// Verbatim from the mlflow 3.17.2 client (from_pandas with an s3 source).
	body := `{"run_id": "` + runID + `", "datasets": [{"tags": [{"key": "split", "value": "train"},
	   {"key": "mlflow.data.context", "value": "training"}],
	  "dataset": {"name": "train-set", "digest": "f6c67107", "source_type": "s3",
	   "source": "{\"uri\": \"s3://bucket/data/train.csv\"}",
	   "schema": "{\"mlflow_colspec\": [{\"type\": \"double\", \"name\": \"x\", \"required\": true}, {\"type\": \"long\", \"name\": \"y\", \"required\": true}]}",
	   "profile": "{\"num_rows\": 3, \"num_elements\": 9}"}}]}`
	w.call(t, w.contributor, http.MethodPost, "runs/log-inputs", body).ok(t)
	w.call(t, w.contributor, http.MethodPost, "runs/log-inputs", body).ok(t) // a retry
	w.call(t, w.viewer, http.MethodPost, "runs/log-inputs", body).fails(t, http.StatusForbidden, "PERMISSION_DENIED")

	r := w.getRun(t, runID)
	ins := r["inputs"].(map[string]any)["dataset_inputs"].([]any)
	if len(ins) != 1 {
		t.Fatalf("dataset_inputs = %v, want one", ins)
	}
	ds := ins[0].(map[string]any)["dataset"].(map[string]any)
	if ds["digest"] != "f6c67107" || ds["name"] != "train-set" || ds["source_type"] != "s3" || !strings.Contains(ds["source"].(string), "s3://bucket") {
		t.Errorf("dataset = %v", ds)
	}
	if n := len(ins[0].(map[string]any)["tags"].([]any)); n != 2 {
		t.Errorf("input tags = %v", ins[0])
	}

	hubRun := "run_" + runID[0:8] + "-" + runID[8:12] + "-" + runID[12:16] + "-" + runID[16:20] + "-" + runID[20:]
	var out struct {
		Node struct {
			Inputs []struct {
				Version   string  `json:"version"`
				Digest    *string `json:"digest"`
				Integrity string  `json:"integrity"`
				Source    *string `json:"source"`
				RowCount  *int    `json:"rowCount"`
				Dataset   struct {
					Namespace, Name string
				} `json:"dataset"`
			} `json:"inputs"`
		} `json:"node"`
	}
	w.h.gql(t, w.contributor, `query($id: ID!) { node(id: $id) { ... on Run { inputs { version digest integrity source rowCount dataset { namespace name } } } } }`,
		map[string]any{"id": hubRun}).ok(t, &out)
	if len(out.Node.Inputs) != 1 {
		t.Fatalf("run inputs through GraphQL = %+v", out.Node.Inputs)
	}
	in := out.Node.Inputs[0]
	if in.Version != "f6c67107" || in.Digest != nil || in.Integrity != "NONE" || in.Source == nil || *in.Source != "mlflow" ||
		in.Dataset.Namespace != "s3://bucket" || in.Dataset.Name != "data/train.csv" || in.RowCount == nil || *in.RowCount != 3 {
		t.Errorf("input = %+v", in)
	}
}

// TestMLflowRetriedBatch: the client re-sends a batch byte for byte when an
// answer is lost; its points are written once. A batch with other points
// is appended, except a point equal (step, timestamp, value) to one the
// series has, which MLflow's server keeps once too.
func TestMLflowRetriedBatch(t *testing.T) {
	w := newMLflowWorld(t)
	runID := w.run(t, "retries")
	batch := `{"run_id": "` + runID + `", "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1796215031953, "step": 1},
		{"key": "loss", "value": "0.25", "timestamp": "1796215031954", "step": "2"}], "params": [{"key": "lr", "value": "0.1"}]}`
	for range 3 {
		w.call(t, w.contributor, http.MethodPost, "runs/log-batch", batch).ok(t)
	}
	point := map[string]any{"run_id": runID, "key": "loss", "value": 0.125, "timestamp": 1796215031955, "step": 3}
	w.call(t, w.contributor, http.MethodPost, "runs/log-metric", point).ok(t)
	w.call(t, w.contributor, http.MethodPost, "runs/log-metric", point).ok(t)
	w.call(t, w.contributor, http.MethodPost, "runs/log-batch", strings.Replace(batch, "0.5", "0.75", 1)).ok(t)
	hist := w.call(t, w.contributor, http.MethodGet, "metrics/get-history", url.Values{"run_id": {runID}, "metric_key": {"loss"}}).ok(t)
	if n := count(hist, "metrics"); n != 4 {
		t.Errorf("history has %d points, want 2 + 1 + 1 (retries written once, the last batch's 0.25 at step 2 is there already): %v", n, hist)
	}
	values := map[float64]int{}
	for _, m := range hist["metrics"].([]any) {
		values[m.(map[string]any)["value"].(float64)]++
	}
	if values[0.5] != 1 || values[0.25] != 1 || values[0.125] != 1 || values[0.75] != 1 {
		t.Errorf("history values %v, want 0.5, 0.25, 0.125 and 0.75 once each", values)
	}
}

// TestMLflowExperimentTags: tags given at creation and set later come back
// with the experiment; a viewer may not set one.
func TestMLflowExperimentTags(t *testing.T) {
	w := newMLflowWorld(t)
	id := w.call(t, w.contributor, http.MethodPost, "experiments/create", map[string]any{"name": "tagged",
		"tags": []map[string]string{{"key": "team", "value": "risk"}}}).ok(t)["experiment_id"].(string)
	w.call(t, w.contributor, http.MethodPost, "experiments/set-experiment-tag", map[string]any{"experiment_id": id, "key": "owner", "value": "alice"}).ok(t)
	w.call(t, w.contributor, http.MethodPost, "experiments/set-experiment-tag", map[string]any{"experiment_id": id, "key": "team", "value": "fraud"}).ok(t)
	w.call(t, w.viewer, http.MethodPost, "experiments/set-experiment-tag", map[string]any{"experiment_id": id, "key": "x", "value": "y"}).
		fails(t, http.StatusForbidden, "PERMISSION_DENIED")
	w.call(t, w.contributor, http.MethodPost, "experiments/set-experiment-tag", map[string]any{"experiment_id": "exp_nope", "key": "x", "value": "y"}).
		fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
	// experiments/update renames within the project.
	w.call(t, w.contributor, http.MethodPost, "experiments/create", map[string]any{"name": "other"}).ok(t)
	w.call(t, w.contributor, http.MethodPost, "experiments/update", map[string]any{"experiment_id": id, "new_name": "other"}).
		fails(t, http.StatusBadRequest, "RESOURCE_ALREADY_EXISTS")
	w.call(t, w.contributor, http.MethodPost, "experiments/update", map[string]any{"experiment_id": id, "new_name": "elsewhere/x"}).
		fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE")
	w.call(t, w.viewer, http.MethodPost, "experiments/update", map[string]any{"experiment_id": id, "new_name": "v"}).
		fails(t, http.StatusForbidden, "PERMISSION_DENIED")
	w.call(t, w.contributor, http.MethodPost, "experiments/update", map[string]any{"experiment_id": id, "new_name": "tagged-v2"}).ok(t)
	got := w.call(t, w.viewer, http.MethodGet, "experiments/get", url.Values{"experiment_id": {id}}).ok(t)["experiment"].(map[string]any)
	if got["name"] != "tagged-v2" {
		t.Errorf("renamed experiment = %v", got)
	}
	b, _ := json.Marshal(got["tags"])
	if string(b) != `[{"key":"team","value":"fraud"},{"key":"owner","value":"alice"}]` {
		t.Errorf("tags = %s", b)
	}
}
