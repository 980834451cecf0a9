package quality

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"
)

type pqTestRow struct {
	ID    int64    `parquet:"id"`
	Small *int32   `parquet:"small,optional"`
	Score *float64 `parquet:"score,optional"`
	F32   float32  `parquet:"f32"`
	Tag   *string  `parquet:"tag,optional"`
	DTag  string   `parquet:"dtag,dict"`
	At    int64    `parquet:"at,timestamp(millisecond)"`
}

// TestParquetTypedPages: plain pages are read from their typed arrays,
// dictionary pages through parquet.Value, and both give the values the
// file holds, with nulls from definition levels, NaN as null, empty and
// non-ASCII strings, across many small pages, row groups and batches
// that straddle them.
func TestParquetTypedPages(t *testing.T) {
	const n = 5000
	rows := make([]pqTestRow, n)
	for i := range rows {
		r := &rows[i]
		r.ID = int64(i) - 100
		if i%7 != 0 {
			s := int32(-i)
			r.Small = &s
		}
		switch i % 11 {
		case 0:
		case 1:
			nan := math.NaN()
			r.Score = &nan
		default:
			f := float64(i) / 8
			r.Score = &f
		}
		r.F32 = float32(i) / 4
		switch i % 5 {
		case 0:
		case 1:
			e := ""
			r.Tag = &e
		case 2:
			u := "é" + strconv.Itoa(i)
			r.Tag = &u
		default:
			s := "tag-" + strconv.Itoa(i)
			r.Tag = &s
		}
		r.DTag = []string{"new", "paid", "shipped"}[i%3]
		r.At = 1_700_000_000_000 + int64(i)
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqTestRow](&buf, parquet.PageBufferSize(512), parquet.MaxRowsPerRowGroup(1700))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := newParquetReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range p.columns() {
		col[c.Name] = i
	}
	typedSeen := map[string]bool{}
	var b batch
	got := 0
	for {
		err := p.next(&b, 777)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for name, ci := range col {
			if p.cols[ci].typed.ok {
				typedSeen[name] = true
			}
		}
		for i := range b.n {
			r := rows[got+i]
			check := func(name string, want value) {
				t.Helper()
				if g := b.cols[col[name]][i]; g != want {
					t.Fatalf("row %d, %s: got %#v, want %#v", got+i+1, name, g, want)
				}
			}
			check("id", value{k: kindInt, i: r.ID, f: float64(r.ID)})
			if r.Small == nil {
				check("small", nullValue)
			} else {
				check("small", value{k: kindInt, i: int64(*r.Small), f: float64(*r.Small)})
			}
			if r.Score == nil || math.IsNaN(*r.Score) {
				check("score", nullValue)
			} else {
				check("score", value{k: kindFloat, f: *r.Score})
			}
			check("f32", value{k: kindFloat, f: float64(r.F32)})
			if r.Tag == nil {
				check("tag", nullValue)
			} else {
				check("tag", value{k: kindString, s: *r.Tag})
			}
			check("dtag", value{k: kindString, s: r.DTag})
			check("at", value{k: kindTime, i: r.At * 1e6})
		}
		got += b.n
	}
	if got != n {
		t.Fatalf("read %d rows, want %d", got, n)
	}
	for _, name := range []string{"id", "small", "score", "f32", "tag", "at"} {
		if !typedSeen[name] {
			t.Errorf("column %s was never read from typed arrays", name)
		}
	}
	if typedSeen["dtag"] {
		t.Errorf("the dictionary column was read as typed arrays")
	}
}
