package storegen

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file serves bench/openlineage's profile of the store: a store
// built on a Timing driver reports where its write transactions spend
// their time, statement by statement, without a line of the store
// changed. A statement's time runs from Run until its records are
// collected (the store collects every result at once): the round trip
// and Neo4j's work; Neo4j's own account of the work (the summary's
// result-available and result-consumed times) and what the statement
// wrote are kept beside it. What a transaction spends outside its
// statements is the driver's begin and commit and the store's own Go
// code between the statements.

// StatementTime is what one Cypher text cost over all its runs.
type StatementTime struct {
	Cypher string
	Runs   int
	// Total is the time from Run to the last record; InNeo4j the part
	// Neo4j reported as its own (it reports whole milliseconds, so this
	// is coarse for short statements).
	Total, InNeo4j time.Duration
	// Writes are nodes and relationships created and properties set.
	NodesCreated, RelsCreated, PropsSet int64
	// DbHits sums the profiled plans' database hits, and Plan renders
	// the plan of the run with the most (profiling drivers only).
	DbHits  int64
	Plan    string
	maxHits int64
}

// TxTimes sums up the write transactions of a Timing driver.
type TxTimes struct {
	// Transactions is how many ExecuteWrite calls ended; Attempts counts
	// the driver's retries too.
	Transactions, Attempts int
	// Total is their wall time; InStatements the part spent in
	// statements (of every attempt).
	Total, InStatements time.Duration
	// Statements are the statements' times, the most expensive first.
	Statements []StatementTime
}

// Timings collects the times of a Timing driver's write transactions. It
// is safe for concurrent use.
type Timings struct {
	profile bool
	mu      sync.Mutex
	txs     TxTimes
	stmts   map[string]*StatementTime
}

// Snapshot returns the times collected so far.
func (t *Timings) Snapshot() TxTimes {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.txs
	out.Statements = make([]StatementTime, 0, len(t.stmts))
	for _, s := range t.stmts {
		c := *s
		c.maxHits = 0
		out.Statements = append(out.Statements, c)
	}
	slices.SortFunc(out.Statements, func(a, b StatementTime) int { return int(b.Total - a.Total) })
	return out
}

// Reset forgets the times collected so far.
func (t *Timings) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.txs, t.stmts = TxTimes{}, map[string]*StatementTime{}
}

func (t *Timings) statement(cypher string, d time.Duration, sum neo4j.ResultSummary) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stmts[cypher]
	if s == nil {
		s = &StatementTime{Cypher: cypher}
		t.stmts[cypher] = s
	}
	s.Runs++
	s.Total += d
	t.txs.InStatements += d
	if sum == nil {
		return
	}
	if a, c := sum.ResultAvailableAfter(), sum.ResultConsumedAfter(); a >= 0 && c >= 0 {
		s.InNeo4j += a + c
	}
	if c := sum.Counters(); c != nil {
		s.NodesCreated += int64(c.NodesCreated())
		s.RelsCreated += int64(c.RelationshipsCreated())
		s.PropsSet += int64(c.PropertiesSet())
	}
	if p := sum.Profile(); p != nil {
		hits := planHits(p)
		s.DbHits += hits
		if s.Plan == "" || hits > s.maxHits {
			var b strings.Builder
			renderPlan(&b, p, 0)
			s.Plan, s.maxHits = b.String(), hits
		}
	}
}

func planHits(p neo4j.ProfiledPlan) int64 {
	n := p.DbHits()
	for _, c := range p.Children() {
		n += planHits(c)
	}
	return n
}

// renderPlan writes a profiled plan as an indented tree, leaves last.
func renderPlan(b *strings.Builder, p neo4j.ProfiledPlan, depth int) {
	details, _ := p.Arguments()["Details"].(string)
	if len(details) > 120 {
		details = details[:120] + "…"
	}
	fmt.Fprintf(b, "%s%s  rows %d, db hits %d  %s\n", strings.Repeat("  ", depth), p.Operator(), p.Records(), p.DbHits(), details)
	for _, c := range p.Children() {
		renderPlan(b, c, depth+1)
	}
}

func (t *Timings) transaction(attempts int, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.txs.Transactions++
	t.txs.Attempts += attempts
	t.txs.Total += d
}

// Timing wraps driver so that its write transactions are timed into the
// returned Timings; everything else passes through. With profile, every
// statement of those transactions runs under PROFILE (which executes it
// as it is, and costs some time of its own) and its plan is kept.
func Timing(driver neo4j.DriverWithContext, profile bool) (neo4j.DriverWithContext, *Timings) {
	t := &Timings{profile: profile, stmts: map[string]*StatementTime{}}
	return timingDriver{driver, t}, t
}

type timingDriver struct {
	neo4j.DriverWithContext
	t *Timings
}

func (d timingDriver) NewSession(ctx context.Context, config neo4j.SessionConfig) neo4j.SessionWithContext {
	return timingSession{d.DriverWithContext.NewSession(ctx, config), d.t}
}

type timingSession struct {
	neo4j.SessionWithContext
	t *Timings
}

func (s timingSession) ExecuteWrite(ctx context.Context, work neo4j.ManagedTransactionWork, configurers ...func(*neo4j.TransactionConfig)) (any, error) {
	start, attempts := time.Now(), 0
	v, err := s.SessionWithContext.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		attempts++
		return work(timingTx{tx, s.t})
	}, configurers...)
	s.t.transaction(attempts, time.Since(start))
	return v, err
}

type timingTx struct {
	neo4j.ManagedTransaction
	t *Timings
}

func (tx timingTx) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	start, sent := time.Now(), cypher
	if tx.t.profile {
		sent = "PROFILE " + cypher
	}
	res, err := tx.ManagedTransaction.Run(ctx, sent, params)
	if err != nil {
		tx.t.statement(cypher, time.Since(start), nil)
		return nil, err
	}
	return &timingResult{ResultWithContext: res, t: tx.t, cypher: cypher, start: start}, nil
}

type timingResult struct {
	neo4j.ResultWithContext
	t      *Timings
	cypher string
	start  time.Time
}

func (r *timingResult) Collect(ctx context.Context) ([]*neo4j.Record, error) {
	recs, err := r.ResultWithContext.Collect(ctx)
	d := time.Since(r.start)
	var sum neo4j.ResultSummary
	if err == nil {
		// The records are all read: the summary is already here.
		sum, _ = r.ResultWithContext.Consume(ctx)
	}
	r.t.statement(r.cypher, d, sum)
	return recs, err
}
