// Package fairness computes group fairness metrics of a binary classifier's
// predictions: per group selection rate, true and false positive rates, and
// the between-groups summaries Fairlearn defines (differences are max − min
// over groups, ratios min / max). A value that is undefined is reported as
// such, with the reason, and never as 0 or 1.
//
// It owns the metrics only: which thresholds a promotion needs is
// internal/governance's policy. It must not import the store or the API.
package fairness

import "github.com/exphub/exphub/internal/errs"

// ErrInput marks a request the data cannot answer: a missing column, labels
// or predictions that are not binary, a bad weight. The message names the
// column (and the row, when one is at fault) and is written for the caller;
// it is an errs.Invalid.
var ErrInput error = &errs.Hidden{Kind: errs.Invalid, Msg: "invalid bias check input"}

// Value is a metric that may be undefined: Value is nil exactly when Reason
// says why.
type Value struct {
	Value  *float64 `json:"value"`
	Reason string   `json:"reason,omitempty"`
}

// Verdict is the outcome of the four-fifths (disparate impact) rule.
type Verdict string

// Four-fifths verdicts.
const (
	FourFifthsPassed    Verdict = "PASSED"
	FourFifthsFailed    Verdict = "FAILED"
	FourFifthsUndefined Verdict = "UNDEFINED"
)

// Spec says which columns hold what.
type Spec struct {
	LabelColumn      string   `json:"labelColumn"`
	PredictionColumn string   `json:"predictionColumn"`
	SensitiveColumns []string `json:"sensitiveColumns"`
	// PositiveLabel is the label and prediction value that means positive.
	PositiveLabel string `json:"positiveLabel"`
	// WeightColumn holds non-negative sample weights; empty: every row
	// weighs 1.
	WeightColumn string `json:"weightColumn,omitempty"`
	// MinGroupSize flags groups with fewer rows as small.
	MinGroupSize int `json:"minGroupSize"`
}

// Group is one combination of the sensitive columns' values.
type Group struct {
	// Values are the sensitive columns' values in Spec order; a null is
	// "(null)".
	Values            []string `json:"values"`
	Count             int64    `json:"count"`
	Weight            float64  `json:"weight"`
	SelectionRate     Value    `json:"selectionRate"`
	TruePositiveRate  Value    `json:"truePositiveRate"`
	FalsePositiveRate Value    `json:"falsePositiveRate"`
	Small             bool     `json:"small"`
}

// Report is the outcome of a bias check.
type Report struct {
	RowCount                    int64    `json:"rowCount"`
	SHA256                      string   `json:"sha256"`
	Groups                      []Group  `json:"groups"`
	DemographicParityDifference Value    `json:"demographicParityDifference"`
	DemographicParityRatio      Value    `json:"demographicParityRatio"`
	EqualizedOddsDifference     Value    `json:"equalizedOddsDifference"`
	EqualizedOddsRatio          Value    `json:"equalizedOddsRatio"`
	EqualOpportunityDifference  Value    `json:"equalOpportunityDifference"`
	FourFifths                  Verdict  `json:"fourFifths"`
	Inconclusive                bool     `json:"inconclusive"`
	Notes                       []string `json:"notes"`
}
