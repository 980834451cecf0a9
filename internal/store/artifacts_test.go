package store_test

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// artifactEvents returns the RUN_LINEAGE_CHANGED events targeting id.
func artifactEvents(t *testing.T, s *store.Store, id string) []*store.Event {
	t.Helper()
	es, err := s.EventsAfter(t.Context(), 0, 1000, store.EventFilter{Scope: store.Scope{All: true}, TargetID: id,
		Kinds: []store.EventKind{store.EventRunLineageChanged}})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestRecordArtifact(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "art", store.StatusRunning)
	run := store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: r.ID}
	d1, d2 := strings.Repeat("a", 64), strings.Repeat("b", 64)

	for range 2 { // the second is a retry: no change, no event
		if _, err := s.RecordArtifact(t.Context(), actor, run, "notes/a.txt", d1, 5); err != nil {
			t.Fatal(err)
		}
	}
	if es := artifactEvents(t, s, r.ID); len(es) != 1 || es[0].Payload["sha256"] != d1 || es[0].Payload["artifact"] != "notes/a.txt" {
		t.Fatalf("events after one artifact and a retry = %+v", es)
	}
	if _, err := s.RecordArtifact(t.Context(), actor, run, "notes/a.txt", d2, 7); err != nil {
		t.Fatal(err)
	}
	a, err := s.Artifact(t.Context(), run, "notes/a.txt")
	if err != nil || a.SHA256 != d2 || a.Size != 7 {
		t.Fatalf("Artifact after a new upload = %+v, %v", a, err)
	}
	if es := artifactEvents(t, s, r.ID); len(es) != 2 || es[1].Payload["sha256"] != d2 {
		t.Errorf("the log keeps every digest: %+v", es)
	}
	if _, err := s.RecordArtifact(t.Context(), actor, run, "b.bin", d1, 5); err != nil {
		t.Fatal(err)
	}
	entries, err := s.ListArtifacts(t.Context(), run, "")
	if err != nil || len(entries) != 2 || entries[0] != (store.ArtifactEntry{Name: "b.bin", Size: 5}) ||
		entries[1] != (store.ArtifactEntry{Name: "notes", IsDir: true}) {
		t.Errorf("ListArtifacts(root) = %+v, %v", entries, err)
	}
	if entries, err := s.ListArtifacts(t.Context(), run, "notes/a.txt"); err != nil || len(entries) != 0 {
		t.Errorf("listing a file = %+v, %v", entries, err)
	}

	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			owner store.ArtifactOwner
			path  string
			want  error
		}{
			{"a file's directory", run, "notes", errs.Invalid},
			{"under a file", run, "b.bin/x", errs.Invalid},
			{"unknown run", store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: unknownID("run_")}, "x", errs.NotFound},
			{"unknown model", store.ArtifactOwner{Kind: store.ArtifactOfLoggedModel, ID: "m-" + strings.Repeat("0", 32)}, "x", errs.NotFound},
			{"bad owner", store.ArtifactOwner{Kind: "Experiment", ID: r.ExperimentID}, "x", errs.Invalid},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.RecordArtifact(t.Context(), actor, c.owner, c.path, d1, 1)
				wantErr(t, err, c.want)
			})
		}
		if es := artifactEvents(t, s, r.ID); len(es) != 3 {
			t.Errorf("refused writes appended events: %d", len(es))
		}
		if arts, err := s.ArtifactsOf(t.Context(), run); err != nil || len(arts) != 2 {
			t.Errorf("artifacts after refusals = %+v, %v", arts, err)
		}
	})
}

func TestLoggedModels(t *testing.T) {
	s := neo4jtest.Store(t)
	r := newRun(t, s, "lm", store.StatusRunning)
	m, err := s.CreateLoggedModel(t.Context(), actor, store.CreateLoggedModelInput{ExperimentID: r.ExperimentID, Name: "clf",
		SourceRunID: r.ID, Params: []store.KeyValue{{Key: "C", Value: "1"}}})
	if err != nil || !store.IsLoggedModelID(m.ID) || m.Status != store.LoggedModelPending || m.ProjectKey != r.ProjectKey {
		t.Fatalf("CreateLoggedModel = %+v, %v", m, err)
	}
	other := newRun(t, s, "lmo", store.StatusRunning)
	_, err = s.CreateLoggedModel(t.Context(), actor, store.CreateLoggedModelInput{ExperimentID: r.ExperimentID, Name: "x", SourceRunID: other.ID})
	wantErr(t, err, errs.Invalid)

	for range 2 {
		if err := s.LogRunOutputs(t.Context(), actor, r.ID, []store.ModelOutput{{ModelID: m.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	// A model of another project is not an output a run can name.
	wantErr(t, s.LogRunOutputs(t.Context(), actor, other.ID, []store.ModelOutput{{ModelID: m.ID}}), errs.NotFound)
	if ms, err := s.ModelOutputsOfRun(t.Context(), r.ID); err != nil || len(ms) != 1 || ms[0].ModelID != m.ID {
		t.Errorf("ModelOutputsOfRun = %+v, %v", ms, err)
	}
	for range 2 {
		if m, err = s.FinalizeLoggedModel(t.Context(), actor, m.ID, store.LoggedModelReady); err != nil || m.Status != store.LoggedModelReady {
			t.Fatalf("FinalizeLoggedModel = %+v, %v", m, err)
		}
	}
	// Created, output once, finalized once: three events on the run.
	if es := artifactEvents(t, s, r.ID); len(es) != 3 {
		t.Errorf("events = %d, want 3", len(es))
	}
	found, err := s.LoggedModelsOfExperiments(t.Context(), []string{r.ExperimentID}, store.LoggedModelFilter{Name: "clf", Status: string(store.LoggedModelReady)}, "", 10)
	if err != nil || len(found) != 1 {
		t.Errorf("LoggedModelsOfExperiments = %+v, %v", found, err)
	}
	if found, _ := s.LoggedModelsOfExperiments(t.Context(), []string{r.ExperimentID}, store.LoggedModelFilter{Name: "other"}, "", 10); len(found) != 0 {
		t.Errorf("filter by another name found %+v", found)
	}
	if m, err = s.SetLoggedModelTags(t.Context(), m.ID, []store.KeyValue{{Key: "a", Value: "1"}}); err != nil || len(m.Tags) != 1 {
		t.Fatalf("SetLoggedModelTags = %+v, %v", m, err)
	}
	if m, err = s.DeleteLoggedModelTag(t.Context(), m.ID, "a"); err != nil || len(m.Tags) != 0 {
		t.Fatalf("DeleteLoggedModelTag = %+v, %v", m, err)
	}
	_, err = s.FinalizeLoggedModel(t.Context(), actor, "m-"+strings.Repeat("1", 32), store.LoggedModelReady)
	wantErr(t, err, errs.NotFound)
}
