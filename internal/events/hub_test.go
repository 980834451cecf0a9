package events_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
)

type fixture struct {
	st  *store.Store
	hub *events.Hub
	key string
	exp string
}

func setup(t *testing.T, opts events.Options) *fixture {
	t.Helper()
	st := neo4jtest.Store(t)
	hub := events.New(st, opts)
	st.OnAppend(hub.Notify)
	t.Cleanup(hub.Start(context.Background()))
	key := neo4jtest.Key(t, "hub")
	if _, err := st.CreateProject(t.Context(), "t", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	exp, err := st.CreateExperiment(t.Context(), "t", store.CreateExperimentInput{ProjectKey: key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, hub: hub, key: key, exp: exp.ID}
}

func (f *fixture) runs(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		if _, err := f.st.StartRun(t.Context(), "t", store.StartRunInput{ExperimentID: f.exp, Name: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) filter() store.EventFilter {
	return store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{f.key}}
}

func TestSlowConsumerIsClosedWithItsCursorAndResumes(t *testing.T) {
	// The stalled subscriber is closed SendTimeout after it stops reading;
	// writes made meanwhile must complete before that, not wait for it.
	f := setup(t, events.Options{Buffer: 2, SendTimeout: 5 * time.Second})
	zero := int64(0)
	var endErr error
	var endCursor int64
	ended := make(chan struct{})
	sub, err := f.hub.Subscribe(t.Context(), &zero, f.filter(), nil, func(err error, c int64) { endErr, endCursor = err, c; close(ended) })
	if err != nil {
		t.Fatal(err)
	}
	f.runs(t, 10)
	// Take one event, then stop reading: the writer is not held up.
	first := <-sub.C
	f.runs(t, 5)
	select {
	case <-ended:
		t.Errorf("the writes completed only after the stalled subscriber was closed: they waited for it")
	default:
	}
	select {
	case <-ended:
	case <-time.After(time.Minute):
		t.Fatal("the stalled subscriber was never closed")
	}
	var lag *events.LagError
	if !errors.As(endErr, &lag) || !errors.Is(endErr, events.ErrTooSlow) || lag.Cursor != endCursor {
		t.Fatalf("ended with %v at %d", endErr, endCursor)
	}
	// What it had taken plus the buffer are delivered; it resumes right
	// after the last event handed over.
	var got []int64
	got = append(got, first.Seq)
	for e := range sub.C {
		got = append(got, e.Seq)
	}
	log, err := f.st.EventsAfter(t.Context(), 0, store.MaxEventPage, f.filter())
	if err != nil {
		t.Fatal(err)
	}
	// The cursor may pass other projects' events (other tests write too),
	// but never one of ours that was not delivered.
	last := got[len(got)-1]
	if endCursor < last {
		t.Fatalf("received up to %d, told to resume after %d", last, endCursor)
	}
	for _, e := range log {
		if e.Seq > last && e.Seq <= endCursor {
			t.Fatalf("event %d was neither delivered (up to %d) nor after the resume cursor %d", e.Seq, last, endCursor)
		}
	}
	resumed, err := f.hub.Subscribe(t.Context(), &endCursor, f.filter(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range log {
		if want.Seq <= endCursor {
			continue
		}
		select {
		case e := <-resumed.C:
			if e.Seq != want.Seq {
				t.Fatalf("resumed with %d, want %d", e.Seq, want.Seq)
			}
		case <-time.After(time.Minute):
			t.Fatalf("event %d never came", want.Seq)
		}
	}
}

func TestLiveSubscriberFallingBehindIsClosed(t *testing.T) {
	f := setup(t, events.Options{Buffer: 1, MaxLag: 5, SendTimeout: time.Minute})
	var endErr error
	ended := make(chan struct{})
	sub, err := f.hub.Subscribe(t.Context(), nil, store.EventFilter{Scope: store.Scope{All: true}}, nil, func(err error, _ int64) { endErr = err; close(ended) })
	if err != nil {
		t.Fatal(err)
	}
	f.runs(t, 20) // nobody reads
	select {
	case <-ended:
	case <-time.After(time.Minute):
		t.Fatal("never closed")
	}
	if !errors.Is(endErr, events.ErrTooSlow) {
		t.Fatalf("ended with %v", endErr)
	}
	for range sub.C {
	}
}

func TestCatchUpBeyondTheRing(t *testing.T) {
	// A ring of 4: a subscriber from the start of the project reads the
	// older events from Neo4j, then the ring, with no gap or repeat.
	f := setup(t, events.Options{RingSize: 4})
	f.runs(t, 12)
	log, err := f.st.EventsAfter(t.Context(), 0, store.MaxEventPage, f.filter())
	if err != nil {
		t.Fatal(err)
	}
	from := log[0].Seq - 1
	sub, err := f.hub.Subscribe(t.Context(), &from, f.filter(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeErr := make(chan error, 1)
	go func() {
		for i := range 6 {
			if _, err := f.st.StartRun(context.Background(), "t", store.StartRunInput{ExperimentID: f.exp, Name: fmt.Sprint("late", i)}); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}()
	defer func() {
		if err := <-writeErr; err != nil {
			t.Error(err)
		}
	}()
	want := len(log) + 6
	var prev int64
	for i := range want {
		select {
		case e := <-sub.C:
			if e.ProjectKey != f.key || e.Seq <= prev {
				t.Fatalf("event %d: %+v after %d", i, e, prev)
			}
			if i < len(log) && e.Seq != log[i].Seq {
				t.Fatalf("event %d is %d, want %d", i, e.Seq, log[i].Seq)
			}
			prev = e.Seq
		case <-time.After(time.Minute):
			t.Fatalf("only %d of %d events", i, want)
		}
	}
}

func TestSubscribersLeaveNoGoroutines(t *testing.T) {
	baseline := goleak.IgnoreCurrent()
	st := neo4jtest.Store(t)
	hub := events.New(st, events.Options{})
	stop := hub.Start(context.Background())
	for range 100 {
		sctx, scancel := context.WithCancel(t.Context())
		sub, err := hub.Subscribe(sctx, nil, store.EventFilter{Scope: store.Scope{All: true}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		scancel()
		for range sub.C {
		}
	}
	stop()
	if err := goleak.Find(baseline, goleak.IgnoreTopFunction("internal/poll.runtime_pollWait")); err != nil {
		t.Error(err)
	}
}

// TestLagIsTheFurthestLiveSubscriber: a live subscriber that stops
// reading shows in Lag, in events and in the age of the first event it
// has not taken, and Lag is back to 0 once it reads again.
func TestLagIsTheFurthestLiveSubscriber(t *testing.T) {
	f := setup(t, events.Options{Buffer: 1, SendTimeout: time.Minute})
	if n, age := f.hub.Lag(); n != 0 || age != 0 {
		t.Fatalf("Lag() = %d, %s with no subscriber", n, age)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	sub, err := f.hub.Subscribe(ctx, nil, f.filter(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.runs(t, 5) // nobody reads sub
	if !testwait.Until(time.Minute, func() bool { n, age := f.hub.Lag(); return n >= 3 && age > 0 }) {
		n, age := f.hub.Lag()
		t.Fatalf("Lag() = %d, %s with a subscriber 5 events behind, want at least 3 events and an age", n, age)
	}
	go func() {
		for range sub.C {
		}
	}()
	if !testwait.Until(time.Minute, func() bool { n, _ := f.hub.Lag(); return n == 0 }) {
		n, age := f.hub.Lag()
		t.Fatalf("Lag() = %d, %s after the subscriber read on, want 0", n, age)
	}
}

// TestOneProjectSleepsThroughTheOthers: a subscription of one project is
// woken by its project's events only. While another project writes more
// than the ring holds and more than MaxLag, it is never woken, is not
// ended as lagging, counts as keeping up, and then gets its project's
// event.
func TestOneProjectSleepsThroughTheOthers(t *testing.T) {
	f := setup(t, events.Options{RingSize: 8, MaxLag: 5, SendTimeout: time.Minute})
	busy := &fixture{st: f.st, hub: f.hub, key: neo4jtest.Key(t, "busy")}
	if _, err := f.st.CreateProject(t.Context(), "t", store.CreateProjectInput{Key: busy.key, Name: busy.key}); err != nil {
		t.Fatal(err)
	}
	exp, err := f.st.CreateExperiment(t.Context(), "t", store.CreateExperimentInput{ProjectKey: busy.key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	busy.exp = exp.ID
	head := func() int64 {
		n, err := f.st.EventHead(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	caughtUp := func() {
		t.Helper()
		n := head()
		if !testwait.Until(time.Minute, func() bool { h, ok := f.hub.Head(); return ok && h >= n }) {
			t.Fatalf("the hub never read the log up to %d", n)
		}
	}
	caughtUp()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var quietErr error
	quietEnded := make(chan struct{})
	quiet, err := f.hub.Subscribe(ctx, nil, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{f.key}}, nil,
		func(err error, _ int64) { quietErr = err; close(quietEnded) })
	if err != nil {
		t.Fatal(err)
	}
	if !testwait.Until(time.Minute, func() bool { return f.hub.Subscriptions() == 1 }) {
		t.Fatal("the subscription never started")
	}

	before := events.Wakeups(f.hub)
	busy.runs(t, 20)
	caughtUp()
	if woken := events.Wakeups(f.hub) - before; woken != 0 {
		t.Errorf("woken %d times by another project's 20 events", woken)
	}
	if n, _ := f.hub.Lag(); n != 0 {
		t.Errorf("lag %d with the only subscription keeping up", n)
	}
	f.runs(t, 1)
	select {
	case e := <-quiet.C:
		if e.ProjectKey != f.key || e.Kind != store.EventRunStarted {
			t.Errorf("quiet subscription got %s of %s", e.Kind, e.ProjectKey)
		}
	case <-quietEnded:
		t.Fatalf("quiet subscription ended: %v", quietErr)
	case <-time.After(time.Minute):
		t.Fatal("quiet subscription never got its project's run")
	}
	cancel()
	for range quiet.C {
	}
	<-quietEnded
	if quietErr != nil {
		t.Errorf("ended with %v, want nil for its context", quietErr)
	}
}

// TestSubscribingWhileTheHubStops: subscriptions made while the hub
// stops, and after, end with ErrStopped, and the stop returns; under the
// race detector a subscription's registration must not race the stop's
// wait for the subscriptions it serves.
func TestSubscribingWhileTheHubStops(t *testing.T) {
	st := neo4jtest.Store(t)
	for range 10 {
		hub := events.New(st, events.Options{})
		stop := hub.Start(context.Background())
		var wg sync.WaitGroup
		ends := make(chan error, 64)
		for range 64 {
			wg.Go(func() {
				sub, err := hub.Subscribe(t.Context(), nil, store.EventFilter{Scope: store.Scope{All: true}}, nil, nil)
				if err != nil {
					ends <- err
					return
				}
				for range sub.C {
				}
				ends <- sub.Err()
			})
		}
		stop()
		wg.Wait()
		close(ends)
		for err := range ends {
			if !errors.Is(err, events.ErrStopped) {
				t.Fatalf("a subscription made while the hub stopped ended with %v, want ErrStopped", err)
			}
		}
	}
}
