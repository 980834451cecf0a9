package store

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

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
	notes := annotations{u.Description, u.SetTag, u.DeleteTag}
	if err := notes.check(); err != nil {
		return nil, err
	}
	var unchanged *RegistryVersion
	v, err := write(ctx, s, func(tx *txn) (*RegistryVersion, error) {
		v, err := lockVersion(tx, versionID)
		if err != nil {
			return nil, err
		}
		payload := map[string]any{}
		description, tags, err := notes.apply("a model version", v.Description, v.Tags, payload)
		if err != nil {
			return nil, err
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
