package quality

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// maxJSONLine bounds one JSON Lines record.
const maxJSONLine = 64 << 20

// jsonlReader reads JSON Lines: one JSON object per line, blank lines
// skipped. Columns are the keys in order of first appearance; a key absent
// from a line is null there. Numbers without a fraction or exponent are
// integers (beyond int64 they become floats); nested objects and arrays
// are kept as their JSON text and are not strings.
type jsonlReader struct {
	br    *bufio.Reader
	cols  []ColumnInfo
	index map[string]int
	rows  int64
	line  int64
	long  []byte
}

func newJSONLReader(r io.Reader) *jsonlReader {
	return &jsonlReader{br: bufio.NewReaderSize(r, 1<<20), index: map[string]int{}}
}

func (j *jsonlReader) columns() []ColumnInfo { return j.cols }
func (j *jsonlReader) fixedSchema() bool     { return false }

func (j *jsonlReader) readLine() ([]byte, error) {
	line, err := readPhysicalLine(j.br, &j.long, maxJSONLine)
	if errors.Is(err, errLineTooLong) {
		return nil, inputError(j.rows+1, "", "row %d (line %d) is longer than %d bytes", j.rows+1, j.line+1, maxJSONLine)
	}
	if err != nil {
		return nil, err
	}
	j.line++
	return line, nil
}

func (j *jsonlReader) next(b *batch, maxRows int) error {
	type cell struct {
		col int
		v   value
	}
	var cells []cell
	rowStart := []int{}
	for len(rowStart) < maxRows {
		line, err := j.readLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		row := j.rows + 1
		if !utf8.Valid(line) {
			return inputError(row, "", "row %d (line %d) is not valid UTF-8", row, j.line)
		}
		keys, vals, err := decodeObject(line)
		if err != nil {
			return inputError(row, "", "row %d (line %d) is not a JSON object: %v", row, j.line, err)
		}
		rowStart = append(rowStart, len(cells))
		for ki, k := range keys {
			raw := vals[ki]
			c, ok := j.index[k]
			if !ok {
				c = len(j.cols)
				j.index[k] = c
				j.cols = append(j.cols, ColumnInfo{Name: k})
			}
			v, err := jsonValue(raw)
			if err != nil {
				return inputError(row, k, "row %d (line %d), column %q: %v", row, j.line, k, err)
			}
			cells = append(cells, cell{c, v})
		}
		j.rows++
	}
	n := len(rowStart)
	b.reset(len(j.cols), n)
	b.start = j.rows - int64(n)
	b.names = b.names[:0]
	for c := range b.cols {
		clear(b.cols[c])
	}
	for i, s := range rowStart {
		e := len(cells)
		if i+1 < n {
			e = rowStart[i+1]
		}
		for _, c := range cells[s:e] {
			b.cols[c.col][i] = c.v
		}
	}
	b.trim(n)
	if n == 0 {
		return io.EOF
	}
	return nil
}

// decodeObject decodes one JSON object, keeping its keys in order (a
// repeated key keeps its last value, as encoding/json does).
func decodeObject(line []byte) ([]string, []json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(line))
	tok, err := d.Token()
	if err != nil {
		return nil, nil, err
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, nil, fmt.Errorf("the line holds a JSON %s", jsonKind(tok))
	}
	var keys []string
	var vals []json.RawMessage
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return nil, nil, err
		}
		if i := slices.Index(keys, k); i >= 0 {
			vals[i] = raw
			continue
		}
		keys, vals = append(keys, k), append(vals, raw)
	}
	if _, err := d.Token(); err != nil {
		return nil, nil, err
	}
	if d.More() {
		return nil, nil, fmt.Errorf("more than one JSON value on the line")
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("more than one JSON value on the line")
	}
	return keys, vals, nil
}

func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "array"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

// jsonValue converts one JSON value.
func jsonValue(raw json.RawMessage) (value, error) {
	if len(raw) == 0 {
		return nullValue, nil
	}
	switch raw[0] {
	case 'n':
		return nullValue, nil
	case 't':
		return value{k: kindBool, i: 1}, nil
	case 'f':
		return value{k: kindBool, i: 0}, nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return value{}, err
		}
		return value{k: kindString, s: s}, nil
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return value{}, err
		}
		return value{k: kindOther, s: buf.String()}, nil
	}
	s := string(raw)
	if !bytes.ContainsAny(raw, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return value{k: kindInt, i: i, f: float64(i)}, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return value{}, fmt.Errorf("%s is not a number", s)
	}
	if math.IsInf(f, 0) {
		return value{}, fmt.Errorf("%s is out of range", s)
	}
	return value{k: kindFloat, f: f}, nil
}

// errLineTooLong: a line over readPhysicalLine's limit.
var errLineTooLong = errors.New("line too long")

// readPhysicalLine returns the next line of br, '\n' included when there
// is one, however long it is (a line longer than br's buffer is assembled
// in *long, which is reused), or io.EOF after the last. With limit > 0, a
// line that grows past limit bytes is errLineTooLong; a read error is a
// SOURCE RunError.
func readPhysicalLine(br *bufio.Reader, long *[]byte, limit int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		*long = append((*long)[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if limit > 0 && len(*long) > limit {
				return nil, errLineTooLong
			}
			line, err = br.ReadSlice('\n')
			*long = append(*long, line...)
		}
		line = *long
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	if err != nil {
		if err != io.EOF {
			return nil, &RunError{Code: CodeSource, Message: fmt.Sprintf("read: %v", err)}
		}
		return nil, io.EOF
	}
	return line, nil
}
