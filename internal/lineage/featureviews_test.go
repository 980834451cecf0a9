package lineage

import (
	"testing"

	"github.com/exphub/exphub/internal/store"
)

// A view's health follows its own latest version and its sources' latest
// versions as the API documents it.
func TestFeatureViewHealth(t *testing.T) {
	two := []*store.Dataset{{ID: "ds_a"}, {ID: "ds_b"}}
	for _, c := range []struct {
		name    string
		row     store.FeatureViewRow
		health  map[string]Health
		want    Health
		atRisks int
	}{
		{"no source versions", store.FeatureViewRow{Sources: two}, nil, HealthUnknown, 0},
		{"one source never validated", store.FeatureViewRow{Sources: two, SourceVersions: []string{"a1", "b1"}},
			map[string]Health{"a1": HealthOK, "b1": HealthUnknown}, HealthUnknown, 0},
		{"one source without a version", store.FeatureViewRow{Sources: two, SourceVersions: []string{"a1"}},
			map[string]Health{"a1": HealthOK}, HealthUnknown, 0},
		{"all sources fine", store.FeatureViewRow{Sources: two, SourceVersions: []string{"a1", "b1"}},
			map[string]Health{"a1": HealthOK, "b1": HealthWarn}, HealthOK, 0},
		{"a source failed", store.FeatureViewRow{Sources: two, SourceVersions: []string{"a1", "b1"}},
			map[string]Health{"a1": HealthFailed, "b1": HealthOK}, HealthAtRisk, 1},
		{"a source at risk from upstream", store.FeatureViewRow{Sources: two, SourceVersions: []string{"a1", "b1"}},
			map[string]Health{"a1": HealthAtRisk, "b1": HealthFailed}, HealthAtRisk, 2},
		{"its own version failed", store.FeatureViewRow{Sources: two, SourceVersions: []string{"a1", "b1"}, LatestVersion: "v1"},
			map[string]Health{"a1": HealthFailed, "v1": HealthFailed}, HealthFailed, 1},
	} {
		c.row.View = &store.Dataset{ID: "ds_v", Name: "v"}
		v := featureViewOf(&c.row, c.health)
		if v.Health != c.want || len(v.AtRiskSources) != c.atRisks {
			t.Errorf("%s: %s with %v at risk, want %s with %d", c.name, v.Health, v.AtRiskSources, c.want, c.atRisks)
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
