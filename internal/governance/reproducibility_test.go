package governance_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

func reproducibility(t *testing.T, s *store.Store, runID string) (*governance.Reproducibility, error) {
	sts, err := s.RunStates(t.Context(), []string{runID})
	if err != nil {
		return nil, err
	}
	return governance.ReproducibilityOf(sts[0]), nil
}

func TestReproducibility(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "repro", nil)
	rep, err := reproducibility(t, s, w.train.ID)
	if err != nil || !rep.Complete || len(rep.Missing) != 0 {
		t.Fatalf("complete run: %+v %v", rep, err)
	}
	bare := neo4jtest.Run(t, s, "repro-bare", store.StatusRunning)
	rep, err = reproducibility(t, s, bare.ID)
	if want := []string{"code.commit", "environment", "seed", "params", "inputs"}; err != nil || rep.Complete || !slices.Equal(rep.Missing, want) {
		t.Fatalf("bare run: %+v %v, want missing %v", rep, err, want)
	}
	spec, err := gov.ReproduceSpec(ctx, as("viewer", auth.RoleViewer), w.train.ID)
	if err != nil || !spec.Complete || spec.Code.Commit != w.train.Code.Commit || spec.Params["lr"] != "0.1" || *spec.Seed != 7 ||
		len(spec.Inputs) != 1 || spec.Inputs[0].SHA256 != w.raw.Digest || spec.Format != governance.ReproduceSpecFormat {
		t.Fatalf("spec %+v", spec)
	}
	// A reader of another project learns that an input exists, not which.
	sts, err := s.RunStates(ctx, []string{w.train.ID})
	if err != nil {
		t.Fatal(err)
	}
	hidden := governance.Spec(sts[0], nil, store.Scope{Keys: []string{"elsewhere"}})
	if err != nil || len(hidden.Inputs) != 0 || hidden.HiddenInputs != 1 {
		t.Fatalf("spec for another project's reader: %+v %v", hidden, err)
	}

	finished := func(name string, metrics map[string]float64) *store.Run {
		t.Helper()
		r, err := s.StartRun(ctx, "trainer", store.StartRunInput{ExperimentID: w.train.ExperimentID, Name: name, Status: store.StatusRunning})
		if err != nil {
			t.Fatal(err)
		}
		var pts []store.MetricPoint
		for k, v := range metrics {
			pts = append(pts, store.MetricPoint{Key: k, Value: v, Step: 1, Timestamp: time.Now()})
		}
		if len(pts) > 0 {
			if _, err := s.LogMetrics(ctx, r.ID, pts); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.UpdateRunStatus(ctx, "trainer", r.ID, store.StatusFinished); err != nil {
			t.Fatal(err)
		}
		return r
	}
	orig := finished("orig", map[string]float64{"auc": 0.91, "loss": 0.2})
	close := finished("rerun-close", map[string]float64{"auc": 0.9105, "loss": 0.2, "extra": 1})
	far := finished("rerun-far", map[string]float64{"auc": 0.85})
	alice := as("alice", auth.RoleContributor)
	r1, err := gov.RecordReproduction(ctx, alice, orig.ID, close.ID, 0.001, 0)
	if err != nil || r1.Status != store.Reproduced || len(r1.Metrics) != 2 {
		t.Fatalf("close rerun: %+v %v", r1, err)
	}
	r2, err := gov.RecordReproduction(ctx, alice, orig.ID, far.ID, 0, 0.01)
	if err != nil || r2.Status != store.Diverged {
		t.Fatalf("far rerun: %+v %v", r2, err)
	}
	byKey := map[string]store.MetricComparison{}
	for _, m := range r2.Metrics {
		byKey[m.Key] = m
	}
	if byKey["auc"].Status != store.Diverged || byKey["loss"].Reproduced != nil || byKey["loss"].Status != store.Diverged {
		t.Fatalf("far rerun metrics %+v", r2.Metrics)
	}

	running := neo4jtest.Run(t, s, "repro-running", store.StatusRunning)
	nodes, events := neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key)
	type pair struct {
		orig, rerun string
		atol        float64
	}
	for name, in := range map[string]pair{
		"itself":              {orig.ID, orig.ID, 0},
		"negative tolerance":  {orig.ID, close.ID, -1},
		"rerun not finished":  {orig.ID, running.ID, 0},
		"original unfinished": {w.train.ID, close.ID, 0},
		"no metrics":          {finished("empty", nil).ID, close.ID, 0},
	} {
		t.Run(name, func(t *testing.T) {
			nodes, events = neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key)
			_, err := gov.RecordReproduction(ctx, alice, in.orig, in.rerun, in.atol, 0)
			neo4jtest.WantErr(t, err, errs.Invalid)
			if n, e := neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key); n != nodes || e != events {
				t.Fatalf("a refused reproduction wrote: nodes %d→%d, events %d→%d", nodes, n, events, e)
			}
		})
	}

	_, audit, err := gov.ReproducibilityAudit(ctx, alice, w.train.ExperimentID)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]store.ReproductionStatus{}
	for _, e := range audit {
		if e.Latest != nil {
			status[e.Run.Name] = e.Latest.Status
		}
	}
	if len(audit) < 5 || status["orig"] != store.Diverged || len(status) != 1 {
		t.Fatalf("audit: %d runs, statuses %v", len(audit), status)
	}
}

// TestReproducibilityOfAnOpenLineageInput: a version an OpenLineage event
// reported has no digest (the hub never saw its content), so a run that
// read it cannot be rerun on the same data: the input's digest is missing.
func TestReproducibilityOfAnOpenLineageInput(t *testing.T) {
	s := neo4jtest.Store(t)
	w := newPromotionWorld(t, s, "repro-ol", nil)
	event := fmt.Sprintf(`{"eventType": "COMPLETE", "eventTime": %q, "producer": "https://example.com/producer",
		"schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run": {"runId": %q, "facets": {}}, "job": {"namespace": "airflow", "name": "export", "facets": {}},
		"inputs": [], "outputs": [{"namespace": "s3://lake", "name": "features", "facets": {
		  "version": {"_producer": "https://example.com/producer", "_schemaURL": "https://example.com/schema", "datasetVersion": "v9"}}}]}`,
		time.Now().UTC().Format(time.RFC3339Nano), uuid.NewString())
	p := &auth.Principal{Subject: "pipeline", Roles: map[string]auth.Role{w.key: auth.RoleContributor}}
	if _, err := openlineage.New(s, openlineage.Config{DefaultProject: w.key}).Ingest(t.Context(), p, []byte(event)); err != nil {
		t.Fatal(err)
	}
	v, err := s.DatasetVersionByName(t.Context(), store.Scope{Keys: []string{w.key}}, w.key, "s3://lake", "features", "v9")
	if err != nil {
		t.Fatal(err)
	}
	if v.Digest != "" || v.Source == nil || *v.Source != store.SourceOpenLineage {
		t.Fatalf("the OpenLineage version: digest %q source %v", v.Digest, v.Source)
	}
	if _, err := s.AddRunInputs(t.Context(), "trainer", w.train.ID, []string{v.ID}); err != nil {
		t.Fatal(err)
	}
	rep, err := reproducibility(t, s, w.train.ID)
	if want := []string{"input " + v.ID + " digest"}; err != nil || rep.Complete || !slices.Equal(rep.Missing, want) {
		t.Fatalf("reproducibility %+v %v, want missing %v", rep, err, want)
	}
}
