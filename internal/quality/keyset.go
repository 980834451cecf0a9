package quality

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
)

// keySet is an exact set of canonical keys (see value.appendKey) that
// remembers whether each key was seen once or more. Keys that are the
// canonical text of an int64 (decimal, no sign but '-', no leading zero,
// not "-0") live in an open-addressing table of integers; every other key
// lives in a map of strings. The two never hold the same key: a text
// that is not canonical is never the canonical text of an integer. So
// "007" and "7" stay distinct, as they are as text, while a CSV "7", a
// Parquet INT64 7 and a float 7.0 are one key, as they are as text.
type keySet struct {
	ints intSet
	strs map[string]bool // key → seen more than once
}

// seen counts of a key before an add.
const (
	seenNever = iota
	seenOnce
	seenMore
)

func newKeySet() *keySet { return &keySet{strs: map[string]bool{}} }

// len is the number of distinct keys.
func (s *keySet) len() int { return s.ints.n + len(s.strs) }

// add records one occurrence of v (not null) and returns how often its
// key was seen before: seenNever, seenOnce or seenMore. scratch is reused
// for keys that are formatted; the set keeps its own copies.
func (s *keySet) add(v value, scratch []byte) (int, []byte) {
	switch v.k {
	case kindInt:
		return s.ints.add(v.i), scratch
	case kindFloat:
		// appendKey writes these in decimal, as integers.
		if v.f == math.Trunc(v.f) && math.Abs(v.f) < 1e15 {
			return s.ints.add(int64(v.f)), scratch
		}
	case kindText, kindString:
		if i, ok := canonicalInt(v.s); ok {
			return s.ints.add(i), scratch
		}
	}
	var k string
	k, scratch = v.key(scratch)
	return s.addString(k), scratch
}

// addString records the key k, which is not the canonical text of an
// integer.
func (s *keySet) addString(k string) int {
	more, ok := s.strs[k]
	switch {
	case !ok:
		s.strs[strings.Clone(k)] = false
		return seenNever
	case !more:
		s.strs[k] = true
		return seenOnce
	}
	return seenMore
}

// canonicalInt parses s when it is exactly strconv.FormatInt of an int64.
func canonicalInt(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	neg := s[0] == '-'
	d := s
	if neg {
		d = s[1:]
	}
	if d == "" || d[0] == '0' && (len(d) > 1 || neg) {
		return 0, false // leading zero, "-0"
	}
	if len(d) <= 18 {
		var n int64
		for i := 0; i < len(d); i++ {
			c := d[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n, true
	}
	if d[0] < '1' || d[0] > '9' {
		return 0, false // strconv would take a '+'
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// intSet is an open-addressing (linear probing) table of int64 keys with
// a seen-more bit each. The zero value is an empty set.
//
// It starts with the identity as its hash (home slot = key mod size):
// integer keys are most often ids that come nearly in order, and then
// consecutive keys sit in consecutive slots, so the table is written
// almost sequentially instead of missing the cache on every key. Keys
// that collide under the identity (multiples of a power of two, say)
// make long probes; the first probe longer than maxIdentityProbe switches
// the table, once, to a seeded bijective mix (splitmix64 of key^seed),
// which a file cannot be built to defeat without knowing the seed.
//
// A slot holds the key's code (the key itself, or its mix); 0 means
// empty, so the key whose code is 0 is kept aside.
type intSet struct {
	slots []uint64 // codes; 0 is empty
	more  []uint64 // bit per slot: seen more than once
	mask  uint64   // len(slots) - 1
	shift uint     // 64 - log2(len(slots)), for the mixed home slot
	n     int      // keys held, including the one whose code is 0
	mixed bool
	seed  uint64

	zero     bool // the key whose code is 0 is in the set
	zeroMore bool
}

const (
	intSetMinSlots   = 1 << 10
	maxIdentityProbe = 64
)

// code maps a key to what its slot holds: a bijection, so equal codes are
// equal keys.
func (s *intSet) code(k int64) uint64 {
	if !s.mixed {
		return uint64(k)
	}
	x := uint64(k) ^ s.seed
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// home is the first slot probed for a code.
func (s *intSet) home(h uint64) uint64 {
	if !s.mixed {
		return h & s.mask
	}
	return h >> s.shift
}

// add records one occurrence of k and returns how often it was seen
// before.
func (s *intSet) add(k int64) int {
	if s.slots == nil {
		s.resize(intSetMinSlots)
	}
	h := s.code(k)
	if h == 0 {
		switch {
		case !s.zero:
			s.zero = true
			s.n++
			return seenNever
		case !s.zeroMore:
			s.zeroMore = true
			return seenOnce
		}
		return seenMore
	}
	i := s.home(h)
	for probe := 0; ; probe++ {
		if probe > maxIdentityProbe && !s.mixed {
			s.mix()
			return s.add(k)
		}
		switch s.slots[i] {
		case 0:
			// Grow at 3/4 full.
			if (s.n+1)*4 > len(s.slots)*3 {
				s.resize(len(s.slots) * 2)
				s.insertNew(h)
			} else {
				s.slots[i] = h
			}
			s.n++
			return seenNever
		case h:
			w, b := i/64, uint64(1)<<(i%64)
			if s.more[w]&b == 0 {
				s.more[w] |= b
				return seenOnce
			}
			return seenMore
		}
		i = (i + 1) & s.mask
	}
}

// insertNew places the code h, known to be absent, without counting it,
// and returns its slot.
func (s *intSet) insertNew(h uint64) uint64 {
	i := s.home(h)
	for s.slots[i] != 0 {
		i = (i + 1) & s.mask
	}
	s.slots[i] = h
	return i
}

// resize rehashes into n slots (a power of two), keeping the seen-more
// bits; codes do not change.
func (s *intSet) resize(n int) {
	old, oldMore := s.slots, s.more
	s.slots = make([]uint64, n)
	s.more = make([]uint64, (n+63)/64)
	s.mask = uint64(n - 1)
	s.shift = uint(64 - bits.TrailingZeros(uint(n)))
	for j, h := range old {
		if h == 0 {
			continue
		}
		i := s.insertNew(h)
		if oldMore[j/64]&(1<<(j%64)) != 0 {
			s.more[i/64] |= 1 << (i % 64)
		}
	}
}

// mix switches from the identity to the seeded mix: every key gets a new
// code and slot, and the key kept aside changes.
func (s *intSet) mix() {
	type entry struct {
		k    int64
		more bool
	}
	keys := make([]entry, 0, s.n)
	if s.zero {
		keys = append(keys, entry{0, s.zeroMore}) // the identity's code 0 is key 0
	}
	for j, h := range s.slots {
		if h != 0 {
			keys = append(keys, entry{int64(h), s.more[j/64]&(1<<(j%64)) != 0})
		}
	}
	s.mixed, s.seed = true, rand.Uint64()
	s.zero, s.zeroMore = false, false
	clear(s.slots)
	clear(s.more)
	for _, e := range keys {
		h := s.code(e.k)
		if h == 0 {
			s.zero, s.zeroMore = true, e.more
			continue
		}
		i := s.insertNew(h)
		if e.more {
			s.more[i/64] |= 1 << (i % 64)
		}
	}
}
