package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// PromotionStatus is where a promotion request is.
type PromotionStatus string

// Promotion statuses. PENDING and BLOCKED are open.
const (
	PromotionPending   PromotionStatus = "PENDING"
	PromotionBlocked   PromotionStatus = "BLOCKED"
	PromotionApproved  PromotionStatus = "APPROVED"
	PromotionRejected  PromotionStatus = "REJECTED"
	PromotionCancelled PromotionStatus = "CANCELLED"
)

// Open reports whether a request in st can still be decided.
func (st PromotionStatus) Open() bool { return st == PromotionPending || st == PromotionBlocked }

// Decision is an approver's answer.
type Decision string

// Decisions.
const (
	DecisionApproved Decision = "APPROVED"
	DecisionRejected Decision = "REJECTED"
)

// Approval is one approver's decision on a request.
type Approval struct {
	Actor    string
	Decision Decision
	Comment  string
	At       time.Time
	// Groups are the approver's token groups when they decided.
	Groups []string
	// Presented is what the approver's token said when the hub last saw
	// one about the request's project (see RecordPresented), read with
	// the request; nil when unknown.
	Presented *Presented
	// The standing of the approval (see Rules.Tally): stored when the
	// approvals completed the request (Settled), else filled in for
	// display.
	Settled          bool
	Counted, Expired bool
	NotCountedReason *string
	CountedForGroup  *string
}

// Presented is what a subject's token said when the hub last saw one.
type Presented struct {
	// Grants are "PROJECT=ROLE" (role names as in tokens), sorted.
	Grants []string
	// Groups are the token's groups, sorted.
	Groups []string
	// At is when the hub first saw these grants and groups.
	At time.Time
}

// ApprovalStanding is whether one decision counts toward completing its
// request, and why not.
type ApprovalStanding struct {
	Counted bool
	// Expired: the approval is older than the policy lets approvals count.
	Expired bool
	// Reason says why an APPROVED decision does not count; "" when it does.
	Reason string
	// Group is the required group the approval fills; "" for none.
	Group string
}

// ApprovalTally is where a request's approvals stand now.
type ApprovalTally struct {
	// Standings are per approval, in the request's order.
	Standings []ApprovalStanding
	// Counted is the number of approvals that count.
	Counted int
	// MissingGroups are the group approvals still needed.
	MissingGroups []GroupRequirement
	// Complete reports whether the approvals complete the request.
	Complete bool
	// Outstanding says what is still needed; "" when complete.
	Outstanding string
}

// MaxCommentLen bounds justifications and comments.
const MaxCommentLen = 4_000

// PromotionRequest asks for a model version to move to a stage.
type PromotionRequest struct {
	ID             string
	ProjectKey     string
	ModelVersionID string
	ModelID        string
	FromStage      ModelStage
	TargetStage    ModelStage
	// Alias is a governed alias the request moves to its version when it
	// is carried out (asked for through MLflow's set-alias); "" for none.
	Alias         string
	Status        PromotionStatus
	Justification string
	RequestedBy   string
	RequestedAt   time.Time
	// TrainedBy started the training run; TrainingRunID is that run.
	// Both are empty when no run is recorded as the version's producer.
	TrainedBy, TrainingRunID string
	// ProducedBy are whoever started the runs that produced the version,
	// as stored now (a producer linked after the request was made too).
	ProducedBy    []string
	PolicyID      string
	PolicyVersion int64
	// RequiredApprovals, ApproverRole and SeparationOfDuties are copied
	// from the policy version at request time.
	RequiredApprovals  int
	ApproverRole       string
	SeparationOfDuties bool
	// RequiredGroups and ApprovalsValidFor are copied from the policy
	// version at request time too (requests made before they existed
	// have none).
	RequiredGroups    []GroupRequirement
	ApprovalsValidFor *int
	Checks            []PolicyCheck
	CheckedAt         time.Time
	// Approvals in decision order.
	Approvals []Approval
	ClosedAt  *time.Time
}

// GovernedAlias is the alias the request moves to its version when it is
// carried out; nil when it carries none.
func (r *PromotionRequest) GovernedAlias() *string {
	if r.Alias == "" {
		return nil
	}
	return &r.Alias
}

// ApprovalCount is the number of APPROVED decisions.
func (r *PromotionRequest) ApprovalCount() int {
	n := 0
	for _, a := range r.Approvals {
		if a.Decision == DecisionApproved {
			n++
		}
	}
	return n
}

// Decided reports whether actor already decided on r.
func (r *PromotionRequest) Decided(actor string) bool {
	return slices.ContainsFunc(r.Approvals, func(a Approval) bool { return a.Actor == actor })
}

func decodePromotionRequest(m map[string]any) (*PromotionRequest, error) {
	p := props{m: m}
	r := &PromotionRequest{ID: p.str("id"), ProjectKey: p.str("projectKey"), ModelVersionID: p.str("modelVersionId"), ModelID: p.str("modelId"),
		FromStage: ModelStage(p.str("fromStage")), TargetStage: ModelStage(p.str("targetStage")), Status: PromotionStatus(p.str("status")),
		Justification: p.str("justification"), RequestedBy: p.str("requestedBy"), RequestedAt: p.time("requestedAt"),
		PolicyID: p.str("policyId"), PolicyVersion: p.int("policyVersion"), RequiredApprovals: int(p.int("requiredApprovals")),
		ApproverRole: p.str("approverRole"), SeparationOfDuties: p.bool("separationOfDuties"), CheckedAt: p.time("checkedAt"),
		ClosedAt: p.optTime("closedAt")}
	var err error
	if r.RequiredGroups, err = decodeGroups(p.str("requiredGroups")); err != nil {
		return nil, fmt.Errorf("promotion request %s: %w", r.ID, err)
	}
	if v := p.optInt("approvalsValidFor"); v != nil {
		n := int(*v)
		r.ApprovalsValidFor = &n
	}
	if v := p.optStr("trainedBy"); v != nil {
		r.TrainedBy = *v
	}
	if v := p.optStr("trainingRunId"); v != nil {
		r.TrainingRunID = *v
	}
	if v := p.optStr("alias"); v != nil {
		r.Alias = *v
	}
	r.ProducedBy = p.strs("producedBy")
	if p.err == nil {
		if err := json.Unmarshal([]byte(p.str("checks")), &r.Checks); err != nil {
			return nil, fmt.Errorf("promotion request %s: stored checks are not JSON", r.ID)
		}
	}
	for _, a := range p.maps("approvals") {
		ap := props{m: a}
		a := Approval{Actor: ap.str("actor"), Decision: Decision(ap.str("decision")),
			Comment: ap.str("comment"), At: ap.time("at"), Groups: ap.strs("groups")}
		if a.Groups == nil {
			a.Groups = []string{}
		}
		if ap.m["counted"] != nil {
			a.Settled, a.Counted, a.Expired = true, ap.bool("counted"), ap.bool("expired")
			a.NotCountedReason, a.CountedForGroup = ap.optStr("notCountedReason"), ap.optStr("countedForGroup")
		}
		if pm, ok := a2map(ap.m["presented"]); ok {
			pp := props{m: pm}
			a.Presented = &Presented{Grants: pp.strs("grants"), Groups: pp.strs("groups"), At: pp.time("at")}
			if pp.err != nil {
				return nil, pp.err
			}
		}
		r.Approvals = append(r.Approvals, a)
		if ap.err != nil {
			return nil, ap.err
		}
	}
	slices.SortStableFunc(r.Approvals, func(a, b Approval) int { return a.At.Compare(b.At) })
	return r, p.err
}

// requestProjection returns a request with its approvals and whoever
// started the runs that produced its version.
// An approval carries what its approver's token said when the hub last
// saw one about the request's project (the :Principal of its subject and
// project).
const requestProjection = `r{.*, approvals: [(a:Approval)-[:DECIDES]->(r) | a{.*,
		presented: COLLECT { MATCH (pr:Principal {subject: a.actor, projectKey: r.projectKey}) RETURN pr{.grants, .groups, .at} }[0]}],
	producedBy: [(run:Run)-[:PRODUCED]->(:ModelVersion {id: r.modelVersionId}) | run.createdBy]}`

func init() {
	byIDQueries[KindPromotionRequest] = "UNWIND $ids AS id MATCH (r:PromotionRequest {id: id}) RETURN " + requestProjection + " AS n"
}

// PromotionRequestsByIDs returns promotion requests by ID.
func (s *Store) PromotionRequestsByIDs(ctx context.Context, ids []string) (map[string]*PromotionRequest, error) {
	return byIDs(ctx, s, KindPromotionRequest, ids, decodePromotionRequest, func(v *PromotionRequest) string { return v.ID })
}

// a2map reads a nested map property (nil: absent).
func a2map(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok && m != nil
}

// Now is the store's clock, which stamps approvals: the time rules that
// judge them (expiry) read it too.
func (s *Store) Now() time.Time { return s.now().UTC() }

// FailingChecks names the checks that did not pass.
func FailingChecks(checks []PolicyCheck) []string {
	out := []string{}
	for _, c := range checks {
		if c.Verdict != CheckPassed {
			out = append(out, string(c.Name))
		}
	}
	return out
}
