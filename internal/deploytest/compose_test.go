package deploytest

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/exphub/exphub/internal/config"
)

// Services the compose file must define, and the hub replicas among them.
var (
	composeServices = []string{"hub-1", "hub-2", "neo4j", "proxy"}
	hubServices     = []string{"hub-1", "hub-2"}
)

// composeEnv is the environment the compose file is loaded with: what a
// user must set (the JWT secret) and nothing else, so every default applies.
var composeEnv = map[string]string{"EXPHUB_JWT_SECRET": strings.Repeat("s", 32)}

// loadCompose loads deploy/docker-compose.yml with compose-spec's own
// loader, the one `docker compose` uses: validation against the Compose
// schema (an unknown or misspelt key fails), interpolation of ${…} from
// env, merge keys, paths resolved against deploy/.
func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "deploy")
	return loader.LoadWithContext(t.Context(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "docker-compose.yml")}},
		Environment: env,
	})
}

func mustLoadCompose(t *testing.T) *types.Project {
	t.Helper()
	p, err := loadCompose(t, composeEnv)
	if err != nil {
		t.Fatalf("deploy/docker-compose.yml: %v", err)
	}
	return p
}

// TestComposeServices checks the topology: Neo4j 5 from the official image,
// two hub replicas built from deploy/Dockerfile, a proxy in front of them;
// every service with a health check, and each started only once what it
// needs is healthy.
func TestComposeServices(t *testing.T) {
	p := mustLoadCompose(t)
	if p.Name != "exphub" {
		t.Errorf("project name %q, want exphub", p.Name)
	}
	names := p.ServiceNames()
	slices.Sort(names)
	if !slices.Equal(names, composeServices) {
		t.Fatalf("services %v, want %v", names, composeServices)
	}
	for _, n := range composeServices {
		s := p.Services[n]
		if s.HealthCheck == nil || len(s.HealthCheck.Test) < 2 || !slices.Contains([]string{"CMD", "CMD-SHELL"}, s.HealthCheck.Test[0]) {
			t.Errorf("service %s: no health check with a CMD or CMD-SHELL test", n)
		}
		if s.Restart == "" {
			t.Errorf("service %s: no restart policy", n)
		}
		for _, port := range s.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("service %s publishes port %d on %q, beyond the loopback address", n, port.Target, port.HostIP)
			}
		}
	}
	if img := p.Services["neo4j"].Image; !regexp.MustCompile(`^neo4j:5\.[0-9]+`).MatchString(img) {
		t.Errorf("neo4j image %q: want the official neo4j:5.x image", img)
	}
	for _, n := range hubServices {
		s := p.Services[n]
		if s.Build == nil || s.Build.Context != repoRoot(t) || s.Build.Dockerfile != "deploy/Dockerfile" {
			t.Errorf("service %s: build %+v, want the repository root with deploy/Dockerfile", n, s.Build)
		}
		if d := s.DependsOn["neo4j"].Condition; d != types.ServiceConditionHealthy {
			t.Errorf("service %s: depends on neo4j with condition %q, want %s", n, d, types.ServiceConditionHealthy)
		}
		hc := s.HealthCheck
		if hc == nil || len(hc.Test) < 3 || hc.Test[0] != "CMD" || hc.Test[1] != "/usr/local/bin/exphub-server" || hc.Test[2] != "healthcheck" {
			t.Errorf("service %s: health check should run the image's own exphub-server healthcheck (no shell in the image)", n)
		}
		if !s.ReadOnly {
			t.Errorf("service %s: root filesystem not read-only", n)
		}
		if len(s.Ports) > 0 {
			t.Errorf("service %s publishes ports: only the proxy should", n)
		}
	}
	proxy := p.Services["proxy"]
	if !strings.HasPrefix(proxy.Image, "nginx:") {
		t.Errorf("proxy image %q: want the official nginx image", proxy.Image)
	}
	for _, n := range hubServices {
		if d := proxy.DependsOn[n].Condition; d != types.ServiceConditionHealthy {
			t.Errorf("proxy depends on %s with condition %q, want %s", n, d, types.ServiceConditionHealthy)
		}
	}
}

// TestComposeHubSettings loads each replica's environment, as Compose
// interpolates it, with the server's own strict config loader: an unknown
// key or a bad value fails here, not at `docker compose up`. It also checks
// that Compose waits longer than the server's shutdown timeout before it
// kills a replica, that both sides agree on the Neo4j password, and that
// Compose refuses to start without a JWT secret.
func TestComposeHubSettings(t *testing.T) {
	p := mustLoadCompose(t)
	auth := p.Services["neo4j"].Environment["NEO4J_AUTH"]
	for _, n := range hubServices {
		s := p.Services[n]
		var environ []string
		for k, v := range s.Environment {
			if v == nil {
				t.Fatalf("service %s: %s has no value", n, k)
			}
			environ = append(environ, k+"="+*v)
		}
		cfg, err := config.Load(nil, environ, io.Discard)
		if err != nil {
			t.Errorf("service %s: the server refuses its environment: %v", n, err)
			continue
		}
		if cfg.Dev {
			t.Errorf("service %s runs in development mode", n)
		}
		if !strings.HasPrefix(cfg.Addr, "0.0.0.0:") {
			t.Errorf("service %s: EXPHUB_ADDR %q is not reachable from the proxy", n, cfg.Addr)
		}
		if cfg.Neo4jURI != "bolt://neo4j:7687" {
			t.Errorf("service %s: EXPHUB_NEO4J_URI %q, want the neo4j service", n, cfg.Neo4jURI)
		}
		if auth == nil || *auth != "neo4j/"+cfg.Neo4jPassword {
			t.Errorf("service %s: EXPHUB_NEO4J_PASSWORD does not match neo4j's NEO4J_AUTH", n)
		}
		if s.StopGracePeriod == nil || time.Duration(*s.StopGracePeriod) <= cfg.ShutdownTimeout {
			t.Errorf("service %s: stop_grace_period %v must exceed EXPHUB_SHUTDOWN_TIMEOUT %s, or Compose kills requests in flight", n, s.StopGracePeriod, cfg.ShutdownTimeout)
		}
	}
	if _, err := loadCompose(t, map[string]string{}); err == nil || !strings.Contains(err.Error(), "EXPHUB_JWT_SECRET") {
		t.Errorf("loaded without EXPHUB_JWT_SECRET (err %v); want a refusal naming it", err)
	}
}

// TestComposeProxy checks the proxy's nginx configuration: every replica
// in the upstream, websocket upgrades on /graphql, and /metrics kept off
// the public address.
func TestComposeProxy(t *testing.T) {
	p := mustLoadCompose(t)
	conf := nginxConf(t, p)
	for _, n := range hubServices {
		if !regexp.MustCompile(`(?m)^server ` + regexp.QuoteMeta(n) + `:8080\b`).MatchString(conf) {
			t.Errorf("nginx.conf: the upstream lacks %s:8080", n)
		}
	}
	gql := regexp.MustCompile(`(?s)location = /graphql \{(.*?)\n\}`).FindStringSubmatch(conf)
	if gql == nil {
		t.Fatal("nginx.conf: no location = /graphql")
	}
	for _, d := range []string{
		"proxy_pass http://exphub;",
		"proxy_set_header Upgrade $http_upgrade;",
		"proxy_set_header Connection $connection_upgrade;",
		"proxy_set_header Host $host;",
	} {
		if !strings.Contains(gql[1], d) {
			t.Errorf("nginx.conf: location /graphql lacks %q (websocket subscriptions need it)", d)
		}
	}
	if !strings.Contains(conf, "proxy_http_version 1.1;") {
		t.Error("nginx.conf: no proxy_http_version 1.1 (websockets and keep-alive need it)")
	}
	if !regexp.MustCompile(`location = /metrics \{\nreturn 404;`).MatchString(conf) {
		t.Error("nginx.conf: /metrics is served through the proxy")
	}
	if !regexp.MustCompile(`(?m)^listen 8080;`).MatchString(conf) {
		t.Error("nginx.conf: does not listen on 8080, the port compose publishes")
	}
	published := false
	for _, port := range p.Services["proxy"].Ports {
		published = published || port.Target == 8080
	}
	if !published {
		t.Error("the proxy does not publish its port 8080")
	}
}

// nginxConf is the proxy's nginx.conf as mounted by the compose file,
// comments out and whitespace normalised: one directive or brace a line.
func nginxConf(t *testing.T, p *types.Project) string {
	t.Helper()
	var conf string
	for _, v := range p.Services["proxy"].Volumes {
		if v.Target == "/etc/nginx/nginx.conf" {
			b, err := os.ReadFile(v.Source)
			if err != nil {
				t.Fatal(err)
			}
			conf = string(b)
		}
	}
	if conf == "" {
		t.Fatal("proxy mounts no /etc/nginx/nginx.conf")
	}
	// Comments out, whitespace normalised.
	var lines []string
	for _, l := range strings.Split(conf, "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
