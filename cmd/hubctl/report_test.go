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

// TestReportFromTheHub runs hubctl report against a real hub: an
// experiment with a run that records everything a rerun needs and one that
// does not, a model version of the first promoted to production. The
// report says so in Markdown, HTML (escaped, self-contained) and JSON; a
// period that holds nothing says that; a contributor is refused; bad flags
// are usage errors that name the flag.
func TestReportFromTheHub(t *testing.T) {
	st := neo4jtest.Store(t)
	ctx := t.Context()
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 8 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	key := neo4jtest.Project(t, st, "report")
	policy := store.DefaultPolicy
	policy.RequireUpstreamValidationsPassed = false
	if _, _, err := st.SetPolicy(ctx, "root", key, policy); err != nil {
		t.Fatal(err)
	}
	exp, err := st.CreateExperiment(ctx, "alice", store.CreateExperimentInput{ProjectKey: key, Name: "train <b>"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.RegisterDataset(ctx, "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://b", Name: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	dv := neo4jtest.Version(t, st, d, "v1")
	seed, image := int64(1), "sha256:img"
	complete, err := st.StartRun(ctx, "alice", store.StartRunInput{ExperimentID: exp.ID, Name: "complete", Status: store.StatusFinished, Seed: &seed,
		Params: []store.KeyValue{{Key: "lr", Value: "0.1"}}, Code: &store.CodeRef{Repo: "git@x:y.git", Commit: "abc"},
		Environment: &store.Environment{ImageDigest: &image}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddRunInputs(ctx, "alice", complete.ID, []string{dv.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartRun(ctx, "alice", store.StartRunInput{ExperimentID: exp.ID, Name: "no seed"}); err != nil {
		t.Fatal(err)
	}
	mv, err := st.RegisterModelVersion(ctx, "alice", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "fraud", RunID: complete.ID, URI: "s3://m"})
	if err != nil {
		t.Fatal(err)
	}
	req, err := st.RequestPromotion(ctx, "alice", store.RequestPromotionInput{ModelVersionID: mv.ID, TargetStage: store.StageProduction, Justification: "j"})
	if err != nil {
		t.Fatal(err)
	}
	bob := &auth.Principal{Subject: "bob", Roles: map[string]auth.Role{key: auth.RoleApprover}}
	if _, _, err := governance.New(st, nil).Decide(ctx, bob, req.ID, store.DecisionApproved, "ok"); err != nil {
		t.Fatal(err)
	}
	token := func(role auth.Role) string {
		tok, err := auth.NewDevToken([]byte(auth.DevSecret), "carol", map[string]auth.Role{key: role}, time.Hour, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	report := func(role auth.Role, args ...string) (int, string, string) {
		t.Helper()
		return runCapture(t, env(map[string]string{"EXPHUB_TOKEN": token(role)}),
			append([]string{"report", "--project", key, "--url", srv.URL + "/graphql"}, args...)...)
	}

	code, md, stderr := report(auth.RoleAuditor, "--experiment", "train <b>", "--since", "1d")
	if code != exitOK {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	for _, want := range []string{"experiment train \\<b\\>", "| Runs started | 2 |", "| 1 (50.0%) |", "| Dataset versions read | 1 |",
		"fraud v1 → PRODUCTION | APPROVED | alice", "bob approved", "| complete | FINISHED |", "| no seed | RUNNING |", "seed", "## In production", "| fraud v1 | " + mv.ID} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, md)
		}
	}
	out := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := report(auth.RoleApprover, "--experiment", exp.ID, "--format", "html", "-o", out); code != exitOK {
		t.Fatalf("report --format html: exit %d, %s", code, stderr)
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(html); !strings.Contains(s, "<!DOCTYPE html>") || !strings.Contains(s, "train &lt;b&gt;") || strings.Contains(s, "<b>") ||
		strings.Contains(s, "<script") || strings.Contains(s, "<link") || !strings.Contains(s, "fraud v1") {
		t.Errorf("the HTML report:\n%s", s)
	}
	code, js, stderr := report(auth.RoleAuditor, "--format", "json")
	if code != exitOK {
		t.Fatalf("report --format json: exit %d, %s", code, stderr)
	}
	var data reportData
	if err := json.Unmarshal([]byte(js), &data); err != nil {
		t.Fatalf("decode the JSON report: %v\n%s", err, js)
	}
	if f := data.Report.Figures; f.Runs != 2 || f.ReproducibleRuns != 1 || f.PromotionRequests != 1 || f.Approved != 1 || f.LeadTimeP50 == nil ||
		len(data.Requests) != 1 || len(data.Report.InProduction) != 1 || data.Runs != nil {
		t.Errorf("the JSON report of the project: %s", js)
	}

	code, md, _ = report(auth.RoleAuditor, "--until", "2000-01-01")
	if code != exitOK || !strings.Contains(md, "| Runs started | 0 |") || !strings.Contains(md, "No promotion request was made in the period.") {
		t.Errorf("a period before everything: exit %d\n%s", code, md)
	}
	if code, _, stderr := report(auth.RoleContributor); code != exitError || !strings.Contains(stderr, "FORBIDDEN") {
		t.Errorf("a contributor: exit %d, %s", code, stderr)
	}
	if code, _, stderr := report(auth.RoleAuditor, "--experiment", "no such experiment"); code != exitError || !strings.Contains(stderr, `no experiment named "no such experiment"`) {
		t.Errorf("an unknown experiment name: exit %d, %s", code, stderr)
	}
	for _, bad := range []struct {
		args []string
		says string
	}{
		{[]string{"--since", "yesterday"}, "--since"},
		{[]string{"--until", "1d"}, "--until"},
		{[]string{"--format", "pdf"}, "--format"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		if code, _, stderr := report(auth.RoleAuditor, bad.args...); code != exitUsage || !strings.Contains(stderr, bad.says) {
			t.Errorf("%v: exit %d, %s", bad.args, code, stderr)
		}
	}
	if code, _, stderr := runCapture(t, env(map[string]string{"EXPHUB_TOKEN": token(auth.RoleAuditor)}), "report"); code != exitUsage || !strings.Contains(stderr, "--project is required") {
		t.Errorf("no --project: exit %d, %s", code, stderr)
	}
}
