package api

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// coalescingWebsocket accepts websocket connections whose frames reach
// the kernel through a flusher: a frame written while an earlier write is
// still in the kernel waits in the connection's buffer, and every frame
// waiting goes out in the next write. A quiet connection writes each
// frame at once, as before; one that is handed frames faster than it can
// send them (a thousand subscribers of a busy log on two cores) sends
// many frames per system call, and its client reads many per call too.
// The frames, their order and their bytes are the library's own.
type coalescingWebsocket struct {
	transport.CoderWebsocketImplementation
}

func (c coalescingWebsocket) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	return c.CoderWebsocketImplementation.Accept(coalescingHijacker{ResponseWriter: w}, r, o)
}

// coalescingHijacker hands the websocket library a connection that
// coalesces its writes.
type coalescingHijacker struct{ http.ResponseWriter }

func (w coalescingHijacker) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w coalescingHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	c := newCoalescingConn(conn)
	brw.Writer.Reset(c)
	return c, brw, nil
}

// Bounds of a coalescing connection: how many bytes may wait before a
// write waits for the kernel (as a full socket buffer makes it wait),
// the largest buffer kept between bursts, and how long closing waits for
// waiting bytes (the close frame among them) to leave.
const (
	coalesceLimit  = 256 << 10
	coalesceSpare  = 64 << 10
	closeFlushWait = time.Second
)

// coalescingConn is a net.Conn whose Write appends to a buffer that one
// flusher at a time writes out. Write returns once the bytes are queued,
// as a write into the socket's buffer does; an error of the flusher's
// write is returned by every later Write. Close sends what is waiting
// (for at most closeFlushWait) before it closes.
type coalescingConn struct {
	net.Conn

	mu       sync.Mutex
	cond     *sync.Cond // a flush went out, or the connection closed
	pending  []byte
	spare    []byte
	flushing bool
	closed   bool
	err      error
	waiting  int // writes waiting for room
}

func newCoalescingConn(conn net.Conn) *coalescingConn {
	c := &coalescingConn{Conn: conn}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.err == nil && !c.closed && len(c.pending) >= coalesceLimit {
		c.waiting++
		c.cond.Wait()
		c.waiting--
	}
	switch {
	case c.err != nil:
		return 0, c.err
	case c.closed:
		return 0, net.ErrClosed
	}
	c.pending = append(c.pending, p...)
	if !c.flushing {
		c.flushing = true
		go c.flush()
	}
	return len(p), nil
}

// flush writes what is waiting until nothing is.
func (c *coalescingConn) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.pending) > 0 && c.err == nil {
		out := c.pending
		c.pending = c.spare[:0]
		c.spare = nil
		c.mu.Unlock()
		_, err := c.Conn.Write(out)
		c.mu.Lock()
		if err != nil {
			c.err = err
			c.pending = nil
		}
		if cap(out) <= coalesceSpare {
			c.spare = out[:0]
		}
		c.cond.Broadcast()
	}
	c.flushing = false
	c.cond.Broadcast()
}

func (c *coalescingConn) Close() error {
	c.mu.Lock()
	c.closed = true
	if c.flushing {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(closeFlushWait))
		for c.flushing {
			c.cond.Wait()
		}
	}
	c.cond.Broadcast()
	c.mu.Unlock()
	return c.Conn.Close()
}
