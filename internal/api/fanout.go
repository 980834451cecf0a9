package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/resolvers"
)

// sharedWebsocket is the websocket transport with identical subscriptions
// executed once. Subscriptions of the same caller (the same principal:
// subject, roles, groups and expiry, so the same visibility) with the same
// document, operation and variables, that follow events from now on (no
// after), form a group: one follower of the event log, one execution of
// the selection set and one marshalled response per event, whose bytes
// every member's connection writes. A member that falls more than
// memberBuffer responses behind the group is ended on its own with
// SLOW_CONSUMER and the cursor to resume from, as an unshared
// subscription that falls behind the log is; the group's own end (the
// log unavailable, the token expired, the server stopping) reaches every
// member. Anything else (a query, a subscription with after) runs as
// gqlgen runs it.
type sharedWebsocket struct {
	transport.Websocket
	groups *subscriptionGroups
}

func (t sharedWebsocket) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.Websocket.Do(w, withWSSlot(r), groupingExecutor{GraphExecutor: exec, groups: t.groups})
}

// memberBuffer is how many shared responses a member may have waiting
// for its connection before it is ended as a slow consumer; memberBacklog
// is how many bytes may wait for the client of a member whose messages
// the group writes itself.
var (
	memberBuffer  = 1024
	memberBacklog = coalesceLimit / 2
)

type subscriptionGroups struct {
	present graphql.ErrorPresenterFunc
	// addError puts a subscription's ending error where its transport
	// sends it from (gqlgen's per-operation holder).
	addError func(context.Context, *gqlerror.Error)
	mu       sync.Mutex
	groups   map[groupKey]*subGroup
}

func newSubscriptionGroups(present graphql.ErrorPresenterFunc) *subscriptionGroups {
	return &subscriptionGroups{present: present, addError: transport.AddSubscriptionError, groups: map[groupKey]*subGroup{}}
}

// A groupKey says what makes two subscriptions the same: who asks (all
// of the principal) and exactly what they ask.
type groupKey struct{ principal, query, operation, variables string }

type groupingExecutor struct {
	graphql.GraphExecutor
	groups *subscriptionGroups
}

// CreateOperationContext makes the operation of a message the websocket
// transport read, and ties it to the message's id.
func (e groupingExecutor) CreateOperationContext(ctx context.Context, params *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	rc, errs := e.GraphExecutor.CreateOperationContext(ctx, params)
	if c := wsConnOf(ctx); c != nil {
		c.started(rc, errs)
	}
	return rc, errs
}

func (e groupingExecutor) DispatchOperation(ctx context.Context, rc *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	c, id := wsConnOf(ctx), ""
	if c != nil {
		id = c.operationID(rc) // taken for every operation, so none is left behind
	}
	key, ok := shareable(ctx, rc)
	if !ok {
		return e.GraphExecutor.DispatchOperation(ctx, rc)
	}
	var out *direct
	if id != "" && c.Subprotocol() == graphqlTransportWS {
		out = newDirect(c, id)
	}
	return e.groups.join(ctx, key, out, func(gctx context.Context) graphql.ResponseHandler {
		h, _ := e.GraphExecutor.DispatchOperation(gctx, rc)
		return h
	}), ctx
}

// shareable returns the group key of a subscription that may share its
// execution: a single root field with an after argument left null, asked
// by an authenticated caller.
func shareable(ctx context.Context, rc *graphql.OperationContext) (groupKey, bool) {
	if rc == nil || rc.Operation == nil || rc.Operation.Operation != ast.Subscription || len(rc.Operation.SelectionSet) != 1 {
		return groupKey{}, false
	}
	f, ok := rc.Operation.SelectionSet[0].(*ast.Field)
	if !ok || f.Definition == nil || f.Definition.Arguments.ForName("after") == nil || f.ArgumentMap(rc.Variables)["after"] != nil {
		return groupKey{}, false
	}
	p, ok := auth.FromContext(ctx)
	if !ok || p == nil {
		return groupKey{}, false
	}
	who, err := json.Marshal(struct {
		Subject   string
		Roles     map[string]auth.Role
		Groups    []string
		ExpiresAt int64
	}{p.Subject, p.Roles, p.Groups, p.ExpiresAt.UnixNano()})
	if err != nil {
		return groupKey{}, false
	}
	vars, err := json.Marshal(rc.Variables)
	if err != nil {
		return groupKey{}, false
	}
	return groupKey{principal: string(who), query: rc.RawQuery, operation: rc.OperationName, variables: string(vars)}, true
}

// A subGroup is one execution and its members.
type subGroup struct {
	groups *subscriptionGroups
	key    groupKey
	cancel context.CancelFunc

	mu      sync.Mutex
	members map[*member]struct{}
	ended   bool
	ends    []*gqlerror.Error // what the execution ended with
	seqs    []int64           // events handed to the executor, not yet answered
}

// A shared response and the event it carries (0: none, such as a
// resolver's error).
type shared struct {
	resp *graphql.Response
	seq  int64
}

// A member's responses either go through its channel to gqlgen, which
// writes each to the member's connection, or, when out is set, the group
// writes them to the connection itself: the next message is then made
// once per event (and operation id) for every member, not per member.
type member struct {
	group *subGroup
	out   *direct
	ch    chan shared
	done  chan struct{} // closed when the group ended or dropped this member
	slow  bool          // dropped for falling behind
	last  int64         // the event of the latest response this member returned (or was queued, under the group's lock)
}

// direct is where a member's next messages go: its connection, under the
// id of the subscribe message that started it. The group queues each
// message here and never waits: a writer (one goroutine at a time, started
// when the queue fills from empty) hands them to the connection, where a
// client that does not read makes the write wait. So one member's client
// never holds up its group, and through it another caller's join.
type direct struct {
	sink frameSink
	id   string

	mu      sync.Mutex
	cond    *sync.Cond // the writer stopped
	queue   [][]byte
	queued  int // bytes in queue and in the writer's hands
	writing bool
	failed  bool // a write failed: the connection is gone
}

func newDirect(sink frameSink, id string) *direct {
	d := &direct{sink: sink, id: id}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// Why push refused a message.
var (
	errMemberSlow = errors.New("too much unsent")
	errMemberGone = errors.New("the connection failed")
)

// push queues frame, unless the connection failed or more than
// memberBacklog bytes already wait for the client (queued here or unsent
// below).
func (d *direct) push(frame []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.failed:
		return errMemberGone
	case d.queued+d.sink.backlog() > memberBacklog:
		return errMemberSlow
	}
	d.queue = append(d.queue, frame)
	d.queued += len(frame)
	if !d.writing {
		d.writing = true
		go d.write()
	}
	return nil
}

func (d *direct) write() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.queue) > 0 && !d.failed {
		batch := d.queue
		d.queue = nil
		d.mu.Unlock()
		n, failed := 0, false
		for _, f := range batch {
			if d.sink.writeText(f) != nil {
				failed = true
				break
			}
			n += len(f)
		}
		d.mu.Lock()
		d.queued -= n
		if failed {
			d.failed = true
			d.queue, d.queued = nil, 0
		}
	}
	d.writing = false
	d.cond.Broadcast()
}

// close waits until the writer has handed the connection what was queued
// (or, with discard, what it holds already), so the transport's complete
// or error for the operation comes after its last next message.
func (d *direct) close(discard bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if discard {
		for _, f := range d.queue {
			d.queued -= len(f)
		}
		d.queue = nil
	}
	for d.writing {
		d.cond.Wait()
	}
}

// A frameSink is a connection the group writes prepared messages to.
type frameSink interface {
	writeText([]byte) error
	backlog() int
}

// join adds a member for ctx to the running group of key, or starts the
// group with start, and returns the member's response handler. Locks are
// taken groups first, then a group, never the other way.
func (gs *subscriptionGroups) join(ctx context.Context, key groupKey, out *direct, start func(context.Context) graphql.ResponseHandler) graphql.ResponseHandler {
	m := &member{out: out, done: make(chan struct{})}
	if out == nil {
		m.ch = make(chan shared, memberBuffer)
	}
	gs.mu.Lock()
	if g := gs.groups[key]; g != nil {
		g.mu.Lock()
		if !g.ended {
			m.group = g
			g.members[m] = struct{}{}
		}
		g.mu.Unlock()
	}
	var gctx context.Context
	if m.group == nil {
		// The execution outlives the member that started it, and reports
		// its end and its events to the group.
		g := &subGroup{groups: gs, key: key, members: map[*member]struct{}{m: {}}}
		gctx, g.cancel = context.WithCancel(context.WithoutCancel(ctx))
		gctx = resolvers.WithSubscriptionHooks(gctx, &resolvers.SubscriptionHooks{End: g.end, Event: g.event})
		m.group = g
		gs.groups[key] = g
	}
	gs.mu.Unlock()
	if gctx != nil {
		go m.group.run(gctx, start(gctx))
	}
	stop := context.AfterFunc(ctx, m.leave)
	if out != nil {
		return func(ctx context.Context) *graphql.Response {
			select {
			case <-ctx.Done():
				// Out of the group, and its writer done, before the
				// transport completes the operation: no next message
				// follows its complete.
				m.leave()
				out.close(true)
				stop()
				return nil
			case <-m.done:
			}
			stop()
			// A client that left (its leaving may have ended the member
			// first) needs nothing more that was queued.
			out.close(ctx.Err() != nil)
			m.finish(ctx)
			return nil
		}
	}
	return func(ctx context.Context) *graphql.Response {
		if resp := m.next(ctx); resp != nil {
			return resp
		}
		stop()
		return nil
	}
}

// run reads the execution's responses and hands each to every member.
func (g *subGroup) run(ctx context.Context, responses graphql.ResponseHandler) {
	defer g.cancel()
	for {
		resp := responses(ctx)
		g.mu.Lock()
		if resp == nil {
			g.ended = true
			for m := range g.members {
				delete(g.members, m)
				close(m.done)
			}
			g.mu.Unlock()
			g.forget()
			return
		}
		var seq int64
		if len(g.seqs) > 0 {
			seq, g.seqs = g.seqs[0], g.seqs[1:]
		}
		// gqlgen writes a subscription's every response into one buffer:
		// the members' connections need bytes of their own, once.
		own := *resp
		own.Data = bytes.Clone(resp.Data)
		resp = &own
		forget := false
		var frames nextFrames
		for m := range g.members {
			if m.out != nil {
				frame, err := frames.of(resp, m.out.id)
				if err == nil {
					err = m.out.push(frame)
				}
				if err != nil {
					// Too slow, or gone (its operations end with the
					// connection).
					m.slow = errors.Is(err, errMemberSlow)
					forget = g.drop(m) || forget
					continue
				}
				m.last = seq
				continue
			}
			select {
			case m.ch <- shared{resp: resp, seq: seq}:
			default:
				m.slow = true
				forget = g.drop(m) || forget
			}
		}
		g.mu.Unlock()
		if forget {
			g.forget()
		}
	}
}

func (g *subGroup) event(seq int64) {
	g.mu.Lock()
	g.seqs = append(g.seqs, seq)
	g.mu.Unlock()
}

func (g *subGroup) end(err *gqlerror.Error) {
	g.mu.Lock()
	g.ends = append(g.ends, err)
	g.mu.Unlock()
}

// drop removes m from the group (g.mu held). The group ends with its
// last member: drop then stops the execution and answers true, and the
// caller, once it has let go of g.mu, takes the group out of the index.
func (g *subGroup) drop(m *member) bool {
	delete(g.members, m)
	close(m.done)
	if len(g.members) > 0 || g.ended {
		return false
	}
	g.ended = true
	g.cancel()
	return true
}

// forget takes the group out of the index (g.mu not held), so later
// subscribers start afresh.
func (g *subGroup) forget() {
	g.groups.mu.Lock()
	if g.groups.groups[g.key] == g {
		delete(g.groups.groups, g.key)
	}
	g.groups.mu.Unlock()
}

// leave is a member's client going away.
func (m *member) leave() {
	g := m.group
	g.mu.Lock()
	forget := false
	if _, ok := g.members[m]; ok {
		forget = g.drop(m)
	}
	g.mu.Unlock()
	if forget {
		g.forget()
	}
}

// next returns the member's next response, or nil at its end, after
// putting what it ended with where gqlgen reads a subscription's errors.
func (m *member) next(ctx context.Context) *graphql.Response {
	select {
	case s := <-m.ch:
		m.last = s.seq
		return s.resp
	case <-ctx.Done():
		return nil
	case <-m.done:
	}
	// Responses handed over before the end come first.
	select {
	case s := <-m.ch:
		m.last = s.seq
		return s.resp
	default:
	}
	m.finish(ctx)
	return nil
}

// finish puts what the member ended with where gqlgen reads a
// subscription's errors.
func (m *member) finish(ctx context.Context) {
	if ctx.Err() != nil {
		return // a client that left needs no reason
	}
	g := m.group
	g.mu.Lock()
	slow, ends, last := m.slow, g.ends, m.last
	g.mu.Unlock()
	if slow {
		resume := strconv.FormatInt(last, 10)
		g.groups.addError(ctx, g.groups.present(ctx, errs.WithDetails(
			errs.Unavailablef("this subscription fell too far behind the events (more than %d of them, or %d KiB unsent); subscribe again with after: %s", memberBuffer, memberBacklog>>10, strconv.Quote(resume)),
			map[string]any{"reason": "SLOW_CONSUMER", "resumeAfter": resume})))
		return
	}
	for _, e := range ends {
		g.groups.addError(ctx, e)
	}
}

// nextFrames makes a response's next message once per operation id.
type nextFrames struct {
	payload []byte
	byID    map[string][]byte
}

// of returns the next message of resp for the operation id, with the
// bytes gqlgen's transport writes: {"payload":…,"id":…,"type":"next"}.
func (f *nextFrames) of(resp *graphql.Response, id string) ([]byte, error) {
	if b, ok := f.byID[id]; ok {
		return b, nil
	}
	if f.payload == nil {
		p, err := json.Marshal(resp)
		if err != nil {
			return nil, err
		}
		f.payload = p
		f.byID = map[string][]byte{}
	}
	q, err := json.Marshal(id)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(f.payload)+len(q)+32)
	b = append(b, `{"payload":`...)
	b = append(b, f.payload...)
	b = append(b, `,"id":`...)
	b = append(b, q...)
	b = append(b, `,"type":"next"}`...)
	f.byID[id] = b
	return b, nil
}
