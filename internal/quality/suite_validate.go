package quality

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
