package validation

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
)

func TestAllowedFiles(t *testing.T) {
	r := New(nil, Options{FileRoots: []string{"/data/lake"}})
	for uri, ok := range map[string]bool{
		"/data/lake/orders.csv":          true,
		"file:///data/lake/a/b.parquet":  true,
		"/data/lake/../secrets.csv":      false,
		"/data/lakehouse/x.csv":          false,
		"/etc/passwd":                    false,
		"relative.csv":                   false,
		"https://example.com/orders.csv": true,
		"s3://bucket/orders.csv":         false,
	} {
		if err := r.allowed(uri); (err == nil) != ok {
			t.Errorf("%s: allowed=%v, want %v (%v)", uri, err == nil, ok, err)
		}
	}
	if err := New(nil, Options{}).allowed("/tmp/x.csv"); err == nil {
		t.Error("without file roots a local file was allowed")
	}
}

// fakeStore records completions; the runner's store behaviour against
// Neo4j is tested through the API (internal/api/validation_test.go).
type fakeStore struct {
	mu        sync.Mutex
	completed map[string]store.ValidationOutcome
	block     chan struct{}
}

func (f *fakeStore) StartValidationRun(_ context.Context, _ string, in store.StartValidationRunInput) (*store.ValidationRun, error) {
	return &store.ValidationRun{ID: "vr_" + in.SuiteID, DatasetVersionID: in.DatasetVersionID, Status: store.ValidationRunning,
		Definition: `{"rules":[{"type":"row_count_between","min":1}]}`}, nil
}

func (f *fakeStore) CompleteValidationRun(_ context.Context, id string, out store.ValidationOutcome) (*store.ValidationRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.completed[id] = out
	return &store.ValidationRun{ID: id}, nil
}

func (f *fakeStore) DatasetVersionsByIDs(ctx context.Context, ids []string) (map[string]*store.DatasetVersion, error) {
	select {
	case <-f.block:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return map[string]*store.DatasetVersion{}, nil
}

func (f *fakeStore) StaleValidationRuns(context.Context, int) ([]string, error) { return nil, nil }

func TestStopInterruptsRunsInFlight(t *testing.T) {
	f := &fakeStore{completed: map[string]store.ValidationOutcome{}, block: make(chan struct{})}
	r := New(f, Options{Concurrency: 1})
	for _, s := range []string{"a", "b"} {
		if _, err := r.Submit(t.Context(), "alice", s, "dsv_x"); err != nil {
			t.Fatal(err)
		}
	}
	r.Stop()
	if _, err := r.Submit(t.Context(), "alice", "c", "dsv_x"); !errors.Is(err, errs.Unavailable) {
		t.Errorf("submit after stop: %v", err)
	}
	for _, id := range []string{"vr_a", "vr_b"} {
		out, ok := f.completed[id]
		rules, err := Results(&store.ValidationRun{ID: id, Results: out.Results})
		if !ok || err != nil || out.Status != store.ValidationError || out.Error == nil || out.Error.Code != store.CodeInterrupted ||
			len(rules) != 1 || !strings.HasPrefix(rules[0].Message, "not evaluated") || rules[0].Verdict != quality.VerdictError {
			t.Errorf("%s: %+v (%v)", id, out, err)
		}
	}
}

func TestTimeout(t *testing.T) {
	f := &fakeStore{completed: map[string]store.ValidationOutcome{}, block: make(chan struct{})}
	r := New(f, Options{Timeout: 50 * time.Millisecond})
	defer r.Stop()
	if _, err := r.Submit(t.Context(), "alice", "a", "dsv_x"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		out, ok := f.completed["vr_a"]
		f.mu.Unlock()
		if ok {
			if out.Error == nil || out.Error.Code != store.CodeTimeout {
				t.Errorf("timed-out run: %+v", out)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the run did not time out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
