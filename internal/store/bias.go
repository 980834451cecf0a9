package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// BiasCheck is a stored fairness evaluation of a model version on an
// evaluation dataset version. Its spec and report are documents the store
// keeps as JSON (governance.DecodeBiasCheck reads them).
type BiasCheck struct {
	ID               string
	ProjectKey       string
	ModelVersionID   string
	DatasetVersionID string
	Spec, Report     string
	// FourFifths and Inconclusive are the report's verdicts, which events
	// carry.
	FourFifths   string
	Inconclusive bool
	CreatedAt    time.Time
	CreatedBy    string
}

func decodeBiasCheck(m map[string]any) (*BiasCheck, error) {
	p := props{m: m}
	b := &BiasCheck{ID: p.str("id"), ProjectKey: p.str("projectKey"), ModelVersionID: p.str("modelVersionId"),
		DatasetVersionID: p.str("datasetVersionId"), Spec: p.str("spec"), Report: p.str("report"), FourFifths: p.str("fourFifths"),
		Inconclusive: p.bool("inconclusive"), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy")}
	return b, p.err
}

// RecordBiasCheckInput is a computed bias check to store: its spec and
// report as JSON documents, and the report's verdicts.
type RecordBiasCheckInput struct {
	ModelVersionID, DatasetVersionID string
	Spec, Report                     string
	FourFifths                       string
	Inconclusive                     bool
}

// RecordBiasCheck stores a bias check of a model version, in the version's
// project, and evaluates the version's open promotion requests again.
func (s *Store) RecordBiasCheck(ctx context.Context, actor string, in RecordBiasCheckInput) (*BiasCheck, error) {
	if err := checkID("modelVersionId", in.ModelVersionID, KindModelVersion); err != nil {
		return nil, err
	}
	if err := checkID("datasetVersionId", in.DatasetVersionID, KindDatasetVersion); err != nil {
		return nil, err
	}
	if !json.Valid([]byte(in.Spec)) || !json.Valid([]byte(in.Report)) {
		return nil, invalid("spec, report: must be JSON documents")
	}
	id := newID(KindBiasCheck)
	return write(ctx, s, func(tx *txn) (*BiasCheck, error) {
		// The model's lock first, as every writer of its requests takes
		// it (see lockRequest), then the nodes this check links.
		rec, err := tx.single(`
			OPTIONAL MATCH (v:ModelVersion {id: $mv})
			OPTIONAL MATCH (m:Model {id: v.modelId})
			OPTIONAL MATCH (d:DatasetVersion {id: $dv})
			RETURN v IS NOT NULL AS mv, d IS NOT NULL AS dv, m.id AS model`, map[string]any{"mv": in.ModelVersionID, "dv": in.DatasetVersionID})
		if err != nil {
			return nil, err
		}
		if ok, err := recBool(rec, "mv"); err != nil || !ok {
			return nil, orErr(err, fmt.Errorf("modelVersionId: %w", notFound(KindModelVersion, in.ModelVersionID)))
		}
		if ok, err := recBool(rec, "dv"); err != nil || !ok {
			return nil, orErr(err, fmt.Errorf("datasetVersionId: %w", notFound(KindDatasetVersion, in.DatasetVersionID)))
		}
		model, err := recStr(rec, "model")
		if err != nil {
			return nil, err
		}
		rec, err = tx.single(`
			MATCH (m:Model {id: $model}) `+lockClause("m")+`
			WITH m
			MATCH (v:ModelVersion {id: $mv}), (d:DatasetVersion {id: $dv})
			CREATE (b:BiasCheck:Node {id: $id, projectKey: v.projectKey, modelVersionId: v.id, datasetVersionId: d.id,
			        displayName: 'bias check of ' + v.displayName, spec: $spec, report: $report,
			        fourFifths: $fourFifths, inconclusive: $inconclusive, createdAt: $now, createdBy: $actor})
			CREATE (b)-[:EVALUATES]->(v)
			CREATE (b)-[:ON_DATA]->(d)
			RETURN b{.*} AS b`,
			map[string]any{"model": model, "mv": in.ModelVersionID, "dv": in.DatasetVersionID, "id": id, "spec": in.Spec,
				"report": in.Report, "fourFifths": in.FourFifths, "inconclusive": in.Inconclusive,
				"now": s.now().UTC(), "actor": actor})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("modelVersionId: %w", notFound(KindModelVersion, in.ModelVersionID))
		}
		b, err := recDecode(rec, "b", decodeBiasCheck)
		if err != nil {
			return nil, err
		}
		drafts, err := s.reevaluateOpen(tx, "modelVersionId", in.ModelVersionID)
		if err != nil {
			return nil, err
		}
		ev := eventDraft{EventBiasCheckRecorded, b.ProjectKey, b.ID, map[string]any{"modelVersionId": b.ModelVersionID,
			"datasetVersionId": b.DatasetVersionID, "fourFifths": b.FourFifths, "inconclusive": b.Inconclusive}}
		return b, s.appendEvents(tx, actor, append([]eventDraft{ev}, drafts...)...)
	})
}

// latestBiasCheck returns a model version's newest bias check, or nil.
// IDs are time-ordered, so the greatest is the newest.
func latestBiasCheck(tx *txn, modelVersionID string) (*BiasCheck, error) {
	rec, err := tx.single(`
		MATCH (b:BiasCheck {modelVersionId: $id})
		RETURN b{.*} AS b ORDER BY b.id DESC LIMIT 1`, map[string]any{"id": modelVersionID})
	if err != nil || rec == nil {
		return nil, err
	}
	return recDecode(rec, "b", decodeBiasCheck)
}

// BiasChecksByIDs returns bias checks by ID.
func (s *Store) BiasChecksByIDs(ctx context.Context, ids []string) (map[string]*BiasCheck, error) {
	return byIDs(ctx, s, KindBiasCheck, ids, decodeBiasCheck, func(v *BiasCheck) string { return v.ID })
}

// BiasChecks lists a model version's bias checks, newest first.
func (s *Store) BiasChecks(ctx context.Context, modelVersionID string, page Page) (Conn[*BiasCheck], error) {
	return listPage(ctx, s, "biasChecks", page, `
			CALL { MATCH (b:BiasCheck {modelVersionId: $id}) RETURN count(b) AS total }
			CALL {
			  MATCH (b:BiasCheck {modelVersionId: $id}) WHERE $after IS NULL OR b.id < $after
			  WITH b ORDER BY b.id DESC LIMIT $limit
			  RETURN collect(b{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"id": modelVersionID}, afterID, decodeBiasCheck, func(v *BiasCheck) (any, string) { return nil, v.ID })
}
