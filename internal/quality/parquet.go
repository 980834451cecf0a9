package quality

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// pqKind is how a Parquet leaf column converts to values.
type pqKind uint8

const (
	pqBool pqKind = iota
	pqInt
	pqUint32 // int32 read as unsigned
	pqUint64
	pqFloat
	pqDecimal // integer with a scale
	pqTime    // integer count of unit since the epoch
	pqDate    // int32 days since the epoch
	pqInt96   // legacy timestamp
	pqString
	pqUUID
	pqBinary
	pqUnsupported // repeated (list) columns
)

type pqColumn struct {
	info  ColumnInfo
	kind  pqKind
	unit  int64   // nanoseconds per step for pqTime
	scale float64 // 10^scale for pqDecimal
	maxDL int

	// reading state for the current row group
	pages parquet.Pages
	page  parquet.Page
	vr    parquet.ValueReader // the page's values, when not read typed
	buf   []parquet.Value
	typed typedPage // the page's values, read as typed arrays

	text []byte   // string bytes of the batch being filled
	ends []uint32 // per row: end of its string in text (pqString)
}

// typedPage reads a plain (not dictionary) page of a flat column from its
// typed arrays, without a parquet.Value per cell: the definition levels
// say which rows are null, the arrays hold the others in order.
type typedPage struct {
	ok         bool
	defs       []byte // nil: a required column, no nulls
	maxDL      byte
	rows, row  int // rows in the page, next row
	vals, next int // values in the arrays, next value
	i32        []int32
	i64        []int64
	f32        []float32
	f64        []float64
	bytes      []byte
	offs       []uint32 // len vals+1
}

// openTyped sets up typed reading of pg, or leaves it off (ok false) when
// the page is dictionary-encoded, repeated, of a kind read otherwise, or
// its levels and values do not add up; the page is then read through
// parquet.Value.
func (c *pqColumn) openTyped(pg parquet.Page) {
	t := &c.typed
	*t = typedPage{}
	if pg.Dictionary() != nil || len(pg.RepetitionLevels()) > 0 {
		return
	}
	data := pg.Data()
	switch {
	case (c.kind == pqInt || c.kind == pqUint32) && data.Kind() == encoding.Int32:
		t.i32 = data.Int32()
		t.vals = len(t.i32)
	case (c.kind == pqInt || c.kind == pqTime) && data.Kind() == encoding.Int64:
		t.i64 = data.Int64()
		t.vals = len(t.i64)
	case c.kind == pqFloat && data.Kind() == encoding.Float:
		t.f32 = data.Float()
		t.vals = len(t.f32)
	case c.kind == pqFloat && data.Kind() == encoding.Double:
		t.f64 = data.Double()
		t.vals = len(t.f64)
	case c.kind == pqString && data.Kind() == encoding.ByteArray:
		t.bytes, t.offs = data.ByteArray()
		if len(t.offs) == 0 {
			return
		}
		t.vals = len(t.offs) - 1
		if int(t.offs[t.vals]) > len(t.bytes) {
			return
		}
	default:
		return
	}
	if c.maxDL == 0 {
		t.rows = t.vals
	} else {
		t.defs, t.maxDL = pg.DefinitionLevels(), byte(c.maxDL)
		t.rows = len(t.defs)
		present := 0
		for _, d := range t.defs {
			if d == t.maxDL {
				present++
			}
		}
		if present != t.vals {
			return
		}
	}
	t.ok = true
}

// fill reads the column's next len(dst) rows into dst; first is the
// number of rows of the file before them.
func (c *pqColumn) fill(dst []value, first int64) error {
	n := len(dst)
	if cap(c.buf) < n {
		c.buf = make([]parquet.Value, n)
	}
	c.text, c.ends = c.text[:0], c.ends[:0]
	if c.kind == pqString && cap(c.ends) < n {
		c.ends = make([]uint32, 0, n)
	}
	got := 0
	for got < n {
		if c.vr == nil && !(c.typed.ok && c.typed.row < c.typed.rows) {
			if c.page != nil {
				parquet.Release(c.page)
				c.page = nil
			}
			c.typed.ok = false
			pg, err := c.pages.ReadPage()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return inputError(first+int64(got)+1, c.info.Name, "column %q ends before row %d of its row group", c.info.Name, first+int64(got)+1)
				}
				return inputError(first+int64(got)+1, c.info.Name, "column %q: %v", c.info.Name, err)
			}
			c.page = pg
			if c.openTyped(pg); !c.typed.ok {
				c.vr = pg.Values()
			}
		}
		if c.typed.ok {
			k, err := c.readTyped(dst[got:], first+int64(got))
			got += k
			if err != nil {
				return err
			}
			continue
		}
		buf := c.buf[got:n]
		k, err := c.vr.ReadValues(buf)
		for i := range buf[:k] {
			v, err := c.convert(buf[i])
			if err != nil {
				row := first + int64(got+i) + 1
				return inputError(row, c.info.Name, "row %d, column %q: %v", row, c.info.Name, err)
			}
			dst[got+i] = v
			if c.kind == pqString {
				// Strings of this path are their own allocations.
				c.ends = append(c.ends, uint32(len(c.text)))
			}
		}
		got += k
		if errors.Is(err, io.EOF) {
			c.vr = nil
		} else if err != nil {
			return inputError(first+int64(got)+1, c.info.Name, "column %q: %v", c.info.Name, err)
		}
	}
	if c.kind == pqString && len(c.text) > 0 {
		// One string holds the batch's text from typed pages; each value
		// is a slice of it, so a batch costs one allocation per column.
		all := string(c.text)
		start := uint32(0)
		for i, end := range c.ends {
			if end > start {
				dst[i].s = all[start:end]
			}
			start = end
		}
	}
	return nil
}

// readTyped converts rows of the current typed page into dst and returns
// how many it read.
func (c *pqColumn) readTyped(dst []value, first int64) (int, error) {
	t := &c.typed
	k := min(len(dst), t.rows-t.row)
	for i := range dst[:k] {
		if t.defs != nil && t.defs[t.row+i] != t.maxDL {
			dst[i] = nullValue
			if c.kind == pqString {
				c.ends = append(c.ends, uint32(len(c.text)))
			}
			continue
		}
		j := t.next
		t.next++
		switch c.kind {
		case pqInt:
			var x int64
			if t.i64 != nil {
				x = t.i64[j]
			} else {
				x = int64(t.i32[j])
			}
			dst[i] = value{k: kindInt, i: x, f: float64(x)}
		case pqUint32:
			x := int64(uint32(t.i32[j]))
			dst[i] = value{k: kindInt, i: x, f: float64(x)}
		case pqTime:
			dst[i] = value{k: kindTime, i: t.i64[j] * c.unit}
		case pqFloat:
			var f float64
			if t.f64 != nil {
				f = t.f64[j]
			} else {
				f = float64(t.f32[j])
			}
			switch {
			case math.IsNaN(f):
				dst[i] = nullValue // NaN is missing, as in pandas
			case math.IsInf(f, 0):
				row := first + int64(i) + 1
				t.row += i
				return i, inputError(row, c.info.Name, "row %d, column %q: infinite value", row, c.info.Name)
			default:
				dst[i] = value{k: kindFloat, f: f}
			}
		case pqString:
			b := t.bytes[t.offs[j]:t.offs[j+1]]
			if !utf8.Valid(b) {
				row := first + int64(i) + 1
				t.row += i
				return i, inputError(row, c.info.Name, "row %d, column %q: not valid UTF-8", row, c.info.Name)
			}
			c.text = append(c.text, b...)
			c.ends = append(c.ends, uint32(len(c.text)))
			dst[i] = value{k: kindString}
		}
	}
	t.row += k
	return k, nil
}

// parquetReader reads a flat Parquet file column by column, page by page,
// and assembles row batches. Nested groups are flattened to dotted names;
// repeated (list) columns are listed with type "unsupported" and a rule on
// one ends in ERROR.
type parquetReader struct {
	f     *parquet.File
	cols  []*pqColumn
	rg    int
	left  int64 // rows left in the current row group
	rows  int64
	first bool
}

func newParquetReader(r io.ReaderAt, size int64) (p *parquetReader, err error) {
	defer func() {
		// A corrupt footer can make the decoder panic; it is an input
		// error, never a crash.
		if r := recover(); r != nil {
			p, err = nil, inputError(0, "", "not a readable Parquet file: %v", r)
		}
	}()
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, inputError(0, "", "not a readable Parquet file: %v", err)
	}
	p = &parquetReader{f: f, rg: -1}
	for _, path := range f.Schema().Columns() {
		leaf, ok := f.Schema().Lookup(path...)
		if !ok {
			return nil, inputError(0, strings.Join(path, "."), "Parquet column %q is not in the schema", strings.Join(path, "."))
		}
		c := &pqColumn{info: ColumnInfo{Name: strings.Join(path, ".")}, maxDL: leaf.MaxDefinitionLevel}
		classifyParquet(c, leaf)
		p.cols = append(p.cols, c)
	}
	seen := map[string]bool{}
	for _, c := range p.cols {
		if seen[c.info.Name] {
			return nil, inputError(0, c.info.Name, "the Parquet schema names column %q twice", c.info.Name)
		}
		seen[c.info.Name] = true
	}
	return p, nil
}

func classifyParquet(c *pqColumn, leaf parquet.LeafColumn) {
	set := func(k pqKind, typ string) { c.kind, c.info.Type = k, typ }
	if leaf.MaxRepetitionLevel > 0 {
		set(pqUnsupported, "unsupported")
		return
	}
	t := leaf.Node.Type()
	var lt format.LogicalTypeValue
	if l := t.LogicalType(); l != nil {
		lt = l.Value
	}
	var ct deprecated.ConvertedType = -1
	if p := t.ConvertedType(); p != nil {
		ct = *p
	}
	switch t.Kind() {
	case parquet.Boolean:
		set(pqBool, "boolean")
	case parquet.Int32, parquet.Int64:
		switch l := lt.(type) {
		case *format.TimestampType:
			set(pqTime, "timestamp")
			c.unit = int64(l.Unit.Value.Duration())
		case *format.DateType:
			set(pqDate, "timestamp")
		case *format.DecimalType:
			set(pqDecimal, "number")
			c.scale = math.Pow10(int(l.Scale))
		case *format.IntType:
			switch {
			case !l.IsSigned && t.Kind() == parquet.Int64:
				set(pqUint64, "integer")
			case !l.IsSigned:
				set(pqUint32, "integer")
			default:
				set(pqInt, "integer")
			}
		default:
			switch ct {
			case deprecated.TimestampMillis:
				set(pqTime, "timestamp")
				c.unit = 1e6
			case deprecated.TimestampMicros:
				set(pqTime, "timestamp")
				c.unit = 1e3
			case deprecated.Date:
				set(pqDate, "timestamp")
			case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
				if t.Kind() == parquet.Int64 {
					set(pqUint64, "integer")
				} else {
					set(pqUint32, "integer")
				}
			default:
				set(pqInt, "integer")
			}
		}
	case parquet.Int96:
		set(pqInt96, "timestamp")
	case parquet.Float, parquet.Double:
		set(pqFloat, "number")
	case parquet.ByteArray:
		switch lt.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			set(pqString, "string")
		default:
			if ct == deprecated.UTF8 || ct == deprecated.Enum || ct == deprecated.Json {
				set(pqString, "string")
			} else {
				set(pqBinary, "binary")
			}
		}
	case parquet.FixedLenByteArray:
		if _, ok := lt.(*format.UUIDType); ok {
			set(pqUUID, "string")
		} else {
			set(pqBinary, "binary")
		}
	default:
		set(pqUnsupported, "unsupported")
	}
}

func (p *parquetReader) columns() []ColumnInfo {
	out := make([]ColumnInfo, len(p.cols))
	for i, c := range p.cols {
		out[i] = c.info
	}
	return out
}

func (p *parquetReader) fixedSchema() bool { return true }

// close releases the pages of the current row group.
func (p *parquetReader) close() {
	for _, c := range p.cols {
		if c.page != nil {
			parquet.Release(c.page)
			c.page = nil
		}
		if c.pages != nil {
			c.pages.Close()
			c.pages = nil
		}
		c.vr = nil
	}
}

func (p *parquetReader) next(b *batch, maxRows int) (err error) {
	defer func() {
		// A corrupt file can make the decoder panic; it must end as an
		// input error, never as a crash.
		if r := recover(); r != nil {
			err = inputError(p.rows+1, "", "row %d: corrupt Parquet data: %v", p.rows+1, r)
		}
	}()
	for p.left == 0 {
		p.close()
		groups := p.f.RowGroups()
		p.rg++
		if p.rg >= len(groups) {
			b.reset(len(p.cols), 0)
			return io.EOF
		}
		g := groups[p.rg]
		p.left = g.NumRows()
		chunks := g.ColumnChunks()
		for i, c := range p.cols {
			if c.kind != pqUnsupported {
				c.pages = chunks[i].Pages()
			}
		}
	}
	n := int(min(int64(maxRows), p.left))
	b.reset(len(p.cols), n)
	b.start = p.rows
	for ci, c := range p.cols {
		dst := b.cols[ci]
		if c.kind == pqUnsupported {
			clear(dst)
			continue
		}
		if err := c.fill(dst, p.rows); err != nil {
			return err
		}
	}
	p.left -= int64(n)
	p.rows += int64(n)
	b.trim(n)
	return nil
}

func (c *pqColumn) convert(pv parquet.Value) (value, error) {
	if pv.IsNull() || pv.DefinitionLevel() < c.maxDL {
		return nullValue, nil
	}
	switch c.kind {
	case pqBool:
		if pv.Boolean() {
			return value{k: kindBool, i: 1}, nil
		}
		return value{k: kindBool}, nil
	case pqInt:
		i := pv.Int64()
		if pv.Kind() == parquet.Int32 {
			i = int64(pv.Int32())
		}
		return value{k: kindInt, i: i, f: float64(i)}, nil
	case pqUint32:
		u := int64(uint32(pv.Int32()))
		return value{k: kindInt, i: u, f: float64(u)}, nil
	case pqUint64:
		u := pv.Uint64()
		if u > math.MaxInt64 {
			return value{k: kindFloat, f: float64(u)}, nil
		}
		return value{k: kindInt, i: int64(u), f: float64(u)}, nil
	case pqFloat:
		f := pv.Double()
		if pv.Kind() == parquet.Float {
			f = float64(pv.Float())
		}
		if math.IsNaN(f) {
			return nullValue, nil // NaN is missing, as in pandas
		}
		if math.IsInf(f, 0) {
			return value{}, fmt.Errorf("infinite value")
		}
		return value{k: kindFloat, f: f}, nil
	case pqDecimal:
		i := pv.Int64()
		if pv.Kind() == parquet.Int32 {
			i = int64(pv.Int32())
		}
		return value{k: kindFloat, f: float64(i) / c.scale}, nil
	case pqTime:
		return value{k: kindTime, i: pv.Int64() * c.unit}, nil
	case pqDate:
		return value{k: kindTime, i: int64(pv.Int32()) * 86400e9}, nil
	case pqInt96:
		w := pv.Int96()
		nanos := int64(w[1])<<32 | int64(w[0])
		julian := int64(w[2])
		return value{k: kindTime, i: (julian-2440588)*86400e9 + nanos}, nil
	case pqString:
		b := pv.ByteArray()
		if !utf8.Valid(b) {
			return value{}, fmt.Errorf("not valid UTF-8")
		}
		return value{k: kindString, s: string(b)}, nil
	case pqUUID:
		b := pv.ByteArray()
		if len(b) != 16 {
			return value{k: kindOther, s: hex.EncodeToString(b)}, nil
		}
		h := hex.EncodeToString(b)
		return value{k: kindString, s: h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]}, nil
	}
	return value{k: kindOther, s: "0x" + hex.EncodeToString(pv.ByteArray())}, nil
}
