package api_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/telemetry"
)

// otlpReceiver is an OTLP/HTTP trace receiver: it decodes what an exporter
// posts to /v1/traces with the protocol's own protobuf messages.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	srv   *httptest.Server
}

func newOTLPReceiver(t *testing.T) *otlpReceiver {
	t.Helper()
	r := &otlpReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if req.URL.Path != "/v1/traces" || req.Header.Get("Content-Type") != "application/x-protobuf" || err != nil {
			http.Error(w, "not an OTLP/HTTP protobuf trace export", http.StatusBadRequest)
			return
		}
		var msg collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &msg); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		for _, rs := range msg.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				r.spans = append(r.spans, ss.Spans...)
			}
		}
		r.mu.Unlock()
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// inTrace returns the received spans of the trace with the given hex ID.
func (r *otlpReceiver) inTrace(traceID string) []*tracepb.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*tracepb.Span
	for _, s := range r.spans {
		if hex.EncodeToString(s.TraceId) == traceID {
			out = append(out, s)
		}
	}
	return out
}

// TestTracesOverOTLP: with OTEL_EXPORTER_OTLP_ENDPOINT set, a GraphQL
// request that carries a W3C traceparent becomes, in the caller's trace, an
// HTTP server span (child of the caller's), a GraphQL operation span under
// it, and Neo4j transaction and statement spans under that; the statements'
// spans carry their first line, never a parameter's value.
func TestTracesOverOTLP(t *testing.T) {
	rec := newOTLPReceiver(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rec.srv.URL)
	t.Setenv("OTEL_SERVICE_NAME", "exphub-test")
	tp, err := telemetry.Setup(t.Context(), os.Getenv)
	if err != nil || tp == nil {
		t.Fatalf("telemetry.Setup: %v, %v", tp, err)
	}
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	logs := &lockedLog{}
	h := newHub(t, func(o *api.Options) {
		o.Store = neo4jtest.Store(t, store.WithTracerProvider(tp))
		o.TracerProvider = tp
		o.Logger = slog.New(telemetry.WithTraceIDs(slog.NewJSONHandler(logs, nil)))
	})
	key := neo4jtest.Key(t, "trace")
	secret := "secret-name-" + key
	if _, err := h.st.CreateProject(t.Context(), "owner", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}

	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	body := `{"query":"mutation Make($k: String!, $n: String!) { createExperiment(input: {projectKey: $k, name: $n}) { experiment { id } } }",` +
		`"variables":{"k":"` + key + `","n":"` + secret + `"}}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.srv.URL+"/graphql", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token(t, "tracer", map[string]auth.Role{key: auth.RoleContributor}))
	req.Header.Set("traceparent", "00-"+traceID+"-"+parentID+"-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.Contains(string(out), `"errors"`) {
		t.Fatalf("createExperiment: HTTP %d %s", resp.StatusCode, out)
	}
	// The batcher sends on flush; the receiver has them when it returns.
	if err := tp.ForceFlush(t.Context()); err != nil {
		t.Fatalf("flush: %v", err)
	}

	spans := rec.inTrace(traceID)
	byName := map[string]*tracepb.Span{}
	for _, s := range spans {
		if _, dup := byName[s.Name]; !dup {
			byName[s.Name] = s
		}
		for _, a := range s.Attributes {
			if strings.Contains(a.Value.GetStringValue(), secret) {
				t.Errorf("span %q carries a parameter's value in %s", s.Name, a.Key)
			}
		}
	}
	server, op, tx, stmt := byName["POST graphql"], byName["mutation Make"], byName["neo4j write"], byName["neo4j statement"]
	if server == nil || op == nil || tx == nil || stmt == nil {
		names := []string{}
		for n := range byName {
			names = append(names, n)
		}
		t.Fatalf("want spans POST graphql, mutation Make, neo4j write, neo4j statement in trace %s; got %v", traceID, names)
	}
	if got := hex.EncodeToString(server.ParentSpanId); got != parentID {
		t.Errorf("the server span's parent is %s, want the caller's %s", got, parentID)
	}
	if server.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("the server span's kind is %v", server.Kind)
	}
	if !bytes.Equal(op.ParentSpanId, server.SpanId) {
		t.Errorf("the operation span is not a child of the server span")
	}
	// The mutation's write transaction, and its statements, are the
	// operation's descendants.
	parentOf := map[string]string{}
	for _, s := range spans {
		parentOf[hex.EncodeToString(s.SpanId)] = hex.EncodeToString(s.ParentSpanId)
	}
	under := func(s *tracepb.Span, ancestor *tracepb.Span) bool {
		for id := hex.EncodeToString(s.SpanId); id != ""; id = parentOf[id] {
			if id == hex.EncodeToString(ancestor.SpanId) {
				return true
			}
		}
		return false
	}
	if !under(tx, op) || !bytes.Equal(stmt.ParentSpanId, tx.SpanId) && !under(stmt, op) {
		t.Errorf("the Neo4j spans are not under the operation span")
	}
	// The resolver has a span of its own, between the operation and the
	// transaction it ran; a field read from the loaded object has none.
	resolver := byName["Mutation.createExperiment"]
	switch {
	case resolver == nil:
		t.Errorf("no span of the resolver Mutation.createExperiment")
	case !bytes.Equal(resolver.ParentSpanId, op.SpanId) || !under(tx, resolver):
		t.Errorf("the resolver's span is not between the operation and its transaction")
	}
	if byName["Experiment.id"] != nil {
		t.Errorf("a span of Experiment.id, a field that no resolver computes")
	}
	// The request's log line leads to its trace.
	found := false
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "http request" && rec["route"] == "graphql" {
			found = true
			if rec["trace_id"] != traceID || rec["span_id"] == "" || rec["span_id"] == nil {
				t.Errorf("the request's log line: trace_id %v, span_id %v; want trace %s", rec["trace_id"], rec["span_id"], traceID)
			}
		}
	}
	if !found {
		t.Errorf("no log line of the request:\n%s", logs.String())
	}
	var summary string
	for _, a := range stmt.Attributes {
		if a.Key == "db.query.summary" {
			summary = a.Value.GetStringValue()
		}
	}
	if summary == "" || len(summary) > 120 {
		t.Errorf("a statement span's db.query.summary is %q", summary)
	}
}

// lockedLog collects log output written from several goroutines.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
