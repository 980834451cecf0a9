package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/wsclient"
)

const eventsSub = `subscription($after: String, $keys: [String!], $kinds: [EventKind!]) {
	events(after: $after, filter: {projectKeys: $keys, kinds: $kinds}) { cursor seq kind projectKey targetId actor payload hash prevHash } }`

type wsEvent struct {
	Cursor     string
	Seq        int64
	Kind       string
	ProjectKey string
	TargetID   string `json:"targetId"`
	Actor      string
	Payload    map[string]any
	Hash       string
	PrevHash   string
}

// dial opens a subscription connection to h as the holder of tok.
func dial(t *testing.T, h *hub, tok string) *wsclient.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, err := wsclient.Dial(ctx, h.srv.URL+"/graphql", tok, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// next reads the next event of operation id, failing on anything else.
func next(t *testing.T, c *wsclient.Client, id string) wsEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	m, err := c.Next(ctx)
	if err != nil {
		t.Fatalf("waiting for an event: %v", err)
	}
	if m.ID != id || m.Type != "next" {
		t.Fatalf("want next for %s, got %s %s %s", id, m.Type, m.ID, m.Payload)
	}
	// One subscription field per message, whichever it is.
	var d map[string]*wsEvent
	errs, err := m.Data(&d)
	if err != nil || len(errs) > 0 {
		t.Fatalf("event: %v %+v", err, errs)
	}
	for _, ev := range d {
		if ev != nil {
			return *ev
		}
	}
	t.Fatalf("empty event %s", m.Payload)
	return wsEvent{}
}

// expectQuiet fails when operation id delivers anything within d.
func expectQuiet(t *testing.T, c *wsclient.Client, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	if m, err := c.Next(ctx); err == nil {
		t.Fatalf("want nothing, got %s %s", m.Type, m.Payload)
	}
}

// projectLog is what the store holds for a project, in order.
func projectLog(t *testing.T, st *store.Store, key string, after int64) []*store.Event {
	t.Helper()
	evs, err := st.EventsAfter(t.Context(), after, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func startRun(t *testing.T, st *store.Store, expID, name string) *store.Run {
	t.Helper()
	r, err := st.StartRun(t.Context(), "alice", store.StartRunInput{ExperimentID: expID, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newProjectWithExperiment(t *testing.T, st *store.Store, prefix string) (string, *store.Experiment) {
	t.Helper()
	key := neo4jtest.Key(t, prefix)
	if _, err := st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	exp, err := st.CreateExperiment(t.Context(), "alice", store.CreateExperimentInput{ProjectKey: key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	return key, exp
}

func TestEventsReplayThenLive(t *testing.T) {
	h := newHub(t, nil)
	key, exp := newProjectWithExperiment(t, h.st, "evl")
	startRun(t, h.st, exp.ID, "r1")
	logged := projectLog(t, h.st, key, 0)
	tok := token(t, "viewer", map[string]auth.Role{key: auth.RoleViewer})
	c := dial(t, h, tok)
	if err := c.Subscribe(t.Context(), "1", eventsSub, map[string]any{"after": "0", "keys": []string{key}}); err != nil {
		t.Fatal(err)
	}
	// Replay: the project's whole log, in order, with the stored content.
	for _, want := range logged {
		got := next(t, c, "1")
		if got.Seq != want.Seq || got.Kind != string(want.Kind) || got.Hash != want.Hash || got.Cursor != want.Cursor() ||
			got.TargetID != want.TargetID || got.Actor != "alice" {
			t.Fatalf("replayed %+v, want %+v", got, want)
		}
	}
	// Live: a run started through the API arrives next.
	res := h.gql(t, token(t, "carol", map[string]auth.Role{key: auth.RoleContributor}),
		`mutation($e: ID!) { startRun(input: {experimentId: $e, name: "live"}) { run { id } } }`, map[string]any{"e": exp.ID})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	got := next(t, c, "1")
	if got.Kind != "RUN_STARTED" || got.Actor != "carol" || got.Payload["name"] != "live" || got.Seq <= logged[len(logged)-1].Seq {
		t.Fatalf("live event %+v", got)
	}
	if got.PrevHash == "" || len(got.Hash) != 64 {
		t.Errorf("hashes %q %q", got.PrevHash, got.Hash)
	}
}

func TestEventsResumeWithoutGapOrRepeat(t *testing.T) {
	h := newHub(t, nil)
	key, exp := newProjectWithExperiment(t, h.st, "evr")
	tok := token(t, "viewer", map[string]auth.Role{key: auth.RoleViewer})
	c := dial(t, h, tok)
	if err := c.Subscribe(t.Context(), "a", eventsSub, map[string]any{"after": "0", "keys": []string{key}}); err != nil {
		t.Fatal(err)
	}
	first := next(t, c, "a")
	second := next(t, c, "a")
	c.CloseNow()
	// Written while nobody listened.
	for i := range 3 {
		startRun(t, h.st, exp.ID, fmt.Sprint(i))
	}
	// A restarted server: a new hub and handler over the same Neo4j.
	h2 := newHub(t, nil)
	c2 := dial(t, h2, tok)
	if err := c2.Subscribe(t.Context(), "b", eventsSub, map[string]any{"after": second.Cursor, "keys": []string{key}}); err != nil {
		t.Fatal(err)
	}
	want := projectLog(t, h.st, key, second.Seq)
	if len(want) != 3 {
		t.Fatalf("log after %d: %d events", second.Seq, len(want))
	}
	for _, w := range want {
		if got := next(t, c2, "b"); got.Seq != w.Seq {
			t.Fatalf("resumed at %d, want %d (first was %d)", got.Seq, w.Seq, first.Seq)
		}
	}
	expectQuiet(t, c2, 300*time.Millisecond)
}

func TestEventsReachSubscribersOfAnotherReplica(t *testing.T) {
	a := newHub(t, func(o *api.Options) { o.Events = nil })
	b := newHub(t, nil) // its own store, hub and handler: another process
	key, exp := newProjectWithExperiment(t, a.st, "evx")
	tok := token(t, "viewer", map[string]auth.Role{key: auth.RoleViewer})
	c := dial(t, b, tok)
	// Subscribing after the head sees everything from now on, however long
	// the subscription takes to start.
	if err := c.Subscribe(t.Context(), "x", eventsSub, map[string]any{"keys": []string{key}, "after": head(t, b, tok)}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := a.gql(t, token(t, "carol", map[string]auth.Role{key: auth.RoleContributor}),
		`mutation($e: ID!) { startRun(input: {experimentId: $e, name: "via-a"}) { run { id } } }`, map[string]any{"e": exp.ID})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	got := next(t, c, "x")
	if got.Kind != "RUN_STARTED" || got.Payload["name"] != "via-a" {
		t.Fatalf("got %+v", got)
	}
	t.Logf("delivered across replicas in %s", time.Since(start))
}

func TestEventsOnlyWhatTheSubscriberMayRead(t *testing.T) {
	h := newHub(t, nil)
	mine, myExp := newProjectWithExperiment(t, h.st, "evm")
	theirs, theirExp := newProjectWithExperiment(t, h.st, "evt")
	viewerTok := token(t, "viewer", map[string]auth.Role{mine: auth.RoleViewer})
	c := dial(t, h, viewerTok)
	if err := c.Subscribe(t.Context(), "all", eventsSub, map[string]any{"after": head(t, h, viewerTok)}); err != nil {
		t.Fatal(err)
	}
	startRun(t, h.st, theirExp.ID, "hidden")
	startRun(t, h.st, myExp.ID, "visible")
	got := next(t, c, "all")
	if got.ProjectKey != mine || got.Payload["name"] != "visible" {
		t.Fatalf("got %+v", got)
	}
	// Naming a project one cannot read is refused, not silently empty.
	if err := c.Subscribe(t.Context(), "theirs", eventsSub, map[string]any{"keys": []string{theirs}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	m, err := c.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	errs, _ := m.Data(nil)
	if m.Type == "error" {
		errs = m.Errors()
	}
	if m.ID != "theirs" || len(errs) == 0 || errs[0].Extensions["code"] != "FORBIDDEN" {
		t.Fatalf("want FORBIDDEN, got %s %s", m.Type, m.Payload)
	}
	// The audit log is for approvers and admins.
	viewer := h.gql(t, token(t, "v", map[string]auth.Role{mine: auth.RoleViewer}), `query($k: [String!]) { auditEvents(filter: {projectKeys: $k}) { totalCount } }`,
		map[string]any{"k": []string{mine}})
	if len(viewer.Errors) == 0 || viewer.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("viewer reads the audit log: %s", viewer.Raw)
	}
	approver := h.gql(t, token(t, "a", map[string]auth.Role{mine: auth.RoleApprover, theirs: auth.RoleViewer}),
		`{ auditEvents(first: 100) { totalCount edges { node { projectKey kind } } } }`, nil)
	var d struct {
		AuditEvents struct {
			TotalCount int
			Edges      []struct {
				Node struct{ ProjectKey, Kind string }
			}
		}
	}
	if err := decodeData(approver, &d); err != nil {
		t.Fatal(err)
	}
	// Project and experiment created, one run started.
	if d.AuditEvents.TotalCount != 3 || len(d.AuditEvents.Edges) != 3 {
		t.Errorf("approver sees %d events (%d edges), want the 3 of %s", d.AuditEvents.TotalCount, len(d.AuditEvents.Edges), mine)
	}
	for _, e := range d.AuditEvents.Edges {
		if e.Node.ProjectKey != mine {
			t.Errorf("approver sees an event of %s", e.Node.ProjectKey)
		}
	}
}

func TestBadSubscriptionsSayWhy(t *testing.T) {
	h := newHub(t, nil)
	key, exp := newProjectWithExperiment(t, h.st, "evb")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// A bad token in connection_init closes the socket with 4403.
	_, err := wsclient.Dial(ctx, h.srv.URL+"/graphql", "not-a-token", nil)
	var ce *wsclient.CloseError
	if !errors.As(err, &ce) || ce.Code != 4403 || ce.Reason == "" {
		t.Fatalf("bad token: %v", err)
	}
	// A browser page from an origin outside the allowlist is refused.
	_, err = wsclient.Dial(ctx, h.srv.URL+"/graphql", token(t, "v", map[string]auth.Role{key: auth.RoleViewer}),
		http.Header{"Origin": []string{"https://evil.example"}})
	if err == nil {
		t.Fatal("a foreign origin connected")
	}
	if c, err := wsclient.Dial(ctx, h.srv.URL+"/graphql", token(t, "v", map[string]auth.Role{key: auth.RoleViewer}),
		http.Header{"Origin": []string{"http://localhost:5173"}}); err != nil {
		t.Fatalf("an allowed origin: %v", err)
	} else {
		c.CloseNow()
	}
	c := dial(t, h, token(t, "v", map[string]auth.Role{key: auth.RoleViewer}))
	head, err := h.st.EventHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		vars map[string]any
		want string
	}{
		{map[string]any{"after": "yesterday"}, "after"},
		{map[string]any{"after": strconv.FormatInt(head+1000, 10)}, "beyond the end of the log"},
		{map[string]any{"kinds": []string{"NOPE"}}, "NOPE"},
	} {
		id := strconv.Itoa(i)
		if err := c.Subscribe(ctx, id, eventsSub, tc.vars); err != nil {
			t.Fatal(err)
		}
		m, err := c.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != id || !containsFold(string(m.Payload), tc.want) {
			t.Errorf("%v: got %s %s, want an error naming %q", tc.vars, m.Type, m.Payload, tc.want)
		}
		if m.Type == "next" { // an error inside a result: the completion follows
			if m, err = c.Next(ctx); err != nil || m.Type != "complete" {
				t.Fatalf("want complete, got %v %v", m, err)
			}
		}
	}
	_ = exp
}

func TestExpiredTokenEndsTheSubscription(t *testing.T) {
	h := newHub(t, nil)
	key, exp := newProjectWithExperiment(t, h.st, "eve")
	// The token must outlive the first event and then expire while the
	// subscription is open. A machine too busy to deliver the event before
	// the token expires tries again with a token that lives twice as long.
	for ttl := 2 * time.Second; ; ttl *= 2 {
		if expiredTokenEnds(t, h, key, exp.ID, ttl) {
			return
		}
		if ttl > time.Minute {
			t.Fatalf("the first event never arrived before the token expired, even with a token of %s", ttl)
		}
		t.Logf("the token of %s expired before the first event arrived; again with a longer one", ttl)
	}
}

// expiredTokenEnds runs the scenario with a token of ttl; false means the
// token expired before the first event arrived.
func expiredTokenEnds(t *testing.T, h *hub, key, expID string, ttl time.Duration) bool {
	t.Helper()
	tok, err := auth.NewDevToken([]byte(auth.DevSecret), "short", map[string]auth.Role{key: auth.RoleViewer}, ttl, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, h, tok)
	defer c.CloseNow()
	if err := c.Subscribe(t.Context(), "s", `subscription($e: ID!, $after: String) { runStatusChanged(experimentId: $e, after: $after) { cursor kind } }`,
		map[string]any{"e": expID, "after": head(t, h, token(t, "long", map[string]auth.Role{key: auth.RoleViewer}))}); err != nil {
		t.Fatal(err)
	}
	startRun(t, h.st, expID, "before-expiry")
	ctx, cancel := context.WithTimeout(t.Context(), ttl+time.Minute)
	defer cancel()
	m, err := c.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type == "error" {
		return false
	}
	var d struct{ RunStatusChanged struct{ Kind string } }
	if errs, err := m.Data(&d); err != nil || len(errs) > 0 || d.RunStatusChanged.Kind != "RUN_STARTED" {
		t.Fatalf("want the run's start, got %s %s", m.Type, m.Payload)
	}
	if m, err = c.Next(ctx); err != nil {
		t.Fatal(err)
	}
	errs := m.Errors()
	if m.Type != "error" || len(errs) == 0 || errs[0].Extensions["code"] != "UNAUTHENTICATED" || errs[0].Extensions["reason"] != "TOKEN_EXPIRED" ||
		errs[0].Extensions["resumeAfter"] == "" || !containsFold(errs[0].Message, "token expired") {
		t.Fatalf("want a token-expired error, got %s %s", m.Type, m.Payload)
	}
	// And a new subscription on the same connection is refused.
	if err := c.Subscribe(ctx, "t", eventsSub, nil); err != nil {
		t.Fatal(err)
	}
	if m, err = c.Next(ctx); err != nil || !containsFold(string(m.Payload), "UNAUTHENTICATED") {
		t.Fatalf("after expiry: %v %s", err, m.Payload)
	}
	return true
}

func TestSubscriptionsEndOnShutdownAndLeaveNothingBehind(t *testing.T) {
	baseline := goleak.IgnoreCurrent()
	st := neo4jtest.Store(t)
	hub := events.New(st, events.Options{})
	st.OnAppend(hub.Notify)
	stop := hub.Start(context.Background())
	h := newHub(t, func(o *api.Options) { o.Store = st; o.Events = hub })
	key, exp := newProjectWithExperiment(t, st, "evs")
	tok := token(t, "v", map[string]auth.Role{key: auth.RoleViewer})
	var clients []*wsclient.Client
	after := head(t, h, tok)
	for range 20 {
		c := dial(t, h, tok)
		if err := c.Subscribe(t.Context(), "s", eventsSub, map[string]any{"keys": []string{key}, "after": after}); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	r := startRun(t, st, exp.ID, "x")
	for _, c := range clients[:10] {
		if got := next(t, c, "s"); got.TargetID != r.ID {
			t.Fatalf("got %+v", got)
		}
		c.Close()
	}
	// Shutdown completes the others; they resume from their last cursor.
	stop()
	for _, c := range clients[10:] {
		got := next(t, c, "s")
		if got.TargetID != r.ID {
			t.Fatalf("got %+v", got)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		m, err := c.Next(ctx)
		cancel()
		if err != nil || m.Type != "complete" {
			t.Fatalf("want the subscription completed, got %v %s %s", err, m.Type, m.Payload)
		}
		c.Close()
	}
	h.srv.Close()
	// Every subscription, connection and hub goroutine is gone.
	var err error
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = goleak.Find(baseline, goleak.IgnoreTopFunction("internal/poll.runtime_pollWait")); err == nil {
			break
		}
	}
	if err != nil {
		t.Errorf("goroutines left behind: %v (now %d)", err, runtime.NumGoroutine())
	}
}

// head is the event log's position now, as recentEvents reports it.
func head(t *testing.T, h *hub, tok string) string {
	t.Helper()
	var d struct{ RecentEvents struct{ Cursor string } }
	h.gql(t, tok, `{ recentEvents(last: 0) { cursor } }`, nil).ok(t, &d)
	if d.RecentEvents.Cursor == "" {
		t.Fatal("recentEvents gave no cursor")
	}
	return d.RecentEvents.Cursor
}

func TestRecentEventsThenSubscribeHasNoGap(t *testing.T) {
	h := newHub(t, nil)
	mine, myExp := newProjectWithExperiment(t, h.st, "evr")
	_, theirExp := newProjectWithExperiment(t, h.st, "evq")
	tok := token(t, "viewer", map[string]auth.Role{mine: auth.RoleViewer})
	for _, n := range []string{"one", "two", "three"} {
		startRun(t, h.st, myExp.ID, n)
	}
	hidden := startRun(t, h.st, theirExp.ID, "hidden")
	res := h.gql(t, tok, `{ recentEvents(last: 2) { cursor events { seq kind projectKey payload } } }`, nil)
	var d struct {
		RecentEvents struct {
			Cursor string
			Events []struct {
				Seq        int64
				Kind       string
				ProjectKey string
				Payload    map[string]any
			}
		}
	}
	res.ok(t, &d)
	evs := d.RecentEvents.Events
	if len(evs) != 2 || evs[0].Payload["name"] != "three" || evs[1].Payload["name"] != "two" || evs[0].Seq <= evs[1].Seq {
		t.Fatalf("want runs three then two, newest first: %s", res.Raw)
	}
	// The cursor is the head, past the hidden project's later event: a
	// subscription after it starts with what happens next.
	if cur, err := strconv.ParseInt(d.RecentEvents.Cursor, 10, 64); err != nil || cur < mustSeq(t, h.st, hidden.ID) {
		t.Errorf("cursor %s is before the hidden project's later event", d.RecentEvents.Cursor)
	}
	c := dial(t, h, tok)
	if err := c.Subscribe(t.Context(), "s", eventsSub, map[string]any{"after": d.RecentEvents.Cursor}); err != nil {
		t.Fatal(err)
	}
	startRun(t, h.st, myExp.ID, "four")
	if got := next(t, c, "s"); got.Payload["name"] != "four" {
		t.Fatalf("first event after the cursor: %+v", got)
	}
	bad := h.gql(t, tok, `{ recentEvents(last: 1001) { cursor } }`, nil)
	if bad.code() != "BAD_USER_INPUT" || !containsFold(string(bad.Raw), "last") {
		t.Errorf("last: 1001: %s", bad.Raw)
	}
}

// mustSeq is the sequence of the event about target.
func mustSeq(t *testing.T, st *store.Store, target string) int64 {
	t.Helper()
	evs, err := st.EventsAfter(t.Context(), 0, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, TargetID: target})
	if err != nil || len(evs) == 0 {
		t.Fatalf("events of %s: %v", target, err)
	}
	return evs[len(evs)-1].Seq
}

// decodeData decodes a response's data, failing on errors.
func decodeData(res *gqlResponse, v any) error {
	if len(res.Errors) > 0 {
		return fmt.Errorf("errors: %+v", res.Errors)
	}
	return json.Unmarshal(res.Data, v)
}
