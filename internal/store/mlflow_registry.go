package store

import (
	"context"
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
	notes := annotations{u.Description, u.SetTag, u.DeleteTag}
	if err := notes.check(); err != nil {
		return nil, err
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
		if description, tags, err = notes.apply("a model", description, tags, payload); err != nil {
			return nil, err
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

// annotations are the description and tag changes of an update of a
// model or a model version: each that is set.
type annotations struct {
	Description *string
	SetTag      *KeyValue
	DeleteTag   *string
}

func (a annotations) check() error {
	if a.Description != nil {
		if err := checkText("description", *a.Description, MaxDescriptionLen, false); err != nil {
			return err
		}
	}
	if a.SetTag != nil {
		if err := checkKeyValues("tag", []KeyValue{*a.SetTag}, MaxTagValueLen); err != nil {
			return err
		}
	}
	if a.DeleteTag != nil {
		if err := checkText("key", *a.DeleteTag, MaxNameLen, true); err != nil {
			return err
		}
	}
	return nil
}

// apply returns description and tags with a applied to them, and records
// in payload what changed (nothing for a change that changes nothing); a
// tag beyond MaxRegistryTags is errs.Invalid naming what holds them.
func (a annotations) apply(holder, description string, tags []KeyValue, payload map[string]any) (string, []KeyValue, error) {
	if a.Description != nil && *a.Description != description {
		description, payload["description"] = *a.Description, true
	}
	if a.SetTag != nil {
		set := overwriteKV(tags, []KeyValue{*a.SetTag})
		if len(set) > MaxRegistryTags {
			return "", nil, invalid("tags: %s holds at most %d tags", holder, MaxRegistryTags)
		}
		if !sameKV(set, tags) {
			payload["tagSet"] = a.SetTag.Key
		}
		tags = set
	}
	if a.DeleteTag != nil {
		kept := make([]KeyValue, 0, len(tags))
		for _, kv := range tags {
			if kv.Key != *a.DeleteTag {
				kept = append(kept, kv)
			}
		}
		if len(kept) != len(tags) {
			payload["tagDeleted"] = *a.DeleteTag
		}
		tags = kept
	}
	return description, tags, nil
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
