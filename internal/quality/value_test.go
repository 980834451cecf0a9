package quality

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestParseNumberMatchesParseFloat: the fast paths of parseNumber give
// the bits strconv.ParseFloat gives, on short decimals of every scale
// and on the forms the fast paths leave to strconv.
func TestParseNumberMatchesParseFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	inputs := []string{"0", "-0", "0.0", "-0.0", "5.", ".5", "-.5", "+.5", "+1.25", "1.2.3", ".", "-", "+", "",
		"123456789012345", "1234567890.12345", "0.000000000000001", "9999999999999999", "999999999999999.9",
		"0.1", "0.2", "0.3", "1e5", "1.5e-3", "00012.5000", "12_3.4", "1,5", "NaN", "Inf", "0x1p3"}
	for range 200_000 {
		n := r.Uint64N(1_000_000_000_000_000)
		s := strconv.FormatUint(n, 10)
		if k := r.IntN(len(s) + 1); k < len(s) {
			s = s[:k] + "." + s[k:]
		}
		if r.IntN(3) == 0 {
			s = "-" + s
		}
		inputs = append(inputs, s)
	}
	for _, s := range inputs {
		got, ok := parseNumber(s)
		want, err := strconv.ParseFloat(s, 64)
		wantOK := err == nil && !math.IsInf(want, 0) && !math.IsNaN(want)
		for i := 0; i < len(s); i++ { // hex, NaN, Inf, underscores: not numbers here
			if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
				wantOK = false
			}
		}
		if ok != wantOK || ok && got != want && !(got == 0 && want == 0) {
			t.Errorf("parseNumber(%q) = %v, %v; strconv says %v (%v)", s, got, ok, want, err)
		}
	}
}

// FuzzParseNumber: parseNumber, fast paths included, gives the bits
// strconv.ParseFloat gives for every text it accepts (but the integer
// path's "-0", which has always been +0), and accepts exactly the finite
// decimal literals.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-0.0", ".5", "5.", "-", "+.5", "1e5", "1.5e-3", "inf", "nan", "0x1p3",
		"123456789012345", "1234567890123456", "0.000000000000001", "00000000000000001.5", "9007199254740993",
		"1_0", " 1", "1 ", "+-1", "1..2", "12345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseNumber(s)
		want, err := strconv.ParseFloat(s, 64)
		wantOK := err == nil && !math.IsInf(want, 0) && !math.IsNaN(want)
		for i := 0; i < len(s); i++ {
			if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
				wantOK = false
			}
		}
		if ok != wantOK {
			t.Fatalf("parseNumber(%q) ok = %v; strconv: %v, %v", s, ok, want, err)
		}
		if ok && math.Float64bits(got) != math.Float64bits(want) && !(got == 0 && want == 0 && isInteger(s)) {
			t.Fatalf("parseNumber(%q) = %v (%#x); strconv says %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	})
}
