package quality

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRuleGroupsGiveTheSameResult: however the rules are split between
// goroutines, every rule sees every batch in order, so verdicts, counts,
// observed values and samples do not change. Rules that share a numeric
// column (value_between, mean, pair_comparison) read its parsed numbers
// concurrently; schema inference rides along in one group.
func TestRuleGroupsGiveTheSameResult(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,email,amount,discount,status\n")
	for i := range 20_000 {
		id := fmt.Sprint(i % 19_000) // duplicates across batches
		email := fmt.Sprintf("u%d@example.com", i)
		switch i % 97 {
		case 0:
			email = ""
		case 1:
			email = "Bad@Example"
		}
		amount := fmt.Sprintf("%d.%02d", i%500, i%100)
		if i%53 == 0 {
			amount = ""
		}
		fmt.Fprintf(&b, "%s,%s,%s,%d,%s\n", id, email, amount, i%600, []string{"new", "paid", "x"}[i%3])
	}
	p := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	suite := mustSuite(t, `
name: groups
rules:
  - {type: not_null, column: email, mostly: 0.98}
  - {type: unique, column: id}
  - {type: value_between, column: amount, min: 0, max: 400}
  - {type: in_set, column: status, values: [new, paid]}
  - {type: regex, column: email, pattern: '^[a-z0-9._]+@[a-z]+\.[a-z]+$'}
  - {type: aggregate_between, column: amount, aggregate: mean, min: 0, max: 1000}
  - {type: row_count_between, min: 1000}
  - {type: null_ratio_max, column: amount, max: 0.01}
  - {type: length_between, column: status, min: 2, max: 3}
  - {type: pair_comparison, column_a: discount, op: "<=", column_b: amount, mostly: 0.5}
  - {type: distinct_count_between, column: id, min: 1}
  - {type: schema_match, schema: [{name: id, type: integer}, {name: email, type: string}], allow_extra: true}
`)
	var want string
	for _, procs := range []int{1, 2, 3, 4} {
		e := New(Options{BatchRows: 1000})
		e.procs = procs
		res, err := e.Run(t.Context(), suite, Source{URI: p})
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.MarshalIndent(res.Rules, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if procs == 1 {
			want = string(got)
			continue
		}
		if string(got) != want {
			t.Errorf("%d groups: the rules' results differ from one group's:\n%s\nwant\n%s", procs, got, want)
		}
	}
}

func TestGroupRulesBalances(t *testing.T) {
	var states []*ruleState
	for _, typ := range []string{TypeNotNull, TypeUnique, TypeRegex, TypeValueBetween, TypeInSet, TypeLengthBetween} {
		states = append(states, &ruleState{rule: &Rule{Type: typ}, ev: &notNullEval{}})
	}
	states = append(states, &ruleState{rule: &Rule{Type: TypeRowCountBetween}}) // no evaluator
	groups := groupRules(states, nil, 2)
	if len(groups) != 2 {
		t.Fatalf("%d groups, want 2", len(groups))
	}
	n := 0
	for _, g := range groups {
		n += len(g.states)
		if g.load < 5 || g.load > 7 {
			t.Errorf("group load %d of 12 in all; want about half", g.load)
		}
	}
	if n != 6 {
		t.Errorf("%d rules grouped, want the 6 with an evaluator", n)
	}
	if g := groupRules(states[:1], nil, 8); len(g) != 1 {
		t.Errorf("one rule on 8 cores: %d groups, want 1", len(g))
	}
	if g := groupRules(states[6:], nil, 2); len(g) != 0 {
		t.Errorf("no rule to evaluate: %d groups, want none", len(g))
	}
}
