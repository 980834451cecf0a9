package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// metrics are the HTTP server's Prometheus instruments and access log.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	log      *slog.Logger
	// tracerProvider, when set, traces each instrumented route.
	tracerProvider trace.TracerProvider
}

func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	m := &metrics{log: log,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exphub_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "exphub_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer
// (websocket upgrades and flushes need it).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (m *metrics) instrument(route string, next http.Handler) http.Handler {
	// The request's span (when traced) is around the log line too, so the
	// line carries its trace_id.
	return traceRequests(m.tracerProvider, route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		m.requests.WithLabelValues(route, strconv.Itoa(rec.code)).Inc()
		m.duration.WithLabelValues(route).Observe(took.Seconds())
		// Probes and scrapes would drown the log; they stay at debug.
		level := slog.LevelInfo
		if route == "healthz" || route == "readyz" {
			level = slog.LevelDebug
		}
		m.log.Log(r.Context(), level, "http request", "method", r.Method, "route", route, "status", rec.code,
			"duration_ms", float64(took.Microseconds())/1000, "bytes_in", r.ContentLength)
	}))
}

// registerLineageMetrics exposes what became of the OpenLineage events
// this replica accepted, and its backlog of events recorded and not yet
// applied (alert when it stays near EXPHUB_OPENLINEAGE_MAX_BACKLOG, or
// when failed grows).
func registerLineageMetrics(reg prometheus.Registerer, svc *openlineage.Service) {
	for outcome, read := range map[string]func(openlineage.Stats) uint64{
		"recorded":  func(s openlineage.Stats) uint64 { return s.Recorded },
		"duplicate": func(s openlineage.Stats) uint64 { return s.Duplicates },
		"applied":   func(s openlineage.Stats) uint64 { return s.Applied },
		"failed":    func(s openlineage.Stats) uint64 { return s.Failed },
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "exphub_openlineage_events_total",
			Help:        "OpenLineage events by outcome: recorded (acknowledged before being applied), duplicate, applied (to the graph), failed (recorded, then impossible to apply).",
			ConstLabels: prometheus.Labels{"outcome": outcome},
		}, func() float64 { return float64(read(svc.Stats())) }))
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "exphub_openlineage_backlog",
		Help: "OpenLineage events this replica recorded and has not applied yet.",
	}, func() float64 { return float64(svc.Backlog()) }))
}

// domainCollector exposes, at each scrape, what this replica's store did
// (Neo4j transactions by mode and outcome, their latency and retries,
// whether Neo4j is reachable, the events it appended by kind) and what its
// event hub serves (subscriptions, the log head it has read).
type domainCollector struct {
	st  *store.Store
	hub *events.Hub
}

var (
	descTx = prometheus.NewDesc("exphub_neo4j_transactions_total",
		"Neo4j transactions by mode (read, write) and outcome (ok; unavailable: Neo4j not reached; failed: any other error).",
		[]string{"mode", "outcome"}, nil)
	descTxRetries = prometheus.NewDesc("exphub_neo4j_transaction_retries_total",
		"Attempts past the first that the driver made (transient errors, deadlocks, leader changes).", []string{"mode"}, nil)
	descTxSeconds = prometheus.NewDesc("exphub_neo4j_transaction_duration_seconds",
		"Neo4j transaction latency, retries included.", []string{"mode"}, nil)
	descReachable = prometheus.NewDesc("exphub_neo4j_reachable",
		"1 while Neo4j is reachable; 0 while the circuit breaker holds it unreachable (requests fail at once with UNAVAILABLE).", nil, nil)
	descAppended = prometheus.NewDesc("exphub_events_appended_total",
		"Events this replica appended to the event log, by kind (the log's own order is global; sum over replicas).", []string{"kind"}, nil)
	descSubs = prometheus.NewDesc("exphub_subscriptions",
		"GraphQL subscriptions this replica is serving.", nil, nil)
	descHead = prometheus.NewDesc("exphub_event_log_head",
		"The latest event log sequence this replica's follower has read; compare replicas to see one falling behind.", nil, nil)
)

func (c domainCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTx, descTxRetries, descTxSeconds, descReachable, descAppended, descSubs, descHead} {
		ch <- d
	}
}

func (c domainCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.st.Stats()
	for _, mode := range []string{"read", "write"} {
		tx := s.Tx[mode]
		for _, outcome := range []string{"ok", "unavailable", "failed"} {
			ch <- prometheus.MustNewConstMetric(descTx, prometheus.CounterValue, float64(tx.Outcomes[outcome]), mode, outcome)
		}
		ch <- prometheus.MustNewConstMetric(descTxRetries, prometheus.CounterValue, float64(tx.Retries), mode)
		buckets := make(map[float64]uint64, len(store.TxBuckets))
		for i, b := range store.TxBuckets {
			buckets[b] = tx.Buckets[i]
		}
		ch <- prometheus.MustNewConstHistogram(descTxSeconds, tx.Count, tx.Sum, buckets, mode)
	}
	reachable := 0.0
	if s.Reachable {
		reachable = 1
	}
	ch <- prometheus.MustNewConstMetric(descReachable, prometheus.GaugeValue, reachable)
	for _, k := range store.EventKinds {
		ch <- prometheus.MustNewConstMetric(descAppended, prometheus.CounterValue, float64(s.Appended[k]), string(k))
	}
	if c.hub != nil {
		ch <- prometheus.MustNewConstMetric(descSubs, prometheus.GaugeValue, float64(c.hub.Subscriptions()))
		if head, ok := c.hub.Head(); ok {
			ch <- prometheus.MustNewConstMetric(descHead, prometheus.GaugeValue, float64(head))
		}
	}
}
