package quality

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

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
