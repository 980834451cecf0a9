package quality

import (
	"os"
	"testing"
	"time"
)

func f64(v float64) *float64 { return &v }

func TestParseGreatExpectations(t *testing.T) {
	tests := []struct {
		file       string
		engine     string
		suite      string
		source     string
		finished   time.Time
		status     Status
		statistics Statistics
		rules      []RuleResult
	}{
		{
			file:       "testdata/ge/v0_result.json",
			engine:     "great_expectations 0.18.21",
			suite:      "taxi.demo",
			source:     "taxi_source/yellow_tripdata_sample_2019-01",
			finished:   time.Date(2024, 3, 5, 10, 11, 13, 630107000, time.UTC),
			status:     StatusError,
			statistics: Statistics{Evaluated: 5, Passed: 2, Failed: 2, Errored: 1, SuccessPercent: 40},
			rules: []RuleResult{
				{Index: 0, Type: "expect_column_values_to_not_be_null", Column: "passenger_count", Severity: SeverityError, Verdict: VerdictPassed,
					ElementCount: 10000, UnexpectedCount: 12, UnexpectedPercent: f64(0.12),
					UnexpectedSample: []Sample{{Value: nil}, {Value: nil}, {Value: nil}}},
				{Index: 1, Type: "expect_column_values_to_be_between", Column: "fare_amount", Severity: SeverityError, Verdict: VerdictFailed,
					ElementCount: 10000, UnexpectedCount: 2, UnexpectedPercent: f64(0.02),
					UnexpectedSample: []Sample{{Row: 18, Value: -1.0}, {Row: 4412, Value: -52.5}}},
				{Index: 2, Type: "expect_column_mean_to_be_between", Column: "trip_distance", Severity: SeverityError, Verdict: VerdictPassed,
					Observed: 2.9136, ElementCount: 10000},
				{Index: 3, Type: "expect_column_values_to_match_regex", Column: "store_and_fwd_flag", Severity: SeverityError, Verdict: VerdictError,
					Message: `Error: The column "store_and_fwd_flag" in BatchData does not exist.`},
				{Index: 4, Type: "expect_table_row_count_to_be_between", Severity: SeverityError, Verdict: VerdictFailed, Observed: int64(10000)},
			},
		},
		{
			file:       "testdata/ge/v1_result.json",
			engine:     "great_expectations 1.3.5",
			suite:      "taxi_suite",
			source:     "taxi_source/trips",
			finished:   time.Date(2025, 1, 10, 9, 0, 1, 123456000, time.UTC),
			status:     StatusError,
			statistics: Statistics{Evaluated: 6, Passed: 2, Failed: 3, Errored: 1, SuccessPercent: 100 * 2.0 / 6},
			rules: []RuleResult{
				{Index: 0, Type: "expect_column_values_to_not_be_null", Column: "vendor_id", Severity: SeverityError, Verdict: VerdictPassed,
					ElementCount: 100, UnexpectedPercent: f64(0)},
				{Index: 1, Type: "expect_column_values_to_be_in_set", Column: "payment_type", Severity: SeverityWarn, Verdict: VerdictFailed,
					ElementCount: 100, UnexpectedCount: 3, UnexpectedPercent: f64(3),
					UnexpectedSample: []Sample{{Row: 6, Value: int64(3)}, {Row: 18, Value: int64(4)}, {Row: 41, Value: int64(3)}}},
				{Index: 2, Type: "expect_column_pair_values_a_to_be_greater_than_b", Columns: []string{"dropoff_at", "pickup_at"}, Severity: SeverityError, Verdict: VerdictFailed,
					ElementCount: 100, UnexpectedCount: 1, UnexpectedPercent: f64(1),
					UnexpectedSample: []Sample{{Value: []any{"2024-01-01 10:00:00", "2024-01-01 10:05:00"}}}},
				{Index: 3, Type: "expect_column_median_to_be_between", Column: "fare", Severity: SeverityError, Verdict: VerdictPassed, Observed: 11.5},
				{Index: 4, Type: "expect_table_columns_to_match_ordered_list", Columns: []string{"vendor_id", "fare"}, Severity: SeverityError, Verdict: VerdictFailed,
					Observed: []any{"fare", "vendor_id"},
					Details:  map[string]any{"details": map[string]any{"mismatched": []any{map[string]any{"Expected Column Position": int64(0), "Expected": "vendor_id", "Found": "fare"}}}}},
				{Index: 5, Type: "expect_column_max_to_be_between", Column: "tip", Severity: SeverityError, Verdict: VerdictError,
					Message: `Error: The column "tip" in BatchData does not exist.`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ParseGreatExpectations(data)
			if err != nil {
				t.Fatalf("ParseGreatExpectations: %v", err)
			}
			if res.Engine != tt.engine || res.Suite != tt.suite || res.Source != tt.source || !res.FinishedAt.Equal(tt.finished) {
				t.Errorf("header = %q %q %q %v, want %q %q %q %v", res.Engine, res.Suite, res.Source, res.FinishedAt, tt.engine, tt.suite, tt.source, tt.finished)
			}
			if res.Status != tt.status {
				t.Errorf("status = %s, want %s", res.Status, tt.status)
			}
			if res.Statistics != tt.statistics {
				t.Errorf("statistics = %+v, want %+v", res.Statistics, tt.statistics)
			}
			if len(res.Rules) != len(tt.rules) {
				t.Fatalf("%d rules, want %d", len(res.Rules), len(tt.rules))
			}
			for i, want := range tt.rules {
				if got := res.Rules[i]; !approxEqual(normalize(got), normalize(want), 1e-12) {
					t.Errorf("rules[%d]:\n got  %s\n want %s", i, mustJSON(got), mustJSON(want))
				}
			}
		})
	}
}

func TestParseGreatExpectationsRejects(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"not JSON", `{"results": [`},
		{"no results", `{"success": true}`},
		{"no type", `{"results": [{"success": true, "expectation_config": {"kwargs": {}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res, err := ParseGreatExpectations([]byte(tt.in)); err == nil {
				t.Fatalf("got %+v, want an error", res)
			}
		})
	}
}

// TestGreatExpectationsWarnOnly: a GE run whose only failure is a
// warning-severity expectation is WARNED.
func TestGreatExpectationsWarnOnly(t *testing.T) {
	in := `{"suite_name": "s", "success": false, "results": [
	  {"success": true, "expectation_config": {"type": "expect_column_to_exist", "kwargs": {"column": "a"}}},
	  {"success": false, "expectation_config": {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}, "severity": "warning"}}
	]}`
	res, err := ParseGreatExpectations([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusWarned {
		t.Errorf("status = %s, want WARNED", res.Status)
	}
}
