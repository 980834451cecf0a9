package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// StartValidationRunInput asks for a run of a suite on a dataset version.
type StartValidationRunInput struct {
	SuiteID          string
	DatasetVersionID string
	// Deadline is when the run is certainly over; a sweep ends runs still
	// RUNNING after it (their server died) as ERROR INTERRUPTED.
	Deadline time.Time
}

// StartValidationRun creates a RUNNING run of the suite's current version
// on a version of the suite's dataset, and appends VALIDATION_STARTED. An
// unknown suite or version is errs.NotFound, a version of another dataset
// errs.Invalid; nothing is written then. The caller evaluates it and calls
// CompleteValidationRun.
func (s *Store) StartValidationRun(ctx context.Context, actor string, in StartValidationRunInput) (*ValidationRun, error) {
	if err := checkID("suiteId", in.SuiteID, KindValidationSuite); err != nil {
		return nil, err
	}
	if err := checkID("datasetVersionId", in.DatasetVersionID, KindDatasetVersion); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*ValidationRun, error) {
		run, _, err := s.startRun(tx, actor, in, TriggerManual)
		return run, err
	})
}

// startRun creates a RUNNING run inside a write, as StartValidationRun
// describes; it also returns the suite as read, for a caller that must
// check more of it.
func (s *Store) startRun(tx *txn, actor string, in StartValidationRunInput, trigger ValidationTrigger) (*ValidationRun, *ValidationSuite, error) {
	rec, err := tx.single(`
		OPTIONAL MATCH (s:ValidationSuite {id: $suiteId})
		OPTIONAL MATCH (v:DatasetVersion {id: $versionId})
		RETURN s{.*} AS s, v{.*} AS v`, map[string]any{"suiteId": in.SuiteID, "versionId": in.DatasetVersionID})
	if err != nil {
		return nil, nil, err
	}
	sm, err := recMap(rec, "s")
	if err != nil {
		return nil, nil, err
	}
	vm, err := recMap(rec, "v")
	if err != nil {
		return nil, nil, err
	}
	if sm == nil {
		return nil, nil, fmt.Errorf("suiteId: %w", notFound(KindValidationSuite, in.SuiteID))
	}
	if vm == nil {
		return nil, nil, fmt.Errorf("datasetVersionId: %w", notFound(KindDatasetVersion, in.DatasetVersionID))
	}
	suite, err := decodeValidationSuite(sm)
	if err != nil {
		return nil, nil, err
	}
	v, err := decodeDatasetVersion(vm)
	if err != nil {
		return nil, nil, err
	}
	if v.DatasetID != suite.DatasetID {
		return nil, nil, invalid("datasetVersionId: %s is a version of dataset %s, but suite %s validates dataset %s",
			errs.Quote(v.ID), errs.Quote(v.DatasetID), errs.Quote(suite.Name), errs.Quote(suite.DatasetID))
	}
	now := s.now().UTC()
	// The version and definition come from the one read above, so the
	// run records exactly the definition it will run.
	rec, err = tx.single(`
		MATCH (s:ValidationSuite {id: $suiteId}), (v:DatasetVersion {id: $versionId})
		CREATE (r:ValidationRun:Node {id: $id, projectKey: v.projectKey, datasetId: v.datasetId, datasetVersionId: v.id,
		        suiteId: s.id, suiteKey: s.id, suiteName: $suiteName, suiteVersion: $suiteVersion, definition: $definition,
		        displayName: $suiteName + ' v' + toString($suiteVersion) + ' on ' + v.displayName, trigger: $trigger,
		        status: 'RUNNING', engine: $engine, startedAt: $now, createdAt: $now, createdBy: $actor, deadline: $deadline})
		CREATE (r)-[:VALIDATES]->(v)
		CREATE (r)-[:RAN_SUITE]->(s)
		RETURN r{.*} AS r`,
		map[string]any{"suiteId": suite.ID, "versionId": v.ID, "id": newID(KindValidationRun), "suiteName": suite.Name,
			"suiteVersion": suite.Version, "definition": suite.Definition, "engine": EngineExphub, "now": now, "actor": actor,
			"deadline": in.Deadline.UTC(), "trigger": string(trigger)})
	if err != nil {
		return nil, nil, err
	}
	run, err := recDecode(rec, "r", decodeValidationRun)
	if err != nil {
		return nil, nil, err
	}
	return run, suite, s.appendEvents(tx, actor, eventDraft{EventValidationStarted, run.ProjectKey, run.ID,
		map[string]any{"datasetId": run.DatasetID, "datasetVersionId": run.DatasetVersionID, "suiteId": run.SuiteID,
			"suiteVersion": suite.Version, "status": string(ValidationRunning), "trigger": string(trigger)}})
}

// ValidationOutcome is how a validation run ended, as the store keeps it.
// The validation domain builds it from an engine's result
// (validation.Outcome); the store checks what it queries on and keeps the
// documents as given.
type ValidationOutcome struct {
	// Status is PASSED, WARNED, FAILED or ERROR.
	Status ValidationStatus
	// RowCount is the number of rows read; nil when unknown (an ERROR
	// before any row, or an engine that does not say).
	RowCount *int64
	// SHA256 is the digest of the data read, lowercase hex; "" when
	// unknown.
	SHA256 string
	// Error is why the run ended in ERROR as a whole, if it did.
	Error *RunError
	// Statistics is a JSON object counting the rule outcomes.
	Statistics string
	// Results is a JSON array of the rule results, one per rule.
	Results string
	// Engine (EngineExphub or EngineGreatExpectations) and EngineVersion
	// name what produced a recorded result (RecordValidationResult); a
	// run of the hub's engine keeps EngineExphub and ignores them.
	Engine        string
	EngineVersion string
}

// outcomeProps maps an outcome onto a run's stored properties.
func outcomeProps(out ValidationOutcome) (map[string]any, error) {
	switch out.Status {
	case ValidationPassed, ValidationWarned, ValidationFailed, ValidationError:
	default:
		return nil, invalid("result: status %s is not PASSED, WARNED, FAILED or ERROR", errs.Quote(string(out.Status)))
	}
	if !json.Valid([]byte(out.Statistics)) || !json.Valid([]byte(out.Results)) {
		return nil, fmt.Errorf("result: statistics and results must be JSON documents (see validation.Outcome)")
	}
	p := map[string]any{"status": string(out.Status), "rowCount": nil, "sha256": nilIfEmpty(out.SHA256),
		"statistics": out.Statistics, "results": out.Results,
		"errorCode": nil, "errorMessage": nil, "errorRow": nil, "errorColumn": nil}
	if out.RowCount != nil {
		p["rowCount"] = *out.RowCount
	}
	if e := out.Error; e != nil {
		p["errorCode"], p["errorMessage"] = e.Code, e.Message
		if e.Row != nil {
			p["errorRow"] = *e.Row
		}
		if e.Column != nil {
			p["errorColumn"] = nilIfEmpty(*e.Column)
		}
	}
	return p, nil
}

// refreshQualityStatus recomputes a dataset version's qualityStatus from
// the latest finished run of each suite (a hub suite by ID, a recorded
// one by name) inside the calling write. The version's lock serialises
// runs finishing at once, so each sees the others' committed results.
func refreshQualityStatus(tx *txn, versionID string) (ValidationStatus, error) {
	rec, err := tx.single(`
		MATCH (v:DatasetVersion {id: $id}) `+lockClause("v")+`
		WITH v
		OPTIONAL MATCH (r:ValidationRun)-[:VALIDATES]->(v) WHERE r.status <> 'RUNNING'
		WITH v, r ORDER BY r.finishedAt DESC, r.id DESC
		WITH v, r.suiteKey AS suite, collect(r.status)[0] AS latest
		WITH v, collect(latest) AS statuses
		WITH v, CASE WHEN 'ERROR' IN statuses THEN 'ERROR' WHEN 'FAILED' IN statuses THEN 'FAILED'
		             WHEN 'WARNED' IN statuses THEN 'WARNED' WHEN 'PASSED' IN statuses THEN 'PASSED' END AS q
		SET v.qualityStatus = q
		RETURN coalesce(q, '') AS q`, map[string]any{"id": versionID})
	if err != nil {
		return "", err
	}
	if rec == nil {
		return "", notFound(KindDatasetVersion, versionID)
	}
	q, err := recStr(rec, "q")
	return ValidationStatus(q), err
}

// completed refreshes a finished run's dataset version's qualityStatus,
// evaluates again the open promotion requests downstream of it, and
// appends VALIDATION_COMPLETED and what the evaluation changed.
func (s *Store) completed(tx *txn, actor string, run *ValidationRun) error {
	q, err := refreshQualityStatus(tx, run.DatasetVersionID)
	if err != nil {
		return err
	}
	drafts, err := s.reevaluateOpen(tx, "datasetVersionId", run.DatasetVersionID)
	if err != nil {
		return err
	}
	return s.appendEvents(tx, actor, append([]eventDraft{completedEvent(run, q)}, drafts...)...)
}

// completedEvent is the VALIDATION_COMPLETED event of a finished run.
func completedEvent(run *ValidationRun, quality ValidationStatus) eventDraft {
	p := map[string]any{"datasetId": run.DatasetID, "datasetVersionId": run.DatasetVersionID, "suiteId": run.SuiteID,
		"suiteName": run.SuiteName, "status": string(run.Status), "engine": run.Engine, "qualityStatus": string(quality)}
	if run.SuiteVersion != nil {
		p["suiteVersion"] = *run.SuiteVersion
	}
	if run.Error != nil {
		p["errorCode"] = run.Error.Code
	}
	return eventDraft{EventValidationCompleted, run.ProjectKey, run.ID, p}
}

// CompleteValidationRun stores the result of a RUNNING run, refreshes its
// dataset version's qualityStatus and appends VALIDATION_COMPLETED (as the
// run's creator), all in one transaction. A run that already finished is
// errs.Conflict.
func (s *Store) CompleteValidationRun(ctx context.Context, runID string, out ValidationOutcome) (*ValidationRun, error) {
	if err := checkID("runId", runID, KindValidationRun); err != nil {
		return nil, err
	}
	p, err := outcomeProps(out)
	if err != nil {
		return nil, err
	}
	p["finishedAt"] = s.now().UTC()
	return write(ctx, s, func(tx *txn) (*ValidationRun, error) {
		rec, err := tx.single(`MATCH (r:ValidationRun {id: $id}) `+lockClause("r")+` RETURN r{.*} AS r`, map[string]any{"id": runID})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindValidationRun, runID)
		}
		old, err := recDecode(rec, "r", decodeValidationRun)
		if err != nil {
			return nil, err
		}
		if old.Status != ValidationRunning {
			return nil, conflict("validation run %s already finished (%s)", errs.Quote(runID), old.Status)
		}
		rec, err = tx.single(`MATCH (r:ValidationRun {id: $id}) SET r += $props RETURN r{.*} AS r`, map[string]any{"id": runID, "props": p})
		if err != nil {
			return nil, err
		}
		run, err := recDecode(rec, "r", decodeValidationRun)
		if err != nil {
			return nil, err
		}
		return run, s.completed(tx, run.CreatedBy, run)
	})
}

// RecordValidationResultInput is a validation result produced elsewhere.
type RecordValidationResultInput struct {
	DatasetVersionID string
	// SuiteName groups the results of one external suite: the latest
	// result of each name counts towards the version's qualityStatus.
	SuiteName string
	// Outcome is the result as the validation domain read it from a Great
	// Expectations or exphub engine result (validation.RecordInput).
	Outcome ValidationOutcome
}

// RecordValidationResult stores a finished validation run of a result
// produced elsewhere (engine great_expectations, or exphub for a local
// hubctl run), refreshes the version's qualityStatus and appends
// VALIDATION_COMPLETED, in one transaction. An unknown version is
// errs.NotFound; nothing is written then.
func (s *Store) RecordValidationResult(ctx context.Context, actor string, in RecordValidationResultInput) (*ValidationRun, error) {
	if err := checkID("datasetVersionId", in.DatasetVersionID, KindDatasetVersion); err != nil {
		return nil, err
	}
	if err := CheckSuiteName("suiteName", in.SuiteName); err != nil {
		return nil, err
	}
	p, err := outcomeProps(in.Outcome)
	if err != nil {
		return nil, err
	}
	engine := in.Outcome.Engine
	if engine != EngineExphub && engine != EngineGreatExpectations {
		return nil, fmt.Errorf("result: engine %s is not %s or %s", errs.Quote(engine), EngineExphub, EngineGreatExpectations)
	}
	now := s.now().UTC()
	p["engine"], p["engineVersion"], p["startedAt"], p["finishedAt"], p["createdAt"] = engine, nilIfEmpty(in.Outcome.EngineVersion), now, now, now
	p["createdBy"], p["suiteName"], p["suiteKey"] = actor, in.SuiteName, "external:"+in.SuiteName
	return write(ctx, s, func(tx *txn) (*ValidationRun, error) {
		rec, err := tx.single(`
			MATCH (v:DatasetVersion {id: $versionId})
			CREATE (r:ValidationRun:Node {id: $id})
			SET r += $props, r.projectKey = v.projectKey, r.datasetId = v.datasetId, r.datasetVersionId = v.id,
			    r.displayName = $suiteName + ' on ' + v.displayName
			CREATE (r)-[:VALIDATES]->(v)
			RETURN r{.*} AS r`,
			map[string]any{"versionId": in.DatasetVersionID, "id": newID(KindValidationRun), "props": p, "suiteName": in.SuiteName})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("datasetVersionId: %w", notFound(KindDatasetVersion, in.DatasetVersionID))
		}
		run, err := recDecode(rec, "r", decodeValidationRun)
		if err != nil {
			return nil, err
		}
		return run, s.completed(tx, actor, run)
	})
}

// StaleValidationRuns returns the IDs of runs still RUNNING after their
// deadline: their server stopped without finishing them.
func (s *Store) StaleValidationRuns(ctx context.Context, limit int) ([]string, error) {
	return read(ctx, s, func(tx *txn) ([]string, error) {
		rec, err := tx.single(`MATCH (r:ValidationRun {status: 'RUNNING'}) WHERE r.deadline < $now
			WITH r ORDER BY r.id LIMIT $limit RETURN collect(r.id) AS ids`, map[string]any{"now": s.now().UTC(), "limit": limit})
		if err != nil {
			return nil, err
		}
		l, _, err := getList(rec, "ids")
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(l))
		for _, v := range l {
			if id, ok := v.(string); ok {
				out = append(out, id)
			}
		}
		return out, nil
	})
}

// ValidationRunsByIDs returns validation runs by ID.
func (s *Store) ValidationRunsByIDs(ctx context.Context, ids []string) (map[string]*ValidationRun, error) {
	return byIDs(ctx, s, KindValidationRun, ids, decodeValidationRun, func(v *ValidationRun) string { return v.ID })
}

// ValidationRunFilter selects the runs of a dataset (all its versions), of
// one dataset version, or of one suite: exactly one field is set.
type ValidationRunFilter struct {
	DatasetID, DatasetVersionID, SuiteID string
}

// validationRunLists holds one list statement per filter field; the
// property name comes from this table, never from a request.
var validationRunLists = func() map[string]string {
	m := map[string]string{}
	for _, f := range []string{"datasetId", "datasetVersionId", "suiteId"} {
		m[f] = `
			CALL { MATCH (r:ValidationRun {` + f + `: $key}) RETURN count(r) AS total }
			CALL {
			  MATCH (r:ValidationRun {` + f + `: $key}) WHERE $after IS NULL OR r.id < $after
			  WITH r ORDER BY r.id DESC LIMIT $limit
			  RETURN collect(r{.*}) AS items
			}
			RETURN total, items`
	}
	return m
}()

// ValidationRuns lists validation runs, newest first (IDs are
// time-ordered, so by start).
func (s *Store) ValidationRuns(ctx context.Context, f ValidationRunFilter, page Page) (Conn[*ValidationRun], error) {
	field, key, n := "", "", 0
	for _, c := range []struct{ field, key string }{{"datasetId", f.DatasetID}, {"datasetVersionId", f.DatasetVersionID}, {"suiteId", f.SuiteID}} {
		if c.key != "" {
			field, key, n = c.field, c.key, n+1
		}
	}
	if n != 1 {
		return Conn[*ValidationRun]{}, invalid("datasetId, datasetVersionId: give exactly one")
	}
	return listPage(ctx, s, "validationRuns:"+field, page, validationRunLists[field], map[string]any{"key": key}, afterID,
		decodeValidationRun, func(v *ValidationRun) (any, string) { return nil, v.ID })
}
