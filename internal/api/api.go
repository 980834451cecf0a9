// Package api assembles exphub's HTTP surface: the GraphQL endpoint (built
// explicitly from gqlgen's parts, with a query cache, persisted queries and
// a complexity limit), the GraphiQL page, health and readiness probes,
// Prometheus metrics, CORS and request limits. It holds no business logic.
package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/trace"

	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/catalog"
	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/tracking"
	"github.com/exphub/exphub/internal/webhooks"
	"github.com/exphub/exphub/resolvers"
)

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options configures the handler.
type Options struct {
	Store           *store.Store
	Verifier        auth.Verifier
	Ready           Pinger
	CORSOrigins     []string
	MaxBodyBytes    int64
	ComplexityLimit int
	// Limits bound one GraphQL document and its response; zero fields
	// take DefaultLimits.
	Limits Limits
	// Callers bound what one caller may run at once and per second; zero
	// fields take DefaultCallerLimits.
	Callers CallerLimits
	Logger  *slog.Logger
	// TracerProvider, when set, traces requests (a server span per HTTP
	// request, continuing an incoming W3C traceparent) and GraphQL
	// operations; give the store the same provider for its spans.
	TracerProvider trace.TracerProvider
	// Events serves subscriptions over websockets; without it they are
	// UNAVAILABLE.
	Events *events.Hub
	// Validations runs validation suites (runValidation); without it
	// runValidation is UNAVAILABLE.
	Validations resolvers.Validator
	// Arrivals is what the server validates on arrival (its runner
	// follows it); nil: nothing.
	Arrivals *store.ArrivalFeed
	// Webhooks is where webhook receivers may be (EXPHUB_WEBHOOK_RECEIVERS);
	// nil: nowhere, and createWebhook refuses every URL.
	Webhooks *datasource.Allowlist
	// WebhookSeal seals the signing secrets of new and rotated receivers
	// (EXPHUB_WEBHOOK_SECRET_KEY); nil stores them as they are.
	WebhookSeal *webhooks.Sealer
	// Data opens dataset versions' data (runBiasCheck); without it bias
	// checks are UNAVAILABLE.
	Data governance.DataSource
	// Explorer is the built React explorer served at /; nil serves a page
	// that says how to build it.
	Explorer fs.FS
	// SignIn, when set, lets the explorer sign people in with OpenID
	// Connect (GET /auth/config tells it how); nil: pasted tokens only.
	SignIn *SignIn
	// OpenLineage says which project OpenLineage events land in (POST
	// /api/v1/lineage).
	OpenLineage openlineage.Config
	// Lineage, when set, is the OpenLineage service to use (its owner runs
	// and drains it); else one is made of OpenLineage.
	Lineage *openlineage.Service
	// Ingest bounds what one caller may send to the ingestion endpoints
	// at once and per second; zero fields take DefaultIngestLimits.
	Ingest CallerLimits
	// MLflow says which project MLflow experiments land in (the MLflow
	// REST API under /api/2.0/mlflow/).
	MLflow mlflow.Config
	// Metrics is the registry /metrics serves, whose instruments the
	// validation runner and the governance service report to; nil: the
	// handler makes one (and only its own governance service reports).
	Metrics *Metrics
	// Neo4jPoolSize is the driver's connection pool size, exported beside
	// the transactions in flight; 0: not exported.
	Neo4jPoolSize int
	// SeparateMetrics leaves /metrics off this handler (404): the wiring
	// serves Metrics.Handler on a listener of its own
	// (EXPHUB_METRICS_ADDR).
	SeparateMetrics bool
	// Artifacts says where MLflow artifacts are kept (the artifact proxy
	// under /api/2.0/mlflow-artifacts/); without a blob store the proxy
	// answers that the server keeps none.
	Artifacts mlflow.ArtifactsConfig
}

// NewHandler returns the hub's HTTP handler.
func NewHandler(o Options) http.Handler {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	reg := o.Metrics.reg
	m := newHTTPMetrics(reg, log)
	if o.Store != nil {
		reg.MustRegister(domainCollector{st: o.Store, hub: o.Events, poolSize: o.Neo4jPoolSize})
	}
	if q, ok := o.Validations.(validationQueue); ok {
		registerValidationQueue(reg, q)
	}
	m.tracerProvider = o.TracerProvider

	callers := newCallerLimiter(o.Callers)
	gql := newGraphQLServer(o, log, callers)
	c := cors.New(cors.Options{
		AllowedOrigins:   o.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Authorization", "Content-Type", BookmarkHeader},
		ExposedHeaders:   []string{BookmarkHeader},
		AllowCredentials: false,
		MaxAge:           600,
	})

	mux := http.NewServeMux()
	// A websocket carries its token in connection_init (browsers cannot
	// set headers on one), so upgrades skip the HTTP token check; the
	// websocket transport checks the origin and the token itself.
	chains := newCausalChains()
	httpGQL := c.Handler(limitBody(o.MaxBodyBytes, log, authenticate(o.Verifier, log, causalHTTP(chains, log, limitCallers(callers, log, codedErrors(gql))))))
	mux.Handle("/graphql", m.instrument("graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebsocketUpgrade(r) {
			gql.ServeHTTP(w, r)
			return
		}
		httpGQL.ServeHTTP(w, r)
	})))
	ol := o.Lineage
	if ol == nil {
		ol = openlineage.New(o.Store, o.OpenLineage)
	}
	registerLineageMetrics(reg, ol)
	ingest := newCallerLimiter(o.Ingest.orDefault(DefaultIngestLimits))
	mux.Handle("POST /api/v1/lineage", m.instrument("openlineage", limitBody(o.MaxBodyBytes, log,
		authenticate(o.Verifier, log, limitCallers(ingest, log, openLineageHandler(ol, o.MaxBodyBytes, log))))))
	// The MLflow clients get their own ingestion budget, so a training
	// loop's logging does not starve OpenLineage producers.
	mlfSvc := mlflow.New(o.Store, tracking.New(o.Store), o.MLflow)
	mlf := mlflowHandler(mlfSvc, mlflow.NewArtifacts(mlfSvc, o.Store, o.Artifacts), governanceOptions(o), o.Verifier,
		newCallerLimiter(o.Ingest.orDefault(DefaultIngestLimits)), chains, o.MaxBodyBytes, log)
	mux.Handle("/api/2.0/mlflow/", m.instrument("mlflow", mlf))
	mux.Handle("/api/3.0/mlflow/", m.instrument("mlflow", mlf))
	mux.Handle("/playground", m.instrument("playground", playground.Handler("exphub", "/graphql")))
	mux.Handle("GET /healthz", m.instrument("healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})))
	mux.Handle("GET /readyz", m.instrument("readyz", readyHandler(o.Ready, log)))
	mux.Handle("GET /auth/config", m.instrument("auth-config", signInHandler(o.SignIn)))
	if o.SeparateMetrics {
		// Not the explorer's page either (it answers every other path):
		// a scraper pointed here must see that nothing is served.
		mux.Handle("/metrics", http.NotFoundHandler())
	} else {
		mux.Handle("GET /metrics", o.Metrics.Handler())
	}
	mux.Handle("/", m.instrument("explorer", explorerHandler(o.Explorer)))
	// The artifact proxy sees its paths as sent: the mux would redirect a
	// ".." in one instead of refusing it.
	return mlflowArtifactPaths(m.instrument("mlflow", mlf), mux)
}

// governanceOptions are those of every governance service the handler
// builds (GraphQL's, the MLflow registry's): the metrics observe them all.
func governanceOptions(o Options) []governance.Option {
	if o.Metrics == nil {
		return nil
	}
	return []governance.Option{governance.WithObserver(o.Metrics)}
}

// newGraphQLServer builds the gqlgen server explicitly: POST, GET and
// websocket (graphql-transport-ws) transports, a parsed-query cache,
// automatic persisted queries, and a complexity limit in which a
// connection's first argument multiplies the cost of what is selected
// under it.
func newGraphQLServer(o Options, log *slog.Logger, callers *callerLimiter) *handler.Server {
	r := &resolvers.Resolver{Store: o.Store, Events: o.Events, Validations: o.Validations, Arrivals: o.Arrivals, Governance: governance.New(o.Store, o.Data, governanceOptions(o)...),
		Lineage: lineage.New(o.Store), Webhooks: webhooks.New(o.Store, o.Webhooks, o.WebhookSeal),
		Tracking: tracking.New(o.Store), Catalog: catalog.New(o.Store), Present: presenter(log),
		Registry: mlflow.New(o.Store, tracking.New(o.Store), o.MLflow).Registry(governanceOptions(o)...)}
	cfg := graph.Config{Resolvers: r}
	setComplexity(&cfg.Complexity)
	limits := o.Limits.withDefaults()
	srv := handler.New(graph.NewExecutableSchema(cfg))
	srv.AddTransport(sharedWebsocket{Websocket: websocketTransport(o, log), groups: newSubscriptionGroups(presenter(log))})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(limits.MaxTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	// After persisted queries put the document in place, before gqlgen
	// parses and validates it.
	srv.Use(newDocumentLimits(limits))
	srv.Use(&costLimit{limit: o.ComplexityLimit, callers: callers})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return limits.aroundOperations(store.LimitConcurrency(ctx, callers.limits.DBConcurrency), next)
	})
	srv.AroundFields(aroundFields)
	srv.AroundOperations(r.AroundOperations)
	if o.TracerProvider != nil {
		srv.Use(tracing{tracer: o.TracerProvider.Tracer("github.com/exphub/exphub/internal/api")})
	}
	srv.SetErrorPresenter(presenter(log))
	srv.SetRecoverFunc(recoverer(log))
	return srv
}

// limitBody rejects request bodies over max bytes with 413 before anything
// parses them.
func limitBody(max int64, log *slog.Logger, next http.Handler) http.Handler {
	tooLarge := fmt.Errorf("%w: request body over the limit of %d bytes", errs.TooLarge, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			writeError(w, r, log, tooLarge)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
		if err != nil {
			writeError(w, r, log, errs.Invalidf("could not read the request body"))
			return
		}
		if int64(len(body)) > max {
			writeError(w, r, log, tooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// authenticate verifies the request's token with v (auth.Authenticate,
// the path websockets take too) and puts its principal in the context;
// a request without a good one gets 401.
func authenticate(v auth.Verifier, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *auth.Principal
		var err error
		if vals := r.Header.Values("Authorization"); len(vals) > 1 {
			err = fmt.Errorf("%w: more than one Authorization header", errs.Unauthenticated)
		} else {
			p, err = auth.Authenticate(r.Context(), v, r.Header.Get("Authorization"))
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

func readyHandler(p Pinger, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := p.Ping(ctx); err != nil {
			log.WarnContext(ctx, "readyz: not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}
