package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
)

// This file keeps and walks column lineage. A dataset version's column
// lineage is properties of the version, not nodes and edges, because a
// version gets new lineage with every run that writes it and a node per
// column and an edge per input column made most of what an OpenLineage
// event wrote:
//
//	columnLineage   on an output version: JSON {column: [[versionId,
//	                input column, transformations JSON], ...]}, each
//	                output column and the input columns it derives from
//	lineageColumns  on every version involved, output or input: the
//	                sorted names of its columns that have column lineage
//	feedsVersions   on an input version: the versions whose column
//	                lineage names it although no run that read it wrote
//	                them (the input was resolved to the dataset's newest
//	                version); the others are found through
//	                (input)-[:CONSUMED_BY]->(:Run)-[:PRODUCED]->(output)
//
// openlineage_edges.go writes them. The walk goes level by level: one
// query per level reads the versions of the columns it reached, and the
// columns one hop further are worked out here. What a caller gets of the
// walk (bounds, order, truncation) is internal/lineage's.

// columnSource is one input column of an output column as columnLineage
// keeps it: the input version's ID, the column and the transformations
// (a JSON array, "" for none).
type columnSource [3]string

// columnLineage is a version's column lineage: each output column and
// its sources, sorted by version and column, one per input column.
type columnLineage map[string][]columnSource

// parseColumnLineage decodes a stored columnLineage ("" is none).
func parseColumnLineage(text string) (columnLineage, error) {
	l := columnLineage{}
	if text == "" {
		return l, nil
	}
	if err := json.Unmarshal([]byte(text), &l); err != nil {
		return nil, fmt.Errorf("decode column lineage: %w", err)
	}
	return l, nil
}

// add records that column derives from src; a source already there (by
// version and column) takes src's transformations.
func (l columnLineage) add(column string, src columnSource) {
	srcs := l[column]
	i, found := slices.BinarySearchFunc(srcs, src, compareSources)
	if found {
		srcs[i] = src
		return
	}
	l[column] = slices.Insert(srcs, i, src)
}

// merge adds every source of o to l.
func (l columnLineage) merge(o columnLineage) {
	for column, srcs := range o {
		for _, src := range srcs {
			l.add(column, src)
		}
	}
}

func compareSources(a, b columnSource) int {
	return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
}

func (l columnLineage) encode() (string, error) {
	out, err := json.Marshal(l)
	return string(out), err
}

// ColumnFeedCount returns how many input columns feed output columns in
// a stored columnLineage: what benchmarks check against what they sent.
func ColumnFeedCount(text string) (int, error) {
	l, err := parseColumnLineage(text)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, srcs := range l {
		n += len(srcs)
	}
	return n, nil
}

// columnNamespace derives column IDs.
var columnNamespace = uuid.MustParse("6f0f1c4e-5a8e-4d4b-9a57-2f1f3f0c8b21")

// ColumnID is the ID of column name of dataset version versionID in a
// column lineage graph: the same for the same column every time, and
// opaque.
func ColumnID(versionID, name string) string {
	return "col_" + uuid.NewSHA1(columnNamespace, []byte(versionID+"\x00"+name)).String()
}

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

// ColumnFeed is one input column feeding an output column, both walked.
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
	// direction. More is only looked for when the walk was not cut.
	Cut, More bool
	// ModelVersions were trained by runs that read the version of the
	// root or of a column the downstream walk reached; only runs and
	// model versions in scope count. Sorted by ID.
	ModelVersions []*ModelVersion
}

// columnMarksCall adds to the versions of $marks ({version, names,
// feeds}) the lineage columns and feedsVersions they do not have yet,
// and writes nothing to a version that has them all.
const columnMarksCall = `CALL { UNWIND $marks AS m MATCH (v:DatasetVersion {id: m.version})
		       WITH v, m, coalesce(v.lineageColumns, []) AS had, coalesce(v.feedsVersions, []) AS fed
		       WITH v, had, fed, [n IN m.names WHERE NOT n IN had] AS names, [x IN m.feeds WHERE NOT x IN fed] AS feeds
		       WHERE size(names) > 0 OR size(feeds) > 0
		       CALL { WITH had, names UNWIND had + names AS n WITH DISTINCT n ORDER BY n RETURN collect(n) AS sorted }
		       SET v.lineageColumns = sorted, v.feedsVersions = CASE WHEN size(feeds) > 0 THEN fed + feeds ELSE v.feedsVersions END }`

// columnLevelQuery reads, for one level of a column walk, the versions
// of $ids in scope (project, column lineage, lineage columns) and, for
// those of $down, the versions in scope whose column lineage may name
// them (written by a run that read them, or listed in feedsVersions).
const columnLevelQuery = `
	CALL { UNWIND $ids AS id
	       MATCH (v:DatasetVersion {id: id}) WHERE $allProjects OR v.projectKey IN $projectKeys
	       RETURN collect([v.id, v.projectKey, coalesce(v.columnLineage, ''), coalesce(v.lineageColumns, [])]) AS versions }
	CALL { UNWIND $down AS id
	       MATCH (v:DatasetVersion {id: id})
	       CALL { WITH v MATCH (v)-[:CONSUMED_BY]->(:Run)-[:PRODUCED]->(w:DatasetVersion) RETURN w
	              UNION
	              WITH v UNWIND coalesce(v.feedsVersions, []) AS wid MATCH (w:DatasetVersion {id: wid}) RETURN w }
	       WITH v, w WHERE w.columnLineage CONTAINS v.id AND ($allProjects OR w.projectKey IN $projectKeys)
	       RETURN collect([v.id, w.id, w.projectKey, w.columnLineage]) AS downstream }
	RETURN versions, downstream`

// columnModelVersionsQuery finds the model versions trained by runs that
// read any of $versionIds, runs and model versions in scope.
const columnModelVersionsQuery = `
	UNWIND $versionIds AS vid
	MATCH (:DatasetVersion {id: vid})-[:CONSUMED_BY]->(r:Run)-[:PRODUCED]->(mv:ModelVersion)
	WHERE ($allProjects OR r.projectKey IN $projectKeys) AND ($allProjects OR mv.projectKey IN $projectKeys)
	WITH DISTINCT mv ORDER BY mv.id
	RETURN collect(mv{.*}) AS mvs`

// colKey names a column: its version's ID and its name.
type colKey struct{ version, name string }

// walkedVersion is what a column walk read of a version in scope.
type walkedVersion struct {
	project string
	lineage columnLineage
	// columns are the names of its columns with lineage (read for the
	// root only).
	columns []string
	// down lists the versions in scope whose column lineage names this
	// one, once downRead.
	down     []string
	downRead bool
}

// columnWalker reads versions for a column walk, each at most once.
type columnWalker struct {
	tx       *txn
	params   map[string]any
	versions map[string]*walkedVersion // read, in scope
	absent   map[string]bool           // read: missing or out of scope
}

// read reads the versions of ids not read yet, and the downstream
// versions of those of down not read yet, in one query.
func (w *columnWalker) read(ids, down []string) error {
	ids = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(ids))), func(id string) bool {
		return w.versions[id] != nil || w.absent[id]
	})
	down = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(down))), func(id string) bool {
		v := w.versions[id]
		return v == nil || v.downRead
	})
	if len(ids) == 0 && len(down) == 0 {
		return nil
	}
	w.params["ids"], w.params["down"] = ids, down
	rec, err := w.tx.single(columnLevelQuery, w.params)
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("column lineage level: no record")
	}
	rows, _, err := getList(rec, "versions")
	if err != nil {
		return err
	}
	for _, r := range rows {
		row, ok := r.([]any)
		if !ok || len(row) != 4 {
			return fmt.Errorf("decode column lineage version: got %T", r)
		}
		id, ok1 := row[0].(string)
		project, ok2 := row[1].(string)
		text, ok3 := row[2].(string)
		cols, ok4 := row[3].([]any)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return fmt.Errorf("decode column lineage version %v", row[0])
		}
		v, err := w.known(id, project, text)
		if err != nil {
			return err
		}
		v.columns = v.columns[:0]
		for _, c := range cols {
			if name, ok := c.(string); ok {
				v.columns = append(v.columns, name)
			}
		}
	}
	for _, id := range ids {
		if w.versions[id] == nil {
			w.absent[id] = true
		}
	}
	pairs, _, err := getList(rec, "downstream")
	if err != nil {
		return err
	}
	for _, p := range pairs {
		row, ok := p.([]any)
		if !ok || len(row) != 4 {
			return fmt.Errorf("decode downstream version: got %T", p)
		}
		from, ok1 := row[0].(string)
		id, ok2 := row[1].(string)
		project, ok3 := row[2].(string)
		text, ok4 := row[3].(string)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return fmt.Errorf("decode downstream version %v", row[1])
		}
		if _, err := w.known(id, project, text); err != nil {
			return err
		}
		if v := w.versions[from]; v != nil {
			v.down = append(v.down, id)
		}
	}
	for _, id := range down {
		v := w.versions[id]
		v.downRead = true
		slices.Sort(v.down)
		v.down = slices.Compact(v.down)
	}
	return nil
}

// known records a version read in scope.
func (w *columnWalker) known(id, project, text string) (*walkedVersion, error) {
	if v := w.versions[id]; v != nil {
		return v, nil
	}
	l, err := parseColumnLineage(text)
	if err != nil {
		return nil, fmt.Errorf("dataset version %s: %w", id, err)
	}
	v := &walkedVersion{project: project, lineage: l}
	w.versions[id] = v
	delete(w.absent, id)
	return v, nil
}

// prepare reads what expanding cols in dir needs: downstream, the
// versions deriving from theirs; upstream, the versions their sources
// belong to.
func (w *columnWalker) prepare(cols [2][]colKey) error {
	var ids, down []string
	for _, c := range cols[0] {
		down = append(down, c.version)
	}
	for _, c := range cols[1] {
		for _, src := range w.versions[c.version].lineage[c.name] {
			ids = append(ids, src[0])
		}
	}
	return w.read(ids, down)
}

// neighbours returns the columns one hop from c in direction d (0:
// downstream, 1: upstream) in scope, once prepare has read them.
func (w *columnWalker) neighbours(c colKey, d int) []colKey {
	var out []colKey
	v := w.versions[c.version]
	if d == 1 {
		for _, src := range v.lineage[c.name] {
			if w.versions[src[0]] != nil {
				out = append(out, colKey{src[0], src[1]})
			}
		}
		return out
	}
	for _, id := range v.down {
		for column, srcs := range w.versions[id].lineage {
			if _, ok := slices.BinarySearchFunc(srcs, columnSource{c.version, c.name}, compareSources); ok {
				out = append(out, colKey{id, column})
			}
		}
	}
	return out
}

// ColumnLineageWalk walks column lineage from column req.Column of dataset
// version req.VersionID in one read transaction: each column once at its
// shortest distance, nearest first (ties by ID), through columns in
// scope only. It returns errs.NotFound when the version does not exist or
// is out of scope (one answer, as for lineage roots), or when the column
// has no lineage; errs.Invalid for a version ID that is not one, an
// unknown direction or bounds out of range.
func (s *Store) ColumnLineageWalk(ctx context.Context, req ColumnWalkRequest) (*ColumnWalk, error) {
	if err := checkID("datasetVersionId", req.VersionID, KindDatasetVersion); err != nil {
		return nil, err
	}
	if err := checkText("column", req.Column, MaxNameLen, true); err != nil {
		return nil, err
	}
	var walked [2]bool // downstream, upstream
	switch req.Direction {
	case "", Both:
		walked = [2]bool{true, true}
	case Downstream:
		walked[0] = true
	case Upstream:
		walked[1] = true
	default:
		return nil, invalid("direction: %s is not UPSTREAM, DOWNSTREAM or BOTH", errs.Quote(req.Direction))
	}
	if req.Depth < 0 || req.Depth > MaxWalkDepth || req.Budget < 1 {
		return nil, invalid("column walk bounds: depth %d, budget %d", req.Depth, req.Budget)
	}
	return read(ctx, s, func(tx *txn) (*ColumnWalk, error) {
		w := &columnWalker{tx: tx, params: req.Scope.params(), versions: map[string]*walkedVersion{}, absent: map[string]bool{}}
		root := colKey{req.VersionID, req.Column}
		var down []string
		if walked[0] {
			down = []string{root.version}
		}
		if err := w.read([]string{root.version}, down); err != nil {
			return nil, err
		}
		rv := w.versions[root.version]
		if rv == nil || !req.Scope.Allows(rv.project) {
			return nil, fmt.Errorf("datasetVersionId %s: %w", errs.Quote(req.VersionID), errs.NotFound)
		}
		if !slices.Contains(rv.columns, req.Column) {
			return nil, fmt.Errorf("column %s of dataset version %s has no column lineage: %w", errs.Quote(req.Column), req.VersionID, errs.NotFound)
		}
		walk := &ColumnWalk{}
		// Breadth first in each direction, one level per query; a level's
		// new columns in ID order, as many as the budget takes.
		dist := [2]map[colKey]int{{}, {}}
		var frontier, found [2][]colKey
		for d := range 2 {
			if walked[d] {
				dist[d][root] = 0
				frontier[d] = []colKey{root}
			}
		}
		for k := 0; k < req.Depth && (len(frontier[0]) > 0 || len(frontier[1]) > 0); k++ {
			if err := w.prepare(frontier); err != nil {
				return nil, err
			}
			for d := range 2 {
				var next []colKey
				for _, c := range frontier[d] {
					for _, n := range w.neighbours(c, d) {
						if _, seen := dist[d][n]; !seen {
							dist[d][n] = k + 1
							next = append(next, n)
						}
					}
				}
				byID := make(map[colKey]string, len(next))
				for _, n := range next {
					byID[n] = ColumnID(n.version, n.name)
				}
				slices.SortFunc(next, func(a, b colKey) int { return cmp.Compare(byID[a], byID[b]) })
				if room := req.Budget - len(found[d]); len(next) >= room {
					walk.Cut = true
					for _, n := range next[room:] {
						delete(dist[d], n)
					}
					next = next[:room]
					frontier[d] = nil
				} else {
					frontier[d] = next
				}
				found[d] = append(found[d], next...)
			}
		}
		// Both directions merged, each column at its shorter distance,
		// nearest first; the budget keeps the nearest.
		at := func(c colKey, d int) int {
			if n, ok := dist[d][c]; ok {
				return n
			}
			return -1
		}
		var order []colKey
		placed := map[colKey]bool{root: true}
		for d := range 2 {
			for _, c := range found[d] {
				if !placed[c] {
					placed[c] = true
					order = append(order, c)
				}
			}
		}
		distance := func(c colKey) int { return shorter(at(c, 0), at(c, 1)) }
		slices.SortStableFunc(order, func(a, b colKey) int { return distance(a) - distance(b) })
		kept := []colKey{root}
		for _, c := range order {
			if len(kept) >= req.Budget {
				walk.Cut = true
				break
			}
			kept = append(kept, c)
		}
		ids := make(map[colKey]string, len(kept))
		for _, c := range kept {
			ids[c] = ColumnID(c.version, c.name)
			walk.Columns = append(walk.Columns, WalkedColumn{ID: ids[c], VersionID: c.version, Name: c.name,
				ProjectKey: w.versions[c.version].project, Distance: distance(c), Down: at(c, 0) >= 0})
		}
		// More beyond the depth bound matters only to a walk the budget
		// did not cut (either makes the graph truncated).
		if !walk.Cut {
			var edge [2][]colKey
			for _, c := range kept {
				for d := range 2 {
					if at(c, d) == req.Depth {
						edge[d] = append(edge[d], c)
					}
				}
			}
			if err := w.prepare(edge); err != nil {
				return nil, err
			}
			for d := range 2 {
				for _, c := range edge[d] {
					for _, n := range w.neighbours(c, d) {
						if _, ok := ids[n]; !ok {
							walk.More = true
						}
					}
				}
			}
		}
		for _, c := range kept {
			for _, src := range w.versions[c.version].lineage[c.name] {
				if from, ok := ids[colKey{src[0], src[1]}]; ok {
					walk.Feeds = append(walk.Feeds, ColumnFeed{From: from, To: ids[c], Transformations: src[2]})
				}
			}
		}
		slices.SortFunc(walk.Feeds, func(a, b ColumnFeed) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
		versions := []string{req.VersionID}
		for _, c := range walk.Columns {
			if c.Down && !slices.Contains(versions, c.VersionID) {
				versions = append(versions, c.VersionID)
			}
		}
		w.params["versionIds"] = versions
		rec, err := tx.single(columnModelVersionsQuery, w.params)
		if err != nil {
			return nil, err
		}
		ms, err := recMaps(rec, "mvs")
		if err != nil {
			return nil, err
		}
		if walk.ModelVersions, err = decodeAll(ms, decodeModelVersion); err != nil {
			return nil, err
		}
		if walk.ModelVersions == nil {
			walk.ModelVersions = []*ModelVersion{}
		}
		return walk, nil
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
