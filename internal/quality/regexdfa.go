package quality

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// textMatcher answers regexp.MatchString for one pattern. Go's regexp
// runs an NFA (or its one-pass or backtracking variants) per call, which
// costs several nanoseconds a byte; the regex rule only needs a yes or no,
// so most patterns can be compiled further into a byte-level DFA, one
// table lookup a byte. The DFA reads ASCII only: any string with a byte
// of 0x80 or above, and any pattern the DFA does not cover (word
// boundaries, multi-line anchors, too many states), goes to the regexp,
// so the answer is always the regexp's.
type textMatcher struct {
	re  *regexp.Regexp
	dfa *asciiDFA // nil: always the regexp
}

func newTextMatcher(re *regexp.Regexp) *textMatcher {
	return &textMatcher{re: re, dfa: compileASCIIDFA(re.String())}
}

// MatchString reports whether s contains a match of the pattern, exactly
// as (*regexp.Regexp).MatchString does. It is safe for concurrent use.
func (m *textMatcher) MatchString(s string) bool {
	if m.dfa != nil {
		if ok, sure := m.dfa.match(s); sure {
			return ok
		}
	}
	return m.re.MatchString(s)
}

// Reserved states of an asciiDFA; the others start at dfaFirst.
const (
	dfaNonASCII uint16 = iota // a byte >= 0x80: ask the regexp
	dfaAccept                 // a match has been seen: the answer is yes
	dfaDead                   // no match can start or continue: no
	dfaFirst
)

// maxDFAStates bounds the table (256 entries of 2 bytes per state); a
// pattern that needs more is left to the regexp.
const maxDFAStates = 1024

// asciiDFA is the subset construction of a compiled pattern's NFA (the
// instructions of regexp/syntax) over ASCII bytes, with the search for a
// match anywhere in the text folded in: every state also holds a fresh
// start of the pattern.
type asciiDFA struct {
	next   []uint16 // next[state<<8|byte]
	start  uint16
	accEnd []bool // per state: a match ends at the end of the text
}

// match runs the DFA over s. sure is false when s has a non-ASCII byte;
// the caller then asks the regexp.
func (d *asciiDFA) match(s string) (ok, sure bool) {
	st := d.start
	next := d.next
	for i := 0; i < len(s); i++ {
		st = next[int(st)<<8|int(s[i])]
		if st < dfaFirst {
			switch st {
			case dfaNonASCII:
				return false, false
			case dfaAccept:
				// A match is found, but a later non-ASCII byte would
				// still be read by the regexp as the same text: the
				// match stands either way.
				return true, true
			}
			// Dead: the pattern is anchored at the beginning and every
			// attempt has failed on an ASCII prefix, which the regexp
			// reads as the same runes whatever follows.
			return false, true
		}
	}
	return d.accEnd[st], true
}

// compileASCIIDFA builds the DFA of pattern (parsed as regexp.Compile
// does), or returns nil when the pattern uses what it does not cover.
func compileASCIIDFA(pattern string) *asciiDFA {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
			return nil // line anchors, word boundaries
		}
	}
	if len(prog.Inst) > maxDFAInsts {
		return nil
	}
	b := dfaBuilder{prog: prog, ids: map[string]uint16{}, d: &asciiDFA{}, seen: make([]uint32, len(prog.Inst))}
	// Which ASCII bytes each instruction reads, once, rather than asking
	// MatchRune per state.
	b.reads = make([][2]uint64, len(prog.Inst))
	for pc := range prog.Inst {
		for c := range 128 {
			if consumes(&prog.Inst[pc], byte(c)) {
				b.reads[pc][c/64] |= 1 << (c % 64)
			}
		}
	}
	// Reserved states: only a start state can be one of them without
	// returning at once, and then it absorbs every byte.
	b.d.next = make([]uint16, int(dfaFirst)<<8)
	for c := range 256 {
		b.d.next[int(dfaAccept)<<8|c] = dfaAccept
		b.d.next[int(dfaDead)<<8|c] = dfaDead
	}
	b.d.accEnd = []bool{dfaAccept: true, dfaDead: false}

	// The start state: the pattern at the beginning of the text.
	startSet := b.closure([]uint32{uint32(prog.Start)}, syntax.EmptyBeginText, nil)
	if startSet == nil && b.work > maxDFAWork {
		// An empty set would be the dead state: "never matches".
		return nil
	}
	// Later positions restart the pattern without the beginning.
	restart := []uint32{uint32(prog.Start)}
	start, ok := b.state(startSet, true)
	if !ok {
		return nil
	}
	b.d.start = start
	var outs []uint32
	for len(b.todo) > 0 {
		t := b.todo[0]
		b.todo = b.todo[1:]
		base := int(t.id) << 8 // b.state grows next: index it afresh
		for c := 0; c < 256; c++ {
			if c >= 0x80 {
				b.d.next[base|c] = dfaNonASCII
				continue
			}
			outs = outs[:0]
			for _, pc := range t.set {
				if b.reads[pc][c/64]&(1<<(c%64)) != 0 {
					outs = append(outs, prog.Inst[pc].Out)
				}
			}
			set := b.closure(outs, 0, restart)
			if set == nil && b.work > maxDFAWork {
				return nil
			}
			id, ok := b.state(set, false)
			if !ok {
				return nil
			}
			b.d.next[base|c] = id
		}
	}
	return b.d
}

// maxDFAWork bounds the instructions visited while building a DFA (a few
// milliseconds); patterns with long counted repetitions, which would need
// many large states, are left to the regexp.
const maxDFAWork = 1 << 18

// maxDFAInsts bounds the instructions of a pattern given a DFA: the byte
// masks cost 128 MatchRune calls an instruction before any state is
// built, and a program this large would not build within maxDFAWork.
const maxDFAInsts = 1 << 16

type dfaBuilder struct {
	prog  *syntax.Prog
	reads [][2]uint64 // per instruction: the ASCII bytes it reads
	ids   map[string]uint16
	todo  []dfaTodo
	d     *asciiDFA
	stack []uint32
	seen  []uint32 // per instruction: the closure that last visited it
	stamp uint32
	work  int
}

type dfaTodo struct {
	id  uint16
	set []uint32
}

// consumes reports whether instruction in reads the ASCII byte c.
func consumes(in *syntax.Inst, c byte) bool {
	switch in.Op {
	case syntax.InstRune, syntax.InstRune1:
		return in.MatchRune(rune(c))
	case syntax.InstRuneAny:
		return true
	case syntax.InstRuneAnyNotNL:
		return c != '\n'
	}
	return false
}

// closure returns the sorted set of instructions reachable from the pcs
// of from and then of restart without reading a byte, given the
// empty-width conditions that hold (flags); restart is followed with no
// conditions holding (a fresh attempt past the beginning). It keeps the
// instructions that read a byte, Match, and the end-of-text assertions
// still to be decided; a beginning-of-text assertion that does not hold
// can never hold later and is dropped. Past maxDFAWork it returns nil.
func (b *dfaBuilder) closure(from []uint32, flags syntax.EmptyOp, restart []uint32) []uint32 {
	b.stamp++
	var set []uint32
	visit := func(starts []uint32, flags syntax.EmptyOp) {
		b.stack = append(b.stack[:0], starts...)
		for len(b.stack) > 0 {
			pc := b.stack[len(b.stack)-1]
			b.stack = b.stack[:len(b.stack)-1]
			if b.seen[pc] == b.stamp {
				continue
			}
			b.seen[pc] = b.stamp
			b.work++
			in := &b.prog.Inst[pc]
			switch in.Op {
			case syntax.InstAlt, syntax.InstAltMatch:
				b.stack = append(b.stack, in.Arg, in.Out)
			case syntax.InstCapture, syntax.InstNop:
				b.stack = append(b.stack, in.Out)
			case syntax.InstEmptyWidth:
				need := syntax.EmptyOp(in.Arg)
				switch {
				case need&^flags == 0:
					b.stack = append(b.stack, in.Out)
				case need&syntax.EmptyBeginText != 0 && flags&syntax.EmptyBeginText == 0:
					// Past the beginning: never.
				default:
					set = append(set, pc) // waits for the end of the text
				}
			case syntax.InstFail:
			default: // Match and the instructions that read
				set = append(set, pc)
			}
		}
	}
	visit(from, flags)
	// The restart shares the visited marks: an instruction already reached
	// with flags 0 or more reaches at least as much.
	visit(restart, 0)
	if b.work > maxDFAWork {
		return nil
	}
	slices.Sort(set)
	return set
}

// state returns the id of the state for set, adding it when new; ok is
// false past maxDFAStates.
func (b *dfaBuilder) state(set []uint32, atStart bool) (uint16, bool) {
	for _, pc := range set {
		if b.prog.Inst[pc].Op == syntax.InstMatch {
			return dfaAccept, true
		}
	}
	if len(set) == 0 {
		return dfaDead, true
	}
	var key strings.Builder
	if atStart {
		key.WriteByte('^') // the start state decides ^ differently at the end
	}
	for _, pc := range set {
		key.WriteString(strconv.FormatUint(uint64(pc), 36))
		key.WriteByte(',')
	}
	if id, ok := b.ids[key.String()]; ok {
		return id, true
	}
	if len(b.d.accEnd) >= maxDFAStates {
		return 0, false
	}
	id := uint16(len(b.d.accEnd))
	b.ids[key.String()] = id
	b.d.next = append(b.d.next, make([]uint16, 256)...)
	endFlags := syntax.EmptyEndText
	if atStart {
		endFlags |= syntax.EmptyBeginText
	}
	acc := false
	for _, pc := range set {
		in := &b.prog.Inst[pc]
		if in.Op != syntax.InstEmptyWidth {
			continue
		}
		for _, q := range b.closure([]uint32{pc}, endFlags, nil) {
			if b.prog.Inst[q].Op == syntax.InstMatch {
				acc = true
			}
		}
	}
	if b.work > maxDFAWork {
		return 0, false // a closure above may have been cut short
	}
	b.d.accEnd = append(b.d.accEnd, acc)
	b.todo = append(b.todo, dfaTodo{id: id, set: set})
	return id, true
}
