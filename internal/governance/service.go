package governance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
)

// Store is what governance reads and writes; *store.Store provides it.
type Store interface {
	SetPolicy(ctx context.Context, actor, projectKey string, in store.PolicyInput) (*store.Policy, bool, error)
	PolicyOf(ctx context.Context, projectKey string, version *int64) (*store.Policy, error)
	PoliciesByIDs(ctx context.Context, ids []string) (map[string]*store.Policy, error)

	RequestPromotion(ctx context.Context, actor string, in store.RequestPromotionInput) (*store.PromotionRequest, error)
	Decide(ctx context.Context, actor string, grants, groups []string, requestID string, d store.Decision, comment string, allow func(*store.PromotionRequest) error) (*store.PromotionRequest, bool, error)
	// RecordPresented keeps what a subject's token last said.
	RecordPresented(ctx context.Context, subject, projectKey string, grants, groups []string) error
	CancelPromotion(ctx context.Context, actor, requestID string, allow func(*store.PromotionRequest) error) (*store.PromotionRequest, error)
	ReevaluatePromotion(ctx context.Context, actor, requestID string, allow func(*store.PromotionRequest) error) (*store.PromotionRequest, bool, error)
	PromotionRequestsByIDs(ctx context.Context, ids []string) (map[string]*store.PromotionRequest, error)
	PromotionRequests(ctx context.Context, f store.PromotionFilter, page store.Page) (store.Conn[*store.PromotionRequest], error)
	AllPromotionRequests(ctx context.Context, f store.PromotionFilter) ([]*store.PromotionRequest, error)

	ModelVersionsByIDs(ctx context.Context, ids []string) (map[string]*store.ModelVersion, error)
	ModelsByIDs(ctx context.Context, ids []string) (map[string]*store.Model, error)
	DatasetVersionsByIDs(ctx context.Context, ids []string) (map[string]*store.DatasetVersion, error)
	DatasetsByIDs(ctx context.Context, ids []string) (map[string]*store.Dataset, error)
	RunsByIDs(ctx context.Context, ids []string) (map[string]*store.Run, error)
	ExperimentsByIDs(ctx context.Context, ids []string) (map[string]*store.Experiment, error)
	// The evidence pack's lineage is the lineage domain's answer, read
	// through the same store.
	lineage.Store

	RecordBiasCheck(ctx context.Context, actor string, in store.RecordBiasCheckInput) (*store.BiasCheck, error)
	BiasChecks(ctx context.Context, modelVersionID string, page store.Page) (store.Conn[*store.BiasCheck], error)
	BiasChecksByIDs(ctx context.Context, ids []string) (map[string]*store.BiasCheck, error)

	RunStates(ctx context.Context, runIDs []string) ([]*store.RunState, error)
	MetricsOfRuns(ctx context.Context, runIDs []string) ([][]*store.Metric, error)
	LatestReproductions(ctx context.Context, runIDs []string) (map[string]*store.Reproduction, error)
	RecordReproduction(ctx context.Context, actor string, in store.RecordReproductionInput) (*store.Reproduction, error)
	ReproducibilityAudit(ctx context.Context, experimentID string) ([]store.AuditRun, error)
	GovernanceFigures(ctx context.Context, scope store.ReportScope) (*store.ReportFigures, error)
	ProductionVersionIDs(ctx context.Context, scope store.ReportScope) ([]string, error)

	EvidenceLogOf(ctx context.Context, requestID string, targets []string) (*store.EvidenceLog, error)
	ArtifactsOfRuns(ctx context.Context, runIDs []string) ([]store.RunArtifact, error)
	LatestValidations(ctx context.Context, dvIDs []string) ([]*store.ValidationRun, error)
	VerifyLog(ctx context.Context, projectKey string) (*store.LogVerification, error)

	ProjectByKey(ctx context.Context, key string) (*store.Project, error)
	RecordSignOff(ctx context.Context, actor string, in store.SignOff) (*store.SignOff, bool, error)
	SignOffsOf(ctx context.Context, subjectIDs []string) (map[string][]*store.SignOff, error)
	SignOffsByDigest(ctx context.Context, digest string, scope store.Scope) ([]*store.SignOff, error)
	LinkHashes(ctx context.Context, seqs []int64) (map[int64]string, error)
}

// DataSource opens the data of a dataset version the way validations read
// it: under the server's file roots, with the registered digest checked.
type DataSource interface {
	Source(ctx context.Context, datasetVersionID string) (quality.Source, error)
}

// BiasCheckTimeout bounds how long a bias check reads its data.
const BiasCheckTimeout = 5 * time.Minute

// Service carries out governance operations for a caller: each checks the
// caller's access, applies the rules and writes through the store.
type Service struct {
	store    Store
	lineage  *lineage.Service
	data     DataSource
	now      func() time.Time
	presence presence
	observer Observer
}

// Observer hears how promotion requests move through a Service, so the
// edge can count them without governance knowing how. It is called after
// the write committed, from the caller's goroutine: it must be safe for
// concurrent use and must not block.
type Observer interface {
	// PromotionMoved is called when a request was opened (from is "") or
	// an operation of the service moved it from one status to another
	// (req.Status; a closed request carries its ClosedAt).
	PromotionMoved(from store.PromotionStatus, req *store.PromotionRequest)
}

// Option tunes a Service.
type Option func(*Service)

// WithObserver has o hear how promotion requests move.
func WithObserver(o Observer) Option {
	return func(s *Service) { s.observer = o }
}

// New returns a Service over st; data opens evaluation data for bias
// checks (nil: they are UNAVAILABLE). The lineage of evidence packs is
// walked and shaped by a lineage.Service over st, so a pack shows what the
// lineage query shows.
func New(st Store, data DataSource, opts ...Option) *Service {
	s := &Service{store: st, lineage: lineage.New(st), data: data, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	// Approvals are stamped by the store's clock; the rules that judge
	// them (expiry) read the same one.
	if c, ok := st.(interface{ Now() time.Time }); ok {
		s.now = c.Now
	}
	return s
}

// Now is the time the service's rules judge approvals at.
func (s *Service) Now() time.Time { return s.now() }

func (s *Service) request(ctx context.Context, p *auth.Principal, id string, min auth.Role) (*store.PromotionRequest, error) {
	return access.Load(ctx, p, "promotionRequestId", id, store.KindPromotionRequest, access.ByID(s.store.PromotionRequestsByIDs),
		func(v *store.PromotionRequest) string { return v.ProjectKey }, min)
}

func (s *Service) modelVersion(ctx context.Context, p *auth.Principal, id string, min auth.Role) (*store.ModelVersion, error) {
	return access.Load(ctx, p, "modelVersionId", id, store.KindModelVersion, access.ByID(s.store.ModelVersionsByIDs),
		func(v *store.ModelVersion) string { return v.ProjectKey }, min)
}

func (s *Service) run(ctx context.Context, p *auth.Principal, field, id string, min auth.Role) (*store.Run, error) {
	return access.Load(ctx, p, field, id, store.KindRun, access.ByID(s.store.RunsByIDs),
		func(v *store.Run) string { return v.ProjectKey }, min)
}

// SetPolicy makes in project's policy (admins only); changed reports
// whether it is a new version.
func (s *Service) SetPolicy(ctx context.Context, p *auth.Principal, projectKey string, in store.PolicyInput) (pol *store.Policy, changed bool, err error) {
	if err := access.Require(p, projectKey, auth.RoleAdmin); err != nil {
		return nil, false, err
	}
	if in, err = CheckPolicy(in); err != nil {
		return nil, false, err
	}
	return s.store.SetPolicy(ctx, p.Subject, projectKey, in)
}

// Policy returns a project's current policy, or a version of it.
func (s *Service) Policy(ctx context.Context, p *auth.Principal, projectKey string, version *int) (*store.Policy, error) {
	if err := access.Require(p, projectKey, auth.RoleViewer); err != nil {
		return nil, err
	}
	s.noticed(ctx, p, projectKey)
	var v *int64
	if version != nil {
		if *version < 0 {
			return nil, errs.Invalidf("version: must not be negative, got %d", *version)
		}
		n := int64(*version)
		v = &n
	}
	return s.store.PolicyOf(ctx, projectKey, v)
}

// RequestPromotion asks for a model version the caller contributes to to
// move to a stage.
func (s *Service) RequestPromotion(ctx context.Context, p *auth.Principal, in store.RequestPromotionInput) (*store.PromotionRequest, error) {
	if _, err := s.modelVersion(ctx, p, in.ModelVersionID, auth.RoleContributor); err != nil {
		return nil, err
	}
	req, err := s.store.RequestPromotion(ctx, p.Subject, in)
	if err == nil {
		s.moved("", req)
	}
	return req, err
}

// moved tells the observer, if any, that req left status from.
func (s *Service) moved(from store.PromotionStatus, req *store.PromotionRequest) {
	if s.observer != nil && req != nil && req.Status != from {
		s.observer.PromotionMoved(from, req)
	}
}

// Decide approves (under Approving) or rejects (under Decision) a
// request, the rule applied by the store to the request as it is under
// its lock. The caller's token is recorded with the decision
// (RecordPresented), so their approval is judged by it from then on.
// promoted reports whether this decision carried the promotion out.
func (s *Service) Decide(ctx context.Context, p *auth.Principal, id string, d store.Decision, comment string) (req *store.PromotionRequest, promoted bool, err error) {
	if req, err = s.request(ctx, p, id, auth.RoleViewer); err != nil {
		return nil, false, err
	}
	rule := func(r *store.PromotionRequest) error { return Decision(p, r) }
	if d == store.DecisionApproved {
		rule = func(r *store.PromotionRequest) error { return Approving(p, r, s.now()) }
	}
	// Refused before the write when it is already clear.
	if err := rule(req); err != nil {
		return nil, false, err
	}
	from := req.Status
	req, promoted, err = s.store.Decide(ctx, p.Subject, GrantsIn(p, req.ProjectKey), p.Groups, req.ID, d, comment, rule)
	if err == nil {
		s.moved(from, req)
	}
	return req, promoted, err
}

// Standings returns req's approvals with where each stands (Tally), and
// what is still needed ("" when complete or closed): for an open request
// now; for one its approvals completed, as stored then; for another
// closed request, at its closing time with the tokens its approvers held
// when they decided.
func (s *Service) Standings(req *store.PromotionRequest) ([]store.Approval, string) {
	out := slices.Clone(req.Approvals)
	if slices.ContainsFunc(out, func(a store.Approval) bool { return a.Settled }) {
		return out, ""
	}
	at, judged := s.now(), req
	if req.ClosedAt != nil {
		c := *req
		c.Approvals = slices.Clone(req.Approvals)
		for i := range c.Approvals {
			c.Approvals[i].Presented = nil
		}
		at, judged = *req.ClosedAt, &c
	}
	t := Tally(judged, at)
	if req.ClosedAt != nil {
		t.Outstanding = ""
	}
	for i := range out {
		st := t.Standings[i]
		out[i].Counted, out[i].Expired = st.Counted, st.Expired
		if st.Reason != "" {
			out[i].NotCountedReason = &st.Reason
		}
		if st.Group != "" {
			out[i].CountedForGroup = &st.Group
		}
		if out[i].Groups == nil {
			out[i].Groups = []string{}
		}
	}
	return out, t.Outstanding
}

// CanApprove reports whether p may approve req now (Approving).
func (s *Service) CanApprove(p *auth.Principal, req *store.PromotionRequest) bool {
	return CanApprove(p, req, s.now())
}

// Cancel withdraws a request under Cancellation.
func (s *Service) Cancel(ctx context.Context, p *auth.Principal, id string) (*store.PromotionRequest, error) {
	req, err := s.request(ctx, p, id, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	from := req.Status
	req, err = s.store.CancelPromotion(ctx, p.Subject, req.ID, func(locked *store.PromotionRequest) error { return Cancellation(p, locked) })
	if err == nil {
		s.moved(from, req)
	}
	return req, err
}

// Reevaluate evaluates a request's checks again now, and carries the
// promotion out when they pass and its approvals are complete.
func (s *Service) Reevaluate(ctx context.Context, p *auth.Principal, id string) (*store.PromotionRequest, bool, error) {
	req, err := s.request(ctx, p, id, auth.RoleContributor)
	if err != nil {
		return nil, false, err
	}
	from := req.Status
	req, promoted, err := s.store.ReevaluatePromotion(ctx, p.Subject, req.ID, Reevaluation)
	if err == nil {
		s.moved(from, req)
	}
	return req, promoted, err
}

// RequestFilter selects the promotion requests a caller lists.
type RequestFilter struct {
	ProjectKey string
	Statuses   []store.PromotionStatus
	// DecidableByCaller keeps the requests Approving lets the caller
	// approve now.
	DecidableByCaller bool
}

// PromotionRequests lists the requests the caller may read, newest first.
func (s *Service) PromotionRequests(ctx context.Context, p *auth.Principal, f RequestFilter, page store.Page) (store.Conn[*store.PromotionRequest], error) {
	if p == nil {
		return store.Conn[*store.PromotionRequest]{}, errs.Unauthenticated
	}
	s.noticed(ctx, p, f.ProjectKey)
	if f.ProjectKey != "" && !access.CanRead(p, f.ProjectKey) {
		return store.Conn[*store.PromotionRequest]{}, access.ForbiddenRead(f.ProjectKey)
	}
	sf := store.PromotionFilter{Scope: access.Scope(p), ProjectKey: f.ProjectKey, Statuses: f.Statuses}
	if !f.DecidableByCaller {
		return s.store.PromotionRequests(ctx, sf, page)
	}
	// Only open requests are decidable, and they are few: the rule runs
	// here, on each, rather than as a second copy in Cypher.
	sf.OpenOnly, sf.Scope = true, access.ScopeWith(p, auth.RoleApprover)
	all, err := s.store.AllPromotionRequests(ctx, sf)
	if err != nil {
		return store.Conn[*store.PromotionRequest]{}, err
	}
	return store.PagePromotionRequests(slices.DeleteFunc(all, func(r *store.PromotionRequest) bool { return !CanApprove(p, r, s.now()) }), page)
}

// RequestedEvent is the request as its PROMOTION_REQUESTED event describes
// it, which is all Decision needs to say whether a caller may decide it.
func RequestedEvent(e *store.Event) *store.PromotionRequest {
	// The server reads the payload as written: a trainer of another
	// project is sealed in what readers get.
	payload := e.For(store.Scope{All: true}).Payload
	req := &store.PromotionRequest{ID: e.TargetID, ProjectKey: e.ProjectKey}
	status, _ := payload["status"].(string)
	req.Status = store.PromotionStatus(status)
	req.ApproverRole, _ = payload["approverRole"].(string)
	req.SeparationOfDuties, _ = payload["separationOfDuties"].(bool)
	req.RequestedBy, _ = payload["requestedBy"].(string)
	req.TrainedBy, _ = payload["trainedBy"].(string)
	return req
}

// BiasCheckInput asks for a bias check of a model version on a dataset
// version; MinGroupSize, when given, overrides the spec's default.
type BiasCheckInput struct {
	ModelVersionID, DatasetVersionID string
	Spec                             fairness.Spec
	MinGroupSize                     *int
}

// RunBiasCheck evaluates a model version's fairness on a dataset version
// and stores the report; the version's open requests are evaluated again.
func (s *Service) RunBiasCheck(ctx context.Context, p *auth.Principal, in BiasCheckInput) (*store.BiasCheck, error) {
	modelVersionID, datasetVersionID, spec := in.ModelVersionID, in.DatasetVersionID, in.Spec
	mv, err := s.modelVersion(ctx, p, modelVersionID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	if _, err := access.Load(ctx, p, "datasetVersionId", datasetVersionID, store.KindDatasetVersion, access.ByID(s.store.DatasetVersionsByIDs),
		func(v *store.DatasetVersion) string { return v.ProjectKey }, auth.RoleViewer); err != nil {
		return nil, err
	}
	if s.data == nil {
		return nil, errs.Unavailablef("bias checks are not served here")
	}
	if in.MinGroupSize != nil {
		if *in.MinGroupSize < 1 {
			return nil, errs.Invalidf("minGroupSize: must be at least 1, got %d", *in.MinGroupSize)
		}
		spec.MinGroupSize = *in.MinGroupSize
	}
	src, err := s.data.Source(ctx, datasetVersionID)
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
	rec, err := BiasCheckRecord(mv.ID, datasetVersionID, spec, report)
	if err != nil {
		return nil, err
	}
	return s.store.RecordBiasCheck(ctx, p.Subject, rec)
}

// BiasCheckRecord is what the store keeps of a computed bias check.
func BiasCheckRecord(modelVersionID, datasetVersionID string, spec fairness.Spec, report *fairness.Report) (store.RecordBiasCheckInput, error) {
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return store.RecordBiasCheckInput{}, err
	}
	reportJSON, err := json.Marshal(report)
	if err != nil {
		return store.RecordBiasCheckInput{}, err
	}
	return store.RecordBiasCheckInput{ModelVersionID: modelVersionID, DatasetVersionID: datasetVersionID, Spec: string(specJSON),
		Report: string(reportJSON), FourFifths: string(report.FourFifths), Inconclusive: report.Inconclusive}, nil
}

// RecordReproduction compares a rerun with the run it reproduces (see
// ReproductionOf and Compare) and stores the outcome in the original's
// project; the caller contributes there and reads the rerun.
func (s *Service) RecordReproduction(ctx context.Context, p *auth.Principal, originalRunID, reproductionRunID string, atol, rtol float64) (*store.Reproduction, error) {
	orig, err := s.run(ctx, p, "originalRunId", originalRunID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	rerun, err := s.run(ctx, p, "reproductionRunId", reproductionRunID, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	metrics, err := s.store.MetricsOfRuns(ctx, []string{orig.ID, rerun.ID})
	if err != nil {
		return nil, err
	}
	if err := ReproductionOf(orig, rerun, len(metrics[0]), atol, rtol); err != nil {
		return nil, err
	}
	compared, status := Compare(metrics[0], metrics[1], atol, rtol)
	return s.store.RecordReproduction(ctx, p.Subject, store.RecordReproductionInput{OriginalRunID: orig.ID, ReproductionRunID: rerun.ID,
		Tolerance: atol, RelativeTolerance: rtol, Status: status, Metrics: compared})
}

// AuditEntry is one run of an experiment's reproducibility audit.
type AuditEntry struct {
	store.AuditRun
	*Reproducibility
}

// ReproducibilityAudit lists an experiment's runs with what each misses
// for a rerun and its newest reproduction.
func (s *Service) ReproducibilityAudit(ctx context.Context, p *auth.Principal, experimentID string) (*store.Experiment, []AuditEntry, error) {
	exp, err := access.Load(ctx, p, "experimentId", experimentID, store.KindExperiment, access.ByID(s.store.ExperimentsByIDs),
		func(v *store.Experiment) string { return v.ProjectKey }, auth.RoleViewer)
	if err != nil {
		return nil, nil, err
	}
	runs, err := s.store.ReproducibilityAudit(ctx, exp.ID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]AuditEntry, len(runs))
	for i, r := range runs {
		out[i] = AuditEntry{AuditRun: r, Reproducibility: ReproducibilityOf(&r.RunState)}
	}
	return exp, out, nil
}

// ReproduceSpec is the document a rerun of a run starts from, as the
// caller may see it.
func (s *Service) ReproduceSpec(ctx context.Context, p *auth.Principal, runID string) (*ReproduceSpec, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	sts, err := s.store.RunStates(ctx, []string{run.ID})
	if err != nil {
		return nil, err
	}
	metrics, err := s.store.MetricsOfRuns(ctx, []string{run.ID})
	if err != nil {
		return nil, err
	}
	return Spec(sts[0], metrics[0], access.Scope(p)), nil
}

// VerifyAuditLog walks the audit log's hash chain (auditors, approvers and
// admins of the project); a broken link in a project the caller may not read is not
// attributed.
func (s *Service) VerifyAuditLog(ctx context.Context, p *auth.Principal, projectKey string) (*store.LogVerification, error) {
	if err := access.Require(p, projectKey, auth.RoleAuditor); err != nil {
		return nil, err
	}
	v, err := s.store.VerifyLog(ctx, projectKey)
	if err != nil {
		return nil, err
	}
	if b := v.FirstBroken; b != nil && !access.CanRead(p, b.ProjectKey) {
		hidden := *b
		hidden.ProjectKey = ""
		v.FirstBroken = &hidden
	}
	return v, nil
}

// EvidencePack gathers a request's evidence for an auditor, approver or
// admin of its project, as the caller may see it.
func (s *Service) EvidencePack(ctx context.Context, p *auth.Principal, id string) (*evidence.Pack, error) {
	req, err := s.request(ctx, p, id, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	if err := access.Require(p, req.ProjectKey, auth.RoleAuditor); err != nil {
		return nil, err
	}
	s.noticed(ctx, p, req.ProjectKey)
	return s.evidencePack(ctx, req.ID, p.Subject, access.Scope(p))
}
