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

// TestCheckTemplateDraft: an editor's template is checked as
// createValidationTemplate would check it, problem by problem, and as a
// suite once every parameter has a value.
func TestCheckTemplateDraft(t *testing.T) {
	text := "rules:\n  - {type: not_null, column: ${key}}\n  - {type: value_between, column: amount, min: ${lo}, max: 10}\n"
	def := func(v string) *string { return &v }
	for _, c := range []struct {
		name      string
		text      string
		params    []store.TemplateParam
		samples   map[string]string
		valid     bool
		suite     bool
		rules     int
		mentions  string
		ruleIndex int // of the first problem; -1 for the whole draft
	}{
		{"defaults for all", text, []store.TemplateParam{{Name: "key", Default: def("id")}, {Name: "lo", Default: def("0")}}, nil, true, true, 2, "", 0},
		{"a parameter without a value", text, []store.TemplateParam{{Name: "key", Default: def("id")}, {Name: "lo"}}, nil, true, false, 0, "", 0},
		{"a sample in its place", text, []store.TemplateParam{{Name: "key", Default: def("id")}, {Name: "lo"}}, map[string]string{"lo": "1"}, true, true, 2, "", 0},
		{"a sample the rule refuses", text, []store.TemplateParam{{Name: "key", Default: def("id")}, {Name: "lo"}}, map[string]string{"lo": "20"}, false, true, 0, "min", 1},
		{"an undeclared placeholder", text, []store.TemplateParam{{Name: "key", Default: def("id")}}, nil, false, false, 0, "${lo} is not a declared parameter", -1},
		{"an unused parameter", text, []store.TemplateParam{{Name: "key"}, {Name: "lo"}, {Name: "extra"}}, nil, false, false, 0, "${extra} is not in the definition", -1},
		{"a parameter declared twice", text, []store.TemplateParam{{Name: "key"}, {Name: "key"}, {Name: "lo"}}, nil, false, false, 0, "declared twice", -1},
		{"a sample of no parameter", text, []store.TemplateParam{{Name: "key"}, {Name: "lo"}}, map[string]string{"hi": "1"}, false, false, 0, `"hi" is not a declared parameter`, -1},
		{"a default over two lines", text, []store.TemplateParam{{Name: "key", Default: def("id\n  - {}")}, {Name: "lo"}}, nil, false, false, 0, "one line", -1},
		{"not YAML once filled", "rules: [${key}\n", []store.TemplateParam{{Name: "key", Default: def("id")}}, nil, false, true, 0, "YAML", -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := CheckTemplateDraft(c.text, c.params, c.samples)
			if valid := len(got.Problems) == 0; valid != c.valid || got.SuiteChecked != c.suite || got.RuleCount != c.rules {
				t.Fatalf("valid %v, suite checked %v, %d rules (%+v); want %v, %v, %d", valid, got.SuiteChecked, got.RuleCount, got.Problems, c.valid, c.suite, c.rules)
			}
			if want := Placeholders(c.text); strings.Join(got.Placeholders, ",") != strings.Join(want, ",") || len(want) == 0 {
				t.Errorf("placeholders %v, want %v", got.Placeholders, want)
			}
			if c.mentions != "" && (!strings.Contains(got.Problems[0].Msg, c.mentions) || got.Problems[0].Rule != c.ruleIndex) {
				t.Errorf("first problem %+v: want rule %d mentioning %q", got.Problems[0], c.ruleIndex, c.mentions)
			}
		})
	}
	// What the draft check accepts, the template check accepts, and the
	// other way round (one rule, written once).
	in := store.ValidationTemplateInput{ProjectKey: "fraud", Name: "t", Text: text, Params: []store.TemplateParam{{Name: "key", Default: def("id")}, {Name: "lo"}}}
	if err := CheckTemplate(in); err != nil || len(CheckTemplateDraft(in.Text, in.Params, nil).Problems) != 0 {
		t.Errorf("CheckTemplate %v, draft %+v: want both to accept", err, CheckTemplateDraft(in.Text, in.Params, nil).Problems)
	}
	in.Params = in.Params[:1]
	if err := CheckTemplate(in); err == nil || len(CheckTemplateDraft(in.Text, in.Params, nil).Problems) == 0 {
		t.Errorf("an undeclared placeholder: CheckTemplate %v, draft %+v; want both to refuse", err, CheckTemplateDraft(in.Text, in.Params, nil))
	}
	if err := CheckDraftSizes([]store.TemplateParam{{Name: strings.Repeat("p", store.MaxNameLen+1)}}, nil); err == nil || len(err.Error()) > 200 {
		t.Errorf("an oversized name: %v; want a short refusal", err)
	}
}
