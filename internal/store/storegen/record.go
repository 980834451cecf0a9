package storegen

import (
	"context"
	"maps"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file serves the raw-Cypher floor of bench/lineage: a store built
// on a Recording driver keeps the statements of its read transactions,
// and Replay sends them again straight through the driver. The floor is
// then the store's own statements with the parameters it sent, with none
// of the decoding, shaping, access checks and GraphQL on top, and the
// store holds no code of the benchmark's.

// Statement is one Cypher statement as it was sent.
type Statement struct {
	Cypher string
	Params map[string]any
}

// Transaction is the statements of one transaction, in the order they
// were sent.
type Transaction []Statement

// Log collects the read transactions sent with a context from Record. It
// is safe for concurrent use.
type Log struct {
	mu  sync.Mutex
	txs []Transaction
}

// Transactions returns the transactions recorded so far.
func (l *Log) Transactions() []Transaction {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Transaction(nil), l.txs...)
}

func (l *Log) add(t Transaction) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.txs = append(l.txs, t)
}

type logKey struct{}

// Record returns a context under which the read transactions that
// succeed on a Recording driver are logged into the returned Log (of a
// transaction the driver retried, the attempt that succeeded).
func Record(ctx context.Context) (context.Context, *Log) {
	l := &Log{}
	return context.WithValue(ctx, logKey{}, l), l
}

// Recording wraps driver so that its sessions log the read transactions
// run with a context from Record; everything else passes through.
func Recording(driver neo4j.DriverWithContext) neo4j.DriverWithContext {
	return recordingDriver{driver}
}

type recordingDriver struct{ neo4j.DriverWithContext }

func (d recordingDriver) NewSession(ctx context.Context, config neo4j.SessionConfig) neo4j.SessionWithContext {
	return recordingSession{d.DriverWithContext.NewSession(ctx, config)}
}

type recordingSession struct{ neo4j.SessionWithContext }

func (s recordingSession) ExecuteRead(ctx context.Context, work neo4j.ManagedTransactionWork, configurers ...func(*neo4j.TransactionConfig)) (any, error) {
	log, ok := ctx.Value(logKey{}).(*Log)
	if !ok {
		return s.SessionWithContext.ExecuteRead(ctx, work, configurers...)
	}
	var last Transaction
	v, err := s.SessionWithContext.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		rec := &recordingTx{ManagedTransaction: tx}
		defer func() { last = rec.stmts }()
		return work(rec)
	}, configurers...)
	if err == nil {
		log.add(last)
	}
	return v, err
}

type recordingTx struct {
	neo4j.ManagedTransaction
	stmts Transaction
}

func (t *recordingTx) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	// A store may set parameters of a later statement in the same map.
	t.stmts = append(t.stmts, Statement{Cypher: cypher, Params: maps.Clone(params)})
	return t.ManagedTransaction.Run(ctx, cypher, params)
}

// Replay runs each transaction again, in a read transaction of its own,
// and returns how many records its statements returned.
func (gs *Graphs) Replay(ctx context.Context, txs []Transaction) (int, error) {
	n := 0
	for _, t := range txs {
		got, err := read(ctx, gs, func(tx neo4j.ManagedTransaction) (int, error) {
			c := 0
			for _, st := range t {
				recs, err := run(ctx, tx, st.Cypher, st.Params)
				if err != nil {
					return 0, err
				}
				c += len(recs)
			}
			return c, nil
		})
		if err != nil {
			return 0, err
		}
		n += got
	}
	return n, nil
}
