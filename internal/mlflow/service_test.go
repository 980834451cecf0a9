package mlflow_test

import (
	"errors"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/tracking"
)

// TestRunWritesInFewTransactions: creating a run reads its experiment once
// and writes once; a log-batch is one transaction, with the caller's
// access decided on the run under the write's lock — for a retry of a
// batch the run holds too, so that a stranger learns nothing from one.
func TestRunWritesInFewTransactions(t *testing.T) {
	t.Parallel()
	st := neo4jtest.Store(t)
	key, other := neo4jtest.Key(t, "mlf"), neo4jtest.Key(t, "mlfo")
	for _, k := range []string{key, other} {
		if _, err := st.CreateProject(t.Context(), "owner", store.CreateProjectInput{Key: k, Name: k}); err != nil {
			t.Fatal(err)
		}
	}
	exp, err := st.CreateExperiment(t.Context(), "owner", store.CreateExperimentInput{ProjectKey: key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	svc := mlflow.New(st, tracking.New(st), mlflow.Config{})
	writer := &auth.Principal{Subject: "w", Roles: map[string]auth.Role{key: auth.RoleContributor}}

	ctx, c := store.CountQueries(t.Context())
	run, err := svc.CreateRun(ctx, writer, mlflow.RunInput{ExperimentID: exp.ID, Name: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Transactions(); n != 2 {
		t.Errorf("runs/create took %d transactions, want 2 (read the experiment, write the run)", n)
	}

	runID := mlflow.RunID(run.ID)
	batch := []store.MetricPoint{{Key: "auc", Value: 0.9, Step: 1}}
	params := []store.KeyValue{{Key: "depth", Value: "6"}}
	ctx, c = store.CountQueries(t.Context())
	if err := svc.LogBatch(ctx, writer, runID, batch, params, nil); err != nil {
		t.Fatal(err)
	}
	if n := c.Transactions(); n != 1 {
		t.Errorf("log-batch took %d transactions, want 1", n)
	}

	// points is how many points the run's one series holds.
	points := func() int64 {
		ms, err := st.MetricsOfRuns(t.Context(), []string{run.ID})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, m := range ms[0] {
			n += m.Count
		}
		return n
	}
	stranger := &auth.Principal{Subject: "s", Roles: map[string]auth.Role{other: auth.RoleAdmin}}
	viewer := &auth.Principal{Subject: "v", Roles: map[string]auth.Role{key: auth.RoleViewer}}
	for _, tc := range []struct {
		name   string
		p      *auth.Principal
		points []store.MetricPoint
		want   error
	}{
		{"a stranger's new batch", stranger, []store.MetricPoint{{Key: "auc", Value: 0.1, Step: 2}}, errs.NotFound},
		{"a stranger's retry of the logged batch", stranger, batch, errs.NotFound},
		{"a viewer's new batch", viewer, []store.MetricPoint{{Key: "auc", Value: 0.1, Step: 2}}, errs.Forbidden},
		{"a viewer's retry of the logged batch", viewer, batch, errs.Forbidden},
	} {
		err := svc.LogBatch(t.Context(), tc.p, runID, tc.points, params, nil)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	if n := points(); n != 1 {
		t.Errorf("the run holds %d metric points after refused batches, want 1", n)
	}
	// The writer's retry is one, and writes nothing either.
	if err := svc.LogBatch(t.Context(), writer, runID, batch, params, nil); err != nil || points() != 1 {
		t.Errorf("a retry of the logged batch: %v, %d points", err, points())
	}
}
