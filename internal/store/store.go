// Package store is exphub's Neo4j persistence layer: the only package that
// holds Cypher. It owns the graph model (projects, experiments, runs, metric
// series, datasets and their versions, models and their versions, and the
// lineage edges between them), the schema migrations, and the mapping of
// driver errors to the sentinels below.
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
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Sentinel errors. Callers test them with errors.Is; every error the store
// returns wraps at most one of them.
var (
	// ErrNotFound means the addressed object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write contradicts what is stored (a duplicate
	// key, a changed immutable value, an illegal state transition).
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the input is malformed; the message says which field.
	ErrInvalid = errors.New("invalid input")
	// ErrNoPath means two nodes are not connected by lineage.
	ErrNoPath = errors.New("no lineage path")
	// ErrUnavailable means Neo4j could not be reached.
	ErrUnavailable = errors.New("database unavailable")
)

// Store reads and writes the exphub graph. It is safe for concurrent use.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	now      func() time.Time
	onAppend atomic.Pointer[func()]
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
	s := &Store{driver: driver, database: database, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Ping reports whether Neo4j answers a query.
func (s *Store) Ping(ctx context.Context) error {
	_, err := read(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.single("RETURN 1 AS one", nil)
		return struct{}{}, err
	})
	return err
}

// QueryCounter counts the Cypher statements a context's operations send.
// It is safe for concurrent use.
type QueryCounter struct{ n atomic.Int64 }

// Count returns the number of statements sent so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

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
}

func (t *txn) run(cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if c, ok := t.ctx.Value(counterKey{}).(*QueryCounter); ok {
		c.n.Add(1)
	}
	res, err := t.tx.Run(t.ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(t.ctx)
}

// single runs a statement that returns at most one record; it returns
// (nil, nil) when there is none — internal only, callers map that to
// ErrNotFound.
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

const txTimeout = 30 * time.Second

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: mode})
}

func read[T any](ctx context.Context, s *Store, work func(tx *txn) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	v, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (T, error) {
		return work(&txn{ctx: ctx, tx: tx})
	}, neo4j.WithTxTimeout(txTimeout))
	return v, classify(err)
}

func write[T any](ctx context.Context, s *Store, work func(tx *txn) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	appended := false
	v, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (T, error) {
		t := &txn{ctx: ctx, tx: tx}
		v, err := work(t)
		appended = t.appended // the last attempt is the one that committed
		return v, err
	}, neo4j.WithTxTimeout(txTimeout))
	if err == nil && appended {
		if f := s.onAppend.Load(); f != nil {
			(*f)()
		}
	}
	return v, classify(err)
}

// classify maps driver errors onto the sentinels, keeping the cause for
// logs. Errors the store produced itself pass through unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	for _, s := range []error{ErrNotFound, ErrConflict, ErrInvalid, ErrNoPath, ErrUnavailable} {
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
			return &hiddenCause{msg: ErrConflict.Error() + ": already exists", sentinel: ErrConflict, cause: err}
		case strings.HasPrefix(nerr.Code, "Neo.ClientError.Security."),
			strings.HasPrefix(nerr.Code, "Neo.TransientError.General.DatabaseUnavailable"),
			strings.HasPrefix(nerr.Code, "Neo.ClientError.Database.DatabaseNotFound"):
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return err
	}
	if neo4j.IsConnectivityError(err) || neo4j.IsTransactionExecutionLimit(err) {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
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
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...))
}

func notFound(kind Kind, id string) error {
	return fmt.Errorf("%s %q: %w", kind.label(), id, ErrNotFound)
}
