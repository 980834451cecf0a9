package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// runAt starts a run and moves it along legal transitions to status st.
func runAt(t *testing.T, s *store.Store, st store.RunStatus) *store.Run {
	t.Helper()
	start := store.StatusRunning
	if st == store.StatusScheduled {
		start = store.StatusScheduled
	}
	r := newRun(t, s, "runs", start)
	if st.Terminal() {
		var err error
		if r, err = s.UpdateRunStatus(t.Context(), actor, r.ID, st); err != nil {
			t.Fatalf("move run to %s: %v", st, err)
		}
	}
	if r.Status != st {
		t.Fatalf("fixture: run is %s, want %s", r.Status, st)
	}
	return r
}

func TestRunStatusTransitions(t *testing.T) {
	clock := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	s := neo4jtest.Store(t, store.WithClock(func() time.Time { return clock }))
	const (
		ok       = "ok"
		noop     = "no-op"
		conflict = "conflict"
	)
	S, R, F, X, K := store.StatusScheduled, store.StatusRunning, store.StatusFinished, store.StatusFailed, store.StatusKilled
	cases := []struct {
		from, to store.RunStatus
		want     string
	}{
		{S, S, noop}, {S, R, ok}, {S, F, conflict}, {S, X, ok}, {S, K, ok},
		{R, S, conflict}, {R, R, noop}, {R, F, ok}, {R, X, ok}, {R, K, ok},
		{F, S, conflict}, {F, R, conflict}, {F, F, noop}, {F, X, conflict}, {F, K, conflict},
		{X, S, conflict}, {X, R, conflict}, {X, F, conflict}, {X, X, noop}, {X, K, conflict},
		{K, S, conflict}, {K, R, conflict}, {K, F, conflict}, {K, X, conflict}, {K, K, noop},
	}
	for _, c := range cases {
		t.Run(string(c.from)+"→"+string(c.to), func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, c.from)
			before := readRun(t, s, r.ID)
			got, err := s.UpdateRunStatus(t.Context(), actor, r.ID, c.to)
			after := readRun(t, s, r.ID)
			switch c.want {
			case conflict:
				wantErr(t, err, errs.Conflict)
				if after.Status != c.from {
					t.Fatalf("rejected transition changed status to %s", after.Status)
				}
				if !equalTimePtr(after.EndedAt, before.EndedAt) {
					t.Fatalf("rejected transition changed endedAt from %v to %v", before.EndedAt, after.EndedAt)
				}
			case ok, noop:
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				if got.Status != c.to || after.Status != c.to {
					t.Fatalf("status: returned %s, stored %s, want %s", got.Status, after.Status, c.to)
				}
				switch {
				case c.to.Terminal() && (after.EndedAt == nil || !after.EndedAt.Equal(clock)):
					t.Fatalf("terminal status %s: endedAt = %v, want %v", c.to, after.EndedAt, clock)
				case !c.to.Terminal() && after.EndedAt != nil:
					t.Fatalf("non-terminal status %s: endedAt = %v, want unset", c.to, after.EndedAt)
				}
				if c.want == noop && !equalTimePtr(after.EndedAt, before.EndedAt) {
					t.Fatalf("no-op changed endedAt from %v to %v", before.EndedAt, after.EndedAt)
				}
			}
		})
	}
}

func equalTimePtr(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func TestRunStatusRejectsUnknownStatus(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, store.StatusRunning)
	for _, st := range []store.RunStatus{"PAUSED", "", "running"} {
		t.Run("status="+string(st), func(t *testing.T) {
			_, err := s.UpdateRunStatus(t.Context(), actor, r.ID, st)
			wantInvalidField(t, err, "status")
			if got := readRun(t, s, r.ID).Status; got != store.StatusRunning {
				t.Fatalf("status changed to %s", got)
			}
		})
	}
}

func TestLogParamsWriteOnce(t *testing.T) {
	s := neo4jtest.Store(t)
	kv := func(pairs ...string) []store.KeyValue {
		var out []store.KeyValue
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, store.KeyValue{Key: pairs[i], Value: pairs[i+1]})
		}
		return out
	}
	cases := []struct {
		name    string
		call    []store.KeyValue
		wantErr error
		want    []store.KeyValue // params stored after the call
	}{
		{"same value is a no-op", kv("lr", "0.1"), nil, kv("lr", "0.1", "depth", "6")},
		{"new key is appended", kv("seed", "42"), nil, kv("lr", "0.1", "depth", "6", "seed", "42")},
		{"same value plus new key", kv("depth", "6", "trees", "100"), nil, kv("lr", "0.1", "depth", "6", "trees", "100")},
		{"different value conflicts", kv("lr", "0.2"), errs.Conflict, kv("lr", "0.1", "depth", "6")},
		{"new key with a conflicting key writes neither", kv("seed", "42", "lr", "0.2"), errs.Conflict, kv("lr", "0.1", "depth", "6")},
		{"conflicting key before a new key writes neither", kv("depth", "7", "seed", "42"), errs.Conflict, kv("lr", "0.1", "depth", "6")},
		{"value differing by a trailing space conflicts", kv("lr", "0.1 "), errs.Conflict, kv("lr", "0.1", "depth", "6")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runAt(t, s, store.StatusRunning)
			if _, err := s.LogParams(t.Context(), r.ID, kv("lr", "0.1", "depth", "6")); err != nil {
				t.Fatalf("log initial params: %v", err)
			}
			_, err := s.LogParams(t.Context(), r.ID, c.call)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr)
			} else if err != nil {
				t.Fatalf("want success, got %v", err)
			}
			if got := readRun(t, s, r.ID).Params; !slices.Equal(got, c.want) {
				t.Fatalf("params stored: %v, want %v", got, c.want)
			}
		})
	}
}

func TestTerminalRunRejectsParamsAndMetrics(t *testing.T) {
	s := neo4jtest.Store(t)
	for _, st := range []store.RunStatus{store.StatusFinished, store.StatusFailed, store.StatusKilled} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, st)
			_, err := s.LogParams(t.Context(), r.ID, []store.KeyValue{{Key: "lr", Value: "0.1"}})
			wantErr(t, err, errs.Conflict)
			if got := readRun(t, s, r.ID).Params; len(got) != 0 {
				t.Fatalf("params written on a %s run: %v", st, got)
			}
			_, err = s.LogMetrics(t.Context(), r.ID, []store.MetricPoint{{Key: "auc", Value: 0.9, Step: 1}})
			wantErr(t, err, errs.Conflict)
			if n := countMetricNodes(t, r.ID); n != 0 {
				t.Fatalf("%d metric nodes written on a %s run", n, st)
			}
			// Tags may still be set after the end.
			if _, err := s.SetRunTags(t.Context(), r.ID, []store.KeyValue{{Key: "note", Value: "post-mortem"}}); err != nil {
				t.Fatalf("tags on a %s run: %v", st, err)
			}
			if got := readRun(t, s, r.ID).Tags; !slices.Equal(got, []store.KeyValue{{Key: "note", Value: "post-mortem"}}) {
				t.Fatalf("tags: %v", got)
			}
		})
	}
}

func TestSetRunTagsOverwrites(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, store.StatusRunning)
	steps := []struct {
		name string
		set  []store.KeyValue
		want []store.KeyValue
	}{
		{"first tags", []store.KeyValue{{Key: "team", Value: "fraud"}, {Key: "owner", Value: "alice"}},
			[]store.KeyValue{{Key: "team", Value: "fraud"}, {Key: "owner", Value: "alice"}}},
		{"overwrite one and add one", []store.KeyValue{{Key: "owner", Value: "bob"}, {Key: "gpu", Value: "a100"}},
			[]store.KeyValue{{Key: "team", Value: "fraud"}, {Key: "owner", Value: "bob"}, {Key: "gpu", Value: "a100"}}},
		{"overwrite with the empty string", []store.KeyValue{{Key: "team", Value: ""}},
			[]store.KeyValue{{Key: "team", Value: ""}, {Key: "owner", Value: "bob"}, {Key: "gpu", Value: "a100"}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			got, err := s.SetRunTags(t.Context(), r.ID, st.set)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Tags, st.want) {
				t.Fatalf("returned tags %v, want %v", got.Tags, st.want)
			}
			if stored := readRun(t, s, r.ID).Tags; !slices.Equal(stored, st.want) {
				t.Fatalf("stored tags %v, want %v", stored, st.want)
			}
		})
	}
}

func TestStartRunRecordsReproducibilityFields(t *testing.T) {
	s := neo4jtest.Store(t)
	e := newExperiment(t, s, newProject(t, s, "runs"))
	img, lock, plat := "sha256:"+digest('a'), "lock-"+digest('b'), "linux/amd64"
	seed := int64(42)
	in := store.StartRunInput{ExperimentID: e.ID, Name: "repro", Status: store.StatusScheduled,
		Params: []store.KeyValue{{Key: "lr", Value: "0.1"}}, Tags: []store.KeyValue{{Key: "t", Value: "v"}},
		Code:        &store.CodeRef{Repo: "git@example.com:ml/models.git", Commit: "9f2c1e7", Dirty: true},
		Environment: &store.Environment{ImageDigest: &img, LockfileHash: &lock, Platform: &plat}, Seed: &seed}
	r, err := s.StartRun(t.Context(), actor, in)
	if err != nil {
		t.Fatal(err)
	}
	got := readRun(t, s, r.ID)
	checks := []struct {
		name string
		ok   bool
	}{
		{"status", got.Status == store.StatusScheduled},
		{"experiment", got.ExperimentID == e.ID && got.ProjectKey == e.ProjectKey},
		{"params", slices.Equal(got.Params, in.Params)},
		{"tags", slices.Equal(got.Tags, in.Tags)},
		{"code", got.Code != nil && *got.Code == *in.Code},
		{"environment", got.Environment != nil && *got.Environment.ImageDigest == img && *got.Environment.LockfileHash == lock && *got.Environment.Platform == plat},
		{"seed", got.Seed != nil && *got.Seed == seed},
		{"createdBy", got.CreatedBy == actor},
		{"endedAt", got.EndedAt == nil},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Fatalf("%s not stored as given: %+v", c.name, got)
			}
		})
	}
}

func TestStartRunRejectsTerminalStatus(t *testing.T) {
	s := neo4jtest.Store(t)
	e := newExperiment(t, s, newProject(t, s, "runs"))
	for _, st := range []store.RunStatus{store.StatusFinished, store.StatusFailed, store.StatusKilled, "PAUSED"} {
		t.Run(string(st), func(t *testing.T) {
			_, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: e.ID, Status: st})
			wantInvalidField(t, err, "status")
			if n := neo4jtest.Count(t, `MATCH (r:Run {experimentId: $e}) RETURN count(r) AS n`, map[string]any{"e": e.ID}); n != 0 {
				t.Fatalf("%d runs written", n)
			}
		})
	}
}

// TestNoOpWritesLeaveNoTrace: a retried finish or a repeated param changes
// nothing at all, not even the run's revision counter.
func TestNoOpWritesLeaveNoTrace(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "noop", store.StatusRunning)
	if _, err := s.LogParams(t.Context(), r.ID, []store.KeyValue{{Key: "lr", Value: "0.1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateRunStatus(t.Context(), actor, r.ID, store.StatusFinished); err != nil {
		t.Fatal(err)
	}
	revision := func() int64 {
		return neo4jtest.Count(t, `MATCH (r:Run {id: $id}) RETURN r.revision AS n`, map[string]any{"id": r.ID})
	}
	before := revision()
	again, err := s.UpdateRunStatus(t.Context(), actor, r.ID, store.StatusFinished)
	if err != nil {
		t.Fatalf("repeated finish: %v", err)
	}
	if again.Status != store.StatusFinished || again.EndedAt == nil {
		t.Fatalf("repeated finish returned %+v", again)
	}
	if after := revision(); after != before {
		t.Errorf("repeated finish bumped the revision from %d to %d", before, after)
	}

	r2 := newRun(t, s, "noop", store.StatusRunning)
	if _, err := s.LogParams(t.Context(), r2.ID, []store.KeyValue{{Key: "lr", Value: "0.1"}}); err != nil {
		t.Fatal(err)
	}
	before = neo4jtest.Count(t, `MATCH (r:Run {id: $id}) RETURN r.revision AS n`, map[string]any{"id": r2.ID})
	got, err := s.LogParams(t.Context(), r2.ID, []store.KeyValue{{Key: "lr", Value: "0.1"}})
	if err != nil {
		t.Fatalf("repeated param: %v", err)
	}
	if len(got.Params) != 1 || got.Params[0].Value != "0.1" {
		t.Errorf("repeated param returned %+v", got.Params)
	}
	if after := neo4jtest.Count(t, `MATCH (r:Run {id: $id}) RETURN r.revision AS n`, map[string]any{"id": r2.ID}); after != before {
		t.Errorf("repeated param bumped the revision from %d to %d", before, after)
	}
}
