package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// poll calls cond until it returns true or the deadline passes.
func poll(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s (last: %s)", what, timeout, last)
		}
		<-tick.C
	}
}

// TestUnavailableAndRecovery puts a TCP proxy between the store and Neo4j,
// cuts it, and checks that the hub says so without leaking the driver's
// text, keeps its liveness probe green, and recovers by itself.
func TestUnavailableAndRecovery(t *testing.T) {
	t.Parallel()
	p := neo4jtest.NewProxy(t)
	driver := p.Driver()
	proxied := store.New(driver, "")

	h := newHub(t, func(o *api.Options) { o.Store, o.Ready = proxied, proxied })
	key := neo4jtest.Key(t, "avail")
	if _, err := neo4jtest.Store(t).CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: key, Name: "Availability"}); err != nil {
		t.Fatal(err)
	}
	tok := token(t, "ops", map[string]auth.Role{key: auth.RoleViewer})
	const query = `query($k: String!) { project(key: $k) { key name } experiments(projectKey: $k) { totalCount } }`
	want := `{"project":{"key":"` + key + `","name":"Availability"},"experiments":{"totalCount":0}}`

	status := func(path string) (int, string) { return getStatus(t, h.srv.URL+path) }
	healthy := func(t *testing.T) {
		t.Helper()
		if code, body := status("/healthz"); code != http.StatusOK {
			t.Errorf("/healthz: want 200 while Neo4j is away too, got %d %s", code, body)
		}
	}
	works := func() (bool, string) {
		code, body := status("/readyz")
		if code != http.StatusOK {
			return false, "readyz " + body
		}
		res := h.gql(t, tok, query, map[string]any{"k": key})
		return res.Status == http.StatusOK && len(res.Errors) == 0 && string(res.Data) == want, string(res.Raw)
	}

	t.Run("up", func(t *testing.T) {
		poll(t, 20*time.Second, "the hub answering through the proxy", works)
		healthy(t)
	})

	t.Run("down", func(t *testing.T) {
		p.Stop()
		poll(t, 20*time.Second, "/readyz saying 503", func() (bool, string) {
			code, body := status("/readyz")
			return code == http.StatusServiceUnavailable, body
		})
		code, body := status("/readyz")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, `"unavailable"`) {
			t.Errorf("/readyz: want 503 unavailable, got %d %s", code, body)
		}
		res := h.gql(t, tok, query, map[string]any{"k": key})
		if res.Status != http.StatusOK {
			t.Errorf("want a GraphQL answer (HTTP 200), got %d", res.Status)
		}
		res.fails(t, "UNAVAILABLE")
		// The store knows Neo4j is away: the next requests fail at once,
		// without handing a transaction to the driver (each would wait out
		// its connect timeouts and retries), until a probe gets through.
		poll(t, 20*time.Second, "requests failing without a transaction", func() (bool, string) {
			res := h.gql(t, tok, query, map[string]any{"k": key})
			n := h.lastCounter(t).Transactions()
			return res.code() == "UNAVAILABLE" && n == 0, fmt.Sprintf("%d transactions: %s", n, res.Raw)
		})
		if proxied.Reachable() {
			t.Error("the store reports Neo4j reachable while it fails requests")
		}
		for _, e := range res.Errors {
			if c := e.Extensions["code"]; c != "UNAVAILABLE" {
				t.Errorf("every error should be UNAVAILABLE, got %v: %s", c, e.Message)
			}
		}
		lower := strings.ToLower(string(res.Raw))
		for _, leak := range []string{"neo4j", "bolt", "connectivity", "dial", "refused", "tcp", p.Addr(), strings.Split(p.Addr(), ":")[1], "pool", "driver"} {
			if strings.Contains(lower, strings.ToLower(leak)) {
				t.Errorf("the response mentions %q: %s", leak, res.Raw)
			}
		}
		// Writes too.
		res = h.gql(t, token(t, "ops", map[string]auth.Role{key: auth.RoleContributor}),
			`mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "while-down"}) { experiment { id } } }`, map[string]any{"k": key})
		res.fails(t, "UNAVAILABLE")
		healthy(t)
	})

	t.Run("back", func(t *testing.T) {
		p.Start()
		poll(t, 30*time.Second, "recovery after Neo4j returns", works)
		healthy(t)
		if n := neo4jtest.Count(t, `MATCH (e:Experiment {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": key}); n != 0 {
			t.Errorf("a write refused while down was applied later: %d experiments", n)
		}
	})
}
