package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestMLflowLoggedModelParamsWriteOnce: logged-models/<id>/params does
// not change a param's value (MLflow's params are immutable): another
// value is INVALID_PARAMETER_VALUE naming the key, and nothing of the
// call is written; the same value is a no-op. A READY model stays READY.
func TestMLflowLoggedModelParamsWriteOnce(t *testing.T) {
	w := newArtifactsWorld(t)
	c := w.contributor
	root, _ := w.runPath(t, c, "params")
	exp, _, _ := strings.Cut(root, "/")
	id := w.call(t, c, http.MethodPost, "logged-models", map[string]any{"experiment_id": exp, "name": "clf",
		"params": []map[string]string{{"key": "C", "value": "1.0"}}}).ok(t)["model"].(map[string]any)["info"].(map[string]any)["model_id"].(string)
	params := func() string {
		got := w.call(t, w.viewer, http.MethodGet, "logged-models/"+id, nil).ok(t)["model"].(map[string]any)
		b, _ := json.Marshal(got["data"].(map[string]any)["params"])
		return string(b)
	}
	w.call(t, c, http.MethodPost, "logged-models/"+id+"/params", map[string]any{"params": []map[string]string{
		{"key": "penalty", "value": "l2"}, {"key": "C", "value": "100"}}}).
		fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", `"C"`, "write-once")
	if got := params(); got != `[{"key":"C","value":"1.0"}]` {
		t.Errorf("params after a refused overwrite = %s", got)
	}
	w.call(t, c, http.MethodPost, "logged-models/"+id+"/params", map[string]any{"params": []map[string]string{{"key": "C", "value": "1.0"}}}).ok(t)
	if got := params(); got != `[{"key":"C","value":"1.0"}]` {
		t.Errorf("params after the same value again = %s", got)
	}

	w.call(t, c, http.MethodPatch, "logged-models/"+id, map[string]any{"status": "LOGGED_MODEL_READY"}).ok(t)
	w.call(t, c, http.MethodPatch, "logged-models/"+id, map[string]any{"status": "LOGGED_MODEL_PENDING"}).
		fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "stays READY")
}

// TestMLflowSearchExperimentLimit: runs/search and logged-models/search
// take at most 100 experiment ids (INVALID_PARAMETER_VALUE naming the
// limit), and an id named twice counts once.
func TestMLflowSearchExperimentLimit(t *testing.T) {
	w := newArtifactsWorld(t)
	c := w.contributor
	root, _ := w.runPath(t, c, "limit")
	exp, _, _ := strings.Cut(root, "/")
	w.call(t, c, http.MethodPost, "logged-models", map[string]any{"experiment_id": exp, "name": "clf"}).ok(t)
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("exp_%08d-0000-0000-0000-000000000000", i)
	}
	for _, path := range []string{"runs/search", "logged-models/search"} {
		t.Run(path, func(t *testing.T) {
			w.call(t, c, http.MethodPost, path, map[string]any{"experiment_ids": many}).
				fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "experiment_ids", "at most 100")
			key := map[string]string{"runs/search": "runs", "logged-models/search": "models"}[path]
			found := w.call(t, c, http.MethodPost, path, map[string]any{"experiment_ids": []string{exp, exp, "0", exp}}).ok(t)
			if n := count(found, key); n != 1 {
				t.Errorf("an experiment named three times found %d %s, want 1", n, key)
			}
			hundred := append(make([]string, 0, 100), many[:99]...)
			if n := count(w.call(t, c, http.MethodPost, path, map[string]any{"experiment_ids": append(hundred, exp)}).ok(t), key); n != 1 {
				t.Errorf("100 ids found %d %s, want 1", n, key)
			}
		})
	}
}
