package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

func TestSplitDatasetName(t *testing.T) {
	for in, want := range map[string][2]string{
		"s3://fraud-lake/raw/transactions":      {"s3://fraud-lake", "raw/transactions"},
		"postgres://db:5432/analytics.public.t": {"postgres://db:5432", "analytics.public.t"},
		"warehouse/orders":                      {"warehouse", "orders"},
	} {
		ns, name, err := splitDatasetName(in)
		if err != nil || ns != want[0] || name != want[1] {
			t.Errorf("%s: got %q %q %v, want %q", in, ns, name, err, want)
		}
	}
	for _, bad := range []string{"orders", "s3://bucket", "s3://bucket/", "/orders"} {
		if _, _, err := splitDatasetName(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestValidatePushRecordsTheRun runs hubctl validate --push against a real
// hub: the result becomes a validation run of the version, the version's
// registered digest is checked, and a version the hub does not have is
// refused before anything runs.
func TestValidatePushRecordsTheRun(t *testing.T) {
	st := neo4jtest.Store(t)
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 8 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	key := neo4jtest.Key(t, "push")
	if _, err := st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	ds, err := st.RegisterDataset(t.Context(), "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://" + key, Name: "raw/orders"})
	if err != nil {
		t.Fatal(err)
	}
	dir := validateFixture(t)
	data := filepath.Join(dir, "orders.csv")
	good, _, err := st.RegisterDatasetVersion(t.Context(), "alice", store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x/v1", Digest: fileDigest(t, data)})
	if err != nil {
		t.Fatal(err)
	}
	changed, _, err := st.RegisterDatasetVersion(t.Context(), "alice", store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v2", URI: "s3://x/v2", Digest: strings.Repeat("0", 64)})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.NewDevToken([]byte(auth.DevSecret), "ci", map[string]auth.Role{key: auth.RoleContributor}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	push := func(version string) (int, string, string) {
		return runCapture(t, env(map[string]string{"EXPHUB_TOKEN": tok}), "validate", "--suite", filepath.Join(dir, "fail.yaml"), "--data", data,
			"--push", "--url", srv.URL+"/graphql", "--dataset", "s3://"+key+"/raw/orders", "--version", version)
	}
	runs := func(versionID string) []*store.ValidationRun {
		c, err := st.ValidationRuns(t.Context(), store.ValidationRunFilter{DatasetVersionID: versionID}, store.Page{First: 10})
		if err != nil {
			t.Fatal(err)
		}
		return c.Items
	}

	code, stdout, stderr := push("v1")
	if code != exitError || !strings.Contains(stdout, "status: FAILED") || !strings.Contains(stderr, "recorded in the hub as vr_") {
		t.Fatalf("push v1: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if got := runs(good.ID); len(got) != 1 || got[0].Status != "FAILED" || got[0].SuiteName != "orders" {
		t.Fatalf("runs of v1: %+v", got)
	}

	// v2 claims another digest: the data changed under it.
	code, stdout, _ = push("v2")
	if code != exitError || !strings.Contains(stdout, "INTEGRITY") {
		t.Fatalf("push v2: exit %d\n%s", code, stdout)
	}
	if got := runs(changed.ID); len(got) != 1 || got[0].Status != "ERROR" {
		t.Fatalf("runs of v2: %+v", got)
	}

	// An unknown version: nothing runs, nothing is written.
	code, _, stderr = push("v9")
	if code != exitError || !strings.Contains(stderr, `no version "v9"`) {
		t.Fatalf("push v9: exit %d, %s", code, stderr)
	}
	if n := neo4jtest.Count(t, `MATCH (r:ValidationRun {projectKey: $k}) RETURN count(r) AS n`, map[string]any{"k": key}); n != 2 {
		t.Fatalf("%d validation runs in the project, want 2", n)
	}

	// A version an OpenLineage event reported has no digest: the data is
	// validated and the result recorded, with a note that nothing vouches
	// for the data.
	event := fmt.Sprintf(`{"eventType": "COMPLETE", "eventTime": %q, "producer": "https://example.com/producer",
		"schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run": {"runId": %q, "facets": {}}, "job": {"namespace": "airflow", "name": "export", "facets": {}}, "inputs": [],
		"outputs": [{"namespace": %q, "name": "raw/orders", "facets": {
		  "version": {"_producer": "https://example.com/producer", "_schemaURL": "https://example.com/schema", "datasetVersion": "v3"}}}]}`,
		time.Now().UTC().Format(time.RFC3339Nano), uuid.NewString(), "s3://"+key)
	pipeline := &auth.Principal{Subject: "pipeline", Roles: map[string]auth.Role{key: auth.RoleContributor}}
	if _, err := openlineage.New(st, openlineage.Config{DefaultProject: key}).Ingest(t.Context(), pipeline, []byte(event)); err != nil {
		t.Fatal(err)
	}
	reported, err := st.DatasetVersionByName(t.Context(), store.Scope{All: true}, key, "s3://"+key, "raw/orders", "v3")
	if err != nil || reported.Digest != "" {
		t.Fatalf("the reported version: %+v %v", reported, err)
	}
	code, stdout, stderr = push("v3")
	if code != exitError || !strings.Contains(stdout, "status: FAILED") || !strings.Contains(stderr, "no digest") {
		t.Fatalf("push v3: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if got := runs(reported.ID); len(got) != 1 || got[0].Status != "FAILED" {
		t.Fatalf("runs of v3: %+v", got)
	}
}

func fileDigest(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// hubctl evidence fetch gets a real request's pack from a real hub, writes
// it, and verifies it; the written file verifies again offline.
func TestEvidenceFetchFromTheHub(t *testing.T) {
	st := neo4jtest.Store(t)
	ctx := t.Context()
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 8 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	key := neo4jtest.Key(t, "fetch")
	if _, err := st.CreateProject(ctx, "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
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
	out := filepath.Join(t.TempDir(), "pack.json")
	fetch := func(role auth.Role) (int, string, string) {
		return runCapture(t, env(map[string]string{"EXPHUB_TOKEN": token(role)}), "evidence", "fetch", "--request", req.ID,
			"--url", srv.URL+"/graphql", "-o", out)
	}
	if code, _, stderr := fetch(auth.RoleContributor); code != exitError || !strings.Contains(stderr, "FORBIDDEN") {
		t.Fatalf("a contributor fetching: exit %d, %s", code, stderr)
	}
	code, _, stderr := fetch(auth.RoleApprover)
	if code != exitOK || !strings.Contains(stderr, "fetched "+req.ID+": consistent") {
		t.Fatalf("fetch: exit %d, %s", code, stderr)
	}
	code, stdout, _ := runCapture(t, env(nil), "evidence", "verify", out)
	if code != exitOK || !strings.Contains(stdout, "pack consistent") {
		t.Fatalf("verify the fetched file: exit %d, %s", code, stdout)
	}
}
