package validation

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// readmeTemplate is the template of the README's "Shared templates".
func readmeTemplate(t *testing.T) store.ValidationTemplateInput {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### Shared templates")
	if !ok {
		t.Fatal(`README.md has no "### Shared templates"`)
	}
	_, text, ok := strings.Cut(section, `definition: """`+"\n")
	if !ok {
		t.Fatal("the README's template has no definition")
	}
	text, _, _ = strings.Cut(text, `"""`)
	def := "event_id"
	return store.ValidationTemplateInput{ProjectKey: "fraud", Name: "event-table", Text: text,
		Params:   []store.TemplateParam{{Name: "key", Default: &def}, {Name: "min_amount"}},
		Selector: store.DatasetSelector{Namespace: "s3://lake", Name: "raw/*"}}
}

func TestTemplateRendersAsTheReadmeSays(t *testing.T) {
	in := readmeTemplate(t)
	if err := CheckTemplate(in); err != nil {
		t.Fatal(err)
	}
	tpl := &store.ValidationTemplate{Name: in.Name, Version: 1, Text: in.Text, Params: in.Params, Selector: in.Selector}
	def, err := RenderTemplate(tpl, "events", map[string]string{"min_amount": "0"})
	if err != nil {
		t.Fatal(err)
	}
	if def.RuleCount != 4 || !strings.Contains(def.Text, `"column":"event_id"`) || !strings.Contains(def.Text, `"min":0`) {
		t.Fatalf("rendered %d rules: %s", def.RuleCount, def.Text)
	}
	other, err := RenderTemplate(tpl, "events", map[string]string{"min_amount": "10", "key": "txn_id"})
	if err != nil || !strings.Contains(other.Text, `"column":"txn_id"`) || !strings.Contains(other.Text, `"min":10`) {
		t.Fatalf("rendered with both values: %v %s", err, other.Text)
	}
	for _, c := range []struct {
		values   map[string]string
		mentions string
	}{
		{map[string]string{}, "min_amount has no value"},
		{map[string]string{"min_amount": "0", "max": "1"}, `"max" is not a parameter`},
		{map[string]string{"min_amount": "0\n  - {type: not_null, column: x}"}, "one line"},
		{map[string]string{"min_amount": "lots"}, "event-table"},
	} {
		_, err := RenderTemplate(tpl, "events", c.values)
		if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.mentions) {
			t.Errorf("values %v: got %v; want INVALID naming %q", c.values, err, c.mentions)
		}
	}
	for name, ok := range map[[2]string]bool{{"s3://lake", "raw/orders"}: true, {"s3://lake", "curated/orders"}: false,
		{"s3://other", "raw/orders"}: false} {
		if SelectorMatches(in.Selector, &store.Dataset{Namespace: name[0], Name: name[1]}, nil) != ok {
			t.Errorf("selector on %v: want %v", name, ok)
		}
	}
	// By feature view: only the data sources of the views it names.
	byView := store.DatasetSelector{FeatureView: "customer_*"}
	for feeds, ok := range map[string]bool{"": false, "driver_stats": false, "customer_stats": true, "driver_stats,customer_spend": true} {
		if SelectorMatches(byView, &store.Dataset{Namespace: "fraud_features", Name: "src"}, strings.Split(feeds, ",")) != ok {
			t.Errorf("feature view selector on a source of %q: want %v", feeds, ok)
		}
	}
	// By tags: the OpenLineage tags facet and a Feast object's tags.
	tagged := &store.Dataset{Namespace: "s3://lake", Name: "raw/tx", Facets: `{"tags":{"tags":[{"key":"domain","value":"payments","source":"x"}]},
		"feast_featureView":{"name":"v","tags":{"team":"fraud"}},"schema":{"fields":[]}}`}
	for tags, ok := range map[string]bool{"domain": true, "domain=payments": true, "team=fraud": true, "domain=payments,team=fraud": true,
		"domain=orders": false, "pii": false, "team=fraud,pii": false} {
		if SelectorMatches(store.DatasetSelector{Tags: strings.Split(tags, ",")}, tagged, nil) != ok {
			t.Errorf("tags %s: want %v", tags, ok)
		}
	}
	bad := in
	bad.Selector.Tags = []string{"=x"}
	if err := CheckTemplate(bad); err == nil || !strings.Contains(err.Error(), "selector.tags[0]") {
		t.Errorf("a tag without a key: %v", err)
	}
}

// A template whose every parameter has a default is checked as a suite
// when it is written, not first when it is applied.
func TestTemplateWithDefaultsIsCheckedAsASuite(t *testing.T) {
	in := readmeTemplate(t)
	zero := "0"
	in.Params[1].Default = &zero
	if err := CheckTemplate(in); err != nil {
		t.Fatalf("the README's template with defaults: %v", err)
	}
	in.Text = strings.Replace(in.Text, "not_null", "not_a_rule", 1)
	err := CheckTemplate(in)
	if err == nil || !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "defaults") || !strings.Contains(err.Error(), "not_a_rule") {
		t.Fatalf("a template naming no rule: %v", err)
	}
	in.Params[1].Default = nil
	if err := CheckTemplate(in); err != nil {
		t.Fatalf("without a default it is checked when applied: %v", err)
	}
}
