package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// worstDocuments are the documents DefaultLimits admit that cost gqlgen's
// validation the most: validation compares every pair of fields with the
// same response name in a selection set (OverlappingFieldsCanBeMerged),
// with their selections, so the worst documents put as many fields of one
// name in one set as MaxRepeats allows, as many times over as
// MaxSelections allows — written out, nested, or through fragments.
func worstDocuments() map[string]string {
	l := DefaultLimits
	flat := func(name string, fields int) string {
		var b strings.Builder
		for i := range fields {
			fmt.Fprintf(&b, " n%d: %s", i/l.MaxRepeats, name)
		}
		return b.String()
	}
	var nested strings.Builder // each repeat is 4 fields: me, grants, projectKey, role
	for i := range (l.MaxSelections - 1) / 4 {
		fmt.Fprintf(&nested, " n%d: me { grants { projectKey role } }", i/l.MaxRepeats)
	}
	var frags strings.Builder
	frags.WriteString("query { me {")
	for range l.MaxRepeats {
		frags.WriteString(" ...f")
	}
	frags.WriteString(" } } fragment f on Viewer {")
	for i := range (l.MaxSelections - 1) / l.MaxRepeats {
		fmt.Fprintf(&frags, " n%d: subject", i)
	}
	frags.WriteString(" }")
	return map[string]string{
		// Three tokens a field (alias, colon, name): the token limit binds first.
		"1,660 fields, 50 of each name":  "query { me {" + flat("subject", min(l.MaxSelections-1, (l.MaxTokens-10)/3)) + " } }",
		"500 nested fields, 50 per name": "query {" + nested.String() + " }",
		"50 spreads of a fragment":       frags.String(),
	}
}

// BenchmarkWorstAllowedDocument measures what the hub does with the worst
// document DefaultLimits admit before executing it: measure it, parse it,
// validate it and cost it.
//
//	go test ./internal/api -run '^$' -bench WorstAllowedDocument -benchtime 20x
func BenchmarkWorstAllowedDocument(b *testing.B) {
	for name, doc := range worstDocuments() {
		b.Run(name, func(b *testing.B) {
			if _, err := MeasureDocument(doc, DefaultLimits); err != nil {
				b.Fatalf("the document is refused: %s", err.Message)
			}
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := MeasureDocument(doc, DefaultLimits); err != nil {
					b.Fatal(err)
				}
				q, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: doc}, DefaultLimits.MaxTokens)
				if err != nil {
					b.Fatal(err)
				}
				if errs := validator.Validate(costSchema.Schema(), q); len(errs) > 0 {
					b.Fatal(errs)
				}
				operationCost(context.Background(), costSchema, q.Operations[0], nil)
			}
		})
	}
}

// TestWorstDocumentsAreAdmitted keeps the benchmark honest: its documents
// are at the limits, not over them.
func TestWorstDocumentsAreAdmitted(t *testing.T) {
	for name, doc := range worstDocuments() {
		shape, err := MeasureDocument(doc, DefaultLimits)
		if err != nil {
			t.Errorf("%s is refused: %s", name, err.Message)
		}
		if shape.Selections < DefaultLimits.MaxSelections*8/10 || shape.Repeats != DefaultLimits.MaxRepeats {
			t.Errorf("%s has %d fields and %d of one name, not near the limits of %d and %d", name, shape.Selections, shape.Repeats,
				DefaultLimits.MaxSelections, DefaultLimits.MaxRepeats)
		}
	}
}

// BenchmarkRefusedFragmentBomb measures the refusal of the document that
// took 83 s to validate before the limits: 4,000 spreads of a fragment,
// 177 KB.
func BenchmarkRefusedFragmentBomb(b *testing.B) {
	doc := "query { me { " + strings.Repeat("...f ", 4000) + strings.Repeat(" ", 157_000) + "} } fragment f on Viewer { subject }"
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := MeasureDocument(doc, DefaultLimits); err == nil {
			b.Fatal("the bomb was admitted")
		}
	}
}
