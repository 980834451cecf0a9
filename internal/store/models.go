package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// ModelStage is where a model version is in its lifecycle.
type ModelStage string

// Model stages.
const (
	StageNone       ModelStage = "NONE"
	StageStaging    ModelStage = "STAGING"
	StageProduction ModelStage = "PRODUCTION"
	StageArchived   ModelStage = "ARCHIVED"
)

// Model is a named model with numbered versions.
type Model struct {
	ID          string
	ProjectKey  string
	Name        string
	CreatedAt   time.Time
	CreatedBy   string
	Description string
	// Tags are the model's tags (MLflow's registered model tags).
	Tags []KeyValue
}

func decodeModel(m map[string]any) (*Model, error) {
	p := props{m: m}
	v := &Model{ID: p.str("id"), ProjectKey: p.str("projectKey"), Name: p.str("name"), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"),
		Description: p.str("description"), Tags: zipKV(p.strs("mlflowTagKeys"), p.strs("mlflowTagValues"))}
	return v, p.err
}

// ModelVersion is one registered version of a model.
type ModelVersion struct {
	ID         string
	ProjectKey string
	ModelID    string
	Version    int64
	URI        string
	Stage      ModelStage
	CreatedAt  time.Time
	CreatedBy  string
	// Aliases name the version within its model (MLflow's aliases), in
	// lower case and sorted: those set on it, and ProductionAlias when it
	// is in PRODUCTION.
	Aliases     []string
	Description string
	// Tags are the version's tags (MLflow's model version tags).
	Tags []KeyValue
}

// ProductionAlias is the alias of a model's PRODUCTION version. It is not
// stored: it is the hub's production stage under MLflow's name, so it
// moves only when a promotion to PRODUCTION is carried out.
const ProductionAlias = "production"

func decodeModelVersion(m map[string]any) (*ModelVersion, error) {
	p := props{m: m}
	v := &ModelVersion{ID: p.str("id"), ProjectKey: p.str("projectKey"), ModelID: p.str("modelId"), Version: p.int("version"),
		URI: p.str("uri"), Stage: ModelStage(p.str("stage")), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"),
		Aliases: p.strs("aliases"), Description: p.str("description"), Tags: zipKV(p.strs("mlflowTagKeys"), p.strs("mlflowTagValues"))}
	if v.Stage == StageProduction {
		v.Aliases = append(v.Aliases, ProductionAlias)
	}
	slices.Sort(v.Aliases)
	v.Aliases = slices.Compact(v.Aliases)
	return v, p.err
}

// RegisterModelVersionInput holds the fields of a new model version.
type RegisterModelVersionInput struct {
	ProjectKey, ModelName, RunID, URI string
}

// RegisterModelVersion creates the next version of a model, creating the
// model on first use. When RunID is set the run is linked as the version's
// producer. Versions are numbered 1, 2, 3… per model, with no gaps under
// concurrent registration.
func (s *Store) RegisterModelVersion(ctx context.Context, actor string, in RegisterModelVersionInput) (*ModelVersion, error) {
	if err := checkText("modelName", in.ModelName, MaxNameLen, true); err != nil {
		return nil, err
	}
	if err := checkText("uri", in.URI, MaxURILen, true); err != nil {
		return nil, err
	}
	var runID any
	if in.RunID != "" {
		if err := checkID("runId", in.RunID, KindRun); err != nil {
			return nil, err
		}
		runID = in.RunID
	}
	return write(ctx, s, func(tx *txn) (*ModelVersion, error) {
		rec, err := tx.single(`
			OPTIONAL MATCH (p:Project {key: $projectKey})
			OPTIONAL MATCH (r:Run {id: $runId})
			RETURN p IS NOT NULL AS project, ($runId IS NULL OR r IS NOT NULL) AS run`,
			map[string]any{"projectKey": in.ProjectKey, "runId": runID})
		if err != nil {
			return nil, err
		}
		if ok, err := recBool(rec, "project"); err != nil || !ok {
			return nil, orErr(err, notFound(KindProject, in.ProjectKey))
		}
		if ok, err := recBool(rec, "run"); err != nil || !ok {
			return nil, orErr(err, fmt.Errorf("runId: %w", notFound(KindRun, in.RunID)))
		}
		now := s.now().UTC()
		params := map[string]any{"projectKey": in.ProjectKey, "name": in.ModelName, "modelId": newID(KindModel), "id": newID(KindModelVersion),
			"uri": in.URI, "now": now, "actor": actor, "runId": runID}
		// Take the model's write lock before reading it (see lockClause),
		// so concurrent registrations queue on it and number gap-free.
		rec, err = tx.single(`
			MATCH (m:Model {projectKey: $projectKey, name: $name})
			`+lockClause("m")+`
			SET m.versionCount = m.versionCount + 1
			RETURN m.id AS id, m.versionCount AS n`, params)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			// First version: create the model. Concurrent creators queue
			// on the uniqueness constraint's lock; the losers match.
			rec, err = tx.single(`
				MATCH (p:Project {key: $projectKey})
				MERGE (m:Model {projectKey: $projectKey, name: $name})
				  ON CREATE SET m:Node, m.id = $modelId, m.displayName = $name, m.createdAt = $now, m.createdBy = $actor, m.versionCount = 1
				  ON MATCH SET m.versionCount = m.versionCount + 1
				FOREACH (_ IN CASE WHEN m.id = $modelId THEN [1] ELSE [] END | CREATE (p)-[:HAS_MODEL]->(m))
				RETURN m.id AS id, m.versionCount AS n`, params)
			if err != nil {
				return nil, err
			}
		}
		modelID, err := recStr(rec, "id")
		if err != nil {
			return nil, err
		}
		if params["version"], err = recInt(rec, "n"); err != nil {
			return nil, err
		}
		params["modelId"] = modelID
		rec, err = tx.single(`
			MATCH (m:Model {id: $modelId})
			CREATE (v:ModelVersion:Node {id: $id, projectKey: $projectKey, modelId: m.id, version: $version,
			        displayName: m.name + ' v' + toString($version), uri: $uri, stage: 'NONE', createdAt: $now, createdBy: $actor})
			CREATE (m)-[:HAS_VERSION]->(v)
			WITH v
			CALL {
			  WITH v
			  MATCH (r:Run {id: $runId})
			  MERGE (r)-[e:PRODUCED]->(v) ON CREATE SET e.createdAt = $now
			}
			RETURN v{.*} AS v`, params)
		if err != nil {
			return nil, err
		}
		m, err := recMap(rec, "v")
		if err != nil {
			return nil, err
		}
		v, err := decodeModelVersion(m)
		if err != nil {
			return nil, err
		}
		return v, s.appendEvents(tx, actor, eventDraft{EventModelVersionRegistered, v.ProjectKey, v.ID,
			map[string]any{"modelId": v.ModelID, "version": int64(v.Version), "runId": in.RunID}})
	})
}

// Models lists a project's models, newest first.
func (s *Store) Models(ctx context.Context, projectKey string, f NameFilter, page Page) (Conn[*Model], error) {
	if err := f.check(); err != nil {
		return Conn[*Model]{}, err
	}
	return listPage(ctx, s, "models", page, `
			CALL { MATCH (m:Model {projectKey: $pk}) WHERE $name IS NULL OR toLower(m.name) CONTAINS toLower($name) RETURN count(m) AS total }
			CALL {
			  MATCH (m:Model {projectKey: $pk})
			  WHERE ($name IS NULL OR toLower(m.name) CONTAINS toLower($name)) AND ($after IS NULL OR m.id < $after)
			  WITH m ORDER BY m.id DESC LIMIT $limit
			  RETURN collect(m{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"pk": projectKey, "name": nilIfEmpty(f.NameContains)}, afterID, decodeModel, func(m *Model) (any, string) { return nil, m.ID })
}

// ModelVersions lists a model's versions, newest first.
func (s *Store) ModelVersions(ctx context.Context, modelID string, page Page) (Conn[*ModelVersion], error) {
	return listPage(ctx, s, "modelVersions", page, `
			CALL { MATCH (:Model {id: $id})-[:HAS_VERSION]->(v) RETURN count(v) AS total }
			CALL {
			  MATCH (:Model {id: $id})-[:HAS_VERSION]->(v) WHERE $after IS NULL OR v.version < $after
			  WITH v ORDER BY v.version DESC LIMIT $limit
			  RETURN collect(v{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"id": modelID}, afterVersion, decodeModelVersion, func(v *ModelVersion) (any, string) { return v.Version, v.ID })
}

func afterVersion(c *cursor) any {
	if c == nil {
		return nil
	}
	if f, ok := c.V.(float64); ok {
		return int64(f)
	}
	return nil
}
