package validation

import (
	"context"
	"errors"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Validation on arrival: every dataset version registered (through
// GraphQL, hubctl, OpenLineage or the MLflow API: each appends
// DATASET_VERSION_REGISTERED) is validated by the suites of its dataset
// that run on arrival. The runner follows the log from a cursor the store
// keeps and takes from it only as many runs as its queue has room for, so
// a burst of registrations waits in the log, visible
// (store.ArrivalBacklog), instead of in memory; the runs and the cursor's
// move are one transaction, so no registration is dropped or validated
// twice, whichever replica takes it.

// ArrivalStore is what validation on arrival needs of the store.
type ArrivalStore interface {
	TemplateStore
	OpenArrivalFeed(ctx context.Context, f store.ArrivalFeed) error
	PendingArrivals(ctx context.Context, f store.ArrivalFeed, limit int) (store.ArrivalPage, error)
	StartArrivalRuns(ctx context.Context, f store.ArrivalFeed, from, through int64, runs []store.ArrivalRun, deadline time.Time) ([]*store.ValidationRun, error)
}

// arrivalRetry is how long the follower waits after a failed read or
// write before it tries again.
const arrivalRetry = 2 * time.Second

// FollowArrivals validates the feed's registrations on arrival until ctx
// ends or the runner stops. It looks at the log every poll, at once when
// woken (Wake) or when a run finishes and there is more to take, and
// waits while the queue is full.
func (r *Runner) FollowArrivals(ctx context.Context, st ArrivalStore, feed store.ArrivalFeed, poll time.Duration) {
	if poll <= 0 {
		poll = time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-r.base.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		err := st.OpenArrivalFeed(ctx, feed)
		if err == nil {
			break
		}
		r.opts.Logger.Warn("validation on arrival: opening the feed failed", "err", err)
		if !sleep(ctx, arrivalRetry) {
			return
		}
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for {
		more, err := r.takeArrivals(ctx, st, feed)
		if err != nil && ctx.Err() == nil && !errors.Is(err, errs.Conflict) {
			r.opts.Logger.Warn("validation on arrival: taking registrations failed", "err", err)
			if !sleep(ctx, arrivalRetry) {
				return
			}
			continue
		}
		if more && err == nil {
			// The page was full or the queue was: go on once there is room.
			select {
			case <-ctx.Done():
				return
			case <-r.freed:
			case <-ticker.C:
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-ticker.C:
		}
	}
}

// Wake tells FollowArrivals the log may have grown (a local write
// committed), so it looks at once instead of at its next poll; it never
// blocks.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// ArrivalLag is how many events of the log were after the arrival
// cursor when this replica last looked (0 before it did): registrations
// waiting for validation on arrival, and the other events between them.
func (r *Runner) ArrivalLag() int64 { return r.arrivalLag.Load() }

// takeArrivals starts the runs of the registrations after the cursor that
// fit in the queue; more reports that there may be more to take.
func (r *Runner) takeArrivals(ctx context.Context, st ArrivalStore, feed store.ArrivalFeed) (more bool, err error) {
	free := r.room()
	if free == 0 {
		return true, nil
	}
	limit := min(free, store.MaxEventPage)
	page, err := st.PendingArrivals(ctx, feed, limit)
	if err != nil {
		return false, err
	}
	r.arrivalLag.Store(max(0, page.Head-page.From))
	if page.Through == page.From {
		return false, nil
	}
	if err := r.applyTemplates(ctx, st, &page); err != nil {
		return false, err
	}
	runs, through, rest := fit(page, free, free == r.arrivalMax())
	rest = rest || page.More
	if through == page.From {
		return true, nil // the first registration waits for more room
	}
	n := len(runs)
	if !r.reserve(n) {
		return true, nil
	}
	deadline := r.opts.Now().Add(r.opts.Timeout + deadlineGrace)
	begun := time.Now()
	started, err := st.StartArrivalRuns(ctx, feed, page.From, through, runs, deadline)
	if err != nil {
		r.release(n)
		r.inFlight.Add(-n)
		return false, err
	}
	r.arrivalLag.Store(max(0, page.Head-through))
	r.release(n - len(started))
	r.inFlight.Add(len(started) - n)
	for _, run := range started {
		go r.evaluate(run, begun)
	}
	return rest, nil
}

// fit takes the registrations of page, in order, whose runs fit in free
// places: the runs, the log position the cursor may move to, and whether
// some were left for later. A registration with more runs than the whole
// queue holds is taken alone when the queue is empty, so it cannot wait
// forever.
func fit(page store.ArrivalPage, free int, empty bool) ([]store.ArrivalRun, int64, bool) {
	var runs []store.ArrivalRun
	through := page.From
	for _, a := range page.Arrivals {
		first := len(runs) == 0 && through == page.From
		if len(runs)+len(a.SuiteIDs) > free && !(first && empty) {
			return runs, through, true
		}
		for _, id := range a.SuiteIDs {
			runs = append(runs, store.ArrivalRun{SuiteID: id, DatasetVersionID: a.DatasetVersionID})
		}
		through = a.Seq
		if len(runs) >= free {
			return runs, through, through < page.Through
		}
	}
	return runs, page.Through, false
}

// room is how many runs on arrival the queue can take now. Arrivals
// leave a quarter of the queue to runs people ask for (runValidation),
// so a burst of registrations does not lock them out.
func (r *Runner) room() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return 0
	}
	return max(0, r.arrivalMax()-r.queued)
}

// arrivalMax is how much of the queue runs on arrival may fill.
func (r *Runner) arrivalMax() int { return max(1, r.opts.MaxQueued-r.opts.MaxQueued/4) }

// reserve takes n places in the queue for runs about to start, even past
// its bound (fit keeps that to one registration taken into an empty
// queue); false once the runner stopped.
func (r *Runner) reserve(n int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	r.queued += n
	r.inFlight.Add(n)
	return true
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
