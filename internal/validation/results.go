package validation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
)

// ParseResult reads the JSON text of a validation result produced
// elsewhere: an exphub engine result (hubctl validate --json), read
// strictly, or a Great Expectations validation result (0.x or 1.x shape).
// Its errors are errs.Invalid naming the field "result".
func ParseResult(text string) (*quality.Result, error) {
	if err := store.CheckValidationResult(text); err != nil {
		return nil, err
	}
	var probe struct {
		Engine string `json:"engine"`
	}
	if err := json.Unmarshal([]byte(text), &probe); err != nil {
		return nil, errs.Invalidf("result: not JSON: %v", err)
	}
	if probe.Engine == store.EngineExphub {
		var res quality.Result
		d := json.NewDecoder(bytes.NewReader([]byte(text)))
		d.DisallowUnknownFields()
		if err := d.Decode(&res); err != nil {
			return nil, errs.Invalidf("result: not an exphub engine result: %v", err)
		}
		return &res, nil
	}
	res, err := quality.ParseGreatExpectations([]byte(text))
	if err != nil {
		return nil, errs.Invalidf("result: %v", err)
	}
	return res, nil
}

// Outcome returns what the store keeps of a run that ended with res: its
// status, the rows read (none for an ERROR before any row), the data's
// digest, the run error, and the statistics and rule results as JSON
// documents, which Statistics and Results decode. The store checks the
// status. Engine and EngineVersion are left empty (see RecordInput).
func Outcome(res *quality.Result) (store.ValidationOutcome, error) {
	rules := res.Rules
	if rules == nil {
		rules = []quality.RuleResult{}
	}
	results, err := json.Marshal(rules)
	if err != nil {
		return store.ValidationOutcome{}, errs.Invalidf("result: rules cannot be stored as JSON: %v", err)
	}
	stats, err := json.Marshal(res.Statistics)
	if err != nil {
		return store.ValidationOutcome{}, errs.Invalidf("result: statistics cannot be stored as JSON: %v", err)
	}
	out := store.ValidationOutcome{Status: store.ValidationStatus(res.Status), SHA256: res.SHA256,
		Statistics: string(stats), Results: string(results)}
	if out.Status != store.ValidationError || res.RowCount != 0 {
		// An ERROR with no rows read nothing.
		n := res.RowCount
		out.RowCount = &n
	}
	if e := res.Error; e != nil {
		out.Error = &store.RunError{Code: string(e.Code), Message: e.Message}
		if e.Row > 0 {
			row := e.Row
			out.Error.Row = &row
		}
		if e.Column != "" {
			col := e.Column
			out.Error.Column = &col
		}
	}
	return out, nil
}

// RecordInput reads a validation result produced elsewhere (see
// ParseResult) into the store's input to record it for a dataset version
// under suiteName. The engine is exphub when the result says so, else
// great_expectations, whose results do not say how many rows the batch
// had. A bad suite name is reported before the result's problems, as the
// write would.
func RecordInput(datasetVersionID, suiteName, text string) (store.RecordValidationResultInput, error) {
	if err := store.CheckSuiteName("suiteName", suiteName); err != nil {
		return store.RecordValidationResultInput{}, err
	}
	res, err := ParseResult(text)
	if err != nil {
		return store.RecordValidationResultInput{}, err
	}
	out, err := Outcome(res)
	if err != nil {
		return store.RecordValidationResultInput{}, err
	}
	engine, version, _ := strings.Cut(res.Engine, " ")
	if engine != store.EngineExphub {
		engine = store.EngineGreatExpectations
		out.RowCount = nil
	}
	out.Engine, out.EngineVersion = engine, version
	return store.RecordValidationResultInput{DatasetVersionID: datasetVersionID, SuiteName: suiteName, Outcome: out}, nil
}

// Statistics decodes the statistics of a finished run; ok is false while
// it runs.
func Statistics(run *store.ValidationRun) (st quality.Statistics, ok bool, err error) {
	if run.Statistics == "" {
		return st, false, nil
	}
	if err := json.Unmarshal([]byte(run.Statistics), &st); err != nil {
		return st, false, fmt.Errorf("decode validation run %s statistics: %w", run.ID, err)
	}
	return st, true, nil
}

// Results decodes the rule results of a run, one per rule in the suite's
// order; none while it runs.
func Results(run *store.ValidationRun) ([]quality.RuleResult, error) {
	if run.Results == "" {
		return nil, nil
	}
	var rs []quality.RuleResult
	if err := json.Unmarshal([]byte(run.Results), &rs); err != nil {
		return nil, fmt.Errorf("decode validation run %s results: %w", run.ID, err)
	}
	return rs, nil
}
