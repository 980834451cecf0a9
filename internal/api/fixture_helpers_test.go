package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// fixture is one project with one of everything, written through the store.
type fixture struct {
	key    string // the project
	newKey string // a key nobody has created yet, for createProject
	exp    string
	ds     string
	dsv    string
	run    string
	mv     string
}

const owner = "fixture-owner"

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	ctx := ctxT(t)
	f := &fixture{key: neo4jtest.Key(t, "acc"), newKey: neo4jtest.Key(t, "new")}
	must(st.CreateProject(ctx, owner, store.CreateProjectInput{Key: f.key, Name: "Access " + f.key})).of(t)
	f.exp = must(st.CreateExperiment(ctx, owner, store.CreateExperimentInput{ProjectKey: f.key, Name: "exp"})).of(t).ID
	f.ds = must(st.RegisterDataset(ctx, owner, store.RegisterDatasetInput{ProjectKey: f.key, Namespace: "s3://b", Name: "tbl"})).of(t).ID
	v, _, err := st.RegisterDatasetVersion(ctx, owner, store.RegisterDatasetVersionInput{DatasetID: f.ds, Version: "v1", URI: "s3://b/tbl/v1", Digest: sha(f.key)})
	f.dsv = must(v, err).of(t).ID
	f.run = f.freshRun(t, st)
	must(st.AddRunInputs(ctx, "alice", f.run, []string{f.dsv})).of(t)
	f.mv = must(st.RegisterModelVersion(ctx, owner, store.RegisterModelVersionInput{ProjectKey: f.key, ModelName: "m", RunID: f.run, URI: "s3://m/1"})).of(t).ID
	return f
}

// freshRun starts a RUNNING run, so every mutation case has its own.
func (f *fixture) freshRun(t *testing.T, st *store.Store) string {
	t.Helper()
	return must(st.StartRun(ctxT(t), owner, store.StartRunInput{ExperimentID: f.exp})).of(t).ID
}

// assertNullData checks that a refused operation answered no data: data
// is null, or (for a nullable root field) every root field is null.
func assertNullData(t *testing.T, res *gqlResponse) {
	t.Helper()
	if d := strings.TrimSpace(string(res.Data)); d == "" || d == "null" {
		return
	}
	var fields map[string]any
	if err := json.Unmarshal(res.Data, &fields); err != nil {
		t.Fatalf("decode data: %v", err)
	}
	for k, v := range fields {
		if v != nil {
			t.Errorf("a refused operation returned data for %s: %s", k, res.Data)
		}
	}
}

// neo4jQuery reads rows for assertions (never to write).
func neo4jQuery(t *testing.T, cypher string, params map[string]any) ([]map[string]any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess := neo4jtest.Driver(t).NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer sess.Close(context.WithoutCancel(ctx))
	res, err := sess.Run(ctx, cypher, params)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = r.AsMap()
	}
	return out, nil
}
