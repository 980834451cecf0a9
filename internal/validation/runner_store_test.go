package validation_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/blobs"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/validation"
)

// stalled is a suite on a dataset version whose data is served over HTTP
// by a server that never answers: a run of it stays in flight until its
// context ends.
type stalled struct {
	st      *store.Store
	remote  *datasource.Opener // admits the stalling server
	suite   *store.ValidationSuite
	version *store.DatasetVersion
}

func newStalled(t *testing.T) *stalled {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	st := neo4jtest.Store(t)
	ctx := t.Context()
	key := neo4jtest.Project(t, st, "stall")
	d, err := st.RegisterDataset(ctx, neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: srv.URL, Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := st.RegisterDatasetVersion(ctx, neo4jtest.Actor, store.RegisterDatasetVersionInput{DatasetID: d.ID, Version: "v1",
		URI: srv.URL + "/orders.csv", Digest: neo4jtest.Digest('a')})
	if err != nil {
		t.Fatal(err)
	}
	def, err := validation.ParseDefinition("rows", `{"rules":[{"type":"row_count_between","min":1}]}`)
	if err != nil {
		t.Fatal(err)
	}
	suite, err := st.CreateValidationSuite(ctx, neo4jtest.Actor, store.CreateValidationSuiteInput{DatasetID: d.ID, Name: "rows", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	allow, err := datasource.ParseAllowlist([]string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return &stalled{st: st, remote: datasource.NewOpener(allow, nil, blobs.S3Access{}), suite: suite, version: v}
}

func (s *stalled) run(t *testing.T, id string) *store.ValidationRun {
	t.Helper()
	runs, err := s.st.ValidationRunsByIDs(t.Context(), []string{id})
	if err != nil || runs[id] == nil {
		t.Fatalf("read run %s: %v", id, err)
	}
	return runs[id]
}

func TestStopInterruptsRunsInFlight(t *testing.T) {
	s := newStalled(t)
	r := validation.New(s.st, validation.Options{Concurrency: 1, Remote: s.remote})
	var ids []string
	// One run holds the only slot, reading; the other waits for it.
	for range 2 {
		run, err := r.Submit(t.Context(), "alice", s.suite.ID, s.version.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.ID)
	}
	r.Stop()
	if _, err := r.Submit(t.Context(), "alice", s.suite.ID, s.version.ID); !errors.Is(err, errs.Unavailable) {
		t.Errorf("submit after stop: %v", err)
	}
	for _, id := range ids {
		run := s.run(t, id)
		rules, err := validation.Results(run)
		if err != nil || run.Status != store.ValidationError || run.Error == nil || run.Error.Code != store.CodeInterrupted ||
			len(rules) != 1 || !strings.HasPrefix(rules[0].Message, "not evaluated") || rules[0].Verdict != quality.VerdictError {
			t.Errorf("%s: %+v, error %+v, rules %+v (%v)", id, run, run.Error, rules, err)
		}
	}
}

func TestTimeout(t *testing.T) {
	s := newStalled(t)
	r := validation.New(s.st, validation.Options{Timeout: 50 * time.Millisecond, Remote: s.remote})
	defer r.Stop()
	run, err := r.Submit(t.Context(), "alice", s.suite.ID, s.version.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The data never arrives, so the run can only end by its timeout;
	// wait for it to be recorded, however long a loaded machine takes.
	if !testwait.Until(time.Minute, func() bool {
		run = s.run(t, run.ID)
		return run.Status != store.ValidationRunning
	}) {
		t.Fatalf("run %s still RUNNING a minute after its 50 ms timeout", run.ID)
	}
	if run.Status != store.ValidationError || run.Error == nil || run.Error.Code != store.CodeTimeout {
		t.Fatalf("timed-out run: %+v, error %+v", run, run.Error)
	}
}
