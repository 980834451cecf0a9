package api_test

import (
	"net/http"
	"testing"
	"time"
)

// A filtered runs/search answers as many runs as max_results asks, up to
// the mlflow client's own page of 1,000, as MLflow's server does: code that
// reads one page of MlflowClient.search_runs sees every match it asked for.
func TestMLflowRunSearchFillsTheClientsPage(t *testing.T) {
	w := newMLflowWorld(t)
	c := w.contributor
	expID := w.call(t, c, http.MethodPost, "experiments/create", map[string]any{"name": "paging"}).ok(t)["experiment_id"].(string)
	const runs = 130
	for i := range runs {
		id := w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID}).ok(t)["run"].(map[string]any)["info"].(map[string]any)["run_id"].(string)
		w.call(t, c, http.MethodPost, "runs/log-batch", map[string]any{"run_id": id,
			"metrics": []map[string]any{{"key": "auc", "value": 0.5 + float64(i)/1000, "timestamp": time.Now().UnixMilli(), "step": 0}}}).ok(t)
	}
	search := func(maxResults int, token string) (int, string) {
		body := map[string]any{"experiment_ids": []string{expID}, "filter": "metrics.auc > 0.4", "max_results": maxResults}
		if token != "" {
			body["page_token"] = token
		}
		page := w.call(t, c, http.MethodPost, "runs/search", body).ok(t)
		got, _ := page["runs"].([]any)
		tok, _ := page["next_page_token"].(string)
		return len(got), tok
	}
	if n, tok := search(1000, ""); n != runs || tok != "" {
		t.Errorf("max_results 1000: %d runs (token %q), want all %d in one page", n, tok, runs)
	}
	n, tok := search(100, "")
	if n != 100 || tok == "" {
		t.Fatalf("max_results 100: %d runs (token %q), want 100 and a next page", n, tok)
	}
	if n, tok := search(100, tok); n != runs-100 || tok != "" {
		t.Errorf("second page: %d runs (token %q), want %d and no more", n, tok, runs-100)
	}
	// More than a page asks for a full page, and the token pages on.
	if n, tok := search(50000, ""); n != runs || tok != "" {
		t.Errorf("max_results 50000: %d runs (token %q), want all %d", n, tok, runs)
	}
}
