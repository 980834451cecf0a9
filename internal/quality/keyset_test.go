package quality

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestCanonicalInt(t *testing.T) {
	for _, tc := range []struct {
		in string
		n  int64
		ok bool
	}{
		{"0", 0, true},
		{"7", 7, true},
		{"-7", -7, true},
		{"123456789012345678", 123456789012345678, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false}, // overflows
		{"-9223372036854775809", 0, false},
		{"12345678901234567890", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"-0", 0, false},
		{"00", 0, false},
		{"007", 0, false},
		{"-07", 0, false},
		{"+7", 0, false},
		{"+922337203685477580", 0, false},
		{"7.0", 0, false},
		{"1e3", 0, false},
		{" 7", 0, false},
		{"7 ", 0, false},
		{"0x10", 0, false},
		{"1_000", 0, false},
		{"1_000_000_000_000_000", 0, false},
		{"١٢", 0, false}, // Arabic-Indic digits
	} {
		n, ok := canonicalInt(tc.in)
		if ok != tc.ok || ok && n != tc.n {
			t.Errorf("canonicalInt(%q) = %d, %v; want %d, %v", tc.in, n, ok, tc.n, tc.ok)
		}
		// The definition: exactly the texts FormatInt writes.
		if ok && strconv.FormatInt(n, 10) != tc.in {
			t.Errorf("canonicalInt(%q) = %d, which FormatInt writes %q", tc.in, n, strconv.FormatInt(n, 10))
		}
	}
}

// TestKeySetMatchesStringSet: the set must answer exactly as a map of
// canonical keys does, for values of every kind mixed in one column.
func TestKeySetMatchesStringSet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	gen := func() value {
		n := r.Int64N(3000) - 1000
		switch r.IntN(9) {
		case 0:
			return value{k: kindInt, i: n, f: float64(n)}
		case 1:
			return value{k: kindFloat, f: float64(n)}
		case 2:
			return value{k: kindFloat, f: float64(n) + 0.5}
		case 3:
			return value{k: kindText, s: "0" + strconv.FormatInt(n, 10)} // leading zero or "0-5"
		case 4:
			return value{k: kindString, s: strconv.FormatInt(n, 10)}
		case 5:
			return value{k: kindBool, i: n & 1}
		case 6:
			return value{k: kindText, s: "id-" + strconv.FormatInt(n%50, 10)}
		case 7:
			return value{k: kindFloat, f: float64(n) * 1e13} // past 1e15: not written as an integer
		}
		return value{k: kindText, s: strconv.FormatInt(n, 10)}
	}
	s := newKeySet()
	ref := map[string]int{}
	var scratch []byte
	for i := range 200_000 {
		v := gen()
		k := string(v.appendKey(nil))
		want := min(ref[k], seenMore)
		ref[k]++
		var got int
		got, scratch = s.add(v, scratch)
		if got != want {
			t.Fatalf("add %d: %#v (key %q) seen %d before, the set says %d", i, v, k, want, got)
		}
		if s.len() != len(ref) {
			t.Fatalf("add %d: %d keys, want %d", i, s.len(), len(ref))
		}
	}
}

// TestIntSetGrowsAndKeepsCounts: a set that grows many times keeps every
// key and its seen-more bit: keys in order (which stay with the identity
// hash), then keys that collide under it (multiples of 2^32), which
// switch it to the mix, carrying key 0 (kept aside under the identity)
// into the table and then keeping aside the key whose mix is 0.
func TestIntSetGrowsAndKeepsCounts(t *testing.T) {
	var s intSet
	ref := map[int64]int{}
	add := func(k int64) {
		t.Helper()
		want := min(ref[k], seenMore)
		if got := s.add(k); got != want {
			t.Fatalf("key %d: seen %d before, the set says %d (mixed %v)", k, want, got, s.mixed)
		}
		ref[k]++
		if s.n != len(ref) {
			t.Fatalf("key %d: %d keys, want %d", k, s.n, len(ref))
		}
	}
	for round := range 2 {
		for k := range int64(100_000) {
			add(k)
		}
		if s.mixed {
			t.Fatalf("round %d: keys in order switched the set to the mix", round)
		}
	}
	for round := range 2 {
		for i := range int64(20_000) {
			add(i << 32)
			add(-i * 1_000_003)
		}
		add(math.MaxInt64)
		add(math.MinInt64)
		add(-1)
		if !s.mixed {
			t.Fatalf("round %d: keys that collide under the identity did not switch the set to the mix", round)
		}
	}
	zeroKey := int64(s.seed) // code(seed) = mix(seed ^ seed) = mix(0) = 0
	add(zeroKey)
	add(zeroKey)
	if !s.zero || !s.zeroMore {
		t.Errorf("the key whose mix is 0 was not kept aside (zero %v, more %v)", s.zero, s.zeroMore)
	}
	for k := range int64(100_000) {
		add(k) // every key is still there, seen more
	}
}

func TestUniqueCountsAcrossBatchesAndKinds(t *testing.T) {
	// ids as text: duplicates within a batch and across batches, nulls,
	// a non-canonical "07" distinct from "7", non-integers falling back.
	rows := []string{"7", "", "8", "07", "7", "x", "9", "x", "8", "", "7", "9.5", "9.5", "-0", "0"}
	e := New(Options{BatchRows: 4})
	ev, err := e.newEvaluator(t.Context(), &Rule{Type: TypeUnique, Column: "id"})
	if err != nil {
		t.Fatal(err)
	}
	for start := 0; start < len(rows); start += 4 {
		b := &batch{start: int64(start)}
		end := min(start+4, len(rows))
		b.reset(1, end-start)
		for i, s := range rows[start:end] {
			if s != "" {
				b.cols[0][i] = value{k: kindText, s: s}
			}
		}
		b.n = end - start
		if err := ev.observe(b, []int{0}); err != nil {
			t.Fatal(err)
		}
	}
	var rr RuleResult
	ev.finish(&rr)
	// 7 ×3 → 3, 8 ×2 → 2, x ×2 → 2, 9.5 ×2 → 2; 07, 9, -0, 0 once.
	if rr.UnexpectedCount != 9 || rr.MissingCount != 2 || rr.ElementCount != int64(len(rows)) {
		t.Errorf("unexpected %d, missing %d, elements %d; want 9, 2, %d", rr.UnexpectedCount, rr.MissingCount, rr.ElementCount, len(rows))
	}
	var sampled []any
	for _, s := range rr.UnexpectedSample {
		sampled = append(sampled, s.Value)
	}
	wantRows := []int64{5, 8, 9, 13}
	if len(rr.UnexpectedSample) != len(wantRows) {
		t.Fatalf("samples %v; want the second copies at rows %v", rr.UnexpectedSample, wantRows)
	}
	for i, s := range rr.UnexpectedSample {
		if s.Row != wantRows[i] {
			t.Errorf("sample %d: row %d (%v), want row %d", i, s.Row, s.Value, wantRows[i])
		}
	}
}

func BenchmarkUniqueInts(b *testing.B) {
	vals := make([]value, 1_000_000)
	for i := range vals {
		vals[i] = value{k: kindText, s: strconv.Itoa(i + 1)}
	}
	b.Run("map", func(b *testing.B) {
		for range b.N {
			m := map[string]int32{}
			for _, v := range vals {
				m[v.s]++
			}
		}
	})
	b.Run("keySet", func(b *testing.B) {
		for range b.N {
			s := newKeySet()
			for _, v := range vals {
				s.add(v, nil)
			}
		}
	})
}
