package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
)

// promotionFor loads a promotion request the caller may read and checks
// it holds min in its project.
func (r *Resolver) promotionFor(ctx context.Context, id string, min auth.Role) (*store.PromotionRequest, error) {
	return loadReadable(ctx, "promotionRequestId", id, store.KindPromotionRequest, loadersFor(ctx, r.Store).promotion.Load,
		func(v *store.PromotionRequest) string { return v.ProjectKey }, min)
}

func (r *Resolver) setPolicy(ctx context.Context, in model.SetPolicyInput) (*model.SetPolicyPayload, error) {
	pi := store.PolicyInput{RequiredApprovals: in.RequiredApprovals, ApproverRole: string(in.ApproverRole),
		RequireUpstreamValidationsPassed: in.RequireUpstreamValidationsPassed, AllowWarnedValidations: in.AllowWarnedValidations,
		RequireReproducible: in.RequireReproducible, RequireReproduced: in.RequireReproduced, SeparationOfDuties: in.SeparationOfDuties,
		Stages: in.Stages, BiasRules: make([]store.BiasRule, len(in.BiasRules)), GovernedAliases: in.GovernedAliases,
		RequiredGroups: make([]store.GroupRequirement, len(in.RequiredGroups)), ApprovalsValidFor: in.ApprovalsValidFor}
	for i, g := range in.RequiredGroups {
		pi.RequiredGroups[i] = *g
	}
	for i, b := range in.BiasRules {
		pi.BiasRules[i] = store.BiasRule{Metric: b.Metric, Threshold: b.Threshold}
	}
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	pol, changed, err := r.Governance.SetPolicy(ctx, p, in.ProjectKey, pi)
	if err != nil {
		return nil, err
	}
	return &model.SetPolicyPayload{Policy: pol, Changed: changed}, nil
}

func (r *Resolver) policy(ctx context.Context, projectKey string, version *int) (*store.Policy, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	return r.Governance.Policy(ctx, p, projectKey, version)
}

func (r *Resolver) requestPromotion(ctx context.Context, in model.RequestPromotionInput) (*model.RequestPromotionPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	req, err := r.Governance.RequestPromotion(ctx, p, store.RequestPromotionInput{ModelVersionID: in.ModelVersionID,
		TargetStage: in.TargetStage, Justification: in.Justification})
	if err != nil {
		return nil, err
	}
	return &model.RequestPromotionPayload{PromotionRequest: req}, nil
}

func (r *Resolver) decide(ctx context.Context, in model.DecidePromotionInput, d store.Decision) (*model.DecidePromotionPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	req, promoted, err := r.Governance.Decide(ctx, p, in.PromotionRequestID, d, in.Comment)
	if err != nil {
		return nil, err
	}
	return &model.DecidePromotionPayload{PromotionRequest: req, Promoted: promoted}, nil
}

func (r *Resolver) cancelPromotion(ctx context.Context, id string) (*model.PromotionRequestPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	req, err := r.Governance.Cancel(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &model.PromotionRequestPayload{PromotionRequest: req}, nil
}

func (r *Resolver) reevaluatePromotion(ctx context.Context, id string) (*model.DecidePromotionPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	req, promoted, err := r.Governance.Reevaluate(ctx, p, id)
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
	f := governance.RequestFilter{ProjectKey: deref(projectKey)}
	if filter != nil {
		f.Statuses = filter.Statuses
		f.DecidableByCaller = filter.DecidableByViewer != nil && *filter.DecidableByViewer
	}
	c, err := r.Governance.PromotionRequests(ctx, p, f, pg)
	if err != nil {
		return nil, err
	}
	return promotionConnection(c), nil
}

func promotionConnection(c store.Conn[*store.PromotionRequest]) *model.PromotionRequestConnection {
	return connection(c, func(cur string, n *store.PromotionRequest) *model.PromotionRequestEdge {
		return &model.PromotionRequestEdge{Cursor: cur, Node: n}
	}, func(e []*model.PromotionRequestEdge, pi *model.PageInfo, t int) *model.PromotionRequestConnection {
		return &model.PromotionRequestConnection{Edges: e, PageInfo: pi, TotalCount: t}
	})
}

// biasChecks reads stored bias checks for the API.
func biasChecks(items []*store.BiasCheck) ([]*governance.BiasCheck, error) {
	out := make([]*governance.BiasCheck, len(items))
	for i, b := range items {
		var err error
		if out[i], err = governance.DecodeBiasCheck(b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func biasCheckConnection(c store.Conn[*store.BiasCheck]) (*model.BiasCheckConnection, error) {
	items, err := biasChecks(c.Items)
	if err != nil {
		return nil, err
	}
	return connection(store.Conn[*governance.BiasCheck]{Items: items, Total: c.Total, HasNext: c.HasNext, Cursors: c.Cursors},
		func(cur string, n *governance.BiasCheck) *model.BiasCheckEdge {
			return &model.BiasCheckEdge{Cursor: cur, Node: n}
		}, func(e []*model.BiasCheckEdge, pi *model.PageInfo, t int) *model.BiasCheckConnection {
			return &model.BiasCheckConnection{Edges: e, PageInfo: pi, TotalCount: t}
		}), nil
}

func (r *Resolver) runBiasCheck(ctx context.Context, in model.RunBiasCheckInput) (*model.RunBiasCheckPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	stored, err := r.Governance.RunBiasCheck(ctx, p, governance.BiasCheckInput{ModelVersionID: in.ModelVersionID,
		DatasetVersionID: in.DatasetVersionID, MinGroupSize: in.MinGroupSize, Spec: fairness.Spec{LabelColumn: in.LabelColumn,
			PredictionColumn: in.PredictionColumn, SensitiveColumns: in.SensitiveColumns, PositiveLabel: in.PositiveLabel,
			WeightColumn: deref(in.WeightColumn)}})
	if err != nil {
		return nil, err
	}
	b, err := governance.DecodeBiasCheck(stored)
	if err != nil {
		return nil, err
	}
	return &model.RunBiasCheckPayload{BiasCheck: b}, nil
}

func (r *Resolver) recordReproduction(ctx context.Context, in model.RecordReproductionInput) (*model.RecordReproductionPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := r.Governance.RecordReproduction(ctx, p, in.OriginalRunID, in.ReproductionRunID, in.Tolerance, in.RelativeTolerance)
	if err != nil {
		return nil, err
	}
	return &model.RecordReproductionPayload{Reproduction: rep}, nil
}

func (r *Resolver) signOff(ctx context.Context, in model.SignOffInput) (*model.SignOffPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	so, err := r.Governance.SignOff(ctx, p, governance.SignOffInput{Subject: in.Subject, Document: []byte(in.Document),
		Decision: string(in.Decision), Findings: deref(in.Findings)})
	if err != nil {
		return nil, err
	}
	return &model.SignOffPayload{SignOff: so}, nil
}

func (r *Resolver) signOffsByDigest(ctx context.Context, digest string) ([]*store.SignOff, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	return r.Governance.SignOffsByDigest(ctx, p, digest)
}

func (r *Resolver) governanceReport(ctx context.Context, projectKey, experimentID string, since, until *time.Time) (*model.GovernanceReport, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := r.Governance.GovernanceReport(ctx, p, governance.ReportRequest{ProjectKey: projectKey, ExperimentID: experimentID, Since: since, Until: until})
	if err != nil {
		return nil, err
	}
	f := rep.Figures
	ratio := func(n, of int64) *float64 {
		if of == 0 {
			return nil
		}
		v := float64(n) / float64(of)
		return &v
	}
	out := &model.GovernanceReport{ProjectKey: rep.Scope.ProjectKey, Experiment: rep.Experiment, Until: rep.Scope.Until, GeneratedAt: rep.GeneratedAt,
		InProduction: rep.InProduction, Figures: &model.GovernanceFigures{
			Runs: int(f.Runs), ReproducibleRuns: int(f.ReproducibleRuns), ReproducibilityRate: ratio(f.ReproducibleRuns, f.Runs),
			ReproducedRuns: int(f.ReproducedRuns), DivergedRuns: int(f.DivergedRuns),
			DatasetVersionsUsed: int(f.VersionsUsed), ValidatedVersions: int(f.ValidatedVersions), ValidationCoverage: ratio(f.ValidatedVersions, f.VersionsUsed),
			FailingVersions: int(f.FailingVersions), VersionsWithDigest: int(f.VersionsWithDigest),
			PromotionRequests: int(f.Requests), Approved: int(f.Approved), Rejected: int(f.Rejected), Cancelled: int(f.Cancelled), Open: int(f.Open),
			LeadTimeMeanSeconds: f.LeadTimeMean, LeadTimeP50Seconds: f.LeadTimeP50, LeadTimeP90Seconds: f.LeadTimeP90,
		}}
	if !rep.Scope.Since.IsZero() {
		since := rep.Scope.Since
		out.Since = &since
	}
	if out.InProduction == nil {
		out.InProduction = []*store.ModelVersion{}
	}
	if out.SignOffs = rep.SignOffs; out.SignOffs == nil {
		out.SignOffs = []*store.SignOff{}
	}
	return out, nil
}

func (r *Resolver) reproducibilityAudit(ctx context.Context, experimentID string) (*model.ReproducibilityAudit, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	exp, entries, err := r.Governance.ReproducibilityAudit(ctx, p, experimentID)
	if err != nil {
		return nil, err
	}
	out := &model.ReproducibilityAudit{Experiment: exp, Runs: make([]*model.RunReproducibilityEntry, len(entries)), TotalCount: len(entries)}
	for i, e := range entries {
		st := model.RunReproductionStatusNotAttempted
		if e.Latest != nil {
			st = model.RunReproductionStatus(e.Latest.Status)
		}
		out.Runs[i] = &model.RunReproducibilityEntry{Run: e.Run, Complete: e.Complete, Missing: e.Missing, Status: st}
		if e.Complete {
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
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	spec, err := r.Governance.ReproduceSpec(ctx, p, runID)
	if err != nil {
		return nil, err
	}
	return asJSON(spec)
}

func (r *Resolver) verifyAuditLog(ctx context.Context, projectKey string) (*model.AuditVerification, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	v, err := r.Governance.VerifyAuditLog(ctx, p, projectKey)
	if err != nil {
		return nil, err
	}
	out := &model.AuditVerification{Ok: v.OK, Checked: v.Checked, ProjectEvents: v.ProjectEvents, HeadSeq: int(v.HeadSeq), HeadHash: v.HeadHash}
	if b := v.FirstBroken; b != nil {
		out.FirstBroken = &model.BrokenLink{Seq: int(b.Seq), Reason: b.Reason, ProjectKey: optString(b.ProjectKey)}
	}
	return out, nil
}

func (r *Resolver) evidencePack(ctx context.Context, id string) (map[string]any, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	pack, err := r.Governance.EvidencePack(ctx, p, id)
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

// approvalRequested follows new requests the caller may decide, by the
// decision rule applied to what each request's event says of it.
func (r *Resolver) approvalRequested(ctx context.Context, after *string) (<-chan *store.Event, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	approvers := access.ScopeWith(p, auth.RoleApprover)
	if !approvers.All && len(approvers.Keys) == 0 {
		return nil, fmt.Errorf("%w: approvalRequested needs the approver role in some project", errs.Forbidden)
	}
	return r.subscribe(ctx, nil, after, func(e *store.Event) bool {
		return governance.CanDecide(p, governance.RequestedEvent(e))
	}, func(f *store.EventFilter) {
		f.Scope = approvers
		f.Kinds = []store.EventKind{store.EventPromotionRequested}
	})
}
