package store_test

import (
	"errors"
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

// TestMoveRun: MoveRun writes what allow lets it and nothing else. Which
// moves are legal is tracking's rule, tested there.
func TestMoveRun(t *testing.T) {
	clock := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	s := neo4jtest.Store(t, store.WithClock(func() time.Time { return clock }))
	refused := errs.Conflictf("refused")
	S, R, F, X, K := store.StatusScheduled, store.StatusRunning, store.StatusFinished, store.StatusFailed, store.StatusKilled
	cases := []struct {
		from, to store.RunStatus
		refuse   bool
	}{
		{S, R, false}, {S, K, false}, {R, F, false}, {R, X, false}, {F, R, false}, {X, S, false},
		{S, R, true}, {R, F, true}, {F, R, true}, {K, X, true},
		{S, S, true}, {R, R, true}, {F, F, true}, {K, K, true},
	}
	for _, c := range cases {
		name := string(c.from) + "→" + string(c.to)
		if c.refuse {
			name += " refused"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, c.from)
			before := readRun(t, s, r.ID)
			var asked *store.Run
			got, err := s.MoveRun(t.Context(), actor, r.ID, c.to, func(locked *store.Run) error {
				asked = locked
				if c.refuse {
					return refused
				}
				return nil
			})
			after := readRun(t, s, r.ID)
			switch {
			case c.from == c.to:
				// The status the run has: a no-op, allow not asked.
				if err != nil || asked != nil {
					t.Fatalf("want a no-op without asking allow, got err %v, asked %v", err, asked != nil)
				}
				if got.Status != c.to || after.Status != c.to || !equalTimePtr(after.EndedAt, before.EndedAt) {
					t.Fatalf("no-op: returned %s, stored %s, endedAt %v → %v", got.Status, after.Status, before.EndedAt, after.EndedAt)
				}
			case c.refuse:
				if !errors.Is(err, refused) {
					t.Fatalf("want allow's error, got %v", err)
				}
				if asked == nil || asked.Status != c.from {
					t.Fatalf("allow was not asked with the run as it is (%s)", c.from)
				}
				if after.Status != c.from || !equalTimePtr(after.EndedAt, before.EndedAt) {
					t.Fatalf("refused move wrote status %s, endedAt %v → %v", after.Status, before.EndedAt, after.EndedAt)
				}
			default:
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

// TestAddRunParams: AddRunParams adds the keys a run has not logged, all
// or nothing, and writes nothing allow refuses. That params are write-once
// is tracking's rule, tested there.
func TestAddRunParams(t *testing.T) {
	s := neo4jtest.Store(t)
	kv := func(pairs ...string) []store.KeyValue {
		var out []store.KeyValue
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, store.KeyValue{Key: pairs[i], Value: pairs[i+1]})
		}
		return out
	}
	refused := errs.Conflictf("refused")
	cases := []struct {
		name    string
		call    []store.KeyValue
		refuse  bool
		wantErr error
		want    []store.KeyValue // params stored after the call
	}{
		{"a logged key is a no-op", kv("lr", "0.1"), false, nil, kv("lr", "0.1", "depth", "6")},
		{"new key is appended", kv("seed", "42"), false, nil, kv("lr", "0.1", "depth", "6", "seed", "42")},
		{"logged key plus new key", kv("depth", "6", "trees", "100"), false, nil, kv("lr", "0.1", "depth", "6", "trees", "100")},
		{"a logged key keeps its value", kv("lr", "0.2", "seed", "42"), false, nil, kv("lr", "0.1", "depth", "6", "seed", "42")},
		{"refused writes nothing", kv("seed", "42"), true, refused, kv("lr", "0.1", "depth", "6")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runAt(t, s, store.StatusRunning)
			if _, err := s.LogParams(t.Context(), r.ID, kv("lr", "0.1", "depth", "6")); err != nil {
				t.Fatalf("log initial params: %v", err)
			}
			var asked []store.KeyValue
			_, err := s.AddRunParams(t.Context(), r.ID, c.call, func(locked *store.Run) error {
				asked = locked.Params
				if c.refuse {
					return refused
				}
				return nil
			})
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr)
			} else if err != nil {
				t.Fatalf("want success, got %v", err)
			}
			if !slices.Equal(asked, kv("lr", "0.1", "depth", "6")) {
				t.Fatalf("allow saw params %v, want those logged", asked)
			}
			if got := readRun(t, s, r.ID).Params; !slices.Equal(got, c.want) {
				t.Fatalf("params stored: %v, want %v", got, c.want)
			}
		})
	}
}

// TestAddMetricsAsksTheRule: AddMetrics writes nothing when its rule,
// asked with the run as it is under its lock, refuses; tags are not
// subject to it.
func TestAddMetricsAsksTheRule(t *testing.T) {
	s := neo4jtest.Store(t)
	refused := errs.Conflictf("refused")
	for _, st := range []store.RunStatus{store.StatusRunning, store.StatusFinished, store.StatusFailed, store.StatusKilled} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, st)
			var asked store.RunStatus
			_, err := s.AddMetrics(t.Context(), r.ID, []store.MetricPoint{{Key: "auc", Value: 0.9, Step: 1}}, func(locked *store.Run) error {
				asked = locked.Status
				return refused
			})
			wantErr(t, err, refused)
			if asked != st {
				t.Fatalf("rule saw status %q, want %q", asked, st)
			}
			if n := countMetricNodes(t, r.ID); n != 0 {
				t.Fatalf("%d metric nodes written on a refused call", n)
			}
			// Tags are not subject to the rule.
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

// TestStartRunStatus: a run is stored in the status given (RUNNING when
// none is); one recorded ended has ended when it started; an unknown
// status writes nothing. Which statuses a request may start a run in is
// tracking's rule, tested there.
func TestStartRunStatus(t *testing.T) {
	clock := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	s := neo4jtest.Store(t, store.WithClock(func() time.Time { return clock }))
	e := newExperiment(t, s, newProject(t, s, "runs"))
	for _, c := range []struct {
		given, want store.RunStatus
	}{{"", store.StatusRunning}, {store.StatusScheduled, store.StatusScheduled}, {store.StatusRunning, store.StatusRunning},
		{store.StatusFinished, store.StatusFinished}, {store.StatusKilled, store.StatusKilled}} {
		t.Run("status="+string(c.given), func(t *testing.T) {
			r, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: e.ID, Status: c.given})
			if err != nil {
				t.Fatal(err)
			}
			got := readRun(t, s, r.ID)
			if got.Status != c.want || r.Status != c.want {
				t.Fatalf("status: returned %s, stored %s, want %s", r.Status, got.Status, c.want)
			}
			switch {
			case c.want.Terminal() && (got.EndedAt == nil || !got.EndedAt.Equal(clock)):
				t.Fatalf("ended run: endedAt = %v, want %v", got.EndedAt, clock)
			case !c.want.Terminal() && got.EndedAt != nil:
				t.Fatalf("run in %s: endedAt = %v, want unset", c.want, got.EndedAt)
			}
		})
	}
	other := newExperiment(t, s, newProject(t, s, "runs"))
	for _, st := range []store.RunStatus{"PAUSED", "running"} {
		t.Run("status="+string(st), func(t *testing.T) {
			_, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: other.ID, Status: st})
			wantInvalidField(t, err, "status")
			if n := neo4jtest.Count(t, `MATCH (r:Run {experimentId: $e}) RETURN count(r) AS n`, map[string]any{"e": other.ID}); n != 0 {
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
