package openlineage_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

type ev struct {
	typ string
	at  int // seconds after t0
}

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func apply(evs []ev) store.LineageRunState {
	var cur *store.LineageRunState
	for _, e := range evs {
		st := openlineage.Next(cur, e.typ, t0.Add(time.Duration(e.at)*time.Second))
		cur = &st
	}
	return *cur
}

// permutations returns every order of evs.
func permutations(evs []ev) [][]ev {
	if len(evs) <= 1 {
		return [][]ev{append([]ev(nil), evs...)}
	}
	var out [][]ev
	for i := range evs {
		rest := append(append([]ev(nil), evs[:i]...), evs[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]ev{evs[i]}, p...))
		}
	}
	return out
}

func describe(s store.LineageRunState) string {
	end := "-"
	if s.EndedAt != nil {
		end = s.EndedAt.Sub(t0).String()
	}
	return fmt.Sprintf("%s started %s ended %s by %s", s.Status, s.StartedAt.Sub(t0), end, s.Event)
}

// TestNextIsOrderFree: whatever order a run's events arrive in, the run
// ends in the same state, and that state is the one the spec's run cycle
// describes.
func TestNextIsOrderFree(t *testing.T) {
	cases := []struct {
		name string
		evs  []ev
		want string
	}{
		{"start then complete", []ev{{"START", 0}, {"COMPLETE", 60}}, "FINISHED started 0s ended 1m0s by COMPLETE"},
		{"running in between", []ev{{"START", 0}, {"RUNNING", 30}, {"COMPLETE", 60}}, "FINISHED started 0s ended 1m0s by COMPLETE"},
		{"fail", []ev{{"START", 0}, {"OTHER", 5}, {"FAIL", 60}}, "FAILED started 0s ended 1m0s by FAIL"},
		{"abort", []ev{{"START", 0}, {"ABORT", 9}}, "KILLED started 0s ended 9s by ABORT"},
		{"start only", []ev{{"START", 3}, {"RUNNING", 30}}, "RUNNING started 3s ended - by RUNNING"},
		{"other before start", []ev{{"OTHER", 1}, {"START", 2}}, "RUNNING started 1s ended - by START"},
		{"the later terminal event decides", []ev{{"START", 0}, {"FAIL", 50}, {"COMPLETE", 60}}, "FINISHED started 0s ended 1m0s by COMPLETE"},
		{"terminal events at one instant", []ev{{"START", 0}, {"COMPLETE", 60}, {"FAIL", 60}}, "FAILED started 0s ended 1m0s by FAIL"},
		{"complete alone", []ev{{"COMPLETE", 60}}, "FINISHED started 1m0s ended 1m0s by COMPLETE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, order := range permutations(c.evs) {
				if got := describe(apply(order)); got != c.want {
					t.Errorf("order %v: %s, want %s", order, got, c.want)
				}
			}
		})
	}
}

// TestNextDoesNotReopen: a START, RUNNING or OTHER after a terminal event
// leaves the run ended.
func TestNextDoesNotReopen(t *testing.T) {
	for _, end := range []string{"COMPLETE", "FAIL", "ABORT"} {
		for _, late := range []string{"START", "RUNNING", "OTHER"} {
			got := apply([]ev{{end, 60}, {late, 120}})
			if !got.Status.Terminal() || got.Event != end {
				t.Errorf("%s then %s: %s", end, late, describe(got))
			}
		}
	}
}

func TestStatusOf(t *testing.T) {
	want := map[string]store.RunStatus{"START": store.StatusRunning, "RUNNING": store.StatusRunning, "OTHER": store.StatusRunning,
		"COMPLETE": store.StatusFinished, "FAIL": store.StatusFailed, "ABORT": store.StatusKilled}
	for _, typ := range openlineage.EventTypes {
		if got := openlineage.StatusOf(typ); got != want[typ] {
			t.Errorf("%s → %s, want %s", typ, got, want[typ])
		}
	}
}
