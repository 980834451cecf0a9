package tracking_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/tracking"
)

// The rules are pure: these tests need no Neo4j.

const (
	S, R, F, X, K = store.StatusScheduled, store.StatusRunning, store.StatusFinished, store.StatusFailed, store.StatusKilled
)

// wantRule fails unless err is nil when want is, or wraps want and says
// every one of mentions.
func wantRule(t *testing.T, err, want error, mentions ...string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("want nil, got %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("want %v, got %v", want, err)
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			t.Fatalf("%q does not mention %q", err, m)
		}
	}
}

func TestStartStatus(t *testing.T) {
	cases := []struct {
		asked, want store.RunStatus
		err         error
	}{
		{"", R, nil}, {S, S, nil}, {R, R, nil},
		{F, "", errs.Invalid}, {X, "", errs.Invalid}, {K, "", errs.Invalid}, {"PAUSED", "", errs.Invalid},
	}
	for _, c := range cases {
		t.Run("asked="+string(c.asked), func(t *testing.T) {
			got, err := tracking.StartStatus(c.asked)
			wantRule(t, err, c.err, "status", string(c.asked))
			if got != c.want {
				t.Fatalf("starts %s, want %s", got, c.want)
			}
		})
	}
}

// transitionCases is every pair of statuses with what moving from one to
// the other is.
var transitionCases = []struct {
	from, to store.RunStatus
	want     string // ok, no-op or conflict
}{
	{S, S, "no-op"}, {S, R, "ok"}, {S, F, "conflict"}, {S, X, "ok"}, {S, K, "ok"},
	{R, S, "conflict"}, {R, R, "no-op"}, {R, F, "ok"}, {R, X, "ok"}, {R, K, "ok"},
	{F, S, "conflict"}, {F, R, "conflict"}, {F, F, "no-op"}, {F, X, "conflict"}, {F, K, "conflict"},
	{X, S, "conflict"}, {X, R, "conflict"}, {X, F, "conflict"}, {X, X, "no-op"}, {X, K, "conflict"},
	{K, S, "conflict"}, {K, R, "conflict"}, {K, F, "conflict"}, {K, X, "conflict"}, {K, K, "no-op"},
}

func TestStatusChange(t *testing.T) {
	for _, c := range transitionCases {
		t.Run(string(c.from)+"→"+string(c.to), func(t *testing.T) {
			err := tracking.StatusChange(&store.Run{ID: "run_1", Status: c.from}, c.to)
			if c.want == "conflict" {
				wantRule(t, err, errs.Conflict, `"run_1"`, string(c.from), string(c.to))
			} else {
				wantRule(t, err, nil)
			}
			if got := tracking.CanTransition(c.from, c.to); got != (c.want == "ok") {
				t.Fatalf("CanTransition = %v, want %v", got, c.want == "ok")
			}
		})
	}
}

func TestFinishStatus(t *testing.T) {
	st := func(s store.RunStatus) *store.RunStatus { return &s }
	cases := []struct {
		name  string
		asked *store.RunStatus
		want  store.RunStatus
		err   error
	}{
		{"none", nil, F, nil}, {"FINISHED", st(F), F, nil}, {"FAILED", st(X), X, nil}, {"KILLED", st(K), K, nil},
		{"RUNNING", st(R), "", errs.Invalid}, {"SCHEDULED", st(S), "", errs.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := tracking.FinishStatus(c.asked)
			wantRule(t, err, c.err, "status", c.name)
			if got != c.want {
				t.Fatalf("finishes %s, want %s", got, c.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	for _, st := range []store.RunStatus{S, R, F, X, K} {
		t.Run(string(st), func(t *testing.T) {
			err := tracking.Open(&store.Run{ID: "run_1", Status: st}, "metrics")
			if st.Terminal() {
				wantRule(t, err, errs.Conflict, `"run_1"`, string(st), "metrics")
			} else {
				wantRule(t, err, nil)
			}
		})
	}
}

func kv(pairs ...string) []store.KeyValue {
	var out []store.KeyValue
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, store.KeyValue{Key: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// paramCases log params to a run that has lr=0.1 and depth=6.
var paramCases = []struct {
	name     string
	call     []store.KeyValue
	wantErr  error
	mentions []string
	want     []store.KeyValue // params stored after the call
}{
	{"same value is a no-op", kv("lr", "0.1"), nil, nil, kv("lr", "0.1", "depth", "6")},
	{"new key is appended", kv("seed", "42"), nil, nil, kv("lr", "0.1", "depth", "6", "seed", "42")},
	{"same value plus new key", kv("depth", "6", "trees", "100"), nil, nil, kv("lr", "0.1", "depth", "6", "trees", "100")},
	{"different value conflicts", kv("lr", "0.2"), errs.Conflict, []string{`"lr"`, `"0.1"`}, kv("lr", "0.1", "depth", "6")},
	{"new key with a conflicting key writes neither", kv("seed", "42", "lr", "0.2"), errs.Conflict, []string{`"lr"`}, kv("lr", "0.1", "depth", "6")},
	{"conflicting key before a new key writes neither", kv("depth", "7", "seed", "42"), errs.Conflict, []string{`"depth"`, `"6"`}, kv("lr", "0.1", "depth", "6")},
	{"value differing by a trailing space conflicts", kv("lr", "0.1 "), errs.Conflict, []string{`"lr"`}, kv("lr", "0.1", "depth", "6")},
}

func TestParamsLogging(t *testing.T) {
	for _, c := range paramCases {
		t.Run(c.name, func(t *testing.T) {
			err := tracking.ParamsLogging(&store.Run{ID: "run_1", Status: R, Params: kv("lr", "0.1", "depth", "6")}, c.call)
			wantRule(t, err, c.wantErr, c.mentions...)
		})
	}
	for _, st := range []store.RunStatus{S, F, X, K} {
		t.Run("run "+string(st), func(t *testing.T) {
			err := tracking.ParamsLogging(&store.Run{ID: "run_1", Status: st}, kv("lr", "0.1"))
			if st.Terminal() {
				wantRule(t, err, errs.Conflict, string(st), "params")
			} else {
				wantRule(t, err, nil)
			}
		})
	}
}
