package fairness

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/quality"
)

// Limits and defaults of a Spec.
const (
	// DefaultMinGroupSize is the MinGroupSize used when the spec leaves it
	// at 0.
	DefaultMinGroupSize = 30
	// MaxSensitiveColumns bounds Spec.SensitiveColumns.
	MaxSensitiveColumns = 5
	// MaxGroups bounds the distinct combinations of the sensitive columns'
	// values; past it Evaluate fails rather than keep growing.
	MaxGroups = 10_000
)

// nullGroupValue stands for a null sensitive value.
const nullGroupValue = "(null)"

// Evaluate reads src and computes the bias report for spec.
//
// An invalid spec, a missing column, a file that cannot be parsed, labels
// or predictions that are not binary, and a null or bad value where one is
// needed all return an error wrapping ErrInput; a missing column or
// unparsable file also wraps the reader's *quality.RunError (code INPUT).
// A file that cannot be opened or read wraps quality.ErrSource, one whose
// sha256 differs from src.ExpectedSHA256 wraps quality.ErrIntegrity (both
// *quality.RunError too); an ended ctx returns its error.
func Evaluate(ctx context.Context, src quality.Source, spec Spec) (*Report, error) {
	acc, err := newAccumulator(spec)
	if err != nil {
		return nil, err
	}
	info, err := quality.Scan(ctx, src, acc.columns, acc.add)
	switch {
	case errors.Is(err, quality.ErrInput):
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	case err != nil:
		return nil, fmt.Errorf("bias check of %s: %w", src.URI, err)
	}
	r := acc.report()
	r.RowCount, r.SHA256 = info.RowCount, info.SHA256
	return r, nil
}

func inputError(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, a...))
}

// normalized returns spec with its defaults applied, or why it is invalid.
func (s Spec) normalized() (Spec, error) {
	switch {
	case s.LabelColumn == "":
		return s, inputError("labelColumn is required")
	case s.PredictionColumn == "":
		return s, inputError("predictionColumn is required")
	case len(s.SensitiveColumns) == 0:
		return s, inputError("sensitiveColumns needs at least one column")
	case len(s.SensitiveColumns) > MaxSensitiveColumns:
		return s, inputError("sensitiveColumns has %d columns, at most %d are allowed", len(s.SensitiveColumns), MaxSensitiveColumns)
	case s.PositiveLabel == "":
		return s, inputError("positiveLabel is required")
	case s.MinGroupSize < 0:
		return s, inputError("minGroupSize is %d; it must be at least 1 (0 means %d)", s.MinGroupSize, DefaultMinGroupSize)
	}
	if s.MinGroupSize == 0 {
		s.MinGroupSize = DefaultMinGroupSize
	}
	type named struct{ field, column string }
	cols := []named{{"labelColumn", s.LabelColumn}, {"predictionColumn", s.PredictionColumn}}
	for i, c := range s.SensitiveColumns {
		cols = append(cols, named{fmt.Sprintf("sensitiveColumns[%d]", i), c})
	}
	if s.WeightColumn != "" {
		cols = append(cols, named{"weightColumn", s.WeightColumn})
	}
	for i, c := range cols {
		if c.column == "" {
			return s, inputError("%s is empty", c.field)
		}
		if j := slices.IndexFunc(cols[:i], func(p named) bool { return p.column == c.column }); j >= 0 {
			return s, inputError("column %q is named twice, in %s and %s", c.column, cols[j].field, c.field)
		}
	}
	return s, nil
}

// accumulator is the core of Evaluate: it reads rows one at a time (add)
// and builds the report (report).
type accumulator struct {
	spec     Spec
	columns  []string // read from the file: label, prediction, [weight,] sensitive...
	positive string   // spec.PositiveLabel, normalized
	labels   distinct
	preds    distinct
	matched  bool // some label or prediction is positive
	groups   map[string]*tally
	key      []byte
	vals     []string
}

// distinct keeps the (at most two) values a binary column has shown.
type distinct struct {
	column string
	what   string // "label" or "prediction"
	seen   []string
	buf    []byte
}

// tally is the running counts of one group. The w fields sum the weights
// of the rows counted.
type tally struct {
	values          []string
	count, pos, neg int64 // rows; rows with a positive, negative label
	w, wSel         float64
	wPos, wTP       float64
	wNeg, wFP       float64
}

func newAccumulator(spec Spec) (*accumulator, error) {
	spec, err := spec.normalized()
	if err != nil {
		return nil, err
	}
	a := &accumulator{
		spec:     spec,
		columns:  []string{spec.LabelColumn, spec.PredictionColumn},
		positive: string(appendPositiveLabel(nil, spec.PositiveLabel)),
		labels:   distinct{column: spec.LabelColumn, what: "label"},
		preds:    distinct{column: spec.PredictionColumn, what: "prediction"},
		groups:   map[string]*tally{},
	}
	if spec.WeightColumn != "" {
		a.columns = append(a.columns, spec.WeightColumn)
	}
	a.columns = append(a.columns, spec.SensitiveColumns...)
	return a, nil
}

// add counts one row; cells are the values of a.columns.
func (a *accumulator) add(row int64, cells []quality.Cell) error {
	label, err := a.labels.positive(row, cells[0], a.positive)
	if err != nil {
		return err
	}
	pred, err := a.preds.positive(row, cells[1], a.positive)
	if err != nil {
		return err
	}
	a.matched = a.matched || label || pred
	w, sens := 1.0, cells[2:]
	if a.spec.WeightColumn != "" {
		if w, err = weight(row, a.spec.WeightColumn, cells[2]); err != nil {
			return err
		}
		sens = cells[3:]
	}
	g, err := a.group(sens)
	if err != nil {
		return err
	}
	g.count++
	g.w += w
	if pred {
		g.wSel += w
	}
	if label {
		g.pos++
		g.wPos += w
		if pred {
			g.wTP += w
		}
	} else {
		g.neg++
		g.wNeg += w
		if pred {
			g.wFP += w
		}
	}
	return nil
}

// positive normalizes a label or prediction, checks that the column stays
// binary, and reports whether the value is the positive label.
func (d *distinct) positive(row int64, c quality.Cell, pos string) (bool, error) {
	if c.IsNull() {
		return false, inputError("row %d, column %q: null %s", row, d.column, d.what)
	}
	d.buf = appendOutcome(d.buf[:0], c)
	for _, s := range d.seen {
		if string(d.buf) == s {
			return s == pos, nil
		}
	}
	if len(d.seen) == 2 {
		return false, inputError("column %q is not binary: row %d has a third %s value %q (values seen before: %q, %q)",
			d.column, row, d.what, d.buf, d.seen[0], d.seen[1])
	}
	d.seen = append(d.seen, string(d.buf))
	return string(d.buf) == pos, nil
}

// appendOutcome appends the form in which a label or prediction is
// compared with the positive label: a number as the shortest decimal that
// round-trips (1, 1.0 and "1" are all "1"), a boolean as true or false (in
// any case in the data), anything else as its text.
func appendOutcome(b []byte, c quality.Cell) []byte {
	if f, ok := c.Number(); ok {
		return strconv.AppendFloat(b, f+0, 'g', -1, 64) // +0 turns -0 into 0
	}
	return appendBoolOrText(b, c.Text())
}

// appendPositiveLabel normalizes the positive label as appendOutcome does
// a cell.
func appendPositiveLabel(b []byte, s string) []byte {
	if f, ok := parseDecimal(s); ok {
		return strconv.AppendFloat(b, f+0, 'g', -1, 64)
	}
	return appendBoolOrText(b, s)
}

func appendBoolOrText(b []byte, s string) []byte {
	switch {
	case strings.EqualFold(s, "true"):
		return append(b, "true"...)
	case strings.EqualFold(s, "false"):
		return append(b, "false"...)
	}
	return append(b, s...)
}

// parseDecimal parses a finite decimal literal as the readers parse text
// (quality.Cell.Number): "NaN", "Inf" and hexadecimal forms are not
// numbers.
func parseDecimal(s string) (float64, bool) {
	if s == "" || strings.Trim(s, "0123456789.+-eE") != "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0)
}

// weight reads a sample weight: a finite number ≥ 0.
func weight(row int64, column string, c quality.Cell) (float64, error) {
	if c.IsNull() {
		return 0, inputError("row %d, column %q: null weight", row, column)
	}
	w, ok := c.Number()
	switch {
	case !ok:
		return 0, inputError("row %d, column %q: weight %q is not a number", row, column, c.Text())
	case w < 0:
		return 0, inputError("row %d, column %q: weight %g is negative", row, column, w)
	}
	return w, nil
}

// group returns the tally of the group of the sensitive cells, creating it
// on first sight.
func (a *accumulator) group(cells []quality.Cell) (*tally, error) {
	a.key, a.vals = a.key[:0], a.vals[:0]
	for _, c := range cells {
		v := nullGroupValue
		if !c.IsNull() {
			v = c.Text()
		}
		// Length-prefixed, so no value can fake a separator.
		a.key = strconv.AppendInt(a.key, int64(len(v)), 10)
		a.key = append(append(a.key, ':'), v...)
		a.vals = append(a.vals, v)
	}
	if g, ok := a.groups[string(a.key)]; ok {
		return g, nil
	}
	if len(a.groups) == MaxGroups {
		return nil, inputError("sensitive columns have too many distinct combinations (more than %d): %s", MaxGroups, strings.Join(a.spec.SensitiveColumns, ", "))
	}
	g := &tally{values: make([]string, len(a.vals))}
	for i, v := range a.vals {
		g.values[i] = strings.Clone(v)
	}
	a.groups[string(a.key)] = g
	return g, nil
}

// name renders a group as column=value pairs.
func (a *accumulator) name(values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = a.spec.SensitiveColumns[i] + "=" + v
	}
	return strings.Join(parts, ", ")
}

// rate is num/den, undefined when there are no rows or they weigh 0.
func rate(num, den float64, n int64, rows string) Value {
	switch {
	case n == 0:
		return undefined("no " + rows)
	case den == 0:
		return undefined("the " + rows + " all have weight 0")
	}
	return defined(num / den)
}

func defined(v float64) Value       { return Value{Value: &v} }
func undefined(reason string) Value { return Value{Reason: reason} }

// report builds the report from the rows added so far.
func (a *accumulator) report() *Report {
	r := &Report{Groups: []Group{}, Notes: []string{}}
	tallies := make([]*tally, 0, len(a.groups))
	var rows int64
	for _, g := range a.groups {
		tallies = append(tallies, g)
		rows += g.count
	}
	slices.SortFunc(tallies, func(x, y *tally) int { return slices.Compare(x.values, y.values) })
	for _, g := range tallies {
		r.Groups = append(r.Groups, Group{
			Values:            g.values,
			Count:             g.count,
			Weight:            g.w,
			SelectionRate:     rate(g.wSel, g.w, g.count, "rows"),
			TruePositiveRate:  rate(g.wTP, g.wPos, g.pos, "rows with a positive label"),
			FalsePositiveRate: rate(g.wFP, g.wNeg, g.neg, "rows with a negative label"),
			Small:             g.count < int64(a.spec.MinGroupSize),
		})
		if g.count < int64(a.spec.MinGroupSize) {
			r.Notes = append(r.Notes, fmt.Sprintf("group %s has %d rows, fewer than %d", a.name(g.values), g.count, a.spec.MinGroupSize))
		}
	}
	if rows > 0 && !a.matched {
		r.Notes = append(r.Notes, fmt.Sprintf("positiveLabel %q matches no label and no prediction (labels seen: %q; predictions seen: %q)",
			a.spec.PositiveLabel, a.labels.seen, a.preds.seen))
	}

	if len(r.Groups) < 2 {
		reason := "the data has no rows"
		if len(r.Groups) == 1 {
			reason = fmt.Sprintf("every row is in one group (%s); the between-groups summaries need at least two", a.name(r.Groups[0].Values))
		}
		r.Inconclusive = true
		r.Notes = append(r.Notes, reason)
		u := undefined(reason)
		r.DemographicParityDifference, r.DemographicParityRatio = u, u
		r.EqualizedOddsDifference, r.EqualizedOddsRatio, r.EqualOpportunityDifference = u, u, u
		r.FourFifths = FourFifthsUndefined
		return r
	}

	sel := a.between(r.Groups, "selection rate", func(g *Group) Value { return g.SelectionRate })
	tpr := a.between(r.Groups, "true positive rate", func(g *Group) Value { return g.TruePositiveRate })
	fpr := a.between(r.Groups, "false positive rate", func(g *Group) Value { return g.FalsePositiveRate })
	r.DemographicParityDifference, r.DemographicParityRatio = sel.difference(), sel.ratio()
	r.EqualOpportunityDifference = tpr.difference()
	r.EqualizedOddsDifference = worst(tpr.difference(), fpr.difference(), math.Max)
	r.EqualizedOddsRatio = worst(tpr.ratio(), fpr.ratio(), math.Min)
	r.FourFifths = fourFifths(sel, tallies)
	return r
}

// spread is a rate's smallest and largest value over the groups, and the
// groups (by index) that have them; reason is set when a group's rate is
// undefined.
type spread struct {
	name       string
	lo, hi     float64
	loAt, hiAt int
	reason     string
}

func (a *accumulator) between(groups []Group, name string, get func(*Group) Value) spread {
	s := spread{name: name, lo: math.Inf(1), hi: math.Inf(-1)}
	for i := range groups {
		v := get(&groups[i])
		if v.Value == nil {
			s.reason = fmt.Sprintf("the %s of group %s is undefined: %s", name, a.name(groups[i].Values), v.Reason)
			return s
		}
		if *v.Value < s.lo {
			s.lo, s.loAt = *v.Value, i
		}
		if *v.Value > s.hi {
			s.hi, s.hiAt = *v.Value, i
		}
	}
	return s
}

// difference is max − min over groups.
func (s spread) difference() Value {
	if s.reason != "" {
		return undefined(s.reason)
	}
	return defined(s.hi - s.lo)
}

// ratio is min / max over groups; undefined when max is 0 (Fairlearn
// divides and gets NaN).
func (s spread) ratio() Value {
	switch {
	case s.reason != "":
		return undefined(s.reason)
	case s.hi == 0:
		return undefined(fmt.Sprintf("every group's %s is 0", s.name))
	}
	return defined(s.lo / s.hi)
}

// worst combines two summaries with pick (the larger difference, the
// smaller ratio); undefined when either is, with the first one's reason.
func worst(x, y Value, pick func(float64, float64) float64) Value {
	switch {
	case x.Value == nil:
		return x
	case y.Value == nil:
		return y
	}
	return defined(pick(*x.Value, *y.Value))
}

// fourFifths applies the four-fifths rule to the selection rates. The
// comparison min/max ≥ 4/5 is made as 5·(selected_min·weight_max) ≥
// 4·(weight_min·selected_max), so that a ratio of exactly 0.8 in counts
// (3/5 against 3/4, say) passes even though 0.6/0.75 rounds below 0.8.
func fourFifths(sel spread, tallies []*tally) Verdict {
	if sel.ratio().Value == nil {
		return FourFifthsUndefined
	}
	lo, hi := tallies[sel.loAt], tallies[sel.hiAt]
	if 5*(lo.wSel*hi.w) >= 4*(lo.w*hi.wSel) {
		return FourFifthsPassed
	}
	return FourFifthsFailed
}
