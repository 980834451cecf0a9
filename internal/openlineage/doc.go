// Package openlineage owns OpenLineage ingestion: reading an event of spec
// 2-0-x (RunEvent, JobEvent, DatasetEvent) and checking it against the
// spec's required fields, types and formats; which project it lands in
// (a namespace→project map with a default); the run state machine (Next:
// events of a run merge in any order, a terminal state is not reopened);
// and what an event becomes in the graph — a job, its run, the datasets
// and versions it read and wrote, column lineage, and the producer's
// quality assertions as validation results (Mapped).
//
// Service.Ingest is the one operation: parse, map, check the caller's
// role, write. Writes of concurrent callers are grouped into one store
// transaction. It must not speak HTTP (internal/api serves the endpoint)
// and holds no Cypher.
package openlineage
