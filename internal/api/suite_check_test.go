package api_test

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
)

// TestCheckSuiteDefinition: an editor's definition is checked by the
// parser createValidationSuite uses, problem by problem with the rule
// and field (a query: it writes nothing); the rule catalogue says what each
// type checks. Both need a signed-in caller.
func TestCheckSuiteDefinition(t *testing.T) {
	h := newHub(t, nil)
	tok := token(t, "ed", map[string]auth.Role{"anything": auth.RoleViewer})
	type check struct {
		CheckSuiteDefinition struct {
			Valid     bool
			RuleCount int
			Problems  []struct {
				Rule    *int
				Field   *string
				Message string
			}
		}
	}
	ask := func(def string) check {
		var c check
		h.gql(t, tok, `query($d: String!) { checkSuiteDefinition(definition: $d) { valid ruleCount problems { rule field message } } }`,
			map[string]any{"d": def}).ok(t, &c)
		return c
	}
	if c := ask("rules:\n  - {type: not_null, column: id}\n  - {type: row_count_between, min: 1}\n").CheckSuiteDefinition; !c.Valid || c.RuleCount != 2 || len(c.Problems) != 0 {
		t.Errorf("a good suite: %+v", c)
	}
	c := ask("rules:\n  - {type: value_between, column: amount, min: 5, max: 3}\n  - {type: not_a_rule, column: x}\n  - {type: row_count_between, min: 1, mostly: 0.5}\n").CheckSuiteDefinition
	if c.Valid || len(c.Problems) < 3 {
		t.Fatalf("three bad rules: %+v", c)
	}
	seen := map[int]bool{}
	for _, p := range c.Problems {
		if p.Rule == nil || p.Message == "" {
			t.Errorf("problem %+v should name its rule", p)
			continue
		}
		seen[*p.Rule] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		t.Errorf("problems %+v: want one for each of rules 0, 1 and 2", c.Problems)
	}
	if c := ask("rules: [\n").CheckSuiteDefinition; c.Valid || len(c.Problems) != 1 || c.Problems[0].Rule != nil || !strings.Contains(c.Problems[0].Message, "YAML") {
		t.Errorf("broken YAML: %+v", c)
	}
	if c := ask("rules:\n  - {type: referential_integrity, column: id, reference: orders.csv}\n").CheckSuiteDefinition; c.Valid || len(c.Problems) != 1 ||
		c.Problems[0].Field == nil || *c.Problems[0].Field != "reference" {
		t.Errorf("a reference that is no version ID: %+v", c)
	}
	var many strings.Builder
	many.WriteString("rules:\n")
	for range 300 {
		many.WriteString("  - {type: nope}\n")
	}
	if c := ask(many.String()).CheckSuiteDefinition; c.Valid || len(c.Problems) != 101 || !strings.Contains(c.Problems[100].Message, "200 more") {
		t.Errorf("300 bad rules: %d problems, the last %+v; want 100 and a count of the rest", len(c.Problems), c.Problems[len(c.Problems)-1])
	}
	long := "rules: []\n#" + strings.Repeat("x", store.MaxSuiteDefinitionLen)
	if c := ask(long).CheckSuiteDefinition; c.Valid || len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Message, "definition") || len(c.Problems[0].Message) > 300 {
		t.Errorf("an overlong definition: %+v", c)
	}
	var cat struct {
		ValidationRuleTypes []struct {
			Type          string
			Fields        []string
			AcceptsMostly bool
			Checks        string
		}
	}
	h.gql(t, tok, `{ validationRuleTypes { type fields acceptsMostly checks } }`, nil).ok(t, &cat)
	found := false
	for _, r := range cat.ValidationRuleTypes {
		if r.Checks == "" {
			t.Errorf("%s: no description", r.Type)
		}
		if r.Type == "not_null" {
			found = r.AcceptsMostly && len(r.Fields) == 1 && r.Fields[0] == "column" && strings.Contains(r.Checks, "null")
		}
	}
	if !found {
		t.Errorf("catalogue %+v: not_null missing or wrong", cat.ValidationRuleTypes)
	}
	h.gql(t, "", `{ validationRuleTypes { type } }`, nil).fails(t, "UNAUTHENTICATED")
	h.gql(t, "", `{ checkSuiteDefinition(definition: "rules: []") { valid } }`, nil).fails(t, "UNAUTHENTICATED")
}

// TestCheckTemplateDefinition: a template being written is checked as
// createValidationTemplate would check it, writing nothing: its
// placeholders are listed, and it is checked as a suite once every
// parameter has a default or a sample value.
func TestCheckTemplateDefinition(t *testing.T) {
	h := newHub(t, nil)
	tok := token(t, "ed", map[string]auth.Role{"anything": auth.RoleViewer})
	type check struct {
		CheckTemplateDefinition struct {
			Valid        bool
			Placeholders []string
			SuiteChecked bool
			RuleCount    int
			Problems     []struct {
				Rule    *int
				Message string
			}
		}
	}
	const q = `query($d: String!, $p: [TemplateParamInput!], $s: [TemplateParamValue!]) {
		checkTemplateDefinition(definition: $d, params: $p, samples: $s) { valid placeholders suiteChecked ruleCount problems { rule message } } }`
	text := "rules:\n  - {type: not_null, column: ${key}}\n  - {type: value_between, column: amount, min: ${lo}, max: 10}\n"
	ask := func(params, samples []map[string]any) check {
		var c check
		h.gql(t, tok, q, map[string]any{"d": text, "p": params, "s": samples}).ok(t, &c)
		return c
	}
	c := ask([]map[string]any{{"name": "key", "default": "id"}, {"name": "lo"}}, nil).CheckTemplateDefinition
	if !c.Valid || c.SuiteChecked || strings.Join(c.Placeholders, ",") != "key,lo" {
		t.Errorf("lo without a value: %+v; want valid, not checked as a suite, placeholders key and lo", c)
	}
	c = ask([]map[string]any{{"name": "key", "default": "id"}, {"name": "lo"}}, []map[string]any{{"name": "lo", "value": "20"}}).CheckTemplateDefinition
	if c.Valid || !c.SuiteChecked || len(c.Problems) != 1 || c.Problems[0].Rule == nil || *c.Problems[0].Rule != 1 {
		t.Errorf("a sample lo above max: %+v; want rule 1's problem", c)
	}
	c = ask([]map[string]any{{"name": "key", "default": "id"}, {"name": "lo", "default": "0"}}, nil).CheckTemplateDefinition
	if !c.Valid || !c.SuiteChecked || c.RuleCount != 2 {
		t.Errorf("every default: %+v; want a valid suite of 2 rules", c)
	}
	c = ask([]map[string]any{{"name": "key"}}, nil).CheckTemplateDefinition
	if c.Valid || len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Message, "${lo}") {
		t.Errorf("lo undeclared: %+v", c)
	}
	h.gql(t, tok, q, map[string]any{"d": text, "p": []map[string]any{{"name": strings.Repeat("k", 300)}}}).fails(t, "BAD_USER_INPUT")
	h.gql(t, "", q, map[string]any{"d": text}).fails(t, "UNAUTHENTICATED")
}
