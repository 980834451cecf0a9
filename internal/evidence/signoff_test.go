package evidence_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/evidence/evidencetest"
)

func TestVerifySignOffs(t *testing.T) {
	t.Run("consistent", func(t *testing.T) {
		p := evidencetest.WithSignOffs(t, evidencetest.Pack(t))
		if p.Format != evidence.Format {
			t.Fatalf("a pack with sign-offs is %s, want %s", p.Format, evidence.Format)
		}
		if problems := evidence.Verify(p); len(problems) != 0 {
			t.Fatalf("problems: %v", problems)
		}
	})
	signOffEvent := func(t *testing.T, p *evidence.Pack, n int) int {
		t.Helper()
		seen := 0
		for i, e := range p.Audit.Events {
			if e.Kind == "EVIDENCE_SIGNED_OFF" {
				if seen == n {
					return i
				}
				seen++
			}
		}
		t.Fatalf("no sign-off event %d", n)
		return -1
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, p *evidence.Pack)
		where  string
		want   string
	}{
		{name: "digest changed", where: "signOffs[1]", want: "differs from its event",
			tamper: func(t *testing.T, p *evidence.Pack) { p.SignOffs[1].Digest = strings.Repeat("3c", 32) }},
		{name: "rejection turned into acceptance", where: "signOffs[0]", want: "differs from its event",
			tamper: func(t *testing.T, p *evidence.Pack) {
				p.SignOffs[0].Decision, p.SignOffs[0].Findings = evidence.SignOffAccepted, ""
			}},
		{name: "another reviewer", where: "signOffs[1]", want: "differs from its event",
			tamper: func(t *testing.T, p *evidence.Pack) { p.SignOffs[1].By = evidencetest.Approver1 }},
		{name: "rejection dropped", where: "signOffs", want: "EVIDENCE_SIGNED_OFF event by " + evidencetest.Reviewer,
			tamper: func(t *testing.T, p *evidence.Pack) { p.SignOffs = p.SignOffs[1:] }},
		{name: "made-up sign-off", where: "signOffs[2]", want: "has no EVIDENCE_SIGNED_OFF event",
			tamper: func(t *testing.T, p *evidence.Pack) {
				s := p.SignOffs[1]
				s.Seq, s.ID = p.Audit.Head.Seq+1, "so_0003"
				p.SignOffs = append(p.SignOffs, s)
			}},
		{name: "unknown decision", where: "signOffs[1]", want: "neither ACCEPTED nor REJECTED",
			tamper: func(t *testing.T, p *evidence.Pack) {
				p.SignOffs[1].Decision = "WAIVED"
				i := signOffEvent(t, p, 1)
				p.Audit.Events[i].Payload["decision"] = "WAIVED"
				evidencetest.Reseal(t, p, i)
			}},
		{name: "rejection without findings", where: "signOffs[0]", want: "has no findings",
			tamper: func(t *testing.T, p *evidence.Pack) {
				p.SignOffs[0].Findings = ""
				i := signOffEvent(t, p, 0)
				p.Audit.Events[i].Payload["findings"] = ""
				evidencetest.Reseal(t, p, i)
			}},
		{name: "not a digest", where: "signOffs[1]", want: "is not a hex SHA-256",
			tamper: func(t *testing.T, p *evidence.Pack) {
				p.SignOffs[1].Digest = "pack.json"
				i := signOffEvent(t, p, 1)
				p.Audit.Events[i].Payload["digest"] = "pack.json"
				evidencetest.Reseal(t, p, i)
			}},
		{name: "older format", where: "signOffs", want: "carries no sign-offs",
			tamper: func(t *testing.T, p *evidence.Pack) { p.Format = evidence.FormatV4 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := evidencetest.WithSignOffs(t, evidencetest.Pack(t))
			tt.tamper(t, p)
			problems := evidence.Verify(p)
			for _, pr := range problems {
				if pr.Where == tt.where && strings.Contains(pr.Message, tt.want) {
					return
				}
			}
			t.Fatalf("Verify did not report %s: …%s…; it found %v", tt.where, tt.want, problems)
		})
	}
}

func TestDigestIsSha256sum(t *testing.T) {
	// sha256sum of the three bytes "abc".
	if got, want := evidence.Digest([]byte("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Fatalf("Digest = %s, want %s", got, want)
	}
}

func TestRenderSignOffs(t *testing.T) {
	p := evidencetest.WithSignOffs(t, evidencetest.Pack(t))
	var md bytes.Buffer
	if err := evidence.RenderMarkdown(&md, p, evidence.Verify(p)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Compliance sign-offs", p.SignOffs[0].Digest, "REJECTED", "predates the policy", evidencetest.Reviewer} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the rendering lacks %q", want)
		}
	}
	var none bytes.Buffer
	plain := evidencetest.Pack(t)
	if err := evidence.RenderMarkdown(&none, plain, evidence.Verify(plain)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(none.String(), "No pack of this request has been signed off.") {
		t.Errorf("a pack without sign-offs does not say so")
	}
}
