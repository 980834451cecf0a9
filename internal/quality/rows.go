package quality

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Cell is a read-only view of one value of a row handed to a Scan
// callback.
type Cell struct{ v value }

// IsNull reports whether the value is null: an empty CSV field (or one of
// CSVOptions.NullValues), a JSON null or absent key, a Parquet null or NaN.
func (c Cell) IsNull() bool { return c.v.isNull() }

// Text returns the value in the canonical text form the engine compares
// values in: text and strings as they are, integers in decimal, floats in
// the shortest form that round-trips (1.0 is "1"), booleans as true or
// false, timestamps as RFC 3339 in UTC; "" for null.
func (c Cell) Text() string {
	s, _ := c.v.key(nil)
	return s
}

// Number returns the value as a finite number: a typed number, or text or
// a string holding a decimal literal ("1", "1.0", "-2e3"; not "NaN", "Inf"
// or hexadecimal). Booleans, timestamps and nested values are not numbers.
func (c Cell) Number() (float64, bool) {
	if c.v.k == kindString {
		return parseNumber(c.v.s)
	}
	return c.v.number()
}

// ScanInfo describes the data a Scan read.
type ScanInfo struct {
	Format   Format
	RowCount int64
	// SHA256 is the hex digest of the file's bytes, computed while reading.
	SHA256  string
	Columns []ColumnInfo
}

// Scan reads src once, opening it as Engine.Run does (local path, file://
// or http(s)://; CSV with src.CSV, JSON Lines or Parquet), and calls fn
// for each row in order with its 1-based data row number and the values of
// columns, in the order given. The slice and its cells are valid only
// during the call.
//
// Errors, checked in this order:
//   - ctx ended: ctx.Err();
//   - the file cannot be opened or read: a *RunError with CodeSource
//     (errors.Is(err, ErrSource));
//   - its sha256 differs from src.ExpectedSHA256: a *RunError with
//     CodeIntegrity (errors.Is(err, ErrIntegrity)), whatever else went
//     wrong;
//   - it cannot be parsed, or lacks one of columns: a *RunError with
//     CodeInput (errors.Is(err, ErrInput)) and Row and Column set when
//     known; a missing column's message lists the columns there are;
//   - fn returned an error: that error, as is; the scan stops there.
//
// A JSON Lines column counts as missing only when no row has it, so fn may
// see nulls for it before Scan reports it missing. The info returned with
// an error holds what was learnt (the digest, on a mismatch).
func Scan(ctx context.Context, src Source, columns []string, fn func(row int64, values []Cell) error) (ScanInfo, error) {
	return New(Options{}).scanRows(ctx, src, columns, fn)
}

func (e *Engine) scanRows(ctx context.Context, src Source, columns []string, fn func(int64, []Cell) error) (ScanInfo, error) {
	t, err := openTable(ctx, e.opts.Remote, src)
	if err != nil {
		return ScanInfo{}, err
	}
	defer t.close()
	info := ScanInfo{Format: t.format}
	err = t.err
	if err == nil && t.rd.fixedSchema() {
		err = findColumns(t.rd.columns(), columns)
	}
	var fnErr error
	if err == nil {
		// The feeder cancels the scan when fn fails; ctx itself tells a
		// caller's cancellation apart.
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		st := &ruleState{rule: &Rule{}, names: columns, ev: &rowFeeder{fn: fn, cells: make([]Cell, len(columns)), stop: cancel}}
		var res Result
		err = e.scan(sctx, t.rd, []*ruleState{st}, &res)
		info.RowCount, info.Columns = res.RowCount, res.Columns
		fnErr = st.err
		if err == nil && !t.rd.fixedSchema() {
			err = findColumns(res.Columns, columns)
		}
		if sctx.Err() != nil && ctx.Err() == nil {
			err = nil // stopped by fn's error
		}
	}
	if ctx.Err() != nil {
		return info, ctx.Err()
	}
	// The digest is checked first, as Run does, so a file that is not
	// the one expected is reported as such whatever else is wrong with it.
	if err == nil && fnErr == nil || src.ExpectedSHA256 != "" {
		sum, derr := t.sum(src.URI)
		if derr == nil {
			info.SHA256 = sum
			derr = checkDigest(src, sum)
		}
		if derr != nil {
			return info, derr
		}
	}
	if err == nil {
		err = fnErr
	}
	return info, err
}

// checkDigest compares a file's sha256 with src.ExpectedSHA256 (hex, with
// an optional "sha256:" prefix, hex digits in any case), as Run does.
func checkDigest(src Source, sum string) error {
	if want := strings.ToLower(strings.TrimPrefix(src.ExpectedSHA256, "sha256:")); want != "" && want != sum {
		return &RunError{Code: CodeIntegrity, Message: fmt.Sprintf("the data's sha256 is %s, expected %s", sum, want)}
	}
	return nil
}

// findColumns checks that every name is a readable column of infos.
func findColumns(infos []ColumnInfo, names []string) error {
	for _, n := range names {
		i := slices.IndexFunc(infos, func(c ColumnInfo) bool { return c.Name == n })
		switch {
		case i < 0:
			return &RunError{Code: CodeInput, Column: n, Message: missingColumn(n, infos).Error()}
		case infos[i].Type == "unsupported":
			return &RunError{Code: CodeInput, Column: n, Message: fmt.Sprintf("column %q is a repeated (list) Parquet column, which the engine does not read", n)}
		}
	}
	return nil
}

// rowFeeder is the evaluator behind Scan: it hands fn the cells of each
// row.
type rowFeeder struct {
	fn    func(int64, []Cell) error
	cells []Cell
	stop  context.CancelFunc
}

func (f *rowFeeder) observe(b *batch, cols []int) error {
	for i := range b.n {
		for j, c := range cols {
			f.cells[j] = Cell{}
			if col := b.col(c); col != nil {
				f.cells[j] = Cell{col[i]}
			}
		}
		if err := f.fn(b.rowNum(i), f.cells); err != nil {
			// Until every column has been seen (JSON Lines), read on: one
			// that never appears is reported missing rather than as what
			// fn made of its nulls.
			if !slices.Contains(cols, -1) {
				f.stop()
			}
			return err
		}
	}
	return nil
}

func (f *rowFeeder) finish(*RuleResult) {}

// table is a data file open for one pass: its reader, and its sha256
// computed on the way.
type table struct {
	format  Format
	o       *opened
	rd      tableReader // nil when err is set
	err     error       // the file is not readable as its format (CodeInput)
	pq      *parquetReader
	digestc chan digestResult // Parquet: the digest read beside the parser
	summed  bool
}

// openTable opens src as Run does: the format from src.Format or the
// extension, the file from a path, file:// URI or http(s):// URL, and its
// reader; a remote Parquet file is spooled to a temporary file. A file
// that cannot be opened is a CodeSource *RunError; one whose reader cannot
// start keeps that error in t.err, so its digest can be checked first.
func openTable(ctx context.Context, remote Remote, src Source) (*table, error) {
	format, err := formatOf(src)
	if err != nil {
		return nil, &RunError{Code: CodeSource, Message: err.Error()}
	}
	o, err := open(ctx, remote, src.URI)
	if err != nil {
		return nil, &RunError{Code: CodeSource, Message: err.Error()}
	}
	t := &table{format: format, o: o}
	switch format {
	case FormatCSV:
		o.hashAside()
		var cr *csvReader
		if cr, t.err = newCSVReader(o.r, csvOptions(src)); t.err == nil {
			t.rd = cr
		}
	case FormatJSONL:
		o.hashAside()
		t.rd = newJSONLReader(o.r)
	case FormatParquet:
		if err := o.spool(); err != nil {
			o.Close()
			return nil, &RunError{Code: CodeSource, Message: fmt.Sprintf("fetch %s: %v", src.URI, err)}
		}
		// Parquet is read with random access (the footer first), so the
		// digest comes from a sequential read beside the parser.
		t.digestc = make(chan digestResult, 1)
		go func() {
			d, err := o.digest()
			t.digestc <- digestResult{d, err}
		}()
		if t.pq, t.err = newParquetReader(o.file, o.size); t.err == nil {
			t.rd = t.pq
		}
	}
	return t, nil
}

// sum returns the file's sha256 in hex once the parser is done with it,
// reading what the parser left unread.
func (t *table) sum(uri string) (string, error) {
	var dg digestResult
	if t.digestc != nil {
		dg = <-t.digestc
	} else {
		dg.sum, dg.err = t.o.digest()
	}
	t.summed = true
	if dg.err != nil {
		return "", &RunError{Code: CodeSource, Message: fmt.Sprintf("read %s: %v", uri, dg.err)}
	}
	return dg.sum, nil
}

// close releases the reader and the file, and waits for the digest
// goroutine, which the closed file ends.
func (t *table) close() {
	if t.pq != nil {
		t.pq.close()
	}
	t.o.Close()
	if t.digestc != nil && !t.summed {
		<-t.digestc
	}
}
