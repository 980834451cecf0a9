package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
)

// projectEventKinds returns the kinds of a project's events after seq.
func projectEventKinds(t *testing.T, st *store.Store, key string, after int64) []store.EventKind {
	t.Helper()
	evs, err := st.EventsAfter(t.Context(), after, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{key}})
	if err != nil {
		t.Fatalf("events of %s: %v", key, err)
	}
	out := make([]store.EventKind, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

func eventHead(t *testing.T, st *store.Store) int64 {
	t.Helper()
	seq, err := st.EventHead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// lifecycleOf reads a run's lifecycle_stage as the client does.
func (w *mlflowWorld) lifecycleOf(t *testing.T, runID string) string {
	t.Helper()
	return w.getRun(t, runID)["info"].(map[string]any)["lifecycle_stage"].(string)
}

func (w *mlflowWorld) experimentStage(t *testing.T, id string) string {
	t.Helper()
	e := w.call(t, w.contributor, http.MethodGet, "experiments/get", url.Values{"experiment_id": {id}}).ok(t)["experiment"].(map[string]any)
	return e["lifecycle_stage"].(string)
}

// searchedRuns returns the MLflow ids runs/search answers for body.
func (w *mlflowWorld) searchedRuns(t *testing.T, body map[string]any) []string {
	t.Helper()
	res := w.call(t, w.contributor, http.MethodPost, "runs/search", body).ok(t)
	var ids []string
	for _, r := range asList(res["runs"]) {
		ids = append(ids, r.(map[string]any)["info"].(map[string]any)["run_id"].(string))
	}
	slices.Sort(ids)
	return ids
}

func jsonEqual(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func sorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// TestMLflowDeleteRestore: runs/delete and runs/restore, experiments/delete
// and experiments/restore as MLflow's server answers them (3.17, checked
// against a real one): soft deletion that get still answers, view types in
// both searches, no writes to what is deleted, a name kept by a deleted
// experiment, and each change one event, a repeated request none.
func TestMLflowDeleteRestore(t *testing.T) {
	w := newMLflowWorld(t)
	c, st := w.contributor, w.h.st
	a, b, d := w.run(t, "lifecycle"), w.run(t, "lifecycle"), w.run(t, "lifecycle")
	expID := w.call(t, c, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {"lifecycle"}}).ok(t)["experiment"].(map[string]any)["experiment_id"].(string)
	w.call(t, c, http.MethodPost, "runs/log-batch", map[string]any{"run_id": b,
		"metrics": []map[string]any{{"key": "m", "value": 1, "timestamp": 1, "step": 0}}}).ok(t)

	// A run: deleted once (the retry writes nothing), still readable.
	seq := eventHead(t, st)
	w.call(t, c, http.MethodPost, "runs/delete", map[string]any{"run_id": b}).ok(t)
	w.call(t, c, http.MethodPost, "runs/delete", map[string]any{"run_id": b}).ok(t)
	if got := projectEventKinds(t, st, w.key, seq); !slices.Equal(got, []store.EventKind{store.EventRunDeleted}) {
		t.Errorf("deleting a run twice logged %v, want one RUN_DELETED", got)
	}
	if s := w.lifecycleOf(t, b); s != "deleted" {
		t.Errorf("deleted run's lifecycle_stage = %q", s)
	}
	hist := w.call(t, w.viewer, http.MethodGet, "metrics/get-history", url.Values{"run_id": {b}, "metric_key": {"m"}}).ok(t)
	if count(hist, "metrics") != 1 {
		t.Errorf("history of a deleted run = %v", hist)
	}

	// A deleted run takes no writes, with MLflow's error, and nothing is written.
	t.Run("writes to a deleted run", func(t *testing.T) {
		before := w.getRun(t, b)
		seq := eventHead(t, st)
		for _, tc := range []struct {
			path string
			body map[string]any
		}{
			{"runs/log-metric", map[string]any{"run_id": b, "key": "m", "value": 2, "timestamp": 2, "step": 1}},
			{"runs/log-parameter", map[string]any{"run_id": b, "key": "p", "value": "1"}},
			{"runs/set-tag", map[string]any{"run_id": b, "key": "t", "value": "1"}},
			{"runs/delete-tag", map[string]any{"run_id": b, "key": "mlflow.user"}},
			{"runs/log-batch", map[string]any{"run_id": b, "params": []map[string]string{{"key": "q", "value": "1"}}}},
			{"runs/log-batch", map[string]any{"run_id": b}},
			{"runs/update", map[string]any{"run_id": b, "status": "FINISHED"}},
			{"runs/log-inputs", map[string]any{"run_id": b, "datasets": []any{}}},
		} {
			w.call(t, c, http.MethodPost, tc.path, tc.body).fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE",
				"The run "+b+" must be in the 'active' state. Current state is deleted.")
		}
		if got := projectEventKinds(t, st, w.key, seq); len(got) != 0 {
			t.Errorf("refused writes logged %v", got)
		}
		if after := w.getRun(t, b); !jsonEqual(before, after) {
			t.Errorf("refused writes changed the run:\nbefore %v\nafter  %v", before, after)
		}
	})

	// View types: ACTIVE_ONLY (the default) hides it, DELETED_ONLY shows
	// only it, ALL both; with a filter (the store's run search) too.
	for _, tc := range []struct {
		view   string
		filter string
		want   []string
	}{
		{"", "", sorted(a, d)},
		{"ACTIVE_ONLY", "", sorted(a, d)},
		{"DELETED_ONLY", "", []string{b}},
		{"ALL", "", sorted(a, b, d)},
		{"DELETED_ONLY", "attributes.status = 'RUNNING'", []string{b}},
		{"ACTIVE_ONLY", "attributes.status = 'RUNNING'", sorted(a, d)},
		{"ALL", "attributes.status = 'RUNNING'", sorted(a, b, d)},
	} {
		body := map[string]any{"experiment_ids": []string{expID}, "filter": tc.filter}
		if tc.view != "" {
			body["run_view_type"] = tc.view
		}
		if got := w.searchedRuns(t, body); !slices.Equal(got, tc.want) {
			t.Errorf("runs/search %s %q = %v, want %v", tc.view, tc.filter, got, tc.want)
		}
	}
	w.call(t, c, http.MethodPost, "runs/search", map[string]any{"experiment_ids": []string{expID}, "run_view_type": "GONE"}).
		fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "run_view_type")

	// Restored once; restoring an active run is a no-op.
	seq = eventHead(t, st)
	w.call(t, c, http.MethodPost, "runs/restore", map[string]any{"run_id": b}).ok(t)
	w.call(t, c, http.MethodPost, "runs/restore", map[string]any{"run_id": b}).ok(t)
	w.call(t, c, http.MethodPost, "runs/restore", map[string]any{"run_id": a}).ok(t)
	if got := projectEventKinds(t, st, w.key, seq); !slices.Equal(got, []store.EventKind{store.EventRunRestored}) {
		t.Errorf("restoring logged %v, want one RUN_RESTORED", got)
	}
	if s := w.lifecycleOf(t, b); s != "active" {
		t.Errorf("restored run's lifecycle_stage = %q", s)
	}
	w.call(t, c, http.MethodPost, "runs/set-tag", map[string]any{"run_id": b, "key": "back", "value": "1"}).ok(t)

	// An experiment: its deletion deletes its active runs; its restore
	// brings back those, not b, deleted on its own before.
	w.call(t, c, http.MethodPost, "runs/delete", map[string]any{"run_id": b}).ok(t)
	seq = eventHead(t, st)
	w.call(t, c, http.MethodPost, "experiments/delete", map[string]any{"experiment_id": expID}).ok(t)
	w.call(t, c, http.MethodPost, "experiments/delete", map[string]any{"experiment_id": expID}).ok(t) // a retry
	evs, err := st.EventsAfter(t.Context(), seq, 10, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{w.key}})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Kind != store.EventExperimentDeleted || evs[0].TargetID != expID || evs[0].Payload["runs"] != int64(2) {
		t.Errorf("deleting an experiment twice logged %+v, want one EXPERIMENT_DELETED of 2 runs", evs)
	}
	if s := w.experimentStage(t, expID); s != "deleted" {
		t.Errorf("deleted experiment's lifecycle_stage = %q", s)
	}
	byName := w.call(t, c, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {"lifecycle"}}).ok(t)["experiment"].(map[string]any)
	if byName["lifecycle_stage"] != "deleted" || byName["last_update_time"].(float64) <= byName["creation_time"].(float64)-1 {
		t.Errorf("get-by-name of a deleted experiment = %v", byName)
	}
	for _, r := range []string{a, b, d} {
		if s := w.lifecycleOf(t, r); s != "deleted" {
			t.Errorf("run %s of a deleted experiment is %q", r, s)
		}
	}
	if got := w.searchedRuns(t, map[string]any{"experiment_ids": []string{expID}}); len(got) != 0 {
		t.Errorf("active runs of a deleted experiment: %v", got)
	}
	searchExp := func(view string) []string {
		body := map[string]any{"max_results": 1000, "filter": "name = 'lifecycle'"}
		if view != "" {
			body["view_type"] = view
		}
		var ids []string
		for _, e := range asList(w.call(t, c, http.MethodPost, "experiments/search", body).ok(t)["experiments"]) {
			ids = append(ids, e.(map[string]any)["experiment_id"].(string))
		}
		return ids
	}
	for view, want := range map[string]int{"": 0, "ACTIVE_ONLY": 0, "DELETED_ONLY": 1, "ALL": 1, "2": 1} {
		if got := searchExp(view); len(got) != want || (want == 1 && got[0] != expID) {
			t.Errorf("experiments/search view_type %q = %v, want %d", view, got, want)
		}
	}

	// A deleted experiment takes no runs, name or tags; its name stays taken.
	t.Run("writes to a deleted experiment", func(t *testing.T) {
		seq := eventHead(t, st)
		w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID}).
			fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "The experiment "+expID+" must be in the 'active' state. Current state is deleted.")
		w.call(t, c, http.MethodPost, "experiments/create", map[string]any{"name": "lifecycle"}).
			fails(t, http.StatusBadRequest, "RESOURCE_ALREADY_EXISTS", "lifecycle", "deleted")
		w.call(t, c, http.MethodPost, "experiments/update", map[string]any{"experiment_id": expID, "new_name": "renamed"}).
			fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "active")
		w.call(t, c, http.MethodPost, "experiments/set-experiment-tag", map[string]any{"experiment_id": expID, "key": "k", "value": "v"}).
			fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "active")
		if got := projectEventKinds(t, st, w.key, seq); len(got) != 0 {
			t.Errorf("refused writes logged %v", got)
		}
		if n := len(w.searchedRuns(t, map[string]any{"experiment_ids": []string{expID}, "run_view_type": "ALL"})); n != 3 {
			t.Errorf("the experiment has %d runs, want 3", n)
		}
	})

	seq = eventHead(t, st)
	w.call(t, c, http.MethodPost, "experiments/restore", map[string]any{"experiment_id": expID}).ok(t)
	w.call(t, c, http.MethodPost, "experiments/restore", map[string]any{"experiment_id": expID}).ok(t) // a retry
	if got := projectEventKinds(t, st, w.key, seq); !slices.Equal(got, []store.EventKind{store.EventExperimentRestored}) {
		t.Errorf("restoring an experiment twice logged %v, want one EXPERIMENT_RESTORED", got)
	}
	if s := w.experimentStage(t, expID); s != "active" {
		t.Errorf("restored experiment's lifecycle_stage = %q", s)
	}
	if got := w.searchedRuns(t, map[string]any{"experiment_ids": []string{expID}}); !slices.Equal(got, sorted(a, d)) {
		t.Errorf("active runs after the restore = %v, want %v (b was deleted on its own)", got, sorted(a, d))
	}
	if got := w.searchedRuns(t, map[string]any{"experiment_ids": []string{expID}, "run_view_type": "DELETED_ONLY"}); !slices.Equal(got, []string{b}) {
		t.Errorf("deleted runs after the restore = %v, want b", got)
	}
	w.call(t, c, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID}).ok(t)

	// A run restored alone while its experiment is deleted, as MLflow allows.
	w.call(t, c, http.MethodPost, "experiments/delete", map[string]any{"experiment_id": expID}).ok(t)
	w.call(t, c, http.MethodPost, "runs/restore", map[string]any{"run_id": a}).ok(t)
	if s, e := w.lifecycleOf(t, a), w.experimentStage(t, expID); s != "active" || e != "deleted" {
		t.Errorf("run restored in a deleted experiment: run %q, experiment %q", s, e)
	}
	w.call(t, c, http.MethodPost, "experiments/restore", map[string]any{"experiment_id": expID}).ok(t)
}

// TestMLflowDeleteRestoreRefusals: bad input, unknown ids, callers below
// contributor and ids of a project the caller may not read are refused
// with MLflow's error; the log and the graph are unchanged.
func TestMLflowDeleteRestoreRefusals(t *testing.T) {
	w := newRegistryWorld(t)
	st := w.h.st
	auditor := token(t, "mlf-audrey", map[string]auth.Role{w.key: auth.RoleAuditor})
	expID := w.call(t, w.contributor, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {"reg-exp"}}).ok(t)["experiment"].(map[string]any)["experiment_id"].(string)
	otherExp := mlflowCall(t, w.h.srv.URL, w.both, http.MethodGet, "/api/2.0/mlflow/experiments/get-by-name",
		url.Values{"experiment_name": {w.other + "/secret"}}).ok(t)["experiment"].(map[string]any)["experiment_id"].(string)
	unknownRun := strings.Repeat("ab", 16)
	type call struct {
		name, tok, path string
		body            any
		status          int
		code            string
		mentions        []string
	}
	var cases []call
	for _, op := range []string{"delete", "restore"} {
		run, exp := "runs/"+op, "experiments/"+op
		cases = append(cases,
			call{op + " a run without run_id", w.contributor, run, map[string]any{}, 400, "INVALID_PARAMETER_VALUE", []string{"run_id"}},
			call{op + " an experiment without experiment_id", w.contributor, exp, map[string]any{}, 400, "INVALID_PARAMETER_VALUE", []string{"experiment_id"}},
			call{op + " malformed JSON", w.contributor, run, `{"run_id": `, 400, "INVALID_PARAMETER_VALUE", []string{"malformed"}},
			call{op + " an unknown run", w.contributor, run, map[string]any{"run_id": unknownRun}, 404, "RESOURCE_DOES_NOT_EXIST", []string{unknownRun}},
			call{op + " a malformed run id", w.contributor, run, map[string]any{"run_id": "'; MATCH (n) DETACH DELETE n //"}, 404, "RESOURCE_DOES_NOT_EXIST", nil},
			call{op + " an unknown experiment", w.contributor, exp, map[string]any{"experiment_id": "exp_nope"}, 404, "RESOURCE_DOES_NOT_EXIST", []string{"exp_nope"}},
			call{op + " a run as a viewer", w.viewer, run, map[string]any{"run_id": w.runID}, 403, "PERMISSION_DENIED", []string{"contributor"}},
			call{op + " an experiment as a viewer", w.viewer, exp, map[string]any{"experiment_id": expID}, 403, "PERMISSION_DENIED", []string{"contributor"}},
			call{op + " a run as an auditor", auditor, run, map[string]any{"run_id": w.runID}, 403, "PERMISSION_DENIED", nil},
			call{op + " an experiment as an auditor", auditor, exp, map[string]any{"experiment_id": expID}, 403, "PERMISSION_DENIED", nil},
			call{op + " a run of a hidden project", w.contributor, run, map[string]any{"run_id": w.otherRun}, 404, "RESOURCE_DOES_NOT_EXIST", []string{"run with id="}},
			call{op + " an experiment of a hidden project", w.contributor, exp, map[string]any{"experiment_id": otherExp}, 404, "RESOURCE_DOES_NOT_EXIST", nil},
			call{op + " a run without a token", "", run, map[string]any{"run_id": w.runID}, 401, "UNAUTHENTICATED", nil},
		)
	}
	seq := eventHead(t, st)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.call(t, c.tok, http.MethodPost, c.path, c.body).fails(t, c.status, c.code, c.mentions...)
		})
	}
	w.call(t, w.contributor, http.MethodGet, "runs/delete", url.Values{"run_id": {w.runID}}).fails(t, http.StatusMethodNotAllowed, "ENDPOINT_NOT_FOUND")
	for _, key := range []string{w.key, w.other} {
		if got := projectEventKinds(t, st, key, seq); len(got) != 0 {
			t.Errorf("refused requests logged %v in %s", got, key)
		}
	}
	// The graph: nothing deleted, in either project.
	for _, id := range []string{w.runID, w.otherRun} {
		runs := must(st.RunsByIDs(ctxT(t), []string{hubRunID(t, id)})).of(t)
		if r := runs[hubRunID(t, id)]; r == nil || r.DeletedAt != nil {
			t.Errorf("run %s after refused requests: %+v", id, r)
		}
	}
	exps := must(st.ExperimentsByIDs(ctxT(t), []string{expID, otherExp})).of(t)
	for id, e := range exps {
		if e.DeletedAt != nil {
			t.Errorf("experiment %s was deleted by a refused request", id)
		}
	}
	// A contributor of the other project deletes there; the first
	// project's contributor still cannot see it.
	mlflowCall(t, w.h.srv.URL, w.both, http.MethodPost, "/api/2.0/mlflow/runs/delete", map[string]any{"run_id": w.otherRun}).ok(t)
	w.call(t, w.contributor, http.MethodPost, "runs/restore", map[string]any{"run_id": w.otherRun}).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
}

// runIDsIn returns the sorted MLflow run ids of a runs/search answer.
func runIDsIn(res map[string]any) []string {
	var ids []string
	for _, r := range asList(res["runs"]) {
		ids = append(ids, r.(map[string]any)["info"].(map[string]any)["run_id"].(string))
	}
	slices.Sort(ids)
	return ids
}

// experimentIDsIn returns the experiment ids of an experiments/search answer.
func experimentIDsIn(res map[string]any) []string {
	var ids []string
	for _, e := range asList(res["experiments"]) {
		ids = append(ids, e.(map[string]any)["experiment_id"].(string))
	}
	return ids
}

// TestMLflowDeletedOfAnotherProject: what a project deletes stays its own.
// A signed-in contributor of another project finds none of its deleted
// runs or experiments with any view type, by id, by name or by filter,
// and cannot restore or delete them (404, as for an id that does not
// exist); a viewer of the project sees them deleted but cannot restore
// them (403). Nothing the refused requests name changes, and the
// project's log stays as its own contributor left it.
func TestMLflowDeletedOfAnotherProject(t *testing.T) {
	w := newRegistryWorld(t)
	st := w.h.st
	at := func(tok, method, path string, body any) mlflowResponse {
		t.Helper()
		return mlflowCall(t, w.h.srv.URL, tok, method, "/api/2.0/mlflow/"+path, body)
	}
	ownExp := w.call(t, w.contributor, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {"reg-exp"}}).ok(t)["experiment"].(map[string]any)["experiment_id"].(string)
	otherName := w.other + "/secret"
	otherExp := at(w.both, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {otherName}}).ok(t)["experiment"].(map[string]any)["experiment_id"].(string)

	// The other project's contributor deletes a run on its own, then the
	// experiment with its second run.
	keeper := token(t, "mlf-oona", map[string]auth.Role{w.other: auth.RoleContributor})
	second := at(keeper, http.MethodPost, "runs/create", map[string]any{"experiment_id": otherExp}).ok(t)["run"].(map[string]any)["info"].(map[string]any)["run_id"].(string)
	at(keeper, http.MethodPost, "runs/delete", map[string]any{"run_id": w.otherRun}).ok(t)
	at(keeper, http.MethodPost, "experiments/delete", map[string]any{"experiment_id": otherExp}).ok(t)
	deleted := sorted(w.otherRun, second)

	hostile := w.contributor // contributes to w.key, has no role in w.other
	stranger := token(t, "mlf-sam", map[string]auth.Role{w.other: auth.RoleViewer})
	seq := eventHead(t, st)

	t.Run("search", func(t *testing.T) {
		for _, view := range []string{"", "ACTIVE_ONLY", "DELETED_ONLY", "ALL", "2", "3"} {
			for _, filter := range []string{"", "attributes.status = 'RUNNING'"} {
				body := map[string]any{"experiment_ids": []string{otherExp, ownExp}, "filter": filter}
				if view != "" {
					body["run_view_type"] = view
				}
				got := runIDsIn(at(hostile, http.MethodPost, "runs/search", body).ok(t))
				for _, id := range got {
					if slices.Contains(deleted, id) {
						t.Errorf("runs/search %q %q by another project's contributor found %s", view, filter, id)
					}
				}
				if own := view != "DELETED_ONLY" && view != "2"; own != slices.Contains(got, w.runID) {
					t.Errorf("runs/search %q %q of both experiments = %v; own run %s expected: %v", view, filter, got, w.runID, own)
				}
			}
			body := map[string]any{"max_results": 1000}
			if view != "" {
				body["view_type"] = view
			}
			res := at(hostile, http.MethodPost, "experiments/search", body).ok(t)
			ids := experimentIDsIn(res)
			if slices.Contains(ids, otherExp) {
				t.Errorf("experiments/search %q by another project's contributor found %s", view, otherExp)
			}
			if own := view != "DELETED_ONLY" && view != "2"; own != slices.Contains(ids, ownExp) {
				t.Errorf("experiments/search %q = %v; own experiment %s expected: %v", view, ids, ownExp, own)
			}
			for _, e := range asList(res["experiments"]) {
				if name, _ := e.(map[string]any)["name"].(string); strings.HasPrefix(name, w.other+"/") {
					t.Errorf("experiments/search %q by another project's contributor found %q", view, name)
				}
			}
		}
	})

	t.Run("read by id or name", func(t *testing.T) {
		at(hostile, http.MethodGet, "experiments/get", url.Values{"experiment_id": {otherExp}}).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
		at(hostile, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {otherName}}).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
		for _, id := range deleted {
			at(hostile, http.MethodGet, "runs/get", url.Values{"run_id": {id}}).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
		}
	})

	t.Run("restore or delete", func(t *testing.T) {
		for _, op := range []string{"restore", "delete"} {
			at(hostile, http.MethodPost, "experiments/"+op, map[string]any{"experiment_id": otherExp}).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
			at(stranger, http.MethodPost, "experiments/"+op, map[string]any{"experiment_id": otherExp}).fails(t, http.StatusForbidden, "PERMISSION_DENIED")
			for _, id := range deleted {
				at(hostile, http.MethodPost, "runs/"+op, map[string]any{"run_id": id}).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
				at(stranger, http.MethodPost, "runs/"+op, map[string]any{"run_id": id}).fails(t, http.StatusForbidden, "PERMISSION_DENIED")
			}
		}
	})

	// A reader of the project sees what was deleted; that is what
	// DELETED_ONLY is for.
	body := map[string]any{"experiment_ids": []string{otherExp}, "run_view_type": "DELETED_ONLY"}
	if got := runIDsIn(at(stranger, http.MethodPost, "runs/search", body).ok(t)); !slices.Equal(got, deleted) {
		t.Errorf("runs/search DELETED_ONLY by a viewer of the project = %v, want %v", got, deleted)
	}
	if got := experimentIDsIn(at(stranger, http.MethodPost, "experiments/search", map[string]any{"view_type": "DELETED_ONLY"}).ok(t)); !slices.Equal(got, []string{otherExp}) {
		t.Errorf("experiments/search DELETED_ONLY by a viewer of the project = %v, want [%s]", got, otherExp)
	}

	// Nothing changed: the log, the experiment and both runs.
	if got := projectEventKinds(t, st, w.other, seq); len(got) != 0 {
		t.Errorf("refused requests logged %v in %s", got, w.other)
	}
	if e := must(st.ExperimentsByIDs(ctxT(t), []string{otherExp})).of(t)[otherExp]; e == nil || e.DeletedAt == nil {
		t.Errorf("experiment %s after refused requests: %+v", otherExp, e)
	}
	for _, id := range deleted {
		if r := must(st.RunsByIDs(ctxT(t), []string{hubRunID(t, id)})).of(t)[hubRunID(t, id)]; r == nil || r.DeletedAt == nil {
			t.Errorf("run %s after refused requests: %+v", id, r)
		}
	}
}

// TestMLflowViewTypeRefusals: a view type MLflow does not define is
// refused with a 400 that names the field, in both searches, by name or
// by number.
func TestMLflowViewTypeRefusals(t *testing.T) {
	w := newMLflowWorld(t)
	expID := w.call(t, w.contributor, http.MethodPost, "experiments/create", map[string]any{"name": "views"}).ok(t)["experiment_id"].(string)
	for _, v := range []any{"GONE", "deleted_only ", "0", 4, "ACTIVE_ONLY,DELETED_ONLY"} {
		w.call(t, w.contributor, http.MethodPost, "runs/search", map[string]any{"experiment_ids": []string{expID}, "run_view_type": v}).
			fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "run_view_type")
		w.call(t, w.contributor, http.MethodPost, "experiments/search", map[string]any{"view_type": v}).
			fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "view_type")
	}
}
