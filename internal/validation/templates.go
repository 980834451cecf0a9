package validation

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
)

// A template's text is a suite definition (YAML or JSON) with ${name}
// placeholders for its parameters. A value is one line, put in as written:
// a number, a word, or a [flow, list] where the definition wants a set.

// placeholder is ${name} in a template's text.
var placeholder = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// paramName is what a parameter may be called.
var paramName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CheckTemplate checks a template's content before it is stored: every
// placeholder is a declared parameter and every parameter is used, and
// the selector's patterns are well-formed. Whether the text is a suite is
// known when it is rendered with values (RenderTemplate).
func CheckTemplate(in store.ValidationTemplateInput) error {
	if err := checkDeclared(in.Text, in.Params); err != nil {
		return err
	}
	if i := slices.IndexFunc(in.Params, func(p store.TemplateParam) bool { return p.Default == nil }); in.AutoApply && i >= 0 {
		return errs.Invalidf("autoApply: params[%d] (%s) has no default; a template that applies itself renders its suites with the defaults", i, in.Params[i].Name)
	}
	for field, pattern := range map[string]string{"selector.namespace": in.Selector.Namespace, "selector.name": in.Selector.Name,
		"selector.featureView": in.Selector.FeatureView} {
		if _, err := path.Match(pattern, ""); err != nil {
			return errs.Invalidf("%s: %s is not a glob pattern (*, ?, [a-z])", field, errs.Quote(pattern))
		}
	}
	for i, tag := range in.Selector.Tags {
		if key, _, _ := strings.Cut(tag, "="); strings.TrimSpace(key) == "" {
			return errs.Invalidf("selector.tags[%d]: %s is not key or key=value", i, errs.Quote(tag))
		}
	}
	// With a value for every parameter, the text can be checked as a suite
	// now rather than when it is first applied.
	if !slices.ContainsFunc(in.Params, func(p store.TemplateParam) bool { return p.Default == nil }) {
		defaults := map[string]string{}
		for _, p := range in.Params {
			defaults[p.Name] = *p.Default
		}
		if _, err := ParseDefinition(in.Name, fill(in.Text, defaults)); err != nil {
			return fmt.Errorf("definition, with the parameters' defaults: %w", err)
		}
	}
	return nil
}

// Placeholders are the parameter names text uses (${name}), sorted.
func Placeholders(text string) []string {
	used := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		used[m[1]] = true
	}
	return slices.Sorted(maps.Keys(used))
}

// checkDeclared checks that every placeholder of text is a declared
// parameter and every parameter a placeholder of text.
func checkDeclared(text string, params []store.TemplateParam) error {
	used := Placeholders(text)
	for _, name := range used {
		if !slices.ContainsFunc(params, func(p store.TemplateParam) bool { return p.Name == name }) {
			return errs.Invalidf("definition: ${%s} is not a declared parameter (params)", name)
		}
	}
	for i, p := range params {
		if !paramName.MatchString(p.Name) {
			return errs.Invalidf("params[%d].name: %s is not a parameter name (letters, digits and _, not first a digit)", i, errs.Quote(p.Name))
		}
		if !slices.Contains(used, p.Name) {
			return errs.Invalidf("params[%d].name: ${%s} is not in the definition", i, p.Name)
		}
	}
	return nil
}

// TemplateCheck is what CheckTemplateDraft finds in a template being
// written.
type TemplateCheck struct {
	// Placeholders are the parameters the text uses (Placeholders).
	Placeholders []string
	// SuiteChecked is whether the text was parsed as a suite: it was
	// when every parameter had a value (its default or a sample).
	SuiteChecked bool
	DefinitionCheck
}

// CheckDraftSizes refuses, as an error rather than a problem of the
// draft, parameters and samples over the store's size limits, so a check
// never works through (or quotes) an oversized argument.
func CheckDraftSizes(params []store.TemplateParam, samples map[string]string) error {
	if len(params) > store.MaxTemplateParams || len(samples) > store.MaxTemplateParams {
		return errs.Invalidf("params, samples: at most %d each, got %d and %d", store.MaxTemplateParams, len(params), len(samples))
	}
	for i, p := range params {
		if len(p.Name) > store.MaxNameLen || p.Default != nil && len(*p.Default) > store.MaxTemplateParamValue {
			return errs.Invalidf("params[%d]: a name is at most %d bytes, a default %d", i, store.MaxNameLen, store.MaxTemplateParamValue)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(samples)) {
		if len(k) > store.MaxNameLen || len(samples[k]) > store.MaxTemplateParamValue {
			return errs.Invalidf("samples: a name is at most %d bytes, a value %d", store.MaxNameLen, store.MaxTemplateParamValue)
		}
	}
	return nil
}

// CheckTemplateDraft checks a template's text and parameters as
// createValidationTemplate would, writing nothing and returning the
// problems rather than the first: the store's limits, the parameters'
// declarations, and, when every parameter has a value, the text rendered
// with those values as a suite (CheckDefinition). samples give values,
// for the check only, to parameters (in place of their defaults).
func CheckTemplateDraft(text string, params []store.TemplateParam, samples map[string]string) TemplateCheck {
	out := TemplateCheck{Placeholders: Placeholders(text)}
	fail := func(err error) TemplateCheck {
		out.Problems = []quality.Problem{{Rule: -1, Msg: err.Error()}}
		return out
	}
	if err := store.CheckSuiteDefinition(text); err != nil {
		return fail(err)
	}
	if err := store.CheckTemplateParams(params); err != nil {
		return fail(err)
	}
	if err := checkDeclared(text, params); err != nil {
		return fail(err)
	}
	for _, k := range slices.Sorted(maps.Keys(samples)) {
		if !slices.ContainsFunc(params, func(p store.TemplateParam) bool { return p.Name == k }) {
			return fail(errs.Invalidf("samples: %s is not a declared parameter", errs.Quote(k)))
		}
	}
	values := map[string]string{}
	for _, p := range params {
		switch v, ok := samples[p.Name]; {
		case ok:
			if err := store.CheckTemplateValue("samples."+p.Name, v); err != nil {
				return fail(err)
			}
			values[p.Name] = v
		case p.Default != nil:
			values[p.Name] = *p.Default
		default:
			return out
		}
	}
	out.SuiteChecked = true
	out.DefinitionCheck = CheckDefinition(fill(text, values))
	return out
}

// SelectorMatches reports whether dataset d is one the selector is for;
// feeds are the names of the Feast feature views d is a data source of
// (read only by a selector with a featureView pattern), and d's facets are
// read only by a selector with tags (see DatasetTags).
func SelectorMatches(s store.DatasetSelector, d *store.Dataset, feeds []string) bool {
	match := func(pattern, v string) bool {
		if pattern == "" {
			return true
		}
		ok, err := path.Match(pattern, v)
		return err == nil && ok
	}
	if s.FeatureView != "" && !slices.ContainsFunc(feeds, func(view string) bool { return match(s.FeatureView, view) }) {
		return false
	}
	if len(s.Tags) > 0 {
		tags := DatasetTags(d)
		for _, want := range s.Tags {
			key, value, valued := strings.Cut(want, "=")
			if got, ok := tags[key]; !ok || valued && got != value {
				return false
			}
		}
	}
	return match(s.Namespace, d.Namespace) && match(s.Name, d.Name)
}

// DatasetTags are the tags a dataset carries, from its facets: the
// OpenLineage tags facet ({"tags": [{"key", "value"}]}) and the tags of
// the Feast object it is (feast_* facets' "tags" maps). A later source of
// a key wins; a facet that does not decode gives none.
func DatasetTags(d *store.Dataset) map[string]string {
	out := map[string]string{}
	var facets map[string]json.RawMessage
	if d.Facets == "" || json.Unmarshal([]byte(d.Facets), &facets) != nil {
		return out
	}
	for _, name := range slices.Sorted(maps.Keys(facets)) {
		raw := facets[name]
		switch {
		case name == "tags":
			var f struct {
				Tags []struct{ Key, Value string } `json:"tags"`
			}
			if json.Unmarshal(raw, &f) == nil {
				for _, t := range f.Tags {
					out[t.Key] = t.Value
				}
			}
		case strings.HasPrefix(name, "feast_"):
			var f struct {
				Tags map[string]string `json:"tags"`
			}
			if json.Unmarshal(raw, &f) == nil {
				maps.Copy(out, f.Tags)
			}
		}
	}
	return out
}

// RenderTemplate makes the definition of a suite named suiteName from
// a template and parameter values: every value a declared parameter's,
// one line; every parameter without a default given. It is a
// store.RenderSuite.
func RenderTemplate(t *store.ValidationTemplate, suiteName string, values map[string]string) (store.SuiteDefinition, error) {
	final := map[string]string{}
	for _, p := range t.Params {
		if p.Default != nil {
			final[p.Name] = *p.Default
		}
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if !slices.ContainsFunc(t.Params, func(p store.TemplateParam) bool { return p.Name == k }) {
			return store.SuiteDefinition{}, errs.Invalidf("params: %s is not a parameter of template %s", errs.Quote(k), errs.Quote(t.Name))
		}
		if err := store.CheckTemplateValue("params."+k, values[k]); err != nil {
			return store.SuiteDefinition{}, err
		}
		final[k] = values[k]
	}
	for _, p := range t.Params {
		if _, ok := final[p.Name]; !ok {
			return store.SuiteDefinition{}, errs.Invalidf("params: %s has no value and template %s gives it no default", p.Name, errs.Quote(t.Name))
		}
	}
	def, err := ParseDefinition(suiteName, fill(t.Text, final))
	if err != nil {
		return store.SuiteDefinition{}, fmt.Errorf("template %s (version %d) with these params: %w", errs.Quote(t.Name), t.Version, err)
	}
	return def, nil
}

// fill puts each ${name} of text's value in values.
func fill(text string, values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		return values[strings.TrimSuffix(strings.TrimPrefix(m, "${"), "}")]
	})
}
