package resolvers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
)

// DataSource opens the data of a dataset version the way validations read
// it: under the server's file roots, with the registered digest checked.
type DataSource interface {
	Source(ctx context.Context, datasetVersionID string) (quality.Source, error)
}

// BiasCheckTimeout bounds how long runBiasCheck reads its data.
const BiasCheckTimeout = 5 * time.Minute

// approverRole is the auth role a policy's approver role names.
func approverRole(s string) auth.Role {
	if s == store.ApproverRoleAdmin {
		return auth.RoleAdmin
	}
	return auth.RoleApprover
}

// promotionFor loads a promotion request the caller may read and checks
// it holds min in its project.
func (r *Resolver) promotionFor(ctx context.Context, id string, min auth.Role) (*store.PromotionRequest, error) {
	return loadReadable(ctx, "promotionRequestId", id, store.KindPromotionRequest, loadersFor(ctx, r.Store).promotion.Load,
		func(v *store.PromotionRequest) string { return v.ProjectKey }, min)
}

// modelVersionFor is promotionFor for a model version.
func (r *Resolver) modelVersionFor(ctx context.Context, id string, min auth.Role) (*store.ModelVersion, error) {
	return loadReadable(ctx, "modelVersionId", id, store.KindModelVersion, loadersFor(ctx, r.Store).modelVersion.Load,
		func(v *store.ModelVersion) string { return v.ProjectKey }, min)
}

// canDecide says why the caller may not decide req now, or "" when it may.
func canDecide(p *auth.Principal, req *store.PromotionRequest) string {
	role := approverRole(req.ApproverRole)
	switch {
	case !req.Status.Open():
		return fmt.Sprintf("promotion request %s is closed (%s)", req.ID, req.Status)
	case !p.Can(req.ProjectKey, role):
		return fmt.Sprintf("deciding promotion requests in project %s needs the %s role", errs.Quote(req.ProjectKey), role)
	case req.Decided(p.Subject):
		return fmt.Sprintf("%s already decided on promotion request %s", p.Subject, req.ID)
	}
	return req.Conflicted(p.Subject)
}

func (r *Resolver) setPolicy(ctx context.Context, in model.SetPolicyInput) (*model.SetPolicyPayload, error) {
	if _, err := require(ctx, in.ProjectKey, auth.RoleAdmin); err != nil {
		return nil, err
	}
	pi := store.PolicyInput{RequiredApprovals: in.RequiredApprovals, ApproverRole: string(in.ApproverRole),
		RequireUpstreamValidationsPassed: in.RequireUpstreamValidationsPassed, AllowWarnedValidations: in.AllowWarnedValidations,
		RequireReproducible: in.RequireReproducible, RequireReproduced: in.RequireReproduced, SeparationOfDuties: in.SeparationOfDuties,
		Stages: in.Stages, BiasRules: make([]store.BiasRule, len(in.BiasRules))}
	for i, b := range in.BiasRules {
		pi.BiasRules[i] = store.BiasRule{Metric: b.Metric, Threshold: b.Threshold}
	}
	pol, changed, err := r.Store.SetPolicy(ctx, subject(ctx), in.ProjectKey, pi)
	if err != nil {
		return nil, err
	}
	return &model.SetPolicyPayload{Policy: pol, Changed: changed}, nil
}

func (r *Resolver) policy(ctx context.Context, projectKey string, version *int) (*store.Policy, error) {
	if !canRead(ctx, projectKey) {
		return nil, forbiddenRead(projectKey)
	}
	var v *int64
	if version != nil {
		if *version < 0 {
			return nil, fmt.Errorf("%w: version: must not be negative, got %d", errs.Invalid, *version)
		}
		n := int64(*version)
		v = &n
	}
	return r.Store.PolicyOf(ctx, projectKey, v)
}

func (r *Resolver) requestPromotion(ctx context.Context, in model.RequestPromotionInput) (*model.RequestPromotionPayload, error) {
	if _, err := r.modelVersionFor(ctx, in.ModelVersionID, auth.RoleContributor); err != nil {
		return nil, err
	}
	req, err := r.Store.RequestPromotion(ctx, subject(ctx), store.RequestPromotionInput{ModelVersionID: in.ModelVersionID,
		TargetStage: in.TargetStage, Justification: in.Justification})
	if err != nil {
		return nil, err
	}
	return &model.RequestPromotionPayload{PromotionRequest: req}, nil
}

// decide approves or rejects: the caller must read the request and hold
// its policy's approver role; the store checks the rest under the
// request's lock.
func (r *Resolver) decide(ctx context.Context, in model.DecidePromotionInput, d store.Decision) (*model.DecidePromotionPayload, error) {
	req, err := r.promotionFor(ctx, in.PromotionRequestID, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	if _, err := require(ctx, req.ProjectKey, approverRole(req.ApproverRole)); err != nil {
		return nil, err
	}
	req, promoted, err := r.Store.Decide(ctx, subject(ctx), req.ID, d, in.Comment)
	if err != nil {
		return nil, err
	}
	return &model.DecidePromotionPayload{PromotionRequest: req, Promoted: promoted}, nil
}

func (r *Resolver) cancelPromotion(ctx context.Context, id string) (*model.PromotionRequestPayload, error) {
	req, err := r.promotionFor(ctx, id, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	p, _ := principal(ctx)
	if req.RequestedBy != p.Subject && !p.Can(req.ProjectKey, auth.RoleAdmin) {
		return nil, fmt.Errorf("%w: only the requester (%s) or an admin may cancel promotion request %s", errs.Forbidden, req.RequestedBy, req.ID)
	}
	req, err = r.Store.CancelPromotion(ctx, p.Subject, req.ID)
	if err != nil {
		return nil, err
	}
	return &model.PromotionRequestPayload{PromotionRequest: req}, nil
}

func (r *Resolver) reevaluatePromotion(ctx context.Context, id string) (*model.DecidePromotionPayload, error) {
	req, err := r.promotionFor(ctx, id, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	req, promoted, err := r.Store.ReevaluatePromotion(ctx, subject(ctx), req.ID)
	if err != nil {
		return nil, err
	}
	return &model.DecidePromotionPayload{PromotionRequest: req, Promoted: promoted}, nil
}

func (r *Resolver) promotionRequests(ctx context.Context, projectKey *string, filter *model.PromotionRequestFilter, pg store.Page) (*model.PromotionRequestConnection, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	f := store.PromotionFilter{Scope: scope(ctx), ProjectKey: deref(projectKey)}
	if f.ProjectKey != "" && !canRead(ctx, f.ProjectKey) {
		return nil, forbiddenRead(f.ProjectKey)
	}
	if filter != nil {
		f.Statuses = filter.Statuses
		if filter.DecidableByViewer != nil && *filter.DecidableByViewer {
			f.DecidableBy, f.Approvers, f.Admins = p.Subject, approverScope(p), roleScope(p, auth.RoleAdmin)
		}
	}
	c, err := r.Store.PromotionRequests(ctx, f, pg)
	if err != nil {
		return nil, err
	}
	return promotionConnection(c), nil
}

// roleScope is the projects where the caller holds at least min.
func roleScope(p *auth.Principal, min auth.Role) store.Scope {
	if p.Can(auth.AllProjects, min) {
		return store.Scope{All: true}
	}
	return store.Scope{Keys: p.ProjectsWith(min)}
}

func promotionConnection(c store.Conn[*store.PromotionRequest]) *model.PromotionRequestConnection {
	return connection(c, func(cur string, n *store.PromotionRequest) *model.PromotionRequestEdge {
		return &model.PromotionRequestEdge{Cursor: cur, Node: n}
	}, func(e []*model.PromotionRequestEdge, pi *model.PageInfo, t int) *model.PromotionRequestConnection {
		return &model.PromotionRequestConnection{Edges: e, PageInfo: pi, TotalCount: t}
	})
}

func biasCheckConnection(c store.Conn[*store.BiasCheck]) *model.BiasCheckConnection {
	return connection(c, func(cur string, n *store.BiasCheck) *model.BiasCheckEdge {
		return &model.BiasCheckEdge{Cursor: cur, Node: n}
	}, func(e []*model.BiasCheckEdge, pi *model.PageInfo, t int) *model.BiasCheckConnection {
		return &model.BiasCheckConnection{Edges: e, PageInfo: pi, TotalCount: t}
	})
}

func (r *Resolver) runBiasCheck(ctx context.Context, in model.RunBiasCheckInput) (*model.RunBiasCheckPayload, error) {
	mv, err := r.modelVersionFor(ctx, in.ModelVersionID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	if _, err := r.versionFor(ctx, "datasetVersionId", in.DatasetVersionID, auth.RoleViewer); err != nil {
		return nil, err
	}
	if r.Data == nil {
		return nil, fmt.Errorf("%w: bias checks are not served here", errs.Unavailable)
	}
	spec := fairness.Spec{LabelColumn: in.LabelColumn, PredictionColumn: in.PredictionColumn, SensitiveColumns: in.SensitiveColumns,
		PositiveLabel: in.PositiveLabel, WeightColumn: deref(in.WeightColumn)}
	if in.MinGroupSize != nil {
		if *in.MinGroupSize < 1 {
			return nil, fmt.Errorf("%w: minGroupSize: must be at least 1, got %d", errs.Invalid, *in.MinGroupSize)
		}
		spec.MinGroupSize = *in.MinGroupSize
	}
	src, err := r.Data.Source(ctx, in.DatasetVersionID)
	if err != nil {
		// The data source's errors are written for the caller.
		return nil, fmt.Errorf("datasetVersionId: %w", err)
	}
	ectx, cancel := context.WithTimeout(ctx, BiasCheckTimeout)
	defer cancel()
	report, err := fairness.Evaluate(ectx, src, spec)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, err
	case ectx.Err() != nil:
		return nil, errs.Unavailablef("the bias check did not finish within %s", BiasCheckTimeout)
	case errors.Is(err, errs.Invalid), errors.Is(err, errs.Integrity):
		// What the data cannot answer, said for the caller.
		return nil, err
	default:
		return nil, errs.Hide(errs.Invalid, "datasetVersionId: reading the evaluation data failed", err)
	}
	b, err := r.Store.RecordBiasCheck(ctx, subject(ctx), store.RecordBiasCheckInput{ModelVersionID: mv.ID,
		DatasetVersionID: in.DatasetVersionID, Spec: spec, Report: report})
	if err != nil {
		return nil, err
	}
	return &model.RunBiasCheckPayload{BiasCheck: b}, nil
}

func (r *Resolver) recordReproduction(ctx context.Context, in model.RecordReproductionInput) (*model.RecordReproductionPayload, error) {
	orig, err := r.runFor(ctx, in.OriginalRunID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	if _, err := r.runFor(ctx, in.ReproductionRunID, auth.RoleViewer); err != nil {
		return nil, err
	}
	rep, err := r.Store.RecordReproduction(ctx, subject(ctx), store.RecordReproductionInput{OriginalRunID: orig.ID,
		ReproductionRunID: in.ReproductionRunID, Tolerance: in.Tolerance, RelativeTolerance: in.RelativeTolerance})
	if err != nil {
		return nil, err
	}
	return &model.RecordReproductionPayload{Reproduction: rep}, nil
}

func (r *Resolver) reproducibilityAudit(ctx context.Context, experimentID string) (*model.ReproducibilityAudit, error) {
	exp, err := r.experimentFor(ctx, "experimentId", experimentID)
	if err != nil {
		return nil, err
	}
	entries, err := r.Store.ReproducibilityAudit(ctx, exp.ID)
	if err != nil {
		return nil, err
	}
	out := &model.ReproducibilityAudit{Experiment: exp, Runs: make([]*model.RunReproducibilityEntry, len(entries)), TotalCount: len(entries)}
	for i, e := range entries {
		st := model.RunReproductionStatusNotAttempted
		if e.Latest != nil {
			st = model.RunReproductionStatus(e.Latest.Status)
		}
		out.Runs[i] = &model.RunReproducibilityEntry{Run: e.Run, Complete: e.Reproducibility.Complete, Missing: e.Reproducibility.Missing, Status: st}
		if e.Reproducibility.Complete {
			out.CompleteCount++
		}
		switch st {
		case model.RunReproductionStatusReproduced:
			out.ReproducedCount++
		case model.RunReproductionStatusDiverged:
			out.DivergedCount++
		}
	}
	return out, nil
}

// asJSON turns a document into the JSON scalar's value.
func asJSON(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

func (r *Resolver) reproduceSpec(ctx context.Context, runID string) (map[string]any, error) {
	run, err := r.runFor(ctx, runID, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	spec, err := r.Store.RunReproduceSpec(ctx, run.ID, scope(ctx))
	if err != nil {
		return nil, err
	}
	return asJSON(spec)
}

func (r *Resolver) verifyAuditLog(ctx context.Context, projectKey string) (*model.AuditVerification, error) {
	if _, err := require(ctx, projectKey, auth.RoleApprover); err != nil {
		return nil, err
	}
	v, err := r.Store.VerifyLog(ctx, projectKey)
	if err != nil {
		return nil, err
	}
	out := &model.AuditVerification{Ok: v.OK, Checked: v.Checked, ProjectEvents: v.ProjectEvents, HeadSeq: int(v.HeadSeq), HeadHash: v.HeadHash}
	if b := v.FirstBroken; b != nil {
		out.FirstBroken = &model.BrokenLink{Seq: int(b.Seq), Reason: b.Reason}
		if b.ProjectKey != "" && canRead(ctx, b.ProjectKey) {
			out.FirstBroken.ProjectKey = &b.ProjectKey
		}
	}
	return out, nil
}

func (r *Resolver) evidencePack(ctx context.Context, id string) (map[string]any, error) {
	req, err := r.promotionFor(ctx, id, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	if _, err := require(ctx, req.ProjectKey, auth.RoleApprover); err != nil {
		return nil, err
	}
	pack, err := r.Store.EvidencePack(ctx, req.ID, subject(ctx), scope(ctx))
	if err != nil {
		return nil, err
	}
	return asJSON(pack)
}

// openPromotionRequests returns the open requests of the affected model
// versions (all of projects the caller reads: the report holds no others).
func (r *Resolver) openPromotionRequests(ctx context.Context, mvs []*model.ImpactedModelVersion) ([]string, error) {
	ids := make([]string, len(mvs))
	for i, v := range mvs {
		ids[i] = v.ID
	}
	if len(ids) == 0 {
		return []string{}, nil
	}
	return r.Store.OpenPromotionRequestsOf(ctx, ids)
}

// promotionUpdated follows a project's promotion events.
func (r *Resolver) promotionUpdated(ctx context.Context, projectKey string, after *string) (<-chan *store.Event, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	if !canRead(ctx, projectKey) {
		return nil, forbiddenRead(projectKey)
	}
	return r.subscribe(ctx, nil, after, nil, func(f *store.EventFilter) {
		f.ProjectKeys = []string{projectKey}
		f.Kinds = store.PromotionEventKinds
	})
}

// approvalRequested follows new requests the caller may decide: its role
// is checked against each request's approver role, and separation of
// duties against the requester and trainer the event names.
func (r *Resolver) approvalRequested(ctx context.Context, after *string) (<-chan *store.Event, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	approvers := approverScope(p)
	if !approvers.All && len(approvers.Keys) == 0 {
		return nil, fmt.Errorf("%w: approvalRequested needs the approver role in some project", errs.Forbidden)
	}
	return r.subscribe(ctx, nil, after, func(e *store.Event) bool {
		// The server matches on the payload as written: a trainer of
		// another project is sealed in what readers get.
		payload := e.For(store.Scope{All: true}).Payload
		role, _ := payload["approverRole"].(string)
		if !p.Can(e.ProjectKey, approverRole(role)) {
			return false
		}
		sod, _ := payload["separationOfDuties"].(bool)
		return !sod || !slices.Contains([]any{payload["requestedBy"], payload["trainedBy"]}, any(p.Subject))
	}, func(f *store.EventFilter) {
		f.Scope = approvers
		f.Kinds = []store.EventKind{store.EventPromotionRequested}
	})
}
