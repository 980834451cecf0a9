package store_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestColumnLineageWalkScope: a column lineage walk neither returns nor
// passes through columns of projects outside its scope. OpenLineage
// events write one project each, so the columns and FEEDS edges across
// projects here are written by hand, as a later writer might.
func TestColumnLineageWalkScope(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	seen, hidden := newProject(t, s, "colseen"), newProject(t, s, "colhidden")
	version := func(key, name string) *store.DatasetVersion {
		d, err := s.RegisterDataset(ctx, actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://cols", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return neo4jtest.Version(t, s, d, "v1")
	}
	a, h, b := version(seen, "a"), version(hidden, "h"), version(seen, "b")
	col := func(v *store.DatasetVersion, name string) string {
		id := "col_" + uuid.NewString()
		neo4jtest.Exec(t, `CREATE (:Column {id: $id, versionId: $v, projectKey: $p, name: $n})`, map[string]any{"id": id, "v": v.ID, "p": v.ProjectKey, "n": name})
		return id
	}
	ca, ch, cb, ca2 := col(a, "x"), col(h, "y"), col(b, "z"), col(a, "w")
	for _, e := range [][2]string{{ca, ch}, {ch, cb}, {ca, ca2}} {
		neo4jtest.Exec(t, `MATCH (f:Column {id: $f}), (o:Column {id: $o}) CREATE (f)-[:FEEDS {transformations: '[]'}]->(o)`, map[string]any{"f": e[0], "o": e[1]})
	}
	walk := func(sc store.Scope) []string {
		t.Helper()
		w, err := s.ColumnLineageWalk(ctx, store.ColumnWalkRequest{VersionID: a.ID, Column: "x", Direction: store.Downstream, Depth: 5, Budget: 10, Scope: sc})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range w.Columns {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if got := walk(store.Scope{Keys: []string{seen}}); !slices.Equal(got, []string{ca, ca2}) {
		t.Errorf("a reader of one project walked %v, want %v", got, []string{ca, ca2})
	}
	if got := walk(store.Scope{All: true}); len(got) != 4 || got[0] != ca {
		t.Errorf("a reader of all walked %v", got)
	}
	// The root's version out of scope is not found, as a missing one.
	_, err := s.ColumnLineageWalk(ctx, store.ColumnWalkRequest{VersionID: h.ID, Column: "y", Depth: 1, Budget: 10, Scope: store.Scope{Keys: []string{seen}}})
	neo4jtest.WantErr(t, err, errs.NotFound)
	_, err = s.ColumnLineageWalk(ctx, store.ColumnWalkRequest{VersionID: a.ID, Column: "nope", Depth: 1, Budget: 10, Scope: store.Scope{All: true}})
	neo4jtest.WantErr(t, err, errs.NotFound)
}
