package neo4jtest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/store"
)

// Actor is who the fixtures write as.
const Actor = "store-test"

// Project creates a project with a unique key starting with prefix and
// returns the key.
func Project(t testing.TB, s *store.Store, prefix string) string {
	t.Helper()
	key := Key(t, prefix)
	if _, err := s.CreateProject(t.Context(), Actor, store.CreateProjectInput{Key: key, Name: "project " + key}); err != nil {
		t.Fatalf("create project %s: %v", key, err)
	}
	return key
}

// Experiment creates an experiment named "exp" in project key.
func Experiment(t testing.TB, s *store.Store, key string) *store.Experiment {
	t.Helper()
	e, err := s.CreateExperiment(t.Context(), Actor, store.CreateExperimentInput{ProjectKey: key, Name: "exp"})
	if err != nil {
		t.Fatalf("create experiment in %s: %v", key, err)
	}
	return e
}

// Run starts a run in a fresh project and experiment.
func Run(t testing.TB, s *store.Store, prefix string, status store.RunStatus) *store.Run {
	t.Helper()
	e := Experiment(t, s, Project(t, s, prefix))
	r, err := s.StartRun(t.Context(), Actor, store.StartRunInput{ExperimentID: e.ID, Name: "run", Status: status})
	if err != nil {
		t.Fatalf("start run: %v", err)
	}
	return r
}

// Version registers version v of dataset d with a digest of its own.
func Version(t testing.TB, s *store.Store, d *store.Dataset, v string) *store.DatasetVersion {
	t.Helper()
	dv, _, err := s.RegisterDatasetVersion(t.Context(), Actor, store.RegisterDatasetVersionInput{DatasetID: d.ID, Version: v,
		URI: "/data/" + v + ".csv", Digest: Digest('a')})
	if err != nil {
		t.Fatalf("register version %s: %v", v, err)
	}
	return dv
}

// Digest returns a well-formed sha256 hex digest made of c.
func Digest(c byte) string { return strings.Repeat(string(c), 64) }

// UnknownID returns a well-formed ID with prefix that names nothing in
// the database.
func UnknownID(prefix string) string { return prefix + uuid.NewString() }

// WantErr fails unless err wraps sentinel.
func WantErr(t testing.TB, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("want %v, got %v", sentinel, err)
	}
}

// ProjectNodes counts every node of project key but its events (the
// project node included), to prove a refused write wrote nothing.
func ProjectNodes(t testing.TB, key string) int64 {
	t.Helper()
	return Count(t, `MATCH (n {projectKey: $k}) WHERE NOT n:Event RETURN count(n) AS n`, map[string]any{"k": key})
}

// ProjectEvents counts the events of project key in the log.
func ProjectEvents(t testing.TB, key string) int64 {
	t.Helper()
	return Count(t, `MATCH (e:Event {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": key})
}

// Exec runs a write the API has no way to make (a model version put in a
// stage directly, say), to set up a test.
func Exec(t testing.TB, cypher string, params map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := neo4j.ExecuteQuery(ctx, Driver(t), cypher, params, neo4j.EagerResultTransformer); err != nil {
		t.Fatalf("neo4jtest: exec: %v", err)
	}
}
