package openlineage_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/neo4jtest"
)

// TestFacetsMergeAcrossEvents: a dataset's and a job's facets merge over
// events — the same facets again change nothing, a changed facet replaces
// its old text, _deleted removes one, an event naming none keeps them, and
// facets written before digests were kept merge too — and every stored
// object's facetsHash stays the digest of its facets, which is what lets
// a batch skip reading facets that did not change.
func TestFacetsMergeAcrossEvents(t *testing.T) {
	f := newFixture(t)
	at := time.Now().UTC().Add(-time.Hour)
	schema := func(cols ...string) map[string]any {
		fields := []any{}
		for _, c := range cols {
			fields = append(fields, map[string]any{"name": c, "type": "STRING"})
		}
		return facet(map[string]any{"fields": fields})
	}
	source := facet(map[string]any{"name": "warehouse", "uri": "postgres://wh"})
	send := func(facets map[string]any, jobDoc string) {
		t.Helper()
		at = at.Add(time.Minute)
		e := runEvent("COMPLETE", uuid.NewString(), "ns", "job", at, map[string]any{
			"inputs": []any{ds("postgres://wh", "raw.orders", facets)}})
		if jobDoc != "" {
			e["job"].(map[string]any)["facets"] = map[string]any{"documentation": facet(map[string]any{"description": jobDoc})}
		}
		f.send(t, e)
	}
	stored := func() map[string]any {
		t.Helper()
		// The intake applies events a moment after it records them.
		if err := f.svc.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
		rows := neo4jtest.Rows(t, `MATCH (d:Dataset {projectKey: $p, name: 'raw.orders'}) RETURN d.facets AS facets`, map[string]any{"p": f.project})
		if len(rows) != 1 {
			t.Fatalf("%d datasets raw.orders", len(rows))
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(rows[0]["facets"].(string)), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	digestsHold := func() {
		t.Helper()
		rows := neo4jtest.Rows(t, `MATCH (x {projectKey: $p}) WHERE (x:Dataset OR x:DatasetVersion OR x:Job) AND x.facets IS NOT NULL
			RETURN labels(x) AS labels, x.facets AS facets, x.facetsHash AS hash`, map[string]any{"p": f.project})
		for _, r := range rows {
			sum := sha256.Sum256([]byte(r["facets"].(string)))
			if want := hex.EncodeToString(sum[:16]); r["hash"] != want {
				t.Errorf("%v with facets %s has facetsHash %v, want %s", r["labels"], r["facets"], r["hash"], want)
			}
		}
	}
	keys := func(m map[string]any) []string {
		out := []string{}
		for _, k := range []string{"dataSource", "schema", "legacy"} {
			if _, ok := m[k]; ok {
				out = append(out, k)
			}
		}
		return out
	}
	cols := func(m map[string]any) int { return len(m["schema"].(map[string]any)["fields"].([]any)) }

	send(map[string]any{"schema": schema("id"), "dataSource": source}, "first")
	if got := stored(); cols(got) != 1 || got["dataSource"] == nil {
		t.Fatalf("after the first event: %v", got)
	}
	digestsHold()
	send(map[string]any{"schema": schema("id"), "dataSource": source}, "first") // the same again
	send(map[string]any{"schema": schema("id", "amount")}, "second")            // one facet changes
	if got := stored(); cols(got) != 2 || got["dataSource"] == nil {
		t.Errorf("a changed schema, the data source kept: %v", got)
	}
	digestsHold()
	// Facets written before digests were kept (no facetsHash) merge as
	// any others, and get their digest.
	neo4jtest.Rows(t, `MATCH (d:Dataset {projectKey: $p, name: 'raw.orders'})
		SET d.facets = '{"legacy":{"a":1},"schema":' + $schema + '}' REMOVE d.facetsHash RETURN d.id AS id`,
		map[string]any{"p": f.project, "schema": string(must(json.Marshal(schema("id", "amount"))))})
	send(map[string]any{"schema": schema("id", "amount")}, "second") // changes nothing: the digest is written still
	if got := stored(); len(keys(got)) != 2 || got["legacy"] == nil {
		t.Errorf("legacy facets after an event that changes nothing: %v", got)
	}
	digestsHold()
	send(map[string]any{"schema": schema("id", "amount"), "dataSource": source}, "second")
	if got := stored(); len(keys(got)) != 3 {
		t.Errorf("legacy facets merged: %v", got)
	}
	digestsHold()
	send(map[string]any{}, "")                                                     // says nothing of the dataset
	send(map[string]any{"dataSource": map[string]any{"_deleted": true}}, "second") // deletes one
	if got := stored(); len(keys(got)) != 2 || got["dataSource"] != nil || got["legacy"] == nil {
		t.Errorf("after _deleted dataSource: %v", got)
	}
	digestsHold()
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
