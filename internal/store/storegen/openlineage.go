package storegen

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/store"
)

// The reads of this file serve bench/openlineage: after a load of
// OpenLineage events into a project of its own, what the hub holds of
// them, to check against what was sent.

// IngestedRuns is what a project holds of the runs OpenLineage events
// named.
type IngestedRuns struct {
	// Runs counts the project's runs that carry an OpenLineage runId.
	Runs int64
	// ByStatus counts those runs by status.
	ByStatus map[string]int64
	// ByInputs counts them by the number of dataset versions they
	// consumed.
	ByInputs map[int64]int64
	// ExternalIDs are their distinct runIds: fewer than Runs means a
	// runId was written as two runs.
	ExternalIDs []string
}

// OpenLineageRuns reads the runs of project that OpenLineage events
// created.
func (gs *Graphs) OpenLineageRuns(ctx context.Context, project string) (IngestedRuns, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) (IngestedRuns, error) {
		out := IngestedRuns{ByStatus: map[string]int64{}, ByInputs: map[int64]int64{}}
		p := map[string]any{"k": project}
		recs, err := run(ctx, tx, `
			MATCH (r:Run {projectKey: $k}) WHERE r.externalId IS NOT NULL
			RETURN r.status AS status, COUNT { (:DatasetVersion)-[:CONSUMED_BY]->(r) } AS inputs, count(*) AS n`, p)
		if err != nil {
			return out, err
		}
		for _, rec := range recs {
			status, err := recStr(rec, "status")
			if err != nil {
				return out, err
			}
			n, err := recInt(rec, "n")
			if err != nil {
				return out, err
			}
			inputs, err := recInt(rec, "inputs")
			if err != nil {
				return out, err
			}
			out.ByStatus[status] += n
			out.ByInputs[inputs] += n
			out.Runs += n
		}
		recs, err = run(ctx, tx, `
			MATCH (r:Run {projectKey: $k}) WHERE r.externalId IS NOT NULL
			RETURN DISTINCT r.externalId AS id`, p)
		if err != nil {
			return out, err
		}
		out.ExternalIDs, err = recStrs(recs, "id")
		return out, err
	})
}

// IngestedGraph counts what OpenLineage events made of a project: the
// event records that make a retry a no-op, the entries of the event log,
// and the lineage nodes.
type IngestedGraph struct {
	LineageEvents int64
	// LogEntries counts the project's event log entries by kind.
	LogEntries               map[string]int64
	Jobs, Datasets, Versions int64
	// Columns counts the versions' columns with column lineage; ColFeeds
	// the input columns their column lineage names.
	Columns, ColFeeds int64
}

// LogTotal is the number of the project's event log entries.
func (g IngestedGraph) LogTotal() int64 {
	var n int64
	for _, c := range g.LogEntries {
		n += c
	}
	return n
}

// OpenLineageGraph counts what OpenLineage events made of project.
func (gs *Graphs) OpenLineageGraph(ctx context.Context, project string) (IngestedGraph, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) (IngestedGraph, error) {
		out := IngestedGraph{LogEntries: map[string]int64{}}
		p := map[string]any{"k": project}
		recs, err := run(ctx, tx, `MATCH (e:Event {projectKey: $k}) RETURN e.kind AS kind, count(*) AS n`, p)
		if err != nil {
			return out, err
		}
		for _, rec := range recs {
			kind, err := recStr(rec, "kind")
			if err != nil {
				return out, err
			}
			if out.LogEntries[kind], err = recInt(rec, "n"); err != nil {
				return out, err
			}
		}
		rec, err := one(run(ctx, tx, `
			CALL { MATCH (e:LineageEvent {projectKey: $k}) RETURN count(e) AS events }
			CALL { MATCH (j:Job {projectKey: $k}) RETURN count(j) AS jobs }
			CALL { MATCH (d:Dataset {projectKey: $k}) RETURN count(d) AS datasets }
			CALL { MATCH (:Dataset {projectKey: $k})-[:HAS_VERSION]->(v:DatasetVersion)
			       RETURN count(v) AS versions, sum(size(coalesce(v.lineageColumns, []))) AS columns }
			RETURN events, jobs, datasets, versions, columns`, p))
		if err != nil {
			return out, err
		}
		for key, dst := range map[string]*int64{"events": &out.LineageEvents, "jobs": &out.Jobs, "datasets": &out.Datasets,
			"versions": &out.Versions, "columns": &out.Columns} {
			if *dst, err = recInt(rec, key); err != nil {
				return out, err
			}
		}
		// A version keeps its column lineage as one JSON property; the
		// column edges are counted out of it.
		recs, err = run(ctx, tx, `
			MATCH (:Dataset {projectKey: $k})-[:HAS_VERSION]->(v:DatasetVersion) WHERE v.columnLineage IS NOT NULL
			RETURN v.columnLineage AS lineage`, p)
		if err != nil {
			return out, err
		}
		texts, err := recStrs(recs, "lineage")
		if err != nil {
			return out, err
		}
		for _, text := range texts {
			n, err := store.ColumnFeedCount(text)
			if err != nil {
				return out, err
			}
			out.ColFeeds += int64(n)
		}
		return out, nil
	})
}
