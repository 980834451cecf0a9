package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// migrations are idempotent schema and data statements applied in order at
// start-up.
// Each is safe to run again (IF NOT EXISTS), so a replica starting beside a
// running one changes nothing.
var migrations = []string{
	"CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT project_key IF NOT EXISTS FOR (n:Project) REQUIRE n.key IS UNIQUE",
	"CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT experiment_id IF NOT EXISTS FOR (n:Experiment) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT experiment_name IF NOT EXISTS FOR (n:Experiment) REQUIRE (n.projectKey, n.name) IS UNIQUE",
	"CREATE CONSTRAINT run_id IF NOT EXISTS FOR (n:Run) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT dataset_id IF NOT EXISTS FOR (n:Dataset) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT dataset_name IF NOT EXISTS FOR (n:Dataset) REQUIRE (n.projectKey, n.namespace, n.name) IS UNIQUE",
	"CREATE CONSTRAINT dataset_version_id IF NOT EXISTS FOR (n:DatasetVersion) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT dataset_version_label IF NOT EXISTS FOR (n:DatasetVersion) REQUIRE (n.datasetId, n.version) IS UNIQUE",
	"CREATE CONSTRAINT model_id IF NOT EXISTS FOR (n:Model) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT model_name IF NOT EXISTS FOR (n:Model) REQUIRE (n.projectKey, n.name) IS UNIQUE",
	"CREATE CONSTRAINT model_version_id IF NOT EXISTS FOR (n:ModelVersion) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT model_version_number IF NOT EXISTS FOR (n:ModelVersion) REQUIRE (n.modelId, n.version) IS UNIQUE",
	"CREATE CONSTRAINT metric_key IF NOT EXISTS FOR (n:Metric) REQUIRE (n.runId, n.key) IS UNIQUE",
	"CREATE INDEX experiment_project IF NOT EXISTS FOR (n:Experiment) ON (n.projectKey)",
	"CREATE INDEX run_experiment IF NOT EXISTS FOR (n:Run) ON (n.experimentId)",
	"CREATE INDEX dataset_project IF NOT EXISTS FOR (n:Dataset) ON (n.projectKey)",
	"CREATE INDEX model_project IF NOT EXISTS FOR (n:Model) ON (n.projectKey)",
	"CREATE INDEX metric_chunk IF NOT EXISTS FOR (n:MetricChunk) ON (n.metricId, n.seq)",
	"CREATE CONSTRAINT event_seq IF NOT EXISTS FOR (e:Event) REQUIRE e.seq IS UNIQUE",
	"CREATE CONSTRAINT event_log_name IF NOT EXISTS FOR (h:EventLog) REQUIRE h.name IS UNIQUE",
	"CREATE INDEX event_project IF NOT EXISTS FOR (e:Event) ON (e.projectKey, e.seq)",
	// One signed checkpoint of the log's head per seq (checkpoints.go).
	"CREATE CONSTRAINT log_checkpoint_seq IF NOT EXISTS FOR (c:LogCheckpoint) REQUIRE (c.log, c.seq) IS UNIQUE",
	"CREATE CONSTRAINT validation_suite_id IF NOT EXISTS FOR (n:ValidationSuite) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT validation_suite_name IF NOT EXISTS FOR (n:ValidationSuite) REQUIRE (n.datasetId, n.name) IS UNIQUE",
	"CREATE CONSTRAINT validation_run_id IF NOT EXISTS FOR (n:ValidationRun) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX validation_run_version IF NOT EXISTS FOR (n:ValidationRun) ON (n.datasetVersionId)",
	"CREATE INDEX validation_run_dataset IF NOT EXISTS FOR (n:ValidationRun) ON (n.datasetId)",
	"CREATE INDEX validation_run_suite IF NOT EXISTS FOR (n:ValidationRun) ON (n.suiteId)",
	// The sweep that ends runs whose server died reads RUNNING runs.
	"CREATE INDEX validation_run_status IF NOT EXISTS FOR (n:ValidationRun) ON (n.status)",
	"CREATE INDEX event_target IF NOT EXISTS FOR (e:Event) ON (e.targetId)",
	// Everything of one project, whatever its label (a project's export,
	// the checks that a refused write changed nothing).
	"CREATE INDEX node_project IF NOT EXISTS FOR (n:Node) ON (n.projectKey)",
	"CREATE CONSTRAINT policy_id IF NOT EXISTS FOR (n:Policy) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT policy_version IF NOT EXISTS FOR (n:Policy) REQUIRE (n.projectKey, n.version) IS UNIQUE",
	"CREATE CONSTRAINT promotion_request_id IF NOT EXISTS FOR (n:PromotionRequest) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX promotion_request_open IF NOT EXISTS FOR (n:PromotionRequest) ON (n.open)",
	"CREATE INDEX promotion_request_project IF NOT EXISTS FOR (n:PromotionRequest) ON (n.projectKey)",
	"CREATE INDEX promotion_request_version IF NOT EXISTS FOR (n:PromotionRequest) ON (n.modelVersionId)",
	"CREATE CONSTRAINT approval_once IF NOT EXISTS FOR (n:Approval) REQUIRE (n.requestId, n.actor) IS UNIQUE",
	"CREATE CONSTRAINT bias_check_id IF NOT EXISTS FOR (n:BiasCheck) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX bias_check_version IF NOT EXISTS FOR (n:BiasCheck) ON (n.modelVersionId)",
	"CREATE CONSTRAINT reproduction_id IF NOT EXISTS FOR (n:Reproduction) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX reproduction_original IF NOT EXISTS FOR (n:Reproduction) ON (n.originalRunId)",
	// Compliance sign-offs, found by what they sign off and by digest.
	"CREATE CONSTRAINT sign_off_id IF NOT EXISTS FOR (n:SignOff) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX sign_off_subject IF NOT EXISTS FOR (n:SignOff) ON (n.subjectId)",
	"CREATE INDEX sign_off_digest IF NOT EXISTS FOR (n:SignOff) ON (n.digest)",
	// OpenLineage: jobs by namespace and name, runs by the producer's
	// runId, columns by version and name, and the hashes of the events
	// written (a retried event is found and changes nothing).
	"CREATE CONSTRAINT job_id IF NOT EXISTS FOR (n:Job) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT job_name IF NOT EXISTS FOR (n:Job) REQUIRE (n.projectKey, n.namespace, n.name) IS UNIQUE",
	"CREATE INDEX job_project IF NOT EXISTS FOR (n:Job) ON (n.projectKey)",
	"CREATE CONSTRAINT run_external_id IF NOT EXISTS FOR (n:Run) REQUIRE (n.projectKey, n.externalId) IS UNIQUE",
	"CREATE INDEX run_parent_external_id IF NOT EXISTS FOR (n:Run) ON (n.projectKey, n.parentExternalId)",
	"CREATE INDEX run_job IF NOT EXISTS FOR (n:Run) ON (n.jobId)",
	// An event is one per project: the same event sent to two projects is
	// two (the global key it had first is dropped).
	"DROP CONSTRAINT lineage_event_hash IF EXISTS",
	"CREATE CONSTRAINT lineage_event_key IF NOT EXISTS FOR (n:LineageEvent) REQUIRE (n.projectKey, n.hash) IS UNIQUE",
	// Events recorded but not yet applied (the asynchronous intake): the
	// property is removed once applied, so the index holds the backlog only.
	"CREATE INDEX lineage_event_pending IF NOT EXISTS FOR (n:LineageEvent) ON (n.pending)",
	// The head of the hash-chained event log: the latest sequence number
	// and hash. Every appending transaction locks it.
	"MERGE (h:EventLog {name: 'main'}) ON CREATE SET h.seq = 0, h.hash = '" + GenesisHash + "'",
	// Every lineage node has createdAt, which lineage asOf reads; runs
	// created before they had one take their start time. Data migrations
	// leave a marker, so later start-ups skip their scan.
	"CREATE CONSTRAINT schema_migration_name IF NOT EXISTS FOR (m:SchemaMigration) REQUIRE m.name IS UNIQUE",
	`OPTIONAL MATCH (done:SchemaMigration {name: 'run_created_at'})
	 WITH done WHERE done IS NULL
	 CALL { MATCH (r:Run) WHERE r.createdAt IS NULL SET r.createdAt = r.startedAt }
	 MERGE (:SchemaMigration {name: 'run_created_at'})`,
	// A dataset points at its newest version, so finding it does not
	// scan the versions (OpenLineage inputs without a version read it).
	`OPTIONAL MATCH (done:SchemaMigration {name: 'dataset_latest_version'})
	 WITH done WHERE done IS NULL
	 CALL { MATCH (d:Dataset) WHERE d.latestVersionId IS NULL
	        CALL { WITH d MATCH (d)-[:HAS_VERSION]->(v:DatasetVersion)
	               WITH v ORDER BY v.createdAt DESC, v.id DESC LIMIT 1 RETURN v }
	        SET d.latestVersionId = v.id }
	 MERGE (:SchemaMigration {name: 'dataset_latest_version'})`,
	// Every project has a policy; projects created before policies existed
	// get the default as version 0 (CreateProject makes it for new ones).
	`MATCH (p:Project) WHERE NOT (p)-[:HAS_POLICY]->()
	 CREATE (p)-[:HAS_POLICY]->(:Policy:Node {id: 'pol_' + randomUUID(), projectKey: p.key, version: 0})`,
	// Run search drives a metric comparison (metrics.auc > 0.9) from this
	// index instead of visiting every run of the project. The project
	// leads, so a search reads its own project's metrics, not every
	// project's of that key (metric_key_value did).
	"CREATE INDEX metric_project_key_value IF NOT EXISTS FOR (n:Metric) ON (n.projectKey, n.key, n.latestValue)",
	"DROP INDEX metric_key_value IF EXISTS",
	// Validation on arrival reads the log from a cursor (OpenArrivalFeed).
	"CREATE CONSTRAINT log_cursor_name IF NOT EXISTS FOR (c:LogCursor) REQUIRE c.name IS UNIQUE",
	// Webhook receivers, by ID and by project.
	"CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (w:Webhook) REQUIRE w.id IS UNIQUE",
	"CREATE INDEX webhook_project IF NOT EXISTS FOR (w:Webhook) ON (w.projectKey)",
	// Validation templates, and the suites that follow one.
	"CREATE CONSTRAINT validation_template_id IF NOT EXISTS FOR (t:ValidationTemplate) REQUIRE t.id IS UNIQUE",
	"CREATE INDEX validation_template_project IF NOT EXISTS FOR (t:ValidationTemplate) ON (t.projectKey, t.name)",
	"CREATE INDEX suite_template IF NOT EXISTS FOR (s:ValidationSuite) ON (s.templateId)",
	// Feast's objects among a project's datasets (see feast.go).
	"CREATE INDEX dataset_feast IF NOT EXISTS FOR (d:Dataset) ON (d.projectKey, d.feastKind)",
	// A dataset by namespace and name in whichever project holds it
	// (a version named in a reference, hubctl validate).
	"CREATE INDEX dataset_namespace_name IF NOT EXISTS FOR (d:Dataset) ON (d.namespace, d.name)",
}

// Migrate applies the schema migrations. It is idempotent and safe to call
// from several processes at once: schema statements racing each other on
// a fresh database can deadlock inside Neo4j, and such transient errors are
// retried with backoff until ctx ends.
func (s *Store) Migrate(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	for _, m := range append(migrations, "CALL db.awaitIndexes(120)") {
		for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, 2*time.Second) {
			res, err := sess.Run(ctx, m, nil)
			if err == nil {
				_, err = res.Consume(ctx)
			}
			if err == nil || createdMeanwhile(err) {
				break
			}
			if !neo4j.IsRetryable(err) || ctx.Err() != nil {
				return fmt.Errorf("migrate %q: %w", m, classify(err))
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("migrate %q: %w", m, classify(err))
			case <-time.After(backoff):
			}
		}
	}
	if err := s.markLegacyEventRefs(ctx); err != nil {
		return err
	}
	if err := s.markFeastKinds(ctx); err != nil {
		return err
	}
	return s.migrateColumnNodes(ctx)
}

// markLegacyEventRefs finds the events written before payload references
// to other projects were sealed and records, on each, the other projects
// its payload names (WithheldFrom). Their hashes cover the plain IDs, so
// they cannot be redacted; Event.For leaves their payload out for readers
// of fewer projects. It runs once per database, in batches.
func (s *Store) markLegacyEventRefs(ctx context.Context) error {
	const batch = 1000
	for {
		done, err := write(ctx, s, func(tx *txn) (bool, error) {
			rec, err := tx.single(`OPTIONAL MATCH (m:SchemaMigration {name: 'event_refs_sealed'}) RETURN m IS NOT NULL AS done`, nil)
			if err != nil {
				return false, err
			}
			if done, _ := rec.Get("done"); done == true {
				return true, nil
			}
			recs, err := tx.run(`// scans Event: a one-off migration, marked done by event_refs_sealed once it finds none.
				MATCH (e:Event) WHERE e.disclosures IS NULL AND e.refsChecked IS NULL
				RETURN e.seq AS seq, e.projectKey AS projectKey, e.payload AS payload LIMIT $n`, map[string]any{"n": batch})
			if err != nil {
				return false, err
			}
			if len(recs) == 0 {
				_, err := tx.run(`MERGE (:SchemaMigration {name: 'event_refs_sealed'})`, nil)
				return true, err
			}
			type legacy struct {
				seq     int64
				project string
				ids     []string
			}
			events := make([]legacy, 0, len(recs))
			all := map[string]bool{}
			for _, r := range recs {
				var e legacy
				if e.seq, err = recInt(r, "seq"); err != nil {
					return false, err
				}
				if e.project, err = recStr(r, "projectKey"); err != nil {
					return false, err
				}
				raw, err := recStr(r, "payload")
				if err != nil {
					return false, err
				}
				var payload map[string]any
				if json.Unmarshal([]byte(raw), &payload) == nil {
					eachID(payload, nil, func(_ []any, id string) { e.ids = append(e.ids, id); all[id] = true })
				}
				events = append(events, e)
			}
			ids := make([]string, 0, len(all))
			for id := range all {
				ids = append(ids, id)
			}
			rec, err = tx.single(`OPTIONAL MATCH (n:Node) WHERE n.id IN $ids RETURN collect([n.id, n.projectKey]) AS refs`, map[string]any{"ids": ids})
			if err != nil {
				return false, err
			}
			projectOf, err := refProjects(rec)
			if err != nil {
				return false, err
			}
			rows := make([]map[string]any, len(events))
			for i, e := range events {
				var other []string
				for _, id := range e.ids {
					if k, ok := projectOf[id]; ok && k != e.project && !slices.Contains(other, k) {
						other = append(other, k)
					}
				}
				rows[i] = map[string]any{"seq": e.seq, "other": other}
			}
			_, err = tx.run(`UNWIND $rows AS row MATCH (e:Event {seq: row.seq})
				SET e.refsChecked = true, e.withheldFrom = CASE WHEN size(row.other) > 0 THEN row.other END`, map[string]any{"rows": rows})
			return false, err
		})
		if err != nil || done {
			return err
		}
	}
}

// createdMeanwhile reports whether err says that another process created
// the same index or constraint between our IF NOT EXISTS check and our
// creation: the migration is done.
func createdMeanwhile(err error) bool {
	var nerr *neo4j.Neo4jError
	if !errors.As(err, &nerr) {
		return false
	}
	switch nerr.Code {
	case "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
		"Neo.ClientError.Schema.ConstraintAlreadyExists",
		"Neo.ClientError.Schema.IndexAlreadyExists":
		return true
	}
	return false
}
