package quality

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
)

// psiEpsilon replaces a bin proportion of zero (in either distribution)
// so the logarithm in PSI stays finite. Proportions are not renormalised.
const psiEpsilon = 1e-4

// readReference calls fn with every value of column in the reference file
// ref, found through the engine's Resolver.
func (e *Engine) readReference(ctx context.Context, ref, column string, fn func(v value) error) error {
	src, err := e.opts.Resolver.Resolve(ctx, ref)
	if err != nil {
		return fmt.Errorf("reference %q: %w", ref, err)
	}
	format, err := formatOf(src)
	if err != nil {
		return fmt.Errorf("reference %q: %w", ref, err)
	}
	o, err := open(ctx, e.opts.Remote, src.URI)
	if err != nil {
		return fmt.Errorf("reference %q: %w", ref, err)
	}
	defer o.Close()
	var rd tableReader
	switch format {
	case FormatCSV:
		var cr *csvReader
		if cr, err = newCSVReader(o.r, csvOptions(src)); err == nil {
			rd = cr
		}
	case FormatJSONL:
		rd = newJSONLReader(o.r)
	case FormatParquet:
		if err = o.spool(); err == nil {
			var pr *parquetReader
			if pr, err = newParquetReader(o.file, o.size); err == nil {
				defer pr.close()
				rd = pr
			}
		}
	}
	if err != nil {
		return fmt.Errorf("reference %q: %w", ref, err)
	}
	if rd.fixedSchema() {
		if !slices.ContainsFunc(rd.columns(), func(c ColumnInfo) bool { return c.Name == column }) {
			return fmt.Errorf("reference %q: %w", ref, missingColumn(column, rd.columns()))
		}
	}
	found := false
	b := &batch{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := rd.next(b, defaultBatchRows)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reference %q: %w", ref, err)
		}
		c := slices.IndexFunc(rd.columns()[:len(b.cols)], func(c ColumnInfo) bool { return c.Name == column })
		if c < 0 {
			continue
		}
		found = true
		for _, v := range b.cols[c] {
			if err := fn(v); err != nil {
				return fmt.Errorf("reference %q, column %q: %w", ref, column, err)
			}
		}
	}
	if !found && !rd.fixedSchema() {
		return fmt.Errorf("reference %q: %w", ref, missingColumn(column, rd.columns()))
	}
	return nil
}

func refColumn(r *Rule) string {
	if r.ReferenceColumn != "" {
		return r.ReferenceColumn
	}
	return r.Column
}

// referenceSet reads the distinct values of a referential_integrity rule's
// reference column, exactly, up to MaxDistinct.
func (e *Engine) referenceSet(ctx context.Context, r *Rule) (map[string]struct{}, error) {
	set := map[string]struct{}{}
	var scratch []byte
	err := e.readReference(ctx, r.Reference, refColumn(r), func(v value) error {
		if v.k == kindNull {
			return nil
		}
		var k string
		k, scratch = v.key(scratch)
		if _, ok := set[k]; !ok {
			if len(set) >= e.opts.MaxDistinct {
				return fmt.Errorf("more than %d distinct values: the reference set is exact and kept in memory (raise the engine's MaxDistinct)", e.opts.MaxDistinct)
			}
			set[strings.Clone(k)] = struct{}{}
		}
		return nil
	})
	return set, err
}

// driftEval compares the column's distribution with the reference's.
type driftEval struct {
	rule        *Rule
	ks          bool
	categorical bool
	limit       int
	rows, n     int64

	// numeric PSI: bins from the reference's quantiles
	edges   []float64
	refProp []float64
	counts  []int64
	// categorical PSI
	refCats map[string]int64
	refN    int64
	cats    map[string]int64
	scratch []byte
	// KS
	ref, cur []float64
}

func (e *Engine) newDriftEval(ctx context.Context, r *Rule) (evaluator, error) {
	d := &driftEval{rule: r, ks: r.Method == "ks", limit: e.opts.MaxValues}
	var nums []float64
	cats := map[string]int64{}
	allNumeric := true
	var scratch []byte
	err := e.readReference(ctx, r.Reference, refColumn(r), func(v value) error {
		if v.k == kindNull {
			return nil
		}
		if f, ok := v.number(); ok && allNumeric {
			if len(nums) >= e.opts.MaxValues {
				return fmt.Errorf("more than %d values: the reference is kept in memory (raise the engine's MaxValues)", e.opts.MaxValues)
			}
			nums = append(nums, f)
		} else {
			allNumeric = false
			nums = nil
		}
		var k string
		k, scratch = v.key(scratch)
		if _, ok := cats[k]; !ok && len(cats) >= e.opts.MaxDistinct {
			if r.Categorical != nil && *r.Categorical {
				return fmt.Errorf("more than %d categories (raise the engine's MaxDistinct)", e.opts.MaxDistinct)
			}
			cats = nil // too many to be categorical; only numeric can work
		}
		if cats != nil {
			cats[strings.Clone(k)]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.categorical = !allNumeric
	if r.Categorical != nil {
		d.categorical = *r.Categorical
	}
	switch {
	case d.ks && d.categorical:
		return nil, fmt.Errorf("ks needs a numeric reference column; %q has non-numeric values", refColumn(r))
	case !d.categorical && !allNumeric:
		return nil, fmt.Errorf("reference column %q has non-numeric values; set categorical: true for PSI over categories", refColumn(r))
	case d.categorical && cats == nil:
		return nil, fmt.Errorf("reference column %q has more than %d categories", refColumn(r), e.opts.MaxDistinct)
	}
	if d.categorical {
		d.refCats, d.cats = cats, map[string]int64{}
		for _, c := range cats {
			d.refN += c
		}
		if d.refN == 0 {
			return nil, fmt.Errorf("reference column %q has no non-null values", refColumn(r))
		}
		return d, nil
	}
	if len(nums) == 0 {
		return nil, fmt.Errorf("reference column %q has no non-null values", refColumn(r))
	}
	slices.Sort(nums)
	if d.ks {
		d.ref = nums
		return d, nil
	}
	bins := r.Bins
	if bins == 0 {
		bins = 10
	}
	d.edges = quantileEdges(nums, bins)
	refCounts := make([]int64, len(d.edges)+1)
	for _, x := range nums {
		refCounts[binOf(d.edges, x)]++
	}
	d.refProp = proportions(refCounts, int64(len(nums)))
	d.counts = make([]int64, len(d.edges)+1)
	return d, nil
}

// quantileEdges returns the inner edges of bins equal-frequency bins of
// sorted xs: the type-7 quantiles at 1/bins, ..., (bins-1)/bins, with
// repeated edges (from ties) merged, so there may be fewer bins.
func quantileEdges(sorted []float64, bins int) []float64 {
	var edges []float64
	for k := 1; k < bins; k++ {
		q := quantileSorted(sorted, float64(k)/float64(bins))
		if len(edges) == 0 || q > edges[len(edges)-1] {
			edges = append(edges, q)
		}
	}
	return edges
}

// binOf returns the bin of x: bin i holds edges[i-1] < x <= edges[i]
// (numpy.searchsorted(edges, x, side="left")).
func binOf(edges []float64, x float64) int {
	return sort.SearchFloat64s(edges, x)
}

func proportions(counts []int64, n int64) []float64 {
	p := make([]float64, len(counts))
	for i, c := range counts {
		p[i] = float64(c) / float64(n)
	}
	return p
}

// psi is the population stability index sum((a-e) * ln(a/e)) of actual
// proportions a against expected (reference) proportions e, with zeros
// replaced by psiEpsilon.
func psi(actual, expected []float64) float64 {
	s := 0.0
	for i := range actual {
		a, e := max(actual[i], 0), max(expected[i], 0)
		if a == 0 {
			a = psiEpsilon
		}
		if e == 0 {
			e = psiEpsilon
		}
		s += (a - e) * math.Log(a/e)
	}
	return s
}

func (d *driftEval) observe(b *batch, cols []int) error {
	d.rows += int64(b.n)
	if cols[0] < 0 || cols[0] >= len(b.cols) {
		return nil
	}
	if d.categorical {
		for _, v := range b.cols[cols[0]] {
			if v.k == kindNull {
				continue
			}
			d.n++
			var k string
			k, d.scratch = v.key(d.scratch)
			if _, ok := d.cats[k]; !ok {
				if len(d.cats) >= d.limit {
					return fmt.Errorf("more than %d categories (raise the engine's MaxDistinct)", d.limit)
				}
				d.cats[strings.Clone(k)] = 0
			}
			d.cats[k]++
		}
		return nil
	}
	nc := b.numbers(cols[0])
	if nc.bad >= 0 {
		return typeError(b, nc.bad, d.rule.Column, b.cols[cols[0]][nc.bad], "a number")
	}
	for i, st := range nc.st {
		if st != stNum {
			continue
		}
		d.n++
		if d.ks {
			if len(d.cur) >= d.limit {
				return fmt.Errorf("more than %d non-null values: KS keeps every value (raise the engine's MaxValues)", d.limit)
			}
			d.cur = append(d.cur, nc.f[i])
		} else {
			d.counts[binOf(d.edges, nc.f[i])]++
		}
	}
	return nil
}

func (d *driftEval) finish(rr *RuleResult) {
	rr.ElementCount, rr.MissingCount = d.rows, d.rows-d.n
	if d.n == 0 {
		rr.Verdict = VerdictFailed
		rr.Message = "no non-null values to compare with the reference"
		return
	}
	if d.ks {
		slices.Sort(d.cur)
		stat, p := ks2samp(d.cur, d.ref)
		alpha := 0.05
		if d.rule.Alpha != nil {
			alpha = *d.rule.Alpha
		}
		rr.Observed = map[string]any{"statistic": stat, "p_value": p}
		rr.Details = map[string]any{"alpha": alpha, "n": len(d.cur), "reference_n": len(d.ref), "p_value_method": ksMethod(len(d.cur), len(d.ref))}
		rr.Verdict = verdict(!(p < alpha))
		if rr.Verdict == VerdictFailed {
			rr.Message = fmt.Sprintf("KS p-value %.4g is below alpha %g: the distributions differ", p, alpha)
		}
		return
	}
	var value float64
	details := map[string]any{}
	if d.categorical {
		keys := make([]string, 0, len(d.refCats)+len(d.cats))
		for k := range d.refCats {
			keys = append(keys, k)
		}
		for k := range d.cats {
			if _, ok := d.refCats[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		a, ex := make([]float64, len(keys)), make([]float64, len(keys))
		for i, k := range keys {
			a[i] = float64(d.cats[k]) / float64(d.n)
			ex[i] = float64(d.refCats[k]) / float64(d.refN)
		}
		value = psi(a, ex)
		details["categories"] = len(keys)
	} else {
		a := proportions(d.counts, d.n)
		value = psi(a, d.refProp)
		details["edges"] = d.edges
		details["reference_proportions"] = d.refProp
		details["proportions"] = a
	}
	warn, fail := psiThresholds(d.rule)
	details["warn"], details["fail"] = warn, fail
	rr.Observed, rr.Details = value, details
	switch {
	case value >= fail:
		rr.Verdict = VerdictFailed
		rr.Message = fmt.Sprintf("PSI %.4f is at or above the fail threshold %g", value, fail)
	case value >= warn:
		rr.Verdict, rr.Severity = VerdictFailed, SeverityWarn
		rr.Message = fmt.Sprintf("PSI %.4f is at or above the warn threshold %g (below fail %g)", value, warn, fail)
	default:
		rr.Verdict = VerdictPassed
	}
}
