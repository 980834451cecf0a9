package quality

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// newEvaluator builds the evaluator of a rule, reading its reference file
// when it has one. Rules decided from the schema alone (row_count_between,
// column_exists, schema_match) have none. An error ends the rule in ERROR
// without failing the others.
func (e *Engine) newEvaluator(ctx context.Context, r *Rule) (evaluator, error) {
	mc := mapCounter{sampleMax: e.opts.SampleSize, mostly: r.mostly()}
	switch r.Type {
	case TypeNotNull:
		mc.countNulls = true
		return &notNullEval{mapCounter: mc}, nil
	case TypeUnique:
		return &uniqueEval{mapCounter: mc, column: r.Column, keys: newKeySet(), limit: e.opts.MaxDistinct}, nil
	case TypePrimaryKey:
		mc.countNulls = true
		return &primaryKeyEval{uniqueEval: uniqueEval{mapCounter: mc, keys: newKeySet(), limit: e.opts.MaxDistinct}, columns: r.Columns}, nil
	case TypeInSet, TypeNotInSet:
		s := newMemberSet(r.Values)
		return &setEval{mapCounter: mc, set: s, negate: r.Type == TypeNotInSet}, nil
	case TypeValueBetween:
		return &betweenEval{mapCounter: mc, rule: r}, nil
	case TypeRegex:
		return &regexEval{mapCounter: mc, re: newTextMatcher(r.re), column: r.Column}, nil
	case TypeLengthBetween:
		return &lengthEval{mapCounter: mc, rule: r}, nil
	case TypePairComparison:
		return &pairEval{mapCounter: mc, rule: r}, nil
	case TypeReferentialIntegrity:
		set, err := e.referenceSet(ctx, r)
		if err != nil {
			return nil, err
		}
		return &refEval{mapCounter: mc, set: set}, nil
	case TypeNullRatioMax:
		return &nullRatioEval{max: *r.Max}, nil
	case TypeAggregateBetween:
		return &aggregateEval{rule: r, column: r.Column, limit: e.opts.MaxValues}, nil
	case TypeDistinctCountBetween:
		return &distinctEval{rule: r, seen: map[string]struct{}{}, limit: e.opts.MaxDistinct}, nil
	case TypeFreshness:
		return &freshnessEval{rule: r, now: e.opts.Now()}, nil
	case TypeDistributionDrift:
		return e.newDriftEval(ctx, r)
	}
	return nil, nil
}

// mapCounter is the bookkeeping shared by row-wise rules: each row either
// passes, fails (unexpected) or is null. Nulls are left out of the
// denominator unless countNulls (not_null, primary_key).
type mapCounter struct {
	elements, nulls, unexpected int64
	sample                      []Sample
	sampleMax                   int
	mostly                      float64
	countNulls                  bool
}

func (m *mapCounter) fail(row int64, v any) {
	m.unexpected++
	if len(m.sample) < m.sampleMax {
		m.sample = append(m.sample, Sample{Row: row, Value: v})
	}
}

func (m *mapCounter) finish(rr *RuleResult) {
	rr.ElementCount, rr.MissingCount, rr.UnexpectedCount = m.elements, m.nulls, m.unexpected
	rr.UnexpectedSample = m.sample
	denom := m.elements - m.nulls
	if m.countNulls {
		denom = m.elements
	}
	if denom == 0 {
		rr.Verdict = VerdictPassed
		rr.Message = "no values to check: passes vacuously"
		return
	}
	pct := 100 * float64(m.unexpected) / float64(denom)
	rr.UnexpectedPercent = &pct
	ratio := float64(denom-m.unexpected) / float64(denom)
	rr.Observed = ratio
	rr.Verdict = verdict(m.unexpected == 0 || ratio >= m.mostly)
}

// column0 returns the batch column of a single-column rule (nil: all null).
func column0(b *batch, cols []int) []value { return b.col(cols[0]) }

// eachNonNull counts a batch's rows into rows and the nulls of the rule's
// column into nulls (all of them when the batch lacks the column), and
// calls f, when not nil, with each non-null value and its index in the
// batch; it stops at f's first error.
func eachNonNull(b *batch, cols []int, rows, nulls *int64, f func(i int, v value) error) error {
	*rows += int64(b.n)
	col := column0(b, cols)
	if col == nil {
		*nulls += int64(b.n)
		return nil
	}
	for i, v := range col {
		if v.k == kindNull {
			*nulls++
			continue
		}
		if f != nil {
			if err := f(i, v); err != nil {
				return err
			}
		}
	}
	return nil
}

type notNullEval struct{ mapCounter }

func (e *notNullEval) observe(b *batch, cols []int) error {
	col := column0(b, cols)
	e.elements += int64(b.n)
	if col == nil {
		for i := 0; i < b.n; i++ {
			e.nulls++
			e.fail(b.rowNum(i), nil)
		}
		return nil
	}
	for i, v := range col {
		if v.k == kindNull {
			e.nulls++
			e.fail(b.rowNum(i), nil)
		}
	}
	return nil
}

// uniqueEval counts every distinct value exactly. A value seen twice makes
// both rows unexpected; each further copy adds one.
type uniqueEval struct {
	mapCounter
	column  string
	keys    *keySet
	limit   int
	scratch []byte
}

// count books one occurrence of a key that had been seen prev times
// before (seenNever, seenOnce, seenMore).
func (e *uniqueEval) count(prev int, row int64, v func() any) error {
	switch prev {
	case seenNever:
		if e.keys.len() > e.limit {
			return fmt.Errorf("more than %d distinct values: the check is exact and keeps every distinct value in memory (raise the engine's MaxDistinct)", e.limit)
		}
	case seenOnce:
		e.unexpected += 2
		if len(e.sample) < e.sampleMax {
			e.sample = append(e.sample, Sample{Row: row, Value: v()})
		}
	default:
		// Only "seen once" versus "seen more" matters from here on.
		e.unexpected++
	}
	return nil
}

func (e *uniqueEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.elements, &e.nulls, func(i int, v value) error {
		var prev int
		prev, e.scratch = e.keys.add(v, e.scratch)
		return e.count(prev, b.rowNum(i), v.export)
	})
}

// primaryKeyEval: every row needs all key columns non-null and a key tuple
// no other row has.
type primaryKeyEval struct {
	uniqueEval
	columns []string
	key     []byte
	part    []byte
}

func (e *primaryKeyEval) observe(b *batch, cols []int) error {
	e.elements += int64(b.n)
	for i := 0; i < b.n; i++ {
		e.key = e.key[:0]
		hasNull := false
		for _, c := range cols {
			col := b.col(c)
			if col == nil || col[i].k == kindNull {
				hasNull = true
				break
			}
			// Each part is length-prefixed so ("a,b","c") and ("a","b,c")
			// stay distinct.
			e.part = col[i].appendKey(e.part[:0])
			e.key = binary.AppendUvarint(e.key, uint64(len(e.part)))
			e.key = append(e.key, e.part...)
		}
		tuple := func() any {
			t := make(map[string]any, len(cols))
			for j, c := range cols {
				if col := b.col(c); col != nil {
					t[e.columns[j]] = col[i].export()
				} else {
					t[e.columns[j]] = nil
				}
			}
			return t
		}
		if hasNull {
			e.nulls++
			e.fail(b.rowNum(i), tuple())
			continue
		}
		if err := e.count(e.keys.addString(string(e.key)), b.rowNum(i), tuple); err != nil {
			return err
		}
	}
	return nil
}

// memberSet holds the values of in_set/not_in_set. Text from CSV matches
// a string member with the same text, or a number member with the same
// numeric value; typed values match members of their own type.
type memberSet struct {
	texts map[string]struct{}
	nums  map[float64]struct{}
	bools map[bool]struct{}
}

func newMemberSet(values []any) *memberSet {
	s := &memberSet{texts: map[string]struct{}{}, nums: map[float64]struct{}{}, bools: map[bool]struct{}{}}
	for _, v := range values {
		switch v := v.(type) {
		case string:
			s.texts[v] = struct{}{}
		case bool:
			s.bools[v] = struct{}{}
		case json.Number:
			if f, err := strconv.ParseFloat(string(v), 64); err == nil {
				s.nums[f] = struct{}{}
			}
		case float64:
			s.nums[v] = struct{}{}
		case int:
			s.nums[float64(v)] = struct{}{}
		case int64:
			s.nums[float64(v)] = struct{}{}
		}
	}
	return s
}

func (s *memberSet) contains(v value) bool {
	switch v.k {
	case kindText:
		if _, ok := s.texts[v.s]; ok {
			return true
		}
		if len(s.nums) > 0 {
			if f, ok := parseNumber(v.s); ok {
				_, ok := s.nums[f]
				return ok
			}
		}
		if len(s.bools) > 0 {
			switch strings.ToLower(v.s) {
			case "true":
				_, ok := s.bools[true]
				return ok
			case "false":
				_, ok := s.bools[false]
				return ok
			}
		}
		return false
	case kindString:
		_, ok := s.texts[v.s]
		return ok
	case kindInt, kindFloat:
		_, ok := s.nums[v.f]
		return ok
	case kindBool:
		_, ok := s.bools[v.i != 0]
		return ok
	case kindTime:
		_, ok := s.texts[string(v.appendKey(nil))]
		return ok
	}
	return false
}

type setEval struct {
	mapCounter
	set    *memberSet
	negate bool
}

func (e *setEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.elements, &e.nulls, func(i int, v value) error {
		if e.set.contains(v) == e.negate {
			e.fail(b.rowNum(i), v.export())
		}
		return nil
	})
}

type betweenEval struct {
	mapCounter
	rule *Rule
}

func (e *betweenEval) observe(b *batch, cols []int) error {
	e.elements += int64(b.n)
	if cols[0] < 0 || cols[0] >= len(b.cols) {
		e.nulls += int64(b.n)
		return nil
	}
	nc := b.numbers(cols[0])
	if nc.bad >= 0 {
		return typeError(b, nc.bad, e.rule.Column, b.cols[cols[0]][nc.bad], "a number")
	}
	r := e.rule
	for i, st := range nc.st {
		if st == stNull {
			e.nulls++
			continue
		}
		if !inBounds(nc.f[i], r.Min, r.Max, r.StrictMin, r.StrictMax) {
			e.fail(b.rowNum(i), b.cols[cols[0]][i].export())
		}
	}
	return nil
}

type regexEval struct {
	mapCounter
	re     *textMatcher
	column string
}

func (e *regexEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.elements, &e.nulls, func(i int, v value) error {
		if !v.isText() {
			return typeError(b, i, e.column, v, "a string")
		}
		if !e.re.MatchString(v.s) {
			e.fail(b.rowNum(i), strings.Clone(v.s))
		}
		return nil
	})
}

type lengthEval struct {
	mapCounter
	rule *Rule
}

func (e *lengthEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.elements, &e.nulls, func(i int, v value) error {
		if !v.isText() {
			return typeError(b, i, e.rule.Column, v, "a string")
		}
		n := len(v.s)
		for j := 0; j < len(v.s); j++ {
			if v.s[j] >= utf8.RuneSelf {
				n = utf8.RuneCountInString(v.s)
				break
			}
		}
		if !inBounds(float64(n), e.rule.Min, e.rule.Max, false, false) {
			e.fail(b.rowNum(i), strings.Clone(v.s))
		}
		return nil
	})
}

// pairEval compares two columns row by row. Rows where either side is null
// are left out. Both sides numeric: compared as numbers; else both
// timestamps: as times; else both text or strings: byte-wise; anything
// else is a type error.
type pairEval struct {
	mapCounter
	rule *Rule
}

func (e *pairEval) observe(b *batch, cols []int) error {
	e.elements += int64(b.n)
	ca, cb := b.col(cols[0]), b.col(cols[1])
	if ca == nil || cb == nil {
		e.nulls += int64(b.n)
		return nil
	}
	var na, nb *numCol
	na, nb = b.numbers(cols[0]), b.numbers(cols[1])
	for i := 0; i < b.n; i++ {
		va, vb := ca[i], cb[i]
		if va.k == kindNull || vb.k == kindNull {
			e.nulls++
			continue
		}
		var c int
		switch {
		case na.st[i] == stNum && nb.st[i] == stNum:
			c = cmpFloat(na.f[i], nb.f[i])
		default:
			ta, oka := va.timestamp()
			tb, okb := vb.timestamp()
			switch {
			case oka && okb:
				c = ta.Compare(tb)
			case va.isText() && vb.isText():
				c = strings.Compare(va.s, vb.s)
			default:
				return fmt.Errorf("row %d: cannot compare column %q (%s %s) with column %q (%s %s)",
					b.rowNum(i), e.rule.ColumnA, va.describe(), quoteValue(va), e.rule.ColumnB, vb.describe(), quoteValue(vb))
			}
		}
		if !opHolds(e.rule.Op, c) {
			e.fail(b.rowNum(i), map[string]any{e.rule.ColumnA: va.export(), e.rule.ColumnB: vb.export()})
		}
	}
	return nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func opHolds(op string, c int) bool {
	switch op {
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case "=":
		return c == 0
	case "!=":
		return c != 0
	}
	return false
}

// refEval checks that every non-null value is in the reference set, by
// canonical text.
type refEval struct {
	mapCounter
	set     map[string]struct{}
	scratch []byte
}

func (e *refEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.elements, &e.nulls, func(i int, v value) error {
		var k string
		k, e.scratch = v.key(e.scratch)
		if _, ok := e.set[k]; !ok {
			e.fail(b.rowNum(i), v.export())
		}
		return nil
	})
}
