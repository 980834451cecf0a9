package deploytest

import (
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/exphub/exphub/internal/config"
)

// composeFile is the part of a Compose file this test reads.
type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Environment map[string]string `yaml:"environment"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test     []string `yaml:"test"`
		Interval string   `yaml:"interval"`
		Timeout  string   `yaml:"timeout"`
		Retries  int      `yaml:"retries"`
	} `yaml:"healthcheck"`
	Ports           []string `yaml:"ports"`
	Volumes         []string `yaml:"volumes"`
	ReadOnly        bool     `yaml:"read_only"`
	StopGracePeriod string   `yaml:"stop_grace_period"`
	Restart         string   `yaml:"restart"`
}

// Services the compose file must define, and the hub replicas among them.
var (
	composeServices = []string{"neo4j", "hub-1", "hub-2", "proxy"}
	hubServices     = []string{"hub-1", "hub-2"}
)

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	// Anchors and merge keys (x-hub, <<: *hub) are resolved by the parser.
	if err := yaml.Unmarshal(readRepoFile(t, "deploy/docker-compose.yml"), &c); err != nil {
		t.Fatalf("deploy/docker-compose.yml: %v", err)
	}
	return c
}

// interpolate applies Compose's variable syntax to s: ${VAR}, ${VAR:-def},
// ${VAR-def}, ${VAR:?err}, ${VAR?err} and $$. A required variable that env
// lacks fails the test.
func interpolate(t *testing.T, s string, env map[string]string) string {
	t.Helper()
	re := regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)
	return re.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		g := re.FindStringSubmatch(m)
		v, set := env[g[1]]
		switch g[2] {
		case ":-":
			if v == "" {
				return g[3]
			}
		case "-":
			if !set {
				return g[3]
			}
		case ":?", "?":
			if !set || (g[2] == ":?" && v == "") {
				t.Fatalf("compose needs %s: %s", g[1], g[3])
			}
		}
		return v
	})
}

// TestComposeServices checks the topology: Neo4j 5 from the official image,
// two hub replicas built from deploy/Dockerfile, a proxy in front of them;
// every service with a health check, and each started only once what it
// needs is healthy.
func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	var names []string
	for n := range c.Services {
		names = append(names, n)
	}
	slices.Sort(names)
	want := slices.Clone(composeServices)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("services %v, want %v", names, want)
	}
	for _, n := range composeServices {
		s := c.Services[n]
		if s.Healthcheck == nil || len(s.Healthcheck.Test) < 2 || !slices.Contains([]string{"CMD", "CMD-SHELL"}, s.Healthcheck.Test[0]) {
			t.Errorf("service %s: no health check with a CMD or CMD-SHELL test", n)
		}
		if s.Restart == "" {
			t.Errorf("service %s: no restart policy", n)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("service %s publishes %q beyond the loopback address", n, p)
			}
		}
	}
	if img := c.Services["neo4j"].Image; !regexp.MustCompile(`^neo4j:5\.[0-9]+`).MatchString(img) {
		t.Errorf("neo4j image %q: want the official neo4j:5.x image", img)
	}
	for _, n := range hubServices {
		s := c.Services[n]
		if s.Build == nil || s.Build.Context != ".." || s.Build.Dockerfile != "deploy/Dockerfile" {
			t.Errorf("service %s: want build {context: .., dockerfile: deploy/Dockerfile}", n)
		}
		if d := s.DependsOn["neo4j"].Condition; d != "service_healthy" {
			t.Errorf("service %s: depends on neo4j with condition %q, want service_healthy", n, d)
		}
		hc := s.Healthcheck
		if hc == nil || len(hc.Test) < 3 || hc.Test[0] != "CMD" || hc.Test[1] != "/usr/local/bin/exphub-server" || hc.Test[2] != "healthcheck" {
			t.Errorf("service %s: health check should run the image's own exphub-server healthcheck (no shell in the image)", n)
		}
		if !s.ReadOnly {
			t.Errorf("service %s: root filesystem not read-only", n)
		}
		if len(s.Ports) > 0 {
			t.Errorf("service %s publishes %v: only the proxy should", n, s.Ports)
		}
	}
	proxy := c.Services["proxy"]
	if !strings.HasPrefix(proxy.Image, "nginx:") {
		t.Errorf("proxy image %q: want the official nginx image", proxy.Image)
	}
	for _, n := range hubServices {
		if d := proxy.DependsOn[n].Condition; d != "service_healthy" {
			t.Errorf("proxy depends on %s with condition %q, want service_healthy", n, d)
		}
	}
}

// TestComposeHubSettings loads each replica's environment, as Compose
// interpolates it, with the server's own strict config loader: an unknown
// key or a bad value fails here, not at `docker compose up`. It also checks
// that Compose waits longer than the server's shutdown timeout before it
// kills a replica.
func TestComposeHubSettings(t *testing.T) {
	c := loadCompose(t)
	env := map[string]string{"EXPHUB_JWT_SECRET": strings.Repeat("s", 32)}
	for _, n := range hubServices {
		s := c.Services[n]
		var environ []string
		for k, v := range s.Environment {
			environ = append(environ, k+"="+interpolate(t, v, env))
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
		grace, err := time.ParseDuration(s.StopGracePeriod)
		if err != nil || grace <= cfg.ShutdownTimeout {
			t.Errorf("service %s: stop_grace_period %q must exceed EXPHUB_SHUTDOWN_TIMEOUT %s, or Compose kills requests in flight", n, s.StopGracePeriod, cfg.ShutdownTimeout)
		}
	}
	// The password the hubs use is the one Neo4j is set up with.
	auth := interpolate(t, c.Services["neo4j"].Environment["NEO4J_AUTH"], env)
	for _, n := range hubServices {
		if pw := interpolate(t, c.Services[n].Environment["EXPHUB_NEO4J_PASSWORD"], env); auth != "neo4j/"+pw {
			t.Errorf("service %s: EXPHUB_NEO4J_PASSWORD does not match neo4j's NEO4J_AUTH", n)
		}
	}
	// Without the secret, Compose refuses to start rather than run with none.
	for _, n := range hubServices {
		if v := c.Services[n].Environment["EXPHUB_JWT_SECRET"]; !strings.HasPrefix(v, "${EXPHUB_JWT_SECRET:?") {
			t.Errorf("service %s: EXPHUB_JWT_SECRET=%q, want ${EXPHUB_JWT_SECRET:?…} (required, no default)", n, v)
		}
	}
}

// TestComposeProxy checks the proxy's nginx configuration: every replica
// in the upstream, websocket upgrades on /graphql, and /metrics kept off
// the public address.
func TestComposeProxy(t *testing.T) {
	c := loadCompose(t)
	var conf string
	for _, v := range c.Services["proxy"].Volumes {
		src, dst, _ := strings.Cut(v, ":")
		if strings.HasPrefix(dst, "/etc/nginx/nginx.conf") {
			conf = string(readRepoFile(t, "deploy/"+strings.TrimPrefix(src, "./")))
		}
	}
	if conf == "" {
		t.Fatal("proxy mounts no /etc/nginx/nginx.conf from deploy/")
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
	conf = strings.Join(lines, "\n")
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
}
