package quality

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scanned is one row as a Scan callback saw it: each cell's text, or
// "<null>".
type scanned struct {
	row   int64
	cells []string
}

func collect(t *testing.T, e *Engine, src Source, columns []string) ([]scanned, ScanInfo, error) {
	t.Helper()
	var got []scanned
	info, err := e.scanRows(context.Background(), src, columns, func(row int64, vs []Cell) error {
		r := scanned{row: row}
		for _, c := range vs {
			s := c.Text()
			if c.IsNull() {
				s = "<null>"
			} else if f, ok := c.Number(); ok {
				s += fmt.Sprintf("=%g", f)
			}
			r.cells = append(r.cells, s)
		}
		got = append(got, r)
		return nil
	})
	return got, info, err
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScanFormats(t *testing.T) {
	dir := t.TempDir()
	pq := parquetBytes(t, &parquetSpec{
		Columns: []struct {
			Name     string `yaml:"name"`
			Type     string `yaml:"type"`
			Optional bool   `yaml:"optional"`
		}{{Name: "a", Type: "string", Optional: true}, {Name: "b", Type: "double"}, {Name: "c", Type: "bool"}},
		Rows:         [][]any{{"x", 1.0, true}, {nil, 2.5, false}, {"7", -3.0, true}},
		RowGroupRows: 2,
	})
	// The same three rows in every format; columns are asked in another
	// order than the file's.
	want := []scanned{
		{1, []string{"true", "1=1", "x"}},
		{2, []string{"false", "2.5=2.5", "<null>"}},
		{3, []string{"true", "-3=-3", "7=7"}},
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, tc := range []struct {
		name, file string
		data       []byte
		uri        string // default: the path
	}{
		{name: "csv", file: "d.csv", data: []byte("a,b,c\nx,1,true\n,2.5,false\n7,-3,true\n")},
		{name: "jsonl", file: "d.jsonl", data: []byte(`{"a":"x","b":1,"c":true}` + "\n" + `{"b":2.5,"c":false}` + "\n" + `{"c":true,"a":"7","b":-3.0}` + "\n")},
		{name: "parquet", file: "d.parquet", data: pq},
		{name: "parquet over http", file: "h.parquet", data: pq, uri: srv.URL + "/h.parquet"},
		{name: "csv file uri", file: "f.csv", data: []byte("c,b,a\ntrue,1,x\nfalse,2.5,\ntrue,-3,7\n"), uri: "file://" + filepath.ToSlash(filepath.Join(dir, "f.csv"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, tc.file, tc.data)
			if tc.uri != "" {
				p = tc.uri
			}
			src := Source{URI: p, ExpectedSHA256: "sha256:" + strings.ToUpper(sha(tc.data))}
			got, info, err := collect(t, New(Options{BatchRows: 2}), src, []string{"c", "b", "a"})
			if err != nil {
				t.Fatalf("scan: %v", err)
			}
			if !slices.EqualFunc(got, want, func(a, b scanned) bool { return a.row == b.row && slices.Equal(a.cells, b.cells) }) {
				t.Errorf("rows = %v, want %v", got, want)
			}
			if info.RowCount != 3 || info.SHA256 != sha(tc.data) || len(info.Columns) != 3 {
				t.Errorf("info = %+v, want 3 rows, 3 columns, sha256 %s", info, sha(tc.data))
			}
		})
	}
}

func TestScanErrors(t *testing.T) {
	dir := t.TempDir()
	csvPath := writeFile(t, dir, "d.csv", []byte("id,label\n1,a\n2,b\n3,c\n"))
	jsonlPath := writeFile(t, dir, "d.jsonl", []byte(`{"id":1}`+"\n"+`{"id":2,"other":true}`+"\n"))
	raggedPath := writeFile(t, dir, "r.csv", []byte("id,label\n1,a\n2\n"))
	stop := errors.New("stop")
	failAt := func(row int64) func(int64, []Cell) error {
		return func(r int64, _ []Cell) error {
			if r == row {
				return stop
			}
			if r > row {
				return fmt.Errorf("called for row %d after the callback failed", r)
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name     string
		src      Source
		columns  []string
		fn       func(int64, []Cell) error
		is       error
		contains string
		row      int64
		column   string
	}{
		{name: "missing csv column", src: Source{URI: csvPath}, columns: []string{"id", "lable"}, is: ErrInput,
			contains: `column "lable" not found (columns: id, label)`, column: "lable"},
		{name: "missing jsonl column beats the callback's error on its nulls", src: Source{URI: jsonlPath}, columns: []string{"id", "label"},
			fn: failAt(1), is: ErrInput, contains: `column "label" not found (columns: id, other)`, column: "label"},
		{name: "digest mismatch", src: Source{URI: csvPath, ExpectedSHA256: strings.Repeat("0", 64)}, columns: []string{"id"},
			is: ErrIntegrity, contains: "expected " + strings.Repeat("0", 64)},
		{name: "digest mismatch beats the callback's error", src: Source{URI: csvPath, ExpectedSHA256: strings.Repeat("0", 64)}, columns: []string{"id"},
			fn: failAt(1), is: ErrIntegrity},
		{name: "digest mismatch beats a missing column", src: Source{URI: csvPath, ExpectedSHA256: strings.Repeat("0", 64)}, columns: []string{"nope"},
			is: ErrIntegrity},
		{name: "malformed row", src: Source{URI: raggedPath}, columns: []string{"id"}, is: ErrInput,
			contains: "row 2 (line 3) has 1 fields, the header has 2", row: 2},
		{name: "callback error stops the scan", src: Source{URI: csvPath}, columns: []string{"label"}, fn: failAt(2), is: stop},
		{name: "no such file", src: Source{URI: filepath.Join(dir, "nope.csv")}, columns: []string{"id"}, is: ErrSource, contains: "nope.csv"},
		{name: "unknown format", src: Source{URI: filepath.Join(dir, "d.txt")}, columns: []string{"id"}, is: ErrSource, contains: "set the format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fn := tc.fn
			if fn == nil {
				fn = func(int64, []Cell) error { return nil }
			}
			_, err := New(Options{BatchRows: 1}).scanRows(context.Background(), tc.src, tc.columns, fn)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if !strings.Contains(fmt.Sprint(err), tc.contains) {
				t.Errorf("err %q does not contain %q", err, tc.contains)
			}
			var re *RunError
			if tc.row != 0 || tc.column != "" {
				if !errors.As(err, &re) || re.Row != tc.row || re.Column != tc.column {
					t.Errorf("err = %#v, want row %d, column %q", err, tc.row, tc.column)
				}
			}
		})
	}
}

func TestScanCanceled(t *testing.T) {
	var data strings.Builder
	data.WriteString("id\n")
	for i := range 10_000 {
		fmt.Fprintf(&data, "%d\n", i)
	}
	p := writeFile(t, t.TempDir(), "d.csv", []byte(data.String()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rows int64
	_, err := New(Options{BatchRows: 10}).scanRows(ctx, Source{URI: p}, []string{"id"}, func(row int64, _ []Cell) error {
		rows = row
		if row == 15 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if rows >= 10_000 {
		t.Errorf("the scan read every row after the context ended")
	}
}

// TestScanPublic runs the exported entry point once.
func TestScanPublic(t *testing.T) {
	data := []byte("x\n1\n")
	p := writeFile(t, t.TempDir(), "d.csv", data)
	n := 0
	info, err := Scan(context.Background(), Source{URI: p}, []string{"x"}, func(int64, []Cell) error { n++; return nil })
	if err != nil || n != 1 || info.RowCount != 1 || info.SHA256 != sha(data) || info.Format != FormatCSV {
		t.Fatalf("Scan = %+v, %v after %d rows", info, err, n)
	}
}
