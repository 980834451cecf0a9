package quality

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Severity says what a failing rule does to the run: an error-severity
// failure fails the run, a warn-severity failure only warns.
type Severity string

// Severities.
const (
	SeverityError Severity = "error"
	SeverityWarn  Severity = "warn"
)

// DatasetRef names the dataset a suite is written for, in OpenLineage
// naming (namespace = data source URI).
type DatasetRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// Suite is a named set of rules over one dataset. Suites are plain data;
// Validate checks one, and ParseSuite returns only valid suites.
type Suite struct {
	Name    string      `json:"name"`
	Dataset *DatasetRef `json:"dataset,omitempty"`
	Rules   []Rule      `json:"rules"`
}

// ColumnSpec is one expected column of a schema_match rule. An empty Type
// matches any type.
type ColumnSpec struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// Rule is one check. Which fields apply depends on Type; RULES.md lists
// them, and Validate rejects a field that does not apply to the type.
type Rule struct {
	Type     string   `json:"type"`
	Name     string   `json:"name,omitempty"`
	Column   string   `json:"column,omitempty"`
	Columns  []string `json:"columns,omitempty"`
	Severity Severity `json:"severity,omitempty"`
	// Mostly is the fraction (0..1) of rows that must pass, for row-wise
	// rules; nil means 1.
	Mostly *float64 `json:"mostly,omitempty"`

	// Bounds for *_between rules, null_ratio_max (Max) and value_between.
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	StrictMin bool     `json:"strict_min,omitempty"`
	StrictMax bool     `json:"strict_max,omitempty"`

	Values    []any    `json:"values,omitempty"`    // in_set, not_in_set
	Pattern   string   `json:"pattern,omitempty"`   // regex
	Aggregate string   `json:"aggregate,omitempty"` // aggregate_between
	Q         *float64 `json:"q,omitempty"`         // aggregate quantile

	Schema     []ColumnSpec `json:"schema,omitempty"`      // schema_match
	Ordered    bool         `json:"ordered,omitempty"`     // schema_match
	AllowExtra bool         `json:"allow_extra,omitempty"` // schema_match

	MaxAge string `json:"max_age,omitempty"` // freshness

	Reference       string `json:"reference,omitempty"`        // referential_integrity, distribution_drift
	ReferenceColumn string `json:"reference_column,omitempty"` // defaults to Column

	ColumnA string `json:"column_a,omitempty"` // pair_comparison
	ColumnB string `json:"column_b,omitempty"`
	Op      string `json:"op,omitempty"`

	Method      string   `json:"method,omitempty"`      // distribution_drift: psi or ks
	Bins        int      `json:"bins,omitempty"`        // psi, numeric
	Warn        *float64 `json:"warn,omitempty"`        // psi warn threshold
	Fail        *float64 `json:"fail,omitempty"`        // psi fail threshold
	Alpha       *float64 `json:"alpha,omitempty"`       // ks significance level
	Categorical *bool    `json:"categorical,omitempty"` // psi over categories

	maxAge time.Duration
	re     *regexp.Regexp
}

// Rule types.
const (
	TypeNotNull              = "not_null"
	TypeNullRatioMax         = "null_ratio_max"
	TypeUnique               = "unique"
	TypePrimaryKey           = "primary_key"
	TypeInSet                = "in_set"
	TypeNotInSet             = "not_in_set"
	TypeValueBetween         = "value_between"
	TypeRegex                = "regex"
	TypeLengthBetween        = "length_between"
	TypeRowCountBetween      = "row_count_between"
	TypeAggregateBetween     = "aggregate_between"
	TypeDistinctCountBetween = "distinct_count_between"
	TypeColumnExists         = "column_exists"
	TypeSchemaMatch          = "schema_match"
	TypeFreshness            = "freshness"
	TypeReferentialIntegrity = "referential_integrity"
	TypePairComparison       = "pair_comparison"
	TypeDistributionDrift    = "distribution_drift"
)

// common fields every rule may carry.
var commonFields = []string{"type", "name", "severity"}

// ruleFields lists, per rule type, the fields it accepts besides the common
// ones; mapRule says whether "mostly" applies.
var ruleFields = map[string]struct {
	fields  []string
	mapRule bool
}{
	TypeNotNull:              {[]string{"column"}, true},
	TypeNullRatioMax:         {[]string{"column", "max"}, false},
	TypeUnique:               {[]string{"column"}, true},
	TypePrimaryKey:           {[]string{"columns"}, true},
	TypeInSet:                {[]string{"column", "values"}, true},
	TypeNotInSet:             {[]string{"column", "values"}, true},
	TypeValueBetween:         {[]string{"column", "min", "max", "strict_min", "strict_max"}, true},
	TypeRegex:                {[]string{"column", "pattern"}, true},
	TypeLengthBetween:        {[]string{"column", "min", "max"}, true},
	TypeRowCountBetween:      {[]string{"min", "max"}, false},
	TypeAggregateBetween:     {[]string{"column", "aggregate", "q", "min", "max", "strict_min", "strict_max"}, false},
	TypeDistinctCountBetween: {[]string{"column", "min", "max"}, false},
	TypeColumnExists:         {[]string{"column"}, false},
	TypeSchemaMatch:          {[]string{"schema", "ordered", "allow_extra"}, false},
	TypeFreshness:            {[]string{"column", "max_age"}, false},
	TypeReferentialIntegrity: {[]string{"column", "reference", "reference_column"}, true},
	TypePairComparison:       {[]string{"column_a", "column_b", "op"}, true},
	TypeDistributionDrift:    {[]string{"column", "reference", "reference_column", "method", "bins", "warn", "fail", "alpha", "categorical"}, false},
}

// RuleTypes returns the rule types the engine knows, sorted.
func RuleTypes() []string {
	ts := make([]string, 0, len(ruleFields))
	for t := range ruleFields {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// Aggregates accepted by aggregate_between.
var aggregates = []string{"mean", "min", "max", "sum", "stdev", "median", "quantile"}

// Ops accepted by pair_comparison.
var pairOps = []string{">", ">=", "<", "<=", "=", "!="}

// Schema types accepted by schema_match.
var schemaTypes = []string{"string", "integer", "number", "boolean", "timestamp", "binary", "any"}

// Problem is one defect of a suite: the rule index (-1 for the suite
// itself), the field, and what is wrong.
type Problem struct {
	Rule  int    `json:"rule"`
	Field string `json:"field,omitempty"`
	Msg   string `json:"message"`
}

// String renders the problem as rules[I].FIELD: MESSAGE.
func (p Problem) String() string {
	var b strings.Builder
	if p.Rule >= 0 {
		fmt.Fprintf(&b, "rules[%d]", p.Rule)
		if p.Field != "" {
			b.WriteByte('.')
		}
	}
	b.WriteString(p.Field)
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// SuiteError reports every problem found in a suite. errors.Is(err,
// ErrInvalidSuite) is true for it.
type SuiteError struct {
	Problems []Problem
}

// ErrInvalidSuite is matched by every *SuiteError.
var ErrInvalidSuite = errors.New("invalid suite")

// Error joins the problems, one per line.
func (e *SuiteError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid suite: " + strings.Join(lines, "; ")
}

// Is makes errors.Is(err, ErrInvalidSuite) true.
func (e *SuiteError) Is(target error) bool { return target == ErrInvalidSuite }

// severity returns the rule's severity, error by default.
func (r *Rule) severity() Severity {
	if r.Severity == "" {
		return SeverityError
	}
	return r.Severity
}

// mostly returns the rule's mostly, 1 by default.
func (r *Rule) mostly() float64 {
	if r.Mostly == nil {
		return 1
	}
	return *r.Mostly
}

// columnsUsed returns the data columns a rule reads.
func (r *Rule) columnsUsed() []string {
	switch r.Type {
	case TypePrimaryKey:
		return r.Columns
	case TypePairComparison:
		return []string{r.ColumnA, r.ColumnB}
	case TypeRowCountBetween, TypeSchemaMatch, TypeColumnExists:
		return nil
	}
	return []string{r.Column}
}

func psiThresholds(r *Rule) (warn, fail float64) {
	warn, fail = 0.1, 0.25
	if r.Warn != nil {
		warn = *r.Warn
	}
	if r.Fail != nil {
		fail = *r.Fail
	}
	return warn, fail
}
