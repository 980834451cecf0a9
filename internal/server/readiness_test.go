package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// fakeProber stands in for Neo4j's answers to the monitor: it hangs until
// the probe's deadline while hang is set, and answers otherwise.
type fakeProber struct {
	hang   atomic.Bool
	probes atomic.Int64
}

func (f *fakeProber) Migrate(context.Context) error { return nil }
func (f *fakeProber) Reachable() bool               { return !f.hang.Load() }
func (f *fakeProber) Probe(ctx context.Context) error {
	defer f.probes.Add(1)
	if f.hang.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// TestReadinessNeverWaitsOnTheDatabase: /readyz answers from the monitor's
// latest probe. While Neo4j hangs, Ping returns "not ready" without waiting
// for it (a Ping that waited would block this test until its deadline), and
// it turns ready again once a probe gets an answer.
func TestReadinessNeverWaitsOnTheDatabase(t *testing.T) {
	f := &fakeProber{}
	f.hang.Store(true)
	r := &readiness{store: f, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r.migrated.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.monitor(ctx, time.Millisecond, 10*time.Millisecond) }()
	defer func() { cancel(); <-done }()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("no %s within 2 minutes", what)
			}
			select {
			case <-done:
				t.Fatalf("the monitor stopped before %s", what)
			case <-time.After(time.Millisecond):
			}
		}
	}
	// Before the first probe ends, and while every probe hangs.
	blocked, bcancel := context.WithCancel(context.Background())
	bcancel() // a Ping that used its context for I/O would fail on this
	if err := r.Ping(blocked); err == nil {
		t.Fatal("ready while Neo4j hangs")
	}
	waitFor("a hanging probe ends", func() bool { return f.probes.Load() >= 2 })
	if err := r.Ping(context.Background()); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ping while Neo4j hangs: %v, want the probe's deadline", err)
	}
	f.hang.Store(false)
	waitFor("readiness after Neo4j answers", func() bool { return r.Ping(context.Background()) == nil })

	r.migrated.Store(false)
	if err := r.Ping(context.Background()); err == nil {
		t.Error("ready before migrations were applied")
	}
}
