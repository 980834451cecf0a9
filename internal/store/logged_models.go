package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
)

// MLflow 3's logged models, as far as mlflow.<flavor>.log_model needs them:
// a LoggedModel node of an experiment, (Experiment)-[:HAS_LOGGED_MODEL]->
// (LoggedModel), with its status, tags and params, and the runs that logged
// it as an output, (Run)-[:LOGGED_MODEL {step}]->(LoggedModel). Its files
// are Artifacts (artifacts.go). A LoggedModel is not a lineage node (no
// :Node label, not on a CONSUMED_BY|PRODUCED|DERIVED_INTO edge): the
// lineage walk knows every node's kind by its ID, and a model registry
// version made from it carries lineage through PRODUCED as ModelVersion
// does.

// The LoggedModel schema: an ID is unique and found through its index.
// Kept beside the Cypher that relies on it; Migrate applies it with the
// rest.
func init() {
	migrations = append(migrations,
		"CREATE CONSTRAINT logged_model_id IF NOT EXISTS FOR (n:LoggedModel) REQUIRE n.id IS UNIQUE",
		"CREATE INDEX logged_model_experiment IF NOT EXISTS FOR (n:LoggedModel) ON (n.experimentId)")
}

// LoggedModelStatus is where a logged model's upload stands.
type LoggedModelStatus string

// The statuses, as MLflow names them.
const (
	LoggedModelPending      LoggedModelStatus = "LOGGED_MODEL_PENDING"
	LoggedModelReady        LoggedModelStatus = "LOGGED_MODEL_READY"
	LoggedModelUploadFailed LoggedModelStatus = "LOGGED_MODEL_UPLOAD_FAILED"
)

// LoggedModel is an MLflow 3 logged model.
type LoggedModel struct {
	// ID is MLflow's form: "m-" and 32 hex digits.
	ID, ProjectKey, ExperimentID, Name, ModelType string
	// SourceRunID is the hub ID of the run that created it, or "".
	SourceRunID   string
	Status        LoggedModelStatus
	StatusMessage string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	CreatedBy     string
	Tags, Params  []KeyValue
}

var loggedModelIDRE = regexp.MustCompile(`^m-[0-9a-f]{32}$`)

// IsLoggedModelID reports whether id has the form of a logged model's ID.
func IsLoggedModelID(id string) bool { return loggedModelIDRE.MatchString(id) }

func newLoggedModelID() string {
	u := uuid.Must(uuid.NewV7())
	return "m-" + hex.EncodeToString(u[:])
}

// CreateLoggedModelInput is a new logged model.
type CreateLoggedModelInput struct {
	ExperimentID, Name, ModelType string
	// SourceRunID, when set, is a run of the same experiment.
	SourceRunID  string
	Tags, Params []KeyValue
}

func decodeLoggedModel(m map[string]any) (*LoggedModel, error) {
	p := props{m: m}
	lm := &LoggedModel{ID: p.str("id"), ProjectKey: p.str("projectKey"), ExperimentID: p.str("experimentId"),
		Name: p.str("name"), ModelType: p.str("modelType"), SourceRunID: p.str("sourceRunId"),
		Status: LoggedModelStatus(p.str("status")), StatusMessage: p.str("statusMessage"),
		CreatedAt: p.time("createdAt"), UpdatedAt: p.time("updatedAt"), CreatedBy: p.str("createdBy"),
		Tags: zipKV(p.strs("tagKeys"), p.strs("tagValues")), Params: zipKV(p.strs("paramKeys"), p.strs("paramValues"))}
	return lm, p.err
}

// loggedModelTarget is the event target of a logged model's changes: the
// run that created it, else its experiment (every event names a node the
// explorer can open).
const loggedModelTarget = `coalesce(m.sourceRunId, m.experimentId)`

// CreateLoggedModel creates a PENDING logged model in an experiment, with
// an ID of MLflow's form. A source run must be a run of that experiment.
// Appends RUN_LINEAGE_CHANGED (target: the source run, else the
// experiment) with the model's ID.
func (s *Store) CreateLoggedModel(ctx context.Context, actor string, in CreateLoggedModelInput) (*LoggedModel, error) {
	if err := checkID("experiment_id", in.ExperimentID, KindExperiment); err != nil {
		return nil, err
	}
	if in.SourceRunID != "" {
		if err := checkID("source_run_id", in.SourceRunID, KindRun); err != nil {
			return nil, err
		}
	}
	if err := checkText("name", in.Name, MaxNameLen, true); err != nil {
		return nil, err
	}
	if err := checkText("model_type", in.ModelType, MaxNameLen, false); err != nil {
		return nil, err
	}
	if err := checkKeyValues("tags", in.Tags, MaxTagValueLen); err != nil {
		return nil, err
	}
	if err := checkKeyValues("params", in.Params, MaxParamValueLen); err != nil {
		return nil, err
	}
	tk, tv := unzipKV(overwriteKV(nil, in.Tags))
	pk, pv := unzipKV(overwriteKV(nil, in.Params))
	return write(ctx, s, func(tx *txn) (*LoggedModel, error) {
		rec, err := tx.single(`
			MATCH (e:Experiment {id: $experimentId})
			OPTIONAL MATCH (r:Run {id: $runId})
			RETURN e.projectKey AS pk, $runId IS NULL OR r.experimentId = e.id AS runOK`,
			map[string]any{"experimentId": in.ExperimentID, "runId": nilIfEmpty(in.SourceRunID)})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindExperiment, in.ExperimentID)
		}
		if ok, err := recBool(rec, "runOK"); err != nil || !ok {
			return nil, orErr(err, invalid("source_run_id: %s is not a run of experiment %s", errs.Quote(in.SourceRunID), errs.Quote(in.ExperimentID)))
		}
		now := s.now().UTC()
		rec, err = tx.single(`
			MATCH (e:Experiment {id: $experimentId})
			CREATE (e)-[:HAS_LOGGED_MODEL]->(m:LoggedModel {id: $id, projectKey: e.projectKey, experimentId: e.id,
			        name: $name, modelType: $modelType, sourceRunId: $runId, status: $status, statusMessage: '',
			        createdAt: $now, updatedAt: $now, createdBy: $actor,
			        tagKeys: $tk, tagValues: $tv, paramKeys: $pk, paramValues: $pv})
			RETURN m{.*} AS m`,
			map[string]any{"experimentId": in.ExperimentID, "id": newLoggedModelID(), "name": in.Name, "modelType": in.ModelType,
				"runId": nilIfEmpty(in.SourceRunID), "status": string(LoggedModelPending), "now": now, "actor": actor,
				"tk": tk, "tv": tv, "pk": pk, "pv": pv})
		if err != nil {
			return nil, err
		}
		m, err := recDecode(rec, "m", decodeLoggedModel)
		if err != nil {
			return nil, err
		}
		return m, s.appendEvents(tx, actor, eventDraft{EventRunLineageChanged, m.ProjectKey, m.target(),
			map[string]any{"experimentId": m.ExperimentID, "loggedModelId": m.ID, "loggedModelName": m.Name}})
	})
}

func (m *LoggedModel) target() string {
	if m.SourceRunID != "" {
		return m.SourceRunID
	}
	return m.ExperimentID
}

// LoggedModelsByIDs returns the logged models with the given IDs; absent
// ones are missing from the map.
func (s *Store) LoggedModelsByIDs(ctx context.Context, ids []string) (map[string]*LoggedModel, error) {
	return read(ctx, s, func(tx *txn) (map[string]*LoggedModel, error) {
		recs, err := tx.run(`UNWIND $ids AS id MATCH (m:LoggedModel {id: id}) RETURN m{.*} AS m`, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		ms, err := recsDecode(recs, "m", decodeLoggedModel)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*LoggedModel, len(ms))
		for _, m := range ms {
			out[m.ID] = m
		}
		return out, nil
	})
}

// lockLoggedModel locks a logged model for a write and returns it;
// errs.NotFound when there is none.
func lockLoggedModel(tx *txn, id string) (*LoggedModel, error) {
	rec, err := tx.single(`MATCH (m:LoggedModel {id: $id}) `+lockClause("m")+` RETURN m{.*} AS m`, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, fmt.Errorf("logged model %s: %w", errs.Quote(id), errs.NotFound)
	}
	return recDecode(rec, "m", decodeLoggedModel)
}

// FinalizeLoggedModel sets a logged model's status (READY once its files
// are uploaded, or UPLOAD_FAILED). Asking for the status it has changes
// nothing; a change appends RUN_LINEAGE_CHANGED with the status. A READY
// model stays READY (errs.Invalid): its files no longer change
// (RecordArtifact), and moving it back would reopen them.
func (s *Store) FinalizeLoggedModel(ctx context.Context, actor, id string, status LoggedModelStatus) (*LoggedModel, error) {
	switch status {
	case LoggedModelReady, LoggedModelUploadFailed, LoggedModelPending:
	default:
		return nil, invalid("status: %s is not a logged model status", errs.Quote(string(status)))
	}
	var unchanged *LoggedModel
	m, err := write(ctx, s, func(tx *txn) (*LoggedModel, error) {
		m, err := lockLoggedModel(tx, id)
		if err != nil {
			return nil, err
		}
		if m.Status == status {
			unchanged = m
			return nil, errUnchanged
		}
		if m.Status == LoggedModelReady {
			return nil, invalid("status: logged model %s is READY and stays READY; it cannot become %s", errs.Quote(id), status)
		}
		rec, err := tx.single(`MATCH (m:LoggedModel {id: $id}) SET m.status = $status, m.updatedAt = $now RETURN m{.*} AS m`,
			map[string]any{"id": id, "status": string(status), "now": s.now().UTC()})
		if err != nil {
			return nil, err
		}
		if m, err = recDecode(rec, "m", decodeLoggedModel); err != nil {
			return nil, err
		}
		return m, s.appendEvents(tx, actor, eventDraft{EventRunLineageChanged, m.ProjectKey, m.target(),
			map[string]any{"experimentId": m.ExperimentID, "loggedModelId": m.ID, "status": string(status)}})
	})
	return orUnchanged(m, unchanged, err)
}

// SetLoggedModelTags sets tags on a logged model, overwriting the values
// of keys it has.
func (s *Store) SetLoggedModelTags(ctx context.Context, id string, tags []KeyValue) (*LoggedModel, error) {
	return s.updateLoggedModelLists(ctx, id, "tags", tags, MaxTagValueLen, func(old []KeyValue) ([]KeyValue, error) {
		return overwriteKV(old, tags), nil
	})
}

// DeleteLoggedModelTag removes a tag from a logged model; a model without
// it is unchanged (a retry succeeds).
func (s *Store) DeleteLoggedModelTag(ctx context.Context, id, key string) (*LoggedModel, error) {
	if err := checkText("tag_key", key, MaxNameLen, true); err != nil {
		return nil, err
	}
	return s.updateLoggedModelLists(ctx, id, "tags", nil, MaxTagValueLen, func(old []KeyValue) ([]KeyValue, error) {
		kept := make([]KeyValue, 0, len(old))
		for _, kv := range old {
			if kv.Key != key {
				kept = append(kept, kv)
			}
		}
		return kept, nil
	})
}

// AddLoggedModelParams adds params to a logged model. Params are
// write-once, as MLflow's are: a key the model has (or that params names
// twice) with another value is errs.Invalid, naming the key, and nothing
// of the call is written; the same value again is a no-op.
func (s *Store) AddLoggedModelParams(ctx context.Context, id string, params []KeyValue) (*LoggedModel, error) {
	return s.updateLoggedModelLists(ctx, id, "params", params, MaxParamValueLen, func(old []KeyValue) ([]KeyValue, error) {
		return addParams(old, params)
	})
}

// addParams is the rule of logged model params: old with params added,
// each key keeping the value it was first logged with.
func addParams(old, params []KeyValue) ([]KeyValue, error) {
	have := make(map[string]string, len(old)+len(params))
	for _, kv := range old {
		have[kv.Key] = kv.Value
	}
	next := slices.Clone(old)
	for _, kv := range params {
		v, ok := have[kv.Key]
		if ok && v != kv.Value {
			return nil, invalid("params: %s is already logged as %s, not %s; params are write-once",
				errs.Quote(kv.Key), errs.Quote(v), errs.Quote(kv.Value))
		}
		if !ok {
			have[kv.Key] = kv.Value
			next = append(next, kv)
		}
	}
	return next, nil
}

// updateLoggedModelLists rewrites a logged model's tags or params (list,
// from constant text) under its lock; change's error is returned and
// nothing is written, and a change that changes nothing writes nothing.
func (s *Store) updateLoggedModelLists(ctx context.Context, id, list string, in []KeyValue, maxValue int,
	change func([]KeyValue) ([]KeyValue, error)) (*LoggedModel, error) {
	if err := checkKeyValues(list, in, maxValue); err != nil {
		return nil, err
	}
	set := map[string]string{
		"tags":   `SET m.tagKeys = $keys, m.tagValues = $values, m.updatedAt = $now`,
		"params": `SET m.paramKeys = $keys, m.paramValues = $values, m.updatedAt = $now`,
	}[list]
	var unchanged *LoggedModel
	m, err := write(ctx, s, func(tx *txn) (*LoggedModel, error) {
		m, err := lockLoggedModel(tx, id)
		if err != nil {
			return nil, err
		}
		old := m.Tags
		if list == "params" {
			old = m.Params
		}
		next, err := change(old)
		if err != nil {
			return nil, err
		}
		if slices.Equal(next, old) {
			unchanged = m
			return nil, errUnchanged
		}
		if len(next) > MaxItemsPerCall*10 {
			return nil, invalid("%s: a logged model holds at most %d", list, MaxItemsPerCall*10)
		}
		keys, values := unzipKV(next)
		rec, err := tx.single(`MATCH (m:LoggedModel {id: $id}) `+set+` RETURN m{.*} AS m`,
			map[string]any{"id": id, "keys": keys, "values": values, "now": s.now().UTC()})
		if err != nil {
			return nil, err
		}
		return recDecode(rec, "m", decodeLoggedModel)
	})
	return orUnchanged(m, unchanged, err)
}

// LoggedModelFilter selects logged models by equal attributes; "" fields
// select any.
type LoggedModelFilter struct {
	Name, ModelID, SourceRunID, Status, ModelType string
}

// LoggedModelsOfExperiments lists the logged models of experiments that
// pass f, newest first (IDs are time-ordered), at most limit after the
// model ID after ("" for the first page).
func (s *Store) LoggedModelsOfExperiments(ctx context.Context, experimentIDs []string, f LoggedModelFilter, after string, limit int) ([]*LoggedModel, error) {
	for _, id := range experimentIDs {
		if err := checkID("experiment_ids", id, KindExperiment); err != nil {
			return nil, err
		}
	}
	if after != "" && !IsLoggedModelID(after) {
		return nil, invalid("page_token: not a token of this search")
	}
	if limit <= 0 || limit > MaxItemsPerCall {
		return nil, invalid("max_results: %d is out of range", limit)
	}
	return read(ctx, s, func(tx *txn) ([]*LoggedModel, error) {
		recs, err := tx.run(`
			MATCH (m:LoggedModel) WHERE m.experimentId IN $ids AND ($after IS NULL OR m.id < $after)
			  AND ($name IS NULL OR m.name = $name) AND ($modelId IS NULL OR m.id = $modelId)
			  AND ($runId IS NULL OR m.sourceRunId = $runId) AND ($status IS NULL OR m.status = $status)
			  AND ($modelType IS NULL OR m.modelType = $modelType)
			WITH m ORDER BY m.id DESC LIMIT $limit
			RETURN m{.*} AS m`,
			map[string]any{"ids": experimentIDs, "after": nilIfEmpty(after), "limit": limit, "name": nilIfEmpty(f.Name),
				"modelId": nilIfEmpty(f.ModelID), "runId": nilIfEmpty(f.SourceRunID), "status": nilIfEmpty(f.Status),
				"modelType": nilIfEmpty(f.ModelType)})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "m", decodeLoggedModel)
	})
}

// ModelOutput is a logged model a run output, at a step.
type ModelOutput struct {
	ModelID string
	Step    int64
}

// LogRunOutputs records logged models as outputs of a run:
// (Run)-[:LOGGED_MODEL {step}]->(LoggedModel), each model of the run's
// project. Logging an output again adds nothing (a retry is a no-op); new
// outputs append RUN_LINEAGE_CHANGED with their IDs.
func (s *Store) LogRunOutputs(ctx context.Context, actor, runID string, outputs []ModelOutput) error {
	if err := checkID("run_id", runID, KindRun); err != nil {
		return err
	}
	if len(outputs) == 0 || len(outputs) > MaxItemsPerCall {
		return invalid("models: between 1 and %d per call, got %d", MaxItemsPerCall, len(outputs))
	}
	var ids []string
	var steps []int64
	for _, o := range outputs {
		if !IsLoggedModelID(o.ModelID) {
			return fmt.Errorf("logged model %s: %w", errs.Quote(o.ModelID), errs.NotFound)
		}
		if !slices.Contains(ids, o.ModelID) { // the first step of a model named twice
			ids, steps = append(ids, o.ModelID), append(steps, o.Step)
		}
	}
	_, err := write(ctx, s, func(tx *txn) (bool, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return false, err
		}
		rec, err := tx.single(`
			UNWIND $ids AS id
			OPTIONAL MATCH (m:LoggedModel {id: id, projectKey: $pk})
			WITH id, m WHERE m IS NULL
			RETURN collect(id) AS missing`,
			map[string]any{"ids": ids, "pk": r.ProjectKey})
		if err != nil {
			return false, err
		}
		missing, _, err := getList(rec, "missing")
		if err != nil {
			return false, err
		}
		if len(missing) > 0 {
			id, _ := missing[0].(string)
			return false, fmt.Errorf("logged model %s: %w", errs.Quote(id), errs.NotFound)
		}
		recs, err := tx.run(`
			UNWIND range(0, size($ids) - 1) AS i
			MATCH (r:Run {id: $runId}), (m:LoggedModel {id: $ids[i]})
			OPTIONAL MATCH (r)-[old:LOGGED_MODEL]->(m)
			MERGE (r)-[o:LOGGED_MODEL]->(m) ON CREATE SET o.step = $steps[i], o.createdAt = $now
			RETURN m.id AS id, old IS NULL AS added`,
			map[string]any{"ids": ids, "steps": steps, "runId": runID, "now": s.now().UTC()})
		if err != nil {
			return false, err
		}
		var added []string
		for _, rec := range recs {
			if ok, err := recBool(rec, "added"); err != nil {
				return false, err
			} else if ok {
				id, err := recStr(rec, "id")
				if err != nil {
					return false, err
				}
				added = append(added, id)
			}
		}
		if len(added) == 0 {
			return false, errUnchanged
		}
		return true, s.appendEvents(tx, actor, eventDraft{EventRunLineageChanged, r.ProjectKey, r.ID,
			map[string]any{"experimentId": r.ExperimentID, "loggedModelOutputs": added}})
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// ModelOutputsOfRun returns the logged models a run logged as outputs,
// oldest first.
func (s *Store) ModelOutputsOfRun(ctx context.Context, runID string) ([]ModelOutput, error) {
	return read(ctx, s, func(tx *txn) ([]ModelOutput, error) {
		recs, err := tx.run(`MATCH (:Run {id: $id})-[o:LOGGED_MODEL]->(m:LoggedModel) RETURN m.id AS id, coalesce(o.step, 0) AS step ORDER BY m.id`,
			map[string]any{"id": runID})
		if err != nil {
			return nil, err
		}
		out := make([]ModelOutput, 0, len(recs))
		for _, rec := range recs {
			m := props{m: rec.AsMap()}
			out = append(out, ModelOutput{ModelID: m.str("id"), Step: m.int("step")})
			if m.err != nil {
				return nil, m.err
			}
		}
		return out, nil
	})
}
