package api

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/internal/store"
)

// The property tests below generate random queries over the schema and
// check the cost model against an independent count of the objects a
// response can carry. Traversals (lineage, impact, paths, quality issues,
// audits, packs) are left out: their results are root fields whose size is
// bounded on the server, and their cost is that bound (see setComplexity);
// Limits.MaxObjects enforces it while they run.
var traversals = []string{"lineage", "impact", "lineagePath", "qualityIssuesUpstream", "reproducibilityAudit",
	"verifyAuditLog", "evidencePack", "reproduceSpec", "columnLineage"}

// traversalTypes are the result types only traversals return.
var traversalTypes = []string{"LineageGraph", "ImpactReport", "ReproducibilityAudit", "AuditVerification", "ColumnLineageGraph"}

// listItems is how many items each list without a page argument holds at
// most, as the cost model assumes: the count below multiplies by these.
var listItems = map[string]int{
	"Run.inputs": neighbourItems, "Run.outputs": neighbourItems, "Run.modelOutputs": neighbourItems,
	"DatasetVersion.producedBy": neighbourItems, "DatasetVersion.consumedBy": neighbourItems, "DatasetVersion.derivedFrom": neighbourItems,
	"Run.params": recordItems, "Run.tags": recordItems, "Model.tags": recordItems, "ModelVersion.tags": recordItems, "Run.metrics": recordItems, "DatasetVersion.schema": recordItems,
	"ValidationRun.results": recordItems, "BiasCheck.groups": recordItems, "SuiteDefinitionCheck.problems": recordItems, "TemplateDefinitionCheck.problems": recordItems, "Query.validationRuleTypes": recordItems,
	"Viewer.grants": fewItems, "PromotionRequest.approvals": fewItems, "PromotionRequest.checks": fewItems,
	"Policy.biasRules": fewItems, "Policy.requiredGroups": fewItems, "PromotionRequest.requiredGroups": fewItems, "QualityIssue.failingRules": fewItems, "QualityIssue.failingRuns": fewItems,
	"Reproduction.metrics": fewItems, "Event.disclosures": fewItems, "Metric.history": 1000,
	"Run.children": neighbourItems, "Job.inputs": neighbourItems, "Job.outputs": neighbourItems, "Job.children": neighbourItems,
	"Dataset.jobs": neighbourItems, "Run.artifacts": recordItems, "Run.facets": fewItems, "Job.facets": fewItems, "Dataset.facets": fewItems,
	"DatasetVersion.facets": fewItems, "ColumnEdge.transformations": fewItems, "GovernanceReport.inProduction": store.MaxReportProduction,
	"QualityDashboard.days": store.MaxQualityDays, "QualityDashboard.slowestSuites": store.MaxSlowSuites,
	"QualityDashboard.failing": store.MaxFailingVersions, "QualityDashboard.modelsAtRisk": store.MaxModelsAtRisk,
	"QualityDashboard.datasetsAtRisk": store.MaxDatasetsAtRisk,
	"GovernanceReport.signOffs":       store.MaxSignOffs, "PromotionRequest.signOffs": store.MaxSignOffs, "Query.signOffs": store.MaxSignOffs,
	"Query.webhooks": store.MaxWebhooksPerProject, "Query.validationTemplates": store.MaxTemplatesPerProject,
	"ValidationTemplate.suites": store.MaxTemplateSuites, "ValidationTemplate.params": store.MaxTemplateParams,
	"ImpactReport.featureViews": fewItems, "Run.featureServices": neighbourItems, "ModelVersion.featureServices": neighbourItems, "Dataset.usedByFeatureViews": fewItems, "FeatureView.sources": neighbourItems, "FeatureView.entities": neighbourItems,
	"FeatureView.services": neighbourItems, "FeatureView.atRiskSources": neighbourItems, "FeatureView.sourceData": neighbourItems, "FeatureView.tags": recordItems,
	"ApplyValidationTemplatePayload.suites": store.MaxTemplateSuites, "UpdateValidationTemplatePayload.suites": store.MaxTemplateSuites,
}

// TestEveryListHasABound: a list of objects is a page (edges under a first
// argument, events under last, nodes of ids), a traversal's result, or has
// a nominal length in the cost model. A new list field without one would
// cost one item whatever it holds.
func TestEveryListHasABound(t *testing.T) {
	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, typ := range s.Types {
		if typ.Kind != ast.Object || typ.BuiltIn || strings.HasPrefix(typ.Name, "__") || slices.Contains(traversalTypes, typ.Name) {
			continue
		}
		for _, f := range typ.Fields {
			if f.Type.Elem == nil || isLeaf(s, f.Type.Name()) {
				continue
			}
			key := typ.Name + "." + f.Name
			paged := strings.HasSuffix(typ.Name, "Connection") && f.Name == "edges"
			if _, ok := listItems[key]; !ok && !paged && key != "RecentEvents.events" && key != "Query.nodes" &&
				!(typ.Name == "Query" && slices.Contains(traversals, f.Name)) {
				t.Errorf("%s is a list of %s without a bound in the cost model: give it a multiplier in setComplexity and listItems", key, f.Type.Name())
			}
		}
	}
}

func isLeaf(s *ast.Schema, name string) bool {
	k := s.Types[name].Kind
	return k == ast.Scalar || k == ast.Enum
}

// gen builds random queries over the schema.
type gen struct {
	s   *ast.Schema
	rnd *rand.Rand
	// budget is how many more composite fields the query may get: deep
	// queries stay narrow.
	budget int
}

// sel is a generated selection: a field with arguments and children, or
// (typeCond set) an inline fragment.
type sel struct {
	field    *ast.FieldDefinition
	parent   string
	typeCond string
	args     map[string]any
	children []*sel
}

func (g *gen) query(depth int) []*sel {
	g.budget = 60
	var roots []*sel
	for range 1 + g.rnd.IntN(2) {
		if r := g.selection("Query", depth); len(r) > 0 {
			roots = append(roots, r[0])
		}
	}
	return roots
}

// eligible reports whether a field can be generated: its required
// arguments have values we can make, and it is not a traversal.
func (g *gen) eligible(parent string, f *ast.FieldDefinition) bool {
	if strings.HasPrefix(f.Name, "__") || (parent == "Query" && slices.Contains(traversals, f.Name)) {
		return false
	}
	if slices.Contains(traversalTypes, f.Type.Name()) {
		return false
	}
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil && g.s.Types[a.Type.Name()].Kind == ast.InputObject {
			return false
		}
	}
	return true
}

// selection returns n random fields of typ (an object type).
func (g *gen) selection(typ string, depth int) []*sel {
	def := g.s.Types[typ]
	var fields []*ast.FieldDefinition
	for _, f := range def.Fields {
		if g.eligible(typ, f) && ((depth > 0 && g.budget > 0) || isLeaf(g.s, f.Type.Name())) {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	// Lists and objects more often than leaves, so that queries nest deep
	// enough for their counts to overflow an int.
	var composite []*ast.FieldDefinition
	for _, f := range fields {
		if !isLeaf(g.s, f.Type.Name()) {
			composite = append(composite, f)
		}
	}
	var out []*sel
	for range 1 + g.rnd.IntN(3) {
		pick := fields
		if len(composite) > 0 && g.rnd.IntN(10) < 7 {
			pick = composite
		}
		out = append(out, g.field(typ, pick[g.rnd.IntN(len(pick))], depth))
	}
	return out
}

func (g *gen) field(parent string, f *ast.FieldDefinition, depth int) *sel {
	s := &sel{field: f, parent: parent, args: map[string]any{}}
	if !isLeaf(g.s, f.Type.Name()) {
		g.budget--
	}
	for _, a := range f.Arguments {
		switch {
		case a.Name == "first" || a.Name == "last":
			s.args[a.Name] = g.rnd.IntN(101)
		case a.Name == "ids":
			ids := make([]string, 1+g.rnd.IntN(100))
			for i := range ids {
				ids[i] = "x"
			}
			s.args["ids"] = ids
		case a.Type.NonNull && a.DefaultValue == nil:
			switch g.s.Types[a.Type.Name()].Kind {
			case ast.Enum:
				s.args[a.Name] = ast.Enum
			default:
				switch a.Type.Name() {
				case "Int":
					s.args[a.Name] = 1
				case "Boolean":
					s.args[a.Name] = false
				default:
					s.args[a.Name] = "x"
				}
			}
		}
	}
	t := g.s.Types[f.Type.Name()]
	switch t.Kind {
	case ast.Object:
		s.children = g.selection(t.Name, depth-1)
		if len(s.children) == 0 {
			s.children = []*sel{{field: t.Fields.ForName("__typename"), parent: t.Name}}
		}
	case ast.Interface, ast.Union:
		for _, p := range g.s.GetPossibleTypes(t) {
			if g.rnd.IntN(2) == 0 {
				continue
			}
			if kids := g.selection(p.Name, depth-1); len(kids) > 0 {
				s.children = append(s.children, &sel{typeCond: p.Name, children: kids})
			}
		}
		s.children = append(s.children, &sel{field: &ast.FieldDefinition{Name: "__typename", Type: ast.NonNullNamedType("String", nil)}, parent: t.Name})
	}
	return s
}

func (s *sel) write(b *strings.Builder, g *gen, alias *int) {
	if s.typeCond != "" {
		fmt.Fprintf(b, " ... on %s {", s.typeCond)
		for _, c := range s.children {
			c.write(b, g, alias)
		}
		b.WriteString(" }")
		return
	}
	if s.field == nil {
		b.WriteString(" __typename")
		return
	}
	*alias++
	fmt.Fprintf(b, " f%d: %s", *alias, s.field.Name)
	if len(s.args) > 0 {
		var parts []string
		for _, a := range s.field.Arguments {
			v, ok := s.args[a.Name]
			if !ok {
				continue
			}
			switch x := v.(type) {
			case string:
				parts = append(parts, fmt.Sprintf("%s: %q", a.Name, x))
			case []string:
				q := make([]string, len(x))
				for i := range x {
					q[i] = fmt.Sprintf("%q", x[i])
				}
				parts = append(parts, fmt.Sprintf("%s: [%s]", a.Name, strings.Join(q, ", ")))
			case ast.DefinitionKind:
				parts = append(parts, fmt.Sprintf("%s: %s", a.Name, g.s.Types[a.Type.Name()].EnumValues[0].Name))
			default:
				parts = append(parts, fmt.Sprintf("%s: %v", a.Name, x))
			}
		}
		fmt.Fprintf(b, "(%s)", strings.Join(parts, ", "))
	}
	if len(s.children) > 0 {
		b.WriteString(" {")
		for _, c := range s.children {
			c.write(b, g, alias)
		}
		b.WriteString(" }")
	}
}

func (g *gen) text(q []*sel) string {
	var b strings.Builder
	b.WriteString("query {")
	n := 0
	for _, s := range q {
		s.write(&b, g, &n)
	}
	b.WriteString(" }")
	return b.String()
}

// objects counts the objects a response to set can carry at most, with
// big integers: every composite field is one object per item, each list
// at its bound (page lists at their parent's first or last).
func (g *gen) objects(set []*sel, page *big.Int) *big.Int {
	total := new(big.Int)
	frag := new(big.Int) // inline fragments: one type matches, so the largest
	for _, s := range set {
		if s.typeCond != "" {
			if n := g.objects(s.children, page); n.Cmp(frag) > 0 {
				frag = n
			}
			continue
		}
		if s.field == nil || isLeaf(g.s, s.field.Type.Name()) {
			continue
		}
		key := s.parent + "." + s.field.Name
		items := big.NewInt(1)
		if s.field.Type.Elem != nil {
			switch {
			case key == "Query.nodes":
				items = big.NewInt(int64(len(s.args["ids"].([]string))))
			case s.field.Name == "edges" || key == "RecentEvents.events":
				items = page
			default:
				items = big.NewInt(int64(listItems[key]))
			}
		}
		// A field with first or last sets the page of the list under it.
		childPage := big.NewInt(20)
		if key == "Query.recentEvents" {
			childPage = big.NewInt(50)
		}
		for _, a := range []string{"first", "last"} {
			if v, ok := s.args[a]; ok {
				childPage = big.NewInt(int64(v.(int)))
			}
		}
		per := new(big.Int).Add(big.NewInt(1), g.objects(s.children, childPage))
		total.Add(total, per.Mul(per, items))
	}
	return total.Add(total, frag)
}

// cost parses, validates and costs a generated query.
func (g *gen) cost(t *testing.T, q []*sel) int {
	t.Helper()
	text := g.text(q)
	doc, err := parser.ParseQuery(&ast.Source{Input: text})
	if err != nil {
		t.Fatalf("generated query does not parse: %v\n%s", err, text)
	}
	if errs := validator.Validate(g.s, doc); len(errs) > 0 {
		t.Fatalf("generated query does not validate: %v\n%s", errs, text)
	}
	return operationCost(context.Background(), costSchema, doc.Operations[0], nil)
}

var costSchema = func() graphql.ExecutableSchema {
	cfg := graph.Config{}
	setComplexity(&cfg.Complexity)
	return graph.NewExecutableSchema(cfg)
}()

// walk calls f on every generated field selection.
func walk(set []*sel, f func(*sel)) {
	for _, s := range set {
		if s.field != nil {
			f(s)
		}
		walk(s.children, f)
	}
}

// TestCostIsMonotoneAndCoversTheObjects: for random nested queries the
// cost never falls below the number of objects the response can carry
// (saturating at math.MaxInt, which is over any limit), and it never
// decreases when a first grows, a field is added, or a level is nested
// under a leaf.
func TestCostIsMonotoneAndCoversTheObjects(t *testing.T) {
	g := &gen{s: costSchema.Schema(), rnd: rand.New(rand.NewPCG(13, 2026))}
	maxInt := big.NewInt(math.MaxInt)
	for i := range 400 {
		q := g.query(2 + g.rnd.IntN(40))
		if len(q) == 0 {
			continue
		}
		cost := g.cost(t, q)
		objs := g.objects(q, big.NewInt(20))
		if objs.Cmp(maxInt) > 0 {
			objs = maxInt
		}
		if big.NewInt(int64(cost)).Cmp(objs) < 0 {
			t.Fatalf("query %d costs %d, below the %s objects it can return:\n%s", i, cost, objs, g.text(q))
		}
		var fields []*sel
		walk(q, func(s *sel) { fields = append(fields, s) })

		// A larger first or last.
		for _, s := range fields {
			for _, a := range []string{"first", "last"} {
				v, ok := s.args[a].(int)
				if !ok {
					continue
				}
				s.args[a] = v + 1 + g.rnd.IntN(1000)
				if more := g.cost(t, q); more < cost {
					t.Fatalf("query %d: raising %s from %d to %d lowered the cost from %d to %d:\n%s", i, a, v, s.args[a], cost, more, g.text(q))
				}
				s.args[a] = v
			}
		}
		// One more field somewhere: a sibling of a random field, or a
		// composite under a leaf's parent at one more level of nesting.
		target := fields[g.rnd.IntN(len(fields))]
		typ := g.s.Types[target.field.Type.Name()]
		if typ.Kind == ast.Object && len(target.children) > 0 {
			g.budget = 5
			extra := g.selection(typ.Name, 1+g.rnd.IntN(3))
			target.children = append(target.children, extra...)
			if more := g.cost(t, q); more < cost {
				t.Fatalf("query %d: adding fields under %s lowered the cost from %d to %d:\n%s", i, target.field.Name, cost, more, g.text(q))
			}
		}
	}
}

// TestCostSaturates: a query whose count of objects overflows an int costs
// math.MaxInt, never a small number.
func TestCostSaturates(t *testing.T) {
	q := `query { runs(experimentId: "x", first: 100) { edges { node { ` + strings.Repeat(`experiment { runs(first: 100) { edges { node { `, 20) +
		`id` + strings.Repeat(` } } } }`, 20) + ` } } } }`
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.Validate(costSchema.Schema(), doc); len(errs) > 0 {
		t.Fatal(errs)
	}
	if c := operationCost(context.Background(), costSchema, doc.Operations[0], nil); c != math.MaxInt {
		t.Errorf("cost of 21 nested pages of 100: %d, want math.MaxInt", c)
	}
	for _, tc := range []struct{ a, b, want int }{
		{math.MaxInt, 2, math.MaxInt}, {1 << 32, 1 << 32, math.MaxInt}, {3, 4, 12}, {0, math.MaxInt, 0}, {-5, 3, 0},
	} {
		if got := satMul(tc.a, tc.b); got != tc.want {
			t.Errorf("satMul(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if got := costAdd(math.MaxInt, 1); got != math.MaxInt {
		t.Errorf("costAdd(MaxInt, 1) = %d", got)
	}
}

// TestGatheringCostsLikeAPack: signing off gathers the evidence pack again
// to compare it, so it costs what asking for the pack costs.
func TestGatheringCostsLikeAPack(t *testing.T) {
	cost := func(q string) int {
		t.Helper()
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		if errs := validator.Validate(costSchema.Schema(), doc); len(errs) > 0 {
			t.Fatal(errs)
		}
		return operationCost(context.Background(), costSchema, doc.Operations[0], nil)
	}
	pack := cost(`query { evidencePack(promotionRequestId: "pr_x") }`)
	signOff := cost(`mutation { signOff(input: {subject: EVIDENCE_PACK, document: "{}", decision: ACCEPTED}) { signOff { id } } }`)
	if pack < ImpactCost || signOff < pack {
		t.Errorf("evidencePack costs %d, signOff %d: want both at least %d", pack, signOff, ImpactCost)
	}
}
