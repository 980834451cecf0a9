package neo4jtest

import (
	"context"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Proxy is a TCP proxy between a driver and the test Neo4j, to put the
// real database through an outage: Stop cuts every connection and stops
// listening, Start listens again on the same address, and Hang holds every
// byte in both directions (new connections included) until it is lifted,
// as a database that accepts connections and never answers would.
type Proxy struct {
	t       testing.TB
	addr    string
	backend string

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	resume chan struct{} // non-nil while hung; closed to resume
	done   chan struct{} // closed when the test ends
	wg     sync.WaitGroup
}

// NewProxy starts a proxy to the test instance, closed when the test ends.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	backend, err := url.Parse(URI())
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{t: t, backend: backend.Host, conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() {
		close(p.done)
		p.Stop()
		p.wg.Wait()
	})
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.addr }

// Driver returns a driver to the test instance through the proxy, with
// short timeouts so an outage shows at once; it is closed when the test
// ends.
func (p *Proxy) Driver() neo4j.DriverWithContext {
	p.t.Helper()
	d, err := neo4j.NewDriverWithContext("bolt://"+p.addr, neo4j.BasicAuth("neo4j", Password(), ""), func(c *neo4jconfig.Config) {
		c.SocketConnectTimeout = time.Second
		c.ConnectionAcquisitionTimeout = 2 * time.Second
		c.MaxTransactionRetryTime = time.Second
		c.MaxConnectionPoolSize = 10
	})
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { _ = d.Close(context.Background()) })
	return d
}

// Start listens again on the proxy's address after Stop.
func (p *Proxy) Start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("re-listen on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// Stop closes the listener and every live connection.
func (p *Proxy) Stop() {
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

// Hang holds all traffic while on is true, and lets it flow again when it
// is false.
func (p *Proxy) Hang(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case on && p.resume == nil:
		p.resume = make(chan struct{})
	case !on && p.resume != nil:
		close(p.resume)
		p.resume = nil
	}
}

// flowing waits while the proxy hangs; false means the test ended.
func (p *Proxy) flowing() bool {
	p.mu.Lock()
	resume := p.resume
	p.mu.Unlock()
	if resume == nil {
		return true
	}
	select {
	case <-resume:
		return true
	case <-p.done:
		return false
	}
}

func (p *Proxy) serve(ln net.Listener) {
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

func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) forward(client net.Conn) {
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
	wg.Go(func() { p.pipe(server, client) })
	wg.Go(func() { p.pipe(client, server) })
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}

// pipe copies src to dst, holding what it read while the proxy hangs.
// Either side ending ends both.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.flowing() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
