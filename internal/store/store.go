// Package store is exphub's Neo4j persistence: with its bench-only
// subpackage storegen, the only code that holds Cypher. It owns the graph
// model (projects, experiments, runs, metric series, datasets and their
// versions, models and their versions, the lineage edges, governance
// records and the hash-chained event log), the schema migrations, typed
// units of work, decoding, and the mapping of driver failures to the kinds
// of internal/errs.
//
// It holds facts, not rules: what a domain decides (who may approve, which
// checks a promotion needs, how a result parses) is the domain's, passed in
// where it must hold under a lock (an allow function, store.WithRules). It
// must not import a domain or edge package.
//
// Every Cypher string is constant text with $parameters. Reads run in read
// transactions and writes in write transactions, through the driver's
// retrying transaction functions, so each transaction function is free of
// side effects other than its queries.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/exphub/exphub/internal/errs"
)

// ErrNoPath means two nodes are not connected by lineage: lineagePath
// answers null, not an error. The kinds of failure are internal/errs's.
var ErrNoPath = errors.New("no lineage path")

// Store reads and writes the exphub graph. It is safe for concurrent use.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	now      func() time.Time
	onAppend atomic.Pointer[func()]
	// breakerOpenFor is how long the breaker stays open.
	breakerOpenFor time.Duration
	// breaker fails operations at once while Neo4j is known to be
	// unreachable, instead of letting each wait out the driver's connect
	// timeouts and retries; one operation at a time probes for its return.
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]
	// rules are the governance rules applied inside transactions.
	rules Rules
	// evidenceWindow bounds an evidence pack's chain (MaxEvidenceChain).
	evidenceWindow int64
	// outage is cancelled when the breaker opens: the transactions in
	// flight then stop waiting on the driver's retries too.
	outage atomic.Pointer[outage]
	// tracer makes a span of each transaction and statement (a no-op
	// unless WithTracerProvider).
	tracer trace.Tracer
	// stats counts transactions and appended events (Stats).
	stats storeStats
	// txTimeout bounds a request's transaction in Neo4j; retryTime is the
	// driver's retry time (see begin).
	txTimeout, retryTime time.Duration
	// planCheck, when set, is told of the scans in each statement's plan
	// (WithPlanCheck).
	planCheck func(cypher string, scans []Scan)
}

// outage is the context the transactions of one period of availability
// share.
type outage struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

func newOutage() *outage {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &outage{ctx, cancel}
}

// OnAppend registers f to be called after every committed transaction
// that appended to the event log, so a follower of the log can read it at
// once instead of at its next poll. f must not block.
func (s *Store) OnAppend(f func()) { s.onAppend.Store(&f) }

// Option configures a Store.
type Option func(*Store)

// WithClock replaces the wall clock, for tests.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// New returns a Store over driver, using the named database ("" means the
// server's default database).
func New(driver neo4j.DriverWithContext, database string, opts ...Option) *Store {
	s := &Store{driver: driver, database: database, now: time.Now, breakerOpenFor: time.Second, evidenceWindow: MaxEvidenceChain,
		tracer: noop.NewTracerProvider().Tracer(""), txTimeout: DefaultTxTimeout, retryTime: DefaultRetryTime}
	for _, o := range opts {
		o(s)
	}
	s.breaker = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        "neo4j",
		MaxRequests: 1,
		Timeout:     s.breakerOpenFor,
		// The driver has already retried a transaction for its
		// MaxTransactionRetryTime when it reports Neo4j unreachable: one
		// such failure is enough to stop sending more.
		ReadyToTrip:  func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
		IsSuccessful: func(err error) bool { return !errors.Is(err, errUnreachable) },
		// A caller that gave up says nothing about the database.
		IsExcluded: func(err error) bool {
			return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
		},
		OnStateChange: func(_ string, _, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				s.outage.Swap(newOutage()).cancel(errUnreachable)
			}
		},
	})
	s.outage.Store(newOutage())
	return s
}

// WithBreakerOpenFor sets how long operations fail at once after Neo4j was
// found unreachable, before one operation probes it again (default 1 s).
func WithBreakerOpenFor(d time.Duration) Option { return func(s *Store) { s.breakerOpenFor = d } }

// WithTxTimeout bounds a request's transaction: Neo4j ends it after d
// (DefaultTxTimeout), and the store gives it up as unanswered (UNAVAILABLE,
// counted by the breaker as Neo4j unreachable) when no answer came within
// d plus retryTime (the driver's MaxTransactionRetryTime) plus a grace of
// 5 s: a stalled network then fails requests instead of holding them.
func WithTxTimeout(d, retryTime time.Duration) Option {
	return func(s *Store) { s.txTimeout, s.retryTime = d, retryTime }
}

// WithTracerProvider traces each transaction (span "neo4j read" or "neo4j
// write", with its attempts) and each statement in it (the statement's
// first line, never its parameters).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(s *Store) {
		if tp != nil {
			s.tracer = tp.Tracer("github.com/exphub/exphub/internal/store")
		}
	}
}

// Ping reports whether Neo4j answers a query.
func (s *Store) Ping(ctx context.Context) error {
	_, err := read(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.single("RETURN 1 AS one", nil)
		return struct{}{}, err
	})
	return err
}

// Probe is Ping for a monitor that calls it with a deadline of its own:
// when Neo4j does not answer within it, the store treats Neo4j as
// unreachable and fails operations at once until a probe or an operation
// gets through again.
func (s *Store) Probe(ctx context.Context) error {
	err := s.Ping(ctx)
	if err != nil && !errors.Is(err, errs.Unavailable) && ctx.Err() != nil {
		// The probe's own deadline passed: that is an unanswered database,
		// unlike a request whose caller went away.
		if done, aerr := s.breaker.Allow(); aerr == nil {
			done(errUnreachable)
		}
		return fmt.Errorf("%w: no answer within the probe's deadline", errs.Unavailable)
	}
	return err
}

// Reachable reports whether the store currently sends operations to Neo4j
// (false while it fails them at once after an outage).
func (s *Store) Reachable() bool { return s.breaker.State() == gobreaker.StateClosed }

// QueryCounter counts the Cypher statements a context's operations send,
// the transactions they open, and how many of those were open at once.
// It is safe for concurrent use.
type QueryCounter struct {
	n, txs, open, peak atomic.Int64
}

// Count returns the number of statements sent so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// Transactions returns the number of transactions handed to the driver so
// far (an operation refused while Neo4j is unreachable opens none).
func (c *QueryCounter) Transactions() int64 { return c.txs.Load() }

// Peak returns the largest number of transactions that were open at once.
func (c *QueryCounter) Peak() int64 { return c.peak.Load() }

func (c *QueryCounter) begin() {
	c.txs.Add(1)
	n := c.open.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (c *QueryCounter) end() { c.open.Add(-1) }

// LimitConcurrency returns a context whose store operations keep at most n
// transactions open at once, the others waiting for a turn: one GraphQL
// operation of a thousand root fields then holds n connections of the
// pool, not a thousand.
func LimitConcurrency(ctx context.Context, n int) context.Context {
	if n < 1 {
		return ctx
	}
	return context.WithValue(ctx, slotsKey{}, make(chan struct{}, n))
}

type slotsKey struct{}

// heldKey marks a context whose operation already holds a slot, so an
// operation started from within another waits for none.
type heldKey struct{}

type counterKey struct{}

// CountQueries returns a context whose store operations are counted by the
// returned counter: one count per statement sent to Neo4j, retries included.
func CountQueries(ctx context.Context) (context.Context, *QueryCounter) {
	c := &QueryCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// txn wraps a managed transaction so every statement is counted and every
// result is decoded through checked helpers.
type txn struct {
	ctx context.Context
	tx  neo4j.ManagedTransaction
	// appended is set when the transaction appended events.
	appended bool
	// tracer, when the transaction's span records, makes a span of each
	// statement.
	tracer trace.Tracer
	// kinds are the kinds of the events the transaction appended.
	kinds []EventKind
	// store is the store that opened the transaction: its stats time
	// each statement by query name.
	store *Store
}

func (t *txn) run(cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if c, ok := t.ctx.Value(counterKey{}).(*QueryCounter); ok {
		c.n.Add(1)
	}
	ctx := t.ctx
	name, start := queryName(), time.Now()
	defer func() { t.store.stats.statement(name, time.Since(start)) }()
	if t.tracer != nil {
		var span trace.Span
		ctx, span = t.tracer.Start(ctx, "neo4j statement", trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system.name", "neo4j"), attribute.String("db.query.summary", querySummary(cypher))))
		defer span.End()
		recs, err := t.collect(ctx, cypher, params)
		if err != nil {
			span.SetStatus(codes.Error, "statement failed")
			span.RecordError(err)
		} else {
			span.SetAttributes(attribute.Int("db.response.returned_rows", len(recs)))
		}
		return recs, err
	}
	return t.collect(ctx, cypher, params)
}

func (t *txn) collect(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := t.tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err == nil && t.store.planCheck != nil {
		t.store.checkPlan(ctx, cypher, params)
	}
	return recs, err
}

// querySummary is a statement's first line that says something (not a
// comment), at most 120 bytes: enough to tell statements apart in a
// trace, and never a parameter's value (statements carry those as
// parameters).
func querySummary(cypher string) string {
	for line := range strings.Lines(cypher) {
		if line = strings.Join(strings.Fields(line), " "); line != "" && !strings.HasPrefix(line, "//") {
			if len(line) > 120 {
				line = line[:120]
			}
			return line
		}
	}
	return ""
}

// traced starts the span of a transaction; the statements' spans are
// made only while it records.
func (s *Store) traced(ctx context.Context, name string) (context.Context, trace.Span, trace.Tracer) {
	ctx, span := s.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", "neo4j"), attribute.String("db.namespace", s.database)))
	if !span.IsRecording() {
		return ctx, span, nil
	}
	return ctx, span, s.tracer
}

// endSpan ends a transaction's span with its outcome and attempts.
func endSpan(span trace.Span, attempts int, err error) {
	if span.IsRecording() {
		span.SetAttributes(attribute.Int("exphub.neo4j.attempts", attempts))
		if err != nil {
			span.SetStatus(codes.Error, "transaction failed")
			span.RecordError(err)
		}
	}
	span.End()
}

// single runs a statement that returns at most one record; it returns
// (nil, nil) when there is none — internal only, callers map that to
// errs.NotFound.
func (t *txn) single(cypher string, params map[string]any) (*neo4j.Record, error) {
	recs, err := t.run(cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

// DefaultTxTimeout bounds a request's transaction in Neo4j (WithTxTimeout).
const DefaultTxTimeout = 30 * time.Second

// DefaultRetryTime is how long the driver retries a transaction after
// transient errors (its MaxTransactionRetryTime, as cmd/server sets it).
const DefaultRetryTime = 10 * time.Second

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: mode})
}

// answerGrace is how long past a transaction's timeout the store waits
// for Neo4j's answer: Neo4j ends the transaction at its timeout, so no
// answer by then means Neo4j, or the network to it, has stalled.
const answerGrace = 5 * time.Second

// errNoAnswer ends a transaction whose answer did not come in time.
var errNoAnswer = errors.New("neo4j did not answer")

// begin admits one transaction of ctx's operation: it fails at once while
// Neo4j is known to be unreachable, and waits for a slot when the
// operation's concurrency is limited. The transaction, retries included,
// may take timeout plus the driver's retry time plus answerGrace before it
// is given up as unanswered, which the breaker counts as unreachable. end
// reports the outcome.
func (s *Store) begin(ctx context.Context, timeout time.Duration) (context.Context, func(error), error) {
	done, err := s.breaker.Allow()
	if err != nil {
		return ctx, nil, fmt.Errorf("%w: Neo4j was unreachable moments ago (%v)", errs.Unavailable, err)
	}
	release := func() {}
	if slots, ok := ctx.Value(slotsKey{}).(chan struct{}); ok && ctx.Value(heldKey{}) == nil {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			done(ctx.Err())
			return ctx, nil, ctx.Err()
		}
		ctx = context.WithValue(ctx, heldKey{}, true)
		release = func() { <-slots }
	}
	c, _ := ctx.Value(counterKey{}).(*QueryCounter)
	if c != nil {
		c.begin()
	}
	// When another operation finds Neo4j gone, this one stops too.
	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.outage.Load().ctx, func() { cancel(errUnreachable) })
	ctx, cancelWait := context.WithTimeoutCause(ctx, timeout+s.retryTime+answerGrace, errNoAnswer)
	s.stats.inFlight.Add(1)
	return ctx, func(err error) {
		s.stats.inFlight.Add(-1)
		stalled := errors.Is(context.Cause(ctx), errNoAnswer)
		cancelWait()
		stop()
		cancel(nil)
		if c != nil {
			c.end()
		}
		release()
		if unreachable(err) || stalled {
			err = errUnreachable
		}
		done(err)
	}, nil
}

// outageErr returns err, or errs.Unavailable when the transaction was
// stopped because Neo4j was found unreachable meanwhile.
func outageErr(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(context.Cause(ctx), errUnreachable):
		return fmt.Errorf("%w: Neo4j became unreachable", errs.Unavailable)
	case errors.Is(context.Cause(ctx), errNoAnswer):
		return fmt.Errorf("%w: Neo4j did not answer in time", errs.Unavailable)
	}
	return err
}

// errUnreachable is what the breaker counts as a failure: Neo4j could not
// be reached over the network. Other unavailability — the pool's
// connections all busy, a transaction that timed out, a refused login —
// says nothing about whether Neo4j is there, and must not make every other
// request fail: one caller exhausting the pool would otherwise fail all.
var errUnreachable = errors.New("neo4j unreachable")

// unreachable reports whether a driver error comes from the network: a
// dial, read or write that failed, found through the driver's wrappers
// (which do not implement Unwrap).
func unreachable(err error) bool {
	for err != nil {
		// Not net.Error: context.DeadlineExceeded implements it too.
		var op *net.OpError
		var dns *net.DNSError
		if errors.As(err, &op) || errors.As(err, &dns) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return true
		}
		switch e := err.(type) {
		case *neo4j.ConnectivityError:
			err = e.Inner
		case *neo4j.TransactionExecutionLimit:
			return slices.ContainsFunc(e.Errors, unreachable)
		case interface{ Unwrap() error }:
			err = e.Unwrap()
		default:
			return false
		}
	}
	return false
}

func read[T any](ctx context.Context, s *Store, work func(tx *txn) (T, error)) (T, error) {
	ctx, end, err := s.begin(ctx, s.txTimeout)
	if err != nil {
		var zero T
		return zero, err
	}
	ctx, span, tracer := s.traced(ctx, "neo4j read")
	attempts, start := 0, time.Now()
	sess, chained := s.chainSession(ctx, neo4j.AccessModeRead)
	v, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (T, error) {
		attempts++
		return work(&txn{ctx: ctx, tx: tx, tracer: tracer, store: s})
	}, neo4j.WithTxTimeout(s.txTimeout))
	chained(err == nil)
	sess.Close(context.WithoutCancel(ctx))
	err = outageErr(ctx, err)
	end(err)
	err = classify(err)
	endSpan(span, attempts, err)
	s.stats.observe(false, time.Since(start), attempts, err)
	return v, err
}

func write[T any](ctx context.Context, s *Store, work func(tx *txn) (T, error)) (T, error) {
	return writeWithin(ctx, s, s.txTimeout, work)
}

// writeWithin is write with a transaction timeout of its own: write's
// bounds the short transactions of requests, and a batch of a generator
// or a walk over the whole log needs one sized to its work.
func writeWithin[T any](ctx context.Context, s *Store, timeout time.Duration, work func(tx *txn) (T, error)) (T, error) {
	ctx, end, err := s.begin(ctx, timeout)
	if err != nil {
		var zero T
		return zero, err
	}
	ctx, span, tracer := s.traced(ctx, "neo4j write")
	attempts, start := 0, time.Now()
	sess, chained := s.chainSession(ctx, neo4j.AccessModeWrite)
	appended := false
	var kinds []EventKind
	v, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (T, error) {
		attempts++
		t := &txn{ctx: ctx, tx: tx, tracer: tracer, store: s}
		v, err := work(t)
		appended, kinds = t.appended, t.kinds // the last attempt is the one that committed
		return v, err
	}, neo4j.WithTxTimeout(timeout))
	chained(err == nil)
	sess.Close(context.WithoutCancel(ctx))
	err = outageErr(ctx, err)
	end(err)
	err = classify(err)
	endSpan(span, attempts, err)
	s.stats.observe(true, time.Since(start), attempts, err)
	if err == nil {
		s.stats.committed(kinds)
	}
	if err == nil && appended {
		if f := s.onAppend.Load(); f != nil {
			(*f)()
		}
	}
	return v, err
}

// classify maps driver errors onto the sentinels, keeping the cause for
// logs. Errors the store produced itself pass through unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	for _, s := range []error{errs.NotFound, errs.Conflict, errs.Invalid, ErrNoPath, errs.Unavailable} {
		if errors.Is(err, s) {
			return err
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) {
		switch {
		case nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			// A concurrent writer won a uniqueness race. The driver's text
			// names labels and node numbers: keep it as the cause only.
			return &hiddenCause{msg: errs.Conflict.Error() + ": already exists", sentinel: errs.Conflict, cause: err}
		case strings.HasPrefix(nerr.Code, "Neo.ClientError.Transaction.InvalidBookmark"):
			// A causal chain carried a bookmark Neo4j never gave.
			return &hiddenCause{msg: errs.Invalid.Error() + ": a bookmark the request carries is not one Neo4j gave", sentinel: errs.Invalid, cause: err}
		case strings.HasPrefix(nerr.Code, "Neo.ClientError.Security."),
			strings.HasPrefix(nerr.Code, "Neo.TransientError.General.DatabaseUnavailable"),
			strings.HasPrefix(nerr.Code, "Neo.ClientError.Database.DatabaseNotFound"):
			return fmt.Errorf("%w: %v", errs.Unavailable, err)
		}
		return err
	}
	if neo4j.IsConnectivityError(err) || neo4j.IsTransactionExecutionLimit(err) {
		return fmt.Errorf("%w: %v", errs.Unavailable, err)
	}
	return err
}

// hiddenCause is an error whose message is safe to show a client while
// its cause, kept for errors.Is/As and logs, is not.
type hiddenCause struct {
	msg             string
	sentinel, cause error
}

func (e *hiddenCause) Error() string   { return e.msg }
func (e *hiddenCause) Unwrap() []error { return []error{e.sentinel, e.cause} }

// lockClause takes the exclusive lock of node variable v by a write that
// reads nothing: setting and removing a scratch property (Neo4j elides a
// write that sets a property to its own value, so that would not lock).
// Taking the lock with a read-modify-write such as SET n.x = n.x + 1
// instead makes concurrent waiters deadlock with a holder that then creates
// a relationship on the node; locking without a read first does not.
// v comes from the calling statement's constant text, never a request.
func lockClause(v string) string {
	return "SET " + v + "._lock = true REMOVE " + v + "._lock"
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errs.Invalid, fmt.Sprintf(format, args...))
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errs.Conflict, fmt.Sprintf(format, args...))
}

func notFound(kind Kind, id string) error {
	return fmt.Errorf("%s %s: %w", kind.label(), errs.Quote(id), errs.NotFound)
}
