package api

import (
	"context"
	"encoding/json"
	"log/slog"
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

func groupFixture(t *testing.T) (*subscriptionGroups, *errorSink, *scriptedStream, func(context.Context) graphql.ResponseHandler) {
	t.Helper()
	gs := newSubscriptionGroups(presenter(slog.New(slog.DiscardHandler)))
	sink := &errorSink{errs: map[context.Context][]*gqlerror.Error{}}
	gs.addError = sink.add
	s := &scriptedStream{events: make(chan int64), stopped: make(chan struct{})}
	key := groupKey{principal: "p", query: "q"}
	join := func(ctx context.Context) graphql.ResponseHandler {
		return gs.join(ctx, key, func(gctx context.Context) graphql.ResponseHandler {
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
	fastCtx, leaveFast := context.WithCancel(t.Context())
	defer leaveFast()
	slowCtx, leaveSlow := context.WithCancel(t.Context())
	defer leaveSlow()
	fast := join(fastCtx)
	slow := join(slowCtx)
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
		handlers[i] = join(ctxs[i])
	}
	gs.mu.Lock()
	for _, g := range gs.groups {
		s.g = g
	}
	gs.mu.Unlock()
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
