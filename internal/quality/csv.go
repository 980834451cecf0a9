package quality

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// csvReader is an RFC 4180 reader with a configurable delimiter and quote.
// It is written here rather than taken from encoding/csv because that
// package has a fixed quote character; it also reads a record with one
// string allocation.
//
// Rules: a field that starts with the quote character is quoted and may
// hold delimiters, newlines and doubled quotes; after its closing quote
// only a delimiter or the end of the line may follow. A quote inside an
// unquoted field is data. Lines end in \n or \r\n. Blank lines are
// skipped. A leading UTF-8 byte-order mark is dropped.
type csvReader struct {
	br       *bufio.Reader
	delim    byte
	quote    byte
	hasQuote bool
	nulls    map[string]bool // nil: only "" is null

	cols    []ColumnInfo
	rows    int64  // data rows returned
	line    int64  // physical lines consumed
	buf     []byte // the records of the batch being read, field after field
	recBuf  int    // where the current record starts in buf
	ends    []int  // the current record's field ends in buf
	spans   []int  // every field end of the batch, row after row
	long    []byte
	pending bool // the current record is data not yet returned (no header)
	recLine int64
	// maxRecord bounds one record's bytes (maxCSVRecord), so a file
	// without line ends, or a quote never closed, cannot fill memory.
	maxRecord int
}

// maxCSVRecord bounds one CSV record, as maxJSONLine bounds a JSON line.
const maxCSVRecord = 64 << 20

func newCSVReader(r io.Reader, opt CSVOptions) (*csvReader, error) {
	c := &csvReader{br: bufio.NewReaderSize(r, 1<<20), delim: ',', quote: '"', hasQuote: !opt.NoQuote, maxRecord: maxCSVRecord}
	if opt.Delimiter != 0 {
		c.delim = opt.Delimiter
	}
	if opt.Quote != 0 {
		c.quote = opt.Quote
	}
	switch {
	case c.delim >= utf8.RuneSelf || c.delim == '\n' || c.delim == '\r':
		return nil, inputError(0, "", "the CSV delimiter must be one ASCII character other than a newline")
	case c.hasQuote && (c.quote >= utf8.RuneSelf || c.quote == c.delim || c.quote == '\n' || c.quote == '\r'):
		return nil, inputError(0, "", "the CSV quote must be one ASCII character other than the delimiter or a newline")
	}
	if opt.NullValues != nil {
		c.nulls = make(map[string]bool, len(opt.NullValues))
		for _, v := range opt.NullValues {
			c.nulls[v] = true
		}
	}
	if bom, err := c.br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		c.br.Discard(3)
	}
	err := c.readRecord()
	if errors.Is(err, io.EOF) {
		return c, nil // an empty file: no columns, no rows
	}
	if err != nil {
		return nil, err
	}
	if opt.NoHeader {
		for i := range c.ends {
			c.cols = append(c.cols, ColumnInfo{Name: fmt.Sprintf("column_%d", i+1)})
		}
		c.pending = true
		return c, nil
	}
	if !utf8.Valid(c.buf) {
		return nil, inputError(0, "", "the CSV header (line %d) is not valid UTF-8", c.recLine)
	}
	seen := map[string]bool{}
	start := 0
	for _, end := range c.ends {
		name := string(c.buf[start:end])
		start = end
		if seen[name] {
			return nil, inputError(0, name, "the CSV header names column %q twice", name)
		}
		seen[name] = true
		c.cols = append(c.cols, ColumnInfo{Name: name})
	}
	return c, nil
}

func (c *csvReader) columns() []ColumnInfo { return c.cols }
func (c *csvReader) fixedSchema() bool     { return true }

func (c *csvReader) next(b *batch, maxRows int) error {
	width := len(c.cols)
	b.reset(width, maxRows)
	b.start = c.rows
	if !c.pending {
		c.buf = c.buf[:0] // a pending record (no header) is already in it
	}
	c.spans = c.spans[:0]
	n := 0
	for n < maxRows {
		if !c.pending {
			if err := c.readRecord(); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return err
			}
		}
		c.pending = false
		row := c.rows + 1
		if len(c.ends) != width {
			return inputError(row, "", "row %d (line %d) has %d fields, the header has %d", row, c.recLine, len(c.ends), width)
		}
		if !utf8.Valid(c.buf[c.recBuf:]) {
			start := c.recBuf
			for j, end := range c.ends {
				if !utf8.Valid(c.buf[start:end]) {
					return inputError(row, c.cols[j].Name, "row %d (line %d), column %q is not valid UTF-8", row, c.recLine, c.cols[j].Name)
				}
				start = end
			}
		}
		c.spans = append(c.spans, c.ends...)
		c.rows++
		n++
	}
	// One string holds the batch's text; each value is a slice of it, so
	// a batch costs one allocation rather than one per record.
	all := string(c.buf)
	start := 0
	for i := range n {
		for j, end := range c.spans[i*width : (i+1)*width] {
			f := all[start:end]
			start = end
			if (c.nulls == nil && f == "") || (c.nulls != nil && c.nulls[f]) {
				b.cols[j][i] = nullValue
			} else {
				b.cols[j][i] = value{k: kindText, s: f}
			}
		}
	}
	b.trim(n)
	if n == 0 {
		return io.EOF
	}
	return nil
}

// readLine returns the next physical line without its line ending.
func (c *csvReader) readLine() ([]byte, error) {
	line, err := readPhysicalLine(c.br, &c.long, c.maxRecord)
	if err == nil && c.maxRecord > 0 && len(line) > c.maxRecord+2 { // + its line ending
		err = errLineTooLong
	}
	if errors.Is(err, errLineTooLong) {
		return nil, inputError(c.rows+1, "", "row %d (line %d) is longer than %d bytes", c.rows+1, c.line+1, c.maxRecord)
	}
	if err != nil {
		return nil, err
	}
	c.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line, nil
}

// readRecord parses the next record onto the end of c.buf, from c.recBuf
// on, and its field ends into c.ends.
func (c *csvReader) readRecord() error {
	c.recBuf, c.ends = len(c.buf), c.ends[:0]
	var line []byte
	for {
		l, err := c.readLine()
		if err != nil {
			return err
		}
		if len(l) > 0 {
			line = l
			break
		}
	}
	c.recLine = c.line
	row := c.rows + 1
	pos := 0
	for {
		if c.hasQuote && pos < len(line) && line[pos] == c.quote {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], c.quote)
				if i < 0 {
					c.buf = append(c.buf, line[pos:]...)
					c.buf = append(c.buf, '\n')
					if c.maxRecord > 0 && len(c.buf)-c.recBuf > c.maxRecord {
						return inputError(row, "", "row %d (line %d) is longer than %d bytes: is a quote not closed?", row, c.recLine, c.maxRecord)
					}
					next, err := c.readLine()
					if errors.Is(err, io.EOF) {
						return inputError(row, "", "row %d (line %d): a quoted field is not closed before the end of the file", row, c.recLine)
					}
					if err != nil {
						return err
					}
					line, pos = next, 0
					continue
				}
				c.buf = append(c.buf, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == c.quote {
					c.buf = append(c.buf, c.quote)
					pos++
					continue
				}
				break
			}
			c.ends = append(c.ends, len(c.buf))
			if pos == len(line) {
				return nil
			}
			if line[pos] != c.delim {
				return inputError(row, "", "row %d (line %d), field %d: %q after a closing quote (expected the delimiter or the end of the line)", row, c.line, len(c.ends), line[pos])
			}
			pos++
			continue
		}
		i := bytes.IndexByte(line[pos:], c.delim)
		if i < 0 {
			c.buf = append(c.buf, line[pos:]...)
			c.ends = append(c.ends, len(c.buf))
			return nil
		}
		c.buf = append(c.buf, line[pos:pos+i]...)
		c.ends = append(c.ends, len(c.buf))
		pos += i + 1
	}
}
