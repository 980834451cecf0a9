package store

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

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
