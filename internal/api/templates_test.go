package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

const (
	createTemplate = `mutation($k: String!, $n: String!, $d: String!, $p: [TemplateParamInput!], $s: DatasetSelectorInput) {
		createValidationTemplate(input: {projectKey: $k, name: $n, definition: $d, params: $p, selector: $s}) { validationTemplate { id version } } }`
	applyTemplate = `mutation($t: ID!, $ds: [ID!], $p: [TemplateParamValue!]) {
		applyValidationTemplate(input: {templateId: $t, datasetIds: $ds, params: $p}) { suites { id dataset { id } version } skipped } }`
	updateTemplate = `mutation($t: ID!, $d: String!, $p: [TemplateParamInput!], $s: DatasetSelectorInput) {
		updateValidationTemplate(input: {templateId: $t, definition: $d, params: $p, selector: $s}) {
			validationTemplate { version } changed suites { id version } } }`
	templateV1 = `{"rules": [{"type": "not_null", "column": "${col}"}, {"type": "value_between", "column": "amount", "min": ${min}}]}`
	templateV2 = `{"rules": [{"type": "not_null", "column": "${col}"}, {"type": "value_between", "column": "amount", "min": ${min}, "max": 1000}]}`
)

type templateSuite struct {
	ID         string
	Definition map[string]any
	Version    int
	Template   *struct {
		Version  int
		UpToDate bool
		Params   map[string]string
		Template struct{ ID string }
	}
}

// TestTemplatesFollowedBySuites: a template applied by its selector makes
// one suite per matching dataset, linked to its version; a new template
// version renders them all again; one that cannot be rendered for a suite
// changes nothing; a suite edited by hand stops following; bad input is
// named and writes nothing; other projects see none of it.
func TestTemplatesFollowedBySuites(t *testing.T) {
	st := neo4jtest.Store(t)
	key := neo4jtest.Project(t, st, "tpl")
	other := neo4jtest.Project(t, st, "tplo")
	var lake []string
	for _, ds := range []struct{ ns, name string }{{"s3://lake", "orders"}, {"s3://lake", "refunds"}, {"kafka://bus", "orders"}} {
		d, err := st.RegisterDataset(t.Context(), neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: ds.ns, Name: ds.name})
		if err != nil {
			t.Fatal(err)
		}
		if ds.ns == "s3://lake" {
			lake = append(lake, d.ID)
		}
	}
	h := newHub(t, func(o *api.Options) { o.Store = st })
	dev := token(t, "dana", map[string]auth.Role{key: auth.RoleContributor})
	viewer := token(t, "vic", map[string]auth.Role{key: auth.RoleViewer})
	outsider := token(t, "otto", map[string]auth.Role{other: auth.RoleAdmin})
	params := []map[string]any{{"name": "col", "default": "amount"}, {"name": "min"}}
	selector := map[string]any{"namespace": "s3://lake"}

	// Bad templates: named, nothing written.
	before := stateOf(t, key)
	for _, c := range []struct {
		def      string
		params   []map[string]any
		selector map[string]any
		mentions string
	}{
		{strings.Replace(templateV1, "${min}", "${low}", 1), params, selector, "${low}"},
		{templateV1, append(slices.Clone(params), map[string]any{"name": "unused"}), selector, "${unused} is not in the definition"},
		{templateV1, params, map[string]any{"name": "[orders"}, "selector.name"},
		{templateV1, []map[string]any{{"name": "col", "default": "a\nb"}, {"name": "min"}}, selector, "one line"},
	} {
		h.gql(t, dev, createTemplate, map[string]any{"k": key, "n": "checks", "d": c.def, "p": c.params, "s": c.selector}).fails(t, "BAD_USER_INPUT", c.mentions)
	}
	h.gql(t, viewer, createTemplate, map[string]any{"k": key, "n": "checks", "d": templateV1, "p": params, "s": selector}).fails(t, "FORBIDDEN")
	unchanged(t, key, before)

	var created struct {
		CreateValidationTemplate struct{ ValidationTemplate struct{ ID string } }
	}
	h.gql(t, dev, createTemplate, map[string]any{"k": key, "n": "checks", "d": templateV1, "p": params, "s": selector}).ok(t, &created)
	tpl := created.CreateValidationTemplate.ValidationTemplate.ID
	h.gql(t, dev, createTemplate, map[string]any{"k": key, "n": "checks", "d": templateV1, "p": params, "s": selector}).fails(t, "CONFLICT", "checks")

	// Apply: a missing parameter is named; then every matching dataset
	// gets a suite, and a second apply skips them.
	before = stateOf(t, key)
	h.gql(t, dev, applyTemplate, map[string]any{"t": tpl}).fails(t, "BAD_USER_INPUT", "min has no value")
	h.gql(t, dev, applyTemplate, map[string]any{"t": tpl, "p": []map[string]any{{"name": "nope", "value": "1"}}}).fails(t, "BAD_USER_INPUT", "nope")
	unchanged(t, key, before)
	type applied struct {
		ApplyValidationTemplate struct {
			Suites []struct {
				ID      string
				Dataset struct{ ID string }
			}
			Skipped []string
		}
	}
	var a applied
	h.gql(t, dev, applyTemplate, map[string]any{"t": tpl, "p": []map[string]any{{"name": "min", "value": "0"}}}).ok(t, &a)
	var got []string
	for _, s := range a.ApplyValidationTemplate.Suites {
		got = append(got, s.Dataset.ID)
	}
	if !slices.Equal(got, lake) || len(a.ApplyValidationTemplate.Skipped) != 0 {
		t.Fatalf("applied to %v, skipped %v; want the s3://lake datasets %v", got, a.ApplyValidationTemplate.Skipped, lake)
	}
	h.gql(t, dev, applyTemplate, map[string]any{"t": tpl, "p": []map[string]any{{"name": "min", "value": "0"}}}).ok(t, &a)
	if len(a.ApplyValidationTemplate.Suites) != 0 || !slices.Equal(a.ApplyValidationTemplate.Skipped, lake) {
		t.Fatalf("a second apply: %+v", a.ApplyValidationTemplate)
	}

	readSuites := func(tok string) []templateSuite {
		var out struct {
			ValidationTemplate *struct {
				Version int
				Suites  []templateSuite
			}
		}
		h.gql(t, tok, `query($t: ID!) { validationTemplate(id: $t) { version suites { id version definition
			template { version upToDate params template { id } } } } }`, map[string]any{"t": tpl}).ok(t, &out)
		if out.ValidationTemplate == nil {
			return nil
		}
		return out.ValidationTemplate.Suites
	}
	suites := readSuites(viewer)
	if len(suites) != 2 {
		t.Fatalf("the viewer reads %d suites of the template", len(suites))
	}
	for _, s := range suites {
		if s.Template == nil || s.Template.Version != 1 || !s.Template.UpToDate || s.Template.Params["min"] != "0" || s.Template.Template.ID != tpl ||
			!strings.Contains(jsonText(s.Definition), `"column":"amount"`) {
			t.Fatalf("suite %+v: want linked to version 1 with min=0 and col's default", s)
		}
	}

	// A new version renders every suite again.
	var up struct {
		UpdateValidationTemplate struct {
			ValidationTemplate struct{ Version int }
			Changed            bool
			Suites             []struct {
				ID      string
				Version int
			}
		}
	}
	h.gql(t, dev, updateTemplate, map[string]any{"t": tpl, "d": templateV2, "p": params, "s": selector}).ok(t, &up)
	if u := up.UpdateValidationTemplate; u.ValidationTemplate.Version != 2 || !u.Changed || len(u.Suites) != 2 || u.Suites[0].Version != 2 {
		t.Fatalf("update: %+v", u)
	}
	for _, s := range readSuites(dev) {
		if s.Version != 2 || s.Template.Version != 2 || !s.Template.UpToDate || !strings.Contains(jsonText(s.Definition), `"max":1000`) {
			t.Fatalf("after the update, suite %+v", s)
		}
	}
	// The same content again: no new version.
	h.gql(t, dev, updateTemplate, map[string]any{"t": tpl, "d": templateV2, "p": params, "s": selector}).ok(t, &up)
	if up.UpdateValidationTemplate.Changed || up.UpdateValidationTemplate.ValidationTemplate.Version != 2 {
		t.Fatalf("an unchanged update: %+v", up.UpdateValidationTemplate)
	}
	// A version a suite cannot be rendered with (a new parameter without
	// a default) changes nothing, and names the suite.
	before = stateOf(t, key)
	h.gql(t, dev, updateTemplate, map[string]any{"t": tpl, "d": strings.Replace(templateV2, "1000", "${max}", 1),
		"p": append(slices.Clone(params), map[string]any{"name": "max"}), "s": selector}).fails(t, "BAD_USER_INPUT", "suite \"checks\"", "max has no value")
	unchanged(t, key, before)

	// A suite edited by hand stops following the template.
	h.gql(t, dev, `mutation($s: ID!) { updateValidationSuite(input: {suiteId: $s, definition: "{\"rules\": [{\"type\": \"row_count_between\", \"min\": 1}]}"}) { changed } }`,
		map[string]any{"s": suites[0].ID}).ok(t, nil)
	left := readSuites(dev)
	if len(left) != 1 || left[0].ID != suites[1].ID {
		t.Fatalf("after a hand edit, the template's suites are %+v", left)
	}

	// Others: an admin of another project reads nothing of it.
	if s := readSuites(outsider); s != nil {
		t.Fatal("another project's admin reads the template")
	}
	h.gql(t, outsider, `query($k: String!) { validationTemplates(projectKey: $k) { id } }`, map[string]any{"k": key}).fails(t, "FORBIDDEN")
	h.gql(t, outsider, applyTemplate, map[string]any{"t": tpl, "p": []map[string]any{{"name": "min", "value": "0"}}}).fails(t, "NOT_FOUND")
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestTemplateAutoApplyNeedsDefaults: a template that applies itself says
// so, may be turned off with an update, and one with a parameter without
// a default is refused, naming autoApply, and writes nothing.
func TestTemplateAutoApplyNeedsDefaults(t *testing.T) {
	st := neo4jtest.Store(t)
	key := neo4jtest.Project(t, st, "tplauto")
	h := newHub(t, func(o *api.Options) { o.Store = st })
	dev := token(t, "dana", map[string]auth.Role{key: auth.RoleContributor})
	const create = `mutation($k: String!, $n: String!, $p: [TemplateParamInput!]) {
		createValidationTemplate(input: {projectKey: $k, name: $n, definition: "rules: [{type: not_null, column: ${col}}]", params: $p, autoApply: true}) {
			validationTemplate { id autoApply } } }`
	h.gql(t, dev, create, map[string]any{"k": key, "n": "no-default", "p": []map[string]any{{"name": "col"}}}).fails(t, "BAD_USER_INPUT", "autoApply")
	if n := neo4jtest.Count(t, `MATCH (t:ValidationTemplate {projectKey: $k}) RETURN count(t) AS n`, map[string]any{"k": key}); n != 0 {
		t.Fatalf("a refused template wrote %d templates", n)
	}
	var made struct {
		CreateValidationTemplate struct {
			ValidationTemplate struct {
				ID        string
				AutoApply bool
			}
		}
	}
	h.gql(t, dev, create, map[string]any{"k": key, "n": "keys", "p": []map[string]any{{"name": "col", "default": "id"}}}).ok(t, &made)
	tpl := made.CreateValidationTemplate.ValidationTemplate
	if !tpl.AutoApply {
		t.Fatalf("created %+v; want autoApply", tpl)
	}
	var upd struct {
		UpdateValidationTemplate struct {
			Changed            bool
			ValidationTemplate struct{ AutoApply bool }
		}
	}
	h.gql(t, dev, `mutation($t: ID!) { updateValidationTemplate(input: {templateId: $t, definition: "rules: [{type: not_null, column: ${col}}]",
		params: [{name: "col", default: "id"}]}) { changed validationTemplate { autoApply } } }`, map[string]any{"t": tpl.ID}).ok(t, &upd)
	if !upd.UpdateValidationTemplate.Changed || upd.UpdateValidationTemplate.ValidationTemplate.AutoApply {
		t.Fatalf("turning autoApply off: %+v; want a change, off", upd.UpdateValidationTemplate)
	}
}
