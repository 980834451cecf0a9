package openlineage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Store is what ingestion writes through; *store.Store provides it.
type Store interface {
	IngestLineage(ctx context.Context, events []store.LineageEvent, next store.LineageNext) ([]store.LineageResult, error)
	RecordLineage(ctx context.Context, recs []store.LineageRecord) ([]store.LineageReceipt, error)
	PendingLineage(ctx context.Context, before time.Time, skip []string, limit int) ([]store.LineageRecord, error)
	FailLineage(ctx context.Context, project, hash, reason string) error
}

// Ack says when an event is acknowledged.
type Ack string

const (
	// AckRecorded acknowledges an event once it is recorded durably; the
	// graph shows it a moment later, when a batch applies it. Producers
	// wait less, and batches grow with the load instead of with the
	// producers' concurrency.
	AckRecorded Ack = "recorded"
	// AckApplied acknowledges an event once the graph shows it (a
	// read-your-writes producer: a script that posts and then queries).
	AckApplied Ack = "applied"
)

// ParseAck reads an Ack.
func ParseAck(s string) (Ack, error) {
	switch a := Ack(strings.ToLower(strings.TrimSpace(s))); a {
	case AckRecorded, AckApplied:
		return a, nil
	}
	return "", fmt.Errorf("%s: want recorded or applied", errs.Quote(s))
}

// Config says which project an event lands in: Projects maps a namespace
// (the job's; a dataset event's dataset's) to a project key, and an
// unmapped namespace lands in DefaultProject, or is refused when that is
// empty.
type Config struct {
	Projects       map[string]string
	DefaultProject string
	// Ack is when an event is acknowledged (AckApplied when empty).
	Ack Ack
	// MaxBatch bounds the events written in one transaction
	// (DefaultMaxBatch when zero).
	MaxBatch int
	// WriteTimeout bounds one batch's write (DefaultWriteTimeout when
	// zero).
	WriteTimeout time.Duration
	// MaxBacklog bounds the events recorded and not yet applied that a
	// replica holds (DefaultMaxBacklog when zero): past it, producers
	// wait before their events are recorded.
	MaxBacklog int
	// Logger takes what goes wrong after an event was acknowledged
	// (slog.Default when nil).
	Logger *slog.Logger
	// RecoverAfter is how long a recorded event may stay unapplied before
	// any replica's Run applies it (DefaultRecoverAfter when zero).
	RecoverAfter time.Duration
}

// Defaults of Config. A batch of 512 applied events costs Neo4j 30 %
// less per event than one of 128 (the statements' work per batch does not
// grow with it); recording never gathers that many, as producers wait for
// their answer.
const (
	DefaultMaxBatch     = 512
	DefaultWriteTimeout = 30 * time.Second
	DefaultMaxBacklog   = 2000
	DefaultRecoverAfter = time.Minute
)

// ParseProjects reads a namespace→project map written as
// "namespace=project,namespace=project"; the error names the entry.
func ParseProjects(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		ns, project, ok := strings.Cut(entry, "=")
		ns, project = strings.TrimSpace(ns), strings.TrimSpace(project)
		if !ok || ns == "" {
			return nil, fmt.Errorf("entry %s: want namespace=project", errs.Quote(entry))
		}
		if err := store.CheckProjectKey("project", project); err != nil {
			return nil, fmt.Errorf("entry %s: %w", errs.Quote(entry), err)
		}
		if _, dup := out[ns]; dup {
			return nil, fmt.Errorf("entry %s: namespace mapped twice", errs.Quote(entry))
		}
		out[ns] = project
	}
	return out, nil
}

// Result is what one accepted event did.
type Result struct {
	// Duplicate is true when the same event was written before: nothing
	// changed.
	Duplicate bool   `json:"duplicate"`
	Project   string `json:"project"`
	// Status is "applied" (the graph shows the event) or "recorded" (it
	// will, once a batch applies it).
	Status string `json:"status"`
	// JobID and RunID are the hub's IDs of the event's job and run, when
	// it was applied.
	JobID string `json:"jobId,omitempty"`
	RunID string `json:"runId,omitempty"`
}

// Service ingests OpenLineage events for callers. Writes of concurrent
// callers are grouped: while one batch is being written the events that
// arrive queue, and the next transaction writes them all, so the event
// log's head is locked once per batch. With AckRecorded a request waits
// only for its event's record, and the events recorded are applied in
// batches of their own (see intake.go). It is safe for concurrent use.
type Service struct {
	store Store
	cfg   Config

	// apply writes events to the graph; record writes the intake's
	// records of them.
	apply  *groupCommit[store.LineageEvent, store.LineageResult]
	record *groupCommit[store.LineageRecord, store.LineageReceipt]
	intake intake
	stats  stats
}

// stats count what became of the events accepted.
type stats struct{ recorded, duplicates, applied, failed atomic.Uint64 }

// Stats are the counts of events since the service started: Recorded
// (acknowledged before being applied), Duplicates (acknowledged as sent
// before), Applied (written to the graph, whichever the acknowledgement)
// and Failed (recorded, then found impossible to apply).
type Stats struct{ Recorded, Duplicates, Applied, Failed uint64 }

// Stats returns the service's counts.
func (s *Service) Stats() Stats {
	return Stats{Recorded: s.stats.recorded.Load(), Duplicates: s.stats.duplicates.Load(),
		Applied: s.stats.applied.Load(), Failed: s.stats.failed.Load()}
}

// New returns a Service writing through st.
func New(st Store, cfg Config) *Service {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.Ack == "" {
		cfg.Ack = AckApplied
	}
	if cfg.MaxBacklog <= 0 {
		cfg.MaxBacklog = DefaultMaxBacklog
	}
	if cfg.RecoverAfter <= 0 {
		cfg.RecoverAfter = DefaultRecoverAfter
	}
	s := &Service{store: st, cfg: cfg}
	s.apply = &groupCommit[store.LineageEvent, store.LineageResult]{max: cfg.MaxBatch, timeout: cfg.WriteTimeout,
		write: func(ctx context.Context, evs []store.LineageEvent) ([]store.LineageResult, error) {
			return st.IngestLineage(ctx, evs, Next)
		},
		itemErr: func(r store.LineageResult) error { return r.Err }}
	s.record = &groupCommit[store.LineageRecord, store.LineageReceipt]{max: cfg.MaxBatch, timeout: cfg.WriteTimeout,
		write:   st.RecordLineage,
		itemErr: func(r store.LineageReceipt) error { return r.Err }}
	s.intake.init(cfg.MaxBacklog)
	return s
}

// Ack is when the service acknowledges an event.
func (s *Service) Ack() Ack { return s.cfg.Ack }

// ProjectOf returns the project an event of namespace lands in.
func (s *Service) ProjectOf(namespace string) (string, error) {
	if p, ok := s.cfg.Projects[namespace]; ok {
		return p, nil
	}
	if s.cfg.DefaultProject != "" {
		return s.cfg.DefaultProject, nil
	}
	return "", errs.Invalidf("job.namespace: %s is mapped to no project and there is no default project (EXPHUB_OPENLINEAGE_PROJECTS, EXPHUB_OPENLINEAGE_DEFAULT_PROJECT)",
		errs.Quote(namespace))
}

// Ingest checks one event (the request body) against the spec, finds its
// project, checks that the caller contributes to it and writes it. A
// rejected event writes nothing.
func (s *Service) Ingest(ctx context.Context, p *auth.Principal, body []byte) (Result, error) {
	if p == nil {
		return Result{}, errs.Unauthenticated
	}
	e, err := Parse(body)
	if err != nil {
		return Result{}, err
	}
	ns := ""
	switch {
	case e.Job != nil:
		ns = e.Job.Namespace
	case e.Dataset != nil:
		ns = e.Dataset.Namespace
	}
	project, err := s.ProjectOf(ns)
	if err != nil {
		return Result{}, err
	}
	if err := access.Require(p, project, auth.RoleContributor); err != nil {
		return Result{}, err
	}
	mapped, err := e.Mapped(project, p.Subject)
	if err != nil {
		return Result{}, err
	}
	if s.cfg.Ack == AckRecorded {
		dup, err := s.recordAndQueue(ctx, mapped, body)
		if err != nil {
			return Result{}, err
		}
		if dup {
			s.stats.duplicates.Add(1)
		} else {
			s.stats.recorded.Add(1)
		}
		return Result{Duplicate: dup, Project: project, Status: string(AckRecorded)}, nil
	}
	r, err := s.apply.do(ctx, mapped)
	if err != nil {
		return Result{}, err
	}
	if r.Duplicate {
		s.stats.duplicates.Add(1)
	} else {
		s.stats.applied.Add(1)
	}
	return Result{Duplicate: r.Duplicate, Project: project, Status: string(AckApplied), JobID: r.JobID, RunID: r.RunID}, nil
}

// groupCommit writes items of concurrent callers in batches: the first
// caller to find no batch in flight writes one; when more items queued
// meanwhile, a goroutine writes them and ends when the queue is empty, so
// it holds no goroutine while idle. When a batch fails (but not because
// the database is unavailable), each item is written alone, so one bad
// item fails only its own caller.
type groupCommit[T, R any] struct {
	max     int
	timeout time.Duration
	write   func(context.Context, []T) ([]R, error)
	itemErr func(R) error

	mu     sync.Mutex
	queue  []*call[T, R]
	active bool
}

type call[T, R any] struct {
	in   T
	out  R
	err  error
	done chan struct{}
}

// do queues in and waits for the batch that writes it. When ctx ends
// first the write goes on: a retried event is a duplicate, so the
// client's retry changes nothing.
func (g *groupCommit[T, R]) do(ctx context.Context, in T) (R, error) {
	c := &call[T, R]{in: in, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	lead := !g.active
	g.active = true
	g.mu.Unlock()
	if lead {
		g.drain(true)
	}
	select {
	case <-c.done:
		return c.out, c.err
	case <-ctx.Done():
		var zero R
		return zero, ctx.Err()
	}
}

// drain writes queued batches. Called by a caller (once: it returns
// after its own batch and hands on) or by the goroutine it hands on to
// (until the queue is empty).
func (g *groupCommit[T, R]) drain(once bool) {
	for {
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.active = false
			g.mu.Unlock()
			return
		}
		n := min(len(g.queue), g.max)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		g.writeBatch(batch)
		if once {
			g.mu.Lock()
			if len(g.queue) == 0 {
				g.active = false
				g.mu.Unlock()
				return
			}
			g.mu.Unlock()
			go g.drain(false)
			return
		}
	}
}

func (g *groupCommit[T, R]) writeBatch(batch []*call[T, R]) {
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	in := make([]T, len(batch))
	for i, c := range batch {
		in[i] = c.in
	}
	out, err := g.write(ctx, in)
	if err != nil && len(batch) > 1 && !isUnavailable(err) {
		for _, c := range batch {
			g.writeBatch([]*call[T, R]{c})
		}
		return
	}
	for i, c := range batch {
		if err != nil {
			c.err = err
		} else {
			c.out, c.err = out[i], g.itemErr(out[i])
		}
		close(c.done)
	}
}

func isUnavailable(err error) bool { return errors.Is(err, errs.Unavailable) }

// MappedProjects lists the configured namespace→project map, sorted, for
// logs and docs.
func (s *Service) MappedProjects() []string {
	out := make([]string, 0, len(s.cfg.Projects))
	for ns, p := range s.cfg.Projects {
		out = append(out, ns+"="+p)
	}
	sort.Strings(out)
	return out
}
