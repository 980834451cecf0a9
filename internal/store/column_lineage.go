package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/errs"
)

// This file walks column lineage: (Column)-[:FEEDS]->(Column), input
// column to the output column derived from it (openlineage.go writes
// them). A column belongs to a dataset version (versionId, name); it is
// not a :Node and not part of the lineage walk of lineage_walk.go. What
// a caller gets of the walk (bounds, order, truncation) is
// internal/lineage's.

// ColumnWalkRequest asks for the column lineage around one column.
type ColumnWalkRequest struct {
	VersionID, Column string
	// Direction is the way the walk goes; empty is Both.
	Direction Direction
	// Depth is how many hops the walk goes (0: the root alone), at most
	// MaxWalkDepth.
	Depth int
	// Budget is the most columns the walk keeps, the root included.
	Budget int
	Scope  Scope
}

// WalkedColumn is one column a walk reached.
type WalkedColumn struct {
	ID, VersionID, Name, ProjectKey string
	// Distance is the fewest hops from the root.
	Distance int
	// Down is true when the downstream walk reached the column (the root
	// included, when that walk ran).
	Down bool
}

// ColumnFeed is one FEEDS edge between walked columns.
type ColumnFeed struct {
	From, To string
	// Transformations is the JSON array of the producer's
	// transformations; "" when it sent none.
	Transformations string
}

// ColumnWalk is what a column walk read: facts only.
type ColumnWalk struct {
	// Columns are the root first, then nearest first.
	Columns []WalkedColumn
	Feeds   []ColumnFeed
	// Cut reports that the budget cut the walk; More that a column at the
	// depth bound has visible neighbours beyond it in the walked
	// direction.
	Cut, More bool
	// ModelVersions were trained by runs that read the version of the
	// root or of a column the downstream walk reached; only runs and
	// model versions in scope count. Sorted by ID.
	ModelVersions []*ModelVersion
}

// columnWalkQuery walks FEEDS edges from $id in dir up to depth hops,
// through columns in scope only, each column once at its shortest
// distance, nearest first.
func columnWalkQuery(dir Direction, depth int) string {
	mustDepth(depth)
	left, right := "-", "->"
	if dir == Upstream {
		left, right = "<-", "-"
	}
	return fmt.Sprintf(`
		MATCH (r:Column {id: $id})
		MATCH p = (r)%s[:FEEDS*1..%d]%s(m:Column)
		WHERE m <> r AND all(x IN nodes(p) WHERE $allProjects OR x.projectKey IN $projectKeys)
		WITH m, min(length(p)) AS d
		ORDER BY d, m.id
		LIMIT $limit
		RETURN collect([m.id, m.versionId, m.name, m.projectKey, d]) AS rows`, left, depth, right)
}

// columnFinishQuery reads the FEEDS edges among the walked columns and,
// for the columns each row asks about, whether visible neighbours lie
// beyond them in the walked direction.
const columnFinishQuery = `
	UNWIND $rows AS row
	MATCH (n:Column {id: row.id})
	WITH row,
	  [(m:Column)-[e:FEEDS]->(n) WHERE m.id IN $ids | [m.id, coalesce(e.transformations, '')]] AS inbound,
	  CASE WHEN row.down THEN EXISTS { MATCH (n)-[:FEEDS]->(m:Column) WHERE NOT m.id IN $ids AND ($allProjects OR m.projectKey IN $projectKeys) }
	       ELSE false END AS moreDown,
	  CASE WHEN row.up THEN EXISTS { MATCH (n)<-[:FEEDS]-(m:Column) WHERE NOT m.id IN $ids AND ($allProjects OR m.projectKey IN $projectKeys) }
	       ELSE false END AS moreUp
	RETURN collect([row.id, inbound, moreDown OR moreUp]) AS rows`

// columnModelVersionsQuery finds the model versions trained by runs that
// read any of $versionIds, runs and model versions in scope.
const columnModelVersionsQuery = `
	UNWIND $versionIds AS vid
	MATCH (:DatasetVersion {id: vid})-[:CONSUMED_BY]->(r:Run)-[:PRODUCED]->(mv:ModelVersion)
	WHERE ($allProjects OR r.projectKey IN $projectKeys) AND ($allProjects OR mv.projectKey IN $projectKeys)
	WITH DISTINCT mv ORDER BY mv.id
	RETURN collect(mv{.*}) AS mvs`

// ColumnLineageWalk walks column lineage from column req.Column of dataset
// version req.VersionID in one read transaction. It returns errs.NotFound
// when the version does not exist or is out of scope (one answer, as for
// lineage roots), or when the column has no lineage; errs.Invalid for a
// version ID that is not one, or an unknown direction.
func (s *Store) ColumnLineageWalk(ctx context.Context, req ColumnWalkRequest) (*ColumnWalk, error) {
	if err := checkID("datasetVersionId", req.VersionID, KindDatasetVersion); err != nil {
		return nil, err
	}
	if err := checkText("column", req.Column, MaxNameLen, true); err != nil {
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
	params["versionId"], params["column"] = req.VersionID, req.Column
	return read(ctx, s, func(tx *txn) (*ColumnWalk, error) {
		rec, err := tx.single(`
			MATCH (v:DatasetVersion {id: $versionId}) WHERE $allProjects OR v.projectKey IN $projectKeys
			OPTIONAL MATCH (c:Column {versionId: v.id, name: $column})
			RETURN v.projectKey AS projectKey, c.id AS id`, params)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("datasetVersionId %s: %w", errs.Quote(req.VersionID), errs.NotFound)
		}
		m := props{m: rec.AsMap()}
		project, rootID := m.str("projectKey"), m.str("id")
		if m.err != nil {
			return nil, m.err
		}
		if !req.Scope.Allows(project) {
			return nil, fmt.Errorf("datasetVersionId %s: %w", errs.Quote(req.VersionID), errs.NotFound)
		}
		if rootID == "" {
			return nil, fmt.Errorf("column %s of dataset version %s has no column lineage: %w", errs.Quote(req.Column), req.VersionID, errs.NotFound)
		}
		w := &ColumnWalk{Columns: []WalkedColumn{{ID: rootID, VersionID: req.VersionID, Name: req.Column, ProjectKey: project}}}
		index := map[string]int{rootID: 0}
		type reach struct{ down, up int } // -1: not reached that way
		reached := map[string]*reach{rootID: {-1, -1}}
		var found []WalkedColumn
		for _, dir := range []Direction{Downstream, Upstream} {
			if req.Direction != Both && req.Direction != dir {
				continue
			}
			if dir == Downstream {
				reached[rootID].down = 0
			} else {
				reached[rootID].up = 0
			}
			if req.Depth == 0 {
				continue
			}
			params["id"], params["limit"] = rootID, req.Budget
			recs, err := tx.run(columnWalkQuery(dir, req.Depth), params)
			if err != nil {
				return nil, err
			}
			rows, err := recRows(recs, "rows")
			if err != nil {
				return nil, err
			}
			if len(rows) >= req.Budget {
				w.Cut = true
			}
			for _, r := range rows {
				c, err := decodeColumnRow(r)
				if err != nil {
					return nil, err
				}
				if reached[c.ID] == nil {
					reached[c.ID] = &reach{-1, -1}
					found = append(found, c)
				}
				if dir == Downstream {
					reached[c.ID].down = c.Distance
				} else {
					reached[c.ID].up = c.Distance
				}
			}
		}
		// Nearest first over both directions, each column at its shortest
		// distance; the budget keeps the nearest.
		for i := range found {
			r := reached[found[i].ID]
			found[i].Distance = shorter(r.down, r.up)
		}
		slices.SortStableFunc(found, func(a, b WalkedColumn) int { return a.Distance - b.Distance })
		for _, c := range found {
			if len(w.Columns) >= req.Budget {
				w.Cut = true
				break
			}
			index[c.ID] = len(w.Columns)
			w.Columns = append(w.Columns, c)
		}
		ids := make([]string, len(w.Columns))
		rows := make([]map[string]any, len(w.Columns))
		for i := range w.Columns {
			c := &w.Columns[i]
			r := reached[c.ID]
			c.Down = r.down >= 0
			ids[i] = c.ID
			rows[i] = map[string]any{"id": c.ID, "down": r.down >= 0 && (r.down >= req.Depth || w.Cut), "up": r.up >= 0 && (r.up >= req.Depth || w.Cut)}
		}
		params["ids"], params["rows"] = ids, rows
		recs, err := tx.run(columnFinishQuery, params)
		if err != nil {
			return nil, err
		}
		answers, err := recRows(recs, "rows")
		if err != nil {
			return nil, err
		}
		for _, a := range answers {
			row, ok := a.([]any)
			if !ok || len(row) != 3 {
				return nil, fmt.Errorf("decode column lineage answer: got %T", a)
			}
			id, _ := row[0].(string)
			inbound, okIn := row[1].([]any)
			more, okMore := row[2].(bool)
			if _, known := index[id]; !known || !okIn || !okMore {
				return nil, fmt.Errorf("decode column lineage answer for %q", id)
			}
			w.More = w.More || more
			for _, e := range inbound {
				pair, ok := e.([]any)
				if !ok || len(pair) != 2 {
					return nil, fmt.Errorf("decode column feed into %q: got %T", id, e)
				}
				from, ok1 := pair[0].(string)
				tr, ok2 := pair[1].(string)
				if !ok1 || !ok2 {
					return nil, fmt.Errorf("decode column feed into %q: got %v", id, pair)
				}
				w.Feeds = append(w.Feeds, ColumnFeed{From: from, To: id, Transformations: tr})
			}
		}
		slices.SortFunc(w.Feeds, func(a, b ColumnFeed) int {
			if a.From != b.From {
				return strings.Compare(a.From, b.From)
			}
			return strings.Compare(a.To, b.To)
		})
		var versions []string
		for _, c := range w.Columns {
			if c.Down && !slices.Contains(versions, c.VersionID) {
				versions = append(versions, c.VersionID)
			}
		}
		if !slices.Contains(versions, req.VersionID) {
			versions = append(versions, req.VersionID)
		}
		params["versionIds"] = versions
		rec, err = tx.single(columnModelVersionsQuery, params)
		if err != nil {
			return nil, err
		}
		ms, err := recMaps(rec, "mvs")
		if err != nil {
			return nil, err
		}
		if w.ModelVersions, err = decodeAll(ms, decodeModelVersion); err != nil {
			return nil, err
		}
		if w.ModelVersions == nil {
			w.ModelVersions = []*ModelVersion{}
		}
		return w, nil
	})
}

// shorter is the smaller of two distances, -1 standing for unreached.
func shorter(a, b int) int {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	}
	return min(a, b)
}

// decodeColumnRow decodes [id, versionId, name, projectKey, distance].
func decodeColumnRow(v any) (WalkedColumn, error) {
	row, ok := v.([]any)
	if !ok || len(row) != 5 {
		return WalkedColumn{}, fmt.Errorf("decode column: got %T", v)
	}
	var c WalkedColumn
	var oks [5]bool
	c.ID, oks[0] = row[0].(string)
	c.VersionID, oks[1] = row[1].(string)
	c.Name, oks[2] = row[2].(string)
	c.ProjectKey, oks[3] = row[3].(string)
	d, ok4 := row[4].(int64)
	oks[4] = ok4
	for _, ok := range oks {
		if !ok {
			return WalkedColumn{}, fmt.Errorf("decode column %v: want id, version, name, project and distance", row)
		}
	}
	c.Distance = int(d)
	return c, nil
}
