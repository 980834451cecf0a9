package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
)

// olEvent is a RunEvent of job etl in namespace ns, as the Python client
// writes it.
func olEvent(typ, runID, ns string) []byte {
	return []byte(fmt.Sprintf(`{"eventType":%q,"eventTime":%q,"producer":"https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python",
		"schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run":{"runId":%q,"facets":{}},"job":{"namespace":%q,"name":"etl","facets":{}},
		"inputs":[{"namespace":"s3://lake","name":"raw/tx","facets":{}}],"outputs":[{"namespace":"s3://lake","name":"features/tx","facets":{}}]}`,
		typ, time.Now().UTC().Format(time.RFC3339Nano), runID, ns))
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type olResponse struct {
	Status int
	Body   map[string]any
	Raw    string
}

func postLineage(t *testing.T, url, tok string, body []byte, header map[string]string) olResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/api/v1/lineage", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	out := olResponse{Status: resp.StatusCode, Raw: buf.String()}
	if err := json.Unmarshal(buf.Bytes(), &out.Body); err != nil {
		t.Fatalf("response is not JSON (HTTP %d): %s", resp.StatusCode, buf.String())
	}
	return out
}

// TestOpenLineageEndpoint: what the clients send is answered as Marquez
// answers it (201), gzip or not; every refusal is the hub's JSON error
// with the status GraphQL's HTTP errors use, a message naming what is
// wrong, and nothing written.
func TestOpenLineageEndpoint(t *testing.T) {
	st := neo4jtest.Store(t)
	project := neo4jtest.Project(t, st, "olapi")
	other := neo4jtest.Project(t, st, "olapi-other")
	const maxBody = 64 << 10
	h := newHub(t, func(o *api.Options) {
		o.Store = st
		o.MaxBodyBytes = maxBody
		o.OpenLineage = openlineage.Config{Projects: map[string]string{"team-b": other}, DefaultProject: project}
	})
	writer := token(t, "pipeline", map[string]auth.Role{project: auth.RoleContributor})
	viewer := token(t, "reader", map[string]auth.Role{project: auth.RoleViewer, other: auth.RoleViewer})

	id := uuid.NewString()
	res := postLineage(t, h.srv.URL, writer, olEvent("START", id, "airflow"), nil)
	if res.Status != http.StatusCreated || res.Body["project"] != project || res.Body["duplicate"] != false {
		t.Fatalf("START: %d %s", res.Status, res.Raw)
	}
	res = postLineage(t, h.srv.URL, writer, gzipped(t, olEvent("COMPLETE", id, "airflow")), map[string]string{"Content-Encoding": "gzip"})
	if res.Status != http.StatusCreated {
		t.Fatalf("gzip COMPLETE: %d %s", res.Status, res.Raw)
	}
	if n := neo4jtest.Count(t, `MATCH (r:Run {projectKey: $p, externalId: $id, status: 'FINISHED'}) RETURN count(r) AS n`,
		map[string]any{"p": project, "id": id}); n != 1 {
		t.Fatalf("%d finished runs", n)
	}

	huge := olEvent("START", uuid.NewString(), "airflow")
	huge = append(huge[:len(huge)-1], []byte(`,"padding":"`+strings.Repeat("x", maxBody)+`"}`)...)
	cases := []struct {
		name    string
		tok     string
		body    []byte
		header  map[string]string
		status  int
		code    string
		message string
	}{
		{"no token", "", olEvent("START", uuid.NewString(), "airflow"), nil, 401, "UNAUTHENTICATED", ""},
		{"bad token", "not-a-jwt", olEvent("START", uuid.NewString(), "airflow"), nil, 401, "UNAUTHENTICATED", ""},
		{"viewer", viewer, olEvent("START", uuid.NewString(), "airflow"), nil, 403, "FORBIDDEN", "contributor"},
		{"project not written by the caller", writer, olEvent("START", uuid.NewString(), "team-b"), nil, 403, "FORBIDDEN", other},
		{"invalid JSON", writer, []byte(`{"eventTime": `), nil, 400, "BAD_USER_INPUT", "body: not JSON"},
		{"not a RunEvent", writer, []byte(`{"hello": "world"}`), nil, 400, "BAD_USER_INPUT", "eventTime: required"},
		{"missing runId", writer, bytes.Replace(olEvent("START", "", "airflow"), []byte(`"runId":""`), []byte(`"x":1`), 1), nil, 400, "BAD_USER_INPUT", "run.runId: required"},
		{"unknown eventType", writer, olEvent("DONE", uuid.NewString(), "airflow"), nil, 400, "BAD_USER_INPUT", "eventType"},
		{"gzip header, plain body", writer, olEvent("START", uuid.NewString(), "airflow"), map[string]string{"Content-Encoding": "gzip"}, 400, "BAD_USER_INPUT", "not gzip"},
		{"broken gzip", writer, gzipped(t, olEvent("START", uuid.NewString(), "airflow"))[:40], map[string]string{"Content-Encoding": "gzip"}, 400, "BAD_USER_INPUT", "gzip"},
		{"unknown encoding", writer, olEvent("START", uuid.NewString(), "airflow"), map[string]string{"Content-Encoding": "br"}, 400, "BAD_USER_INPUT", "Content-Encoding"},
		{"body over the limit", writer, huge, nil, 413, "BAD_USER_INPUT", "limit"},
		{"decompressed body over the limit", writer, gzipped(t, huge), map[string]string{"Content-Encoding": "gzip"}, 413, "BAD_USER_INPUT", "decompressed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nodes, events := neo4jtest.ProjectNodes(t, project), neo4jtest.ProjectEvents(t, project)
			otherNodes := neo4jtest.ProjectNodes(t, other)
			res := postLineage(t, h.srv.URL, c.tok, c.body, c.header)
			if res.Status != c.status {
				t.Fatalf("HTTP %d, want %d: %s", res.Status, c.status, res.Raw)
			}
			errsList, _ := res.Body["errors"].([]any)
			if len(errsList) != 1 {
				t.Fatalf("want one error: %s", res.Raw)
			}
			e := errsList[0].(map[string]any)
			if code := e["extensions"].(map[string]any)["code"]; code != c.code {
				t.Fatalf("code %v, want %s", code, c.code)
			}
			if msg := e["message"].(string); !strings.Contains(msg, c.message) || len(msg) > 400 {
				t.Fatalf("message %q does not name %q", msg, c.message)
			}
			if n := neo4jtest.ProjectNodes(t, project); n != nodes {
				t.Fatalf("%d nodes written", n-nodes)
			}
			if n := neo4jtest.ProjectEvents(t, project); n != events {
				t.Fatalf("%d events appended", n-events)
			}
			if n := neo4jtest.ProjectNodes(t, other); n != otherNodes {
				t.Fatalf("%d nodes written in %s", n-otherNodes, other)
			}
		})
	}

	t.Run("retry is a no-op", func(t *testing.T) {
		body := olEvent("START", uuid.NewString(), "airflow")
		if res := postLineage(t, h.srv.URL, writer, body, nil); res.Status != 201 || res.Body["duplicate"] != false {
			t.Fatalf("first: %d %s", res.Status, res.Raw)
		}
		events := neo4jtest.ProjectEvents(t, project)
		res := postLineage(t, h.srv.URL, writer, body, nil)
		if res.Status != 201 || res.Body["duplicate"] != true {
			t.Fatalf("retry: %d %s", res.Status, res.Raw)
		}
		if n := neo4jtest.ProjectEvents(t, project); n != events {
			t.Fatalf("a retry appended %d events", n-events)
		}
	})
}
