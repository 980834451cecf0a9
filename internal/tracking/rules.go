package tracking

import (
	"slices"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// StartStatus is the status a run starts in: RUNNING unless SCHEDULED is
// asked for (empty asks for RUNNING). A run cannot start ended.
func StartStatus(asked store.RunStatus) (store.RunStatus, error) {
	switch asked {
	case "":
		return store.StatusRunning, nil
	case store.StatusScheduled, store.StatusRunning:
		return asked, nil
	}
	return "", errs.Invalidf("status: a run starts SCHEDULED or RUNNING, not %s", asked)
}

// transitions are the legal status changes: a scheduled run starts or ends
// without running, a running run ends, and an ended run stays as it is.
var transitions = map[store.RunStatus][]store.RunStatus{
	store.StatusScheduled: {store.StatusRunning, store.StatusFailed, store.StatusKilled},
	store.StatusRunning:   {store.StatusFinished, store.StatusFailed, store.StatusKilled},
}

// CanTransition reports whether a run may move from one status to another.
func CanTransition(from, to store.RunStatus) bool { return slices.Contains(transitions[from], to) }

// StatusChange is the rule of whether run r may move to status to: asking
// for the status it has is allowed (a retried request succeeds, as a
// no-op); any other move must be legal (CanTransition), else errs.Conflict.
func StatusChange(r *store.Run, to store.RunStatus) error {
	if r.Status == to || CanTransition(r.Status, to) {
		return nil
	}
	return errs.Conflictf("run %s is %s and cannot become %s", errs.Quote(r.ID), r.Status, to)
}

// FinishStatus is the status finishing a run asks for: FINISHED unless one
// of the other terminal statuses is given.
func FinishStatus(asked *store.RunStatus) (store.RunStatus, error) {
	if asked == nil {
		return store.StatusFinished, nil
	}
	if !asked.Terminal() {
		return "", errs.Invalidf("status: finishRun takes FINISHED, FAILED or KILLED, not %s", *asked)
	}
	return *asked, nil
}

// Open is the rule of when a run takes what (params, metrics): until it
// ends. Tags may still be set afterwards.
func Open(r *store.Run, what string) error {
	if r.Status.Terminal() {
		return errs.Conflictf("run %s is %s: %s can no longer be logged", errs.Quote(r.ID), r.Status, what)
	}
	return nil
}

// ParamsLogging is the rule of whether params may be logged to run r: the
// run must be Open, and params are write-once, as in MLflow: a key logged
// already may be logged again with the same value only (a no-op).
func ParamsLogging(r *store.Run, params []store.KeyValue) error {
	if err := Open(r, "params"); err != nil {
		return err
	}
	have := make(map[string]string, len(r.Params))
	for _, kv := range r.Params {
		have[kv.Key] = kv.Value
	}
	for _, kv := range params {
		if old, ok := have[kv.Key]; ok && old != kv.Value {
			return errs.Conflictf("param %s is already logged as %s; params are write-once", errs.Quote(kv.Key), errs.Quote(old))
		}
	}
	return nil
}
