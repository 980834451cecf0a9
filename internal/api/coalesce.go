package api

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"
)

// coalescingHijacker hands the websocket library a connection that
// coalesces its writes: a frame written while an earlier write is still
// in the kernel, or within coalesceLinger of it, waits in the
// connection's buffer, and every frame waiting goes out in the next
// write. A quiet connection writes each frame at once; a busy one (a
// subscriber of a log that appends a hundred events a second) writes at
// most one batch of frames per coalesceLinger, so a thousand of them cost
// thousands of system calls a second, on the server and in the clients
// that read them, not a hundred thousand. The frames, their order and
// their bytes are the library's own. The hijacker keeps the connection
// it made.
type coalescingHijacker struct {
	http.ResponseWriter
	conn *coalescingConn
}

func (w *coalescingHijacker) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *coalescingHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	w.conn = newCoalescingConn(conn)
	brw.Writer.Reset(w.conn)
	return w.conn, brw, nil
}

// Bounds of a coalescing connection: how many bytes may wait before a
// write waits for the kernel (as a full socket buffer makes it wait),
// the largest buffer kept between bursts, how long closing waits for
// waiting bytes (the close frame among them) to leave, and the least time
// between two writes of one connection: a frame that comes within it of
// the previous write waits for the rest of it, with the frames that come
// after it (a quiet connection's frame goes at once).
const (
	coalesceLimit  = 256 << 10
	coalesceSpare  = 64 << 10
	closeFlushWait = time.Second
	coalesceLinger = 50 * time.Millisecond
	// A chunk of a write that is not taken this long (a client that
	// stopped reading, its socket's buffers full) fails, and with it the
	// connection.
	coalesceWriteWait = 2 * PingInterval
	coalesceChunk     = 32 << 10
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
	inflight int // bytes the flusher is writing
	spare    []byte
	flushing bool
	closed   bool
	closeBy  time.Time // when closing stops waiting for the flusher
	err      error
	waiting  int           // writes waiting for room
	last     time.Time     // when the latest flush ended
	linger   time.Duration // the least time between two flushes
	shut     chan struct{} // closed by Close: a lingering flusher goes at once
}

func newCoalescingConn(conn net.Conn) *coalescingConn {
	c := &coalescingConn{Conn: conn, linger: coalesceLinger, shut: make(chan struct{})}
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
	if wait := c.linger - time.Since(c.last); wait > 0 && !c.closed {
		c.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-c.shut:
			t.Stop()
		}
		c.mu.Lock()
	}
	for len(c.pending) > 0 && c.err == nil {
		out := c.pending
		c.pending = c.spare[:0]
		c.spare = nil
		c.inflight = len(out)
		err := c.writeOut(out)
		c.inflight = 0
		if err != nil {
			// The connection is broken: the client's reads end too.
			c.err = err
			c.pending = nil
			_ = c.Conn.Close()
		}
		c.last = time.Now()
		if cap(out) <= coalesceSpare {
			c.spare = out[:0]
		}
		c.cond.Broadcast()
	}
	c.flushing = false
	c.cond.Broadcast()
}

// writeOut writes out (c.mu held, and let go around each write) in
// chunks, each with coalesceWriteWait to make its progress: a slow
// client that reads is never cut off, one that stopped reading is.
func (c *coalescingConn) writeOut(out []byte) error {
	for len(out) > 0 {
		chunk := out[:min(len(out), coalesceChunk)]
		out = out[len(chunk):]
		// Under the lock, so a deadline Close set is never replaced.
		by := time.Now().Add(coalesceWriteWait)
		if c.closed {
			by = c.closeBy
		}
		_ = c.Conn.SetWriteDeadline(by)
		c.mu.Unlock()
		_, err := c.Conn.Write(chunk)
		c.mu.Lock()
		c.inflight -= len(chunk)
		if err != nil {
			return err
		}
	}
	return nil
}

// backlog is how many bytes wait for the flusher or are in its hands.
func (c *coalescingConn) backlog() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending) + c.inflight
}

func (c *coalescingConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.shut)
	}
	if c.flushing {
		c.closeBy = time.Now().Add(closeFlushWait)
		_ = c.Conn.SetWriteDeadline(c.closeBy)
		for c.flushing {
			c.cond.Wait()
		}
	}
	c.cond.Broadcast()
	c.mu.Unlock()
	return c.Conn.Close()
}
