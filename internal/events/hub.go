// Package events delivers the hub's event log to subscribers: one poller
// per server process follows the log in Neo4j into a bounded ring, and
// every subscriber reads from the ring (or, when it is behind the ring,
// from Neo4j) at its own cursor. Writers never wait for subscribers, a
// slow subscriber costs only its own cursor, and a replica learns about
// events written through another one from the shared log.
//
// It owns delivery only: what an event says and who may see it are the
// store's log and the edge's filters. It holds no Cypher (the store reads
// the log for it) and must not speak GraphQL.
package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exphub/exphub/internal/store"
)

// Source is the event log: the store.
type Source interface {
	EventsAfter(ctx context.Context, after int64, limit int, f store.EventFilter) ([]*store.Event, error)
	EventsBetween(ctx context.Context, after, upto int64, limit int, f store.EventFilter) ([]*store.Event, error)
	EventHead(ctx context.Context) (int64, error)
}

// Options tune a Hub. Zero values take the defaults in brackets.
type Options struct {
	// PollInterval is how often the log is read when no local write says
	// it changed: the delivery delay of events written through another
	// replica [100ms].
	PollInterval time.Duration
	// RingSize is how many recent events stay in memory [8192].
	RingSize int
	// MaxLag ends a subscription that, once it had caught up with the
	// log, falls this many events behind its head [10000]. Catching up
	// from an old cursor is not lag.
	MaxLag int64
	// SendTimeout ends a subscription whose client has not taken an event
	// for this long [15s].
	SendTimeout time.Duration
	// Buffer is each subscriber's queue of events on their way out [64].
	Buffer int
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.PollInterval <= 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	if o.RingSize <= 0 {
		o.RingSize = 8192
	}
	if o.MaxLag <= 0 {
		o.MaxLag = 10_000
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 15 * time.Second
	}
	if o.Buffer <= 0 {
		o.Buffer = 64
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// ErrTooSlow ends a subscription that fell too far behind; it can resume
// from its cursor.
var ErrTooSlow = errors.New("subscriber too slow")

// LagError says where a subscription that fell behind may resume.
type LagError struct {
	Cursor int64
	Reason string
}

func (e *LagError) Error() string {
	return fmt.Sprintf("%s: %s; subscribe again with after: %q to resume", ErrTooSlow, e.Reason, fmt.Sprint(e.Cursor))
}

func (e *LagError) Unwrap() error { return ErrTooSlow }

// Hub follows the log and serves subscribers.
type Hub struct {
	src  Source
	opts Options

	mu      sync.RWMutex
	ring    []*store.Event // ring[seq % len(ring)]
	head    int64          // latest sequence read from the log
	oldest  int64          // oldest sequence in the ring (head+1 when empty)
	ready   bool           // head was read from the log
	changed chan struct{}  // closed and replaced whenever head moves
	wake    chan struct{}
	done    chan struct{} // closed when Run returns
	// subs counts the subscriptions Run waits for before it returns: those
	// made before done was closed (life guards the close, so that no Add
	// races Run's Wait).
	subs sync.WaitGroup
	life sync.Mutex
	// following counts the subscriptions being served.
	following atomic.Int64
	// followers holds each subscription's position, for Lag.
	followers sync.Map // *position -> struct{}
	// projects wakes the subscriptions that follow one project only when
	// an event of that project arrives, rather than on every event: with
	// many subscribers spread over projects, waking all of them for each
	// event is most of what delivery costs. An entry lives while such a
	// subscription does.
	projects map[string]*projectWake
	// wakeups counts the times a waiting subscription was woken.
	wakeups atomic.Int64
}

// projectWake is what the subscriptions of one project wait on.
type projectWake struct {
	changed chan struct{} // closed and replaced when an event of the project arrives
	// last is at least the sequence of the project's newest event the hub
	// has read: a subscription whose cursor is at or past it has nothing
	// of the project to pass up to the head, and may move its cursor there.
	last      int64
	followers int
}

// position is where one subscription is: the last sequence it passed
// (delivered or filtered out), and whether it has caught up with the log
// once. Its goroutine writes it; Lag reads it.
type position struct {
	cursor atomic.Int64
	live   atomic.Bool
	// project is the one project the subscription follows, or "".
	project string
}

// ErrStopped ends the subscriptions of a hub that stopped (the server is
// shutting down); they can resume from their cursor on another replica.
var ErrStopped = errors.New("the server is shutting down")

// New returns a hub over src; Run starts it.
func New(src Source, opts Options) *Hub {
	opts = opts.withDefaults()
	return &Hub{src: src, opts: opts, ring: make([]*store.Event, opts.RingSize), changed: make(chan struct{}),
		wake: make(chan struct{}, 1), done: make(chan struct{}), projects: map[string]*projectWake{}}
}

// Notify tells the hub the log has grown (a local write committed), so it
// reads it now rather than at the next poll. It never blocks.
func (h *Hub) Notify() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run follows the log until ctx ends, then waits for the subscribers to
// leave. Read errors are logged and retried at the next poll.
func (h *Hub) Run(ctx context.Context) {
	defer func() {
		h.life.Lock()
		close(h.done)
		h.life.Unlock()
		h.subs.Wait()
	}()
	t := time.NewTicker(h.opts.PollInterval)
	defer t.Stop()
	for {
		more, err := h.poll(ctx)
		if err != nil && ctx.Err() == nil {
			h.opts.Logger.WarnContext(ctx, "events: reading the log", "err", err)
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.wake:
		}
	}
}

// Start runs the hub in the background until stop is called; stop waits
// for it (and its subscribers) to finish.
func (h *Hub) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	return func() { cancel(); <-done }
}

// poll reads what the log has beyond head into the ring. It reports
// whether a full page came back (there may be more).
func (h *Hub) poll(ctx context.Context) (bool, error) {
	h.mu.RLock()
	ready, head := h.ready, h.head
	h.mu.RUnlock()
	if !ready {
		// Start at the log's head: older events are served from Neo4j.
		n, err := h.src.EventHead(ctx)
		if err != nil {
			return false, err
		}
		h.mu.Lock()
		h.head, h.oldest, h.ready = n, n+1, true
		for _, pw := range h.projects {
			pw.last = n // what the log held before is not known by project
		}
		h.broadcast()
		for _, pw := range h.projects {
			pw.wake()
		}
		h.mu.Unlock()
		return false, nil
	}
	const page = 1000
	evs, err := h.src.EventsAfter(ctx, head, page, store.EventFilter{Scope: store.Scope{All: true}})
	if err != nil || len(evs) == 0 {
		return false, err
	}
	h.mu.Lock()
	var woken []*projectWake
	for _, e := range evs {
		if e.Seq != h.head+1 {
			// The log has no gaps; a gap means a reader raced a writer's
			// commit, so stop here and read on at the next poll.
			break
		}
		h.ring[e.Seq%int64(len(h.ring))] = e
		h.head = e.Seq
		if h.head-h.oldest >= int64(len(h.ring)) {
			h.oldest = h.head - int64(len(h.ring)) + 1
		}
		if pw := h.projects[e.ProjectKey]; pw != nil {
			if pw.last < e.Seq && !slices.Contains(woken, pw) {
				woken = append(woken, pw)
			}
			pw.last = e.Seq
		}
	}
	h.broadcast()
	for _, pw := range woken {
		pw.wake()
	}
	h.mu.Unlock()
	return len(evs) == page, nil
}

// broadcast wakes every waiting subscriber that does not follow one
// project; h.mu is held.
func (h *Hub) broadcast() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// wake wakes the subscriptions of one project; the hub's mu is held.
func (pw *projectWake) wake() {
	close(pw.changed)
	pw.changed = make(chan struct{})
}

// onlyProject is the one project a filter can match events of, or "".
func onlyProject(f store.EventFilter) string {
	switch {
	case len(f.ProjectKeys) == 1:
		return f.ProjectKeys[0]
	case len(f.ProjectKeys) == 0 && !f.Scope.All && len(f.Scope.Keys) == 1:
		return f.Scope.Keys[0]
	}
	return ""
}

// followProject registers a subscription of one project; the returned func
// ends it.
func (h *Hub) followProject(key string) (leave func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pw := h.projects[key]
	if pw == nil {
		// Whatever the ring holds may be of the project: it is passed
		// one by one, as a subscription of several projects does.
		pw = &projectWake{changed: make(chan struct{}), last: h.head}
		h.projects[key] = pw
	}
	pw.followers++
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if pw.followers--; pw.followers == 0 {
			delete(h.projects, key)
		}
	}
}

// Head returns the latest sequence the hub has read, and whether it has
// read the log at all yet.
func (h *Hub) Head() (int64, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.head, h.ready
}

// Subscription is one subscriber's stream.
type Subscription struct {
	// C delivers the events after the cursor that pass the filter, in
	// order, without gaps or repeats; it is closed when the subscription
	// ends.
	C <-chan *store.Event
	// err is why it ended (nil: the context ended); read it after C closes.
	err error
}

// Err is why the subscription ended: nil when its context ended, a
// *LagError when it fell behind, or the error that reading the log kept
// returning.
func (s *Subscription) Err() error { return s.err }

// Subscribe streams the events after cursor (nil: from now on) that pass
// f and, when set, match. It ends when ctx ends, calling end with the
// reason (nil for ctx) and the cursor to resume from, then closing C.
func (h *Hub) Subscribe(ctx context.Context, after *int64, f store.EventFilter, match func(*store.Event) bool, end func(err error, cursor int64)) (*Subscription, error) {
	cursor, err := h.start(ctx, after)
	if err != nil {
		return nil, err
	}
	out := make(chan *store.Event, h.opts.Buffer)
	sub := &Subscription{C: out}
	pos := &position{project: onlyProject(f)}
	pos.cursor.Store(cursor)
	h.followers.Store(pos, struct{}{})
	// A subscription made once the hub stopped ends at once with
	// ErrStopped; Run, which may be waiting already, does not wait for it.
	h.life.Lock()
	tracked := !h.isStopped()
	if tracked {
		h.subs.Add(1)
	}
	h.life.Unlock()
	h.following.Add(1)
	go func() {
		if tracked {
			defer h.subs.Done()
		}
		defer h.following.Add(-1)
		defer h.followers.Delete(pos)
		defer close(out)
		if pos.project != "" {
			defer h.followProject(pos.project)()
		}
		var last int64
		last, sub.err = h.follow(ctx, cursor, f, match, out, pos)
		if end != nil {
			end(sub.err, last)
		}
	}()
	return sub, nil
}

// isStopped reports whether Run has returned or is returning.
func (h *Hub) isStopped() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// Subscriptions returns how many subscriptions the hub is serving.
func (h *Hub) Subscriptions() int64 { return h.following.Load() }

// Lag reports how far the live subscription furthest behind is from the
// head the hub has read: in events (the subscription is ended past
// Options.MaxLag), and in time since the first event it has yet to pass
// was written (by the writer's clock; 0 when that event has left the
// ring). Both are 0 when every subscription keeps up. A subscription
// still catching up from an old cursor is not counted: that is replay,
// not lag. It reads each subscription's position without waiting for it,
// so it costs a scrape, not a delivery.
func (h *Hub) Lag() (events int64, age time.Duration) {
	h.mu.RLock()
	head, oldest := h.head, h.oldest
	last := make(map[string]int64, len(h.projects))
	for k, pw := range h.projects {
		last[k] = pw.last
	}
	h.mu.RUnlock()
	behind := int64(-1)
	h.followers.Range(func(k, _ any) bool {
		p := k.(*position)
		c := p.cursor.Load()
		if l, ok := last[p.project]; ok && c >= l {
			return true // nothing of its project is pending: it keeps up
		}
		if p.live.Load() && head-c > events {
			events, behind = head-c, c
		}
		return true
	})
	if behind < 0 {
		return 0, 0
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	if next := behind + 1; next >= oldest && next <= h.head {
		if e := h.ring[next%int64(len(h.ring))]; e != nil && e.Seq == next {
			age = max(time.Since(e.At), 0)
		}
	}
	return events, age
}

// start returns the cursor a subscription begins at: after, or the log's
// head now (read from the log itself, which may be ahead of the hub).
func (h *Hub) start(ctx context.Context, after *int64) (int64, error) {
	if after != nil {
		return *after, nil
	}
	return h.src.EventHead(ctx)
}

// follow delivers events to out until ctx ends or the subscriber falls
// behind.
func (h *Hub) follow(ctx context.Context, cursor int64, f store.EventFilter, match func(*store.Event) bool, out chan<- *store.Event, pos *position) (int64, error) {
	timer := time.NewTimer(h.opts.SendTimeout)
	defer timer.Stop()
	live := false // caught up with the log once: lag from now on is slowness
	send := func(e *store.Event) error {
		if !f.Matches(e) || (match != nil && !match(e)) {
			return nil
		}
		select {
		case out <- e:
			return nil
		default:
		}
		// The client is not keeping up: wait for it, but not forever, and
		// not while the log runs away from it.
		timer.Reset(h.opts.SendTimeout)
		for {
			h.mu.RLock()
			head, changed := h.head, h.changed
			h.mu.RUnlock()
			if live && head-e.Seq+1 > h.opts.MaxLag {
				return &LagError{Cursor: e.Seq - 1, Reason: fmt.Sprintf("%d events behind the log", head-e.Seq+1)}
			}
			select {
			case out <- e:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			case <-h.done:
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return ErrStopped
			case <-timer.C:
				return &LagError{Cursor: e.Seq - 1, Reason: fmt.Sprintf("the client took no event for %s", h.opts.SendTimeout)}
			case <-changed:
			}
		}
	}
	var batch []*store.Event
	slept := false // woken for its project, it has not reached the head since
	for {
		h.mu.RLock()
		ready, head, oldest, changed := h.ready, h.head, h.oldest, h.changed
		if pw := h.projects[pos.project]; pw != nil {
			changed = pw.changed
			if ready && cursor >= pw.last && head > cursor {
				// Nothing of its project up to the head: pass it all.
				cursor = head
				pos.cursor.Store(cursor)
			}
		}
		batch = batch[:0]
		inRing := ready && cursor+1 >= oldest
		if inRing {
			for seq := cursor + 1; seq <= head; seq++ {
				batch = append(batch, h.ring[seq%int64(len(h.ring))])
			}
		}
		h.mu.RUnlock()
		if ready && cursor >= head && !live {
			live = true
			pos.live.Store(true)
		}
		// A subscription of one project sleeps through the others'
		// events: until it has passed them, they are not lag. Falling
		// behind its own client is caught where it sends.
		if cursor >= head {
			slept = false
		}
		if live && !slept && head-cursor > h.opts.MaxLag {
			return cursor, &LagError{Cursor: cursor, Reason: fmt.Sprintf("%d events behind the log", head-cursor)}
		}
		caughtUp := int64(0)
		if !inRing && ready {
			// Behind the ring: catch up from the log itself, up to where
			// the ring starts, with the subscriber's filter applied there,
			// so a replay reads what it delivers rather than the whole log.
			const page = 500
			evs, err := h.src.EventsBetween(ctx, cursor, oldest-1, page, f)
			if err != nil {
				if ctx.Err() != nil {
					return cursor, nil
				}
				return cursor, err
			}
			batch = append(batch, evs...)
			if len(evs) < page {
				caughtUp = oldest - 1 // nothing else up to there passes f
			}
		}
		for _, e := range batch {
			if err := send(e); err != nil {
				if ctx.Err() != nil {
					return cursor, nil
				}
				return cursor, err
			}
			cursor = e.Seq
			pos.cursor.Store(cursor)
		}
		if caughtUp > cursor {
			cursor = caughtUp
			pos.cursor.Store(cursor)
			continue
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return cursor, nil
		case <-h.done:
			if ctx.Err() != nil {
				return cursor, nil
			}
			return cursor, ErrStopped
		case <-changed:
			h.wakeups.Add(1)
			slept = pos.project != ""
		}
	}
}
