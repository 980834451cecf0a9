// Package config loads the server's configuration: defaults, then EXPHUB_*
// environment variables, then command-line flags. It is strict: an unknown
// EXPHUB_* variable, an unknown flag or a malformed value stops start-up
// with a message naming the key.
//
// It owns the server's settings, not what they do: wiring (internal/
// server) reads them. It must not import the store or a domain package.
package config

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// DevNeo4jPassword is the password deploy/neo4j/neo4j.sh sets by default;
// dev mode uses it when EXPHUB_NEO4J_PASSWORD is unset.
const DevNeo4jPassword = "exphub-dev-password"

// DevOpenLineageProject is the project unmapped OpenLineage namespaces land
// in in development mode; the server creates it there.
const DevOpenLineageProject = "pipelines"

// DevMLflowProject is the project MLflow experiments whose name names no
// project land in in development mode; the server creates it there.
const DevMLflowProject = "mlflow"

// DevArtifactRoot is where artifacts are kept in development mode when
// EXPHUB_ARTIFACT_ROOT is unset (relative to the working directory).
const DevArtifactRoot = ".data/artifacts"

// DefaultOIDCScopes are the scopes the explorer asks the OpenID provider
// for unless EXPHUB_OIDC_SCOPES says otherwise.
const DefaultOIDCScopes = "openid profile"

// Config is the validated server configuration.
type Config struct {
	Addr string
	// MetricsAddr, when set, is a second listener that serves /metrics
	// alone, and the main one (Addr) no longer serves it; empty: /metrics
	// is on Addr.
	MetricsAddr   string
	Neo4jURI      string
	Neo4jUser     string
	Neo4jPassword string
	Neo4jDatabase string
	JWTSecret     string
	JWKSURL       string
	JWTIssuer     string
	JWTAudience   string
	JWTAlgorithms []string
	// JWTGroupsClaim names the token claim holding the caller's groups
	// (a JSON array of strings), which promotion policies may require.
	JWTGroupsClaim string
	// JWTRolesClaim names the token claim holding the caller's roles, a
	// JSON object mapping project keys to role names.
	JWTRolesClaim string
	// JWTGroupRoles grants roles to the members of groups (see
	// auth.ParseGroupRoles for its form).
	JWTGroupRoles auth.GroupRoles
	// OIDCClientID, when set, lets the explorer sign people in with
	// OpenID Connect (authorization code with PKCE, a public client) at
	// OIDCIssuer (EXPHUB_JWT_ISSUER unless set), asking for OIDCScopes and,
	// when set, an access token for the resource OIDCResource (RFC 8707).
	// OIDCProviderName names the provider on the sign-in button (the
	// issuer's host unless set). It needs EXPHUB_JWT_JWKS_URL: the
	// provider's tokens are verified with its keys.
	OIDCClientID     string
	OIDCIssuer       string
	OIDCScopes       []string
	OIDCResource     string
	OIDCProviderName string
	CORSOrigins      []string
	MaxBodyBytes     int64
	ComplexityLimit  int
	// GraphQL document and response limits (see api.Limits).
	MaxTokens, MaxDepth, MaxFragments, MaxSpreads, MaxSelections, MaxRepeats, MaxObjects int
	// Per-caller limits (see api.CallerLimits).
	CallerConcurrency, CallerBurst, OperationDBConcurrency, CallerCostBurst int
	CallerRate, CallerCostRate                                              float64
	LogLevel                                                                string
	LogFormat                                                               string
	ShutdownTimeout                                                         time.Duration
	ShutdownDelay                                                           time.Duration
	// ValidationFileRoots are the directories whose files validation runs
	// may read through a local path or file:// URI; none means local files
	// are refused (dev mode: "/", any file).
	ValidationFileRoots []string
	// ValidationSources are the remote sources (http(s), s3://, gs:// and
	// az:// URL prefixes, see datasource.Allowlist) validation runs may read; none
	// means remote data is refused (dev mode: "*", any).
	ValidationSources []string
	// ValidationConcurrency bounds the validation runs evaluated at once.
	ValidationConcurrency int
	// ValidationTimeout bounds one validation run, queueing included.
	ValidationTimeout time.Duration
	// ValidationOnArrival says whose dataset versions are validated on
	// arrival by their suites: ValidateAll for every project, else the
	// listed project keys; empty: nobody's.
	ValidationOnArrival []string
	// WebhookReceivers are the URL prefixes (http(s)) webhook receivers
	// may be at (see datasource.Allowlist); none refuses every receiver
	// (dev mode: "*", any).
	WebhookReceivers []string
	// WebhookSecretKey seals webhook signing secrets at rest: 32 bytes in
	// base64; empty stores them as they are.
	WebhookSecretKey string
	// WebhookDelivery says whose receivers this replica delivers to:
	// ValidateAll for every project, else the listed project keys;
	// empty: nobody's.
	WebhookDelivery []string
	// WebhookAttempts is how many times a delivery is tried before its
	// receiver is parked; WebhookBackoff the wait after the first failure,
	// doubled up to WebhookBackoffMax; WebhookTimeout bounds one attempt.
	WebhookAttempts                                   int
	WebhookBackoff, WebhookBackoffMax, WebhookTimeout time.Duration
	// Dev enables development defaults (the dev JWT secret and Neo4j
	// password), seeds the demo data and prints a sign-in banner.
	Dev bool
	// OpenLineageProjects maps OpenLineage namespaces to project keys;
	// OpenLineageDefaultProject takes the rest (DevOpenLineageProject in
	// development mode when unset; else unmapped namespaces are refused).
	OpenLineageProjects       map[string]string
	OpenLineageDefaultProject string
	// OpenLineageAck is when an OpenLineage event is acknowledged, and
	// OpenLineageMaxBacklog how many events a replica holds recorded and
	// not yet applied.
	OpenLineageAck        openlineage.Ack
	OpenLineageMaxBacklog int
	// MLflowDefaultProject takes MLflow experiments whose name is not
	// "project/experiment" (DevMLflowProject in development mode when
	// unset; else such names are refused).
	MLflowDefaultProject string
	// ArtifactRoot is the directory MLflow artifacts are kept in,
	// content-addressed, or an s3://bucket/prefix URL (DevArtifactRoot in
	// development mode when unset; else the server keeps no artifacts and
	// the artifact proxy says so).
	ArtifactRoot string
	// ArtifactMaxBytes bounds one artifact file.
	ArtifactMaxBytes int64
	// S3Endpoint, S3Region and S3PathStyle say how an s3:// ArtifactRoot
	// is reached: an S3-compatible service's URL (empty: AWS), the
	// bucket's region, and path-style addressing. Credentials come from
	// the AWS SDK's standard chain, not from here.
	S3Endpoint  string
	S3Region    string
	S3PathStyle bool
	// CheckpointKeyFile is a PEM file holding the operator's Ed25519
	// private key (PKCS#8) that signs checkpoints of the event log's
	// head; empty: no checkpoints. CheckpointKey is the key read from it
	// when the configuration is loaded.
	CheckpointKeyFile string
	CheckpointKey     ed25519.PrivateKey
	// CheckpointInterval is how often the head is signed when it moved,
	// and the stored log checked against the checkpoints.
	CheckpointInterval time.Duration
}

// setting is one configuration key, settable as EXPHUB_<NAME> and as the
// flag -<flag>.
type setting struct {
	env, flag, def, help string
	set                  func(c *Config, v string) error
}

func str(dst func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *dst(c) = v; return nil }
}

// intIn parses an integer between lo and hi into dst.
func intIn(lo, hi int, dst func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("must be an integer between %d and %d", lo, hi)
		}
		*dst(c) = n
		return nil
	}
}

// projects parses *, none or project keys into dst: []string{"*"},
// nil, or the keys.
func projects(dst func(*Config) *[]string) func(*Config, string) error {
	return func(c *Config, v string) error {
		v = strings.TrimSpace(v)
		switch v {
		case ValidateAll:
			*dst(c) = []string{ValidateAll}
			return nil
		case "none", "":
			*dst(c) = nil
			return nil
		}
		keys := strings.Split(v, ",")
		for i, k := range keys {
			keys[i] = strings.TrimSpace(k)
			if err := store.CheckProjectKey("project", keys[i]); err != nil {
				return fmt.Errorf("must be *, none or project keys: %w", err)
			}
		}
		*dst(c) = keys
		return nil
	}
}

// positive parses a duration of at least a millisecond into dst.
func positive(dst func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Millisecond {
			return errors.New("must be a duration such as 5s")
		}
		*dst(c) = d
		return nil
	}
}

// ValidateAll in EXPHUB_VALIDATION_ON_ARRIVAL and EXPHUB_WEBHOOK_DELIVERY is
// every project.
const ValidateAll = "*"

func list(dst func(*Config) *[]string) func(*Config, string) error {
	return func(c *Config, v string) error {
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		*dst(c) = out
		return nil
	}
}

var settings = []setting{
	{"EXPHUB_ADDR", "addr", "127.0.0.1:8080", "listen address (host:port)", str(func(c *Config) *string { return &c.Addr })},
	{"EXPHUB_METRICS_ADDR", "metrics-addr", "", "listen address (host:port) of a second listener that serves only /metrics, which EXPHUB_ADDR then no longer serves (keep it off the public network); empty: /metrics on EXPHUB_ADDR",
		str(func(c *Config) *string { return &c.MetricsAddr })},
	{"EXPHUB_NEO4J_URI", "neo4j-uri", "bolt://127.0.0.1:7687", "Neo4j URI (bolt://, neo4j://, +s/+ssc variants)", str(func(c *Config) *string { return &c.Neo4jURI })},
	{"EXPHUB_NEO4J_USER", "neo4j-user", "neo4j", "Neo4j user", str(func(c *Config) *string { return &c.Neo4jUser })},
	{"EXPHUB_NEO4J_PASSWORD", "neo4j-password", "", "Neo4j password (dev mode default: " + DevNeo4jPassword + ")", str(func(c *Config) *string { return &c.Neo4jPassword })},
	{"EXPHUB_NEO4J_DATABASE", "neo4j-database", "neo4j", "Neo4j database name", str(func(c *Config) *string { return &c.Neo4jDatabase })},
	{"EXPHUB_JWT_SECRET", "jwt-secret", "", "HS256 secret for development tokens (at least 32 bytes)", str(func(c *Config) *string { return &c.JWTSecret })},
	{"EXPHUB_JWT_JWKS_URL", "jwt-jwks-url", "", "JWKS URL of the OIDC provider (production; RS256/ES256)", str(func(c *Config) *string { return &c.JWKSURL })},
	{"EXPHUB_JWT_ISSUER", "jwt-issuer", "", "required token issuer (iss)", str(func(c *Config) *string { return &c.JWTIssuer })},
	{"EXPHUB_JWT_AUDIENCE", "jwt-audience", "", "required token audience (aud)", str(func(c *Config) *string { return &c.JWTAudience })},
	{"EXPHUB_JWT_ALGORITHMS", "jwt-algorithms", "RS256,ES256", "accepted JWKS algorithms, comma-separated", list(func(c *Config) *[]string { return &c.JWTAlgorithms })},
	{"EXPHUB_JWT_GROUPS_CLAIM", "jwt-groups-claim", auth.DefaultGroupsClaim, "token claim holding the caller's groups (a JSON array of strings)", str(func(c *Config) *string { return &c.JWTGroupsClaim })},
	{"EXPHUB_JWT_ROLES_CLAIM", "jwt-roles-claim", auth.DefaultRolesClaim, "token claim holding the caller's roles (a JSON object mapping project key to role name)", str(func(c *Config) *string { return &c.JWTRolesClaim })},
	{"EXPHUB_JWT_GROUP_ROLES", "jwt-group-roles", "", "roles granted to the members of groups in the groups claim, as group=project:role,… (project * is every project), e.g. risk=credit:approver,ml-platform=*:contributor", func(c *Config, v string) error {
		m, err := auth.ParseGroupRoles(v)
		if err != nil {
			return err
		}
		for group, grants := range m {
			for _, g := range grants {
				if g.Project == auth.AllProjects {
					continue
				}
				if err := store.CheckProjectKey("project of group "+strconv.Quote(group), g.Project); err != nil {
					return err
				}
			}
		}
		c.JWTGroupRoles = m
		return nil
	}},
	{"EXPHUB_OIDC_CLIENT_ID", "oidc-client-id", "", "client ID of the explorer at the OpenID provider (a public client, authorization code with PKCE); set, the explorer offers single sign-on (needs EXPHUB_JWT_JWKS_URL)", str(func(c *Config) *string { return &c.OIDCClientID })},
	{"EXPHUB_OIDC_ISSUER", "oidc-issuer", "", "issuer the explorer signs in at, its discovery document at <issuer>/.well-known/openid-configuration (default: EXPHUB_JWT_ISSUER)", str(func(c *Config) *string { return &c.OIDCIssuer })},
	{"EXPHUB_OIDC_SCOPES", "oidc-scopes", DefaultOIDCScopes, "scopes the explorer asks for, space-separated; openid is required", func(c *Config, v string) error {
		c.OIDCScopes = strings.Fields(v)
		return nil
	}},
	{"EXPHUB_OIDC_RESOURCE", "oidc-resource", "", "resource indicator (RFC 8707) the explorer asks an access token for, an absolute URI, for providers that issue JWT access tokens per resource; empty: none sent", str(func(c *Config) *string { return &c.OIDCResource })},
	{"EXPHUB_OIDC_PROVIDER_NAME", "oidc-provider-name", "", "name of the provider on the explorer's sign-in button (default: the issuer's host)", str(func(c *Config) *string { return &c.OIDCProviderName })},
	{"EXPHUB_CORS_ORIGINS", "cors-origins", "http://localhost:5173", "allowed browser origins, comma-separated", list(func(c *Config) *[]string { return &c.CORSOrigins })},
	{"EXPHUB_MAX_BODY_BYTES", "max-body-bytes", "4194304", "largest accepted request body", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			return errors.New("must be an integer of at least 1024")
		}
		c.MaxBodyBytes = n
		return nil
	}},
	{"EXPHUB_COMPLEXITY_LIMIT", "complexity-limit", "50000", "largest accepted GraphQL query complexity", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			return errors.New("must be an integer of at least 100")
		}
		c.ComplexityLimit = n
		return nil
	}},
	{"EXPHUB_GRAPHQL_MAX_TOKENS", "graphql-max-tokens", "5000", "largest GraphQL document, in parser tokens", intIn(100, 1_000_000, func(c *Config) *int { return &c.MaxTokens })},
	{"EXPHUB_GRAPHQL_MAX_DEPTH", "graphql-max-depth", "20", "deepest nesting of selections, fragments expanded", intIn(5, 1000, func(c *Config) *int { return &c.MaxDepth })},
	{"EXPHUB_GRAPHQL_MAX_FRAGMENTS", "graphql-max-fragments", "50", "most fragment definitions in a document", intIn(0, 10_000, func(c *Config) *int { return &c.MaxFragments })},
	{"EXPHUB_GRAPHQL_MAX_SPREADS", "graphql-max-spreads", "200", "most fragment spreads in a document", intIn(0, 100_000, func(c *Config) *int { return &c.MaxSpreads })},
	{"EXPHUB_GRAPHQL_MAX_SELECTIONS", "graphql-max-selections", "2000", "most fields in a document, fragments expanded", intIn(10, 1_000_000, func(c *Config) *int { return &c.MaxSelections })},
	{"EXPHUB_GRAPHQL_MAX_REPEATS", "graphql-max-repeats", "50", "most fields of one response name in one selection set", intIn(2, 100_000, func(c *Config) *int { return &c.MaxRepeats })},
	{"EXPHUB_GRAPHQL_MAX_OBJECTS", "graphql-max-objects", "100000", "most objects one response may carry", intIn(100, 100_000_000, func(c *Config) *int { return &c.MaxObjects })},
	{"EXPHUB_CALLER_CONCURRENCY", "caller-concurrency", "8", "GraphQL requests one caller may have in flight", intIn(1, 10_000, func(c *Config) *int { return &c.CallerConcurrency })},
	{"EXPHUB_CALLER_RATE", "caller-rate", "100", "requests per second one caller may send, sustained", func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0) || f > 1e6 {
			return errors.New("must be a number of requests per second above 0")
		}
		c.CallerRate = f
		return nil
	}},
	{"EXPHUB_CALLER_BURST", "caller-burst", "500", "requests one caller may send at once after a quiet spell", intIn(1, 1_000_000, func(c *Config) *int { return &c.CallerBurst })},
	{"EXPHUB_CALLER_COST_RATE", "caller-cost-rate", "20000", "operation cost one caller may spend per second, sustained", func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0) || f > 1e12 {
			return errors.New("must be a number above 0")
		}
		c.CallerCostRate = f
		return nil
	}},
	{"EXPHUB_CALLER_COST_BURST", "caller-cost-burst", "200000", "operation cost one caller may spend at once after a quiet spell", intIn(1000, 1_000_000_000, func(c *Config) *int { return &c.CallerCostBurst })},
	{"EXPHUB_OPERATION_DB_CONCURRENCY", "operation-db-concurrency", "4", "database transactions one GraphQL operation keeps open at once", intIn(1, 100, func(c *Config) *int { return &c.OperationDBConcurrency })},
	{"EXPHUB_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", func(c *Config, v string) error {
		if !slices.Contains([]string{"debug", "info", "warn", "error"}, v) {
			return errors.New("must be debug, info, warn or error")
		}
		c.LogLevel = v
		return nil
	}},
	{"EXPHUB_LOG_FORMAT", "log-format", "json", "json or text", func(c *Config, v string) error {
		if v != "json" && v != "text" {
			return errors.New("must be json or text")
		}
		c.LogFormat = v
		return nil
	}},
	{"EXPHUB_SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "how long shutdown waits for requests in flight", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("must be a positive duration such as 15s")
		}
		c.ShutdownTimeout = d
		return nil
	}},
	{"EXPHUB_SHUTDOWN_DELAY", "shutdown-delay", "0s", "on SIGTERM, how long to keep serving with /readyz answering 503 before closing the listener (the time a load balancer needs to stop sending; 5s in the Helm chart)", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return errors.New("must be a duration such as 5s (0s: none)")
		}
		c.ShutdownDelay = d
		return nil
	}},
	{"EXPHUB_VALIDATION_FILE_ROOTS", "validation-file-roots", "", "absolute directories whose files validation runs may read (local paths, file://), comma-separated; empty refuses local files (dev mode: any)",
		list(func(c *Config) *[]string { return &c.ValidationFileRoots })},
	{"EXPHUB_VALIDATION_SOURCES", "validation-sources", "", "URL prefixes validation runs may read remote data under (https://host/path, s3://bucket/prefix, gs://bucket/prefix, az://container/prefix; * for any), comma-separated; empty refuses remote data (dev mode: *)",
		list(func(c *Config) *[]string { return &c.ValidationSources })},
	{"EXPHUB_WEBHOOK_RECEIVERS", "webhook-receivers", "", "URL prefixes webhook receivers may be at (https://host/path; * for any), comma-separated; empty refuses every receiver (dev mode: *)",
		list(func(c *Config) *[]string { return &c.WebhookReceivers })},
	{"EXPHUB_WEBHOOK_SECRET_KEY", "webhook-secret-key", "", "32 bytes in base64 (head -c 32 /dev/urandom | base64): webhook signing secrets are stored sealed with it (AES-256-GCM); empty stores them as they are",
		str(func(c *Config) *string { return &c.WebhookSecretKey })},
	{"EXPHUB_WEBHOOK_ATTEMPTS", "webhook-attempts", "20", "times a webhook delivery is tried before its receiver is parked",
		intIn(1, 100, func(c *Config) *int { return &c.WebhookAttempts })},
	{"EXPHUB_WEBHOOK_BACKOFF", "webhook-backoff", "5s", "wait after a webhook delivery's first failure, doubled after each next one", positive(func(c *Config) *time.Duration { return &c.WebhookBackoff })},
	{"EXPHUB_WEBHOOK_BACKOFF_MAX", "webhook-backoff-max", "10m", "longest wait between two attempts at a webhook delivery", positive(func(c *Config) *time.Duration { return &c.WebhookBackoffMax })},
	{"EXPHUB_WEBHOOK_TIMEOUT", "webhook-timeout", "10s", "longest a webhook receiver may take to answer one delivery", positive(func(c *Config) *time.Duration { return &c.WebhookTimeout })},
	{"EXPHUB_VALIDATION_CONCURRENCY", "validation-concurrency", "2", "validation runs evaluated at once", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return errors.New("must be an integer between 1 and 64")
		}
		c.ValidationConcurrency = n
		return nil
	}},
	{"EXPHUB_VALIDATION_TIMEOUT", "validation-timeout", "10m", "longest a validation run may take, queueing included", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return errors.New("must be a duration of at least 1s such as 10m")
		}
		c.ValidationTimeout = d
		return nil
	}},
	{"EXPHUB_VALIDATION_ON_ARRIVAL", "validation-on-arrival", ValidateAll, "projects whose dataset versions their suites validate on arrival: * for every project, project keys comma-separated, or none",
		projects(func(c *Config) *[]string { return &c.ValidationOnArrival })},
	{"EXPHUB_WEBHOOK_DELIVERY", "webhook-delivery", ValidateAll, "projects whose webhook receivers this replica delivers to: * for every project, project keys comma-separated, or none",
		projects(func(c *Config) *[]string { return &c.WebhookDelivery })},
	{"EXPHUB_OPENLINEAGE_PROJECTS", "openlineage-projects", "", "OpenLineage namespace→project map, as ns=project,ns=project", func(c *Config, v string) error {
		m, err := openlineage.ParseProjects(v)
		if err != nil {
			return err
		}
		c.OpenLineageProjects = m
		return nil
	}},
	{"EXPHUB_OPENLINEAGE_DEFAULT_PROJECT", "openlineage-default-project", "", "project of OpenLineage events whose namespace is not mapped (dev mode default: " + DevOpenLineageProject + ")", func(c *Config, v string) error {
		if v != "" {
			if err := store.CheckProjectKey("project", v); err != nil {
				return err
			}
		}
		c.OpenLineageDefaultProject = v
		return nil
	}},
	{"EXPHUB_OPENLINEAGE_ACK", "openlineage-ack", "recorded", "when an OpenLineage event is acknowledged: recorded (durably, applied to the graph in batches a moment later) or applied (once the graph shows it)", func(c *Config, v string) error {
		a, err := openlineage.ParseAck(v)
		if err != nil {
			return err
		}
		c.OpenLineageAck = a
		return nil
	}},
	{"EXPHUB_OPENLINEAGE_MAX_BACKLOG", "openlineage-max-backlog", "2000", "OpenLineage events a replica holds recorded and not yet applied; past it producers wait", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return errors.New("must be a whole number from 1 to 100000")
		}
		c.OpenLineageMaxBacklog = n
		return nil
	}},
	{"EXPHUB_MLFLOW_DEFAULT_PROJECT", "mlflow-default-project", "", "project of MLflow experiments whose name is not project/experiment (dev mode default: " + DevMLflowProject + ")", func(c *Config, v string) error {
		if v != "" {
			if err := store.CheckProjectKey("project", v); err != nil {
				return err
			}
		}
		c.MLflowDefaultProject = v
		return nil
	}},
	{"EXPHUB_ARTIFACT_ROOT", "artifact-root", "", "directory, or s3://bucket/prefix, MLflow artifacts are kept in, content-addressed by sha256 (dev mode default: " + DevArtifactRoot + "; unset: no artifacts)",
		str(func(c *Config) *string { return &c.ArtifactRoot })},
	{"EXPHUB_ARTIFACT_MAX_BYTES", "artifact-max-bytes", "1073741824", "largest accepted artifact file, in bytes", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return errors.New("must be a positive integer")
		}
		c.ArtifactMaxBytes = n
		return nil
	}},
	{"EXPHUB_S3_ENDPOINT", "s3-endpoint", "", "URL of the S3-compatible service of an s3:// EXPHUB_ARTIFACT_ROOT, e.g. http://minio:9000 (empty: AWS S3)", func(c *Config, v string) error {
		if v != "" {
			if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return errors.New("must be an http:// or https:// URL such as http://minio:9000")
			}
		}
		c.S3Endpoint = v
		return nil
	}},
	{"EXPHUB_S3_REGION", "s3-region", "", "region of the bucket of an s3:// EXPHUB_ARTIFACT_ROOT (empty: AWS_REGION; us-east-1 with EXPHUB_S3_ENDPOINT)", str(func(c *Config) *string { return &c.S3Region })},
	{"EXPHUB_S3_PATH_STYLE", "s3-path-style", "false", "address the bucket in the URL path (endpoint/bucket/key), as MinIO and Ceph usually need", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		c.S3PathStyle = b
		return nil
	}},
	{"EXPHUB_CHECKPOINT_KEY_FILE", "checkpoint-key-file", "", "PEM file of the Ed25519 private key (PKCS#8, openssl genpkey -algorithm ed25519) that signs checkpoints of the event log's head; empty: no checkpoints",
		str(func(c *Config) *string { return &c.CheckpointKeyFile })},
	{"EXPHUB_CHECKPOINT_INTERVAL", "checkpoint-interval", "5m", "how often the event log's head is signed when it moved, and the log checked against its checkpoints", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return errors.New("must be a duration of at least 1s such as 5m")
		}
		c.CheckpointInterval = d
		return nil
	}},
	{"EXPHUB_DEV", "dev", "false", "development mode: dev secrets, demo data, sign-in banner", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		c.Dev = b
		return nil
	}},
}

// Load builds the configuration from defaults, the environment (environ
// as from os.Environ) and args (flags, without the program name).
func Load(args []string, environ []string, stderr io.Writer) (*Config, error) {
	c := &Config{}
	for _, s := range settings {
		if err := s.set(c, s.def); err != nil {
			return nil, fmt.Errorf("default of %s: %w", s.env, err)
		}
	}
	known := map[string]setting{}
	for _, s := range settings {
		known[s.env] = s
	}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "EXPHUB_") {
			continue
		}
		s, ok := known[k]
		if !ok {
			return nil, fmt.Errorf("unknown setting %s in the environment (known: %s)", k, knownNames())
		}
		if err := s.set(c, v); err != nil {
			return nil, fmt.Errorf("%s=%q: %w", k, v, err)
		}
	}
	fs := flag.NewFlagSet("exphub-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range settings {
		s := s
		fs.Func(s.flag, s.help+" (env "+s.env+", default "+strconv.Quote(s.def)+")", func(v string) error {
			if err := s.set(c, v); err != nil {
				return fmt.Errorf("%s: %w", s.env, err)
			}
			return nil
		})
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, c.validate()
}

func knownNames() string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.env
	}
	return strings.Join(names, ", ")
}

// Usage writes the settings table, for -h and the README.
func Usage(w io.Writer) {
	for _, s := range settings {
		fmt.Fprintf(w, "  %-26s -%-18s %s (default %q)\n", s.env, s.flag, s.help, s.def)
	}
}
