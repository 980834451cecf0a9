package checkpoint_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/checkpoint"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// observer records what the service reports.
type observer struct {
	mu         sync.Mutex
	signed     []int64
	mismatches []int
	checked    chan struct{}
}

func (o *observer) CheckpointSigned(seq int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.signed = append(o.signed, seq)
}

func (o *observer) CheckpointsChecked(n int) {
	o.mu.Lock()
	o.mismatches = append(o.mismatches, n)
	o.mu.Unlock()
	if o.checked != nil {
		select {
		case o.checked <- struct{}{}:
		default:
		}
	}
}

func TestSignAndCheck(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	neo4jtest.Project(t, s, "ckpt")
	// A nanosecond's interval: whenever the latest checkpoint was made
	// (other tests make them), this round signs.
	now := time.Now()
	obs := &observer{}
	var logs bytes.Buffer
	svc := checkpoint.New(s, checkpoint.Options{Key: key, Interval: time.Nanosecond, Observer: obs, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	c, err := svc.Sign(ctx)
	if err != nil || c == nil {
		t.Fatalf("sign: %v %v", c, err)
	}
	// The log line's checkpoint field is the checkpoint, as hubctl audit
	// verify --checkpoint reads it: a copy outside the database.
	var line struct{ Checkpoint json.RawMessage }
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log line %s: %v", logs.Bytes(), err)
	}
	dec := json.NewDecoder(bytes.NewReader(line.Checkpoint))
	dec.DisallowUnknownFields()
	var logged hashchain.Checkpoint
	if err := dec.Decode(&logged); err != nil || logged != *c {
		t.Fatalf("logged %s: %v", line.Checkpoint, err)
	}
	if err := c.CheckSignature(pub); err != nil || c.At != hashchain.FormatTime(now) {
		t.Fatalf("signed %+v: %v", c, err)
	}
	// Another replica's round within half an interval signs nothing,
	// whether or not the head moved meanwhile.
	neo4jtest.Project(t, s, "ckpt")
	other := checkpoint.New(s, checkpoint.Options{Key: key, Interval: time.Hour, Now: func() time.Time { return now.Add(time.Minute) }})
	if again, err := other.Sign(ctx); err != nil || again != nil {
		t.Fatalf("a second round within the interval: %+v %v", again, err)
	}
	r, err := svc.Check(ctx)
	if err != nil || !r.OK() || r.Latest == nil || r.Latest.Seq < c.Seq {
		t.Fatalf("check: %+v %v", r, err)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.signed) != 1 || obs.signed[0] != c.Seq || len(obs.mismatches) != 1 || obs.mismatches[0] != 0 {
		t.Fatalf("observed signed %v, mismatches %v", obs.signed, obs.mismatches)
	}
}

func TestNoKeySignsNothing(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := checkpoint.New(s, checkpoint.Options{})
	if c, err := svc.Sign(t.Context()); svc.Signing() || c != nil || err != nil {
		t.Fatalf("without a key: signing %v, %+v, %v", svc.Signing(), c, err)
	}
}

// restored is the store as a replica sees it after the database was
// restored to a point before its latest checkpoint: the real store's
// answer, with the latest checkpoint an older one. (Restoring the shared
// test database is not an option.)
type restored struct {
	*store.Store
	on bool
}

func (r *restored) CheckCheckpoints(ctx context.Context) (*store.CheckpointCheck, error) {
	c, err := r.Store.CheckCheckpoints(ctx)
	if err == nil && r.on && c.Latest != nil {
		older := *c.Latest
		older.Seq--
		c.Latest = &older
	}
	return c, err
}

func TestCheckSeesTheLatestCheckpointGoBack(t *testing.T) {
	s := neo4jtest.Store(t)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	neo4jtest.Project(t, s, "ckpt")
	st := &restored{Store: s}
	obs := &observer{}
	svc := checkpoint.New(st, checkpoint.Options{Key: key, Interval: time.Nanosecond, Observer: obs})
	if _, err := svc.Sign(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r, err := svc.Check(t.Context()); err != nil || !r.OK() {
		t.Fatalf("before: %+v %v", r, err)
	}
	st.on = true
	r, err := svc.Check(t.Context())
	if err != nil || r.OK() || r.WentBack == nil || len(r.Problems()) != 1 || !strings.Contains(r.Problems()[0], "restored to an older point") {
		t.Fatalf("after the restore: %+v %v", r, err)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if got := obs.mismatches[len(obs.mismatches)-1]; got != 1 {
		t.Fatalf("mismatches reported %v", obs.mismatches)
	}
}

func TestRunChecksAtOnceAndStops(t *testing.T) {
	s := neo4jtest.Store(t)
	obs := &observer{checked: make(chan struct{}, 1)}
	svc := checkpoint.New(s, checkpoint.Options{Interval: time.Hour, Observer: obs})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	select {
	case <-obs.checked:
	case <-time.After(time.Minute):
		t.Fatal("Run did not check at start-up")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("Run did not stop with its context")
	}
}
