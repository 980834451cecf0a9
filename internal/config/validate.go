package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/store/blobs"
	"github.com/exphub/exphub/internal/webhooks"
)

func (c *Config) validate() error {
	for _, r := range c.ValidationFileRoots {
		if !filepath.IsAbs(r) {
			return fmt.Errorf("EXPHUB_VALIDATION_FILE_ROOTS=%q: %q is not an absolute path", strings.Join(c.ValidationFileRoots, ","), r)
		}
	}
	if c.Dev && len(c.ValidationSources) == 0 {
		c.ValidationSources = []string{datasource.Any}
	}
	sources, err := datasource.ParseAllowlist(c.ValidationSources)
	if err != nil {
		return fmt.Errorf("EXPHUB_VALIDATION_SOURCES: %w", err)
	}
	if c.Dev && len(c.WebhookReceivers) == 0 {
		c.WebhookReceivers = []string{datasource.Any}
	}
	if _, err := datasource.ParseAllowlist(c.WebhookReceivers); err != nil {
		return fmt.Errorf("EXPHUB_WEBHOOK_RECEIVERS: %w", err)
	}
	if _, err := webhooks.ParseSealerKey(c.WebhookSecretKey); err != nil {
		return fmt.Errorf("EXPHUB_WEBHOOK_SECRET_KEY: %w", err)
	}
	if c.WebhookBackoffMax < c.WebhookBackoff {
		return fmt.Errorf("EXPHUB_WEBHOOK_BACKOFF_MAX (%s) is shorter than EXPHUB_WEBHOOK_BACKOFF (%s)", c.WebhookBackoffMax, c.WebhookBackoff)
	}
	if c.Dev && c.OpenLineageDefaultProject == "" {
		c.OpenLineageDefaultProject = DevOpenLineageProject
	}
	if c.Dev && c.MLflowDefaultProject == "" {
		c.MLflowDefaultProject = DevMLflowProject
	}
	if c.Dev && c.ArtifactRoot == "" {
		c.ArtifactRoot = DevArtifactRoot
	}
	if strings.HasPrefix(c.ArtifactRoot, blobs.S3Scheme) {
		if _, _, err := blobs.ParseS3URL(c.ArtifactRoot); err != nil {
			return fmt.Errorf("EXPHUB_ARTIFACT_ROOT: %w", err)
		}
	} else {
		if strings.Contains(c.ArtifactRoot, "://") {
			return fmt.Errorf("EXPHUB_ARTIFACT_ROOT=%q: must be a directory or an s3://bucket/prefix URL", c.ArtifactRoot)
		}
		if (c.S3Endpoint != "" || c.S3Region != "" || c.S3PathStyle) && !sources.Schemes("s3") {
			return fmt.Errorf("EXPHUB_S3_ENDPOINT, EXPHUB_S3_REGION and EXPHUB_S3_PATH_STYLE apply to an s3:// EXPHUB_ARTIFACT_ROOT or s3:// EXPHUB_VALIDATION_SOURCES only, and there are none (EXPHUB_ARTIFACT_ROOT=%q)", c.ArtifactRoot)
		}
	}
	if c.Dev && len(c.ValidationFileRoots) == 0 {
		c.ValidationFileRoots = []string{"/"}
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return fmt.Errorf("EXPHUB_ADDR=%q: must be host:port", c.Addr)
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			return fmt.Errorf("EXPHUB_METRICS_ADDR=%q: must be host:port (or empty: /metrics on EXPHUB_ADDR)", c.MetricsAddr)
		}
		if c.MetricsAddr == c.Addr {
			return fmt.Errorf("EXPHUB_METRICS_ADDR=%q: must differ from EXPHUB_ADDR (leave it empty to serve /metrics there)", c.MetricsAddr)
		}
	}
	u, err := url.Parse(c.Neo4jURI)
	if err != nil || !slices.Contains([]string{"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}, u.Scheme) || u.Host == "" {
		return fmt.Errorf("EXPHUB_NEO4J_URI=%q: must be a bolt:// or neo4j:// URI with a host", c.Neo4jURI)
	}
	if c.Neo4jUser == "" {
		return errors.New("EXPHUB_NEO4J_USER: must not be empty")
	}
	if c.Neo4jPassword == "" {
		if !c.Dev {
			return errors.New("EXPHUB_NEO4J_PASSWORD: required (or run with EXPHUB_DEV=true for the development default)")
		}
		c.Neo4jPassword = DevNeo4jPassword
	}
	switch {
	case c.JWKSURL != "" && c.JWTSecret != "":
		return errors.New("EXPHUB_JWT_SECRET and EXPHUB_JWT_JWKS_URL: set one, not both")
	case c.JWKSURL != "":
		if c.JWTIssuer == "" || c.JWTAudience == "" {
			return errors.New("EXPHUB_JWT_ISSUER and EXPHUB_JWT_AUDIENCE: required with EXPHUB_JWT_JWKS_URL")
		}
		for _, a := range c.JWTAlgorithms {
			if !slices.Contains([]string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"}, a) {
				return fmt.Errorf("EXPHUB_JWT_ALGORITHMS: %q is not an asymmetric JWS algorithm", a)
			}
		}
	case c.JWTSecret == "":
		if !c.Dev {
			return errors.New("EXPHUB_JWT_SECRET or EXPHUB_JWT_JWKS_URL: one is required (or run with EXPHUB_DEV=true for the development secret)")
		}
		c.JWTSecret = auth.DevSecret
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < auth.MinSecretLen {
		return fmt.Errorf("EXPHUB_JWT_SECRET: must be at least %d bytes", auth.MinSecretLen)
	}
	if c.JWTRolesClaim == "" {
		return errors.New("EXPHUB_JWT_ROLES_CLAIM: must not be empty")
	}
	if c.JWTRolesClaim == c.JWTGroupsClaim {
		return fmt.Errorf("EXPHUB_JWT_ROLES_CLAIM and EXPHUB_JWT_GROUPS_CLAIM: both are %q; roles and groups are different claims", c.JWTRolesClaim)
	}
	if err := c.validateOIDC(); err != nil {
		return err
	}
	if c.CheckpointKeyFile != "" {
		data, err := os.ReadFile(c.CheckpointKeyFile)
		if err != nil {
			return fmt.Errorf("EXPHUB_CHECKPOINT_KEY_FILE: %w", err)
		}
		if c.CheckpointKey, err = hashchain.ParsePrivateKey(data); err != nil {
			return fmt.Errorf("EXPHUB_CHECKPOINT_KEY_FILE=%q: %w", c.CheckpointKeyFile, err)
		}
	}
	for _, o := range c.CORSOrigins {
		if o == "*" {
			return errors.New("EXPHUB_CORS_ORIGINS: \"*\" is not allowed; list the explorer's origins")
		}
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("EXPHUB_CORS_ORIGINS: %q is not an origin such as https://hub.example.com", o)
		}
	}
	return nil
}

// validateOIDC checks the explorer's single sign-on settings and fills in
// their defaults.
func (c *Config) validateOIDC() error {
	if c.OIDCClientID == "" {
		for _, s := range []struct{ key, v string }{{"EXPHUB_OIDC_ISSUER", c.OIDCIssuer}, {"EXPHUB_OIDC_RESOURCE", c.OIDCResource},
			{"EXPHUB_OIDC_PROVIDER_NAME", c.OIDCProviderName}} {
			if s.v != "" {
				return fmt.Errorf("%s: applies to single sign-on only; set EXPHUB_OIDC_CLIENT_ID too", s.key)
			}
		}
		if strings.Join(c.OIDCScopes, " ") != DefaultOIDCScopes {
			return errors.New("EXPHUB_OIDC_SCOPES: applies to single sign-on only; set EXPHUB_OIDC_CLIENT_ID too")
		}
		return nil
	}
	if strings.ContainsFunc(c.OIDCClientID, func(r rune) bool { return r <= ' ' || r > '~' }) || len(c.OIDCClientID) > 255 {
		return fmt.Errorf("EXPHUB_OIDC_CLIENT_ID=%q: must be up to 255 printable ASCII characters without spaces", c.OIDCClientID)
	}
	if c.JWKSURL == "" {
		return errors.New("EXPHUB_OIDC_CLIENT_ID: single sign-on needs the provider's keys to verify its tokens: set EXPHUB_JWT_JWKS_URL, EXPHUB_JWT_ISSUER and EXPHUB_JWT_AUDIENCE (not EXPHUB_JWT_SECRET)")
	}
	if c.OIDCIssuer == "" {
		c.OIDCIssuer = c.JWTIssuer
	}
	u, err := url.Parse(c.OIDCIssuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("EXPHUB_OIDC_ISSUER=%q (default EXPHUB_JWT_ISSUER): must be an https URL without query or fragment, such as https://idp.example.com/realms/main", c.OIDCIssuer)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return fmt.Errorf("EXPHUB_OIDC_ISSUER=%q (default EXPHUB_JWT_ISSUER): must use https (http only on a loopback host, for tests)", c.OIDCIssuer)
	}
	if !slices.Contains(c.OIDCScopes, "openid") {
		return fmt.Errorf("EXPHUB_OIDC_SCOPES=%q: must include openid", strings.Join(c.OIDCScopes, " "))
	}
	for _, s := range c.OIDCScopes {
		// RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
		if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\\' }) {
			return fmt.Errorf("EXPHUB_OIDC_SCOPES: %q is not a scope (printable ASCII without quotes or backslashes)", s)
		}
	}
	if c.OIDCResource != "" {
		if r, err := url.Parse(c.OIDCResource); err != nil || !r.IsAbs() || r.Fragment != "" {
			return fmt.Errorf("EXPHUB_OIDC_RESOURCE=%q: must be an absolute URI without a fragment (RFC 8707), such as https://hub.example.com", c.OIDCResource)
		}
	}
	if c.OIDCProviderName == "" {
		c.OIDCProviderName = u.Host
	}
	if len(c.OIDCProviderName) > 64 {
		return fmt.Errorf("EXPHUB_OIDC_PROVIDER_NAME: at most 64 bytes, got %d", len(c.OIDCProviderName))
	}
	return nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
