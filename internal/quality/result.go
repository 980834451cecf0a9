package quality

import (
	"errors"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// Status is the outcome of a whole validation run.
type Status string

// Run statuses, from best to worst. A run is ERROR when it could not be
// evaluated as written (the input could not be read, its digest did not
// match, or any rule ended in ERROR); else FAILED when an error-severity
// rule failed; else WARNED when a warn-severity rule failed; else PASSED.
const (
	StatusPassed Status = "PASSED"
	StatusWarned Status = "WARNED"
	StatusFailed Status = "FAILED"
	StatusError  Status = "ERROR"
)

// Verdict is the outcome of one rule.
type Verdict string

// Rule verdicts.
const (
	VerdictPassed Verdict = "PASSED"
	VerdictFailed Verdict = "FAILED"
	VerdictError  Verdict = "ERROR"
)

// ErrorCode classifies a run-level error.
type ErrorCode string

// Run-level error codes.
const (
	// CodeIntegrity: the data's sha256 differs from the expected digest.
	CodeIntegrity ErrorCode = "INTEGRITY"
	// CodeInput: the data could not be parsed (ragged rows, bad UTF-8,
	// malformed JSON or Parquet, duplicate column names).
	CodeInput ErrorCode = "INPUT"
	// CodeSource: the data could not be opened or fetched.
	CodeSource ErrorCode = "SOURCE"
)

// Sentinels matched by errors.Is on a *RunError of the same code.
var (
	ErrIntegrity = errors.New("data integrity check failed")
	ErrInput     = errors.New("malformed input")
	ErrSource    = errors.New("data source unavailable")
)

// RunError is why a run ended in ERROR before or while reading the data.
// Row is the 1-based data row (header excluded) when known, Column the
// column name when known.
type RunError struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
	Row     int64     `json:"row,omitempty"`
	Column  string    `json:"column,omitempty"`
}

// Error returns the message.
func (e *RunError) Error() string { return string(e.Code) + ": " + e.Message }

// Is matches the sentinel of the error's code, and the kind of the hub's
// error vocabulary it is: a changed file is an errs.Integrity, data that
// cannot be parsed an errs.Invalid.
func (e *RunError) Is(target error) bool {
	switch e.Code {
	case CodeIntegrity:
		return target == ErrIntegrity || target == errs.Integrity
	case CodeInput:
		return target == ErrInput || target == errs.Invalid
	case CodeSource:
		return target == ErrSource
	}
	return false
}

// Sample is one failing value and, when known, its 1-based data row.
type Sample struct {
	Row   int64 `json:"row,omitempty"`
	Value any   `json:"value"`
}

// RuleResult is the outcome of one rule.
//
// Observed is a number or a structured value (see RULES.md per type); nil
// when there was nothing to observe. ElementCount is the number of rows the
// rule looked at, MissingCount how many of those were null,
// UnexpectedCount how many failed; UnexpectedPercent is UnexpectedCount
// over the rule's denominator (non-null rows for most row-wise rules) and
// nil when the denominator is zero or the rule is not row-wise.
type RuleResult struct {
	Index             int            `json:"index"`
	Type              string         `json:"type"`
	Name              string         `json:"name,omitempty"`
	Column            string         `json:"column,omitempty"`
	Columns           []string       `json:"columns,omitempty"`
	Severity          Severity       `json:"severity"`
	Verdict           Verdict        `json:"verdict"`
	Observed          any            `json:"observed"`
	ElementCount      int64          `json:"element_count"`
	MissingCount      int64          `json:"missing_count"`
	UnexpectedCount   int64          `json:"unexpected_count"`
	UnexpectedPercent *float64       `json:"unexpected_percent"`
	UnexpectedSample  []Sample       `json:"unexpected_sample,omitempty"`
	Details           map[string]any `json:"details,omitempty"`
	Message           string         `json:"message,omitempty"`
}

// ColumnInfo describes one column of the data. Type is what the reader
// knows or inferred (see RULES.md); empty when not computed.
type ColumnInfo struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// Statistics counts rule outcomes.
type Statistics struct {
	Evaluated      int     `json:"evaluated"`
	Passed         int     `json:"passed"`
	Failed         int     `json:"failed"`
	Errored        int     `json:"errored"`
	SuccessPercent float64 `json:"success_percent"`
}

// Result is the outcome of a validation run: of this engine, or of Great
// Expectations when parsed by ParseGreatExpectations (Engine says which).
type Result struct {
	Engine     string       `json:"engine"`
	Suite      string       `json:"suite"`
	Dataset    *DatasetRef  `json:"dataset,omitempty"`
	Source     string       `json:"source,omitempty"`
	Format     Format       `json:"format,omitempty"`
	SHA256     string       `json:"sha256,omitempty"`
	RowCount   int64        `json:"row_count"`
	Columns    []ColumnInfo `json:"columns,omitempty"`
	Status     Status       `json:"status"`
	Error      *RunError    `json:"error,omitempty"`
	Statistics Statistics   `json:"statistics"`
	Rules      []RuleResult `json:"rules"`
	StartedAt  time.Time    `json:"started_at,omitzero"`
	FinishedAt time.Time    `json:"finished_at,omitzero"`
}

// Err returns the run-level error as an error (a *RunError), or nil.
// errors.Is(res.Err(), ErrIntegrity) detects a digest mismatch.
func (r *Result) Err() error {
	if r.Error == nil {
		return nil
	}
	return r.Error
}

// Finalize computes the statistics and the run status from the rules
// (and Error), as the engine does at the end of a run.
func (r *Result) Finalize() {
	st := Statistics{Evaluated: len(r.Rules)}
	failedErr, failedWarn := false, false
	for i := range r.Rules {
		switch rr := &r.Rules[i]; rr.Verdict {
		case VerdictPassed:
			st.Passed++
		case VerdictFailed:
			st.Failed++
			if rr.Severity == SeverityWarn {
				failedWarn = true
			} else {
				failedErr = true
			}
		default:
			st.Errored++
		}
	}
	if st.Evaluated > 0 {
		st.SuccessPercent = 100 * float64(st.Passed) / float64(st.Evaluated)
	}
	r.Statistics = st
	switch {
	case r.Error != nil || st.Errored > 0:
		r.Status = StatusError
	case failedErr:
		r.Status = StatusFailed
	case failedWarn:
		r.Status = StatusWarned
	default:
		r.Status = StatusPassed
	}
}

// failAll turns every rule into ERROR with the run error's message, so a
// run that could not finish never carries half-computed verdicts.
func (r *Result) failAll(e *RunError) {
	r.Error = e
	for i := range r.Rules {
		rr := &r.Rules[i]
		*rr = RuleResult{
			Index: rr.Index, Type: rr.Type, Name: rr.Name, Column: rr.Column, Columns: rr.Columns,
			Severity: rr.Severity, Verdict: VerdictError,
			Message: fmt.Sprintf("not evaluated: %s", e.Message),
		}
	}
}
