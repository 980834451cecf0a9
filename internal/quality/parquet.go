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
	"github.com/parquet-go/parquet-go/format"
)

// pqKind is how a Parquet leaf column converts to values.
type pqKind uint8

const (
	pqBool pqKind = iota
	pqInt
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
	vr    parquet.ValueReader
	buf   []parquet.Value
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
			if !l.IsSigned && l.BitWidth == 64 {
				set(pqUint64, "integer")
			} else {
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
		if cap(c.buf) < n {
			c.buf = make([]parquet.Value, n)
		}
		buf := c.buf[:n]
		got := 0
		for got < n {
			if c.vr == nil {
				if c.page != nil {
					parquet.Release(c.page)
					c.page = nil
				}
				pg, err := c.pages.ReadPage()
				if err != nil {
					if errors.Is(err, io.EOF) {
						return inputError(p.rows+int64(got)+1, c.info.Name, "column %q ends before row %d of its row group", c.info.Name, p.rows+int64(got)+1)
					}
					return inputError(p.rows+int64(got)+1, c.info.Name, "column %q: %v", c.info.Name, err)
				}
				c.page, c.vr = pg, pg.Values()
			}
			k, err := c.vr.ReadValues(buf[got:])
			got += k
			if errors.Is(err, io.EOF) {
				c.vr = nil
			} else if err != nil {
				return inputError(p.rows+int64(got)+1, c.info.Name, "column %q: %v", c.info.Name, err)
			}
		}
		for i := range buf {
			v, err := c.convert(buf[i])
			if err != nil {
				row := p.rows + int64(i) + 1
				return inputError(row, c.info.Name, "row %d, column %q: %v", row, c.info.Name, err)
			}
			dst[i] = v
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
