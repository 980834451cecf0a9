package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/exphub/exphub/internal/errs"
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
// name contains nameContains (ignoring case; "" for all) and whose
// lifecycle stage lc selects, newest first, at most limit after the
// experiment ID after ("" for the first page).
func (s *Store) ExperimentsInScope(ctx context.Context, scope Scope, lc Lifecycle, nameContains, after string, limit int) ([]*Experiment, error) {
	if err := (NameFilter{NameContains: nameContains}).check(); err != nil {
		return nil, err
	}
	stage, err := lc.param()
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 10*MaxPageSize*10 {
		return nil, invalid("max_results: %d is out of range", limit)
	}
	params := scope.params()
	// IDs are ASCII: every one sorts before the largest code point.
	before := cmp.Or(after, "\U0010FFFF")
	params["name"], params["before"], params["limit"], params["lifecycle"] = nilIfEmpty(nameContains), before, limit, stage
	// An admin's listing walks the ID index from the page's start; a
	// member's reads the experiments of their projects only.
	match := `MATCH (e:Experiment) WHERE e.id < $before`
	if !scope.All {
		match = `UNWIND $projectKeys AS key MATCH (e:Experiment {projectKey: key}) WHERE e.id < $before`
	}
	return read(ctx, s, func(tx *txn) ([]*Experiment, error) {
		recs, err := tx.run(match+`
			  AND ($name IS NULL OR toLower(e.name) CONTAINS toLower($name))
			  AND `+lifecycleWhere("e")+`
			WITH e ORDER BY e.id DESC LIMIT $limit
			RETURN e{.*} AS e`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "e", decodeExperiment)
	})
}

// RunsOfExperiments lists the runs of experiments whose lifecycle stage lc
// selects, newest first (run IDs are time-ordered), at most limit after
// the run ID after ("" for the first page).
func (s *Store) RunsOfExperiments(ctx context.Context, experimentIDs []string, lc Lifecycle, after string, limit int) ([]*Run, error) {
	stage, err := lc.param()
	if err != nil {
		return nil, err
	}
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
			MATCH (r:Run) WHERE r.experimentId IN $ids AND ($after IS NULL OR r.id < $after) AND `+lifecycleWhere("r")+`
			WITH r ORDER BY r.id DESC LIMIT $limit
			RETURN r{.*} AS r`,
			map[string]any{"ids": experimentIDs, "after": nilIfEmpty(after), "limit": limit, "lifecycle": stage})
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

// SourceMLflow marks the dataset versions MLflow's log_input created: their
// digest is MLflow's own fingerprint (mlflowDigest), not a sha256 of the
// content, so their digest is null (integrity NONE) until a validation
// reads the data.
const SourceMLflow = "mlflow"

// MaxMLflowFieldLen bounds each of the JSON texts MLflow sends with a
// dataset (source, schema, profile).
const MaxMLflowFieldLen = 1 << 20

// MLflowInput is one dataset MLflow's log_input sent for a run: the
// dataset it names (namespace + name, derived from MLflow's source), the
// version MLflow's digest identifies, MLflow's fields kept as it sent them,
// and the input's tags (its context among them).
type MLflowInput struct {
	Namespace, Name string
	// Digest is MLflow's digest; it is also the version's label.
	Digest                  string
	DatasetName             string
	SourceType, Source, URI string
	Schema, Profile         string
	SchemaFields            []SchemaField
	RowCount                *int64
	Tags                    []KeyValue
}

// MLflowInputOf is an input of a run as MLflow reads it back.
type MLflowInputOf struct {
	MLflowInput
	VersionID string
}

// LogMLflowInputs records that a run read datasets MLflow described: the
// dataset (namespace, name) of the run's project is created when missing,
// the version labelled with MLflow's digest too (digest null, mlflowDigest
// set, source SourceMLflow), and the run CONSUMES it. Logging an input
// again adds nothing (its first tags stay), so a retried request is a
// no-op. All or nothing, in one transaction under the run's lock.
func (s *Store) LogMLflowInputs(ctx context.Context, actor, runID string, inputs []MLflowInput) (*Run, error) {
	if err := checkID("run_id", runID, KindRun); err != nil {
		return nil, err
	}
	if len(inputs) == 0 || len(inputs) > MaxItemsPerCall {
		return nil, invalid("datasets: between 1 and %d per call, got %d", MaxItemsPerCall, len(inputs))
	}
	for i, in := range inputs {
		for _, f := range []struct{ name, v string }{{"namespace", in.Namespace}, {"name", in.Name}, {"digest", in.Digest}} {
			if err := checkText(fmt.Sprintf("datasets[%d].dataset.%s", i, f.name), f.v, MaxURILen, true); err != nil {
				return nil, err
			}
		}
		if n := len(in.Namespace) + len(in.Name); n > MaxDatasetIdentityLen {
			return nil, invalid("datasets[%d]: namespace and name together at most %d bytes, got %d", i, MaxDatasetIdentityLen, n)
		}
		for _, f := range []struct{ name, v string }{{"schema", in.Schema}, {"profile", in.Profile}, {"source", in.Source}} {
			if len(f.v) > MaxMLflowFieldLen {
				return nil, invalid("datasets[%d].dataset.%s: at most %d bytes", i, f.name, MaxMLflowFieldLen)
			}
		}
		if err := checkKeyValues(fmt.Sprintf("datasets[%d].tags", i), in.Tags, MaxTagValueLen); err != nil {
			return nil, err
		}
	}
	var unchanged *Run
	run, err := write(ctx, s, func(tx *txn) (*Run, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return nil, err
		}
		now := s.now().UTC()
		var events []eventDraft
		var added []string
		for _, in := range inputs {
			rec, err := tx.single(`
				MATCH (p:Project {key: $pk})
				MERGE (d:Dataset:Node {projectKey: $pk, namespace: $namespace, name: $name})
				ON CREATE SET d.id = $id, d.displayName = $name, d.description = '', d.createdAt = $now,
				              d.createdBy = $actor, d.versionCount = 0, d.source = $source
				MERGE (p)-[:HAS_DATASET]->(d)
				RETURN d.id AS id, d.id = $id AS created`,
				map[string]any{"pk": r.ProjectKey, "namespace": in.Namespace, "name": in.Name, "id": newID(KindDataset),
					"now": now, "actor": actor, "source": SourceMLflow})
			if err != nil {
				return nil, err
			}
			dsID, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			if created, err := recBool(rec, "created"); err != nil {
				return nil, err
			} else if created {
				events = append(events, eventDraft{EventDatasetRegistered, r.ProjectKey, dsID,
					map[string]any{"namespace": in.Namespace, "name": in.Name}})
			}
			names, types, nulls := make([]string, len(in.SchemaFields)), make([]string, len(in.SchemaFields)), make([]bool, len(in.SchemaFields))
			for i, f := range in.SchemaFields {
				names[i], types[i], nulls[i] = f.Name, f.Type, f.Nullable
			}
			tk, tv := unzipKV(in.Tags)
			rec, err = tx.single(`
				MATCH (d:Dataset {id: $datasetId}) `+lockClause("d")+`
				WITH d
				OPTIONAL MATCH (d)-[:HAS_VERSION]->(old:DatasetVersion {version: $digest})
				CALL {
				  WITH d, old
				  WITH d WHERE old IS NULL
				  SET d.versionCount = d.versionCount + 1, d.latestVersionId = $id
				  CREATE (v:DatasetVersion:Node {id: $id, projectKey: d.projectKey, datasetId: d.id, version: $digest,
				          displayName: d.name + '@' + $digest, uri: $uri, digest: null, mlflowDigest: $digest, source: $source,
				          mlflowName: $mlflowName, mlflowSourceType: $sourceType, mlflowSource: $mlflowSource,
				          mlflowSchema: $schema, mlflowProfile: $profile,
				          schemaNames: $names, schemaTypes: $types, schemaNullable: $nulls, rowCount: $rowCount,
				          createdAt: $now, createdBy: $actor})
				  CREATE (d)-[:HAS_VERSION]->(v)
				  RETURN v
				  UNION
				  WITH old
				  WITH old WHERE old IS NOT NULL
				  RETURN old AS v
				}
				WITH v, old IS NULL AS created
				MATCH (r:Run {id: $runId})
				MERGE (v)-[e:CONSUMED_BY]->(r)
				ON CREATE SET e.createdAt = $now, e.mlflowTagKeys = $tagKeys, e.mlflowTagValues = $tagValues
				RETURN v.id AS id, created, e.createdAt = $now AS added`,
				map[string]any{"datasetId": dsID, "digest": in.Digest, "id": newID(KindDatasetVersion), "uri": in.URI,
					"source": SourceMLflow, "mlflowName": in.DatasetName, "sourceType": in.SourceType, "mlflowSource": in.Source,
					"schema": in.Schema, "profile": in.Profile, "names": names, "types": types, "nulls": nulls,
					"rowCount": derefOrNil(in.RowCount), "now": now, "actor": actor, "runId": runID,
					"tagKeys": tk, "tagValues": tv})
			if err != nil {
				return nil, err
			}
			vID, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			if created, err := recBool(rec, "created"); err != nil {
				return nil, err
			} else if created {
				events = append(events, eventDraft{EventDatasetVersionRegister, r.ProjectKey, vID,
					map[string]any{"datasetId": dsID, "version": in.Digest, "mlflowDigest": in.Digest}})
			}
			if isNew, err := recBool(rec, "added"); err != nil {
				return nil, err
			} else if isNew {
				added = append(added, vID)
			}
		}
		if len(added) == 0 && len(events) == 0 {
			unchanged = r
			return nil, errUnchanged
		}
		if len(added) > 0 {
			events = append(events, eventDraft{EventRunLineageChanged, r.ProjectKey, r.ID,
				map[string]any{"experimentId": r.ExperimentID, "inputs": added}})
		}
		return r, s.appendEvents(tx, actor, events...)
	})
	return orUnchanged(run, unchanged, err)
}

// MLflowInputsOfRun returns the dataset versions MLflow logged as a run's
// inputs, in the order they were logged.
func (s *Store) MLflowInputsOfRun(ctx context.Context, runID string) ([]MLflowInputOf, error) {
	return read(ctx, s, func(tx *txn) ([]MLflowInputOf, error) {
		recs, err := tx.run(`
			MATCH (d:Dataset)-[:HAS_VERSION]->(v:DatasetVersion)-[e:CONSUMED_BY]->(r:Run {id: $id})
			WHERE v.mlflowDigest IS NOT NULL
			WITH d, v, e ORDER BY e.createdAt, v.id
			RETURN v{.*, namespace: d.namespace, dsName: d.name,
			         tagKeys: coalesce(e.mlflowTagKeys, []), tagValues: coalesce(e.mlflowTagValues, [])} AS v`,
			map[string]any{"id": runID})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "v", func(m map[string]any) (MLflowInputOf, error) {
			p := props{m: m}
			in := MLflowInputOf{VersionID: p.str("id"), MLflowInput: MLflowInput{
				Namespace: p.str("namespace"), Name: p.str("dsName"), Digest: p.str("mlflowDigest"),
				DatasetName: p.str("mlflowName"), SourceType: p.str("mlflowSourceType"), Source: p.str("mlflowSource"),
				URI: p.str("uri"), Schema: p.str("mlflowSchema"), Profile: p.str("mlflowProfile"), RowCount: p.optInt("rowCount"),
				Tags: zipKV(p.strs("tagKeys"), p.strs("tagValues"))}}
			return in, p.err
		})
	})
}

// maxMLflowBatches is how many log-batch fingerprints a run remembers: the
// client retries a batch within minutes, after at most a few more.
const maxMLflowBatches = 1000

// lockRunBatch locks a run as lockRun does, records fp among its
// log-batch fingerprints, reporting whether it was there already, and finds
// or creates the series of keys (mergeSeries): one statement. The caller
// rolls all of it back when it refuses the batch.
func lockRunBatch(tx *txn, runID, fp string, keys []string) (*Run, bool, []map[string]any, error) {
	rec, err := tx.single(lockRunCypher+`
		MERGE (r)-[:HAS_MLFLOW_BATCHES]->(b:MLflowBatches)
		WITH r, b, $fp IN coalesce(b.fingerprints, []) AS seen
		SET b.fingerprints = CASE WHEN seen THEN b.fingerprints
		                     ELSE coalesce(b.fingerprints, [])[-($max - 1)..] + $fp END
		WITH r, seen
		CALL (r) {`+mergeSeries+`
		  RETURN collect(m{.*}) AS series
		}
		RETURN r{.*} AS r, seen, series`, map[string]any{"id": runID, "fp": fp, "max": maxMLflowBatches, "keys": keys})
	if err != nil {
		return nil, false, nil, err
	}
	if rec == nil {
		return nil, false, nil, notFound(KindRun, runID)
	}
	m, err := recMap(rec, "r")
	if err != nil {
		return nil, false, nil, err
	}
	seen, err := recBool(rec, "seen")
	if err != nil {
		return nil, false, nil, err
	}
	series, err := recMaps(rec, "series")
	if err != nil {
		return nil, false, nil, err
	}
	r, err := decodeRun(m)
	return r, seen, series, err
}

// RunBatch is what one MLflow log-batch writes to a run.
type RunBatch struct {
	Params, Tags []KeyValue
	Metrics      []MetricPoint
	// Fingerprint identifies the batch: a batch the run has recorded is a
	// retry whose answer was lost, and writes nothing. Empty: not recorded.
	Fingerprint string
	// Access, when set, decides first, on the locked run, whether the
	// caller may write it at all, for a retry too (allow decides only
	// for a batch not written before).
	Access func(*Run) error
}

// LogRunBatch writes a batch's params, metrics and tags to a run in one
// transaction, under the run's lock, all or nothing: allow decides on the
// run as it is (tracking's rules: metrics while the run is open, params
// write-once). It reports whether the batch had been written before
// (nothing written now).
func (s *Store) LogRunBatch(ctx context.Context, runID string, b RunBatch, allow func(*Run) error) (bool, error) {
	if err := checkID("run_id", runID, KindRun); err != nil {
		return false, err
	}
	if len(b.Params) > 0 {
		if err := checkKeyValues("params", b.Params, MaxParamValueLen); err != nil {
			return false, err
		}
	}
	if len(b.Tags) > 0 {
		if err := checkKeyValues("tags", b.Tags, MaxTagValueLen); err != nil {
			return false, err
		}
	}
	var mb *metricBatch
	if len(b.Metrics) > 0 {
		var err error
		if mb, err = s.metricBatch(b.Metrics); err != nil {
			return false, err
		}
	}
	return write(ctx, s, func(tx *txn) (bool, error) {
		var r *Run
		var seen bool
		var series []map[string]any
		var err error
		if b.Fingerprint == "" {
			r, err = lockRun(tx, runID)
		} else {
			// Lock the run, record the batch's fingerprint as it is
			// checked, and find its series: one statement. A batch refused
			// below rolls it all back.
			var keys []string
			if mb != nil {
				keys = mb.keys
			}
			r, seen, series, err = lockRunBatch(tx, runID, b.Fingerprint, keys)
		}
		if err != nil {
			return false, err
		}
		if b.Access != nil {
			if err := b.Access(r); err != nil {
				return false, err
			}
		}
		if seen {
			return true, nil
		}
		if err := allow(r); err != nil {
			return false, err
		}
		set := map[string]any{"id": runID, "pk": nil, "pv": nil, "tk": nil, "tv": nil}
		if len(b.Params) > 0 {
			have := make(map[string]bool, len(r.Params))
			for _, kv := range r.Params {
				have[kv.Key] = true
			}
			merged := r.Params
			for _, kv := range b.Params {
				if !have[kv.Key] {
					merged, have[kv.Key] = append(merged, kv), true
				}
			}
			if len(merged) > len(r.Params) {
				set["pk"], set["pv"] = unzipKV(merged)
			}
		}
		if len(b.Tags) > 0 {
			merged := overwriteKV(slices.Clone(r.Tags), b.Tags)
			if len(merged) > MaxItemsPerCall*10 {
				return false, invalid("tags: a run holds at most %d tags", MaxItemsPerCall*10)
			}
			set["tk"], set["tv"] = unzipKV(merged)
		}
		if set["pk"] != nil || set["tk"] != nil {
			if _, err := tx.run(`
				MATCH (r:Run {id: $id})
				SET r.paramKeys = coalesce($pk, r.paramKeys), r.paramValues = coalesce($pv, r.paramValues),
				    r.tagKeys = coalesce($tk, r.tagKeys), r.tagValues = coalesce($tv, r.tagValues)`, set); err != nil {
				return false, err
			}
		}
		switch {
		case mb == nil:
		case b.Fingerprint != "":
			err = mb.append(tx, runID, series)
		default:
			err = mb.write(tx, runID)
		}
		return false, err
	})
}

// SetExperimentTags sets MLflow tags on an experiment, overwriting the
// values of keys it has. The hub's experiments have no tags of their own;
// these are MLflow's, kept for the client.
func (s *Store) SetExperimentTags(ctx context.Context, experimentID string, tags []KeyValue) error {
	if err := checkID("experiment_id", experimentID, KindExperiment); err != nil {
		return err
	}
	if err := checkKeyValues("tags", tags, MaxTagValueLen); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (bool, error) {
		rec, err := tx.single(`MATCH (e:Experiment {id: $id}) `+lockClause("e")+`
			RETURN coalesce(e.mlflowTagKeys, []) AS keys, coalesce(e.mlflowTagValues, []) AS values`,
			map[string]any{"id": experimentID})
		if err != nil {
			return false, err
		}
		if rec == nil {
			return false, notFound(KindExperiment, experimentID)
		}
		m := map[string]any{}
		for _, k := range []string{"keys", "values"} {
			v, _ := rec.Get(k)
			m[k] = v
		}
		p := props{m: m}
		merged := overwriteKV(zipKV(p.strs("keys"), p.strs("values")), tags)
		if p.err != nil {
			return false, p.err
		}
		if len(merged) > MaxItemsPerCall*10 {
			return false, invalid("tags: an experiment holds at most %d tags", MaxItemsPerCall*10)
		}
		keys, values := unzipKV(merged)
		_, err = tx.run(`MATCH (e:Experiment {id: $id}) SET e.mlflowTagKeys = $keys, e.mlflowTagValues = $values`,
			map[string]any{"id": experimentID, "keys": keys, "values": values})
		return true, err
	})
	return err
}

// ExperimentTags returns the MLflow tags of experiments by ID; an
// experiment without tags (or that does not exist) is absent.
func (s *Store) ExperimentTags(ctx context.Context, ids []string) (map[string][]KeyValue, error) {
	return read(ctx, s, func(tx *txn) (map[string][]KeyValue, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (e:Experiment {id: id}) WHERE e.mlflowTagKeys IS NOT NULL
			RETURN e{id: e.id, keys: e.mlflowTagKeys, values: e.mlflowTagValues} AS e`,
			map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := map[string][]KeyValue{}
		for _, rec := range recs {
			m, err := recMap(rec, "e")
			if err != nil {
				return nil, err
			}
			p := props{m: m}
			out[p.str("id")] = zipKV(p.strs("keys"), p.strs("values"))
			if p.err != nil {
				return nil, p.err
			}
		}
		return out, nil
	})
}

// RenameRun sets a run's name (MLflow's runs/update run_name) and its
// mlflow.runName tag when it has one, so the two agree.
func (s *Store) RenameRun(ctx context.Context, runID, name string) (*Run, error) {
	if err := checkID("run_id", runID, KindRun); err != nil {
		return nil, err
	}
	if err := checkText("run_name", name, MaxNameLen, true); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Run, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return nil, err
		}
		if r.Name == name {
			return r, nil
		}
		tags := r.Tags
		for i := range tags {
			if tags[i].Key == "mlflow.runName" {
				tags[i].Value = name
			}
		}
		keys, values := unzipKV(tags)
		return runRecord(tx, runID, `MATCH (r:Run {id: $id}) SET r.name = $name, r.displayName = $name,
			r.tagKeys = $keys, r.tagValues = $values RETURN r{.*} AS r`,
			map[string]any{"name": name, "keys": keys, "values": values})
	})
}

// RenameExperiment renames an experiment within its project; a name taken
// there is errs.Conflict, and the experiment's own name is a no-op.
func (s *Store) RenameExperiment(ctx context.Context, experimentID, name string) (*Experiment, error) {
	if err := checkID("experiment_id", experimentID, KindExperiment); err != nil {
		return nil, err
	}
	if err := checkText("new_name", name, MaxNameLen, true); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Experiment, error) {
		rec, err := tx.single(`
			MATCH (e:Experiment {id: $id}) `+lockClause("e")+`
			WITH e
			OPTIONAL MATCH (dup:Experiment {projectKey: e.projectKey, name: $name}) WHERE dup.id <> e.id
			RETURN e{.*} AS e, dup IS NOT NULL AS taken`, map[string]any{"id": experimentID, "name": name})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindExperiment, experimentID)
		}
		e, err := recDecode(rec, "e", decodeExperiment)
		if err != nil {
			return nil, err
		}
		if taken, err := recBool(rec, "taken"); err != nil || taken {
			return nil, orErr(err, conflict("experiment %s already exists in project %s", errs.Quote(name), errs.Quote(e.ProjectKey)))
		}
		if e.Name == name {
			return e, nil
		}
		rec, err = tx.single(`MATCH (e:Experiment {id: $id}) SET e.name = $name, e.displayName = $name RETURN e{.*} AS e`,
			map[string]any{"id": experimentID, "name": name})
		if err != nil {
			return nil, err
		}
		return recDecode(rec, "e", decodeExperiment)
	})
}
