package store

import (
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file holds what every lineage read shares: the node kinds lineage
// edges connect, the Cypher fragments of the walks, and the decoding of
// their rows. The walk is in lineage_walk.go, paths in lineage_path.go and
// the upstream quality reads in health.go. What the facts mean (which
// nodes a caller gets, hasMore, placeholders, truncation, grouping) is
// internal/lineage's.

// Direction is the way a lineage walk goes.
type Direction string

// Walk directions. Downstream follows data flow (edge direction), upstream
// goes against it, and both is the union of the two walks.
const (
	Upstream   Direction = "UPSTREAM"
	Downstream Direction = "DOWNSTREAM"
	Both       Direction = "BOTH"
)

// MaxWalkDepth bounds the depth of a walk statement: a path length cannot
// be a Cypher parameter, so it is formatted into the text, and only a
// depth within 1..MaxWalkDepth ever is.
const MaxWalkDepth = 50

// MaxPathLength is the longest lineage path LineagePath looks for.
const MaxPathLength = 50

// LineageNode is a lineage node as a walk or path read it.
type LineageNode struct {
	ID         string
	Kind       Kind
	Name       string
	ProjectKey string
	Owner      string
	Stage      ModelStage
	// Distance is the fewest hops from the root (a path: the position on
	// it; a path's ends: 0).
	Distance int
}

// LineageEdge is one lineage edge of the graph; it always points
// downstream.
type LineageEdge struct {
	From, To, Kind string
}

// lineageKinds are the node kinds lineage edges connect.
var lineageKinds = []Kind{KindRun, KindDatasetVersion, KindModelVersion}

// containerEdges maps the kinds that group lineage nodes to the edge to
// their members. A lineage walk from a container starts at its members,
// one hop away.
var containerEdges = map[Kind]string{KindDataset: "HAS_VERSION", KindModel: "HAS_VERSION", KindExperiment: "HAS_RUN", KindJob: "HAS_RUN"}

// LineageRootKinds are the kinds a walk may start from.
var LineageRootKinds = []Kind{KindRun, KindDatasetVersion, KindModelVersion, KindDataset, KindModel, KindExperiment, KindJob}

// CheckLineageID validates an argument named field that must name a
// lineage node (a run, dataset version or model version), before any
// round-trip: errs.Invalid, naming field, when it does not.
func CheckLineageID(field, id string) error { return checkID(field, id, lineageKinds...) }

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
	if depth < 1 || depth > MaxWalkDepth {
		panic(fmt.Sprintf("store: walk depth %d outside 1..%d", depth, MaxWalkDepth))
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
