package quality

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func mustSuite(t *testing.T, text string) *Suite {
	t.Helper()
	s, err := ParseSuite([]byte(text))
	if err != nil {
		t.Fatalf("ParseSuite: %v", err)
	}
	return s
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestSources reads the same data from a path, a file:// URI and HTTP, and
// a Parquet file over HTTP (spooled to a temporary file for random
// access); the digest is the same in every case.
func TestSources(t *testing.T) {
	dir := t.TempDir()
	csvData := []byte("id,v\n1,a\n2,b\n3,\n")
	pq := parquetBytes(t, &parquetSpec{
		Columns: []struct {
			Name     string `yaml:"name"`
			Type     string `yaml:"type"`
			Optional bool   `yaml:"optional"`
		}{{Name: "id", Type: "int64"}, {Name: "v", Type: "string", Optional: true}},
		Rows: [][]any{{int64(1), "a"}, {int64(2), "b"}, {int64(3), nil}},
	})
	csvPath := filepath.Join(dir, "d.csv")
	pqPath := filepath.Join(dir, "d.parquet")
	if err := os.WriteFile(csvPath, csvData, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pqPath, pq, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	suite := mustSuite(t, `
name: sources
rules:
  - {type: not_null, column: v}
  - {type: unique, column: id}
  - {type: row_count_between, min: 3, max: 3}
`)
	tests := []struct {
		name, uri, digest string
	}{
		{"path", csvPath, sha(csvData)},
		{"file URI", "file://" + filepath.ToSlash(csvPath), sha(csvData)},
		{"http csv", srv.URL + "/d.csv", sha(csvData)},
		{"parquet path", pqPath, sha(pq)},
		{"http parquet", srv.URL + "/d.parquet", sha(pq)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New(Options{}).Run(t.Context(), suite, Source{URI: tt.uri, ExpectedSHA256: tt.digest})
			if err != nil {
				t.Fatal(err)
			}
			if res.SHA256 != tt.digest {
				t.Errorf("sha256 = %s, want %s", res.SHA256, tt.digest)
			}
			if res.Status != StatusFailed || res.Rules[0].UnexpectedCount != 1 || res.Rules[1].Verdict != VerdictPassed || res.Rules[2].Verdict != VerdictPassed {
				t.Errorf("result = %s", mustJSON(res))
			}
		})
	}
}

func TestSourceErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	suite := mustSuite(t, `{"name": "s", "rules": [{"type": "row_count_between", "min": 0}]}`)
	tests := []struct {
		name string
		src  Source
		msg  string
	}{
		{"missing file", Source{URI: filepath.Join(t.TempDir(), "nope.csv")}, "no such file"},
		{"http 404", Source{URI: srv.URL + "/x.csv"}, "HTTP 404"},
		{"unknown extension", Source{URI: "data.xlsx"}, "cannot tell the format"},
		{"remote file URI", Source{URI: "file://host/x.csv"}, "local path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New(Options{}).Run(t.Context(), suite, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != StatusError || res.Error == nil || res.Error.Code != CodeSource || !strings.Contains(res.Error.Message, tt.msg) {
				t.Fatalf("result = %s, want a SOURCE error containing %q", mustJSON(res), tt.msg)
			}
			if !errors.Is(res.Err(), ErrSource) || res.Rules[0].Verdict != VerdictError {
				t.Errorf("Err() = %v, rule verdict %s", res.Err(), res.Rules[0].Verdict)
			}
		})
	}
}

// TestRunCanceled: a canceled context returns the context's error and no
// result, and leaves no goroutine behind (goleak in TestMain).
func TestRunCanceled(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id\n")
	for i := range 50000 {
		fmt.Fprintf(&b, "%d\n", i)
	}
	p := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	suite := mustSuite(t, `{"name": "s", "rules": [{"type": "unique", "column": "id"}]}`)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res, err := New(Options{BatchRows: 10}).Run(ctx, suite, Source{URI: p})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Run = %v, %v; want nil, context.Canceled", res, err)
	}

	// Canceled mid-file: the server sends part of the data and then
	// stalls until the client goes away.
	sent := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(b.String()))
		w.(http.Flusher).Flush()
		close(sent)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel = context.WithCancel(t.Context())
	go func() {
		<-sent
		cancel()
	}()
	res, err = New(Options{BatchRows: 10}).Run(ctx, suite, Source{URI: srv.URL + "/d.csv"})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Run = %v, %v; want nil, context.Canceled", res, err)
	}
}

// TestConcurrentRuns shares one suite and one engine between runs.
func TestConcurrentRuns(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(p, []byte("id,code\n1,AB\n2,CD\n3,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	suite := mustSuite(t, `{"name": "s", "rules": [{"type": "regex", "column": "code", "pattern": "^[A-Z]+$"}, {"type": "freshness", "column": "id", "max_age": "1h"}]}`)
	e := New(Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			res, err := e.Run(t.Context(), suite, Source{URI: p})
			if err != nil {
				t.Error(err)
				return
			}
			if res.Rules[0].UnexpectedCount != 1 || res.Rules[1].Verdict != VerdictError {
				t.Errorf("result = %s", mustJSON(res))
			}
		})
	}
	wg.Wait()
}

func TestRunRejectsInvalidSuite(t *testing.T) {
	s := &Suite{Name: "go-built", Rules: []Rule{{Type: TypeValueBetween, Column: "x"}}}
	_, err := New(Options{}).Run(t.Context(), s, Source{URI: "x.csv"})
	var se *SuiteError
	if !errors.As(err, &se) || se.Problems[0].String() != "rules[0].min: value_between needs min, max or both" {
		t.Fatalf("Run = %v, want the suite problem", err)
	}
}

// TestKSAsymptotic checks the large-sample p-value against scipy. The data
// is generated by formulas, computed identically in Python:
//
//	x = [((i*7919) % 10007) / 10007 for i in range(12000)]
//	y = [(((i*104729) % 10009) / 10009) ** 1.03 for i in range(11000)]
//	scipy.stats.ks_2samp(x, y, method="asymp")  # scipy 1.17.1
//	-> statistic 0.011151515151515135, pvalue 0.4699077667074555
//
// scipy's asymptotic mode uses the exact one-sample distribution at
// n = round(n1*n2/(n1+n2)); the engine uses Kolmogorov's limit with
// Stephens' correction, which gives 0.471171 here (kstwobign.sf of the
// corrected lambda in scipy); the two agree to about 0.3%.
func TestKSAsymptotic(t *testing.T) {
	x := make([]float64, 12000)
	for i := range x {
		x[i] = float64((i*7919)%10007) / 10007
	}
	y := make([]float64, 11000)
	for i := range y {
		y[i] = math.Pow(float64((i*104729)%10009)/10009, 1.03)
	}
	slices.Sort(x)
	slices.Sort(y)
	d, p := ks2samp(x, y)
	if math.Abs(d-0.011151515151515135) > 1e-12 {
		t.Errorf("D = %.17g, want 0.011151515151515135", d)
	}
	if math.Abs(p-0.471171055881225) > 1e-6 {
		t.Errorf("p = %.17g, want 0.471171055881225 (Stephens-corrected Kolmogorov)", p)
	}
	if math.Abs(p-0.4699077667074555) > 0.005 {
		t.Errorf("p = %.17g, more than 0.005 from scipy's 0.4699077667074555", p)
	}
}

func TestKolmogorovQ(t *testing.T) {
	// scipy.stats.kstwobign.sf(l), scipy 1.17.1.
	tests := []struct{ l, want float64 }{
		{0.5, 0.9639452436648751},
		{1.0, 0.26999967167735456},
		{1.36, 0.049485876755377876},
		{2.0, 0.0006709252557796953},
	}
	for _, tt := range tests {
		if got := kolmogorovQ(tt.l); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Q(%v) = %.17g, want %.17g", tt.l, got, tt.want)
		}
	}
}

// FuzzRun feeds arbitrary bytes to each reader with a suite touching every
// rule kind: the engine must return a result (never panic, never a Go
// error) whose rules all have a verdict.
func FuzzRun(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n3,x\n"), uint8(0))
	f.Add([]byte("a,b\n\"1\n,2\n"), uint8(0))
	f.Add([]byte("{\"a\": 1, \"b\": \"x\"}\n{\"a\": [1]}\n"), uint8(1))
	f.Add([]byte("PAR1\x00\x00PAR1"), uint8(2))
	suite, err := ParseSuite([]byte(`
name: fuzz
rules:
  - {type: not_null, column: a}
  - {type: unique, column: a}
  - {type: primary_key, columns: [a, b]}
  - {type: value_between, column: a, min: 0}
  - {type: regex, column: b, pattern: 'x'}
  - {type: length_between, column: b, max: 3}
  - {type: in_set, column: a, values: [1, "x"]}
  - {type: aggregate_between, column: a, aggregate: median, min: 0}
  - {type: freshness, column: b, max_age: 1h}
  - {type: pair_comparison, column_a: a, op: "<", column_b: b}
  - {type: schema_match, schema: [{name: a, type: integer}]}
  - {type: distinct_count_between, column: b, min: 1}
  - {type: row_count_between, min: 1}
`))
	if err != nil {
		f.Fatal(err)
	}
	exts := []string{".csv", ".jsonl", ".parquet"}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		p := filepath.Join(t.TempDir(), "d"+exts[int(format)%len(exts)])
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := New(Options{BatchRows: 3}).Run(context.Background(), suite, Source{URI: p})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		for _, r := range res.Rules {
			if r.Verdict == "" {
				t.Fatalf("rule %d has no verdict: %s", r.Index, mustJSON(res))
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
	})
}

// FuzzRunGroupsAndBatches: how the rules are grouped onto goroutines and
// how the rows are cut into batches change nothing in a result, and the
// digest is the sha256 of the file's bytes however the reader hashed
// them.
func FuzzRunGroupsAndBatches(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n3,x\n1,x\n"), uint8(0))
	f.Add([]byte("a,b\n\"1\n\",2\n\"1\n\",\"x\"\"\"\n007,7\n7,+7\n-0,0\n"), uint8(0))
	f.Add([]byte("a,b\n1.5,2\n.5,5.\n1e5,100000\n9223372036854775808,x\n"), uint8(0))
	f.Add([]byte("{\"a\": 1, \"b\": \"x\"}\n{\"a\": [1]}\n{\"a\": 1.0, \"c\": 2}\n"), uint8(1))
	f.Add([]byte("PAR1\x00\x00PAR1"), uint8(2))
	suite, err := ParseSuite([]byte(`
name: fuzz
rules:
  - {type: not_null, column: a}
  - {type: unique, column: a}
  - {type: unique, column: b}
  - {type: primary_key, columns: [a, b]}
  - {type: value_between, column: a, min: 0}
  - {type: regex, column: b, pattern: '^[a-z0-9]+$'}
  - {type: regex, column: a, pattern: '(?i)x|\d$'}
  - {type: length_between, column: b, max: 3}
  - {type: in_set, column: a, values: [1, "x"]}
  - {type: aggregate_between, column: a, aggregate: median, min: 0}
  - {type: aggregate_between, column: a, aggregate: mean, min: 0}
  - {type: freshness, column: b, max_age: 1h}
  - {type: pair_comparison, column_a: a, op: "<", column_b: b}
  - {type: schema_match, schema: [{name: a, type: integer}]}
  - {type: distinct_count_between, column: b, min: 1}
  - {type: row_count_between, min: 1}
`))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	exts := []string{".csv", ".jsonl", ".parquet"}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		ext := exts[int(format)%len(exts)]
		p := filepath.Join(t.TempDir(), "d"+ext)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var want []byte
		var wantErr *RunError
		for i, cfg := range []struct{ procs, batch int }{{1, 4096}, {maxGroups, 1}, {2, 3}} {
			e := New(Options{BatchRows: cfg.batch, Now: func() time.Time { return now }})
			e.procs = cfg.procs
			res, err := e.Run(context.Background(), suite, Source{URI: p})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Error == nil || res.Error.Code == CodeInput {
				if sum := sha256.Sum256(data); res.SHA256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("digest %s, want the sha256 of the file", res.SHA256)
				}
			}
			if i == 0 {
				wantErr = res.Error
			}
			if (res.Error == nil) != (wantErr == nil) || res.Error != nil && res.Error.Code != wantErr.Code {
				t.Fatalf("%d groups, %d rows a batch: run error %v, want %v", cfg.procs, cfg.batch, res.Error, wantErr)
			}
			if res.Error != nil && ext == ".parquet" {
				continue // a corrupt page names the first row of its batch
			}
			if res.Error != nil {
				// The rows and types of the batches before the bad one.
				res.RowCount, res.Columns = 0, nil
			}
			got := mustJSON(struct {
				Rules   []RuleResult
				Error   *RunError
				Rows    int64
				Columns []ColumnInfo
			}{res.Rules, res.Error, res.RowCount, res.Columns})
			if i == 0 {
				want = []byte(got)
			} else if got != string(want) {
				t.Fatalf("%d groups, %d rows a batch:\n%s\nwant\n%s", cfg.procs, cfg.batch, got, want)
			}
		}
	})
}

// TestRunCanceledInRuleGroups: canceled mid-file with the rules on
// several goroutines, a run returns the context's error and leaves no
// goroutine behind (goleak in TestMain): neither a group's, the reader's
// nor the hasher's.
func TestRunCanceledInRuleGroups(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,email\n")
	for i := range 50000 {
		fmt.Fprintf(&b, "%d,u%d@example.com\n", i%40000, i)
	}
	suite := mustSuite(t, `
name: s
rules:
  - {type: unique, column: id}
  - {type: regex, column: email, pattern: '^u\d+@'}
  - {type: not_null, column: email}
  - {type: aggregate_between, column: id, aggregate: median, min: 0}
`)
	for _, tc := range []struct {
		name  string
		after int // bytes sent before the server stalls
	}{
		{"after the header", 10},
		{"mid-file", b.Len() / 2},
		{"whole file, then a stall", b.Len()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(b.String()[:tc.after]))
				w.(http.Flusher).Flush()
				close(sent)
				<-r.Context().Done()
			}))
			defer srv.Close()
			ctx, cancel := context.WithCancel(t.Context())
			go func() {
				<-sent
				cancel()
			}()
			e := New(Options{BatchRows: 100})
			e.procs = maxGroups
			res, err := e.Run(ctx, suite, Source{URI: srv.URL + "/d.csv"})
			if !errors.Is(err, context.Canceled) || res != nil {
				t.Fatalf("Run = %v, %v; want nil, context.Canceled", res, err)
			}
		})
	}
}
