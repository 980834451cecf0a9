package store

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// columnNodesMigration names the migration that turned Column nodes and
// FEEDS edges into the column lineage properties of column_lineage.go.
const columnNodesMigration = "column_lineage_properties"

// migrateColumnNodes converts the column lineage that databases written
// before the properties hold as (Column)-[:FEEDS]->(Column) into the
// properties, then deletes the Column nodes and drops their constraints.
// It runs once per database (a SchemaMigration marks it done), in
// batches of versions, each batch one transaction; a batch interrupted
// is rolled back and done again. Columns are looked up by versionId with
// "name IS NOT NULL" so that the (versionId, name) constraint's index
// serves the lookup; without it every lookup scans the Column label.
func (s *Store) migrateColumnNodes(ctx context.Context) error {
	done, err := read(ctx, s, func(tx *txn) (bool, error) {
		rec, err := tx.single(`OPTIONAL MATCH (m:SchemaMigration {name: $name}) RETURN m IS NOT NULL AS done`,
			map[string]any{"name": columnNodesMigration})
		if err != nil {
			return false, err
		}
		return recBool(rec, "done")
	})
	if err != nil || done {
		return err
	}
	if err := s.convertColumnNodes(ctx, 500); err != nil {
		return err
	}
	// Schema and data cannot change in one transaction: the constraints
	// go once no Column node is left, then the marker is set.
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	for _, stmt := range []string{"DROP CONSTRAINT column_id IF EXISTS", "DROP CONSTRAINT column_name IF EXISTS"} {
		res, err := sess.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return fmt.Errorf("migrate %q: %w", stmt, classify(err))
		}
	}
	_, err = write(ctx, s, func(tx *txn) (any, error) {
		return tx.run(`MERGE (:SchemaMigration {name: $name})`, map[string]any{"name": columnNodesMigration})
	})
	return err
}

// convertColumnNodes converts Column nodes and FEEDS edges, batch
// versions at a time, until none is left: first the FEEDS edges into
// each version's columns become its columnLineage (and, for an input
// version no run that read it wrote the output from, an entry of its
// feedsVersions) and are deleted; then each version's Column nodes become
// its lineageColumns and are deleted. It is idempotent.
func (s *Store) convertColumnNodes(ctx context.Context, batch int) error {
	for {
		more, err := write(ctx, s, func(tx *txn) (bool, error) {
			recs, err := tx.run(`
				MATCH (o:Column)<-[:FEEDS]-() WITH DISTINCT o.versionId AS vid LIMIT $n
				MATCH (o:Column) WHERE o.versionId = vid AND o.name IS NOT NULL
				MATCH (a:Column)-[e:FEEDS]->(o)
				OPTIONAL MATCH (w:DatasetVersion {id: vid})
				WITH vid, w, o, a, e,
				     CASE WHEN w IS NULL THEN false
				          ELSE EXISTS { MATCH (:DatasetVersion {id: a.versionId})-[:CONSUMED_BY]->(:Run)-[:PRODUCED]->(w) } END AS read
				RETURN vid, w IS NOT NULL AS found, coalesce(w.columnLineage, '') AS lineage,
				       collect([o.name, a.versionId, a.name, coalesce(e.transformations, ''), read]) AS feeds`,
				map[string]any{"n": batch})
			if err != nil {
				return false, err
			}
			if len(recs) == 0 {
				return false, nil
			}
			var vids []string
			var lineage []map[string]any
			m := newColumnMarks()
			for _, rec := range recs {
				p := props{m: rec.AsMap()}
				vid, found, text, feeds := p.str("vid"), p.bool("found"), p.str("lineage"), p.list("feeds")
				if p.err != nil {
					return false, p.err
				}
				vids = append(vids, vid)
				if !found {
					continue
				}
				l, err := parseColumnLineage(text)
				if err != nil {
					return false, fmt.Errorf("dataset version %s: %w", vid, err)
				}
				for _, f := range feeds {
					row, ok := f.([]any)
					if !ok || len(row) != 5 {
						return false, fmt.Errorf("decode FEEDS into %s: got %T", vid, f)
					}
					to, ok1 := row[0].(string)
					from, ok2 := row[1].(string)
					col, ok3 := row[2].(string)
					tr, ok4 := row[3].(string)
					read, ok5 := row[4].(bool)
					if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
						return false, fmt.Errorf("decode FEEDS into %s: %v", vid, row)
					}
					l.add(to, columnSource{from, col, tr})
					m.name(vid, to)
					m.name(from, col)
					if !read {
						m.feed(from, vid)
					}
				}
				out, err := l.encode()
				if err != nil {
					return false, err
				}
				lineage = append(lineage, map[string]any{"version": vid, "lineage": out})
			}
			_, err = tx.run(`
				// scans FEEDS: a one-off migration, which deletes what it reads.
				// scans Column: the same.
				CALL { UNWIND $lineage AS l MATCH (v:DatasetVersion {id: l.version}) SET v.columnLineage = l.lineage }
				`+columnMarksCall+`
				CALL { UNWIND $vids AS vid MATCH (o:Column) WHERE o.versionId = vid AND o.name IS NOT NULL
				       MATCH (:Column)-[e:FEEDS]->(o) DELETE e }`,
				map[string]any{"lineage": orEmpty(lineage), "marks": m.rows(), "vids": vids})
			return true, err
		})
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	for {
		more, err := write(ctx, s, func(tx *txn) (bool, error) {
			recs, err := tx.run(`
				// scans Column: a one-off migration, which deletes the legacy columns it reads.
				MATCH (c:Column) WITH DISTINCT c.versionId AS vid LIMIT $n
				MATCH (c:Column) WHERE c.versionId = vid AND c.name IS NOT NULL
				RETURN vid, collect(c.name) AS names`, map[string]any{"n": batch})
			if err != nil {
				return false, err
			}
			if len(recs) == 0 {
				return false, nil
			}
			var vids []string
			m := newColumnMarks()
			for _, rec := range recs {
				p := props{m: rec.AsMap()}
				vid, names := p.str("vid"), p.strs("names")
				if p.err != nil {
					return false, p.err
				}
				vids = append(vids, vid)
				for _, n := range names {
					m.name(vid, n)
				}
			}
			_, err = tx.run(`// scans Column: a one-off migration, which deletes the legacy columns it reads.
				`+columnMarksCall+`
				CALL { UNWIND $vids AS vid MATCH (c:Column) WHERE c.versionId = vid AND c.name IS NOT NULL DETACH DELETE c }`,
				map[string]any{"marks": m.rows(), "vids": vids})
			return true, err
		})
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

// columnMarks gathers, per version, the lineage columns and the
// feedsVersions a write adds (see columnMarksCall).
type columnMarks struct {
	names, feeds map[string]map[string]bool
	order        []string
}

func newColumnMarks() *columnMarks {
	return &columnMarks{names: map[string]map[string]bool{}, feeds: map[string]map[string]bool{}}
}

func (m *columnMarks) touch(version string) {
	if m.names[version] == nil {
		m.names[version], m.feeds[version] = map[string]bool{}, map[string]bool{}
		m.order = append(m.order, version)
	}
}

// name notes that column of version has column lineage.
func (m *columnMarks) name(version, column string) {
	m.touch(version)
	m.names[version][column] = true
}

// feed notes that the column lineage of output names version although
// no run that read version wrote output.
func (m *columnMarks) feed(version, output string) {
	m.touch(version)
	m.feeds[version][output] = true
}

// rows are the $marks of columnMarksCall.
func (m *columnMarks) rows() []map[string]any {
	out := make([]map[string]any, 0, len(m.order))
	for _, v := range m.order {
		out = append(out, map[string]any{"version": v, "names": slices.Sorted(maps.Keys(m.names[v])),
			"feeds": slices.Sorted(maps.Keys(m.feeds[v]))})
	}
	return out
}
