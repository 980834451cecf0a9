package evidence_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/evidence/evidencetest"
	"github.com/exphub/exphub/internal/hashchain"
)

// roundTrip encodes p as the hub would and reads it back.
func roundTrip(t *testing.T, p *evidence.Pack) *evidence.Pack {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := evidence.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}

func TestVerifyConsistentPack(t *testing.T) {
	tests := []struct {
		name string
		pack func(t *testing.T) *evidence.Pack
	}{
		{name: "built", pack: func(t *testing.T) *evidence.Pack { return evidencetest.Pack(t) }},
		{name: "decoded from JSON", pack: func(t *testing.T) *evidence.Pack { return roundTrip(t, evidencetest.Pack(t)) }},
		{name: "from the log's first event", pack: func(t *testing.T) *evidence.Pack { return evidencetest.PackFrom(t, 1, hashchain.Genesis) }},
		{name: "archived by a later promotion", pack: func(t *testing.T) *evidence.Pack {
			p := evidencetest.Pack(t)
			appendEvent(t, p, evidence.Event{At: evidencetest.T0.AddDate(0, 1, 0), Actor: "frank", ProjectKey: evidencetest.Project,
				Kind: "MODEL_STAGE_CHANGED", TargetID: evidencetest.ModelVersionID,
				Payload: map[string]any{"from": "PRODUCTION", "stage": "ARCHIVED", "promotionRequestId": "pr_next"}})
			p.ModelVersion.Stage = "ARCHIVED"
			return p
		}},
		{name: "pending, without approvals", pack: func(t *testing.T) *evidence.Pack {
			p := evidencetest.Pack(t)
			p.Request.Status, p.Request.ClosedAt = "PENDING", nil
			p.Request.Approvals = nil
			p.ModelVersion.Stage = "STAGING"
			keep := slices.DeleteFunc(p.Audit.Events, func(e evidence.Event) bool { return e.Kind == "PROMOTION_APPROVED" })
			p.Audit.Events = keep
			return p
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if problems := evidence.Verify(tt.pack(t)); len(problems) > 0 {
				t.Errorf("Verify found problems in a consistent pack:\n%s", list(problems))
			}
		})
	}
}

// appendEvent appends an event in full after the chain's last link and
// makes it the head.
func appendEvent(t *testing.T, p *evidence.Pack, e evidence.Event) {
	t.Helper()
	last := p.Audit.Chain[len(p.Audit.Chain)-1]
	e.Seq, e.PrevHash = last.Seq+1, last.Hash
	e.Hash = evidencetest.Hash(t, e)
	link := evidence.Link{Seq: e.Seq, PrevHash: e.PrevHash, Hash: e.Hash}
	p.Audit.Events = append(p.Audit.Events, e)
	p.Audit.Chain = append(p.Audit.Chain, link)
	p.Audit.Head = link
}

func list(problems []evidence.Problem) string {
	var b strings.Builder
	for _, p := range problems {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

func TestVerifyFindsTampering(t *testing.T) {
	const other = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"
	approved := func(t *testing.T, p *evidence.Pack, actor string) int {
		return evidencetest.EventIndex(t, p, "PROMOTION_APPROVED", actor)
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, p *evidence.Pack) (where string)
		want   string // a substring of the problem's message
	}{
		{
			name: "edited payload",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				i := approved(t, p, evidencetest.Approver2)
				p.Audit.Events[i].Payload["required"] = 1
				return indexed("audit.events", i)
			},
			want: "content does not match its hash",
		},
		{
			name: "edited earlier event",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				// The chain's first event moves out of the window, then is
				// edited.
				e := p.Audit.Events[0]
				p.Audit.Events, p.Audit.Chain = p.Audit.Events[1:], p.Audit.Chain[1:]
				e.Actor = "mallory"
				p.Audit.Earlier = append(p.Audit.Earlier, e)
				return indexed("audit.earlier", 0)
			},
			want: "content does not match its hash",
		},
		{
			name: "earlier event inside the chain",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Audit.Earlier = append(p.Audit.Earlier, p.Audit.Events[len(p.Audit.Events)-1])
				return indexed("audit.earlier", 0)
			},
			want: "is not before the chain",
		},
		{
			name: "edited actor",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				i := evidencetest.EventIndex(t, p, "PROMOTION_REQUESTED", "")
				p.Audit.Events[i].Actor = "mallory"
				return indexed("audit.events", i)
			},
			want: "content does not match its hash",
		},
		{
			name: "edited time",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				i := approved(t, p, evidencetest.Approver1)
				p.Audit.Events[i].At = p.Audit.Events[i].At.Add(-1)
				return indexed("audit.events", i)
			},
			want: "content does not match its hash",
		},
		{
			name: "removed chain link",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				// The link after the request's event is another object's.
				seq := p.Audit.Events[evidencetest.EventIndex(t, p, "PROMOTION_REQUESTED", "")].Seq + 1
				j := evidencetest.ChainIndex(t, p, seq)
				p.Audit.Chain = slices.Delete(p.Audit.Chain, j, j+1)
				return indexed("audit.chain", j)
			},
			want: "is missing",
		},
		{
			name: "repeated chain link",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Audit.Chain = slices.Insert(p.Audit.Chain, 3, p.Audit.Chain[2])
				return indexed("audit.chain", 3)
			},
			want: "without repeats",
		},
		{
			name: "reordered events",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				e := p.Audit.Events
				e[1], e[2] = e[2], e[1]
				return indexed("audit.events", 2)
			},
			want: "must be in seq order",
		},
		{
			name: "edited and resealed event",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				i := approved(t, p, evidencetest.Approver1)
				p.Audit.Events[i].Actor = evidencetest.Requester
				evidencetest.Reseal(t, p, i)
				return indexed("audit.chain", evidencetest.ChainIndex(t, p, p.Audit.Events[i].Seq)+1)
			},
			want: "is not the hash of link seq",
		},
		{
			name: "resealed event without its link",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				i := approved(t, p, evidencetest.Approver1)
				p.Audit.Events[i].Payload["approvals"] = 2
				p.Audit.Events[i].Hash = evidencetest.Hash(t, p.Audit.Events[i])
				return indexed("audit.events", i)
			},
			want: "differs from the chain's link",
		},
		{
			name: "event missing from the chain",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Audit.Chain = p.Audit.Chain[:len(p.Audit.Chain)-1]
				return indexed("audit.events", len(p.Audit.Events)-1)
			},
			want: "is not in audit.chain",
		},
		{
			name: "genesis",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				*p = *evidencetest.PackFrom(t, 1, other)
				return "audit.chain[0]"
			},
			want: "not the genesis hash",
		},
		{
			name: "head behind the chain",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Audit.Head = p.Audit.Chain[len(p.Audit.Chain)-2]
				return "audit.head"
			},
			want: "is before the chain's last link",
		},
		{
			name: "head forked from the chain",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Audit.Head = p.Audit.Chain[len(p.Audit.Chain)-1]
				p.Audit.Head.Hash = other
				return "audit.head"
			},
			want: "differs from the link's",
		},
		{
			name: "validation sha256 differs from the digest",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Validations[1].SHA256 = other
				return "validations[" + evidencetest.FeatValidation + "]"
			},
			want: "has digest " + evidencetest.FeatDigest,
		},
		{
			name: "validation of a dataset version outside the lineage",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Validations[0].DatasetVersionID = evidencetest.EvalVersionID
				return "validations[" + evidencetest.RawValidation + "]"
			},
			want: "is not a dataset version of the lineage",
		},
		{
			name: "bias check sha256 differs from a lineage digest",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.BiasChecks[0].DatasetVersionID = evidencetest.FeatVersionID
				return "biasChecks[" + evidencetest.BiasCheckID + "]"
			},
			want: "has digest " + evidencetest.FeatDigest,
		},
		{
			name: "digest not a sha256",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Lineage.Nodes[4].Digest = strings.ToUpper(evidencetest.RawDigest)
				return "lineage.nodes[" + evidencetest.RawVersionID + "]"
			},
			want: "is not a sha256",
		},
		{
			name: "missing lineage node for an edge",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Lineage.Nodes = slices.DeleteFunc(p.Lineage.Nodes, func(n evidence.LineageNode) bool { return n.ID == evidencetest.PrepRunID })
				return "lineage.edges[0]"
			},
			want: `to "` + evidencetest.PrepRunID + `" is not a node of the lineage`,
		},
		{
			name: "model version not in the lineage",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Lineage.Nodes = p.Lineage.Nodes[1:]
				p.Lineage.Edges = p.Lineage.Edges[:3]
				return "lineage"
			},
			want: "the model version " + evidencetest.ModelVersionID + " is not a node",
		},
		{
			name: "request for another model version",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Request.ModelVersion = evidencetest.OldVersionID
				return "promotionRequest.modelVersionId"
			},
			want: "but the pack's model version is",
		},
		{
			name: "evidence missing from the pack",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Validations = p.Validations[:1]
				return "promotionRequest.checks[UPSTREAM_VALIDATIONS]"
			},
			want: "evidence " + evidencetest.FeatValidation + " is not in the pack",
		},
		{
			name: "a node through hidden projects that no check cites",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				n := p.Lineage.Nodes[len(p.Lineage.Nodes)-1]
				n.ID, n.Kind, n.Digest, n.ThroughHidden = "dsv_not-cited", "DatasetVersion", strings.Repeat("ab", 32), true
				p.Lineage.Nodes = append(p.Lineage.Nodes, n)
				return "lineage.nodes[dsv_not-cited]"
			},
			want: "it is not a dataset version a check of the request cites",
		},
		{
			name: "approval without event",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Request.Approvals = append(p.Request.Approvals, evidence.Approval{Actor: "frank", Decision: "APPROVED", At: evidencetest.T0})
				return "promotionRequest.approvals[2]"
			},
			want: "APPROVED by frank has no PROMOTION_APPROVED event by frank",
		},
		{
			name: "hidden rejection",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				i := approved(t, p, evidencetest.Approver2)
				p.Request.Approvals[1].Decision = "REJECTED"
				return indexed("audit.events", i)
			},
			want: "PROMOTION_APPROVED by dave has no matching entry in promotionRequest.approvals",
		},
		{
			name: "self-approval with separation of duties",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				i := approved(t, p, evidencetest.Approver1)
				p.Audit.Events[i].Actor = evidencetest.Requester
				evidencetest.Reseal(t, p, i)
				p.Request.Approvals[0].Actor = evidencetest.Requester
				return "promotionRequest.approvals[0]"
			},
			want: "alice decided their own request",
		},
		{
			name: "trainer approval with separation of duties",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Request.Approvals[1].Actor = evidencetest.Trainer
				return "promotionRequest.approvals[1]"
			},
			want: "bob started the training run",
		},
		{
			name: "approved with too few approvals",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Request.Approvals = p.Request.Approvals[:1]
				return "promotionRequest.approvals"
			},
			want: "APPROVED with 1 approval(s) from distinct approvers, but policy version 2 requires 2",
		},
		{
			name: "approved twice by the same approver",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Request.Approvals[1].Actor = evidencetest.Approver1
				return "promotionRequest.approvals[1]"
			},
			want: "carol decided more than once",
		},
		{
			name: "approved with a failed check",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Request.Checks[1].Verdict = "FAILED"
				return "promotionRequest.checks[BIAS]"
			},
			want: "verdict is FAILED, but the request is APPROVED",
		},
		{
			name: "approved without completion",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Audit.Events[evidencetest.EventIndex(t, p, "PROMOTION_COMPLETED", "")].Kind = "PROMOTION_CANCELLED"
				return "promotionRequest.status"
			},
			want: "no PROMOTION_COMPLETED event for " + evidencetest.RequestID,
		},
		{
			name: "approved but not in the target stage",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.ModelVersion.Stage = "STAGING"
				return "modelVersion.stage"
			},
			want: "is STAGING, but the APPROVED request moved it to PRODUCTION",
		},
		{
			name: "request without its event",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Request.RequestedBy = "mallory"
				return "promotionRequest"
			},
			want: "no PROMOTION_REQUESTED event by mallory",
		},
		{
			name: "policy version",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Policy.Version = 1
				return "policy.version"
			},
			want: "held to policy version 2",
		},
		{
			name: "wrong format",
			tamper: func(t *testing.T, p *evidence.Pack) string {
				p.Format = "exphub.evidence/v0"
				return "format"
			},
			want: `is "exphub.evidence/v0", want "exphub.evidence/v5"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := evidencetest.Pack(t)
			where := tt.tamper(t, p)
			problems := evidence.Verify(p)
			t.Logf("problems:\n%s", list(problems))
			found := slices.ContainsFunc(problems, func(pr evidence.Problem) bool {
				return pr.Where == where && strings.Contains(pr.Message, tt.want)
			})
			if !found {
				t.Errorf("Verify did not report %s: …%s…; it found:\n%s", where, tt.want, list(problems))
			}
			// The order is stable: verifying again gives the same list.
			if again := evidence.Verify(p); !slices.Equal(again, problems) {
				t.Errorf("a second Verify returned\n%s, the first\n%s", list(again), list(problems))
			}
		})
	}
}

// indexed is the Where of a list's element i.
func indexed(list string, i int) string { return fmt.Sprintf("%s[%d]", list, i) }

func TestVerifyReportsEveryProblem(t *testing.T) {
	p := evidencetest.Pack(t)
	p.Format = "x"
	p.Validations[0].SHA256 = strings.Repeat("0", 64)
	p.Request.Approvals = p.Request.Approvals[:1]
	problems := evidence.Verify(p)
	var where []string
	for _, pr := range problems {
		where = append(where, pr.Where)
	}
	want := []string{"format", "validations[" + evidencetest.RawValidation + "]", "promotionRequest.approvals"}
	for _, w := range want {
		if !slices.Contains(where, w) {
			t.Errorf("problems at %q do not include %q", where, w)
		}
	}
	if len(problems) < len(want) {
		t.Errorf("Verify found %d problems, want at least %d", len(problems), len(want))
	}
}

func TestRead(t *testing.T) {
	good, err := json.Marshal(evidencetest.Pack(t))
	if err != nil {
		t.Fatal(err)
	}
	withField := bytes.Replace(good, []byte(`"generatedBy"`), []byte(`"signedBy":"x","generatedBy"`), 1)
	tests := []struct {
		name    string
		doc     string
		wantErr string // empty: no error
	}{
		{name: "pack", doc: string(good)},
		{name: "pack and whitespace", doc: string(good) + "\n\n"},
		{name: "unknown field", doc: string(withField), wantErr: `unknown field "signedBy"`},
		{name: "version 4 pack", doc: string(bytes.Replace(good, []byte(`"exphub.evidence/v5"`), []byte(`"exphub.evidence/v4"`), 1))},
		{name: "version 3 pack", doc: string(bytes.Replace(good, []byte(`"exphub.evidence/v5"`), []byte(`"exphub.evidence/v3"`), 1))},
		{name: "version 2 pack", doc: string(bytes.Replace(good, []byte(`"exphub.evidence/v5"`), []byte(`"exphub.evidence/v2"`), 1))},
		{name: "version 1 pack", doc: string(bytes.Replace(good, []byte(`"exphub.evidence/v5"`), []byte(`"exphub.evidence/v1"`), 1))},
		{name: "other format", doc: `{"format":"exphub.evidence/v6"}`, wantErr: `unsupported evidence pack format "exphub.evidence/v6"`},
		{name: "no format", doc: `{"promotionRequest":{}}`, wantErr: `no "format" field`},
		{name: "graphql response", doc: `{"data":{"evidencePack":{}}}`, wantErr: "data.evidencePack"},
		{name: "array", doc: `[1]`, wantErr: "JSON array, not an object"},
		{name: "not JSON", doc: `format: v1`, wantErr: "not an evidence pack"},
		{name: "empty", doc: ``, wantErr: "not an evidence pack"},
		{name: "two documents", doc: string(good) + string(good), wantErr: "after top-level value"},
		{name: "wrong type", doc: `{"format":"exphub.evidence/v1","policy":{"version":"2"}}`, wantErr: "decode evidence pack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := evidence.Read(strings.NewReader(tt.doc))
			if tt.wantErr == "" {
				if err != nil || p == nil {
					t.Fatalf("Read = %v, %v", p, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Read error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestVerifyDisclosedEvents: an event whose payload refers to another
// project's object verifies for a reader who sees the reference (value and
// disclosure) and for one who sees only its marker; changing the disclosed
// value breaks it.
func TestVerifyDisclosedEvents(t *testing.T) {
	const salt, other = "0123456789abcdef0123456789abcdef", "dsv_01960c2e-0000-7000-8000-0000000000ff"
	p := evidencetest.Pack(t)
	// The training run's lineage event read a version of another project.
	i := len(p.Audit.Events) - 1
	e := &p.Audit.Events[i]
	e.Payload = map[string]any{"inputs": []any{evidencetest.FeatVersionID, hashchain.Marker(hashchain.Digest(salt, other))}}
	evidencetest.Reseal(t, p, i)
	// Re-link the chain after the edited event, as the hub wrote it.
	for j := range p.Audit.Chain {
		if p.Audit.Chain[j].Seq == e.Seq+1 {
			t.Fatalf("the edited event must be the chain's last for this test")
		}
	}
	if p.Audit.Head.Seq == e.Seq {
		p.Audit.Head = p.Audit.Chain[len(p.Audit.Chain)-1]
	}
	if problems := evidence.Verify(p); len(problems) > 0 {
		t.Fatalf("the redacted form does not verify:\n%s", list(problems))
	}
	opened := *e
	opened.Payload = map[string]any{"inputs": []any{evidencetest.FeatVersionID, other}}
	opened.Disclosures = []hashchain.Disclosure{{Path: "/inputs/1", Salt: salt}}
	p.Audit.Events[i] = opened
	if problems := evidence.Verify(p); len(problems) > 0 {
		t.Fatalf("the opened form does not verify:\n%s", list(problems))
	}
	forged := opened
	forged.Payload = map[string]any{"inputs": []any{evidencetest.FeatVersionID, "dsv_01960c2e-0000-7000-8000-0000000000fe"}}
	p.Audit.Events[i] = forged
	if problems := evidence.Verify(p); !slices.ContainsFunc(problems, func(pr evidence.Problem) bool {
		return strings.Contains(pr.Message, "content does not match its hash")
	}) {
		t.Errorf("a forged disclosed value verifies:\n%s", list(problems))
	}
}
