package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// WalkRequest asks for a walk of lineage edges from Root.
type WalkRequest struct {
	Root string
	// Direction is the way the walk goes; empty is Both.
	Direction Direction
	// Depth is how many hops the walk goes (0: the root alone), at most
	// MaxWalkDepth.
	Depth int
	// Budget is the most nodes the walk keeps, the root included; reaching
	// it cuts the walk.
	Budget int
	// Edges asks for the edges among the walked nodes.
	Edges bool
	// AsOf, when set, restricts the walk to the nodes and edges that
	// existed at that moment.
	AsOf  *time.Time
	Scope Scope
}

// Reach records which walks reached a node and at what distance: index 0
// for downstream, 1 for upstream, -1 when that walk did not reach it.
type Reach [2]int

var unreached = Reach{-1, -1}

func dirIndex(dir Direction) int {
	if dir == Upstream {
		return 1
	}
	return 0
}

// At returns the distance at which the walk in dir reached the node.
func (r Reach) At(dir Direction) (int, bool) {
	d := r[dirIndex(dir)]
	return d, d >= 0
}

// WalkedNode is one node a walk reached, with what the walk found out
// about the neighbours it left out. Those are only looked for where they
// matter (see questions): a neighbour flag is false where it was not
// asked.
type WalkedNode struct {
	LineageNode
	// Reach says which walks reached the node, at what distance; Distance
	// is the shorter of the two.
	Reach Reach
	// MoreDown and MoreUp: the node has visible neighbours in that
	// direction that were not walked.
	MoreDown, MoreUp bool
	// HiddenDown and HiddenUp: the node has neighbours in that direction
	// of projects outside the scope.
	HiddenDown, HiddenUp bool
	// MoreMembers: a container root has versions or runs (one hop away in
	// either direction) that were not walked.
	MoreMembers bool
	// Out are the node's edges to other walked nodes, when the walk read
	// edges.
	Out []LineageEdge
}

// LineageWalk is what a walk read: the nodes it reached and what lies
// beyond them. It is facts only; internal/lineage makes a graph of it.
type LineageWalk struct {
	// Nodes are in walk order: the root first, then nearest first (the
	// two directions' nodes merged by distance).
	Nodes []WalkedNode
	// Index maps a walked node's ID to its position in Nodes.
	Index map[string]int
	// MemberEdge is the edge from a container root (dataset, model,
	// experiment) to its members, which the walk treats as one hop away;
	// empty for other roots.
	MemberEdge string
	// Cut reports that the budget cut the walk.
	Cut bool
}

// Node returns the walked node id, or nil.
func (w *LineageWalk) Node(id string) *WalkedNode {
	i, ok := w.Index[id]
	if !ok {
		return nil
	}
	return &w.Nodes[i]
}

// walk is one lineage walk in progress.
type walk struct {
	req WalkRequest
	*LineageWalk
}

// LineageWalk walks lineage edges from req.Root in one read transaction:
// one statement finds the root, one per direction walks breadth-first
// (nearest first, stopped at the budget inside Neo4j), and one reads the
// edges and the left-out neighbours of the walked nodes. Each node is
// kept once, at its shortest distance; nodes of projects outside
// req.Scope are neither kept nor walked through. It returns errs.NotFound
// when the root does not exist (at req.AsOf) or is out of scope — one
// answer, so an error never tells a hidden node from a missing one — and
// errs.Invalid for a root that is not a lineage node or its container, or
// an unknown direction.
func (s *Store) LineageWalk(ctx context.Context, req WalkRequest) (*LineageWalk, error) {
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
	return read(ctx, s, func(tx *txn) (*LineageWalk, error) {
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
		// Each direction's walk comes back nearest first; merged by
		// distance they are nearest first over the union, so the budget
		// keeps the nearest nodes whichever side they lie on.
		type row struct {
			n   LineageNode
			dir Direction
		}
		var rows []row
		var dirs []Direction
		cut := false
		memberEdge := containerEdges[root.Kind]
		for _, dir := range []Direction{Downstream, Upstream} {
			if req.Direction != Both && req.Direction != dir {
				continue
			}
			dirs = append(dirs, dir)
			if req.Depth == 0 {
				continue
			}
			q := walkQuery(dir, req.Depth)
			if memberEdge != "" {
				q = memberWalkQuery(dir, req.Depth, memberEdge)
			}
			params["limit"] = req.Budget // the root is not a result row: one more than fits
			recs, err := tx.run(q, params)
			if err != nil {
				return nil, err
			}
			got, err := recRows(recs, "rows")
			if err != nil {
				return nil, err
			}
			if len(got) >= req.Budget {
				cut = true
			}
			rows = slices.Grow(rows, len(got))
			for _, r := range got {
				n, err := decodeNodeRow(r, true)
				if err != nil {
					return nil, err
				}
				rows = append(rows, row{n, dir})
			}
		}
		size := max(1, min(len(rows)+1, req.Budget))
		w := &walk{req: req, LineageWalk: &LineageWalk{Nodes: make([]WalkedNode, 0, size), Index: make(map[string]int, size),
			MemberEdge: memberEdge, Cut: cut}}
		w.add(root, "")
		for _, dir := range dirs {
			w.Nodes[0].Reach[dirIndex(dir)] = 0
		}
		// One direction's rows come nearest first; only BOTH interleaves.
		if byDistance := func(a, b row) int { return a.n.Distance - b.n.Distance }; !slices.IsSortedFunc(rows, byDistance) {
			slices.SortStableFunc(rows, byDistance)
		}
		for _, r := range rows {
			w.add(r.n, r.dir)
		}
		return w.LineageWalk, w.finish(tx, params)
	})
}

// add records that the walk in dir reached n (dir "" for the root). A new
// node beyond the budget is left out and cuts the walk.
func (w *walk) add(n LineageNode, dir Direction) {
	if i, ok := w.Index[n.ID]; ok {
		old := &w.Nodes[i]
		old.Distance = min(old.Distance, n.Distance)
		if _, seen := old.Reach.At(dir); !seen && dir != "" {
			old.Reach[dirIndex(dir)] = n.Distance
		}
		return
	}
	if len(w.Nodes) >= w.req.Budget {
		w.Cut = true
		return
	}
	wn := WalkedNode{LineageNode: n, Reach: unreached}
	if dir != "" {
		wn.Reach[dirIndex(dir)] = n.Distance
	}
	w.Index[n.ID] = len(w.Nodes)
	w.Nodes = append(w.Nodes, wn)
}

// finish reads edges and left-out neighbours of the walked nodes.
func (w *walk) finish(tx *txn, params map[string]any) error {
	rows := w.questions()
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(w.Nodes))
	for i := range w.Nodes {
		ids[i] = w.Nodes[i].ID
	}
	params["ids"], params["edges"], params["rows"] = ids, w.req.Edges, rows
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
		n := w.Node(id)
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
			src := w.Node(from)
			if !ok1 || !ok2 || src == nil {
				return fmt.Errorf("decode lineage edge into %q: got %v", id, pair)
			}
			src.Out = append(src.Out, LineageEdge{From: from, To: id, Kind: rel})
		}
		for i, dst := range []*bool{&n.MoreDown, &n.MoreUp, &n.HiddenDown, &n.HiddenUp, &n.MoreMembers} {
			if *dst, ok = row[2+i].(bool); !ok {
				return fmt.Errorf("decode lineage answer for %q: got %T", id, row[2+i])
			}
		}
	}
	return nil
}

// questions says, per walked node, which left-out neighbours finishQuery
// must look for (nodes with nothing to ask are left out): visible ones in
// a direction that reached the node, at the depth bound or anywhere once
// the budget cut the walk; hidden ones in a direction that expanded the
// node, unless the caller may read every project.
func (w *walk) questions() []map[string]any {
	var rows []map[string]any
	for i := range w.Nodes {
		n := &w.Nodes[i]
		var more, hidden [2]bool
		ask := w.req.Edges
		for i, dir := range []Direction{Downstream, Upstream} {
			d, ok := n.Reach.At(dir)
			more[i], hidden[i] = ok && (w.Cut || d >= w.req.Depth), ok && d < w.req.Depth && !w.req.Scope.All
			ask = ask || more[i] || hidden[i]
		}
		members := i == 0 && w.MemberEdge != "" && (w.Cut || w.req.Depth == 0)
		if ask || members {
			rows = append(rows, map[string]any{"id": n.ID, "moreDown": more[0], "moreUp": more[1], "hiddenDown": hidden[0], "hiddenUp": hidden[1],
				"members": members})
		}
	}
	return rows
}
