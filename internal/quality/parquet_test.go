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

// parquetOf writes rows as a Parquet file in memory and opens a reader
// on it.
func parquetOf[T any](t *testing.T, rows []T, opts ...parquet.WriterOption) *parquetReader {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
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
	return p
}

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
	p := parquetOf(t, rows, parquet.PageBufferSize(512), parquet.MaxRowsPerRowGroup(1700))
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

type pqUnsignedRow struct {
	U32  uint32 `parquet:"u32"`
	DU32 uint32 `parquet:"du32,dict"`
	U64  uint64 `parquet:"u64"`
}

// TestParquetUnsignedIntegers: unsigned columns read as the numbers they
// hold, above the signed range too, from plain pages (typed arrays) and
// dictionary pages alike.
func TestParquetUnsignedIntegers(t *testing.T) {
	rows := []pqUnsignedRow{{0, 0, 0}, {7, 7, 7}, {math.MaxInt32 + 1, math.MaxInt32 + 1, math.MaxInt64}, {math.MaxUint32, math.MaxUint32, math.MaxInt64 + 1}}
	p := parquetOf(t, rows)
	var b batch
	if err := p.next(&b, 10); err != nil {
		t.Fatal(err)
	}
	if b.n != len(rows) {
		t.Fatalf("read %d rows, want %d", b.n, len(rows))
	}
	for i, r := range rows {
		for c, want := range []uint64{uint64(r.U32), uint64(r.DU32), r.U64} {
			got := b.cols[c][i]
			if want > math.MaxInt64 {
				if got.k != kindFloat || got.f != float64(want) {
					t.Errorf("row %d, column %d: got %#v, want %v", i+1, c, got, want)
				}
				continue
			}
			if got.k != kindInt || got.i != int64(want) || got.f != float64(want) {
				t.Errorf("row %d, column %d: got %#v, want %d", i+1, c, got, want)
			}
		}
	}
	for _, c := range p.columns() {
		if c.Type != "integer" {
			t.Errorf("column %s is %s, want integer", c.Name, c.Type)
		}
	}
}
