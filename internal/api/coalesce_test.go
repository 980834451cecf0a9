package api

import (
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/exphub/exphub/internal/testwait"
)

// gatedConn is a net.Conn whose writes wait for the test: each Write
// announces what it was given on entered and returns when the test sends
// its result on release.
type gatedConn struct {
	net.Conn
	entered chan string
	release chan error

	mu        sync.Mutex
	closed    bool
	written   []string
	deadlines []time.Time
}

func newGatedConn() *gatedConn {
	return &gatedConn{entered: make(chan string), release: make(chan error)}
}

func (g *gatedConn) Write(p []byte) (int, error) {
	g.entered <- string(p)
	if err := <-g.release; err != nil {
		return 0, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.written = append(g.written, string(p))
	return len(p), nil
}

func (g *gatedConn) SetWriteDeadline(t time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.deadlines = append(g.deadlines, t)
	return nil
}

func (g *gatedConn) lastDeadline() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.deadlines) == 0 {
		return time.Time{}
	}
	return g.deadlines[len(g.deadlines)-1]
}

func (g *gatedConn) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	return nil
}

func (g *gatedConn) state() ([]string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.written...), g.closed
}

// expectClosedAfter checks that the connection was written want, in
// those writes, and closed.
func (g *gatedConn) expectClosedAfter(t *testing.T, want ...string) {
	t.Helper()
	if written, closed := g.state(); !slices.Equal(written, want) || !closed {
		t.Fatalf("written %q, closed %v; want %q, closed", written, closed, want)
	}
}

func expectWrite(t *testing.T, g *gatedConn, want string) {
	t.Helper()
	select {
	case got := <-g.entered:
		if got != want {
			t.Fatalf("the connection was given %q, want %q", got, want)
		}
	case <-time.After(time.Minute):
		t.Fatalf("no write of %q reached the connection", want)
	}
}

func mustQueue(t *testing.T, c *coalescingConn, s string) {
	t.Helper()
	if n, err := c.Write([]byte(s)); err != nil || n != len(s) {
		t.Fatalf("Write(%q) = %d, %v", s, n, err)
	}
}

// Frames written while an earlier write is in the kernel leave together,
// in order, in the next write.
func TestCoalescingConnJoinsWaitingWrites(t *testing.T) {
	defer goleak.VerifyNone(t)
	g := newGatedConn()
	c := newCoalescingConn(g)

	mustQueue(t, c, "a")
	expectWrite(t, g, "a") // the flusher is now inside the connection's write
	mustQueue(t, c, "b")
	mustQueue(t, c, "c")
	mustQueue(t, c, "d")
	g.release <- nil
	expectWrite(t, g, "bcd")
	g.release <- nil

	// Nothing waiting: the next frame goes out on its own.
	mustQueue(t, c, "e")
	expectWrite(t, g, "e")
	g.release <- nil

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	g.expectClosedAfter(t, "a", "bcd", "e")
}

// Closing sends what is waiting (a close frame, typically) first, and
// refuses writes after it.
func TestCoalescingConnCloseSendsWhatWaits(t *testing.T) {
	defer goleak.VerifyNone(t)
	g := newGatedConn()
	c := newCoalescingConn(g)

	mustQueue(t, c, "frame")
	expectWrite(t, g, "frame")
	mustQueue(t, c, "close")
	closed := make(chan error)
	go func() { closed <- c.Close() }()
	g.release <- nil
	expectWrite(t, g, "close")
	g.release <- nil
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	g.expectClosedAfter(t, "frame", "close")
	if _, err := c.Write([]byte("late")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("a write after Close returned %v, want net.ErrClosed", err)
	}
}

// A failed write of the flusher is every later Write's error, and what
// waited behind it is not written.
func TestCoalescingConnKeepsItsWriteError(t *testing.T) {
	defer goleak.VerifyNone(t)
	g := newGatedConn()
	c := newCoalescingConn(g)
	broken := errors.New("connection reset")

	mustQueue(t, c, "a")
	expectWrite(t, g, "a")
	mustQueue(t, c, "b")
	g.release <- broken
	// The flusher stops; wait for it before writing again.
	c.mu.Lock()
	for c.flushing {
		c.cond.Wait()
	}
	c.mu.Unlock()
	if _, err := c.Write([]byte("c")); !errors.Is(err, broken) {
		t.Fatalf("Write after a failed flush returned %v, want %v", err, broken)
	}
	if written, closed := g.state(); len(written) != 0 || !closed {
		t.Fatalf("written %q, closed %v after the failure; want nothing written and the connection closed", written, closed)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// A frame that comes within the linger of the previous write waits for
// it with the frames after it, and Close does not wait the linger out.
func TestCoalescingConnLingers(t *testing.T) {
	defer goleak.VerifyNone(t)
	g := newGatedConn()
	c := newCoalescingConn(g)
	c.linger = time.Hour

	mustQueue(t, c, "a") // the first write after a quiet hour goes at once
	expectWrite(t, g, "a")
	g.release <- nil
	if !testwait.Until(time.Minute, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return !c.flushing
	}) {
		t.Fatal("the flusher did not finish")
	}
	mustQueue(t, c, "b") // within the hour: it waits
	mustQueue(t, c, "c")
	closed := make(chan error)
	go func() { closed <- c.Close() }()
	expectWrite(t, g, "bc")
	g.release <- nil
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	g.expectClosedAfter(t, "a", "bc")
}

// A connection whose peer does not read holds at most coalesceLimit
// bytes: the write past it waits, as a write into a full socket buffer
// does, and goes on when the flusher has sent what waited.
func TestCoalescingConnBoundsWhatWaits(t *testing.T) {
	defer goleak.VerifyNone(t)
	g := newGatedConn()
	c := newCoalescingConn(g)

	mustQueue(t, c, "a")
	expectWrite(t, g, "a")
	big := make([]byte, coalesceLimit)
	mustQueue(t, c, string(big))
	wrote := make(chan error)
	go func() {
		_, err := c.Write([]byte("z"))
		wrote <- err
	}()
	// The third write waits until the flusher has taken the full buffer.
	if !testwait.Until(time.Minute, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.waiting == 1
	}) {
		t.Fatal("the write past the limit did not wait")
	}
	g.release <- nil
	// What waited goes out in chunks, and "z" only after it.
	for n := 0; n < coalesceLimit; {
		select {
		case got := <-g.entered:
			if len(got) != coalesceChunk {
				t.Fatalf("a chunk of %d bytes, want %d", len(got), coalesceChunk)
			}
			n += len(got)
		case <-time.After(time.Minute):
			t.Fatal("the waiting bytes were not written")
		}
		g.release <- nil
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	expectWrite(t, g, "z")
	g.release <- nil
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// A long write goes out in chunks, each given coalesceWriteWait to be
// taken, so a client that reads slowly is not cut off while one that does
// not read is; backlog counts what the flusher still holds.
func TestCoalescingConnWritesInChunks(t *testing.T) {
	defer goleak.VerifyNone(t)
	g := newGatedConn()
	c := newCoalescingConn(g)
	start := time.Now()

	size := 2*coalesceChunk + 100
	mustQueue(t, c, string(make([]byte, size)))
	for left, want := size, []int{coalesceChunk, coalesceChunk, 100}; len(want) > 0; want = want[1:] {
		got := <-g.entered
		if len(got) != want[0] {
			t.Fatalf("a chunk of %d bytes, want %d", len(got), want[0])
		}
		if b := c.backlog(); b != left {
			t.Fatalf("backlog %d while the flusher holds %d", b, left)
		}
		if d := g.lastDeadline(); d.Before(start.Add(coalesceWriteWait)) {
			t.Fatalf("the chunk's write deadline is %v, want at least %v from before the write", d.Sub(start), coalesceWriteWait)
		}
		g.release <- nil
		left -= len(got)
	}
	if !testwait.Until(time.Minute, func() bool { return c.backlog() == 0 }) {
		t.Fatalf("backlog %d after everything was written", c.backlog())
	}

	// Closing with bytes in the flusher's hands shortens their deadline.
	mustQueue(t, c, "last")
	expectWrite(t, g, "last")
	closed := make(chan error)
	go func() { closed <- c.Close() }()
	if !testwait.Until(time.Minute, func() bool { return g.lastDeadline().Before(start.Add(coalesceWriteWait)) }) {
		t.Fatal("Close did not shorten the write deadline")
	}
	g.release <- nil
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}
