package governance_test

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func value(v float64) fairness.Value { return fairness.Value{Value: &v} }

func TestBiasRulesGatePromotion(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "bias", policyWith(func(p *store.PolicyInput) {
		p.BiasRules = []store.BiasRule{{Metric: store.DemographicParityRatio, Threshold: 0.8}, {Metric: store.EqualizedOddsDifference, Threshold: 0.1}}
	}))
	req := request(t, s, "alice", w.mv.ID, store.StageStaging)
	if c := check(t, req, store.CheckBias); req.Status != store.PromotionBlocked || !strings.Contains(c.Detail, "no bias check") {
		t.Fatalf("without a bias check: %s %+v", req.Status, c)
	}
	record := func(report fairness.Report) *store.BiasCheck {
		t.Helper()
		in, err := governance.BiasCheckRecord(w.mv.ID, w.raw.ID,
			fairness.Spec{LabelColumn: "y", PredictionColumn: "p", SensitiveColumns: []string{"sex"}, PositiveLabel: "1", MinGroupSize: 30}, &report)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.RecordBiasCheck(ctx, "alice", in)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := record(fairness.Report{DemographicParityRatio: value(0.9), EqualizedOddsDifference: value(0.05), FourFifths: fairness.FourFifthsPassed})
	got := promotion(t, s, req.ID)
	if c := check(t, got, store.CheckBias); got.Status != store.PromotionPending || c.Verdict != store.CheckPassed || c.EvidenceIDs[0] != good.ID {
		t.Fatalf("after a passing bias check: %s %+v", got.Status, c)
	}
	record(fairness.Report{DemographicParityRatio: value(0.9), EqualizedOddsDifference: fairness.Value{Reason: "group F has no positive labels"}})
	got = promotion(t, s, req.ID)
	if c := check(t, got, store.CheckBias); got.Status != store.PromotionBlocked || !strings.Contains(c.Detail, "undefined (group F has no positive labels)") {
		t.Fatalf("after an undefined metric: %s %+v", got.Status, c)
	}
	record(fairness.Report{DemographicParityRatio: value(0.7), EqualizedOddsDifference: value(0.05)})
	got = promotion(t, s, req.ID)
	if c := check(t, got, store.CheckBias); got.Status != store.PromotionBlocked || !strings.Contains(c.Detail, "DEMOGRAPHIC_PARITY_RATIO 0.7 < 0.8") {
		t.Fatalf("after a failing ratio: %s %+v", got.Status, c)
	}
	record(fairness.Report{Inconclusive: true, Notes: []string{"one group only"}})
	if c := check(t, promotion(t, s, req.ID), store.CheckBias); !strings.Contains(c.Detail, "inconclusive") {
		t.Fatalf("after an inconclusive check: %+v", c)
	}
	checks, err := s.BiasChecks(ctx, w.mv.ID, store.Page{First: 10})
	if err != nil || checks.Total != 4 || checks.Items[0].Inconclusive != true {
		t.Fatalf("bias checks newest first: %+v %v", checks, err)
	}
}
