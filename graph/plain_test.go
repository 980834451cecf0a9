package graph

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/exphub/exphub/graph/model"
)

// The in-order marshallers of plain_gen.go must write exactly what gqlgen's
// own (renamed concurrent…) write, byte for byte, for any selection:
// aliases, __typename, fragments, @skip and @include, nullable fields.
func TestPlainListsWriteWhatGqlgenWrites(t *testing.T) {
	const doc = `query($skip: Boolean!, $inc: Boolean!) {
  lineage(id: "r") {
    nodes { __typename id k: kind name @skip(if: $skip) ...N projectKey @include(if: $inc) d2: distance }
    edges { from to kind hops t: __typename }
  }
  impact(id: "r") { runs { id owner ... on ImpactedNode { name kind projectKey distance } } }
}
fragment N on LineageNode { distance hasMore health id }`
	for _, vars := range []map[string]any{{"skip": false, "inc": true}, {"skip": true, "inc": false}} {
		t.Run(fmt.Sprint(vars), func(t *testing.T) {
			ctx, ec, sel := plainFixture(t, doc, vars)
			rng := rand.New(rand.NewPCG(1, 2))
			for round := range 50 {
				n := rng.IntN(40) // 0 and 1 take gqlgen's special cases
				nodes, edges, impacted := make([]*model.LineageNode, n), make([]*model.LineageEdge, n), make([]*model.ImpactedNode, n)
				for i := range n {
					pk := awkward(rng)
					nodes[i] = &model.LineageNode{ID: awkward(rng), Kind: model.AllNodeKind[rng.IntN(len(model.AllNodeKind))],
						Name: awkward(rng), Distance: rng.IntN(100) - 50, HasMore: rng.IntN(2) == 0, Health: model.AllHealth[rng.IntN(len(model.AllHealth))]}
					if rng.IntN(2) == 0 {
						nodes[i].ProjectKey = &pk
					}
					edges[i] = &model.LineageEdge{From: awkward(rng), To: awkward(rng), Kind: awkward(rng), Hops: rng.IntN(5)}
					impacted[i] = &model.ImpactedNode{ID: awkward(rng), Kind: model.NodeKindRun, Name: awkward(rng), ProjectKey: pk, Distance: i, Owner: awkward(rng)}
				}
				same(t, round, "nodes",
					ec.marshalNLineageNode2ᚕᚖgithubᚗcomᚋexphubᚋexphubᚋgraphᚋmodelᚐLineageNodeᚄ(ctx, sel["nodes"], nodes),
					ec.concurrentMarshalNLineageNode2ᚕᚖgithubᚗcomᚋexphubᚋexphubᚋgraphᚋmodelᚐLineageNodeᚄ(ctx, sel["nodes"], nodes))
				same(t, round, "edges",
					ec.marshalNLineageEdge2ᚕᚖgithubᚗcomᚋexphubᚋexphubᚋgraphᚋmodelᚐLineageEdgeᚄ(ctx, sel["edges"], edges),
					ec.concurrentMarshalNLineageEdge2ᚕᚖgithubᚗcomᚋexphubᚋexphubᚋgraphᚋmodelᚐLineageEdgeᚄ(ctx, sel["edges"], edges))
				same(t, round, "runs",
					ec.marshalNImpactedNode2ᚕᚖgithubᚗcomᚋexphubᚋexphubᚋgraphᚋmodelᚐImpactedNodeᚄ(ctx, sel["runs"], impacted),
					ec.concurrentMarshalNImpactedNode2ᚕᚖgithubᚗcomᚋexphubᚋexphubᚋgraphᚋmodelᚐImpactedNodeᚄ(ctx, sel["runs"], impacted))
			}
		})
	}
}

// A nil element of a non-null list is gqlgen's to report: the list
// becomes null with an error at the element's path.
func TestPlainListNilElementIsGqlgens(t *testing.T) {
	ctx, ec, sel := plainFixture(t, `{ lineage(id: "r") { nodes { id } } }`, nil)
	nodes := []*model.LineageNode{{ID: "a"}, nil}
	if m := ec.marshalNLineageNode2ᚕᚖgithubᚗcomᚋexphubᚋexphubᚋgraphᚋmodelᚐLineageNodeᚄ(ctx, sel["nodes"], nodes); m != graphql.Null {
		t.Fatalf("a list with a nil element marshalled to %s, want null", render(m))
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "null") || errs[0].Path.String() != "list[1]" {
		t.Fatalf("errors %v, want one about the null at index 1", errs)
	}
}

// plainFixture parses doc against the schema and returns what a list
// marshaller is called with, and the selection sets of every list field by
// name.
func plainFixture(t *testing.T, doc string, vars map[string]any) (context.Context, *executionContext, map[string]ast.SelectionSet) {
	t.Helper()
	es := NewExecutableSchema(Config{}).(*executableSchema)
	q, errs := gqlparser.LoadQuery(es.Schema(), doc)
	if errs != nil {
		t.Fatal(errs)
	}
	oc := &graphql.OperationContext{RawQuery: doc, Doc: q, Operation: q.Operations[0], Variables: vars,
		ResolverMiddleware: func(ctx context.Context, next graphql.Resolver) (any, error) { return next(ctx) }}
	ctx := graphql.WithOperationContext(context.Background(), oc)
	ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Field: graphql.CollectedField{Field: &ast.Field{Name: "list", Alias: "list"}}})
	sel := map[string]ast.SelectionSet{}
	var walk func(ast.SelectionSet)
	walk = func(s ast.SelectionSet) {
		for _, x := range s {
			if f, ok := x.(*ast.Field); ok {
				sel[f.Name] = f.SelectionSet
				walk(f.SelectionSet)
			}
		}
	}
	walk(q.Operations[0].SelectionSet)
	return ctx, newExecutionContext(oc, es, nil), sel
}

func same(t *testing.T, round int, name string, got, want graphql.Marshaler) {
	t.Helper()
	if _, ok := got.(graphql.WriterFunc); !ok {
		t.Fatalf("round %d, %s: marshalled by %T, not in order", round, name, got)
	}
	if g, w := render(got), render(want); g != w {
		t.Fatalf("round %d, %s:\n%s\ngqlgen writes\n%s", round, name, g, w)
	}
}

func render(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

// awkward is a string with what JSON must escape now and then.
func awkward(rng *rand.Rand) string {
	parts := []string{"a", "é", `"`, `\`, "\n", "\x01", "<", "&", "\u2028", "日本", " ", "z9"}
	var b strings.Builder
	for range rng.IntN(6) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}
