package quality

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// nullRatioEval: nulls / rows must not exceed max.
type nullRatioEval struct {
	max         float64
	rows, nulls int64
}

func (e *nullRatioEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.rows, &e.nulls, nil)
}

func (e *nullRatioEval) finish(rr *RuleResult) {
	rr.ElementCount, rr.MissingCount, rr.UnexpectedCount = e.rows, e.nulls, e.nulls
	if e.rows == 0 {
		rr.Verdict, rr.Message = VerdictPassed, "no rows: passes vacuously"
		return
	}
	ratio := float64(e.nulls) / float64(e.rows)
	pct := 100 * ratio
	rr.Observed, rr.UnexpectedPercent = ratio, &pct
	rr.Verdict = verdict(ratio <= e.max)
}

// aggregateEval computes one aggregate of a numeric column. The sum uses
// Neumaier's compensated summation, and the mean is that sum, kept as a
// pair of floats, divided by the count as one (so it is the correctly
// rounded mean but in rare ties, where a running mean drifts by many
// units in the last place); the standard deviation uses Welford's update;
// median and quantile keep the values (bounded by MaxValues).
type aggregateEval struct {
	rule   *Rule
	column string
	limit  int

	rows, n   int64
	mean, m2  float64
	sum, comp float64
	lo, hi    float64
	values    []float64
}

func (e *aggregateEval) observe(b *batch, cols []int) error {
	e.rows += int64(b.n)
	if cols[0] < 0 || cols[0] >= len(b.cols) {
		return nil
	}
	nc := b.numbers(cols[0])
	if nc.bad >= 0 {
		return typeError(b, nc.bad, e.column, b.cols[cols[0]][nc.bad], "a number")
	}
	keep := e.rule.Aggregate == "median" || e.rule.Aggregate == "quantile"
	for i, st := range nc.st {
		if st != stNum {
			continue
		}
		x := nc.f[i]
		if e.n == 0 {
			e.lo, e.hi = x, x
		}
		e.n++
		d := x - e.mean
		e.mean += d / float64(e.n)
		e.m2 += d * (x - e.mean)
		t := e.sum + x
		if math.Abs(e.sum) >= math.Abs(x) {
			e.comp += (e.sum - t) + x
		} else {
			e.comp += (x - t) + e.sum
		}
		e.sum = t
		e.lo, e.hi = min(e.lo, x), max(e.hi, x)
		if keep {
			if len(e.values) >= e.limit {
				return fmt.Errorf("more than %d non-null values: %s keeps every value to be exact (raise the engine's MaxValues)", e.limit, e.rule.Aggregate)
			}
			e.values = append(e.values, x)
		}
	}
	return nil
}

func (e *aggregateEval) finish(rr *RuleResult) {
	rr.ElementCount, rr.MissingCount = e.rows, e.rows-e.n
	var x float64
	ok := e.n > 0
	switch e.rule.Aggregate {
	case "mean":
		x = pairQuotient(e.sum, e.comp, float64(e.n))
		if math.IsInf(e.sum, 0) || math.IsNaN(e.sum) {
			// Values near the largest float overflow the sum, not the
			// running mean.
			x = e.mean
		}
	case "min":
		x = e.lo
	case "max":
		x = e.hi
	case "sum":
		x = e.sum + e.comp
	case "stdev":
		ok = e.n > 1
		if ok {
			x = math.Sqrt(e.m2 / float64(e.n-1))
		}
	case "median":
		if ok {
			slices.Sort(e.values)
			x = quantileSorted(e.values, 0.5)
		}
	case "quantile":
		if ok {
			slices.Sort(e.values)
			x = quantileSorted(e.values, *e.rule.Q)
		}
	}
	if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
		rr.Verdict = VerdictFailed
		rr.Message = fmt.Sprintf("the %s is null: the column has %d non-null values", e.rule.Aggregate, e.n)
		if e.rule.Aggregate == "stdev" && e.n == 1 {
			rr.Message = "the stdev is null: the sample standard deviation needs at least 2 non-null values"
		}
		return
	}
	rr.Observed = x
	rr.Verdict = verdict(inBounds(x, e.rule.Min, e.rule.Max, e.rule.StrictMin, e.rule.StrictMax))
}

// pairQuotient is (hi+lo)/n for the unevaluated sum hi+lo (a compensated
// sum and its correction): the quotient of hi, then the exact remainder
// hi - q·n (an FMA) with lo added, divided in turn.
func pairQuotient(hi, lo, n float64) float64 {
	q := hi / n
	r := math.FMA(-q, n, hi) + lo
	return q + r/n
}

// quantileSorted is the linear-interpolation quantile (Hyndman-Fan type 7,
// numpy's and pandas' default) of sorted, non-empty xs.
func quantileSorted(xs []float64, q float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	h := q * float64(len(xs)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-lo)*(xs[i+1]-xs[i])
}

// distinctEval counts distinct non-null values by canonical text.
type distinctEval struct {
	rule        *Rule
	seen        map[string]struct{}
	limit       int
	rows, nulls int64
	scratch     []byte
}

func (e *distinctEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.rows, &e.nulls, func(_ int, v value) error {
		var k string
		k, e.scratch = v.key(e.scratch)
		if _, ok := e.seen[k]; !ok {
			if len(e.seen) >= e.limit {
				return fmt.Errorf("more than %d distinct values: the count is exact and keeps every distinct value in memory (raise the engine's MaxDistinct)", e.limit)
			}
			e.seen[strings.Clone(k)] = struct{}{}
		}
		return nil
	})
}

func (e *distinctEval) finish(rr *RuleResult) {
	rr.ElementCount, rr.MissingCount = e.rows, e.nulls
	n := int64(len(e.seen))
	rr.Observed = n
	rr.Verdict = verdict(inBounds(float64(n), e.rule.Min, e.rule.Max, false, false))
}

// freshnessEval: now - max(timestamp) must not exceed max_age.
type freshnessEval struct {
	rule        *Rule
	now         time.Time
	latest      time.Time
	rows, nulls int64
	seen        bool
}

func (e *freshnessEval) observe(b *batch, cols []int) error {
	return eachNonNull(b, cols, &e.rows, &e.nulls, func(i int, v value) error {
		t, ok := v.timestamp()
		if !ok {
			return typeError(b, i, e.rule.Column, v, "a timestamp (RFC 3339, YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)")
		}
		if !e.seen || t.After(e.latest) {
			e.latest, e.seen = t, true
		}
		return nil
	})
}

func (e *freshnessEval) finish(rr *RuleResult) {
	rr.ElementCount, rr.MissingCount = e.rows, e.nulls
	if !e.seen {
		rr.Verdict = VerdictFailed
		rr.Message = "no timestamps: the column is empty or all null"
		return
	}
	age := e.now.Sub(e.latest)
	rr.Observed = map[string]any{
		"max":         e.latest.Format(time.RFC3339Nano),
		"age_seconds": age.Seconds(),
	}
	rr.Details = map[string]any{"now": e.now.UTC().Format(time.RFC3339Nano), "max_age_seconds": e.rule.maxAge.Seconds()}
	rr.Verdict = verdict(age <= e.rule.maxAge)
	if rr.Verdict == VerdictFailed {
		rr.Message = fmt.Sprintf("the newest %s is %s old, more than %s", e.rule.Column, age.Round(time.Second), e.rule.maxAge)
	}
}

// typeTracker infers column types of untyped or loosely typed readers (CSV
// text, JSON Lines) in the same pass, for schema_match.
type typeTracker struct {
	cols []typeFlags
}

type typeFlags struct {
	nonNull                                  int64
	allInt, allNum, allBool, allTime, allStr bool
	other                                    bool
}

func (t *typeTracker) observe(b *batch) {
	for len(t.cols) < len(b.cols) {
		t.cols = append(t.cols, typeFlags{allInt: true, allNum: true, allBool: true, allTime: true, allStr: true})
	}
	for c, col := range b.cols {
		f := &t.cols[c]
		for _, v := range col {
			switch v.k {
			case kindNull:
				continue
			case kindText:
				if f.allInt && !isInteger(v.s) {
					f.allInt = false
				}
				if f.allNum && !f.allInt {
					if _, ok := parseNumber(v.s); !ok {
						f.allNum = false
					}
				}
				if f.allBool && !strings.EqualFold(v.s, "true") && !strings.EqualFold(v.s, "false") {
					f.allBool = false
				}
				if f.allTime {
					if _, ok := parseTime(v.s); !ok {
						f.allTime = false
					}
				}
			case kindString:
				f.allInt, f.allNum, f.allBool = false, false, false
				if f.allTime {
					if _, ok := parseTime(v.s); !ok {
						f.allTime = false
					}
				}
			case kindInt:
				f.allBool, f.allTime, f.allStr = false, false, false
			case kindFloat:
				f.allInt, f.allBool, f.allTime, f.allStr = false, false, false, false
			case kindBool:
				f.allInt, f.allNum, f.allTime, f.allStr = false, false, false, false
			case kindTime:
				f.allInt, f.allNum, f.allBool, f.allStr = false, false, false, false
			default:
				f.allInt, f.allNum, f.allBool, f.allTime, f.allStr = false, false, false, false, false
				f.other = true
			}
			f.nonNull++
		}
	}
}

// columns returns infos with the inferred types filled in: "null" for a
// column with no values, then integer, number, boolean, timestamp,
// string, or "mixed" for JSON values of several kinds.
func (t *typeTracker) columns(infos []ColumnInfo) []ColumnInfo {
	out := slices.Clone(infos)
	for i := range out {
		if i >= len(t.cols) || t.cols[i].nonNull == 0 {
			out[i].Type = "null"
			continue
		}
		f := t.cols[i]
		switch {
		case f.allInt:
			out[i].Type = "integer"
		case f.allNum:
			out[i].Type = "number"
		case f.allBool:
			out[i].Type = "boolean"
		case f.allTime:
			out[i].Type = "timestamp"
		case f.allStr:
			out[i].Type = "string"
		default:
			out[i].Type = "mixed"
		}
	}
	return out
}

// typeMatches reports whether an observed column type satisfies a declared
// one. An all-null column matches any type; a number column accepts
// integers.
func typeMatches(declared, observed string) bool {
	switch {
	case declared == "" || declared == "any" || observed == "null":
		return true
	case declared == observed:
		return true
	case declared == "number" && observed == "integer":
		return true
	}
	return false
}

// schemaMatch compares the data's columns with the declared schema.
func schemaMatch(r *Rule, cols []ColumnInfo, rr *RuleResult) {
	obs := make([]map[string]any, len(cols))
	byName := map[string]int{}
	for i, c := range cols {
		obs[i] = map[string]any{"name": c.Name, "type": c.Type}
		byName[c.Name] = i
	}
	rr.Observed = obs
	var problems []string
	declared := map[string]bool{}
	for _, spec := range r.Schema {
		declared[spec.Name] = true
		i, ok := byName[spec.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("column %q is missing", spec.Name))
			continue
		case !typeMatches(spec.Type, cols[i].Type):
			problems = append(problems, fmt.Sprintf("column %q is %s, expected %s", spec.Name, cols[i].Type, spec.Type))
		}
	}
	if r.Ordered {
		// The declared columns that exist must appear in the declared
		// order; with allow_extra, other columns may sit between them.
		var got, want []string
		for _, c := range cols {
			if declared[c.Name] {
				got = append(got, c.Name)
			}
		}
		for _, spec := range r.Schema {
			if _, ok := byName[spec.Name]; ok {
				want = append(want, spec.Name)
			}
		}
		if !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("columns are in the order %s, expected %s", strings.Join(got, ", "), strings.Join(want, ", ")))
		}
	}
	if !r.AllowExtra {
		for _, c := range cols {
			if !declared[c.Name] {
				problems = append(problems, fmt.Sprintf("column %q is not in the schema", c.Name))
			}
		}
	}
	rr.ElementCount = int64(len(cols))
	rr.UnexpectedCount = int64(len(problems))
	for _, p := range problems {
		if len(rr.UnexpectedSample) < DefaultSampleSize {
			rr.UnexpectedSample = append(rr.UnexpectedSample, Sample{Value: p})
		}
	}
	rr.Verdict = verdict(len(problems) == 0)
	if len(problems) > 0 {
		rr.Message = strings.Join(problems, "; ")
	}
}
