package governance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// ApproverRole is the role a policy's approver role names.
func ApproverRole(s string) auth.Role {
	if s == store.ApproverRoleAdmin {
		return auth.RoleAdmin
	}
	return auth.RoleApprover
}

// Decision is the one rule of who may approve or reject a request now: it
// must be open, the caller must hold the role its policy names in its
// project, must not have decided on it already, and under separation of
// duties must be neither its requester nor whoever started a run that
// produced the version (req.ProducedBy, read with the request, counts runs
// linked after it was made). nil means the caller may decide; the error is
// errs.Forbidden for the role, errs.Conflict for the rest. It serves
// approve, reject, viewerCanDecide, the decidable filter and the
// approvalRequested subscription alike.
func Decision(p *auth.Principal, req *store.PromotionRequest) error {
	role := ApproverRole(req.ApproverRole)
	switch {
	case p == nil:
		return errs.Unauthenticated
	case !req.Status.Open():
		return errs.Conflictf("promotion request %s is closed (%s)", req.ID, req.Status)
	case !p.Can(req.ProjectKey, role):
		return errs.Forbiddenf("deciding promotion requests in project %s needs the %s role", errs.Quote(req.ProjectKey), role)
	case req.Decided(p.Subject):
		return errs.Conflictf("%s already decided on promotion request %s", p.Subject, req.ID)
	case !req.SeparationOfDuties:
		return nil
	case p.Subject == req.RequestedBy:
		return errs.Conflictf("the requester cannot approve or reject their own request (separation of duties)")
	case p.Subject == req.TrainedBy || slices.Contains(req.ProducedBy, p.Subject):
		return errs.Conflictf("whoever started the training run cannot approve or reject its promotion (separation of duties)")
	}
	return nil
}

// CanDecide reports whether Decision lets p decide req.
func CanDecide(p *auth.Principal, req *store.PromotionRequest) bool { return Decision(p, req) == nil }

// Cancellation is the rule of who may withdraw a request: it must be open,
// and the caller its requester or an admin of its project.
func Cancellation(p *auth.Principal, req *store.PromotionRequest) error {
	switch {
	case p == nil:
		return errs.Unauthenticated
	case req.RequestedBy != p.Subject && !p.Can(req.ProjectKey, auth.RoleAdmin):
		return errs.Forbiddenf("only the requester (%s) or an admin may cancel promotion request %s", req.RequestedBy, req.ID)
	case !req.Status.Open():
		return errs.Conflictf("promotion request %s is closed (%s)", req.ID, req.Status)
	}
	return nil
}

// Reevaluation is the rule of when a request's checks may be evaluated
// again on demand: while it is open.
func Reevaluation(req *store.PromotionRequest) error {
	if !req.Status.Open() {
		return errs.Conflictf("promotion request %s is closed (%s)", req.ID, req.Status)
	}
	return nil
}

// Status is the status of an open request with these checks: PENDING when
// every check passes, else BLOCKED.
func Status(checks []store.PolicyCheck) store.PromotionStatus {
	if len(store.FailingChecks(checks)) > 0 {
		return store.PromotionBlocked
	}
	return store.PromotionPending
}

func verdictOf(ok bool) store.CheckVerdict {
	if ok {
		return store.CheckPassed
	}
	return store.CheckFailed
}

// Checks evaluates every check pol asks of req against the evidence stored
// now, in the policy's order: upstream validations, bias, reproducibility,
// reproduced.
func Checks(pol *store.Policy, req *store.PromotionRequest, ev *store.CheckEvidence) []store.PolicyCheck {
	checks := []store.PolicyCheck{}
	if pol.RequireUpstreamValidationsPassed {
		checks = append(checks, upstreamCheck(req.ProjectKey, ev.Upstream, pol.AllowWarnedValidations))
	}
	if len(pol.BiasRules) > 0 {
		checks = append(checks, biasCheck(ev.LatestBias, pol.BiasRules))
	}
	noRun := "no training run is recorded as this version's producer"
	if pol.RequireReproducible {
		c := store.PolicyCheck{Name: store.CheckReproducibility, Verdict: store.CheckFailed, EvidenceIDs: []string{}, Detail: noRun}
		if ev.Training != nil {
			rep := ReproducibilityOf(ev.Training)
			c.Verdict, c.EvidenceIDs = verdictOf(rep.Complete), []string{ev.Training.Run.ID}
			c.Detail = "the training run records everything a rerun needs"
			if !rep.Complete {
				c.Detail = "the training run is missing: " + strings.Join(rep.Missing, ", ")
			}
		}
		checks = append(checks, c)
	}
	if pol.RequireReproduced {
		c := store.PolicyCheck{Name: store.CheckReproduced, Verdict: store.CheckFailed, EvidenceIDs: []string{}, Detail: noRun}
		if ev.Training != nil {
			c.Detail = "no reproduction of the training run is recorded"
			if rep := ev.LatestReproduction; rep != nil {
				c.Verdict, c.EvidenceIDs = verdictOf(rep.Status == store.Reproduced), []string{rep.ID}
				c.Detail = fmt.Sprintf("the latest reproduction (run %s) %s", rep.ReproductionRunID, strings.ToLower(string(rep.Status)))
			}
		}
		checks = append(checks, c)
	}
	return checks
}

// upstreamCheck: every dataset version upstream of the model version must
// have a latest validation that PASSED (or WARNED when allowed). A model
// version with no recorded upstream data fails: its lineage is unknown.
// The stored check names and lists only dataset versions of the request's
// project: its readers may not read the others, which are counted.
func upstreamCheck(projectKey string, upstream []store.UpstreamVersion, allowWarned bool) store.PolicyCheck {
	c := store.PolicyCheck{Name: store.CheckUpstreamValidations, EvidenceIDs: []string{}}
	var bad, good, badNames []string
	badElsewhere := 0
	for _, u := range upstream {
		ok := u.Status == store.ValidationPassed || (allowWarned && u.Status == store.ValidationWarned)
		switch {
		case ok && u.ProjectKey == projectKey:
			good = append(good, u.ID)
		case ok:
		case u.ProjectKey != projectKey:
			badElsewhere++
		default:
			status := string(u.Status)
			if status == "" {
				status = "never validated"
			}
			bad = append(bad, u.ID)
			badNames = append(badNames, fmt.Sprintf("%s (%s)", u.Name, status))
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
	case len(upstream) == 0:
		c.Verdict, c.Detail = store.CheckFailed, "no dataset version is recorded upstream of this model version: its data lineage is unknown"
	case failed > 0:
		c.Verdict, c.Detail = store.CheckFailed, fmt.Sprintf("%d of %d upstream dataset versions have no passing latest validation: %s",
			failed, len(upstream), strings.Join(badNames, ", "))
	case len(upstream) == 1:
		c.Verdict, c.Detail = store.CheckPassed, "the one upstream dataset version passed its latest validations"
	default:
		c.Verdict, c.Detail = store.CheckPassed, fmt.Sprintf("all %d upstream dataset versions passed their latest validations", len(upstream))
	}
	return c
}

// biasCheck: the version's latest bias check must meet every rule.
func biasCheck(latest *store.BiasCheck, rules []store.BiasRule) store.PolicyCheck {
	c := store.PolicyCheck{Name: store.CheckBias, Verdict: store.CheckFailed, EvidenceIDs: []string{}}
	if latest == nil {
		c.Detail = "no bias check of this model version is recorded"
		return c
	}
	c.EvidenceIDs = []string{latest.ID}
	b, err := DecodeBiasCheck(latest)
	if err != nil {
		c.Detail = "the latest bias check cannot be read: " + err.Error()
		return c
	}
	if b.Report.Inconclusive {
		c.Detail = "the latest bias check is inconclusive: " + strings.Join(b.Report.Notes, "; ")
		return c
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
		return c
	}
	c.Verdict, c.Detail = store.CheckPassed, "the latest bias check meets every rule: "+strings.Join(held, ", ")
	return c
}

// Rules are the rules the store applies inside the transactions that
// change a request's evidence; the wiring passes them to store.WithRules.
var Rules = store.Rules{Checks: Checks, Status: Status, Tally: Tally}
