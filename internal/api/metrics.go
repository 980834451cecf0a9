package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/trace"

	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// Metrics is the hub's Prometheus registry, with the instruments the
// domains report to: it is the validation.Observer of the runner and the
// governance.Observer of the governance service. The wiring makes one,
// hands it to the runner and to NewHandler (Options.Metrics), and serves
// Handler on the main listener (NewHandler mounts it at /metrics) or on a
// listener of its own (Options.SeparateMetrics). It is safe for
// concurrent use; one NewHandler may use it (the handler registers its
// own collectors in it).
type Metrics struct {
	reg                *prometheus.Registry
	validations        *prometheus.CounterVec
	validationDuration *prometheus.HistogramVec
	promotions         *prometheus.CounterVec
	promotionLeadTime  *prometheus.HistogramVec
	checkpoints        *CheckpointMetrics
	webhooks           *prometheus.CounterVec
	webhookDuration    *prometheus.HistogramVec
}

// promotionLeadTimeBuckets run from a minute to four weeks: a decision
// is a person's, taken in minutes at best and in weeks at worst.
var promotionLeadTimeBuckets = []float64{60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 28 * 86400}

// NewMetrics returns a registry holding the Go runtime's and the
// process's metrics and the domain instruments.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(),
		validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exphub_validation_runs_total",
			Help: "Validation runs this replica evaluated and recorded, by status (PASSED, WARNED, FAILED, ERROR).",
		}, []string{"status"}),
		validationDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "exphub_validation_run_duration_seconds",
			Help:    "Time from a validation run's submission to its recorded result (queueing included), by status.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"status"}),
		promotions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exphub_promotion_requests_total",
			Help: "Promotion requests by the state they entered through this replica's governance operations (request, decision, cancellation, re-evaluation): opened, then blocked, pending, approved, rejected or cancelled.",
		}, []string{"state"}),
		promotionLeadTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "exphub_promotion_lead_time_seconds",
			Help:    "Time from a promotion request to its decision, by outcome (approved, rejected).",
			Buckets: promotionLeadTimeBuckets,
		}, []string{"outcome"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exphub_webhook_deliveries_total",
			Help: "Webhook delivery attempts this replica made, by outcome: delivered, failed (tried again later) or parked (the receiver waits for an admin's redeliver).",
		}, []string{"outcome"}),
		webhookDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "exphub_webhook_delivery_duration_seconds",
			Help:    "Time a webhook receiver took to answer a delivery attempt, by outcome.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"outcome"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.validations, m.validationDuration, m.promotions, m.promotionLeadTime, m.webhooks, m.webhookDuration)
	// Exported by every replica, signing or not: each checks the log
	// against the stored checkpoints.
	m.checkpoints = newCheckpointMetrics(m.reg)
	// The label values are few and known: export them from the start,
	// so a rate over them is 0 rather than absent.
	for _, st := range []store.ValidationStatus{store.ValidationPassed, store.ValidationWarned, store.ValidationFailed, store.ValidationError} {
		m.validations.WithLabelValues(string(st))
		m.validationDuration.WithLabelValues(string(st))
	}
	for _, st := range []string{"opened", "blocked", "pending", "approved", "rejected", "cancelled"} {
		m.promotions.WithLabelValues(st)
	}
	for _, outcome := range []string{"approved", "rejected"} {
		m.promotionLeadTime.WithLabelValues(outcome)
	}
	for _, outcome := range []string{"delivered", "failed", "parked"} {
		m.webhooks.WithLabelValues(outcome)
		m.webhookDuration.WithLabelValues(outcome)
	}
	return m
}

// Handler serves the registry in Prometheus's exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ValidationRecorded counts a validation run the runner recorded
// (validation.Observer).
func (m *Metrics) ValidationRecorded(status store.ValidationStatus, took time.Duration) {
	m.validations.WithLabelValues(string(status)).Inc()
	m.validationDuration.WithLabelValues(string(status)).Observe(took.Seconds())
}

// WebhookAttempt counts a webhook delivery attempt (webhooks.Observer).
func (m *Metrics) WebhookAttempt(outcome string, took time.Duration) {
	m.webhooks.WithLabelValues(outcome).Inc()
	m.webhookDuration.WithLabelValues(outcome).Observe(took.Seconds())
}

// PromotionMoved counts a promotion request entering a state, and a
// decided one's lead time (governance.Observer).
func (m *Metrics) PromotionMoved(from store.PromotionStatus, req *store.PromotionRequest) {
	state := strings.ToLower(string(req.Status))
	if from == "" {
		state = "opened"
	}
	m.promotions.WithLabelValues(state).Inc()
	if (req.Status == store.PromotionApproved || req.Status == store.PromotionRejected) && req.ClosedAt != nil {
		m.promotionLeadTime.WithLabelValues(state).Observe(req.ClosedAt.Sub(req.RequestedAt).Seconds())
	}
}

// validationQueue is the runner's queue, when Options.Validations has one.
type validationQueue interface {
	Queue() (queued, limit int)
}

// registerValidationQueue exposes how full the validation queue is: past
// its limit runValidation is UNAVAILABLE.
func registerValidationQueue(reg prometheus.Registerer, q validationQueue) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "exphub_validation_queue_length",
		Help: "Validation runs this replica accepted and has not recorded yet (waiting for a slot or being evaluated).",
	}, func() float64 { n, _ := q.Queue(); return float64(n) }))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "exphub_validation_queue_capacity",
		Help: "Validation runs this replica accepts at once; past it runValidation answers UNAVAILABLE.",
	}, func() float64 { _, limit := q.Queue(); return float64(limit) }))
	if a, ok := q.(arrivalFollower); ok {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "exphub_validation_arrival_lag_events",
			Help: "Events of the log after the validation-on-arrival cursor when this replica last looked: registrations waiting for their suites, and the events between them.",
		}, func() float64 { return float64(a.ArrivalLag()) }))
	}
}

// arrivalFollower is a runner that validates on arrival.
type arrivalFollower interface {
	ArrivalLag() int64
}

// httpMetrics are the HTTP server's Prometheus instruments and access log.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	log      *slog.Logger
	// tracerProvider, when set, traces each instrumented route.
	tracerProvider trace.TracerProvider
}

func newHTTPMetrics(reg prometheus.Registerer, log *slog.Logger) *httpMetrics {
	m := &httpMetrics{log: log,
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

func (m *httpMetrics) instrument(route string, next http.Handler) http.Handler {
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
// those in flight, whether Neo4j is reachable, the events it appended by
// kind) and what its event hub serves (subscriptions and how far behind
// the slowest is, the log head it has read).
type domainCollector struct {
	st  *store.Store
	hub *events.Hub
	// poolSize is the driver's connection pool size (0: unknown).
	poolSize int
}

var (
	descTx = prometheus.NewDesc("exphub_neo4j_transactions_total",
		"Neo4j transactions by mode (read, write) and outcome (ok; unavailable: Neo4j not reached; failed: any other error).",
		[]string{"mode", "outcome"}, nil)
	descTxRetries = prometheus.NewDesc("exphub_neo4j_transaction_retries_total",
		"Attempts past the first that the driver made (transient errors, deadlocks, leader changes).", []string{"mode"}, nil)
	descTxSeconds = prometheus.NewDesc("exphub_neo4j_transaction_duration_seconds",
		"Neo4j transaction latency, retries included.", []string{"mode"}, nil)
	descStatementSeconds = prometheus.NewDesc("exphub_neo4j_statement_duration_seconds",
		"Neo4j statement latency (sent to answered) by query: the store function that sent it, such as lineageBatch.writeEdges or Store.StartRun.", []string{"query"}, nil)
	descReachable = prometheus.NewDesc("exphub_neo4j_reachable",
		"1 while Neo4j is reachable; 0 while the circuit breaker holds it unreachable (requests fail at once with UNAVAILABLE).", nil, nil)
	descInFlight = prometheus.NewDesc("exphub_neo4j_transactions_in_flight",
		"Neo4j transactions open now; each holds one of the driver's pooled connections (compare exphub_neo4j_connection_pool_size).", nil, nil)
	descPoolSize = prometheus.NewDesc("exphub_neo4j_connection_pool_size",
		"The most connections the driver opens to Neo4j; a transaction past them waits for one, then fails UNAVAILABLE.", nil, nil)
	descAppended = prometheus.NewDesc("exphub_events_appended_total",
		"Events this replica appended to the event log, by kind (the log's own order is global; sum over replicas).", []string{"kind"}, nil)
	descSubs = prometheus.NewDesc("exphub_subscriptions",
		"GraphQL subscriptions this replica is serving.", nil, nil)
	descLagEvents = prometheus.NewDesc("exphub_subscription_max_lag_events",
		"Events the live subscription furthest behind has yet to pass, up to the head this replica read (a subscription is ended past the hub's MaxLag, 10000).", nil, nil)
	descLagSeconds = prometheus.NewDesc("exphub_subscription_max_lag_seconds",
		"Age of the oldest event the live subscription furthest behind has yet to pass (0: every subscription keeps up).", nil, nil)
	descHead = prometheus.NewDesc("exphub_event_log_head",
		"The latest event log sequence this replica's follower has read; compare replicas to see one falling behind.", nil, nil)
)

func (c domainCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTx, descTxRetries, descTxSeconds, descStatementSeconds, descReachable, descInFlight, descPoolSize, descAppended, descSubs, descLagEvents, descLagSeconds, descHead} {
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
	for query, st := range s.Statements {
		buckets := make(map[float64]uint64, len(store.TxBuckets))
		for i, b := range store.TxBuckets {
			buckets[b] = st.Buckets[i]
		}
		ch <- prometheus.MustNewConstHistogram(descStatementSeconds, st.Count, st.Sum, buckets, query)
	}
	reachable := 0.0
	if s.Reachable {
		reachable = 1
	}
	ch <- prometheus.MustNewConstMetric(descReachable, prometheus.GaugeValue, reachable)
	ch <- prometheus.MustNewConstMetric(descInFlight, prometheus.GaugeValue, float64(s.InFlight))
	if c.poolSize > 0 {
		ch <- prometheus.MustNewConstMetric(descPoolSize, prometheus.GaugeValue, float64(c.poolSize))
	}
	for _, k := range store.EventKinds {
		ch <- prometheus.MustNewConstMetric(descAppended, prometheus.CounterValue, float64(s.Appended[k]), string(k))
	}
	if c.hub != nil {
		ch <- prometheus.MustNewConstMetric(descSubs, prometheus.GaugeValue, float64(c.hub.Subscriptions()))
		lag, age := c.hub.Lag()
		ch <- prometheus.MustNewConstMetric(descLagEvents, prometheus.GaugeValue, float64(lag))
		ch <- prometheus.MustNewConstMetric(descLagSeconds, prometheus.GaugeValue, age.Seconds())
		if head, ok := c.hub.Head(); ok {
			ch <- prometheus.MustNewConstMetric(descHead, prometheus.GaugeValue, float64(head))
		}
	}
}
