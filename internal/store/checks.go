package store

import (
	"fmt"
	"time"
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

// Rules are the governance rules the store applies inside the
// transactions that evaluate a request's checks (requesting a promotion,
// a decision, and every change of its evidence: a validation, a bias
// check, a reproduction). internal/governance provides them; a store
// without them refuses those writes.
type Rules struct {
	// Checks evaluates the checks pol asks of req against ev.
	Checks func(pol *Policy, req *PromotionRequest, ev *CheckEvidence) []PolicyCheck
	// Status is the status of an open request with these checks.
	Status func(checks []PolicyCheck) PromotionStatus
	// Tally says where req's approvals stand at now: which count and
	// whether they complete it. Without it, the APPROVED decisions
	// count and complete it when they reach RequiredApprovals.
	Tally func(req *PromotionRequest, now time.Time) ApprovalTally
}

// tally applies Rules.Tally, or the plain count without it.
func (s *Store) tally(req *PromotionRequest, now time.Time) ApprovalTally {
	if s.rules.Tally != nil {
		return s.rules.Tally(req, now)
	}
	n := req.ApprovalCount()
	return ApprovalTally{Counted: n, Complete: n >= req.RequiredApprovals}
}

// WithRules gives the store the governance rules it applies.
func WithRules(r Rules) Option { return func(s *Store) { s.rules = r } }

// errNoRules refuses a write that needs rules the store was not given.
var errNoRules = fmt.Errorf("promotion checks: the store was built without governance rules (store.WithRules)")

// CheckEvidence is what a request's checks are evaluated on, as stored in
// the transaction that evaluates them; only what the policy asks for is
// read.
type CheckEvidence struct {
	// Upstream are the dataset versions upstream of the model version (at
	// most 50 hops), ordered by ID.
	Upstream []UpstreamVersion
	// LatestBias is the version's newest bias check, or nil.
	LatestBias *BiasCheck
	// Training is the training run with its inputs, nil when none is
	// recorded; LatestReproduction is its newest reproduction, or nil.
	Training           *RunState
	LatestReproduction *Reproduction
}

// UpstreamVersion is a dataset version upstream of a model version with
// its quality status (empty: never validated).
type UpstreamVersion struct {
	ID, Name, ProjectKey string
	Status               ValidationStatus
}

// upstreamDepthText bounds how far upstream of a model version the
// validations check looks; lineage walks allow at most 50 hops too.
const upstreamDepthText = "50"

// checks evaluates the checks pol asks of req in tx, with the store's rules.
func (s *Store) checks(tx *txn, pol *Policy, req *PromotionRequest) ([]PolicyCheck, error) {
	if s.rules.Checks == nil || s.rules.Status == nil {
		return nil, errNoRules
	}
	ev := &CheckEvidence{}
	var err error
	if pol.RequireUpstreamValidationsPassed {
		if ev.Upstream, err = upstreamVersions(tx, req.ModelVersionID); err != nil {
			return nil, err
		}
	}
	if len(pol.BiasRules) > 0 {
		if ev.LatestBias, err = latestBiasCheck(tx, req.ModelVersionID); err != nil {
			return nil, err
		}
	}
	if (pol.RequireReproducible || pol.RequireReproduced) && req.TrainingRunID != "" {
		if ev.Training, err = loadRunState(tx, req.TrainingRunID); err != nil {
			return nil, err
		}
		if ev.LatestReproduction, err = latestReproduction(tx, req.TrainingRunID); err != nil {
			return nil, err
		}
	}
	return s.rules.Checks(pol, req, ev), nil
}

// upstreamVersions reads the dataset versions upstream of a model version.
func upstreamVersions(tx *txn, modelVersionID string) ([]UpstreamVersion, error) {
	recs, err := tx.run(`
		MATCH (dv:DatasetVersion)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..`+upstreamDepthText+`]->(:ModelVersion {id: $id})
		WITH DISTINCT dv
		RETURN dv.id AS id, coalesce(dv.displayName, '') AS name, dv.projectKey AS projectKey, coalesce(dv.qualityStatus, '') AS status
		ORDER BY id`, map[string]any{"id": modelVersionID})
	if err != nil {
		return nil, err
	}
	out := make([]UpstreamVersion, 0, len(recs))
	for _, rec := range recs {
		var u UpstreamVersion
		var status string
		if u.ID, err = recStr(rec, "id"); err != nil {
			return nil, err
		}
		if u.Name, err = recStr(rec, "name"); err != nil {
			return nil, err
		}
		if u.ProjectKey, err = recStr(rec, "projectKey"); err != nil {
			return nil, err
		}
		if status, err = recStr(rec, "status"); err != nil {
			return nil, err
		}
		u.Status = ValidationStatus(status)
		out = append(out, u)
	}
	return out, nil
}
