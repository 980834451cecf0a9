package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/exphub/exphub/internal/openlineage"
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
	next = traceRequests(m.tracerProvider, route, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	})
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
