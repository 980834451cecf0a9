package quality

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// kind is the type of one cell as the reader saw it.
type kind uint8

const (
	kindNull   kind = iota
	kindText        // untyped CSV text; rules coerce it on demand
	kindString      // a typed string (JSON string, Parquet STRING)
	kindInt         // an integer: i holds it exactly, f holds float64(i)
	kindFloat       // a floating-point number in f
	kindBool        // a boolean: i is 1 or 0
	kindTime        // a timestamp: i holds Unix nanoseconds (UTC)
	kindOther       // a nested JSON value or binary data; s holds a rendering
)

// value is one cell. Strings are shared with the reader's buffers for the
// lifetime of a batch; anything kept past the batch is cloned.
type value struct {
	k kind
	s string
	f float64
	i int64
}

var nullValue = value{}

func (v value) isNull() bool { return v.k == kindNull }

// isText reports whether the value is text that text rules (regex,
// length_between) may read: CSV fields and typed strings.
func (v value) isText() bool { return v.k == kindText || v.k == kindString }

// number returns the value as a float64. Text is parsed (finite decimal
// literals only); a typed string, boolean, timestamp or nested value is not
// a number.
func (v value) number() (float64, bool) {
	switch v.k {
	case kindInt, kindFloat:
		return v.f, true
	case kindText:
		return parseNumber(v.s)
	}
	return 0, false
}

// parseNumber parses a finite decimal number. "NaN", "Inf" and hexadecimal
// forms, which strconv accepts, are not numbers in a data file.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	// Fast path for plain integers, the common case.
	if len(s) < 19 {
		n, neg, j := int64(0), false, 0
		if s[0] == '-' || s[0] == '+' {
			neg, j = s[0] == '-', 1
		}
		if j < len(s) {
			ok := true
			for ; j < len(s); j++ {
				c := s[j]
				if c < '0' || c > '9' {
					ok = false
					break
				}
				n = n*10 + int64(c-'0')
			}
			if ok {
				if neg {
					n = -n
				}
				return float64(n), true
			}
		}
	}
	if f, ok := parseShortDecimal(s); ok {
		return f, true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseShortDecimal parses [sign]digits.digits with at most 15 digits in
// all, the common form of amounts, exactly as strconv.ParseFloat does:
// the digits make an integer below 2^53 and the scale a power of ten up
// to 1e15, both exact in a float64, so their IEEE quotient is the
// correctly rounded value (Clinger's fast path, which strconv takes for
// these inputs too). Anything else returns false for the full parser.
func parseShortDecimal(s string) (float64, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg, i = s[i] == '-', 1
	}
	var mant uint64
	digits, frac := 0, -1
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(mant)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}

// isInteger reports whether s is a decimal integer literal.
func isInteger(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// timeLayouts are the text forms read as timestamps, tried in order. Forms
// without a zone are taken as UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseTime parses s as a timestamp in one of timeLayouts.
func parseTime(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// timestamp returns the value as a time: timestamps as they are, text and
// strings parsed with parseTime. Numbers are not timestamps.
func (v value) timestamp() (time.Time, bool) {
	switch v.k {
	case kindTime:
		return time.Unix(0, v.i).UTC(), true
	case kindText, kindString:
		return parseTime(v.s)
	}
	return time.Time{}, false
}

// appendKey appends the value's canonical text, the form in which values
// are compared for unique, distinct_count, primary_key, in_set and
// referential_integrity: integers in decimal, floats in the shortest form
// that round-trips, booleans as true/false, timestamps as RFC 3339 in UTC,
// text and strings as they are.
func (v value) appendKey(b []byte) []byte {
	switch v.k {
	case kindText, kindString, kindOther:
		return append(b, v.s...)
	case kindInt:
		return strconv.AppendInt(b, v.i, 10)
	case kindFloat:
		if v.f == math.Trunc(v.f) && math.Abs(v.f) < 1e15 {
			return strconv.AppendInt(b, int64(v.f), 10)
		}
		return strconv.AppendFloat(b, v.f, 'g', -1, 64)
	case kindBool:
		if v.i != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case kindTime:
		return time.Unix(0, v.i).UTC().AppendFormat(b, time.RFC3339Nano)
	}
	return b
}

// key returns the canonical text of the value as a string; for text values
// it does not allocate.
func (v value) key(scratch []byte) (string, []byte) {
	if v.k == kindText || v.k == kindString || v.k == kindOther {
		return v.s, scratch
	}
	scratch = v.appendKey(scratch[:0])
	return string(scratch), scratch
}

// export returns the value as a JSON-friendly Go value for samples and
// observed values. Strings are cloned so they do not pin reader buffers.
func (v value) export() any {
	switch v.k {
	case kindText, kindString, kindOther:
		return strings.Clone(v.s)
	case kindInt:
		return v.i
	case kindFloat:
		return v.f
	case kindBool:
		return v.i != 0
	case kindTime:
		return time.Unix(0, v.i).UTC().Format(time.RFC3339Nano)
	}
	return nil
}

// describe names the value's type for error messages.
func (v value) describe() string {
	switch v.k {
	case kindNull:
		return "null"
	case kindText:
		return "text"
	case kindString:
		return "a string"
	case kindInt, kindFloat:
		return "a number"
	case kindBool:
		return "a boolean"
	case kindTime:
		return "a timestamp"
	}
	return "a nested or binary value"
}

// quoteValue renders a value for an error message, truncated.
func quoteValue(v value) string {
	s := string(v.appendKey(nil))
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return strconv.Quote(s)
}
