package openlineage

import (
	"time"

	"github.com/exphub/exphub/internal/store"
)

// StatusOf maps an OpenLineage event type to the hub's run status: START,
// RUNNING and OTHER mean the run is running (OTHER may come before START),
// COMPLETE finished it, FAIL failed it and ABORT killed it.
func StatusOf(eventType string) store.RunStatus {
	switch eventType {
	case Complete:
		return store.StatusFinished
	case Fail:
		return store.StatusFailed
	case Abort:
		return store.StatusKilled
	}
	return store.StatusRunning
}

// terminalRank breaks a tie between two terminal events at the same
// instant, so the outcome does not depend on which arrived first.
var terminalRank = map[string]int{Complete: 1, Abort: 2, Fail: 3}

// Next is the run state machine. Events of one run are merged whatever
// order they arrive in: the run started at the earliest event time it has
// seen; a terminal event ends it and no later START, RUNNING or OTHER
// reopens it; of two terminal events the one with the later eventTime
// decides (at the same instant FAIL over ABORT over COMPLETE). Applying
// the same events in any order gives the same state.
func Next(cur *store.LineageRunState, eventType string, at time.Time) store.LineageRunState {
	status := StatusOf(eventType)
	if cur == nil {
		st := store.LineageRunState{Status: status, StartedAt: at, Event: eventType, EventTime: at}
		if status.Terminal() {
			st.EndedAt = &at
		}
		return st
	}
	next := *cur
	if at.Before(next.StartedAt) {
		next.StartedAt = at
	}
	if !status.Terminal() {
		if !next.Status.Terminal() && at.After(next.EventTime) {
			next.Event, next.EventTime = eventType, at
		}
		return next
	}
	if !cur.Status.Terminal() || at.After(cur.EventTime) ||
		(at.Equal(cur.EventTime) && terminalRank[eventType] > terminalRank[cur.Event]) {
		next.Status, next.EndedAt, next.Event, next.EventTime = status, &at, eventType, at
	}
	return next
}
