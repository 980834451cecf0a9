// Package server wires the hub together: Neo4j driver, store, migrations,
// token verifier and HTTP handler, and runs the HTTP server until its
// context ends. It keeps serving while Neo4j is down: /readyz answers 503,
// requests get UNAVAILABLE, and migrations are retried until Neo4j returns.
//
// It owns wiring and the process's lifecycle only: every rule it relies on
// lives in a domain package, every wire format at the edge.
package server

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"go.opentelemetry.io/otel/trace"

	"github.com/exphub/exphub/frontend"
	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/checkpoint"
	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/demo"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/blobs"
	"github.com/exphub/exphub/internal/telemetry"
	"github.com/exphub/exphub/internal/validation"
	"github.com/exphub/exphub/internal/webhooks"
)

// Run serves the hub until ctx ends, then shuts down gracefully.
func Run(ctx context.Context, cfg *config.Config, stdout io.Writer) error {
	log := newLogger(cfg, os.Stderr)
	driver, err := NewDriver(cfg)
	if err != nil {
		return err
	}
	defer driver.Close(context.WithoutCancel(ctx))
	// Traces go to the OTLP collector the OTEL_* variables name (none:
	// tracing is off). Shutting down flushes the spans not yet sent.
	tp, err := telemetry.Setup(ctx, os.Getenv)
	if err != nil {
		return err
	}
	storeOpts := []store.Option{store.WithRules(governance.Rules)}
	var tracerProvider trace.TracerProvider
	if tp != nil {
		tracerProvider = tp
		storeOpts = append(storeOpts, store.WithTracerProvider(tp))
		defer func() {
			flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := tp.Shutdown(flush); err != nil {
				log.Warn("tracing: spans not sent at shutdown", "err", err)
			}
		}()
		log.Info("tracing: exporting spans over OTLP/HTTP")
	}
	st := store.New(driver, cfg.Neo4jDatabase, storeOpts...)

	verifier, closeVerifier, err := newVerifier(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeVerifier()

	ready := &readiness{store: st, log: log}
	migrated := make(chan struct{})
	// Background work that uses the driver ends before the driver closes
	// (defers run last first).
	var background sync.WaitGroup
	defer background.Wait()
	bgCtx, stopBackground := context.WithCancel(ctx)
	defer stopBackground()
	background.Go(func() { ready.migrateUntilDone(bgCtx, migrated) })
	background.Go(func() {
		// Not before the migrations' first connection: neo4j-go-driver
		// v5.28.4 initialises its dialer lazily, and two first connections
		// race.
		select {
		case <-migrated:
			ready.monitor(bgCtx, probeEvery, probeTimeout)
		case <-bgCtx.Done():
		}
	})

	// One follower of the event log per process serves every subscriber;
	// local writes wake it at once, other replicas' writes within a poll.
	hub := events.New(st, events.Options{Logger: log})
	// What a local append wakes: the subscriptions' follower, and below,
	// validation on arrival and webhook delivery.
	wakers := []func(){hub.Notify}
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	hubDone := make(chan struct{})
	go func() {
		defer close(hubDone)
		// The log's head exists once migrations ran; waiting for them also
		// keeps the driver's first connections from racing each other
		// (neo4j-go-driver v5.28.4 initialises its dialer lazily).
		select {
		case <-migrated:
		case <-hubCtx.Done():
			return
		}
		hub.Run(hubCtx)
	}()
	defer func() { stopHub(); <-hubDone }()

	// Validation runs are evaluated in the background, a few at a time.
	// Stopping the runner (deferred after the driver's close, so it runs
	// first) cancels the runs in flight and waits until each recorded
	// itself as ERROR INTERRUPTED; its sweep, started once migrations ran,
	// ends runs that a dead replica left RUNNING. It reports the runs it
	// records to the registry /metrics serves, as the handler's
	// governance service reports promotions.
	metrics := api.NewMetrics()
	sources, err := datasource.ParseAllowlist(cfg.ValidationSources)
	if err != nil {
		return fmt.Errorf("EXPHUB_VALIDATION_SOURCES: %w", err)
	}
	remote := datasource.NewOpener(sources, nil, blobs.S3Access{Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, PathStyle: cfg.S3PathStyle})
	runner := validation.New(st, validation.Options{Concurrency: cfg.ValidationConcurrency, Timeout: cfg.ValidationTimeout,
		FileRoots: cfg.ValidationFileRoots, Remote: remote, Logger: log, Observer: metrics})
	defer runner.Stop()
	background.Go(func() {
		select {
		case <-migrated:
			runner.Run(bgCtx)
		case <-bgCtx.Done():
		}
	})
	// Validation on arrival: the runner follows the registrations in the
	// log from a cursor in the store and starts the suites that apply, as
	// its queue has room.
	arrivals := arrivalFeed(cfg.ValidationOnArrival)
	if arrivals != nil {
		// This replica's registrations wake it at once; other replicas'
		// are seen within a second.
		wakers = append(wakers, runner.Wake)
		background.Go(func() {
			select {
			case <-migrated:
				runner.FollowArrivals(bgCtx, st, *arrivals, time.Second)
			case <-bgCtx.Done():
			}
		})
	}

	// Webhooks: every replica delivers, a receiver at a time each (a
	// lease in the store keeps one receiver's deliveries in order).
	receivers, err := datasource.ParseAllowlist(cfg.WebhookReceivers)
	if err != nil {
		return fmt.Errorf("EXPHUB_WEBHOOK_RECEIVERS: %w", err)
	}
	seal, err := webhooks.ParseSealerKey(cfg.WebhookSecretKey)
	if err != nil {
		return fmt.Errorf("EXPHUB_WEBHOOK_SECRET_KEY: %w", err)
	}
	if delivery := arrivalFeed(cfg.WebhookDelivery); delivery != nil {
		dispatcher := webhooks.NewDispatcher(st, webhooks.Options{Allow: receivers, ProjectKeys: delivery.ProjectKeys, Seal: seal,
			MaxAttempts: cfg.WebhookAttempts, Backoff: cfg.WebhookBackoff, MaxBackoff: cfg.WebhookBackoffMax, Timeout: cfg.WebhookTimeout,
			Logger: log, Observer: metrics})
		wakers = append(wakers, dispatcher.Wake)
		background.Go(func() {
			select {
			case <-migrated:
				dispatcher.Run(bgCtx)
			case <-bgCtx.Done():
			}
		})
	}
	st.OnAppend(func() {
		for _, wake := range wakers {
			wake()
		}
	})

	// The event log's head is signed every interval with the operator's
	// key (any replica may: the store keeps one checkpoint per seq), and
	// every replica checks the stored log against the checkpoints, at
	// start-up and every interval: a mismatch is an error in the log and
	// exphub_event_log_checkpoint_mismatch, while /readyz stays up.
	checkpoints := checkpoint.New(st, checkpoint.Options{Key: cfg.CheckpointKey, Interval: cfg.CheckpointInterval,
		Logger: log, Observer: metrics.Checkpoints()})
	if checkpoints.Signing() {
		log.Info("event log checkpoints: signing the head when it moved", "every", cfg.CheckpointInterval.String(),
			"keyId", hashchain.KeyID(cfg.CheckpointKey.Public().(ed25519.PublicKey)))
	} else {
		log.Warn("event log checkpoints: none signed (EXPHUB_CHECKPOINT_KEY_FILE is unset): evidence packs carry no checkpoint and a truncated log is not detected; existing checkpoints are still checked")
	}
	background.Go(func() {
		select {
		case <-migrated:
			checkpoints.Run(bgCtx)
		case <-bgCtx.Done():
		}
	})

	// MLflow artifacts' bytes, content-addressed under the artifact root.
	artifacts := mlflow.ArtifactsConfig{MaxFileBytes: cfg.ArtifactMaxBytes}
	if cfg.ArtifactRoot != "" {
		b, err := newBlobs(ctx, cfg)
		if err != nil {
			return fmt.Errorf("EXPHUB_ARTIFACT_ROOT=%s: %w", cfg.ArtifactRoot, err)
		}
		artifacts.Blobs = b
	}

	// OpenLineage events recorded and not yet applied: this replica's
	// are applied as they come, and Run applies those a stopped replica
	// left (drain waits for this replica's before exiting).
	lineage := openlineage.New(st, openlineage.Config{Projects: cfg.OpenLineageProjects,
		DefaultProject: cfg.OpenLineageDefaultProject, Ack: cfg.OpenLineageAck, MaxBacklog: cfg.OpenLineageMaxBacklog,
		Logger: log})
	background.Go(func() {
		select {
		case <-migrated:
			lineage.Run(bgCtx)
		case <-bgCtx.Done():
		}
	})

	h := api.NewHandler(api.Options{Store: st, Verifier: verifier, Ready: ready, CORSOrigins: cfg.CORSOrigins, TracerProvider: tracerProvider,
		MaxBodyBytes: cfg.MaxBodyBytes, ComplexityLimit: cfg.ComplexityLimit, Limits: Limits(cfg), Callers: CallerLimits(cfg),
		Logger: log, Events: hub, Validations: runner, Data: runner, Arrivals: arrivals, Webhooks: receivers, WebhookSeal: seal,
		Explorer:  frontend.App(),
		SignIn:    signIn(cfg),
		Lineage:   lineage,
		MLflow:    mlflow.Config{DefaultProject: cfg.MLflowDefaultProject},
		Artifacts: artifacts,
		Metrics:   metrics, SeparateMetrics: cfg.MetricsAddr != "", Neo4jPoolSize: Neo4jPoolSize})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("EXPHUB_ADDR=%s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	metricsURL := "http://" + displayAddr(ln.Addr().String()) + "/metrics"
	// With EXPHUB_METRICS_ADDR, /metrics has a listener of its own (kept
	// off the public network) and the main one answers it 404.
	var msrv *http.Server
	var mln net.Listener
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("EXPHUB_METRICS_ADDR=%s: %w", cfg.MetricsAddr, err)
		}
		msrv = newMetricsServer(metrics, log)
		metricsURL = "http://" + displayAddr(mln.Addr().String()) + "/metrics"
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if msrv != nil {
		go func() { errc <- msrv.Serve(mln) }()
	}
	log.Info("exphub listening", "addr", ln.Addr().String(), "metrics", metricsURL, "neo4j", cfg.Neo4jURI, "dev", cfg.Dev)

	if cfg.Dev {
		background.Go(func() { devSetup(bgCtx, st, cfg, ln.Addr().String(), metricsURL, migrated, stdout, log) })
	}

	select {
	case err := <-errc:
		srv.Close()
		if msrv != nil {
			msrv.Close()
		}
		return err
	case <-ctx.Done():
	}
	return drain(srv, msrv, ready, stopHub, lineage, cfg, log)
}

// newMetricsServer serves /metrics alone, for EXPHUB_METRICS_ADDR.
func newMetricsServer(m *api.Metrics, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// drain shuts the server down as a rolling update needs: /readyz says 503
// at once, requests keep being served for cfg.ShutdownDelay (while load
// balancers take the replica out), subscriptions complete (clients
// resume on another replica from their last cursor), the listener
// closes, and requests in flight finish within cfg.ShutdownTimeout;
// what is still open then is closed. The OpenLineage events this replica
// recorded are applied within the same timeout, or stay pending for
// another replica. The metrics listener (msrv, when EXPHUB_METRICS_ADDR
// gives one) closes last, so the drain itself can be scraped.
func drain(srv, msrv *http.Server, ready *readiness, stopHub func(), lineage *openlineage.Service, cfg *config.Config, log *slog.Logger) error {
	ready.draining.Store(true)
	log.Info("shutting down", "delay", cfg.ShutdownDelay.String(), "timeout", cfg.ShutdownTimeout.String())
	if cfg.ShutdownDelay > 0 {
		time.Sleep(cfg.ShutdownDelay)
	}
	stopHub()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if msrv != nil {
		defer func() {
			if err := msrv.Shutdown(ctx); err != nil {
				msrv.Close()
			}
		}()
	}
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: requests still in flight after EXPHUB_SHUTDOWN_TIMEOUT=%s were cut: %w", cfg.ShutdownTimeout, err)
	}
	// Recorded OpenLineage events are durable; those not applied in time
	// stay pending for another replica.
	if err := lineage.Drain(ctx); err != nil {
		log.Warn("shutdown: " + err.Error())
	}
	return nil
}

// Limits are the GraphQL document and response limits of cfg.
func Limits(cfg *config.Config) api.Limits {
	return api.Limits{MaxTokens: cfg.MaxTokens, MaxDepth: cfg.MaxDepth, MaxFragments: cfg.MaxFragments, MaxSpreads: cfg.MaxSpreads,
		MaxSelections: cfg.MaxSelections, MaxRepeats: cfg.MaxRepeats, MaxObjects: cfg.MaxObjects}
}

// CallerLimits are the per-caller limits of cfg.
func CallerLimits(cfg *config.Config) api.CallerLimits {
	return api.CallerLimits{Concurrent: cfg.CallerConcurrency, Rate: cfg.CallerRate, Burst: cfg.CallerBurst, DBConcurrency: cfg.OperationDBConcurrency,
		CostRate: cfg.CallerCostRate, CostBurst: cfg.CallerCostBurst}
}

// Neo4jPoolSize is the most connections a replica's driver opens to Neo4j.
const Neo4jPoolSize = 100

// NewDriver opens a Neo4j driver for cfg. It does not connect: the driver
// connects on first use and reconnects by itself.
func NewDriver(cfg *config.Config) (neo4j.DriverWithContext, error) {
	d, err := neo4j.NewDriverWithContext(cfg.Neo4jURI, neo4j.BasicAuth(cfg.Neo4jUser, cfg.Neo4jPassword, ""),
		func(c *neo4jconfig.Config) {
			c.SocketConnectTimeout = 5 * time.Second
			c.ConnectionAcquisitionTimeout = 10 * time.Second
			c.MaxTransactionRetryTime = 10 * time.Second
			c.MaxConnectionPoolSize = Neo4jPoolSize
		})
	if err != nil {
		return nil, fmt.Errorf("EXPHUB_NEO4J_URI: %w", err)
	}
	return d, nil
}

func newVerifier(ctx context.Context, cfg *config.Config) (auth.Verifier, func(), error) {
	opts := auth.Options{Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, Algorithms: cfg.JWTAlgorithms,
		RolesClaim: cfg.JWTRolesClaim, GroupsClaim: cfg.JWTGroupsClaim, GroupRoles: cfg.JWTGroupRoles}
	if cfg.JWKSURL != "" {
		v, err := auth.NewJWKSVerifier(ctx, cfg.JWKSURL, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("EXPHUB_JWT_JWKS_URL: %w", err)
		}
		return v, v.Close, nil
	}
	opts.Algorithms = nil
	v, err := auth.NewHMACVerifier([]byte(cfg.JWTSecret), opts)
	if err != nil {
		return nil, nil, fmt.Errorf("EXPHUB_JWT_SECRET: %w", err)
	}
	return v, func() {}, nil
}

// signIn is the explorer's single sign-on, nil when EXPHUB_OIDC_CLIENT_ID
// is unset.
func signIn(cfg *config.Config) *api.SignIn {
	if cfg.OIDCClientID == "" {
		return nil
	}
	return &api.SignIn{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, Scopes: cfg.OIDCScopes,
		Resource: cfg.OIDCResource, ProviderName: cfg.OIDCProviderName}
}

// newBlobs is the blob store the artifact root names: an S3 bucket for an
// s3:// URL (checked for credentials and reachability now, so a bad setting
// stops start-up), else a local directory.
func newBlobs(ctx context.Context, cfg *config.Config) (mlflow.Blobs, error) {
	if strings.HasPrefix(cfg.ArtifactRoot, blobs.S3Scheme) {
		return blobs.NewS3(ctx, blobs.S3Config{Root: cfg.ArtifactRoot, Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, PathStyle: cfg.S3PathStyle})
	}
	return blobs.NewLocal(cfg.ArtifactRoot)
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	// A line logged during a traced request carries its trace_id.
	if cfg.LogFormat == "text" {
		return slog.New(telemetry.WithTraceIDs(slog.NewTextHandler(w, opts)))
	}
	return slog.New(telemetry.WithTraceIDs(slog.NewJSONHandler(w, opts)))
}

// Readiness probing: Neo4j is probed every probeEvery, and a probe it does
// not answer within probeTimeout counts as an outage.
const (
	probeEvery   = time.Second
	probeTimeout = 2 * time.Second
)

// prober is what readiness asks Neo4j through.
type prober interface {
	Migrate(ctx context.Context) error
	Probe(ctx context.Context) error
	Reachable() bool
}

// readiness answers /readyz: ready once migrations have been applied and
// while Neo4j answers. A background monitor probes Neo4j; /readyz reads
// its latest answer and never waits on the database, so it answers at
// once even while Neo4j hangs.
type readiness struct {
	store    prober
	log      *slog.Logger
	migrated atomic.Bool
	// draining is set when shutdown begins: load balancers stop sending
	// new requests while those in flight finish.
	draining atomic.Bool
	// last holds the latest probe's error (nil when Neo4j answered); it is
	// unset until the first probe ends.
	last atomic.Pointer[error]
}

// Ping reports readiness without any I/O.
func (r *readiness) Ping(context.Context) error {
	if r.draining.Load() {
		return errors.New("shutting down")
	}
	if !r.migrated.Load() {
		return errors.New("schema migrations not applied yet")
	}
	last := r.last.Load()
	switch {
	case last == nil:
		return errors.New("Neo4j not probed yet")
	case *last != nil:
		return *last
	case !r.store.Reachable():
		return errors.New("Neo4j was unreachable moments ago")
	}
	return nil
}

// monitor probes Neo4j until ctx ends.
func (r *readiness) monitor(ctx context.Context, every, timeout time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		err := r.store.Probe(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if prev := r.last.Swap(&err); (prev == nil || *prev == nil) != (err == nil) {
			if err != nil {
				r.log.Warn("Neo4j does not answer", "err", err)
			} else {
				r.log.Info("Neo4j answers")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// migrateUntilDone applies the schema migrations, retrying with backoff
// while Neo4j is unreachable, and closes done when they are applied.
func (r *readiness) migrateUntilDone(ctx context.Context, done chan<- struct{}) {
	backoff := 500 * time.Millisecond
	for {
		err := r.store.Migrate(ctx)
		if err == nil {
			r.migrated.Store(true)
			close(done)
			r.log.Info("schema migrations applied")
			return
		}
		r.log.Warn("schema migrations failed; retrying", "err", err, "in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// devSetup seeds the demo data once and prints the sign-in banner.
func devSetup(ctx context.Context, st *store.Store, cfg *config.Config, addr, metricsURL string, migrated <-chan struct{}, stdout io.Writer, log *slog.Logger) {
	select {
	case <-ctx.Done():
		return
	case <-migrated:
	}
	if sc, err := demo.Seed(ctx, st, demo.DefaultKeys, time.Now()); err != nil {
		if !errors.Is(err, errs.Conflict) {
			log.Error("demo seed failed", "err", err)
		}
	} else if err := demo.SeedQuality(ctx, st, sc, time.Now()); err != nil {
		log.Error("demo quality seed failed", "err", err)
	} else if _, err := demo.SeedGovernance(ctx, st, demo.DefaultKeys, sc, demoDir()); err != nil {
		log.Error("demo governance seed failed", "err", err)
	} else {
		log.Info("demo data seeded", "projects", "fraud, churn")
	}
	if p := cfg.OpenLineageDefaultProject; p != "" {
		_, err := st.CreateProject(ctx, demo.Actor, store.CreateProjectInput{Key: p, Name: "Pipelines (OpenLineage)"})
		if err != nil && !errors.Is(err, errs.Conflict) {
			log.Error("OpenLineage default project", "project", p, "err", err)
		}
	}
	if p := cfg.MLflowDefaultProject; p != "" {
		_, err := st.CreateProject(ctx, demo.Actor, store.CreateProjectInput{Key: p, Name: "MLflow experiments"})
		if err != nil && !errors.Is(err, errs.Conflict) {
			log.Error("MLflow default project", "project", p, "err", err)
		}
	}
	token, err := auth.NewDevToken([]byte(cfg.JWTSecret), "demo", map[string]auth.Role{"*": auth.RoleAdmin}, 24*time.Hour, time.Now())
	if err != nil {
		log.Error("dev token", "err", err)
		return
	}
	base := "http://" + displayAddr(addr)
	fmt.Fprintf(stdout, `
exphub is running (development mode)
  Explorer    %[1]s/?token=%[2]s
              (signs you in as the demo user)
  GraphQL     %[1]s/graphql
  GraphiQL    %[1]s/playground   (add the header  Authorization: Bearer <token>)
  health      %[1]s/healthz   %[1]s/readyz   %[5]s

Development token (user "demo", admin of every project, valid 24h):
%[2]s

Try:
  curl -s %[1]s/graphql -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"query":"{ me { subject } projects { edges { node { key name } } } }"}'
More tokens: go run ./cmd/hubctl token --sub alice --role fraud=contributor
Live events: EXPHUB_TOKEN=<token> go run ./cmd/hubctl watch
OpenLineage: point a client at %[1]s (endpoint api/v1/lineage, api_key = the token);
  unmapped namespaces land in project %[3]s
MLflow:      MLFLOW_TRACKING_URI=%[1]s MLFLOW_TRACKING_TOKEN=<token>;
  experiments named without project/ land in project %[4]s
`, base, token, cfg.OpenLineageDefaultProject, cfg.MLflowDefaultProject, metricsURL)
}

// demoDir is where the demo writes the files its bias check reads.
func demoDir() string {
	dir := filepath.Join(os.TempDir(), "exphub-demo")
	_ = os.MkdirAll(dir, 0o755)
	return dir
}

func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "127.0.0.1" || host == "::" || host == "" || host == "0.0.0.0" || host == "::1" {
		return "localhost:" + port
	}
	return addr
}

// arrivalFeed is the feed EXPHUB_VALIDATION_ON_ARRIVAL names (or the
// projects EXPHUB_WEBHOOK_DELIVERY does); nil: none.
func arrivalFeed(projects []string) *store.ArrivalFeed {
	switch {
	case len(projects) == 0:
		return nil
	case slices.Contains(projects, config.ValidateAll):
		return &store.ArrivalFeed{}
	}
	return &store.ArrivalFeed{ProjectKeys: projects}
}
