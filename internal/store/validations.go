package store

import (
	"time"
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
	// MaxSuitesPerDataset bounds a dataset's suites: each may run on
	// every version that arrives, so one dataset cannot fill the
	// validation queue with a single registration.
	MaxSuitesPerDataset = 50
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
	// OnArrival: the suite runs by itself on every version of its dataset
	// registered after it was created (validation on arrival); false when
	// it runs only when asked. Stored as manualOnly, so suites written
	// before the setting existed run on arrival.
	OnArrival bool
	// Template is the template the suite was made from; nil for a suite
	// written by hand.
	Template  *SuiteTemplateLink
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	UpdatedBy string
}

func decodeValidationSuite(m map[string]any) (*ValidationSuite, error) {
	p := props{m: m}
	v := &ValidationSuite{ID: p.str("id"), ProjectKey: p.str("projectKey"), DatasetID: p.str("datasetId"), Name: p.str("name"),
		Version: p.int("version"), Definition: p.str("definition"), RuleCount: p.int("ruleCount"), OnArrival: !p.bool("manualOnly"),
		CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"), UpdatedAt: p.time("updatedAt"), UpdatedBy: p.str("updatedBy")}
	if p.err != nil {
		return nil, p.err
	}
	var err error
	v.Template, err = suiteLink(m)
	return v, err
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
	// Trigger is what started it: TriggerManual, TriggerArrival or
	// TriggerRecorded.
	Trigger ValidationTrigger
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
	switch v.Trigger = ValidationTrigger(p.str("trigger")); {
	case v.Trigger != "":
	case v.SuiteID == "":
		v.Trigger = TriggerRecorded
	default:
		v.Trigger = TriggerManual
	}
	return v, p.err
}

// ValidationTrigger is what started a validation run.
type ValidationTrigger string

const (
	// TriggerManual: someone asked for it (runValidation).
	TriggerManual ValidationTrigger = "MANUAL"
	// TriggerArrival: the version's registration did (validation on
	// arrival).
	TriggerArrival ValidationTrigger = "ARRIVAL"
	// TriggerRecorded: a result produced elsewhere was recorded.
	TriggerRecorded ValidationTrigger = "RECORDED"
)
