package store

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

var pathQuery = `
	MATCH (a:Node {id: $from}), (b:Node {id: $to})
	OPTIONAL MATCH p = shortestPath((a)-[:` + lineageRels + fmt.Sprintf(`*..%d]->(b))`, MaxPathLength) + `
	  WHERE all(x IN nodes(p) WHERE ` + fmt.Sprintf(visibleAt, "x") + `) AND all(e IN relationships(p) WHERE ` + fmt.Sprintf(edgeAt, "e") + `)
	WITH a, b, p
	OPTIONAL MATCH q = shortestPath((b)-[:` + lineageRels + fmt.Sprintf(`*..%d]->(a))`, MaxPathLength) + `
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

// LineagePath is a shortest lineage path as it was found: Nodes in the
// order the path runs along its edges (from From, or from To when the path
// runs from To down to From), and Rels the types of the edges between
// consecutive nodes. The nodes' distances are not set.
type LineagePath struct {
	Nodes []LineageNode
	Rels  []string
}

// LineagePath finds one shortest lineage path between two nodes, trying
// from→to downstream and to→from. From and to being one node is a path of
// that node alone. It returns ErrNoPath when the nodes are not connected
// within MaxPathLength hops, and errs.NotFound when either node does not
// exist (at AsOf) or is out of scope. The path only runs through nodes in
// scope, so a route through a hidden project is neither shown nor hinted
// at.
func (s *Store) LineagePath(ctx context.Context, req PathRequest) (*LineagePath, error) {
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
	return read(ctx, s, func(tx *txn) (*LineagePath, error) {
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
			return &LineagePath{Nodes: []LineageNode{*found[from]}}, nil
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
		p := &LineagePath{Nodes: make([]LineageNode, len(rows)), Rels: make([]string, len(rels))}
		for i, row := range rows {
			if p.Nodes[i], err = decodeNodeRow(row, false); err != nil {
				return nil, err
			}
		}
		for i, r := range rels {
			rel, ok := r.(string)
			if !ok {
				return nil, fmt.Errorf("decode path relationship: got %T", r)
			}
			p.Rels[i] = rel
		}
		return p, nil
	})
}
