package api_test

import (
	"slices"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/wsclient"
)

const sharedSub = `subscription { events { seq kind projectKey } }`

// follow reads c's events into a channel until the connection ends.
func follow(t *testing.T, c *wsclient.Client) <-chan wsEvent {
	ch := make(chan wsEvent, 1000)
	go func() {
		defer close(ch)
		for {
			m, err := c.Next(t.Context())
			if err != nil || m.Type != "next" {
				return
			}
			var d struct{ Events *wsEvent }
			if errs, err := m.Data(&d); err != nil || len(errs) > 0 || d.Events == nil {
				return
			}
			ch <- *d.Events
		}
	}()
	return ch
}

// Identical subscriptions of one caller share one follower of the log and
// one execution; another caller with the same document gets its own and
// sees only what it may read. Every subscriber gets every event it may
// see, in order and without gaps, and a shared follower goes when its
// last subscriber does.
func TestSubscriptionsOfOneCallerShareAnExecution(t *testing.T) {
	var evHub *events.Hub
	h := newHub(t, func(o *api.Options) {
		evHub = runHub(t, o.Store, events.Options{})
		o.Events = evHub
	})
	mine, myExp := newProjectWithExperiment(t, h.st, "shm")
	theirs, theirExp := newProjectWithExperiment(t, h.st, "sht")
	alice := token(t, "alice-shared", map[string]auth.Role{mine: auth.RoleViewer})
	bob := token(t, "bob-shared", map[string]auth.Role{mine: auth.RoleViewer, theirs: auth.RoleViewer})
	toks := []string{alice, alice, alice, bob}
	conns := make([]*wsclient.Client, len(toks))
	feeds := make([]<-chan wsEvent, len(toks))
	for i, tok := range toks {
		conns[i] = dial(t, h, tok)
		if err := conns[i].Subscribe(t.Context(), "s", sharedSub, nil); err != nil {
			t.Fatal(err)
		}
		feeds[i] = follow(t, conns[i])
	}
	if !testwait.Until(time.Minute, func() bool { return evHub.Subscriptions() == 2 }) {
		t.Fatalf("%d followers of the log for two callers' subscriptions, want 2", evHub.Subscriptions())
	}
	// A subscriber joins when the server reads its message: write until
	// each has had an event, so every one is a member before those checked.
	seen := make([]bool, len(feeds))
	for tries := 0; !allTrue(seen); tries++ {
		if tries == 60 {
			t.Fatalf("subscribers that had an event: %v", seen)
		}
		startRun(t, h.st, myExp.ID, "warm-up")
		testwait.Until(time.Second, func() bool {
			for i, f := range feeds {
				select {
				case _, ok := <-f:
					if !ok {
						t.Fatalf("subscriber %d ended", i)
					}
					seen[i] = true
				default:
				}
			}
			return allTrue(seen)
		})
	}
	head, err := h.st.EventHead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		exp := myExp
		if i%2 == 1 {
			exp = theirExp
		}
		startRun(t, h.st, exp.ID, "checked")
	}
	want := map[string][]int64{}
	for _, tok := range []string{alice, bob} {
		keys := []string{mine}
		if tok == bob {
			keys = append(keys, theirs)
		}
		evs, err := h.st.EventsAfter(t.Context(), head, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: keys})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			want[tok] = append(want[tok], e.Seq)
		}
	}
	if len(want[alice]) != 3 || len(want[bob]) != 6 {
		t.Fatalf("the log after %d holds %v", head, want)
	}
	for i, f := range feeds {
		var got []int64
		for len(got) < len(want[toks[i]]) {
			ev, ok := <-f
			if !ok {
				t.Fatalf("subscriber %d ended after %v", i, got)
			}
			if ev.Seq > head {
				got = append(got, ev.Seq)
			}
		}
		if !slices.Equal(got, want[toks[i]]) {
			t.Fatalf("subscriber %d got %v, want %v", i, got, want[toks[i]])
		}
	}
	for _, c := range conns[:3] {
		c.CloseNow()
	}
	if !testwait.Until(time.Minute, func() bool { return evHub.Subscriptions() == 1 }) {
		t.Fatalf("%d followers after one caller left, want 1", evHub.Subscriptions())
	}
	conns[3].CloseNow()
	if !testwait.Until(time.Minute, func() bool { return evHub.Subscriptions() == 0 }) {
		t.Fatalf("%d followers after every subscriber left", evHub.Subscriptions())
	}
}

func allTrue(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}
