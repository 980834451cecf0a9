package api_test

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/internal/auth"
)

// longInput is what the test sends in place of one string: far longer
// than any limit but the two documents the hub takes whole (a suite's
// YAML and a validation result's JSON).
var longInput = strings.Repeat("é", 100_000) // 200,000 bytes

// acceptsLong names the inputs whose limit is above longInput's length.
var acceptsLong = []string{"createValidationSuite.input.definition", "checkSuiteDefinition.definition", "checkTemplateDefinition.definition", "updateValidationSuite.input.definition",
	"recordValidationResult.input.result"}

// position is one String or ID the caller sends: an argument of a root
// field or a field of its input object.
type position struct {
	op, field string
	path      []string // argument, then input fields
	typ       *ast.Type
}

// stringPositions lists every String and ID position of the Query and
// Mutation root fields, from the schema the hub serves, so a new argument
// is covered without editing this test.
func stringPositions(s *ast.Schema) []position {
	var out []position
	var walk func(op, field string, path []string, typ *ast.Type, depth int)
	walk = func(op, field string, path []string, typ *ast.Type, depth int) {
		def := s.Types[typ.Name()]
		switch {
		case typ.Name() == "String" || typ.Name() == "ID":
			out = append(out, position{op: op, field: field, path: slices.Clone(path), typ: typ})
		case def.Kind == ast.InputObject && depth < 3:
			for _, f := range def.Fields {
				walk(op, field, append(path, f.Name), f.Type, depth+1)
			}
		}
	}
	for _, op := range []string{"Query", "Mutation"} {
		for _, f := range s.Types[op].Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			for _, a := range f.Arguments {
				walk(op, f.Name, []string{a.Name}, a.Type, 0)
			}
		}
	}
	return out
}

// TestLongInputsAreNotEchoed sends 200 KB in each String and ID the schema
// takes, one at a time, the rest of the input filled with valid values of
// a fixture project: every refusal names the input in a short message,
// quoting at most a short prefix of it, and writes nothing.
func TestLongInputsAreNotEchoed(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	f := newFixture(t, h.st)
	tok := token(t, "admin", map[string]auth.Role{f.key: auth.RoleAdmin, f.newKey: auth.RoleAdmin})
	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	valid := map[string]any{
		"projectKey": f.key, "key": f.newKey, "experimentId": f.exp, "runId": f.run, "datasetId": f.ds, "datasetVersionId": f.dsv,
		"modelVersionId": f.mv, "id": f.run, "from": f.dsv, "to": f.mv, "originalRunId": f.run, "reproductionRunId": f.run,
		"namespace": "s3://long", "name": "long", "modelName": "m", "version": "v-long", "uri": "s3://long/v",
		"digest": sha("long"), "suiteName": "s", "labelColumn": "l", "predictionColumn": "p", "positiveLabel": "1",
		"justification": "j", "comment": "c", "promotionRequestId": "pr_00000000-0000-7000-8000-000000000000",
		"suiteId": "vs_00000000-0000-7000-8000-000000000000",
	}
	// value returns a literal for a required position other than the long one.
	var value func(name string, typ *ast.Type, depth int) string
	value = func(name string, typ *ast.Type, depth int) string {
		def := s.Types[typ.Name()]
		if typ.Elem != nil {
			return "[" + value(strings.TrimSuffix(name, "s"), typ.Elem, depth) + "]"
		}
		switch {
		case def.Kind == ast.Enum:
			return def.EnumValues[0].Name
		case def.Kind == ast.InputObject:
			var parts []string
			for _, f := range def.Fields {
				if f.Type.NonNull && f.DefaultValue == nil && depth < 3 {
					parts = append(parts, f.Name+": "+value(f.Name, f.Type, depth+1))
				}
			}
			return "{" + strings.Join(parts, ", ") + "}"
		case typ.Name() == "Int":
			return "1"
		case typ.Name() == "Float":
			return "0.5"
		case typ.Name() == "Boolean":
			return "false"
		}
		if v, ok := valid[name]; ok {
			return fmt.Sprintf("%q", v)
		}
		if strings.HasSuffix(name, "Ids") || strings.HasSuffix(name, "Id") {
			return fmt.Sprintf("%q", f.dsv)
		}
		return `"x"`
	}
	// literal builds the argument with the long value at path.
	var literal func(path []string, typ *ast.Type) string
	literal = func(path []string, typ *ast.Type) string {
		if len(path) == 1 {
			if typ.Elem != nil {
				return "[$v]"
			}
			return "$v"
		}
		def := s.Types[typ.Name()]
		parts := []string{}
		for _, f := range def.Fields {
			switch {
			case f.Name == path[1]:
				parts = append(parts, f.Name+": "+literal(path[1:], f.Type))
			case f.Type.NonNull && f.DefaultValue == nil:
				parts = append(parts, f.Name+": "+value(f.Name, f.Type, 1))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	positions := stringPositions(s)
	if len(positions) < 50 {
		t.Fatalf("found %d string positions in the schema; the walk is broken", len(positions))
	}
	var refusedN atomic.Int64
	// Queries write nothing and run side by side; mutations one at a time,
	// each checked to have written nothing.
	slices.SortStableFunc(positions, func(a, b position) int { return strings.Compare(b.op, a.op) })
	for _, p := range positions {
		name := p.field + "." + strings.Join(p.path, ".")
		t.Run(name, func(t *testing.T) {
			if p.op == "Query" {
				t.Parallel()
			}
			def := s.Types[p.op].Fields.ForName(p.field)
			var args []string
			for _, a := range def.Arguments {
				switch {
				case a.Name == p.path[0]:
					args = append(args, a.Name+": "+literal(p.path, a.Type))
				case a.Type.NonNull && a.DefaultValue == nil:
					args = append(args, a.Name+": "+value(a.Name, a.Type, 0))
				}
			}
			selection := ""
			if k := s.Types[def.Type.Name()].Kind; k == ast.Object || k == ast.Interface || k == ast.Union {
				selection = "{ __typename }"
			}
			scalar := p.typ.Name()
			op := fmt.Sprintf("%s($v: %s!) { %s(%s) %s }", strings.ToLower(p.op), scalar, p.field, strings.Join(args, ", "), selection)
			var before projectState
			if p.op == "Mutation" {
				before = stateOf(t, f.key)
			}
			res := h.gql(t, tok, op, map[string]any{"v": longInput})
			if len(res.Errors) == 0 {
				if !slices.Contains(acceptsLong, name) {
					t.Errorf("accepted 200 KB in %s; every text input should have a limit", name)
				}
				return
			}
			refusedN.Add(1)
			if len(res.Raw) > 4096 {
				t.Errorf("the refusal is %d bytes: it echoes the input (%.300s…)", len(res.Raw), res.Raw)
			}
			if res.code() == "" || res.code() == "INTERNAL" {
				t.Errorf("code %q: %s", res.code(), res.Raw)
			}
			if p.op == "Mutation" {
				unchanged(t, f.key, before)
			}
		})
	}
	t.Cleanup(func() {
		if n := refusedN.Load(); n < int64(len(positions)/2) {
			t.Errorf("only %d of %d long inputs were refused: the generated requests are probably wrong", n, len(positions))
		}
	})
}
