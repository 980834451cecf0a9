package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// scriptedExecutor stands in for the executor under a transport: it
// answers a request by the query text, so both transports see the same
// executor. The executor itself is tested through the real server
// everywhere else; here only what a transport does with its answers is.
type scriptedExecutor struct{}

func (scriptedExecutor) CreateOperationContext(_ context.Context, p *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	switch p.Query {
	case "protocol":
		err := gqlerror.Errorf("Cannot query field \"nope\" on type \"Query\".")
		errcode.Set(err, errcode.ValidationFailed)
		return &graphql.OperationContext{RawQuery: p.Query}, gqlerror.List{err}
	case "refused":
		return &graphql.OperationContext{RawQuery: p.Query}, gqlerror.List{{Message: "too complex", Extensions: map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}}}
	}
	return &graphql.OperationContext{RawQuery: p.Query, Variables: p.Variables}, nil
}

func (scriptedExecutor) DispatchOperation(ctx context.Context, rc *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	var resp graphql.Response
	switch rc.RawQuery {
	case "partial":
		resp.Data = json.RawMessage(`{"a":null,"b":"<&> \u2028 \"q\""}`)
		resp.Errors = gqlerror.List{{Message: "no a", Path: []ast.PathElement{ast.PathName("a")}, Extensions: map[string]any{"code": "NOT_FOUND"}}}
		resp.Extensions = map[string]any{"cost": 3}
	case "nodata":
		resp.Errors = gqlerror.List{{Message: "failed"}}
	case "large":
		var b strings.Builder
		b.WriteString(`{"impact":{"runs":[`)
		for i := range 5000 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"id":"r` + strings.Repeat("x", i%7) + `","distance":3}`)
		}
		b.WriteString(`]}}`)
		resp.Data = json.RawMessage(b.String())
	case "incremental":
		next := true
		resp.Data, resp.Label, resp.HasNext = json.RawMessage(`{"x":1}`), "l", &next
	default:
		resp.Data = json.RawMessage(`{"vars":` + mustJSON(rc.Variables) + `}`)
	}
	return func(context.Context) *graphql.Response { return &resp }, ctx
}

func (scriptedExecutor) DispatchError(_ context.Context, list gqlerror.List) *graphql.Response {
	return &graphql.Response{Errors: list}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestPostTransportMatchesGqlgen sends the same requests through
// postTransport and gqlgen's transport.POST over one executor: the status,
// the content type and the JSON of every answer must be the same.
func TestPostTransportMatchesGqlgen(t *testing.T) {
	cases := []struct {
		name, accept, body string
		readErr            bool
	}{
		{name: "variables", body: `{"query":"q","variables":{"n":12345678901234567890,"s":"é"}}`},
		{name: "partial data with errors and extensions", body: `{"query":"partial"}`},
		{name: "errors without data", body: `{"query":"nodata"}`},
		{name: "a large response", body: `{"query":"large"}`},
		{name: "an incremental part", body: `{"query":"incremental"}`},
		{name: "a protocol error", body: `{"query":"protocol"}`},
		{name: "a protocol error, graphql-response+json", accept: "application/graphql-response+json", body: `{"query":"protocol"}`},
		{name: "a refused operation, graphql-response+json", accept: "application/graphql-response+json", body: `{"query":"refused"}`},
		{name: "accept anything", accept: "*/*", body: `{"query":"protocol"}`},
		{name: "accept a list", accept: "text/html, application/graphql-response+json;q=0.9, application/json", body: `{"query":"protocol"}`},
		{name: "accept nothing spoken", accept: "text/html", body: `{"query":"q"}`},
		{name: "malformed JSON", body: `{"query": "q"`},
		{name: "not an object", body: `["q"]`},
		{name: "a body that fails to read", body: `{"query":`, readErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			do := func(tr graphql.Transport) *httptest.ResponseRecorder {
				var body io.Reader = strings.NewReader(c.body)
				if c.readErr {
					body = io.MultiReader(body, errReader{errors.New("connection reset")})
				}
				r := httptest.NewRequest(http.MethodPost, "/graphql", body)
				r.Header.Set("Content-Type", "application/json")
				if c.accept != "" {
					r.Header.Set("Accept", c.accept)
				}
				if !tr.Supports(r) {
					t.Fatalf("%T does not take the request", tr)
				}
				w := httptest.NewRecorder()
				tr.Do(w, r, scriptedExecutor{})
				return w
			}
			want, got := do(transport.POST{}), do(postTransport{})
			if got.Code != want.Code {
				t.Errorf("status %d, gqlgen's %d", got.Code, want.Code)
			}
			if g, w := got.Header().Values("Content-Type"), want.Header().Values("Content-Type"); !reflect.DeepEqual(g, w) {
				t.Errorf("Content-Type %q, gqlgen's %q", g, w)
			}
			var gv, wv any
			if err := json.Unmarshal(want.Body.Bytes(), &wv); err != nil {
				t.Fatalf("gqlgen's body %.80q: %v", want.Body.String(), err)
			}
			if err := json.Unmarshal(got.Body.Bytes(), &gv); err != nil {
				t.Fatalf("body %.80q is not JSON: %v", got.Body.String(), err)
			}
			if !reflect.DeepEqual(gv, wv) {
				t.Errorf("body\n%.300s\ngqlgen's\n%.300s", got.Body.String(), want.Body.String())
			}
		})
	}
}
