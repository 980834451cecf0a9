package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
)

// MaxEvidenceChain bounds the links of the hash chain an evidence pack
// carries (about 160 bytes of JSON each). The chain runs from the first
// event about the evidence to the last; when that is longer, it starts at
// the request's first event or this many links before the last event,
// whichever is earlier, and older events go in Audit.Earlier.
const MaxEvidenceChain = 50_000

// evidenceWindow is MaxEvidenceChain; tests shrink it.
var evidenceWindow int64 = MaxEvidenceChain

// EvidencePack gathers the evidence of a promotion request: the request
// with its checks and approvals, its policy version, the model version and
// training run, the lineage upstream back to the raw data (as scope may
// see it), the latest validation of each suite of each upstream dataset
// version, the bias checks, the reproducibility, and the audit events
// about all of it with the hash chain that links them.
//
// The pack is gathered in several reads; it is consistent when the request
// did not change between the first read and a last one (a decision or a
// re-evaluation committing meanwhile), else it is gathered again.
func (s *Store) EvidencePack(ctx context.Context, requestID, generatedBy string, scope Scope) (*evidence.Pack, error) {
	if err := checkID("promotionRequestId", requestID, KindPromotionRequest); err != nil {
		return nil, err
	}
	load := func() (*PromotionRequest, error) {
		reqs, err := s.PromotionRequestsByIDs(ctx, []string{requestID})
		if err != nil {
			return nil, err
		}
		if reqs[requestID] == nil {
			return nil, notFound(KindPromotionRequest, requestID)
		}
		return reqs[requestID], nil
	}
	req, err := load()
	for attempt := 0; ; attempt++ {
		if err != nil {
			return nil, err
		}
		pack, err := s.evidencePack(ctx, req, generatedBy, scope)
		if err != nil {
			return nil, err
		}
		again, err := load()
		if err == nil && again.Status == req.Status && len(again.Approvals) == len(req.Approvals) && again.CheckedAt.Equal(req.CheckedAt) {
			return pack, nil
		}
		if attempt == 4 {
			return nil, fmt.Errorf("%w: promotion request %s kept changing while its evidence was gathered; try again", errs.Conflict, requestID)
		}
		req = again
	}
}

func (s *Store) evidencePack(ctx context.Context, req *PromotionRequest, generatedBy string, scope Scope) (*evidence.Pack, error) {
	pack := &evidence.Pack{Format: evidence.Format, GeneratedAt: s.now().UTC(), GeneratedBy: generatedBy,
		Request: packRequest(req), Validations: []evidence.Validation{}, BiasChecks: []evidence.BiasCheck{}}
	pols, err := s.PoliciesByIDs(ctx, []string{req.PolicyID})
	if err != nil {
		return nil, err
	}
	if pol := pols[req.PolicyID]; pol != nil {
		pack.Policy = packPolicy(pol)
	}
	mvs, err := s.ModelVersionsByIDs(ctx, []string{req.ModelVersionID})
	if err != nil {
		return nil, err
	}
	mv := mvs[req.ModelVersionID]
	if mv == nil {
		return nil, notFound(KindModelVersion, req.ModelVersionID)
	}
	models, err := s.ModelsByIDs(ctx, []string{mv.ModelID})
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
	}
	if req.TrainingRunID != "" && pack.TrainingRun == nil {
		// The training run is in a project the reader may not read: who
		// started it is that project's data.
		pack.Request.TrainedBy = ""
	}
	if pack.TrainingRun != nil {
		targets = append(targets, req.TrainingRunID)
		if pack.Reproduction.Latest != nil {
			targets = append(targets, pack.Reproduction.Latest.ID)
		}
	}
	dvIDs, err := s.packLineage(ctx, pack, mv.ID, scope)
	if err != nil {
		return nil, err
	}
	if pack.Validations, err = s.packValidations(ctx, dvIDs); err != nil {
		return nil, err
	}
	for _, v := range pack.Validations {
		targets = append(targets, v.ID)
	}
	checks, err := s.BiasChecks(ctx, mv.ID, Page{First: MaxPageSize})
	if err != nil {
		return nil, err
	}
	// The checks the request's verdicts rest on, however old.
	var cited []string
	for _, c := range req.Checks {
		for _, id := range c.EvidenceIDs {
			if k, _ := KindOf(id); k == KindBiasCheck && !slices.ContainsFunc(checks.Items, func(b *BiasCheck) bool { return b.ID == id }) {
				cited = append(cited, id)
			}
		}
	}
	older, err := s.BiasChecksByIDs(ctx, cited)
	if err != nil {
		return nil, err
	}
	for _, id := range cited {
		if b := older[id]; b != nil {
			checks.Items = append(checks.Items, b)
		}
	}
	// Evaluation data of a project outside scope is not named.
	evalIDs := make([]string, len(checks.Items))
	for i, b := range checks.Items {
		evalIDs[i] = b.DatasetVersionID
	}
	evals, err := s.DatasetVersionsByIDs(ctx, evalIDs)
	if err != nil {
		return nil, err
	}
	for _, b := range checks.Items {
		dv, report := b.DatasetVersionID, b.Report
		if v := evals[dv]; v == nil || !scope.Allows(v.ProjectKey) {
			// The digest of the data read is the hidden version's digest.
			dv, report.SHA256 = "", ""
		}
		pack.BiasChecks = append(pack.BiasChecks, evidence.BiasCheck{ID: b.ID, DatasetVersionID: dv, Spec: b.Spec,
			Report: report, CreatedAt: b.CreatedAt, CreatedBy: b.CreatedBy})
		targets = append(targets, b.ID)
	}
	if pack.Audit, err = s.packAudit(ctx, req.ID, targets, scope); err != nil {
		return nil, err
	}
	return pack, nil
}

func packRequest(req *PromotionRequest) evidence.Request {
	r := evidence.Request{ID: req.ID, ProjectKey: req.ProjectKey, ModelVersion: req.ModelVersionID, FromStage: string(req.FromStage),
		TargetStage: string(req.TargetStage), Status: string(req.Status), Justification: req.Justification, RequestedBy: req.RequestedBy,
		RequestedAt: req.RequestedAt, TrainedBy: req.TrainedBy, PolicyVersion: req.PolicyVersion, CheckedAt: req.CheckedAt,
		ClosedAt: req.ClosedAt, Checks: []evidence.Check{}, Approvals: []evidence.Approval{}}
	for _, c := range req.Checks {
		r.Checks = append(r.Checks, evidence.Check{Name: string(c.Name), Verdict: string(c.Verdict), Detail: c.Detail, EvidenceIDs: c.EvidenceIDs})
	}
	for _, a := range req.Approvals {
		r.Approvals = append(r.Approvals, evidence.Approval{Actor: a.Actor, Decision: string(a.Decision), Comment: a.Comment, At: a.At})
	}
	return r
}

func packPolicy(p *Policy) evidence.Policy {
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
	return out
}

// packTraining describes the training run and its reproducibility; a run
// of a project outside scope is left out (nil).
func (s *Store) packTraining(ctx context.Context, runID string, scope Scope) (*evidence.Run, *evidence.Reproduction, error) {
	type training struct {
		st  *runState
		rep *Reproduction
	}
	t, err := read(ctx, s, func(tx *txn) (training, error) {
		st, err := loadRunState(tx, runID)
		if err != nil {
			return training{}, err
		}
		rep, err := latestReproduction(tx, runID)
		return training{st, rep}, err
	})
	if err != nil {
		return nil, nil, err
	}
	if !scope.Allows(t.st.run.ProjectKey) {
		return nil, nil, nil
	}
	metrics, err := s.MetricsOfRuns(ctx, []string{runID})
	if err != nil {
		return nil, nil, err
	}
	r := t.st.run
	run := &evidence.Run{ID: r.ID, Name: r.Name, ExperimentID: r.ExperimentID, Status: string(r.Status), CreatedBy: r.CreatedBy,
		StartedAt: r.StartedAt, EndedAt: r.EndedAt, Seed: r.Seed, Params: r.paramMap(), Metrics: finalValues(metrics[0]), Inputs: []string{}}
	if r.Code != nil {
		run.Code = map[string]any{"repo": r.Code.Repo, "commit": r.Code.Commit, "dirty": r.Code.Dirty}
	}
	if r.Environment != nil {
		run.Environment = r.Environment.Map()
	}
	for _, in := range t.st.inputs {
		if scope.Allows(in.ProjectKey) {
			run.Inputs = append(run.Inputs, in.ID)
		}
	}
	missing := t.st.missingItems()
	rep := &evidence.Reproduction{Complete: len(missing) == 0, Missing: missing}
	if x := t.rep; x != nil {
		rep.Latest = &evidence.ReproductionRecord{ID: x.ID, ReproductionRunID: x.ReproductionRunID, Status: string(x.Status),
			Tolerance: x.Tolerance, RelativeTolerance: x.RelativeTolerance, CreatedAt: x.CreatedAt, CreatedBy: x.CreatedBy}
		for _, m := range x.Metrics {
			rep.Latest.Metrics = append(rep.Latest.Metrics, evidence.MetricComparison{Key: m.Key, Original: m.Original,
				Reproduced: m.Reproduced, Difference: m.Difference, Status: string(m.Status)})
		}
	}
	return run, rep, nil
}

// packLineage fills the lineage upstream of the model version and returns
// the dataset versions in it that scope may read.
func (s *Store) packLineage(ctx context.Context, pack *evidence.Pack, modelVersionID string, scope Scope) ([]string, error) {
	g, err := s.Lineage(ctx, LineageRequest{Root: modelVersionID, Direction: Upstream, Depth: MaxLineageDepth, MaxNodes: MaxLineageNodes, Scope: scope})
	if err != nil {
		return nil, err
	}
	pack.Lineage = evidence.Lineage{Truncated: g.Truncated(), Nodes: []evidence.LineageNode{}, Edges: []evidence.LineageEdge{}}
	var dvIDs []string
	for _, n := range g.Nodes {
		if n.Kind == KindDatasetVersion {
			dvIDs = append(dvIDs, n.ID)
		}
	}
	dvs, err := s.DatasetVersionsByIDs(ctx, dvIDs)
	if err != nil {
		return nil, err
	}
	for _, n := range g.Nodes {
		node := evidence.LineageNode{ID: n.ID, Kind: string(n.Kind), Name: n.Name, ProjectKey: n.ProjectKey, Distance: n.Distance}
		if n.Kind == KindRedacted {
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
	return dvIDs, nil
}

// packValidations returns the latest finished run of each suite of each
// dataset version, by dataset version then suite name.
func (s *Store) packValidations(ctx context.Context, dvIDs []string) ([]evidence.Validation, error) {
	runs, err := read(ctx, s, func(tx *txn) ([]*ValidationRun, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (r:ValidationRun {datasetVersionId: id}) WHERE r.status <> 'RUNNING'
			WITH id, r ORDER BY r.finishedAt DESC, r.id DESC
			WITH id, r.suiteKey AS suite, collect(r)[0] AS latest
			RETURN latest{.*} AS r ORDER BY id, latest.suiteName`, map[string]any{"ids": dvIDs})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "r", decodeValidationRun)
	})
	if err != nil {
		return nil, err
	}
	out := make([]evidence.Validation, 0, len(runs))
	for _, r := range runs {
		v := evidence.Validation{ID: r.ID, DatasetVersionID: r.DatasetVersionID, SuiteName: r.SuiteName, SuiteVersion: r.SuiteVersion,
			Status: string(r.Status), Engine: r.Engine, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, SHA256: deref(r.SHA256)}
		if r.Statistics != nil {
			v.Failed = r.Statistics.Failed
		}
		out = append(out, v)
	}
	return out, nil
}

// packAudit returns the events about targets in full, and the chain of
// links from the first to the last of them (see MaxEvidenceChain).
// packAudit gathers the events about targets and the stretch of the chain
// that links them, as a reader with scope may see them: references to
// objects outside scope stay sealed, and an event that cannot be shown
// (see Event.For) appears in the chain only.
func (s *Store) packAudit(ctx context.Context, requestID string, targets []string, scope Scope) (evidence.Audit, error) {
	slices.Sort(targets)
	targets = slices.Compact(targets)
	return read(ctx, s, func(tx *txn) (evidence.Audit, error) {
		a := evidence.Audit{Events: []evidence.Event{}, Chain: []evidence.Link{}, Earlier: []evidence.Event{}}
		rec, err := tx.single(`
			MATCH (h:EventLog {name: 'main'})
			OPTIONAL MATCH (e:Event {seq: h.seq})
			RETURN h.seq AS seq, h.hash AS hash, coalesce(e.prevHash, '') AS prevHash`, nil)
		if err != nil || rec == nil {
			return a, orErr(err, fmt.Errorf("event log head missing: %w", errs.Unavailable))
		}
		if a.Head.PrevHash, err = recStr(rec, "prevHash"); err != nil {
			return a, err
		}
		if a.Head.Seq, err = recInt(rec, "seq"); err != nil {
			return a, err
		}
		if a.Head.Hash, err = recStr(rec, "hash"); err != nil {
			return a, err
		}
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (e:Event {targetId: id})
			RETURN e{.*} AS e ORDER BY e.seq`, map[string]any{"ids": targets})
		if err != nil {
			return a, err
		}
		events, err := recsDecode(recs, "e", decodeEvent)
		if err != nil || len(events) == 0 {
			return a, err
		}
		to := events[len(events)-1].Seq
		from := max(events[0].Seq, to-evidenceWindow+1)
		for _, e := range events {
			if e.TargetID == requestID {
				from = min(from, e.Seq)
				break
			}
		}
		for _, e := range events {
			e = e.For(scope)
			if e.Withheld {
				continue
			}
			pe := evidence.Event{Seq: e.Seq, At: e.At, Actor: e.Actor, ProjectKey: e.ProjectKey, Kind: string(e.Kind),
				TargetID: e.TargetID, Payload: e.Payload, PrevHash: e.PrevHash, Hash: e.Hash}
			for _, d := range e.Disclosures {
				pe.Disclosures = append(pe.Disclosures, d.Disclosure)
			}
			if e.Seq < from {
				a.Earlier = append(a.Earlier, pe)
			} else {
				a.Events = append(a.Events, pe)
			}
		}
		recs, err = tx.run(`
			MATCH (e:Event) WHERE e.seq >= $from AND e.seq <= $to
			RETURN e.seq AS seq, e.prevHash AS prevHash, e.hash AS hash ORDER BY e.seq`, map[string]any{"from": from, "to": to})
		if err != nil {
			return a, err
		}
		for _, rec := range recs {
			var l evidence.Link
			if l.Seq, err = recInt(rec, "seq"); err != nil {
				return a, err
			}
			if l.PrevHash, err = recStr(rec, "prevHash"); err != nil {
				return a, err
			}
			if l.Hash, err = recStr(rec, "hash"); err != nil {
				return a, err
			}
			a.Chain = append(a.Chain, l)
		}
		return a, nil
	})
}
