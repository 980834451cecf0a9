package quality

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/exphub/exphub/internal/casefiles"
)

// testCase is one file of testdata/cases: input data, a suite, and the
// expected result. See testdata/cases/README.md for the format.
type testCase struct {
	Description string `yaml:"description"`

	// The data: exactly one of these.
	CSV        *string      `yaml:"csv"`
	JSONL      *string      `yaml:"jsonl"`
	Parquet    *parquetSpec `yaml:"parquet"`
	DataBase64 *string      `yaml:"data_base64"`
	// FileName names the data file (its extension gives the format);
	// default data.csv, data.jsonl or data.parquet.
	FileName string `yaml:"file_name"`
	Format   string `yaml:"format"`

	CSVOptions *struct {
		Delimiter  string   `yaml:"delimiter"`
		Quote      string   `yaml:"quote"`
		NoQuote    bool     `yaml:"no_quote"`
		NoHeader   bool     `yaml:"no_header"`
		NullValues []string `yaml:"null_values"`
	} `yaml:"csv_options"`

	// References are other files, by name, in the same folder as the data.
	References map[string]caseFile `yaml:"references"`

	ExpectedSHA256 string `yaml:"expected_sha256"`
	Now            string `yaml:"now"`
	MaxDistinct    int    `yaml:"max_distinct"`
	MaxValues      int    `yaml:"max_values"`
	BatchRows      int    `yaml:"batch_rows"`

	// The suite: Rules (wrapped in a suite named after the case), or the
	// raw text of a suite file in SuiteText.
	Rules     []any  `yaml:"rules"`
	SuiteText string `yaml:"suite_text"`

	Expect struct {
		Status        Status       `yaml:"status"`
		ErrorCode     ErrorCode    `yaml:"error_code"`
		ErrorContains string       `yaml:"error_contains"`
		ErrorRow      int64        `yaml:"error_row"`
		ErrorColumn   string       `yaml:"error_column"`
		RowCount      *int64       `yaml:"row_count"`
		SuiteErrors   []string     `yaml:"suite_errors"`
		Columns       []ColumnInfo `yaml:"columns"`
		Rules         []expectRule `yaml:"rules"`
	} `yaml:"expect"`
}

type caseFile struct {
	CSV     *string      `yaml:"csv"`
	JSONL   *string      `yaml:"jsonl"`
	Parquet *parquetSpec `yaml:"parquet"`
}

type expectRule struct {
	Verdict           Verdict        `yaml:"verdict"`
	Severity          Severity       `yaml:"severity"`
	Observed          any            `yaml:"observed"`
	ObservedNull      bool           `yaml:"observed_null"`
	Tolerance         float64        `yaml:"tolerance"`
	ElementCount      *int64         `yaml:"element_count"`
	MissingCount      *int64         `yaml:"missing_count"`
	UnexpectedCount   *int64         `yaml:"unexpected_count"`
	UnexpectedPercent *float64       `yaml:"unexpected_percent"`
	Sample            []any          `yaml:"sample"`
	MessageContains   string         `yaml:"message_contains"`
	Details           map[string]any `yaml:"details"`
}

// parquetSpec describes a small Parquet file the test writes with
// parquet-go. Columns are written in name order (parquet-go sorts group
// fields by name).
type parquetSpec struct {
	Columns []struct {
		Name     string `yaml:"name"`
		Type     string `yaml:"type"` // int64 int32 double string bool timestamp_ms date
		Optional bool   `yaml:"optional"`
	} `yaml:"columns"`
	Rows         [][]any `yaml:"rows"`
	RowGroupRows int64   `yaml:"row_group_rows"`
}

func TestCases(t *testing.T) {
	casefiles.Run(t, "testdata/cases", func(t *testing.T, name string, tc testCase) { runCase(t, name, tc, 0) })
}

// TestCasesInRuleGroups runs every case with its rules split into four
// groups, each on its own goroutine, whatever the machine's cores: the
// expected results do not depend on how rules are grouped.
func TestCasesInRuleGroups(t *testing.T) {
	casefiles.Run(t, "testdata/cases", func(t *testing.T, name string, tc testCase) { runCase(t, name, tc, maxGroups) })
}

// runCase runs one case; procs sets the engine's rule groups (0: one per
// core but the reader's).
func runCase(t *testing.T, name string, tc testCase, procs int) {

	// The suite goes through the same parser as a suite file.
	text := []byte(tc.SuiteText)
	if len(text) == 0 {
		j, err := json.Marshal(map[string]any{"name": name, "rules": tc.Rules})
		if err != nil {
			t.Fatal(err)
		}
		text = j
	}
	suite, err := ParseSuite(text)
	if len(tc.Expect.SuiteErrors) > 0 {
		var se *SuiteError
		if !errors.As(err, &se) {
			t.Fatalf("ParseSuite: got %v, want a *SuiteError", err)
		}
		var got []string
		for _, p := range se.Problems {
			got = append(got, p.String())
		}
		if !slices.Equal(got, tc.Expect.SuiteErrors) {
			t.Fatalf("suite problems:\n got  %q\n want %q", got, tc.Expect.SuiteErrors)
		}
		if !errors.Is(err, ErrInvalidSuite) {
			t.Errorf("errors.Is(err, ErrInvalidSuite) = false")
		}
		return
	}
	if err != nil {
		t.Fatalf("ParseSuite: %v", err)
	}

	dir := t.TempDir()
	src := Source{ExpectedSHA256: tc.ExpectedSHA256, Format: Format(tc.Format)}
	src.URI = writeCaseData(t, dir, tc.FileName, caseFile{CSV: tc.CSV, JSONL: tc.JSONL, Parquet: tc.Parquet}, tc.DataBase64)
	for name, f := range tc.References {
		writeCaseData(t, dir, name, f, nil)
	}
	if o := tc.CSVOptions; o != nil {
		src.CSV = CSVOptions{NoQuote: o.NoQuote, NoHeader: o.NoHeader, NullValues: o.NullValues}
		if o.Delimiter != "" {
			src.CSV.Delimiter = o.Delimiter[0]
		}
		if o.Quote != "" {
			src.CSV.Quote = o.Quote[0]
		}
	}
	opts := Options{Resolver: DirResolver(dir), MaxDistinct: tc.MaxDistinct, MaxValues: tc.MaxValues, BatchRows: tc.BatchRows}
	if tc.Now != "" {
		now, err := time.Parse(time.RFC3339, tc.Now)
		if err != nil {
			t.Fatalf("now: %v", err)
		}
		opts.Now = func() time.Time { return now }
	}
	if opts.BatchRows == 0 {
		opts.BatchRows = 2 // small batches exercise batch boundaries
	}
	e := New(opts)
	e.procs = procs
	res, err := e.Run(context.Background(), suite, src)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	dump, _ := json.MarshalIndent(res, "", "  ")
	ex := tc.Expect
	if ex.Status != "" && res.Status != ex.Status {
		t.Errorf("status = %s, want %s", res.Status, ex.Status)
	}
	if ex.ErrorCode != "" || ex.ErrorContains != "" {
		switch {
		case res.Error == nil:
			t.Errorf("no run error, want %s %q", ex.ErrorCode, ex.ErrorContains)
		default:
			if ex.ErrorCode != "" && res.Error.Code != ex.ErrorCode {
				t.Errorf("error code = %s, want %s", res.Error.Code, ex.ErrorCode)
			}
			if !strings.Contains(res.Error.Message, ex.ErrorContains) {
				t.Errorf("error message %q does not contain %q", res.Error.Message, ex.ErrorContains)
			}
			if ex.ErrorRow != 0 && res.Error.Row != ex.ErrorRow {
				t.Errorf("error row = %d, want %d", res.Error.Row, ex.ErrorRow)
			}
			if ex.ErrorColumn != "" && res.Error.Column != ex.ErrorColumn {
				t.Errorf("error column = %q, want %q", res.Error.Column, ex.ErrorColumn)
			}
			if ex.ErrorCode == CodeIntegrity && !errors.Is(res.Err(), ErrIntegrity) {
				t.Errorf("errors.Is(res.Err(), ErrIntegrity) = false")
			}
			for _, rr := range res.Rules {
				if rr.Verdict != VerdictError {
					t.Errorf("rule %d is %s after a run error; want ERROR", rr.Index, rr.Verdict)
				}
			}
		}
	} else if res.Error != nil {
		t.Errorf("unexpected run error: %v", res.Error)
	}
	if ex.RowCount != nil && res.RowCount != *ex.RowCount {
		t.Errorf("row_count = %d, want %d", res.RowCount, *ex.RowCount)
	}
	if ex.Columns != nil && !reflect.DeepEqual(res.Columns, ex.Columns) {
		t.Errorf("columns = %+v, want %+v", res.Columns, ex.Columns)
	}
	if len(ex.Rules) > 0 && len(ex.Rules) != len(res.Rules) {
		t.Fatalf("%d rule results, the case expects %d", len(res.Rules), len(ex.Rules))
	}
	for i, want := range ex.Rules {
		checkRule(t, i, res.Rules[i], want)
	}
	if t.Failed() {
		t.Logf("result:\n%s", dump)
	}
}

func checkRule(t *testing.T, i int, got RuleResult, want expectRule) {
	t.Helper()
	p := fmt.Sprintf("rules[%d] (%s)", i, got.Type)
	if want.Verdict != "" && got.Verdict != want.Verdict {
		t.Errorf("%s: verdict = %s, want %s (message %q)", p, got.Verdict, want.Verdict, got.Message)
	}
	if want.Severity != "" && got.Severity != want.Severity {
		t.Errorf("%s: severity = %s, want %s", p, got.Severity, want.Severity)
	}
	tol := want.Tolerance
	if tol == 0 {
		tol = 1e-9
	}
	if want.ObservedNull && got.Observed != nil {
		t.Errorf("%s: observed = %v, want null", p, got.Observed)
	}
	if want.Observed != nil && !approxEqual(normalize(got.Observed), normalize(want.Observed), tol) {
		t.Errorf("%s: observed = %s, want %s (tolerance %g)", p, mustJSON(got.Observed), mustJSON(want.Observed), tol)
	}
	checkCount := func(name string, got int64, want *int64) {
		if want != nil && got != *want {
			t.Errorf("%s: %s = %d, want %d", p, name, got, *want)
		}
	}
	checkCount("element_count", got.ElementCount, want.ElementCount)
	checkCount("missing_count", got.MissingCount, want.MissingCount)
	checkCount("unexpected_count", got.UnexpectedCount, want.UnexpectedCount)
	if want.UnexpectedPercent != nil {
		if got.UnexpectedPercent == nil || math.Abs(*got.UnexpectedPercent-*want.UnexpectedPercent) > 1e-9 {
			t.Errorf("%s: unexpected_percent = %v, want %v", p, ptrStr(got.UnexpectedPercent), *want.UnexpectedPercent)
		}
	}
	if want.Sample != nil && !approxEqual(normalize(got.UnexpectedSample), normalize(want.Sample), 1e-12) {
		t.Errorf("%s: sample = %s, want %s", p, mustJSON(got.UnexpectedSample), mustJSON(want.Sample))
	}
	if want.MessageContains != "" && !strings.Contains(got.Message, want.MessageContains) {
		t.Errorf("%s: message %q does not contain %q", p, got.Message, want.MessageContains)
	}
	for k, v := range want.Details {
		if !approxEqual(normalize(got.Details[k]), normalize(v), tol) {
			t.Errorf("%s: details[%s] = %s, want %s", p, k, mustJSON(got.Details[k]), mustJSON(v))
		}
	}
	if got.UnexpectedSample != nil && len(got.UnexpectedSample) > DefaultSampleSize {
		t.Errorf("%s: %d samples, more than %d", p, len(got.UnexpectedSample), DefaultSampleSize)
	}
}

func ptrStr(f *float64) string {
	if f == nil {
		return "null"
	}
	return fmt.Sprint(*f)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// normalize turns a value into plain JSON types (float64, string, bool,
// []any, map[string]any) through a JSON round trip.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable: %v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return err.Error()
	}
	return out
}

func approxEqual(a, b any, tol float64) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)))
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !approxEqual(a[i], b[i], tol) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k := range a {
			if !approxEqual(a[k], b[k], tol) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// writeCaseData writes one data file of a case into dir and returns its
// path.
func writeCaseData(t *testing.T, dir, name string, f caseFile, b64 *string) string {
	t.Helper()
	var data []byte
	ext := ""
	switch {
	case f.CSV != nil:
		data, ext = []byte(*f.CSV), ".csv"
	case f.JSONL != nil:
		data, ext = []byte(*f.JSONL), ".jsonl"
	case f.Parquet != nil:
		data, ext = parquetBytes(t, f.Parquet), ".parquet"
	case b64 != nil:
		d, err := base64.StdEncoding.DecodeString(*b64)
		if err != nil {
			t.Fatalf("data_base64: %v", err)
		}
		data, ext = d, ".csv"
	default:
		t.Fatalf("file %q has no data (csv, jsonl, parquet or data_base64)", name)
	}
	if name == "" {
		name = "data" + ext
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// parquetBytes writes a Parquet file from a spec.
func parquetBytes(t *testing.T, spec *parquetSpec) []byte {
	t.Helper()
	group := parquet.Group{}
	types := map[string]string{}
	optional := map[string]bool{}
	var order []string
	for _, c := range spec.Columns {
		var n parquet.Node
		switch c.Type {
		case "int64":
			n = parquet.Leaf(parquet.Int64Type)
		case "int32":
			n = parquet.Leaf(parquet.Int32Type)
		case "double":
			n = parquet.Leaf(parquet.DoubleType)
		case "string":
			n = parquet.String()
		case "bytes":
			n = parquet.Leaf(parquet.ByteArrayType)
		case "bool":
			n = parquet.Leaf(parquet.BooleanType)
		case "timestamp_ms":
			n = parquet.Timestamp(parquet.Millisecond)
		case "date":
			n = parquet.Date()
		default:
			t.Fatalf("parquet column %q: unknown type %q", c.Name, c.Type)
		}
		if c.Optional {
			n = parquet.Optional(n)
		}
		group[c.Name] = n
		types[c.Name], optional[c.Name] = c.Type, c.Optional
		order = append(order, c.Name)
	}
	schema := parquet.NewSchema("case", group)
	// Schema column i is the i-th name in sorted order.
	sorted := slices.Sorted(slices.Values(order))
	var buf bytes.Buffer
	opts := []parquet.WriterOption{schema}
	if spec.RowGroupRows > 0 {
		opts = append(opts, parquet.MaxRowsPerRowGroup(spec.RowGroupRows))
	}
	w := parquet.NewWriter(&buf, opts...)
	for ri, r := range spec.Rows {
		if len(r) != len(order) {
			t.Fatalf("parquet row %d has %d values, %d columns", ri, len(r), len(order))
		}
		byName := map[string]any{}
		for j, name := range order {
			byName[name] = r[j]
		}
		row := make(parquet.Row, len(sorted))
		for ci, name := range sorted {
			v := byName[name]
			def := 0
			if optional[name] {
				def = 1
			}
			if v == nil {
				if !optional[name] {
					t.Fatalf("parquet row %d: null in required column %q", ri, name)
				}
				row[ci] = parquet.NullValue().Level(0, 0, ci)
				continue
			}
			row[ci] = parquetValue(t, types[name], v).Level(0, def, ci)
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatalf("parquet row %d: %v", ri, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func parquetValue(t *testing.T, typ string, v any) parquet.Value {
	t.Helper()
	num := func() float64 {
		switch n := v.(type) {
		case uint64:
			return float64(n)
		case int64:
			return float64(n)
		case float64:
			return n
		case int:
			return float64(n)
		}
		t.Fatalf("%v (%T) is not a number", v, v)
		return 0
	}
	switch typ {
	case "int64":
		return parquet.Int64Value(int64(num()))
	case "int32":
		return parquet.Int32Value(int32(num()))
	case "double":
		return parquet.DoubleValue(num())
	case "string", "bytes":
		return parquet.ByteArrayValue([]byte(fmt.Sprint(v)))
	case "bool":
		b, ok := v.(bool)
		if !ok {
			t.Fatalf("%v is not a bool", v)
		}
		return parquet.BooleanValue(b)
	case "timestamp_ms", "date":
		ts, err := time.Parse(time.RFC3339, fmt.Sprint(v))
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		if typ == "date" {
			return parquet.Int32Value(int32(ts.Unix() / 86400))
		}
		return parquet.Int64Value(ts.UnixMilli())
	}
	t.Fatalf("unknown type %q", typ)
	return parquet.Value{}
}
