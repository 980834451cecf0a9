package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/webhooks"
)

// delivery is one request a receiver got.
type delivery struct {
	id, timestamp, signature, seq, hash, attempt string
	body                                         []byte
}

// receiver is a local HTTP receiver whose answer a test sets: fail with
// a status, hang until released, or acknowledge. It can stop and start
// again on the same address, as a restarted service does.
type receiver struct {
	t      *testing.T
	addr   string
	mu     sync.Mutex
	got    []delivery
	status int           // the answer; 0: 204
	hang   chan struct{} // non-nil: requests wait until it is closed
	gate   chan struct{} // non-nil: each request waits for a value from it
	srv    *http.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(r.stop)
	return r
}

func (r *receiver) url() string { return "http://" + r.addr + "/hooks/exphub" }

func (r *receiver) serve(ln net.Listener) {
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, delivery{id: req.Header.Get("webhook-id"), timestamp: req.Header.Get("webhook-timestamp"),
			signature: req.Header.Get("webhook-signature"), seq: req.Header.Get("Exphub-Log-Seq"), hash: req.Header.Get("Exphub-Log-Hash"),
			attempt: req.Header.Get("Exphub-Attempt"), body: body})
		status, hang, gate := r.status, r.hang, r.gate
		r.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-req.Context().Done():
				return
			}
		}
		if hang != nil {
			select {
			case <-hang:
			case <-req.Context().Done():
				return
			}
		}
		if status == 0 {
			status = http.StatusNoContent
		}
		w.WriteHeader(status)
		fmt.Fprint(w, "receiver says no")
	})}
	go func() { _ = r.srv.Serve(ln) }()
}

func (r *receiver) stop() { _ = r.srv.Close() }

// restart starts the receiver again on its address.
func (r *receiver) restart() {
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		r.t.Fatal(err)
	}
	r.serve(ln)
}

func (r *receiver) set(status int, hang chan struct{}) {
	r.mu.Lock()
	r.status, r.hang = status, hang
	r.mu.Unlock()
}

// pace makes each request wait for a value from gate.
func (r *receiver) pace(gate chan struct{}) {
	r.mu.Lock()
	r.gate = gate
	r.mu.Unlock()
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// ids lists the message IDs of deliveries, each once, in the order of
// their first request.
func ids(ds []delivery) []string {
	var out []string
	for _, d := range ds {
		if !slices.Contains(out, d.id) {
			out = append(out, d.id)
		}
	}
	return out
}

// hookFixture is a project with a dataset, a receiver and a webhook of
// the project to it for DATASET_VERSION_REGISTERED.
type hookFixture struct {
	st      *store.Store
	key     string
	dataset *store.Dataset
	rcv     *receiver
	hook    *store.Webhook
	secret  string
	allow   *datasource.Allowlist
}

func newHookFixture(t *testing.T) *hookFixture {
	t.Helper()
	st := neo4jtest.Store(t)
	f := &hookFixture{st: st, key: neo4jtest.Project(t, st, "hook"), rcv: newReceiver(t)}
	var err error
	if f.dataset, err = st.RegisterDataset(t.Context(), neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: f.key, Namespace: "s3://lake", Name: "orders"}); err != nil {
		t.Fatal(err)
	}
	if f.allow, err = datasource.ParseAllowlist([]string{"http://" + f.rcv.addr + "/hooks"}); err != nil {
		t.Fatal(err)
	}
	f.secret = webhooks.NewSecret()
	if f.hook, err = st.CreateWebhook(t.Context(), neo4jtest.Actor, store.WebhookInput{ProjectKey: f.key, URL: f.rcv.url(),
		Topics: []store.WebhookTopic{store.TopicDatasetVersionRegistered}}, f.secret); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = st.DeleteWebhook(context.Background(), neo4jtest.Actor, f.hook.ID) })
	return f
}

// options are quick retries, for tests.
func (f *hookFixture) options(owner string) webhooks.Options {
	return webhooks.Options{Allow: f.allow, ProjectKeys: []string{f.key}, Owner: owner, MaxAttempts: 10,
		Backoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Timeout: 30 * time.Second, Lease: 2 * time.Second,
		Poll: 50 * time.Millisecond}
}

// start runs a dispatcher until the test ends or stop is called.
func start(t *testing.T, st *store.Store, o webhooks.Options) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	d := webhooks.NewDispatcher(st, o)
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func (f *hookFixture) register(t *testing.T, n int) []string {
	t.Helper()
	var versions []string
	for i := range n {
		v := neo4jtest.Version(t, f.st, f.dataset, fmt.Sprintf("v%d-%s", i, neo4jtest.Key(t, "x")))
		versions = append(versions, v.ID)
	}
	return versions
}

func (f *hookFixture) webhook(t *testing.T) *store.Webhook {
	t.Helper()
	w, err := f.st.WebhookByID(t.Context(), f.hook.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// checkDelivery verifies a delivery as a receiver would, and that its
// event is the log's: its hash is the hash of its content.
func (f *hookFixture) checkDelivery(t *testing.T, d delivery, secrets ...string) webhooks.Message {
	t.Helper()
	if len(secrets) == 0 {
		secrets = []string{f.secret}
	}
	for _, s := range secrets {
		if err := webhooks.Verify(s, d.id, d.timestamp, d.signature, d.body, time.Now(), 5*time.Minute); err != nil {
			t.Fatalf("delivery %s does not verify with a secret it should: %v (signature %q)", d.id, err, d.signature)
		}
	}
	var m webhooks.Message
	if err := json.Unmarshal(d.body, &m); err != nil {
		t.Fatal(err)
	}
	e := m.Data
	h, err := hashchain.Content{Seq: e.Seq, At: e.At, Actor: e.Actor, ProjectKey: e.ProjectKey, Kind: string(e.Kind),
		TargetID: e.TargetID, Payload: e.Payload, PrevHash: e.PrevHash}.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if h != e.Hash || d.hash != e.Hash || d.seq != strconv.FormatInt(e.Seq, 10) || d.id != webhooks.MessageID(e.Seq) {
		t.Fatalf("delivery %s: event hash %s, computed %s, header hash %s, header seq %s: not the log's event", d.id, e.Hash, h, d.hash, d.seq)
	}
	if e.ProjectKey != f.key || m.Type != store.TopicDatasetVersionRegistered || e.Kind != store.EventDatasetVersionRegister {
		t.Fatalf("delivery %s: project %s, type %s, kind %s", d.id, e.ProjectKey, m.Type, e.Kind)
	}
	return m
}

// TestDeliversInLogOrderThroughFailuresAndRestarts: a receiver that
// fails, is slow, goes down and comes back gets every event of its
// topic, each verifiable, in log order, none skipped.
func TestDeliversInLogOrderThroughFailuresAndRestarts(t *testing.T) {
	f := newHookFixture(t)
	// Another project's registration and this project's other events are
	// not delivered.
	other := neo4jtest.Project(t, f.st, "hookother")
	od, err := f.st.RegisterDataset(t.Context(), neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: other, Namespace: "s3://lake", Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	neo4jtest.Version(t, f.st, od, "v1")

	f.rcv.set(http.StatusServiceUnavailable, nil)
	start(t, f.st, f.options("a"))
	versions := f.register(t, 3)
	// Failing: the first event is tried again and again, nothing after it.
	waitFor(t, "three attempts at the first event", func() bool { return len(f.rcv.deliveries()) >= 3 })
	if got := ids(f.rcv.deliveries()); len(got) != 1 {
		t.Fatalf("while the receiver fails, only its next event is tried; got %v", got)
	}
	w := f.webhook(t)
	if w.State != store.WebhookRetrying || w.LastStatus == nil || *w.LastStatus != 503 || !strings.Contains(w.LastError, "503") || w.Attempts < 2 {
		t.Fatalf("a failing receiver: state %s, status %v, error %q, attempts %d", w.State, w.LastStatus, w.LastError, w.Attempts)
	}
	// Down: connection refused.
	f.rcv.stop()
	before := len(f.rcv.deliveries())
	waitFor(t, "attempts while the receiver is down", func() bool {
		w := f.webhook(t)
		return w.Attempts >= 4 && w.LastStatus == nil && w.LastError != ""
	})
	// Slow, then up again: everything arrives.
	hang := make(chan struct{})
	f.rcv.set(0, hang)
	f.rcv.restart()
	waitFor(t, "a request to the restarted receiver", func() bool { return len(f.rcv.deliveries()) > before })
	close(hang)
	more := f.register(t, 2)
	versions = append(versions, more...)
	waitFor(t, "all five events", func() bool { return len(ids(f.rcv.deliveries())) == 5 })

	var order []string
	for i, d := range f.rcv.deliveries() {
		m := f.checkDelivery(t, d)
		if i == 0 || d.id != f.rcv.deliveries()[i-1].id {
			order = append(order, m.Data.TargetID)
		}
	}
	if !slices.Equal(order, versions) {
		t.Fatalf("deliveries in the order %v; the versions were registered %v", order, versions)
	}
	waitFor(t, "the receiver ACTIVE with five delivered", func() bool {
		w := f.webhook(t)
		return w.State == store.WebhookActive && w.Delivered == 5 && w.Attempts == 0 && w.LastError == ""
	})
	if n, err := f.st.PendingWebhookEvents(t.Context(), f.webhook(t)); err != nil || n != 0 {
		t.Fatalf("pending after delivery: %d, %v", n, err)
	}
}

// TestParkedThenRedelivered: after the last attempt the receiver is
// parked with the reason, nothing more is sent, and redeliver resumes
// from the event that failed: nothing is lost.
func TestParkedThenRedelivered(t *testing.T) {
	f := newHookFixture(t)
	f.rcv.set(http.StatusInternalServerError, nil)
	o := f.options("a")
	o.MaxAttempts = 3
	start(t, f.st, o)
	versions := f.register(t, 2)
	waitFor(t, "the receiver parked", func() bool { return f.webhook(t).State == store.WebhookParked })
	w := f.webhook(t)
	if w.Attempts != 3 || w.ParkedAt == nil || !strings.Contains(w.LastError, "parked after 3 attempts") || !strings.Contains(w.LastError, "500: receiver says no") {
		t.Fatalf("parked: attempts %d, parkedAt %v, reason %q", w.Attempts, w.ParkedAt, w.LastError)
	}
	if n, err := f.st.PendingWebhookEvents(t.Context(), w); err != nil || n != 2 {
		t.Fatalf("a parked receiver's pending events: %d, %v; want 2", n, err)
	}
	got := len(f.rcv.deliveries())
	if got != 3 {
		t.Fatalf("%d requests to a receiver parked after 3 attempts", got)
	}
	// More events and time pass: nothing is sent to a parked receiver.
	versions = append(versions, f.register(t, 1)...)
	f.rcv.set(0, nil)
	w2, changed, err := f.st.RedeliverWebhook(t.Context(), neo4jtest.Actor, f.hook.ID)
	if err != nil || !changed || w2.State != store.WebhookActive || w2.Attempts != 0 {
		t.Fatalf("redeliver: %+v, %v, %v", w2, changed, err)
	}
	waitFor(t, "three events after redeliver", func() bool { return len(ids(f.rcv.deliveries())) == 3 })
	var order []string
	for _, d := range f.rcv.deliveries()[got:] {
		order = append(order, f.checkDelivery(t, d).Data.TargetID)
	}
	if !slices.Equal(order, versions) {
		t.Fatalf("after redeliver: %v; want %v", order, versions)
	}
	if _, changed, err := f.st.RedeliverWebhook(t.Context(), neo4jtest.Actor, f.hook.ID); err != nil || changed {
		t.Fatalf("redeliver of an ACTIVE receiver: changed %v, %v", changed, err)
	}
}

// TestKilledMidDelivery: a deliverer whose process dies while a request
// is in flight (its store gone before the answer) leaves the receiver to
// another, which sends that event again once the lease ran out: at least
// once, same webhook-id, and the order kept.
func TestKilledMidDelivery(t *testing.T) {
	f := newHookFixture(t)
	// The doomed deliverer reaches Neo4j through a proxy, so its
	// connections can be cut under it as a dying process's are (closing
	// its driver while its own goroutines use it would race inside the
	// driver, which no process does to itself).
	proxy := neo4jtest.NewProxy(t)
	doomed := store.New(proxy.Driver(), "")
	hang := make(chan struct{})
	f.rcv.set(0, hang)
	stopA := start(t, doomed, f.options("a"))
	versions := f.register(t, 2)
	waitFor(t, "the first delivery in flight", func() bool { return len(f.rcv.deliveries()) == 1 })
	// The process dies: its connections to Neo4j go first, then it stops.
	proxy.Stop()
	close(hang) // the receiver did get it, but its answer reaches no one who can record it
	stopA()
	w := f.webhook(t)
	if w.Position != f.hook.Position {
		t.Fatalf("position moved to %d though the delivery was never recorded", w.Position)
	}
	start(t, f.st, f.options("b"))
	waitFor(t, "both events through the other deliverer", func() bool { return len(ids(f.rcv.deliveries())) == 2 })
	ds := f.rcv.deliveries()
	if len(ds) < 3 || ds[0].id != ds[1].id {
		t.Fatalf("the event in flight is sent again first: got %v", ids(ds))
	}
	var order []string
	for _, d := range ds {
		m := f.checkDelivery(t, d)
		if !slices.Contains(order, m.Data.TargetID) {
			order = append(order, m.Data.TargetID)
		}
	}
	if !slices.Equal(order, versions) {
		t.Fatalf("order %v; want %v", order, versions)
	}
}

// TestRotationOverlap: while a rotated secret overlaps, each delivery
// verifies with either secret; a rotation without overlap signs with
// the new one alone.
func TestRotationOverlap(t *testing.T) {
	f := newHookFixture(t)
	start(t, f.st, f.options("a"))
	old := f.secret
	fresh := webhooks.NewSecret()
	if _, err := f.st.RotateWebhookSecret(t.Context(), neo4jtest.Actor, f.hook.ID, fresh, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.register(t, 1)
	waitFor(t, "a delivery", func() bool { return len(f.rcv.deliveries()) == 1 })
	d := f.rcv.deliveries()[0]
	f.checkDelivery(t, d, old, fresh)
	if n := len(strings.Fields(d.signature)); n != 2 {
		t.Fatalf("%d signatures while the old secret overlaps", n)
	}
	w := f.webhook(t)
	if w.PreviousSecretUntil == nil {
		t.Fatal("previousSecretUntil unset during the overlap")
	}

	newest := webhooks.NewSecret()
	if _, err := f.st.RotateWebhookSecret(t.Context(), neo4jtest.Actor, f.hook.ID, newest, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.register(t, 1)
	waitFor(t, "a second delivery", func() bool { return len(f.rcv.deliveries()) == 2 })
	d = f.rcv.deliveries()[1]
	f.checkDelivery(t, d, newest)
	for _, s := range []string{old, fresh} {
		if err := webhooks.Verify(s, d.id, d.timestamp, d.signature, d.body, time.Now(), 5*time.Minute); err == nil {
			t.Fatal("a delivery after a rotation without overlap verifies with an earlier secret")
		}
	}
	if f.webhook(t).PreviousSecretUntil != nil {
		t.Fatal("previousSecretUntil set after a rotation without overlap")
	}
	// A tampered body, or an old timestamp, does not verify.
	if err := webhooks.Verify(newest, d.id, d.timestamp, d.signature, append(d.body, ' '), time.Now(), 5*time.Minute); err == nil {
		t.Fatal("a tampered body verifies")
	}
	if err := webhooks.Verify(newest, d.id, d.timestamp, d.signature, d.body, time.Now().Add(10*time.Minute), 5*time.Minute); err == nil {
		t.Fatal("a delivery replayed ten minutes later verifies")
	}
}

// TestNotAllowedIsParked: a receiver the allowlist stopped admitting is
// parked at once with that reason, and nothing is sent to it.
func TestNotAllowedIsParked(t *testing.T) {
	f := newHookFixture(t)
	o := f.options("a")
	var err error
	if o.Allow, err = datasource.ParseAllowlist([]string{"https://elsewhere.example.com/"}); err != nil {
		t.Fatal(err)
	}
	start(t, f.st, o)
	f.register(t, 1)
	waitFor(t, "the receiver parked", func() bool { return f.webhook(t).State == store.WebhookParked })
	if w := f.webhook(t); !strings.Contains(w.LastError, "EXPHUB_WEBHOOK_RECEIVERS") || w.Attempts != 1 {
		t.Fatalf("parked for %q after %d attempts", w.LastError, w.Attempts)
	}
	if n := len(f.rcv.deliveries()); n != 0 {
		t.Fatalf("%d requests to a receiver the allowlist refuses", n)
	}
}

// waitFor waits until cond holds (the deadline only guards a hung test).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !testwait.Until(2*time.Minute, cond) {
		t.Fatalf("waited two minutes for %s", what)
	}
}

// TestASlowReceiverTakesTurns: a receiver with a long backlog that
// answers slowly holds the only delivery slot for a turn at a time, so
// another project's receiver is served before the backlog is through.
func TestASlowReceiverTakesTurns(t *testing.T) {
	slow, fast := newHookFixture(t), newHookFixture(t)
	slow.rcv.set(0, nil)
	// The backlog is long enough (30 s of answers) that the other
	// receiver's event, written once the slow one's deliveries began, is
	// there long before the backlog could end, however loaded the machine;
	// once the other receiver has had its turn the slow one speeds up.
	const backlog = 300
	slow.register(t, backlog)
	o := slow.options("a")
	o.ProjectKeys = []string{slow.key, fast.key}
	o.Allow, _ = datasource.ParseAllowlist([]string{slow.rcv.url(), fast.rcv.url()})
	o.Concurrency, o.Timeout = 1, 500*time.Millisecond
	// Each of the slow receiver's answers takes a tenth of a second.
	gate := make(chan struct{})
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				select {
				case gate <- struct{}{}:
				default:
				}
			case <-t.Context().Done():
				return
			}
		}
	}()
	slow.rcv.set(0, nil)
	slow.rcv.pace(gate)
	start(t, slow.st, o)
	waitFor(t, "the slow receiver's first deliveries", func() bool { return len(slow.rcv.deliveries()) > 0 })
	fast.register(t, 1)
	waitFor(t, "the other receiver's delivery", func() bool { return len(fast.rcv.deliveries()) == 1 })
	if n := len(ids(slow.rcv.deliveries())); n >= backlog {
		t.Fatalf("the other receiver waited for all %d of the slow one's events", n)
	}
	slow.rcv.pace(nil)
	waitFor(t, "the slow receiver's backlog", func() bool { return len(ids(slow.rcv.deliveries())) == backlog })
}
