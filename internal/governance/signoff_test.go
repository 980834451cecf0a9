package governance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func grant(subject, project string, role auth.Role) *auth.Principal {
	return &auth.Principal{Subject: subject, Roles: map[string]auth.Role{project: role}}
}

// packFile is a request's evidence pack as a reviewer saves it.
func packFile(t *testing.T, gov *governance.Service, p *auth.Principal, requestID string) []byte {
	t.Helper()
	pack, err := gov.EvidencePack(t.Context(), p, requestID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(pack, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSignOffEvidencePack: an auditor signs off the exact pack file they
// read; the sign-off is an event of the log, a retry writes nothing, a
// later pack carries it and verifies, and a changed file matches no
// sign-off.
func TestSignOffEvidencePack(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	w := newPromotionWorld(t, s, "signoff", policyWith(func(p *store.PolicyInput) { p.RequiredApprovals = 1 }))
	req := request(t, s, "alice", w.mv.ID, store.StageProduction)
	rita := grant("rita", w.key, auth.RoleAuditor)
	file := packFile(t, gov, rita, req.ID)

	rejected, err := gov.SignOff(t.Context(), rita, governance.SignOffInput{Subject: store.SignOffEvidencePack, Document: file,
		Decision: evidence.SignOffRejected, Findings: "No reproduction of the training run."})
	if err != nil {
		t.Fatal(err)
	}
	if rejected.Digest != evidence.Digest(file) || rejected.SubjectID != req.ID || rejected.ProjectKey != w.key || rejected.CreatedBy != "rita" {
		t.Fatalf("sign-off %+v", rejected)
	}
	again, err := gov.SignOff(t.Context(), rita, governance.SignOffInput{Subject: store.SignOffEvidencePack, Document: file,
		Decision: evidence.SignOffRejected, Findings: "No reproduction of the training run."})
	if err != nil || again.ID != rejected.ID {
		t.Fatalf("retry gave %+v, %v; want sign-off %s again", again, err, rejected.ID)
	}
	if n := countKind(t, w.key, store.EventEvidenceSignedOff, req.ID); n != 1 {
		t.Fatalf("%d EVIDENCE_SIGNED_OFF events after a sign-off and its retry, want 1", n)
	}

	// The next pack carries the sign-off, verifies, and is format 5.
	later := packFile(t, gov, rita, req.ID)
	pack, err := evidence.Read(bytes.NewReader(later))
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(pack); len(problems) != 0 {
		t.Fatalf("the later pack does not verify: %v", problems)
	}
	if pack.Format != evidence.Format || len(pack.SignOffs) != 1 || pack.SignOffs[0].Digest != evidence.Digest(file) ||
		pack.SignOffs[0].Decision != evidence.SignOffRejected || pack.SignOffs[0].By != "rita" {
		t.Fatalf("later pack %s has sign-offs %+v", pack.Format, pack.SignOffs)
	}
	accepted, err := gov.SignOff(t.Context(), rita, governance.SignOffInput{Subject: store.SignOffEvidencePack, Document: later,
		Decision: evidence.SignOffAccepted})
	if err != nil {
		t.Fatal(err)
	}

	// Looking a file up by its digest: the signed file matches, a copy
	// changed by one byte matches nothing.
	found, err := gov.SignOffsByDigest(t.Context(), grant("vic", w.key, auth.RoleViewer), evidence.Digest(later))
	if err != nil || len(found) != 1 || found[0].ID != accepted.ID {
		t.Fatalf("by digest: %+v, %v", found, err)
	}
	changed := bytes.Replace(later, []byte(req.ID), []byte(req.ID+" "), 1)
	if found, err := gov.SignOffsByDigest(t.Context(), rita, evidence.Digest(changed)); err != nil || len(found) != 0 {
		t.Fatalf("a changed file matches %+v, %v", found, err)
	}
	// Another project's reader does not see it.
	if found, err := gov.SignOffsByDigest(t.Context(), grant("eve", "elsewhere", auth.RoleAuditor), evidence.Digest(later)); err != nil || len(found) != 0 {
		t.Fatalf("another project's reader found %+v, %v", found, err)
	}
	list, err := gov.SignOffsOf(t.Context(), req.ID)
	if err != nil || len(list) != 2 || list[0].ID != rejected.ID || list[1].ID != accepted.ID {
		t.Fatalf("sign-offs of the request: %+v, %v", list, err)
	}
}

// TestSignOffRefusals: who may not sign off, and documents the hub does
// not sign: each is refused with an error that says why, and writes
// nothing.
func TestSignOffRefusals(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	w := newPromotionWorld(t, s, "signoff-no", policyWith(func(p *store.PolicyInput) { p.RequiredApprovals = 1 }))
	req := request(t, s, "alice", w.mv.ID, store.StageProduction)
	rita := grant("rita", w.key, auth.RoleAuditor)
	file := packFile(t, gov, rita, req.ID)
	var pack map[string]any
	if err := json.Unmarshal(file, &pack); err != nil {
		t.Fatal(err)
	}
	edited := func(edit func(p map[string]any)) []byte {
		var p map[string]any
		if err := json.Unmarshal(file, &p); err != nil {
			t.Fatal(err)
		}
		edit(p)
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	in := func(doc []byte, decision, findings string) governance.SignOffInput {
		return governance.SignOffInput{Subject: store.SignOffEvidencePack, Document: doc, Decision: decision, Findings: findings}
	}
	ok := in(file, evidence.SignOffAccepted, "")
	tests := []struct {
		name string
		p    *auth.Principal
		in   governance.SignOffInput
		is   error
		want string
	}{
		{"viewer", grant("vic", w.key, auth.RoleViewer), ok, errs.Forbidden, "auditor role"},
		{"approver", grant("ann", w.key, auth.RoleApprover), ok, errs.Forbidden, "auditor role"},
		{"admin", grant("adm", w.key, auth.RoleAdmin), ok, errs.Forbidden, "auditor role"},
		{"auditor of another project", grant("eve", "elsewhere", auth.RoleAuditor), ok, errs.NotFound, req.ID},
		{"unknown decision", rita, in(file, "WAIVED", ""), errs.Invalid, "decision"},
		{"rejection without findings", rita, in(file, evidence.SignOffRejected, ""), errs.Invalid, "findings"},
		{"empty document", rita, in(nil, evidence.SignOffAccepted, ""), errs.Invalid, "document: is empty"},
		{"not a pack", rita, in([]byte(`{"data":{"evidencePack":{}}}`), evidence.SignOffAccepted, ""), errs.Invalid, "data.evidencePack"},
		{"justification changed", rita, in(edited(func(p map[string]any) {
			p["promotionRequest"].(map[string]any)["justification"] = "Approved by the board."
		}), evidence.SignOffAccepted, ""), errs.Invalid, "pack's promotionRequest is not the hub's evidence"},
		{"lineage pruned", rita, in(edited(func(p map[string]any) {
			l := p["lineage"].(map[string]any)
			l["edges"] = []any{}
		}), evidence.SignOffAccepted, ""), errs.Invalid, ""},
		{"a head the log never had", rita, in(edited(func(p map[string]any) {
			a := p["audit"].(map[string]any)
			h := a["head"].(map[string]any)
			h["seq"], h["hash"] = h["seq"].(float64)+1e6, strings.Repeat("ab", 32)
		}), evidence.SignOffAccepted, ""), errs.Invalid, "not this hub's log"},
		{"unknown subject", rita, governance.SignOffInput{Subject: "MODEL_CARD", Document: file, Decision: evidence.SignOffAccepted}, errs.Invalid, "subject"},
		{"report of no project", rita, governance.SignOffInput{Subject: store.SignOffGovernanceReport, Document: []byte(`{"governanceReport":{}}`),
			Decision: evidence.SignOffAccepted}, errs.Invalid, "governanceReport.projectKey"},
		{"report of a project not audited", grant("ann", w.key, auth.RoleApprover), governance.SignOffInput{Subject: store.SignOffGovernanceReport,
			Document: []byte(`{"governanceReport":{"projectKey":"` + w.key + `"}}`), Decision: evidence.SignOffAccepted}, errs.Forbidden, "auditor role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gov.SignOff(t.Context(), tt.p, tt.in)
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %v containing %q", err, tt.is, tt.want)
			}
		})
	}
	if n := countKind(t, w.key, store.EventEvidenceSignedOff, ""); n != 0 {
		t.Fatalf("refused sign-offs wrote %d events", n)
	}
	if n := neo4jtest.Count(t, `MATCH (so:SignOff {projectKey: $k}) RETURN count(so) AS n`, map[string]any{"k": w.key}); n != 0 {
		t.Fatalf("refused sign-offs wrote %d SignOff nodes", n)
	}
	// The same file from an auditor of every project is signed.
	if _, err := gov.SignOff(t.Context(), grant("carol", auth.AllProjects, auth.RoleAuditor), ok); err != nil {
		t.Fatalf("an auditor of every project: %v", err)
	}
}

// TestSignOffGovernanceReport: a report is signed off by its digest in its
// project, as an event about the project.
func TestSignOffGovernanceReport(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	key := neo4jtest.Project(t, s, "signoff-report")
	prj, err := s.ProjectByKey(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{"governanceReport":{"projectKey":"` + key + `","figures":{"runs":3}},"promotionRequests":[]}`)
	so, err := gov.SignOff(t.Context(), grant("rita", key, auth.RoleAuditor), governance.SignOffInput{Subject: store.SignOffGovernanceReport,
		Document: doc, Decision: evidence.SignOffRejected, Findings: "Coverage below 80 %."})
	if err != nil {
		t.Fatal(err)
	}
	if so.SubjectID != prj.ID || so.Subject != store.SignOffGovernanceReport || so.Digest != evidence.Digest(doc) {
		t.Fatalf("sign-off %+v", so)
	}
	if n := countKind(t, key, store.EventEvidenceSignedOff, prj.ID); n != 1 {
		t.Fatalf("%d events about the project, want 1", n)
	}
}
