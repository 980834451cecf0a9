package api

import (
	"context"
	"crypto/sha256"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/exphub/exphub/internal/errs"
)

// Limits bound what one GraphQL document may ask for. The document limits
// are checked on the parsed document before gqlgen validates it, because
// validation (overlapping fields, fragment spreads) and the cost walk grow
// faster than the document: a 177 KB document of fragment spreads once took
// 83 s to validate. MaxObjects is enforced while the operation executes.
//
// The defaults leave at least four times the size and twice the depth of
// the largest operation the explorer and hubctl send (133 tokens, 73
// fields, 10 levels; TestClientOperationsFitTheLimits measures them), and
// the worst document they admit validates in milliseconds (bench/README.md,
// "GraphQL document limits").
type Limits struct {
	// MaxTokens is the parser's token limit: a longer document is refused
	// while it is being parsed.
	MaxTokens int
	// MaxDepth bounds the nesting of selection sets, fragments expanded.
	MaxDepth int
	// MaxFragments bounds the fragment definitions of a document.
	MaxFragments int
	// MaxSpreads bounds the fragment spreads written in a document.
	MaxSpreads int
	// MaxSelections bounds the fields of a document with every fragment
	// spread expanded: what validation and execution walk.
	MaxSelections int
	// MaxRepeats bounds the fields of one response name in one selection
	// set, fragments expanded: validation compares every pair of them.
	MaxRepeats int
	// MaxObjects bounds the objects one response carries (each element of
	// a list of objects counts); an operation that reaches it stops and
	// answers only an error.
	MaxObjects int
}

// DefaultLimits are the limits of a hub whose configuration does not
// change them.
var DefaultLimits = Limits{
	MaxTokens:     5_000,
	MaxDepth:      20,
	MaxFragments:  50,
	MaxSpreads:    200,
	MaxSelections: 2_000,
	MaxRepeats:    50,
	MaxObjects:    100_000,
}

// withDefaults fills the limits left at zero from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int }{
		{&l.MaxTokens, &d.MaxTokens}, {&l.MaxDepth, &d.MaxDepth}, {&l.MaxFragments, &d.MaxFragments},
		{&l.MaxSpreads, &d.MaxSpreads}, {&l.MaxSelections, &d.MaxSelections}, {&l.MaxRepeats, &d.MaxRepeats},
		{&l.MaxObjects, &d.MaxObjects},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// limitError is a refusal of the request itself: BAD_USER_INPUT, with the
// limit it broke in extensions.detail.
func limitError(detail, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": detail}}
}

// Details of the limit errors, in extensions.detail.
const (
	detailTokens     = "TOKEN_LIMIT_EXCEEDED"
	detailDepth      = "DEPTH_LIMIT_EXCEEDED"
	detailFragments  = "FRAGMENT_LIMIT_EXCEEDED"
	detailSelections = "SELECTION_LIMIT_EXCEEDED"
	detailObjects    = "RESPONSE_LIMIT_EXCEEDED"
)

// DocumentShape is what the document limits measure of a document.
type DocumentShape struct {
	Fragments, Spreads int
	// Selections counts fields with fragment spreads expanded (saturating
	// just above the limit it is measured against); Depth is the deepest
	// nesting of selection sets; Repeats is the most fields of one response
	// name in one selection set.
	Selections, Depth, Repeats int
}

// MeasureDocument parses query with the token limit and measures it. A
// document that does not parse for another reason than its length is
// reported with a nil error and a zero shape: gqlgen parses it again and
// says what is wrong with it.
func MeasureDocument(query string, l Limits) (DocumentShape, *gqlerror.Error) {
	l = l.withDefaults()
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, l.MaxTokens)
	if err != nil {
		if strings.Contains(err.Error(), "token limit") {
			return DocumentShape{}, limitError(detailTokens, "the document has more than %d tokens; send a smaller one", l.MaxTokens)
		}
		return DocumentShape{}, nil
	}
	m := measurer{doc: doc, cap: l.MaxSelections + 1, size: map[string]int{}, depth: map[string]int{}, open: map[string]bool{},
		names: map[string]map[string]int{}, openName: map[string]bool{}}
	var s DocumentShape
	s.Fragments = len(doc.Fragments)
	for _, op := range doc.Operations {
		s.Spreads += countSpreads(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		s.Spreads += countSpreads(f.SelectionSet)
	}
	// Counting spreads and fragments first keeps the expansion below from
	// ever walking a document of thousands of them.
	if s.Fragments > l.MaxFragments {
		return s, limitError(detailFragments, "the document defines %d fragments; at most %d are allowed", s.Fragments, l.MaxFragments)
	}
	if s.Spreads > l.MaxSpreads {
		return s, limitError(detailFragments, "the document has %d fragment spreads; at most %d are allowed", s.Spreads, l.MaxSpreads)
	}
	for _, op := range doc.Operations {
		size, depth := m.measure(op.SelectionSet)
		s.Selections = satAdd(s.Selections, size, m.cap)
		s.Depth = max(s.Depth, depth)
	}
	if s.Selections > l.MaxSelections {
		return s, limitError(detailSelections, "the document selects more than %d fields once its fragments are expanded; ask for fewer", l.MaxSelections)
	}
	s.Repeats = m.repeats
	if s.Repeats > l.MaxRepeats {
		return s, limitError(detailSelections, "the document selects %q %d times in one selection set; at most %d fields may share a response name there",
			errs.Clip(m.repeated), s.Repeats, l.MaxRepeats)
	}
	if s.Depth > l.MaxDepth {
		return s, limitError(detailDepth, "the document nests selections %d deep; at most %d levels are allowed", s.Depth, l.MaxDepth)
	}
	return s, nil
}

func countSpreads(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n += countSpreads(s.SelectionSet)
		case *ast.InlineFragment:
			n += countSpreads(s.SelectionSet)
		case *ast.FragmentSpread:
			n++
		}
	}
	return n
}

// measurer expands fragment spreads once each (memoised), so a document
// whose fragments spread each other many times over costs its written size
// to measure, not its expanded size.
type measurer struct {
	doc         *ast.QueryDocument
	cap         int
	size, depth map[string]int
	open        map[string]bool // fragments being expanded: a cycle
	// names memoises the response names of a fragment's own set;
	// repeats is the most fields of one name in one set, repeated its name.
	names    map[string]map[string]int
	openName map[string]bool
	repeats  int
	repeated string
}

// setNames counts the response names of one selection set, its inline
// fragments and spread fragments flattened into it, as validation merges
// them.
func (m *measurer) setNames(set ast.SelectionSet) map[string]int {
	out := map[string]int{}
	add := func(from map[string]int) {
		for k, n := range from {
			out[k] = satAdd(out[k], n, m.cap)
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			name := s.Alias
			if name == "" {
				name = s.Name
			}
			out[name] = satAdd(out[name], 1, m.cap)
		case *ast.InlineFragment:
			add(m.setNames(s.SelectionSet))
		case *ast.FragmentSpread:
			if n, ok := m.names[s.Name]; ok {
				add(n)
				continue
			}
			def := m.doc.Fragments.ForName(s.Name)
			if def == nil || m.openName[s.Name] {
				continue
			}
			m.openName[s.Name] = true
			n := m.setNames(def.SelectionSet)
			delete(m.openName, s.Name)
			m.names[s.Name] = n
			add(n)
		}
	}
	return out
}

func (m *measurer) measure(set ast.SelectionSet) (size, depth int) {
	for name, n := range m.setNames(set) {
		if n > m.repeats {
			m.repeats, m.repeated = n, name
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n, d := m.measure(s.SelectionSet)
			size = satAdd(size, satAdd(1, n, m.cap), m.cap)
			depth = max(depth, d+1)
		case *ast.InlineFragment:
			n, d := m.measure(s.SelectionSet)
			size = satAdd(size, n, m.cap)
			depth = max(depth, d)
		case *ast.FragmentSpread:
			n, d := m.fragment(s.Name)
			size = satAdd(size, n, m.cap)
			depth = max(depth, d)
		}
	}
	return size, depth
}

// fragment measures a named fragment. An unknown fragment or a cycle
// counts as empty here; validation reports both.
func (m *measurer) fragment(name string) (int, int) {
	if n, ok := m.size[name]; ok {
		return n, m.depth[name]
	}
	def := m.doc.Fragments.ForName(name)
	if def == nil || m.open[name] {
		return 0, 0
	}
	m.open[name] = true
	n, d := m.measure(def.SelectionSet)
	delete(m.open, name)
	m.size[name], m.depth[name] = n, d
	return n, d
}

// satAdd adds non-negative a and b, stopping at limit.
func satAdd(a, b, limit int) int {
	if a >= limit-b {
		return limit
	}
	return a + b
}

// documentLimits is a gqlgen extension that checks the document limits
// before gqlgen parses and validates a document. It runs after automatic
// persisted queries have put the document in place. Documents already
// admitted are remembered by digest, so a repeated document is parsed once.
type documentLimits struct {
	limits   Limits
	admitted *lru.LRU[struct{}]
}

func newDocumentLimits(l Limits) *documentLimits {
	return &documentLimits{limits: l.withDefaults(), admitted: lru.New[struct{}](1000)}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*documentLimits)(nil)

func (*documentLimits) ExtensionName() string { return "DocumentLimits" }

func (*documentLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (d *documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	sum := sha256.Sum256([]byte(p.Query))
	key := string(sum[:])
	if _, ok := d.admitted.Get(ctx, key); ok {
		return nil
	}
	if _, err := MeasureDocument(p.Query, d.limits); err != nil {
		return err
	}
	d.admitted.Add(ctx, key, struct{}{})
	return nil
}

// responseBudget counts the objects an operation's response carries and
// stops the operation at the limit: every field resolved after that fails
// at once, without touching the database, and the response carries only
// the error.
type responseBudget struct {
	limit   int64
	objects atomic.Int64
	over    atomic.Bool
}

type budgetKey struct{}

// aroundOperations gives each query and mutation its own response budget.
// A subscription's events are responses of their own, each bounded by the
// cost of its selection, so subscriptions carry none.
func (l Limits) aroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	b := &responseBudget{limit: int64(l.withDefaults().MaxObjects)}
	ctx = context.WithValue(ctx, budgetKey{}, b)
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp != nil && b.over.Load() {
			// This response skips the error presenter: present its error.
			return &graphql.Response{Errors: gqlerror.List{requestError(b.err())}}
		}
		return resp
	}
}

func (b *responseBudget) err() *gqlerror.Error {
	return limitError(detailObjects, "the response would carry more than %d objects; ask for fewer (a smaller first, maxNodes or depth, or fewer nested lists)", b.limit)
}

// aroundFields charges every field that resolves to objects: one per
// object, each element of a list counted.
func aroundFields(ctx context.Context, next graphql.Resolver) (any, error) {
	b, _ := ctx.Value(budgetKey{}).(*responseBudget)
	if b == nil {
		return next(ctx)
	}
	if b.over.Load() {
		return nil, b.err()
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(fc.Field.Selections) == 0 {
		return next(ctx) // a scalar or enum
	}
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	n := int64(1)
	if v := reflect.ValueOf(res); v.Kind() == reflect.Slice {
		n = int64(v.Len())
	}
	if b.objects.Add(n) > b.limit {
		b.over.Store(true)
		return nil, b.err()
	}
	return res, nil
}
