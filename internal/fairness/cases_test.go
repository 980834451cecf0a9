package fairness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/casefiles"
	"github.com/exphub/exphub/internal/quality"
)

// testCase is one file of testdata/cases: input data, a spec, and the
// expected report or error. See testdata/cases/README.md for the format.
type testCase struct {
	Description string `yaml:"description"`

	// The data: exactly one of these; FileName names the file (its
	// extension gives the format), default data.csv or data.jsonl.
	CSV            *string `yaml:"csv"`
	JSONL          *string `yaml:"jsonl"`
	FileName       string  `yaml:"file_name"`
	ExpectedSHA256 string  `yaml:"expected_sha256"`

	// Spec is decoded from JSON, as the API receives it.
	Spec map[string]any `yaml:"spec"`

	// Fairlearn holds the summaries Fairlearn 0.15 computes on the same
	// data (a number, or "nan"); a summary we define must equal it, and
	// one Fairlearn makes NaN must be undefined here.
	Fairlearn map[string]any `yaml:"fairlearn"`

	Expect struct {
		ErrorContains string `yaml:"error_contains"`
		// ErrorIs is input (ErrInput), integrity or source (the quality
		// sentinels).
		ErrorIs  string        `yaml:"error_is"`
		RowCount *int64        `yaml:"row_count"`
		Groups   []expectGroup `yaml:"groups"`
		// Summaries: a number, or a substring of the reason it is
		// undefined.
		DemographicParityDifference any      `yaml:"demographic_parity_difference"`
		DemographicParityRatio      any      `yaml:"demographic_parity_ratio"`
		EqualizedOddsDifference     any      `yaml:"equalized_odds_difference"`
		EqualizedOddsRatio          any      `yaml:"equalized_odds_ratio"`
		EqualOpportunityDifference  any      `yaml:"equal_opportunity_difference"`
		FourFifths                  Verdict  `yaml:"four_fifths"`
		Inconclusive                bool     `yaml:"inconclusive"`
		Notes                       []string `yaml:"notes"` // substrings, one per note, in order
	} `yaml:"expect"`
}

type expectGroup struct {
	Values []string `yaml:"values"`
	Count  int64    `yaml:"count"`
	Weight *float64 `yaml:"weight"` // default: count
	// Rates: a number, or a substring of the reason it is undefined.
	SelectionRate     any  `yaml:"selection_rate"`
	TruePositiveRate  any  `yaml:"true_positive_rate"`
	FalsePositiveRate any  `yaml:"false_positive_rate"`
	Small             bool `yaml:"small"`
}

func TestCases(t *testing.T) {
	casefiles.Run(t, "testdata/cases", runCase)
}

func runCase(t *testing.T, name string, tc testCase) {
	var spec Spec
	j, err := json.Marshal(tc.Spec)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("spec: %v", err)
	}
	src := quality.Source{URI: writeData(t, tc), ExpectedSHA256: tc.ExpectedSHA256}

	rep, err := Evaluate(context.Background(), src, spec)
	ex := tc.Expect
	if ex.ErrorContains != "" || ex.ErrorIs != "" {
		checkError(t, err, ex.ErrorIs, ex.ErrorContains)
		return
	}
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	dump, _ := json.MarshalIndent(rep, "", "  ")
	defer func() {
		if t.Failed() {
			t.Logf("report:\n%s", dump)
		}
	}()

	if ex.RowCount != nil && rep.RowCount != *ex.RowCount {
		t.Errorf("rowCount = %d, want %d", rep.RowCount, *ex.RowCount)
	}
	if len(rep.SHA256) != 64 {
		t.Errorf("sha256 = %q, want a hex digest", rep.SHA256)
	}
	if len(rep.Groups) != len(ex.Groups) {
		t.Fatalf("%d groups, the case expects %d", len(rep.Groups), len(ex.Groups))
	}
	for i, want := range ex.Groups {
		got := rep.Groups[i]
		p := fmt.Sprintf("groups[%d] %v", i, got.Values)
		w := float64(want.Count)
		if want.Weight != nil {
			w = *want.Weight
		}
		if !slices.Equal(got.Values, want.Values) || got.Count != want.Count || !near(got.Weight, w) || got.Small != want.Small {
			t.Errorf("%s: values %q, count %d, weight %g, small %v; want %q, %d, %g, %v",
				p, got.Values, got.Count, got.Weight, got.Small, want.Values, want.Count, w, want.Small)
		}
		checkValue(t, p+" selectionRate", got.SelectionRate, want.SelectionRate)
		checkValue(t, p+" truePositiveRate", got.TruePositiveRate, want.TruePositiveRate)
		checkValue(t, p+" falsePositiveRate", got.FalsePositiveRate, want.FalsePositiveRate)
	}
	type summary struct {
		name string
		got  Value
		want any
	}
	summaries := []summary{
		{"demographic_parity_difference", rep.DemographicParityDifference, ex.DemographicParityDifference},
		{"demographic_parity_ratio", rep.DemographicParityRatio, ex.DemographicParityRatio},
		{"equalized_odds_difference", rep.EqualizedOddsDifference, ex.EqualizedOddsDifference},
		{"equalized_odds_ratio", rep.EqualizedOddsRatio, ex.EqualizedOddsRatio},
		{"equal_opportunity_difference", rep.EqualOpportunityDifference, ex.EqualOpportunityDifference},
	}
	for _, s := range summaries {
		checkValue(t, s.name, s.got, s.want)
		checkFairlearn(t, s.name, s.got, tc.Fairlearn)
	}
	for k := range tc.Fairlearn {
		if !slices.ContainsFunc(summaries, func(s summary) bool { return s.name == k }) {
			t.Errorf("fairlearn: unknown summary %q", k)
		}
	}
	if rep.FourFifths != ex.FourFifths {
		t.Errorf("fourFifths = %s, want %s", rep.FourFifths, ex.FourFifths)
	}
	if rep.Inconclusive != ex.Inconclusive {
		t.Errorf("inconclusive = %v, want %v", rep.Inconclusive, ex.Inconclusive)
	}
	if len(rep.Notes) != len(ex.Notes) {
		t.Errorf("notes = %q, want %d notes containing %q", rep.Notes, len(ex.Notes), ex.Notes)
	} else {
		for i, n := range ex.Notes {
			if !strings.Contains(rep.Notes[i], n) {
				t.Errorf("notes[%d] = %q, want it to contain %q", i, rep.Notes[i], n)
			}
		}
	}
}

func checkError(t *testing.T, err error, is, contains string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", contains)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Errorf("error %q does not contain %q", err, contains)
	}
	sentinel := map[string]error{"input": ErrInput, "integrity": quality.ErrIntegrity, "source": quality.ErrSource}[is]
	if sentinel == nil {
		t.Fatalf("error_is %q: want input, integrity or source", is)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %v", err, sentinel)
	}
	if is != "input" && errors.Is(err, ErrInput) {
		t.Errorf("error %q wraps ErrInput, want only %v", err, sentinel)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

// checkValue compares a metric with its expectation: a number, or a
// substring of the reason it is undefined. Every metric must be stated.
func checkValue(t *testing.T, name string, got Value, want any) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		t.Errorf("%s: the case does not state it (got %s)", name, show(got))
	case string:
		if got.Value != nil || got.Reason == "" || !strings.Contains(got.Reason, w) {
			t.Errorf("%s = %s, want undefined because %q", name, show(got), w)
		}
	default:
		f, ok := number(w)
		if !ok {
			t.Fatalf("%s: expectation %v (%T) is neither a number nor a reason", name, w, w)
		}
		if got.Value == nil || !near(*got.Value, f) || got.Reason != "" {
			t.Errorf("%s = %s, want %g", name, show(got), f)
		}
	}
}

// checkFairlearn compares a summary with Fairlearn's value, where the case
// states it: Fairlearn's NaN must be undefined here, and a value defined
// here must be Fairlearn's. (Fairlearn gives a number where we say
// undefined when sklearn turns a 0/0 rate into 0; the case says so.)
func checkFairlearn(t *testing.T, name string, got Value, ref map[string]any) {
	t.Helper()
	want, ok := ref[name]
	if !ok {
		return
	}
	if want == "nan" {
		if got.Value != nil {
			t.Errorf("%s = %s, Fairlearn gives NaN", name, show(got))
		}
		return
	}
	f, ok := number(want)
	if !ok {
		t.Fatalf("fairlearn %s: %v is neither a number nor \"nan\"", name, want)
	}
	if got.Value != nil && !near(*got.Value, f) {
		t.Errorf("%s = %s, Fairlearn gives %g", name, show(got), f)
	}
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case uint64:
		return float64(n), true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}

func show(v Value) string {
	if v.Value == nil {
		return fmt.Sprintf("undefined (%s)", v.Reason)
	}
	return fmt.Sprint(*v.Value)
}

// writeData writes a case's data into a temporary folder and returns its
// path.
func writeData(t *testing.T, tc testCase) string {
	t.Helper()
	var data, name string
	switch {
	case tc.CSV != nil:
		data, name = *tc.CSV, "data.csv"
	case tc.JSONL != nil:
		data, name = *tc.JSONL, "data.jsonl"
	default:
		t.Fatal("the case has no data (csv or jsonl)")
	}
	if tc.FileName != "" {
		name = tc.FileName
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTooManyGroups: past MaxGroups distinct combinations Evaluate fails
// instead of growing without bound.
func TestTooManyGroups(t *testing.T) {
	var b strings.Builder
	b.WriteString("y,p,id\n")
	for i := range MaxGroups + 1 {
		fmt.Fprintf(&b, "1,0,%d\n", i)
	}
	p := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := Spec{LabelColumn: "y", PredictionColumn: "p", SensitiveColumns: []string{"id"}, PositiveLabel: "1"}
	_, err := Evaluate(context.Background(), quality.Source{URI: p}, spec)
	checkError(t, err, "input", "sensitive columns have too many distinct combinations (more than 10000)")
}

// TestEvaluateCanceled: an ended context ends the read.
func TestEvaluateCanceled(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(p, []byte("y,p,g\n1,1,a\n0,1,b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	spec := Spec{LabelColumn: "y", PredictionColumn: "p", SensitiveColumns: []string{"g"}, PositiveLabel: "1"}
	if _, err := Evaluate(ctx, quality.Source{URI: p}, spec); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
