package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// BiasMetric names a fairness summary a policy can bound.
type BiasMetric string

// Bias metrics. Differences are bounded from above, ratios from below.
const (
	DemographicParityDifference BiasMetric = "DEMOGRAPHIC_PARITY_DIFFERENCE"
	DemographicParityRatio      BiasMetric = "DEMOGRAPHIC_PARITY_RATIO"
	EqualizedOddsDifference     BiasMetric = "EQUALIZED_ODDS_DIFFERENCE"
	EqualizedOddsRatio          BiasMetric = "EQUALIZED_ODDS_RATIO"
	EqualOpportunityDifference  BiasMetric = "EQUAL_OPPORTUNITY_DIFFERENCE"
)

// BiasMetrics lists every bias metric a policy can bound.
var BiasMetrics = []BiasMetric{DemographicParityDifference, DemographicParityRatio, EqualizedOddsDifference,
	EqualizedOddsRatio, EqualOpportunityDifference}

// IsRatio reports whether m is a ratio (a lower bound) rather than a
// difference (an upper bound).
func (m BiasMetric) IsRatio() bool { return m == DemographicParityRatio || m == EqualizedOddsRatio }

// BiasRule bounds one fairness metric.
type BiasRule struct {
	Metric    BiasMetric `json:"metric"`
	Threshold float64    `json:"threshold"`
}

// GroupRequirement asks for approvals from members of a named group (the
// approvers' token groups claim).
type GroupRequirement struct {
	Group     string `json:"group"`
	Approvals int    `json:"approvals"`
}

// Approver roles a policy may require.
const (
	ApproverRoleApprover = "APPROVER"
	ApproverRoleAdmin    = "ADMIN"
)

// Policy says what a promotion in a project needs. Version 0 is the
// default every project starts with.
type Policy struct {
	ID         string
	ProjectKey string
	Version    int64
	PolicyInput
	CreatedAt *time.Time
	CreatedBy *string
}

// PolicyInput is the content of a policy version.
type PolicyInput struct {
	RequiredApprovals                int
	ApproverRole                     string
	RequireUpstreamValidationsPassed bool
	AllowWarnedValidations           bool
	BiasRules                        []BiasRule
	RequireReproducible              bool
	RequireReproduced                bool
	SeparationOfDuties               bool
	Stages                           []ModelStage
	// GovernedAliases are model aliases (lower case) that, like
	// ProductionAlias, move only through an approved promotion request.
	GovernedAliases []string
	// RequiredGroups ask for approvals from members of named groups, on
	// top of RequiredApprovals; one approval fills at most one of them.
	RequiredGroups []GroupRequirement
	// ApprovalsValidFor is how long, in seconds, an approval counts
	// toward completing a request; nil: approvals do not expire.
	ApprovalsValidFor *int
}

// DefaultPolicy is version 0: one approver, upstream validations passed,
// separation of duties, promotion to staging or production.
var DefaultPolicy = PolicyInput{RequiredApprovals: 1, ApproverRole: ApproverRoleApprover, RequireUpstreamValidationsPassed: true,
	SeparationOfDuties: true, BiasRules: []BiasRule{}, Stages: []ModelStage{StageStaging, StageProduction}, GovernedAliases: []string{},
	RequiredGroups: []GroupRequirement{}}

func decodePolicy(m map[string]any) (*Policy, error) {
	p := props{m: m}
	pol := &Policy{ID: p.str("id"), ProjectKey: p.str("projectKey"), Version: p.int("version")}
	if pol.Version == 0 {
		pol.apply(DefaultPolicy)
		return pol, p.err
	}
	in := PolicyInput{RequiredApprovals: int(p.int("requiredApprovals")), ApproverRole: p.str("approverRole"),
		RequireUpstreamValidationsPassed: p.bool("requireUpstreamValidationsPassed"), AllowWarnedValidations: p.bool("allowWarnedValidations"),
		RequireReproducible: p.bool("requireReproducible"), RequireReproduced: p.bool("requireReproduced"),
		SeparationOfDuties: p.bool("separationOfDuties")}
	for _, st := range p.strs("stages") {
		in.Stages = append(in.Stages, ModelStage(st))
	}
	in.GovernedAliases = p.strs("governedAliases")
	var err error
	if in.RequiredGroups, err = decodeGroups(p.str("requiredGroups")); err != nil {
		return nil, fmt.Errorf("policy %s: %w", pol.ID, err)
	}
	if v := p.optInt("approvalsValidFor"); v != nil {
		n := int(*v)
		in.ApprovalsValidFor = &n
	}
	if text := p.str("biasRules"); p.err == nil && json.Unmarshal([]byte(text), &in.BiasRules) != nil {
		return nil, fmt.Errorf("policy %s: stored biasRules are not JSON", pol.ID)
	}
	pol.apply(in)
	pol.CreatedAt, pol.CreatedBy = p.optTime("createdAt"), p.optStr("createdBy")
	return pol, p.err
}

func (p *Policy) apply(in PolicyInput) {
	p.PolicyInput = in
	p.BiasRules, p.Stages = slices.Clone(in.BiasRules), slices.Clone(in.Stages)
	p.GovernedAliases = slices.Clone(in.GovernedAliases)
	if p.GovernedAliases == nil {
		p.GovernedAliases = []string{}
	}
	p.RequiredGroups = slices.Clone(in.RequiredGroups)
	if p.RequiredGroups == nil {
		p.RequiredGroups = []GroupRequirement{}
	}
}

// decodeGroups reads stored group requirements (JSON; absent: none).
func decodeGroups(text string) ([]GroupRequirement, error) {
	out := []GroupRequirement{}
	if text == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return nil, fmt.Errorf("stored requiredGroups are not JSON")
	}
	return out, nil
}

// encodeGroups is the stored form of group requirements.
func encodeGroups(gs []GroupRequirement) (string, error) {
	if gs == nil {
		gs = []GroupRequirement{}
	}
	b, err := json.Marshal(gs)
	return string(b), err
}

// intOrNil is a nullable integer property.
func intOrNil(v *int) any {
	if v == nil {
		return nil
	}
	return int64(*v)
}

// Canonical returns in with its bias rules ordered by metric and its
// stages sorted without repeats, so equal policies compare equal.
// (internal/governance decides what a valid policy is.)
func (in PolicyInput) Canonical() PolicyInput {
	in.BiasRules = slices.Clone(in.BiasRules)
	slices.SortStableFunc(in.BiasRules, func(a, b BiasRule) int { return cmp.Compare(a.Metric, b.Metric) })
	in.Stages = slices.Compact(slices.Sorted(slices.Values(in.Stages)))
	in.GovernedAliases = slices.Compact(slices.Sorted(slices.Values(in.GovernedAliases)))
	in.RequiredGroups = slices.Clone(in.RequiredGroups)
	slices.SortStableFunc(in.RequiredGroups, func(a, b GroupRequirement) int { return cmp.Compare(a.Group, b.Group) })
	return in
}

func (in PolicyInput) equal(o PolicyInput) bool {
	return in.RequiredApprovals == o.RequiredApprovals && in.ApproverRole == o.ApproverRole &&
		in.RequireUpstreamValidationsPassed == o.RequireUpstreamValidationsPassed && in.AllowWarnedValidations == o.AllowWarnedValidations &&
		slices.Equal(in.BiasRules, o.BiasRules) && in.RequireReproducible == o.RequireReproducible &&
		in.RequireReproduced == o.RequireReproduced && in.SeparationOfDuties == o.SeparationOfDuties && slices.Equal(in.Stages, o.Stages) &&
		slices.Equal(in.GovernedAliases, o.GovernedAliases) && slices.Equal(in.RequiredGroups, o.RequiredGroups) &&
		(in.ApprovalsValidFor == nil) == (o.ApprovalsValidFor == nil) && (in.ApprovalsValidFor == nil || *in.ApprovalsValidFor == *o.ApprovalsValidFor)
}

// currentPolicy is the statement that returns a project's latest policy.
const currentPolicy = `
	MATCH (:Project {key: $projectKey})-[:HAS_POLICY]->(pol:Policy)
	RETURN pol{.*} AS pol ORDER BY pol.version DESC LIMIT 1`

// SetPolicy makes in the project's policy: a new version when it differs
// from the current one (changed reports which). Open promotion requests
// stay held to the version they were made under. in is a valid policy
// (see governance.CheckPolicy).
func (s *Store) SetPolicy(ctx context.Context, actor, projectKey string, in PolicyInput) (*Policy, bool, error) {
	in = in.Canonical()
	rules, err := json.Marshal(in.BiasRules)
	if err != nil {
		return nil, false, err
	}
	groups, err := encodeGroups(in.RequiredGroups)
	if err != nil {
		return nil, false, err
	}
	type result struct {
		p       *Policy
		changed bool
	}
	r, err := write(ctx, s, func(tx *txn) (result, error) {
		rec, err := tx.single(`MATCH (p:Project {key: $projectKey}) `+lockClause("p")+` RETURN p.key AS key`, map[string]any{"projectKey": projectKey})
		if err != nil {
			return result{}, err
		}
		if rec == nil {
			return result{}, notFound(KindProject, projectKey)
		}
		rec, err = tx.single(currentPolicy, map[string]any{"projectKey": projectKey})
		if err != nil {
			return result{}, err
		}
		version := int64(0)
		if rec != nil {
			cur, err := recDecode(rec, "pol", decodePolicy)
			if err != nil {
				return result{}, err
			}
			// Compare in canonical form: version 0 and older versions
			// may list rules and stages in another order.
			if cur.PolicyInput.Canonical().equal(in) {
				return result{cur, false}, nil
			}
			version = cur.Version
		}
		stages := make([]string, len(in.Stages))
		for i, st := range in.Stages {
			stages[i] = string(st)
		}
		rec, err = tx.single(`
			MATCH (p:Project {key: $projectKey})
			CREATE (p)-[:HAS_POLICY]->(pol:Policy:Node {id: $id, projectKey: $projectKey, version: $version,
			        requiredApprovals: $requiredApprovals, approverRole: $approverRole,
			        requireUpstreamValidationsPassed: $upstream, allowWarnedValidations: $warned, biasRules: $rules,
			        requireReproducible: $reproducible, requireReproduced: $reproduced, separationOfDuties: $sod,
			        stages: $stages, governedAliases: $governedAliases, requiredGroups: $requiredGroups,
			        approvalsValidFor: $approvalsValidFor, createdAt: $now, createdBy: $actor})
			RETURN pol{.*} AS pol`,
			map[string]any{"projectKey": projectKey, "id": newID(KindPolicy), "version": version + 1, "requiredApprovals": in.RequiredApprovals,
				"approverRole": in.ApproverRole, "upstream": in.RequireUpstreamValidationsPassed, "warned": in.AllowWarnedValidations,
				"rules": string(rules), "reproducible": in.RequireReproducible, "reproduced": in.RequireReproduced,
				"sod": in.SeparationOfDuties, "stages": stages, "governedAliases": nonNil(in.GovernedAliases),
				"requiredGroups": groups, "approvalsValidFor": intOrNil(in.ApprovalsValidFor), "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return result{}, err
		}
		pol, err := recDecode(rec, "pol", decodePolicy)
		if err != nil {
			return result{}, err
		}
		return result{pol, true}, s.appendEvents(tx, actor, eventDraft{EventPolicySet, projectKey, pol.ID,
			map[string]any{"version": pol.Version, "requiredApprovals": pol.RequiredApprovals}})
	})
	return r.p, r.changed, err
}

// PolicyOf returns a project's policy: the current one, or version when
// it is not nil. errs.NotFound when the project or the version does not
// exist.
func (s *Store) PolicyOf(ctx context.Context, projectKey string, version *int64) (*Policy, error) {
	return read(ctx, s, func(tx *txn) (*Policy, error) {
		rec, err := tx.single(`
			MATCH (:Project {key: $projectKey})-[:HAS_POLICY]->(pol:Policy)
			WHERE $version IS NULL OR pol.version = $version
			RETURN pol{.*} AS pol ORDER BY pol.version DESC LIMIT 1`, map[string]any{"projectKey": projectKey, "version": derefOrNil(version)})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			if version != nil {
				return nil, fmt.Errorf("policy version %d of project %s: %w", *version, errs.Quote(projectKey), errs.NotFound)
			}
			return nil, notFound(KindProject, projectKey)
		}
		return recDecode(rec, "pol", decodePolicy)
	})
}

// PoliciesByIDs returns policies by ID.
func (s *Store) PoliciesByIDs(ctx context.Context, ids []string) (map[string]*Policy, error) {
	return byIDs(ctx, s, KindPolicy, ids, decodePolicy, func(v *Policy) string { return v.ID })
}
