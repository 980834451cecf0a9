package store_test

import (
	"errors"
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

// TestRecordArtifactSealed: the bytes of a file of a run that ended, of a
// READY logged model, or of a run or logged model a model version refers
// to never change; the same bytes again are a no-op, a READY logged model
// takes no new files, and an ended run still does. A refusal writes
// nothing, and CheckArtifactUpload answers the same before any bytes.
func TestRecordArtifactSealed(t *testing.T) {
	s := neo4jtest.Store(t)
	d1, d2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	record := func(t *testing.T, o store.ArtifactOwner, path, digest string) error {
		t.Helper()
		_, err := s.RecordArtifact(t.Context(), actor, o, path, digest, 1)
		return err
	}
	ofRun := func(r *store.Run) store.ArtifactOwner {
		return store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: r.ID}
	}
	ofModel := func(m *store.LoggedModel) store.ArtifactOwner {
		return store.ArtifactOwner{Kind: store.ArtifactOfLoggedModel, ID: m.ID}
	}
	newLoggedModel := func(t *testing.T, r *store.Run) *store.LoggedModel {
		t.Helper()
		m, err := s.CreateLoggedModel(t.Context(), actor, store.CreateLoggedModelInput{ExperimentID: r.ExperimentID, Name: "clf", SourceRunID: r.ID})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	newVersion := func(t *testing.T, pk string, in store.RegistryVersionInput) {
		t.Helper()
		m, err := s.CreateRegisteredModel(t.Context(), actor, store.CreateRegisteredModelInput{ProjectKey: pk, Name: "scorer"})
		if err != nil {
			t.Fatal(err)
		}
		in.ModelID = m.ID
		if _, err := s.CreateRegistryVersion(t.Context(), actor, in); err != nil {
			t.Fatal(err)
		}
	}
	hex := func(r *store.Run) string {
		return strings.ReplaceAll(strings.TrimPrefix(r.ID, store.IDPrefix(store.KindRun)), "-", "")
	}

	cases := []struct {
		name string
		// seal writes model.pkl (d1) to an owner and seals it.
		seal func(t *testing.T) store.ArtifactOwner
		// newFiles: the sealed owner still takes new paths.
		newFiles bool
		why      string
	}{
		{"ended run", func(t *testing.T) store.ArtifactOwner {
			r := newRun(t, s, "seal", store.StatusRunning)
			if err := record(t, ofRun(r), "model.pkl", d1); err != nil {
				t.Fatal(err)
			}
			if _, err := s.MoveRun(t.Context(), actor, r.ID, store.StatusFinished, func(*store.Run) error { return nil }); err != nil {
				t.Fatal(err)
			}
			return ofRun(r)
		}, true, "has ended (FINISHED)"},
		{"run a version's source names", func(t *testing.T) store.ArtifactOwner {
			r := newRun(t, s, "seal", store.StatusRunning)
			if err := record(t, ofRun(r), "model.pkl", d1); err != nil {
				t.Fatal(err)
			}
			newVersion(t, r.ProjectKey, store.RegistryVersionInput{Source: "runs:/" + strings.ToUpper(hex(r)) + "/model"})
			return ofRun(r)
		}, true, "a model version refers to run"},
		{"run that produced a version", func(t *testing.T) store.ArtifactOwner {
			r := newRun(t, s, "seal", store.StatusRunning)
			if err := record(t, ofRun(r), "model.pkl", d1); err != nil {
				t.Fatal(err)
			}
			newVersion(t, r.ProjectKey, store.RegistryVersionInput{Source: "s3://bucket/m", RunID: r.ID})
			return ofRun(r)
		}, true, "a model version refers to run"},
		{"READY logged model", func(t *testing.T) store.ArtifactOwner {
			m := newLoggedModel(t, newRun(t, s, "seal", store.StatusRunning))
			if err := record(t, ofModel(m), "model.pkl", d1); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinalizeLoggedModel(t.Context(), actor, m.ID, store.LoggedModelReady); err != nil {
				t.Fatal(err)
			}
			return ofModel(m)
		}, false, "is READY"},
		{"logged model a version's model_id names", func(t *testing.T) store.ArtifactOwner {
			r := newRun(t, s, "seal", store.StatusRunning)
			m := newLoggedModel(t, r)
			if err := record(t, ofModel(m), "model.pkl", d1); err != nil {
				t.Fatal(err)
			}
			newVersion(t, r.ProjectKey, store.RegistryVersionInput{Source: "s3://bucket/m", LoggedModelID: m.ID})
			return ofModel(m)
		}, true, "a model version refers to logged model"},
		{"logged model a version's source names", func(t *testing.T) store.ArtifactOwner {
			r := newRun(t, s, "seal", store.StatusRunning)
			m := newLoggedModel(t, r)
			if err := record(t, ofModel(m), "model.pkl", d1); err != nil {
				t.Fatal(err)
			}
			newVersion(t, r.ProjectKey, store.RegistryVersionInput{Source: "models:/" + m.ID})
			return ofModel(m)
		}, true, "a model version refers to logged model"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.seal(t)
			target := func() string {
				if o.Kind == store.ArtifactOfRun {
					return o.ID
				}
				ms, err := s.LoggedModelsByIDs(t.Context(), []string{o.ID})
				if err != nil {
					t.Fatal(err)
				}
				return ms[o.ID].SourceRunID
			}()
			events := len(artifactEvents(t, s, target))

			chk, err := s.CheckArtifactUpload(t.Context(), o, "model.pkl")
			if err != nil || chk.Fixed == nil || chk.Fixed.SHA256 != d1 || chk.Content(d1, 1) != nil {
				t.Fatalf("CheckArtifactUpload = %+v, %v", chk, err)
			}
			if err := chk.Content(d2, 1); !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.why) {
				t.Errorf("Content(other bytes) = %v, want errs.Invalid saying %q", err, c.why)
			}
			err = record(t, o, "model.pkl", d2)
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), `"model.pkl"`) || !strings.Contains(err.Error(), c.why) {
				t.Errorf("other bytes = %v, want errs.Invalid naming the path and saying %q", err, c.why)
			}
			if err := record(t, o, "model.pkl", d1); err != nil {
				t.Errorf("the same bytes again (a retry) = %v", err)
			}
			a, err := s.Artifact(t.Context(), o, "model.pkl")
			if err != nil || a.SHA256 != d1 {
				t.Errorf("model.pkl after a refused rewrite = %+v, %v", a, err)
			}
			_, chkErr := s.CheckArtifactUpload(t.Context(), o, "extra.txt")
			err = record(t, o, "extra.txt", d2)
			if c.newFiles {
				if err != nil || chkErr != nil {
					t.Errorf("a new file = %v (checked: %v), want it recorded", err, chkErr)
				}
				events++
			} else {
				if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "takes no new files") || !errors.Is(chkErr, errs.Invalid) {
					t.Errorf("a new file = %v (checked: %v), want errs.Invalid", err, chkErr)
				}
			}
			if n := len(artifactEvents(t, s, target)); n != events {
				t.Errorf("events = %d, want %d: a refusal or a retry appended one", n, events)
			}
		})
	}

	t.Run("open owner", func(t *testing.T) {
		r := newRun(t, s, "open", store.StatusRunning)
		// Another project's version naming this run does not seal it.
		other := newRun(t, s, "openo", store.StatusRunning)
		newVersion(t, other.ProjectKey, store.RegistryVersionInput{Source: "runs:/" + hex(r) + "/model"})
		if err := record(t, ofRun(r), "model.pkl", d1); err != nil {
			t.Fatal(err)
		}
		chk, err := s.CheckArtifactUpload(t.Context(), ofRun(r), "model.pkl")
		if err != nil || chk.Fixed != nil || chk.Content(d2, 1) != nil {
			t.Fatalf("CheckArtifactUpload of an open run = %+v, %v", chk, err)
		}
		if err := record(t, ofRun(r), "model.pkl", d2); err != nil {
			t.Fatalf("rewrite on a running run = %v", err)
		}
		// Checked while open, recorded once ended: the store has the final word.
		if _, err := s.MoveRun(t.Context(), actor, r.ID, store.StatusKilled, func(*store.Run) error { return nil }); err != nil {
			t.Fatal(err)
		}
		wantErr(t, record(t, ofRun(r), "model.pkl", d1), errs.Invalid)
		_, err = s.CheckArtifactUpload(t.Context(), ofRun(r), "model.pkl/x")
		wantErr(t, err, errs.Invalid)
	})
}
