package governance

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/store"
)

// MaxFindingsBytes bounds a sign-off's findings.
const MaxFindingsBytes = 16 << 10

// SignOffInput is a compliance reviewer's verdict on a document: the
// document exactly as read (its SHA-256 is what is signed), what it is,
// the decision, and the findings (required for a rejection).
type SignOffInput struct {
	Subject  store.SignOffSubject
	Document []byte
	Decision string
	Findings string
}

// SignOff records a reviewer's acceptance or rejection of an evidence pack
// or a governance report, identified by the SHA-256 of the document's
// bytes, as an EVIDENCE_SIGNED_OFF event of the hash-chained log; later
// packs of the request carry it.
//
// Only a reviewer granted auditor (on the project or on every project)
// signs off: an approver or admin decides or runs what is reviewed, and
// the sign-off is the independent review of it. A pack is checked before
// it is signed: it must verify offline, be a pack of a request the caller
// may read, and its audit trail must be this hub's log (the links it
// names have the hashes the log has). A report must name its project.
// Anything else is BAD_USER_INPUT and writes nothing. A retry of the
// reviewer's latest sign-off of the same digest returns it unchanged.
func (s *Service) SignOff(ctx context.Context, p *auth.Principal, in SignOffInput) (*store.SignOff, error) {
	if in.Decision != evidence.SignOffAccepted && in.Decision != evidence.SignOffRejected {
		return nil, errs.Invalidf("decision: must be %s or %s, got %s", evidence.SignOffAccepted, evidence.SignOffRejected, errs.Quote(in.Decision))
	}
	switch {
	case in.Decision == evidence.SignOffRejected && in.Findings == "":
		return nil, errs.Invalidf("findings: a rejection must say what was found")
	case len(in.Findings) > MaxFindingsBytes:
		return nil, errs.Invalidf("findings: at most %d bytes, got %d", MaxFindingsBytes, len(in.Findings))
	case !utf8.ValidString(in.Findings):
		return nil, errs.Invalidf("findings: not valid UTF-8")
	case len(in.Document) == 0:
		return nil, errs.Invalidf("document: is empty; give the %s exactly as you read it", subjectName(in.Subject))
	}
	var subjectID string
	switch in.Subject {
	case store.SignOffEvidencePack:
		req, err := s.checkPack(ctx, p, in.Document)
		if err != nil {
			return nil, err
		}
		subjectID = req.ID
	case store.SignOffGovernanceReport:
		prj, err := s.checkReport(ctx, p, in.Document)
		if err != nil {
			return nil, err
		}
		subjectID = prj.ID
	default:
		return nil, errs.Invalidf("subject: must be %s or %s, got %s", store.SignOffEvidencePack, store.SignOffGovernanceReport, errs.Quote(string(in.Subject)))
	}
	so, _, err := s.store.RecordSignOff(ctx, p.Subject, store.SignOff{Subject: in.Subject, SubjectID: subjectID,
		Digest: evidence.Digest(in.Document), Decision: in.Decision, Findings: in.Findings})
	return so, err
}

// requireAuditor checks that the caller holds the auditor grant for the
// project, its own or the one for every project. The project is one the
// caller named (a report's) or may read (a pack's request), so naming it
// in the refusal discloses nothing.
func requireAuditor(p *auth.Principal, project string) error {
	if p == nil {
		return errs.Unauthenticated
	}
	if p.Roles[project] == auth.RoleAuditor || p.Roles[auth.AllProjects] == auth.RoleAuditor {
		return nil
	}
	return errs.Forbiddenf("signing off needs the auditor role in project %s", errs.Quote(project))
}

func subjectName(s store.SignOffSubject) string {
	if s == store.SignOffGovernanceReport {
		return "governance report"
	}
	return "evidence pack"
}

// checkPack reads and verifies a pack and returns its request: the caller
// audits the request's project, the pack verifies offline, its evidence
// is what the hub would put in a pack for the caller now, and the links
// of its audit trail are this hub's.
func (s *Service) checkPack(ctx context.Context, p *auth.Principal, doc []byte) (*store.PromotionRequest, error) {
	pack, err := evidence.Read(bytes.NewReader(doc))
	if err != nil {
		return nil, errs.Invalidf("document: %v", err)
	}
	req, err := s.request(ctx, p, pack.Request.ID, auth.RoleViewer)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	if err := requireAuditor(p, req.ProjectKey); err != nil {
		return nil, err
	}
	if problems := evidence.Verify(pack); len(problems) > 0 {
		return nil, errs.Invalidf("document: the pack does not verify (%d problem(s)); the first: %s", len(problems), problems[0])
	}
	fresh, err := s.freshPack(ctx, req.ID, p)
	if err != nil {
		return nil, err
	}
	if section, err := differs(pack, fresh); err != nil || section != "" {
		if err != nil {
			return nil, err
		}
		return nil, errs.Invalidf("document: the pack's %s is not the hub's evidence of request %s as you may read it now: "+
			"the file was changed, or the evidence changed since it was made; review a fresh pack", section, req.ID)
	}
	claimed := map[int64]string{pack.Audit.Head.Seq: pack.Audit.Head.Hash}
	for _, l := range pack.Audit.Chain {
		claimed[l.Seq] = l.Hash
	}
	for _, e := range pack.Audit.Earlier {
		claimed[e.Seq] = e.Hash
	}
	seqs := slices.Sorted(maps.Keys(claimed))
	have, err := s.store.LinkHashes(ctx, seqs)
	if err != nil {
		return nil, err
	}
	for _, seq := range seqs {
		switch h, ok := have[seq]; {
		case !ok:
			return nil, errs.Invalidf("document: the pack's audit trail is not this hub's log: it has no event at seq %d", seq)
		case h != claimed[seq]:
			return nil, errs.Invalidf("document: the pack's audit trail is not this hub's log: the link at seq %d has hash %s here, the pack says %s",
				seq, h, errs.Quote(claimed[seq]))
		}
	}
	return req, nil
}

// freshPack is the pack the hub would give the caller now, as a reviewer
// reads it back from its file (so empty and absent lists compare as the
// file has them).
func (s *Service) freshPack(ctx context.Context, requestID string, p *auth.Principal) (*evidence.Pack, error) {
	pack, err := s.evidencePack(ctx, requestID, p.Subject, access.Scope(p))
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(pack)
	if err != nil {
		return nil, err
	}
	return evidence.Read(bytes.NewReader(b))
}

// differs returns the first section of the evidence in which pack is not
// fresh (a pack the hub made now for the same reader), or "". The audit
// trail is not compared: a fresh one has the events since, and its links
// are checked against the log instead; nor are the sign-offs, which
// follow from the trail.
func differs(pack, fresh *evidence.Pack) (string, error) {
	sections := []struct {
		name      string
		got, want any
	}{
		{"promotionRequest", pack.Request, fresh.Request},
		{"policy", pack.Policy, fresh.Policy},
		{"modelVersion", pack.ModelVersion, fresh.ModelVersion},
		{"trainingRun", pack.TrainingRun, fresh.TrainingRun},
		{"lineage", pack.Lineage, fresh.Lineage},
		{"validations", pack.Validations, fresh.Validations},
		{"biasChecks", pack.BiasChecks, fresh.BiasChecks},
		{"reproducibility", pack.Reproduction, fresh.Reproduction},
		{"runArtifacts", pack.RunArtifacts, fresh.RunArtifacts},
	}
	for _, sec := range sections {
		got, err := json.Marshal(sec.got)
		if err != nil {
			return "", err
		}
		want, err := json.Marshal(sec.want)
		if err != nil {
			return "", err
		}
		if !bytes.Equal(got, want) {
			return sec.name, nil
		}
	}
	return "", nil
}

// checkReport reads the project a governance report (hubctl report
// --format json) names, which the caller audits.
func (s *Service) checkReport(ctx context.Context, p *auth.Principal, doc []byte) (*store.Project, error) {
	var report struct {
		GovernanceReport *struct {
			ProjectKey string `json:"projectKey"`
		} `json:"governanceReport"`
	}
	if err := json.Unmarshal(doc, &report); err != nil {
		return nil, errs.Invalidf("document: not a governance report: %v", err)
	}
	if report.GovernanceReport == nil || report.GovernanceReport.ProjectKey == "" {
		return nil, errs.Invalidf("document: not a governance report: no governanceReport.projectKey (write one with hubctl report --format json)")
	}
	key := report.GovernanceReport.ProjectKey
	if err := requireAuditor(p, key); err != nil {
		return nil, err
	}
	prj, err := s.store.ProjectByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	if prj == nil {
		return nil, fmt.Errorf("project %s: %w", errs.Quote(key), errs.NotFound)
	}
	return prj, nil
}

// SignOffsOf returns the sign-offs of a promotion request's packs or a
// project's reports (subjectID is the request's or the project's ID),
// oldest first; the caller has read the subject.
func (s *Service) SignOffsOf(ctx context.Context, subjectID string) ([]*store.SignOff, error) {
	m, err := s.store.SignOffsOf(ctx, []string{subjectID})
	return m[subjectID], err
}

// SignOffsByDigest returns the sign-offs of the document with the SHA-256
// digest (64 hex digits) in the projects the caller may read.
func (s *Service) SignOffsByDigest(ctx context.Context, p *auth.Principal, digest string) ([]*store.SignOff, error) {
	if b, err := hex.DecodeString(digest); err != nil || len(b) != 32 {
		return nil, errs.Invalidf("digest: must be a SHA-256 in 64 hex digits, got %s", errs.Quote(digest))
	}
	return s.store.SignOffsByDigest(ctx, digest, access.Scope(p))
}

// packSignOffs lists the sign-offs among a pack's audit events.
func packSignOffs(pack *evidence.Pack) []evidence.SignOff {
	var out []evidence.SignOff
	for _, e := range append(slices.Clone(pack.Audit.Earlier), pack.Audit.Events...) {
		if so, ok := evidence.SignOffOf(e); ok && e.TargetID == pack.Request.ID {
			out = append(out, so)
		}
	}
	return out
}
