package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestLoggedModelParamsWriteOnce: a logged model's params are
// write-once, as MLflow's are: another value for a key it has, or two
// values for one key in a call, is errs.Invalid naming the key, and
// nothing of the call is written; the same value again is a no-op.
func TestLoggedModelParamsWriteOnce(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "lmp", store.StatusRunning)
	m, err := s.CreateLoggedModel(t.Context(), actor, store.CreateLoggedModelInput{ExperimentID: r.ExperimentID, Name: "clf",
		SourceRunID: r.ID, Params: []store.KeyValue{{Key: "C", Value: "1.0"}}})
	if err != nil {
		t.Fatal(err)
	}
	read := func(t *testing.T) *store.LoggedModel {
		t.Helper()
		ms, err := s.LoggedModelsByIDs(t.Context(), []string{m.ID})
		if err != nil || ms[m.ID] == nil {
			t.Fatalf("read %s: %v", m.ID, err)
		}
		return ms[m.ID]
	}
	want := []store.KeyValue{{Key: "C", Value: "1.0"}}
	for _, c := range []struct {
		name         string
		params       []store.KeyValue
		mention, why string
	}{
		{"another value for a key", []store.KeyValue{{Key: "C", Value: "100"}}, `"C"`, "write-once"},
		{"another value beside a new key", []store.KeyValue{{Key: "penalty", Value: "l2"}, {Key: "C", Value: "0.1"}}, `"C"`, "write-once"},
		{"two values for a new key", []store.KeyValue{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}}, `"k"`, "twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := read(t)
			_, err := s.AddLoggedModelParams(t.Context(), m.ID, c.params)
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.mention) || !strings.Contains(err.Error(), c.why) {
				t.Fatalf("AddLoggedModelParams = %v, want errs.Invalid naming %s", err, c.mention)
			}
			after := read(t)
			if !slices.Equal(after.Params, want) || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Errorf("params after a refusal = %+v (updated %v, was %v)", after.Params, after.UpdatedAt, before.UpdatedAt)
			}
		})
	}
	before := read(t)
	if got, err := s.AddLoggedModelParams(t.Context(), m.ID, []store.KeyValue{{Key: "C", Value: "1.0"}}); err != nil || !slices.Equal(got.Params, want) {
		t.Fatalf("the same value again = %+v, %v", got, err)
	}
	if after := read(t); !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("the same value again wrote the model: updated %v, was %v", after.UpdatedAt, before.UpdatedAt)
	}
	got, err := s.AddLoggedModelParams(t.Context(), m.ID, []store.KeyValue{{Key: "C", Value: "1.0"}, {Key: "penalty", Value: "l2"}})
	if want := append(want, store.KeyValue{Key: "penalty", Value: "l2"}); err != nil || !slices.Equal(got.Params, want) {
		t.Errorf("a new key = %+v, %v; want %+v", got, err, want)
	}
}

// TestLoggedModelReadyStays: a READY logged model does not move back to
// PENDING or UPLOAD_FAILED, which would reopen its files to change.
func TestLoggedModelReadyStays(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "lmr", store.StatusRunning)
	m, err := s.CreateLoggedModel(t.Context(), actor, store.CreateLoggedModelInput{ExperimentID: r.ExperimentID, Name: "clf", SourceRunID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinalizeLoggedModel(t.Context(), actor, m.ID, store.LoggedModelReady); err != nil {
		t.Fatal(err)
	}
	for _, to := range []store.LoggedModelStatus{store.LoggedModelPending, store.LoggedModelUploadFailed} {
		_, err := s.FinalizeLoggedModel(t.Context(), actor, m.ID, to)
		if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "stays READY") {
			t.Errorf("READY → %s = %v, want errs.Invalid", to, err)
		}
	}
	if ms, err := s.LoggedModelsByIDs(t.Context(), []string{m.ID}); err != nil || ms[m.ID].Status != store.LoggedModelReady {
		t.Errorf("status after refusals = %+v, %v", ms[m.ID], err)
	}
	// A record must not reopen: the model still takes no new files.
	_, err = s.RecordArtifact(t.Context(), actor, store.ArtifactOwner{Kind: store.ArtifactOfLoggedModel, ID: m.ID}, "x", strings.Repeat("c", 64), 1)
	wantErr(t, err, errs.Invalid)
}
