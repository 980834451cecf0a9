package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// colVersion registers dataset name in project key with one version.
func colVersion(t *testing.T, s *store.Store, key, name string) *store.DatasetVersion {
	t.Helper()
	d, err := s.RegisterDataset(t.Context(), actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://cols", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return neo4jtest.Version(t, s, d, "v1")
}

// colWalk walks from column of version v and returns the columns as
// "version.column@distance" with version the index of its ID in names.
func colWalk(t *testing.T, s *store.Store, req store.ColumnWalkRequest, names map[string]string) ([]string, *store.ColumnWalk) {
	t.Helper()
	if req.Budget == 0 {
		req.Budget = 100
	}
	if req.Scope.Keys == nil {
		req.Scope.All = true
	}
	w, err := s.ColumnLineageWalk(t.Context(), req)
	if err != nil {
		t.Fatalf("walk from %s.%s: %v", names[req.VersionID], req.Column, err)
	}
	var out []string
	for _, c := range w.Columns {
		if c.ID != store.ColumnID(c.VersionID, c.Name) {
			t.Errorf("column %s.%s has ID %s", names[c.VersionID], c.Name, c.ID)
		}
		out = append(out, fmt.Sprintf("%s.%s@%d", names[c.VersionID], c.Name, c.Distance))
	}
	return out, w
}

// TestColumnLineageWalkScope: a column lineage walk neither returns nor
// passes through columns of projects outside its scope. OpenLineage
// events write one project each, so the column lineage across projects
// here is written by hand, as a later writer might.
func TestColumnLineageWalkScope(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	seen, hidden := newProject(t, s, "colseen"), newProject(t, s, "colhidden")
	a, h, b := colVersion(t, s, seen, "a"), colVersion(t, s, hidden, "h"), colVersion(t, s, seen, "b")
	// a.x feeds h.y, which feeds b.z; a.x also feeds a.w. No run wrote
	// them, so the inputs list what derives from them.
	for _, v := range []struct {
		v            *store.DatasetVersion
		lineage      string
		columns, fed []string
	}{
		{a, fmt.Sprintf(`{"w":[[%q,"x","[]"]]}`, a.ID), []string{"w", "x"}, []string{a.ID, h.ID}},
		{h, fmt.Sprintf(`{"y":[[%q,"x","[]"]]}`, a.ID), []string{"y"}, []string{b.ID}},
		{b, fmt.Sprintf(`{"z":[[%q,"y","[]"]]}`, h.ID), []string{"z"}, nil},
	} {
		neo4jtest.Exec(t, `MATCH (v:DatasetVersion {id: $id}) SET v.columnLineage = $l, v.lineageColumns = $c, v.feedsVersions = $f`,
			map[string]any{"id": v.v.ID, "l": v.lineage, "c": v.columns, "f": v.fed})
	}
	names := map[string]string{a.ID: "a", h.ID: "h", b.ID: "b"}
	for _, dir := range []store.Direction{store.Downstream, store.Both} {
		got, _ := colWalk(t, s, store.ColumnWalkRequest{VersionID: a.ID, Column: "x", Direction: dir, Depth: 5, Scope: store.Scope{Keys: []string{seen}}}, names)
		if want := []string{"a.x@0", "a.w@1"}; !slices.Equal(got, want) {
			t.Errorf("%s: a reader of one project walked %v, want %v", dir, got, want)
		}
	}
	got, _ := colWalk(t, s, store.ColumnWalkRequest{VersionID: a.ID, Column: "x", Direction: store.Downstream, Depth: 5}, names)
	if len(got) != 4 || got[0] != "a.x@0" || !slices.Equal(slices.Sorted(slices.Values(got[1:3])), []string{"a.w@1", "h.y@1"}) || got[3] != "b.z@2" {
		t.Errorf("a reader of all walked %v, want a.x@0, then a.w@1 and h.y@1, then b.z@2", got)
	}
	// Upstream from b.z: h is hidden, so nothing lies beyond b.z.
	got, w := colWalk(t, s, store.ColumnWalkRequest{VersionID: b.ID, Column: "z", Direction: store.Upstream, Depth: 5, Scope: store.Scope{Keys: []string{seen}}}, names)
	if !slices.Equal(got, []string{"b.z@0"}) || len(w.Feeds) != 0 || w.More || w.Cut {
		t.Errorf("upstream of b.z past a hidden version: %v %+v", got, w)
	}
	// At the depth bound, a hidden neighbour is not "more".
	_, w = colWalk(t, s, store.ColumnWalkRequest{VersionID: a.ID, Column: "x", Direction: store.Downstream, Depth: 1, Scope: store.Scope{Keys: []string{seen}}}, names)
	if w.More || w.Cut {
		t.Errorf("depth 1 in one project: more %v cut %v", w.More, w.Cut)
	}
	_, w = colWalk(t, s, store.ColumnWalkRequest{VersionID: a.ID, Column: "x", Direction: store.Downstream, Depth: 1}, names)
	if !w.More {
		t.Errorf("depth 1 for a reader of all: h.y's b.z lies beyond")
	}
	// The root's version out of scope is not found, as a missing one.
	_, err := s.ColumnLineageWalk(ctx, store.ColumnWalkRequest{VersionID: h.ID, Column: "y", Depth: 1, Budget: 10, Scope: store.Scope{Keys: []string{seen}}})
	neo4jtest.WantErr(t, err, errs.NotFound)
	_, err = s.ColumnLineageWalk(ctx, store.ColumnWalkRequest{VersionID: a.ID, Column: "nope", Depth: 1, Budget: 10, Scope: store.Scope{All: true}})
	neo4jtest.WantErr(t, err, errs.NotFound)
}

// TestColumnLineageMigration: column lineage written as Column nodes and
// FEEDS edges, as before the version properties, gives the same answers
// once migrated, and migrating again changes nothing.
func TestColumnLineageMigration(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "colmig")
	src, mid, out := colVersion(t, s, key, "src"), colVersion(t, s, key, "mid"), colVersion(t, s, key, "out")
	names := map[string]string{src.ID: "src", mid.ID: "mid", out.ID: "out"}
	// A run read src and wrote mid; out's lineage names mid, which no
	// run that wrote out read (the newest-version fallback).
	neo4jtest.Exec(t, `MATCH (s:DatasetVersion {id: $src}), (m:DatasetVersion {id: $mid})
		CREATE (s)-[:CONSUMED_BY]->(r:Run {id: $run, projectKey: $p})-[:PRODUCED]->(m)`,
		map[string]any{"src": src.ID, "mid": mid.ID, "run": "run_" + uuid.NewString(), "p": key})
	col := func(v *store.DatasetVersion, name string) string {
		id := "col_" + uuid.NewString()
		neo4jtest.Exec(t, `CREATE (:Column {id: $id, versionId: $v, projectKey: $p, name: $n})`, map[string]any{"id": id, "v": v.ID, "p": key, "n": name})
		return id
	}
	a, b, c := col(src, "a"), col(mid, "b"), col(out, "c")
	col(mid, "lone") // an output column whose input was not found
	const identity = `[{"type":"DIRECT","subtype":"IDENTITY"}]`
	for _, e := range []struct{ from, to, tr string }{{a, b, identity}, {b, c, "[]"}} {
		neo4jtest.Exec(t, `MATCH (f:Column {id: $f}), (o:Column {id: $o}) CREATE (f)-[:FEEDS {transformations: $tr, runId: 'r'}]->(o)`,
			map[string]any{"f": e.from, "o": e.to, "tr": e.tr})
	}
	check := func(t *testing.T) {
		t.Helper()
		if n := neo4jtest.Count(t, `MATCH (c:Column) WHERE c.versionId IN $ids RETURN count(c) AS n`,
			map[string]any{"ids": []string{src.ID, mid.ID, out.ID}}); n != 0 {
			t.Fatalf("%d Column nodes left", n)
		}
		got, w := colWalk(t, s, store.ColumnWalkRequest{VersionID: src.ID, Column: "a", Direction: store.Downstream, Depth: 5}, names)
		if want := []string{"src.a@0", "mid.b@1", "out.c@2"}; !slices.Equal(got, want) || w.Cut || w.More {
			t.Fatalf("downstream of src.a: %v, want %v", got, want)
		}
		feeds := map[string]string{}
		for _, f := range w.Feeds {
			feeds[f.From+">"+f.To] = f.Transformations
		}
		id := store.ColumnID
		if len(feeds) != 2 || feeds[id(src.ID, "a")+">"+id(mid.ID, "b")] != identity || feeds[id(mid.ID, "b")+">"+id(out.ID, "c")] != "[]" {
			t.Fatalf("feeds %+v", w.Feeds)
		}
		got, _ = colWalk(t, s, store.ColumnWalkRequest{VersionID: out.ID, Column: "c", Direction: store.Upstream, Depth: 5}, names)
		if want := []string{"out.c@0", "mid.b@1", "src.a@2"}; !slices.Equal(got, want) {
			t.Fatalf("upstream of out.c: %v, want %v", got, want)
		}
		cols, err := s.VersionColumns(ctx, []string{src.ID, mid.ID, out.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cols[0], []string{"a"}) || !slices.Equal(cols[1], []string{"b", "lone"}) || !slices.Equal(cols[2], []string{"c"}) {
			t.Fatalf("columns %v", cols)
		}
		rows := neo4jtest.Rows(t, `MATCH (v:DatasetVersion) WHERE v.id IN $ids RETURN v.id AS id, v.feedsVersions AS fed`,
			map[string]any{"ids": []string{src.ID, mid.ID, out.ID}})
		for _, r := range rows {
			fed, _ := r["fed"].([]any)
			want := 0
			if r["id"] == mid.ID {
				want = 1 // out, which no run that read mid wrote
			}
			if len(fed) != want {
				t.Fatalf("%s feeds %v", names[r["id"].(string)], fed)
			}
		}
	}
	if err := s.ConvertColumnNodes(ctx, 1); err != nil {
		t.Fatal(err)
	}
	check(t)
	if err := s.ConvertColumnNodes(ctx, 1); err != nil {
		t.Fatal(err)
	}
	check(t)
}

// olEvent is a run event of job "job" for run, as internal/openlineage
// maps one: inputs read, outputs written with column lineage cols.
func olEvent(key, run, typ string, at time.Time, inputs []string, outputs map[string][]store.ColumnDerivation) store.LineageEvent {
	e := store.LineageEvent{Hash: uuid.NewString(), ProjectKey: key, Actor: actor, Type: typ, Time: at,
		Job: &store.LineageJob{Namespace: "etl", Name: "job-" + run[:8]}, Run: &store.LineageRun{ExternalID: run}}
	for _, in := range inputs {
		e.Inputs = append(e.Inputs, store.LineageDataset{Namespace: "pg", Name: in})
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range outputs {
			if !yield(k) {
				return
			}
		}
	}) {
		e.Outputs = append(e.Outputs, store.LineageDataset{Namespace: "pg", Name: name, Columns: outputs[name]})
	}
	return e
}

func from(dataset, column string) store.ColumnSource {
	return store.ColumnSource{Namespace: "pg", Name: dataset, Column: column, Transformations: `[{"type":"DIRECT"}]`}
}

// TestColumnLineageWrites: what OpenLineage events write of column
// lineage, and what they do not write again.
func TestColumnLineageWrites(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	ingest := func(t *testing.T, es ...store.LineageEvent) {
		t.Helper()
		res, err := s.IngestLineage(ctx, es, openlineage.Next)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		}
	}
	// version returns the ID of the version of dataset name run wrote or
	// read.
	version := func(t *testing.T, key, name, label string) string {
		t.Helper()
		rows := neo4jtest.Rows(t, `MATCH (:Dataset {projectKey: $k, name: $n})-[:HAS_VERSION]->(v:DatasetVersion {version: $l}) RETURN v.id AS id`,
			map[string]any{"k": key, "n": name, "l": label})
		if len(rows) != 1 {
			t.Fatalf("%d versions %s of %s", len(rows), label, name)
		}
		return rows[0]["id"].(string)
	}

	t.Run("a COMPLETE repeating its START's column lineage writes none of it", func(t *testing.T) {
		key := newProject(t, s, "colrep")
		run := uuid.NewString()
		outs := map[string][]store.ColumnDerivation{"dst": {{Column: "y", From: []store.ColumnSource{from("src", "x")}}}}
		ingest(t, olEvent(key, run, "START", at, []string{"src"}, outs))
		dst, src := version(t, key, "dst", "run:"+run), version(t, key, "src", store.VersionUnversioned)
		names := map[string]string{dst: "dst", src: "src"}
		got, _ := colWalk(t, s, store.ColumnWalkRequest{VersionID: src, Column: "x", Depth: 5}, names)
		if !slices.Equal(got, []string{"src.x@0", "dst.y@1"}) {
			t.Fatalf("after START: %v", got)
		}
		// Were the COMPLETE to write any of it, these would change.
		neo4jtest.Exec(t, `MATCH (v:DatasetVersion) WHERE v.id IN $ids
			SET v.columnLineage = replace(v.columnLineage, 'DIRECT', 'MARKED'), v.lineageColumns = v.lineageColumns + ['zz'], v.feedsVersions = ['mark']`,
			map[string]any{"ids": []string{dst, src}})
		ingest(t, olEvent(key, run, "COMPLETE", at.Add(time.Minute), []string{"src"}, outs))
		rows := neo4jtest.Rows(t, `MATCH (v:DatasetVersion) WHERE v.id IN $ids
			RETURN v.id AS id, coalesce(v.columnLineage, '') AS l, v.lineageColumns AS c, v.feedsVersions AS f`, map[string]any{"ids": []string{dst, src}})
		for _, r := range rows {
			c, _ := r["c"].([]any)
			f, _ := r["f"].([]any)
			if (r["id"] == dst && !strings.Contains(r["l"].(string), "MARKED")) || len(c) == 0 || c[len(c)-1] != "zz" || len(f) != 1 {
				t.Errorf("the COMPLETE wrote to %s: %v", names[r["id"].(string)], r)
			}
		}
	})

	t.Run("an input column the run did not read is of the newest version", func(t *testing.T) {
		key := newProject(t, s, "colnew")
		reader, writer := uuid.NewString(), uuid.NewString()
		// The reader's START reads src (its first version), then another
		// run writes a newer version of src, then the reader's COMPLETE
		// names src in its column lineage without listing it as an input.
		ingest(t, olEvent(key, reader, "START", at, []string{"src"}, nil))
		read := version(t, key, "src", store.VersionUnversioned)
		ingest(t, olEvent(key, writer, "COMPLETE", at.Add(time.Minute), nil, map[string][]store.ColumnDerivation{"src": nil}))
		newer := version(t, key, "src", "run:"+writer)
		ingest(t, olEvent(key, reader, "COMPLETE", at.Add(2*time.Minute), nil,
			map[string][]store.ColumnDerivation{"dst": {{Column: "y", From: []store.ColumnSource{from("src", "x")}}}}))
		dst := version(t, key, "dst", "run:"+reader)
		names := map[string]string{read: "read", newer: "newer", dst: "dst"}
		if n := neo4jtest.Count(t, `MATCH (v:DatasetVersion {id: $v})-[:CONSUMED_BY]->(:Run {externalId: $r}) RETURN count(*) AS n`,
			map[string]any{"v": read, "r": reader}); n != 1 {
			t.Fatalf("the reader read the first version %d times", n)
		}
		got, w := colWalk(t, s, store.ColumnWalkRequest{VersionID: newer, Column: "x", Direction: store.Downstream, Depth: 5}, names)
		if !slices.Equal(got, []string{"newer.x@0", "dst.y@1"}) || len(w.Feeds) != 1 || w.Feeds[0].Transformations != `[{"type":"DIRECT"}]` {
			t.Fatalf("downstream of the newer version: %v %+v", got, w.Feeds)
		}
		got, _ = colWalk(t, s, store.ColumnWalkRequest{VersionID: dst, Column: "y", Direction: store.Upstream, Depth: 5}, names)
		if !slices.Equal(got, []string{"dst.y@0", "newer.x@1"}) {
			t.Fatalf("upstream of dst.y: %v", got)
		}
		// The version the run read is not named: x of it has no lineage.
		_, err := s.ColumnLineageWalk(ctx, store.ColumnWalkRequest{VersionID: read, Column: "x", Depth: 5, Budget: 10, Scope: store.Scope{All: true}})
		neo4jtest.WantErr(t, err, errs.NotFound)
		cols, err := s.VersionColumns(ctx, []string{read, newer, dst})
		if err != nil {
			t.Fatal(err)
		}
		if len(cols[0]) != 0 || !slices.Equal(cols[1], []string{"x"}) || !slices.Equal(cols[2], []string{"y"}) {
			t.Fatalf("columns %v", cols)
		}
	})
}
