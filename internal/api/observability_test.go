package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/testwait"
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
	h := newHub(t, nil)
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
	if v := scrapeValue(t, h, "exphub_neo4j_reachable", nil); v != 1 {
		t.Errorf("exphub_neo4j_reachable = %v, want 1", v)
	}
	for _, want := range []string{"exphub_neo4j_transactions_total", "exphub_neo4j_transaction_duration_seconds",
		"exphub_neo4j_transaction_retries_total", "exphub_neo4j_reachable", "exphub_events_appended_total", "exphub_subscriptions",
		"exphub_event_log_head", "exphub_http_requests_total", "exphub_openlineage_backlog"} {
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
