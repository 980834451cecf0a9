package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/hashchain"
)

// Event kinds, node kinds and statuses the checks refer to; the values are
// the GraphQL enum values the hub writes.
const (
	kindPromotionRequested = "PROMOTION_REQUESTED"
	kindPromotionApproved  = "PROMOTION_APPROVED"
	kindPromotionRejected  = "PROMOTION_REJECTED"
	kindPromotionCompleted = "PROMOTION_COMPLETED"
	kindModelStageChanged  = "MODEL_STAGE_CHANGED"
	kindRunLineageChanged  = "RUN_LINEAGE_CHANGED"

	nodeDatasetVersion = "DATASET_VERSION"
	nodeModelVersion   = "MODEL_VERSION"
	nodeRun            = "RUN"

	statusApproved   = "APPROVED"
	decisionApproved = "APPROVED"
	decisionRejected = "REJECTED"
	verdictPassed    = "PASSED"
)

// Problem is one inconsistency Verify found.
type Problem struct {
	// Where is a path into the pack's JSON document: field names as the
	// document spells them, [n] an index into a list (audit.events[3],
	// audit.chain[12]) and [id] the element of a list with that ID or
	// name (validations[vr_…], promotionRequest.checks[BIAS]).
	Where string `json:"where"`
	// Message says what is wrong, in a sentence.
	Message string `json:"message"`
}

// String returns "where: message".
func (p Problem) String() string { return p.Where + ": " + p.Message }

// Read decodes an evidence pack from r.
//
// It is strict: the document must be one JSON object whose format is
// exactly Format, with no field this version does not know and nothing
// after it. A tampered or foreign document is refused with a message that
// says why, rather than read with parts silently dropped; forward
// compatibility is the format's job — a pack with new fields carries a new
// format version, which this reader reports as unsupported.
//
// Numbers in event payloads decode as float64; an event's hash encodes an
// integer and the float64 of the same value identically, so Verify can
// recompute hashes from a decoded pack.
func Read(r io.Reader) (*Pack, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read evidence pack: %w", err)
	}
	// The probe reads the whole document (json.Unmarshal refuses anything
	// after the first value) but only the fields that say what it is.
	var probe struct {
		Format *string         `json:"format"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			return nil, fmt.Errorf("not an evidence pack: the document is a JSON %s, not an object", typeErr.Value)
		}
		return nil, fmt.Errorf("not an evidence pack: %w", err)
	}
	switch {
	case probe.Format == nil && probe.Data != nil:
		return nil, fmt.Errorf("not an evidence pack: no \"format\" field; this looks like a GraphQL response — save its data.evidencePack")
	case probe.Format == nil:
		return nil, fmt.Errorf("not an evidence pack: no \"format\" field (want %q)", Format)
	case !knownFormat(*probe.Format):
		return nil, fmt.Errorf("unsupported evidence pack format %q (this version reads %s)", *probe.Format, strings.Join(quoted(formats), ", "))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Pack
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("decode evidence pack: %w", err)
	}
	return &p, nil
}

// knownFormat reports whether f is a format Read and Verify know.
func knownFormat(f string) bool { return slices.Contains(formats, f) }

// quoted returns each of ss in Go's quotes.
func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// hasArtifacts reports whether packs of format f list run artifacts.
func hasArtifacts(f string) bool { return since(f, FormatV3) }

// ComputeHash returns the hash the event must carry: the hex SHA-256 of
// the canonical JSON of its content and its previous hash, as the hub
// computes it (see hashchain.Content).
// References the event discloses are sealed again first: the hash covers
// their markers.
func (e *Event) ComputeHash() (string, error) {
	payload, err := hashchain.Seal(e.Payload, e.Disclosures)
	if err != nil {
		return "", err
	}
	return hashchain.Content{Seq: e.Seq, At: hashchain.FormatTime(e.At), Actor: e.Actor, ProjectKey: e.ProjectKey,
		Kind: e.Kind, TargetID: e.TargetID, Payload: payload, PrevHash: e.PrevHash}.Hash()
}

// ChainSpan returns the seq of the chain's first and last links, or 0, 0
// when the chain is empty.
func (a *Audit) ChainSpan() (first, last int64) {
	if len(a.Chain) == 0 {
		return 0, 0
	}
	return a.Chain[0].Seq, a.Chain[len(a.Chain)-1].Seq
}

// ApprovedBy returns the distinct actors whose decision on the request is
// APPROVED, in the order of their first approval: the approvals that count
// toward the policy's RequiredApprovals.
func (r *Request) ApprovedBy() []string {
	var actors []string
	seen := map[string]bool{}
	for _, a := range r.Approvals {
		if a.Decision == decisionApproved && !seen[a.Actor] {
			seen[a.Actor] = true
			actors = append(actors, a.Actor)
		}
	}
	return actors
}

// Verify checks a pack offline, trusting nothing but the hash function:
//
//   - the format is Format;
//   - the audit trail: every event in full recomputes to its hash, events
//     are in seq order, the chain is consecutive with each link's prevHash
//     the previous link's hash (the genesis hash before seq 1), every event
//     is the chain's link at its seq, and the head is not behind the chain;
//   - the evidence: the request names the model version, which is a node of
//     the lineage; lineage edges join listed nodes; dataset versions carry
//     a sha256 digest, which every validation of them and every bias check
//     on them read; the checks' evidence is in the pack;
//   - the run artifacts (format 3): each is a file of a run the pack covers
//     (the training run or a run of the lineage), and its size and sha256
//     are what the last audit event recording that file says; every file
//     the audit events record for those runs is listed;
//   - the decisions: the request and every approval have their audit events
//     and every approval or rejection event is among the approvals;
//     separation of duties holds; an APPROVED request has its approvals,
//     passing checks, a PROMOTION_COMPLETED event and the model version in
//     the target stage (or a later stage change recorded in the pack);
//   - the sign-offs (format 5): each is what its EVIDENCE_SIGNED_OFF event
//     says, and every such event of the request is listed.
//
// It returns every problem found, not just the first, in a stable order:
// the order of the checks above, and within a check the order of the
// pack's lists. None means the pack is consistent.
func Verify(p *Pack) []Problem {
	return VerifyWith(p, Options{}).Problems
}

// Options are what a reviewer brings to VerifyWith.
type Options struct {
	// PublicKey is the operator's checkpoint key. Without it, a pack's
	// checkpoint is checked for consistency but its signature is not.
	PublicKey ed25519.PublicKey
}

// Report is the outcome of VerifyWith.
type Report struct {
	// Problems are as Verify returns them, the anchor's among them.
	Problems []Problem
	// Checkpoint says, in a sentence, what the pack's checkpoint proves:
	// "no checkpoint" when it carries none, whether the signature was
	// checked, and which events it places in the signed log.
	Checkpoint string
	// Anchored is set when the pack's events are proven to be in the log
	// the given public key signed: the anchor holds and its signatures
	// verify.
	Anchored bool
}

// VerifyWith is Verify, and with a public key it also proves the pack's
// events (audit.events, not audit.earlier) are in the log that key
// signed (see Anchor): a checkpoint signed by another key, a signature
// that does not verify, or a chain that does not fold to the checkpoint
// is a problem. A pack without an anchor (older formats, a hub without a
// key) verifies as before, and its Checkpoint says "no checkpoint".
func VerifyWith(p *Pack, o Options) Report {
	v := &verifier{p: p}
	if !knownFormat(p.Format) {
		v.add("format", "is %q, want %q", p.Format, Format)
	}
	v.chain()
	v.events()
	v.earlier()
	v.head()
	status, anchored := v.anchor(o.PublicKey)
	v.lineage()
	v.validations()
	v.biasChecks()
	v.runArtifacts()
	v.request()
	v.approvals()
	v.approved()
	v.signOffs()
	return Report{Problems: v.problems, Checkpoint: status, Anchored: anchored && len(v.problems) == 0}
}

// verifier collects the problems of one pack.
type verifier struct {
	p        *Pack
	problems []Problem
}

func (v *verifier) add(where, format string, args ...any) {
	v.problems = append(v.problems, Problem{Where: where, Message: fmt.Sprintf(format, args...)})
}

// chain checks that the links are consecutive and linked.
func (v *verifier) chain() {
	a := &v.p.Audit
	if len(a.Chain) == 0 && len(a.Events) > 0 {
		v.add("audit.chain", "is empty, but audit.events has %d events", len(a.Events))
	}
	for i, l := range a.Chain {
		where := fmt.Sprintf("audit.chain[%d]", i)
		if i == 0 {
			if l.Seq < 1 {
				v.add(where, "seq %d is not a seq of the log (they start at 1)", l.Seq)
			} else if l.Seq == 1 && l.PrevHash != hashchain.Genesis {
				v.add(where, "seq 1 is the first event of the log, but its prevHash is %s, not the genesis hash (64 zeros)", l.PrevHash)
			}
			continue
		}
		prev := a.Chain[i-1]
		switch {
		case l.Seq <= prev.Seq:
			v.add(where, "seq %d follows seq %d: the chain must be consecutive, without repeats", l.Seq, prev.Seq)
		case l.Seq == prev.Seq+2:
			v.add(where, "seq %d follows seq %d: link %d is missing", l.Seq, prev.Seq, prev.Seq+1)
		case l.Seq > prev.Seq+2:
			v.add(where, "seq %d follows seq %d: links %d to %d are missing", l.Seq, prev.Seq, prev.Seq+1, l.Seq-1)
		case l.PrevHash != prev.Hash:
			v.add(where, "seq %d: prevHash %s is not the hash of link seq %d (%s)", l.Seq, l.PrevHash, prev.Seq, prev.Hash)
		}
	}
}

// earlier checks the events older than the chain's window: their hashes
// and their order, all before the chain.
func (v *verifier) earlier() {
	a := &v.p.Audit
	first, _ := a.ChainSpan()
	for i, e := range a.Earlier {
		where := fmt.Sprintf("audit.earlier[%d]", i)
		switch h, err := e.ComputeHash(); {
		case i > 0 && e.Seq <= a.Earlier[i-1].Seq:
			v.add(where, "seq %d comes after seq %d: events must be in seq order, oldest first, without repeats", e.Seq, a.Earlier[i-1].Seq)
		case len(a.Chain) > 0 && e.Seq >= first:
			v.add(where, "seq %d (%s) is not before the chain (it starts at seq %d): it belongs in audit.events", e.Seq, e.Kind, first)
		case err != nil:
			v.add(where, "seq %d (%s): cannot hash its content: %v", e.Seq, e.Kind, err)
		case h != e.Hash:
			v.add(where, "seq %d (%s): content does not match its hash: it hashes to %s, the event says %s", e.Seq, e.Kind, h, e.Hash)
		}
	}
}

// events checks every event in full: its hash, its order and its link.
func (v *verifier) events() {
	a := &v.p.Audit
	links := make(map[int64]Link, len(a.Chain))
	for _, l := range a.Chain {
		if _, dup := links[l.Seq]; !dup {
			links[l.Seq] = l
		}
	}
	for i, e := range a.Events {
		where := fmt.Sprintf("audit.events[%d]", i)
		if i > 0 && e.Seq <= a.Events[i-1].Seq {
			v.add(where, "seq %d comes after seq %d: events must be in seq order, oldest first, without repeats", e.Seq, a.Events[i-1].Seq)
		}
		h, err := e.ComputeHash()
		switch {
		case err != nil:
			v.add(where, "seq %d (%s): cannot hash its content: %v", e.Seq, e.Kind, err)
		case h != e.Hash:
			v.add(where, "seq %d (%s): content does not match its hash: it hashes to %s, the event says %s", e.Seq, e.Kind, h, e.Hash)
		}
		l, ok := links[e.Seq]
		switch {
		case !ok:
			v.add(where, "seq %d (%s) is not in audit.chain", e.Seq, e.Kind)
		case l.Hash != e.Hash:
			v.add(where, "seq %d (%s): hash %s differs from the chain's link at seq %d (%s)", e.Seq, e.Kind, e.Hash, e.Seq, l.Hash)
		case l.PrevHash != e.PrevHash:
			v.add(where, "seq %d (%s): prevHash %s differs from the chain's link at seq %d (%s)", e.Seq, e.Kind, e.PrevHash, e.Seq, l.PrevHash)
		}
	}
}

// head checks that the head is not behind the chain.
func (v *verifier) head() {
	a := &v.p.Audit
	if len(a.Chain) == 0 {
		return
	}
	last := a.Chain[len(a.Chain)-1]
	switch {
	case a.Head.Seq < last.Seq:
		v.add("audit.head", "seq %d is before the chain's last link (seq %d)", a.Head.Seq, last.Seq)
	case a.Head.Seq == last.Seq && (a.Head.Hash != last.Hash || a.Head.PrevHash != last.PrevHash):
		v.add("audit.head", "seq %d is the chain's last link, but its hash %s differs from the link's (%s)", a.Head.Seq, a.Head.Hash, last.Hash)
	}
}

// node returns the lineage node with the ID.
func (v *verifier) node(id string) (LineageNode, bool) {
	for _, n := range v.p.Lineage.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return LineageNode{}, false
}

// cited reports whether a check of the request names id as evidence.
func (v *verifier) cited(id string) bool {
	for _, c := range v.p.Request.Checks {
		if slices.Contains(c.EvidenceIDs, id) {
			return true
		}
	}
	return false
}

// lineage checks the nodes, the edges and the model version's place.
func (v *verifier) lineage() {
	l := &v.p.Lineage
	seen := map[string]bool{}
	for _, n := range l.Nodes {
		where := "lineage.nodes[" + n.ID + "]"
		if seen[n.ID] {
			v.add(where, "is listed more than once")
			continue
		}
		seen[n.ID] = true
		if n.Kind == nodeDatasetVersion && !isSHA256(n.Digest) {
			v.add(where, "dataset version digest %q is not a sha256 (64 lowercase hex characters)", n.Digest)
		}
		if n.ThroughHidden && (n.Kind != nodeDatasetVersion || !v.cited(n.ID)) {
			v.add(where, "is listed as reached through hidden projects, but it is not a dataset version a check of the request cites")
		}
	}
	for i, e := range l.Edges {
		for _, end := range []struct{ name, id string }{{"from", e.From}, {"to", e.To}} {
			if !seen[end.id] {
				v.add(fmt.Sprintf("lineage.edges[%d]", i), "%s %q is not a node of the lineage", end.name, end.id)
			}
		}
	}
	mv := v.p.ModelVersion.ID
	if n, ok := v.node(mv); !ok {
		v.add("lineage", "the model version %s is not a node of the lineage", mv)
	} else if n.Kind != nodeModelVersion {
		v.add("lineage.nodes["+mv+"]", "is the model version, but its kind is %s, not %s", n.Kind, nodeModelVersion)
	}
}

// validations checks that each validation read an upstream dataset
// version's data.
func (v *verifier) validations() {
	for _, val := range v.p.Validations {
		where := "validations[" + val.ID + "]"
		n, ok := v.node(val.DatasetVersionID)
		switch {
		case !ok || n.Kind != nodeDatasetVersion:
			v.add(where, "dataset version %s is not a dataset version of the lineage", val.DatasetVersionID)
		case val.SHA256 != "" && val.SHA256 != n.Digest:
			v.add(where, "read data with sha256 %s, but dataset version %s has digest %s", val.SHA256, n.ID, n.Digest)
		}
	}
}

// biasChecks checks that each bias check on a dataset version of the
// lineage read that version's data; an evaluation set outside the lineage
// has no digest in the pack to compare with.
func (v *verifier) biasChecks() {
	for _, bc := range v.p.BiasChecks {
		n, ok := v.node(bc.DatasetVersionID)
		if !ok || n.Kind != nodeDatasetVersion || bc.Report.SHA256 == n.Digest {
			continue
		}
		where := "biasChecks[" + bc.ID + "]"
		if bc.Report.SHA256 == "" {
			v.add(where, "report has no sha256 of the data it read, so it cannot be tied to dataset version %s (digest %s)", n.ID, n.Digest)
		} else {
			v.add(where, "read data with sha256 %s, but dataset version %s has digest %s", bc.Report.SHA256, n.ID, n.Digest)
		}
	}
}

// isSHA256 reports whether s is a sha256 as 64 lowercase hex characters.
func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
