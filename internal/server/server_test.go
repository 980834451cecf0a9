package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/server"
	"github.com/exphub/exphub/internal/testproc"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func poll(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDevServerServesSeedsAndShutsDown runs the server the way `make run`
// does: dev mode prints URLs and a token that works, /readyz turns ready
// after migrations, and cancelling the context shuts it down cleanly.
func TestDevServerServesSeedsAndShutsDown(t *testing.T) {
	neo4jtest.Driver(t) // make sure the test instance runs
	addr := freeAddr(t)
	cfg, err := config.Load(nil, []string{"EXPHUB_DEV=true", "EXPHUB_ADDR=" + addr, "EXPHUB_NEO4J_URI=" + neo4jtest.URI(), "EXPHUB_VALIDATION_ON_ARRIVAL=none", "EXPHUB_WEBHOOK_DELIVERY=none",
		"EXPHUB_NEO4J_PASSWORD=" + neo4jtest.Password(), "EXPHUB_LOG_LEVEL=error"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &testproc.Buffer{}
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg, out) }()

	// The banner comes after migrations and the demo seed: wait as long as
	// the server runs and has not printed it (with a generous cap).
	poll(t, "the banner", 5*time.Minute, func() bool {
		select {
		case err := <-done:
			t.Fatalf("the server stopped before printing its banner: %v", err)
		default:
		}
		return strings.Contains(out.String(), "Development token")
	})
	banner := out.String()
	base := "http://localhost:" + addr[strings.LastIndex(addr, ":")+1:]
	for _, want := range []string{base + "/graphql", base + "/playground", base + "/readyz"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner does not show %s:\n%s", want, banner)
		}
	}
	token := regexp.MustCompile(`eyJ[\w-]+\.[\w-]+\.[\w-]+`).FindString(banner)
	if token == "" {
		t.Fatalf("no token in banner:\n%s", banner)
	}

	// Readiness follows the monitor's probes, about one a second.
	poll(t, "/readyz after migrations", time.Minute, func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	body := `{"query":"{ me { subject } project(key: \"fraud\") { key experiments { totalCount } } }"}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Data struct {
			Me      struct{ Subject string }
			Project *struct {
				Key         string
				Experiments struct{ TotalCount int }
			}
		}
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got.Errors) > 0 || got.Data.Me.Subject != "demo" {
		t.Fatalf("banner token does not work: %+v", got)
	}
	if got.Data.Project == nil || got.Data.Project.Experiments.TotalCount < 2 {
		t.Errorf("demo project fraud not seeded: %+v", got.Data.Project)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not shut down")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still listening after shutdown")
	}
}

// TestServerStartsWithoutNeo4j: with Neo4j unreachable the server still
// serves /healthz, and /readyz says 503.
func TestServerStartsWithoutNeo4j(t *testing.T) {
	addr := freeAddr(t)
	dead := freeAddr(t) // nothing listens there
	cfg, err := config.Load(nil, []string{"EXPHUB_DEV=true", "EXPHUB_ADDR=" + addr, "EXPHUB_NEO4J_URI=bolt://" + dead, "EXPHUB_LOG_LEVEL=error"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg, io.Discard) }()
	defer func() {
		cancel()
		<-done
	}()
	status := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	poll(t, "/healthz", time.Minute, func() bool { return status("/healthz") == http.StatusOK })
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Neo4j down: %d, want 503", got)
	}
}

// TestDefaultLimitsAreTheAPIs: the configuration's defaults are the limits
// the API documents and measures (api.DefaultLimits, DefaultCallerLimits).
func TestDefaultLimitsAreTheAPIs(t *testing.T) {
	cfg, err := config.Load(nil, []string{"EXPHUB_DEV=true"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := server.Limits(cfg); got != api.DefaultLimits {
		t.Errorf("config defaults %+v, api.DefaultLimits %+v", got, api.DefaultLimits)
	}
	if got := server.CallerLimits(cfg); got != api.DefaultCallerLimits {
		t.Errorf("config defaults %+v, api.DefaultCallerLimits %+v", got, api.DefaultCallerLimits)
	}
	if cfg.ComplexityLimit != api.DefaultComplexityLimit {
		t.Errorf("complexity limit %d, api.DefaultComplexityLimit %d", cfg.ComplexityLimit, api.DefaultComplexityLimit)
	}
}

// TestMetricsOnTheirOwnListener: with EXPHUB_METRICS_ADDR, /metrics is
// served there and nowhere else (the main listener answers 404, the
// metrics one serves nothing but /metrics), and shutting down closes both
// listeners.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	dead := freeAddr(t) // /metrics does not need Neo4j
	cfg, err := config.Load(nil, []string{"EXPHUB_DEV=true", "EXPHUB_ADDR=" + addr, "EXPHUB_METRICS_ADDR=" + metricsAddr, "EXPHUB_VALIDATION_ON_ARRIVAL=none", "EXPHUB_WEBHOOK_DELIVERY=none",
		"EXPHUB_NEO4J_URI=bolt://" + dead, "EXPHUB_LOG_LEVEL=error"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg, io.Discard) }()
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	poll(t, "the metrics listener", time.Minute, func() bool {
		code, _ := get("http://" + metricsAddr + "/metrics")
		return code == http.StatusOK
	})
	if code, body := get("http://" + metricsAddr + "/metrics"); !strings.Contains(body, "exphub_neo4j_reachable") ||
		!strings.Contains(body, "exphub_validation_runs_total") {
		t.Errorf("metrics listener /metrics: %d, without the hub's metrics:\n%.500s", code, body)
	}
	for _, tc := range []struct{ url, why string }{
		{"http://" + addr + "/metrics", "the main listener must not serve /metrics"},
		{"http://" + metricsAddr + "/graphql", "the metrics listener serves /metrics only"},
		{"http://" + metricsAddr + "/", "the metrics listener serves /metrics only"},
	} {
		if code, _ := get(tc.url); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404: %s", tc.url, code, tc.why)
		}
	}
	if code, _ := get("http://" + addr + "/healthz"); code != http.StatusOK {
		t.Errorf("main listener /healthz: %d", code)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not shut down")
	}
	for _, a := range []string{addr, metricsAddr} {
		if c, err := net.DialTimeout("tcp", a, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still listening after shutdown", a)
		}
	}
}
