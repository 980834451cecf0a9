package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// Server-side maxima for traversals. A request above them is ErrInvalid,
// never a silent clamp.
const (
	MaxLineageDepth    = 20
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
	Scope     Scope
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

// LineageEdge is one lineage edge; it always points downstream.
type LineageEdge struct {
	From, To, Kind string
}

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

const nodeFields = `{.id, .displayName, .projectKey, .createdBy, .stage, labels: labels(%s)}`

var (
	levelDown = fmt.Sprintf(`
		UNWIND $ids AS id
		MATCH (n:Node {id: id})
		CALL {
		  WITH n
		  MATCH (n)-[e:CONSUMED_BY|PRODUCED|DERIVED_INTO]->(m:Node)
		  RETURN m, type(e) AS rel ORDER BY m.id LIMIT $cap
		}
		RETURN id, rel, m`+nodeFields+` AS m`, "m")
	levelUp = fmt.Sprintf(`
		UNWIND $ids AS id
		MATCH (n:Node {id: id})
		CALL {
		  WITH n
		  MATCH (n)<-[e:CONSUMED_BY|PRODUCED|DERIVED_INTO]-(m:Node)
		  RETURN m, type(e) AS rel ORDER BY m.id LIMIT $cap
		}
		RETURN id, rel, m`+nodeFields+` AS m`, "m")
	rootQuery = fmt.Sprintf(`MATCH (n:Node {id: $id}) RETURN n`+nodeFields+` AS n`, "n")
)

// finishQuery finds the edges among the returned nodes and whether each
// node has readable neighbours that were not returned.
const finishQuery = `
	UNWIND $ids AS id
	MATCH (n:Node {id: id})
	RETURN id,
	  [(n)-[e:CONSUMED_BY|PRODUCED|DERIVED_INTO]->(m:Node) WHERE m.id IN $ids | [m.id, type(e)]] AS out,
	  EXISTS { MATCH (n)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO]->(m:Node)
	           WHERE NOT m.id IN $ids AND ($allProjects OR m.projectKey IN $projectKeys) } AS moreDown,
	  EXISTS { MATCH (n)<-[:CONSUMED_BY|PRODUCED|DERIVED_INTO]-(m:Node)
	           WHERE NOT m.id IN $ids AND ($allProjects OR m.projectKey IN $projectKeys) } AS moreUp`

func decodeLineageNode(m map[string]any) (LineageNode, error) {
	p := props{m: m}
	n := LineageNode{ID: p.str("id"), Name: p.str("displayName"), ProjectKey: p.str("projectKey"),
		Owner: p.str("createdBy"), Stage: ModelStage(p.str("stage"))}
	for _, l := range p.strs("labels") {
		if k, ok := kindOfLabel(l); ok {
			n.Kind = k
		}
	}
	if p.err == nil && n.Kind == "" {
		p.err = fmt.Errorf("decode lineage node %q: no known label", n.ID)
	}
	return n, p.err
}

// walkState is one lineage walk in progress.
type walkState struct {
	req      LineageRequest
	nodes    map[string]*LineageNode
	order    []string
	reached  map[string]map[Direction]int // per node, the walks that reached it and at what distance
	hidden   map[string][]Direction       // visible nodes with hidden neighbours, per direction
	maxCut   bool
	maxNodes int
}

// add records that the walk in dir reached n. It reports false, and notes
// the cut, when n is new and the node budget is spent.
func (w *walkState) add(n LineageNode, dir Direction) bool {
	if old, ok := w.nodes[n.ID]; ok {
		old.Distance = min(old.Distance, n.Distance)
		if _, seen := w.reached[n.ID][dir]; !seen {
			w.reached[n.ID][dir] = n.Distance
		}
		return true
	}
	if len(w.nodes) >= w.maxNodes {
		w.maxCut = true
		return false
	}
	w.nodes[n.ID] = &n
	w.order = append(w.order, n.ID)
	w.reached[n.ID] = map[Direction]int{dir: n.Distance}
	return true
}

// Lineage walks lineage edges from req.Root. Each node appears once, at its
// shortest distance; nodes of projects outside req.Scope are not returned
// and not walked through: a visible node with hidden neighbours gets one
// redacted placeholder per direction, which reveals neither names nor
// counts. It returns ErrNotFound when the root does not exist or is out of
// scope, and ErrInvalid for bounds above the maxima.
func (s *Store) Lineage(ctx context.Context, req LineageRequest) (*LineageGraph, error) {
	if req.Depth < 0 || req.Depth > MaxLineageDepth {
		return nil, invalid("depth: must be between 0 and %d, got %d", MaxLineageDepth, req.Depth)
	}
	if req.MaxNodes < 1 || req.MaxNodes > MaxLineageNodes {
		return nil, invalid("maxNodes: must be between 1 and %d, got %d", MaxLineageNodes, req.MaxNodes)
	}
	return s.walk(ctx, req)
}

func (s *Store) walk(ctx context.Context, req LineageRequest) (*LineageGraph, error) {
	if err := checkID("id", req.Root, lineageKinds...); err != nil {
		return nil, err
	}
	if req.Direction == "" {
		req.Direction = Both
	}
	return read(ctx, s, func(tx *txn) (*LineageGraph, error) {
		rec, err := tx.single(rootQuery, map[string]any{"id": req.Root})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("lineage root %q: %w", req.Root, ErrNotFound)
		}
		m, err := recMap(rec, "n")
		if err != nil {
			return nil, err
		}
		root, err := decodeLineageNode(m)
		if err != nil {
			return nil, err
		}
		if !req.Scope.Allows(root.ProjectKey) {
			return nil, fmt.Errorf("lineage root %q: %w", req.Root, ErrNotFound)
		}
		w := &walkState{req: req, nodes: map[string]*LineageNode{}, reached: map[string]map[Direction]int{},
			hidden: map[string][]Direction{}, maxNodes: req.MaxNodes}
		for _, dir := range []Direction{Downstream, Upstream} {
			if req.Direction != Both && req.Direction != dir {
				continue
			}
			w.add(root, dir)
			if err := w.walkOne(tx, root.ID, dir); err != nil {
				return nil, err
			}
		}
		return w.finish(tx)
	})
}

// walkOne runs a breadth-first walk in one direction, one round-trip per
// level.
func (w *walkState) walkOne(tx *txn, root string, dir Direction) error {
	q := levelDown
	if dir == Upstream {
		q = levelUp
	}
	seen := map[string]bool{root: true}
	frontier := []string{root}
	for d := 0; d < w.req.Depth && len(frontier) > 0; d++ {
		recs, err := tx.run(q, map[string]any{"ids": frontier, "cap": w.maxNodes + 1})
		if err != nil {
			return err
		}
		var next []string
		for _, rec := range recs {
			from, err := recStr(rec, "id")
			if err != nil {
				return err
			}
			m, err := recMap(rec, "m")
			if err != nil {
				return err
			}
			n, err := decodeLineageNode(m)
			if err != nil {
				return err
			}
			if !w.req.Scope.Allows(n.ProjectKey) {
				if !slices.Contains(w.hidden[from], dir) {
					w.hidden[from] = append(w.hidden[from], dir)
				}
				continue
			}
			if seen[n.ID] {
				continue
			}
			n.Distance = d + 1
			if !w.add(n, dir) {
				continue
			}
			seen[n.ID] = true
			next = append(next, n.ID)
		}
		frontier = next
	}
	return nil
}

// finish computes edges among the returned nodes, hasMore flags,
// placeholders for hidden neighbours and the truncation reasons.
func (w *walkState) finish(tx *txn) (*LineageGraph, error) {
	params := w.req.Scope.params()
	params["ids"] = w.order
	recs, err := tx.run(finishQuery, params)
	if err != nil {
		return nil, err
	}
	g := &LineageGraph{Root: w.req.Root}
	depthCut := false
	for _, rec := range recs {
		id, err := recStr(rec, "id")
		if err != nil {
			return nil, err
		}
		out, _, err := getList(rec, "out")
		if err != nil {
			return nil, err
		}
		for _, o := range out {
			pair, ok := o.([]any)
			if !ok || len(pair) != 2 {
				return nil, fmt.Errorf("decode lineage edge: got %T", o)
			}
			to, ok1 := pair[0].(string)
			rel, ok2 := pair[1].(string)
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("decode lineage edge: got %T, %T", pair[0], pair[1])
			}
			g.Edges = append(g.Edges, LineageEdge{From: id, To: to, Kind: rel})
		}
		moreDown, err := recBool(rec, "moreDown")
		if err != nil {
			return nil, err
		}
		moreUp, err := recBool(rec, "moreUp")
		if err != nil {
			return nil, err
		}
		n := w.nodes[id]
		if n == nil {
			continue
		}
		// A node has more when a walk that reached it left neighbours
		// out. It is a depth cut when that walk reached it at the depth
		// bound: in a loop the same node can sit at the bound of one walk
		// while its shortest distance (from the other walk) is smaller.
		for _, c := range []struct {
			dir  Direction
			more bool
		}{{Downstream, moreDown}, {Upstream, moreUp}} {
			d, ok := w.reached[id][c.dir]
			if !ok || !c.more {
				continue
			}
			n.HasMore = true
			if d >= w.req.Depth {
				depthCut = true
			}
		}
	}
	for _, id := range w.order {
		g.Nodes = append(g.Nodes, *w.nodes[id])
	}
	for _, id := range w.order {
		parent := w.nodes[id]
		for _, dir := range w.hidden[id] {
			if len(g.Nodes) >= w.maxNodes {
				w.maxCut = true
				break
			}
			ph := LineageNode{ID: RedactedNamePrefix + id + ":" + string(dir), Kind: KindRedacted, Distance: parent.Distance + 1}
			g.Nodes = append(g.Nodes, ph)
			e := LineageEdge{From: id, To: ph.ID, Kind: "REDACTED"}
			if dir == Upstream {
				e = LineageEdge{From: ph.ID, To: id, Kind: "REDACTED"}
			}
			g.Edges = append(g.Edges, e)
		}
	}
	if depthCut {
		g.TruncatedBy = append(g.TruncatedBy, TruncatedDepth)
	}
	if w.maxCut {
		g.TruncatedBy = append(g.TruncatedBy, TruncatedMaxNodes)
	}
	slices.SortFunc(g.Edges, func(a, b LineageEdge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return g, nil
}

// ImpactRequest asks what is downstream of Root.
type ImpactRequest struct {
	Root  string
	Depth int
	Scope Scope
}

// Impact returns everything downstream of Root up to depth hops, as a
// lineage graph whose nodes carry owners and model stages.
func (s *Store) Impact(ctx context.Context, req ImpactRequest) (*LineageGraph, error) {
	if req.Depth < 1 || req.Depth > MaxImpactDepth {
		return nil, invalid("depth: must be between 1 and %d, got %d", MaxImpactDepth, req.Depth)
	}
	return s.walk(ctx, LineageRequest{Root: req.Root, Direction: Downstream, Depth: req.Depth, MaxNodes: MaxImpactNodes, Scope: req.Scope})
}

const pathQuery = `
	MATCH (a:Node {id: $from}), (b:Node {id: $to})
	OPTIONAL MATCH p = shortestPath((a)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*..50]->(b))
	  WHERE all(n IN nodes(p) WHERE $allProjects OR n.projectKey IN $projectKeys)
	WITH a, b, p
	OPTIONAL MATCH q = shortestPath((b)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*..50]->(a))
	  WHERE all(n IN nodes(q) WHERE $allProjects OR n.projectKey IN $projectKeys)
	WITH CASE WHEN p IS NULL THEN q WHEN q IS NULL THEN p WHEN length(q) < length(p) THEN q ELSE p END AS path
	WHERE path IS NOT NULL
	RETURN [n IN nodes(path) | n` + `{.id, .displayName, .projectKey, .createdBy, .stage, labels: labels(n)}] AS nodes,
	       [r IN relationships(path) | type(r)] AS rels`

// LineagePath returns one shortest lineage path between two nodes, trying
// from→to downstream and to→from, as a graph rooted at from. It returns
// ErrNoPath when the nodes are not connected within MaxPathLength hops, and
// ErrNotFound when either node does not exist or is out of scope. The path
// only runs through nodes in scope, so a route through a hidden project is
// neither shown nor hinted at.
func (s *Store) LineagePath(ctx context.Context, from, to string, scope Scope) (*LineageGraph, error) {
	if err := checkID("from", from, lineageKinds...); err != nil {
		return nil, err
	}
	if err := checkID("to", to, lineageKinds...); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*LineageGraph, error) {
		ends, err := tx.run(`UNWIND [$from, $to] AS id MATCH (n:Node {id: id}) RETURN n.id AS id, n.projectKey AS pk`,
			map[string]any{"from": from, "to": to})
		if err != nil {
			return nil, err
		}
		found := map[string]bool{}
		for _, rec := range ends {
			id, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			pk, err := recStr(rec, "pk")
			if err != nil {
				return nil, err
			}
			found[id] = scope.Allows(pk)
		}
		for _, id := range []string{from, to} {
			if !found[id] {
				return nil, fmt.Errorf("lineage node %q: %w", id, ErrNotFound)
			}
		}
		if from == to {
			rec, err := tx.single(rootQuery, map[string]any{"id": from})
			if err != nil {
				return nil, err
			}
			m, err := recMap(rec, "n")
			if err != nil {
				return nil, err
			}
			n, err := decodeLineageNode(m)
			if err != nil {
				return nil, err
			}
			return &LineageGraph{Root: from, Nodes: []LineageNode{n}}, nil
		}
		params := scope.params()
		params["from"], params["to"] = from, to
		rec, err := tx.single(pathQuery, params)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("%q and %q: %w", from, to, ErrNoPath)
		}
		ms, err := recMaps(rec, "nodes")
		if err != nil {
			return nil, err
		}
		rels, _, err := getList(rec, "rels")
		if err != nil {
			return nil, err
		}
		nodes, err := decodeAll(ms, decodeLineageNode)
		if err != nil {
			return nil, err
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
		e := LineageEdge{From: nodes[i].ID, To: nodes[i+1].ID, Kind: rel}
		if reversed {
			e.From, e.To = e.To, e.From
		}
		g.Edges = append(g.Edges, e)
	}
	return g, nil
}
