package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// The actor every fixture writes as.
const actor = "store-test"

// newProject creates a project with a unique key starting with prefix and
// returns the key.
func newProject(t testing.TB, s *store.Store, prefix string) string {
	t.Helper()
	key := neo4jtest.Key(t, prefix)
	if _, err := s.CreateProject(t.Context(), actor, store.CreateProjectInput{Key: key, Name: "project " + key}); err != nil {
		t.Fatalf("create project %s: %v", key, err)
	}
	return key
}

// newExperiment creates an experiment named "exp" in project key.
func newExperiment(t testing.TB, s *store.Store, key string) *store.Experiment {
	t.Helper()
	e, err := s.CreateExperiment(t.Context(), actor, store.CreateExperimentInput{ProjectKey: key, Name: "exp"})
	if err != nil {
		t.Fatalf("create experiment in %s: %v", key, err)
	}
	return e
}

// newRun starts a run in a fresh project and experiment.
func newRun(t testing.TB, s *store.Store, prefix string, status store.RunStatus) *store.Run {
	t.Helper()
	e := newExperiment(t, s, newProject(t, s, prefix))
	r, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: e.ID, Name: "run", Status: status})
	if err != nil {
		t.Fatalf("start run: %v", err)
	}
	return r
}

// readRun reads a run back by ID.
func readRun(t testing.TB, s *store.Store, id string) *store.Run {
	t.Helper()
	rs, err := s.RunsByIDs(t.Context(), []string{id})
	if err != nil {
		t.Fatalf("read run %s: %v", id, err)
	}
	r, ok := rs[id]
	if !ok {
		t.Fatalf("read run %s: not found", id)
	}
	return r
}

// newDataset registers dataset ns/name in project key.
func newDataset(t testing.TB, s *store.Store, key, name string) *store.Dataset {
	t.Helper()
	d, err := s.RegisterDataset(t.Context(), actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://bucket", Name: name})
	if err != nil {
		t.Fatalf("register dataset %s: %v", name, err)
	}
	return d
}

// digest returns a well-formed sha256 hex digest made of c.
func digest(c byte) string { return strings.Repeat(string(c), 64) }

// unknownID returns a well-formed ID of the kind with prefix that names
// nothing in the database.
func unknownID(prefix string) string { return prefix + uuid.NewString() }

// wantErr fails unless err wraps sentinel.
func wantErr(t testing.TB, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("want %v, got %v", sentinel, err)
	}
}

// wantInvalidField fails unless err is errs.Invalid and its message names
// field the way the store does ("<field>: ...").
func wantInvalidField(t testing.TB, err error, field string) {
	t.Helper()
	wantErr(t, err, errs.Invalid)
	if !strings.Contains(err.Error(), ": "+field+":") {
		t.Fatalf("error %q does not name field %q", err, field)
	}
}

// countProjectNodes counts every node of project key but its events (the project
// node included), to prove a rejected write wrote nothing and an odd name
// touched nothing else.
func countProjectNodes(t testing.TB, key string) int64 {
	t.Helper()
	return neo4jtest.Count(t, `MATCH (n {projectKey: $k}) WHERE NOT n:Event RETURN count(n) AS n`, map[string]any{"k": key})
}

// countProjectEvents counts the events of project key in the log.
func countProjectEvents(t testing.TB, key string) int64 {
	t.Helper()
	return neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": key})
}
