package quality

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// geSuiteResult is the JSON of a Great Expectations
// ExpectationSuiteValidationResult, in the union of the 0.x and 1.x shapes.
type geSuiteResult struct {
	Success    *bool          `json:"success"`
	SuiteName  string         `json:"suite_name"` // 1.x
	Results    []geResult     `json:"results"`
	Statistics map[string]any `json:"statistics"`
	Meta       geMeta         `json:"meta"`
}

type geMeta struct {
	ExpectationSuiteName string `json:"expectation_suite_name"` // 0.x
	GEVersion            string `json:"great_expectations_version"`
	ValidationTime       string `json:"validation_time"`
	RunID                *struct {
		RunTime string `json:"run_time"`
	} `json:"run_id"`
	ActiveBatchDefinition *struct {
		DataAssetName  string `json:"data_asset_name"`
		DatasourceName string `json:"datasource_name"`
	} `json:"active_batch_definition"`
	BatchSpec map[string]any `json:"batch_spec"`
}

type geResult struct {
	Success           *bool           `json:"success"`
	ExpectationConfig geConfig        `json:"expectation_config"`
	Result            geResultDetail  `json:"result"`
	ExceptionInfo     json.RawMessage `json:"exception_info"`
	Meta              map[string]any  `json:"meta"`
}

type geConfig struct {
	Type            string         `json:"type"`             // 1.x
	ExpectationType string         `json:"expectation_type"` // 0.x
	Kwargs          map[string]any `json:"kwargs"`
	Meta            map[string]any `json:"meta"`
	Severity        string         `json:"severity"` // 1.x, recent: critical | warning | info
}

type geResultDetail struct {
	ObservedValue         any      `json:"observed_value"`
	ElementCount          *int64   `json:"element_count"`
	MissingCount          *int64   `json:"missing_count"`
	UnexpectedCount       *int64   `json:"unexpected_count"`
	UnexpectedPercent     *float64 `json:"unexpected_percent"`
	UnexpectedPercentNon  *float64 `json:"unexpected_percent_nonmissing"`
	PartialUnexpectedList []any    `json:"partial_unexpected_list"`
	PartialUnexpectedIdx  []any    `json:"partial_unexpected_index_list"`
	Details               any      `json:"details"`
}

type geException struct {
	Raised    bool    `json:"raised_exception"`
	Message   *string `json:"exception_message"`
	Traceback *string `json:"exception_traceback"`
}

// ParseGreatExpectations reads the JSON of a Great Expectations validation
// result (ExpectationSuiteValidationResult, as written by
// to_json_dict()/checkpoints) of either shape: 0.x, where each result's
// expectation_config has "expectation_type" and the suite name is in
// meta.expectation_suite_name, or 1.x, with "type" and a top-level
// suite_name. It maps it onto Result with Engine "great_expectations":
// success becomes PASSED/FAILED, a raised exception ERROR; 1.x severity
// "critical" is error and "warning"/"info" are warn (0.x has no severity:
// error); observed_value, element_count, missing_count, unexpected_count,
// unexpected_percent and partial_unexpected_list map to the fields of the
// same meaning (the sample keeps at most DefaultSampleSize values, with
// rows from partial_unexpected_index_list when they are integers). The
// run status follows the engine's rules, not GE's top-level success.
func ParseGreatExpectations(data []byte) (*Result, error) {
	var g geSuiteResult
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&g); err != nil {
		return nil, fmt.Errorf("parse Great Expectations result: %w", err)
	}
	if g.Results == nil {
		return nil, fmt.Errorf("parse Great Expectations result: no \"results\" list; is this an ExpectationSuiteValidationResult?")
	}
	res := &Result{Engine: "great_expectations", Suite: g.SuiteName, Rules: make([]RuleResult, 0, len(g.Results))}
	if res.Suite == "" {
		res.Suite = g.Meta.ExpectationSuiteName
	}
	if g.Meta.GEVersion != "" {
		res.Engine += " " + g.Meta.GEVersion
	}
	if b := g.Meta.ActiveBatchDefinition; b != nil {
		res.Source = b.DataAssetName
		if b.DatasourceName != "" && b.DataAssetName != "" {
			res.Source = b.DatasourceName + "/" + b.DataAssetName
		}
	}
	if t, ok := parseGETime(g.Meta.ValidationTime); ok {
		res.FinishedAt = t
	} else if g.Meta.RunID != nil {
		if t, ok := parseGETime(g.Meta.RunID.RunTime); ok {
			res.FinishedAt = t
		}
	}
	for i, r := range g.Results {
		cfg := r.ExpectationConfig
		typ := cfg.Type
		if typ == "" {
			typ = cfg.ExpectationType
		}
		if typ == "" {
			return nil, fmt.Errorf("parse Great Expectations result: results[%d].expectation_config has neither \"type\" (1.x) nor \"expectation_type\" (0.x)", i)
		}
		rr := RuleResult{Index: i, Type: typ, Severity: SeverityError, Observed: jsonNumbers(r.Result.ObservedValue)}
		switch strings.ToLower(cfg.Severity) {
		case "warning", "info":
			rr.Severity = SeverityWarn
		}
		if c, ok := cfg.Kwargs["column"].(string); ok {
			rr.Column = c
		}
		for _, k := range []string{"column_list", "column_set"} {
			if l, ok := cfg.Kwargs[k].([]any); ok {
				for _, c := range l {
					if s, ok := c.(string); ok {
						rr.Columns = append(rr.Columns, s)
					}
				}
			}
		}
		a, aok := cfg.Kwargs["column_A"].(string)
		b, bok := cfg.Kwargs["column_B"].(string)
		if aok && bok {
			rr.Columns = []string{a, b}
		}
		det := r.Result
		if det.ElementCount != nil {
			rr.ElementCount = *det.ElementCount
		}
		if det.MissingCount != nil {
			rr.MissingCount = *det.MissingCount
		}
		if det.UnexpectedCount != nil {
			rr.UnexpectedCount = *det.UnexpectedCount
		}
		rr.UnexpectedPercent = det.UnexpectedPercent
		if rr.UnexpectedPercent == nil {
			rr.UnexpectedPercent = det.UnexpectedPercentNon
		}
		for j, v := range det.PartialUnexpectedList {
			if j >= DefaultSampleSize {
				break
			}
			s := Sample{Value: jsonNumbers(v)}
			if j < len(det.PartialUnexpectedIdx) {
				if n, ok := det.PartialUnexpectedIdx[j].(json.Number); ok {
					if k, err := n.Int64(); err == nil {
						s.Row = k + 1 // GE indexes are 0-based
					}
				}
			}
			rr.UnexpectedSample = append(rr.UnexpectedSample, s)
		}
		if det.Details != nil {
			rr.Details = map[string]any{"details": jsonNumbers(det.Details)}
		}
		switch msg, raised := geRaised(r.ExceptionInfo); {
		case raised:
			rr.Verdict, rr.Message = VerdictError, msg
		case r.Success != nil && *r.Success:
			rr.Verdict = VerdictPassed
		default:
			rr.Verdict = VerdictFailed
		}
		res.Rules = append(res.Rules, rr)
	}
	res.Finalize()
	return res, nil
}

// geRaised reads exception_info: either one {raised_exception, ...}
// object (0.x, 1.x) or, in some 0.x checkpoint results, a map of metric
// ids to such objects.
func geRaised(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", false
	}
	var one geException
	if err := json.Unmarshal(raw, &one); err == nil && one.Raised {
		return geMessage(one), true
	}
	var many map[string]json.RawMessage
	if err := json.Unmarshal(raw, &many); err != nil {
		return "", false
	}
	for _, v := range many {
		var e geException
		if json.Unmarshal(v, &e) == nil && e.Raised {
			return geMessage(e), true
		}
	}
	return "", false
}

func geMessage(e geException) string {
	if e.Message != nil && *e.Message != "" {
		return *e.Message
	}
	return "Great Expectations raised an exception"
}

// parseGETime reads GE's timestamps: "20220727T154327.630107Z" (0.x
// validation_time) or ISO 8601.
func parseGETime(s string) (time.Time, bool) {
	for _, l := range []string{"20060102T150405.999999Z", time.RFC3339Nano, "2006-01-02T15:04:05.999999"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// jsonNumbers turns json.Number into int64 or float64 through a decoded
// JSON value.
func jsonNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		if f, err := v.Float64(); err == nil {
			return f
		}
		return v.String()
	case []any:
		for i := range v {
			v[i] = jsonNumbers(v[i])
		}
		return v
	case map[string]any:
		for k := range v {
			v[k] = jsonNumbers(v[k])
		}
		return v
	}
	return v
}
