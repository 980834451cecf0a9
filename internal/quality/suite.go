package quality

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
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

// LoadSuite reads and parses the suite file at path (YAML or JSON).
func LoadSuite(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read suite: %w", err)
	}
	s, err := ParseSuite(data)
	if err != nil {
		return nil, fmt.Errorf("suite %s: %w", path, err)
	}
	return s, nil
}

// ParseSuite parses a suite from YAML or JSON and validates it. Unknown
// fields are rejected, as are fields that do not apply to a rule's type;
// a *SuiteError names the rule index and field of every problem.
func ParseSuite(data []byte) (*Suite, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		j, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, fmt.Errorf("parse suite YAML: %w", err)
		}
		data = j
	}
	var raw struct {
		Name    json.RawMessage   `json:"name"`
		Dataset json.RawMessage   `json:"dataset"`
		Rules   []json.RawMessage `json:"rules"`
	}
	if err := strictJSON(data, &raw); err != nil {
		return nil, &SuiteError{Problems: []Problem{{Rule: -1, Msg: strings.TrimPrefix(err.Error(), "json: ")}}}
	}
	var s Suite
	var probs []Problem
	if len(raw.Name) > 0 {
		if err := json.Unmarshal(raw.Name, &s.Name); err != nil {
			probs = append(probs, Problem{Rule: -1, Field: "name", Msg: "must be a string"})
		}
	}
	if len(raw.Dataset) > 0 && string(raw.Dataset) != "null" {
		s.Dataset = new(DatasetRef)
		if err := strictJSON(raw.Dataset, s.Dataset); err != nil {
			probs = append(probs, Problem{Rule: -1, Field: "dataset", Msg: strings.TrimPrefix(err.Error(), "json: ")})
		}
	}
	for i, rr := range raw.Rules {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(rr, &keys); err != nil {
			probs = append(probs, Problem{Rule: i, Msg: "a rule must be a mapping"})
			s.Rules = append(s.Rules, Rule{})
			continue
		}
		var r Rule
		d := json.NewDecoder(bytes.NewReader(rr))
		d.UseNumber()
		if err := d.Decode(&r); err != nil {
			probs = append(probs, Problem{Rule: i, Field: jsonErrField(err), Msg: jsonErrMsg(err)})
		}
		if spec, ok := ruleFields[r.Type]; ok {
			for k := range keys {
				// Validate reports a misplaced "mostly" itself.
				if !slices.Contains(commonFields, k) && !slices.Contains(spec.fields, k) && k != "mostly" {
					probs = append(probs, Problem{Rule: i, Field: k, Msg: fmt.Sprintf("does not apply to %s (its fields: %s)", r.Type, strings.Join(allowedFields(r.Type), ", "))})
				}
			}
		}
		s.Rules = append(s.Rules, r)
	}
	if err := s.Validate(); err != nil {
		var se *SuiteError
		if errors.As(err, &se) {
			probs = append(probs, se.Problems...)
		}
	}
	if len(probs) > 0 {
		// Rule by rule; within a rule, decoding problems first.
		slices.SortStableFunc(probs, func(a, b Problem) int { return a.Rule - b.Rule })
		return nil, &SuiteError{Problems: dedupeProblems(probs)}
	}
	return &s, nil
}

func allowedFields(typ string) []string {
	spec := ruleFields[typ]
	f := append(slices.Clone(commonFields), spec.fields...)
	if spec.mapRule {
		f = append(f, "mostly")
	}
	return f
}

func dedupeProblems(ps []Problem) []Problem {
	seen := map[Problem]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func strictJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	d.UseNumber()
	return d.Decode(v)
}

func jsonErrField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

func jsonErrMsg(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("must be %s, got %s", jsonTypeName(te.Type.String()), te.Value)
	}
	return err.Error()
}

func jsonTypeName(goType string) string {
	switch {
	case strings.Contains(goType, "float"), strings.Contains(goType, "int"):
		return "a number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.Contains(goType, "string"), goType == "quality.Severity":
		return "a string"
	}
	return "a " + goType
}

// Validate checks the suite and prepares its rules (compiled patterns,
// parsed durations). It returns a *SuiteError naming the rule index and
// field of every problem; it is called by ParseSuite and by Engine.Run, so
// a suite built in Go is checked too.
func (s *Suite) Validate() error {
	var probs []Problem
	add := func(i int, field, format string, a ...any) {
		probs = append(probs, Problem{Rule: i, Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	if s.Dataset != nil && (s.Dataset.Namespace == "" || s.Dataset.Name == "") {
		add(-1, "dataset", "needs both namespace and name")
	}
	if len(s.Rules) == 0 {
		add(-1, "rules", "a suite needs at least one rule")
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		spec, ok := ruleFields[r.Type]
		if !ok {
			if r.Type == "" {
				add(i, "type", "is required (one of %s)", strings.Join(RuleTypes(), ", "))
			} else {
				add(i, "type", "unknown rule type %q (one of %s)", r.Type, strings.Join(RuleTypes(), ", "))
			}
			continue
		}
		switch r.Severity {
		case "", SeverityError, SeverityWarn:
		default:
			add(i, "severity", "must be error or warn, got %q", r.Severity)
		}
		if r.Mostly != nil {
			if !spec.mapRule {
				add(i, "mostly", "does not apply to %s", r.Type)
			} else if m := *r.Mostly; !(m >= 0 && m <= 1) {
				add(i, "mostly", "must be between 0 and 1, got %v", m)
			}
		}
		needs := func(field string, ok bool) {
			if !ok {
				add(i, field, "is required for %s", r.Type)
			}
		}
		if slices.Contains(spec.fields, "column") && r.Type != TypeSchemaMatch {
			needs("column", r.Column != "")
		}
		bounds := func(integer, nonNegative bool) {
			if r.Min == nil && r.Max == nil {
				add(i, "min", "%s needs min, max or both", r.Type)
				return
			}
			for _, b := range []struct {
				name string
				v    *float64
			}{{"min", r.Min}, {"max", r.Max}} {
				if b.v == nil {
					continue
				}
				if math.IsNaN(*b.v) || math.IsInf(*b.v, 0) {
					add(i, b.name, "must be a finite number")
				}
				if integer && *b.v != math.Trunc(*b.v) {
					add(i, b.name, "must be a whole number, got %v", *b.v)
				}
				if nonNegative && *b.v < 0 {
					add(i, b.name, "must not be negative, got %v", *b.v)
				}
			}
			if r.Min != nil && r.Max != nil {
				if *r.Min > *r.Max {
					add(i, "min", "min (%v) is greater than max (%v)", *r.Min, *r.Max)
				} else if *r.Min == *r.Max && (r.StrictMin || r.StrictMax) {
					add(i, "min", "min equals max (%v) with a strict bound: no value can pass", *r.Min)
				}
			}
		}
		switch r.Type {
		case TypeNullRatioMax:
			switch {
			case r.Max == nil:
				add(i, "max", "is required for null_ratio_max")
			case !(*r.Max >= 0 && *r.Max <= 1):
				add(i, "max", "must be a fraction between 0 and 1, got %v", *r.Max)
			}
		case TypePrimaryKey:
			if len(r.Columns) == 0 {
				add(i, "columns", "primary_key needs at least one column")
			}
			seen := map[string]bool{}
			for j, c := range r.Columns {
				switch {
				case c == "":
					add(i, fmt.Sprintf("columns[%d]", j), "is empty")
				case seen[c]:
					add(i, fmt.Sprintf("columns[%d]", j), "column %q is listed twice", c)
				}
				seen[c] = true
			}
		case TypeInSet, TypeNotInSet:
			if len(r.Values) == 0 {
				add(i, "values", "%s needs a non-empty list of values", r.Type)
			}
			for j, v := range r.Values {
				switch v.(type) {
				case string, json.Number, bool, float64, int, int64:
				default:
					add(i, fmt.Sprintf("values[%d]", j), "must be a string, number or boolean, got %T", v)
				}
			}
		case TypeValueBetween:
			bounds(false, false)
		case TypeRegex:
			if r.Pattern == "" {
				add(i, "pattern", "is required for regex")
			} else if re, err := regexp.Compile(r.Pattern); err != nil {
				add(i, "pattern", "does not compile: %v", err)
			} else {
				r.re = re
			}
		case TypeLengthBetween, TypeRowCountBetween, TypeDistinctCountBetween:
			bounds(true, true)
		case TypeAggregateBetween:
			if !slices.Contains(aggregates, r.Aggregate) {
				add(i, "aggregate", "must be one of %s, got %q", strings.Join(aggregates, ", "), r.Aggregate)
			}
			if r.Aggregate == "quantile" {
				if r.Q == nil {
					add(i, "q", "is required for the quantile aggregate")
				} else if !(*r.Q >= 0 && *r.Q <= 1) {
					add(i, "q", "must be between 0 and 1, got %v", *r.Q)
				}
			} else if r.Q != nil {
				add(i, "q", "applies only to the quantile aggregate")
			}
			bounds(false, false)
		case TypeSchemaMatch:
			if len(r.Schema) == 0 {
				add(i, "schema", "schema_match needs a non-empty schema")
			}
			seen := map[string]bool{}
			for j, c := range r.Schema {
				f := fmt.Sprintf("schema[%d]", j)
				switch {
				case c.Name == "":
					add(i, f+".name", "is required")
				case seen[c.Name]:
					add(i, f+".name", "column %q is listed twice", c.Name)
				}
				seen[c.Name] = true
				if c.Type != "" && !slices.Contains(schemaTypes, c.Type) {
					add(i, f+".type", "must be one of %s, got %q", strings.Join(schemaTypes, ", "), c.Type)
				}
			}
		case TypeFreshness:
			if r.MaxAge == "" {
				add(i, "max_age", "is required for freshness (e.g. 24h, 2d)")
			} else if d, err := parseAge(r.MaxAge); err != nil {
				add(i, "max_age", "%v", err)
			} else {
				r.maxAge = d
			}
		case TypeReferentialIntegrity:
			needs("reference", r.Reference != "")
		case TypePairComparison:
			needs("column_a", r.ColumnA != "")
			needs("column_b", r.ColumnB != "")
			if !slices.Contains(pairOps, r.Op) {
				add(i, "op", "must be one of %s, got %q", strings.Join(pairOps, " "), r.Op)
			}
		case TypeDistributionDrift:
			needs("reference", r.Reference != "")
			switch r.Method {
			case "", "psi":
				if r.Alpha != nil {
					add(i, "alpha", "applies only to method ks")
				}
				if r.Bins != 0 && (r.Bins < 2 || r.Bins > 1000) {
					add(i, "bins", "must be between 2 and 1000, got %d", r.Bins)
				}
				w, f := psiThresholds(r)
				if !(w > 0) || !(f > 0) {
					add(i, "warn", "psi thresholds must be positive")
				} else if w > f {
					add(i, "warn", "warn (%v) is greater than fail (%v)", w, f)
				}
			case "ks":
				if r.Warn != nil || r.Fail != nil || r.Bins != 0 {
					add(i, "method", "warn, fail and bins apply only to method psi")
				}
				if r.Categorical != nil && *r.Categorical {
					add(i, "categorical", "ks needs a numeric column")
				}
				if r.Alpha != nil && !(*r.Alpha > 0 && *r.Alpha < 1) {
					add(i, "alpha", "must be between 0 and 1 (exclusive), got %v", *r.Alpha)
				}
			default:
				add(i, "method", "must be psi or ks, got %q", r.Method)
			}
		}
	}
	if len(probs) > 0 {
		return &SuiteError{Problems: probs}
	}
	return nil
}

// parseAge parses a Go duration, also accepting a whole number of days
// ("2d").
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (e.g. 36h, 90m, 2d)", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration (e.g. 36h, 90m, 2d)", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("must be positive, got %q", s)
	}
	return d, nil
}

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
