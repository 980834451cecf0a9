package evidence

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

func policySection(pol *Policy) section {
	rules := make([]string, len(pol.BiasRules))
	for i, br := range pol.BiasRules {
		op := "≤"
		if strings.Contains(br.Metric, "RATIO") {
			op = "≥"
		}
		rules[i] = fmt.Sprintf("%s %s %s", br.Metric, op, formatFloat(br.Threshold))
	}
	created := "—"
	if pol.CreatedAt != nil {
		created = formatTime(*pol.CreatedAt) + " by " + orDash(pol.CreatedBy)
	}
	return section{Title: "Policy", Blocks: []block{{Facts: []fact{
		{"Version", strconv.FormatInt(pol.Version, 10)},
		{"Required approvals", fmt.Sprintf("%d, role %s or higher", pol.RequiredApprovals, orDash(pol.ApproverRole))},
		{"Required groups", groupsFact(pol.RequiredGroups)},
		{"Approvals count for", validForFact(pol.ApprovalsValidFor)},
		{"Upstream validations passed", yesNo(pol.RequireUpstreamValidationsPassed) + warned(pol)},
		{"Bias rules", listOrNone(rules)},
		{"Reproducible training run", yesNo(pol.RequireReproducible)},
		{"Recorded reproduction", yesNo(pol.RequireReproduced)},
		{"Separation of duties", yesNo(pol.SeparationOfDuties)},
		{"Stages", listOrNone(pol.Stages)},
		{"Created", created},
	}}}}
}

func warned(pol *Policy) string {
	if pol.RequireUpstreamValidationsPassed && pol.AllowWarnedValidations {
		return " (WARNED counts as passed)"
	}
	return ""
}

func checksBlock(checks []Check) block {
	rows := make([][]string, len(checks))
	for i, c := range checks {
		rows[i] = []string{c.Name, c.Verdict, c.Detail, listOrNone(c.EvidenceIDs)}
	}
	return tableBlock("", "No checks were evaluated.", []string{"Check", "Verdict", "Detail", "Evidence"}, rows)
}

// approvalsBlock lists the decisions; a pack that records where each
// approval stands (since approver groups and expiry) also gets the
// approver's groups and whether, and for which group, it counted.
func approvalsBlock(approvals []Approval) block {
	standing := slices.ContainsFunc(approvals, func(a Approval) bool { return a.Counted != nil || len(a.Groups) > 0 })
	rows := make([][]string, len(approvals))
	for i, a := range approvals {
		if !standing {
			rows[i] = []string{a.Actor, a.Decision, formatTime(a.At), a.Comment}
			continue
		}
		rows[i] = []string{a.Actor, a.Decision, formatTime(a.At), listOrNone(a.Groups), approvalCounts(a), a.Comment}
	}
	header := []string{"Approver", "Decision", "At", "Comment"}
	if standing {
		header = []string{"Approver", "Decision", "At", "Groups", "Counts", "Comment"}
	}
	return tableBlock("", "No decisions yet.", header, rows)
}

// approvalCounts says whether an approval counted toward the request.
func approvalCounts(a Approval) string {
	switch {
	case a.Decision != decisionApproved:
		return "—"
	case a.Counted == nil:
		return "not recorded"
	case *a.Counted && a.CountedForGroup != "":
		return "yes, for group " + a.CountedForGroup
	case *a.Counted:
		return "yes"
	case a.NotCountedReason != "":
		return "no: " + a.NotCountedReason
	default:
		return "no"
	}
}

// groupsFact says which groups a policy needs approvals from.
func groupsFact(groups []GroupRequirement) string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = fmt.Sprintf("%d from %s", g.Approvals, g.Group)
	}
	return listOrNone(out)
}

// validForFact says how long an approval counts.
func validForFact(seconds *int) string {
	if seconds == nil {
		return "no expiry"
	}
	n := *seconds
	for _, u := range []struct {
		secs int
		name string
	}{{86400, "day"}, {3600, "hour"}, {60, "minute"}} {
		if n >= u.secs && n%u.secs == 0 {
			return fmt.Sprintf("%d %s%s after they are given", n/u.secs, u.name, plural(n/u.secs))
		}
	}
	return fmt.Sprintf("%d second%s after they are given", n, plural(n))
}

func biasBlocks(checks []BiasCheck) []block {
	if len(checks) == 0 {
		return []block{{Note: "No bias checks."}}
	}
	var blocks []block
	for _, bc := range checks {
		r := &bc.Report
		weight := ""
		if bc.Spec.WeightColumn != "" {
			weight = ", weights " + bc.Spec.WeightColumn
		}
		blocks = append(blocks, block{Heading: "Bias check " + bc.ID, Facts: []fact{
			{"Evaluation data", fmt.Sprintf("%s, %d rows, sha256 %s", bc.DatasetVersionID, r.RowCount, orDash(r.SHA256))},
			{"Columns", fmt.Sprintf("label %s, prediction %s (positive %q), sensitive %s%s", bc.Spec.LabelColumn, bc.Spec.PredictionColumn,
				bc.Spec.PositiveLabel, listOrNone(bc.Spec.SensitiveColumns), weight)},
			{"Recorded", formatTime(bc.CreatedAt) + " by " + orDash(bc.CreatedBy)},
			{"Demographic parity difference", formatValue(r.DemographicParityDifference)},
			{"Demographic parity ratio", formatValue(r.DemographicParityRatio)},
			{"Equalized odds difference", formatValue(r.EqualizedOddsDifference)},
			{"Equalized odds ratio", formatValue(r.EqualizedOddsRatio)},
			{"Equal opportunity difference", formatValue(r.EqualOpportunityDifference)},
			{"Four-fifths rule", string(r.FourFifths)},
			{"Inconclusive", yesNo(r.Inconclusive)},
			{"Notes", listOrNone(r.Notes)},
		}})
		rows := make([][]string, len(r.Groups))
		for i, g := range r.Groups {
			count := strconv.FormatInt(g.Count, 10)
			if g.Small {
				count += fmt.Sprintf(" (small, < %d)", bc.Spec.MinGroupSize)
			}
			rows[i] = []string{strings.Join(g.Values, ", "), count, formatValue(g.SelectionRate), formatValue(g.TruePositiveRate), formatValue(g.FalsePositiveRate)}
		}
		blocks = append(blocks, tableBlock("", "No groups.", []string{"Group", "Count", "Selection rate", "TPR", "FPR"}, rows))
	}
	return blocks
}

func reproductionBlocks(r *Reproduction) []block {
	if r == nil {
		return []block{{Note: "The pack has no reproducibility record."}}
	}
	blocks := []block{{Facts: []fact{{"Complete", yesNo(r.Complete)}, {"Missing", listOrNone(r.Missing)}}}}
	rec := r.Latest
	if rec == nil {
		return append(blocks, block{Heading: "Latest reproduction", Note: "No reproduction recorded."})
	}
	blocks = append(blocks, block{Heading: "Latest reproduction " + rec.ID, Facts: []fact{
		{"Status", rec.Status},
		{"Rerun", rec.ReproductionRunID},
		{"Tolerance", fmt.Sprintf("absolute %s, relative %s", formatFloat(rec.Tolerance), formatFloat(rec.RelativeTolerance))},
		{"Recorded", formatTime(rec.CreatedAt) + " by " + orDash(rec.CreatedBy)},
	}})
	rows := make([][]string, len(rec.Metrics))
	for i, m := range rec.Metrics {
		rows[i] = []string{m.Key, formatOpt(m.Original), formatOpt(m.Reproduced), formatOpt(m.Difference), m.Status}
	}
	return append(blocks, tableBlock("", "No metrics compared.", []string{"Metric", "Original", "Reproduced", "Difference", "Status"}, rows))
}

// signOffsBlock lists the sign-offs of earlier packs of the request; each
// names the SHA-256 of the file it was given, which `sha256sum` of a kept
// copy must print for that copy to be the one signed.
func signOffsBlock(ss []SignOff) block {
	rows := make([][]string, len(ss))
	for i, s := range ss {
		rows[i] = []string{formatTime(s.At), s.By, s.Decision, orDash(s.Findings), s.Digest}
	}
	b := tableBlock("", "No pack of this request has been signed off.", []string{"Time", "Reviewer", "Decision", "Findings", "Pack SHA-256"}, rows)
	if len(ss) > 0 {
		b.Note = "Each sign-off names the SHA-256 of the pack file the reviewer read: a file changed after sign-off has another digest."
	}
	return b
}
