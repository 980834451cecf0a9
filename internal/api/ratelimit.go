package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
)

// CallerLimits bound what one caller (a token's subject) may ask of the
// hub, so that one caller cannot starve the others: requests in flight at
// once, and a sustained rate with a burst. A request over either gets HTTP
// 429 with Retry-After.
type CallerLimits struct {
	// Concurrent is the number of GraphQL requests a caller may have in
	// flight at once.
	Concurrent int
	// Rate is the sustained requests per second a caller may send, Burst
	// how many it may send at once after a quiet spell.
	Rate  float64
	Burst int
	// DBConcurrency is the number of database transactions one operation
	// keeps open at once; its other root fields wait for a turn.
	DBConcurrency int
	// CostRate is the operation cost (see the complexity limit) a caller
	// may spend per second, sustained, CostBurst how much at once: a
	// request counts what it costs, not one, so a caller of thousand-field
	// operations gets fewer of them than a caller of small ones.
	CostRate  float64
	CostBurst int
}

// DefaultCallerLimits leave the explorer (a handful of requests per page,
// the heaviest page costing 20,423) and scripts far inside them: 8 requests
// in flight, 100 per second with bursts of 500, 4 transactions per
// operation — at most 32 of the database pool's 100 connections for one
// caller — and a cost of 20,000 per second with bursts of 200,000.
var DefaultCallerLimits = CallerLimits{Concurrent: 8, Rate: 100, Burst: 500, DBConcurrency: 4, CostRate: 20_000, CostBurst: 200_000}

// DefaultIngestLimits bound one caller's OpenLineage ingestion, which
// pipelines send at a far higher rate than people browse: 64 events in
// flight (concurrent events share a write), 2,000 per second with bursts
// of 4,000. It has its own budget, so a busy pipeline does not spend its
// owner's GraphQL budget, nor the explorer the pipeline's.
var DefaultIngestLimits = CallerLimits{Concurrent: 64, Rate: 2_000, Burst: 4_000}

// orDefault fills l's zero request limits from d.
func (l CallerLimits) orDefault(d CallerLimits) CallerLimits {
	if l.Concurrent <= 0 {
		l.Concurrent = d.Concurrent
	}
	if l.Rate <= 0 {
		l.Rate = d.Rate
	}
	if l.Burst <= 0 {
		l.Burst = d.Burst
	}
	return l
}

func (l CallerLimits) withDefaults() CallerLimits {
	d := DefaultCallerLimits
	l = l.orDefault(d)
	if l.DBConcurrency <= 0 {
		l.DBConcurrency = d.DBConcurrency
	}
	if l.CostRate <= 0 {
		l.CostRate = d.CostRate
	}
	if l.CostBurst <= 0 {
		l.CostBurst = d.CostBurst
	}
	return l
}

// callerLimiter keeps a token bucket and an in-flight count per caller.
// Callers idle for a while are forgotten, so the map stays the size of the
// active callers. It is safe for concurrent use.
type callerLimiter struct {
	limits CallerLimits
	now    func() time.Time

	mu      sync.Mutex
	callers map[string]*callerState
	swept   time.Time
}

type callerState struct {
	bucket, cost *rate.Limiter
	inFlight     int
	seen         time.Time
}

const callerIdle = 10 * time.Minute

func newCallerLimiter(l CallerLimits) *callerLimiter {
	return &callerLimiter{limits: l.withDefaults(), now: time.Now, callers: map[string]*callerState{}}
}

// admit takes a turn for caller; it returns a release function, or how long
// to wait before trying again.
func (cl *callerLimiter) admit(caller string) (release func(), retryAfter time.Duration) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	now := cl.now()
	if now.Sub(cl.swept) > callerIdle {
		for k, c := range cl.callers {
			if c.inFlight == 0 && now.Sub(c.seen) > callerIdle {
				delete(cl.callers, k)
			}
		}
		cl.swept = now
	}
	c := cl.caller(caller, now)
	if c.inFlight >= cl.limits.Concurrent {
		// A turn frees up when a request ends; a second is a fair guess.
		return nil, time.Second
	}
	r := c.bucket.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, d
	}
	c.inFlight++
	return func() {
		cl.mu.Lock()
		defer cl.mu.Unlock()
		c.inFlight--
	}, 0
}

// caller returns a caller's state, made on first sight; cl.mu is held.
func (cl *callerLimiter) caller(name string, now time.Time) *callerState {
	c := cl.callers[name]
	if c == nil {
		c = &callerState{bucket: rate.NewLimiter(rate.Limit(cl.limits.Rate), cl.limits.Burst),
			cost: rate.NewLimiter(rate.Limit(cl.limits.CostRate), cl.limits.CostBurst)}
		cl.callers[name] = c
	}
	c.seen = now
	return c
}

// spend takes cost from caller's cost budget; it returns how long to wait
// before the budget covers it, and takes nothing then.
func (cl *callerLimiter) spend(caller string, cost int) time.Duration {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	now := cl.now()
	c := cl.caller(caller, now)
	r := c.cost.ReserveN(now, min(cost, cl.limits.CostBurst))
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// limitCallers refuses a caller's request with 429 and Retry-After when
// the caller is over its limits. It runs after the token check, which puts
// the caller in the context.
func limitCallers(cl *callerLimiter, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.FromContext(r.Context())
		if !ok || p == nil || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		release, wait := cl.admit(p.Subject)
		if release == nil {
			writeError(w, r, log, &errs.RateLimited{RetryAfter: wait,
				Msg: fmt.Sprintf("too many requests from %s; retry after %d s", errs.Quote(p.Subject), retrySeconds(&errs.RateLimited{RetryAfter: wait}))})
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}
