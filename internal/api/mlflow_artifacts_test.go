package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/blobs"
)

// artifactsWorld is an mlflowWorld whose hub keeps artifacts in a
// temporary directory, at most maxArtifact bytes a file, with a second
// project the world's tokens may not read.
type artifactsWorld struct {
	*mlflowWorld
	st    *store.Store
	root  string
	other string // a contributor's token in the other project only
	key2  string
}

const maxArtifact = 64 << 10

func newArtifactsWorld(t *testing.T) *artifactsWorld {
	t.Helper()
	return newArtifactsWorldAt(t, t.TempDir())
}

// newArtifactsWorldAt is newArtifactsWorld with the blob store at root.
func newArtifactsWorldAt(t *testing.T, root string) *artifactsWorld {
	t.Helper()
	st := neo4jtest.Store(t)
	key := neo4jtest.Key(t, "mla")
	key2 := neo4jtest.Key(t, "mlb")
	for _, k := range []string{key, key2} {
		must(st.CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: k, Name: "MLflow " + k})).of(t)
	}
	b, err := blobs.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	h := newHub(t, func(o *api.Options) {
		o.Store = st
		o.MLflow = mlflow.Config{DefaultProject: key}
		o.Artifacts = mlflow.ArtifactsConfig{Blobs: b, MaxFileBytes: maxArtifact}
	})
	return &artifactsWorld{st: st, root: root, key2: key2,
		mlflowWorld: &mlflowWorld{h: h, key: key,
			contributor: token(t, "mla-alice", map[string]auth.Role{key: auth.RoleContributor}),
			viewer:      token(t, "mla-victor", map[string]auth.Role{key: auth.RoleViewer})},
		other: token(t, "mlb-olga", map[string]auth.Role{key2: auth.RoleContributor})}
}

// rawResponse is an answer read whole, whatever its type.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// send sends one request with a raw path (sent as written, dot segments
// and escapes included) and body.
func (w *artifactsWorld) send(t *testing.T, tok, method, rawPath string, body io.Reader, length int64) rawResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, w.h.srv.URL, body)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = rawPath // the path exactly as written
	req.ContentLength = length
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{resp.StatusCode, resp.Header, b}
}

func (w *artifactsWorld) put(t *testing.T, tok, rel string, content []byte) rawResponse {
	t.Helper()
	return w.send(t, tok, http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/"+rel, bytes.NewReader(content), int64(len(content)))
}

func (r rawResponse) mlflowError(t *testing.T, status int, code string, mentions ...string) {
	t.Helper()
	var body struct{ ErrorCode, Message string }
	var m map[string]string
	if err := json.Unmarshal(r.Body, &m); err != nil || r.Status != status || m["error_code"] != code {
		t.Fatalf("want %d %s, got %d: %s", status, code, r.Status, r.Body)
	}
	body.Message = m["message"]
	for _, s := range mentions {
		if !strings.Contains(body.Message, s) {
			t.Errorf("message %q does not mention %q", body.Message, s)
		}
	}
}

// blobFiles lists every file the blob store holds, finished or not.
func (w *artifactsWorld) blobFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(w.root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runPath returns the artifact root of a new run in experiment (created
// by tok), and the run's hub ID.
func (w *artifactsWorld) runPath(t *testing.T, tok, experiment string) (string, string) {
	t.Helper()
	var expID string
	got := w.call(t, tok, http.MethodGet, "experiments/get-by-name", url.Values{"experiment_name": {experiment}})
	if got.Status == http.StatusOK {
		expID = got.Body["experiment"].(map[string]any)["experiment_id"].(string)
	} else {
		expID = w.call(t, tok, http.MethodPost, "experiments/create", map[string]any{"name": experiment}).ok(t)["experiment_id"].(string)
	}
	info := w.call(t, tok, http.MethodPost, "runs/create", map[string]any{"experiment_id": expID}).ok(t)["run"].(map[string]any)["info"].(map[string]any)
	uri := info["artifact_uri"].(string)
	rel, ok := strings.CutPrefix(uri, "mlflow-artifacts:/")
	if !ok {
		t.Fatalf("artifact_uri = %q, want mlflow-artifacts:/…", uri)
	}
	return rel, hubRunID(t, info["run_id"].(string))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestMLflowArtifacts(t *testing.T) {
	w := newArtifactsWorld(t)
	c := w.contributor
	root, runID := w.runPath(t, c, "artifacts")
	run := store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: runID}

	notes := []byte("converged after 40 epochs\n")
	page := []byte("<html><script>alert(1)</script></html>")
	if r := w.put(t, c, root+"/notes/summary.txt", notes); r.Status != http.StatusOK {
		t.Fatalf("PUT = %d %s", r.Status, r.Body)
	}
	w.put(t, c, root+"/notes/summary.txt", notes) // a retry
	w.put(t, c, root+"/report.html", page)
	w.put(t, c, root+"/a/b/c.bin", []byte{0, 1, 2})

	arts := must(w.st.ArtifactsOf(ctxT(t), run)).of(t)
	if len(arts) != 3 || arts[1].Path != "notes/summary.txt" || arts[1].SHA256 != sha256Hex(notes) || arts[1].Size != int64(len(notes)) {
		t.Fatalf("artifacts in the graph = %+v", arts)
	}
	// The bytes are stored under their digest.
	stored, err := blobs.NewLocal(w.root)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		rc, _, err := stored.Open(ctxT(t), a.SHA256)
		if err != nil {
			t.Fatalf("blob of %s: %v", a.Path, err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if sha256Hex(b) != a.SHA256 {
			t.Errorf("blob of %s hashes to %s, recorded %s", a.Path, sha256Hex(b), a.SHA256)
		}
	}

	list := func(tok, dir string) rawResponse {
		return w.send(t, tok, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts?path="+url.QueryEscape(dir), nil, 0)
	}
	var listed struct {
		Files []struct {
			Path     string
			IsDir    bool `json:"is_dir"`
			FileSize *json.Number
		} `json:"files"`
	}
	r := list(w.viewer, root)
	if err := json.Unmarshal(r.Body, &listed); err != nil || r.Status != http.StatusOK {
		t.Fatalf("list = %d %s", r.Status, r.Body)
	}
	var names []string
	for _, f := range listed.Files {
		names = append(names, f.Path)
		if f.IsDir != (f.Path == "a" || f.Path == "notes") {
			t.Errorf("entry %+v", f)
		}
	}
	if strings.Join(names, ",") != "a,notes,report.html" {
		t.Errorf("root lists %v", names)
	}
	r = list(w.viewer, root+"/notes")
	if !strings.Contains(string(r.Body), `"path":"summary.txt"`) || !strings.Contains(string(r.Body), `"file_size":26`) {
		t.Errorf("notes/ lists %s", r.Body)
	}

	r = w.send(t, w.viewer, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts/"+root+"/notes/summary.txt", nil, 0)
	if r.Status != http.StatusOK || !bytes.Equal(r.Body, notes) || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("GET text = %d %v %q", r.Status, r.Header, r.Body)
	}
	r = w.send(t, w.viewer, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts/"+root+"/report.html", nil, 0)
	if r.Status != http.StatusOK || !bytes.Equal(r.Body, page) || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") ||
		r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET html = %d %v", r.Status, r.Header)
	}
	w.send(t, w.viewer, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts/"+root+"/notes", nil, 0).
		mlflowError(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "notes")

	// Another project's caller sees neither the files nor the run.
	list(w.other, root).mlflowError(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
	w.send(t, w.other, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts/"+root+"/notes/summary.txt", nil, 0).
		mlflowError(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
}

// TestMLflowArtifactsRefused: each bad upload is refused with MLflow's
// error naming the problem, and leaves no Artifact node and no file in the
// blob store.
func TestMLflowArtifactsRefused(t *testing.T) {
	w := newArtifactsWorld(t)
	root, runID := w.runPath(t, w.contributor, "refusals")
	otherRoot, otherRunID := w.runPath(t, w.other, w.key2+"/theirs")
	exp, _, _ := strings.Cut(root, "/")
	big := bytes.Repeat([]byte("x"), maxArtifact+1)
	cases := []struct {
		name, tok, method, path string
		body                    []byte
		length                  int64 // -1: unknown (chunked)
		status                  int
		code                    string
		mentions                []string
	}{
		{"dot-dot", w.contributor, http.MethodPut, root + "/../../etc/passwd", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"'..' segment"}},
		{"dot-dot at the end", w.contributor, http.MethodPut, root + "/a/..", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"'..' segment"}},
		{"encoded dot-dot", w.contributor, http.MethodPut, root + "/%2e%2e/%2E%2E/x", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"'..' segment"}},
		{"double-encoded dot-dot", w.contributor, http.MethodPut, root + "/%252e%252e/x", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"'..' segment"}},
		{"encoded slash", w.contributor, http.MethodPut, root + "/a%252fb", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"encoded slash"}},
		{"absolute", w.contributor, http.MethodPut, "/etc/passwd", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"absolute path"}},
		{"empty segment", w.contributor, http.MethodPut, root + "//etc/passwd", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"empty segment"}},
		{"backslash", w.contributor, http.MethodPut, root + "/..%5c..%5cx", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"backslash"}},
		{"not a run's files", w.contributor, http.MethodPut, exp + "/x.txt", []byte("x"), 1, 400, "INVALID_PARAMETER_VALUE", []string{"<run id>/artifacts"}},
		{"unknown run", w.contributor, http.MethodPut, exp + "/0123456789abcdef0123456789abcdef/artifacts/x.txt", []byte("x"), 1, 404, "RESOURCE_DOES_NOT_EXIST", []string{"0123456789abcdef"}},
		{"run of another experiment", w.contributor, http.MethodPut, strings.Replace(otherRoot, strings.Split(otherRoot, "/")[0], exp, 1) + "/x.txt", []byte("x"), 1, 404, "RESOURCE_DOES_NOT_EXIST", nil},
		{"other project's run", w.contributor, http.MethodPut, otherRoot + "/x.txt", []byte("x"), 1, 404, "RESOURCE_DOES_NOT_EXIST", nil},
		{"viewer", w.viewer, http.MethodPut, root + "/x.txt", []byte("x"), 1, 403, "PERMISSION_DENIED", []string{"contributor"}},
		{"no token", "", http.MethodPut, root + "/x.txt", []byte("x"), 1, 401, "UNAUTHENTICATED", nil},
		{"oversized", w.contributor, http.MethodPut, root + "/big.bin", big, int64(len(big)), 413, "INVALID_PARAMETER_VALUE", []string{"at most 65536 bytes"}},
		{"oversized, length unknown", w.contributor, http.MethodPut, root + "/big.bin", big, -1, 413, "INVALID_PARAMETER_VALUE", []string{"at most 65536 bytes"}},
		{"delete", w.contributor, http.MethodDelete, root + "/x.txt", nil, 0, 405, "ENDPOINT_NOT_FOUND", nil},
		{"download traversal", w.viewer, http.MethodGet, root + "/../../" + otherRoot + "/x.txt", nil, 0, 400, "INVALID_PARAMETER_VALUE", []string{"'..' segment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != nil {
				body = bytes.NewReader(c.body)
				if c.length < 0 {
					body = io.MultiReader(body) // hides the length: sent chunked
				}
			}
			w.send(t, c.tok, c.method, "/api/2.0/mlflow-artifacts/artifacts/"+c.path, body, c.length).
				mlflowError(t, c.status, c.code, c.mentions...)
			if files := w.blobFiles(t); len(files) != 0 {
				t.Errorf("blob store holds %v after a refused request", files)
			}
			for _, id := range []string{runID, otherRunID} {
				if arts := must(w.st.ArtifactsOf(ctxT(t), store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: id})).of(t); len(arts) != 0 {
					t.Errorf("run %s has artifacts %+v after a refused request", id, arts)
				}
			}
		})
	}
	// Listing is refused alike.
	w.send(t, w.contributor, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts?path="+url.QueryEscape(root+"/../x"), nil, 0).
		mlflowError(t, 400, "INVALID_PARAMETER_VALUE", "'..' segment")
	w.send(t, w.contributor, http.MethodGet, "/api/2.0/mlflow-artifacts/artifacts?path="+url.QueryEscape(otherRoot), nil, 0).
		mlflowError(t, 404, "RESOURCE_DOES_NOT_EXIST")
}

// TestMLflowArtifactsUnconfigured: a hub without an artifact root says so.
func TestMLflowArtifactsUnconfigured(t *testing.T) {
	w := newMLflowWorld(t)
	aw := &artifactsWorld{mlflowWorld: w}
	root, _ := aw.runPath(t, w.contributor, "nowhere")
	aw.put(t, w.contributor, root+"/x.txt", []byte("x")).mlflowError(t, http.StatusServiceUnavailable, "TEMPORARILY_UNAVAILABLE", "EXPHUB_ARTIFACT_ROOT")
}

func TestMLflowLoggedModels(t *testing.T) {
	w := newArtifactsWorld(t)
	c := w.contributor
	root, runID := w.runPath(t, c, "models")
	exp, _, _ := strings.Cut(root, "/")
	mlflowRunID := mlflow.RunID(runID)

	created := w.call(t, c, http.MethodPost, "logged-models", map[string]any{"experiment_id": exp, "name": "clf",
		"source_run_id": mlflowRunID, "model_type": "sklearn", "params": []map[string]string{{"key": "C", "value": "1.0"}},
		"tags": []map[string]string{{"key": "mlflow.source.name", "value": "train.py"}}}).ok(t)["model"].(map[string]any)["info"].(map[string]any)
	id := created["model_id"].(string)
	if !strings.HasPrefix(id, "m-") || created["status"] != "LOGGED_MODEL_PENDING" || created["source_run_id"] != mlflowRunID ||
		created["artifact_uri"] != "mlflow-artifacts:/"+exp+"/models/"+id+"/artifacts" {
		t.Fatalf("created = %v", created)
	}
	modelRoot := strings.TrimPrefix(created["artifact_uri"].(string), "mlflow-artifacts:/")

	// Others: a viewer may read but not write; another project sees nothing.
	w.call(t, w.viewer, http.MethodPost, "logged-models", map[string]any{"experiment_id": exp, "name": "x"}).
		fails(t, http.StatusForbidden, "PERMISSION_DENIED")
	w.call(t, w.other, http.MethodGet, "logged-models/"+id, nil).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", id)
	w.call(t, w.other, http.MethodPatch, "logged-models/"+id, map[string]any{"status": "LOGGED_MODEL_READY"}).
		fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", id)
	w.call(t, w.viewer, http.MethodPatch, "logged-models/"+id, map[string]any{"status": "LOGGED_MODEL_READY"}).
		fails(t, http.StatusForbidden, "PERMISSION_DENIED")
	w.put(t, w.viewer, modelRoot+"/MLmodel", []byte("x")).mlflowError(t, http.StatusForbidden, "PERMISSION_DENIED")
	w.put(t, w.other, modelRoot+"/MLmodel", []byte("x")).mlflowError(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
	w.call(t, c, http.MethodGet, "logged-models/m-00000000000000000000000000000000", nil).fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
	if files := w.blobFiles(t); len(files) != 0 {
		t.Errorf("blob store holds %v after refused uploads", files)
	}

	mlmodel := []byte("artifact_path: model\nflavors: {}\n")
	if r := w.put(t, c, modelRoot+"/MLmodel", mlmodel); r.Status != http.StatusOK {
		t.Fatalf("PUT MLmodel = %d %s", r.Status, r.Body)
	}
	w.call(t, c, http.MethodPost, "runs/outputs", map[string]any{"run_id": mlflowRunID, "models": []map[string]any{{"model_id": id, "step": 0}}}).ok(t)
	w.call(t, c, http.MethodPost, "runs/outputs", map[string]any{"run_id": mlflowRunID, "models": []map[string]any{{"model_id": id, "step": 0}}}).ok(t)
	w.call(t, c, http.MethodPatch, "logged-models/"+id+"/tags", map[string]any{"tags": []map[string]string{{"key": "team", "value": "risk"}}}).ok(t)
	w.call(t, c, http.MethodDelete, "logged-models/"+id+"/tags/mlflow.source.name", nil).ok(t)
	got := w.call(t, c, http.MethodPatch, "logged-models/"+id, map[string]any{"model_id": id, "status": "LOGGED_MODEL_READY"}).ok(t)["model"].(map[string]any)
	if got["info"].(map[string]any)["status"] != "LOGGED_MODEL_READY" {
		t.Errorf("finalized = %v", got)
	}
	w.call(t, c, http.MethodPatch, "logged-models/"+id, map[string]any{"status": "READY"}).fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "READY")
	got = w.call(t, w.viewer, http.MethodGet, "logged-models/"+id, nil).ok(t)["model"].(map[string]any)
	tags, _ := json.Marshal(got["info"].(map[string]any)["tags"])
	params, _ := json.Marshal(got["data"].(map[string]any)["params"])
	if string(tags) != `[{"key":"team","value":"risk"}]` || string(params) != `[{"key":"C","value":"1.0"}]` {
		t.Errorf("logged model = %v", got)
	}
	found := w.call(t, w.viewer, http.MethodPost, "logged-models/search", map[string]any{"experiment_ids": []string{exp}}).ok(t)
	if count(found, "models") != 1 {
		t.Errorf("search = %v", found)
	}
	if n := count(w.call(t, w.other, http.MethodPost, "logged-models/search", map[string]any{"experiment_ids": []string{exp}}).ok(t), "models"); n != 0 {
		t.Errorf("another project's search found %d models", n)
	}
	for filter, want := range map[string]int{"name = 'clf'": 1, "name = 'other'": 0, "attributes.name = \"clf\" AND source_run_id = '" + mlflowRunID + "'": 1,
		"status = 'LOGGED_MODEL_READY' and model_type = 'sklearn'": 1, "source_run_id = 'nope'": 0} {
		found := w.call(t, c, http.MethodPost, "logged-models/search", map[string]any{"experiment_ids": []string{exp}, "filter": filter}).ok(t)
		if n := count(found, "models"); n != want {
			t.Errorf("search %q found %d, want %d", filter, n, want)
		}
	}
	for _, bad := range []string{"metrics.auc > 0.5", "name LIKE 'c%'", "name = 'clf' OR name = 'x'", "name = 'clf", "name = 'clf' AND"} {
		w.call(t, c, http.MethodPost, "logged-models/search", map[string]any{"experiment_ids": []string{exp}, "filter": bad}).
			fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "filter")
	}

	outs := must(w.st.ModelOutputsOfRun(ctxT(t), runID)).of(t)
	models := must(w.st.LoggedModelsByIDs(ctxT(t), []string{id})).of(t)
	if len(outs) != 1 || outs[0].ModelID != id || models[id] == nil || models[id].Status != store.LoggedModelReady {
		t.Errorf("models of the run = %+v, %+v", outs, models)
	}
	arts := must(w.st.ArtifactsOf(ctxT(t), store.ArtifactOwner{Kind: store.ArtifactOfLoggedModel, ID: id})).of(t)
	if len(arts) != 1 || arts[0].Path != "MLmodel" || arts[0].SHA256 != sha256Hex(mlmodel) {
		t.Errorf("model artifacts = %+v", arts)
	}
}

func mustLocal(t *testing.T, root string) *blobs.Local {
	t.Helper()
	l, err := blobs.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// httptestServer serves h for the test and returns its URL.
func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
