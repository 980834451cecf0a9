package store

import (
	"errors"
	"maps"
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
	return Stats{Tx: map[string]TxStats{"read": s.stats.read.snapshot(), "write": s.stats.write.snapshot()},
		Appended: appended, Reachable: s.Reachable(), InFlight: s.stats.inFlight.Load()}
}
