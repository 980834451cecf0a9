package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/mlflowimport"
	"github.com/exphub/exphub/internal/mlflowserver"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/pyenv"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testproc"
)

// mlflowServer starts a real MLflow tracking server (SQLite backend) from
// the project's virtual environment and returns its URI and the venv's
// Python.
func mlflowServer(t *testing.T) (uri, python string) {
	t.Helper()
	python = pyenv.Python(t, "mlflow-server")
	// The cap only ends a server that hangs; it starts in seconds.
	srv, err := mlflowserver.Start(python, t.TempDir(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv.URI, python
}

// TestImportMLflow copies a real MLflow server's experiments into a hub:
// interrupted half-way, then resumed, then again after the source's
// running run ended, then once more, which changes nothing. After each
// full import every copied run matches its source.
func TestImportMLflow(t *testing.T) {
	src, python := mlflowServer(t)
	pyEnv := []string{"MLFLOW_TRACKING_URI=" + src, "MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true", "MLFLOW_HTTP_REQUEST_MAX_RETRIES=0"}
	var ids map[string]string
	if err := json.Unmarshal([]byte(lastLine(pyenv.Run(t, python, "testdata/mlflowimport/populate.py", pyEnv))), &ids); err != nil {
		t.Fatalf("populate.py printed no ids: %v", err)
	}

	st := neo4jtest.Store(t)
	key := neo4jtest.Key(t, "imp")
	if _, err := st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 8 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MLflow: mlflow.Config{DefaultProject: "nowhere"}}))
	defer hub.Close()
	tok, err := auth.NewDevToken([]byte(auth.DevSecret), "importer", map[string]auth.Role{key: auth.RoleContributor}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	from := &mlflowimport.Client{Base: src}
	to := &mlflowimport.Client{Base: hub.URL, Token: tok}
	events := func() int64 {
		return neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": key})
	}

	// Interrupted: the context ends after the sixth batch written.
	ctx, cancel := context.WithCancel(t.Context())
	batches := 0
	var progress testproc.Buffer
	code := importMLflow(ctx, mlflowimport.Options{From: from, To: to, Project: key, BatchSize: 7, Progress: &progress,
		OnBatch: func() {
			if batches++; batches == 6 {
				cancel()
			}
		}}, false, io.Discard, io.Discard)
	cancel()
	if code != exitError {
		t.Fatalf("an interrupted import exited %d, want %d", code, exitError)
	}

	// Resumed through the command line, as a person would.
	hubctl := func(want int) string {
		t.Helper()
		code, stdout, stderr := runCapture(t, env(map[string]string{"EXPHUB_TOKEN": tok}), "import", "mlflow", "--from", src, "--url", hub.URL,
			"--project", key)
		if code != want {
			t.Fatalf("hubctl import mlflow exited %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
		}
		return stdout
	}
	out := hubctl(exitOK)
	if !strings.Contains(out, "resumed") || !strings.Contains(out, "NaN or infinite") {
		t.Errorf("the summary does not say what it resumed and skipped:\n%s", out)
	}
	// The registry: both versions, linked to the hub copies of their runs;
	// the free alias set; production, which the hub governs, became a
	// promotion request the summary names.
	if !strings.Contains(out, "registered models: 1 created, 0 already in the hub; versions: 2 copied, 0 unchanged; aliases: 1 set, 0 unchanged") ||
		!strings.Contains(out, `alias "production"`) || !strings.Contains(out, "promotion request") {
		t.Errorf("the summary of the registry:\n%s", out)
	}
	check(t, from, to, key, ids)
	checkModels(t, to, key, ids)

	// The source's running run goes on and ends: the next import brings
	// it up to date.
	pyenv.Run(t, python, "testdata/mlflowimport/more.py", pyEnv, ids["running"])
	out = hubctl(exitOK)
	if !strings.Contains(out, "runs: 0 copied, 1 resumed, 0 updated, 4 unchanged") {
		t.Errorf("after the running run ended:\n%s", out)
	}
	check(t, from, to, key, ids)

	// Once more: nothing to do, nothing written.
	before := events()
	out = hubctl(exitOK)
	if !strings.Contains(out, "runs: 0 copied, 0 resumed, 0 updated, 5 unchanged") || !strings.Contains(out, "copied: 0 metric points") ||
		!strings.Contains(out, "versions: 0 copied, 2 unchanged; aliases: 0 set, 1 unchanged") {
		t.Errorf("a second import of the same source:\n%s", out)
	}
	if after := events(); after != before {
		t.Errorf("a second import wrote %d events", after-before)
	}

	// Bad command lines change nothing.
	for _, args := range [][]string{
		{"import"},
		{"import", "wandb"},
		{"import", "mlflow"},
		{"import", "mlflow", "--from", "ftp://x"},
		{"import", "mlflow", "--from", src, "--url", "localhost:8080"},
	} {
		if code, _, stderr := runCapture(t, env(map[string]string{"EXPHUB_TOKEN": tok}), args...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if after := events(); after != before {
		t.Errorf("bad command lines wrote %d events", after-before)
	}
}

// checkModels checks the copy of populate.py's registered model.
func checkModels(t *testing.T, to *mlflowimport.Client, key string, ids map[string]string) {
	t.Helper()
	ctx := t.Context()
	m, err := to.RegisteredModel(ctx, key+"/churn-model")
	if err != nil {
		t.Fatalf("the registered model was not copied: %v", err)
	}
	if m.Description != "churn classifier" {
		t.Errorf("model description %q", m.Description)
	}
	versions, err := to.ModelVersions(ctx, key+"/churn-model")
	if err != nil {
		t.Fatal(err)
	}
	hubRun := map[string]string{} // source version → hub run id
	hubVersion := map[string]string{}
	for _, v := range versions {
		sv, _ := v.Tag(mlflowimport.SourceVersionTag)
		hubRun[sv], hubVersion[sv] = v.RunID, v.Version
	}
	for i, sv := range []string{"1", "2"} {
		src, err := to.GetRun(ctx, hubRun[sv])
		if err != nil {
			t.Fatalf("version %s: its run %q: %v", sv, hubRun[sv], err)
		}
		if id, _ := src.Tag(mlflowimport.SourceRunTag); id != ids[fmt.Sprintf("child%d", i)] {
			t.Errorf("version %s is linked to the copy of %s, want child%d's", sv, id, i)
		}
	}
	if len(versions) != 2 {
		t.Errorf("%d versions in the hub, want 2", len(versions))
	}
	aliases := map[string]string{}
	for _, a := range m.Aliases {
		aliases[a.Alias] = a.Version
	}
	if aliases["champion"] != hubVersion["2"] {
		t.Errorf("champion names version %q, want %q (the copy of version 2)", aliases["champion"], hubVersion["2"])
	}
	if _, ok := aliases["production"]; ok {
		t.Errorf("production was set around governance: %v", aliases)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// check compares every source run but the deleted one with its hub copy.
func check(t *testing.T, from, to *mlflowimport.Client, key string, ids map[string]string) {
	t.Helper()
	ctx := t.Context()
	hubRuns := map[string]*mlflowimport.Run{} // source id → hub run
	for _, name := range []string{"churn", "fraud"} {
		e, err := to.ExperimentByName(ctx, key+"/"+name)
		if err != nil {
			t.Fatalf("experiment %s not in the hub: %v", name, err)
		}
		runs, err := to.Runs(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range runs {
			id, _ := runs[i].Tag(mlflowimport.SourceRunTag)
			if hubRuns[id] != nil {
				t.Errorf("source run %s copied twice", id)
			}
			hubRuns[id] = &runs[i]
		}
	}
	if hubRuns[ids["deleted"]] != nil {
		t.Error("a deleted run was copied")
	}
	for role, id := range ids {
		if role == "deleted" {
			continue
		}
		s, err := from.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		h := hubRuns[id]
		if h == nil {
			t.Errorf("%s run %s was not copied", role, id)
			continue
		}
		if h.Info.Status != s.Info.Status || h.Info.StartTime != s.Info.StartTime || h.Info.RunName != s.Info.RunName {
			t.Errorf("%s run: hub %+v, source %+v", role, h.Info, s.Info)
		}
		if s.Info.Status != "RUNNING" && h.Info.EndTime != s.Info.EndTime {
			t.Errorf("%s run ended at %d in the hub, %d in the source", role, h.Info.EndTime, s.Info.EndTime)
		}
		if !sameKVs(h.Data.Params, s.Data.Params) {
			t.Errorf("%s run params: hub %v, source %v", role, h.Data.Params, s.Data.Params)
		}
		for _, tag := range s.Data.Tags {
			got, ok := h.Tag(tag.Key)
			want := tag.Value
			if tag.Key == "mlflow.parentRunId" {
				want = hubRuns[tag.Value].Info.RunID // the parent's hub id
			}
			if !ok || got != want {
				t.Errorf("%s run tag %s: hub %q, want %q", role, tag.Key, got, want)
			}
		}
		for _, m := range s.Data.Metrics {
			want, err := from.History(ctx, id, m.Key)
			if err != nil {
				t.Fatal(err)
			}
			want = slices.DeleteFunc(want, func(p mlflowimport.Metric) bool { return math.IsNaN(float64(p.Value)) })
			got, err := to.History(ctx, h.Info.RunID, m.Key)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := points(got), points(want); !slices.Equal(a, b) {
				t.Errorf("%s run metric %s: hub %v, source %v", role, m.Key, a, b)
			}
		}
		full, err := to.GetRun(ctx, h.Info.RunID)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := digests(full.Inputs.DatasetInputs), digests(s.Inputs.DatasetInputs); !slices.Equal(a, b) {
			t.Errorf("%s run inputs: hub %v, source %v", role, a, b)
		}
	}
}

func sameKVs(a, b []mlflowimport.KV) bool {
	key := func(kv mlflowimport.KV) string { return kv.Key + "=" + kv.Value }
	x, y := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		x[i] = key(a[i])
	}
	for i := range b {
		y[i] = key(b[i])
	}
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func points(ms []mlflowimport.Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = fmt.Sprintf("%d@%d=%v", m.Step, m.Timestamp, float64(m.Value))
	}
	slices.Sort(out)
	return out
}

func digests(in []mlflowimport.DatasetInput) []string {
	var out []string
	for _, d := range in {
		out = append(out, d.Dataset.Name+":"+d.Dataset.Digest)
	}
	slices.Sort(out)
	return out
}
