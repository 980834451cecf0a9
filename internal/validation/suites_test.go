package validation

import (
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

const dsv = "dsv_0190a000-0000-7000-8000-000000000000"

func TestParseDefinition(t *testing.T) {
	def, err := ParseDefinition("orders", `
name: ignored
dataset: {namespace: "s3://lake", name: orders}
rules:
  - type: not_null
    column: id
  - type: referential_integrity
    column: customer
    reference: `+dsv+`
  - type: distribution_drift
    column: amount
    reference: `+dsv+`
`)
	if err != nil {
		t.Fatal(err)
	}
	if def.Name != "orders" || def.RuleCount != 3 || !strings.Contains(def.Text, `"name":"orders"`) || strings.Contains(def.Text, "ignored") {
		t.Errorf("definition %+v", def)
	}
	if ds := def.Dataset; ds == nil || ds.Namespace != "s3://lake" || ds.Name != "orders" {
		t.Errorf("dataset %+v", def.Dataset)
	}
	want := []store.SuiteReference{{Rule: 1, DatasetVersionID: dsv}, {Rule: 2, DatasetVersionID: dsv}}
	if len(def.References) != len(want) || def.References[0] != want[0] || def.References[1] != want[1] {
		t.Errorf("references %+v, want %+v", def.References, want)
	}

	// YAML and JSON of the same rules are one canonical text.
	again, err := ParseDefinition("orders", `{"dataset": {"namespace": "s3://lake", "name": "orders"}, "rules": [
		{"type": "not_null", "column": "id"},
		{"type": "referential_integrity", "column": "customer", "reference": "`+dsv+`"},
		{"type": "distribution_drift", "column": "amount", "reference": "`+dsv+`"}]}`)
	if err != nil || again.Text != def.Text {
		t.Errorf("JSON form: %v\n%s\n%s", err, again.Text, def.Text)
	}
	if plain, err := ParseDefinition("x", "rules:\n  - type: not_null\n    column: a\n"); err != nil || plain.Dataset != nil || plain.References != nil {
		t.Errorf("a suite naming no dataset and no reference: %+v, %v", plain, err)
	}
}

func TestParseDefinitionErrors(t *testing.T) {
	for _, c := range []struct {
		name, suite, text string
		want              string // the whole message after "invalid input: "
	}{
		{"empty", "x", " \n", "definition: must not be empty"},
		{"too long", "x", strings.Repeat("#", store.MaxSuiteDefinitionLen+1),
			"definition: at most 1048576 bytes, got 1048577"},
		{"control character", "x", "rules: []\x00", "definition: contains control character U+0000"},
		{"rule without its column", "x", "rules:\n  - type: not_null\n", "definition: rules[0].column: is required for not_null"},
		{"reference not a version ID", "x", "rules:\n  - type: not_null\n    column: a\n  - type: referential_integrity\n    column: a\n    reference: ref.csv\n",
			`definition: rules[1].reference: "ref.csv" is not a dataset version ID (dsv_…); in the hub a reference names a registered version`},
		// A write checks the name first, so a bad name hides a bad
		// definition.
		{"bad name and bad definition", " ", "rules: []", "name: must not be empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDefinition(c.suite, c.text)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("want errs.Invalid, got %v", err)
			}
			if got, _ := strings.CutPrefix(err.Error(), errs.Invalid.Error()+": "); got != c.want {
				t.Errorf("message\n got %s\nwant %s", got, c.want)
			}
		})
	}
	// A bad name with a good definition parses: the write reports the
	// name, after the caller checked access to the references.
	if _, err := ParseDefinition(" ", "rules:\n  - type: not_null\n    column: a\n"); err != nil {
		t.Errorf("a good definition for a bad name: %v", err)
	}
}
