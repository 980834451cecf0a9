package store

import (
	"fmt"
	"strings"

	"github.com/exphub/exphub/internal/fairness"
)

// CheckName names a policy check.
type CheckName string

// Policy checks, in the order they are evaluated.
const (
	CheckUpstreamValidations CheckName = "UPSTREAM_VALIDATIONS"
	CheckBias                CheckName = "BIAS"
	CheckReproducibility     CheckName = "REPRODUCIBILITY"
	CheckReproduced          CheckName = "REPRODUCED"
)

// CheckVerdict is a check's outcome.
type CheckVerdict string

// Check verdicts.
const (
	CheckPassed CheckVerdict = "PASSED"
	CheckFailed CheckVerdict = "FAILED"
)

// PolicyCheck is one check of a promotion request as last evaluated.
type PolicyCheck struct {
	Name        CheckName    `json:"name"`
	Verdict     CheckVerdict `json:"verdict"`
	Detail      string       `json:"detail"`
	EvidenceIDs []string     `json:"evidenceIds"`
}

// upstreamDepthText bounds how far upstream of a model version the
// validations check looks; lineage walks allow at most 50 hops too.
const upstreamDepthText = "50"

func verdictOf(ok bool) CheckVerdict {
	if ok {
		return CheckPassed
	}
	return CheckFailed
}

// evaluateChecks evaluates every check pol asks for against the evidence
// stored now.
func evaluateChecks(tx *txn, pol *Policy, req *PromotionRequest) ([]PolicyCheck, error) {
	checks := []PolicyCheck{}
	if pol.RequireUpstreamValidationsPassed {
		c, err := upstreamCheck(tx, req.ProjectKey, req.ModelVersionID, pol.AllowWarnedValidations)
		if err != nil {
			return nil, err
		}
		checks = append(checks, c)
	}
	if len(pol.BiasRules) > 0 {
		c, err := biasCheck(tx, req.ModelVersionID, pol.BiasRules)
		if err != nil {
			return nil, err
		}
		checks = append(checks, c)
	}
	if pol.RequireReproducible {
		c := PolicyCheck{Name: CheckReproducibility, Verdict: CheckFailed, EvidenceIDs: []string{},
			Detail: "no training run is recorded as this version's producer"}
		if req.TrainingRunID != "" {
			rep, err := runReproducibility(tx, req.TrainingRunID)
			if err != nil {
				return nil, err
			}
			c.Verdict, c.EvidenceIDs = verdictOf(rep.Complete), []string{req.TrainingRunID}
			c.Detail = "the training run records everything a rerun needs"
			if !rep.Complete {
				c.Detail = "the training run is missing: " + strings.Join(rep.Missing, ", ")
			}
		}
		checks = append(checks, c)
	}
	if pol.RequireReproduced {
		c := PolicyCheck{Name: CheckReproduced, Verdict: CheckFailed, EvidenceIDs: []string{},
			Detail: "no training run is recorded as this version's producer"}
		if req.TrainingRunID != "" {
			rep, err := latestReproduction(tx, req.TrainingRunID)
			if err != nil {
				return nil, err
			}
			c.Detail = "no reproduction of the training run is recorded"
			if rep != nil {
				c.Verdict, c.EvidenceIDs = verdictOf(rep.Status == Reproduced), []string{rep.ID}
				c.Detail = fmt.Sprintf("the latest reproduction (run %s) %s", rep.ReproductionRunID, strings.ToLower(string(rep.Status)))
			}
		}
		checks = append(checks, c)
	}
	return checks, nil
}

// upstreamCheck: every dataset version upstream of the model version must
// have a latest validation that PASSED (or WARNED when allowed). A model
// version with no recorded upstream data fails: its lineage is unknown.
// The stored check names and lists only dataset versions of the request's
// project: its readers may not read the others, which are counted.
func upstreamCheck(tx *txn, projectKey, modelVersionID string, allowWarned bool) (PolicyCheck, error) {
	recs, err := tx.run(`
		MATCH (dv:DatasetVersion)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..`+upstreamDepthText+`]->(:ModelVersion {id: $id})
		WITH DISTINCT dv
		RETURN dv.id AS id, dv.displayName AS name, dv.projectKey AS projectKey, coalesce(dv.qualityStatus, '') AS status
		ORDER BY id`, map[string]any{"id": modelVersionID})
	if err != nil {
		return PolicyCheck{}, err
	}
	c := PolicyCheck{Name: CheckUpstreamValidations, EvidenceIDs: []string{}}
	var bad, good, badNames []string
	badElsewhere := 0
	for _, rec := range recs {
		id, err := recStr(rec, "id")
		if err != nil {
			return c, err
		}
		project, err := recStr(rec, "projectKey")
		if err != nil {
			return c, err
		}
		name, _ := rec.Get("name")
		status, err := recStr(rec, "status")
		if err != nil {
			return c, err
		}
		ok := status == string(ValidationPassed) || (allowWarned && status == string(ValidationWarned))
		switch {
		case ok && project == projectKey:
			good = append(good, id)
		case ok:
		case project != projectKey:
			badElsewhere++
		default:
			if status == "" {
				status = "never validated"
			}
			bad = append(bad, id)
			badNames = append(badNames, fmt.Sprintf("%v (%s)", name, status))
		}
	}
	c.EvidenceIDs = append(append(c.EvidenceIDs, bad...), good...)
	if len(badNames) > 5 {
		badNames = append(badNames[:5], fmt.Sprintf("and %d more", len(badNames)-5))
	}
	if badElsewhere > 0 {
		badNames = append(badNames, fmt.Sprintf("%d in other projects", badElsewhere))
	}
	switch failed := len(bad) + badElsewhere; {
	case len(recs) == 0:
		c.Verdict, c.Detail = CheckFailed, "no dataset version is recorded upstream of this model version: its data lineage is unknown"
	case failed > 0:
		c.Verdict, c.Detail = CheckFailed, fmt.Sprintf("%d of %d upstream dataset versions have no passing latest validation: %s",
			failed, len(recs), strings.Join(badNames, ", "))
	case len(recs) == 1:
		c.Verdict, c.Detail = CheckPassed, "the one upstream dataset version passed its latest validations"
	default:
		c.Verdict, c.Detail = CheckPassed, fmt.Sprintf("all %d upstream dataset versions passed their latest validations", len(recs))
	}
	return c, nil
}

// biasCheck: the version's latest bias check must meet every rule.
func biasCheck(tx *txn, modelVersionID string, rules []BiasRule) (PolicyCheck, error) {
	c := PolicyCheck{Name: CheckBias, Verdict: CheckFailed, EvidenceIDs: []string{}}
	b, err := latestBiasCheck(tx, modelVersionID)
	if err != nil {
		return c, err
	}
	if b == nil {
		c.Detail = "no bias check of this model version is recorded"
		return c, nil
	}
	c.EvidenceIDs = []string{b.ID}
	if b.Report.Inconclusive {
		c.Detail = "the latest bias check is inconclusive: " + strings.Join(b.Report.Notes, "; ")
		return c, nil
	}
	var broken, held []string
	for _, r := range rules {
		v := b.Metric(r.Metric)
		switch {
		case v.Value == nil:
			broken = append(broken, fmt.Sprintf("%s is undefined (%s)", r.Metric, v.Reason))
		case r.Metric.IsRatio() && *v.Value < r.Threshold:
			broken = append(broken, fmt.Sprintf("%s %.4g < %.4g", r.Metric, *v.Value, r.Threshold))
		case !r.Metric.IsRatio() && *v.Value > r.Threshold:
			broken = append(broken, fmt.Sprintf("%s %.4g > %.4g", r.Metric, *v.Value, r.Threshold))
		default:
			held = append(held, fmt.Sprintf("%s %.4g", r.Metric, *v.Value))
		}
	}
	if len(broken) > 0 {
		c.Detail = "the latest bias check breaks the policy: " + strings.Join(broken, "; ")
		return c, nil
	}
	c.Verdict, c.Detail = CheckPassed, "the latest bias check meets every rule: "+strings.Join(held, ", ")
	return c, nil
}

// Metric returns the summary named m.
func (b *BiasCheck) Metric(m BiasMetric) fairness.Value {
	switch m {
	case DemographicParityDifference:
		return b.Report.DemographicParityDifference
	case DemographicParityRatio:
		return b.Report.DemographicParityRatio
	case EqualizedOddsDifference:
		return b.Report.EqualizedOddsDifference
	case EqualizedOddsRatio:
		return b.Report.EqualizedOddsRatio
	case EqualOpportunityDifference:
		return b.Report.EqualOpportunityDifference
	}
	return fairness.Value{Reason: "unknown metric " + string(m)}
}
