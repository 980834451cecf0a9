package deploytest

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// makeRule is one rule of the Makefile: its prerequisites and recipe lines
// (tab and the @ or - prefixes removed).
type makeRule struct {
	prereqs []string
	recipe  []string
}

// parseMakefile reads the rules of a Makefile written the way this
// repository's is: "target: prerequisites ## help" lines, each followed by
// its tab-indented recipe, whose backslash-continued lines make one
// command. It supports no more than that (no pattern rules, no
// multi-target lines, no variables in targets) and skips what it does not
// need.
func parseMakefile(t *testing.T, src []byte) map[string]makeRule {
	t.Helper()
	rules := map[string]makeRule{}
	var cur, pending string
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if pending != "" || strings.HasPrefix(line, "\t") {
			cmd := strings.TrimPrefix(line, "\t")
			if pending == "" {
				cmd = strings.TrimLeft(cmd, "@-")
			}
			if c, more := strings.CutSuffix(cmd, "\\"); more {
				pending += c + " "
				continue
			}
			cmd, pending = pending+cmd, ""
			if cur == "" {
				continue // a recipe of a rule this parser skipped
			}
			r := rules[cur]
			r.recipe = append(r.recipe, cmd)
			rules[cur] = r
			continue
		}
		cur = ""
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ".") {
			continue
		}
		if i := strings.Index(line, "##"); i >= 0 {
			line = line[:i]
		}
		target, rest, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(rest, "=") || strings.ContainsAny(target, " \t$%") {
			continue // a variable assignment or something this parser does not need
		}
		if _, dup := rules[target]; dup {
			t.Fatalf("Makefile:%d: target %s defined twice", n, target)
		}
		cur = target
		rules[target] = makeRule{prereqs: strings.Fields(rest)}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rules
}

// recipeOf returns the commands `make target` runs: those of its
// prerequisites that are rules of the file, depth first, then its own. A
// command using a make variable fails the test: the image repeats the
// commands verbatim, so they must be literal.
func recipeOf(t *testing.T, rules map[string]makeRule, target string) []string {
	t.Helper()
	r, ok := rules[target]
	if !ok {
		t.Fatalf("Makefile has no target %q", target)
	}
	var out []string
	for _, p := range r.prereqs {
		if _, ok := rules[p]; ok {
			out = append(out, recipeOf(t, rules, p)...)
		}
	}
	for _, c := range r.recipe {
		if strings.Contains(c, "$") {
			t.Fatalf("Makefile target %s runs %q, which uses a make variable: the Dockerfile repeats these commands verbatim, so keep them literal (or teach internal/deploytest to expand it)", target, c)
		}
		out = append(out, c)
	}
	return out
}

func TestParseMakefile(t *testing.T) {
	src := []byte("X := 1\n.PHONY: a b\na: b file ## help\n\t@echo a\nb:\n\tcd x && y\n\t-z \\\n\t  w\nfile: dep\n\ttouch file\n")
	rules := parseMakefile(t, src)
	if got := strings.Join(recipeOf(t, rules, "a"), "|"); got != "cd x && y|z    w|touch file|echo a" {
		t.Errorf("recipe of a = %q", got)
	}
}
