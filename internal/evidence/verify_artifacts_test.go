package evidence_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/evidence/evidencetest"
)

func TestVerifyRunArtifactsConsistent(t *testing.T) {
	tests := []struct {
		name string
		pack func(t *testing.T) *evidence.Pack
	}{
		{"with artifacts", func(t *testing.T) *evidence.Pack { return evidencetest.WithArtifacts(t, evidencetest.Pack(t)) }},
		{"with artifacts, decoded from JSON", func(t *testing.T) *evidence.Pack {
			return roundTrip(t, evidencetest.WithArtifacts(t, evidencetest.Pack(t)))
		}},
		{"a version 2 pack has no section", func(t *testing.T) *evidence.Pack {
			p := evidencetest.WithArtifacts(t, evidencetest.Pack(t))
			p.Format, p.RunArtifacts = evidence.FormatV2, nil
			return roundTrip(t, p)
		}},
		{"a version 1 pack has no section", func(t *testing.T) *evidence.Pack {
			p := evidencetest.Pack(t)
			p.Format = evidence.FormatV1
			return roundTrip(t, p)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if problems := evidence.Verify(tt.pack(t)); len(problems) > 0 {
				t.Errorf("Verify found problems in a consistent pack:\n%s", list(problems))
			}
		})
	}
	t.Run("the section travels in JSON", func(t *testing.T) {
		b, err := json.Marshal(evidencetest.WithArtifacts(t, evidencetest.Pack(t)))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{`"runArtifacts":[`, `"path":"model/model.pkl","size":2048,"sha256":"` + evidencetest.ModelFileDigest + `"`} {
			if !strings.Contains(string(b), s) {
				t.Errorf("the pack's JSON lacks %s", s)
			}
		}
	})
}

func TestVerifyRunArtifactsTampered(t *testing.T) {
	const forged = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"
	recording := func(t *testing.T, p *evidence.Pack, path string) int {
		t.Helper()
		i := -1
		for j, e := range p.Audit.Events {
			if e.Kind == "RUN_LINEAGE_CHANGED" && e.Payload["artifact"] == path {
				i = j
			}
		}
		if i < 0 {
			t.Fatalf("no event records %s", path)
		}
		return i
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, p *evidence.Pack) (where string)
		want   string
	}{
		{"altered digest", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts[0].SHA256 = forged
			return "runArtifacts[0]"
		}, "has sha256 " + forged + ", but the audit recorded " + evidencetest.ModelFileDigest},
		{"an earlier digest of the file", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts[0].SHA256, p.RunArtifacts[0].Size = evidencetest.OldModelDigest, 1000
			return "runArtifacts[0]"
		}, "but the audit recorded " + evidencetest.ModelFileDigest},
		{"altered size", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts[1].Size = 1
			return "runArtifacts[1]"
		}, "has 1 bytes, but the audit recorded 5120"},
		{"altered digest and event", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts[0].SHA256 = forged
			i := recording(t, p, "model/model.pkl")
			p.Audit.Events[i].Payload["sha256"] = forged
			return indexed("audit.events", i)
		}, "content does not match its hash"},
		{"altered digest and a resealed event", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts[0].SHA256 = forged
			i := recording(t, p, "model/model.pkl")
			p.Audit.Events[i].Payload["sha256"] = forged
			p.Audit.Events[i].Hash = evidencetest.Hash(t, p.Audit.Events[i])
			return indexed("audit.events", i)
		}, "differs from the chain's link"},
		{"a file left out", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts = slices.Delete(p.RunArtifacts, 1, 2)
			return indexed("audit.events", recording(t, p, "plots/roc curve.png"))
		}, "records artifact plots/roc curve.png of run " + evidencetest.TrainingRunID + " (sha256 " + evidencetest.PlotDigest + "), which runArtifacts does not list"},
		{"a file no event records", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts = append(p.RunArtifacts, evidence.RunArtifact{RunID: evidencetest.TrainingRunID, Path: "extra.txt", Size: 3, SHA256: forged})
			return "runArtifacts[3]"
		}, "no RUN_LINEAGE_CHANGED event in the audit records this file"},
		{"a logged model's file as the run's", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts = append(p.RunArtifacts, evidence.RunArtifact{RunID: evidencetest.TrainingRunID, Path: "MLmodel", Size: 300, SHA256: evidencetest.PlotDigest})
			return "runArtifacts[3]"
		}, "no RUN_LINEAGE_CHANGED event in the audit records this file"},
		{"a run the pack does not cover", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts[2].RunID = "run_01960c2e-0000-7000-8000-0000000000ff"
			return "runArtifacts[2]"
		}, "is neither the training run nor a run of the lineage"},
		{"listed twice", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts = append(p.RunArtifacts, p.RunArtifacts[0])
			return "runArtifacts[3]"
		}, "is listed more than once"},
		{"not a digest", func(t *testing.T, p *evidence.Pack) string {
			p.RunArtifacts[0].SHA256 = "MD5:abc"
			return "runArtifacts[0]"
		}, "is not a sha256"},
		{"artifacts in a version 2 pack", func(t *testing.T, p *evidence.Pack) string {
			p.Format = evidence.FormatV2
			return "runArtifacts"
		}, "a exphub.evidence/v2 pack carries no run artifacts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := roundTrip(t, evidencetest.WithArtifacts(t, evidencetest.Pack(t)))
			where := tt.tamper(t, p)
			problems := evidence.Verify(p)
			if !slices.ContainsFunc(problems, func(pr evidence.Problem) bool { return pr.Where == where && strings.Contains(pr.Message, tt.want) }) {
				t.Errorf("Verify did not report %s: …%s…; it found:\n%s", where, tt.want, list(problems))
			}
			// The hub's own check of a pack it gathered is Verify's.
			for _, pr := range evidence.RunArtifactProblems(p) {
				if !slices.Contains(problems, pr) {
					t.Errorf("RunArtifactProblems found %s, which Verify did not", pr)
				}
			}
		})
	}
}

func TestRenderListsRunArtifacts(t *testing.T) {
	p := evidencetest.WithArtifacts(t, evidencetest.Pack(t))
	for _, tt := range []struct {
		name     string
		render   func(*bytes.Buffer, *evidence.Pack, []evidence.Problem) error
		contains []string
	}{
		{"markdown", markdown, []string{"## Run artifacts", "| Run | Path | Bytes | SHA-256 |",
			"| " + evidencetest.TrainingRunID + " | plots/roc curve.png | 5120 | " + evidencetest.PlotDigest + " |", "consistent"}},
		{"html", html, []string{"<h2>Run artifacts</h2>", evidencetest.ModelFileDigest, "plots/roc curve.png"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.render, p)
			for _, s := range tt.contains {
				if !strings.Contains(out, s) {
					t.Errorf("report does not contain %q:\n%s", s, out)
				}
			}
			if strings.Contains(out, evidencetest.OldModelDigest) && !strings.Contains(out, "RUN_LINEAGE_CHANGED") {
				t.Errorf("report lists the replaced digest")
			}
		})
	}
	t.Run("an older pack says it has none", func(t *testing.T) {
		p := evidencetest.Pack(t)
		p.Format = evidence.FormatV2
		if out := render(t, markdown, p); !strings.Contains(out, "predates run artifacts") {
			t.Errorf("report of a version 2 pack does not say it predates run artifacts:\n%s", out)
		}
	})
}
