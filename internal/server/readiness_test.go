package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestReadinessNeverWaitsOnTheDatabase: /readyz answers from the monitor's
// latest probe. The store talks to the real Neo4j through a proxy that
// hangs: while it does, Ping returns "not ready" without waiting for it (a
// Ping that waited would block this test), and it turns ready again once a
// probe gets an answer.
func TestReadinessNeverWaitsOnTheDatabase(t *testing.T) {
	p := neo4jtest.NewProxy(t)
	p.Hang(true)
	r := &readiness{store: store.New(p.Driver(), ""), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r.migrated.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.monitor(ctx, time.Millisecond, 500*time.Millisecond) }()
	defer func() { cancel(); p.Hang(false); <-done }()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
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
	waitFor("a hanging probe ends", func() bool { return r.last.Load() != nil })
	if err := r.Ping(context.Background()); !errors.Is(err, errs.Unavailable) {
		t.Fatalf("Ping while Neo4j hangs: %v, want the probe's unavailable", err)
	}
	p.Hang(false)
	waitFor("readiness after Neo4j answers", func() bool { return r.Ping(context.Background()) == nil })

	r.migrated.Store(false)
	if err := r.Ping(context.Background()); err == nil {
		t.Error("ready before migrations were applied")
	}
}
