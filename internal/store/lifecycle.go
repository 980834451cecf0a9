package store

import (
	"context"
	"fmt"
)

// Deleting and restoring experiments and runs (MLflow's lifecycle stages,
// internal/mlflow): a deletion is soft. The node stays with everything
// logged to it and only gains deletedAt; restoring takes it away again.
// Every change appends its event in the same transaction; a change that
// changes nothing (deleting a deleted run, restoring an active one) writes
// nothing, so a retried request leaves no second event.

// Event kinds of the lifecycle; their values are GraphQL EventKind values.
const (
	EventRunDeleted         EventKind = "RUN_DELETED"
	EventRunRestored        EventKind = "RUN_RESTORED"
	EventExperimentDeleted  EventKind = "EXPERIMENT_DELETED"
	EventExperimentRestored EventKind = "EXPERIMENT_RESTORED"
)

func init() {
	EventKinds = append(EventKinds, EventRunDeleted, EventRunRestored, EventExperimentDeleted, EventExperimentRestored)
}

// Lifecycle selects experiments or runs by their lifecycle stage, as
// MLflow's view types do. The zero value is LifecycleActive.
type Lifecycle string

// The lifecycle selections.
const (
	LifecycleActive  Lifecycle = ""
	LifecycleDeleted Lifecycle = "deleted"
	LifecycleAll     Lifecycle = "all"
)

func (l Lifecycle) param() (string, error) {
	switch l {
	case LifecycleActive:
		return "active", nil
	case LifecycleDeleted, LifecycleAll:
		return string(l), nil
	}
	return "", invalid("lifecycle: unknown selection %q", string(l))
}

// lifecycleWhere is the constant predicate on variable v (an Experiment
// or a Run) that $lifecycle (Lifecycle.param) selects.
func lifecycleWhere(v string) string {
	return "($lifecycle = 'all' OR ($lifecycle = 'deleted') = (" + v + ".deletedAt IS NOT NULL))"
}

// SetRunDeleted deletes (deleted true) or restores a run: deletedAt is set
// to now or removed, and RUN_DELETED or RUN_RESTORED appended. A run in
// that state already is returned unchanged and nothing is written.
// Restoring a run that its experiment's deletion deleted restores it alone
// (its experiment stays deleted), as MLflow does.
func (s *Store) SetRunDeleted(ctx context.Context, actor, runID string, deleted bool) (*Run, error) {
	if err := checkID("run_id", runID, KindRun); err != nil {
		return nil, err
	}
	var unchanged *Run
	run, err := write(ctx, s, func(tx *txn) (*Run, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return nil, err
		}
		if (r.DeletedAt != nil) == deleted {
			unchanged = r
			return nil, errUnchanged
		}
		var at any
		kind := EventRunRestored
		if deleted {
			at, kind = s.now().UTC(), EventRunDeleted
		}
		run, err := runRecord(tx, runID, `MATCH (r:Run {id: $id}) SET r.deletedAt = $at REMOVE r.deletedWithExperiment RETURN r{.*} AS r`,
			map[string]any{"at": at})
		if err != nil {
			return nil, err
		}
		return run, s.appendEvents(tx, actor, eventDraft{kind, run.ProjectKey, run.ID,
			map[string]any{"experimentId": run.ExperimentID, "name": run.Name}})
	})
	return orUnchanged(run, unchanged, err)
}

// SetExperimentDeleted deletes (deleted true) or restores an experiment
// and returns it with how many of its runs changed with it. Deleting it
// deletes its active runs too (each marked DeletedWithExperiment);
// restoring it restores exactly those, so a run deleted on its own before
// stays deleted. One EXPERIMENT_DELETED or EXPERIMENT_RESTORED event
// (payload: name, runs) records the change. An experiment in that state
// already is returned unchanged and nothing is written.
func (s *Store) SetExperimentDeleted(ctx context.Context, actor, experimentID string, deleted bool) (*Experiment, int, error) {
	if err := checkID("experiment_id", experimentID, KindExperiment); err != nil {
		return nil, 0, err
	}
	type result struct {
		e    *Experiment
		runs int
	}
	var unchanged result
	res, err := write(ctx, s, func(tx *txn) (result, error) {
		rec, err := tx.single(`MATCH (e:Experiment {id: $id}) `+lockClause("e")+` RETURN e{.*} AS e`, map[string]any{"id": experimentID})
		if err != nil {
			return result{}, err
		}
		if rec == nil {
			return result{}, notFound(KindExperiment, experimentID)
		}
		e, err := recDecode(rec, "e", decodeExperiment)
		if err != nil {
			return result{}, err
		}
		if (e.DeletedAt != nil) == deleted {
			unchanged = result{e: e}
			return result{}, errUnchanged
		}
		now := s.now().UTC()
		cypher := `
			MATCH (e:Experiment {id: $id})
			SET e.deletedAt = $now, e.updatedAt = $now
			WITH e
			CALL {
			  WITH e
			  MATCH (r:Run) WHERE r.experimentId = e.id AND r.deletedAt IS NULL
			  SET r.deletedAt = $now, r.deletedWithExperiment = true, r.revision = coalesce(r.revision, 0) + 1
			  RETURN count(r) AS runs
			}
			RETURN e{.*} AS e, runs`
		kind := EventExperimentDeleted
		if !deleted {
			cypher = `
			MATCH (e:Experiment {id: $id})
			SET e.deletedAt = null, e.updatedAt = $now
			WITH e
			CALL {
			  WITH e
			  MATCH (r:Run) WHERE r.experimentId = e.id AND r.deletedWithExperiment = true
			  SET r.deletedAt = null, r.revision = coalesce(r.revision, 0) + 1
			  REMOVE r.deletedWithExperiment
			  RETURN count(r) AS runs
			}
			RETURN e{.*} AS e, runs`
			kind = EventExperimentRestored
		}
		rec, err = tx.single(cypher, map[string]any{"id": experimentID, "now": now})
		if err != nil {
			return result{}, err
		}
		if rec == nil {
			return result{}, fmt.Errorf("experiment %s vanished under its lock", experimentID)
		}
		e, err = recDecode(rec, "e", decodeExperiment)
		if err != nil {
			return result{}, err
		}
		runs, err := recInt(rec, "runs")
		if err != nil {
			return result{}, err
		}
		return result{e, int(runs)}, s.appendEvents(tx, actor, eventDraft{kind, e.ProjectKey, e.ID,
			map[string]any{"name": e.Name, "runs": runs}})
	})
	res, err = orUnchanged(res, unchanged, err)
	return res.e, res.runs, err
}
