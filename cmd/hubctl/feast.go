package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/exphub/exphub/internal/feast"
)

const feastUsage = `usage: hubctl feast import --repo DIR [--url URL] [--namespace NS] [--dry-run] [--json]
                          [--token-env EXPHUB_TOKEN]

Reads a Feast feature repository without Feast: DIR/feature_store.yaml
(project, registry) and the file registry it names (registry.db, the
serialized feast.core.Registry), keeping the yaml's project. Only the file
registry is read; a sql, snowflake or remote registry is refused.

Sends what the registry defines to the hub as OpenLineage RunEvents (COMPLETE runs of definition jobs, as feast apply reports)
(POST URL/api/v1/lineage, the token in $EXPHUB_TOKEN, contributor on the
project the namespace lands in): one per feature view (job
feature_view_<view>: its sources and entities -> the view), then one per
feature service (job feature_service_<service>: its views -> the service),
with the datasets and facets Feast's own OpenLineage emitter reports.

The namespace is --namespace, else the one Feast's emitter would use: the
project name (or the yaml's openlineage.namespace when it is neither
empty nor "feast", as Feast resolves it). The URL is --url, else
$EXPHUB_URL, else http://127.0.0.1:8080.

--dry-run prints the events, one JSON object a line, and sends nothing.
--json prints the summary as one JSON object.

Exit status: 0 when every event was accepted, 1 on an error (a refused
event stops the import: the events before it stay), 2 for a bad command
line.
`

// runFeast implements "hubctl feast".
func runFeast(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, "hubctl feast: the only subcommand is import\n"+feastUsage)
		return exitUsage
	}
	fs := flag.NewFlagSet("hubctl feast import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, feastUsage) }
	repo := fs.String("repo", "", "the Feast repository: the directory holding feature_store.yaml (required)")
	defaultURL := getenv("EXPHUB_URL")
	if defaultURL == "" {
		defaultURL = "http://127.0.0.1:8080"
	}
	hubURL := fs.String("url", defaultURL, "the hub's base URL (default $EXPHUB_URL, else http://127.0.0.1:8080)")
	namespace := fs.String("namespace", "", "OpenLineage namespace of the jobs and datasets (default: as Feast's emitter, the project name)")
	dryRun := fs.Bool("dry-run", false, "print the events as JSON lines and send nothing")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "environment variable holding the hub token")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "hubctl feast import: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *repo == "" {
		return usageErr("--repo is required: the directory holding feature_store.yaml")
	}
	base := strings.TrimSuffix(strings.TrimRight(*hubURL, "/"), "/graphql")
	token := getenv(*tokenEnv)
	if !*dryRun {
		if p, err := url.Parse(base); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return usageErr("--url %q is not an http(s) URL", clipArg(*hubURL))
		}
		if token == "" {
			return usageErr("no hub token in $%s (hubctl token prints one)", *tokenEnv)
		}
	}

	r, err := feast.Load(*repo, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl feast import: %v\n(nothing was sent)\n", err)
		return exitError
	}
	ns := *namespace
	if ns == "" {
		ns = r.Config.Namespace()
	}
	events := feast.Events(r.Registry, ns, r.Config.Provider, time.Now())
	reg := r.Registry
	sum := feastSummary{Project: reg.Project, Namespace: ns, Registry: r.Config.Registry,
		FeatureViews: len(reg.FeatureViews), FeatureServices: len(reg.FeatureServices),
		Entities: len(reg.EntityNames()), DataSources: len(reg.DataSourceNames()), NotRead: reg.NotRead}
	if !reg.LastUpdated.IsZero() {
		sum.LastUpdated = reg.LastUpdated.Format(time.RFC3339)
	}

	if *dryRun {
		enc := json.NewEncoder(stdout)
		for _, ev := range events {
			if err := enc.Encode(ev); err != nil {
				fmt.Fprintf(stderr, "hubctl feast import: %v\n", err)
				return exitError
			}
		}
		return exitOK
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	client := &http.Client{Timeout: 30 * time.Second}
	for _, ev := range events {
		if err := postLineage(ctx, client, base, token, ev); err != nil {
			fmt.Fprintf(stderr, "hubctl feast import: job %s: %v\n(%d of %d events were sent before it)\n", ev.Job.Name, err, sum.Events, len(events))
			printFeastSummary(stdout, sum, *asJSON)
			return exitError
		}
		sum.Events++
	}
	printFeastSummary(stdout, sum, *asJSON)
	return exitOK
}

// feastSummary is what an import sent; with --json it is printed as is.
type feastSummary struct {
	Project         string         `json:"project"`
	Namespace       string         `json:"namespace"`
	Registry        string         `json:"registry"`
	LastUpdated     string         `json:"lastUpdated,omitempty"`
	FeatureViews    int            `json:"featureViews"`
	FeatureServices int            `json:"featureServices"`
	Entities        int            `json:"entities"`
	DataSources     int            `json:"dataSources"`
	Events          int            `json:"events"`
	NotRead         map[string]int `json:"notRead,omitempty"`
}

func printFeastSummary(w io.Writer, s feastSummary, asJSON bool) {
	if asJSON {
		json.NewEncoder(w).Encode(s)
		return
	}
	fmt.Fprintf(w, "Feast project %s (registry %s", s.Project, s.Registry)
	if s.LastUpdated != "" {
		fmt.Fprintf(w, ", updated %s", s.LastUpdated)
	}
	fmt.Fprintf(w, ")\nnamespace %s: %d feature views, %d feature services, %d entities, %d data sources; %d events sent\n",
		s.Namespace, s.FeatureViews, s.FeatureServices, s.Entities, s.DataSources, s.Events)
	kinds := make([]string, 0, len(s.NotRead))
	for kind := range s.NotRead {
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		fmt.Fprintf(w, "not imported: %d %s (only feature views and feature services become lineage)\n", s.NotRead[kind], kind)
	}
}

// postLineage sends one event to the hub's OpenLineage endpoint; an
// answer other than 2xx is an error carrying the hub's message.
func postLineage(ctx context.Context, c *http.Client, base, token string, ev feast.Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/lineage", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("the hub at %s: %w", base, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	var refusal struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if json.Unmarshal(raw, &refusal) == nil && len(refusal.Errors) > 0 {
		return fmt.Errorf("the hub refused it (HTTP %d, %v): %s", resp.StatusCode, refusal.Errors[0].Extensions["code"], refusal.Errors[0].Message)
	}
	return fmt.Errorf("the hub answered HTTP %d: %s", resp.StatusCode, clipArg(strings.TrimSpace(string(raw))))
}
