package main

import (
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
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestSignOffFromTheHub walks an auditor through hubctl: fetch a pack, see
// that nothing signed it off, sign it off, find the sign-off by the file,
// see it in the next pack; a file changed afterwards matches nothing; a
// governance report is signed off the same way. Refusals (an approver, a
// rejection without findings, a tampered pack) write nothing.
func TestSignOffFromTheHub(t *testing.T) {
	st := neo4jtest.Store(t)
	ctx := t.Context()
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 8 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	key := neo4jtest.Project(t, st, "signoff")
	policy := store.DefaultPolicy
	policy.RequireUpstreamValidationsPassed = false
	if _, _, err := st.SetPolicy(ctx, "root", key, policy); err != nil {
		t.Fatal(err)
	}
	mv, err := st.RegisterModelVersion(ctx, "alice", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m"})
	if err != nil {
		t.Fatal(err)
	}
	req, err := st.RequestPromotion(ctx, "alice", store.RequestPromotionInput{ModelVersionID: mv.ID, TargetStage: store.StageStaging, Justification: "j"})
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
	hubctl := func(role auth.Role, args ...string) (int, string, string) {
		t.Helper()
		return runCapture(t, env(map[string]string{"EXPHUB_TOKEN": token(role)}), args...)
	}
	signoff := func(role auth.Role, args ...string) (int, string, string) {
		t.Helper()
		return hubctl(role, append([]string{"signoff", args[0], "--url", srv.URL + "/graphql"}, args[1:]...)...)
	}
	signOffs := func() int64 {
		return neo4jtest.Count(t, `MATCH (s:SignOff {projectKey: $k}) RETURN count(s) AS n`, map[string]any{"k": key})
	}
	dir := t.TempDir()
	pack := filepath.Join(dir, "pack.json")
	if code, _, stderr := hubctl(auth.RoleAuditor, "evidence", "fetch", "--url", srv.URL+"/graphql", "--request", req.ID, "-o", pack); code != exitOK {
		t.Fatalf("fetch: exit %d, %s", code, stderr)
	}
	doc, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	digest := evidence.Digest(doc)

	if code, out, _ := signoff(auth.RoleViewer, "status", pack); code != exitError || !strings.Contains(out, digest) || !strings.Contains(out, "no sign-off matches") {
		t.Errorf("status before any sign-off: exit %d, %s", code, out)
	}
	// Refusals write nothing.
	if code, _, stderr := signoff(auth.RoleAuditor, "reject", pack); code != exitUsage || !strings.Contains(stderr, "--findings is required") {
		t.Errorf("reject without findings: exit %d, %s", code, stderr)
	}
	if code, _, stderr := signoff(auth.RoleApprover, "accept", pack); code != exitError || !strings.Contains(stderr, "FORBIDDEN") || !strings.Contains(stderr, "auditor") {
		t.Errorf("an approver signing off: exit %d, %s", code, stderr)
	}
	tampered := filepath.Join(dir, "tampered.json")
	if err := os.WriteFile(tampered, []byte(strings.Replace(string(doc), `"justification": "j"`, `"justification": "k"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := signoff(auth.RoleAuditor, "accept", tampered); code != exitError || !strings.Contains(stderr, "BAD_USER_INPUT") {
		t.Errorf("signing off a tampered pack: exit %d, %s", code, stderr)
	}
	notJSON := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notJSON, []byte("looked fine to me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := signoff(auth.RoleAuditor, "accept", notJSON); code != exitError || !strings.Contains(stderr, "not JSON") {
		t.Errorf("signing off a file that is no document: exit %d, %s", code, stderr)
	}
	if n := signOffs(); n != 0 {
		t.Fatalf("refused sign-offs wrote %d", n)
	}

	code, out, stderr := signoff(auth.RoleAuditor, "accept", "--findings", "checks reproduced", pack)
	if code != exitOK || !strings.Contains(out, "ACCEPTED evidence pack of "+req.ID+" by carol") || !strings.Contains(out, digest) ||
		!strings.Contains(out, "checks reproduced") {
		t.Fatalf("accept: exit %d, %s%s", code, out, stderr)
	}
	if code, out, _ := signoff(auth.RoleViewer, "status", pack); code != exitOK || !strings.Contains(out, "ACCEPTED evidence pack of "+req.ID) {
		t.Errorf("status after the sign-off: exit %d, %s", code, out)
	}
	// One byte more and the file is another document.
	if err := os.WriteFile(tampered, append(doc, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := signoff(auth.RoleViewer, "status", tampered); code != exitError || !strings.Contains(out, "no sign-off matches") {
		t.Errorf("status of a changed file: exit %d, %s", code, out)
	}

	// The next pack carries the sign-off, and verifies offline.
	next := filepath.Join(dir, "next.json")
	if code, _, stderr := hubctl(auth.RoleAuditor, "evidence", "fetch", "--url", srv.URL+"/graphql", "--request", req.ID, "-o", next); code != exitOK {
		t.Fatalf("fetch again: exit %d, %s", code, stderr)
	}
	f, err := os.Open(next)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := evidence.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != evidence.Format || len(p.SignOffs) != 1 || p.SignOffs[0].Digest != digest || p.SignOffs[0].Decision != "ACCEPTED" ||
		p.SignOffs[0].By != "carol" || p.SignOffs[0].Findings != "checks reproduced" {
		t.Errorf("the next pack: format %s, sign-offs %+v", p.Format, p.SignOffs)
	}
	if code, out, _ := runCapture(t, env(nil), "evidence", "verify", next); code != exitOK || !strings.Contains(out, "pack consistent") {
		t.Errorf("verify the next pack: exit %d, %s", code, out)
	}

	// A governance report, rejected with findings.
	report := filepath.Join(dir, "report.json")
	if code, _, stderr := hubctl(auth.RoleAuditor, "report", "--url", srv.URL+"/graphql", "--project", key, "--format", "json", "-o", report); code != exitOK {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	code, out, stderr = signoff(auth.RoleAuditor, "reject", "--findings", "lead time too long", report)
	if code != exitOK || !strings.Contains(out, "REJECTED governance report of project "+key) || !strings.Contains(out, "lead time too long") {
		t.Fatalf("reject the report: exit %d, %s%s", code, out, stderr)
	}
	if code, out, _ := signoff(auth.RoleViewer, "status", report); code != exitOK || !strings.Contains(out, "REJECTED governance report") {
		t.Errorf("status of the report: exit %d, %s", code, out)
	}
	// The next report lists the sign-off of the earlier one.
	code, md, _ := hubctl(auth.RoleAuditor, "report", "--url", srv.URL+"/graphql", "--project", key)
	if code != exitOK || !strings.Contains(md, "## Sign-offs of earlier reports") || !strings.Contains(md, "| rejected | carol | ") ||
		!strings.Contains(md, "| lead time too long |") {
		t.Errorf("the next report: exit %d\n%s", code, md)
	}
	if n := signOffs(); n != 2 {
		t.Errorf("want 2 sign-offs stored, found %d", n)
	}
}
