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
	Checks             []PolicyCheck
	CheckedAt          time.Time
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
		r.Approvals = append(r.Approvals, Approval{Actor: ap.str("actor"), Decision: Decision(ap.str("decision")),
			Comment: ap.str("comment"), At: ap.time("at")})
		if ap.err != nil {
			return nil, ap.err
		}
	}
	slices.SortStableFunc(r.Approvals, func(a, b Approval) int { return a.At.Compare(b.At) })
	return r, p.err
}

// requestProjection returns a request with its approvals and whoever
// started the runs that produced its version.
const requestProjection = `r{.*, approvals: [(a:Approval)-[:DECIDES]->(r) | a{.*}],
	producedBy: [(run:Run)-[:PRODUCED]->(:ModelVersion {id: r.modelVersionId}) | run.createdBy]}`

func init() {
	byIDQueries[KindPromotionRequest] = "UNWIND $ids AS id MATCH (r:PromotionRequest {id: id}) RETURN " + requestProjection + " AS n"
}

// PromotionRequestsByIDs returns promotion requests by ID.
func (s *Store) PromotionRequestsByIDs(ctx context.Context, ids []string) (map[string]*PromotionRequest, error) {
	return byIDs(ctx, s, KindPromotionRequest, ids, decodePromotionRequest, func(v *PromotionRequest) string { return v.ID })
}

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
