package store

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// EventEvidenceSignedOff records a compliance sign-off (payload:
// signOffId, subject, digest, decision, findings); its target is what was
// signed off: the promotion request of an evidence pack, or the project
// of a governance report.
const EventEvidenceSignedOff EventKind = "EVIDENCE_SIGNED_OFF"

func init() { EventKinds = append(EventKinds, EventEvidenceSignedOff) }

// SignOffSubject is what a sign-off is about.
type SignOffSubject string

// The subjects of sign-offs.
const (
	SignOffEvidencePack     SignOffSubject = "EVIDENCE_PACK"
	SignOffGovernanceReport SignOffSubject = "GOVERNANCE_REPORT"
)

// SignOff is a compliance reviewer's acceptance or rejection of one
// document (an evidence pack, a governance report), identified by the
// SHA-256 of its bytes.
type SignOff struct {
	ID         string
	ProjectKey string
	Subject    SignOffSubject
	// SubjectID is the promotion request of a pack, the project of a
	// report.
	SubjectID string
	Digest    string
	// Decision is ACCEPTED or REJECTED.
	Decision  string
	Findings  string
	CreatedAt time.Time
	CreatedBy string
}

func decodeSignOff(m map[string]any) (*SignOff, error) {
	p := props{m: m}
	s := &SignOff{ID: p.str("id"), ProjectKey: p.str("projectKey"), Subject: SignOffSubject(p.str("subject")),
		SubjectID: p.str("subjectId"), Digest: p.str("digest"), Decision: p.str("decision"), Findings: deref(p.optStr("findings")),
		CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy")}
	return s, p.err
}

// RecordSignOff stores a sign-off of the node subjectID (a promotion
// request or a project) in its project, with its EVIDENCE_SIGNED_OFF
// event. A reviewer's repeat of their latest sign-off of the same digest
// (a retry) returns that one and writes nothing; created says which.
func (s *Store) RecordSignOff(ctx context.Context, actor string, in SignOff) (so *SignOff, created bool, err error) {
	type result struct {
		so      *SignOff
		created bool
	}
	r, err := write(ctx, s, func(tx *txn) (result, error) {
		rec, err := tx.single(`
			MATCH (n:Node {id: $subject}) `+lockClause("n")+`
			WITH n
			OPTIONAL MATCH (prev:SignOff {subjectId: n.id, digest: $digest, createdBy: $actor})
			WITH n, prev ORDER BY prev.createdAt DESC LIMIT 1
			RETURN n.projectKey AS projectKey, prev{.*} AS prev`,
			map[string]any{"subject": in.SubjectID, "digest": in.Digest, "actor": actor})
		if err != nil {
			return result{}, err
		}
		if rec == nil {
			return result{}, fmt.Errorf("%s %s: %w", in.Subject, errs.Quote(in.SubjectID), errs.NotFound)
		}
		if prev, _ := rec.Get("prev"); prev != nil {
			p, err := recDecode(rec, "prev", decodeSignOff)
			if err != nil {
				return result{}, err
			}
			if p.Decision == in.Decision && p.Findings == in.Findings {
				return result{so: p}, nil
			}
		}
		project, err := recStr(rec, "projectKey")
		if err != nil {
			return result{}, err
		}
		so := &SignOff{ID: newID(KindSignOff), ProjectKey: project, Subject: in.Subject, SubjectID: in.SubjectID,
			Digest: in.Digest, Decision: in.Decision, Findings: in.Findings, CreatedAt: s.now().UTC(), CreatedBy: actor}
		if _, err := tx.run(`
			MATCH (n:Node {id: $subjectId})
			CREATE (so:SignOff:Node {id: $id, projectKey: $projectKey, subject: $subject, subjectId: n.id, digest: $digest,
			        decision: $decision, findings: $findings, createdAt: $at, createdBy: $actor})
			CREATE (so)-[:SIGNS_OFF]->(n)`,
			map[string]any{"subjectId": so.SubjectID, "id": so.ID, "projectKey": so.ProjectKey, "subject": string(so.Subject),
				"digest": so.Digest, "decision": so.Decision, "findings": so.Findings, "at": so.CreatedAt, "actor": actor}); err != nil {
			return result{}, err
		}
		ev := eventDraft{EventEvidenceSignedOff, so.ProjectKey, so.SubjectID, map[string]any{"signOffId": so.ID,
			"subject": string(so.Subject), "digest": so.Digest, "decision": so.Decision, "findings": so.Findings}}
		return result{so: so, created: true}, s.appendEvents(tx, actor, ev)
	})
	return r.so, r.created, err
}

// MaxSignOffs bounds the sign-offs listed for one subject: the latest.
const MaxSignOffs = 100

// SignOffsOf returns the latest MaxSignOffs sign-offs of each subject
// (promotion requests, projects), oldest first.
func (s *Store) SignOffsOf(ctx context.Context, subjectIDs []string) (map[string][]*SignOff, error) {
	return read(ctx, s, func(tx *txn) (map[string][]*SignOff, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			CALL { WITH id
				MATCH (so:SignOff {subjectId: id})
				RETURN so ORDER BY so.createdAt DESC, so.id DESC LIMIT $limit }
			RETURN so{.*} AS so ORDER BY so.createdAt, so.id`, map[string]any{"ids": subjectIDs, "limit": MaxSignOffs})
		if err != nil {
			return nil, err
		}
		sos, err := recsDecode(recs, "so", decodeSignOff)
		out := make(map[string][]*SignOff, len(subjectIDs))
		for _, so := range sos {
			out[so.SubjectID] = append(out[so.SubjectID], so)
		}
		return out, err
	})
}

// SignOffsByDigest returns the sign-offs of the document with the digest
// in the projects scope may read, oldest first, at most
// MaxSignOffs.
func (s *Store) SignOffsByDigest(ctx context.Context, digest string, scope Scope) ([]*SignOff, error) {
	return read(ctx, s, func(tx *txn) ([]*SignOff, error) {
		params := scope.params()
		params["digest"], params["limit"] = digest, MaxSignOffs
		recs, err := tx.run(`
			MATCH (so:SignOff {digest: $digest}) WHERE $allProjects OR so.projectKey IN $projectKeys
			RETURN so{.*} AS so ORDER BY so.createdAt, so.id LIMIT $limit`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "so", decodeSignOff)
	})
}

// SignOffsByIDs returns sign-offs by ID.
func (s *Store) SignOffsByIDs(ctx context.Context, ids []string) (map[string]*SignOff, error) {
	return byIDs(ctx, s, KindSignOff, ids, decodeSignOff, func(v *SignOff) string { return v.ID })
}

// LinkHashes returns the hash of the log's link at each seq that exists.
func (s *Store) LinkHashes(ctx context.Context, seqs []int64) (map[int64]string, error) {
	return read(ctx, s, func(tx *txn) (map[int64]string, error) {
		recs, err := tx.run(`
			UNWIND $seqs AS seq
			MATCH (e:Event {seq: seq})
			RETURN e.seq AS seq, e.hash AS hash`, map[string]any{"seqs": seqs})
		if err != nil {
			return nil, err
		}
		out := make(map[int64]string, len(recs))
		for _, rec := range recs {
			seq, err := recInt(rec, "seq")
			if err != nil {
				return nil, err
			}
			if out[seq], err = recStr(rec, "hash"); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}
