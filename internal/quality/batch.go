package quality

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// batch is a block of consecutive rows, stored by column.
type batch struct {
	start int64 // 0-based index of the first row in the file
	n     int   // rows in the batch
	// cols[c][i] is row i of column c. A reader with a growing schema
	// (JSON Lines) may return fewer columns than it knows later; missing
	// columns read as null.
	cols  [][]value
	names []string // column names, len(names) == len(cols)

	nums []numCol // per column, parsed on first use

	pending atomic.Int32 // rule groups yet to read the batch
}

// numCol caches a column's values as numbers; st[i] is stNull, stNum or
// stBad. Rules evaluated concurrently share it: once computes it.
type numCol struct {
	once sync.Once
	f    []float64
	st   []uint8
	bad  int // first stBad row, or -1
}

const (
	stNull uint8 = iota
	stNum
	stBad
)

// reset prepares the batch for width columns of up to capRows rows.
func (b *batch) reset(width, capRows int) {
	b.n = 0
	if cap(b.cols) < width {
		b.cols = append(b.cols[:cap(b.cols)], make([][]value, width-cap(b.cols))...)
	}
	b.cols = b.cols[:width]
	for c := range b.cols {
		if cap(b.cols[c]) < capRows {
			b.cols[c] = make([]value, capRows)
		}
		b.cols[c] = b.cols[c][:capRows]
	}
	if cap(b.nums) < width {
		b.nums = make([]numCol, width)
	}
	b.nums = b.nums[:width]
	for c := range b.nums {
		b.nums[c].once = sync.Once{}
	}
}

// trim sets the row count to n.
func (b *batch) trim(n int) {
	b.n = n
	for c := range b.cols {
		b.cols[c] = b.cols[c][:n]
	}
}

// col returns column c, or nil when the batch does not have it.
func (b *batch) col(c int) []value {
	if c < 0 || c >= len(b.cols) {
		return nil
	}
	return b.cols[c]
}

// numbers returns column c parsed as numbers, computed once per batch and
// shared by every rule that needs it. It is safe for concurrent use.
func (b *batch) numbers(c int) *numCol {
	nc := &b.nums[c]
	nc.once.Do(func() { b.parseNumbers(c) })
	return nc
}

func (b *batch) parseNumbers(c int) {
	nc := &b.nums[c]
	nc.bad = -1
	if cap(nc.f) < b.n {
		nc.f, nc.st = make([]float64, b.n), make([]uint8, b.n)
	}
	nc.f, nc.st = nc.f[:b.n], nc.st[:b.n]
	for i, v := range b.cols[c][:b.n] {
		switch v.k {
		case kindNull:
			nc.st[i] = stNull
		case kindInt, kindFloat:
			nc.f[i], nc.st[i] = v.f, stNum
		default:
			if f, ok := v.number(); ok {
				nc.f[i], nc.st[i] = f, stNum
			} else {
				nc.st[i] = stBad
				if nc.bad < 0 {
					nc.bad = i
				}
			}
		}
	}
}

// rowNum is the 1-based data row number of row i of the batch.
func (b *batch) rowNum(i int) int64 { return b.start + int64(i) + 1 }

// typeError is the error of a rule that met a value of the wrong type.
func typeError(b *batch, i int, column string, v value, want string) error {
	return fmt.Errorf("row %d, column %q: %s is %s, not %s", b.rowNum(i), column, quoteValue(v), v.describe(), want)
}

// tableReader reads a data file in batches.
type tableReader interface {
	// columns returns the columns known so far. For fixed-schema formats
	// (CSV with a header, Parquet) it is complete before the first batch.
	columns() []ColumnInfo
	// fixedSchema reports whether columns() is complete up front.
	fixedSchema() bool
	// next fills b with up to maxRows rows and returns io.EOF after the
	// last row (with b.n == 0). Errors are *RunError with CodeInput.
	next(b *batch, maxRows int) error
}

// inputError builds a CodeInput run error.
func inputError(row int64, column, format string, a ...any) *RunError {
	return &RunError{Code: CodeInput, Row: row, Column: column, Message: fmt.Sprintf(format, a...)}
}
