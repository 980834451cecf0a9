// Package demo seeds a small, realistic scenario into the hub: project
// fraud (raw transactions v1 and v2 cleaned by an ETL run into a feature
// dataset, three training runs with params and metric histories, and the
// model versions they produced) and project churn, kept separate to show
// isolation. `make run` seeds it once; tests reuse it.
//
// It is wiring: it writes through the domain services and the store as a
// real client would, and must not hold rules of its own.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Actor is the subject recorded as creator of the demo data.
const Actor = "demo-seed"

// Scenario names what Seed created, for tests and the banner.
type Scenario struct {
	FraudRawV1, FraudRawV2, FraudFeatures string // dataset version IDs
	CleaningRun                           string
	TrainingRuns                          []string
	ModelVersions                         []string
	ChurnRun, ChurnData, ChurnModel       string
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Keys names the two demo projects; tests pass unique keys so they can
// seed beside each other in one database.
type Keys struct {
	Fraud, Churn string
}

// DefaultKeys are the project keys `make run` seeds.
var DefaultKeys = Keys{Fraud: "fraud", Churn: "churn"}

// Seed creates the demo scenario. It returns errs.Conflict (wrapped)
// when the fraud project already exists, so callers can seed "once".
func Seed(ctx context.Context, s *store.Store, keys Keys, now time.Time) (*Scenario, error) {
	sc := &Scenario{}
	if _, err := s.CreateProject(ctx, Actor, store.CreateProjectInput{Key: keys.Fraud, Name: "Fraud detection"}); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if _, err := s.CreateProject(ctx, Actor, store.CreateProjectInput{Key: keys.Churn, Name: "Churn prediction"}); err != nil && !errors.Is(err, errs.Conflict) {
		return nil, fmt.Errorf("seed: %w", err)
	}
	txSchema := []store.SchemaField{field("transaction_id", "string", false), field("account_id", "string", false), field("amount", "double", false),
		field("merchant", "string", true), field("ts", "timestamp", false), field("is_fraud", "boolean", false)}
	featSchema := []store.SchemaField{field("account_id", "string", false), field("amount_z", "double", false), field("tx_per_hour", "double", false),
		field("merchant_risk", "double", true), field("is_fraud", "boolean", false)}
	raw, err := s.RegisterDataset(ctx, "alice", store.RegisterDatasetInput{ProjectKey: keys.Fraud, Namespace: "s3://fraud-lake", Name: "raw/transactions",
		Description: "Card transactions as landed from the payment processor."})
	if err != nil {
		return nil, err
	}
	v1, _, err := s.RegisterDatasetVersion(ctx, "alice", store.RegisterDatasetVersionInput{DatasetID: raw.ID, Version: "v1",
		URI: "s3://fraud-lake/raw/transactions/2026-10-01/", Digest: digest("raw-v1"), Schema: txSchema, RowCount: ptr(int64(1_204_331))})
	if err != nil {
		return nil, err
	}
	v2, _, err := s.RegisterDatasetVersion(ctx, "alice", store.RegisterDatasetVersionInput{DatasetID: raw.ID, Version: "v2",
		URI: "s3://fraud-lake/raw/transactions/2026-11-01/", Digest: digest("raw-v2"), Schema: txSchema, RowCount: ptr(int64(1_318_002))})
	if err != nil {
		return nil, err
	}
	sc.FraudRawV1, sc.FraudRawV2 = v1.ID, v2.ID

	etl, err := s.CreateExperiment(ctx, "bob", store.CreateExperimentInput{ProjectKey: keys.Fraud, Name: "transactions-etl",
		Description: "Nightly cleaning and feature build."})
	if err != nil {
		return nil, err
	}
	clean, err := s.StartRun(ctx, "bob", store.StartRunInput{ExperimentID: etl.ID, Name: "clean-transactions",
		Params:      []store.KeyValue{kv("dedupe_window", "24h"), kv("drop_null_merchant", "false")},
		Code:        &store.CodeRef{Repo: "git@example.com:fraud/pipelines.git", Commit: "9f2c1e7", Dirty: false},
		Environment: &store.Environment{ImageDigest: ptr("sha256:" + digest("etl-image")), Platform: ptr("linux/amd64")}})
	if err != nil {
		return nil, err
	}
	sc.CleaningRun = clean.ID
	if _, err := s.AddRunInputs(ctx, Actor, clean.ID, []string{v1.ID, v2.ID}); err != nil {
		return nil, err
	}
	featDS, err := s.RegisterDataset(ctx, "bob", store.RegisterDatasetInput{ProjectKey: keys.Fraud, Namespace: "s3://fraud-lake", Name: "features/transactions",
		Description: "Per-account features for the fraud model."})
	if err != nil {
		return nil, err
	}
	feat, _, err := s.RegisterDatasetVersion(ctx, "bob", store.RegisterDatasetVersionInput{DatasetID: featDS.ID, Version: "2026-11-02",
		URI: "s3://fraud-lake/features/transactions/2026-11-02/", Digest: digest("features"), Schema: featSchema, RowCount: ptr(int64(2_522_333))})
	if err != nil {
		return nil, err
	}
	sc.FraudFeatures = feat.ID
	if _, err := s.AddRunOutputs(ctx, Actor, clean.ID, []string{feat.ID}, nil); err != nil {
		return nil, err
	}
	if _, err := s.UpdateRunStatus(ctx, Actor, clean.ID, store.StatusFinished); err != nil {
		return nil, err
	}

	train, err := s.CreateExperiment(ctx, "carol", store.CreateExperimentInput{ProjectKey: keys.Fraud, Name: "fraud-gbm",
		Description: "Gradient-boosted trees on transaction features."})
	if err != nil {
		return nil, err
	}
	configs := []struct {
		name, lr, depth string
		final           float64
		status          store.RunStatus
	}{
		{"gbm-lr0.1-d6", "0.1", "6", 0.912, store.StatusFinished},
		{"gbm-lr0.05-d8", "0.05", "8", 0.931, store.StatusFinished},
		{"gbm-lr0.3-d4", "0.3", "4", 0.874, store.StatusFailed},
	}
	for i, c := range configs {
		run, err := s.StartRun(ctx, "carol", store.StartRunInput{ExperimentID: train.ID, Name: c.name,
			Params:      []store.KeyValue{kv("learning_rate", c.lr), kv("max_depth", c.depth), kv("n_estimators", "400")},
			Tags:        []store.KeyValue{kv("team", "risk-ml")},
			Code:        &store.CodeRef{Repo: "git@example.com:fraud/models.git", Commit: fmt.Sprintf("a1b2c3%d", i)},
			Environment: &store.Environment{LockfileHash: ptr(digest("uv.lock")), Platform: ptr("linux/amd64")},
			Seed:        ptr(int64(42 + i))})
		if err != nil {
			return nil, err
		}
		if _, err := s.AddRunInputs(ctx, Actor, run.ID, []string{feat.ID}); err != nil {
			return nil, err
		}
		var pts []store.MetricPoint
		start := now.Add(-time.Duration(3-i) * time.Hour)
		for step := 0; step < 50; step++ {
			frac := float64(step+1) / 50
			pts = append(pts,
				store.MetricPoint{Key: "auc", Step: int64(step), Value: 0.5 + (c.final-0.5)*(1-math.Exp(-4*frac)), Timestamp: start.Add(time.Duration(step) * time.Minute)},
				store.MetricPoint{Key: "loss", Step: int64(step), Value: 0.7 * math.Exp(-3*frac*(1+float64(i)/4)), Timestamp: start.Add(time.Duration(step) * time.Minute)})
		}
		if _, err := s.LogMetrics(ctx, run.ID, pts); err != nil {
			return nil, err
		}
		if c.status == store.StatusFinished {
			mv, err := s.RegisterModelVersion(ctx, "carol", store.RegisterModelVersionInput{ProjectKey: keys.Fraud, ModelName: "fraud-classifier",
				RunID: run.ID, URI: fmt.Sprintf("s3://fraud-models/fraud-classifier/%s/", c.name)})
			if err != nil {
				return nil, err
			}
			sc.ModelVersions = append(sc.ModelVersions, mv.ID)
		}
		if _, err := s.UpdateRunStatus(ctx, Actor, run.ID, c.status); err != nil {
			return nil, err
		}
		sc.TrainingRuns = append(sc.TrainingRuns, run.ID)
	}

	customers, err := s.RegisterDataset(ctx, "dave", store.RegisterDatasetInput{ProjectKey: keys.Churn, Namespace: "postgres://warehouse:5432", Name: "crm.public.customers"})
	if err != nil {
		return nil, err
	}
	cv, _, err := s.RegisterDatasetVersion(ctx, "dave", store.RegisterDatasetVersionInput{DatasetID: customers.ID, Version: "2026-11-20",
		URI: "postgres://warehouse:5432/crm?snapshot=2026-11-20", Digest: digest("customers"), RowCount: ptr(int64(88_412)),
		Schema: []store.SchemaField{field("customer_id", "string", false), field("tenure_months", "int", false), field("churned", "boolean", false)}})
	if err != nil {
		return nil, err
	}
	churnExp, err := s.CreateExperiment(ctx, "dave", store.CreateExperimentInput{ProjectKey: keys.Churn, Name: "churn-baseline"})
	if err != nil {
		return nil, err
	}
	cr, err := s.StartRun(ctx, "dave", store.StartRunInput{ExperimentID: churnExp.ID, Name: "logreg-baseline",
		Params: []store.KeyValue{kv("C", "1.0"), kv("penalty", "l2")}})
	if err != nil {
		return nil, err
	}
	if _, err := s.AddRunInputs(ctx, Actor, cr.ID, []string{cv.ID}); err != nil {
		return nil, err
	}
	if _, err := s.LogMetrics(ctx, cr.ID, []store.MetricPoint{{Key: "auc", Value: 0.71, Step: 0, Timestamp: now}}); err != nil {
		return nil, err
	}
	cm, err := s.RegisterModelVersion(ctx, "dave", store.RegisterModelVersionInput{ProjectKey: keys.Churn, ModelName: "churn-model", RunID: cr.ID, URI: "s3://churn-models/v1/"})
	if err != nil {
		return nil, err
	}
	if _, err := s.UpdateRunStatus(ctx, Actor, cr.ID, store.StatusFinished); err != nil {
		return nil, err
	}
	sc.ChurnRun, sc.ChurnData, sc.ChurnModel = cr.ID, cv.ID, cm.ID
	return sc, nil
}

func field(name, typ string, nullable bool) store.SchemaField {
	return store.SchemaField{Name: name, Type: typ, Nullable: nullable}
}

func kv(k, v string) store.KeyValue { return store.KeyValue{Key: k, Value: v} }

func ptr[T any](v T) *T { return &v }
