package quality

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults for Options.
const (
	DefaultSampleSize  = 20
	DefaultMaxDistinct = 5_000_000
	DefaultMaxValues   = 10_000_000
	defaultBatchRows   = 4096
)

// Options configure an Engine. The zero value is usable.
type Options struct {
	// Now returns the current time, for freshness rules and timestamps in
	// the result; nil means time.Now.
	Now func() time.Time
	// Resolver finds the files referred to by referential_integrity and
	// distribution_drift rules; nil means DirResolver("") (paths relative
	// to the working directory).
	Resolver Resolver
	// Remote opens the sources that are not local files (any URI with a
	// scheme but file://); nil means HTTP{}: http(s) URLs through
	// http.DefaultClient, nothing else.
	Remote Remote
	// SampleSize bounds the failing values kept per rule; 0 means
	// DefaultSampleSize.
	SampleSize int
	// MaxDistinct bounds the distinct values (or keys) one set-based rule
	// (unique, primary_key, distinct_count_between, categorical drift,
	// in the reference of referential_integrity) keeps, exactly, in
	// memory; past it the rule ends in ERROR rather than approximating.
	// 0 means DefaultMaxDistinct.
	MaxDistinct int
	// MaxValues bounds the numbers one rule keeps for median, quantile and
	// KS (8 bytes each); past it the rule ends in ERROR. 0 means
	// DefaultMaxValues.
	MaxValues int
	// BatchRows is the number of rows read per batch; 0 means 4096.
	BatchRows int
}

// Engine runs suites over data files. It is safe for concurrent use; each
// Run is independent.
type Engine struct {
	opts  Options
	procs int // rule groups at most; 0 means one per core but the reader's (tests vary it)
}

// New returns an engine with the given options.
func New(opts Options) *Engine {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Resolver == nil {
		opts.Resolver = DirResolver("")
	}
	if opts.Remote == nil {
		opts.Remote = HTTP{}
	}
	if opts.SampleSize <= 0 {
		opts.SampleSize = DefaultSampleSize
	}
	if opts.MaxDistinct <= 0 {
		opts.MaxDistinct = DefaultMaxDistinct
	}
	if opts.MaxValues <= 0 {
		opts.MaxValues = DefaultMaxValues
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = defaultBatchRows
	}
	return &Engine{opts: opts}
}

// evaluator computes one rule over the rows of a file.
type evaluator interface {
	// observe reads a batch; cols holds the batch index of each column of
	// columnsUsed (-1 when the batch lacks it: all null). An error ends
	// the rule in ERROR.
	observe(b *batch, cols []int) error
	// finish fills in the verdict, observed value and counts.
	finish(rr *RuleResult)
}

// ruleState is a rule during a run.
type ruleState struct {
	rule  *Rule
	ev    evaluator // nil for rules decided from the schema alone
	names []string  // columns read
	cols  []int
	err   error // the rule's ERROR, once set the rule reads no more
}

// Run validates src against the suite in one pass over the file and
// returns the result.
//
// Problems with the data (it cannot be opened, cannot be parsed, does not
// match ExpectedSHA256) do not return an error: the result has Status
// ERROR and Error set (see Result.Err), and every rule is ERROR, so no
// partial verdicts are reported. Run returns an error only when there is
// no result to give: the suite is invalid (a *SuiteError) or ctx ended.
func (e *Engine) Run(ctx context.Context, suite *Suite, src Source) (*Result, error) {
	// Validate prepares the rules in place; work on a copy so one suite
	// can serve concurrent runs.
	suite = &Suite{Name: suite.Name, Dataset: suite.Dataset, Rules: slices.Clone(suite.Rules)}
	if err := suite.Validate(); err != nil {
		return nil, err
	}
	res := &Result{Engine: "exphub", Suite: suite.Name, Dataset: suite.Dataset, Source: src.URI, StartedAt: e.opts.Now().UTC()}
	states := make([]*ruleState, len(suite.Rules))
	res.Rules = make([]RuleResult, len(suite.Rules))
	for i := range suite.Rules {
		r := &suite.Rules[i]
		res.Rules[i] = RuleResult{Index: i, Type: r.Type, Name: r.Name, Column: r.Column, Columns: ruleColumns(r), Severity: r.severity()}
		states[i] = &ruleState{rule: r, names: r.columnsUsed()}
	}
	done := func() (*Result, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res.FinishedAt = e.opts.Now().UTC()
		res.Finalize()
		return res, nil
	}
	runErr := func(err error) (*Result, error) {
		var re *RunError
		if !errors.As(err, &re) {
			re = &RunError{Code: CodeSource, Message: err.Error()}
		}
		res.failAll(re)
		return done()
	}

	// References are read before the data, so the data is read once.
	for _, st := range states {
		st.ev, st.err = e.newEvaluator(ctx, st.rule)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}

	t, err := openTable(ctx, e.opts.Remote, src)
	if err != nil {
		return runErr(err)
	}
	defer t.close()
	res.Format = t.format
	err = t.err
	if t.rd != nil {
		err = e.scan(ctx, t.rd, states, res)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	sum, derr := t.sum(src.URI)
	if derr != nil {
		return runErr(derr)
	}
	res.SHA256 = sum
	if derr := checkDigest(src, sum); derr != nil {
		var re *RunError
		errors.As(derr, &re)
		re.Message += "; every verdict is discarded"
		return runErr(re)
	}
	if err != nil {
		return runErr(err)
	}
	e.finish(t.rd, states, res)
	return done()
}

type digestResult struct {
	sum string
	err error
}

// ruleColumns returns the Columns field of a rule's result.
func ruleColumns(r *Rule) []string {
	switch r.Type {
	case TypePrimaryKey:
		return r.Columns
	case TypePairComparison:
		return []string{r.ColumnA, r.ColumnB}
	}
	return nil
}

// scan reads the whole file once, feeding every rule each batch. The
// reader runs in its own goroutine so parsing overlaps with evaluation.
// With cores to spare the rules are split into groups (one per core
// besides the reader's, up to maxGroups), each evaluated by its own
// goroutine: every rule still sees every batch in order, and a batch is
// reused once every group is done with it.
func (e *Engine) scan(ctx context.Context, rd tableReader, states []*ruleState, res *Result) error {
	var tracker *typeTracker
	for _, st := range states {
		if st.rule.Type == TypeSchemaMatch && !typedSchema(rd) {
			tracker = &typeTracker{}
			break
		}
	}
	// A fixed schema is known now: rules on missing columns end at once.
	infos := rd.columns()
	var names []string
	if rd.fixedSchema() {
		e.checkColumns(infos, states)
		names = make([]string, len(infos))
		for i, c := range infos {
			names[i] = c.Name
		}
	}
	procs := e.procs
	if procs <= 0 {
		// The reader keeps a core busy; more groups than the cores left
		// only take turns (measured on 2 cores: 2 groups were no faster
		// than 1, whose evaluation already overlaps the reading).
		procs = max(1, runtime.GOMAXPROCS(0)-1)
	}
	groups := groupRules(states, tracker, procs)
	for _, g := range groups {
		g.bind(names, true) // with no fixed schema, every column is absent until a batch names it
	}

	inFlight := 2 + 2*len(groups)
	free := make(chan *batch, inFlight)
	for range inFlight {
		free <- &batch{}
	}
	full := make(chan *batch, inFlight)
	errc := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		defer close(full)
		for {
			var b *batch
			select {
			case b = <-free:
			case <-stop:
				errc <- nil
				return
			}
			err := rd.next(b, e.opts.BatchRows)
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				errc <- err
				return
			}
			cols := rd.columns()
			b.names = b.names[:0]
			for _, c := range cols[:len(b.cols)] {
				b.names = append(b.names, c.Name)
			}
			select {
			case full <- b:
			case <-stop:
				errc <- nil
				return
			}
		}
	}()
	// One group is evaluated here, as before groups existed, so a Scan
	// callback runs on its caller's goroutine.
	inline := len(groups) == 1
	var wg sync.WaitGroup
	for _, g := range groups {
		if inline {
			break
		}
		g.in = make(chan *batch, inFlight)
		wg.Go(func() {
			for b := range g.in {
				g.observe(b)
				if b.pending.Add(-1) == 0 {
					free <- b
				}
			}
		})
	}
	var rows int64
	canceled := false
	for b := range full {
		if canceled {
			continue // drain so the reader can finish
		}
		if ctx.Err() != nil {
			canceled = true
			close(stop)
			continue
		}
		rows += int64(b.n)
		if len(groups) <= 1 {
			if inline {
				groups[0].observe(b)
			}
			free <- b
			continue
		}
		b.pending.Store(int32(len(groups)))
		for _, g := range groups {
			g.in <- b
		}
	}
	for _, g := range groups {
		if g.in != nil {
			close(g.in)
		}
	}
	wg.Wait()
	err := <-errc
	if canceled {
		return ctx.Err()
	}
	res.RowCount = rows
	res.Columns = rd.columns()
	if tracker != nil {
		res.Columns = tracker.columns(res.Columns)
	}
	return err
}

// maxGroups bounds the goroutines that evaluate rules.
const maxGroups = 4

// ruleGroup is a set of rules evaluated by one goroutine, batch by batch.
type ruleGroup struct {
	states  []*ruleState
	tracker *typeTracker // schema inference, when a group carries it
	load    int
	in      chan *batch

	index map[string]int // column name → batch index
	known int
}

// ruleCost is a rough relative cost per row, to balance the groups: set
// lookups and the regex cost most, a null count least.
func ruleCost(t string) int {
	switch t {
	case TypeUnique, TypePrimaryKey, TypeDistinctCountBetween, TypeReferentialIntegrity, TypeDistributionDrift:
		return 4
	case TypeRegex:
		return 3
	case TypePairComparison, TypeInSet, TypeNotInSet, TypeAggregateBetween, TypeFreshness:
		return 2
	}
	return 1
}

// groupRules splits the rules that read the data into at most n groups
// of about equal cost (longest first, each to the lightest group). The
// type tracker counts as a costly rule.
func groupRules(states []*ruleState, tracker *typeTracker, n int) []*ruleGroup {
	var live []*ruleState
	for _, st := range states {
		if st.ev != nil && st.err == nil {
			live = append(live, st)
		}
	}
	jobs := len(live)
	if tracker != nil {
		jobs++
	}
	n = min(n, jobs, maxGroups)
	if n == 0 {
		return nil
	}
	groups := make([]*ruleGroup, n)
	for i := range groups {
		groups[i] = &ruleGroup{index: map[string]int{}}
	}
	lightest := func() *ruleGroup {
		return slices.MinFunc(groups, func(a, b *ruleGroup) int { return cmp.Compare(a.load, b.load) })
	}
	if tracker != nil {
		g := lightest()
		g.tracker, g.load = tracker, 4
	}
	slices.SortStableFunc(live, func(a, b *ruleState) int { return cmp.Compare(ruleCost(b.rule.Type), ruleCost(a.rule.Type)) })
	for _, st := range live {
		g := lightest()
		g.states = append(g.states, st)
		g.load += ruleCost(st.rule.Type)
	}
	return groups
}

// bind maps the group's rules' columns to batch indexes. Column names
// only grow (JSON Lines meets new keys), so it works only on a change.
func (g *ruleGroup) bind(names []string, final bool) {
	if len(names) == g.known && !final {
		return
	}
	for i := g.known; i < len(names); i++ {
		g.index[names[i]] = i
	}
	g.known = len(names)
	for _, st := range g.states {
		if st.err != nil {
			continue
		}
		st.cols = st.cols[:0]
		for _, n := range st.names {
			c, ok := g.index[n]
			if !ok {
				c = -1
			}
			st.cols = append(st.cols, c)
		}
	}
}

// observe feeds one batch to the group's rules.
func (g *ruleGroup) observe(b *batch) {
	g.bind(b.names, false)
	for _, st := range g.states {
		if st.err != nil {
			continue
		}
		if err := st.ev.observe(b, st.cols); err != nil {
			st.err = err
		}
	}
	if g.tracker != nil {
		g.tracker.observe(b)
	}
}

// typedSchema reports whether the reader knows column types up front.
func typedSchema(rd tableReader) bool {
	_, ok := rd.(*parquetReader)
	return ok
}

// checkColumns ends rules whose columns are not in a fixed schema.
func (e *Engine) checkColumns(infos []ColumnInfo, states []*ruleState) {
	byName := map[string]ColumnInfo{}
	for _, c := range infos {
		byName[c.Name] = c
	}
	for _, st := range states {
		if st.err != nil {
			continue
		}
		for _, n := range st.names {
			c, ok := byName[n]
			if !ok {
				st.err = missingColumn(n, infos)
				break
			}
			if c.Type == "unsupported" {
				st.err = fmt.Errorf("column %q is a repeated (list) Parquet column, which the engine does not read", n)
				break
			}
		}
	}
}

func missingColumn(name string, infos []ColumnInfo) error {
	names := make([]string, len(infos))
	for i, c := range infos {
		names[i] = c.Name
	}
	const maxListed = 20
	list := strings.Join(names, ", ")
	if len(names) > maxListed {
		list = strings.Join(names[:maxListed], ", ") + fmt.Sprintf(", and %d more", len(names)-maxListed)
	}
	if len(names) == 0 {
		list = "none"
	}
	return fmt.Errorf("column %q not found (columns: %s)", name, list)
}

// finish turns every rule's state into its result.
func (e *Engine) finish(rd tableReader, states []*ruleState, res *Result) {
	if !rd.fixedSchema() {
		e.checkColumns(res.Columns, states)
	}
	for i, st := range states {
		rr := &res.Rules[i]
		if st.err != nil {
			rr.Verdict, rr.Message = VerdictError, st.err.Error()
			continue
		}
		switch st.rule.Type {
		case TypeRowCountBetween:
			n := float64(res.RowCount)
			rr.Observed = res.RowCount
			rr.ElementCount = res.RowCount
			rr.Verdict = verdict(inBounds(n, st.rule.Min, st.rule.Max, false, false))
		case TypeColumnExists:
			ok := slices.ContainsFunc(res.Columns, func(c ColumnInfo) bool { return c.Name == st.rule.Column })
			rr.Observed = ok
			rr.Verdict = verdict(ok)
			if !ok {
				rr.Message = missingColumn(st.rule.Column, res.Columns).Error()
			}
		case TypeSchemaMatch:
			schemaMatch(st.rule, res.Columns, rr)
		default:
			st.ev.finish(rr)
		}
	}
}

func verdict(ok bool) Verdict {
	if ok {
		return VerdictPassed
	}
	return VerdictFailed
}

// inBounds checks min <= x <= max, with strict bounds when asked; a nil
// bound is open.
func inBounds(x float64, lo, hi *float64, strictLo, strictHi bool) bool {
	if lo != nil && (x < *lo || strictLo && x == *lo) {
		return false
	}
	if hi != nil && (x > *hi || strictHi && x == *hi) {
		return false
	}
	return true
}
