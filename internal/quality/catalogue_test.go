package quality_test

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/quality"
)

// TestRuleCatalogueDocumentsEveryType: every rule type the engine knows
// has what it checks in RULES.md, so an editor's catalogue never shows a
// rule without its meaning; row rules take mostly, table rules do not.
func TestRuleCatalogueDocumentsEveryType(t *testing.T) {
	cat := quality.RuleCatalogue()
	if len(cat) != len(quality.RuleTypes()) {
		t.Fatalf("%d entries for %d rule types", len(cat), len(quality.RuleTypes()))
	}
	byType := map[string]quality.RuleSpec{}
	for _, s := range cat {
		if s.Checks == "" {
			t.Errorf("%s: RULES.md does not say what it checks", s.Type)
		}
		byType[s.Type] = s
	}
	for typ, want := range map[string]string{
		quality.TypeNotNull:         "fails a row when the value is null",
		quality.TypeNotInSet:        "fails a row when the value is outside / inside the set",
		quality.TypeRowCountBetween: "observed rows; in bounds",
	} {
		if got := byType[typ].Checks; !strings.HasPrefix(got, want) {
			t.Errorf("%s checks %q, want it to start %q", typ, got, want)
		}
	}
	if !byType[quality.TypeNotNull].Mostly || byType[quality.TypeRowCountBetween].Mostly {
		t.Errorf("mostly: not_null %v, row_count_between %v; want true, false", byType[quality.TypeNotNull].Mostly, byType[quality.TypeRowCountBetween].Mostly)
	}
	if f := byType[quality.TypeValueBetween].Fields; len(f) == 0 || f[0] != "column" {
		t.Errorf("value_between fields %v", f)
	}
}
