package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// hub is the real handler over the real store, served over HTTP.
type hub struct {
	st  *store.Store
	srv *httptest.Server

	mu       sync.Mutex
	counters []*store.QueryCounter // every /graphql request's store counter, in order
}

// newHub builds the handler with api.NewHandler over the test Neo4j. edit
// may change the options (limits, CORS, another store) before it is built.
func newHub(t *testing.T, edit func(*api.Options)) *hub {
	t.Helper()
	st := neo4jtest.Store(t)
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatalf("verifier: %v", err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	o := api.Options{Store: st, Verifier: v, Ready: st, CORSOrigins: []string{"http://localhost:5173"},
		MaxBodyBytes: 4 << 20, ComplexityLimit: api.DefaultComplexityLimit, Logger: log}
	if edit != nil {
		edit(&o)
	}
	if o.Events == nil {
		o.Events = runHub(t, o.Store, events.Options{Logger: log})
	}
	if o.Validations == nil {
		// Tests write their data under the temporary directory.
		r := validation.New(o.Store, validation.Options{FileRoots: []string{os.TempDir()}, Logger: log})
		t.Cleanup(r.Stop)
		o.Validations = r
		if o.Data == nil {
			o.Data = r
		}
	}
	h := &hub{st: o.Store}
	handler := api.NewHandler(o)
	// Counting middleware: every request's store operations are counted
	// through store.CountQueries, and /graphql counts are kept in order.
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, c := store.CountQueries(r.Context())
		handler.ServeHTTP(w, r.WithContext(ctx))
		if r.URL.Path == "/graphql" {
			h.mu.Lock()
			h.counters = append(h.counters, c)
			h.mu.Unlock()
		}
	})
	h.srv = httptest.NewServer(counted)
	t.Cleanup(h.srv.Close)
	return h
}

// runHub runs an event hub over st until the test ends; st's writes wake
// it.
func runHub(t *testing.T, st *store.Store, opts events.Options) *events.Hub {
	t.Helper()
	h := events.New(st, opts)
	st.OnAppend(h.Notify)
	t.Cleanup(h.Start(context.Background()))
	return h
}

// lastQueryCount returns the number of Cypher statements the latest
// /graphql request sent.
func (h *hub) lastQueryCount(t *testing.T) int64 {
	t.Helper()
	return h.lastCounter(t).Count()
}

// lastCounter returns the store counter of the latest /graphql request:
// its statements, transactions and their peak concurrency.
func (h *hub) lastCounter(t *testing.T) *store.QueryCounter {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.counters) == 0 {
		t.Fatal("no /graphql request was counted")
	}
	return h.counters[len(h.counters)-1]
}

// token mints a development token for subject with roles.
func token(t *testing.T, subject string, roles map[string]auth.Role) string {
	t.Helper()
	tok, err := auth.NewDevToken([]byte(auth.DevSecret), subject, roles, time.Hour, time.Now())
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return tok
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlResponse is a GraphQL response as the client saw it.
type gqlResponse struct {
	Status int
	Header http.Header
	Raw    []byte
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// gql posts one GraphQL operation and decodes the response.
func (h *hub) gql(t *testing.T, tok, query string, vars map[string]any) *gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("encode request: %v", err)
	}
	return h.post(t, tok, bytes.NewReader(body))
}

// post sends a raw body to /graphql.
func (h *hub) post(t *testing.T, tok string, body io.Reader) *gqlResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL+"/graphql", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return doGQL(t, req)
}

func doGQL(t *testing.T, req *http.Request) *gqlResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	out := &gqlResponse{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("response is not JSON (HTTP %d): %v\n%s", resp.StatusCode, err, raw)
	}
	return out
}

// ok fails the test when the response carries errors, and decodes data
// into v when v is not nil.
func (r *gqlResponse) ok(t *testing.T, v any) {
	t.Helper()
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("want success, got HTTP %d: %s", r.Status, r.Raw)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decode data: %v\n%s", err, r.Raw)
		}
	}
}

// code returns the first error's extensions.code, or "" when none.
func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// fails asserts that the response carries an error with code whose
// message mentions every one of mentions.
func (r *gqlResponse) fails(t *testing.T, code string, mentions ...string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("want %s, got success: %s", code, r.Raw)
	}
	if got := r.code(); got != code {
		t.Fatalf("want extensions.code %s, got %q: %s", code, got, r.Raw)
	}
	for _, m := range mentions {
		if !strings.Contains(r.Errors[0].Message, m) {
			t.Errorf("error message %q does not name %q", r.Errors[0].Message, m)
		}
	}
}

// projectState fingerprints everything a write can change in a project:
// its graph nodes, the relationships touching them, the counters every
// write bumps (run revisions, version counters, metric point counts) and
// its events in the log.
type projectState struct{ Nodes, Rels, Writes, Events int64 }

func stateOf(t *testing.T, key string) projectState {
	t.Helper()
	p := map[string]any{"pk": key}
	// Every node that carries a projectKey is a :Node (events aside), and
	// the node_project index finds them without scanning the graph.
	return projectState{
		Nodes:  neo4jtest.Count(t, `MATCH (n:Node {projectKey: $pk}) RETURN count(n) AS n`, p),
		Events: neo4jtest.Count(t, `MATCH (e:Event {projectKey: $pk}) RETURN count(e) AS n`, p),
		Rels:   neo4jtest.Count(t, `MATCH (n:Node {projectKey: $pk})-[r]-() RETURN count(DISTINCT r) AS n`, p),
		Writes: neo4jtest.Count(t, `MATCH (n:Node {projectKey: $pk})
			RETURN sum(coalesce(n.revision, 0)) + sum(coalesce(n.versionCount, 0)) + sum(coalesce(n.count, 0)) AS n`, p),
	}
}

// unchanged asserts that key's state is still before.
func unchanged(t *testing.T, key string, before projectState) {
	t.Helper()
	if after := stateOf(t, key); after != before {
		t.Errorf("a rejected write changed project %s: before %+v, after %+v", key, before, after)
	}
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// must holds a (value, error) result until of checks it:
// must(st.CreateProject(...)).of(t) fails the test on an error.
func must[T any](v T, err error) result[T] { return result[T]{v, err} }

type result[T any] struct {
	v   T
	err error
}

func (r result[T]) of(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}
