package lineage

import (
	"testing"

	"github.com/exphub/exphub/internal/store"
)

// A view's health follows its own latest version, its sources' latest
// versions and those of the data their URIs name, as the API documents.
func TestFeatureViewHealth(t *testing.T) {
	src := func(id, latest string) *store.Dataset { return &store.Dataset{ID: id, LatestVersionID: latest} }
	for _, c := range []struct {
		name    string
		sources []*store.Dataset
		data    map[string]*store.Dataset
		latest  string
		health  map[string]Health
		want    Health
		atRisks int
	}{
		{"no source versions", []*store.Dataset{src("a", ""), src("b", "")}, nil, "", nil, HealthUnknown, 0},
		{"one source never validated", []*store.Dataset{src("a", "a1"), src("b", "b1")}, nil, "",
			map[string]Health{"a1": HealthOK, "b1": HealthUnknown}, HealthUnknown, 0},
		{"one source without a version", []*store.Dataset{src("a", "a1"), src("b", "")}, nil, "",
			map[string]Health{"a1": HealthOK}, HealthUnknown, 0},
		{"all sources fine", []*store.Dataset{src("a", "a1"), src("b", "b1")}, nil, "",
			map[string]Health{"a1": HealthOK, "b1": HealthWarn}, HealthOK, 0},
		{"a source failed", []*store.Dataset{src("a", "a1"), src("b", "b1")}, nil, "",
			map[string]Health{"a1": HealthFailed, "b1": HealthOK}, HealthAtRisk, 1},
		{"a source at risk from upstream", []*store.Dataset{src("a", "a1"), src("b", "b1")}, nil, "",
			map[string]Health{"a1": HealthAtRisk, "b1": HealthFailed}, HealthAtRisk, 2},
		{"its own version failed", []*store.Dataset{src("a", "a1"), src("b", "b1")}, nil, "v1",
			map[string]Health{"a1": HealthFailed, "b1": HealthOK, "v1": HealthFailed}, HealthFailed, 1},
		{"the data a source names failed", []*store.Dataset{src("a", "")}, map[string]*store.Dataset{"a": src("raw", "r1")}, "",
			map[string]Health{"r1": HealthFailed}, HealthAtRisk, 1},
		{"a source's data validated", []*store.Dataset{src("a", "")}, map[string]*store.Dataset{"a": src("raw", "r1")}, "",
			map[string]Health{"r1": HealthOK}, HealthOK, 0},
	} {
		row := &store.FeatureViewRow{View: &store.Dataset{ID: "ds_v", Name: "v"}, Sources: c.sources, LatestVersion: c.latest}
		v := featureViewOf(row, c.data, c.health)
		if v.Health != c.want || len(v.AtRiskSources) != c.atRisks || len(v.SourceData) != len(c.data) {
			t.Errorf("%s: %s with %v at risk and data %v, want %s with %d", c.name, v.Health, v.AtRiskSources, v.SourceData, c.want, c.atRisks)
		}
	}
}

// Which URIs of a Feast data source name data the hub can find.
func TestSourceURI(t *testing.T) {
	for facets, want := range map[string]string{
		`{"dataSource":{"uri":"s3://lake/raw/tx.parquet"}}`:                                      "s3://lake/raw/tx.parquet",
		`{"dataSource":{"uri":"data/tx.parquet"},"feast_dataSource":{"path":"data/tx.parquet"}}`: "",
		`{"dataSource":{"uri":"table://proj.ds.tx"}}`:                                            "",
		`{"dataSource":{"uri":"query://123"}}`:                                                   "",
		`{"feast_dataSource":{"path":"/srv/data/tx.parquet"}}`:                                   "/srv/data/tx.parquet",
		`{"feast_dataSource":{"path":"file:///srv/data/tx.parquet"}}`:                            "file:///srv/data/tx.parquet",
		`{"dataSource":{"uri":"feast://unnamed"}}`:                                               "",
		`not json`: "",
	} {
		if got := sourceURI(&store.Dataset{Facets: facets}); got != want {
			t.Errorf("sourceURI(%s) = %q, want %q", facets, got, want)
		}
	}
}

// A view's definition is its feast_featureView facet; a facet that does
// not decode leaves the dataset's name.
func TestFeatureViewDef(t *testing.T) {
	d := &store.Dataset{Name: "ds-name", Facets: `{"feast_featureView":{"name":"fv","ttl_seconds":60,"features":["a"],"tags":{"t":"x"}}}`}
	def := featureViewDef(d)
	if def.Name != "fv" || def.TTLSeconds == nil || *def.TTLSeconds != 60 || len(def.Features) != 1 || def.Tags["t"] != "x" {
		t.Fatalf("%+v", def)
	}
	d.Facets = `{"feast_featureView":{"name":7}}`
	if def := featureViewDef(d); def.Name != "ds-name" || def.Features != nil {
		t.Fatalf("an undecodable facet: %+v", def)
	}
}
