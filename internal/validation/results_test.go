package validation

import (
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
)

const geFailed = `{"success": false, "meta": {"great_expectations_version": "0.18.8"}, "results": [
	{"success": true, "expectation_config": {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}, "result": {"element_count": 4}},
	{"success": false, "expectation_config": {"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "amount", "min_value": 0}},
	 "result": {"element_count": 4, "unexpected_count": 1, "unexpected_percent": 25, "partial_unexpected_list": [-3]}}]}`

func TestRecordInput(t *testing.T) {
	t.Run("great expectations", func(t *testing.T) {
		in, err := RecordInput(dsv, "ge", geFailed)
		if err != nil {
			t.Fatal(err)
		}
		out := in.Outcome
		if in.DatasetVersionID != dsv || in.SuiteName != "ge" || out.Status != store.ValidationFailed ||
			out.Engine != store.EngineGreatExpectations || out.EngineVersion != "0.18.8" || out.RowCount != nil || out.Error != nil {
			t.Errorf("input %+v", in)
		}
		run := &store.ValidationRun{ID: "vr_x", Statistics: out.Statistics, Results: out.Results}
		st, ok, err := Statistics(run)
		if err != nil || !ok || st.Evaluated != 2 || st.Passed != 1 || st.Failed != 1 {
			t.Errorf("statistics %+v %v %v", st, ok, err)
		}
		rs, err := Results(run)
		if err != nil || len(rs) != 2 || rs[1].Verdict != quality.VerdictFailed || rs[1].Column != "amount" || rs[1].UnexpectedCount != 1 {
			t.Errorf("results %+v %v", rs, err)
		}
	})
	t.Run("exphub", func(t *testing.T) {
		in, err := RecordInput(dsv, "local", `{"engine": "exphub", "suite": "s", "sha256": "`+strings.Repeat("b", 64)+`", "row_count": 7,
			"status": "PASSED", "statistics": {"evaluated": 1, "passed": 1, "failed": 0, "errored": 0, "success_percent": 100},
			"rules": [{"index": 0, "type": "row_count_between", "severity": "error", "verdict": "PASSED", "observed": 7,
			           "element_count": 0, "missing_count": 0, "unexpected_count": 0, "unexpected_percent": null}]}`)
		if err != nil {
			t.Fatal(err)
		}
		out := in.Outcome
		if out.Engine != store.EngineExphub || out.EngineVersion != "" || out.RowCount == nil || *out.RowCount != 7 ||
			out.SHA256 != strings.Repeat("b", 64) || out.Status != store.ValidationPassed {
			t.Errorf("outcome %+v", out)
		}
	})
	for _, c := range []struct {
		name, suite, text string
		want              string // the message after "invalid input: "
	}{
		{"empty", "ge", "", "result: must not be empty"},
		{"not JSON", "ge", "{", "result: not JSON: unexpected end of JSON input"},
		{"no results list", "ge", `{"success": true}`,
			`result: parse Great Expectations result: no "results" list; is this an ExpectationSuiteValidationResult?`},
		{"an exphub result with a field it does not have", "ge", `{"engine": "exphub", "verdicts": []}`,
			`result: not an exphub engine result: json: unknown field "verdicts"`},
		{"bad suite name and bad result", " ", "{", "suiteName: must not be empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := RecordInput(dsv, c.suite, c.text)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("want errs.Invalid, got %v", err)
			}
			if got, _ := strings.CutPrefix(err.Error(), errs.Invalid.Error()+": "); got != c.want {
				t.Errorf("message\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestOutcome(t *testing.T) {
	for _, c := range []struct {
		name string
		res  quality.Result
		rows *int64
		err  *store.RunError
	}{
		{"passed", quality.Result{Status: quality.StatusPassed, RowCount: 3}, ptr(int64(3)), nil},
		{"passed on no rows", quality.Result{Status: quality.StatusPassed}, ptr(int64(0)), nil},
		{"error before any row", quality.Result{Status: quality.StatusError, Error: &quality.RunError{Code: quality.CodeSource, Message: "gone"}},
			nil, &store.RunError{Code: "SOURCE", Message: "gone"}},
		{"error at a row and column", quality.Result{Status: quality.StatusError, RowCount: 2,
			Error: &quality.RunError{Code: quality.CodeInput, Message: "bad", Row: 3, Column: "amount"}},
			ptr(int64(2)), &store.RunError{Code: "INPUT", Message: "bad", Row: ptr(int64(3)), Column: ptr("amount")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := Outcome(&c.res)
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != store.ValidationStatus(c.res.Status) || !equal(out.RowCount, c.rows) || out.Results != "[]" ||
				out.Statistics != `{"evaluated":0,"passed":0,"failed":0,"errored":0,"success_percent":0}` {
				t.Errorf("outcome %+v", out)
			}
			switch {
			case c.err == nil && out.Error != nil, c.err != nil && out.Error == nil:
				t.Errorf("error %+v, want %+v", out.Error, c.err)
			case c.err != nil && (out.Error.Code != c.err.Code || out.Error.Message != c.err.Message ||
				!equal(out.Error.Row, c.err.Row) || !equal(out.Error.Column, c.err.Column)):
				t.Errorf("error %+v, want %+v", out.Error, c.err)
			}
		})
	}
}

func TestRunningRunHasNoResults(t *testing.T) {
	run := &store.ValidationRun{ID: "vr_x", Status: store.ValidationRunning}
	if _, ok, err := Statistics(run); ok || err != nil {
		t.Errorf("statistics of a running run: ok=%v err=%v", ok, err)
	}
	if rs, err := Results(run); len(rs) != 0 || err != nil {
		t.Errorf("results of a running run: %v %v", rs, err)
	}
	bad := &store.ValidationRun{ID: "vr_x", Statistics: "{", Results: "{"}
	if _, _, err := Statistics(bad); err == nil || !strings.Contains(err.Error(), "vr_x") {
		t.Errorf("statistics that do not decode: %v", err)
	}
	if _, err := Results(bad); err == nil || !strings.Contains(err.Error(), "vr_x") {
		t.Errorf("results that do not decode: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func equal[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
