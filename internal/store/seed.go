package store

import (
	"context"
	"fmt"

	"github.com/exphub/exphub/internal/errs"
)

// This file is a fixture writer for tests and benchmarks that need a large
// graph of experiments, runs and run inputs before they measure a read.
// Writing it through CreateExperiment, StartRun and AddRunInputs costs one
// write transaction per object, each serialised on the event log's head, so
// thousands of them take minutes on a loaded machine. SeedExperiments
// writes the same graph in a few batched transactions.

// ExperimentSeed is an experiment for SeedExperiments: its name and its runs.
type ExperimentSeed struct {
	Name string
	Runs []RunSeed
}

// RunSeed is a run for SeedExperiments: started RUNNING with no params,
// tags, code, environment or seed (what StartRun writes for a name alone),
// then given Inputs (dataset version IDs) as AddRunInputs records them.
// An empty Name gets StartRun's default name.
type RunSeed struct {
	Name   string
	Inputs []string
}

// SeededExperiment holds the IDs SeedExperiments gave an experiment and,
// in the order of its seed, its runs.
type SeededExperiment struct {
	ID     string
	RunIDs []string
}

// seedBatchRuns bounds the runs (and so the nodes, edges and events) one
// SeedExperiments transaction writes; an experiment is never split.
const seedBatchRuns = 500

// SeedExperiments writes experiments with their runs and run inputs in
// project projectKey as actor, in batched write transactions (per batch: a
// check that the inputs exist, one UNWIND statement that writes the
// experiments, runs and input edges, and one event append), and returns
// their IDs in the order of exps.
//
// The graph it writes is the one CreateExperiment, then StartRun for each
// run, then AddRunInputs for each run with inputs write: the same nodes,
// labels, properties (a run with inputs has revision 1, as after
// AddRunInputs), relationships and events, in the same order per
// experiment. Only the number of transactions differs, so a reader's cost
// measured on it is the real one. TestSeedExperimentsWritesWhatTheOperationsWrite
// holds the two paths together.
//
// It returns errs.NotFound when the project or an input does not exist,
// errs.Conflict when an experiment name is taken, and errs.Invalid for a
// malformed name or ID. Batches written before a failing one stay written.
func (s *Store) SeedExperiments(ctx context.Context, actor, projectKey string, exps []ExperimentSeed) ([]SeededExperiment, error) {
	if err := checkProjectKey("projectKey", projectKey); err != nil {
		return nil, err
	}
	out := make([]SeededExperiment, len(exps))
	var batch []int // indexes into exps
	runs := 0
	for i, e := range exps {
		if err := e.check(i); err != nil {
			return nil, err
		}
		if len(batch) > 0 && runs+len(e.Runs) > seedBatchRuns {
			if err := s.seedBatch(ctx, actor, projectKey, exps, batch, out); err != nil {
				return nil, err
			}
			batch, runs = batch[:0], 0
		}
		batch = append(batch, i)
		runs += len(e.Runs)
	}
	if len(batch) > 0 {
		if err := s.seedBatch(ctx, actor, projectKey, exps, batch, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// check applies the validation of CreateExperiment, StartRun and
// AddRunInputs to experiment i.
func (e ExperimentSeed) check(i int) error {
	field := fmt.Sprintf("experiments[%d]", i)
	if err := checkText(field+".name", e.Name, MaxNameLen, true); err != nil {
		return err
	}
	for j, r := range e.Runs {
		rf := fmt.Sprintf("%s.runs[%d]", field, j)
		if err := checkText(rf+".name", r.Name, MaxNameLen, false); err != nil {
			return err
		}
		if len(r.Inputs) > MaxItemsPerCall {
			return invalid("%s.inputs: at most %d per call", rf, MaxItemsPerCall)
		}
		for k, id := range r.Inputs {
			if err := checkID(fmt.Sprintf("%s.inputs[%d]", rf, k), id, KindDatasetVersion); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedExperimentsQuery writes a batch: the statements of CreateExperiment,
// StartRun and AddRunInputs with their parameters unwound. Properties
// StartRun sets to null (code, environment, seed) are absent, as they are
// after StartRun. Every subquery aggregates, so an experiment without runs
// or a run without inputs still yields its row.
const seedExperimentsQuery = `
	MATCH (p:Project {key: $projectKey})
	UNWIND $experiments AS x
	CREATE (e:Experiment:Node {id: x.id, projectKey: p.key, name: x.name, displayName: x.name,
	        description: '', createdAt: x.now, createdBy: $actor})
	CREATE (p)-[:HAS_EXPERIMENT]->(e)
	WITH e, x
	CALL {
	  WITH e, x
	  UNWIND x.runs AS rs
	  CREATE (r:Run:Node {id: rs.id, projectKey: e.projectKey, experimentId: e.id, name: rs.name, displayName: rs.name,
	          status: 'RUNNING', startedAt: rs.now, createdAt: rs.now, createdBy: $actor, revision: rs.revision,
	          paramKeys: [], paramValues: [], tagKeys: [], tagValues: []})
	  CREATE (e)-[:HAS_RUN]->(r)
	  WITH r, rs
	  CALL {
	    WITH r, rs
	    UNWIND rs.inputs AS vid
	    MATCH (v:DatasetVersion {id: vid})
	    CREATE (v)-[:CONSUMED_BY {createdAt: rs.inputsAt}]->(r)
	    RETURN count(*) AS edges
	  }
	  RETURN count(r) AS runs, sum(edges) AS edges
	}
	RETURN count(e) AS experiments, sum(runs) AS runs, sum(edges) AS edges`

// seedBatch writes the experiments exps[i] for i in batch in one
// transaction and records their IDs in out.
func (s *Store) seedBatch(ctx context.Context, actor, projectKey string, exps []ExperimentSeed, batch []int, out []SeededExperiment) error {
	rows := make([]map[string]any, len(batch))
	ids := make([]SeededExperiment, len(batch))
	var drafts []eventDraft
	inputs := map[string]bool{}
	wantRuns, wantEdges := 0, 0
	for b, i := range batch {
		e := exps[i]
		id := newID(KindExperiment)
		ids[b] = SeededExperiment{ID: id, RunIDs: make([]string, len(e.Runs))}
		drafts = append(drafts, eventDraft{EventExperimentCreated, projectKey, id, map[string]any{"name": e.Name}})
		runs := make([]map[string]any, len(e.Runs))
		for j, r := range e.Runs {
			rid := newID(KindRun)
			ids[b].RunIDs[j] = rid
			name := r.Name
			if name == "" {
				name = "run-" + rid[len(rid)-8:]
			}
			drafts = append(drafts, eventDraft{EventRunStarted, projectKey, rid,
				map[string]any{"experimentId": id, "name": name, "status": string(StatusRunning)}})
			row := map[string]any{"id": rid, "name": name, "now": s.now().UTC(), "revision": int64(0), "inputs": []string{}, "inputsAt": nil}
			// AddRunInputs MERGEs, so an input named twice is one edge.
			var added []string
			seen := map[string]bool{}
			for _, in := range r.Inputs {
				if !seen[in] {
					seen[in] = true
					added = append(added, in)
					inputs[in] = true
				}
			}
			if len(added) > 0 {
				// AddRunInputs locks the run, which counts a revision.
				row["inputs"], row["inputsAt"], row["revision"] = added, s.now().UTC(), int64(1)
				drafts = append(drafts, eventDraft{EventRunLineageChanged, projectKey, rid,
					map[string]any{"experimentId": id, "inputs": added}})
			}
			runs[j] = row
			wantRuns++
			wantEdges += len(added)
		}
		rows[b] = map[string]any{"id": id, "name": e.Name, "now": s.now().UTC(), "runs": runs}
	}
	all := make([]string, 0, len(inputs))
	for id := range inputs {
		all = append(all, id)
	}
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		if len(all) > 0 {
			rec, err := tx.single(`UNWIND $ids AS id OPTIONAL MATCH (v:DatasetVersion {id: id}) WITH id, v WHERE v IS NULL RETURN collect(id) AS missing`,
				map[string]any{"ids": all})
			if err != nil {
				return struct{}{}, err
			}
			missing, _, err := getList(rec, "missing")
			if err != nil {
				return struct{}{}, err
			}
			if len(missing) > 0 {
				return struct{}{}, fmt.Errorf("%v: %w", missing[0], errs.NotFound)
			}
		}
		rec, err := tx.single(seedExperimentsQuery, map[string]any{"projectKey": projectKey, "actor": actor, "experiments": rows})
		if err != nil {
			return struct{}{}, err
		}
		n, err := recInt(rec, "experiments")
		if err != nil {
			return struct{}{}, err
		}
		if n == 0 {
			return struct{}{}, notFound(KindProject, projectKey)
		}
		r, err := recInt(rec, "runs")
		if err != nil {
			return struct{}{}, err
		}
		e, err := recInt(rec, "edges")
		if err != nil {
			return struct{}{}, err
		}
		if int(n) != len(rows) || int(r) != wantRuns || int(e) != wantEdges {
			return struct{}{}, fmt.Errorf("seed experiments: wrote %d experiments, %d runs and %d inputs, want %d, %d and %d",
				n, r, e, len(rows), wantRuns, wantEdges)
		}
		return struct{}{}, s.appendEvents(tx, actor, drafts...)
	})
	if err != nil {
		return fmt.Errorf("seed experiments in %q: %w", projectKey, err)
	}
	for b, i := range batch {
		out[i] = ids[b]
	}
	return nil
}
