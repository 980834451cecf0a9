package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestMLflowRunTimes: a run keeps the start and end times its client
// gives (MLflow's start_time and end_time, what an import copies), and a
// time in the future or an end before the start is refused with nothing
// written.
func TestMLflowRunTimes(t *testing.T) {
	w := newMLflowWorld(t)
	c := w.contributor
	expID := w.call(t, c, http.MethodPost, "experiments/create", map[string]any{"name": "times"}).ok(t)["experiment_id"].(string)
	runs := func() int {
		return count(w.call(t, c, http.MethodPost, "runs/search", map[string]any{"experiment_ids": []string{expID}, "max_results": 100}).ok(t), "runs")
	}

	start := time.Date(2024, 3, 1, 9, 30, 0, 123e6, time.UTC)
	info := w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID, "run_name": "old",
		"start_time": start.UnixMilli()}).ok(t)["run"].(map[string]any)["info"].(map[string]any)
	runID := info["run_id"].(string)
	if got := millisOf(info["start_time"]); got != start.UnixMilli() {
		t.Errorf("start_time = %v, want %d", got, start.UnixMilli())
	}

	// An end before the start, or in the future: refused, the run stays open.
	w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "status": "FINISHED",
		"end_time": start.Add(-time.Minute).UnixMilli()}).fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "endTime", "before the run started")
	w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "status": "FINISHED",
		"end_time": time.Now().Add(24 * time.Hour).UnixMilli()}).fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "endTime", "future")
	got := w.getRun(t, runID)["info"].(map[string]any)
	if got["status"] != "RUNNING" || got["end_time"] != nil {
		t.Fatalf("a refused update changed the run: %v", got)
	}

	end := start.Add(90 * time.Minute)
	w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": runID, "status": "FAILED", "end_time": end.UnixMilli()}).ok(t)
	got = w.getRun(t, runID)["info"].(map[string]any)
	if got["status"] != "FAILED" || millisOf(got["end_time"]) != end.UnixMilli() {
		t.Errorf("after the update: %v, want FAILED ending at %d", got, end.UnixMilli())
	}

	// A start in the future: refused, no run.
	before := runs()
	w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID, "run_name": "later",
		"start_time": time.Now().Add(24 * time.Hour).UnixMilli()}).fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "startTime", "future")
	if after := runs(); after != before {
		t.Errorf("a refused create wrote a run: %d runs, then %d", before, after)
	}
	// No time: now, as before.
	info = w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID, "run_name": "now"}).ok(t)["run"].(map[string]any)["info"].(map[string]any)
	if s := millisOf(info["start_time"]); time.Since(time.UnixMilli(s)) > time.Hour || s <= start.UnixMilli() {
		t.Errorf("a run without start_time started at %v", info["start_time"])
	}
}

func millisOf(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}
