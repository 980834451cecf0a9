package store_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/feast"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// TestFeatureViewsReading: the views that read some datasets, asked in
// one statement, are the views each of them feeds, each once, by name;
// a view the apply job wrote while reading a dataset is not one that
// reads it unless its own job does.
func TestFeatureViewsReading(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "fvread")
	srcA := feast.DataSource{Name: "src_a", Type: 1, Path: "data/a.parquet"}
	srcB := feast.DataSource{Name: "src_b", Type: 1, Path: "data/b.parquet"}
	reg := &feast.Registry{
		Project:  "shop",
		Entities: []feast.Entity{{Name: "driver", JoinKey: "driver_id", ValueType: 4}},
		FeatureViews: []feast.FeatureView{
			{Name: "v_b", Entities: []string{"driver"}, BatchSource: &srcB},
			{Name: "v_a", Entities: []string{"driver"}, BatchSource: &srcA},
			{Name: "v_c", BatchSource: &srcA},
		},
	}
	events := feast.Events(reg, "shop", "local", time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	// Feast's own apply job writes every view and reads every source.
	apply := events[0]
	apply.Job = feast.Job{Namespace: "shop", Name: "feast_apply_shop", Facets: map[string]any{}}
	apply.Run.RunID = "0b9d6a3c-5f1e-4c52-9a57-000000000001"
	apply.Inputs, apply.Outputs = nil, nil
	for _, e := range events {
		apply.Inputs = append(apply.Inputs, e.Inputs...)
		apply.Outputs = append(apply.Outputs, e.Outputs...)
	}
	ol := openlineage.New(s, openlineage.Config{DefaultProject: key})
	pipeline := &auth.Principal{Subject: "feast", Roles: map[string]auth.Role{key: auth.RoleContributor}}
	for _, e := range append(events, apply) {
		body, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ol.Ingest(ctx, pipeline, body); err != nil {
			t.Fatalf("ingest %s: %v", e.Job.Name, err)
		}
	}
	id := func(name string) string {
		t.Helper()
		rows := neo4jtest.Rows(t, `MATCH (d:Dataset {projectKey: $k, name: $n}) RETURN d.id AS id`, map[string]any{"k": key, "n": name})
		if len(rows) != 1 {
			t.Fatalf("%d datasets %s", len(rows), name)
		}
		return rows[0]["id"].(string)
	}
	names := func(rows []*store.FeatureViewRow) []string {
		out := []string{}
		for _, r := range rows {
			out = append(out, r.View.Name)
		}
		return out
	}
	t.Run("pages", func(t *testing.T) {
		all, err := s.FeatureViews(ctx, key, nil)
		if err != nil {
			t.Fatal(err)
		}
		var paged []string
		page := store.Page{First: 2}
		for {
			c, err := s.FeatureViewsPage(ctx, key, page)
			if err != nil {
				t.Fatal(err)
			}
			if c.Total != int64(len(all)) || len(c.Items) != len(c.Cursors) {
				t.Fatalf("a page of %d items, %d cursors, total %d; want total %d", len(c.Items), len(c.Cursors), c.Total, len(all))
			}
			paged = append(paged, names(c.Items)...)
			if !c.HasNext {
				break
			}
			page.After = c.EndCursor()
		}
		if want := names(all); !slices.Equal(paged, want) {
			t.Fatalf("paged %v, want %v", paged, want)
		}
		if c, err := s.FeatureViewsPage(ctx, newProject(t, s, "fvnone"), store.Page{First: 2}); err != nil || c.Total != 0 || len(c.Items) != 0 {
			t.Fatalf("a project without views: %+v, %v", c, err)
		}
	})
	for _, c := range []struct {
		name string
		ids  []string
		want []string
	}{
		{"none", []string{}, []string{}},
		{"one source", []string{id("src_b")}, []string{"v_b"}},
		{"a source of two views", []string{id("src_a")}, []string{"v_a", "v_c"}},
		{"an entity", []string{id("driver")}, []string{"v_a", "v_b"}},
		{"several, overlapping", []string{id("src_b"), id("driver"), id("src_a")}, []string{"v_a", "v_b", "v_c"}},
		{"a view and nothing", []string{id("v_a"), "ds_none"}, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := s.FeatureViewsReading(ctx, c.ids)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(rows); !slices.Equal(got, c.want) {
				t.Fatalf("views %v, want %v", got, c.want)
			}
			// The same as asking for each dataset alone.
			var each []string
			for _, id := range c.ids {
				rows, err := s.FeatureViewsReading(ctx, []string{id})
				if err != nil {
					t.Fatal(err)
				}
				each = append(each, names(rows)...)
			}
			slices.Sort(each)
			if each = slices.Compact(each); !slices.Equal(each, c.want) {
				t.Fatalf("one by one: views %v, want %v", each, c.want)
			}
		})
	}
}
