package store

import (
	"context"
)

// PromotionFilter selects promotion requests.
type PromotionFilter struct {
	// Scope is the projects the caller may read.
	Scope          Scope
	ProjectKey     string
	ModelVersionID string
	Statuses       []PromotionStatus
	// OpenOnly keeps the open requests.
	OpenOnly bool
}

const promotionWhere = `
	($allProjects OR r.projectKey IN $projectKeys)
	AND ($project IS NULL OR r.projectKey = $project)
	AND ($modelVersionId IS NULL OR r.modelVersionId = $modelVersionId)
	AND ($statuses IS NULL OR r.status IN $statuses)
	AND (NOT $openOnly OR r.open)`

func (f PromotionFilter) params() map[string]any {
	params := f.Scope.params()
	params["project"], params["modelVersionId"], params["openOnly"] = nilIfEmpty(f.ProjectKey), nilIfEmpty(f.ModelVersionID), f.OpenOnly
	params["statuses"] = nil
	if f.Statuses != nil {
		st := make([]string, len(f.Statuses))
		for i, v := range f.Statuses {
			st[i] = string(v)
		}
		params["statuses"] = st
	}
	return params
}

// PromotionRequests lists promotion requests, newest first.
func (s *Store) PromotionRequests(ctx context.Context, f PromotionFilter, page Page) (Conn[*PromotionRequest], error) {
	return listPage(ctx, s, "promotionRequests", page, `
			CALL { MATCH (r:PromotionRequest) WHERE `+promotionWhere+` RETURN count(r) AS total }
			CALL {
			  MATCH (r:PromotionRequest) WHERE `+promotionWhere+` AND ($after IS NULL OR r.id < $after)
			  WITH r ORDER BY r.id DESC LIMIT $limit
			  RETURN collect(`+requestProjection+`) AS items
			}
			RETURN total, items`,
		f.params(), afterID, decodePromotionRequest, promotionKey)
}

func promotionKey(v *PromotionRequest) (any, string) { return nil, v.ID }

// MaxOpenPromotionRequests bounds AllPromotionRequests: open requests are
// few (one per model version at most), so a caller's decidable ones are
// filtered in memory.
const MaxOpenPromotionRequests = 10_000

// AllPromotionRequests returns every request that passes f, newest first,
// up to MaxOpenPromotionRequests; PagePromotionRequests pages a filtered
// selection of them like PromotionRequests pages its own.
func (s *Store) AllPromotionRequests(ctx context.Context, f PromotionFilter) ([]*PromotionRequest, error) {
	params := f.params()
	params["limit"] = MaxOpenPromotionRequests
	return read(ctx, s, func(tx *txn) ([]*PromotionRequest, error) {
		recs, err := tx.run(`MATCH (r:PromotionRequest) WHERE `+promotionWhere+`
			WITH r ORDER BY r.id DESC LIMIT $limit
			RETURN `+requestProjection+` AS r`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "r", decodePromotionRequest)
	})
}

// PagePromotionRequests returns one page of items (newest first, as
// AllPromotionRequests returns them) with the cursors of PromotionRequests.
func PagePromotionRequests(items []*PromotionRequest, page Page) (Conn[*PromotionRequest], error) {
	return pageInMemory("promotionRequests", items, page, promotionKey)
}

// OpenPromotionRequestsOf returns the IDs of the open requests of model
// versions, newest first.
func (s *Store) OpenPromotionRequestsOf(ctx context.Context, modelVersionIDs []string) ([]string, error) {
	return read(ctx, s, func(tx *txn) ([]string, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (r:PromotionRequest {modelVersionId: id, open: true})
			RETURN r.id AS id ORDER BY r.id DESC`, map[string]any{"ids": modelVersionIDs})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(recs))
		for _, rec := range recs {
			id, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, nil
	})
}
