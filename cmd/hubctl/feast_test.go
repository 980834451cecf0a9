package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/pyenv"
	"github.com/exphub/exphub/internal/store"
)

// feastHub is a real hub whose OpenLineage events land in project key.
func feastHub(t *testing.T, st *store.Store, prefix string) (url, key string) {
	t.Helper()
	key = neo4jtest.Project(t, st, prefix)
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 8 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OpenLineage: openlineage.Config{DefaultProject: key}}))
	t.Cleanup(srv.Close)
	return srv.URL, key
}

func feastToken(t *testing.T, key string, role auth.Role) string {
	t.Helper()
	tok, err := auth.NewDevToken([]byte(auth.DevSecret), "feast-ci", map[string]auth.Role{key: role}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// hubDataset is a dataset as GraphQL shows it, with its facets decoded.
type hubDataset struct {
	Namespace, Name string
	Facets          map[string]map[string]any
}

func hubDatasets(t *testing.T, url, key, tok string) map[string]hubDataset {
	t.Helper()
	var d struct {
		Datasets struct {
			Edges []struct {
				Node struct {
					Namespace, Name string
					Facets          []struct{ Name, JSON string }
				}
			}
		}
	}
	c := &hubClient{url: url + "/graphql", token: tok, http: &http.Client{Timeout: 30 * time.Second}}
	if err := c.do(t.Context(), `query($k: String!) { datasets(projectKey: $k, first: 100) { edges { node { namespace name facets { name json } } } } }`,
		map[string]any{"k": key}, &d); err != nil {
		t.Fatal(err)
	}
	out := map[string]hubDataset{}
	for _, e := range d.Datasets.Edges {
		ds := hubDataset{Namespace: e.Node.Namespace, Name: e.Node.Name, Facets: map[string]map[string]any{}}
		for _, f := range e.Node.Facets {
			var m map[string]any
			if err := json.Unmarshal([]byte(f.JSON), &m); err != nil {
				t.Fatalf("facet %s of %s: %v", f.Name, e.Node.Name, err)
			}
			ds.Facets[f.Name] = m
		}
		out[e.Node.Name] = ds
	}
	return out
}

// TestFeastImport: hubctl feast import reads the registry real Feast
// wrote and sends it to a real hub, where the feature view, its source,
// entity and service are datasets and the view's job reads the source;
// they carry the same Feast facets as when Feast itself reports its
// apply over OpenLineage. Bad repositories are refused before anything
// is sent.
func TestFeastImport(t *testing.T) {
	st := neo4jtest.Store(t)
	url, key := feastHub(t, st, "feast")
	tok := feastToken(t, key, auth.RoleContributor)
	py := pyenv.Python(t, "feast")
	out := pyenv.Run(t, py, "../../internal/feast/testdata/apply_repo.py", nil, "--work-dir", t.TempDir())
	var applied struct{ Project, Repo, Registry, SourcePath string }
	if err := json.Unmarshal([]byte(out), &applied); err != nil {
		t.Fatalf("apply_repo.py printed %q: %v", out, err)
	}
	getenv := env(map[string]string{"EXPHUB_TOKEN": tok, "EXPHUB_URL": url})
	// A new project holds a few nodes of its own (its policy); a refused
	// import adds none.
	before := neo4jtest.ProjectNodes(t, key)
	nothingSent := func(t *testing.T) {
		t.Helper()
		if n := neo4jtest.ProjectNodes(t, key); n != before {
			t.Fatalf("%d nodes in the project, %d before: something was sent", n, before)
		}
		if n := len(hubDatasets(t, url, key, tok)); n != 0 {
			t.Fatalf("%d datasets in the project: something was sent", n)
		}
	}

	t.Run("bad repositories", func(t *testing.T) {
		registry, err := os.ReadFile(applied.Registry)
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(t.TempDir(), "registry.db")
		if err := os.WriteFile(cut, registry[:len(registry)*2/3], 0o644); err != nil {
			t.Fatal(err)
		}
		repo := func(yaml string) string {
			dir := t.TempDir()
			if yaml != "" {
				if err := os.WriteFile(filepath.Join(dir, "feature_store.yaml"), []byte(yaml), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			return dir
		}
		for _, c := range []struct{ name, dir, want string }{
			{"no feature_store.yaml", repo(""), "no feature_store.yaml: not a Feast repository"},
			{"a sql registry", repo("project: fraud_features\nregistry:\n  registry_type: sql\n  path: postgresql://feast:secret@db:5432/feast\n"),
				`registry_type is "sql": only the file registry can be read without Feast`},
			{"a truncated registry", repo("project: fraud_features\nregistry: " + cut + "\n"), "registry " + cut + ": invalid input: "},
			{"no registry file", repo("project: fraud_features\n"), "no such file or directory"},
		} {
			t.Run(c.name, func(t *testing.T) {
				code, stdout, stderr := runCapture(t, getenv, "feast", "import", "--repo", c.dir)
				if code != exitError || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "nothing was sent") || strings.Contains(stderr, "secret") {
					t.Fatalf("exit %d\nstdout: %s\nstderr: %s\nwant exit 1 and %q", code, stdout, stderr, c.want)
				}
				nothingSent(t)
			})
		}
		if code, _, stderr := runCapture(t, env(map[string]string{"EXPHUB_URL": url}), "feast", "import", "--repo", applied.Repo); code != exitUsage || !strings.Contains(stderr, "no hub token in $EXPHUB_TOKEN") {
			t.Fatalf("without a token: exit %d, %s", code, stderr)
		}
		if code, _, stderr := runCapture(t, getenv, "feast", "import"); code != exitUsage || !strings.Contains(stderr, "--repo is required") {
			t.Fatalf("without --repo: exit %d, %s", code, stderr)
		}
		// A viewer may not write the project: the hub's refusal stops the
		// import at the first event.
		viewer := env(map[string]string{"EXPHUB_TOKEN": feastToken(t, key, auth.RoleViewer), "EXPHUB_URL": url})
		code, stdout, stderr := runCapture(t, viewer, "feast", "import", "--repo", applied.Repo)
		if code != exitError || !strings.Contains(stderr, "job feature_view_customer_transaction_stats: the hub refused it (HTTP 403, FORBIDDEN)") ||
			!strings.Contains(stderr, "0 of 2 events") {
			t.Fatalf("as a viewer: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		nothingSent(t)
	})

	t.Run("dry run", func(t *testing.T) {
		code, stdout, stderr := runCapture(t, env(nil), "feast", "import", "--repo", applied.Repo, "--dry-run")
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if code != exitOK || len(lines) != 2 {
			t.Fatalf("exit %d, %d lines\n%s\n%s", code, len(lines), stdout, stderr)
		}
		for _, l := range lines {
			ev, err := openlineage.Parse([]byte(l))
			if err != nil || ev.Kind != openlineage.RunEvent {
				t.Fatalf("%v: %s", err, l)
			}
		}
		nothingSent(t)
	})

	t.Run("import", func(t *testing.T) {
		code, stdout, stderr := runCapture(t, getenv, "feast", "import", "--repo", applied.Repo, "--json")
		if code != exitOK {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		var sum map[string]any
		if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
			t.Fatalf("summary %q: %v", stdout, err)
		}
		for k, want := range map[string]any{"project": "fraud_features", "namespace": "fraud_features", "featureViews": 1.0,
			"featureServices": 1.0, "entities": 1.0, "dataSources": 1.0, "events": 2.0} {
			if sum[k] != want {
				t.Errorf("summary %s = %v, want %v (%s)", k, sum[k], want, stdout)
			}
		}

		got := hubDatasets(t, url, key, tok)
		if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, []string{"customer", "customer_transaction_stats", "customer_transactions_source", "fraud_model_v1"}) {
			t.Fatalf("datasets %v", names)
		}
		for name, d := range got {
			if d.Namespace != "fraud_features" {
				t.Errorf("dataset %s in namespace %s", name, d.Namespace)
			}
		}
		if p := got["customer_transactions_source"].Facets["feast_dataSource"]["path"]; p != applied.SourcePath {
			t.Errorf("the source's path %v, want %s", p, applied.SourcePath)
		}
		var j struct {
			View, Service *struct {
				Description     *string
				Inputs, Outputs []struct{ Namespace, Name string }
			}
		}
		c := &hubClient{url: url + "/graphql", token: tok, http: &http.Client{Timeout: 30 * time.Second}}
		if err := c.do(t.Context(), `query($k: String!) {
			view: job(projectKey: $k, namespace: "fraud_features", name: "feature_view_customer_transaction_stats") { description inputs { namespace name } outputs { namespace name } }
			service: job(projectKey: $k, namespace: "fraud_features", name: "feature_service_fraud_model_v1") { description inputs { namespace name } outputs { namespace name } } }`,
			map[string]any{"k": key}, &j); err != nil {
			t.Fatal(err)
		}
		names := func(ds []struct{ Namespace, Name string }) []string {
			var out []string
			for _, d := range ds {
				out = append(out, d.Name)
			}
			slices.Sort(out)
			return out
		}
		switch {
		case j.View == nil || j.Service == nil:
			t.Fatalf("jobs: %+v", j)
		case !slices.Equal(names(j.View.Inputs), []string{"customer", "customer_transactions_source"}) || !slices.Equal(names(j.View.Outputs), []string{"customer_transaction_stats"}):
			t.Errorf("the view's job reads %v, writes %v", names(j.View.Inputs), names(j.View.Outputs))
		case j.View.Description == nil || *j.View.Description != "Daily spend of each customer":
			t.Errorf("the view's job description %v", j.View.Description)
		case !slices.Equal(names(j.Service.Inputs), []string{"customer_transaction_stats"}) || !slices.Equal(names(j.Service.Outputs), []string{"fraud_model_v1"}):
			t.Errorf("the service's job reads %v, writes %v", names(j.Service.Inputs), names(j.Service.Outputs))
		}

		// The view as the feature-store team reads it: its own source and
		// entity (its own job says), its service, and a version of the
		// service a training run can name.
		var fv struct {
			FeatureViews struct {
				Edges []struct {
					Node struct {
						Name                        string
						Sources, Entities, Services []struct{ ID, Name string }
					}
				}
			}
		}
		if err := c.do(t.Context(), `query($k: String!) { featureViews(projectKey: $k) { edges { node { name sources { id name } entities { id name }
			services { id name } } } } }`, map[string]any{"k": key}, &fv); err != nil {
			t.Fatal(err)
		}
		if e := fv.FeatureViews.Edges; len(e) != 1 || e[0].Node.Name != "customer_transaction_stats" || len(e[0].Node.Sources) != 1 ||
			e[0].Node.Sources[0].Name != "customer_transactions_source" || len(e[0].Node.Entities) != 1 || len(e[0].Node.Services) != 1 {
			t.Fatalf("feature views after the import: %+v", fv)
		}
		service := fv.FeatureViews.Edges[0].Node.Services[0].ID
		var exp struct {
			CreateExperiment struct{ Experiment struct{ ID string } }
		}
		var run struct {
			StartRun struct{ Run struct{ ID string } }
		}
		var used struct {
			UseFeatureServices struct {
				Run struct{ FeatureServices []struct{ Name string } }
			}
		}
		if err := c.do(t.Context(), `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "fraud-model"}) { experiment { id } } }`,
			map[string]any{"k": key}, &exp); err != nil {
			t.Fatal(err)
		}
		if err := c.do(t.Context(), `mutation($e: ID!) { startRun(input: {experimentId: $e}) { run { id } } }`,
			map[string]any{"e": exp.CreateExperiment.Experiment.ID}, &run); err != nil {
			t.Fatal(err)
		}
		if err := c.do(t.Context(), `mutation($r: ID!, $s: ID!) { useFeatureServices(input: {runId: $r, featureServiceIds: [$s]}) { run { featureServices { name } } } }`,
			map[string]any{"r": run.StartRun.Run.ID, "s": service}, &used); err != nil {
			t.Fatal(err)
		}
		if fs := used.UseFeatureServices.Run.FeatureServices; len(fs) != 1 || fs[0].Name != "fraud_model_v1" {
			t.Fatalf("the run's feature services: %+v", fs)
		}

		// Importing the same registry again changes nothing.
		nodes, events := neo4jtest.ProjectNodes(t, key), neo4jtest.ProjectEvents(t, key)
		if code, stdout, stderr := runCapture(t, getenv, "feast", "import", "--repo", applied.Repo); code != exitOK {
			t.Fatalf("again: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		if n, e := neo4jtest.ProjectNodes(t, key), neo4jtest.ProjectEvents(t, key); n != nodes || e != events {
			t.Fatalf("importing the same registry again: %d nodes and %d events, %d and %d before", n, e, nodes, events)
		}

		// Feast itself, reporting its apply of the same repository to
		// another project: the same datasets, with the same Feast facets.
		feastURL, feastKey := feastHub(t, st, "feastol")
		feastTok := feastToken(t, feastKey, auth.RoleContributor)
		pyenv.Run(t, py, "../../internal/api/testdata/openlineage/run_feast.py",
			[]string{"HUB_URL=" + feastURL, "HUB_TOKEN=" + feastTok, "FEAST_PROJECT=fraud_features"}, "--skip-materialize", "--work-dir", t.TempDir())
		theirs := hubDatasets(t, feastURL, feastKey, feastTok)
		if a, b := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(theirs)); !slices.Equal(a, b) {
			t.Fatalf("datasets: hubctl %v, Feast %v", a, b)
		}
		// The facets' content, not who wrote it: Feast's own _producer and
		// _schemaURL of feast_dataSource are "" and BaseFacet, and the
		// client adds an empty "fields" to each schema field.
		content := func(f map[string]any) string {
			f = maps.Clone(f)
			delete(f, "_producer")
			delete(f, "_schemaURL")
			if fields, ok := f["fields"].([]any); ok {
				for _, x := range fields {
					m, _ := x.(map[string]any)
					if nested, _ := m["fields"].([]any); m != nil && len(nested) == 0 {
						delete(m, "fields")
					}
				}
			}
			b, _ := json.Marshal(f)
			return string(b)
		}
		compared := 0
		for name, ours := range got {
			for facet, f := range theirs[name].Facets {
				if !strings.HasPrefix(facet, "feast_") && facet != "schema" && facet != "dataSource" {
					continue
				}
				compared++
				if a, b := content(ours.Facets[facet]), content(f); a != b {
					t.Errorf("%s.%s:\nhubctl %s\nFeast  %s", name, facet, a, b)
				}
			}
		}
		if compared < 7 {
			t.Fatalf("only %d facets compared: %+v", compared, theirs)
		}
	})
}
