package quality

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
)

// rulesDoc is RULES.md, the contract of the engine; the catalogue takes
// each rule type's summary from it, so editors show what the engine
// documents.
//
//go:embed RULES.md
var rulesDoc string

// RuleSpec describes a rule type for an editor: the fields it accepts and
// what it checks.
type RuleSpec struct {
	Type string
	// Fields are the fields the type accepts besides type, name and
	// severity, in the order RULES.md names them.
	Fields []string
	// Mostly: the rule judges rows, and mostly (0..1) applies.
	Mostly bool
	// Checks is what the rule checks, from RULES.md ("fails a row when
	// the value is null").
	Checks string
}

// ruleRow finds the rule types a row of RULES.md's rule tables names.
var ruleRow = regexp.MustCompile("`([a-z_]+)`")

// caseNames are the "[case_a, case_b]" references to test cases in
// RULES.md, which mean nothing in an editor.
var caseNames = regexp.MustCompile(`\s*\[[a-z0-9_, ]+\]`)

// sectionLead is the first paragraph of RULES.md's section on a rule type
// ("## distribution_drift"), joined into one line; "" when there is none.
func sectionLead(typ string) string {
	_, rest, ok := strings.Cut(rulesDoc, "\n## "+typ+"\n")
	if !ok {
		return ""
	}
	rest = strings.TrimLeft(rest, "\n")
	para, _, _ := strings.Cut(rest, "\n\n")
	return strings.Join(strings.Fields(para), " ")
}

// RuleCatalogue returns every rule type the engine knows, sorted by type.
func RuleCatalogue() []RuleSpec {
	checks := map[string]string{}
	var header []string
	for _, line := range strings.Split(rulesDoc, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = nil
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case header == nil:
			header = cells
			continue
		case strings.HasPrefix(cells[0], "---") || len(cells) < 2 || len(header) < 2:
			continue
		}
		// "`in_set` / `not_in_set` (`values`)": the types come before
		// the fields' parenthesis.
		names, _, _ := strings.Cut(cells[0], "(")
		text := header[1] + " " + cells[1]
		if len(cells) > 2 && len(header) > 2 && header[2] == "verdict" {
			text += "; " + cells[2]
		}
		for _, m := range ruleRow.FindAllStringSubmatch(names, -1) {
			checks[m[1]] = text
		}
	}
	out := make([]RuleSpec, 0, len(ruleFields))
	for _, t := range RuleTypes() {
		spec := ruleFields[t]
		c := checks[t]
		if c == "" {
			c = sectionLead(t)
		}
		c = strings.TrimSpace(caseNames.ReplaceAllString(c, ""))
		out = append(out, RuleSpec{Type: t, Fields: slices.Clone(spec.fields), Mostly: spec.mapRule, Checks: c})
	}
	return out
}
