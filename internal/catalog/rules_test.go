package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/catalog"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// The rules are pure: these tests need no Neo4j.

// versionCases register version 2025-01-01 again, changed by change, over
// base; field names what the conflict says differs ("" means accepted as
// the same version).
var versionCases = []struct {
	name   string
	change func(in *store.RegisterDatasetVersionInput)
	field  string
}{
	{"derivedFrom added", func(in *store.RegisterDatasetVersionInput) { in.DerivedFrom = []string{"dsv_src"} }, "derivedFrom"},
	{"identical", func(in *store.RegisterDatasetVersionInput) {}, ""},
	{"different digest", func(in *store.RegisterDatasetVersionInput) { in.Digest = strings.Repeat("b", 64) }, "digest"},
	{"different uri", func(in *store.RegisterDatasetVersionInput) { in.URI += "v2" }, "uri"},
	{"different row count", func(in *store.RegisterDatasetVersionInput) { in.RowCount = rows(101) }, "rowCount"},
	{"row count dropped", func(in *store.RegisterDatasetVersionInput) { in.RowCount = nil }, "rowCount"},
	{"different schema type", func(in *store.RegisterDatasetVersionInput) { in.Schema[0].Type = "int32" }, "schema"},
	{"schema dropped", func(in *store.RegisterDatasetVersionInput) { in.Schema = nil }, "schema"},
	{"schema field added", func(in *store.RegisterDatasetVersionInput) {
		in.Schema = append(in.Schema, store.SchemaField{Name: "extra", Type: "bool"})
	}, "schema"},
}

func rows(n int64) *int64 { return &n }

// base is the first registration of version 2025-01-01 of dataset id.
func base(id string) store.RegisterDatasetVersionInput {
	return store.RegisterDatasetVersionInput{DatasetID: id, Version: "2025-01-01", URI: "s3://bucket/x/2025-01-01/",
		Digest: strings.Repeat("a", 64), RowCount: rows(100),
		Schema: []store.SchemaField{{Name: "id", Type: "int64"}, {Name: "label", Type: "string", Nullable: true}}}
}

// registered is base as the store holds it.
func registered(in store.RegisterDatasetVersionInput) *store.DatasetVersion {
	return &store.DatasetVersion{ID: "dsv_1", DatasetID: in.DatasetID, Version: in.Version, URI: in.URI, Digest: in.Digest,
		RowCount: in.RowCount, Schema: in.Schema}
}

func TestSameVersion(t *testing.T) {
	for _, c := range versionCases {
		t.Run(c.name, func(t *testing.T) {
			in := base("ds_1")
			c.change(&in)
			err := catalog.SameVersion(registered(base("ds_1")), nil, in)
			if c.field == "" {
				if err != nil {
					t.Fatalf("want the same registration, got %v", err)
				}
				return
			}
			if !errors.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "content: "+c.field) || !strings.Contains(err.Error(), `"2025-01-01"`) {
				t.Fatalf("got %v, want a conflict naming field %q and the label", err, c.field)
			}
		})
	}
}

func TestSameVersionDerivedFrom(t *testing.T) {
	cases := []struct {
		name      string
		had, want []string
		same      bool
	}{
		{"none", nil, nil, true},
		{"none and empty", nil, []string{}, true},
		{"same in another order", []string{"dsv_a", "dsv_b"}, []string{"dsv_b", "dsv_a"}, true},
		{"same with a repeat", []string{"dsv_a"}, []string{"dsv_a", "dsv_a"}, true},
		{"one dropped", []string{"dsv_a", "dsv_b"}, []string{"dsv_a"}, false},
		{"one added", []string{"dsv_a"}, []string{"dsv_a", "dsv_b"}, false},
		{"all dropped", []string{"dsv_a"}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base("ds_1")
			in.DerivedFrom = c.want
			had := append([]string(nil), c.had...)
			err := catalog.SameVersion(registered(base("ds_1")), had, in)
			if c.same != (err == nil) {
				t.Fatalf("same = %v, got %v", c.same, err)
			}
			if err != nil && !strings.Contains(err.Error(), "content: derivedFrom") {
				t.Fatalf("%v does not name derivedFrom", err)
			}
			if strings.Join(had, ",") != strings.Join(c.had, ",") {
				t.Fatalf("the rule reordered its argument: %v", had)
			}
		})
	}
}
