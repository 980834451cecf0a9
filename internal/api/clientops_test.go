package api

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/exphub/exphub/graph"
)

// repoRoot is the repository root, found from this file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// explorerOperations returns every GraphQL operation the explorer sends:
// the keys of the document map its codegen writes (frontend/src/gql/gql.ts).
func explorerOperations(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(), "frontend", "src", "gql", "gql.ts"))
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]string{}
	name := regexp.MustCompile(`(?:query|mutation|subscription)\s+(\w+)`)
	for _, m := range regexp.MustCompile(`(?m)^\s*("(?:[^"\\]|\\.)*"): typeof types\.\w+Document,$`).FindAllStringSubmatch(string(src), -1) {
		var op string
		if err := json.Unmarshal([]byte(m[1]), &op); err != nil {
			t.Fatalf("decode %s: %v", m[1], err)
		}
		n := name.FindStringSubmatch(op)
		if n == nil {
			t.Fatalf("an operation without a name: %q", op)
		}
		ops["explorer "+n[1]] = op
	}
	if len(ops) < 20 {
		t.Fatalf("found %d explorer operations in gql.ts; the extraction is broken", len(ops))
	}
	return ops
}

// hubctlOperations returns the GraphQL operations in hubctl's source: the
// raw strings that start with an operation keyword.
func hubctlOperations(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot(), "cmd", "hubctl", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]string{}
	re := regexp.MustCompile("`\\s*((?:query|mutation|subscription)\\s*(?:\\w+\\s*)?[({][^`]*)`")
	for _, f := range files {
		if filepath.Ext(f) != ".go" || regexp.MustCompile(`_test\.go$`).MatchString(f) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range re.FindAllStringSubmatch(string(src), -1) {
			ops["hubctl "+filepath.Base(f)+"#"+strconv.Itoa(i)] = m[1]
		}
	}
	if len(ops) < 4 {
		t.Fatalf("found %d hubctl operations; the extraction is broken", len(ops))
	}
	return ops
}

// tokens counts a document's lexical tokens, as the parser's limit does.
func tokens(t *testing.T, doc string) int {
	t.Helper()
	l := lexer.New(&ast.Source{Input: doc})
	n := 0
	for {
		tok, err := l.ReadToken()
		if err != nil {
			t.Fatalf("lex: %v", err)
		}
		if tok.Kind == lexer.EOF {
			return n
		}
		n++
	}
}

// TestClientOperationsFitTheLimits measures every operation the explorer
// (and hubctl, whose operations are listed by its own test) sends against
// DefaultLimits and the cost limit, and requires four times their largest
// size (twice their depth and cost) to fit: the limits were chosen from
// these measurements.
func TestClientOperationsFitTheLimits(t *testing.T) {
	ops := explorerOperations(t)
	for name, op := range hubctlOperations(t) {
		ops[name] = op
	}
	schema := graph.NewExecutableSchema(graph.Config{})
	cfg := graph.Config{}
	setComplexity(&cfg.Complexity)
	es := graph.NewExecutableSchema(cfg)
	var most struct{ tokens, depth, selections, repeats, fragments, spreads, cost int }
	for name, op := range ops {
		shape, gerr := MeasureDocument(op, DefaultLimits)
		if gerr != nil {
			t.Errorf("%s is refused: %s", name, gerr.Message)
			continue
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: op})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if errs := validator.Validate(schema.Schema(), doc); len(errs) > 0 {
			t.Fatalf("%s does not validate against the schema: %v", name, errs)
		}
		// Lists at their largest: every variable that sets a page size or
		// a traversal budget is left at its default, which the explorer
		// never exceeds except for lineage's maxNodes (up to 1,000).
		vars := map[string]any{"maxNodes": 1000, "last": 50}
		cost := operationCost(context.Background(), es, doc.Operations[0], vars)
		n := tokens(t, op)
		t.Logf("%-40s tokens %4d  depth %2d  fields %4d  fragments %d/%d  cost %6d", name, n, shape.Depth, shape.Selections, shape.Fragments, shape.Spreads, cost)
		most.tokens, most.depth, most.selections = max(most.tokens, n), max(most.depth, shape.Depth), max(most.selections, shape.Selections)
		most.fragments, most.spreads, most.cost = max(most.fragments, shape.Fragments), max(most.spreads, shape.Spreads), max(most.cost, cost)
		most.repeats = max(most.repeats, shape.Repeats)
	}
	t.Logf("largest: tokens %d, depth %d, fields %d, repeats %d, fragments %d, spreads %d, cost %d", most.tokens, most.depth, most.selections,
		most.repeats, most.fragments, most.spreads, most.cost)
	for _, c := range []struct {
		what     string
		most     int
		limit    int
		headroom int
	}{
		{"tokens", most.tokens, DefaultLimits.MaxTokens, 4},
		{"fields", most.selections, DefaultLimits.MaxSelections, 4},
		{"fields of one response name", most.repeats, DefaultLimits.MaxRepeats, 4},
		// Depth and cost have less room by nature: each level multiplies
		// what a query may ask for, and the run page's metric histories
		// are long.
		{"depth", most.depth, DefaultLimits.MaxDepth, 2},
		{"cost", most.cost, DefaultComplexityLimit, 2},
	} {
		if c.headroom*c.most > c.limit {
			t.Errorf("%s: the largest client operation needs %d; the limit %d leaves less than %d times that", c.what, c.most, c.limit, c.headroom)
		}
	}
}
