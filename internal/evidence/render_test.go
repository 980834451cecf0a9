package evidence_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/evidence/evidencetest"
)

// render runs a renderer over p with Verify's problems and returns the
// report.
func render(t *testing.T, fn func(*bytes.Buffer, *evidence.Pack, []evidence.Problem) error, p *evidence.Pack) string {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b, p, evidence.Verify(p)); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.String()
}

func markdown(b *bytes.Buffer, p *evidence.Pack, problems []evidence.Problem) error {
	return evidence.RenderMarkdown(b, p, problems)
}

func html(b *bytes.Buffer, p *evidence.Pack, problems []evidence.Problem) error {
	return evidence.RenderHTML(b, p, problems)
}

func TestRenderShowsTheFacts(t *testing.T) {
	p := evidencetest.Pack(t)
	// Neither text is covered by an event's hash: the pack stays consistent.
	p.Request.Approvals[0].Comment = "metrics ok | lineage ok\nsee ticket FRAUD-12"
	p.Request.Justification = `<script>alert("x")</script> & more`

	facts := []string{
		"fraud-detector v3 → PRODUCTION", // title
		"consistent",
		evidencetest.RequestID, evidencetest.Requester, evidencetest.Approver1, evidencetest.Approver2,
		"UPSTREAM_VALIDATIONS", "BIAS", "REPRODUCIBILITY",
		"2/2",                            // approvals
		"DEMOGRAPHIC_PARITY_RATIO ≥ 0.8", // bias rule
		"xgb-sweep-17", "max_depth", "0.9412", "seed", "raw/transactions@2025-03-01",
		evidencetest.RawDigest[:12] + "…", // short digest
		"undefined: no positive labels",
		"PROMOTION_COMPLETED", "2025-03-04 10:45:00 UTC",
		p.Audit.Head.Hash, // the head in full
	}
	tests := []struct {
		name     string
		render   func(*bytes.Buffer, *evidence.Pack, []evidence.Problem) error
		contains []string
		excludes []string
	}{
		{
			name:     "markdown",
			render:   markdown,
			contains: append(facts, `metrics ok \| lineage ok<br>see ticket FRAUD-12`, `\<script\>`, "| Approver | Decision | At | Comment |"),
			excludes: []string{"ok | lineage", "<script>"},
		},
		{
			name:     "html",
			render:   html,
			contains: append(facts, "<!DOCTYPE html>", "<style>", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more", "metrics ok | lineage ok\nsee ticket"),
			excludes: []string{"<script>", "<link", "src="},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.render, p)
			for _, s := range tt.contains {
				if !strings.Contains(out, s) {
					t.Errorf("report does not contain %q", s)
				}
			}
			for _, s := range tt.excludes {
				if strings.Contains(out, s) {
					t.Errorf("report contains %q", s)
				}
			}
			if t.Failed() {
				t.Logf("report:\n%s", out)
			}
		})
	}
}

func TestRenderListsProblems(t *testing.T) {
	p := evidencetest.Pack(t)
	p.Format = "exphub.evidence/v0"
	p.Request.Approvals = p.Request.Approvals[:1]
	for _, tt := range []struct {
		name   string
		render func(*bytes.Buffer, *evidence.Pack, []evidence.Problem) error
	}{{"markdown", markdown}, {"html", html}} {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.render, p)
			for _, s := range []string{"Verification found 3 problems", "promotionRequest.approvals", "requires 2", "1/2"} {
				if !strings.Contains(out, s) {
					t.Errorf("report does not contain %q:\n%s", s, out)
				}
			}
			if strings.Contains(out, "is consistent") {
				t.Errorf("a report with problems says the pack is consistent")
			}
		})
	}
}

func TestRenderMinimalPack(t *testing.T) {
	// A pack with nothing but its format renders without panicking.
	p := &evidence.Pack{Format: evidence.Format}
	for _, fn := range []func(*bytes.Buffer, *evidence.Pack, []evidence.Problem) error{markdown, html} {
		if out := render(t, fn, p); !strings.Contains(out, "No checks were evaluated.") {
			t.Errorf("report of an empty pack:\n%s", out)
		}
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderWriteError(t *testing.T) {
	p := evidencetest.Pack(t)
	for name, fn := range map[string]func() error{
		"markdown": func() error { return evidence.RenderMarkdown(failingWriter{}, p, nil) },
		"html":     func() error { return evidence.RenderHTML(failingWriter{}, p, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			if err := fn(); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Errorf("error = %v, want the write error", err)
			}
		})
	}
}

// TestRenderShowsWhereApprovalsStand: a pack that records the approvers'
// groups and whether each approval counted shows them, with the policy's
// group requirements and expiry; packs without them keep the four columns
// (TestRenderShowsTheFacts).
func TestRenderShowsWhereApprovalsStand(t *testing.T) {
	p := evidencetest.Pack(t)
	yes, no, week := true, false, 7*86400
	p.Policy.RequiredGroups = []evidence.GroupRequirement{{Group: "risk", Approvals: 1}, {Group: "ml-platform", Approvals: 2}}
	p.Policy.ApprovalsValidFor = &week
	first, second := &p.Request.Approvals[0], &p.Request.Approvals[1]
	first.Groups, first.Counted, first.CountedForGroup = []string{"risk", "analytics"}, &yes, "risk"
	second.Counted, second.NotCountedReason = &no, "expired: given more than 7 days before the request completed"
	for name, fn := range map[string]func(*bytes.Buffer, *evidence.Pack, []evidence.Problem) error{"markdown": markdown, "html": html} {
		out := render(t, fn, p)
		for _, s := range []string{"1 from risk, 2 from ml-platform", "7 days after they are given", "risk, analytics",
			"yes, for group risk", "no: expired: given more than 7 days"} {
			if !strings.Contains(out, s) {
				t.Errorf("%s: report does not contain %q", name, s)
			}
		}
		if name == "markdown" && !strings.Contains(out, "| Approver | Decision | At | Groups | Counts | Comment |") {
			t.Errorf("markdown: no Groups and Counts columns:\n%s", out)
		}
	}
	p.Policy.ApprovalsValidFor = nil
	if out := render(t, markdown, p); !strings.Contains(out, "no expiry") {
		t.Errorf("a policy without expiry is not said to have none")
	}
}
