// Package jsonlimit decodes JSON with segmentio/encoding's decoder, which
// reads what encoding/json reads a few times faster, after refusing text
// that nests deeper than a bound. That decoder has no bound of its own: its
// time and stack grow with the nesting, and 4 MiB of brackets took it a
// second, where encoding/json stops at 10,000 levels.
package jsonlimit

import (
	"fmt"

	segjson "github.com/segmentio/encoding/json"
)

// MaxDepth is how deep the JSON Unmarshal accepts may nest: far more than
// the messages the hub reads (MLflow's deepest, log-inputs, nests five
// levels), far less than what costs the decoder.
const MaxDepth = 64

// Unmarshal decodes b into v as encoding/json.Unmarshal does, or refuses
// b if its arrays and objects nest deeper than MaxDepth.
func Unmarshal(b []byte, v any) error {
	if !NestedAtMost(b, MaxDepth) {
		return fmt.Errorf("nested deeper than %d levels", MaxDepth)
	}
	return segjson.Unmarshal(b, v)
}

// Marshal encodes v as encoding/json.Marshal does.
func Marshal(v any) ([]byte, error) { return segjson.Marshal(v) }

// NestedAtMost reports whether the arrays and objects of JSON text b nest
// at most max deep; brackets inside strings do not count. It does not
// validate b: the decoder does.
func NestedAtMost(b []byte, max int) bool {
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString:
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > max {
				return false
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return true
}
