package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.uber.org/goleak"

	"github.com/exphub/exphub/internal/testwait"
)

// scriptedStream is a subscription's execution under the test's control:
// each send is one event handed to the executor, whose response it writes
// into the same buffer every time, as gqlgen's executor does.
type scriptedStream struct {
	g       *subGroup
	events  chan int64
	stopped chan struct{}
}

func (s *scriptedStream) send(t *testing.T, seq int64) {
	t.Helper()
	s.g.event(seq)
	select {
	case s.events <- seq:
	case <-time.After(time.Minute):
		t.Fatal("the group stopped reading")
	}
}

// follow points the stream at the one group of gs.
func (s *scriptedStream) follow(gs *subscriptionGroups) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	for _, g := range gs.groups {
		s.g = g
	}
}

// errorSink records the ending errors of each member's context.
type errorSink struct {
	mu   sync.Mutex
	errs map[context.Context][]*gqlerror.Error
}

func (e *errorSink) add(ctx context.Context, err *gqlerror.Error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errs[ctx] = append(e.errs[ctx], err)
}

func (e *errorSink) of(ctx context.Context) []*gqlerror.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.errs[ctx]
}

func groupFixture(t *testing.T) (*subscriptionGroups, *errorSink, *scriptedStream, func(context.Context, *direct) graphql.ResponseHandler) {
	t.Helper()
	gs := newSubscriptionGroups(presenter(slog.New(slog.DiscardHandler)))
	sink := &errorSink{errs: map[context.Context][]*gqlerror.Error{}}
	gs.addError = sink.add
	s := &scriptedStream{events: make(chan int64), stopped: make(chan struct{})}
	key := groupKey{principal: "p", query: "q"}
	join := func(ctx context.Context, out *direct) graphql.ResponseHandler {
		return gs.join(ctx, key, out, func(gctx context.Context) graphql.ResponseHandler {
			buf := make([]byte, 0, 64)
			return func(ctx context.Context) *graphql.Response {
				select {
				case seq, ok := <-s.events:
					if !ok {
						return nil
					}
					buf = strconv.AppendInt(append(buf[:0], `{"seq":`...), seq, 10)
					return &graphql.Response{Data: json.RawMessage(append(buf, '}'))}
				case <-ctx.Done():
					close(s.stopped)
					return nil
				}
			}
		})
	}
	return gs, sink, s, join
}

func seqOf(t *testing.T, r *graphql.Response) int64 {
	t.Helper()
	if r == nil {
		t.Fatal("the subscription ended")
	}
	var d struct{ Seq int64 }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	return d.Seq
}

// A member that stops reading is ended alone, after the responses it was
// handed, with SLOW_CONSUMER and the cursor of the last one; the others
// go on, and the execution stops when the last member leaves.
func TestGroupEndsASlowMemberAlone(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer func(n int) { memberBuffer = n }(memberBuffer)
	memberBuffer = 2
	gs, sink, s, join := groupFixture(t)
	fastCtx, leaveFast := leaveable(t)
	slowCtx, _ := leaveable(t)
	fast := join(fastCtx, nil)
	slow := join(slowCtx, nil)
	gs.mu.Lock()
	if len(gs.groups) != 1 {
		t.Fatalf("%d groups for one caller's two identical subscriptions", len(gs.groups))
	}
	for _, g := range gs.groups {
		s.g = g
	}
	gs.mu.Unlock()
	for seq := int64(1); seq <= 5; seq++ {
		s.send(t, seq)
		if got := seqOf(t, fast(fastCtx)); got != seq {
			t.Fatalf("fast member got %d, want %d", got, seq)
		}
	}
	for _, want := range []int64{1, 2} {
		if got := seqOf(t, slow(slowCtx)); got != want {
			t.Fatalf("slow member got %d, want %d", got, want)
		}
	}
	if r := slow(slowCtx); r != nil {
		t.Fatalf("slow member got %s after its buffer, want its end", r.Data)
	}
	errs := sink.of(slowCtx)
	if len(errs) != 1 || errs[0].Extensions["reason"] != "SLOW_CONSUMER" || errs[0].Extensions["resumeAfter"] != "2" || errs[0].Extensions["code"] != "UNAVAILABLE" {
		t.Fatalf("slow member ended with %+v, want SLOW_CONSUMER resuming after 2", errs)
	}
	if len(sink.of(fastCtx)) != 0 {
		t.Fatalf("the fast member was told %+v", sink.of(fastCtx))
	}
	s.send(t, 6)
	if got := seqOf(t, fast(fastCtx)); got != 6 {
		t.Fatalf("fast member got %d after the slow one left, want 6", got)
	}
	leaveFast()
	select {
	case <-s.stopped:
	case <-time.After(time.Minute):
		t.Fatal("the execution outlived its last member")
	}
	if !testwait.Until(time.Minute, func() bool { gs.mu.Lock(); defer gs.mu.Unlock(); return len(gs.groups) == 0 }) {
		t.Fatal("the ended group is still indexed")
	}
}

// The execution's end (here, an error such as an expired token) reaches
// every member, after the responses before it; a subscriber that comes
// after the end starts a new execution.
func TestGroupEndReachesEveryMember(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	gs, sink, s, join := groupFixture(t)
	ctxs := make([]context.Context, 3)
	handlers := make([]graphql.ResponseHandler, 3)
	for i := range ctxs {
		var cancel context.CancelFunc
		ctxs[i], cancel = context.WithCancel(t.Context())
		defer cancel()
		handlers[i] = join(ctxs[i], nil)
	}
	s.follow(gs)
	s.send(t, 7)
	expired := &gqlerror.Error{Message: "token expired", Extensions: map[string]any{"reason": "TOKEN_EXPIRED", "resumeAfter": "7"}}
	s.g.end(expired)
	close(s.events)
	for i, h := range handlers {
		if got := seqOf(t, h(ctxs[i])); got != 7 {
			t.Fatalf("member %d got %d, want 7", i, got)
		}
		if r := h(ctxs[i]); r != nil {
			t.Fatalf("member %d got %s after the end", i, r.Data)
		}
		if errs := sink.of(ctxs[i]); len(errs) != 1 || errs[0] != expired {
			t.Fatalf("member %d ended with %+v, want the execution's error", i, errs)
		}
	}
	if !testwait.Until(time.Minute, func() bool { gs.mu.Lock(); defer gs.mu.Unlock(); return len(gs.groups) == 0 }) {
		t.Fatal("the ended group is still indexed")
	}
}

// fakeSink is a member's connection as the group sees it.
type fakeSink struct {
	mu      sync.Mutex
	frames  []string
	waiting int
}

func (f *fakeSink) writeText(b []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.frames = append(f.frames, string(b))
	return nil
}

func (f *fakeSink) backlog() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiting
}

func (f *fakeSink) written() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.frames...)
}

// gqlgenNext is the next message gqlgen's transport writes for a
// response: the response marshalled, then the message around it.
func gqlgenNext(t *testing.T, id string, seq int64) string {
	t.Helper()
	payload, err := json.Marshal(&graphql.Response{Data: json.RawMessage(`{"seq":` + strconv.FormatInt(seq, 10) + `}`)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct {
		Payload json.RawMessage `json:"payload,omitempty"`
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
	}{payload, id, "next"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitWritten waits until sink holds want.
// sendWritten sends events 1 to n, each once the one before it was
// written to member b (operation id "1"), calling after, when given, as
// each is; it returns the messages b was written.
func (s *scriptedStream) sendWritten(t *testing.T, b *fakeSink, n int64, after func(seq int64)) []string {
	t.Helper()
	var want []string
	for seq := int64(1); seq <= n; seq++ {
		s.send(t, seq)
		want = append(want, gqlgenNext(t, "1", seq))
		waitWritten(t, "B", b, want)
		if after != nil {
			after(seq)
		}
	}
	return want
}

func waitWritten(t *testing.T, who string, sink *fakeSink, want []string) {
	t.Helper()
	if !testwait.Until(time.Minute, func() bool { return slices.Equal(sink.written(), want) }) {
		t.Fatalf("member %s was written %q, want %q", who, sink.written(), want)
	}
}

// Members whose connection the group writes get gqlgen's next message
// under their own operation id; one whose client has too much unsent is
// ended alone with SLOW_CONSUMER and the cursor of the last message it
// was written; one whose client leaves is written nothing more.
func TestGroupWritesDirectMembers(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	gs, sink, s, join := groupFixture(t)
	ctxA, _ := leaveable(t)
	ctxB, leaveB := leaveable(t)
	ctxC, leaveC := leaveable(t)
	a, b := &fakeSink{}, &fakeSink{}
	hA := join(ctxA, newDirect(a, "1"))
	hB := join(ctxB, newDirect(b, `sub<"b">`))
	hC := join(ctxC, nil) // through gqlgen, as a graphql-ws client is
	s.follow(gs)
	step := func(seq int64) {
		t.Helper()
		s.send(t, seq)
		if got := seqOf(t, hC(ctxC)); got != seq {
			t.Fatalf("the channel member got %d, want %d", got, seq)
		}
	}
	want := func(id string, seqs ...int64) []string {
		var out []string
		for _, q := range seqs {
			out = append(out, gqlgenNext(t, id, q))
		}
		return out
	}
	step(1)
	step(2)
	waitWritten(t, "A", a, want("1", 1, 2))
	waitWritten(t, "B", b, want(`sub<"b">`, 1, 2))

	// A's client stops reading.
	a.mu.Lock()
	a.waiting = memberBacklog + 1
	a.mu.Unlock()
	step(3)
	if r := hA(ctxA); r != nil {
		t.Fatalf("the slow member got %s, want its end", r.Data)
	}
	errs := sink.of(ctxA)
	if len(errs) != 1 || errs[0].Extensions["reason"] != "SLOW_CONSUMER" || errs[0].Extensions["resumeAfter"] != "2" {
		t.Fatalf("the slow member ended with %+v, want SLOW_CONSUMER resuming after 2", errs)
	}
	if got := a.written(); !slices.Equal(got, want("1", 1, 2)) {
		t.Fatalf("member A was written %q, want nothing after 2", got)
	}

	// B's client leaves.
	waitWritten(t, "B", b, want(`sub<"b">`, 1, 2, 3))
	leaveB()
	if r := hB(ctxB); r != nil {
		t.Fatalf("the member that left got %s", r.Data)
	}
	step(4)
	step(5) // the group handed event 4 to everyone before it took 5
	if got := b.written(); !slices.Equal(got, want(`sub<"b">`, 1, 2, 3)) {
		t.Fatalf("member B was written %q, want 1 to 3 and nothing after it left", got)
	}
	if len(sink.of(ctxB)) != 0 {
		t.Fatalf("the member that left was told %+v", sink.of(ctxB))
	}
	leaveC()
	select {
	case <-s.stopped:
	case <-time.After(time.Minute):
		t.Fatal("the execution outlived its last member")
	}
}

// stuckSink is a connection whose client does not read: every write
// waits until the test lets it go.
type stuckSink struct {
	fakeSink
	release chan struct{}
	entered chan struct{} // a write began (buffered: the latest is kept)
}

func newStuckSink() *stuckSink {
	return &stuckSink{release: make(chan struct{}), entered: make(chan struct{}, 1)}
}

func (s *stuckSink) writeText(b []byte) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return s.fakeSink.writeText(b)
}

// A member whose client does not read holds up neither its group's other
// members nor anyone's join: its messages wait in its own queue until
// there are too many, and it ends alone, after what was queued for it.
func TestGroupIsNotHeldByAStuckMember(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer func(n int) { memberBacklog = n }(memberBacklog)
	gs, sink, s, join := groupFixture(t)
	one := len(gqlgenNext(t, "1", 1))
	memberBacklog = 3*one - 1 // a fourth message is refused once three wait (the one being written among them)
	ctxA, _ := leaveable(t)
	ctxB, leaveB := leaveable(t)
	stuck := newStuckSink()
	b := &fakeSink{}
	hA := join(ctxA, newDirect(stuck, "1"))
	hB := join(ctxB, newDirect(b, "1"))
	s.follow(gs)
	wantB := s.sendWritten(t, b, 6, nil)
	// Another caller's subscription starts while A is stuck.
	joined := make(chan struct{})
	otherCtx, leaveOther := leaveable(t)
	go func() {
		_ = gs.join(otherCtx, groupKey{principal: "someone else", query: "q"}, nil, func(ctx context.Context) graphql.ResponseHandler {
			return func(ctx context.Context) *graphql.Response { <-ctx.Done(); return nil }
		})
		close(joined)
	}()
	select {
	case <-joined:
	case <-time.After(time.Minute):
		t.Fatal("another caller's join waited for the stuck member")
	}
	// A took 1 to 3 into its queue, was refused 4 and ended; what it was
	// given reaches its client once the client reads again, then its end.
	ended := make(chan *graphql.Response)
	go func() { ended <- hA(ctxA) }()
	close(stuck.release)
	expectEnd(t, ended, "the stuck member, once its client read")
	if got, want := stuck.written(), wantB[:3]; !slices.Equal(got, want) {
		t.Fatalf("the stuck member was written %q, want %q", got, want)
	}
	if errs := sink.of(ctxA); len(errs) != 1 || errs[0].Extensions["reason"] != "SLOW_CONSUMER" || errs[0].Extensions["resumeAfter"] != "3" {
		t.Fatalf("the stuck member ended with %+v, want SLOW_CONSUMER resuming after 3", errs)
	}
	leaveB()
	if r := hB(ctxB); r != nil {
		t.Fatalf("B got %s after leaving", r.Data)
	}
	leaveOther()
}

// A member whose client leaves while its writer is inside a write returns
// only when that write is done, and what was still queued is dropped:
// nothing follows the operation's complete.
func TestGroupMemberLeavesAfterItsWriter(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	gs, sink, s, join := groupFixture(t)
	ctxA, leaveA := leaveable(t)
	ctxB, leaveB := leaveable(t)
	stuck := newStuckSink()
	b := &fakeSink{}
	dA := newDirect(stuck, "1")
	hA := join(ctxA, dA)
	hB := join(ctxB, newDirect(b, "1"))
	s.follow(gs)
	wantB := s.sendWritten(t, b, 3, func(seq int64) {
		if seq == 1 {
			select { // A's writer holds message 1 alone; 2 and 3 queue behind it
			case <-stuck.entered:
			case <-time.After(time.Minute):
				t.Fatal("A's writer did not start")
			}
		}
	})
	leaveA()
	ended := make(chan *graphql.Response)
	go func() { ended <- hA(ctxA) }()
	// Leaving drops what waits behind the write in progress, and waits
	// for that write.
	if !testwait.Until(time.Minute, func() bool { dA.mu.Lock(); defer dA.mu.Unlock(); return len(dA.queue) == 0 }) {
		t.Fatal("the member that left kept its queued messages")
	}
	select {
	case <-ended:
		t.Fatal("the member returned while its writer was inside a write")
	default:
	}
	close(stuck.release)
	expectEnd(t, ended, "the member that left, once its write was done")
	s.send(t, 4)
	wantB = append(wantB, gqlgenNext(t, "1", 4))
	waitWritten(t, "B", b, wantB)
	if got := stuck.written(); !slices.Equal(got, wantB[:1]) {
		t.Fatalf("the member that left was written %q, want only the message its writer held", got)
	}
	if len(sink.of(ctxA)) != 0 {
		t.Fatalf("the member that left was told %+v", sink.of(ctxA))
	}
	leaveB()
	if r := hB(ctxB); r != nil {
		t.Fatalf("B got %s after leaving", r.Data)
	}
}

// leaveable is a member's context and its client's leaving.
func leaveable(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, leave := context.WithCancel(t.Context())
	t.Cleanup(leave)
	return ctx, leave
}

// expectEnd waits for a member's handler, run on its own goroutine, to
// return its end (nil).
func expectEnd(t *testing.T, ended <-chan *graphql.Response, who string) {
	t.Helper()
	select {
	case r := <-ended:
		if r != nil {
			t.Fatalf("%s: got %s, want its end", who, r.Data)
		}
	case <-time.After(time.Minute):
		t.Fatalf("%s: did not end", who)
	}
}
