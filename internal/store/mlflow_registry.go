package store

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// The reads and writes below exist for MLflow's model registry
// (internal/mlflow): a registered model is a Model, a model version a
// ModelVersion, and MLflow's descriptions, tags and aliases are kept on
// them. Every write appends its event in the same transaction.

// Event kinds of the model registry; their values are GraphQL EventKind
// values (schema/catalog.graphqls extends the enum).
const (
	EventModelCreated        EventKind = "MODEL_CREATED"
	EventModelUpdated        EventKind = "MODEL_UPDATED"
	EventModelDeleted        EventKind = "MODEL_DELETED"
	EventModelVersionUpdated EventKind = "MODEL_VERSION_UPDATED"
	EventModelVersionDeleted EventKind = "MODEL_VERSION_DELETED"
	EventModelAliasChanged   EventKind = "MODEL_ALIAS_CHANGED"
)

func init() {
	EventKinds = append(EventKinds, EventModelCreated, EventModelUpdated, EventModelDeleted,
		EventModelVersionUpdated, EventModelVersionDeleted, EventModelAliasChanged)
}

// MaxRegistryTags bounds the MLflow tags one model or version holds.
const MaxRegistryTags = 1_000

// RegisteredModel is a Model as MLflow's registry reads it.
type RegisteredModel struct {
	Model
	UpdatedAt time.Time
	// Aliases of the model's versions, by alias.
	Aliases []ModelAlias
}

// ModelAlias is an alias and the version number it names.
type ModelAlias struct {
	Alias   string
	Version int64
}

// RegistryVersion is a ModelVersion as MLflow's registry reads it.
type RegistryVersion struct {
	ModelVersion
	ModelName string
	UpdatedAt time.Time
	// RunID is the run that produced the version; "" when none is recorded.
	RunID string
	// LoggedModelID is the MLflow logged model the version was registered
	// from (MLflow 3's model_id); "" when none.
	LoggedModelID string
}

const registeredModelProjection = `m{.*, versionAliases: [(m)-[:HAS_VERSION]->(v:ModelVersion) |
	{version: v.version, aliases: coalesce(v.aliases, []) + CASE WHEN v.stage = 'PRODUCTION' THEN ['` + ProductionAlias + `'] ELSE [] END}]}`

const registryVersionProjection = `v{.*, modelName: m.name, runId: head([(r:Run)-[:PRODUCED]->(v) | r.id])}`

func decodeRegisteredModel(m map[string]any) (*RegisteredModel, error) {
	base, err := decodeModel(m)
	if err != nil {
		return nil, err
	}
	p := props{m: m}
	rm := &RegisteredModel{Model: *base}
	rm.UpdatedAt = rm.CreatedAt
	if t := p.optTime("updatedAt"); t != nil {
		rm.UpdatedAt = *t
	}
	for _, va := range p.maps("versionAliases") {
		vp := props{m: va}
		for _, a := range vp.strs("aliases") {
			rm.Aliases = append(rm.Aliases, ModelAlias{Alias: a, Version: vp.int("version")})
		}
		if vp.err != nil {
			return nil, vp.err
		}
	}
	return rm, p.err
}

func decodeRegistryVersion(m map[string]any) (*RegistryVersion, error) {
	base, err := decodeModelVersion(m)
	if err != nil {
		return nil, err
	}
	p := props{m: m}
	v := &RegistryVersion{ModelVersion: *base, ModelName: p.str("modelName")}
	if id := p.optStr("runId"); id != nil {
		v.RunID = *id
	}
	if id := p.optStr("mlflowModelId"); id != nil {
		v.LoggedModelID = *id
	}
	v.UpdatedAt = v.CreatedAt
	if t := p.optTime("updatedAt"); t != nil {
		v.UpdatedAt = *t
	}
	return v, p.err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RegisteredModel returns the model named name in project projectKey, or
// errs.NotFound.
func (s *Store) RegisteredModel(ctx context.Context, projectKey, name string) (*RegisteredModel, error) {
	if err := checkText("name", name, MaxNameLen, true); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*RegisteredModel, error) {
		rec, err := tx.single(`MATCH (m:Model {projectKey: $pk, name: $name}) RETURN `+registeredModelProjection+` AS m`,
			map[string]any{"pk": projectKey, "name": name})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindModel, projectKey+"/"+name)
		}
		return recDecode(rec, "m", decodeRegisteredModel)
	})
}

// RegisteredModelsInScope lists the models of the projects in scope by ID,
// at most limit after the model ID after ("" for the first page).
func (s *Store) RegisteredModelsInScope(ctx context.Context, scope Scope, after string, limit int) ([]*RegisteredModel, error) {
	if limit <= 0 || limit > MaxItemsPerCall {
		return nil, invalid("limit: %d is out of range", limit)
	}
	params := scope.params()
	params["after"], params["limit"] = nilIfEmpty(after), limit
	return read(ctx, s, func(tx *txn) ([]*RegisteredModel, error) {
		recs, err := tx.run(`
			MATCH (m:Model)
			WHERE ($allProjects OR m.projectKey IN $projectKeys) AND ($after IS NULL OR m.id > $after)
			WITH m ORDER BY m.id LIMIT $limit
			RETURN `+registeredModelProjection+` AS m`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "m", decodeRegisteredModel)
	})
}

// CreateRegisteredModelInput is a new model without versions.
type CreateRegisteredModelInput struct {
	ProjectKey, Name, Description string
	Tags                          []KeyValue
}

// CreateRegisteredModel creates a model with no versions; a name taken in
// the project is errs.Conflict.
func (s *Store) CreateRegisteredModel(ctx context.Context, actor string, in CreateRegisteredModelInput) (*RegisteredModel, error) {
	if err := checkText("name", in.Name, MaxNameLen, true); err != nil {
		return nil, err
	}
	if err := checkText("description", in.Description, MaxDescriptionLen, false); err != nil {
		return nil, err
	}
	if err := checkKeyValues("tags", in.Tags, MaxTagValueLen); err != nil {
		return nil, err
	}
	keys, values := unzipKV(in.Tags)
	return write(ctx, s, func(tx *txn) (*RegisteredModel, error) {
		rec, err := tx.single(`
			OPTIONAL MATCH (p:Project {key: $pk})
			OPTIONAL MATCH (m:Model {projectKey: $pk, name: $name})
			RETURN p IS NOT NULL AS project, m IS NOT NULL AS taken`, map[string]any{"pk": in.ProjectKey, "name": in.Name})
		if err != nil {
			return nil, err
		}
		if ok, err := recBool(rec, "project"); err != nil || !ok {
			return nil, orErr(err, notFound(KindProject, in.ProjectKey))
		}
		if taken, err := recBool(rec, "taken"); err != nil || taken {
			return nil, orErr(err, conflict("model %s already exists in project %s", errs.Quote(in.Name), errs.Quote(in.ProjectKey)))
		}
		// A concurrent creator loses on the uniqueness constraint
		// (errs.Conflict).
		rec, err = tx.single(`
			MATCH (p:Project {key: $pk})
			CREATE (m:Model:Node {id: $id, projectKey: $pk, name: $name, displayName: $name, createdAt: $now, createdBy: $actor,
			        versionCount: 0, description: $description, updatedAt: $now, mlflowTagKeys: $keys, mlflowTagValues: $values})
			CREATE (p)-[:HAS_MODEL]->(m)
			RETURN `+registeredModelProjection+` AS m`,
			map[string]any{"pk": in.ProjectKey, "id": newID(KindModel), "name": in.Name, "now": s.now().UTC(), "actor": actor,
				"description": in.Description, "keys": keys, "values": values})
		if err != nil {
			return nil, err
		}
		m, err := recDecode(rec, "m", decodeRegisteredModel)
		if err != nil {
			return nil, err
		}
		return m, s.appendEvents(tx, actor, eventDraft{EventModelCreated, m.ProjectKey, m.ID, map[string]any{"name": m.Name}})
	})
}

// ModelUpdate changes a model: each field that is set.
type ModelUpdate struct {
	Name        *string
	Description *string
	SetTag      *KeyValue
	DeleteTag   *string
}

// UpdateRegisteredModel applies u to a model under its lock: a new name
// taken in the project is errs.Conflict, a change that changes nothing
// (the same name, description or tag; a tag that is not there) is a no-op
// without an event, so a retried request succeeds.
func (s *Store) UpdateRegisteredModel(ctx context.Context, actor, modelID string, u ModelUpdate) (*RegisteredModel, error) {
	if err := checkID("model_id", modelID, KindModel); err != nil {
		return nil, err
	}
	if u.Name != nil {
		if err := checkText("new_name", *u.Name, MaxNameLen, true); err != nil {
			return nil, err
		}
	}
	if u.Description != nil {
		if err := checkText("description", *u.Description, MaxDescriptionLen, false); err != nil {
			return nil, err
		}
	}
	if u.SetTag != nil {
		if err := checkKeyValues("tag", []KeyValue{*u.SetTag}, MaxTagValueLen); err != nil {
			return nil, err
		}
	}
	if u.DeleteTag != nil {
		if err := checkText("key", *u.DeleteTag, MaxNameLen, true); err != nil {
			return nil, err
		}
	}
	var unchanged *RegisteredModel
	m, err := write(ctx, s, func(tx *txn) (*RegisteredModel, error) {
		rec, err := tx.single(`MATCH (m:Model {id: $id}) `+lockClause("m")+` RETURN `+registeredModelProjection+` AS m`,
			map[string]any{"id": modelID})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindModel, modelID)
		}
		m, err := recDecode(rec, "m", decodeRegisteredModel)
		if err != nil {
			return nil, err
		}
		name, description, tags := m.Name, m.Description, m.Tags
		payload := map[string]any{}
		if u.Name != nil && *u.Name != m.Name {
			rec, err := tx.single(`MATCH (m:Model {projectKey: $pk, name: $name}) RETURN m.id AS id`, map[string]any{"pk": m.ProjectKey, "name": *u.Name})
			if err != nil {
				return nil, err
			}
			if rec != nil {
				return nil, conflict("model %s already exists in project %s", errs.Quote(*u.Name), errs.Quote(m.ProjectKey))
			}
			name, payload["name"], payload["from"] = *u.Name, *u.Name, m.Name
		}
		if u.Description != nil && *u.Description != m.Description {
			description, payload["description"] = *u.Description, true
		}
		if u.SetTag != nil {
			tags = overwriteKV(tags, []KeyValue{*u.SetTag})
			if len(tags) > MaxRegistryTags {
				return nil, invalid("tags: a model holds at most %d tags", MaxRegistryTags)
			}
			if !sameKV(tags, m.Tags) {
				payload["tagSet"] = u.SetTag.Key
			}
		}
		if u.DeleteTag != nil {
			kept := make([]KeyValue, 0, len(tags))
			for _, kv := range tags {
				if kv.Key != *u.DeleteTag {
					kept = append(kept, kv)
				}
			}
			if len(kept) != len(tags) {
				payload["tagDeleted"] = *u.DeleteTag
			}
			tags = kept
		}
		if len(payload) == 0 {
			unchanged = m
			return nil, errUnchanged
		}
		keys, values := unzipKV(tags)
		rec, err = tx.single(`
			MATCH (m:Model {id: $id})
			SET m.name = $name, m.displayName = $name, m.description = $description, m.updatedAt = $now,
			    m.mlflowTagKeys = $keys, m.mlflowTagValues = $values
			WITH m
			CALL {
			  WITH m
			  MATCH (m)-[:HAS_VERSION]->(v:ModelVersion) WHERE $renamed
			  SET v.displayName = m.name + ' v' + toString(v.version)
			}
			RETURN `+registeredModelProjection+` AS m`,
			map[string]any{"id": modelID, "name": name, "description": description, "now": s.now().UTC(), "keys": nonNil(keys),
				"values": nonNil(values), "renamed": name != m.Name})
		if err != nil {
			return nil, err
		}
		out, err := recDecode(rec, "m", decodeRegisteredModel)
		if err != nil {
			return nil, err
		}
		return out, s.appendEvents(tx, actor, eventDraft{EventModelUpdated, out.ProjectKey, out.ID, payload})
	})
	return orUnchanged(m, unchanged, err)
}

func sameKV(a, b []KeyValue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// governedHistory is true of a version that the audit trail refers to: a
// promotion request or a bias check names it, or it is in PRODUCTION.
const governedHistory = `(v.stage = 'PRODUCTION' OR EXISTS { (:PromotionRequest)-[:PROMOTES]->(v) } OR EXISTS { (:BiasCheck)-[:EVALUATES]->(v) })`

// DeleteRegisteredModel deletes a model and its versions. A model with a
// version that governance refers to (in PRODUCTION, named by a promotion
// request or a bias check) is errs.Conflict: the hub keeps that history.
func (s *Store) DeleteRegisteredModel(ctx context.Context, actor, modelID string) error {
	if err := checkID("model_id", modelID, KindModel); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (bool, error) {
		rec, err := tx.single(`
			MATCH (m:Model {id: $id}) `+lockClause("m")+`
			WITH m
			OPTIONAL MATCH (m)-[:HAS_VERSION]->(v:ModelVersion)
			RETURN m.projectKey AS pk, m.name AS name, collect(v.id) AS versions,
			       [x IN collect(CASE WHEN `+governedHistory+` THEN v.version END) WHERE x IS NOT NULL] AS kept`,
			map[string]any{"id": modelID})
		if err != nil {
			return false, err
		}
		if rec == nil {
			return false, notFound(KindModel, modelID)
		}
		keptAny, _ := rec.Get("kept")
		if kept, _ := keptAny.([]any); len(kept) > 0 {
			return false, conflict("the model has versions %v that governance refers to (in PRODUCTION, promotion requests, bias checks); the hub keeps them", kept)
		}
		pk, err := recStr(rec, "pk")
		if err != nil {
			return false, err
		}
		name, err := recStr(rec, "name")
		if err != nil {
			return false, err
		}
		if _, err := tx.run(`
			MATCH (m:Model {id: $id})
			OPTIONAL MATCH (m)-[:HAS_VERSION]->(v:ModelVersion)
			DETACH DELETE v, m`, map[string]any{"id": modelID}); err != nil {
			return false, err
		}
		return true, s.appendEvents(tx, actor, eventDraft{EventModelDeleted, pk, modelID, map[string]any{"name": name}})
	})
	return err
}

// RegistryVersionInput is a new model version as MLflow creates it.
type RegistryVersionInput struct {
	ModelID, Source, RunID, Description string
	// LoggedModelID is MLflow's model_id, kept as the client sent it.
	LoggedModelID string
	Tags          []KeyValue
}

// CreateRegistryVersion creates the next version of an existing model:
// source is its URI, RunID (optional) the run that PRODUCED it, in the
// model's project (the caller checked). Versions number 1, 2, 3… without
// gaps under concurrent creation (the model's lock). The same request
// again from the same caller within retryWindow of the latest version's
// creation is the client's retry: it answers that version and writes
// nothing.
func (s *Store) CreateRegistryVersion(ctx context.Context, actor string, in RegistryVersionInput) (*RegistryVersion, error) {
	if err := checkID("model_id", in.ModelID, KindModel); err != nil {
		return nil, err
	}
	if err := checkText("source", in.Source, MaxURILen, true); err != nil {
		return nil, err
	}
	if err := checkText("description", in.Description, MaxDescriptionLen, false); err != nil {
		return nil, err
	}
	if in.LoggedModelID != "" && !IsLoggedModelID(in.LoggedModelID) {
		return nil, invalid("model_id: %s is not a logged model ID", errs.Quote(in.LoggedModelID))
	}
	if err := checkKeyValues("tags", in.Tags, MaxTagValueLen); err != nil {
		return nil, err
	}
	var runID any
	if in.RunID != "" {
		if err := checkID("run_id", in.RunID, KindRun); err != nil {
			return nil, err
		}
		runID = in.RunID
	}
	keys, values := unzipKV(in.Tags)
	var retried *RegistryVersion
	v, err := write(ctx, s, func(tx *txn) (*RegistryVersion, error) {
		rec, err := tx.single(`
			MATCH (m:Model {id: $modelId}) `+lockClause("m")+`
			WITH m
			OPTIONAL MATCH (r:Run {id: $runId})
			WITH m, ($runId IS NULL OR r.projectKey = m.projectKey) AS run
			OPTIONAL MATCH (lm:LoggedModel {id: $loggedModel})
			WITH m, run, ($loggedModel IS NULL OR lm.projectKey = m.projectKey) AS loggedModel
			OPTIONAL MATCH (m)-[:HAS_VERSION]->(v:ModelVersion)
			WITH m, run, loggedModel, v ORDER BY v.version DESC LIMIT 1
			RETURN run, loggedModel, CASE WHEN v IS NULL THEN null ELSE `+registryVersionProjection+` END AS last`,
			map[string]any{"modelId": in.ModelID, "runId": runID, "loggedModel": nilIfEmpty(in.LoggedModelID)})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindModel, in.ModelID)
		}
		if ok, err := recBool(rec, "run"); err != nil || !ok {
			return nil, orErr(err, fmt.Errorf("run_id: %w", notFound(KindRun, in.RunID)))
		}
		if ok, err := recBool(rec, "loggedModel"); err != nil || !ok {
			return nil, orErr(err, fmt.Errorf("model_id: logged model %s: %w", errs.Quote(in.LoggedModelID), errs.NotFound))
		}
		if lastAny, _ := rec.Get("last"); lastAny != nil {
			last, err := recDecode(rec, "last", decodeRegistryVersion)
			if err != nil {
				return nil, err
			}
			if sameVersionRequest(last, actor, in, s.now()) {
				retried = last
				return nil, errUnchanged
			}
		}
		rec, err = tx.single(`
			MATCH (m:Model {id: $modelId})
			SET m.versionCount = m.versionCount + 1, m.updatedAt = $now
			RETURN m.versionCount AS n`, map[string]any{"modelId": in.ModelID, "now": s.now().UTC()})
		if err != nil {
			return nil, err
		}
		n, err := recInt(rec, "n")
		if err != nil {
			return nil, err
		}
		now := s.now().UTC()
		rec, err = tx.single(`
			MATCH (m:Model {id: $modelId})
			CREATE (v:ModelVersion:Node {id: $id, projectKey: m.projectKey, modelId: m.id, version: $version,
			        displayName: m.name + ' v' + toString($version), uri: $uri, stage: 'NONE', createdAt: $now, createdBy: $actor,
			        description: $description, updatedAt: $now, mlflowTagKeys: $keys, mlflowTagValues: $values, aliases: [],
			        mlflowModelId: $loggedModel})
			CREATE (m)-[:HAS_VERSION]->(v)
			WITH m, v
			CALL {
			  WITH v
			  MATCH (r:Run {id: $runId})
			  MERGE (r)-[e:PRODUCED]->(v) ON CREATE SET e.createdAt = $now
			}
			RETURN `+registryVersionProjection+` AS v`,
			map[string]any{"modelId": in.ModelID, "id": newID(KindModelVersion), "version": n, "uri": in.Source, "now": now,
				"actor": actor, "description": in.Description, "keys": nonNil(keys), "values": nonNil(values), "runId": runID,
				"loggedModel": nilIfEmpty(in.LoggedModelID)})
		if err != nil {
			return nil, err
		}
		v, err := recDecode(rec, "v", decodeRegistryVersion)
		if err != nil {
			return nil, err
		}
		return v, s.appendEvents(tx, actor, eventDraft{EventModelVersionRegistered, v.ProjectKey, v.ID,
			map[string]any{"modelId": v.ModelID, "version": v.Version, "runId": in.RunID}})
	})
	return orUnchanged(v, retried, err)
}

// retryWindow is how long after a version's creation the same request
// from the same caller is taken as the client's retry (it re-sends a
// create whose answer was lost, on 429 and 5xx) rather than a new version.
const retryWindow = 2 * time.Minute

// sameVersionRequest reports whether in, from actor, is a retry of the
// request that created last: same source, run, description and tags,
// within retryWindow.
func sameVersionRequest(last *RegistryVersion, actor string, in RegistryVersionInput, now time.Time) bool {
	return last.CreatedBy == actor && last.URI == in.Source && last.RunID == in.RunID && last.Description == in.Description &&
		last.LoggedModelID == in.LoggedModelID && sameKV(last.Tags, in.Tags) && now.Sub(last.CreatedAt) < retryWindow
}

// RegistryVersion returns version number version of a model, or
// errs.NotFound.
func (s *Store) RegistryVersion(ctx context.Context, modelID string, version int64) (*RegistryVersion, error) {
	if err := checkID("model_id", modelID, KindModel); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*RegistryVersion, error) {
		rec, err := tx.single(`MATCH (m:Model {id: $id})-[:HAS_VERSION]->(v:ModelVersion {version: $version}) RETURN `+registryVersionProjection+` AS v`,
			map[string]any{"id": modelID, "version": version})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("model version %d: %w", version, errs.NotFound)
		}
		return recDecode(rec, "v", decodeRegistryVersion)
	})
}

// RegistryVersionFilter selects model versions: of the projects in
// Scope, of ModelIDs when set, produced by RunID when set.
type RegistryVersionFilter struct {
	Scope    Scope
	ModelIDs []string
	RunID    string
}

// RegistryVersions lists the versions f selects by ID, at most limit after
// the version ID after ("" for the first page).
func (s *Store) RegistryVersions(ctx context.Context, f RegistryVersionFilter, after string, limit int) ([]*RegistryVersion, error) {
	if limit <= 0 || limit > MaxItemsPerCall {
		return nil, invalid("limit: %d is out of range", limit)
	}
	params := f.Scope.params()
	var models any // null: every model; a nil slice would be an empty list
	if f.ModelIDs != nil {
		models = f.ModelIDs
	}
	params["models"], params["run"], params["after"], params["limit"] = models, nilIfEmpty(f.RunID), nilIfEmpty(after), limit
	return read(ctx, s, func(tx *txn) ([]*RegistryVersion, error) {
		recs, err := tx.run(`
			MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion)
			WHERE ($allProjects OR v.projectKey IN $projectKeys) AND ($models IS NULL OR m.id IN $models)
			  AND ($run IS NULL OR EXISTS { (:Run {id: $run})-[:PRODUCED]->(v) })
			  AND ($after IS NULL OR v.id > $after)
			WITH m, v ORDER BY v.id LIMIT $limit
			RETURN `+registryVersionProjection+` AS v`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "v", decodeRegistryVersion)
	})
}

// VersionUpdate changes a model version: each field that is set.
type VersionUpdate struct {
	Description *string
	SetTag      *KeyValue
	DeleteTag   *string
}

// UpdateRegistryVersion applies u to a model version under its model's
// lock; a change that changes nothing is a no-op without an event.
func (s *Store) UpdateRegistryVersion(ctx context.Context, actor, versionID string, u VersionUpdate) (*RegistryVersion, error) {
	if err := checkID("model_version_id", versionID, KindModelVersion); err != nil {
		return nil, err
	}
	if u.Description != nil {
		if err := checkText("description", *u.Description, MaxDescriptionLen, false); err != nil {
			return nil, err
		}
	}
	if u.SetTag != nil {
		if err := checkKeyValues("tag", []KeyValue{*u.SetTag}, MaxTagValueLen); err != nil {
			return nil, err
		}
	}
	if u.DeleteTag != nil {
		if err := checkText("key", *u.DeleteTag, MaxNameLen, true); err != nil {
			return nil, err
		}
	}
	var unchanged *RegistryVersion
	v, err := write(ctx, s, func(tx *txn) (*RegistryVersion, error) {
		v, err := lockVersion(tx, versionID)
		if err != nil {
			return nil, err
		}
		description, tags := v.Description, v.Tags
		payload := map[string]any{}
		if u.Description != nil && *u.Description != v.Description {
			description, payload["description"] = *u.Description, true
		}
		if u.SetTag != nil {
			tags = overwriteKV(tags, []KeyValue{*u.SetTag})
			if len(tags) > MaxRegistryTags {
				return nil, invalid("tags: a model version holds at most %d tags", MaxRegistryTags)
			}
			if !sameKV(tags, v.Tags) {
				payload["tagSet"] = u.SetTag.Key
			}
		}
		if u.DeleteTag != nil {
			kept := make([]KeyValue, 0, len(tags))
			for _, kv := range tags {
				if kv.Key != *u.DeleteTag {
					kept = append(kept, kv)
				}
			}
			if len(kept) != len(tags) {
				payload["tagDeleted"] = *u.DeleteTag
			}
			tags = kept
		}
		if len(payload) == 0 {
			unchanged = v
			return nil, errUnchanged
		}
		keys, values := unzipKV(tags)
		rec, err := tx.single(`
			MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion {id: $id})
			SET v.description = $description, v.updatedAt = $now, v.mlflowTagKeys = $keys, v.mlflowTagValues = $values
			RETURN `+registryVersionProjection+` AS v`,
			map[string]any{"id": versionID, "description": description, "now": s.now().UTC(), "keys": nonNil(keys), "values": nonNil(values)})
		if err != nil {
			return nil, err
		}
		out, err := recDecode(rec, "v", decodeRegistryVersion)
		if err != nil {
			return nil, err
		}
		payload["modelId"] = out.ModelID
		return out, s.appendEvents(tx, actor, eventDraft{EventModelVersionUpdated, out.ProjectKey, out.ID, payload})
	})
	return orUnchanged(v, unchanged, err)
}

// lockVersion locks a version's model (the order every writer of a
// model's versions takes) and returns the version as it is under the lock.
func lockVersion(tx *txn, versionID string) (*RegistryVersion, error) {
	rec, err := tx.single(`
		MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion {id: $id})
		WITH m, v `+lockClause("m")+`
		RETURN `+registryVersionProjection+` AS v`, map[string]any{"id": versionID})
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, notFound(KindModelVersion, versionID)
	}
	return recDecode(rec, "v", decodeRegistryVersion)
}

// DeleteRegistryVersion deletes a model version. A version governance
// refers to (in PRODUCTION, named by a promotion request or a bias check)
// is errs.Conflict; its aliases go with it.
func (s *Store) DeleteRegistryVersion(ctx context.Context, actor, versionID string) error {
	if err := checkID("model_version_id", versionID, KindModelVersion); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (bool, error) {
		v, err := lockVersion(tx, versionID)
		if err != nil {
			return false, err
		}
		rec, err := tx.single(`MATCH (v:ModelVersion {id: $id}) RETURN `+governedHistory+` AS kept`, map[string]any{"id": versionID})
		if err != nil {
			return false, err
		}
		if kept, err := recBool(rec, "kept"); err != nil || kept {
			return false, orErr(err, conflict("model version %d is in PRODUCTION or named by a promotion request or bias check; the hub keeps it", v.Version))
		}
		if _, err := tx.run(`MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion {id: $id}) SET m.updatedAt = $now DETACH DELETE v`,
			map[string]any{"id": versionID, "now": s.now().UTC()}); err != nil {
			return false, err
		}
		return true, s.appendEvents(tx, actor, eventDraft{EventModelVersionDeleted, v.ProjectKey, v.ID,
			map[string]any{"modelId": v.ModelID, "version": v.Version}})
	})
	return err
}

// SetModelAlias points alias (lower case, not ProductionAlias; the caller
// checked it) at version number version of a model, taking it from the
// version it named. With productionOnly the version must be in PRODUCTION
// under the model's lock (a governed alias), else errs.Conflict. Setting
// an alias where it is is a no-op.
func (s *Store) SetModelAlias(ctx context.Context, actor, modelID, alias string, version int64, productionOnly bool) (*RegistryVersion, error) {
	if err := checkID("model_id", modelID, KindModel); err != nil {
		return nil, err
	}
	if err := checkText("alias", alias, MaxNameLen, true); err != nil {
		return nil, err
	}
	if alias == ProductionAlias {
		return nil, invalid("alias: %s is the PRODUCTION stage; it is not set directly", ProductionAlias)
	}
	var unchanged *RegistryVersion
	v, err := write(ctx, s, func(tx *txn) (*RegistryVersion, error) {
		rec, err := tx.single(`
			MATCH (m:Model {id: $id}) `+lockClause("m")+`
			WITH m
			MATCH (m)-[:HAS_VERSION]->(v:ModelVersion {version: $version})
			RETURN `+registryVersionProjection+` AS v`, map[string]any{"id": modelID, "version": version})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("model version %d: %w", version, errs.NotFound)
		}
		v, err := recDecode(rec, "v", decodeRegistryVersion)
		if err != nil {
			return nil, err
		}
		if productionOnly && v.Stage != StageProduction {
			return nil, conflict("alias %s is governed: version %d is not in PRODUCTION", errs.Quote(alias), version)
		}
		for _, a := range v.Aliases {
			if a == alias {
				unchanged = v
				return nil, errUnchanged
			}
		}
		now := s.now().UTC()
		if err := moveAlias(tx, v.ID, alias, now); err != nil {
			return nil, err
		}
		rec, err = tx.single(`MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion {id: $id}) RETURN `+registryVersionProjection+` AS v`,
			map[string]any{"id": v.ID})
		if err != nil {
			return nil, err
		}
		out, err := recDecode(rec, "v", decodeRegistryVersion)
		if err != nil {
			return nil, err
		}
		return out, s.appendEvents(tx, actor, eventDraft{EventModelAliasChanged, out.ProjectKey, out.ID,
			map[string]any{"modelId": out.ModelID, "alias": alias, "set": true, "version": out.Version}})
	})
	return orUnchanged(v, unchanged, err)
}

// moveAlias takes alias from the other versions of a version's model and
// gives it to the version; the caller holds the model's lock.
func moveAlias(tx *txn, versionID, alias string, now time.Time) error {
	_, err := tx.run(`
		MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion {id: $id})
		CALL {
		  WITH m, v
		  MATCH (m)-[:HAS_VERSION]->(o:ModelVersion) WHERE o.id <> v.id AND $alias IN coalesce(o.aliases, [])
		  SET o.aliases = [a IN o.aliases WHERE a <> $alias], o.updatedAt = $now
		}
		SET v.aliases = [a IN coalesce(v.aliases, []) WHERE a <> $alias] + $alias, v.updatedAt = $now, m.updatedAt = $now`,
		map[string]any{"id": versionID, "alias": alias, "now": now})
	return err
}

// DeleteModelAlias removes alias from a model; an alias the model does not
// have is a no-op. ProductionAlias is never stored, so it cannot be
// removed here.
func (s *Store) DeleteModelAlias(ctx context.Context, actor, modelID, alias string) error {
	if err := checkID("model_id", modelID, KindModel); err != nil {
		return err
	}
	if err := checkText("alias", alias, MaxNameLen, true); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (bool, error) {
		rec, err := tx.single(`
			MATCH (m:Model {id: $id}) `+lockClause("m")+`
			WITH m
			OPTIONAL MATCH (m)-[:HAS_VERSION]->(v:ModelVersion) WHERE $alias IN coalesce(v.aliases, [])
			SET v.aliases = [a IN v.aliases WHERE a <> $alias], v.updatedAt = $now
			RETURN m.projectKey AS pk, collect(v.id) AS ids, collect(v.version) AS versions`,
			map[string]any{"id": modelID, "alias": alias, "now": s.now().UTC()})
		if err != nil {
			return false, err
		}
		if rec == nil {
			return false, notFound(KindModel, modelID)
		}
		pk, err := recStr(rec, "pk")
		if err != nil {
			return false, err
		}
		idsAny, _ := rec.Get("ids")
		ids, _ := idsAny.([]any)
		if len(ids) == 0 {
			return false, errUnchanged
		}
		drafts := make([]eventDraft, len(ids))
		for i, id := range ids {
			drafts[i] = eventDraft{EventModelAliasChanged, pk, fmt.Sprint(id), map[string]any{"modelId": modelID, "alias": alias, "set": false}}
		}
		return true, s.appendEvents(tx, actor, drafts...)
	})
	_, err = orUnchanged(true, true, err)
	return err
}

// VersionByAlias returns the version alias names in a model; an alias
// that names none is errs.NotFound.
func (s *Store) VersionByAlias(ctx context.Context, modelID, alias string) (*RegistryVersion, error) {
	if err := checkID("model_id", modelID, KindModel); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*RegistryVersion, error) {
		rec, err := tx.single(`
			MATCH (m:Model {id: $id})-[:HAS_VERSION]->(v:ModelVersion)
			WHERE CASE WHEN $alias = '`+ProductionAlias+`' THEN v.stage = 'PRODUCTION' ELSE $alias IN coalesce(v.aliases, []) END
			RETURN `+registryVersionProjection+` AS v LIMIT 1`, map[string]any{"id": modelID, "alias": alias})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("alias %s: %w", errs.Quote(alias), errs.NotFound)
		}
		return recDecode(rec, "v", decodeRegistryVersion)
	})
}

// OpenPromotionRequestOf returns the open promotion request of a model
// version; errs.NotFound when it has none.
func (s *Store) OpenPromotionRequestOf(ctx context.Context, versionID string) (*PromotionRequest, error) {
	if err := checkID("model_version_id", versionID, KindModelVersion); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*PromotionRequest, error) {
		rec, err := tx.single(`MATCH (r:PromotionRequest {modelVersionId: $id, open: true}) RETURN `+requestProjection+` AS r LIMIT 1`,
			map[string]any{"id": versionID})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("open promotion request of %s: %w", versionID, errs.NotFound)
		}
		return recDecode(rec, "r", decodePromotionRequest)
	})
}

// ArchiveModelVersion moves a model version that is not in PRODUCTION to
// ARCHIVED, under its model's lock (MODEL_STAGE_CHANGED); one already
// ARCHIVED is left as it is, without an event. A version in PRODUCTION is
// errs.Conflict: it leaves production only when another version is
// promoted there.
func (s *Store) ArchiveModelVersion(ctx context.Context, actor, versionID string) (*RegistryVersion, error) {
	if err := checkID("modelVersionId", versionID, KindModelVersion); err != nil {
		return nil, err
	}
	var unchanged *RegistryVersion
	v, err := write(ctx, s, func(tx *txn) (*RegistryVersion, error) {
		rec, err := tx.single(`
			MATCH (:ModelVersion {id: $id})<-[:HAS_VERSION]-(m:Model) `+lockClause("m")+`
			WITH m
			MATCH (m)-[:HAS_VERSION]->(v:ModelVersion {id: $id})
			RETURN `+registryVersionProjection+` AS v`, map[string]any{"id": versionID})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindModelVersion, versionID)
		}
		v, err := recDecode(rec, "v", decodeRegistryVersion)
		if err != nil {
			return nil, err
		}
		switch v.Stage {
		case StageArchived:
			unchanged = v
			return nil, errUnchanged
		case StageProduction:
			return nil, conflict("model version %s is in PRODUCTION: it is archived when another version is promoted to PRODUCTION", errs.Quote(versionID))
		}
		now := s.now().UTC()
		rec, err = tx.single(`
			MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion {id: $id})
			SET v.stage = 'ARCHIVED', v.stageChangedAt = $now
			RETURN `+registryVersionProjection+` AS v`, map[string]any{"id": versionID, "now": now})
		if err != nil {
			return nil, err
		}
		out, err := recDecode(rec, "v", decodeRegistryVersion)
		if err != nil {
			return nil, err
		}
		return out, s.appendEvents(tx, actor, eventDraft{EventModelStageChanged, out.ProjectKey, out.ID,
			map[string]any{"from": string(v.Stage), "stage": string(StageArchived)}})
	})
	return orUnchanged(v, unchanged, err)
}
