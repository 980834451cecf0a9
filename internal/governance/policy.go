package governance

import (
	"math"
	"slices"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// CheckPolicy is the rule of what a policy may say: it returns in with its
// lists in a canonical order (so equal policies compare equal), or an
// errs.Invalid naming the field that is wrong.
func CheckPolicy(in store.PolicyInput) (store.PolicyInput, error) {
	if in.RequiredApprovals < 1 || in.RequiredApprovals > 10 {
		return in, errs.Invalidf("requiredApprovals: must be 1 to 10, got %d", in.RequiredApprovals)
	}
	if in.ApproverRole != store.ApproverRoleApprover && in.ApproverRole != store.ApproverRoleAdmin {
		return in, errs.Invalidf("approverRole: must be APPROVER or ADMIN, got %s", errs.Quote(in.ApproverRole))
	}
	if in.AllowWarnedValidations && !in.RequireUpstreamValidationsPassed {
		return in, errs.Invalidf("allowWarnedValidations: only meaningful with requireUpstreamValidationsPassed")
	}
	if in.RequireReproduced && !in.RequireReproducible {
		return in, errs.Invalidf("requireReproduced: needs requireReproducible (a rerun of an incomplete run proves little)")
	}
	for i, r := range in.BiasRules {
		if !slices.Contains(store.BiasMetrics, r.Metric) {
			return in, errs.Invalidf("biasRules[%d].metric: unknown metric %s", i, errs.Quote(r.Metric))
		}
		if math.IsNaN(r.Threshold) || r.Threshold < 0 || r.Threshold > 1 {
			return in, errs.Invalidf("biasRules[%d].threshold: must be in [0, 1], got %v", i, r.Threshold)
		}
	}
	sorted := in.Canonical()
	for i := 1; i < len(sorted.BiasRules); i++ {
		if sorted.BiasRules[i].Metric == sorted.BiasRules[i-1].Metric {
			return in, errs.Invalidf("biasRules: %s appears twice", sorted.BiasRules[i].Metric)
		}
	}
	if len(in.Stages) == 0 {
		return in, errs.Invalidf("stages: name at least one of STAGING, PRODUCTION")
	}
	for i, st := range in.Stages {
		if st != store.StageStaging && st != store.StageProduction {
			return in, errs.Invalidf("stages[%d]: a promotion targets STAGING or PRODUCTION, got %s", i, st)
		}
	}
	if err := checkGroups(in); err != nil {
		return in, err
	}
	aliases, err := checkGovernedAliases(in.GovernedAliases)
	if err != nil {
		return in, err
	}
	in.GovernedAliases = aliases
	return in.Canonical(), nil
}
