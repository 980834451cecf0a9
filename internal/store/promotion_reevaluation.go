package store

import (
	"context"
)

// ReevaluatePromotion evaluates a request's checks again now and, when
// they pass and the approvals are complete, carries it out; allow
// (governance.Reevaluation) decides under the lock whether it may be.
func (s *Store) ReevaluatePromotion(ctx context.Context, actor, requestID string, allow func(*PromotionRequest) error) (*PromotionRequest, bool, error) {
	if err := checkID("promotionRequestId", requestID, KindPromotionRequest); err != nil {
		return nil, false, err
	}
	type result struct {
		req      *PromotionRequest
		promoted bool
	}
	res, err := write(ctx, s, func(tx *txn) (result, error) {
		req, err := lockRequest(tx, requestID)
		if err != nil {
			return result{}, err
		}
		if err := allow(req); err != nil {
			return result{}, err
		}
		drafts, promoted, err := s.settle(tx, req, s.now().UTC())
		if err != nil {
			return result{}, err
		}
		if len(drafts) == 0 {
			return result{req, false}, nil
		}
		return result{req, promoted}, s.appendEvents(tx, actor, drafts...)
	})
	return res.req, res.promoted, err
}

// reevaluateOpen settles the open requests that match: those whose model
// version is downstream of a dataset version (datasetVersionId), those of
// a model version (modelVersionId), or those whose training run is runId.
// Called inside the transaction that changed the evidence, so a request
// never shows checks older than a committed change.
func (s *Store) reevaluateOpen(tx *txn, param string, id string) ([]eventDraft, error) {
	recs, err := tx.run(openRequestsBy[param], map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	var drafts []eventDraft
	for _, rec := range recs {
		rid, err := recStr(rec, "id")
		if err != nil {
			return nil, err
		}
		req, err := lockRequest(tx, rid)
		if err != nil {
			return nil, err
		}
		if !req.Status.Open() {
			continue
		}
		more, _, err := s.settle(tx, req, s.now().UTC())
		if err != nil {
			return nil, err
		}
		drafts = append(drafts, more...)
	}
	return drafts, nil
}

// openRequestsBy finds the open requests an evidence change may affect,
// one statement per kind of evidence.
var openRequestsBy = map[string]string{
	// Each open request walks upstream from its model version, visiting
	// each node once (the aggregation keeps the planner from binding the
	// dataset version first and enumerating every path between the two).
	"datasetVersionId": `
		MATCH (r:PromotionRequest {open: true})
		CALL {
		  WITH r
		  MATCH (dv:DatasetVersion)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..` + upstreamDepthText + `]->(:ModelVersion {id: r.modelVersionId})
		  RETURN collect(DISTINCT dv.id) AS upstream
		}
		WITH r, upstream WHERE $id IN upstream
		RETURN r.id AS id ORDER BY r.id`,
	"modelVersionId": `MATCH (r:PromotionRequest {open: true, modelVersionId: $id}) RETURN r.id AS id ORDER BY r.id`,
	"runId":          `MATCH (r:PromotionRequest {open: true, trainingRunId: $id}) RETURN r.id AS id ORDER BY r.id`,
}

// ReevaluationQuery is the statement that finds the open requests a
// validation of dataset version $id may affect, for a benchmark that times
// and profiles it on its own.
func ReevaluationQuery() string { return openRequestsBy["datasetVersionId"] }
