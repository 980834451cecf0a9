package config_test

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/config"
)

func TestLoadDefaultsInDevMode(t *testing.T) {
	c, err := config.Load(nil, []string{"EXPHUB_DEV=true", "PATH=/usr/bin"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.Neo4jURI != "bolt://127.0.0.1:7687" || c.Neo4jPassword != config.DevNeo4jPassword {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.JWTSecret != auth.DevSecret {
		t.Errorf("dev mode must default to the dev secret shared with hubctl")
	}
	if !reflect.DeepEqual(c.CORSOrigins, []string{"http://localhost:5173"}) {
		t.Errorf("CORS default: %v", c.CORSOrigins)
	}
	if c.MetricsAddr != "" {
		t.Errorf("/metrics must stay on the main listener by default, got EXPHUB_METRICS_ADDR %q", c.MetricsAddr)
	}
	if c.ArtifactRoot != config.DevArtifactRoot || c.ArtifactMaxBytes != 1<<30 {
		t.Errorf("artifact defaults in dev mode: %q, %d", c.ArtifactRoot, c.ArtifactMaxBytes)
	}
	prod, err := config.Load(nil, []string{"EXPHUB_NEO4J_PASSWORD=x", "EXPHUB_JWT_SECRET=" + strings.Repeat("s", 32)}, io.Discard)
	if err != nil || prod.ArtifactRoot != "" {
		t.Errorf("outside dev mode no artifact root is assumed: %q, %v", prod.ArtifactRoot, err)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, err := config.Load([]string{"-addr", "127.0.0.1:9999"}, []string{"EXPHUB_DEV=true", "EXPHUB_ADDR=127.0.0.1:9090", "EXPHUB_CORS_ORIGINS=https://a.example.com, https://b.example.com"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" {
		t.Errorf("flag must win over env: %s", c.Addr)
	}
	if !reflect.DeepEqual(c.CORSOrigins, []string{"https://a.example.com", "https://b.example.com"}) {
		t.Errorf("CORS list: %v", c.CORSOrigins)
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	prod := []string{"EXPHUB_NEO4J_PASSWORD=secret-password", "EXPHUB_JWT_SECRET=" + strings.Repeat("s", 32)}
	cases := []struct {
		name    string
		args    []string
		env     []string
		wantKey string
	}{
		{"unknown variable", nil, append(prod, "EXPHUB_NEO4J_PASWORD=typo"), "EXPHUB_NEO4J_PASWORD"},
		{"unknown flag", []string{"-adr", "x"}, prod, "adr"},
		{"bad address", nil, append(prod, "EXPHUB_ADDR=8080"), "EXPHUB_ADDR"},
		{"bad metrics address", nil, append(prod, "EXPHUB_METRICS_ADDR=9090"), "EXPHUB_METRICS_ADDR"},
		{"metrics on the main address", nil, append(prod, "EXPHUB_ADDR=0.0.0.0:8080", "EXPHUB_METRICS_ADDR=0.0.0.0:8080"), "EXPHUB_METRICS_ADDR"},
		{"bad neo4j uri", nil, append(prod, "EXPHUB_NEO4J_URI=http://localhost:7474"), "EXPHUB_NEO4J_URI"},
		{"no password outside dev", nil, []string{"EXPHUB_JWT_SECRET=" + strings.Repeat("s", 32)}, "EXPHUB_NEO4J_PASSWORD"},
		{"no jwt config outside dev", nil, []string{"EXPHUB_NEO4J_PASSWORD=x"}, "EXPHUB_JWT_SECRET"},
		{"short secret", nil, []string{"EXPHUB_NEO4J_PASSWORD=x", "EXPHUB_JWT_SECRET=short"}, "EXPHUB_JWT_SECRET"},
		{"jwks without issuer", nil, []string{"EXPHUB_NEO4J_PASSWORD=x", "EXPHUB_JWT_JWKS_URL=https://idp.example.com/jwks"}, "EXPHUB_JWT_ISSUER"},
		{"secret and jwks", nil, append(prod, "EXPHUB_JWT_JWKS_URL=https://idp.example.com/jwks"), "EXPHUB_JWT_JWKS_URL"},
		{"hmac in jwks algorithms", nil, []string{"EXPHUB_NEO4J_PASSWORD=x", "EXPHUB_JWT_JWKS_URL=https://idp/jwks", "EXPHUB_JWT_ISSUER=i", "EXPHUB_JWT_AUDIENCE=a", "EXPHUB_JWT_ALGORITHMS=HS256"}, "EXPHUB_JWT_ALGORITHMS"},
		{"wildcard cors", nil, append(prod, "EXPHUB_CORS_ORIGINS=*"), "EXPHUB_CORS_ORIGINS"},
		{"cors not an origin", nil, append(prod, "EXPHUB_CORS_ORIGINS=localhost:5173"), "EXPHUB_CORS_ORIGINS"},
		{"body limit not a number", nil, append(prod, "EXPHUB_MAX_BODY_BYTES=lots"), "EXPHUB_MAX_BODY_BYTES"},
		{"complexity too small", nil, append(prod, "EXPHUB_COMPLEXITY_LIMIT=1"), "EXPHUB_COMPLEXITY_LIMIT"},
		{"log level", nil, append(prod, "EXPHUB_LOG_LEVEL=loud"), "EXPHUB_LOG_LEVEL"},
		{"dev not a bool", nil, append(prod, "EXPHUB_DEV=yes please"), "EXPHUB_DEV"},
		{"artifact limit zero", nil, append(prod, "EXPHUB_ARTIFACT_MAX_BYTES=0"), "EXPHUB_ARTIFACT_MAX_BYTES"},
		{"bad flag value", []string{"-shutdown-timeout", "soon"}, prod, "EXPHUB_SHUTDOWN_TIMEOUT"},
		{"stray argument", []string{"serve"}, prod, "serve"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load(tc.args, tc.env, io.Discard)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tc.wantKey) {
				t.Errorf("error %q does not name %s", err, tc.wantKey)
			}
		})
	}
}

func TestProductionConfigAccepted(t *testing.T) {
	c, err := config.Load(nil, []string{"EXPHUB_NEO4J_PASSWORD=pw", "EXPHUB_JWT_JWKS_URL=https://idp.example.com/jwks",
		"EXPHUB_JWT_ISSUER=https://idp.example.com/", "EXPHUB_JWT_AUDIENCE=exphub", "EXPHUB_NEO4J_URI=neo4j+s://db.example.com"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dev || c.JWTSecret != "" || c.JWKSURL == "" {
		t.Errorf("production config: %+v", c)
	}
}
