package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/demo"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func TestSeedBuildsTheScenarioOnce(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := context.Background()
	keys := demo.Keys{Fraud: neo4jtest.Key(t, "fraud"), Churn: neo4jtest.Key(t, "churn")}
	sc, err := demo.Seed(ctx, s, keys, time.Now())
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if len(sc.TrainingRuns) != 3 || len(sc.ModelVersions) != 2 {
		t.Fatalf("want 3 training runs and 2 model versions, got %d and %d", len(sc.TrainingRuns), len(sc.ModelVersions))
	}
	if _, err := demo.Seed(ctx, s, keys, time.Now()); !errors.Is(err, errs.Conflict) {
		t.Fatalf("second seed: want ErrConflict, got %v", err)
	}
	// The features version is downstream of both raw versions, and the
	// production-bound model versions are downstream of the features.
	depth, maxNodes := 4, 100
	g, err := lineage.New(s).LineageIn(ctx, store.Scope{Keys: []string{keys.Fraud}},
		lineage.Request{Root: sc.FraudRawV1, Direction: store.Downstream, Depth: &depth, MaxNodes: &maxNodes})
	if err != nil {
		t.Fatalf("lineage: %v", err)
	}
	ids := map[string]bool{}
	for _, n := range g.Nodes {
		ids[n.ID] = true
	}
	for _, want := range append([]string{sc.CleaningRun, sc.FraudFeatures}, sc.ModelVersions...) {
		if !ids[want] {
			t.Errorf("lineage of raw v1 misses %s", want)
		}
	}
	if ids[sc.ChurnRun] || ids[sc.ChurnData] {
		t.Errorf("fraud lineage reaches the churn project")
	}
}

// The demo's quality story: raw v2 failed its contract, so the models
// trained downstream of it are at risk.
func TestSeedQualityPutsTheModelsAtRisk(t *testing.T) {
	s := neo4jtest.Store(t)
	keys := demo.Keys{Fraud: neo4jtest.Key(t, "fraud"), Churn: neo4jtest.Key(t, "churn")}
	sc, err := demo.Seed(t.Context(), s, keys, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedQuality(t.Context(), s, sc, time.Now()); err != nil {
		t.Fatal(err)
	}
	ids := append([]string{sc.FraudRawV1, sc.FraudRawV2}, sc.ModelVersions...)
	everything := &auth.Principal{Subject: "auditor", Roles: map[string]auth.Role{auth.AllProjects: auth.RoleViewer}}
	health, err := lineage.New(s).Health(t.Context(), everything, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]lineage.Health{sc.FraudRawV1: "OK", sc.FraudRawV2: "FAILED"}
	for _, mv := range sc.ModelVersions {
		want[mv] = "AT_RISK"
	}
	for id, h := range want {
		if health[id] != h {
			t.Errorf("%s: health %s, want %s", id, health[id], h)
		}
	}
}

// The demo's governance story: the fraud request is blocked by the failed
// contract and the bias check, churn went to staging (its evidence pack
// verifies) and waits for approval to production.
func TestSeedGovernanceTellsItsStory(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	keys := demo.Keys{Fraud: neo4jtest.Key(t, "fraud"), Churn: neo4jtest.Key(t, "churn")}
	sc, err := demo.Seed(ctx, s, keys, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedQuality(ctx, s, sc, time.Now()); err != nil {
		t.Fatal(err)
	}
	g, err := demo.SeedGovernance(ctx, s, keys, sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := s.PromotionRequestsByIDs(ctx, []string{g.FraudRequest, g.ChurnStaging, g.ChurnProduction})
	if err != nil {
		t.Fatal(err)
	}
	fraud := reqs[g.FraudRequest]
	verdicts := map[store.CheckName]store.CheckVerdict{}
	for _, c := range fraud.Checks {
		verdicts[c.Name] = c.Verdict
	}
	if fraud.Status != store.PromotionBlocked || verdicts[store.CheckUpstreamValidations] != store.CheckFailed || verdicts[store.CheckBias] != store.CheckFailed {
		t.Fatalf("fraud request %s, checks %+v", fraud.Status, fraud.Checks)
	}
	bias, err := s.BiasChecksByIDs(ctx, []string{g.FraudBiasCheck})
	if err != nil {
		t.Fatal(err)
	}
	if bias[g.FraudBiasCheck] == nil {
		t.Fatalf("fraud bias check %s not stored", g.FraudBiasCheck)
	}
	b, err := governance.DecodeBiasCheck(bias[g.FraudBiasCheck])
	if err != nil {
		t.Fatal(err)
	}
	if b.DemographicParityRatio.Value == nil || *b.DemographicParityRatio.Value >= 0.8 || b.RowCount != 2000 {
		t.Fatalf("fraud bias check %+v", b)
	}
	if st := reqs[g.ChurnStaging].Status; st != store.PromotionApproved {
		t.Fatalf("churn staging request %s", st)
	}
	if st := reqs[g.ChurnProduction].Status; st != store.PromotionPending {
		t.Fatalf("churn production request %s: %+v", st, reqs[g.ChurnProduction].Checks)
	}
	auditor := &auth.Principal{Subject: "auditor", Roles: map[string]auth.Role{keys.Churn: auth.RoleApprover}}
	pack, err := governance.New(s, nil).EvidencePack(ctx, auditor, g.ChurnStaging)
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(pack); len(problems) > 0 {
		t.Fatalf("churn evidence pack: %v", problems)
	}
}
