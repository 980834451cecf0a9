package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestReproAuditFromTheHub runs a reproducibility audit with hubctl: plan
// selects the finished runs and writes their specs; reruns tagged with
// the spec's rerunTags are compared once by record (a retry records
// nothing, an unfinished rerun and a rerun of another experiment's run are
// left alone); report prints the outcome table and --check fails while a
// selected run diverged. Bad flags are usage errors naming the flag, and a
// viewer may plan and report but not record.
func TestReproAuditFromTheHub(t *testing.T) {
	st := neo4jtest.Store(t)
	ctx := t.Context()
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 8 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	key := neo4jtest.Project(t, st, "repro")
	exp, err := st.CreateExperiment(ctx, "alice", store.CreateExperimentInput{ProjectKey: key, Name: "churn"})
	if err != nil {
		t.Fatal(err)
	}
	other := neo4jtest.Experiment(t, st, key)
	seed := int64(3)
	run := func(expID, name string, auc float64, finish bool, tags ...store.KeyValue) string {
		t.Helper()
		r, err := st.StartRun(ctx, "alice", store.StartRunInput{ExperimentID: expID, Name: name, Seed: &seed, Tags: tags,
			Params: []store.KeyValue{{Key: "lr", Value: "0.1"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.LogMetrics(ctx, r.ID, []store.MetricPoint{{Key: "auc", Value: auc, Step: 1}}); err != nil {
			t.Fatal(err)
		}
		if finish {
			if _, err := st.UpdateRunStatus(ctx, "alice", r.ID, store.StatusFinished); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	a := run(exp.ID, "gbm-a", 0.90, true)
	b := run(exp.ID, "gbm-b", 0.80, true)
	running := run(exp.ID, "still-running", 0.70, false)
	elsewhere := run(other.ID, "other-exp", 0.5, true)

	token := func(role auth.Role) string {
		tok, err := auth.NewDevToken([]byte(auth.DevSecret), "carol", map[string]auth.Role{key: role}, time.Hour, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	repro := func(role auth.Role, verb string, args ...string) (int, string, string) {
		t.Helper()
		return runCapture(t, env(map[string]string{"EXPHUB_TOKEN": token(role)}),
			append([]string{"repro", verb, "--url", srv.URL + "/graphql", "--project", key, "--experiment", "churn"}, args...)...)
	}
	reproductions := func() int64 {
		return neo4jtest.Count(t, `MATCH (r:Reproduction {projectKey: $k}) RETURN count(r) AS n`, map[string]any{"k": key})
	}

	// Plan: every finished run, specs with the rerun tag.
	dir := filepath.Join(t.TempDir(), "audit")
	code, out, stderr := repro(auth.RoleViewer, "plan", "-o", dir)
	if code != exitOK || !strings.Contains(out, "2 runs of churn selected") || strings.Contains(out, running) {
		t.Fatalf("plan: exit %d, %s%s", code, out, stderr)
	}
	var plan reproPlan
	if b, err := os.ReadFile(filepath.Join(dir, "audit.json")); err != nil || json.Unmarshal(b, &plan) != nil ||
		plan.ExperimentID != exp.ID || len(plan.Runs) != 2 {
		t.Fatalf("audit.json: %+v, %v", plan, err)
	}
	var spec governance.ReproduceSpec
	if b, err := os.ReadFile(filepath.Join(dir, a+".json")); err != nil || json.Unmarshal(b, &spec) != nil ||
		spec.Run.ID != a || spec.RerunTags[governance.ReproducesTag] != a || spec.Metrics["auc"] != 0.90 {
		t.Fatalf("the spec of %s: %+v, %v", a, spec, err)
	}
	if code, out, _ := repro(auth.RoleViewer, "plan", "-o", filepath.Join(t.TempDir(), "one"), "--filter", "attributes.run_name = 'gbm-b'"); code != exitOK ||
		!strings.Contains(out, "1 runs of churn selected") || !strings.Contains(out, b) {
		t.Errorf("plan --filter: exit %d, %s", code, out)
	}

	// Reruns, tagged as the spec says: a close one, a far one, one still
	// running, and one of another experiment's run.
	tag := func(id string) store.KeyValue { return store.KeyValue{Key: governance.ReproducesTag, Value: id} }
	rerunA := run(other.ID, "rerun-a", 0.9004, true, tag(a))
	rerunB := run(other.ID, "rerun-b", 0.70, true, tag(b))
	run(other.ID, "rerun-a-again", 0.9, false, tag(a))
	run(other.ID, "rerun-elsewhere", 0.5, true, tag(elsewhere))

	if code, _, stderr := repro(auth.RoleViewer, "record", "--tolerance", "0.001"); code != exitError || !strings.Contains(stderr, "FORBIDDEN") {
		t.Errorf("a viewer recording: exit %d, %s", code, stderr)
	}
	if n := reproductions(); n != 0 {
		t.Fatalf("a refused record wrote %d reproductions", n)
	}
	code, out, stderr = repro(auth.RoleContributor, "record", "--tolerance", "0.001")
	if code != exitOK || !strings.Contains(out, "2 reproductions recorded, 0 already recorded") ||
		!strings.Contains(out, "REPRODUCED by "+rerunA) || !strings.Contains(out, "DIVERGED by "+rerunB) || !strings.Contains(out, "not finished") {
		t.Fatalf("record: exit %d, %s%s", code, out, stderr)
	}
	if code, out, _ := repro(auth.RoleContributor, "record", "--tolerance", "0.001"); code != exitOK || !strings.Contains(out, "0 reproductions recorded, 2 already recorded") {
		t.Errorf("record again: exit %d, %s", code, out)
	}
	if n := reproductions(); n != 2 {
		t.Errorf("want 2 reproductions stored, found %d", n)
	}

	// Report: the plan's selection fails the check (b diverged); a alone
	// passes.
	code, out, _ = repro(auth.RoleViewer, "report", "--plan", dir, "--check")
	if code != exitError || !strings.Contains(out, "2 runs selected: 1 reproduced, 1 diverged, 0 not attempted") ||
		!strings.Contains(out, "| gbm-a | "+a+" | no | code.commit, environment, inputs | REPRODUCED | rerun-a ("+rerunA+") | 0.001 abs, 0 rel | auc 0.9→0.9004 ok |") || !strings.Contains(out, "auc 0.8→0.7 DIVERGED") {
		t.Errorf("report --plan --check: exit %d\n%s", code, out)
	}
	if code, out, _ := repro(auth.RoleViewer, "report", "--run", a, "--check"); code != exitOK || !strings.Contains(out, "1 runs selected: 1 reproduced") {
		t.Errorf("report --run a --check: exit %d\n%s", code, out)
	}
	code, js, _ := repro(auth.RoleViewer, "report", "--format", "json")
	var rep struct{ Summary map[string]int }
	if code != exitOK || json.Unmarshal([]byte(js), &rep) != nil || rep.Summary["selected"] != 3 || rep.Summary["notAttempted"] != 1 {
		t.Errorf("report --format json: exit %d, %s", code, js)
	}

	for _, bad := range []struct {
		verb string
		args []string
		says string
	}{
		{"plan", nil, "-o DIR is required"},
		{"record", []string{"--filter", "x"}, "--filter does not apply to record"},
		{"report", []string{"--run", a, "--plan", dir}, "give --run or --plan, not both"},
		{"report", []string{"--format", "html"}, `--format "html"`},
		{"record", []string{"--tolerance", "-1"}, "tolerances cannot be negative"},
	} {
		if code, _, stderr := repro(auth.RoleContributor, bad.verb, bad.args...); code != exitUsage || !strings.Contains(stderr, bad.says) {
			t.Errorf("repro %s %v: exit %d, %s", bad.verb, bad.args, code, stderr)
		}
	}
	if code, _, stderr := repro(auth.RoleViewer, "report", "--run", elsewhere); code != exitError || !strings.Contains(stderr, "not a run of experiment churn") {
		t.Errorf("report --run of another experiment: exit %d, %s", code, stderr)
	}
}
