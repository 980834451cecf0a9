package store_test

import (
	"math"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestGovernanceFigures: a report's figures, computed in Neo4j, count the
// runs of the scope and period (by start), which of them the
// reproducibility rule calls complete — the same runs governance's Go rule
// does — their newest reproductions, the dataset versions they read with
// validations and digests, and the promotion requests of the period with
// the lead time of the decided ones; an experiment's scope leaves out the
// other experiment's runs and requests.
func TestGovernanceFigures(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := neo4jtest.Project(t, s, "report")
	e1 := neo4jtest.Experiment(t, s, key)
	e2, err := s.CreateExperiment(ctx, neo4jtest.Actor, store.CreateExperimentInput{ProjectKey: key, Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.RegisterDataset(ctx, neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://b", Name: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := neo4jtest.Version(t, s, d, "v1"), neo4jtest.Version(t, s, d, "v2")
	// v2 as an OpenLineage version: no digest; v1 passed, v2 failed.
	neo4jtest.Exec(t, `MATCH (v:DatasetVersion {id: $v2}) REMOVE v.digest`, map[string]any{"v2": v2.ID})
	neo4jtest.Exec(t, `MATCH (v:DatasetVersion {id: $v1}) SET v.qualityStatus = 'PASSED'`, map[string]any{"v1": v1.ID})
	neo4jtest.Exec(t, `MATCH (v:DatasetVersion {id: $v2}) SET v.qualityStatus = 'FAILED'`, map[string]any{"v2": v2.ID})

	since := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second)
	str := func(s string) *string { return &s }
	seed := int64(7)
	complete := func(exp string, started time.Time, name string) store.StartRunInput {
		return store.StartRunInput{ExperimentID: exp, Name: name, Status: store.StatusFinished, StartedAt: &started,
			Params: []store.KeyValue{{Key: "lr", Value: "0.1"}}, Seed: &seed,
			Code: &store.CodeRef{Repo: "git@x:y.git", Commit: "abc123"}, Environment: &store.Environment{ImageDigest: str("sha256:img")}}
	}
	start := func(in store.StartRunInput, inputs ...string) *store.Run {
		t.Helper()
		r, err := s.StartRun(ctx, neo4jtest.Actor, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(inputs) > 0 {
			if _, err := s.AddRunInputs(ctx, neo4jtest.Actor, r.ID, inputs); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	at := func(h int) time.Time { return since.Add(time.Duration(h) * time.Hour) }
	r1 := start(complete(e1.ID, at(1), "complete"), v1.ID)
	dirty := complete(e1.ID, at(2), "dirty")
	dirty.Code = &store.CodeRef{Repo: "git@x:y.git", Commit: "abc123", Dirty: true}
	r2 := start(dirty, v1.ID)
	start(complete(e1.ID, at(3), "undigested input"), v1.ID, v2.ID)
	start(complete(e1.ID, at(4), "no inputs"))
	start(complete(e1.ID, since.Add(-time.Hour), "before the period"), v1.ID)
	r6 := start(complete(e2.ID, at(5), "other experiment"), v1.ID)
	for _, rep := range []struct {
		orig   string
		status store.ReproductionStatus
	}{{r1.ID, store.Diverged}, {r1.ID, store.Reproduced}, {r2.ID, store.Diverged}} {
		if _, err := s.RecordReproduction(ctx, neo4jtest.Actor, store.RecordReproductionInput{OriginalRunID: rep.orig, ReproductionRunID: r6.ID,
			Status: rep.status, Metrics: []store.MetricComparison{}}); err != nil {
			t.Fatal(err)
		}
	}
	// Promotion requests of models trained in e1 (three decided or open,
	// one cancelled) and in e2.
	neo4jtest.Exec(t, `
		MATCH (r1:Run {id: $r1}), (r6:Run {id: $r6})
		CREATE (r1)-[:PRODUCED]->(m1:ModelVersion {id: $m1, projectKey: $p}), (r6)-[:PRODUCED]->(m2:ModelVersion {id: $m2, projectKey: $p})
		WITH m1, m2
		UNWIND [[$m1, 'APPROVED', 1, 3600], [$m1, 'REJECTED', 2, 7200], [$m1, 'PENDING', 3, null], [$m1, 'CANCELLED', 4, 60],
		        [$m2, 'APPROVED', 5, 60], [$m1, 'APPROVED', -30, 60]] AS q
		CREATE (:PromotionRequest {id: randomUUID(), projectKey: $p, modelVersionId: q[0], status: q[1],
		        requestedAt: $since + duration({hours: q[2]}),
		        closedAt: CASE WHEN q[3] IS NULL THEN null ELSE $since + duration({hours: q[2], seconds: q[3]}) END})`,
		map[string]any{"r1": r1.ID, "r6": r6.ID, "m1": "mv_" + key + "_1", "m2": "mv_" + key + "_2", "p": key, "since": since})

	figures := func(exp string) *store.ReportFigures {
		t.Helper()
		f, err := s.GovernanceFigures(ctx, store.ReportScope{ProjectKey: key, ExperimentID: exp, Since: since, Until: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	eq := func(what string, got, want int64) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
	}
	near := func(what string, got *float64, want float64) {
		t.Helper()
		if got == nil || math.Abs(*got-want) > 1e-6 {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}

	f := figures(e1.ID)
	eq("runs", f.Runs, 4)
	eq("reproducible runs", f.ReproducibleRuns, 1)
	eq("reproduced (newest reproduction)", f.ReproducedRuns, 1)
	eq("diverged", f.DivergedRuns, 1)
	eq("versions used", f.VersionsUsed, 2)
	eq("validated versions", f.ValidatedVersions, 2)
	eq("failing versions", f.FailingVersions, 1)
	eq("versions with a digest", f.VersionsWithDigest, 1)
	eq("requests", f.Requests, 4)
	eq("approved", f.Approved, 1)
	eq("rejected", f.Rejected, 1)
	eq("cancelled", f.Cancelled, 1)
	eq("open", f.Open, 1)
	near("lead time mean", f.LeadTimeMean, 5400)
	near("lead time p50", f.LeadTimeP50, 5400)
	near("lead time p90", f.LeadTimeP90, 3600+0.9*3600)

	f = figures("")
	eq("project runs", f.Runs, 5)
	eq("project reproducible runs", f.ReproducibleRuns, 2)
	eq("project requests", f.Requests, 5)
	near("project lead time p50", f.LeadTimeP50, 3600)
	near("project lead time p90", f.LeadTimeP90, 3600+0.8*3600)

	// The Cypher rule and the Go rule agree run by run: the count of
	// complete runs is the Go rule's over the same runs.
	audit, err := s.ReproducibilityAudit(ctx, e1.ID)
	if err != nil {
		t.Fatal(err)
	}
	var goComplete int64
	for _, a := range audit {
		if !a.Run.StartedAt.Before(since) && governance.ReproducibilityOf(&a.RunState).Complete {
			goComplete++
		}
	}
	eq("complete runs by the Go rule", goComplete, figures(e1.ID).ReproducibleRuns)

	// In production: the e1 model's version, in the experiment's scope;
	// both in the project's.
	neo4jtest.Exec(t, `MATCH (v:ModelVersion) WHERE v.id IN [$m1, $m2] SET v.stage = 'PRODUCTION', v.createdAt = datetime()`,
		map[string]any{"m1": "mv_" + key + "_1", "m2": "mv_" + key + "_2"})
	for exp, want := range map[string]int{e1.ID: 1, "": 2} {
		ids, err := s.ProductionVersionIDs(ctx, store.ReportScope{ProjectKey: key, ExperimentID: exp})
		if err != nil || len(ids) != want {
			t.Errorf("in production (experiment %q): %v, %v; want %d", exp, ids, err, want)
		}
	}

	// An empty period has no lead time.
	empty, err := s.GovernanceFigures(ctx, store.ReportScope{ProjectKey: key, Since: since.Add(-48 * time.Hour), Until: since.Add(-47 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if empty.Runs != 0 || empty.Requests != 0 || empty.LeadTimeP50 != nil {
		t.Errorf("an empty period: %+v", empty)
	}
}
