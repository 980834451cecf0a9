package governance

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// EvidencePack gathers the evidence of a promotion request: the request
// with its checks and approvals, its policy version, the model version and
// training run, the lineage upstream back to the raw data (as scope may
// see it), the latest validation of each suite of each upstream dataset
// version, the bias checks, the reproducibility, the digests of the
// artifacts of the training run and the lineage's runs, and the audit
// events about all of it with the hash chain that links them.
//
// The pack is gathered in several reads; it is consistent when the request
// did not change between the first read and a last one (a decision or a
// re-evaluation committing meanwhile), else it is gathered again.
func (s *Service) evidencePack(ctx context.Context, requestID, generatedBy string, scope store.Scope) (*evidence.Pack, error) {
	load := func() (*store.PromotionRequest, error) {
		reqs, err := s.store.PromotionRequestsByIDs(ctx, []string{requestID})
		if err != nil {
			return nil, err
		}
		if reqs[requestID] == nil {
			return nil, fmt.Errorf("promotion request %s: %w", errs.Quote(requestID), errs.NotFound)
		}
		return reqs[requestID], nil
	}
	req, err := load()
	for attempt := 0; ; attempt++ {
		if err != nil {
			return nil, err
		}
		pack, err := s.gather(ctx, req, generatedBy, scope)
		if err != nil {
			return nil, err
		}
		again, err := load()
		// An artifact logged between the listing and the read of the log
		// is in one and not the other: gather again.
		settled := len(evidence.RunArtifactProblems(pack)) == 0
		if err == nil && settled && again.Status == req.Status && len(again.Approvals) == len(req.Approvals) && again.CheckedAt.Equal(req.CheckedAt) {
			return pack, nil
		}
		if attempt == 4 {
			return nil, errs.Conflictf("promotion request %s kept changing while its evidence was gathered; try again", requestID)
		}
		req = again
	}
}

func (s *Service) gather(ctx context.Context, req *store.PromotionRequest, generatedBy string, scope store.Scope) (*evidence.Pack, error) {
	pack := &evidence.Pack{Format: evidence.Format, GeneratedAt: s.now().UTC(), GeneratedBy: generatedBy,
		Request: s.packRequest(req), Validations: []evidence.Validation{}, BiasChecks: []evidence.BiasCheck{}}
	pols, err := s.store.PoliciesByIDs(ctx, []string{req.PolicyID})
	if err != nil {
		return nil, err
	}
	if pol := pols[req.PolicyID]; pol != nil {
		pack.Policy = packPolicy(pol)
	}
	mvs, err := s.store.ModelVersionsByIDs(ctx, []string{req.ModelVersionID})
	if err != nil {
		return nil, err
	}
	mv := mvs[req.ModelVersionID]
	if mv == nil {
		return nil, fmt.Errorf("model version %s: %w", req.ModelVersionID, errs.NotFound)
	}
	models, err := s.store.ModelsByIDs(ctx, []string{mv.ModelID})
	if err != nil {
		return nil, err
	}
	pack.ModelVersion = evidence.ModelVersion{ID: mv.ID, Version: mv.Version, URI: mv.URI, Stage: string(mv.Stage), CreatedAt: mv.CreatedAt, CreatedBy: mv.CreatedBy}
	if m := models[mv.ModelID]; m != nil {
		pack.ModelVersion.Model = m.Name
	}
	targets := []string{req.ID, mv.ID, req.PolicyID}
	if req.TrainingRunID != "" {
		if pack.TrainingRun, pack.Reproduction, err = s.packTraining(ctx, req.TrainingRunID, scope); err != nil {
			return nil, err
		}
		if pack.TrainingRun == nil {
			// The training run is in a project the reader may not read:
			// who started it is that project's data.
			pack.Request.TrainedBy = ""
		}
	}
	if pack.TrainingRun != nil {
		targets = append(targets, req.TrainingRunID)
		if pack.Reproduction.Latest != nil {
			targets = append(targets, pack.Reproduction.Latest.ID)
		}
	}
	dvIDs, err := s.packLineage(ctx, pack, mv.ID, citedVersions(req), scope)
	if err != nil {
		return nil, err
	}
	if pack.Validations, err = s.packValidations(ctx, dvIDs); err != nil {
		return nil, err
	}
	for _, v := range pack.Validations {
		targets = append(targets, v.ID)
	}
	checkIDs, err := s.packBiasChecks(ctx, pack, req, mv.ID, scope)
	if err != nil {
		return nil, err
	}
	targets = append(targets, checkIDs...)
	withArtifacts, err := s.packRunArtifacts(ctx, pack, scope)
	if err != nil {
		return nil, err
	}
	// The events that recorded the artifacts are what a verifier checks
	// their digests against.
	targets = append(targets, withArtifacts...)
	log, err := s.store.EvidenceLogOf(ctx, req.ID, targets)
	if err != nil {
		return nil, err
	}
	pack.Audit = packAudit(log, scope)
	pack.SignOffs = packSignOffs(pack)
	pack.Format = evidence.FormatOf(pack)
	return pack, nil
}

// packBiasChecks adds the model version's bias checks and those the
// request's verdicts rest on, however old, and returns their IDs. The
// evaluation data of a project outside scope is not named, nor its digest.
func (s *Service) packBiasChecks(ctx context.Context, pack *evidence.Pack, req *store.PromotionRequest, mvID string, scope store.Scope) ([]string, error) {
	checks, err := s.store.BiasChecks(ctx, mvID, store.Page{First: store.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var cited []string
	for _, c := range req.Checks {
		for _, id := range c.EvidenceIDs {
			if k, _ := store.KindOf(id); k == store.KindBiasCheck && !slices.ContainsFunc(checks.Items, func(b *store.BiasCheck) bool { return b.ID == id }) {
				cited = append(cited, id)
			}
		}
	}
	older, err := s.store.BiasChecksByIDs(ctx, cited)
	if err != nil {
		return nil, err
	}
	for _, id := range cited {
		if b := older[id]; b != nil {
			checks.Items = append(checks.Items, b)
		}
	}
	evalIDs := make([]string, len(checks.Items))
	for i, b := range checks.Items {
		evalIDs[i] = b.DatasetVersionID
	}
	evals, err := s.store.DatasetVersionsByIDs(ctx, evalIDs)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(checks.Items))
	for _, stored := range checks.Items {
		b, err := DecodeBiasCheck(stored)
		if err != nil {
			return nil, err
		}
		dv, report := b.DatasetVersionID, b.Report
		if v := evals[dv]; v == nil || !scope.Allows(v.ProjectKey) {
			// The digest of the data read is the hidden version's digest.
			dv, report.SHA256 = "", ""
		}
		pack.BiasChecks = append(pack.BiasChecks, evidence.BiasCheck{ID: b.ID, DatasetVersionID: dv, Spec: b.Spec,
			Report: report, CreatedAt: b.CreatedAt, CreatedBy: b.CreatedBy})
		ids = append(ids, b.ID)
	}
	return ids, nil
}

// packRunArtifacts adds the digests of the files of the runs the pack
// covers — the training run and the runs of the lineage, as far as scope
// may read them — and returns the runs that have any.
func (s *Service) packRunArtifacts(ctx context.Context, pack *evidence.Pack, scope store.Scope) ([]string, error) {
	var runs []string
	if pack.TrainingRun != nil {
		runs = append(runs, pack.TrainingRun.ID)
	}
	for _, n := range pack.Lineage.Nodes {
		if n.Kind == string(store.KindRun) && scope.Allows(n.ProjectKey) {
			runs = append(runs, n.ID)
		}
	}
	runs = slices.Compact(slices.Sorted(slices.Values(runs)))
	arts, err := s.store.ArtifactsOfRuns(ctx, runs)
	if err != nil {
		return nil, err
	}
	pack.RunArtifacts = make([]evidence.RunArtifact, 0, len(arts))
	var with []string
	for _, a := range arts {
		pack.RunArtifacts = append(pack.RunArtifacts, evidence.RunArtifact{RunID: a.RunID, Path: a.Path, Size: a.Size, SHA256: a.SHA256})
		if len(with) == 0 || with[len(with)-1] != a.RunID {
			with = append(with, a.RunID)
		}
	}
	return with, nil
}

func (s *Service) packRequest(req *store.PromotionRequest) evidence.Request {
	r := evidence.Request{ID: req.ID, ProjectKey: req.ProjectKey, ModelVersion: req.ModelVersionID, FromStage: string(req.FromStage),
		TargetStage: string(req.TargetStage), Status: string(req.Status), Justification: req.Justification, RequestedBy: req.RequestedBy,
		RequestedAt: req.RequestedAt, TrainedBy: req.TrainedBy, PolicyVersion: req.PolicyVersion, CheckedAt: req.CheckedAt,
		ClosedAt: req.ClosedAt, Checks: []evidence.Check{}, Approvals: []evidence.Approval{}}
	for _, c := range req.Checks {
		r.Checks = append(r.Checks, evidence.Check{Name: string(c.Name), Verdict: string(c.Verdict), Detail: c.Detail, EvidenceIDs: c.EvidenceIDs})
	}
	approvals, _ := s.Standings(req)
	for _, a := range approvals {
		pa := evidence.Approval{Actor: a.Actor, Decision: string(a.Decision), Comment: a.Comment, At: a.At}
		if len(a.Groups) > 0 {
			pa.Groups = a.Groups
		}
		if a.Decision == store.DecisionApproved {
			pa.Counted, pa.NotCountedReason, pa.CountedForGroup = &a.Counted, deref(a.NotCountedReason), deref(a.CountedForGroup)
		}
		r.Approvals = append(r.Approvals, pa)
	}
	return r
}

func packPolicy(p *store.Policy) evidence.Policy {
	out := evidence.Policy{Version: p.Version, RequiredApprovals: p.RequiredApprovals, ApproverRole: p.ApproverRole,
		RequireUpstreamValidationsPassed: p.RequireUpstreamValidationsPassed, AllowWarnedValidations: p.AllowWarnedValidations,
		RequireReproducible: p.RequireReproducible, RequireReproduced: p.RequireReproduced, SeparationOfDuties: p.SeparationOfDuties,
		CreatedAt: p.CreatedAt, CreatedBy: deref(p.CreatedBy), BiasRules: []evidence.BiasRule{}, Stages: []string{}}
	for _, r := range p.BiasRules {
		out.BiasRules = append(out.BiasRules, evidence.BiasRule{Metric: string(r.Metric), Threshold: r.Threshold})
	}
	for _, st := range p.Stages {
		out.Stages = append(out.Stages, string(st))
	}
	for _, g := range p.RequiredGroups {
		out.RequiredGroups = append(out.RequiredGroups, evidence.GroupRequirement{Group: g.Group, Approvals: g.Approvals})
	}
	out.ApprovalsValidFor = p.ApprovalsValidFor
	return out
}

// packTraining describes the training run and its reproducibility; a run
// of a project outside scope is left out (nil).
func (s *Service) packTraining(ctx context.Context, runID string, scope store.Scope) (*evidence.Run, *evidence.Reproduction, error) {
	sts, err := s.store.RunStates(ctx, []string{runID})
	if err != nil {
		return nil, nil, err
	}
	st := sts[0]
	if !scope.Allows(st.Run.ProjectKey) {
		return nil, nil, nil
	}
	metrics, err := s.store.MetricsOfRuns(ctx, []string{runID})
	if err != nil {
		return nil, nil, err
	}
	latest, err := s.store.LatestReproductions(ctx, []string{runID})
	if err != nil {
		return nil, nil, err
	}
	r := st.Run
	run := &evidence.Run{ID: r.ID, Name: r.Name, ExperimentID: r.ExperimentID, Status: string(r.Status), CreatedBy: r.CreatedBy,
		StartedAt: r.StartedAt, EndedAt: r.EndedAt, Seed: r.Seed, Params: r.ParamMap(), Metrics: store.FinalValues(metrics[0]), Inputs: []string{}}
	if r.Code != nil {
		run.Code = map[string]any{"repo": r.Code.Repo, "commit": r.Code.Commit, "dirty": r.Code.Dirty}
	}
	if r.Environment != nil {
		run.Environment = r.Environment.Map()
	}
	for _, in := range st.Inputs {
		if scope.Allows(in.ProjectKey) {
			run.Inputs = append(run.Inputs, in.ID)
		}
	}
	repro := ReproducibilityOf(st)
	rep := &evidence.Reproduction{Complete: repro.Complete, Missing: repro.Missing}
	if x := latest[runID]; x != nil {
		rep.Latest = &evidence.ReproductionRecord{ID: x.ID, ReproductionRunID: x.ReproductionRunID, Status: string(x.Status),
			Tolerance: x.Tolerance, RelativeTolerance: x.RelativeTolerance, CreatedAt: x.CreatedAt, CreatedBy: x.CreatedBy}
		for _, m := range x.Metrics {
			rep.Latest.Metrics = append(rep.Latest.Metrics, evidence.MetricComparison{Key: m.Key, Original: m.Original,
				Reproduced: m.Reproduced, Difference: m.Difference, Status: string(m.Status)})
		}
	}
	return run, rep, nil
}

// citedVersions are the dataset versions the request's checks cite.
func citedVersions(req *store.PromotionRequest) []string {
	var out []string
	for _, c := range req.Checks {
		for _, id := range c.EvidenceIDs {
			if k, _ := store.KindOf(id); k == store.KindDatasetVersion && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// packLineage fills the lineage upstream of the model version and returns
// the dataset versions in it that scope may read. A cited dataset version
// that scope may read but the walk did not reach (its path runs through a
// project outside scope) is listed too, without edges (ThroughHidden).
func (s *Service) packLineage(ctx context.Context, pack *evidence.Pack, modelVersionID string, cited []string, scope store.Scope) ([]string, error) {
	depth, maxNodes := lineage.MaxDepth, lineage.MaxNodes
	g, err := s.lineage.LineageIn(ctx, scope, lineage.Request{Root: modelVersionID, Direction: store.Upstream, Depth: &depth, MaxNodes: &maxNodes})
	if err != nil {
		return nil, err
	}
	pack.Lineage = evidence.Lineage{Truncated: g.Truncated(), Nodes: []evidence.LineageNode{}, Edges: []evidence.LineageEdge{}}
	var dvIDs []string
	inGraph := map[string]bool{}
	for _, n := range g.Nodes {
		inGraph[n.ID] = true
		if n.Kind == store.KindDatasetVersion {
			dvIDs = append(dvIDs, n.ID)
		}
	}
	beyond := slices.DeleteFunc(slices.Clone(cited), func(id string) bool { return inGraph[id] })
	dvs, err := s.store.DatasetVersionsByIDs(ctx, append(slices.Clone(dvIDs), beyond...))
	if err != nil {
		return nil, err
	}
	for _, n := range g.Nodes {
		node := evidence.LineageNode{ID: n.ID, Kind: string(n.Kind), Name: n.Name, ProjectKey: n.ProjectKey, Distance: n.Distance}
		if n.Kind == store.KindRedacted {
			node.Name, node.ProjectKey = "", ""
		}
		if dv := dvs[n.ID]; dv != nil {
			node.URI, node.Digest, node.QualityStatus = dv.URI, dv.Digest, string(dv.QualityStatus)
			if node.QualityStatus == "" {
				node.QualityStatus = "UNKNOWN"
			}
		}
		pack.Lineage.Nodes = append(pack.Lineage.Nodes, node)
	}
	for _, e := range g.Edges {
		pack.Lineage.Edges = append(pack.Lineage.Edges, evidence.LineageEdge{From: e.From, To: e.To, Kind: e.Kind})
	}
	if g.Truncated() {
		// A cut walk may have missed a cited version on a readable path.
		return dvIDs, nil
	}
	var beyondDatasets []string
	for _, id := range beyond {
		if dv := dvs[id]; dv != nil && scope.Allows(dv.ProjectKey) {
			beyondDatasets = append(beyondDatasets, dv.DatasetID)
		}
	}
	datasets, err := s.store.DatasetsByIDs(ctx, beyondDatasets)
	if err != nil {
		return nil, err
	}
	for _, id := range beyond {
		dv := dvs[id]
		if dv == nil || !scope.Allows(dv.ProjectKey) {
			continue
		}
		name := dv.Version
		if d := datasets[dv.DatasetID]; d != nil {
			name = d.Name + "@" + dv.Version
		}
		pack.Lineage.Nodes = append(pack.Lineage.Nodes, evidence.LineageNode{ID: id, Kind: string(store.KindDatasetVersion), Name: name,
			ProjectKey: dv.ProjectKey, URI: dv.URI, Digest: dv.Digest, QualityStatus: cmp.Or(string(dv.QualityStatus), "UNKNOWN"), ThroughHidden: true})
		dvIDs = append(dvIDs, id)
	}
	return dvIDs, nil
}

// packValidations returns the latest finished run of each suite of each
// dataset version, by dataset version then suite name.
func (s *Service) packValidations(ctx context.Context, dvIDs []string) ([]evidence.Validation, error) {
	runs, err := s.store.LatestValidations(ctx, dvIDs)
	if err != nil {
		return nil, err
	}
	out := make([]evidence.Validation, 0, len(runs))
	for _, r := range runs {
		v := evidence.Validation{ID: r.ID, DatasetVersionID: r.DatasetVersionID, SuiteName: r.SuiteName, SuiteVersion: r.SuiteVersion,
			Status: string(r.Status), Engine: r.Engine, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, SHA256: deref(r.SHA256)}
		if v.Failed, err = failedRules(r); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// packAudit turns the log's stretch into the pack's audit, as a reader
// with scope may see it: references to objects outside scope stay sealed,
// and an event that cannot be shown (see store.Event.For) appears in the
// chain only.
func packAudit(log *store.EvidenceLog, scope store.Scope) evidence.Audit {
	a := evidence.Audit{Events: []evidence.Event{}, Chain: []evidence.Link{}, Earlier: []evidence.Event{},
		Head: evidence.Link{Seq: log.Head.Seq, PrevHash: log.Head.PrevHash, Hash: log.Head.Hash}}
	for _, e := range log.Events {
		e = e.For(scope)
		if e.Withheld {
			continue
		}
		pe := evidence.Event{Seq: e.Seq, At: e.At, Actor: e.Actor, ProjectKey: e.ProjectKey, Kind: string(e.Kind),
			TargetID: e.TargetID, Payload: e.Payload, PrevHash: e.PrevHash, Hash: e.Hash}
		for _, d := range e.Disclosures {
			pe.Disclosures = append(pe.Disclosures, d.Disclosure)
		}
		if e.Seq < log.From {
			a.Earlier = append(a.Earlier, pe)
		} else {
			a.Events = append(a.Events, pe)
		}
	}
	a.Chain = packLinks(log.Chain)
	if an := log.Anchor; an != nil {
		a.Anchor = &evidence.Anchor{From: an.From, To: an.To, Before: packLinks(an.Before), After: packLinks(an.After)}
	}
	return a
}

// packLinks copies links of the log into the pack.
func packLinks(links []store.Link) []evidence.Link {
	out := make([]evidence.Link, 0, len(links))
	for _, l := range links {
		out = append(out, evidence.Link{Seq: l.Seq, PrevHash: l.PrevHash, Hash: l.Hash})
	}
	return out
}

// failedRules counts the rules a finished validation run failed.
func failedRules(r *store.ValidationRun) (int, error) {
	st, _, err := validation.Statistics(r)
	return st.Failed, err
}
