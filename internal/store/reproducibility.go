package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Reproducibility says whether a run records everything a rerun needs.
type Reproducibility struct {
	RunID    string
	Complete bool
	// Missing lists what is not recorded, one item each (see
	// missingItems).
	Missing []string
}

// runState is a run with what reproducing it needs.
type runState struct {
	run    *Run
	inputs []*DatasetVersion
}

// runStates loads runs with their inputs, by ID; missing runs are absent.
func runStates(tx *txn, ids []string) (map[string]*runState, error) {
	recs, err := tx.run(`
		UNWIND $ids AS id
		MATCH (r:Run {id: id})
		OPTIONAL MATCH (dv:DatasetVersion)-[:CONSUMED_BY]->(r)
		WITH r, dv ORDER BY dv.id
		RETURN r{.*} AS run, collect(dv{.*}) AS inputs`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*runState, len(recs))
	for _, rec := range recs {
		st, err := decodeRunState(rec)
		if err != nil {
			return nil, err
		}
		out[st.run.ID] = st
	}
	return out, nil
}

// decodeRunState reads a record with a run and its inputs.
func decodeRunState(rec *neo4j.Record) (*runState, error) {
	run, err := recDecode(rec, "run", decodeRun)
	if err != nil {
		return nil, err
	}
	ms, err := recMaps(rec, "inputs")
	if err != nil {
		return nil, err
	}
	inputs, err := decodeAll(ms, decodeDatasetVersion)
	return &runState{run: run, inputs: inputs}, err
}

func loadRunState(tx *txn, runID string) (*runState, error) {
	sts, err := runStates(tx, []string{runID})
	if err != nil {
		return nil, err
	}
	if sts[runID] == nil {
		return nil, notFound(KindRun, runID)
	}
	return sts[runID], nil
}

// reproducibility is what st's rerun would need.
func (st *runState) reproducibility() *Reproducibility {
	m := st.missingItems()
	return &Reproducibility{RunID: st.run.ID, Complete: len(m) == 0, Missing: m}
}

// missingItems lists what a rerun would need that st does not record:
// code.commit, code.clean (the tree was dirty), environment (neither an
// image digest nor a lockfile hash), seed, params (none logged), inputs
// (none linked), and "input <id> digest" for an input without one.
func (st *runState) missingItems() []string {
	r := st.run
	missing := []string{}
	if r.Code == nil || r.Code.Commit == "" {
		missing = append(missing, "code.commit")
	} else if r.Code.Dirty {
		missing = append(missing, "code.clean")
	}
	if e := r.Environment; e == nil || (deref(e.ImageDigest) == "" && deref(e.LockfileHash) == "") {
		missing = append(missing, "environment")
	}
	if r.Seed == nil {
		missing = append(missing, "seed")
	}
	if len(r.Params) == 0 {
		missing = append(missing, "params")
	}
	if len(st.inputs) == 0 {
		missing = append(missing, "inputs")
	}
	for _, in := range st.inputs {
		if in.Digest == "" {
			missing = append(missing, "input "+in.ID+" digest")
		}
	}
	return missing
}

// Map returns the recorded fields of e by their GraphQL names; empty for
// a nil e.
func (e *Environment) Map() map[string]string {
	out := map[string]string{}
	if e == nil {
		return out
	}
	for k, v := range map[string]*string{"imageDigest": e.ImageDigest, "lockfileHash": e.LockfileHash, "platform": e.Platform} {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

// paramMap is the run's params by key.
func (r *Run) paramMap() map[string]string {
	out := make(map[string]string, len(r.Params))
	for _, kv := range r.Params {
		out[kv.Key] = kv.Value
	}
	return out
}

// finalValues is each metric's latest value by key.
func finalValues(ms []*Metric) map[string]float64 {
	out := make(map[string]float64, len(ms))
	for _, m := range ms {
		out[m.Key] = m.Latest.Value
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func runReproducibility(tx *txn, runID string) (*Reproducibility, error) {
	st, err := loadRunState(tx, runID)
	if err != nil {
		return nil, err
	}
	return st.reproducibility(), nil
}

// RunReproducibility says what a rerun of a run would need that was not
// recorded.
func (s *Store) RunReproducibility(ctx context.Context, runID string) (*Reproducibility, error) {
	rs, err := s.RunsReproducibility(ctx, []string{runID})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// RunsReproducibility says, for each run in runIDs (in that order, in one
// round-trip), what a rerun would need that was not recorded; a run that
// does not exist is errs.NotFound.
func (s *Store) RunsReproducibility(ctx context.Context, runIDs []string) ([]*Reproducibility, error) {
	return read(ctx, s, func(tx *txn) ([]*Reproducibility, error) {
		sts, err := runStates(tx, runIDs)
		if err != nil {
			return nil, err
		}
		out := make([]*Reproducibility, len(runIDs))
		for i, id := range runIDs {
			if sts[id] == nil {
				return nil, notFound(KindRun, id)
			}
			out[i] = sts[id].reproducibility()
		}
		return out, nil
	})
}

// ReproduceSpec is everything needed to rerun a run.
type ReproduceSpec struct {
	Format      string            `json:"format"`
	Run         SpecRun           `json:"run"`
	Code        *SpecCode         `json:"code"`
	Environment map[string]string `json:"environment"`
	Seed        *int64            `json:"seed"`
	Params      map[string]string `json:"params"`
	Inputs      []SpecInput       `json:"inputs"`
	// HiddenInputs counts the inputs in projects the reader may not read:
	// they are needed too, and not listed.
	HiddenInputs int `json:"hiddenInputs,omitempty"`
	// Metrics are the final values a rerun should reproduce.
	Metrics  map[string]float64 `json:"metrics"`
	Complete bool               `json:"complete"`
	Missing  []string           `json:"missing"`
}

// SpecRun identifies the run a spec reproduces.
type SpecRun struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ProjectKey   string `json:"projectKey"`
	ExperimentID string `json:"experimentId"`
	Status       string `json:"status"`
}

// SpecCode is the code a run executed.
type SpecCode struct {
	Repo   string `json:"repo"`
	Commit string `json:"commit"`
	Dirty  bool   `json:"dirty"`
}

// SpecInput is one input of a run.
type SpecInput struct {
	DatasetVersionID string `json:"datasetVersionId"`
	Version          string `json:"version"`
	URI              string `json:"uri"`
	SHA256           string `json:"sha256"`
}

// ReproduceSpecFormat names the reproduce spec's format and version.
const ReproduceSpecFormat = "exphub.reproduce/v1"

// RunReproduceSpec returns the document a rerun of a run starts from, as
// a reader with scope sees it.
func (s *Store) RunReproduceSpec(ctx context.Context, runID string, scope Scope) (*ReproduceSpec, error) {
	st, err := read(ctx, s, func(tx *txn) (*runState, error) { return loadRunState(tx, runID) })
	if err != nil {
		return nil, err
	}
	metrics, err := s.MetricsOfRuns(ctx, []string{runID})
	if err != nil {
		return nil, err
	}
	r := st.run
	spec := &ReproduceSpec{Format: ReproduceSpecFormat, Run: SpecRun{ID: r.ID, Name: r.Name, ProjectKey: r.ProjectKey,
		ExperimentID: r.ExperimentID, Status: string(r.Status)}, Environment: r.Environment.Map(), Seed: r.Seed,
		Params: r.paramMap(), Inputs: []SpecInput{}, Metrics: finalValues(metrics[0]), Missing: st.missingItems()}
	spec.Complete = len(spec.Missing) == 0
	if r.Code != nil {
		spec.Code = &SpecCode{Repo: r.Code.Repo, Commit: r.Code.Commit, Dirty: r.Code.Dirty}
	}
	for _, in := range st.inputs {
		if !scope.Allows(in.ProjectKey) {
			spec.HiddenInputs++
			continue
		}
		spec.Inputs = append(spec.Inputs, SpecInput{DatasetVersionID: in.ID, Version: in.Version, URI: in.URI, SHA256: in.Digest})
	}
	return spec, nil
}

// ReproductionStatus is the outcome of a rerun comparison.
type ReproductionStatus string

// Reproduction outcomes.
const (
	Reproduced ReproductionStatus = "REPRODUCED"
	Diverged   ReproductionStatus = "DIVERGED"
)

// MetricComparison compares one final metric of a run and its rerun.
type MetricComparison struct {
	Key        string             `json:"key"`
	Original   *float64           `json:"original"`
	Reproduced *float64           `json:"reproduced"`
	Difference *float64           `json:"difference"`
	Status     ReproductionStatus `json:"status"`
}

// Reproduction is a stored rerun comparison.
type Reproduction struct {
	ID                string
	ProjectKey        string
	OriginalRunID     string
	ReproductionRunID string
	Tolerance         float64
	RelativeTolerance float64
	Status            ReproductionStatus
	Metrics           []MetricComparison
	CreatedAt         time.Time
	CreatedBy         string
}

func decodeReproduction(m map[string]any) (*Reproduction, error) {
	p := props{m: m}
	r := &Reproduction{ID: p.str("id"), ProjectKey: p.str("projectKey"), OriginalRunID: p.str("originalRunId"),
		ReproductionRunID: p.str("reproductionRunId"), Tolerance: floatOf(&p, "tolerance"), RelativeTolerance: floatOf(&p, "relativeTolerance"),
		Status: ReproductionStatus(p.str("status")), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy")}
	if p.err == nil {
		if err := json.Unmarshal([]byte(p.str("metrics")), &r.Metrics); err != nil {
			return nil, fmt.Errorf("reproduction %s: stored metrics are not JSON", r.ID)
		}
	}
	return r, p.err
}

// RecordReproductionInput names a run and its rerun and the tolerance
// their final metrics must agree within: |b − a| ≤ Tolerance +
// RelativeTolerance·|a| (numpy.isclose).
type RecordReproductionInput struct {
	OriginalRunID, ReproductionRunID string
	Tolerance, RelativeTolerance     float64
}

// Compare compares the original's final metrics with the rerun's: each of
// the original's metrics is REPRODUCED when the rerun has it within the
// tolerance, else DIVERGED (also when the rerun lacks it). The rerun's
// extra metrics are ignored.
func Compare(original, rerun []*Metric, atol, rtol float64) ([]MetricComparison, ReproductionStatus) {
	byKey := make(map[string]float64, len(rerun))
	for _, m := range rerun {
		byKey[m.Key] = m.Latest.Value
	}
	out := make([]MetricComparison, 0, len(original))
	status := Reproduced
	for _, m := range original {
		a := m.Latest.Value
		c := MetricComparison{Key: m.Key, Original: &a, Status: Diverged}
		if b, ok := byKey[m.Key]; ok {
			d := math.Abs(b - a)
			c.Reproduced, c.Difference = &b, &d
			if d <= atol+rtol*math.Abs(a) || (math.IsNaN(a) && math.IsNaN(b)) {
				c.Status = Reproduced
			}
		}
		if c.Status == Diverged {
			status = Diverged
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y MetricComparison) int { return cmp.Compare(x.Key, y.Key) })
	return out, status
}

// RecordReproduction compares a FINISHED rerun with a FINISHED run of the
// same project, stores the outcome, and evaluates again the open
// promotion requests whose training run is the original.
func (s *Store) RecordReproduction(ctx context.Context, actor string, in RecordReproductionInput) (*Reproduction, error) {
	if err := checkID("originalRunId", in.OriginalRunID, KindRun); err != nil {
		return nil, err
	}
	if err := checkID("reproductionRunId", in.ReproductionRunID, KindRun); err != nil {
		return nil, err
	}
	if in.OriginalRunID == in.ReproductionRunID {
		return nil, invalid("reproductionRunId: a run cannot reproduce itself")
	}
	for _, t := range []struct {
		field string
		v     float64
	}{{"tolerance", in.Tolerance}, {"relativeTolerance", in.RelativeTolerance}} {
		if math.IsNaN(t.v) || math.IsInf(t.v, 0) || t.v < 0 {
			return nil, invalid("%s: must be a finite number ≥ 0, got %v", t.field, t.v)
		}
	}
	runs, err := s.RunsByIDs(ctx, []string{in.OriginalRunID, in.ReproductionRunID})
	if err != nil {
		return nil, err
	}
	orig, rerun := runs[in.OriginalRunID], runs[in.ReproductionRunID]
	switch {
	case orig == nil:
		return nil, fmt.Errorf("originalRunId: %w", notFound(KindRun, in.OriginalRunID))
	case rerun == nil:
		return nil, fmt.Errorf("reproductionRunId: %w", notFound(KindRun, in.ReproductionRunID))
	case orig.ProjectKey != rerun.ProjectKey:
		return nil, invalid("reproductionRunId: run %s is in project %q, the original in %q", rerun.ID, rerun.ProjectKey, orig.ProjectKey)
	case orig.Status != StatusFinished:
		return nil, invalid("originalRunId: run %s is %s; only a FINISHED run can be reproduced", orig.ID, orig.Status)
	case rerun.Status != StatusFinished:
		return nil, invalid("reproductionRunId: run %s is %s; it must be FINISHED", rerun.ID, rerun.Status)
	}
	metrics, err := s.MetricsOfRuns(ctx, []string{orig.ID, rerun.ID})
	if err != nil {
		return nil, err
	}
	if len(metrics[0]) == 0 {
		return nil, invalid("originalRunId: run %s has no metrics to compare", orig.ID)
	}
	cmp, status := Compare(metrics[0], metrics[1], in.Tolerance, in.RelativeTolerance)
	text, err := json.Marshal(cmp)
	if err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Reproduction, error) {
		rec, err := tx.single(`
			MATCH (a:Run {id: $orig}), (b:Run {id: $rerun})
			CREATE (rep:Reproduction:Node {id: $id, projectKey: a.projectKey, originalRunId: a.id, reproductionRunId: b.id,
			        displayName: 'reproduction of ' + a.name, tolerance: $atol, relativeTolerance: $rtol, status: $status,
			        metrics: $metrics, createdAt: $now, createdBy: $actor})
			CREATE (rep)-[:REPRODUCES]->(a)
			CREATE (rep)-[:RERUN]->(b)
			RETURN rep{.*} AS rep`,
			map[string]any{"orig": orig.ID, "rerun": rerun.ID, "id": newID(KindReproduction), "atol": in.Tolerance, "rtol": in.RelativeTolerance,
				"status": string(status), "metrics": string(text), "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("originalRunId: %w", notFound(KindRun, orig.ID))
		}
		rep, err := recDecode(rec, "rep", decodeReproduction)
		if err != nil {
			return nil, err
		}
		drafts, err := s.reevaluateOpen(tx, "runId", orig.ID)
		if err != nil {
			return nil, err
		}
		ev := eventDraft{EventReproductionRecorded, rep.ProjectKey, rep.ID, map[string]any{"originalRunId": rep.OriginalRunID,
			"reproductionRunId": rep.ReproductionRunID, "status": string(rep.Status)}}
		return rep, s.appendEvents(tx, actor, append([]eventDraft{ev}, drafts...)...)
	})
}

// latestReproduction returns the newest reproduction of a run, or nil.
func latestReproduction(tx *txn, runID string) (*Reproduction, error) {
	rec, err := tx.single(`
		MATCH (rep:Reproduction {originalRunId: $id})
		RETURN rep{.*} AS rep ORDER BY rep.id DESC LIMIT 1`, map[string]any{"id": runID})
	if err != nil || rec == nil {
		return nil, err
	}
	return recDecode(rec, "rep", decodeReproduction)
}

// LatestReproductions returns the newest reproduction of each run that
// has one.
func (s *Store) LatestReproductions(ctx context.Context, runIDs []string) (map[string]*Reproduction, error) {
	return read(ctx, s, func(tx *txn) (map[string]*Reproduction, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (rep:Reproduction {originalRunId: id})
			WITH id, rep ORDER BY rep.id DESC
			WITH id, collect(rep)[0] AS rep
			RETURN rep{.*} AS rep`, map[string]any{"ids": runIDs})
		if err != nil {
			return nil, err
		}
		reps, err := recsDecode(recs, "rep", decodeReproduction)
		out := make(map[string]*Reproduction, len(reps))
		for _, r := range reps {
			out[r.OriginalRunID] = r
		}
		return out, err
	})
}

// ReproductionsByIDs returns reproductions by ID.
func (s *Store) ReproductionsByIDs(ctx context.Context, ids []string) (map[string]*Reproduction, error) {
	return byIDs(ctx, s, KindReproduction, ids, decodeReproduction, func(v *Reproduction) string { return v.ID })
}

// AuditEntry is one run of an experiment's reproducibility audit.
type AuditEntry struct {
	Run             *Run
	Reproducibility Reproducibility
	// Latest is the run's newest reproduction, or nil.
	Latest *Reproduction
}

// MaxAuditRuns bounds an experiment's reproducibility audit.
const MaxAuditRuns = 1000

// ReproducibilityAudit lists an experiment's runs, newest first (at most
// MaxAuditRuns), each with its reproducibility and newest reproduction, in
// two round-trips.
func (s *Store) ReproducibilityAudit(ctx context.Context, experimentID string) ([]AuditEntry, error) {
	return read(ctx, s, func(tx *txn) ([]AuditEntry, error) {
		recs, err := tx.run(`
			MATCH (:Experiment {id: $id})-[:HAS_RUN]->(r:Run)
			WITH r ORDER BY r.startedAt DESC, r.id DESC LIMIT $limit
			OPTIONAL MATCH (dv:DatasetVersion)-[:CONSUMED_BY]->(r)
			WITH r, dv ORDER BY dv.id
			WITH r, collect(dv{.*}) AS inputs
			OPTIONAL MATCH (rep:Reproduction {originalRunId: r.id})
			WITH r, inputs, rep ORDER BY rep.id DESC
			WITH r, inputs, collect(rep{.*})[0] AS rep
			RETURN r{.*} AS run, inputs, rep ORDER BY r.startedAt DESC, r.id DESC`, map[string]any{"id": experimentID, "limit": MaxAuditRuns})
		if err != nil {
			return nil, err
		}
		out := make([]AuditEntry, 0, len(recs))
		for _, rec := range recs {
			st, err := decodeRunState(rec)
			if err != nil {
				return nil, err
			}
			e := AuditEntry{Run: st.run, Reproducibility: *st.reproducibility()}
			if v, _ := rec.Get("rep"); v != nil {
				if e.Latest, err = recDecode(rec, "rep", decodeReproduction); err != nil {
					return nil, err
				}
			}
			out = append(out, e)
		}
		return out, nil
	})
}
