package tracking_test

import (
	"slices"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/tracking"
)

// contributor may write every project.
var contributor = &auth.Principal{Subject: "alice", Roles: map[string]auth.Role{auth.AllProjects: auth.RoleContributor}}

// runAt starts a run and moves it along legal transitions to status st.
func runAt(t *testing.T, s *store.Store, st store.RunStatus) *store.Run {
	t.Helper()
	start := R
	if st == S {
		start = S
	}
	r := neo4jtest.Run(t, s, "runs", start)
	if st.Terminal() {
		var err error
		if r, err = s.UpdateRunStatus(t.Context(), neo4jtest.Actor, r.ID, st); err != nil {
			t.Fatalf("move run to %s: %v", st, err)
		}
	}
	if r.Status != st {
		t.Fatalf("fixture: run is %s, want %s", r.Status, st)
	}
	return r
}

func readRun(t *testing.T, s *store.Store, id string) *store.Run {
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

func equalTimePtr(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func TestRunStatusTransitions(t *testing.T) {
	clock := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	s := neo4jtest.Store(t, store.WithClock(func() time.Time { return clock }))
	svc := tracking.New(s)
	for _, c := range transitionCases {
		t.Run(string(c.from)+"→"+string(c.to), func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, c.from)
			before := readRun(t, s, r.ID)
			got, err := svc.UpdateRunStatus(t.Context(), contributor, r.ID, c.to)
			after := readRun(t, s, r.ID)
			switch c.want {
			case "conflict":
				neo4jtest.WantErr(t, err, errs.Conflict)
				if after.Status != c.from {
					t.Fatalf("rejected transition changed status to %s", after.Status)
				}
				if !equalTimePtr(after.EndedAt, before.EndedAt) {
					t.Fatalf("rejected transition changed endedAt from %v to %v", before.EndedAt, after.EndedAt)
				}
			case "ok", "no-op":
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
				if c.want == "no-op" && !equalTimePtr(after.EndedAt, before.EndedAt) {
					t.Fatalf("no-op changed endedAt from %v to %v", before.EndedAt, after.EndedAt)
				}
			}
		})
	}
}

func TestFinishRun(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := tracking.New(s)
	st := func(s store.RunStatus) *store.RunStatus { return &s }
	cases := []struct {
		name   string
		from   store.RunStatus
		status *store.RunStatus
		want   store.RunStatus
		err    error
	}{
		{"running finishes", R, nil, F, nil},
		{"running fails", R, st(X), X, nil},
		{"scheduled is killed", S, st(K), K, nil},
		{"finished again is a no-op", F, nil, F, nil},
		{"finished cannot fail", F, st(X), F, errs.Conflict},
		{"scheduled cannot finish", S, nil, S, errs.Conflict},
		{"finishing to RUNNING", R, st(R), R, errs.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, c.from)
			_, err := svc.FinishRun(t.Context(), contributor, r.ID, c.status)
			if c.err != nil {
				neo4jtest.WantErr(t, err, c.err)
			} else if err != nil {
				t.Fatalf("want success, got %v", err)
			}
			if got := readRun(t, s, r.ID).Status; got != c.want {
				t.Fatalf("run is %s, want %s", got, c.want)
			}
		})
	}
}

func TestLogParamsWriteOnce(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := tracking.New(s)
	for _, c := range paramCases {
		t.Run(c.name, func(t *testing.T) {
			r := runAt(t, s, R)
			if _, err := svc.LogParams(t.Context(), contributor, r.ID, kv("lr", "0.1", "depth", "6")); err != nil {
				t.Fatalf("log initial params: %v", err)
			}
			_, err := svc.LogParams(t.Context(), contributor, r.ID, c.call)
			if c.wantErr != nil {
				neo4jtest.WantErr(t, err, c.wantErr)
			} else if err != nil {
				t.Fatalf("want success, got %v", err)
			}
			if got := readRun(t, s, r.ID).Params; !slices.Equal(got, c.want) {
				t.Fatalf("params stored: %v, want %v", got, c.want)
			}
		})
	}
}

func TestEndedRunRejectsParamsAndMetrics(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := tracking.New(s)
	for _, st := range []store.RunStatus{F, X, K} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, st)
			_, err := svc.LogParams(t.Context(), contributor, r.ID, kv("lr", "0.1"))
			neo4jtest.WantErr(t, err, errs.Conflict)
			if got := readRun(t, s, r.ID).Params; len(got) != 0 {
				t.Fatalf("params written on a %s run: %v", st, got)
			}
			_, _, err = svc.LogMetrics(t.Context(), contributor, r.ID, []store.MetricPoint{{Key: "auc", Value: 0.9, Step: 1}})
			neo4jtest.WantErr(t, err, errs.Conflict)
			if n := neo4jtest.Count(t, `MATCH (m:Metric {runId: $id}) RETURN count(m) AS n`, map[string]any{"id": r.ID}); n != 0 {
				t.Fatalf("%d metric nodes written on a %s run", n, st)
			}
			// Tags may still be set after the end.
			if _, err := svc.SetRunTags(t.Context(), contributor, r.ID, kv("note", "post-mortem")); err != nil {
				t.Fatalf("tags on a %s run: %v", st, err)
			}
			if got := readRun(t, s, r.ID).Tags; !slices.Equal(got, kv("note", "post-mortem")) {
				t.Fatalf("tags: %v", got)
			}
		})
	}
}

func TestLogMetricsReturnsTheRunAfterTheWrite(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, R)
	run, n, err := tracking.New(s).LogMetrics(t.Context(), contributor, r.ID, []store.MetricPoint{{Key: "auc", Value: 0.9, Step: 1}, {Key: "auc", Value: 0.95, Step: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || run.ID != r.ID {
		t.Fatalf("accepted %d points for run %s, want 2 for %s", n, run.ID, r.ID)
	}
}

func TestStartRunRejectsEndedStatus(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := tracking.New(s)
	e := neo4jtest.Experiment(t, s, neo4jtest.Project(t, s, "runs"))
	for _, st := range []store.RunStatus{F, X, K, "PAUSED"} {
		t.Run(string(st), func(t *testing.T) {
			_, err := svc.StartRun(t.Context(), contributor, store.StartRunInput{ExperimentID: e.ID, Status: st})
			neo4jtest.WantErr(t, err, errs.Invalid)
			if n := neo4jtest.Count(t, `MATCH (r:Run {experimentId: $e}) RETURN count(r) AS n`, map[string]any{"e": e.ID}); n != 0 {
				t.Fatalf("%d runs written", n)
			}
		})
	}
	r, err := svc.StartRun(t.Context(), contributor, store.StartRunInput{ExperimentID: e.ID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != R || r.CreatedBy != contributor.Subject {
		t.Fatalf("started %s by %s, want RUNNING by %s", r.Status, r.CreatedBy, contributor.Subject)
	}
}

// TestAccess: a viewer may not write a run, and a run of a project the
// caller may not read does not exist for it.
func TestAccess(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := tracking.New(s)
	r := runAt(t, s, R)
	viewer := &auth.Principal{Subject: "vic", Roles: map[string]auth.Role{r.ProjectKey: auth.RoleViewer}}
	stranger := &auth.Principal{Subject: "eve", Roles: map[string]auth.Role{"elsewhere": auth.RoleAdmin}}
	ops := map[string]func(p *auth.Principal) error{
		"UpdateRunStatus": func(p *auth.Principal) error { _, err := svc.UpdateRunStatus(t.Context(), p, r.ID, F); return err },
		"LogParams": func(p *auth.Principal) error {
			_, err := svc.LogParams(t.Context(), p, r.ID, kv("lr", "1"))
			return err
		},
		"SetRunTags": func(p *auth.Principal) error {
			_, err := svc.SetRunTags(t.Context(), p, r.ID, kv("t", "1"))
			return err
		},
		"StartRun": func(p *auth.Principal) error {
			_, err := svc.StartRun(t.Context(), p, store.StartRunInput{ExperimentID: r.ExperimentID})
			return err
		},
		"CreateExperiment": func(p *auth.Principal) error {
			_, err := svc.CreateExperiment(t.Context(), p, store.CreateExperimentInput{ProjectKey: r.ProjectKey, Name: "x"})
			return err
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			neo4jtest.WantErr(t, op(viewer), errs.Forbidden)
			want := errs.NotFound
			if name == "CreateExperiment" {
				want = errs.Forbidden
			}
			neo4jtest.WantErr(t, op(stranger), want)
		})
	}
	if got := readRun(t, s, r.ID); got.Status != R || len(got.Params) != 0 || len(got.Tags) != 0 {
		t.Fatalf("refused callers changed the run: %+v", got)
	}
}
