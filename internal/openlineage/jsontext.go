package openlineage

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// An event is read once and written as canonical JSON once; the facets'
// texts are cut out of that one canonical text. Both halves give exactly
// what encoding/json gives (Decoder with UseNumber into any; Marshal of
// the result), byte for byte: the event's hash and the facets the store
// compares with what it holds depend on it. jsontext_test.go checks them
// against encoding/json. They exist because encoding/json, going through
// reflection and its byte-at-a-time scanner, was most of the CPU an
// event cost.

// decodeFast reads body as encoding/json does into any (objects as
// map[string]any, numbers as json.Number). It reads the common case only;
// ok is false for anything else — a syntax error, a string with invalid
// UTF-8 or a surrogate escape, nesting past maxFastDepth, bytes after the
// value — and the caller then reads body with encoding/json, which also
// words the error. Strings without escapes share one copy of body.
func decodeFast(body []byte) (v any, ok bool) {
	d := decoder{s: string(body)}
	d.skipSpace()
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	d.skipSpace()
	return v, d.i == len(d.s)
}

// maxFastDepth is where decodeFast gives up and leaves the event to
// encoding/json (whose own limit is far deeper).
const maxFastDepth = 200

type member struct {
	key string
	val any
}

type decoder struct {
	s string
	i int
	// Scratch stacks reused by nested objects and arrays.
	members []member
	items   []any
}

func (d *decoder) skipSpace() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, bool) {
	if d.i >= len(d.s) || depth > maxFastDepth {
		return nil, false
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number()
	case strings.HasPrefix(d.s[d.i:], "true"):
		d.i += 4
		return true, true
	case strings.HasPrefix(d.s[d.i:], "false"):
		d.i += 5
		return false, true
	case strings.HasPrefix(d.s[d.i:], "null"):
		d.i += 4
		return nil, true
	}
	return nil, false
}

func (d *decoder) object(depth int) (any, bool) {
	d.i++ // {
	base := len(d.members)
	defer func() { d.members = d.members[:base] }()
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return map[string]any{}, true
	}
	for {
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.skipSpace()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		d.members = append(d.members, member{k, v})
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			continue
		case '}':
			d.i++
			ms := d.members[base:]
			m := make(map[string]any, len(ms))
			for _, kv := range ms {
				m[kv.key] = kv.val // the last of a repeated key wins, as in encoding/json
			}
			clear(ms) // let go of what the scratch stack points to
			return m, true
		}
		return nil, false
	}
}

func (d *decoder) array(depth int) (any, bool) {
	d.i++ // [
	base := len(d.items)
	defer func() { d.items = d.items[:base] }()
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return []any{}, true
	}
	for {
		d.skipSpace()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			continue
		case ']':
			d.i++
			items := d.items[base:]
			out := slices.Clone(items)
			clear(items)
			return out, true
		}
		return nil, false
	}
}

// str reads a string at d.i (its opening quote).
func (d *decoder) str() (string, bool) {
	start := d.i + 1
	i := start
	for i < len(d.s) {
		c := d.s[i]
		switch {
		case c == '"':
			d.i = i + 1
			return d.s[start:i], true
		case c == '\\':
			return d.escaped(start)
		case c < ' ':
			return "", false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(d.s[i:])
			if r == utf8.RuneError && size == 1 {
				return "", false // encoding/json replaces it; leave that to it
			}
			i += size
		}
	}
	return "", false
}

// escaped reads a string with escapes, from start (after its opening
// quote).
func (d *decoder) escaped(start int) (string, bool) {
	var b strings.Builder
	i := start
	for i < len(d.s) {
		c := d.s[i]
		switch {
		case c == '"':
			d.i = i + 1
			return b.String(), true
		case c == '\\':
			if i+1 >= len(d.s) {
				return "", false
			}
			switch e := d.s[i+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := hex4(d.s[i+2:])
				if !ok || (0xD800 <= r && r < 0xE000) {
					return "", false // surrogates: encoding/json pairs or replaces them
				}
				b.WriteRune(r)
				i += 4
			default:
				return "", false
			}
			i += 2
		case c < ' ':
			return "", false
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(d.s[i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			b.WriteString(d.s[i : i+size])
			i += size
		}
	}
	return "", false
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a number as JSON's grammar has it: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
func (d *decoder) number() (any, bool) {
	s, i := d.s, d.i
	start := i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return nil, false
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return nil, false
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	d.i = i
	return json.Number(s[start:i]), true
}

// span is where a facet's text lies in an event's canonical text.
type span struct{ start, end int32 }

// encoder writes a decoded value as json.Marshal does: object keys sorted,
// strings escaped as encoding/json escapes them (HTML characters
// included). With spans set, it notes where each object under a key
// named facets, inputFacets or outputFacets lies, by the object's
// identity (mapID).
type encoder struct {
	buf   []byte
	spans map[unsafe.Pointer]span
	keys  []string // scratch for sorting, reused
}

var encoders = sync.Pool{New: func() any { return &encoder{buf: make([]byte, 0, 16<<10)} }}

func mapID(m map[string]any) unsafe.Pointer { return reflect.ValueOf(m).UnsafePointer() }

// canonicalJSON returns v as json.Marshal would. v is a value decoded
// from JSON (map[string]any, []any, string, json.Number, bool, nil).
func canonicalJSON(v any) string {
	e := encoders.Get().(*encoder)
	e.buf = e.value(e.buf[:0], v, false)
	s := string(e.buf)
	e.release()
	return s
}

// release returns e to the pool, unless an outsized event grew its buffer.
func (e *encoder) release() {
	if cap(e.buf) > 1<<20 {
		return
	}
	e.spans = nil
	encoders.Put(e)
}

func (e *encoder) value(dst []byte, v any, facetsOf bool) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		if v {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case string:
		return appendString(dst, v)
	case json.Number:
		if v == "" {
			return append(dst, '0')
		}
		return append(dst, v...)
	case []any:
		dst = append(dst, '[')
		for i, x := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.value(dst, x, false)
		}
		return append(dst, ']')
	case map[string]any:
		if v == nil {
			return append(dst, "null"...)
		}
		base := len(e.keys)
		for k := range v {
			e.keys = append(e.keys, k)
		}
		keys := e.keys[base:]
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			x := v[k]
			start := len(dst)
			dst = e.value(dst, x, e.spans != nil && (k == "facets" || k == "inputFacets" || k == "outputFacets"))
			if facetsOf {
				if m, ok := x.(map[string]any); ok {
					e.spans[mapID(m)] = span{int32(start), int32(len(dst))}
				}
			}
		}
		clear(keys)
		e.keys = e.keys[:base]
		return append(dst, '}')
	}
	// Not a decoded value; encoding/json says what it is.
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

// appendString is encoding/json's appendString with escapeHTML set.
func appendString(dst []byte, src string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if b := src[i]; b < utf8.RuneSelf {
			if b >= ' ' && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(src[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}
