package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/demo"
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
	if _, err := demo.Seed(ctx, s, keys, time.Now()); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second seed: want ErrConflict, got %v", err)
	}
	// The features version is downstream of both raw versions, and the
	// production-bound model versions are downstream of the features.
	g, err := s.Lineage(ctx, store.LineageRequest{Root: sc.FraudRawV1, Direction: store.Downstream, Depth: 4, MaxNodes: 100, Scope: store.Scope{Keys: []string{keys.Fraud}}})
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
	health, err := s.Health(t.Context(), ids, store.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]store.Health{sc.FraudRawV1: "OK", sc.FraudRawV2: "FAILED"}
	for _, mv := range sc.ModelVersions {
		want[mv] = "AT_RISK"
	}
	for id, h := range want {
		if health[id] != h {
			t.Errorf("%s: health %s, want %s", id, health[id], h)
		}
	}
}
