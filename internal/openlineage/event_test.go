package openlineage_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/openlineage"
)

// baseEvent is a small valid RunEvent, as maps so a case can break it.
func baseEvent() map[string]any {
	return map[string]any{
		"eventType": "START",
		"eventTime": "2026-12-02T11:39:15.517631+00:00",
		"producer":  "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python",
		"schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run":       map[string]any{"runId": "01938f5e-7c1a-7d2b-9a3e-0123456789ab", "facets": map[string]any{}},
		"job":       map[string]any{"namespace": "airflow", "name": "etl.load", "facets": map[string]any{}},
		"inputs": []any{map[string]any{"namespace": "s3://lake", "name": "raw/tx", "facets": map[string]any{
			"schema": map[string]any{"_producer": "p", "_schemaURL": "s", "fields": []any{map[string]any{"name": "id", "type": "BIGINT"}}}}}},
		"outputs": []any{},
	}
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseRefuses: each event that does not conform to the spec is
// refused as invalid, and the message names the field.
func TestParseRefuses(t *testing.T) {
	cases := []struct {
		name  string
		body  func(t *testing.T) []byte
		field string
	}{
		{"not JSON", func(*testing.T) []byte { return []byte(`{"eventTime":`) }, "body: not JSON"},
		{"two values", func(*testing.T) []byte { return []byte(`{} {}`) }, "body: more than one"},
		{"not an object", func(*testing.T) []byte { return []byte(`[1,2]`) }, "body: an OpenLineage event is a JSON object"},
		{"neither run, job nor dataset", mut(func(m map[string]any) { delete(m, "run"); delete(m, "job") }), "run: required"},
		{"missing eventTime", mut(func(m map[string]any) { delete(m, "eventTime") }), "eventTime: required"},
		{"date-only eventTime", mut(func(m map[string]any) { m["eventTime"] = "2021-11-03" }), "eventTime: must be an RFC 3339"},
		{"eventTime a number", mut(func(m map[string]any) { m["eventTime"] = 17 }), "eventTime: must be a string"},
		{"missing producer", mut(func(m map[string]any) { delete(m, "producer") }), "producer: required"},
		{"missing schemaURL", mut(func(m map[string]any) { delete(m, "schemaURL") }), "schemaURL: required"},
		{"schemaURL of another kind", mut(func(m map[string]any) {
			m["schemaURL"] = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent"
		}), "schemaURL: says DatasetEvent"},
		{"unknown eventType", mut(func(m map[string]any) { m["eventType"] = "FINISHED" }), "eventType: must be one of"},
		{"lower-case eventType", mut(func(m map[string]any) { m["eventType"] = "complete" }), "eventType: must be one of"},
		{"missing runId", mut(func(m map[string]any) { m["run"] = map[string]any{} }), "run.runId: required"},
		{"runId not a UUID", mut(func(m map[string]any) { m["run"] = map[string]any{"runId": "run-42"} }), "run.runId: must be a UUID"},
		{"run not an object", mut(func(m map[string]any) { m["run"] = "r" }), "run: must be an object"},
		{"missing job", mut(func(m map[string]any) { delete(m, "job") }), "job: required"},
		{"job without namespace", mut(func(m map[string]any) { m["job"] = map[string]any{"name": "x"} }), "job.namespace: required"},
		{"job name blank", mut(func(m map[string]any) { m["job"] = map[string]any{"namespace": "n", "name": " "} }), "job.name: must not be empty"},
		{"dataset without namespace", mut(func(m map[string]any) { m["inputs"] = []any{map[string]any{"name": "t"}} }), "inputs[0].namespace: required"},
		{"inputs not an array", mut(func(m map[string]any) { m["inputs"] = map[string]any{} }), "inputs: must be an array"},
		{"a facet that is not an object", mut(func(m map[string]any) {
			m["run"].(map[string]any)["facets"] = map[string]any{"nominalTime": "yesterday"}
		}), "run.facets.nominalTime: a facet must be an object"},
		{"facets not an object", mut(func(m map[string]any) { m["job"].(map[string]any)["facets"] = []any{} }), "job.facets: must be an object"},
		{"_deleted on a run facet", mut(func(m map[string]any) {
			m["run"].(map[string]any)["facets"] = map[string]any{"x": map[string]any{"_deleted": true}}
		}), "run.facets.x._deleted: only job and dataset facets"},
		{"_producer not a string", mut(func(m map[string]any) {
			m["job"].(map[string]any)["facets"] = map[string]any{"x": map[string]any{"_producer": 3}}
		}), "job.facets.x._producer: must be a string"},
		{"parent without runId", mut(func(m map[string]any) {
			m["run"].(map[string]any)["facets"] = map[string]any{"parent": map[string]any{"run": map[string]any{}, "job": map[string]any{"namespace": "a", "name": "b"}}}
		}), "run.facets.parent.run.runId: required"},
		{"schema field without name", mut(func(m map[string]any) {
			m["inputs"].([]any)[0].(map[string]any)["facets"] = map[string]any{"schema": map[string]any{"fields": []any{map[string]any{"type": "INT"}}}}
		}), "inputs[0].facets.schema.fields[0].name: required"},
		{"column lineage without input fields", mut(func(m map[string]any) {
			m["inputs"].([]any)[0].(map[string]any)["facets"] = map[string]any{"columnLineage": map[string]any{"fields": map[string]any{"a": map[string]any{}}}}
		}), "inputs[0].facets.columnLineage.fields.a.inputFields: required"},
		{"assertion without success", mut(func(m map[string]any) {
			m["inputs"].([]any)[0].(map[string]any)["inputFacets"] = map[string]any{"dataQualityAssertions": map[string]any{"assertions": []any{map[string]any{"assertion": "not_null"}}}}
		}), "inputs[0].inputFacets.dataQualityAssertions.assertions[0].success: required"},
		{"row count not an integer", mut(func(m map[string]any) {
			m["inputs"].([]any)[0].(map[string]any)["inputFacets"] = map[string]any{"dataQualityMetrics": map[string]any{"columnMetrics": map[string]any{}, "rowCount": "many"}}
		}), "inputs[0].inputFacets.dataQualityMetrics.rowCount: must be an integer"},
		{"a dataset event with job and run", func(t *testing.T) []byte {
			return encode(t, map[string]any{"eventTime": "2026-12-02T11:39:15Z", "producer": "p", "schemaURL": "s",
				"dataset": map[string]any{"namespace": "n", "name": "d"}, "job": map[string]any{"namespace": "n", "name": "j"}, "run": map[string]any{"runId": "x"}})
		}, "run.runId: must be a UUID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := openlineage.Parse(c.body(t))
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("want errs.Invalid, got %v", err)
			}
			if !strings.Contains(err.Error(), c.field) {
				t.Fatalf("message %q does not name %q", err, c.field)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("message is %d bytes long", len(err.Error()))
			}
		})
	}
}

func mut(f func(map[string]any)) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		m := baseEvent()
		f(m)
		return encode(t, m)
	}
}

// TestParseAccepts: every captured event of the real clients parses, with
// the kind told by its shape; what real producers send leniently (a
// relative producer, an empty _producer, no eventType, a time without an
// offset) is accepted.
func TestParseAccepts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e, err := openlineage.Parse(b)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		want := openlineage.RunEvent
		switch {
		case strings.HasSuffix(f, "-job.json"):
			want = openlineage.JobEvent
		case strings.HasSuffix(f, "-dataset.json"):
			want = openlineage.DatasetEvent
		}
		if e.Kind != want {
			t.Errorf("%s: kind %s, want %s", f, e.Kind, want)
		}
	}
	lenient := mut(func(m map[string]any) {
		m["producer"] = "feast"
		delete(m, "eventType")
		m["eventTime"] = "2026-12-02T11:39:15.5"
		m["job"].(map[string]any)["facets"] = map[string]any{"x": map[string]any{"_producer": "", "_schemaURL": "s"}}
	})(t)
	e, err := openlineage.Parse(lenient)
	if err != nil {
		t.Fatalf("lenient event: %v", err)
	}
	if e.Type != openlineage.Other || e.Time.Location().String() != "UTC" {
		t.Fatalf("lenient event read as %s at %v", e.Type, e.Time)
	}
}

// TestHashIgnoresKeyOrder: the same event with its keys in another order
// is the same event (a retry); a changed value is another.
func TestHashIgnoresKeyOrder(t *testing.T) {
	a, err := openlineage.Parse([]byte(`{"eventTime":"2026-12-02T11:39:15Z","producer":"p","schemaURL":"s","eventType":"START","run":{"runId":"01938f5e-7c1a-7d2b-9a3e-0123456789ab"},"job":{"namespace":"n","name":"j"}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := openlineage.Parse([]byte(`{"job":{"name":"j","namespace":"n"},"run":{"runId":"01938f5e-7c1a-7d2b-9a3e-0123456789ab"},"eventType":"START","schemaURL":"s","producer":"p","eventTime":"2026-12-02T11:39:15Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := openlineage.Parse([]byte(`{"job":{"name":"j","namespace":"n"},"run":{"runId":"01938f5e-7c1a-7d2b-9a3e-0123456789ab"},"eventType":"COMPLETE","schemaURL":"s","producer":"p","eventTime":"2026-12-02T11:39:15Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash != b.Hash || a.Hash == c.Hash {
		t.Fatalf("hashes: %s %s %s", a.Hash, b.Hash, c.Hash)
	}
}
