// Package checkpoint makes the event log a compliance anchor: at intervals
// it signs the log's head with the operator's Ed25519 key (a
// hashchain.Checkpoint, stored beside the log), and it checks that the
// stored log still extends every checkpoint, so a truncated, rolled back
// or rewritten log is reported loudly rather than served quietly.
//
// It owns when to sign and what a mismatch means; the statement and its
// signature are hashchain's, the Cypher the store's. It must not serve
// anything: the wiring runs it, and /readyz does not depend on it (a
// mismatch is a matter for the operator, not a reason to stop serving).
package checkpoint

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/store"
)

// DefaultInterval is how often the head is signed when it moved.
const DefaultInterval = 5 * time.Minute

// Store is what the checkpointer reads and writes.
type Store interface {
	NextCheckpoint(ctx context.Context) (next hashchain.Checkpoint, latest *hashchain.Checkpoint, moved bool, err error)
	AddCheckpoint(ctx context.Context, c hashchain.Checkpoint) (bool, error)
	CheckCheckpoints(ctx context.Context) (*store.CheckpointCheck, error)
}

// Observer is told of checkpoints written and of each check's outcome.
type Observer interface {
	// CheckpointSigned reports a checkpoint this replica stored.
	CheckpointSigned(seq int64)
	// CheckpointsChecked reports a check: how many checkpoints the log no
	// longer extends (0 when all hold).
	CheckpointsChecked(mismatches int)
}

// Options configure a Service.
type Options struct {
	// Key signs checkpoints; nil makes none (Check still runs).
	Key ed25519.PrivateKey
	// Interval between rounds; DefaultInterval when zero.
	Interval time.Duration
	Logger   *slog.Logger
	Observer Observer
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service signs and checks checkpoints. It is safe for concurrent use.
type Service struct {
	st  Store
	o   Options
	mu  sync.Mutex
	top *hashchain.Checkpoint // the latest checkpoint this process saw
}

// New returns a service over st.
func New(st Store, o Options) *Service {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{st: st, o: o}
}

// Signing reports whether the service signs checkpoints (it has a key).
func (s *Service) Signing() bool { return s.o.Key != nil }

// Sign makes one checkpoint round: when the log's head moved since the
// latest checkpoint, and that one is older than half an interval (so N
// replicas ticking at the same interval sign about once per interval,
// not N times), it signs the head and stores it. It returns the stored
// checkpoint, or nil when there was nothing to do or another replica
// stored one first. Any replica may call it at any time: the store keeps
// one checkpoint per seq, in seq order.
func (s *Service) Sign(ctx context.Context) (*hashchain.Checkpoint, error) {
	if s.o.Key == nil {
		return nil, nil
	}
	next, latest, moved, err := s.st.NextCheckpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	now := s.o.Now().UTC()
	if !moved {
		return nil, nil
	}
	if latest != nil {
		// A checkpoint from a replica whose clock runs ahead does not
		// hold the others back: they sign, and the store orders them.
		if at, err := time.Parse(time.RFC3339Nano, latest.At); err == nil && now.Sub(at) >= 0 && now.Sub(at) < s.o.Interval/2 {
			return nil, nil
		}
	}
	next.At = hashchain.FormatTime(now)
	signed := hashchain.Sign(next, s.o.Key)
	ok, err := s.st.AddCheckpoint(ctx, signed)
	if err != nil || !ok {
		return nil, err
	}
	// The log line is a copy of the checkpoint outside the database: a
	// log shipper keeps what a restore or a tamperer would remove.
	// Its "checkpoint" field is the checkpoint's JSON, as hubctl audit
	// verify --checkpoint reads it.
	s.o.Logger.Info("event log checkpoint signed", "checkpoint", signed)
	if s.o.Observer != nil {
		s.o.Observer.CheckpointSigned(signed.Seq)
	}
	return &signed, nil
}

// Result is the outcome of Check.
type Result struct {
	*store.CheckpointCheck
	// WentBack is set when the latest stored checkpoint is older than one
	// this process saw before: checkpoints were removed, or the database
	// was restored to an older point while the process ran.
	WentBack *hashchain.Checkpoint
}

// OK reports whether every checkpoint holds.
func (r *Result) OK() bool { return len(r.Mismatches) == 0 && r.WentBack == nil }

// Problems returns a sentence per problem.
func (r *Result) Problems() []string {
	var out []string
	if c := r.WentBack; c != nil {
		latest := "none"
		if r.Latest != nil {
			latest = fmt.Sprintf("seq %d", r.Latest.Seq)
		}
		out = append(out, fmt.Sprintf("the latest checkpoint went back from seq %d (signed %s) to %s: checkpoints were removed or the database was restored to an older point", c.Seq, c.At, latest))
	}
	for _, m := range r.Mismatches {
		out = append(out, m.Reason())
	}
	return out
}

// Check compares the stored checkpoints with the log and logs each
// problem as an error: a checkpoint whose seq the log no longer holds
// (truncated, or restored to an older point), one whose event has another
// hash (rolled back and written again, or rewritten), or a latest
// checkpoint older than one this process saw.
func (s *Service) Check(ctx context.Context) (*Result, error) {
	c, err := s.st.CheckCheckpoints(ctx)
	if err != nil {
		return nil, fmt.Errorf("checkpoint check: %w", err)
	}
	r := &Result{CheckpointCheck: c}
	s.mu.Lock()
	if s.top != nil && (c.Latest == nil || c.Latest.Seq < s.top.Seq) {
		r.WentBack = s.top
	} else if c.Latest != nil {
		s.top = c.Latest
	}
	s.mu.Unlock()
	for _, p := range r.Problems() {
		s.o.Logger.Error("event log does not match its signed checkpoints", "problem", p)
	}
	if s.o.Observer != nil {
		n := len(r.Mismatches)
		if r.WentBack != nil {
			n++
		}
		s.o.Observer.CheckpointsChecked(n)
	}
	return r, nil
}

// Run checks at once, then every interval signs (when it has a key) and
// checks, until ctx ends. Failures are logged and retried next round.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	for {
		if _, err := s.Sign(ctx); err != nil && ctx.Err() == nil {
			s.o.Logger.Warn("event log checkpoint not signed", "err", err)
		}
		if _, err := s.Check(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
			s.o.Logger.Warn("event log checkpoints not checked", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
