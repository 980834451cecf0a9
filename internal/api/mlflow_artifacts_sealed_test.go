package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

// TestMLflowArtifactsSealed: once a run has ended, a logged model is
// READY, or a model version refers to either, no upload changes the bytes
// of a file the version may be serving; a READY logged model takes no new
// file, and a path cannot be both a file and a directory. Each refusal is
// MLflow's INVALID_PARAMETER_VALUE naming the path and the reason, stores
// no bytes in the blob store and records nothing. The same bytes again (a
// client's retry) and a new file of an ended run still succeed.
func TestMLflowArtifactsSealed(t *testing.T) {
	w := newArtifactsWorld(t)
	c := w.contributor
	approved := []byte("approved model bytes")

	// A run that FINISHED, its model registered from its files.
	root, runID := w.runPath(t, c, "sealed")
	exp, _, _ := strings.Cut(root, "/")
	mlflowRunID := mlflow.RunID(runID)
	if r := w.put(t, c, root+"/model/model.pkl", approved); r.Status != http.StatusOK {
		t.Fatalf("PUT model.pkl = %d %s", r.Status, r.Body)
	}
	w.call(t, c, http.MethodPost, "runs/update", map[string]any{"run_id": mlflowRunID, "status": "FINISHED"}).ok(t)
	w.call(t, c, http.MethodPost, "registered-models/create", map[string]any{"name": "sealed"}).ok(t)
	w.call(t, c, http.MethodPost, "model-versions/create", map[string]any{"name": "sealed",
		"source": "runs:/" + mlflowRunID + "/model", "run_id": mlflowRunID}).ok(t)

	// A logged model finalized READY.
	created := w.call(t, c, http.MethodPost, "logged-models", map[string]any{"experiment_id": exp, "name": "clf",
		"source_run_id": mlflowRunID}).ok(t)["model"].(map[string]any)["info"].(map[string]any)
	modelID := created["model_id"].(string)
	modelRoot := strings.TrimPrefix(created["artifact_uri"].(string), "mlflow-artifacts:/")
	if r := w.put(t, c, modelRoot+"/MLmodel", approved); r.Status != http.StatusOK {
		t.Fatalf("PUT MLmodel = %d %s", r.Status, r.Body)
	}
	w.call(t, c, http.MethodPatch, "logged-models/"+modelID, map[string]any{"status": "LOGGED_MODEL_READY"}).ok(t)

	// A run still RUNNING whose files a version's source names.
	liveRoot, liveID := w.runPath(t, c, "sealed")
	if r := w.put(t, c, liveRoot+"/model/model.pkl", approved); r.Status != http.StatusOK {
		t.Fatalf("PUT model.pkl = %d %s", r.Status, r.Body)
	}
	w.call(t, c, http.MethodPost, "model-versions/create", map[string]any{"name": "sealed",
		"source": "mlflow-artifacts:/" + liveRoot + "/model"}).ok(t)

	owners := []store.ArtifactOwner{{Kind: store.ArtifactOfRun, ID: runID}, {Kind: store.ArtifactOfRun, ID: liveID},
		{Kind: store.ArtifactOfLoggedModel, ID: modelID}}
	snapshot := func(t *testing.T) ([]string, [][]store.Artifact) {
		t.Helper()
		var arts [][]store.Artifact
		for _, o := range owners {
			arts = append(arts, must(w.st.ArtifactsOf(ctxT(t), o)).of(t))
		}
		return w.blobFiles(t), arts
	}
	same := func(t *testing.T, a, b [][]store.Artifact) bool {
		t.Helper()
		return slices.EqualFunc(a, b, func(x, y []store.Artifact) bool { return slices.Equal(x, y) })
	}

	for _, tc := range []struct {
		name, path string
		mentions   []string
	}{
		{"rewrite a file of a finished run", root + "/model/model.pkl", []string{`"model/model.pkl"`, "has ended (FINISHED)"}},
		{"rewrite a file of a READY logged model", modelRoot + "/MLmodel", []string{`"MLmodel"`, "is READY"}},
		{"a new file of a READY logged model", modelRoot + "/extra.pkl", []string{`"extra.pkl"`, "takes no new files"}},
		{"rewrite a file a version's source names", liveRoot + "/model/model.pkl", []string{`"model/model.pkl"`, "a model version refers to run"}},
		{"a file under a file", liveRoot + "/model/model.pkl/x", []string{`"model/model.pkl/x"`, "under a file"}},
		{"a file where a directory is", liveRoot + "/model", []string{`"model"`, "directory"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, arts := snapshot(t)
			w.put(t, c, tc.path, []byte("unapproved bytes: "+tc.name)).
				mlflowError(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", tc.mentions...)
			filesAfter, artsAfter := snapshot(t)
			if added := newFiles(files, filesAfter); len(added) > 0 || len(files) != len(filesAfter) {
				t.Errorf("a refused upload changed the blob store: %d files, then %d; new: %v", len(files), len(filesAfter), added)
			}
			if !same(t, arts, artsAfter) {
				t.Errorf("artifacts went from %+v to %+v on a refused upload", arts, artsAfter)
			}
		})
	}

	t.Run("a retry of the same bytes", func(t *testing.T) {
		files, arts := snapshot(t)
		for _, p := range []string{root + "/model/model.pkl", modelRoot + "/MLmodel", liveRoot + "/model/model.pkl"} {
			if r := w.put(t, c, p, approved); r.Status != http.StatusOK {
				t.Errorf("PUT %s again = %d %s", p, r.Status, r.Body)
			}
		}
		filesAfter, artsAfter := snapshot(t)
		if added := newFiles(files, filesAfter); len(added) > 0 || !same(t, arts, artsAfter) {
			t.Errorf("a retry changed the blob store (new: %v) or the artifacts", added)
		}
	})

	t.Run("a new file of a finished run", func(t *testing.T) {
		if r := w.put(t, c, root+"/eval/report.txt", []byte("auc 0.91")); r.Status != http.StatusOK {
			t.Fatalf("PUT a new file = %d %s", r.Status, r.Body)
		}
		if a := must(w.st.Artifact(ctxT(t), owners[0], "eval/report.txt")).of(t); a.SHA256 != sha256Hex([]byte("auc 0.91")) {
			t.Errorf("recorded %+v", a)
		}
	})

	// What the version serves is what was approved.
	got := w.send(t, w.viewer, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts/"+root+"/model/model.pkl", nil, 0)
	if got.Status != http.StatusOK || string(got.Body) != string(approved) {
		t.Errorf("GET model.pkl = %d %q", got.Status, got.Body)
	}
}

// newFiles returns the files of after that before lacks.
func newFiles(before, after []string) []string {
	var out []string
	for _, f := range after {
		if !slices.Contains(before, f) {
			out = append(out, f)
		}
	}
	return out
}
