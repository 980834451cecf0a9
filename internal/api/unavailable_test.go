package api_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// proxy forwards TCP connections to a backend; stop cuts every connection
// and stops listening, start listens again on the same address.
type proxy struct {
	t       *testing.T
	addr    string
	backend string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newProxy(t *testing.T, backend string) *proxy {
	t.Helper()
	p := &proxy{t: t, backend: backend, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() {
		p.stop()
		p.wg.Wait()
	})
	return p
}

// start listens again on the proxy's address.
func (p *proxy) start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("re-listen on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() { p.forward(c) })
		}
	})
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) forward(client net.Conn) {
	if !p.track(client) {
		client.Close()
		return
	}
	server, err := net.DialTimeout("tcp", p.backend, 5*time.Second)
	if err != nil || !p.track(server) {
		client.Close()
		if server != nil {
			server.Close()
		}
		return
	}
	var wg sync.WaitGroup
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		// Either side ending ends both.
		dst.Close()
		src.Close()
	}
	wg.Go(func() { pipe(server, client) })
	wg.Go(func() { pipe(client, server) })
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}

// stop closes the listener and every live connection.
func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

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
	backend, err := url.Parse(neo4jtest.URI())
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, backend.Host)
	driver, err := neo4j.NewDriverWithContext("bolt://"+p.addr, neo4j.BasicAuth("neo4j", neo4jtest.Password(), ""),
		func(c *neo4jconfig.Config) {
			c.SocketConnectTimeout = time.Second
			c.ConnectionAcquisitionTimeout = 2 * time.Second
			c.MaxTransactionRetryTime = time.Second
			c.MaxConnectionPoolSize = 10
		})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = driver.Close(context.Background()) })
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
		p.stop()
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
		for _, leak := range []string{"neo4j", "bolt", "connectivity", "dial", "refused", "tcp", p.addr, strings.Split(p.addr, ":")[1], "pool", "driver"} {
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
		p.start()
		poll(t, 30*time.Second, "recovery after Neo4j returns", works)
		healthy(t)
		if n := neo4jtest.Count(t, `MATCH (e:Experiment {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": key}); n != 0 {
			t.Errorf("a write refused while down was applied later: %d experiments", n)
		}
	})
}
