package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// RunState is a run with what reproducing it needs: its inputs, in ID
// order.
type RunState struct {
	Run    *Run
	Inputs []*DatasetVersion
}

// runStates loads runs with their inputs, by ID; missing runs are absent.
func runStates(tx *txn, ids []string) (map[string]*RunState, error) {
	recs, err := tx.run(`
		UNWIND $ids AS id
		MATCH (r:Run {id: id})
		OPTIONAL MATCH (dv:DatasetVersion)-[:CONSUMED_BY]->(r)
		WITH r, dv ORDER BY dv.id
		RETURN r{.*} AS run, collect(dv{.*}) AS inputs`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*RunState, len(recs))
	for _, rec := range recs {
		st, err := decodeRunState(rec)
		if err != nil {
			return nil, err
		}
		out[st.Run.ID] = st
	}
	return out, nil
}

// decodeRunState reads a record with a run and its inputs.
func decodeRunState(rec *neo4j.Record) (*RunState, error) {
	run, err := recDecode(rec, "run", decodeRun)
	if err != nil {
		return nil, err
	}
	ms, err := recMaps(rec, "inputs")
	if err != nil {
		return nil, err
	}
	inputs, err := decodeAll(ms, decodeDatasetVersion)
	return &RunState{Run: run, Inputs: inputs}, err
}

func loadRunState(tx *txn, runID string) (*RunState, error) {
	sts, err := runStates(tx, []string{runID})
	if err != nil {
		return nil, err
	}
	if sts[runID] == nil {
		return nil, notFound(KindRun, runID)
	}
	return sts[runID], nil
}

// RunStates returns, for each run in runIDs (in that order, in one
// round-trip), the run with its inputs; a run that does not exist is
// errs.NotFound.
func (s *Store) RunStates(ctx context.Context, runIDs []string) ([]*RunState, error) {
	return read(ctx, s, func(tx *txn) ([]*RunState, error) {
		sts, err := runStates(tx, runIDs)
		if err != nil {
			return nil, err
		}
		out := make([]*RunState, len(runIDs))
		for i, id := range runIDs {
			if sts[id] == nil {
				return nil, notFound(KindRun, id)
			}
			out[i] = sts[id]
		}
		return out, nil
	})
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

// ParamMap is the run's params by key.
func (r *Run) ParamMap() map[string]string {
	out := make(map[string]string, len(r.Params))
	for _, kv := range r.Params {
		out[kv.Key] = kv.Value
	}
	return out
}

// FinalValues is each metric's latest value by key.
func FinalValues(ms []*Metric) map[string]float64 {
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

// RecordReproductionInput is a rerun comparison to store: the runs, the
// tolerances and the outcome governance.Compare gave.
type RecordReproductionInput struct {
	OriginalRunID, ReproductionRunID string
	Tolerance, RelativeTolerance     float64
	Status                           ReproductionStatus
	Metrics                          []MetricComparison
}

// RecordReproduction stores a rerun comparison in the original's project
// and evaluates again the open promotion requests whose training run is
// the original.
func (s *Store) RecordReproduction(ctx context.Context, actor string, in RecordReproductionInput) (*Reproduction, error) {
	if err := checkID("originalRunId", in.OriginalRunID, KindRun); err != nil {
		return nil, err
	}
	if err := checkID("reproductionRunId", in.ReproductionRunID, KindRun); err != nil {
		return nil, err
	}
	text, err := json.Marshal(in.Metrics)
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
			map[string]any{"orig": in.OriginalRunID, "rerun": in.ReproductionRunID, "id": newID(KindReproduction), "atol": in.Tolerance,
				"rtol": in.RelativeTolerance, "status": string(in.Status), "metrics": string(text), "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("originalRunId: %w", notFound(KindRun, in.OriginalRunID))
		}
		rep, err := recDecode(rec, "rep", decodeReproduction)
		if err != nil {
			return nil, err
		}
		drafts, err := s.reevaluateOpen(tx, "runId", in.OriginalRunID)
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

// AuditRun is one run of an experiment's reproducibility audit: the run
// with its inputs, and its newest reproduction (nil when none).
type AuditRun struct {
	RunState
	Latest *Reproduction
}

// MaxAuditRuns bounds an experiment's reproducibility audit.
const MaxAuditRuns = 1000

// ReproducibilityAudit lists an experiment's runs, newest first (at most
// MaxAuditRuns), each with its inputs and newest reproduction, in one
// round-trip.
func (s *Store) ReproducibilityAudit(ctx context.Context, experimentID string) ([]AuditRun, error) {
	return read(ctx, s, func(tx *txn) ([]AuditRun, error) {
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
		out := make([]AuditRun, 0, len(recs))
		for _, rec := range recs {
			st, err := decodeRunState(rec)
			if err != nil {
				return nil, err
			}
			e := AuditRun{RunState: *st}
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
