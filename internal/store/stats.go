package store

import (
	"errors"
	"maps"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// TxBuckets are the upper bounds, in seconds, of the transaction duration
// histogram of Stats.
var TxBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Stats is what this process's store did since it started: its
// transactions by mode and outcome, their durations and retries, and the
// events it appended by kind. Prometheus reads it at each scrape.
type Stats struct {
	// Tx holds "read" and "write".
	Tx map[string]TxStats
	// Appended counts the events committed by this process, by kind.
	Appended map[EventKind]uint64
	// Reachable is false while the breaker holds Neo4j unreachable.
	Reachable bool
	// InFlight is the transactions open now. Each holds one of the
	// driver's pooled connections (the driver exposes no pool statistics
	// of its own), so this is the pool's use by the store.
	InFlight int64
	// Statements holds the statements' durations (Count, Sum and Buckets
	// as Tx's, over TxBuckets) by query name: the store function that sent
	// the statement ("lineageBatch.writeEdges", "Store.StartRun"), a
	// name the code fixes, so the set stays small.
	Statements map[string]TxStats
}

// TxStats is one mode's transactions.
type TxStats struct {
	// Outcomes counts transactions by "ok", "unavailable" (Neo4j not
	// reached, or gone) and "failed" (any other error: a refused write, a
	// conflict, a timeout).
	Outcomes map[string]uint64
	// Retries counts the attempts past the first that the driver made.
	Retries uint64
	// Buckets[i] counts transactions that took at most TxBuckets[i]
	// (cumulative); Count and Sum (seconds) are over all.
	Buckets []uint64
	Count   uint64
	Sum     float64
}

// txCounters is one mode's live counters.
type txCounters struct {
	ok, unavailable, failed, retries atomic.Uint64
	mu                               sync.Mutex
	buckets                          []uint64
	count                            uint64
	sum                              float64
}

type storeStats struct {
	read, write txCounters
	inFlight    atomic.Int64
	mu          sync.Mutex
	appended    map[EventKind]uint64
	statements  sync.Map // query name → *txCounters
}

// statement counts one statement sent by the function named query.
func (st *storeStats) statement(query string, took time.Duration) {
	c, ok := st.statements.Load(query)
	if !ok {
		c, _ = st.statements.LoadOrStore(query, &txCounters{})
	}
	c.(*txCounters).time(took)
}

// observe counts one transaction of mode.
func (st *storeStats) observe(write bool, took time.Duration, attempts int, err error) {
	c := &st.read
	if write {
		c = &st.write
	}
	switch {
	case err == nil:
		c.ok.Add(1)
	case errors.Is(err, errs.Unavailable):
		c.unavailable.Add(1)
	default:
		c.failed.Add(1)
	}
	if attempts > 1 {
		c.retries.Add(uint64(attempts - 1))
	}
	c.time(took)
}

// time adds a duration to the histogram.
func (c *txCounters) time(took time.Duration) {
	secs := took.Seconds()
	c.mu.Lock()
	if c.buckets == nil {
		c.buckets = make([]uint64, len(TxBuckets))
	}
	for i, b := range TxBuckets {
		if secs <= b {
			c.buckets[i]++
		}
	}
	c.count++
	c.sum += secs
	c.mu.Unlock()
}

// committed counts the events of a committed transaction.
func (st *storeStats) committed(kinds []EventKind) {
	if len(kinds) == 0 {
		return
	}
	st.mu.Lock()
	if st.appended == nil {
		st.appended = map[EventKind]uint64{}
	}
	for _, k := range kinds {
		st.appended[k]++
	}
	st.mu.Unlock()
}

func (c *txCounters) snapshot() TxStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := make([]uint64, len(TxBuckets))
	copy(b, c.buckets)
	return TxStats{Outcomes: map[string]uint64{"ok": c.ok.Load(), "unavailable": c.unavailable.Load(), "failed": c.failed.Load()},
		Retries: c.retries.Load(), Buckets: b, Count: c.count, Sum: c.sum}
}

// Stats returns what the store did since it started.
func (s *Store) Stats() Stats {
	s.stats.mu.Lock()
	appended := maps.Clone(s.stats.appended)
	s.stats.mu.Unlock()
	if appended == nil {
		appended = map[EventKind]uint64{}
	}
	statements := map[string]TxStats{}
	s.stats.statements.Range(func(k, v any) bool {
		t := v.(*txCounters).snapshot()
		statements[k.(string)] = TxStats{Buckets: t.Buckets, Count: t.Count, Sum: t.Sum}
		return true
	})
	return Stats{Tx: map[string]TxStats{"read": s.stats.read.snapshot(), "write": s.stats.write.snapshot()},
		Appended: appended, Reachable: s.Reachable(), InFlight: s.stats.inFlight.Load(), Statements: statements}
}

// queryNames caches the query name of each call site (by its program
// counters) of txn.run.
var queryNames sync.Map // [queryDepth]uintptr → string

const queryDepth = 6

// queryName names the statement being sent: the first function up the
// stack from txn.run that is not one of the store's statement helpers
// (run, single, flush, collect …), without the package path, as
// "lineageBatch.writeEdges" or "Store.StartRun".
func queryName() string {
	var key [queryDepth]uintptr
	runtime.Callers(3, key[:]) // above queryName and txn.run
	if name, ok := queryNames.Load(key); ok {
		return name.(string)
	}
	name := "unknown"
	frames := runtime.CallersFrames(key[:])
	for {
		f, more := frames.Next()
		if fn := shortFuncName(f.Function); fn != "" && !statementHelper(fn) {
			name = fn
			break
		}
		if !more {
			break
		}
	}
	queryNames.Store(key, name)
	return name
}

// shortFuncName drops the package path and a closure's suffix:
// "github.com/…/store.(*lineageBatch).writeEdges.func1" is
// "lineageBatch.writeEdges".
func shortFuncName(fn string) string {
	fn = fn[strings.LastIndexByte(fn, '/')+1:]
	_, fn, _ = strings.Cut(fn, ".")
	fn = strings.NewReplacer("(*", "", ")", "").Replace(fn)
	if i := strings.Index(fn, ".func"); i > 0 {
		fn = fn[:i]
	}
	if i := strings.IndexByte(fn, '['); i > 0 { // a generic's shape
		fn = fn[:i]
	}
	return fn
}

// statementHelper reports whether fn only passes statements on.
func statementHelper(fn string) bool {
	_, method, found := strings.Cut(fn, ".")
	if !found {
		method = fn
	}
	switch method {
	case "run", "single", "collect", "flush", "runAll", "one", "many":
		return true
	}
	return false
}
