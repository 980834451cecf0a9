package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/exphub/exphub/internal/errs"
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
	Status         PromotionStatus
	Justification  string
	RequestedBy    string
	RequestedAt    time.Time
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

// RequestPromotionInput asks for a model version to move to a stage.
type RequestPromotionInput struct {
	ModelVersionID string
	TargetStage    ModelStage
	Justification  string
}

// RequestPromotion opens a request held to the project's current policy,
// with every check the policy asks for evaluated and stored: PENDING when
// they pass, BLOCKED when one fails. A version already in the target stage
// is errs.Invalid; a second open request for the same version is errs.Conflict.
func (s *Store) RequestPromotion(ctx context.Context, actor string, in RequestPromotionInput) (*PromotionRequest, error) {
	if err := checkID("modelVersionId", in.ModelVersionID, KindModelVersion); err != nil {
		return nil, err
	}
	if in.TargetStage != StageStaging && in.TargetStage != StageProduction {
		return nil, invalid("targetStage: a promotion targets STAGING or PRODUCTION, got %s", in.TargetStage)
	}
	if err := checkText("justification", in.Justification, MaxCommentLen, true); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*PromotionRequest, error) {
		// The version's lock serialises requests for it, so at most one
		// is open at a time.
		rec, err := tx.single(`
			MATCH (v:ModelVersion {id: $id}) `+lockClause("v")+`
			WITH v
			OPTIONAL MATCH (run:Run)-[:PRODUCED]->(v)
			WITH v, run ORDER BY run.id LIMIT 1
			OPTIONAL MATCH (open:PromotionRequest {modelVersionId: v.id, open: true})
			RETURN v{.*} AS v, run.id AS runId, run.createdBy AS trainedBy, run.projectKey AS trainingProject, open.id AS openId`, map[string]any{"id": in.ModelVersionID})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("modelVersionId: %w", notFound(KindModelVersion, in.ModelVersionID))
		}
		v, err := recDecode(rec, "v", decodeModelVersion)
		if err != nil {
			return nil, err
		}
		if openID, _ := rec.Get("openId"); openID != nil {
			return nil, conflict("model version %s already has an open promotion request %v; cancel it first", v.ID, openID)
		}
		if v.Stage == in.TargetStage {
			return nil, invalid("targetStage: model version %s is already in %s", v.ID, v.Stage)
		}
		prec, err := tx.single(currentPolicy, map[string]any{"projectKey": v.ProjectKey})
		if err != nil {
			return nil, err
		}
		if prec == nil {
			return nil, fmt.Errorf("project %q has no policy: %w", v.ProjectKey, errs.Unavailable)
		}
		pol, err := recDecode(prec, "pol", decodePolicy)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(pol.Stages, in.TargetStage) {
			return nil, invalid("targetStage: the policy (version %d) of project %q allows promotion to %v only", pol.Version, v.ProjectKey, pol.Stages)
		}
		runID, _ := rec.Get("runId")
		trainedBy, _ := rec.Get("trainedBy")
		req := &PromotionRequest{ID: newID(KindPromotionRequest), ProjectKey: v.ProjectKey, ModelVersionID: v.ID, ModelID: v.ModelID,
			FromStage: v.Stage, TargetStage: in.TargetStage, Justification: in.Justification, RequestedBy: actor, RequestedAt: s.now().UTC(),
			PolicyID: pol.ID, PolicyVersion: pol.Version, RequiredApprovals: pol.RequiredApprovals, ApproverRole: pol.ApproverRole,
			SeparationOfDuties: pol.SeparationOfDuties}
		req.TrainingRunID, _ = runID.(string)
		req.TrainedBy, _ = trainedBy.(string)
		trainingProject, _ := rec.Get("trainingProject")
		tp, _ := trainingProject.(string)
		if req.Checks, err = s.checks(tx, pol, req); err != nil {
			return nil, err
		}
		req.CheckedAt, req.Status = req.RequestedAt, s.rules.Status(req.Checks)
		checks, err := json.Marshal(req.Checks)
		if err != nil {
			return nil, err
		}
		_, err = tx.run(`
			MATCH (v:ModelVersion {id: $modelVersionId}), (pol:Policy {id: $policyId})
			CREATE (r:PromotionRequest:Node {id: $id, projectKey: $projectKey, modelVersionId: $modelVersionId, modelId: $modelId,
			        displayName: 'promote ' + v.displayName + ' to ' + $targetStage,
			        fromStage: $fromStage, targetStage: $targetStage, status: $status, open: true, justification: $justification,
			        requestedBy: $requestedBy, requestedAt: $requestedAt, trainedBy: $trainedBy, trainingRunId: $trainingRunId,
			        policyId: $policyId, policyVersion: $policyVersion, requiredApprovals: $requiredApprovals,
			        approverRole: $approverRole, separationOfDuties: $sod, checks: $checks, checkedAt: $requestedAt, createdAt: $requestedAt})
			CREATE (r)-[:PROMOTES]->(v)
			CREATE (r)-[:HELD_TO]->(pol)`,
			map[string]any{"id": req.ID, "projectKey": req.ProjectKey, "modelVersionId": req.ModelVersionID, "modelId": req.ModelID,
				"fromStage": string(req.FromStage), "targetStage": string(req.TargetStage), "status": string(req.Status),
				"justification": req.Justification, "requestedBy": actor, "requestedAt": req.RequestedAt, "trainedBy": nilIfEmpty(req.TrainedBy),
				"trainingRunId": nilIfEmpty(req.TrainingRunID), "policyId": pol.ID, "policyVersion": pol.Version,
				"requiredApprovals": pol.RequiredApprovals, "approverRole": pol.ApproverRole, "sod": pol.SeparationOfDuties, "checks": string(checks)})
		if err != nil {
			return nil, err
		}
		return req, s.appendEvents(tx, actor, eventDraft{EventPromotionRequested, req.ProjectKey, req.ID, map[string]any{
			"modelVersionId": req.ModelVersionID, "targetStage": string(req.TargetStage), "status": string(req.Status),
			"requestedBy": actor, "trainedBy": owned(req.TrainedBy, tp), "approverRole": req.ApproverRole, "separationOfDuties": req.SeparationOfDuties,
			"requiredApprovals": req.RequiredApprovals, "policyVersion": pol.Version, "failingChecks": FailingChecks(req.Checks)}})
	})
}

// lockRequest locks a request's model, then the request (every writer of
// requests takes them in this order), and returns the request as it is
// under the lock.
func lockRequest(tx *txn, id string) (*PromotionRequest, error) {
	rec, err := tx.single(`
		MATCH (r:PromotionRequest {id: $id})
		MATCH (m:Model {id: r.modelId}) `+lockClause("m")+`
		WITH r `+lockClause("r")+`
		RETURN `+requestProjection+` AS r`, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, notFound(KindPromotionRequest, id)
	}
	return recDecode(rec, "r", decodePromotionRequest)
}

// Decide records a decision of actor on a request. allow is the decision
// rule (governance.Decision for the caller): it sees the request as it is
// under the request's lock, with its approvals and producers, and a
// refusal writes nothing. The approval that completes the required count
// carries out the promotion when the checks, evaluated again under the
// lock, pass: concurrent approvals are serialised on the request's lock,
// so it happens exactly once. promoted reports whether this decision
// carried it out.
func (s *Store) Decide(ctx context.Context, actor, requestID string, decision Decision, comment string,
	allow func(*PromotionRequest) error) (req *PromotionRequest, promoted bool, err error) {
	if err := checkID("promotionRequestId", requestID, KindPromotionRequest); err != nil {
		return nil, false, err
	}
	if err := checkText("comment", comment, MaxCommentLen, decision == DecisionRejected); err != nil {
		return nil, false, err
	}
	type result struct {
		req      *PromotionRequest
		promoted bool
	}
	res, err := write(ctx, s, func(tx *txn) (result, error) {
		req, err := lockRequest(tx, requestID)
		if err != nil {
			return result{}, err
		}
		if err := allow(req); err != nil {
			return result{}, err
		}
		now := s.now().UTC()
		_, err = tx.run(`
			MATCH (r:PromotionRequest {id: $id})
			CREATE (:Approval {requestId: $id, actor: $actor, decision: $decision, comment: $comment, at: $now})-[:DECIDES]->(r)`,
			map[string]any{"id": req.ID, "actor": actor, "decision": string(decision), "comment": comment, "now": now})
		if err != nil {
			return result{}, err
		}
		req.Approvals = append(req.Approvals, Approval{Actor: actor, Decision: decision, Comment: comment, At: now})
		if decision == DecisionRejected {
			if err := closeRequest(tx, req, PromotionRejected, now); err != nil {
				return result{}, err
			}
			return result{req, false}, s.appendEvents(tx, actor, eventDraft{EventPromotionRejected, req.ProjectKey, req.ID,
				map[string]any{"modelVersionId": req.ModelVersionID, "status": string(req.Status), "comment": clip(comment)}})
		}
		drafts := []eventDraft{{EventPromotionApproved, req.ProjectKey, req.ID, map[string]any{"modelVersionId": req.ModelVersionID,
			"approvals": req.ApprovalCount(), "required": req.RequiredApprovals, "comment": clip(comment)}}}
		// Evidence changes keep the checks current; the approval that
		// completes the count evaluates them once more, under the lock.
		if req.ApprovalCount() < req.RequiredApprovals {
			return result{req, false}, s.appendEvents(tx, actor, drafts...)
		}
		more, promoted, err := s.settle(tx, req, now)
		if err != nil {
			return result{}, err
		}
		return result{req, promoted}, s.appendEvents(tx, actor, append(drafts, more...)...)
	})
	return res.req, res.promoted, err
}

// clip shortens a comment for an event payload; the full text stays on
// the approval.
func clip(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

// settle evaluates a locked open request's checks again and, when they
// changed, stores them with a PROMOTION_CHECKS_CHANGED event; when they
// pass and the approvals are complete it carries out the promotion. It
// returns the events that record what changed.
func (s *Store) settle(tx *txn, req *PromotionRequest, now time.Time) ([]eventDraft, bool, error) {
	prec, err := tx.single(`MATCH (pol:Policy {id: $id}) RETURN pol{.*} AS pol`, map[string]any{"id": req.PolicyID})
	if err != nil {
		return nil, false, err
	}
	if prec == nil {
		return nil, false, fmt.Errorf("promotion request %s: its policy %s is missing", req.ID, req.PolicyID)
	}
	pol, err := recDecode(prec, "pol", decodePolicy)
	if err != nil {
		return nil, false, err
	}
	before, err := json.Marshal(req.Checks)
	if err != nil {
		return nil, false, err
	}
	if req.Checks, err = s.checks(tx, pol, req); err != nil {
		return nil, false, err
	}
	from := req.Status
	req.Status = s.rules.Status(req.Checks)
	checks, err := json.Marshal(req.Checks)
	if err != nil {
		return nil, false, err
	}
	var drafts []eventDraft
	if string(checks) != string(before) || req.Status != from {
		req.CheckedAt = now
		if _, err := tx.run(`MATCH (r:PromotionRequest {id: $id}) SET r.checks = $checks, r.checkedAt = $now, r.status = $status`,
			map[string]any{"id": req.ID, "checks": string(checks), "now": now, "status": string(req.Status)}); err != nil {
			return nil, false, err
		}
		drafts = append(drafts, eventDraft{EventPromotionChecksChanged, req.ProjectKey, req.ID,
			map[string]any{"from": string(from), "status": string(req.Status), "failingChecks": FailingChecks(req.Checks)}})
	}
	if req.Status != PromotionPending || req.ApprovalCount() < req.RequiredApprovals {
		return drafts, false, nil
	}
	more, err := promote(tx, req, now)
	return append(drafts, more...), err == nil, err
}

// promote carries out an approved request whose model is locked: the
// version moves to the target stage, a previous PRODUCTION version of the
// model is archived, and the request closes APPROVED.
func promote(tx *txn, req *PromotionRequest, now time.Time) ([]eventDraft, error) {
	recs, err := tx.run(`
		MATCH (v:ModelVersion {id: $id})
		OPTIONAL MATCH (:Model {id: v.modelId})-[:HAS_VERSION]->(prev:ModelVersion {stage: 'PRODUCTION'})
		WHERE $target = 'PRODUCTION' AND prev.id <> v.id
		SET prev.stage = 'ARCHIVED', prev.stageChangedAt = $now
		WITH v, v.stage AS from, collect(prev.id) AS archived
		SET v.stage = $target, v.stageChangedAt = $now
		RETURN from, archived`, map[string]any{"id": req.ModelVersionID, "target": string(req.TargetStage), "now": now})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, notFound(KindModelVersion, req.ModelVersionID)
	}
	from, err := recStr(recs[0], "from")
	if err != nil {
		return nil, err
	}
	archivedAny, _ := recs[0].Get("archived")
	archived, _ := archivedAny.([]any)
	var drafts []eventDraft
	for _, id := range archived {
		drafts = append(drafts, eventDraft{EventModelStageChanged, req.ProjectKey, fmt.Sprint(id),
			map[string]any{"from": string(StageProduction), "stage": string(StageArchived), "promotionRequestId": req.ID}})
	}
	drafts = append(drafts, eventDraft{EventModelStageChanged, req.ProjectKey, req.ModelVersionID,
		map[string]any{"from": from, "stage": string(req.TargetStage), "promotionRequestId": req.ID}})
	if err := closeRequest(tx, req, PromotionApproved, now); err != nil {
		return nil, err
	}
	archivedIDs := make([]string, len(archived))
	for i, id := range archived {
		archivedIDs[i] = fmt.Sprint(id)
	}
	return append(drafts, eventDraft{EventPromotionCompleted, req.ProjectKey, req.ID, map[string]any{"modelVersionId": req.ModelVersionID,
		"stage": string(req.TargetStage), "approvals": req.ApprovalCount(), "archived": archivedIDs}}), nil
}

func closeRequest(tx *txn, req *PromotionRequest, status PromotionStatus, now time.Time) error {
	req.Status, req.ClosedAt = status, &now
	_, err := tx.run(`MATCH (r:PromotionRequest {id: $id}) SET r.status = $status, r.open = false, r.closedAt = $now`,
		map[string]any{"id": req.ID, "status": string(status), "now": now})
	return err
}

// CancelPromotion withdraws a request; allow is the rule of who may
// (governance.Cancellation for the caller), applied under the lock.
func (s *Store) CancelPromotion(ctx context.Context, actor, requestID string, allow func(*PromotionRequest) error) (*PromotionRequest, error) {
	if err := checkID("promotionRequestId", requestID, KindPromotionRequest); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*PromotionRequest, error) {
		req, err := lockRequest(tx, requestID)
		if err != nil {
			return nil, err
		}
		if err := allow(req); err != nil {
			return nil, err
		}
		if err := closeRequest(tx, req, PromotionCancelled, s.now().UTC()); err != nil {
			return nil, err
		}
		return req, s.appendEvents(tx, actor, eventDraft{EventPromotionCancelled, req.ProjectKey, req.ID,
			map[string]any{"modelVersionId": req.ModelVersionID, "status": string(req.Status)}})
	})
}

// ReevaluatePromotion evaluates a request's checks again now and, when
// they pass and the approvals are complete, carries it out; allow
// (governance.Reevaluation) decides under the lock whether it may be.
func (s *Store) ReevaluatePromotion(ctx context.Context, actor, requestID string, allow func(*PromotionRequest) error) (*PromotionRequest, bool, error) {
	if err := checkID("promotionRequestId", requestID, KindPromotionRequest); err != nil {
		return nil, false, err
	}
	type result struct {
		req      *PromotionRequest
		promoted bool
	}
	res, err := write(ctx, s, func(tx *txn) (result, error) {
		req, err := lockRequest(tx, requestID)
		if err != nil {
			return result{}, err
		}
		if err := allow(req); err != nil {
			return result{}, err
		}
		drafts, promoted, err := s.settle(tx, req, s.now().UTC())
		if err != nil {
			return result{}, err
		}
		if len(drafts) == 0 {
			return result{req, false}, nil
		}
		return result{req, promoted}, s.appendEvents(tx, actor, drafts...)
	})
	return res.req, res.promoted, err
}

// reevaluateOpen settles the open requests that match: those whose model
// version is downstream of a dataset version (datasetVersionId), those of
// a model version (modelVersionId), or those whose training run is runId.
// Called inside the transaction that changed the evidence, so a request
// never shows checks older than a committed change.
func (s *Store) reevaluateOpen(tx *txn, param string, id string) ([]eventDraft, error) {
	recs, err := tx.run(openRequestsBy[param], map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	var drafts []eventDraft
	for _, rec := range recs {
		rid, err := recStr(rec, "id")
		if err != nil {
			return nil, err
		}
		req, err := lockRequest(tx, rid)
		if err != nil {
			return nil, err
		}
		if !req.Status.Open() {
			continue
		}
		more, _, err := s.settle(tx, req, s.now().UTC())
		if err != nil {
			return nil, err
		}
		drafts = append(drafts, more...)
	}
	return drafts, nil
}

// openRequestsBy finds the open requests an evidence change may affect,
// one statement per kind of evidence.
var openRequestsBy = map[string]string{
	// Each open request walks upstream from its model version, visiting
	// each node once (the aggregation keeps the planner from binding the
	// dataset version first and enumerating every path between the two).
	"datasetVersionId": `
		MATCH (r:PromotionRequest {open: true})
		CALL {
		  WITH r
		  MATCH (dv:DatasetVersion)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..` + upstreamDepthText + `]->(:ModelVersion {id: r.modelVersionId})
		  RETURN collect(DISTINCT dv.id) AS upstream
		}
		WITH r, upstream WHERE $id IN upstream
		RETURN r.id AS id ORDER BY r.id`,
	"modelVersionId": `MATCH (r:PromotionRequest {open: true, modelVersionId: $id}) RETURN r.id AS id ORDER BY r.id`,
	"runId":          `MATCH (r:PromotionRequest {open: true, trainingRunId: $id}) RETURN r.id AS id ORDER BY r.id`,
}

// ReevaluationQuery is the statement that finds the open requests a
// validation of dataset version $id may affect, for a benchmark that times
// and profiles it on its own.
func ReevaluationQuery() string { return openRequestsBy["datasetVersionId"] }

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

// PromotionFilter selects promotion requests.
type PromotionFilter struct {
	// Scope is the projects the caller may read.
	Scope          Scope
	ProjectKey     string
	ModelVersionID string
	Statuses       []PromotionStatus
	// OpenOnly keeps the open requests.
	OpenOnly bool
}

const promotionWhere = `
	($allProjects OR r.projectKey IN $projectKeys)
	AND ($project IS NULL OR r.projectKey = $project)
	AND ($modelVersionId IS NULL OR r.modelVersionId = $modelVersionId)
	AND ($statuses IS NULL OR r.status IN $statuses)
	AND (NOT $openOnly OR r.open)`

func (f PromotionFilter) params() map[string]any {
	params := f.Scope.params()
	params["project"], params["modelVersionId"], params["openOnly"] = nilIfEmpty(f.ProjectKey), nilIfEmpty(f.ModelVersionID), f.OpenOnly
	params["statuses"] = nil
	if f.Statuses != nil {
		st := make([]string, len(f.Statuses))
		for i, v := range f.Statuses {
			st[i] = string(v)
		}
		params["statuses"] = st
	}
	return params
}

// PromotionRequests lists promotion requests, newest first.
func (s *Store) PromotionRequests(ctx context.Context, f PromotionFilter, page Page) (Conn[*PromotionRequest], error) {
	return listPage(ctx, s, "promotionRequests", page, `
			CALL { MATCH (r:PromotionRequest) WHERE `+promotionWhere+` RETURN count(r) AS total }
			CALL {
			  MATCH (r:PromotionRequest) WHERE `+promotionWhere+` AND ($after IS NULL OR r.id < $after)
			  WITH r ORDER BY r.id DESC LIMIT $limit
			  RETURN collect(`+requestProjection+`) AS items
			}
			RETURN total, items`,
		f.params(), afterID, decodePromotionRequest, promotionKey)
}

func promotionKey(v *PromotionRequest) (any, string) { return nil, v.ID }

// MaxOpenPromotionRequests bounds AllPromotionRequests: open requests are
// few (one per model version at most), so a caller's decidable ones are
// filtered in memory.
const MaxOpenPromotionRequests = 10_000

// AllPromotionRequests returns every request that passes f, newest first,
// up to MaxOpenPromotionRequests; PagePromotionRequests pages a filtered
// selection of them like PromotionRequests pages its own.
func (s *Store) AllPromotionRequests(ctx context.Context, f PromotionFilter) ([]*PromotionRequest, error) {
	params := f.params()
	params["limit"] = MaxOpenPromotionRequests
	return read(ctx, s, func(tx *txn) ([]*PromotionRequest, error) {
		recs, err := tx.run(`MATCH (r:PromotionRequest) WHERE `+promotionWhere+`
			WITH r ORDER BY r.id DESC LIMIT $limit
			RETURN `+requestProjection+` AS r`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "r", decodePromotionRequest)
	})
}

// PagePromotionRequests returns one page of items (newest first, as
// AllPromotionRequests returns them) with the cursors of PromotionRequests.
func PagePromotionRequests(items []*PromotionRequest, page Page) (Conn[*PromotionRequest], error) {
	return pageInMemory("promotionRequests", items, page, promotionKey)
}

// OpenPromotionRequestsOf returns the IDs of the open requests of model
// versions, newest first.
func (s *Store) OpenPromotionRequestsOf(ctx context.Context, modelVersionIDs []string) ([]string, error) {
	return read(ctx, s, func(tx *txn) ([]string, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (r:PromotionRequest {modelVersionId: id, open: true})
			RETURN r.id AS id ORDER BY r.id DESC`, map[string]any{"ids": modelVersionIDs})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(recs))
		for _, rec := range recs {
			id, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, nil
	})
}
