package store

import (
	"context"
)

// The reads and writes below exist for the MLflow REST API (internal/mlflow):
// MLflow finds experiments by name, lists them across projects, lists an
// experiment's runs and deletes run tags, which GraphQL does not.

// ExperimentByName returns the experiment named name in project projectKey,
// or errs.NotFound.
func (s *Store) ExperimentByName(ctx context.Context, projectKey, name string) (*Experiment, error) {
	if err := checkText("name", name, MaxNameLen, true); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*Experiment, error) {
		rec, err := tx.single(`MATCH (e:Experiment {projectKey: $pk, name: $name}) RETURN e{.*} AS e`,
			map[string]any{"pk": projectKey, "name": name})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindExperiment, projectKey+"/"+name)
		}
		return recDecode(rec, "e", decodeExperiment)
	})
}

// ExperimentsInScope lists the experiments of the projects in scope whose
// name contains nameContains (ignoring case; "" for all), newest first, at
// most limit after the experiment ID after ("" for the first page).
func (s *Store) ExperimentsInScope(ctx context.Context, scope Scope, nameContains, after string, limit int) ([]*Experiment, error) {
	if err := (NameFilter{NameContains: nameContains}).check(); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 10*MaxPageSize*10 {
		return nil, invalid("max_results: %d is out of range", limit)
	}
	params := scope.params()
	params["name"], params["after"], params["limit"] = nilIfEmpty(nameContains), nilIfEmpty(after), limit
	return read(ctx, s, func(tx *txn) ([]*Experiment, error) {
		recs, err := tx.run(`
			MATCH (e:Experiment)
			WHERE ($allProjects OR e.projectKey IN $projectKeys)
			  AND ($name IS NULL OR toLower(e.name) CONTAINS toLower($name))
			  AND ($after IS NULL OR e.id < $after)
			WITH e ORDER BY e.id DESC LIMIT $limit
			RETURN e{.*} AS e`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "e", decodeExperiment)
	})
}

// RunsOfExperiments lists the runs of experiments, newest first (run IDs
// are time-ordered), at most limit after the run ID after ("" for the
// first page).
func (s *Store) RunsOfExperiments(ctx context.Context, experimentIDs []string, after string, limit int) ([]*Run, error) {
	for _, id := range experimentIDs {
		if err := checkID("experiment_ids", id, KindExperiment); err != nil {
			return nil, err
		}
	}
	if after != "" {
		if err := checkID("page_token", after, KindRun); err != nil {
			return nil, err
		}
	}
	return read(ctx, s, func(tx *txn) ([]*Run, error) {
		recs, err := tx.run(`
			MATCH (r:Run) WHERE r.experimentId IN $ids AND ($after IS NULL OR r.id < $after)
			WITH r ORDER BY r.id DESC LIMIT $limit
			RETURN r{.*} AS r`,
			map[string]any{"ids": experimentIDs, "after": nilIfEmpty(after), "limit": limit})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "r", decodeRun)
	})
}

// DeleteRunTag removes the tag key from a run; a run without that tag is
// unchanged (so a retried request succeeds).
func (s *Store) DeleteRunTag(ctx context.Context, runID, key string) (*Run, error) {
	if err := checkID("run_id", runID, KindRun); err != nil {
		return nil, err
	}
	if err := checkText("key", key, MaxNameLen, true); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Run, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return nil, err
		}
		kept := make([]KeyValue, 0, len(r.Tags))
		for _, kv := range r.Tags {
			if kv.Key != key {
				kept = append(kept, kv)
			}
		}
		if len(kept) == len(r.Tags) {
			return r, nil
		}
		keys, values := unzipKV(kept)
		return setRunLists(tx, runID, "tags", keys, values)
	})
}
