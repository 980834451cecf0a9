package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Sign-off decisions and the event that records one.
const (
	SignOffAccepted = "ACCEPTED"
	SignOffRejected = "REJECTED"

	kindEvidenceSignedOff = "EVIDENCE_SIGNED_OFF"
)

// Digest returns the hex SHA-256 of a pack file's bytes: what a sign-off
// names, and what `sha256sum` prints for the file.
func Digest(file []byte) string {
	sum := sha256.Sum256(file)
	return hex.EncodeToString(sum[:])
}

// SignOffOf reads a sign-off from its EVIDENCE_SIGNED_OFF event, and
// reports false for an event of another kind or without the payload a
// sign-off event carries.
func SignOffOf(e Event) (SignOff, bool) {
	if e.Kind != kindEvidenceSignedOff {
		return SignOff{}, false
	}
	str := func(k string) string { s, _ := e.Payload[k].(string); return s }
	s := SignOff{ID: str("signOffId"), Digest: str("digest"), Decision: str("decision"), Findings: str("findings"),
		By: e.Actor, At: e.At, Seq: e.Seq}
	return s, s.ID != "" && s.Digest != ""
}

// signOffs checks the sign-offs against their events, both ways: each
// entry is what its event (in audit.events or audit.earlier) says, and
// every sign-off event of the request has its entry.
func (v *verifier) signOffs() {
	p := v.p
	if len(p.SignOffs) > 0 && !since(p.Format, Format) {
		v.add("signOffs", "a %s pack carries no sign-offs (they came with %s)", p.Format, Format)
	}
	events := map[int64]Event{}
	for _, e := range append(append([]Event(nil), p.Audit.Earlier...), p.Audit.Events...) {
		if e.Kind == kindEvidenceSignedOff && e.TargetID == p.Request.ID {
			events[e.Seq] = e
		}
	}
	listed := map[int64]bool{}
	for i, s := range p.SignOffs {
		where := fmt.Sprintf("signOffs[%d]", i)
		listed[s.Seq] = true
		switch {
		case s.Decision != SignOffAccepted && s.Decision != SignOffRejected:
			v.add(where, "decision %q is neither %s nor %s", s.Decision, SignOffAccepted, SignOffRejected)
		case s.Decision == SignOffRejected && s.Findings == "":
			v.add(where, "a rejection by %s has no findings", s.By)
		}
		if b, err := hex.DecodeString(s.Digest); err != nil || len(b) != sha256.Size {
			v.add(where, "digest %q is not a hex SHA-256", s.Digest)
		}
		e, ok := events[s.Seq]
		if !ok {
			v.add(where, "has no %s event for %s at seq %d in the audit trail", kindEvidenceSignedOff, p.Request.ID, s.Seq)
			continue
		}
		if got, _ := SignOffOf(e); got.ID != s.ID || got.Digest != s.Digest || got.Decision != s.Decision ||
			got.Findings != s.Findings || got.By != s.By || !got.At.Equal(s.At) {
			v.add(where, "differs from its event at seq %d: the event records %s by %s of digest %s at %s",
				s.Seq, got.Decision, got.By, got.Digest, got.At.Format(time.RFC3339Nano))
		}
	}
	for _, seq := range slices.Sorted(maps.Keys(events)) {
		if e := events[seq]; !listed[seq] {
			v.add("signOffs", "the %s event by %s at seq %d has no entry", e.Kind, e.Actor, seq)
		}
	}
}
