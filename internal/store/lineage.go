package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
)

// Direction is the way a lineage walk goes.
type Direction string

// Walk directions. Downstream follows data flow (edge direction), upstream
// goes against it, and both is the union of the two walks.
const (
	Upstream   Direction = "UPSTREAM"
	Downstream Direction = "DOWNSTREAM"
	Both       Direction = "BOTH"
)

// Server-side maxima for traversals. A request above them is errs.Invalid,
// never a silent clamp.
const (
	MaxLineageDepth    = 50
	MaxLineageNodes    = 5_000
	MaxImpactDepth     = 50
	MaxImpactNodes     = 50_000
	MaxPathLength      = 50
	RedactedNamePrefix = "redacted:"
)

// Truncation reasons.
const (
	TruncatedDepth    = "DEPTH"
	TruncatedMaxNodes = "MAX_NODES"
)

// LineageRequest asks for the lineage around Root.
type LineageRequest struct {
	Root      string
	Direction Direction
	Depth     int
	MaxNodes  int
	// Kinds, when not empty, are the node kinds returned; the walk still
	// passes through the others, and returned nodes joined only through
	// them are linked by INDIRECT edges.
	Kinds []Kind
	// AsOf, when set, restricts the walk to the nodes and edges that
	// existed at that moment.
	AsOf  *time.Time
	Scope Scope
}

// LineageNode is one node of a lineage graph.
type LineageNode struct {
	ID         string
	Kind       Kind
	Name       string
	ProjectKey string
	Owner      string
	Stage      ModelStage
	Distance   int
	HasMore    bool
}

// LineageEdge is one lineage edge; it always points downstream. Hops is 1
// for an edge of the graph and the number of hops an INDIRECT edge stands
// for.
type LineageEdge struct {
	From, To, Kind string
	Hops           int
}

// Edge kinds a lineage graph carries beside the graph's own.
const (
	EdgeIndirect = "INDIRECT"
	EdgeRedacted = "REDACTED"
)

// LineageGraph is the result of a walk.
type LineageGraph struct {
	Root        string
	Nodes       []LineageNode
	Edges       []LineageEdge
	TruncatedBy []string
}

// Truncated reports whether anything was cut.
func (g *LineageGraph) Truncated() bool { return len(g.TruncatedBy) > 0 }

// lineageKinds are the node kinds lineage edges connect.
var lineageKinds = []Kind{KindRun, KindDatasetVersion, KindModelVersion}

// containerEdges maps the kinds that group lineage nodes to the edge to
// their members. A lineage walk from a container starts at its members,
// one hop away.
var containerEdges = map[Kind]string{KindDataset: "HAS_VERSION", KindModel: "HAS_VERSION", KindExperiment: "HAS_RUN"}

// LineageRootKinds are the kinds a walk may start from.
var LineageRootKinds = []Kind{KindRun, KindDatasetVersion, KindModelVersion, KindDataset, KindModel, KindExperiment}

// nodeRow is how every lineage statement returns a node: a list, not a map
// (no key strings to encode and decode), without labels (an ID names its
// kind). Results are collected into one record per statement, because
// Bolt's cost per record, not the walk, dominates large results.
const nodeRow = `[%[1]s.id, %[1]s.displayName, %[1]s.projectKey, %[1]s.createdBy, %[1]s.stage]`

// The predicates every walk statement applies: nodes in scope and, with
// $asOf, nodes and edges that existed then.
const (
	visibleAt   = `($allProjects OR %[1]s.projectKey IN $projectKeys) AND ($asOf IS NULL OR %[1]s.createdAt <= $asOf)`
	edgeAt      = `($asOf IS NULL OR %s.createdAt <= $asOf)`
	lineageRels = `CONSUMED_BY|PRODUCED|DERIVED_INTO`
)

// walkQuery returns the statement that walks from $id in dir up to depth
// hops. The pattern is a variable-length expansion whose only use of the
// path is its shortest length per end node, so Neo4j plans it as a
// breadth-first pruning expansion: each node is visited once, results
// come out nearest first, and LIMIT stops the walk inside the database.
// depth is an int the caller has bounds-checked; Cypher takes no parameter
// for a path length.
func walkQuery(dir Direction, depth int) string {
	mustDepth(depth)
	left, right := "-", "->"
	if dir == Upstream {
		left, right = "<-", "-"
	}
	return fmt.Sprintf(`
		MATCH (r:Node {id: $id})
		MATCH p = (r)%s[rs:`+lineageRels+`*1..%d]%s(m)
		WHERE m <> r AND all(x IN nodes(p) WHERE `+fmt.Sprintf(visibleAt, "x")+`)
		  AND all(e IN rs WHERE `+fmt.Sprintf(edgeAt, "e")+`)
		WITH m, min(size(rs)) AS d
		LIMIT $limit
		RETURN collect(`+fmt.Sprintf(nodeRow, "m")+` + d) AS rows`, left, depth, right)
}

// mustDepth guards the one number formatted into Cypher: callers check
// depth against the maxima, this catches a caller that did not.
func mustDepth(depth int) {
	if depth < 1 || depth > MaxImpactDepth {
		panic(fmt.Sprintf("store: walk depth %d outside 1..%d", depth, MaxImpactDepth))
	}
}

// memberWalkQuery is walkQuery for a container root, whose walk starts at
// its members (distance 1). Downstream it is one breadth-first walk from
// the container: only containers have outgoing HAS_VERSION/HAS_RUN edges
// and no lineage edge enters one, so the walk crosses a membership edge
// only at its first hop, and streams into the LIMIT like walkQuery.
// Membership edges carry no createdAt; the member's own createdAt stands
// for it. Upstream it runs one walk per member and keeps each node's
// shortest distance over all of them, so it sorts before it cuts.
func memberWalkQuery(dir Direction, depth int, rel string) string {
	mustDepth(depth)
	if dir == Downstream {
		return fmt.Sprintf(`
		MATCH (r:Node {id: $id})
		MATCH p = (r)-[rs:%s|`+lineageRels+`*1..%d]->(m)
		WHERE m <> r AND all(x IN nodes(p) WHERE `+fmt.Sprintf(visibleAt, "x")+`)
		  AND all(e IN rs WHERE e.createdAt IS NULL OR `+fmt.Sprintf(edgeAt, "e")+`)
		WITH m, min(size(rs)) AS d
		LIMIT $limit
		RETURN collect(`+fmt.Sprintf(nodeRow, "m")+` + d) AS rows`, rel, depth)
	}
	return fmt.Sprintf(`
		MATCH (c:Node {id: $id})-[:%s]->(r)
		WHERE `+fmt.Sprintf(visibleAt, "r")+`
		MATCH p = (r)<-[rs:`+lineageRels+`*0..%d]-(m)
		WHERE all(x IN nodes(p) WHERE `+fmt.Sprintf(visibleAt, "x")+`)
		  AND all(e IN rs WHERE `+fmt.Sprintf(edgeAt, "e")+`)
		WITH m, min(size(rs)) + 1 AS d
		ORDER BY d, m.id
		LIMIT $limit
		RETURN collect(`+fmt.Sprintf(nodeRow, "m")+` + d) AS rows`, rel, depth-1)
}

// rootQuery finds the root when it exists (at $asOf) and is in scope; the
// caller cannot tell which of the two it was not.
var rootQuery = `MATCH (n:Node {id: $id}) WHERE ` + fmt.Sprintf(visibleAt, "n") + ` RETURN ` + fmt.Sprintf(nodeRow, "n") + ` + 0 AS row`

// finishQuery reads, for the walked nodes, the edges among them and which
// neighbours were left out: visible ones (hasMore) and hidden ones
// (placeholders), per direction. Each row of $rows says which of these
// questions its node needs answered, so none is asked in vain: a walk
// that was not cut by the budget only leaves visible neighbours out at
// the depth bound, and hidden neighbours only matter for a caller who may
// not read everything. Edges are read at their targets: fan-in is small
// everywhere (a run reads a few inputs, a version has one producer), while
// fan-out is not (a hub version has thousands of readers), so looking
// inward never scans a hub's readers.
var finishQuery = `
	UNWIND $rows AS row
	MATCH (n:Node {id: row.id})
	WITH row.id AS id,
	  CASE WHEN $edges THEN [(n)<-[e:` + lineageRels + `]-(m) WHERE m.id IN $ids AND ` + fmt.Sprintf(edgeAt, "e") + ` | [m.id, type(e)]] ELSE [] END AS inbound,
	  CASE WHEN row.moreDown THEN EXISTS { MATCH (n)-[e:` + lineageRels + `]->(m) WHERE NOT m.id IN $ids AND ` + fmt.Sprintf(edgeAt, "e") + ` AND ` + fmt.Sprintf(visibleAt, "m") + ` } ELSE false END AS moreDown,
	  CASE WHEN row.moreUp THEN EXISTS { MATCH (n)<-[e:` + lineageRels + `]-(m) WHERE NOT m.id IN $ids AND ` + fmt.Sprintf(edgeAt, "e") + ` AND ` + fmt.Sprintf(visibleAt, "m") + ` } ELSE false END AS moreUp,
	  CASE WHEN row.hiddenDown THEN EXISTS { MATCH (n)-[e:` + lineageRels + `]->(m) WHERE ` + fmt.Sprintf(edgeAt, "e") + ` AND ($asOf IS NULL OR m.createdAt <= $asOf)
	           AND NOT m.projectKey IN $projectKeys } ELSE false END AS hiddenDown,
	  CASE WHEN row.hiddenUp THEN EXISTS { MATCH (n)<-[e:` + lineageRels + `]-(m) WHERE ` + fmt.Sprintf(edgeAt, "e") + ` AND ($asOf IS NULL OR m.createdAt <= $asOf)
	           AND NOT m.projectKey IN $projectKeys } ELSE false END AS hiddenUp,
	  CASE WHEN row.members THEN EXISTS { MATCH (n)-[:HAS_VERSION|HAS_RUN]->(m) WHERE NOT m.id IN $ids AND ` + fmt.Sprintf(visibleAt, "m") + ` } ELSE false END AS moreMembers
	WHERE size(inbound) > 0 OR moreDown OR moreUp OR hiddenDown OR hiddenUp OR moreMembers
	RETURN collect([id, inbound, moreDown, moreUp, hiddenDown, hiddenUp, moreMembers]) AS rows`

// decodeNodeRow decodes a nodeRow, with the distance appended when
// withDistance.
func decodeNodeRow(v any, withDistance bool) (LineageNode, error) {
	row, ok := v.([]any)
	want := 5
	if withDistance {
		want = 6
	}
	if !ok || len(row) != want {
		return LineageNode{}, fmt.Errorf("decode lineage node: got %T of %d", v, len(row))
	}
	var n LineageNode
	var okID, okName, okKey bool
	n.ID, okID = row[0].(string)
	n.Name, okName = row[1].(string)
	n.ProjectKey, okKey = row[2].(string)
	n.Owner, _ = row[3].(string)
	stage, _ := row[4].(string)
	n.Stage = ModelStage(stage)
	if withDistance {
		d, okD := row[5].(int64)
		if !okD {
			return LineageNode{}, fmt.Errorf("decode lineage node %q: distance is %T", n.ID, row[5])
		}
		n.Distance = int(d)
	}
	k, okKind := KindOf(n.ID)
	if !okID || !okName || !okKey || !okKind {
		return LineageNode{}, fmt.Errorf("decode lineage node %v: want id, name and project key", row)
	}
	n.Kind = k
	return n, nil
}

// recRows returns the list of rows a collecting statement returned under
// key (nil when the statement returned no record).
func recRows(recs []*neo4j.Record, key string) ([]any, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	rows, _, err := getList(recs[0], key)
	return rows, err
}

// reach records which walks reached a node and at what distance: index 0
// for downstream, 1 for upstream, -1 when that walk did not reach it.
type reach [2]int

var unreached = reach{-1, -1}

func dirIndex(dir Direction) int {
	if dir == Upstream {
		return 1
	}
	return 0
}

// at returns the distance at which the walk in dir reached the node.
func (r reach) at(dir Direction) (int, bool) {
	d := r[dirIndex(dir)]
	return d, d >= 0
}

// walked is one node a walk reached.
type walked struct {
	LineageNode
	reached              reach // the walks that reached it, at what distance
	moreDown, moreUp     bool
	hiddenDown, hiddenUp bool
	// moreMembers: a container root has versions or runs (one hop away
	// in either direction) that were not walked.
	moreMembers bool
	out         []LineageEdge
	returned    bool
	// showDown and showUp: a returned node gets a placeholder for hidden
	// neighbours in that direction (its own, or those of left-out nodes
	// behind it).
	showDown, showUp bool
}

// more reports whether the walk in dir reached n and left visible
// neighbours of n in that direction out.
func (n *walked) more(dir Direction) bool {
	if _, ok := n.reached.at(dir); !ok {
		return false
	}
	if dir == Downstream {
		return n.moreDown || n.moreMembers
	}
	return n.moreUp || n.moreMembers
}

// hidden reports whether the walk in dir expanded n (reached it before the
// depth bound) and n has neighbours in dir of hidden projects.
func (n *walked) hidden(dir Direction, depth int) bool {
	d, ok := n.reached.at(dir)
	if !ok || d >= depth {
		return false
	}
	if dir == Downstream {
		return n.hiddenDown
	}
	return n.hiddenUp
}

// walk is one lineage walk in progress.
type walk struct {
	req    LineageRequest
	budget int // nodes the walk may reach, root included
	nodes  map[string]*walked
	order  []string            // in walk order: root, then nearest first
	edges  bool                // whether to read edges
	cut    bool                // the node budget cut the walk
	in     map[string][]string // reverse edges among walked nodes, for kinds filters
}

// Lineage walks lineage edges from req.Root. Each node appears once, at its
// shortest distance; nodes of projects outside req.Scope are not returned
// and not walked through: a visible node with hidden neighbours gets one
// redacted placeholder per direction, which reveals neither names nor
// counts. It returns errs.NotFound when the root does not exist (at
// req.AsOf) or is out of scope, and errs.Invalid for bounds above the maxima.
func (s *Store) Lineage(ctx context.Context, req LineageRequest) (*LineageGraph, error) {
	if req.Depth < 0 || req.Depth > MaxLineageDepth {
		return nil, invalid("depth: must be between 0 and %d, got %d", MaxLineageDepth, req.Depth)
	}
	if req.MaxNodes < 1 || req.MaxNodes > MaxLineageNodes {
		return nil, invalid("maxNodes: must be between 1 and %d, got %d", MaxLineageNodes, req.MaxNodes)
	}
	for _, k := range req.Kinds {
		if !slices.Contains(LineageRootKinds, k) {
			return nil, invalid("kinds: %s is not a lineage node kind", errs.Quote(k))
		}
	}
	budget := req.MaxNodes
	if len(req.Kinds) > 0 {
		// A filtered walk passes through nodes it does not return.
		budget = min(MaxLineageWalk, 10*req.MaxNodes)
	}
	w, err := s.walk(ctx, req, budget, true)
	if err != nil {
		return nil, err
	}
	return w.graph(), nil
}

// MaxLineageWalk bounds the nodes a kinds-filtered lineage walk passes
// through.
const MaxLineageWalk = 20_000

func (s *Store) walk(ctx context.Context, req LineageRequest, budget int, edges bool) (*walk, error) {
	if err := checkID("id", req.Root, LineageRootKinds...); err != nil {
		return nil, err
	}
	switch req.Direction {
	case "":
		req.Direction = Both
	case Upstream, Downstream, Both:
	default:
		return nil, invalid("direction: %s is not UPSTREAM, DOWNSTREAM or BOTH", errs.Quote(req.Direction))
	}
	params := req.Scope.params()
	params["id"] = req.Root
	params["asOf"] = nil
	if req.AsOf != nil {
		params["asOf"] = req.AsOf.UTC()
	}
	return read(ctx, s, func(tx *txn) (*walk, error) {
		rec, err := tx.single(rootQuery, params)
		if err != nil {
			return nil, err
		}
		// Unknown, not yet created at asOf, or hidden: one answer, so an
		// error never tells a hidden node from a missing one.
		if rec == nil {
			return nil, fmt.Errorf("lineage root %s: %w", errs.Quote(req.Root), errs.NotFound)
		}
		v, _ := rec.Get("row")
		root, err := decodeNodeRow(v, true)
		if err != nil {
			return nil, err
		}
		if !req.Scope.Allows(root.ProjectKey) {
			return nil, fmt.Errorf("lineage root %s: %w", errs.Quote(req.Root), errs.NotFound)
		}
		w := &walk{req: req, budget: budget, nodes: map[string]*walked{}, edges: edges}
		w.add(root, "")
		// Each direction's walk comes back nearest first; merged by
		// distance they are nearest first over the union, so the budget
		// keeps the nearest nodes whichever side they lie on.
		type row struct {
			n   LineageNode
			dir Direction
		}
		var rows []row
		for _, dir := range []Direction{Downstream, Upstream} {
			if req.Direction != Both && req.Direction != dir {
				continue
			}
			w.nodes[root.ID].reached[dirIndex(dir)] = 0
			if req.Depth == 0 {
				continue
			}
			q := walkQuery(dir, req.Depth)
			if rel, ok := containerEdges[root.Kind]; ok {
				q = memberWalkQuery(dir, req.Depth, rel)
			}
			params["limit"] = budget // the root is not a result row: one more than fits
			recs, err := tx.run(q, params)
			if err != nil {
				return nil, err
			}
			got, err := recRows(recs, "rows")
			if err != nil {
				return nil, err
			}
			if len(got) >= budget {
				w.cut = true
			}
			for _, r := range got {
				n, err := decodeNodeRow(r, true)
				if err != nil {
					return nil, err
				}
				rows = append(rows, row{n, dir})
			}
		}
		slices.SortStableFunc(rows, func(a, b row) int { return a.n.Distance - b.n.Distance })
		for _, r := range rows {
			w.add(r.n, r.dir)
		}
		return w, w.finish(tx, params)
	})
}

// add records that the walk in dir reached n (dir "" for the root). A new
// node beyond the budget is left out and cuts the walk.
func (w *walk) add(n LineageNode, dir Direction) {
	if old, ok := w.nodes[n.ID]; ok {
		old.Distance = min(old.Distance, n.Distance)
		if _, seen := old.reached.at(dir); !seen && dir != "" {
			old.reached[dirIndex(dir)] = n.Distance
		}
		return
	}
	if len(w.nodes) >= w.budget {
		w.cut = true
		return
	}
	wn := &walked{LineageNode: n, reached: unreached}
	if dir != "" {
		wn.reached[dirIndex(dir)] = n.Distance
	}
	w.nodes[n.ID] = wn
	w.order = append(w.order, n.ID)
}

// finish reads edges and left-out neighbours of the walked nodes.
func (w *walk) finish(tx *txn, params map[string]any) error {
	rows := w.questions()
	if len(rows) == 0 {
		return nil
	}
	params["ids"], params["edges"], params["rows"] = w.order, w.edges, rows
	recs, err := tx.run(finishQuery, params)
	if err != nil {
		return err
	}
	answers, err := recRows(recs, "rows")
	if err != nil {
		return err
	}
	for _, a := range answers {
		row, ok := a.([]any)
		if !ok || len(row) != 7 {
			return fmt.Errorf("decode lineage answer: got %T", a)
		}
		id, _ := row[0].(string)
		n := w.nodes[id]
		inbound, okIn := row[1].([]any)
		if n == nil || !okIn {
			return fmt.Errorf("decode lineage answer for %q", id)
		}
		for _, o := range inbound {
			pair, ok := o.([]any)
			if !ok || len(pair) != 2 {
				return fmt.Errorf("decode lineage edge: got %T", o)
			}
			from, ok1 := pair[0].(string)
			rel, ok2 := pair[1].(string)
			if !ok1 || !ok2 || w.nodes[from] == nil {
				return fmt.Errorf("decode lineage edge into %q: got %v", id, pair)
			}
			src := w.nodes[from]
			src.out = append(src.out, LineageEdge{From: from, To: id, Kind: rel, Hops: 1})
		}
		for i, dst := range []*bool{&n.moreDown, &n.moreUp, &n.hiddenDown, &n.hiddenUp, &n.moreMembers} {
			if *dst, ok = row[2+i].(bool); !ok {
				return fmt.Errorf("decode lineage answer for %q: got %T", id, row[2+i])
			}
		}
	}
	return nil
}

// questions says, per walked node, which left-out neighbours finishQuery
// must look for (nodes with nothing to ask are left out): visible ones in a direction that reached the node, at
// the depth bound or anywhere once the budget cut the walk; hidden ones in
// a direction that expanded the node, unless the caller may read every
// project.
func (w *walk) questions() []map[string]any {
	var rows []map[string]any
	for _, id := range w.order {
		n := w.nodes[id]
		var more, hidden [2]bool
		ask := w.edges
		for i, dir := range []Direction{Downstream, Upstream} {
			d, ok := n.reached.at(dir)
			more[i], hidden[i] = ok && (w.cut || d >= w.req.Depth), ok && d < w.req.Depth && !w.req.Scope.All
			ask = ask || more[i] || hidden[i]
		}
		_, container := containerEdges[n.Kind]
		members := container && id == w.req.Root && (w.cut || w.req.Depth == 0)
		if ask || members {
			rows = append(rows, map[string]any{"id": id, "moreDown": more[0], "moreUp": more[1], "hiddenDown": hidden[0], "hiddenUp": hidden[1],
				"members": members})
		}
	}
	return rows
}

// returns reports whether a kinds filter lets n through; the root always
// is.
func (w *walk) returns(n *walked) bool {
	return n.ID == w.req.Root || len(w.req.Kinds) == 0 || slices.Contains(w.req.Kinds, n.Kind)
}

// graph builds the result: the returned nodes (at most MaxNodes), the
// edges among them (INDIRECT through nodes the kinds filter left out),
// hasMore, placeholders and the truncation reasons.
func (w *walk) graph() *LineageGraph {
	g := &LineageGraph{Root: w.req.Root}
	// Nearest first; the walk order breaks ties.
	order := make([]*walked, len(w.order))
	for i, id := range w.order {
		order[i] = w.nodes[id]
	}
	slices.SortStableFunc(order, func(a, b *walked) int { return a.Distance - b.Distance })
	kept := 0
	for _, n := range order {
		if w.returns(n) {
			if kept < w.req.MaxNodes {
				n.returned = true
				kept++
			} else {
				w.cut = true
			}
		}
	}
	depthCut, maxCut := false, w.cut
	// Cuts seen from each walked node: a node the walk in dir reached at
	// the depth bound with more beyond is a depth cut; with more before
	// the bound it is the budget.
	for _, n := range order {
		for _, dir := range []Direction{Downstream, Upstream} {
			if n.more(dir) {
				if d, _ := n.reached.at(dir); d >= w.req.Depth {
					depthCut = true
				} else {
					maxCut = true
				}
			}
		}
	}
	// A container root's members are the walked nodes one hop away; its
	// edges to them join the walk's own edges, so filters and placeholders
	// see through them like any other.
	rel, container := containerEdges[w.nodes[w.req.Root].Kind]
	if container {
		root := w.nodes[w.req.Root]
		for _, n := range order {
			if n.Distance == 1 {
				root.out = append(root.out, LineageEdge{From: root.ID, To: n.ID, Kind: rel, Hops: 1})
			}
		}
	}
	if len(w.req.Kinds) > 0 {
		w.in = map[string][]string{}
		for _, n := range order {
			for _, e := range n.out {
				w.in[e.To] = append(w.in[e.To], e.From)
			}
		}
	}
	var edges []LineageEdge
	for _, u := range order {
		if !u.returned {
			continue
		}
		u.HasMore = u.more(Downstream) || u.more(Upstream)
		u.showDown, u.showUp = u.hidden(Downstream, w.req.Depth), u.hidden(Upstream, w.req.Depth)
		for _, e := range u.out {
			if to := w.nodes[e.To]; to != nil && to.returned {
				edges = append(edges, e)
			}
		}
		if len(w.req.Kinds) == 0 {
			continue
		}
		// Walk on through left-out nodes, both ways, to the next returned
		// nodes; what the left-out nodes hide or leave out shows on u.
		w.through(u, Downstream, func(v *walked, hops int) {
			edges = append(edges, LineageEdge{From: u.ID, To: v.ID, Kind: EdgeIndirect, Hops: hops})
		}, func(x *walked) {
			u.HasMore = u.HasMore || x.more(Downstream)
			u.showDown = u.showDown || x.hidden(Downstream, w.req.Depth)
		})
		w.through(u, Upstream, nil, func(x *walked) {
			u.HasMore = u.HasMore || x.more(Upstream)
			u.showUp = u.showUp || x.hidden(Upstream, w.req.Depth)
		})
	}
	g.Nodes = make([]LineageNode, 0, kept)
	var parents []*walked
	for _, n := range order {
		if !n.returned {
			continue
		}
		g.Nodes = append(g.Nodes, n.LineageNode)
		if n.showDown || n.showUp {
			parents = append(parents, n)
		}
	}
	// Placeholders, while they fit; a parent whose placeholder does not
	// fit has more.
	for _, parent := range parents {
		for _, c := range []struct {
			dir    Direction
			hidden bool
		}{{Downstream, parent.showDown}, {Upstream, parent.showUp}} {
			if !c.hidden {
				continue
			}
			if len(g.Nodes) >= w.req.MaxNodes {
				for i := range g.Nodes {
					if g.Nodes[i].ID == parent.ID {
						g.Nodes[i].HasMore = true
					}
				}
				maxCut = true
				continue
			}
			ph := LineageNode{ID: RedactedNamePrefix + parent.ID + ":" + string(c.dir), Kind: KindRedacted, Distance: parent.Distance + 1}
			e := LineageEdge{From: parent.ID, To: ph.ID, Kind: EdgeRedacted, Hops: 1}
			if c.dir == Upstream {
				e.From, e.To = ph.ID, parent.ID
			}
			g.Nodes = append(g.Nodes, ph)
			edges = append(edges, e)
		}
	}
	slices.SortFunc(edges, func(a, b LineageEdge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	g.Edges = slices.CompactFunc(edges, func(a, b LineageEdge) bool { return a.From == b.From && a.To == b.To && a.Kind == b.Kind })
	if depthCut {
		g.TruncatedBy = append(g.TruncatedBy, TruncatedDepth)
	}
	if maxCut {
		g.TruncatedBy = append(g.TruncatedBy, TruncatedMaxNodes)
	}
	return g
}

// through walks from returned node u in dir over walked nodes that are
// not returned, calling found for each returned node it reaches (with the
// hops it took) and passed for each node it walks through. A walked node
// that the kinds filter lets through but MaxNodes did not counts as more.
func (w *walk) through(u *walked, dir Direction, found func(v *walked, hops int), passed func(x *walked)) {
	_, container := containerEdges[w.nodes[w.req.Root].Kind]
	next := func(id string) []string {
		if dir == Upstream && !(container && id == w.req.Root) {
			// A container's members are one hop away upstream too.
			return w.in[id]
		}
		var out []string
		for _, e := range w.nodes[id].out {
			out = append(out, e.To)
		}
		return out
	}
	seen := map[string]bool{u.ID: true}
	frontier := []string{u.ID}
	for hops := 1; len(frontier) > 0; hops++ {
		var level []string
		for _, id := range frontier {
			for _, nb := range next(id) {
				if seen[nb] {
					continue
				}
				seen[nb] = true
				v := w.nodes[nb]
				switch {
				case v.returned:
					if found != nil && hops > 1 {
						found(v, hops)
					}
				case w.returns(v):
					// Cut by MaxNodes: more lies beyond u.
					cut := &walked{moreDown: true, moreUp: true, reached: unreached}
					cut.reached[dirIndex(dir)] = 0
					passed(cut)
				default:
					passed(v)
					level = append(level, nb)
				}
			}
		}
		frontier = level
	}
}

// ImpactRequest asks what is downstream of Root.
type ImpactRequest struct {
	Root  string
	Depth int
	AsOf  *time.Time
	Scope Scope
}

// ImpactReport is what is downstream of a node, grouped by kind.
type ImpactReport struct {
	Root string
	// Runs, DatasetVersions and ModelVersions are nearest first; model
	// versions in production come first.
	Runs, DatasetVersions, ModelVersions []LineageNode
	// Owners are the creators of the affected nodes, sorted.
	Owners []string
	// TotalAffected counts the affected nodes the caller may see.
	TotalAffected int
	// HiddenAffected is true when the walk reached projects the caller
	// may not read; what lies there is neither counted nor named.
	HiddenAffected bool
	TruncatedBy    []string
}

// Impact returns everything downstream of Root up to depth hops (at most
// MaxImpactNodes nodes), grouped by kind.
func (s *Store) Impact(ctx context.Context, req ImpactRequest) (*ImpactReport, error) {
	if req.Depth < 1 || req.Depth > MaxImpactDepth {
		return nil, invalid("depth: must be between 1 and %d, got %d", MaxImpactDepth, req.Depth)
	}
	lr := LineageRequest{Root: req.Root, Direction: Downstream, Depth: req.Depth, MaxNodes: MaxImpactNodes, AsOf: req.AsOf, Scope: req.Scope}
	w, err := s.walk(ctx, lr, MaxImpactNodes, false)
	if err != nil {
		return nil, err
	}
	g := w.graph()
	rep := &ImpactReport{Root: g.Root, Runs: []LineageNode{}, DatasetVersions: []LineageNode{}, ModelVersions: []LineageNode{},
		Owners: []string{}, TruncatedBy: g.TruncatedBy}
	owners := map[string]bool{}
	for _, n := range g.Nodes {
		switch {
		case n.ID == g.Root:
			continue
		case n.Kind == KindRedacted:
			continue
		}
		rep.TotalAffected++
		if n.Owner != "" && !owners[n.Owner] {
			owners[n.Owner] = true
			rep.Owners = append(rep.Owners, n.Owner)
		}
		switch n.Kind {
		case KindRun:
			rep.Runs = append(rep.Runs, n)
		case KindDatasetVersion:
			rep.DatasetVersions = append(rep.DatasetVersions, n)
		case KindModelVersion:
			rep.ModelVersions = append(rep.ModelVersions, n)
		}
	}
	// From the walk, not the placeholders: at the node budget there is no
	// room left for them.
	for _, n := range w.nodes {
		rep.HiddenAffected = rep.HiddenAffected || n.hidden(Downstream, req.Depth)
	}
	slices.Sort(rep.Owners)
	// Production models first: they are what a data incident breaks.
	slices.SortStableFunc(rep.ModelVersions, func(a, b LineageNode) int {
		if pa, pb := a.Stage == StageProduction, b.Stage == StageProduction; pa != pb {
			if pa {
				return -1
			}
			return 1
		}
		return a.Distance - b.Distance
	})
	return rep, nil
}

var pathQuery = `
	MATCH (a:Node {id: $from}), (b:Node {id: $to})
	OPTIONAL MATCH p = shortestPath((a)-[:` + lineageRels + `*..50]->(b))
	  WHERE all(x IN nodes(p) WHERE ` + fmt.Sprintf(visibleAt, "x") + `) AND all(e IN relationships(p) WHERE ` + fmt.Sprintf(edgeAt, "e") + `)
	WITH a, b, p
	OPTIONAL MATCH q = shortestPath((b)-[:` + lineageRels + `*..50]->(a))
	  WHERE all(x IN nodes(q) WHERE ` + fmt.Sprintf(visibleAt, "x") + `) AND all(e IN relationships(q) WHERE ` + fmt.Sprintf(edgeAt, "e") + `)
	WITH CASE WHEN p IS NULL THEN q WHEN q IS NULL THEN p WHEN length(q) < length(p) THEN q ELSE p END AS path
	WHERE path IS NOT NULL
	RETURN [n IN nodes(path) | ` + fmt.Sprintf(nodeRow, "n") + `] AS nodes,
	       [r IN relationships(path) | type(r)] AS rels`

var pathEndsQuery = `UNWIND [$from, $to] AS id MATCH (n:Node {id: id})
	RETURN ` + fmt.Sprintf(nodeRow, "n") + ` AS n, $asOf IS NULL OR n.createdAt <= $asOf AS existed`

// PathRequest asks for a shortest lineage path between two nodes.
type PathRequest struct {
	From, To string
	// AsOf, when set, only uses nodes and edges that existed then.
	AsOf  *time.Time
	Scope Scope
}

// LineagePath returns one shortest lineage path between two nodes, trying
// from→to downstream and to→from, as a graph rooted at from. It returns
// ErrNoPath when the nodes are not connected within MaxPathLength hops, and
// errs.NotFound when either node does not exist (at AsOf) or is out of
// scope. The path only runs through nodes in scope, so a route through a
// hidden project is neither shown nor hinted at.
func (s *Store) LineagePath(ctx context.Context, req PathRequest) (*LineageGraph, error) {
	from, to, scope := req.From, req.To, req.Scope
	if err := checkID("from", from, lineageKinds...); err != nil {
		return nil, err
	}
	if err := checkID("to", to, lineageKinds...); err != nil {
		return nil, err
	}
	params := scope.params()
	params["from"], params["to"], params["asOf"] = from, to, nil
	if req.AsOf != nil {
		params["asOf"] = req.AsOf.UTC()
	}
	return read(ctx, s, func(tx *txn) (*LineageGraph, error) {
		ends, err := tx.run(pathEndsQuery, params)
		if err != nil {
			return nil, err
		}
		found := map[string]*LineageNode{}
		for _, rec := range ends {
			v, _ := rec.Get("n")
			n, err := decodeNodeRow(v, false)
			if err != nil {
				return nil, err
			}
			existed, err := recBool(rec, "existed")
			if err != nil {
				return nil, err
			}
			if existed && scope.Allows(n.ProjectKey) {
				found[n.ID] = &n
			}
		}
		for _, id := range []string{from, to} {
			if found[id] == nil {
				return nil, fmt.Errorf("lineage node %s: %w", errs.Quote(id), errs.NotFound)
			}
		}
		if from == to {
			return &LineageGraph{Root: from, Nodes: []LineageNode{*found[from]}}, nil
		}
		rec, err := tx.single(pathQuery, params)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("%s and %s: %w", errs.Quote(from), errs.Quote(to), ErrNoPath)
		}
		rows, _, err := getList(rec, "nodes")
		if err != nil {
			return nil, err
		}
		rels, _, err := getList(rec, "rels")
		if err != nil {
			return nil, err
		}
		nodes := make([]LineageNode, len(rows))
		for i, row := range rows {
			if nodes[i], err = decodeNodeRow(row, false); err != nil {
				return nil, err
			}
		}
		if len(nodes) > 0 && nodes[0].ID != from {
			slices.Reverse(nodes)
			slices.Reverse(rels)
			// The path was found to→from: edges still point downstream,
			// i.e. from later to earlier in the reversed order.
			return pathGraph(from, nodes, rels, true, scope)
		}
		return pathGraph(from, nodes, rels, false, scope)
	})
}

func pathGraph(root string, nodes []LineageNode, rels []any, reversed bool, scope Scope) (*LineageGraph, error) {
	g := &LineageGraph{Root: root}
	for i := range nodes {
		nodes[i].Distance = i
		if !scope.Allows(nodes[i].ProjectKey) {
			nodes[i] = LineageNode{ID: fmt.Sprintf("%spath:%d", RedactedNamePrefix, i), Kind: KindRedacted, Distance: i}
		}
	}
	g.Nodes = nodes
	for i, r := range rels {
		rel, ok := r.(string)
		if !ok {
			return nil, fmt.Errorf("decode path relationship: got %T", r)
		}
		e := LineageEdge{From: nodes[i].ID, To: nodes[i+1].ID, Kind: rel, Hops: 1}
		if reversed {
			e.From, e.To = e.To, e.From
		}
		g.Edges = append(g.Edges, e)
	}
	return g, nil
}
