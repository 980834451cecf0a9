package graph

import (
	"bytes"
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// plainList writes a list of plain objects (see internal/gqlgenplain) in
// order into one buffer. each writes element i, given the response keys
// of the fields (each with the comma before it and the colon after), and
// answers false for anything it cannot write as gqlgen would; plainList
// then answers false too, and the caller marshals the list with gqlgen's
// own code instead. Deferred fields always go that way.
func plainList(fields []graphql.CollectedField, n int, each func(b *bytes.Buffer, keys [][]byte, i int) bool) (graphql.Marshaler, bool) {
	keys := make([][]byte, len(fields))
	size := 2
	for i, f := range fields {
		if len(f.Deferrables) > 0 {
			return nil, false
		}
		var k bytes.Buffer
		if i > 0 {
			k.WriteByte(',')
		}
		writePlainString(&k, f.Alias)
		k.WriteByte(':')
		keys[i] = k.Bytes()
		size += len(keys[i]) + 12
	}
	b := bytes.NewBuffer(make([]byte, 0, 2+n*size))
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if !each(b, keys, i) {
			return nil, false
		}
	}
	b.WriteByte(']')
	return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(b.Bytes()) }), true
}

// writePlainString writes s as a JSON string exactly as gqlgen's
// MarshalString does: a string with nothing to escape is copied between
// quotes, anything else goes through MarshalString.
func writePlainString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '\\' || c == '"' {
			graphql.MarshalString(s).MarshalGQL(b)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}
