package graph

import (
	"bytes"
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// plainList writes a list of plain objects (see internal/gqlgenplain) in
// order into one buffer: each writes element i and answers false for
// anything it cannot write as gqlgen would, and then plainList answers false
// too, so the caller marshals the list with gqlgen's own code instead.
// Deferred fields always go that way.
func plainList(fields []graphql.CollectedField, n int, each func(b *bytes.Buffer, i int) bool) (graphql.Marshaler, bool) {
	for _, f := range fields {
		if len(f.Deferrables) > 0 {
			return nil, false
		}
	}
	b := bytes.NewBuffer(make([]byte, 0, 2+n*16*(len(fields)+1)))
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if !each(b, i) {
			return nil, false
		}
	}
	b.WriteByte(']')
	return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(b.Bytes()) }), true
}

// writePlainKey writes a field's response key and the colon after it.
func writePlainKey(b *bytes.Buffer, alias string) {
	graphql.MarshalString(alias).MarshalGQL(b)
	b.WriteByte(':')
}
