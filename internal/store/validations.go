package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// Data-quality validations on the graph:
//
//	(Dataset)-[:HAS_SUITE]->(ValidationSuite)
//	(ValidationRun)-[:VALIDATES]->(DatasetVersion)
//	(ValidationRun)-[:RAN_SUITE]->(ValidationSuite)
//
// None of these is a lineage edge, so lineage walks never enter them. A
// suite is versioned: each change of its definition bumps version, and a
// run keeps the version and a copy of the definition it ran. Each dataset
// version carries qualityStatus, the worst of the latest finished run of
// each suite, written in the transaction that finishes a run, so health
// costs a property read.
//
// What a definition or a result says is the validation domain's business
// (internal/validation parses both and decodes what runs keep): the store
// takes a suite as a SuiteDefinition and a result as a ValidationOutcome,
// checks its own limits, and keeps the documents as JSON text.

// ValidationStatus is the state of a validation run.
type ValidationStatus string

// Validation run states. A run of the hub's engine starts RUNNING and
// ends in one of the others; a recorded external result is created
// finished.
const (
	ValidationRunning ValidationStatus = "RUNNING"
	ValidationPassed  ValidationStatus = "PASSED"
	ValidationWarned  ValidationStatus = "WARNED"
	ValidationFailed  ValidationStatus = "FAILED"
	ValidationError   ValidationStatus = "ERROR"
)

// Failing reports whether st makes a dataset version FAILED (and its
// downstream AT_RISK): FAILED, or ERROR (it could not be checked as
// written, e.g. its content no longer matches its digest).
func (st ValidationStatus) Failing() bool { return st == ValidationFailed || st == ValidationError }

// Run-level error codes the hub adds to the engine's (INTEGRITY, INPUT,
// SOURCE).
const (
	// CodeTimeout: the run did not finish within the runner's timeout.
	CodeTimeout = "TIMEOUT"
	// CodeInterrupted: the server stopped (or died) while the run was in
	// flight.
	CodeInterrupted = "INTERRUPTED"
)

// Engines a validation run records.
const (
	EngineExphub            = "exphub"
	EngineGreatExpectations = "great_expectations"
)

// Limits of validation inputs.
const (
	// MaxSuiteDefinitionLen bounds a suite's definition text.
	MaxSuiteDefinitionLen = 1 << 20
	// MaxValidationResultLen bounds a recorded result's JSON text.
	MaxValidationResultLen = 4 << 20
)

// ValidationSuite is a named, versioned set of data-quality rules over one
// dataset.
type ValidationSuite struct {
	ID         string
	ProjectKey string
	DatasetID  string
	Name       string
	// Version is 1 at creation and grows by one with each change of the
	// definition.
	Version int64
	// Definition is the canonical JSON of the suite, as the validation
	// domain wrote it (see SuiteDefinition).
	Definition string
	RuleCount  int64
	CreatedAt  time.Time
	CreatedBy  string
	UpdatedAt  time.Time
	UpdatedBy  string
}

func decodeValidationSuite(m map[string]any) (*ValidationSuite, error) {
	p := props{m: m}
	v := &ValidationSuite{ID: p.str("id"), ProjectKey: p.str("projectKey"), DatasetID: p.str("datasetId"), Name: p.str("name"),
		Version: p.int("version"), Definition: p.str("definition"), RuleCount: p.int("ruleCount"),
		CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"), UpdatedAt: p.time("updatedAt"), UpdatedBy: p.str("updatedBy")}
	return v, p.err
}

// RunError is why a validation run ended in ERROR as a whole.
type RunError struct {
	// Code is INTEGRITY, INPUT or SOURCE (from the engine), TIMEOUT or
	// INTERRUPTED.
	Code    string
	Message string
	Row     *int64
	Column  *string
}

// ValidationRun is one validation of one dataset version: a run of the
// hub's engine with a suite, or a result recorded from elsewhere (Great
// Expectations).
type ValidationRun struct {
	ID               string
	ProjectKey       string
	DatasetID        string
	DatasetVersionID string
	// SuiteID is the hub suite the run used; "" for a recorded result.
	SuiteID   string
	SuiteName string
	// SuiteVersion is the suite's version the run used; nil for a
	// recorded result.
	SuiteVersion *int64
	// Definition is a copy of the suite's canonical JSON as run; "" for a
	// recorded result.
	Definition string
	Status     ValidationStatus
	// Engine is "exphub" or "great_expectations"; EngineVersion the
	// external engine's version when it said.
	Engine        string
	EngineVersion *string
	StartedAt     time.Time
	FinishedAt    *time.Time
	CreatedBy     string
	RowCount      *int64
	SHA256        *string
	Error         *RunError
	// Statistics is the JSON object counting the rule outcomes of a
	// finished run (validation.Statistics decodes it); "" while running.
	Statistics string
	// Results is the JSON array of the rule results, one per rule in the
	// suite's order (validation.Results decodes it); "" while running.
	Results string
}

func decodeValidationRun(m map[string]any) (*ValidationRun, error) {
	p := props{m: m}
	v := &ValidationRun{ID: p.str("id"), ProjectKey: p.str("projectKey"), DatasetID: p.str("datasetId"),
		DatasetVersionID: p.str("datasetVersionId"), SuiteID: p.str("suiteId"), SuiteName: p.str("suiteName"),
		SuiteVersion: p.optInt("suiteVersion"), Definition: p.str("definition"), Status: ValidationStatus(p.str("status")),
		Engine: p.str("engine"), EngineVersion: p.optStr("engineVersion"), StartedAt: p.time("startedAt"),
		FinishedAt: p.optTime("finishedAt"), CreatedBy: p.str("createdBy"), RowCount: p.optInt("rowCount"), SHA256: p.optStr("sha256")}
	if code := p.str("errorCode"); code != "" {
		v.Error = &RunError{Code: code, Message: p.str("errorMessage"), Row: p.optInt("errorRow"), Column: p.optStr("errorColumn")}
	}
	v.Statistics, v.Results = p.str("statistics"), p.str("results")
	return v, p.err
}

// SuiteDefinition is a suite definition as the validation domain parsed
// it (validation.ParseDefinition): the text a suite keeps and what a write
// checks against the graph.
type SuiteDefinition struct {
	// Name is the suite's name, which Text carries.
	Name string
	// Text is the canonical JSON of the suite; its runs keep a copy.
	Text string
	// RuleCount is the number of rules.
	RuleCount int
	// References are the dataset version IDs the rules read besides the
	// data (referential_integrity, distribution_drift), in rule order.
	References []SuiteReference
	// Dataset is the dataset the definition says it is written for; nil
	// when it names none.
	Dataset *SuiteDataset
}

// SuiteReference is a dataset version a suite's rule refers to.
type SuiteReference struct {
	// Rule is the index of the rule in the suite.
	Rule             int
	DatasetVersionID string
}

// SuiteDataset names a dataset in OpenLineage naming.
type SuiteDataset struct {
	Namespace, Name string
}

// VersionIDs returns the dataset version IDs d's rules refer to, in rule
// order, so a caller can check access to them before writing.
func (d SuiteDefinition) VersionIDs() []string {
	ids := make([]string, len(d.References))
	for i, r := range d.References {
		ids[i] = r.DatasetVersionID
	}
	return ids
}

// Check reports, as a write would, a reference of d that is not a
// dataset version ID (errs.Invalid naming the rule); whether the versions
// exist is checked in the write.
func (d SuiteDefinition) Check() error {
	for _, r := range d.References {
		if k, ok := KindOf(r.DatasetVersionID); !ok || k != KindDatasetVersion {
			return invalid("definition: rules[%d].reference: %s is not a dataset version ID (dsv_…); in the hub a reference names a registered version", r.Rule, errs.Quote(r.DatasetVersionID))
		}
	}
	return nil
}

// checkWrite checks d before a write of the suite named name.
func (d SuiteDefinition) checkWrite(name string) error {
	if d.Text == "" || !json.Valid([]byte(d.Text)) {
		return fmt.Errorf("definition: not a parsed definition (see validation.ParseDefinition)")
	}
	if d.Name != name {
		return fmt.Errorf("definition: parsed for a suite named %s, written to the suite named %s", errs.Quote(d.Name), errs.Quote(name))
	}
	return d.Check()
}

// CheckSuiteName checks the name of a suite (or, with field "suiteName",
// of a recorded result's suite) as a write does, first of its fields. A
// caller that parses a document before writing calls it to report a bad
// name first, as the write would.
func CheckSuiteName(field, name string) error { return checkText(field, name, MaxNameLen, true) }

// CheckSuiteDefinition checks the text of a suite definition against the
// store's limits (MaxSuiteDefinitionLen, UTF-8, no control characters);
// the validation domain calls it before parsing the text.
func CheckSuiteDefinition(text string) error {
	return checkText("definition", text, MaxSuiteDefinitionLen, true)
}

// CheckValidationResult checks the text of a recorded result against the
// store's limits (MaxValidationResultLen, UTF-8, no control characters);
// the validation domain calls it before parsing the text.
func CheckValidationResult(text string) error {
	return checkText("result", text, MaxValidationResultLen, true)
}

// checkSuiteTarget checks, inside a write, that the suite's dataset
// reference (when the definition names one) is the dataset it is attached
// to, and that its references exist.
func checkSuiteTarget(tx *txn, def SuiteDefinition, d *Dataset) error {
	if ds := def.Dataset; ds != nil && (ds.Namespace != d.Namespace || ds.Name != d.Name) {
		return invalid("definition: dataset: the suite is written for %s %s, not for dataset %s %s", ds.Namespace, ds.Name, d.Namespace, d.Name)
	}
	refs := def.VersionIDs()
	if len(refs) == 0 {
		return nil
	}
	rec, err := tx.single(`UNWIND range(0, size($ids) - 1) AS i
		OPTIONAL MATCH (v:DatasetVersion {id: $ids[i]}) WITH i, v WHERE v IS NULL RETURN collect(i) AS missing`,
		map[string]any{"ids": refs})
	if err != nil {
		return err
	}
	missing, _, err := getList(rec, "missing")
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		i, _ := missing[0].(int64)
		return fmt.Errorf("definition: reference %s: dataset version %w", errs.Quote(refs[i]), errs.NotFound)
	}
	return nil
}

// CreateValidationSuiteInput holds the fields of a new suite.
type CreateValidationSuiteInput struct {
	DatasetID string
	Name      string
	// Definition is the suite parsed for Name (validation.ParseDefinition).
	Definition SuiteDefinition
}

// CreateValidationSuite attaches a new suite, at version 1, to a dataset.
// A reference that is not a dataset version ID or a definition written for
// another dataset is errs.Invalid naming the rule or field; a name already
// used by a suite of the dataset is errs.Conflict; an unknown dataset or
// reference is errs.NotFound. Nothing is written then.
func (s *Store) CreateValidationSuite(ctx context.Context, actor string, in CreateValidationSuiteInput) (*ValidationSuite, error) {
	if err := checkID("datasetId", in.DatasetID, KindDataset); err != nil {
		return nil, err
	}
	if err := CheckSuiteName("name", in.Name); err != nil {
		return nil, err
	}
	if err := in.Definition.checkWrite(in.Name); err != nil {
		return nil, err
	}
	def := in.Definition
	return write(ctx, s, func(tx *txn) (*ValidationSuite, error) {
		// The dataset's lock serialises suites created at once, so a
		// duplicate name is a CONFLICT that names it.
		rec, err := tx.single(`
			MATCH (d:Dataset {id: $datasetId}) `+lockClause("d")+`
			WITH d
			OPTIONAL MATCH (d)-[:HAS_SUITE]->(dup:ValidationSuite {name: $name})
			RETURN d{.*} AS d, dup IS NOT NULL AS dup`, map[string]any{"datasetId": in.DatasetID, "name": in.Name})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("datasetId: %w", notFound(KindDataset, in.DatasetID))
		}
		dm, err := recMap(rec, "d")
		if err != nil {
			return nil, err
		}
		d, err := decodeDataset(dm)
		if err != nil {
			return nil, err
		}
		if dup, err := recBool(rec, "dup"); err != nil || dup {
			return nil, orErr(err, conflict("name: dataset %s %s already has a suite named %s; update it instead", d.Namespace, d.Name, errs.Quote(in.Name)))
		}
		if err := checkSuiteTarget(tx, def, d); err != nil {
			return nil, err
		}
		rec, err = tx.single(`
			MATCH (d:Dataset {id: $datasetId})
			CREATE (s:ValidationSuite:Node {id: $id, projectKey: d.projectKey, datasetId: d.id, name: $name, displayName: $name,
			        version: 1, definition: $definition, ruleCount: $ruleCount,
			        createdAt: $now, createdBy: $actor, updatedAt: $now, updatedBy: $actor})
			CREATE (d)-[:HAS_SUITE]->(s)
			RETURN s{.*} AS s`,
			map[string]any{"datasetId": d.ID, "id": newID(KindValidationSuite), "name": in.Name, "definition": def.Text,
				"ruleCount": int64(def.RuleCount), "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return nil, err
		}
		vs, err := recDecode(rec, "s", decodeValidationSuite)
		if err != nil {
			return nil, err
		}
		return vs, s.appendEvents(tx, actor, eventDraft{EventValidationSuiteCreated, vs.ProjectKey, vs.ID,
			map[string]any{"datasetId": vs.DatasetID, "name": vs.Name, "version": vs.Version, "rules": vs.RuleCount}})
	})
}

// UpdateValidationSuite replaces a suite's definition and bumps its
// version; runs already made keep the version they used. def is parsed
// for the suite's name (names do not change). A definition equal to the
// current one (after canonicalisation) changes nothing and reports
// changed=false, with no event. Errors as CreateValidationSuite.
func (s *Store) UpdateValidationSuite(ctx context.Context, actor, suiteID string, def SuiteDefinition) (*ValidationSuite, bool, error) {
	if err := checkID("suiteId", suiteID, KindValidationSuite); err != nil {
		return nil, false, err
	}
	type result struct {
		s       *ValidationSuite
		changed bool
	}
	res, err := write(ctx, s, func(tx *txn) (result, error) {
		// Lock before reading the version, so concurrent updates number
		// without gaps or repeats.
		rec, err := tx.single(`
			MATCH (s:ValidationSuite {id: $id}) `+lockClause("s")+`
			WITH s
			MATCH (d:Dataset {id: s.datasetId})
			RETURN s{.*} AS s, d{.*} AS d`, map[string]any{"id": suiteID})
		if err != nil {
			return result{}, err
		}
		if rec == nil {
			return result{}, fmt.Errorf("suiteId: %w", notFound(KindValidationSuite, suiteID))
		}
		old, err := recDecode(rec, "s", decodeValidationSuite)
		if err != nil {
			return result{}, err
		}
		dm, err := recMap(rec, "d")
		if err != nil {
			return result{}, err
		}
		d, err := decodeDataset(dm)
		if err != nil {
			return result{}, err
		}
		if err := def.checkWrite(old.Name); err != nil {
			return result{}, err
		}
		if err := checkSuiteTarget(tx, def, d); err != nil {
			return result{}, err
		}
		if def.Text == old.Definition {
			return result{old, false}, nil
		}
		rec, err = tx.single(`
			MATCH (s:ValidationSuite {id: $id})
			SET s.version = s.version + 1, s.definition = $definition, s.ruleCount = $ruleCount, s.updatedAt = $now, s.updatedBy = $actor
			RETURN s{.*} AS s`,
			map[string]any{"id": suiteID, "definition": def.Text, "ruleCount": int64(def.RuleCount), "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return result{}, err
		}
		vs, err := recDecode(rec, "s", decodeValidationSuite)
		if err != nil {
			return result{}, err
		}
		return result{vs, true}, s.appendEvents(tx, actor, eventDraft{EventValidationSuiteUpdated, vs.ProjectKey, vs.ID,
			map[string]any{"datasetId": vs.DatasetID, "name": vs.Name, "version": vs.Version, "rules": vs.RuleCount}})
	})
	return res.s, res.changed, err
}

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
		rec, err := tx.single(`
			OPTIONAL MATCH (s:ValidationSuite {id: $suiteId})
			OPTIONAL MATCH (v:DatasetVersion {id: $versionId})
			RETURN s{.*} AS s, v{.*} AS v`, map[string]any{"suiteId": in.SuiteID, "versionId": in.DatasetVersionID})
		if err != nil {
			return nil, err
		}
		sm, err := recMap(rec, "s")
		if err != nil {
			return nil, err
		}
		vm, err := recMap(rec, "v")
		if err != nil {
			return nil, err
		}
		if sm == nil {
			return nil, fmt.Errorf("suiteId: %w", notFound(KindValidationSuite, in.SuiteID))
		}
		if vm == nil {
			return nil, fmt.Errorf("datasetVersionId: %w", notFound(KindDatasetVersion, in.DatasetVersionID))
		}
		suite, err := decodeValidationSuite(sm)
		if err != nil {
			return nil, err
		}
		v, err := decodeDatasetVersion(vm)
		if err != nil {
			return nil, err
		}
		if v.DatasetID != suite.DatasetID {
			return nil, invalid("datasetVersionId: %s is a version of dataset %s, but suite %s validates dataset %s",
				errs.Quote(v.ID), errs.Quote(v.DatasetID), errs.Quote(suite.Name), errs.Quote(suite.DatasetID))
		}
		now := s.now().UTC()
		// The version and definition come from the one read above, so the
		// run records exactly the definition it will run.
		rec, err = tx.single(`
			MATCH (s:ValidationSuite {id: $suiteId}), (v:DatasetVersion {id: $versionId})
			CREATE (r:ValidationRun:Node {id: $id, projectKey: v.projectKey, datasetId: v.datasetId, datasetVersionId: v.id,
			        suiteId: s.id, suiteKey: s.id, suiteName: $suiteName, suiteVersion: $suiteVersion, definition: $definition,
			        displayName: $suiteName + ' v' + toString($suiteVersion) + ' on ' + v.displayName,
			        status: 'RUNNING', engine: $engine, startedAt: $now, createdAt: $now, createdBy: $actor, deadline: $deadline})
			CREATE (r)-[:VALIDATES]->(v)
			CREATE (r)-[:RAN_SUITE]->(s)
			RETURN r{.*} AS r`,
			map[string]any{"suiteId": suite.ID, "versionId": v.ID, "id": newID(KindValidationRun), "suiteName": suite.Name,
				"suiteVersion": suite.Version, "definition": suite.Definition, "engine": EngineExphub, "now": now, "actor": actor,
				"deadline": in.Deadline.UTC()})
		if err != nil {
			return nil, err
		}
		run, err := recDecode(rec, "r", decodeValidationRun)
		if err != nil {
			return nil, err
		}
		return run, s.appendEvents(tx, actor, eventDraft{EventValidationStarted, run.ProjectKey, run.ID,
			map[string]any{"datasetId": run.DatasetID, "datasetVersionId": run.DatasetVersionID, "suiteId": run.SuiteID,
				"suiteVersion": suite.Version, "status": string(ValidationRunning)}})
	})
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

// ValidationSuitesByIDs returns suites by ID.
func (s *Store) ValidationSuitesByIDs(ctx context.Context, ids []string) (map[string]*ValidationSuite, error) {
	return byIDs(ctx, s, KindValidationSuite, ids, decodeValidationSuite, func(v *ValidationSuite) string { return v.ID })
}

// ValidationRunsByIDs returns validation runs by ID.
func (s *Store) ValidationRunsByIDs(ctx context.Context, ids []string) (map[string]*ValidationRun, error) {
	return byIDs(ctx, s, KindValidationRun, ids, decodeValidationRun, func(v *ValidationRun) string { return v.ID })
}

// ValidationSuites lists a dataset's suites, newest first.
func (s *Store) ValidationSuites(ctx context.Context, datasetID string, page Page) (Conn[*ValidationSuite], error) {
	return listPage(ctx, s, "validationSuites", page, `
			CALL { MATCH (:Dataset {id: $id})-[:HAS_SUITE]->(s) RETURN count(s) AS total }
			CALL {
			  MATCH (:Dataset {id: $id})-[:HAS_SUITE]->(s) WHERE $after IS NULL OR s.id < $after
			  WITH s ORDER BY s.id DESC LIMIT $limit
			  RETURN collect(s{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"id": datasetID}, afterID, decodeValidationSuite, func(v *ValidationSuite) (any, string) { return nil, v.ID })
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
