package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// refused asserts that a request was refused before anything ran: HTTP
// 200 or 422, BAD_USER_INPUT with the limit's name in extensions.detail,
// no data, no Cypher statement.
func refused(t *testing.T, h *hub, res *gqlResponse, detail string, mentions ...string) {
	t.Helper()
	res.fails(t, "BAD_USER_INPUT", mentions...)
	if d := res.Errors[0].Extensions["detail"]; d != detail {
		t.Errorf("extensions.detail: %v, want %s (%s)", d, detail, res.Errors[0].Message)
	}
	if len(res.Data) != 0 && string(res.Data) != "null" {
		t.Errorf("a refused operation returned data: %.200s", res.Data)
	}
	if n := h.lastQueryCount(t); n != 0 {
		t.Errorf("a refused operation ran %d Cypher statements", n)
	}
	if len(res.Raw) > 4096 {
		t.Errorf("the refusal is %d bytes long; it should name the limit, not echo the request", len(res.Raw))
	}
}

// nested returns a query that nests runs → experiment → runs levels deep
// under an experiment, with extra scalar fields at each level.
func nested(levels, extra int) string {
	var b strings.Builder
	b.WriteString(`query($id: ID!) { runs(experimentId: $id, first: 2) { edges { node { id`)
	for range levels {
		b.WriteString(` experiment { runs(first: 2) { edges { node { id`)
		for range extra {
			b.WriteString(` name`)
		}
	}
	for range levels {
		b.WriteString(` } } } }`)
	}
	b.WriteString(` } } } }`)
	return b.String()
}

// TestCostNeverOverflows: a query of lists nested until its cost no longer
// fits an int is refused — once its depth is refused first, and with the
// depth limit raised out of the way, for its cost. The cost saturates; it
// never wraps around to a small number that passes.
func TestCostNeverOverflows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		limits api.Limits
		detail string
	}{
		{"default limits", api.Limits{}, "DEPTH_LIMIT_EXCEEDED"},
		{"depth limit out of the way", api.Limits{MaxDepth: 1 << 20, MaxSelections: 1 << 20, MaxTokens: 1 << 20}, "COMPLEXITY_LIMIT_EXCEEDED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHub(t, func(o *api.Options) { o.Limits = tc.limits })
			f := newFixture(t, h.st)
			tok := token(t, "reader", map[string]auth.Role{f.key: auth.RoleViewer})
			// Every depth from 14 to 70 levels with 0 to 3 extra fields: some
			// of these wrapped to a small positive cost before costs saturated.
			for levels := 14; levels <= 70; levels++ {
				for extra := range 4 {
					res := h.gql(t, tok, nested(levels, extra), map[string]any{"id": f.exp})
					if t.Failed() {
						return
					}
					refused(t, h, res, tc.detail)
					if t.Failed() {
						t.Fatalf("%d levels, %d extra fields: %s", levels, extra, res.Raw)
					}
				}
			}
		})
	}
}

// TestDocumentLimits: documents that make validation or the cost walk
// grow faster than their size are refused before gqlgen validates them,
// each naming the limit it broke.
func TestDocumentLimits(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	// Documents too long for the token limit are refused by it first; this
	// hub lets them through to the limits behind it.
	long := newHub(t, func(o *api.Options) { o.Limits = api.Limits{MaxTokens: 1 << 20} })
	tok := token(t, "reader", map[string]auth.Role{"*": auth.RoleViewer})
	repeat := func(n int, s string) string { return strings.Repeat(s, n) }
	var chain strings.Builder // f0 spreads f1 twice, f1 spreads f2 twice, …
	chain.WriteString(`query { me { ...f0 } }`)
	for i := range 24 {
		fmt.Fprintf(&chain, ` fragment f%d on Viewer { subject ...f%d ...f%d }`, i, i+1, i+1)
	}
	chain.WriteString(` fragment f24 on Viewer { subject }`)
	var many strings.Builder
	many.WriteString(`query { me { subject } }`)
	for i := range 300 {
		fmt.Fprintf(&many, ` fragment g%d on Viewer { subject }`, i)
	}
	bomb := `query { me { ` + repeat(4000, `...f `) + `} } fragment f on Viewer { subject }`
	for _, tc := range []struct {
		name, query, detail, mention string
		h                            *hub
	}{
		{"a fragment bomb of 4,000 spreads", bomb, "TOKEN_LIMIT_EXCEEDED", "tokens", h},
		{"4,000 fragment spreads", bomb, "FRAGMENT_LIMIT_EXCEEDED", "4000 fragment spreads", long},
		{"300 fragments", many.String(), "FRAGMENT_LIMIT_EXCEEDED", "300 fragments", long},
		{"fragments that expand to 2^25 fields", chain.String(), "SELECTION_LIMIT_EXCEEDED", "expanded", h},
		{"4,000 selections of one field", `query { me { ` + repeat(4000, `subject `) + `} }`, "SELECTION_LIMIT_EXCEEDED", "fields", h},
		{"60 fields of one response name", `query { me { ` + repeat(60, `subject `) + `} }`, "SELECTION_LIMIT_EXCEEDED", "response name", h},
		{"60 fields of one name through fragments", `query { me { ` + repeat(6, `...r `) + `} } fragment r on Viewer { ` + repeat(10, `s: subject `) + `}`,
			"SELECTION_LIMIT_EXCEEDED", `"s" 60 times`, h},
		{"a document of 6,000 tokens", `query { nodes(ids: [` + repeat(6000, `"x" `) + `]) { id } }`, "TOKEN_LIMIT_EXCEEDED", "tokens", h},
		{"selections 22 deep", `query { node(id: "run_x") { ... on Run { ` + repeat(5, `experiment { runs { edges { node { `) + `id` +
			repeat(5, ` } } } }`) + ` } } }`, "DEPTH_LIMIT_EXCEEDED", "deep", h},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.h.gql(t, tok, tc.query, nil)
			refused(t, tc.h, res, tc.detail, tc.mention)
		})
	}
	t.Run("a document within every limit runs", func(t *testing.T) {
		res := h.gql(t, tok, `query { me { ...a ...b } } fragment a on Viewer { subject } fragment b on Viewer { grants { projectKey } }`, nil)
		res.ok(t, nil)
	})
}

// TestResponseObjectLimit: an operation whose response would carry more
// objects than the limit stops while it executes and answers only an
// error; one under the limit answers in full.
func TestResponseObjectLimit(t *testing.T) {
	t.Parallel()
	h := newHub(t, func(o *api.Options) { o.Limits = api.Limits{MaxObjects: 40} })
	ctx := ctxT(t)
	key := neo4jtest.Key(t, "objects")
	must(h.st.CreateProject(ctx, owner, store.CreateProjectInput{Key: key, Name: "Objects"})).of(t)
	exp := must(h.st.CreateExperiment(ctx, owner, store.CreateExperimentInput{ProjectKey: key, Name: "e"})).of(t)
	for i := range 30 {
		must(h.st.StartRun(ctx, owner, store.StartRunInput{ExperimentID: exp.ID, Name: fmt.Sprintf("r%02d", i)})).of(t)
	}
	tok := token(t, "reader", map[string]auth.Role{key: auth.RoleViewer})
	const q = `query($id: ID!, $n: Int) { runs(experimentId: $id, first: $n) { edges { node { id name experiment { id } } } } }`

	res := h.gql(t, tok, q, map[string]any{"id": exp.ID, "n": 30})
	res.fails(t, "BAD_USER_INPUT", "more than 40 objects")
	if d := res.Errors[0].Extensions["detail"]; d != "RESPONSE_LIMIT_EXCEEDED" {
		t.Errorf("extensions.detail: %v", d)
	}
	if len(res.Errors) != 1 || (len(res.Data) != 0 && string(res.Data) != "null") {
		t.Errorf("want one error and no data, got %s", res.Raw)
	}
	// 1 connection + 10 edges + 10 runs + 10 experiments = 31 objects.
	res = h.gql(t, tok, q, map[string]any{"id": exp.ID, "n": 10})
	var d struct{ Runs struct{ Edges []any } }
	res.ok(t, &d)
	if len(d.Runs.Edges) != 10 {
		t.Errorf("want 10 runs, got %s", res.Raw)
	}
}

// TestAliasFanOut: a thousand aliases of a root field cost a thousand
// round-trips' worth; within the cost limit, by-key root fields are
// batched into one statement, and the others hold at most the operation's
// share of the database pool at once.
func TestAliasFanOut(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	f := newFixture(t, h.st)
	tok := token(t, "reader", map[string]auth.Role{f.key: auth.RoleViewer})
	aliases := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("query($k: String!) {")
		for i := range n {
			fmt.Fprintf(&b, " a%d: %s", i, field)
		}
		b.WriteString(" }")
		return b.String()
	}
	t.Run("ten thousand aliases are refused", func(t *testing.T) {
		res := h.gql(t, tok, aliases(10_000, `project(key: $k) { id }`), map[string]any{"k": f.key})
		// 10,000 aliases are over the token limit before anything else is
		// measured; with the document limits raised the cost refuses them.
		refused(t, h, res, "TOKEN_LIMIT_EXCEEDED")
		h2 := newHub(t, func(o *api.Options) { o.Limits = api.Limits{MaxSelections: 1 << 20, MaxTokens: 1 << 20} })
		res = h2.gql(t, tok, aliases(10_000, `project(key: $k) { id }`), map[string]any{"k": f.key})
		refused(t, h2, res, "COMPLEXITY_LIMIT_EXCEEDED", "complexity")
	})
	t.Run("by-key root fields are batched", func(t *testing.T) {
		res := h.gql(t, tok, aliases(350, `project(key: $k) { key }`), map[string]any{"k": f.key})
		var d map[string]struct{ Key string }
		res.ok(t, &d)
		if len(d) != 350 || d["a349"].Key != f.key {
			t.Fatalf("want 350 answers naming %s, got %d", f.key, len(d))
		}
		if n := h.lastQueryCount(t); n > 3 {
			t.Errorf("350 aliases of project(key:) ran %d Cypher statements, want them batched (≤ 3)", n)
		}
	})
	t.Run("other root fields wait for a turn", func(t *testing.T) {
		res := h.gql(t, tok, aliases(300, `policy(projectKey: $k) { version }`), map[string]any{"k": f.key})
		var d map[string]struct{ Version int }
		res.ok(t, &d)
		if len(d) != 300 {
			t.Fatalf("want 300 answers, got %d", len(d))
		}
		c := h.lastCounter(t)
		if c.Transactions() < 300 {
			t.Fatalf("300 policy lookups opened %d transactions: the test no longer measures unbatched fields", c.Transactions())
		}
		if p := c.Peak(); p > int64(api.DefaultCallerLimits.DBConcurrency) {
			t.Errorf("one operation held %d transactions open at once, want at most %d", p, api.DefaultCallerLimits.DBConcurrency)
		}
	})
}

// TestCallerLimits: a caller over its rate gets 429 with Retry-After and
// RATE_LIMITED; another caller is served meanwhile.
func TestCallerLimits(t *testing.T) {
	t.Parallel()
	h := newHub(t, func(o *api.Options) { o.Callers = api.CallerLimits{Rate: 0.001, Burst: 3} })
	hog := token(t, "hog", map[string]auth.Role{"*": auth.RoleViewer})
	other := token(t, "other", map[string]auth.Role{"*": auth.RoleViewer})
	for range 3 {
		h.gql(t, hog, `{ me { subject } }`, nil).ok(t, nil)
	}
	res := h.gql(t, hog, `{ me { subject } }`, nil)
	if res.Status != http.StatusTooManyRequests {
		t.Fatalf("the 4th request of a burst of 3: HTTP %d, want 429: %s", res.Status, res.Raw)
	}
	res.fails(t, "RATE_LIMITED", "hog")
	if ra := res.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After: %q", ra)
	}
	if ra, ok := res.Errors[0].Extensions["retryAfter"].(float64); !ok || ra < 1 {
		t.Errorf("extensions.retryAfter: %v", res.Errors[0].Extensions["retryAfter"])
	}
	h.gql(t, other, `{ me { subject } }`, nil).ok(t, nil)
}

// TestCallerCostBudget: a caller's operations spend a budget of cost; past
// it an operation is refused before it runs, with RATE_LIMITED and when to
// retry, while another caller is served.
func TestCallerCostBudget(t *testing.T) {
	t.Parallel()
	h := newHub(t, func(o *api.Options) { o.Callers = api.CallerLimits{CostRate: 0.001, CostBurst: 1000} })
	f := newFixture(t, h.st)
	hog := token(t, "spender", map[string]auth.Role{f.key: auth.RoleViewer})
	other := token(t, "saver", map[string]auth.Role{f.key: auth.RoleViewer})
	const q = `query($k: String!) { experiments(projectKey: $k) { edges { node { id } } } }`
	var res *gqlResponse
	served := 0
	for range 1000 {
		if res = h.gql(t, hog, q, map[string]any{"k": f.key}); len(res.Errors) > 0 {
			break
		}
		served++
	}
	res.fails(t, "RATE_LIMITED", "spender")
	m := regexp.MustCompile(`costs (\d+)`).FindStringSubmatch(res.Errors[0].Message)
	if m == nil {
		t.Fatalf("the refusal does not say what the operation costs: %s", res.Errors[0].Message)
	}
	cost, _ := strconv.Atoi(m[1])
	if served*cost > 1000 || (served+1)*cost <= 1000 {
		t.Errorf("served %d operations of cost %d from a budget of 1000", served, cost)
	}
	if ra, ok := res.Errors[0].Extensions["retryAfter"].(float64); !ok || ra < 1 {
		t.Errorf("extensions.retryAfter: %v", res.Errors[0].Extensions["retryAfter"])
	}
	if n := h.lastQueryCount(t); n != 0 {
		t.Errorf("a refused operation ran %d statements", n)
	}
	h.gql(t, other, q, map[string]any{"k": f.key}).ok(t, nil)
}

// TestTransportErrorsHaveCodes: requests gqlgen's transports refuse before
// any operation exists still carry extensions.code.
func TestTransportErrorsHaveCodes(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	tok := token(t, "reader", map[string]auth.Role{"*": auth.RoleViewer})
	for _, tc := range []struct {
		name, method, contentType, body, query string
	}{
		{"an unsupported content type", http.MethodPost, "text/plain", `{ me { subject } }`, ""},
		{"an unsupported method", http.MethodPut, "application/json", `{"query":"{ me { subject } }"}`, ""},
		{"a mutation over GET", http.MethodGet, "", "", `query=` + urlEscape(`mutation { createProject(input: {key: "x", name: "x"}) { project { id } } }`)},
		{"variables that are not JSON", http.MethodGet, "", "", `query=` + urlEscape(`{ me { subject } }`) + `&variables=%7Bnope`},
		{"a body that is not JSON", http.MethodPost, "application/json", `{"query": `, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := h.srv.URL + "/graphql"
			if tc.query != "" {
				target += "?" + tc.query
			}
			req, err := http.NewRequest(tc.method, target, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			res := doGQL(t, req)
			if len(res.Errors) == 0 {
				t.Fatalf("want an error, got HTTP %d %s", res.Status, res.Raw)
			}
			for _, e := range res.Errors {
				if c, _ := e.Extensions["code"].(string); c != "BAD_USER_INPUT" {
					t.Errorf("HTTP %d: error %q has code %v, want BAD_USER_INPUT", res.Status, e.Message, e.Extensions["code"])
				}
			}
		})
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }
