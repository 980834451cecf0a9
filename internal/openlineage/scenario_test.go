package openlineage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// runEvent builds a RunEvent of job ns/name for run id.
func runEvent(typ, id, ns, name string, at time.Time, extra map[string]any) map[string]any {
	e := map[string]any{
		"eventType": typ, "eventTime": at.Format(time.RFC3339Nano), "producer": "https://example.com/producer",
		"schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run":       map[string]any{"runId": id, "facets": map[string]any{}},
		"job":       map[string]any{"namespace": ns, "name": name, "facets": map[string]any{}},
	}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

func ds(ns, name string, facets map[string]any) map[string]any {
	return map[string]any{"namespace": ns, "name": name, "facets": facets}
}

func facet(fields map[string]any) map[string]any {
	fields["_producer"], fields["_schemaURL"] = "https://example.com/producer", "https://example.com/schema"
	return fields
}

type fixture struct {
	s       *store.Store
	svc     *openlineage.Service
	project string
	p       *auth.Principal
}

func newFixture(t *testing.T) *fixture {
	s := neo4jtest.Store(t)
	project := neo4jtest.Project(t, s, "ol")
	return &fixture{s: s, svc: openlineage.New(s, openlineage.Config{DefaultProject: project}), project: project, p: contributorOf(project)}
}

func (f *fixture) send(t *testing.T, e map[string]any) openlineage.Result {
	t.Helper()
	res, err := f.svc.Ingest(t.Context(), f.p, encode(t, e))
	if err != nil {
		t.Fatalf("ingest %v: %v", e["eventType"], err)
	}
	return res
}

func (f *fixture) run(t *testing.T, ext string) map[string]any {
	t.Helper()
	var out map[string]any
	rows := neo4jtest.Rows(t, `MATCH (r:Run {projectKey: $p, externalId: $ext}) RETURN r{.*} AS r`, map[string]any{"p": f.project, "ext": ext})
	if len(rows) != 1 {
		t.Fatalf("%d runs with externalId %s", len(rows), ext)
	}
	out = rows[0]["r"].(map[string]any)
	return out
}

// TestOutOfOrderRun: COMPLETE before START ends FINISHED with the START's
// time as its start; a late START does not reopen it; the log has one
// RUN_STARTED and one status change.
func TestOutOfOrderRun(t *testing.T) {
	f := newFixture(t)
	id := uuid.NewString()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	f.send(t, runEvent("COMPLETE", id, "airflow", "etl", at.Add(time.Minute), nil))
	f.send(t, runEvent("START", id, "airflow", "etl", at, nil))
	r := f.run(t, id)
	if r["status"] != "FINISHED" {
		t.Fatalf("status %v", r["status"])
	}
	if got := r["startedAt"].(time.Time); !got.Equal(at) {
		t.Fatalf("startedAt %v, want %v", got, at)
	}
	if got := r["endedAt"].(time.Time); !got.Equal(at.Add(time.Minute)) {
		t.Fatalf("endedAt %v", got)
	}
	kinds := neo4jtest.Rows(t, `MATCH (e:Event {projectKey: $p, targetId: $id}) RETURN e.kind AS k ORDER BY e.seq`, map[string]any{"p": f.project, "id": r["id"]})
	if len(kinds) != 1 || kinds[0]["k"] != string(store.EventRunStarted) {
		t.Fatalf("run events: %v", kinds)
	}
}

// TestParentRunsLinkInEitherOrder: a child run names its parent; the two
// are linked whichever arrives first, and the jobs are linked too.
func TestParentRunsLinkInEitherOrder(t *testing.T) {
	for _, childFirst := range []bool{true, false} {
		t.Run(fmt.Sprint("childFirst=", childFirst), func(t *testing.T) {
			f := newFixture(t)
			parent, child := uuid.NewString(), uuid.NewString()
			at := time.Now().UTC()
			c := runEvent("START", child, "airflow", "dag.task", at, nil)
			c["run"].(map[string]any)["facets"] = map[string]any{"parent": facet(map[string]any{
				"run": map[string]any{"runId": parent}, "job": map[string]any{"namespace": "airflow", "name": "dag"}})}
			p := runEvent("START", parent, "airflow", "dag", at, nil)
			if childFirst {
				f.send(t, c)
				f.send(t, p)
			} else {
				f.send(t, p)
				f.send(t, c)
			}
			n := neo4jtest.Count(t, `MATCH (p:Run {externalId: $p, projectKey: $k})-[:PARENT_OF]->(c:Run {externalId: $c, projectKey: $k}) RETURN count(*) AS n`,
				map[string]any{"p": parent, "c": child, "k": f.project})
			if n != 1 {
				t.Fatalf("%d PARENT_OF edges", n)
			}
			n = neo4jtest.Count(t, `MATCH (:Job {name: 'dag', projectKey: $k})-[:HAS_CHILD]->(:Job {name: 'dag.task', projectKey: $k}) RETURN count(*) AS n`,
				map[string]any{"k": f.project})
			if n != 1 {
				t.Fatalf("%d HAS_CHILD edges", n)
			}
		})
	}
}

// TestLineageAcrossRuns: a run's output is the version the next run reads
// when that one names no version; column lineage links the columns;
// failed assertions become a FAILED validation run on what was read.
func TestLineageAcrossRuns(t *testing.T) {
	f := newFixture(t)
	at := time.Now().UTC()
	producer, consumer := uuid.NewString(), uuid.NewString()
	schema := facet(map[string]any{"fields": []any{map[string]any{"name": "amount", "type": "DOUBLE"}, map[string]any{"name": "country", "type": "STRING"}}})
	f.send(t, runEvent("COMPLETE", producer, "spark", "ingest", at, map[string]any{
		"outputs": []any{ds("s3://lake", "raw/tx", map[string]any{"schema": schema})}}))
	out := ds("s3://lake", "features/tx", map[string]any{"columnLineage": facet(map[string]any{"fields": map[string]any{
		"amount_usd": map[string]any{"inputFields": []any{map[string]any{"namespace": "s3://lake", "name": "raw/tx", "field": "amount",
			"transformations": []any{map[string]any{"type": "DIRECT", "subtype": "TRANSFORMATION"}}}}}}})})
	in := ds("s3://lake", "raw/tx", nil)
	in["inputFacets"] = map[string]any{"dataQualityAssertions": facet(map[string]any{"assertions": []any{
		map[string]any{"assertion": "not_null", "column": "amount", "success": true},
		map[string]any{"assertion": "positive", "column": "amount", "success": false}}})}
	f.send(t, runEvent("COMPLETE", consumer, "spark", "features", at.Add(time.Minute), map[string]any{
		"inputs": []any{in}, "outputs": []any{out}}))

	rows := neo4jtest.Rows(t, `
		MATCH (:Run {externalId: $a})-[:PRODUCED]->(v:DatasetVersion)-[:CONSUMED_BY]->(:Run {externalId: $b})
		RETURN v.version AS version, v.digest AS digest, v.schemaNames AS names`, map[string]any{"a": producer, "b": consumer})
	if len(rows) != 1 || rows[0]["version"] != "run:"+producer || rows[0]["digest"] != nil {
		t.Fatalf("version between the runs: %v", rows)
	}
	ids := neo4jtest.Rows(t, `
		MATCH (va:DatasetVersion {version: 'run:' + $a}), (vb:DatasetVersion {version: 'run:' + $b})
		RETURN va.id AS a, vb.id AS b`, map[string]any{"a": producer, "b": consumer})
	if len(ids) != 1 {
		t.Fatalf("versions of the runs: %v", ids)
	}
	w, err := f.s.ColumnLineageWalk(t.Context(), store.ColumnWalkRequest{VersionID: ids[0]["b"].(string), Column: "amount_usd",
		Direction: store.Upstream, Depth: 1, Budget: 10, Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range w.Feeds {
		if e.From == store.ColumnID(ids[0]["a"].(string), "amount") && e.To == store.ColumnID(ids[0]["b"].(string), "amount_usd") &&
			strings.Contains(e.Transformations, "TRANSFORMATION") {
			n++
		}
	}
	if n != 1 || len(w.Feeds) != 1 {
		t.Fatalf("%d column edges of %+v", n, w.Feeds)
	}
	rows = neo4jtest.Rows(t, `
		MATCH (r:ValidationRun)-[:VALIDATES]->(v:DatasetVersion {version: 'run:' + $a})
		RETURN r.status AS status, r.engine AS engine, r.suiteName AS suite, v.qualityStatus AS quality`, map[string]any{"a": producer})
	if len(rows) != 1 || rows[0]["status"] != "FAILED" || rows[0]["engine"] != store.EngineOpenLineage || rows[0]["suite"] != "features" {
		t.Fatalf("validation runs: %v", rows)
	}
	if rows[0]["quality"] != "FAILED" {
		t.Fatalf("the version's quality status is %v", rows[0]["quality"])
	}
}

// TestRejectedEventsWriteNothing: an event refused for its content, its
// project or its caller's role leaves the project as it was.
func TestRejectedEventsWriteNothing(t *testing.T) {
	f := newFixture(t)
	other := neo4jtest.Project(t, f.s, "ol-other")
	strict := openlineage.New(f.s, openlineage.Config{Projects: map[string]string{"mapped": other}})
	good := runEvent("START", uuid.NewString(), "airflow", "etl", time.Now(), map[string]any{"inputs": []any{ds("s3://x", "t", nil)}})
	bad := runEvent("START", "not-a-uuid", "airflow", "etl", time.Now(), map[string]any{"inputs": []any{ds("s3://x", "t", nil)}})
	var asserted []any
	for i := range openlineage.MaxAssertedDatasets + 1 {
		d := ds("s3://x", fmt.Sprintf("t%d", i), nil)
		d["inputFacets"] = map[string]any{"dataQualityAssertions": facet(map[string]any{"assertions": []any{
			map[string]any{"assertion": "not_null", "success": true}}})}
		asserted = append(asserted, d)
	}
	heavy := runEvent("START", uuid.NewString(), "airflow", "etl", time.Now(), map[string]any{"inputs": asserted})
	viewer := &auth.Principal{Subject: "v", Roles: map[string]auth.Role{f.project: auth.RoleViewer}}
	elsewhere := contributorOf("another-project")
	cases := []struct {
		name string
		svc  *openlineage.Service
		p    *auth.Principal
		body map[string]any
		want error
	}{
		{"invalid event", f.svc, f.p, bad, errs.Invalid},
		{"too much work for one event", f.svc, f.p, heavy, errs.Invalid},
		{"viewer only", f.svc, viewer, good, errs.Forbidden},
		{"contributor of another project", f.svc, elsewhere, good, errs.Forbidden},
		{"unmapped namespace, no default", strict, contributorOf(other), good, errs.Invalid},
		{"no caller", f.svc, nil, good, errs.Unauthenticated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, events := neo4jtest.ProjectNodes(t, f.project), neo4jtest.ProjectEvents(t, f.project)
			_, err := c.svc.Ingest(t.Context(), c.p, encode(t, c.body))
			if !errors.Is(err, c.want) {
				t.Fatalf("want %v, got %v", c.want, err)
			}
			if after := neo4jtest.ProjectNodes(t, f.project); after != before {
				t.Fatalf("%d nodes written", after-before)
			}
			if after := neo4jtest.ProjectEvents(t, f.project); after != events {
				t.Fatalf("%d events appended", after-events)
			}
		})
	}
}

// TestConcurrentEventsShareBatches: events sent at once are all written,
// each exactly once, whatever batches they were grouped in.
func TestConcurrentEventsShareBatches(t *testing.T) {
	f := newFixture(t)
	const runs = 40
	errc := make(chan error, 2*runs)
	at := time.Now().UTC()
	for i := range runs {
		id := uuid.NewString()
		for _, typ := range []string{"START", "COMPLETE"} {
			go func() {
				e := runEvent(typ, id, "airflow", fmt.Sprintf("job-%d", i%5), at.Add(time.Duration(len(typ))*time.Second),
					map[string]any{"outputs": []any{ds("s3://lake", fmt.Sprintf("t%d", i%7), nil)}})
				_, err := f.svc.Ingest(t.Context(), f.p, encode(t, e))
				errc <- err
			}()
		}
	}
	for range 2 * runs {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	if n := neo4jtest.Count(t, `MATCH (r:Run {projectKey: $p, status: 'FINISHED'}) RETURN count(r) AS n`, map[string]any{"p": f.project}); n != runs {
		t.Fatalf("%d finished runs, want %d", n, runs)
	}
	if n := neo4jtest.Count(t, `MATCH (j:Job {projectKey: $p}) RETURN count(j) AS n`, map[string]any{"p": f.project}); n != 5 {
		t.Fatalf("%d jobs, want 5", n)
	}
	if n := neo4jtest.Count(t, `MATCH (d:Dataset {projectKey: $p}) RETURN count(d) AS n`, map[string]any{"p": f.project}); n != 7 {
		t.Fatalf("%d datasets, want 7", n)
	}
	if n := neo4jtest.Count(t, `MATCH (e:LineageEvent {projectKey: $p}) RETURN count(e) AS n`, map[string]any{"p": f.project}); n != 2*runs {
		t.Fatalf("%d events recorded, want %d", n, 2*runs)
	}
}

// TestInputKeepsTheVersionItsRunRead: a run's COMPLETE names its input
// without a version, after another run wrote a newer one; the run still
// read the version its START resolved to, and only that one.
func TestInputKeepsTheVersionItsRunRead(t *testing.T) {
	f := newFixture(t)
	at := time.Now().UTC()
	writer1, reader, writer2 := uuid.NewString(), uuid.NewString(), uuid.NewString()
	out := func() []any { return []any{ds("s3://lake", "shared", nil)} }
	in := func() []any { return []any{ds("s3://lake", "shared", nil)} }
	f.send(t, runEvent("COMPLETE", writer1, "spark", "w", at, map[string]any{"outputs": out()}))
	f.send(t, runEvent("START", reader, "spark", "r", at.Add(time.Second), map[string]any{"inputs": in()}))
	f.send(t, runEvent("COMPLETE", writer2, "spark", "w", at.Add(2*time.Second), map[string]any{"outputs": out()}))
	f.send(t, runEvent("COMPLETE", reader, "spark", "r", at.Add(3*time.Second), map[string]any{"inputs": in()}))
	rows := neo4jtest.Rows(t, `MATCH (v:DatasetVersion)-[:CONSUMED_BY]->(:Run {externalId: $r}) RETURN v.version AS version`, map[string]any{"r": reader})
	if len(rows) != 1 || rows[0]["version"] != "run:"+writer1 {
		t.Fatalf("the reader read %v, want only run:%s", rows, writer1)
	}
	// A new run reads the newest version.
	late := uuid.NewString()
	f.send(t, runEvent("START", late, "spark", "r", at.Add(4*time.Second), map[string]any{"inputs": in()}))
	rows = neo4jtest.Rows(t, `MATCH (v:DatasetVersion)-[:CONSUMED_BY]->(:Run {externalId: $r}) RETURN v.version AS version`, map[string]any{"r": late})
	if len(rows) != 1 || rows[0]["version"] != "run:"+writer2 {
		t.Fatalf("a later run read %v, want run:%s", rows, writer2)
	}
}
