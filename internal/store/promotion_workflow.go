package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// RequestPromotionInput asks for a model version to move to a stage.
type RequestPromotionInput struct {
	ModelVersionID string
	TargetStage    ModelStage
	Justification  string
	// Alias, when set, is a governed alias (checked by the caller) that
	// moves to the version when the promotion is carried out.
	Alias string
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
	if err := checkText("alias", in.Alias, MaxNameLen, false); err != nil {
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
			FromStage: v.Stage, TargetStage: in.TargetStage, Alias: in.Alias, Justification: in.Justification, RequestedBy: actor, RequestedAt: s.now().UTC(),
			PolicyID: pol.ID, PolicyVersion: pol.Version, RequiredApprovals: pol.RequiredApprovals, ApproverRole: pol.ApproverRole,
			SeparationOfDuties: pol.SeparationOfDuties, RequiredGroups: pol.RequiredGroups, ApprovalsValidFor: pol.ApprovalsValidFor}
		groups, err := encodeGroups(pol.RequiredGroups)
		if err != nil {
			return nil, err
		}
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
			        fromStage: $fromStage, targetStage: $targetStage, alias: $alias, status: $status, open: true, justification: $justification,
			        requestedBy: $requestedBy, requestedAt: $requestedAt, trainedBy: $trainedBy, trainingRunId: $trainingRunId,
			        policyId: $policyId, policyVersion: $policyVersion, requiredApprovals: $requiredApprovals,
			        approverRole: $approverRole, separationOfDuties: $sod, requiredGroups: $requiredGroups, approvalsValidFor: $approvalsValidFor,
			        checks: $checks, checkedAt: $requestedAt, createdAt: $requestedAt})
			CREATE (r)-[:PROMOTES]->(v)
			CREATE (r)-[:HELD_TO]->(pol)`,
			map[string]any{"id": req.ID, "projectKey": req.ProjectKey, "modelVersionId": req.ModelVersionID, "modelId": req.ModelID,
				"fromStage": string(req.FromStage), "targetStage": string(req.TargetStage), "alias": nilIfEmpty(req.Alias), "status": string(req.Status),
				"justification": req.Justification, "requestedBy": actor, "requestedAt": req.RequestedAt, "trainedBy": nilIfEmpty(req.TrainedBy),
				"trainingRunId": nilIfEmpty(req.TrainingRunID), "policyId": pol.ID, "policyVersion": pol.Version,
				"requiredApprovals": pol.RequiredApprovals, "approverRole": pol.ApproverRole, "sod": pol.SeparationOfDuties, "checks": string(checks),
				"requiredGroups": groups, "approvalsValidFor": intOrNil(pol.ApprovalsValidFor)})
		if err != nil {
			return nil, err
		}
		payload := map[string]any{
			"modelVersionId": req.ModelVersionID, "targetStage": string(req.TargetStage), "status": string(req.Status),
			"requestedBy": actor, "trainedBy": owned(req.TrainedBy, tp), "approverRole": req.ApproverRole, "separationOfDuties": req.SeparationOfDuties,
			"requiredApprovals": req.RequiredApprovals, "policyVersion": pol.Version, "failingChecks": FailingChecks(req.Checks)}
		if len(req.RequiredGroups) > 0 {
			payload["requiredGroups"] = groups
		}
		if req.Alias != "" {
			payload["alias"] = req.Alias
		}
		return req, s.appendEvents(tx, actor, eventDraft{EventPromotionRequested, req.ProjectKey, req.ID, payload})
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

// Decide records a decision of actor, a member of groups, on a request,
// and what the actor's token grants in the request's project (grants,
// see RecordPresented) in the same transaction. allow is the decision
// rule (governance.Decision for the caller): it sees the request as it is
// under the request's lock, with its approvals and producers, and a
// refusal writes nothing. The approval that completes the required count
// carries out the promotion when the checks, evaluated again under the
// lock, pass: concurrent approvals are serialised on the request's lock,
// so it happens exactly once. promoted reports whether this decision
// carried it out.
func (s *Store) Decide(ctx context.Context, actor string, grants, groups []string, requestID string, decision Decision, comment string,
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
		if err := s.recordPresented(tx, actor, req.ProjectKey, grants, groups); err != nil {
			return result{}, err
		}
		now := s.now().UTC()
		_, err = tx.run(`
			MATCH (r:PromotionRequest {id: $id})
			CREATE (:Approval {requestId: $id, actor: $actor, decision: $decision, comment: $comment, at: $now, groups: $groups})-[:DECIDES]->(r)`,
			map[string]any{"id": req.ID, "actor": actor, "decision": string(decision), "comment": comment, "now": now, "groups": nonNil(groups)})
		if err != nil {
			return result{}, err
		}
		req.Approvals = append(req.Approvals, Approval{Actor: actor, Decision: decision, Comment: comment, At: now, Groups: nonNil(groups)})
		if decision == DecisionRejected {
			if err := closeRequest(tx, req, PromotionRejected, now); err != nil {
				return result{}, err
			}
			return result{req, false}, s.appendEvents(tx, actor, eventDraft{EventPromotionRejected, req.ProjectKey, req.ID,
				map[string]any{"modelVersionId": req.ModelVersionID, "status": string(req.Status), "comment": clip(comment)}})
		}
		tally := s.tally(req, now)
		payload := map[string]any{"modelVersionId": req.ModelVersionID,
			"approvals": req.ApprovalCount(), "required": req.RequiredApprovals, "comment": clip(comment)}
		if len(groups) > 0 {
			payload["groups"] = groups
		}
		if tally.Counted != req.ApprovalCount() || len(req.RequiredGroups) > 0 {
			payload["counted"] = tally.Counted
			if tally.Outstanding != "" {
				payload["outstanding"] = tally.Outstanding
			}
		}
		drafts := []eventDraft{{EventPromotionApproved, req.ProjectKey, req.ID, payload}}
		// Evidence changes keep the checks current; the approval that
		// completes the approvals evaluates them once more, under the lock.
		if !tally.Complete {
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
	tally := s.tally(req, now)
	if req.Status != PromotionPending || !tally.Complete {
		return drafts, false, nil
	}
	if err := settleApprovals(tx, req, tally); err != nil {
		return nil, false, err
	}
	more, err := promote(tx, req, now)
	return append(drafts, more...), err == nil, err
}

// settleApprovals stores on each approval of a request its approvals
// complete where it stood then, which later tokens and the passing of
// time no longer change.
func settleApprovals(tx *txn, req *PromotionRequest, t ApprovalTally) error {
	rows := make([]map[string]any, 0, len(req.Approvals))
	for i, a := range req.Approvals {
		if i >= len(t.Standings) {
			break
		}
		st := t.Standings[i]
		rows = append(rows, map[string]any{"actor": a.Actor, "counted": st.Counted, "expired": st.Expired,
			"reason": nilIfEmpty(st.Reason), "group": nilIfEmpty(st.Group)})
		req.Approvals[i].Settled, req.Approvals[i].Counted, req.Approvals[i].Expired = true, st.Counted, st.Expired
		req.Approvals[i].NotCountedReason, req.Approvals[i].CountedForGroup = optString(st.Reason), optString(st.Group)
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.run(`
		UNWIND $rows AS row
		MATCH (a:Approval {requestId: $id, actor: row.actor})
		SET a.counted = row.counted, a.expired = row.expired, a.notCountedReason = row.reason, a.countedForGroup = row.group`,
		map[string]any{"id": req.ID, "rows": rows})
	return err
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
	if req.Alias != "" && req.Alias != ProductionAlias {
		// The governed alias the request asked for follows the version in
		// the same transaction (the model is locked).
		if err := moveAlias(tx, req.ModelVersionID, req.Alias, now); err != nil {
			return nil, err
		}
		drafts = append(drafts, eventDraft{EventModelAliasChanged, req.ProjectKey, req.ModelVersionID,
			map[string]any{"modelId": req.ModelID, "alias": req.Alias, "set": true, "promotionRequestId": req.ID}})
	}
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
