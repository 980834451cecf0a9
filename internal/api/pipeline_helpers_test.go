// A pipeline written by OpenLineage events, the way a scheduler reports
// one: a DAG run starts a task that aggregates orders, and a second task
// reads the aggregate, writes a report and fails. Tests of jobs, runs,
// versions without digests and column lineage read it through GraphQL;
// the leak fixture builds one in each project.

package api_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// pipeline is what plPipeline wrote, by ID.
type pipeline struct {
	project, m string
	// The job namespace and the names of the jobs.
	ns, dag, agg, report string
	// Runs: the DAG's, the aggregation's (a child of the DAG's) and the
	// report's (FAILED).
	dagRun, aggRun, reportRun       string
	dagExt, aggExt, reportExt       string
	dagJob, aggJob, reportJob       string
	orders, aggDS, reportDS         string // datasets
	ordersV1, aggV, reportV         string // the versions the runs read and wrote
	ordersAmount, aggTotal, reportT string // columns
}

const plProducer = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python"

// plFacet is a facet with the fields every facet carries.
func plFacet(fields map[string]any) map[string]any {
	fields["_producer"], fields["_schemaURL"] = plProducer, "https://openlineage.io/spec/facets/1-0-0/Facet.json"
	return fields
}

func plRunEvent(typ, runID, ns, job string, at time.Time, jobFacets, runFacets map[string]any, inputs, outputs []any) map[string]any {
	if jobFacets == nil {
		jobFacets = map[string]any{}
	}
	if runFacets == nil {
		runFacets = map[string]any{}
	}
	if inputs == nil {
		inputs = []any{}
	}
	if outputs == nil {
		outputs = []any{}
	}
	return map[string]any{"eventType": typ, "eventTime": at.Format(time.RFC3339Nano), "producer": plProducer,
		"schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run":       map[string]any{"runId": runID, "facets": runFacets},
		"job":       map[string]any{"namespace": ns, "name": job, "facets": jobFacets},
		"inputs":    inputs, "outputs": outputs}
}

func plSchema(names ...string) map[string]any {
	fields := make([]any, len(names))
	for i, n := range names {
		fields[i] = map[string]any{"name": n, "type": "DOUBLE"}
	}
	return plFacet(map[string]any{"fields": fields})
}

// plColumns is a columnLineage facet: output column → input fields, each
// [namespace, name, field, subtype, description].
func plColumns(fields map[string][][5]string) map[string]any {
	out := map[string]any{}
	for col, ins := range fields {
		var list []any
		for _, in := range ins {
			list = append(list, map[string]any{"namespace": in[0], "name": in[1], "field": in[2],
				"transformations": []any{map[string]any{"type": "DIRECT", "subtype": in[3], "description": in[4], "masking": in[3] == "MASKED"}}})
		}
		out[col] = map[string]any{"inputFields": list}
	}
	return plFacet(map[string]any{"fields": out})
}

// plIngest writes events into project as a contributor of it would.
func plIngest(t *testing.T, st *store.Store, project string, events ...map[string]any) {
	t.Helper()
	svc := openlineage.New(st, openlineage.Config{DefaultProject: project})
	p := &auth.Principal{Subject: "pipeline-" + project, Roles: map[string]auth.Role{project: auth.RoleContributor}}
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Ingest(t.Context(), p, b); err != nil {
			t.Fatalf("ingest %s %v: %v", e["eventType"], e["job"], err)
		}
	}
}

// plPipeline writes the pipeline into project; m marks every name.
func plPipeline(t *testing.T, st *store.Store, project, m string) *pipeline {
	t.Helper()
	p := &pipeline{project: project, m: m, ns: "airflow-" + m, dag: "daily-" + m, agg: "daily.agg-" + m, report: "daily.report-" + m,
		dagExt: uuid.NewString(), aggExt: uuid.NewString(), reportExt: uuid.NewString()}
	db := "postgres://db-" + m + ":5432"
	orders, agg, report := "shop.orders-"+m, "shop.agg-"+m, "shop.report-"+m
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	parent := plFacet(map[string]any{"run": map[string]any{"runId": p.dagExt}, "job": map[string]any{"namespace": p.ns, "name": p.dag}})
	plIngest(t, st, project,
		plRunEvent("START", p.dagExt, p.ns, p.dag, at, nil, nil, nil, nil),
		plRunEvent("COMPLETE", p.aggExt, p.ns, p.agg, at.Add(time.Minute),
			map[string]any{
				"documentation":      plFacet(map[string]any{"description": "sums the orders of " + m}),
				"sourceCodeLocation": plFacet(map[string]any{"type": "git", "url": "https://git.example/etl-" + m, "version": "c0ffee" + m}),
				"sql":                plFacet(map[string]any{"query": "INSERT INTO agg SELECT id, sum(amount) FROM orders -- " + m}),
			},
			map[string]any{"parent": parent},
			[]any{map[string]any{"namespace": db, "name": orders, "facets": map[string]any{
				"version": plFacet(map[string]any{"datasetVersion": "v1-" + m}), "schema": plSchema("id", "amount")}}},
			[]any{map[string]any{"namespace": db, "name": agg,
				"facets": map[string]any{"schema": plSchema("id", "total"), "columnLineage": plColumns(map[string][][5]string{
					"total": {{db, orders, "amount", "AGGREGATION", "sum"}},
					"id":    {{db, orders, "id", "IDENTITY", ""}},
				})},
				"outputFacets": map[string]any{"dataQualityMetrics": plFacet(map[string]any{"rowCount": 42,
					"columnMetrics": map[string]any{"total": map[string]any{"nullCount": 0}}})}}}),
		plRunEvent("START", p.reportExt, p.ns, p.report, at.Add(2*time.Minute), nil, map[string]any{"parent": parent}, nil, nil),
		plRunEvent("FAIL", p.reportExt, p.ns, p.report, at.Add(3*time.Minute), nil,
			map[string]any{"parent": parent, "errorMessage": plFacet(map[string]any{"message": "division by zero in " + m, "programmingLanguage": "python"})},
			[]any{map[string]any{"namespace": db, "name": agg, "facets": map[string]any{}}},
			[]any{map[string]any{"namespace": db, "name": report, "facets": map[string]any{
				"columnLineage": plColumns(map[string][][5]string{"total_eur": {{db, agg, "total", "MASKED", "× rate " + m}}})}}}),
	)
	one := func(cypher string, params map[string]any) string {
		t.Helper()
		params["p"] = project
		rows := must(neo4jQuery(t, cypher, params)).of(t)
		if len(rows) != 1 {
			t.Fatalf("%s: %d rows", cypher, len(rows))
		}
		return rows[0]["id"].(string)
	}
	run := func(ext string) string {
		return one(`MATCH (r:Run {projectKey: $p, externalId: $e}) RETURN r.id AS id`, map[string]any{"e": ext})
	}
	job := func(name string) string {
		return one(`MATCH (j:Job {projectKey: $p, namespace: $ns, name: $n}) RETURN j.id AS id`, map[string]any{"ns": p.ns, "n": name})
	}
	ds := func(name string) string {
		return one(`MATCH (d:Dataset {projectKey: $p, namespace: $ns, name: $n}) RETURN d.id AS id`, map[string]any{"ns": db, "n": name})
	}
	col := func(dsID, name string) (string, string) {
		rows := must(neo4jQuery(t, `MATCH (:Dataset {id: $d})-[:HAS_VERSION]->(v)-[:CONSUMED_BY|PRODUCED]-(:Run) WITH DISTINCT v
			WHERE $n IN v.lineageColumns RETURN v.id AS v`, map[string]any{"d": dsID, "n": name})).of(t)
		if len(rows) != 1 {
			t.Fatalf("column %s of %s: %d rows", name, dsID, len(rows))
		}
		return rows[0]["v"].(string), store.ColumnID(rows[0]["v"].(string), name)
	}
	p.dagRun, p.aggRun, p.reportRun = run(p.dagExt), run(p.aggExt), run(p.reportExt)
	p.dagJob, p.aggJob, p.reportJob = job(p.dag), job(p.agg), job(p.report)
	p.orders, p.aggDS, p.reportDS = ds(orders), ds(agg), ds(report)
	p.ordersV1, p.ordersAmount = col(p.orders, "amount")
	p.aggV, p.aggTotal = col(p.aggDS, "total")
	p.reportV, p.reportT = col(p.reportDS, "total_eur")
	return p
}
