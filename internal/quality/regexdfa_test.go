package quality

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// dfaPatterns are compiled both ways and must agree on every input.
var dfaPatterns = []string{
	`^[a-z0-9._]+@[a-z]+\.[a-z]+$`,
	`[a-z]+@`,
	`@example\.com$`,
	`^$`,
	`$`,
	`^`,
	``,
	`a*`,
	`^a*$`,
	`^(ab|a)*c?$`,
	`(?i)^abc$`,
	`(?i)k`, // folds to the Kelvin sign too, which is not ASCII
	`^.+$`,
	`^.*\n`,
	`(?s)^.*x$`,
	`x\z`,
	`\Ax`,
	`^\d{3}-\d{4}$`,
	`^[^@]+@[^@]+$`,
	`(a|b)*abb`,
	`^(a+)+$`,
	`[[:alpha:]]{2,}`,
	`^\p{L}+$`,
	`é`,
	`^.$`,
	`^[^a]$`,
	`(a$)|(b)`,
	`^(?:x|$)`,
	`a{0,3}b{2}$`,
	`(?U)a+?b`,
	// Not covered by the DFA: the regexp answers.
	`\bword\b`,
	`(?m)^a$`,
	`\B`,
}

// dfaInput returns a random string over an alphabet that exercises the
// patterns: letters, digits, punctuation, newline, and non-ASCII runes
// and bytes.
func dfaInput(r *rand.Rand) string {
	const alphabet = "abcxk@.-_0123\n "
	extra := []string{"é", "K", "\xff", "\x80", "ab", "abb", "user1.2@example.com", "word"}
	n := r.IntN(12)
	var b []byte
	for range n {
		if r.IntN(8) == 0 {
			b = append(b, extra[r.IntN(len(extra))]...)
		} else {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
	}
	return string(b)
}

func TestTextMatcherAgreesWithRegexp(t *testing.T) {
	fixed := []string{"", "a", "\n", "x\n", "abc", "ABC", "aBc", "é", "\xff", "k", "K", "user@example.com",
		"user.1@example.com", "User@example.com", "user@example.com\n", "a@b.c", "@b.c", "a@b.", "a@.c", "a@b.c.d",
		"abb", "aabb", "ababb", "c", "abc", "word", "a word.", "swordfish", "123-4567", "1234567", "b", "aaab", "aab"}
	for _, p := range dfaPatterns {
		t.Run(p, func(t *testing.T) {
			re := regexp.MustCompile(p)
			m := newTextMatcher(re)
			check := func(s string) {
				t.Helper()
				if got, want := m.MatchString(s), re.MatchString(s); got != want {
					t.Fatalf("%q: matcher says %v, regexp %v", s, got, want)
				}
				// ASCII text never needs the regexp once there is a DFA.
				if m.dfa != nil && isASCII(s) {
					if _, sure := m.dfa.match(s); !sure {
						t.Fatalf("%q: the DFA deferred ASCII text to the regexp", s)
					}
				}
			}
			for _, s := range fixed {
				check(s)
			}
			r := rand.New(rand.NewPCG(uint64(len(p)), 7))
			for range 20000 {
				check(dfaInput(r))
			}
		})
	}
}

func TestTextMatcherCoverage(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		dfa     bool
	}{
		{`^[a-z0-9._]+@[a-z]+\.[a-z]+$`, true},
		{`(a|b)*abb`, true},
		{`\bword\b`, false},
		{`(?m)^a$`, false},
		{`^[a-z]{2,30}@[a-z]{2,20}\.[a-z]{2,5}$`, true},
		{`(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)`, false}, // 2^11 states: past the cap
		{`\w{1000}`, false}, // states of hundreds of instructions: past the work budget
		{`.{500}x`, false},
	} {
		if got := compileASCIIDFA(tc.pattern) != nil; got != tc.dfa {
			t.Errorf("%s: DFA built %v, want %v", tc.pattern, got, tc.dfa)
		}
	}
}

func BenchmarkEmailRegex(b *testing.B) {
	re := regexp.MustCompile(`^[a-z0-9._]+@[a-z]+\.[a-z]+$`)
	m := newTextMatcher(re)
	in := []string{"user123.456@example.com", "user98765.1@example.com", "bad@@example.com"}
	b.Run("regexp", func(b *testing.B) {
		for i := range b.N {
			re.MatchString(in[i%len(in)])
		}
	})
	b.Run("dfa", func(b *testing.B) {
		for i := range b.N {
			m.MatchString(in[i%len(in)])
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
