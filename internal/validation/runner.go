// Package validation owns running data-quality suites for the hub and
// reading what they say: suite definitions and results (exphub's own and
// Great Expectations') are parsed here into what the store keeps, and the
// stored statistics and rule results are decoded here.
//
// runValidation records a RUNNING run and returns at once, and a bounded
// pool evaluates it in the background with the quality engine against the
// dataset version's uri, checking the version's registered digest on the
// way, and records the result, its event and the version's new quality
// status in one transaction.
//
// Runs in flight when the server stops are cancelled and recorded as
// ERROR with code INTERRUPTED before the driver closes. A run whose server
// died without recording it stays RUNNING until its deadline (start +
// timeout + a minute); every runner sweeps such runs to ERROR INTERRUPTED
// at start and then every minute, so with N replicas any survivor cleans
// up after a dead one.
//
// It must not speak HTTP or GraphQL, and holds no Cypher.
package validation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/blobs"
)

// Store is what the runner needs of the store.
type Store interface {
	StartValidationRun(ctx context.Context, actor string, in store.StartValidationRunInput) (*store.ValidationRun, error)
	CompleteValidationRun(ctx context.Context, runID string, out store.ValidationOutcome) (*store.ValidationRun, error)
	DatasetVersionsByIDs(ctx context.Context, ids []string) (map[string]*store.DatasetVersion, error)
	StaleValidationRuns(ctx context.Context, limit int) ([]string, error)
}

// Options tune a Runner. Zero values take the defaults in brackets.
type Options struct {
	// Concurrency is the number of runs evaluated at once [2]; the others
	// wait for a slot.
	Concurrency int
	// MaxQueued bounds the runs accepted and not yet finished [100]; past
	// it runValidation is UNAVAILABLE.
	MaxQueued int
	// Timeout bounds a run from its submission, queueing included [10m];
	// a run past it ends in ERROR with code TIMEOUT.
	Timeout time.Duration
	// SweepInterval is how often runs left RUNNING by a dead server are
	// ended [1m].
	SweepInterval time.Duration
	// FileRoots are the directories whose files a run may read through a
	// local path or file:// URI (the data and its references); none means
	// local files are refused, so a caller who may register a version
	// cannot make the server read its own files.
	FileRoots []string
	// Remote opens the data that is not a local file, after checking it
	// against the operator's allowlist [none: every remote source is
	// refused, for the same reason].
	Remote Remote
	// Now is the clock [time.Now].
	Now    func() time.Time
	Logger *slog.Logger
	// Observer, when set, hears of every run this runner records (the
	// server's metrics); nil: nobody.
	Observer Observer
}

// Remote opens remote data (datasource.Opener): Check says whether a URI
// may be read at all, Open reads it (checking again, as it does every
// redirect).
type Remote interface {
	quality.Remote
	Check(uri string) error
}

// Observer hears what became of the runs a Runner evaluated, so the edge
// can count them without the runner knowing how. It is called from the
// runner's goroutines: it must be safe for concurrent use and must not
// block.
type Observer interface {
	// ValidationRecorded is called once a run's result is recorded, with
	// its status and the time from its submission to the record, queueing
	// included. Runs the sweep ends (a dead server's) are not observed.
	ValidationRecorded(status store.ValidationStatus, took time.Duration)
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.MaxQueued <= 0 {
		o.MaxQueued = 100
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.SweepInterval <= 0 {
		o.SweepInterval = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Remote == nil {
		o.Remote = datasource.NewOpener(nil, nil, blobs.S3Access{})
	}
	return o
}

// deadlineGrace is added to the timeout for a run's recorded deadline: a
// run past it is certainly not being evaluated any more.
const deadlineGrace = time.Minute

// completeTimeout bounds recording a result, which happens after the run's
// own context ended when it was cancelled or timed out.
const completeTimeout = 15 * time.Second

// ErrStopped is returned by Submit once the runner stopped.
var ErrStopped = fmt.Errorf("%w: the server is shutting down; retry on another replica", errs.Unavailable)

// Runner evaluates validation runs in the background. It is safe for
// concurrent use.
type Runner struct {
	st   Store
	opts Options

	base   context.Context // cancelled by Stop
	cancel context.CancelFunc
	slots  chan struct{} // evaluations at once

	mu     sync.Mutex
	queued int           // runs accepted and not finished
	freed  chan struct{} // signalled when a run finishes
	wake   chan struct{} // signalled when the log may have grown (Wake)

	arrivalLag atomic.Int64 // see ArrivalLag
	stopped    bool
	inFlight   sync.WaitGroup
}

// New returns a runner over st. Submit works at once; Run sweeps stale
// runs; Stop ends everything.
func New(st Store, opts Options) *Runner {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{st: st, opts: opts, base: ctx, cancel: cancel,
		slots: make(chan struct{}, opts.Concurrency), freed: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
}

// Submit records a RUNNING run of the suite on the dataset version as
// actor and schedules its evaluation; it returns the run at once. Input
// errors are the store's (nothing is written then); a full queue or a
// stopping runner is errs.Unavailable.
func (r *Runner) Submit(ctx context.Context, actor, suiteID, datasetVersionID string) (*store.ValidationRun, error) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return nil, ErrStopped
	}
	if r.queued >= r.opts.MaxQueued {
		r.mu.Unlock()
		return nil, fmt.Errorf("%w: %d validation runs are queued; retry later", errs.Unavailable, r.opts.MaxQueued)
	}
	r.queued++
	r.inFlight.Add(1)
	r.mu.Unlock()
	submitted := r.opts.Now()
	// Durations for the observer are read from the monotonic clock, not
	// from Now, which tests may fake.
	started := time.Now()
	run, err := r.st.StartValidationRun(ctx, actor, store.StartValidationRunInput{SuiteID: suiteID, DatasetVersionID: datasetVersionID,
		Deadline: submitted.Add(r.opts.Timeout + deadlineGrace)})
	if err != nil {
		r.release(1)
		r.inFlight.Done()
		return nil, err
	}
	go r.evaluate(run, started)
	return run, nil
}

// Queue reports the runs accepted and not yet recorded (waiting for a
// slot or being evaluated) and the most it accepts (Options.MaxQueued);
// past that, Submit is UNAVAILABLE.
func (r *Runner) Queue() (queued, limit int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.queued, r.opts.MaxQueued
}

// release gives back n accepted runs' places in the queue.
func (r *Runner) release(n int) {
	if n == 0 {
		return
	}
	r.mu.Lock()
	r.queued -= n
	r.mu.Unlock()
	select {
	case r.freed <- struct{}{}:
	default:
	}
}

// evaluate runs one validation and records its result.
func (r *Runner) evaluate(run *store.ValidationRun, started time.Time) {
	defer r.inFlight.Done()
	defer r.release(1)
	ctx, cancel := context.WithTimeout(r.base, r.opts.Timeout)
	defer cancel()
	suite, perr := quality.ParseSuite([]byte(run.Definition))
	var res *quality.Result
	select {
	case r.slots <- struct{}{}:
		res = r.validate(ctx, run, suite, perr)
		<-r.slots
	case <-ctx.Done():
	}
	if res == nil {
		res = r.ended(ctx, suite)
	}
	cctx, ccancel := context.WithTimeout(context.WithoutCancel(r.base), completeTimeout)
	defer ccancel()
	recorded, err := r.complete(cctx, run.ID, res)
	if err != nil {
		// The sweep ends it after its deadline.
		r.opts.Logger.Error("validation: recording a result failed", "run", run.ID, "status", res.Status, "err", err)
		return
	}
	if r.opts.Observer != nil {
		r.opts.Observer.ValidationRecorded(recorded.Status, time.Since(started))
	}
}

// complete records res as the result of the run, and returns the run as
// recorded.
func (r *Runner) complete(ctx context.Context, runID string, res *quality.Result) (*store.ValidationRun, error) {
	out, err := Outcome(res)
	if err != nil {
		return nil, err
	}
	return r.st.CompleteValidationRun(ctx, runID, out)
}

// validate evaluates the run; it returns nil when ctx ended first.
func (r *Runner) validate(ctx context.Context, run *store.ValidationRun, suite *quality.Suite, perr error) *quality.Result {
	if perr != nil {
		// The store only keeps definitions the engine accepts; this is an
		// engine that changed its mind.
		return errorResult(nil, quality.CodeInput, "the suite definition no longer parses: "+perr.Error())
	}
	vs, err := r.st.DatasetVersionsByIDs(ctx, []string{run.DatasetVersionID})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return errorResult(suite, quality.CodeSource, "reading the dataset version failed")
	}
	v, ok := vs[run.DatasetVersionID]
	if !ok {
		return errorResult(suite, quality.CodeSource, fmt.Sprintf("dataset version %s does not exist", run.DatasetVersionID))
	}
	if err := r.allowed(v.URI); err != nil {
		return errorResult(suite, quality.CodeSource, err.Error())
	}
	engine := quality.New(quality.Options{Resolver: r.resolver(), Remote: r.opts.Remote, Now: r.opts.Now})
	res, err := engine.Run(ctx, suite, quality.Source{URI: v.URI, ExpectedSHA256: v.Digest})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return errorResult(suite, quality.CodeInput, err.Error())
	}
	return res
}

// ended is the result of a run whose context ended: the timeout, or the
// runner stopping.
func (r *Runner) ended(ctx context.Context, suite *quality.Suite) *quality.Result {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && r.base.Err() == nil {
		return errorResult(suite, store.CodeTimeout, fmt.Sprintf("the run did not finish within %s", r.opts.Timeout))
	}
	return errorResult(suite, store.CodeInterrupted, "the server stopped while the run was in flight; run it again")
}

// errorResult is a run that ended in ERROR as a whole: every rule of the
// suite (when known) is ERROR and carries the reason.
func errorResult(suite *quality.Suite, code quality.ErrorCode, msg string) *quality.Result {
	res := &quality.Result{Engine: store.EngineExphub, Status: quality.StatusError, Error: &quality.RunError{Code: code, Message: msg},
		Rules: []quality.RuleResult{}}
	if suite != nil {
		res.Suite = suite.Name
		for i, rule := range suite.Rules {
			sev := rule.Severity
			if sev == "" {
				sev = quality.SeverityError
			}
			res.Rules = append(res.Rules, quality.RuleResult{Index: i, Type: rule.Type, Name: rule.Name, Column: rule.Column,
				Severity: sev, Verdict: quality.VerdictError, Message: "not evaluated: " + msg})
		}
	}
	res.Statistics = quality.Statistics{Evaluated: len(res.Rules), Errored: len(res.Rules)}
	return res
}

// Source opens the data of a dataset version as validations read it: its
// uri, under the file roots, with its registered digest to check.
//
// Its errors are written for users (they may end up in a rule's result):
// an errs.Unavailable when the store does not answer, else errs.Invalid.
func (r *Runner) Source(ctx context.Context, datasetVersionID string) (quality.Source, error) {
	if k, ok := store.KindOf(datasetVersionID); !ok || k != store.KindDatasetVersion {
		return quality.Source{}, errs.Hide(errs.Invalid, errs.Quote(datasetVersionID)+" is not a dataset version ID", nil)
	}
	vs, err := r.st.DatasetVersionsByIDs(ctx, []string{datasetVersionID})
	if err != nil {
		// The cause stays out of the message.
		if errors.Is(err, errs.Unavailable) {
			return quality.Source{}, errs.Hide(errs.Unavailable, datasetVersionID+": reading it failed", err)
		}
		return quality.Source{}, errs.Hide(errs.Invalid, datasetVersionID+": reading it failed", err)
	}
	v, ok := vs[datasetVersionID]
	if !ok {
		return quality.Source{}, errs.Hide(errs.Invalid, datasetVersionID+": no such dataset version", nil)
	}
	if err := r.allowed(v.URI); err != nil {
		return quality.Source{}, errs.Hide(errs.Invalid, datasetVersionID+": "+err.Error(), nil)
	}
	return quality.Source{URI: v.URI, ExpectedSHA256: v.Digest}, nil
}

// resolver finds a rule's reference, a dataset version ID, through Source.
func (r *Runner) resolver() quality.Resolver {
	return quality.ResolverFunc(func(ctx context.Context, ref string) (quality.Source, error) {
		src, err := r.Source(ctx, ref)
		if err != nil {
			return quality.Source{}, fmt.Errorf("reference %w", err)
		}
		return src, nil
	})
}

// allowed checks a data URI against the file roots, or a remote one
// against the allowlist.
func (r *Runner) allowed(uri string) error {
	if quality.IsRemote(uri) {
		return r.opts.Remote.Check(uri)
	}
	p := uri
	if strings.HasPrefix(uri, "file://") {
		u, err := url.Parse(uri)
		if err != nil {
			return fmt.Errorf("%s is not a valid file URI", uri)
		}
		p = filepath.FromSlash(u.Path)
	} else if strings.Contains(uri, "://") {
		return fmt.Errorf("%s is neither a local path nor a URL the hub reads", errs.Quote(uri))
	}
	if !filepath.IsAbs(p) {
		return fmt.Errorf("%s: a local path must be absolute", uri)
	}
	p = filepath.Clean(p)
	for _, root := range r.opts.FileRoots {
		if rel, err := filepath.Rel(filepath.Clean(root), p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil
		}
	}
	return fmt.Errorf("%s: this server reads no local files outside EXPHUB_VALIDATION_FILE_ROOTS", uri)
}

// Run ends runs left RUNNING by a dead server, now and every
// SweepInterval, until ctx ends; then it stops the runner.
func (r *Runner) Run(ctx context.Context) {
	defer r.Stop()
	t := time.NewTicker(r.opts.SweepInterval)
	defer t.Stop()
	for {
		r.sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-r.base.Done():
			return
		case <-t.C:
		}
	}
}

// sweep records runs past their deadline as ERROR INTERRUPTED.
func (r *Runner) sweep(ctx context.Context) {
	ids, err := r.st.StaleValidationRuns(ctx, 100)
	if err != nil {
		if ctx.Err() == nil {
			r.opts.Logger.Warn("validation: reading stale runs failed", "err", err)
		}
		return
	}
	for _, id := range ids {
		res := errorResult(nil, store.CodeInterrupted, "the server evaluating this run stopped before it finished; run it again")
		if _, err := r.complete(ctx, id, res); err != nil && !errors.Is(err, errs.Conflict) {
			r.opts.Logger.Warn("validation: ending a stale run failed", "run", id, "err", err)
		}
	}
}

// Stop refuses new runs, cancels those in flight and waits until each has
// recorded its result (ERROR INTERRUPTED); call it before the driver
// closes. It is idempotent.
func (r *Runner) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	r.inFlight.Wait()
}
