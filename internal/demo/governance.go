package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// Governance names what SeedGovernance created.
type Governance struct {
	// FraudRequest asks for the best fraud model in production; it is
	// BLOCKED: raw v2 failed its contract and the bias check fails the
	// policy.
	FraudRequest string
	// ChurnStaging was approved and carried out; ChurnProduction waits for
	// an approver.
	ChurnStaging, ChurnProduction string
	// FraudBiasCheck is the fraud model's bias check on the holdout set.
	FraudBiasCheck string
}

// SeedGovernance records the demo's governance story on a seeded scenario
// whose quality story is recorded: fraud requires two approvals and a
// demographic parity ratio of at least 0.8; its best model's request is
// blocked. Churn keeps the default policy; its model went to staging and
// waits for approval to production. The fraud holdout set is written to
// dir, where the bias check reads it.
func SeedGovernance(ctx context.Context, s *store.Store, keys Keys, sc *Scenario, dir string) (*Governance, error) {
	g := &Governance{}
	// The story's people, with the roles it needs in both projects.
	as := func(subject string, role auth.Role) *auth.Principal {
		return &auth.Principal{Subject: subject, Roles: map[string]auth.Role{keys.Fraud: role, keys.Churn: role}}
	}
	carol, dave, erin := as("carol", auth.RoleContributor), as("dave", auth.RoleContributor), as("erin", auth.RoleAdmin)
	data := &holdoutData{}
	gov := governance.New(s, data)
	fraudPolicy := store.DefaultPolicy
	fraudPolicy.RequiredApprovals = 2
	fraudPolicy.BiasRules = []store.BiasRule{{Metric: store.DemographicParityRatio, Threshold: 0.8},
		{Metric: store.EqualizedOddsDifference, Threshold: 0.1}}
	if _, _, err := gov.SetPolicy(ctx, erin, keys.Fraud, fraudPolicy); err != nil {
		return nil, err
	}

	// The holdout set: predictions of the best model by card region.
	path := filepath.Join(dir, "fraud-holdout.csv")
	if err := os.WriteFile(path, holdout(), 0o644); err != nil {
		return nil, err
	}
	sum, err := fileDigest(path)
	if err != nil {
		return nil, err
	}
	ds, err := s.RegisterDataset(ctx, "carol", store.RegisterDatasetInput{ProjectKey: keys.Fraud, Namespace: "file://" + filepath.ToSlash(dir),
		Name: "eval/fraud-holdout", Description: "Holdout transactions with the model's predictions, for bias checks."})
	if err != nil {
		return nil, err
	}
	hv, _, err := s.RegisterDatasetVersion(ctx, "carol", store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "2026-11-20",
		URI: path, Digest: sum, Schema: []store.SchemaField{field("region", "string", false), field("is_fraud", "int", false), field("flagged", "int", false)}})
	if err != nil {
		return nil, err
	}
	best := sc.ModelVersions[len(sc.ModelVersions)-1]
	data.src = quality.Source{URI: path, ExpectedSHA256: sum}
	spec := fairness.Spec{LabelColumn: "is_fraud", PredictionColumn: "flagged", SensitiveColumns: []string{"region"}, PositiveLabel: "1", MinGroupSize: 30}
	b, err := gov.RunBiasCheck(ctx, carol, governance.BiasCheckInput{ModelVersionID: best, DatasetVersionID: hv.ID, Spec: spec})
	if err != nil {
		return nil, err
	}
	g.FraudBiasCheck = b.ID
	req, err := gov.RequestPromotion(ctx, carol, store.RequestPromotionInput{ModelVersionID: best, TargetStage: store.StageProduction,
		Justification: "AUC 0.931 on the November features, +1.9 points over the current model."})
	if err != nil {
		return nil, err
	}
	g.FraudRequest = req.ID

	// Churn: the customers snapshot passed its checks; the model went to
	// staging with erin's approval and now asks for production.
	churnChecks, err := validation.RecordInput(sc.ChurnData, "customers-contract",
		`{"success": true, "results": [{"success": true, "expectation_config": {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "customer_id"}}, "result": {}}]}`)
	if err != nil {
		return nil, err
	}
	if _, err := s.RecordValidationResult(ctx, "dave", churnChecks); err != nil {
		return nil, err
	}
	staging, err := gov.RequestPromotion(ctx, dave, store.RequestPromotionInput{ModelVersionID: sc.ChurnModel, TargetStage: store.StageStaging,
		Justification: "Baseline for the retention team's shadow test."})
	if err != nil {
		return nil, err
	}
	if _, _, err := gov.Decide(ctx, erin, staging.ID, store.DecisionApproved, "Shadow test only; fine."); err != nil {
		return nil, err
	}
	g.ChurnStaging = staging.ID
	prod, err := gov.RequestPromotion(ctx, dave, store.RequestPromotionInput{ModelVersionID: sc.ChurnModel, TargetStage: store.StageProduction,
		Justification: "Two weeks in shadow: precision held at 0.64."})
	if err != nil {
		return nil, err
	}
	g.ChurnProduction = prod.ID
	return g, nil
}

// holdout is 2,000 deterministic rows: the model flags region "south"
// more often than "north" for the same fraud rate.
// holdoutData serves the holdout set the bias check reads.
type holdoutData struct{ src quality.Source }

func (h *holdoutData) Source(context.Context, string) (quality.Source, error) { return h.src, nil }

func holdout() []byte {
	r := rand.New(rand.NewPCG(7, 11))
	var b strings.Builder
	b.WriteString("region,is_fraud,flagged\n")
	for i := range 2000 {
		region, flagRate := "north", 0.08
		if i%2 == 1 {
			region, flagRate = "south", 0.12
		}
		fraud := 0
		if r.Float64() < 0.05 {
			fraud = 1
		}
		flagged := 0
		if (fraud == 1 && r.Float64() < 0.85) || (fraud == 0 && r.Float64() < flagRate) {
			flagged = 1
		}
		fmt.Fprintf(&b, "%s,%d,%d\n", region, fraud, flagged)
	}
	return []byte(b.String())
}

func fileDigest(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return digest(string(b)), nil
}
