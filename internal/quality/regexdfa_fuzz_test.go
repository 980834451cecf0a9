package quality

import (
	"regexp"
	"strings"
	"testing"
)

// TestTextMatcherPastTheWorkBound: a pattern whose very first state is
// larger than the DFA's work budget is left to the regexp. The builder
// once read the cut-short first closure as the empty set, the dead
// state, and answered "no match" for every ASCII text.
func TestTextMatcherPastTheWorkBound(t *testing.T) {
	for _, tc := range []struct {
		name, pattern string
		match         []string
	}{
		{"optional runs then x", strings.Repeat(`(?:a?){1000}`, 150) + `x`, []string{"x", "ax", "bbx"}},
		{"optional runs then end", strings.Repeat(`(?:a?){1000}`, 150) + `$`, []string{"", "b", "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Helper()
			re := regexp.MustCompile(tc.pattern)
			m := newTextMatcher(re)
			for _, s := range tc.match {
				if !re.MatchString(s) {
					t.Fatalf("%q: the regexp does not match; the case is wrong", s)
				}
				if !m.MatchString(s) {
					t.Errorf("%q: the matcher says no, the regexp yes", s)
				}
			}
		})
	}
}

// FuzzTextMatcher compares the matcher with Go's regexp on any pattern
// the regexp compiles and any text, valid UTF-8 or not.
func FuzzTextMatcher(f *testing.F) {
	for _, p := range dfaPatterns {
		f.Add(p, "user@example.com")
		f.Add(p, "")
		f.Add(p, "a\nb")
		f.Add(p, "K\xff")
	}
	f.Add(`(?i)ſ`, "s")
	f.Add(`(?i)k`, "\u212a")
	f.Add(`[^a]`, "\xff")
	f.Add(`^(?:a|ab)(?:c|bcd)$`, "abcd")
	f.Add(`\x00+$`, "a\x00")
	f.Add(`(?:$|a)(?:^|b)`, "ab")
	f.Add(`\pL`, "a")
	f.Add(`[[:^alpha:]]`, "a1")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 64 || len(s) > 256 {
			return
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return
		}
		m := newTextMatcher(re)
		if got, want := m.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("pattern %q, text %q: matcher %v, regexp %v", pattern, s, got, want)
		}
	})
}
