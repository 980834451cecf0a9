package openlineage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Store is what ingestion writes through; *store.Store provides it.
type Store interface {
	IngestLineage(ctx context.Context, events []store.LineageEvent, next store.LineageNext) ([]store.LineageResult, error)
}

// Config says which project an event lands in: Projects maps a namespace
// (the job's; a dataset event's dataset's) to a project key, and an
// unmapped namespace lands in DefaultProject, or is refused when that is
// empty.
type Config struct {
	Projects       map[string]string
	DefaultProject string
	// MaxBatch bounds the events written in one transaction
	// (DefaultMaxBatch when zero).
	MaxBatch int
	// WriteTimeout bounds one batch's write (DefaultWriteTimeout when
	// zero).
	WriteTimeout time.Duration
}

// Defaults of Config.
const (
	DefaultMaxBatch     = 200
	DefaultWriteTimeout = 30 * time.Second
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
	JobID     string `json:"jobId,omitempty"`
	RunID     string `json:"runId,omitempty"`
}

// Service ingests OpenLineage events for callers. Writes of concurrent
// callers are grouped: while one batch is being written the events that
// arrive queue, and the next transaction writes them all, so the event
// log's head is locked once per batch. It is safe for concurrent use and
// holds no goroutine while idle.
type Service struct {
	store Store
	cfg   Config

	mu     sync.Mutex
	queue  []*pending
	active bool
}

type pending struct {
	ev   store.LineageEvent
	res  store.LineageResult
	err  error
	done chan struct{}
}

// New returns a Service writing through st.
func New(st Store, cfg Config) *Service {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	return &Service{store: st, cfg: cfg}
}

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
	r, err := s.write(ctx, mapped)
	if err != nil {
		return Result{}, err
	}
	return Result{Duplicate: r.Duplicate, Project: project, JobID: r.JobID, RunID: r.RunID}, nil
}

// write queues ev and waits for the batch that writes it. The first
// writer to find no batch in flight writes one; when more events queued
// meanwhile, a goroutine writes them and ends when the queue is empty.
func (s *Service) write(ctx context.Context, ev store.LineageEvent) (store.LineageResult, error) {
	pd := &pending{ev: ev, done: make(chan struct{})}
	s.mu.Lock()
	s.queue = append(s.queue, pd)
	lead := !s.active
	s.active = true
	s.mu.Unlock()
	if lead {
		s.drain(true)
	}
	select {
	case <-pd.done:
		return pd.res, pd.err
	case <-ctx.Done():
		// The write goes on: a retried event is a duplicate, so the
		// client's retry changes nothing.
		return store.LineageResult{}, ctx.Err()
	}
}

// drain writes queued batches. Called by a request (once: it returns
// after its own batch and hands on) or by the goroutine it hands on to
// (until the queue is empty).
func (s *Service) drain(once bool) {
	for {
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.active = false
			s.mu.Unlock()
			return
		}
		n := min(len(s.queue), s.cfg.MaxBatch)
		batch := s.queue[:n:n]
		s.queue = s.queue[n:]
		s.mu.Unlock()
		s.writeBatch(batch)
		if once {
			s.mu.Lock()
			if len(s.queue) == 0 {
				s.active = false
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
			go s.drain(false)
			return
		}
	}
}

// writeBatch writes a batch in one transaction; when that fails, each
// event is written alone so one bad event fails only its own request.
func (s *Service) writeBatch(batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.WriteTimeout)
	defer cancel()
	events := make([]store.LineageEvent, len(batch))
	for i, pd := range batch {
		events[i] = pd.ev
	}
	res, err := s.store.IngestLineage(ctx, events, Next)
	if err != nil && len(batch) > 1 && !isUnavailable(err) {
		for _, pd := range batch {
			s.writeBatch([]*pending{pd})
		}
		return
	}
	for i, pd := range batch {
		if err != nil {
			pd.err = err
		} else {
			pd.res, pd.err = res[i], res[i].Err
		}
		close(pd.done)
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
