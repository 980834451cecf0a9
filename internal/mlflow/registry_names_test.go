package mlflow

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
)

func TestPlaceModel(t *testing.T) {
	for _, c := range []struct {
		name, pk, model string
		bad             bool
	}{
		{"fraud", "dflt", "fraud", false},
		{"risk/fraud scorer", "risk", "fraud scorer", false},
		{"risk/fraud-v2.1_x", "risk", "fraud-v2.1_x", false},
		{"", "", "", true},
		{"   ", "", "", true},
		{"risk/a/b", "", "", true},
		{"Risk/a", "", "", true},
		{"/a", "", "", true},
		{"risk/", "", "", true},
		{"a:b", "", "", true},
		{"a@b", "", "", true},
		{"-a", "", "", true},
		{"a ", "", "", true},
		{"a\nb", "", "", true},
		{strings.Repeat("m", 251), "", "", true},
	} {
		pk, m, err := PlaceModel(c.name, "dflt")
		if c.bad {
			if !errors.Is(err, errs.Invalid) {
				t.Errorf("PlaceModel(%q) = %q, %q, %v; want Invalid", c.name, pk, m, err)
			}
			continue
		}
		if err != nil || pk != c.pk || m != c.model {
			t.Errorf("PlaceModel(%q) = %q, %q, %v; want %q, %q", c.name, pk, m, err, c.pk, c.model)
		}
	}
	if _, _, err := PlaceModel("fraud", ""); !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "EXPHUB_MLFLOW_DEFAULT_PROJECT") {
		t.Errorf("without a default project: %v", err)
	}
}

func TestRegistryFilter(t *testing.T) {
	for _, c := range []struct {
		filter string
		value  string
		tagged bool
		want   bool
	}{
		{"name='fraud'", "fraud", false, true},
		{"name = 'fraud'", "fraud", false, true},
		{"attributes.name LIKE 'fr%'", "fraud", false, true},
		{"name ILIKE 'FR%'", "fraud", false, true},
		{"name != 'fraud'", "fraud", false, false},
		{"name IN ('a', 'fraud')", "fraud", false, true},
		{"tag.`mlflow.prompt.is_prompt` != 'true'", "", false, true},
		{"tags.team = 'risk'", "risk", true, true},
		{"tags.team = 'risk'", "", false, false},
	} {
		cl, err := parseRegistryFilter(c.filter, "x", "name", "tags")
		if err != nil || len(cl) != 1 {
			t.Errorf("%s: %v, %v", c.filter, cl, err)
			continue
		}
		if got := cl[0].match(c.value, c.tagged || !strings.HasPrefix(c.filter, "tag")); got != c.want {
			t.Errorf("%s on %q = %v", c.filter, c.value, got)
		}
	}
	for _, bad := range []string{"owner = 'x'", "name = fraud", "name ~ 'x'", "name IN 'x'", "name", "= 'x'", "tag.` = 'x'"} {
		if _, err := parseRegistryFilter(bad, "x", "name", "tags"); !errors.Is(err, errs.Invalid) {
			t.Errorf("%q: %v, want Invalid", bad, err)
		}
	}
	cl, err := parseRegistryFilter("name = 'a' AND tags.t != 'b'", "x", "name", "tags")
	if err != nil || len(cl) != 2 || cl[1].key != "tag:t" {
		t.Errorf("two clauses: %+v, %v", cl, err)
	}
}

func TestPage(t *testing.T) {
	items := []string{"c", "a", "b", "d", "e"}
	key := func(s string) sortKey { return sortKey{s, "id-" + s} }
	terms := []orderTerm{{col: "name"}}
	var got []string
	after := ""
	for range 5 {
		page, next, err := page(items, key, terms, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if next == "" {
			break
		}
		after = next
	}
	if strings.Join(got, "") != "abcde" {
		t.Errorf("pages = %v", got)
	}
	desc := []orderTerm{{col: "name", desc: true}}
	first, next, _ := page(items, key, desc, "", 3)
	rest, end, _ := page(items, key, desc, next, 3)
	if strings.Join(first, "")+strings.Join(rest, "") != "edcba" || end != "" {
		t.Errorf("descending = %v %v %q", first, rest, end)
	}
	if _, _, err := page(items, key, terms, `["x"]`, 2); !errors.Is(err, errs.Invalid) {
		t.Errorf("a token of another order: %v", err)
	}
}

// TestLike: the one LIKE matcher of experiment and registry filters
// agrees with a regular expression of the same pattern on every string
// and pattern over a small alphabet, and stays linear on a pattern that
// backtracking takes exponential time over (a filter is the caller's
// text).
func TestLike(t *testing.T) {
	for _, c := range []struct {
		s, pat string
		want   bool
	}{
		{"fraud", "fraud", true}, {"fraud", "fr%", true}, {"fraud", "%ud", true}, {"fraud", "f_aud", true},
		{"fraud", "%", true}, {"", "%", true}, {"", "", true}, {"fraud", "", false}, {"fraud", "fr", false},
		{"fraud", "%x%", false}, {"abcabc", "%bc%bc", true}, {"abcab", "%bc%bc", false}, {"a_b", "a_b", true},
	} {
		if got := like(c.s, c.pat); got != c.want {
			t.Errorf("like(%q, %q) = %v, want %v", c.s, c.pat, got, c.want)
		}
	}
	reference := func(pat string) *regexp.Regexp {
		var b strings.Builder
		for _, r := range pat {
			switch r {
			case '%':
				b.WriteString("(?s:.*)")
			case '_':
				b.WriteString("(?s:.)")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		return regexp.MustCompile("^" + b.String() + "$")
	}
	// Every string of up to 5 and pattern of up to 4 over {a, b} and {a, b, %, _}.
	var all func(alphabet string, n int) []string
	all = func(alphabet string, n int) []string {
		if n == 0 {
			return []string{""}
		}
		out := []string{""}
		for _, p := range all(alphabet, n-1) {
			for _, c := range alphabet {
				out = append(out, p+string(c))
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, pat := range all("ab%_", 4) {
		re := reference(pat)
		for _, s := range all("ab", 5) {
			if got, want := like(s, pat), re.MatchString(s); got != want {
				t.Fatalf("like(%q, %q) = %v, the regular expression says %v", s, pat, got, want)
			}
		}
	}
	if like(strings.Repeat("a", 250), strings.Repeat("%a", 60)+"b") {
		t.Error("matched")
	}
}
