package store

import (
	"context"
	"fmt"

	"github.com/exphub/exphub/internal/errs"
)

// Lineage edges point downstream, the way data flows:
//
//	(DatasetVersion)-[:CONSUMED_BY]->(Run)
//	(Run)-[:PRODUCED]->(DatasetVersion|ModelVersion)
//	(DatasetVersion)-[:DERIVED_INTO]->(DatasetVersion)
//
// so a downstream walk follows outgoing edges and an upstream walk incoming
// ones, with no reverse copies. Each edge records when it was created.

// AddRunInputs records that a run read dataset versions. Adding an input
// twice is a no-op. Every ID must exist (errs.NotFound names the first that
// does not) or nothing is written.
func (s *Store) AddRunInputs(ctx context.Context, actor, runID string, versionIDs []string) (*Run, error) {
	return s.addRunEdges(ctx, actor, runID, versionIDs, nil)
}

// AddRunOutputs records that a run wrote dataset versions and produced
// model versions. Adding an output twice is a no-op; all or nothing.
func (s *Store) AddRunOutputs(ctx context.Context, actor, runID string, versionIDs, modelVersionIDs []string) (*Run, error) {
	if len(versionIDs) == 0 && len(modelVersionIDs) == 0 {
		return nil, invalid("datasetVersionIds, modelVersionIds: at least one output is required")
	}
	if versionIDs == nil {
		versionIDs = []string{}
	}
	if modelVersionIDs == nil {
		modelVersionIDs = []string{}
	}
	return s.addRunEdges(ctx, actor, runID, versionIDs, modelVersionIDs)
}

// addRunEdges writes inputs (when outputs and models are nil) or outputs.
func (s *Store) addRunEdges(ctx context.Context, actor, runID string, versionIDs, modelVersionIDs []string) (*Run, error) {
	inputs := modelVersionIDs == nil
	field := "datasetVersionIds"
	if err := checkID("runId", runID, KindRun); err != nil {
		return nil, err
	}
	if inputs && len(versionIDs) == 0 {
		return nil, invalid("%s: at least one dataset version is required", field)
	}
	if len(versionIDs)+len(modelVersionIDs) > MaxItemsPerCall {
		return nil, invalid("%s: at most %d per call", field, MaxItemsPerCall)
	}
	for i, id := range versionIDs {
		if err := checkID(fmt.Sprintf("datasetVersionIds[%d]", i), id, KindDatasetVersion); err != nil {
			return nil, err
		}
	}
	for i, id := range modelVersionIDs {
		if err := checkID(fmt.Sprintf("modelVersionIds[%d]", i), id, KindModelVersion); err != nil {
			return nil, err
		}
	}
	all := append(append([]string{}, versionIDs...), modelVersionIDs...)
	var unchanged *Run
	run, err := write(ctx, s, func(tx *txn) (*Run, error) {
		if _, err := lockRun(tx, runID); err != nil {
			return nil, err
		}
		rec, err := tx.single(`UNWIND $ids AS id OPTIONAL MATCH (n:Node {id: id}) WITH id, n WHERE n IS NULL RETURN collect(id) AS missing`,
			map[string]any{"ids": all})
		if err != nil {
			return nil, err
		}
		missing, _, err := getList(rec, "missing")
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("%v: %w", missing[0], errs.NotFound)
		}
		params := map[string]any{"runId": runID, "versions": versionIDs, "models": modelVersionIDs, "now": s.now().UTC()}
		// An edge whose createdAt is this call's $now was created by it;
		// the others existed already.
		q := `
			MATCH (r:Run {id: $runId})
			UNWIND $versions AS vid
			MATCH (v:DatasetVersion {id: vid})
			MERGE (v)-[e:CONSUMED_BY]->(r) ON CREATE SET e.createdAt = $now
			RETURN [x IN collect(CASE WHEN e.createdAt = $now THEN v.id END) WHERE x IS NOT NULL] AS added`
		if !inputs {
			q = `
			MATCH (r:Run {id: $runId})
			CALL {
			  WITH r
			  UNWIND $versions AS vid
			  MATCH (v:DatasetVersion {id: vid})
			  MERGE (r)-[e:PRODUCED]->(v) ON CREATE SET e.createdAt = $now
			  RETURN collect(CASE WHEN e.createdAt = $now THEN v.id END) AS a
			}
			CALL {
			  WITH r
			  UNWIND $models AS mid
			  MATCH (v:ModelVersion {id: mid})
			  MERGE (r)-[e:PRODUCED]->(v) ON CREATE SET e.createdAt = $now
			  RETURN collect(CASE WHEN e.createdAt = $now THEN v.id END) AS b
			}
			RETURN a + b AS added`
		}
		rec, err = tx.single(q, params)
		if err != nil {
			return nil, err
		}
		added, _, err := getList(rec, "added")
		if err != nil {
			return nil, err
		}
		run, err := runRecord(tx, runID, `MATCH (r:Run {id: $id}) RETURN r{.*} AS r`, nil)
		if err != nil {
			return nil, err
		}
		if len(added) == 0 {
			// Every edge existed: roll back the lock's revision bump too.
			unchanged = run
			return nil, errUnchanged
		}
		ids := make([]string, len(added))
		for i, a := range added {
			ids[i], _ = a.(string)
		}
		key := "outputs"
		if inputs {
			key = "inputs"
		}
		return run, s.appendEvents(tx, actor, eventDraft{EventRunLineageChanged, run.ProjectKey, run.ID,
			map[string]any{"experimentId": run.ExperimentID, key: ids}})
	})
	return orUnchanged(run, unchanged, err)
}

// Neighbourhood names a one-hop relation the API exposes as a field.
type Neighbourhood int

// The one-hop relations.
const (
	RunInputs          Neighbourhood = iota // Run <-CONSUMED_BY- DatasetVersion
	RunOutputs                              // Run -PRODUCED-> DatasetVersion
	RunModelOutputs                         // Run -PRODUCED-> ModelVersion
	VersionProducedBy                       // DatasetVersion <-PRODUCED- Run
	VersionConsumedBy                       // DatasetVersion -CONSUMED_BY-> Run
	VersionDerivedFrom                      // DatasetVersion <-DERIVED_INTO- DatasetVersion
	ModelVersionRun                         // ModelVersion <-PRODUCED- Run
	RunParent                               // Run <-PARENT_OF- Run
	RunChildren                             // Run -PARENT_OF-> Run
	RunJob                                  // Run <-HAS_RUN- Job
	JobLatestRun                            // Job -HAS_RUN-> Run, the one that started last
	JobParent                               // Job <-HAS_CHILD- Job
	JobChildren                             // Job -HAS_CHILD-> Job
	JobInputs                               // Job <-READ_BY- Dataset
	JobOutputs                              // Job -WRITES-> Dataset
	DatasetJobs                             // Dataset -READ_BY-> Job, and Dataset <-WRITES- Job
)

var neighbourQueries = map[Neighbourhood]string{
	RunInputs:          `UNWIND $ids AS id MATCH (:Run {id: id})<-[:CONSUMED_BY]-(m:DatasetVersion) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	RunOutputs:         `UNWIND $ids AS id MATCH (:Run {id: id})-[:PRODUCED]->(m:DatasetVersion) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	RunModelOutputs:    `UNWIND $ids AS id MATCH (:Run {id: id})-[:PRODUCED]->(m:ModelVersion) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	VersionProducedBy:  `UNWIND $ids AS id MATCH (:DatasetVersion {id: id})<-[:PRODUCED]-(m:Run) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	VersionConsumedBy:  `UNWIND $ids AS id MATCH (:DatasetVersion {id: id})-[:CONSUMED_BY]->(m:Run) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	VersionDerivedFrom: `UNWIND $ids AS id MATCH (:DatasetVersion {id: id})<-[:DERIVED_INTO]-(m:DatasetVersion) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	ModelVersionRun:    `UNWIND $ids AS id MATCH (:ModelVersion {id: id})<-[:PRODUCED]-(m:Run) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	RunParent:          `UNWIND $ids AS id MATCH (:Run {id: id})<-[:PARENT_OF]-(m:Run) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	RunChildren:        `UNWIND $ids AS id MATCH (:Run {id: id})-[:PARENT_OF]->(m:Run) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	RunJob:             `UNWIND $ids AS id MATCH (:Run {id: id})<-[:HAS_RUN]-(m:Job) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	JobLatestRun: `UNWIND $ids AS id MATCH (:Job {id: id})-[:HAS_RUN]->(m:Run) WITH id, m ORDER BY m.startedAt DESC, m.id DESC
		RETURN id, collect(m{.*})[0..1] AS ns`,
	JobParent:   `UNWIND $ids AS id MATCH (:Job {id: id})<-[:HAS_CHILD]-(m:Job) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	JobChildren: `UNWIND $ids AS id MATCH (:Job {id: id})-[:HAS_CHILD]->(m:Job) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	JobInputs:   `UNWIND $ids AS id MATCH (:Job {id: id})<-[:READ_BY]-(m:Dataset) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	JobOutputs:  `UNWIND $ids AS id MATCH (:Job {id: id})-[:WRITES]->(m:Dataset) WITH id, m ORDER BY m.id RETURN id, collect(m{.*}) AS ns`,
	DatasetJobs: `UNWIND $ids AS id MATCH (:Dataset {id: id})-[:READ_BY|WRITES]-(m:Job) WITH DISTINCT id, m ORDER BY m.id
		RETURN id, collect(m{.*}) AS ns`,
}

// neighbours returns, in the order of ids, the one-hop neighbours of each
// node, in one round-trip.
func neighbours[T any](ctx context.Context, s *Store, n Neighbourhood, ids []string, decode func(map[string]any) (T, error)) ([][]T, error) {
	return read(ctx, s, func(tx *txn) ([][]T, error) {
		recs, err := tx.run(neighbourQueries[n], map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		byID := make(map[string][]T, len(recs))
		for _, rec := range recs {
			id, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			ms, err := recMaps(rec, "ns")
			if err != nil {
				return nil, err
			}
			if byID[id], err = decodeAll(ms, decode); err != nil {
				return nil, err
			}
		}
		out := make([][]T, len(ids))
		for i, id := range ids {
			out[i] = byID[id]
		}
		return out, nil
	})
}

// NeighbourRuns returns the runs related to each node by n (one of
// VersionProducedBy, VersionConsumedBy, ModelVersionRun, RunParent,
// RunChildren, JobLatestRun).
func (s *Store) NeighbourRuns(ctx context.Context, n Neighbourhood, ids []string) ([][]*Run, error) {
	return neighbours(ctx, s, n, ids, decodeRun)
}

// NeighbourDatasetVersions returns the dataset versions related to each
// node by n (one of RunInputs, RunOutputs, VersionDerivedFrom).
func (s *Store) NeighbourDatasetVersions(ctx context.Context, n Neighbourhood, ids []string) ([][]*DatasetVersion, error) {
	return neighbours(ctx, s, n, ids, decodeDatasetVersion)
}

// NeighbourModelVersions returns the model versions related to each node by
// n (RunModelOutputs).
func (s *Store) NeighbourModelVersions(ctx context.Context, n Neighbourhood, ids []string) ([][]*ModelVersion, error) {
	return neighbours(ctx, s, n, ids, decodeModelVersion)
}
