package governance

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/store"
)

// BiasCheck is a stored bias check with its spec and report read: what
// the API shows and the bias rule judges.
type BiasCheck struct {
	ID               string
	ProjectKey       string
	ModelVersionID   string
	DatasetVersionID string
	fairness.Spec
	fairness.Report
	CreatedAt time.Time
	CreatedBy string
}

// DecodeBiasCheck reads the spec and report a stored bias check keeps as
// JSON.
func DecodeBiasCheck(b *store.BiasCheck) (*BiasCheck, error) {
	out := &BiasCheck{ID: b.ID, ProjectKey: b.ProjectKey, ModelVersionID: b.ModelVersionID, DatasetVersionID: b.DatasetVersionID,
		CreatedAt: b.CreatedAt, CreatedBy: b.CreatedBy}
	if err := json.Unmarshal([]byte(b.Spec), &out.Spec); err != nil {
		return nil, fmt.Errorf("bias check %s: stored spec is not JSON", b.ID)
	}
	if err := json.Unmarshal([]byte(b.Report), &out.Report); err != nil {
		return nil, fmt.Errorf("bias check %s: stored report is not JSON", b.ID)
	}
	return out, nil
}

// Metric returns the summary named m.
func (b *BiasCheck) Metric(m store.BiasMetric) fairness.Value {
	switch m {
	case store.DemographicParityDifference:
		return b.Report.DemographicParityDifference
	case store.DemographicParityRatio:
		return b.Report.DemographicParityRatio
	case store.EqualizedOddsDifference:
		return b.Report.EqualizedOddsDifference
	case store.EqualizedOddsRatio:
		return b.Report.EqualizedOddsRatio
	case store.EqualOpportunityDifference:
		return b.Report.EqualOpportunityDifference
	}
	return fairness.Value{Reason: "unknown metric " + string(m)}
}
