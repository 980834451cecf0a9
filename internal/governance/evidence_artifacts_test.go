package governance_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestEvidencePackRunArtifacts: a pack carries the digests of the files
// of the training run and of the lineage's runs its reader may see, the
// latest digest of a file logged twice; it verifies offline, and an
// altered digest does not.
func TestEvidencePackRunArtifacts(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "evart", nil)
	startRun := func(expID, name string) *store.Run {
		t.Helper()
		r, err := s.StartRun(ctx, "trainer", store.StartRunInput{ExperimentID: expID, Name: name, Status: store.StatusRunning})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// The raw data was written by a preparation run of the project and by
	// one of a project the pack's reader may not read.
	prep := startRun(w.train.ExperimentID, "prep")
	hidden := startRun(neo4jtest.Experiment(t, s, neo4jtest.Project(t, s, "evarth")).ID, "hidden-prep")
	for _, r := range []*store.Run{prep, hidden} {
		if _, err := s.AddRunOutputs(ctx, "trainer", r.ID, []string{w.raw.ID}, nil); err != nil {
			t.Fatal(err)
		}
	}
	digest := func(s string) string { return strings.Repeat(s, 64/len(s)) }
	record := func(run *store.Run, path, sum string, size int64) {
		t.Helper()
		if _, err := s.RecordArtifact(ctx, "trainer", store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: run.ID}, path, sum, size); err != nil {
			t.Fatal(err)
		}
	}
	record(w.train, "model/model.pkl", digest("a2"), 20)
	record(w.train, "plots/roc.png", digest("b1"), 30)
	// A run no model version refers to may log a file again with other
	// content; the pack has the latest.
	record(prep, "report.txt", digest("c0"), 35)
	record(prep, "report.txt", digest("c1"), 40)
	record(hidden, "secret-notes.txt", digest("d1"), 50)

	req := request(t, s, "alice", w.mv.ID, store.StageStaging)
	pack, err := gov.EvidencePack(ctx, auditor(w.key), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(pack)
	if err != nil {
		t.Fatal(err)
	}
	read, err := evidence.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(read); len(problems) > 0 {
		t.Fatalf("evidence pack problems: %v", problems)
	}
	want := []evidence.RunArtifact{
		{RunID: w.train.ID, Path: "model/model.pkl", Size: 20, SHA256: digest("a2")},
		{RunID: w.train.ID, Path: "plots/roc.png", Size: 30, SHA256: digest("b1")},
		{RunID: prep.ID, Path: "report.txt", Size: 40, SHA256: digest("c1")},
	}
	got := slices.Clone(read.RunArtifacts)
	slices.SortFunc(got, func(a, b evidence.RunArtifact) int { return strings.Compare(a.SHA256, b.SHA256) })
	if !slices.Equal(got, want) {
		t.Errorf("run artifacts = %+v, want %+v", read.RunArtifacts, want)
	}
	for _, secret := range []string{"secret-notes", digest("d1"), hidden.ID} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the pack holds %q of a project its reader may not read", secret)
		}
	}

	// An altered digest fails verification.
	i := slices.IndexFunc(read.RunArtifacts, func(a evidence.RunArtifact) bool { return a.Path == "plots/roc.png" })
	read.RunArtifacts[i].SHA256 = digest("ff")
	problems := evidence.Verify(read)
	if !slices.ContainsFunc(problems, func(p evidence.Problem) bool {
		return strings.Contains(p.Message, "plots/roc.png") && strings.Contains(p.Message, "but the audit recorded "+digest("b1"))
	}) {
		t.Errorf("an altered digest went unnoticed: %v", problems)
	}
}
