// Package storegen owns the code that only benchmarks, demos and tests
// run against the graph: the synthetic lineage generator (hubctl generate)
// and the reads the benchmarks use to size a generated graph, pick their
// roots and time a statement of the store on its own. It writes the same
// nodes and edges the store does, using the store's ID prefixes and
// labels, but none of the store's request paths.
//
// The server must never import this package: it is kept out of
// internal/store so the server's binary holds no generator or benchmark
// code. cmd/hubctl, bench/* and tests import it.
package storegen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
)

// Graphs writes generated graphs into one Neo4j database and reads them
// back. It is safe for concurrent use, as the driver is.
type Graphs struct {
	driver   neo4j.DriverWithContext
	database string
}

// New returns Graphs over driver's database ("" for the default
// database). The caller owns the driver and closes it.
func New(driver neo4j.DriverWithContext, database string) *Graphs {
	return &Graphs{driver: driver, database: database}
}

// readTimeout bounds the reads of this package, as the store bounds its
// own.
const readTimeout = 30 * time.Second

func (gs *Graphs) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return gs.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: gs.database, AccessMode: mode})
}

// read runs work in a read transaction.
func read[T any](ctx context.Context, gs *Graphs, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	return readWithin(ctx, gs, readTimeout, work)
}

// readWithin runs work in a read transaction that may run for timeout: a
// benchmark's setup walk or timed statement needs a bound of its own.
func readWithin[T any](ctx context.Context, gs *Graphs, timeout time.Duration, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := gs.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	v, err := neo4j.ExecuteRead(ctx, sess, work, neo4j.WithTxTimeout(timeout))
	return v, classify(err)
}

// writeWithin runs work in a write transaction that may run for timeout:
// a generator's batch needs a timeout sized to what it writes.
func writeWithin[T any](ctx context.Context, gs *Graphs, timeout time.Duration, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := gs.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	v, err := neo4j.ExecuteWrite(ctx, sess, work, neo4j.WithTxTimeout(timeout))
	return v, classify(err)
}

// run runs one statement and collects its records.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// classify marks, as the store does, a Neo4j that could not be reached,
// refused the login, has no such database, or kept failing transiently
// past the driver's retries as errs.Unavailable; other errors pass
// through.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) {
		switch {
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

// recInt reads an integer column of a record.
func recInt(rec *neo4j.Record, key string) (int64, error) {
	n, _, err := neo4j.GetRecordValue[int64](rec, key)
	if err != nil {
		return 0, fmt.Errorf("decode %s: %w", key, err)
	}
	return n, nil
}

// recStr reads a string column of a record.
func recStr(rec *neo4j.Record, key string) (string, error) {
	s, _, err := neo4j.GetRecordValue[string](rec, key)
	if err != nil {
		return "", fmt.Errorf("decode %s: %w", key, err)
	}
	return s, nil
}

// recStrs reads the string column key of every record.
func recStrs(recs []*neo4j.Record, key string) ([]string, error) {
	out := make([]string, len(recs))
	for i, rec := range recs {
		var err error
		if out[i], err = recStr(rec, key); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// one returns the only record of a statement that always returns one.
func one(recs []*neo4j.Record, err error) (*neo4j.Record, error) {
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("expected one record, got %d", len(recs))
	}
	return recs[0], nil
}
