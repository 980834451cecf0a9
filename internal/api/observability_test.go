package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/validation"
)

// scrapeFamilies returns the names of the metric families a hub's
// /metrics exposes.
func scrapeFamilies(t *testing.T, h *hub) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for name := range scrapeMetricFamilies(t, h) {
		out[name] = true
	}
	return out
}

// scrapeValue is the value of the series of family with the given labels
// (-1 when there is none).
func scrapeValue(t *testing.T, h *hub, family string, labels map[string]string) float64 {
	t.Helper()
	f := scrapeMetricFamilies(t, h)[family]
	if f == nil {
		return -1
	}
series:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue series
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func scrapeMetricFamilies(t *testing.T, h *hub) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(h.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	tp := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := tp.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// metricNames returns the metric names a PromQL expression selects.
func metricNames(t *testing.T, where, expr string) []string {
	t.Helper()
	// The dashboard's variables, as Grafana replaces them.
	expr = strings.NewReplacer("$__rate_interval", "5m", "$instance", ".*").Replace(expr)
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		t.Errorf("%s: %v\n%s", where, err, expr)
		return nil
	}
	var names []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			names = append(names, vs.Name)
		}
		return nil
	})
	return names
}

// family is the family a series name belongs to (a histogram's _bucket,
// _sum and _count are its own).
func family(name string, fams map[string]bool) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && fams[base] {
			return base
		}
	}
	return name
}

// TestObservabilityFilesMatchTheMetrics: the alerting rules and the Grafana
// dashboard in deploy/observability parse (Prometheus's own rule-file
// checks and PromQL parser), and every exphub_* metric they name is one a
// running hub exports — so a renamed metric cannot leave an alert that
// never fires. The domain metrics are there after a write.
func TestObservabilityFilesMatchTheMetrics(t *testing.T) {
	t.Parallel()
	// The pool size, as the server gives it (server.Neo4jPoolSize).
	h := newHub(t, func(o *api.Options) { o.Neo4jPoolSize = 100 })
	key := neo4jtest.Key(t, "obs")
	tok := token(t, "obs", map[string]auth.Role{key: auth.RoleAdmin})
	h.gql(t, tok, `mutation($k: String!) { createProject(input: {key: $k, name: "obs"}) { project { key } } }`, map[string]any{"k": key}).ok(t, nil)
	// The follower's head and the transaction counters come with the
	// first poll and the first write.
	if !testwait.Until(time.Minute, func() bool { return scrapeFamilies(t, h)["exphub_event_log_head"] }) {
		t.Fatal("the event log head is not exported")
	}
	fams := scrapeFamilies(t, h)
	// This hub's store made one project: one event of that kind, at least
	// one committed write, and the write's latency observed.
	if v := scrapeValue(t, h, "exphub_events_appended_total", map[string]string{"kind": "PROJECT_CREATED"}); v != 1 {
		t.Errorf("exphub_events_appended_total{kind=PROJECT_CREATED} = %v, want 1", v)
	}
	if v := scrapeValue(t, h, "exphub_neo4j_transactions_total", map[string]string{"mode": "write", "outcome": "ok"}); v < 1 {
		t.Errorf("exphub_neo4j_transactions_total{mode=write,outcome=ok} = %v, want at least 1", v)
	}
	if v := scrapeValue(t, h, "exphub_neo4j_transaction_duration_seconds", map[string]string{"mode": "write"}); v < 1 {
		t.Errorf("exphub_neo4j_transaction_duration_seconds{mode=write} counted %v, want at least 1", v)
	}
	// Statements are timed by the store function that sent them; every
	// one has a name.
	if v := scrapeValue(t, h, "exphub_neo4j_statement_duration_seconds", map[string]string{"query": "Store.CreateProject"}); v < 1 {
		t.Errorf("exphub_neo4j_statement_duration_seconds{query=Store.CreateProject} counted %v, want at least 1", v)
	}
	for _, m := range scrapeMetricFamilies(t, h)["exphub_neo4j_statement_duration_seconds"].GetMetric() {
		for _, l := range m.Label {
			if l.GetName() == "query" && (l.GetValue() == "unknown" || strings.ContainsAny(l.GetValue(), "/()*[ ")) {
				t.Errorf("a statement timed under the name %q", l.GetValue())
			}
		}
	}
	if v := scrapeValue(t, h, "exphub_neo4j_reachable", nil); v != 1 {
		t.Errorf("exphub_neo4j_reachable = %v, want 1", v)
	}
	// Every transaction that began has ended (the event hub's follower
	// may be in one for a moment).
	if !testwait.Until(time.Minute, func() bool { return scrapeValue(t, h, "exphub_neo4j_transactions_in_flight", nil) == 0 }) {
		t.Errorf("exphub_neo4j_transactions_in_flight = %v at rest, want 0", scrapeValue(t, h, "exphub_neo4j_transactions_in_flight", nil))
	}
	for _, want := range []string{"exphub_neo4j_transactions_total", "exphub_neo4j_transaction_duration_seconds",
		"exphub_neo4j_transaction_retries_total", "exphub_neo4j_reachable", "exphub_events_appended_total", "exphub_subscriptions",
		"exphub_event_log_head", "exphub_http_requests_total", "exphub_openlineage_backlog", "exphub_neo4j_transactions_in_flight", "exphub_neo4j_connection_pool_size",
		"exphub_subscription_max_lag_events", "exphub_subscription_max_lag_seconds",
		// The domain instruments are exported, at zero, before anything
		// happened (TestDomainMetricsMove makes them move).
		"exphub_validation_runs_total", "exphub_validation_run_duration_seconds", "exphub_validation_queue_length",
		"exphub_validation_queue_capacity", "exphub_promotion_requests_total", "exphub_promotion_lead_time_seconds"} {
		if !fams[want] {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	raw, err := os.ReadFile("../../deploy/observability/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	groups, errs := rulefmt.Parse(raw, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, e := range errs {
		t.Errorf("alerts.yaml: %v", e)
	}
	used := map[string][]string{} // metric -> where
	alerts := 0
	if groups != nil {
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				alerts++
				if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
					t.Errorf("alert %s: wants labels.severity, annotations.summary and annotations.description", r.Alert)
				}
				for _, n := range metricNames(t, "alert "+r.Alert, r.Expr) {
					used[n] = append(used[n], "alert "+r.Alert)
				}
			}
		}
	}
	if alerts < 5 {
		t.Errorf("alerts.yaml holds %d alerts", alerts)
	}

	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Definition string `json:"definition"`
			} `json:"list"`
		} `json:"templating"`
	}
	raw, err = os.ReadFile("../../deploy/observability/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	if dash.UID == "" || len(dash.Panels) < 8 {
		t.Errorf("grafana-dashboard.json: uid %q, %d panels", dash.UID, len(dash.Panels))
	}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, n := range metricNames(t, "panel "+p.Title, tg.Expr) {
				used[n] = append(used[n], "panel "+p.Title)
			}
		}
	}
	for _, v := range dash.Templating.List {
		if m, ok := strings.CutPrefix(v.Definition, "label_values("); ok {
			name, _, _ := strings.Cut(m, ",")
			used[name] = append(used[name], "variable")
		}
	}

	var names []string
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	exphub := 0
	for _, n := range names {
		if !strings.HasPrefix(n, "exphub_") {
			continue
		}
		exphub++
		if !fams[family(n, fams)] {
			t.Errorf("%s names %s, which the hub does not export", used[n][0], n)
		}
	}
	if exphub < 8 {
		t.Errorf("the files name only %d exphub metrics: %v", exphub, names)
	}
}

// TestDomainMetricsMove runs a validation and two promotion requests (one
// rejected, one approved) through the API against the real store, and
// reads on /metrics that the runner and the governance service reported
// them: runs by status with their duration, the queue back to empty,
// requests by state, and the decisions' lead time.
func TestDomainMetricsMove(t *testing.T) {
	t.Parallel()
	metrics := api.NewMetrics()
	h := newHub(t, func(o *api.Options) {
		o.Metrics = metrics
		r := validation.New(o.Store, validation.Options{FileRoots: []string{os.TempDir()}, Observer: metrics,
			Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
		t.Cleanup(r.Stop)
		o.Validations, o.Data = r, r
	})
	// awaitMetric waits until the series reads want: the runner reports a
	// run just after recording it, so a reader may see the run first.
	awaitMetric := func(family string, labels map[string]string, want float64) {
		t.Helper()
		var got float64
		if !testwait.Until(time.Minute, func() bool { got = scrapeValue(t, h, family, labels); return got == want }) {
			t.Errorf("%s%v = %v, want %v", family, labels, got, want)
		}
	}
	for _, st := range []string{"PASSED", "WARNED", "FAILED", "ERROR"} {
		if v := scrapeValue(t, h, "exphub_validation_runs_total", map[string]string{"status": st}); v != 0 {
			t.Errorf("exphub_validation_runs_total{status=%s} = %v before any run, want 0", st, v)
		}
	}
	if v := scrapeValue(t, h, "exphub_validation_queue_capacity", nil); v != 100 {
		t.Errorf("exphub_validation_queue_capacity = %v, want the runner's default 100", v)
	}

	// A validation that fails (ordersSuite finds an amount out of range).
	key, d := newDataset(t, h.st, "metv")
	path, sum := writeData(t, "orders.csv", ordersCSV)
	v := registerVersion(t, h.st, d, "v1", path, sum)
	carol := token(t, "carol", map[string]auth.Role{key: auth.RoleContributor})
	run := awaitRun(t, h, carol, runValidation(t, h, carol, createSuite(t, h, carol, d.ID, "orders-basic", ordersSuite), v.ID))
	if run.Status != "FAILED" {
		t.Fatalf("run %+v, want FAILED", run)
	}
	awaitMetric("exphub_validation_runs_total", map[string]string{"status": "FAILED"}, 1)
	awaitMetric("exphub_validation_run_duration_seconds", map[string]string{"status": "FAILED"}, 1)
	awaitMetric("exphub_validation_queue_length", nil, 0)
	if v := scrapeValue(t, h, "exphub_validation_runs_total", map[string]string{"status": "PASSED"}); v != 0 {
		t.Errorf("exphub_validation_runs_total{status=PASSED} = %v, want 0", v)
	}

	// A request rejected, then one approved, under a one-approval policy.
	g := newGoverned(t, h, "metp")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	bob := token(t, "bob", map[string]auth.Role{g.key: auth.RoleApprover})
	h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1}) { changed } }`,
		map[string]any{"k": g.key}).ok(t, nil)
	var dec struct {
		Decision struct{ PromotionRequest struct{ Status string } }
	}
	const decide = `mutation($id: ID!) { decision: %s(input: {promotionRequestId: $id, comment: "c"}) { promotionRequest { status } } }`
	first := requestPromotion(t, h, alice, g.mv.ID, "STAGING")
	h.gql(t, bob, fmt.Sprintf(decide, "rejectPromotion"), map[string]any{"id": first.ID}).ok(t, &dec)
	if dec.Decision.PromotionRequest.Status != "REJECTED" {
		t.Fatalf("rejected request %+v", dec.Decision)
	}
	second := requestPromotion(t, h, alice, g.mv.ID, "STAGING")
	h.gql(t, bob, fmt.Sprintf(decide, "approvePromotion"), map[string]any{"id": second.ID}).ok(t, &dec)
	if dec.Decision.PromotionRequest.Status != "APPROVED" {
		t.Fatalf("approved request %+v", dec.Decision)
	}
	for state, want := range map[string]float64{"opened": 2, "rejected": 1, "approved": 1, "cancelled": 0} {
		if v := scrapeValue(t, h, "exphub_promotion_requests_total", map[string]string{"state": state}); v != want {
			t.Errorf("exphub_promotion_requests_total{state=%s} = %v, want %v", state, v, want)
		}
	}
	for outcome, want := range map[string]float64{"rejected": 1, "approved": 1} {
		if v := scrapeValue(t, h, "exphub_promotion_lead_time_seconds", map[string]string{"outcome": outcome}); v != want {
			t.Errorf("exphub_promotion_lead_time_seconds{outcome=%s} counted %v, want %v", outcome, v, want)
		}
	}
}

// TestMLflowPromotionsAreCounted: a promotion request the MLflow API opens
// (a stage transition, governed) counts in the metrics like one opened
// through GraphQL, and so does its approval.
func TestMLflowPromotionsAreCounted(t *testing.T) {
	t.Parallel()
	metrics := api.NewMetrics()
	key := neo4jtest.Key(t, "mlfm")
	h := newHub(t, func(o *api.Options) { o.Metrics = metrics; o.MLflow = mlflow.Config{DefaultProject: key} })
	must(h.st.CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: key, Name: "MLflow metrics"})).of(t)
	admin := token(t, "root", map[string]auth.Role{key: auth.RoleAdmin})
	alice := token(t, "mlf-alice", map[string]auth.Role{key: auth.RoleContributor})
	bob := token(t, "mlf-bob", map[string]auth.Role{key: auth.RoleApprover})
	h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, requireUpstreamValidationsPassed: false}) { changed } }`,
		map[string]any{"k": key}).ok(t, nil)
	call := func(method, path string, body any) mlflowResponse {
		return mlflowCall(t, h.srv.URL, alice, method, "/api/2.0/mlflow/"+path, body)
	}
	call(http.MethodPost, "registered-models/create", map[string]any{"name": "scorer"}).ok(t)
	call(http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m/1"}).ok(t)
	res := call(http.MethodPost, "model-versions/transition-stage", map[string]any{"name": "scorer", "version": "1", "stage": "production"})
	res.fails(t, 403, "PERMISSION_DENIED", "was opened")
	if v := scrapeValue(t, h, "exphub_promotion_requests_total", map[string]string{"state": "opened"}); v != 1 {
		t.Errorf("exphub_promotion_requests_total{state=opened} = %v after a request through MLflow, want 1", v)
	}
	h.gql(t, bob, `mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`,
		map[string]any{"id": requestIDIn(t, res.Body["message"].(string))}).ok(t, nil)
	if v := scrapeValue(t, h, "exphub_promotion_requests_total", map[string]string{"state": "approved"}); v != 1 {
		t.Errorf("exphub_promotion_requests_total{state=approved} = %v, want 1", v)
	}
}

// TestSeparateMetricsLeaveTheMainHandler: with SeparateMetrics the
// handler answers /metrics 404 (not with the explorer's page, which it
// serves for every other path), and Metrics.Handler (what the wiring
// serves on EXPHUB_METRICS_ADDR) serves the same registry, the handler's
// request counts included.
func TestSeparateMetricsLeaveTheMainHandler(t *testing.T) {
	t.Parallel()
	metrics := api.NewMetrics()
	h := newHub(t, func(o *api.Options) {
		o.Metrics, o.SeparateMetrics = metrics, true
		o.Explorer = fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>explorer</title>")}}
	})
	resp, err := http.Get(h.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the main handler: %d, want 404", resp.StatusCode)
	}
	if resp, err = http.Get(h.srv.URL + "/healthz"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	tp := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := tp.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse the metrics handler's answer: %v", err)
	}
	for _, want := range []string{"exphub_http_requests_total", "exphub_neo4j_reachable", "exphub_validation_runs_total"} {
		if fams[want] == nil {
			t.Errorf("the metrics handler lacks %s", want)
		}
	}
}
