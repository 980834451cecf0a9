package lineage

import (
	"slices"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Defaults of a request, as the API's arguments default to them.
const (
	DefaultDepth       = 3
	DefaultMaxNodes    = 500
	DefaultImpactDepth = 10
)

// Server-side maxima for traversals. A request above them is errs.Invalid,
// never a silent clamp. The depths stay within store.MaxWalkDepth.
const (
	MaxDepth       = 50
	MaxNodes       = 5_000
	MaxImpactDepth = 50
	MaxImpactNodes = 50_000
	// MaxWalk bounds the nodes a kinds-filtered walk passes through: ten
	// times maxNodes, at most this.
	MaxWalk = 20_000
)

// Request asks for the lineage around Root.
type Request struct {
	Root string
	// Direction is the way the walk goes; empty is store.Both.
	Direction store.Direction
	// Depth and MaxNodes, when nil, are DefaultDepth and DefaultMaxNodes.
	Depth, MaxNodes *int
	// Kinds, when not empty, are the node kinds returned; the walk still
	// passes through the others, and returned nodes joined only through
	// them are linked by INDIRECT edges. store.KindJob adds the jobs of
	// the walked runs, which no walk returns otherwise.
	Kinds []store.Kind
	// AsOf, when set, restricts the walk to the nodes and edges that
	// existed at that moment.
	AsOf *time.Time
}

// Bounds are what a graph is cut to: how deep the walk went, how many
// nodes come back and, when Kinds is not empty, of which kinds.
type Bounds struct {
	Depth, MaxNodes int
	Kinds           []store.Kind
}

// Check fills in r's defaults and checks its bounds: errs.Invalid naming
// the argument for a depth outside 0..MaxDepth, a maxNodes outside
// 1..MaxNodes, or a kind that is not a lineage node kind.
func (r Request) Check() (Bounds, error) {
	b := Bounds{Depth: DefaultDepth, MaxNodes: DefaultMaxNodes, Kinds: r.Kinds}
	if r.Depth != nil {
		b.Depth = *r.Depth
	}
	if r.MaxNodes != nil {
		b.MaxNodes = *r.MaxNodes
	}
	if b.Depth < 0 || b.Depth > MaxDepth {
		return Bounds{}, errs.Invalidf("depth: must be between 0 and %d, got %d", MaxDepth, b.Depth)
	}
	if b.MaxNodes < 1 || b.MaxNodes > MaxNodes {
		return Bounds{}, errs.Invalidf("maxNodes: must be between 1 and %d, got %d", MaxNodes, b.MaxNodes)
	}
	for _, k := range b.Kinds {
		if !slices.Contains(store.LineageRootKinds, k) {
			return Bounds{}, errs.Invalidf("kinds: %s is not a lineage node kind", errs.Quote(k))
		}
	}
	return b, nil
}

// Budget is the most nodes a walk within b keeps, the root included: a
// filtered walk passes through nodes it does not return.
func (b Bounds) Budget() int {
	if len(b.Kinds) > 0 {
		return min(MaxWalk, 10*b.MaxNodes)
	}
	return b.MaxNodes
}

// ImpactRequest asks what is downstream of Root.
type ImpactRequest struct {
	Root string
	// Depth, when nil, is DefaultImpactDepth.
	Depth *int
	AsOf  *time.Time
}

// depth fills in the default and checks the bounds of r's depth.
func (r ImpactRequest) depth() (int, error) {
	d := DefaultImpactDepth
	if r.Depth != nil {
		d = *r.Depth
	}
	if d < 1 || d > MaxImpactDepth {
		return 0, errs.Invalidf("depth: must be between 1 and %d, got %d", MaxImpactDepth, d)
	}
	return d, nil
}

// PathRequest asks for a shortest lineage path between two nodes.
type PathRequest struct {
	From, To string
	// AsOf, when set, only uses nodes and edges that existed then.
	AsOf *time.Time
}
