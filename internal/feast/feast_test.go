package feast_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/feast"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/pyenv"
)

// applied is a repository real Feast applied: the fraud team's
// definitions (internal/api/testdata/feast/repo/features.py) as project
// fraud_features, in a registry that also holds the same definitions as
// project other_team.
type applied struct {
	Project    string
	Repo       string
	Registry   string
	DataFile   string
	SourcePath string
}

func applyRepo(t *testing.T) applied {
	t.Helper()
	py := pyenv.Python(t, "feast")
	out := pyenv.Run(t, py, "testdata/apply_repo.py", nil, "--work-dir", t.TempDir(), "--also-project", "other_team")
	var a applied
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("apply_repo.py printed %q: %v", out, err)
	}
	return a
}

// TestRealRegistry reads a registry.db that `feast apply` wrote, checks
// it says what features.py defines, and that the events built from it
// are what the hub accepts and what Feast itself reports.
func TestRealRegistry(t *testing.T) {
	a := applyRepo(t)
	repo, err := feast.Load(a.Repo, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg := repo.Registry

	t.Run("config", func(t *testing.T) {
		c := repo.Config
		if c.Project != "fraud_features" || c.Registry != a.Registry || c.Namespace() != "fraud_features" || c.Provider != "local" {
			t.Fatalf("config %+v, namespace %q; want project fraud_features, registry %s", c, c.Namespace(), a.Registry)
		}
	})

	t.Run("objects of features.py", func(t *testing.T) {
		if reg.LastUpdated.IsZero() || time.Since(reg.LastUpdated) > time.Hour {
			t.Errorf("last updated %v, want a moment ago", reg.LastUpdated)
		}
		if got := reg.EntityNames(); !slices.Equal(got, []string{"customer"}) {
			t.Fatalf("entities %v, want [customer]", got)
		}
		var customer feast.Entity
		for _, e := range reg.Entities {
			if e.Name == "customer" {
				customer = e
			}
		}
		if customer.JoinKey != "customer_id" || feast.ValueTypeName(customer.ValueType) != "ValueType.INT64" ||
			customer.Description != "A card holder" || customer.Owner != "fraud-ml@example.com" || customer.Project != "fraud_features" {
			t.Errorf("entity customer: %+v", customer)
		}

		if len(reg.DataSources) != 1 {
			t.Fatalf("data sources %+v, want one", reg.DataSources)
		}
		src := reg.DataSources[0]
		if src.Name != "customer_transactions_source" || src.Path != a.SourcePath || src.TimestampField != "event_timestamp" ||
			feast.SourceType(src) != "FileSource" || src.Description != "Daily card transaction aggregates per customer" {
			t.Errorf("data source: %+v", src)
		}
		// The path is the repository's, and the data file is there.
		if _, err := os.Stat(filepath.Join(a.Repo, src.Path)); err != nil || filepath.Join(a.Repo, src.Path) != a.DataFile {
			t.Errorf("source path %s is not the data file %s: %v", src.Path, a.DataFile, err)
		}

		if len(reg.FeatureViews) != 1 {
			t.Fatalf("feature views %+v, want one", reg.FeatureViews)
		}
		v := reg.FeatureViews[0]
		var features, types, columns []string
		for _, f := range v.Features {
			features = append(features, f.Name)
			types = append(types, feast.FeastTypeName(f.ValueType))
		}
		for _, f := range v.EntityColumns {
			columns = append(columns, f.Name)
		}
		switch {
		case v.Name != "customer_transaction_stats" || v.Project != "fraud_features":
			t.Errorf("view %q of %q", v.Name, v.Project)
		case !slices.Equal(features, []string{"total_amount", "txn_count"}) || !slices.Equal(types, []string{"Float64", "Int64"}):
			t.Errorf("features %v of types %v", features, types)
		case v.Features[0].Description != "sum of the day's amounts, EUR":
			t.Errorf("total_amount's description %q", v.Features[0].Description)
		case !slices.Equal(columns, []string{"customer_id"}) || !slices.Equal(v.Entities, []string{"customer"}):
			t.Errorf("entities %v, entity columns %v", v.Entities, columns)
		case v.TTL != 30*24*time.Hour:
			t.Errorf("ttl %v, want 30 days", v.TTL)
		case !maps.Equal(v.Tags, map[string]string{"team": "fraud"}) || v.Owner != "fraud-ml@example.com" || v.Description != "Daily spend of each customer":
			t.Errorf("tags %v, owner %q, description %q", v.Tags, v.Owner, v.Description)
		case !v.Online || v.Offline:
			t.Errorf("online %v, offline %v", v.Online, v.Offline)
		case v.BatchSource == nil || v.BatchSource.Name != src.Name || v.BatchSource.Path != src.Path || v.StreamSource != nil:
			t.Errorf("batch source %+v, stream source %+v", v.BatchSource, v.StreamSource)
		}

		if len(reg.FeatureServices) != 1 {
			t.Fatalf("feature services %+v, want one", reg.FeatureServices)
		}
		s := reg.FeatureServices[0]
		if s.Name != "fraud_model_v1" || s.Owner != "fraud-ml@example.com" || s.Description != "Features the fraud model v1 is served with" ||
			len(s.Projections) != 1 || s.Projections[0].View != "customer_transaction_stats" || len(s.Projections[0].Features) != 2 || s.Logging {
			t.Errorf("service: %+v", s)
		}
		if len(reg.NotRead) != 0 {
			t.Errorf("not read: %v", reg.NotRead)
		}
	})

	t.Run("the other project", func(t *testing.T) {
		other, err := feast.ReadRegistry(a.Registry, "other_team")
		if err != nil {
			t.Fatal(err)
		}
		if len(other.FeatureViews) != 1 || other.FeatureViews[0].Project != "other_team" || len(other.FeatureServices) != 1 ||
			!slices.Equal(other.EntityNames(), []string{"customer"}) || len(other.DataSources) != 1 || other.DataSources[0].Project != "other_team" {
			t.Fatalf("other_team: %+v", other)
		}
		none, err := feast.ReadRegistry(a.Registry, "nobody")
		if err != nil || len(none.FeatureViews)+len(none.FeatureServices)+len(none.Entities)+len(none.DataSources) != 0 {
			t.Fatalf("project nobody: %+v, %v", none, err)
		}
	})

	events := feast.Events(reg, "fraud_features", "local", time.Now())

	t.Run("events parse", func(t *testing.T) {
		want := []struct {
			job     string
			inputs  []string
			outputs []string
		}{
			{"feature_view_customer_transaction_stats", []string{"customer_transactions_source", "customer"}, []string{"customer_transaction_stats"}},
			{"feature_service_fraud_model_v1", []string{"customer_transaction_stats"}, []string{"fraud_model_v1"}},
		}
		if len(events) != len(want) {
			t.Fatalf("%d events, want %d", len(events), len(want))
		}
		for i, w := range want {
			body, err := json.Marshal(events[i])
			if err != nil {
				t.Fatal(err)
			}
			ev, err := openlineage.Parse(body)
			if err != nil {
				t.Fatalf("event %d refused: %v\n%s", i, err, body)
			}
			if _, err := ev.Mapped("p", "a"); err != nil {
				t.Fatalf("event %d does not map: %v", i, err)
			}
			if ev.Kind != openlineage.RunEvent || ev.Job.Namespace != "fraud_features" || ev.Job.Name != w.job || ev.Producer != feast.Producer {
				t.Errorf("event %d: %s %s/%s by %s", i, ev.Kind, ev.Job.Namespace, ev.Job.Name, ev.Producer)
			}
			names := func(ds []openlineage.Dataset) []string {
				var out []string
				for _, d := range ds {
					if d.Namespace != "fraud_features" {
						t.Errorf("dataset %s in namespace %s", d.Name, d.Namespace)
					}
					out = append(out, d.Name)
				}
				return out
			}
			if got := names(ev.Inputs); !slices.Equal(got, w.inputs) {
				t.Errorf("%s inputs %v, want %v", w.job, got, w.inputs)
			}
			if got := names(ev.Outputs); !slices.Equal(got, w.outputs) {
				t.Errorf("%s outputs %v, want %v", w.job, got, w.outputs)
			}
		}
		view := facetsOf(t, events[0].Outputs[0])["feast_featureView"]
		if view["ttl_seconds"] != float64(30*24*3600) || fmt.Sprint(view["features"]) != "[total_amount txn_count]" ||
			fmt.Sprint(view["tags"]) != "map[team:fraud]" || view["owner"] != "fraud-ml@example.com" || view["online_enabled"] != true {
			t.Errorf("feast_featureView: %v", view)
		}
		src := facetsOf(t, events[0].Inputs[0])
		if src["feast_dataSource"]["path"] != a.SourcePath || src["dataSource"]["uri"] != a.SourcePath || src["feast_dataSource"]["source_type"] != "FileSource" {
			t.Errorf("source facets: %v", src)
		}
		svc := facetsOf(t, events[1].Outputs[0])["feast_featureService"]
		if svc["feature_count"] != float64(2) || fmt.Sprint(svc["feature_views"]) != "[customer_transaction_stats]" || svc["logging_enabled"] != false {
			t.Errorf("feast_featureService: %v", svc)
		}
	})

	// The datasets carry the facets, and the facets the fields, that Feast
	// 0.67 itself sends on `feast apply` (its recorded events).
	t.Run("shaped as Feast sends them", func(t *testing.T) {
		fvJob := recorded(t, "feast-apply-01-complete.json")
		fsJob := recorded(t, "feast-apply-02-complete.json")
		byFacet := func(ev map[string]any, side, facet string) map[string]map[string]any {
			for _, d := range ev[side].([]any) {
				f := d.(map[string]any)["facets"].(map[string]any)
				if _, ok := f[facet]; ok {
					out := map[string]map[string]any{}
					for k, v := range f {
						out[k] = v.(map[string]any)
					}
					return out
				}
			}
			t.Fatalf("Feast's event has no %s dataset with %s", side, facet)
			return nil
		}
		for _, c := range []struct {
			name   string
			ours   feast.Dataset
			feasts map[string]map[string]any
			// extra facets ours has because features.py describes what the
			// recorded repository did not (Feast adds documentation to a
			// described source: mappers.data_source_to_dataset)
			extra []string
		}{
			{"data source", events[0].Inputs[0], byFacet(fvJob, "inputs", "feast_dataSource"), []string{"documentation"}},
			{"entity", events[0].Inputs[1], byFacet(fvJob, "inputs", "feast_entity"), nil},
			{"feature view", events[0].Outputs[0], byFacet(fvJob, "outputs", "feast_featureView"), nil},
			{"feature service", events[1].Outputs[0], byFacet(fsJob, "outputs", "feast_featureService"), nil},
			{"feature service input", events[1].Inputs[0], byFacet(fsJob, "inputs", "schema"), nil},
		} {
			ours := facetsOf(t, c.ours)
			for _, name := range c.extra {
				if _, ok := ours[name]; !ok {
					t.Errorf("%s: no %s facet", c.name, name)
				}
				delete(ours, name)
			}
			if got, want := slices.Sorted(maps.Keys(ours)), slices.Sorted(maps.Keys(c.feasts)); !slices.Equal(got, want) {
				t.Errorf("%s: facets %v, Feast sends %v", c.name, got, want)
				continue
			}
			for name, facet := range ours {
				if got, want := slices.Sorted(maps.Keys(facet)), slices.Sorted(maps.Keys(c.feasts[name])); !slices.Equal(got, want) {
					t.Errorf("%s: facet %s has %v, Feast's has %v", c.name, name, got, want)
				}
				if facet["_producer"] != feast.Producer || facet["_schemaURL"] == "" {
					t.Errorf("%s: facet %s: _producer %v, _schemaURL %v", c.name, name, facet["_producer"], facet["_schemaURL"])
				}
			}
		}
	})

	t.Run("a corrupt registry is an error, never a panic", func(t *testing.T) {
		raw, err := os.ReadFile(a.Registry)
		if err != nil {
			t.Fatal(err)
		}
		failed := 0
		for n := range len(raw) {
			if _, err := feast.DecodeRegistry(raw[:n], "fraud_features"); err != nil {
				failed++
				if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "field") {
					t.Fatalf("cut at %d: %v", n, err)
				}
			}
		}
		if failed < len(raw)/2 {
			t.Errorf("only %d of %d truncations were refused", failed, len(raw))
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 5000 {
			b := slices.Clone(raw)
			for range 1 + rng.IntN(4) {
				b[rng.IntN(len(b))] = byte(rng.Uint32())
			}
			feast.DecodeRegistry(b, "fraud_features") // must return
		}
		_, err = feast.DecodeRegistry(raw[:len(raw)/2], "fraud_features")
		t.Logf("half a registry: %v", err)
	})
}

func facetsOf(t *testing.T, d feast.Dataset) map[string]map[string]any {
	t.Helper()
	raw, err := json.Marshal(d.Facets)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func recorded(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "openlineage", "testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// registry builds registry bytes from (field, message) pairs.
func registry(fields ...any) []byte {
	var b []byte
	for i := 0; i < len(fields); i += 2 {
		b = protowire.AppendTag(b, protowire.Number(fields[i].(int)), protowire.BytesType)
		b = protowire.AppendBytes(b, fields[i+1].([]byte))
	}
	return b
}

func TestDecodeErrors(t *testing.T) {
	spec := func(fields ...any) []byte { return registry(1, registry(fields...)) }
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"a field of the wrong wire type", protowire.AppendVarint(protowire.AppendTag(nil, 6, protowire.VarintType), 3),
			"registry: field 6 (feature_views): wire type varint, want length-delimited"},
		{"a cut length", append(protowire.AppendTag(nil, 6, protowire.BytesType), 0x20, 1, 2),
			"registry: field 6: unexpected EOF"},
		{"a name that is not UTF-8", registry(6, spec(1, []byte{0xff, 0xfe})),
			"feature_views[0].spec: field 1 (name): not UTF-8"},
		{"a broken feature", registry(6, spec(1, []byte("v"), 4, registry(1, []byte{0xff}))),
			"feature_views[0].spec.features[0]: field 1 (name): not UTF-8"},
		{"a broken tag", []byte{0x80}, "registry: a field tag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := feast.DecodeRegistry(c.b, "p")
			if err == nil || !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an Invalid error with %q", err, c.want)
			}
		})
	}

	t.Run("unknown fields are skipped", func(t *testing.T) {
		b := registry(99, []byte("x"), 6, spec(1, []byte("v"), 2, []byte("p"), 77, []byte("new")))
		b = protowire.AppendVarint(protowire.AppendTag(b, 98, protowire.VarintType), 7)
		b = protowire.AppendFixed64(protowire.AppendTag(b, 97, protowire.Fixed64Type), 7)
		reg, err := feast.DecodeRegistry(b, "p")
		if err != nil || len(reg.FeatureViews) != 1 || reg.FeatureViews[0].Name != "v" {
			t.Fatalf("%+v, %v", reg, err)
		}
	})

	t.Run("too many objects", func(t *testing.T) {
		var b []byte
		for range feast.MaxObjects + 1 {
			b = protowire.AppendBytes(protowire.AppendTag(b, 1, protowire.BytesType), nil)
		}
		_, err := feast.DecodeRegistry(b, "p")
		if !errors.Is(err, errs.TooLarge) || !strings.Contains(err.Error(), "10000 objects") {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("too large a file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "registry.db")
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, feast.MaxRegistryBytes+1); err != nil {
			t.Fatal(err)
		}
		_, err := feast.ReadRegistry(path, "p")
		if !errors.Is(err, errs.TooLarge) || !strings.Contains(err.Error(), "64 MiB") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestReadRepoConfig(t *testing.T) {
	env := map[string]string{"FEAST_PROJECT": "fraud_features", "DATA": "/srv/feast"}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		name, yaml           string
		project, registry    string // registry "" : relative to the repo
		namespace, wantError string
	}{
		{name: "defaults", yaml: "project: p\n", project: "p", registry: "data/registry.db", namespace: "p"},
		{name: "a string path", yaml: "project: p\nregistry: reg/r.db\n", project: "p", registry: "reg/r.db", namespace: "p"},
		{name: "an absolute path", yaml: "project: p\nregistry: /abs/r.db\n", project: "p", registry: "/abs/r.db", namespace: "p"},
		{name: "a file URL", yaml: "project: p\nregistry: file:///abs/r.db\n", project: "p", registry: "/abs/r.db", namespace: "p"},
		{name: "a mapping", yaml: "project: p\nregistry:\n  registry_type: file\n  path: data/r.db\n  cache_ttl_seconds: 60\n", project: "p", registry: "data/r.db", namespace: "p"},
		{name: "a mapping without a type", yaml: "project: p\nregistry:\n  path: data/r.db\n", project: "p", registry: "data/r.db", namespace: "p"},
		{name: "variables", yaml: "project: ${FEAST_PROJECT}\nregistry: $DATA/registry.db\n", project: "fraud_features", registry: "/srv/feast/registry.db", namespace: "fraud_features"},
		{name: "namespace feast", yaml: "project: p\nopenlineage:\n  enabled: true\n  namespace: feast\n", project: "p", registry: "data/registry.db", namespace: "p"},
		{name: "namespace of its own", yaml: "project: p\nopenlineage:\n  namespace: prod\n", project: "p", registry: "data/registry.db", namespace: "prod/p"},
		{name: "namespace the project", yaml: "project: p\nopenlineage:\n  namespace: team/p\n", project: "p", registry: "data/registry.db", namespace: "team/p"},
		{name: "a sql registry", yaml: "project: p\nregistry:\n  registry_type: sql\n  path: postgresql://u:secret@db/feast\n", wantError: `registry_type is "sql": only the file registry`},
		{name: "a snowflake registry", yaml: "project: p\nregistry:\n  registry_type: snowflake.registry\n", wantError: `registry_type is "snowflake.registry"`},
		{name: "a remote registry", yaml: "project: p\nregistry:\n  registry_type: remote\n  path: grpc://feast:6570\n", wantError: `registry_type is "remote"`},
		{name: "a database URL", yaml: "project: p\nregistry: postgresql://u:secret@db/feast\n", wantError: "registry is a postgresql:// URL"},
		{name: "an object store", yaml: "project: p\nregistry: s3://bucket/registry.db\n", wantError: "registry is a s3:// URL"},
		{name: "no project", yaml: "registry: r.db\n", wantError: "project: required"},
		{name: "not YAML", yaml: "project: [\n", wantError: "not YAML"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, feast.ConfigFile), []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := feast.ReadRepoConfig(dir, getenv)
			if c.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantError) || strings.Contains(err.Error(), "secret") {
					t.Fatalf("got %+v, %v; want an error with %q", cfg, err, c.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := c.registry
			if !filepath.IsAbs(want) {
				want = filepath.Join(dir, want)
			}
			if cfg.Project != c.project || cfg.Registry != want || cfg.Namespace() != c.namespace {
				t.Fatalf("got %+v (namespace %q), want project %q, registry %q, namespace %q", cfg, cfg.Namespace(), c.project, want, c.namespace)
			}
		})
	}
	t.Run("no yaml", func(t *testing.T) {
		_, err := feast.ReadRepoConfig(t.TempDir(), getenv)
		if err == nil || !strings.Contains(err.Error(), "no feature_store.yaml") {
			t.Fatalf("got %v", err)
		}
	})
}
