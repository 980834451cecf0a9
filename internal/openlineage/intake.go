package openlineage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// With AckRecorded an event goes through two transactions. The request's
// records it (store.RecordLineage: a receipt with the event's text,
// grouped with the records of concurrent requests) and is acknowledged;
// the replica then applies it (store.IngestLineage), grouped with every
// event recorded meanwhile, so the batches applied grow with the load —
// a few hundred events a transaction — instead of with the number of
// producers waiting. The replica holds at most MaxBacklog events between
// the two; past that, requests wait before their events are recorded, so
// a backlog cannot grow without bound. Events a replica recorded and did
// not apply (it stopped, or the database was unavailable) stay pending in
// the store, and Run applies them on any replica once they are
// RecoverAfter old.

// intake tracks the events this replica recorded and has not applied.
type intake struct {
	slots chan struct{} // one per event held

	mu    sync.Mutex
	held  map[string]bool // by project and hash (heldKey)
	empty chan struct{}   // closed while nothing is held
}

func (in *intake) init(max int) {
	in.slots = make(chan struct{}, max)
	in.held = map[string]bool{}
	in.empty = make(chan struct{})
	close(in.empty)
}

// acquire takes a slot for an event, waiting while the backlog is full.
func (in *intake) acquire(ctx context.Context) error {
	select {
	case in.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: the OpenLineage backlog is full (EXPHUB_OPENLINEAGE_MAX_BACKLOG): %v", errs.Unavailable, ctx.Err())
	}
}

func heldKey(project, hash string) string { return project + "\x00" + hash }

// hold marks an event as held; false when it already is (the slot is
// given back then).
func (in *intake) hold(project, hash string) bool {
	key := heldKey(project, hash)
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.held[key] {
		<-in.slots
		return false
	}
	if len(in.held) == 0 {
		in.empty = make(chan struct{})
	}
	in.held[key] = true
	return true
}

// release gives back an event's slot.
func (in *intake) release(project, hash string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.held, heldKey(project, hash))
	<-in.slots
	if len(in.held) == 0 {
		close(in.empty)
	}
}

// heldHashes lists the events held.
func (in *intake) heldHashes() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]string, 0, len(in.held))
	for k := range in.held {
		_, hash, _ := strings.Cut(k, "\x00")
		out = append(out, hash)
	}
	return out
}

// Backlog is the number of events this replica recorded and has not
// applied yet.
func (s *Service) Backlog() int { return len(s.intake.slots) }

// recordAndQueue records ev (whose text is body) and, unless it is a
// duplicate, queues it to be applied.
func (s *Service) recordAndQueue(ctx context.Context, ev store.LineageEvent, body []byte) (bool, error) {
	if err := s.intake.acquire(ctx); err != nil {
		return false, err
	}
	packed, err := pack(body)
	if err != nil {
		<-s.intake.slots
		return false, err
	}
	r, err := s.record.do(ctx, store.LineageRecord{Hash: ev.Hash, ProjectKey: ev.ProjectKey, Actor: ev.Actor, Body: packed})
	if err != nil || r.Duplicate {
		<-s.intake.slots
		return r.Duplicate, err
	}
	if s.intake.hold(ev.ProjectKey, ev.Hash) { // else Recover queued it already
		go s.applyRecorded(ev)
	}
	return false, nil
}

// applyRecorded applies a recorded event. An event the store refuses for
// good (its project is gone) is marked failed; one that failed because
// the database was unavailable stays pending for Run.
func (s *Service) applyRecorded(ev store.LineageEvent) {
	defer s.intake.release(ev.ProjectKey, ev.Hash)
	_, err := s.apply.do(context.Background(), ev)
	if err == nil {
		s.stats.applied.Add(1) // a duplicate here was applied by another replica
		return
	}
	if isUnavailable(err) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		s.logger().Warn("openlineage: a recorded event was not applied; it stays pending", "hash", ev.Hash, "err", err)
		return
	}
	s.fail(ev.ProjectKey, ev.Hash, err)
}

func (s *Service) fail(project, hash string, cause error) {
	s.stats.failed.Add(1)
	s.logger().Warn("openlineage: a recorded event cannot be applied", "hash", hash, "err", cause)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.WriteTimeout)
	defer cancel()
	if err := s.store.FailLineage(ctx, project, hash, cause.Error()); err != nil {
		s.logger().Warn("openlineage: marking a recorded event failed", "hash", hash, "err", err)
	}
}

func (s *Service) logger() *slog.Logger {
	if s.cfg.Logger != nil {
		return s.cfg.Logger
	}
	return slog.Default()
}

// recoverPage is how many pending events Recover reads at a time.
const recoverPage = 500

// Recover queues the recorded events received more than RecoverAfter ago
// that no one applied, and returns how many it queued. Any replica may
// run it: applying is idempotent.
func (s *Service) Recover(ctx context.Context) (int, error) {
	queued := 0
	for {
		recs, err := s.store.PendingLineage(ctx, time.Now().Add(-s.cfg.RecoverAfter), s.intake.heldHashes(), recoverPage)
		if err != nil {
			return queued, err
		}
		for _, rec := range recs {
			if err := s.intake.acquire(ctx); err != nil {
				return queued, err
			}
			if !s.intake.hold(rec.ProjectKey, rec.Hash) {
				continue
			}
			ev, err := unpackRecord(rec)
			if err != nil {
				s.intake.release(rec.ProjectKey, rec.Hash)
				s.fail(rec.ProjectKey, rec.Hash, err)
				continue
			}
			queued++
			go s.applyRecorded(ev)
		}
		if len(recs) < recoverPage {
			return queued, nil
		}
	}
}

// Run applies, every RecoverAfter/2 until ctx ends, the recorded events
// that no replica applied (Recover).
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.RecoverAfter / 2)
	defer t.Stop()
	for {
		if n, err := s.Recover(ctx); err != nil && ctx.Err() == nil {
			s.logger().Warn("openlineage: recovering recorded events", "err", err)
		} else if n > 0 {
			s.logger().Info("openlineage: applying recorded events left pending", "events", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Drain waits until the events this replica recorded are applied, or ctx
// ends (what is left stays pending for Run on another replica).
func (s *Service) Drain(ctx context.Context) error {
	s.intake.mu.Lock()
	empty := s.intake.empty
	s.intake.mu.Unlock()
	select {
	case <-empty:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%d OpenLineage events recorded and not yet applied stay pending: %w", s.Backlog(), ctx.Err())
	}
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// pack compresses an event's text for its record.
func pack(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unpackRecord reads a record back into the event it recorded, mapped to
// the project and actor it was recorded for.
func unpackRecord(rec store.LineageRecord) (store.LineageEvent, error) {
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body))
	if err != nil {
		return store.LineageEvent{}, fmt.Errorf("recorded event: %w", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return store.LineageEvent{}, fmt.Errorf("recorded event: %w", err)
	}
	e, err := Parse(body)
	if err != nil {
		return store.LineageEvent{}, err
	}
	ev, err := e.Mapped(rec.ProjectKey, rec.Actor)
	if err != nil {
		return store.LineageEvent{}, err
	}
	if ev.Hash != rec.Hash {
		return store.LineageEvent{}, fmt.Errorf("recorded event: its text hashes to %s, not %s", ev.Hash, rec.Hash)
	}
	return ev, nil
}
