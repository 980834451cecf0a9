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

// recorded is the artifact an audit event records: its file and digest.
type recorded struct {
	run, path, sha256 string
	size              int64
	seq               int64
	where             string
}

// artifactEvents returns the run artifacts the pack's audit events record
// (earlier events first, then the chain's, so a later recording of a path
// comes after an earlier one). A logged model's files are recorded with
// its ID and are not a run's.
func (v *verifier) artifactEvents() []recorded {
	var out []recorded
	for _, list := range []struct {
		name   string
		events []Event
	}{{"audit.earlier", v.p.Audit.Earlier}, {"audit.events", v.p.Audit.Events}} {
		for i, e := range list.events {
			if e.Kind != kindRunLineageChanged {
				continue
			}
			path, ok := e.Payload["artifact"].(string)
			if _, model := e.Payload["loggedModelId"]; !ok || model {
				continue
			}
			sum, _ := e.Payload["sha256"].(string)
			size, _ := payloadInt(e.Payload["size"])
			out = append(out, recorded{run: e.TargetID, path: path, sha256: sum, size: size, seq: e.Seq,
				where: fmt.Sprintf("%s[%d]", list.name, i)})
		}
	}
	return out
}

// payloadInt reads a whole number from a payload (float64 once decoded
// from JSON, an integer when the hub built it).
func payloadInt(x any) (int64, bool) {
	switch n := x.(type) {
	case float64:
		return int64(n), float64(int64(n)) == n
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

// coveredRuns are the runs whose artifacts the pack lists: the training
// run and the runs of the lineage.
func (v *verifier) coveredRuns() map[string]bool {
	runs := map[string]bool{}
	if v.p.TrainingRun != nil {
		runs[v.p.TrainingRun.ID] = true
	}
	for _, n := range v.p.Lineage.Nodes {
		if n.Kind == nodeRun {
			runs[n.ID] = true
		}
	}
	return runs
}

// runArtifacts checks each listed artifact against the audit event that
// recorded it, and that every artifact recorded for a covered run is
// listed. Packs before format 3 have no artifacts to check.
func (v *verifier) runArtifacts() {
	if !hasArtifacts(v.p.Format) {
		if len(v.p.RunArtifacts) > 0 {
			v.add("runArtifacts", "a %s pack carries no run artifacts (they came with %s), but this one lists %d", v.p.Format, FormatV3, len(v.p.RunArtifacts))
		}
		return
	}
	covered := v.coveredRuns()
	last := map[[2]string]recorded{}
	for _, r := range v.artifactEvents() {
		if prev, ok := last[[2]string{r.run, r.path}]; !ok || r.seq > prev.seq {
			last[[2]string{r.run, r.path}] = r
		}
	}
	listed := map[[2]string]bool{}
	for i, a := range v.p.RunArtifacts {
		where := fmt.Sprintf("runArtifacts[%d]", i)
		key := [2]string{a.RunID, a.Path}
		r, ok := last[key]
		switch {
		case listed[key]:
			v.add(where, "%s of run %s is listed more than once", a.Path, a.RunID)
		case !covered[a.RunID]:
			v.add(where, "run %s is neither the training run nor a run of the lineage", a.RunID)
		case !isSHA256(a.SHA256):
			v.add(where, "%s of run %s: sha256 %q is not a sha256 (64 lowercase hex characters)", a.Path, a.RunID, a.SHA256)
		case !ok:
			v.add(where, "%s of run %s: no %s event in the audit records this file, so its digest cannot be checked", a.Path, a.RunID, kindRunLineageChanged)
		case r.sha256 != a.SHA256:
			v.add(where, "%s of run %s has sha256 %s, but the audit recorded %s for it (seq %d)", a.Path, a.RunID, a.SHA256, r.sha256, r.seq)
		case r.size != a.Size:
			v.add(where, "%s of run %s has %d bytes, but the audit recorded %d for it (seq %d)", a.Path, a.RunID, a.Size, r.size, r.seq)
		}
		listed[key] = true
	}
	for _, r := range v.artifactEvents() {
		key := [2]string{r.run, r.path}
		if covered[r.run] && !listed[key] && last[key].seq == r.seq {
			v.add(r.where, "seq %d records artifact %s of run %s (sha256 %s), which runArtifacts does not list", r.seq, r.path, r.run, r.sha256)
		}
	}
}

// RunArtifactProblems is the part of Verify that checks p's run artifacts
// against its audit events: the hub checks a pack it gathered with it, to
// gather again when an artifact was recorded between the reads.
func RunArtifactProblems(p *Pack) []Problem {
	v := &verifier{p: p}
	v.runArtifacts()
	return v.problems
}

// request checks the request's model version, policy, checks' evidence and
// its PROMOTION_REQUESTED event.
func (v *verifier) request() {
	r := &v.p.Request
	if r.ModelVersion != v.p.ModelVersion.ID {
		v.add("promotionRequest.modelVersionId", "is %s, but the pack's model version is %s", r.ModelVersion, v.p.ModelVersion.ID)
	}
	if r.PolicyVersion != v.p.Policy.Version {
		v.add("policy.version", "is %d, but the request is held to policy version %d", v.p.Policy.Version, r.PolicyVersion)
	}
	for _, c := range r.Checks {
		for _, id := range c.EvidenceIDs {
			if what, ok := v.evidencePresent(id); !ok {
				v.add("promotionRequest.checks["+c.Name+"]", "evidence %s is not in the pack (no %s with that id)", id, what)
			}
		}
	}
	if v.findEvent(kindPromotionRequested, r.ID, r.RequestedBy) < 0 {
		v.add("promotionRequest", "audit.events has no %s event by %s for %s", kindPromotionRequested, r.RequestedBy, r.ID)
	}
}

// evidencePresent reports whether an evidence ID of a kind the pack holds
// is in the pack, and what it should be; IDs of other kinds pass.
func (v *verifier) evidencePresent(id string) (what string, ok bool) {
	switch {
	case strings.HasPrefix(id, "dsv_"):
		if n, ok := v.node(id); ok && n.Kind == nodeDatasetVersion {
			return "", true
		}
		for _, bc := range v.p.BiasChecks {
			if bc.DatasetVersionID == id {
				return "", true
			}
		}
		return "lineage dataset version or bias check dataset", false
	case strings.HasPrefix(id, "vr_"):
		for _, val := range v.p.Validations {
			if val.ID == id {
				return "", true
			}
		}
		return "validation", false
	case strings.HasPrefix(id, "bc_"):
		for _, bc := range v.p.BiasChecks {
			if bc.ID == id {
				return "", true
			}
		}
		return "bias check", false
	}
	return "", true
}

// findEvent returns the index of the first full event of the kind about the
// target, by the actor unless actor is empty, or -1.
func (v *verifier) findEvent(kind, target, actor string) int {
	for i, e := range v.p.Audit.Events {
		if e.Kind == kind && e.TargetID == target && (actor == "" || e.Actor == actor) {
			return i
		}
	}
	return -1
}

// decisionEvent maps an approval's decision to its event kind.
func decisionEvent(decision string) (string, bool) {
	switch decision {
	case decisionApproved:
		return kindPromotionApproved, true
	case decisionRejected:
		return kindPromotionRejected, true
	}
	return "", false
}

// approvals checks the approvals against their events and the separation
// of duties, and the decision events against the approvals.
func (v *verifier) approvals() {
	r := &v.p.Request
	decided := map[string]bool{}
	for i, a := range r.Approvals {
		where := fmt.Sprintf("promotionRequest.approvals[%d]", i)
		if decided[a.Actor] {
			v.add(where, "%s decided more than once", a.Actor)
		}
		decided[a.Actor] = true
		kind, ok := decisionEvent(a.Decision)
		if !ok {
			v.add(where, "decision %q by %s is neither %s nor %s", a.Decision, a.Actor, decisionApproved, decisionRejected)
		} else if v.findEvent(kind, r.ID, a.Actor) < 0 {
			v.add(where, "%s by %s has no %s event by %s for %s in audit.events", a.Decision, a.Actor, kind, a.Actor, r.ID)
		}
		if v.p.Policy.SeparationOfDuties {
			switch a.Actor {
			case r.RequestedBy:
				v.add(where, "%s decided their own request, which separation of duties forbids", a.Actor)
			case r.TrainedBy:
				v.add(where, "%s started the training run and decided its promotion, which separation of duties forbids", a.Actor)
			}
		}
	}
	for i, e := range v.p.Audit.Events {
		if (e.Kind != kindPromotionApproved && e.Kind != kindPromotionRejected) || e.TargetID != r.ID {
			continue
		}
		found := false
		for _, a := range r.Approvals {
			if kind, _ := decisionEvent(a.Decision); kind == e.Kind && a.Actor == e.Actor {
				found = true
				break
			}
		}
		if !found {
			v.add(fmt.Sprintf("audit.events[%d]", i), "seq %d: %s by %s has no matching entry in promotionRequest.approvals", e.Seq, e.Kind, e.Actor)
		}
	}
}

// countedApprovals checks, in packs that say which approvals counted
// (since approver groups), that the counted ones meet the policy's count
// and fill each required group.
func (v *verifier) countedApprovals() {
	r, pol := &v.p.Request, &v.p.Policy
	said, counted := false, 0
	filled := map[string]int{}
	for _, a := range r.Approvals {
		if a.Counted == nil {
			continue
		}
		said = true
		if *a.Counted && a.Decision == decisionApproved {
			counted++
			if a.CountedForGroup != "" {
				filled[a.CountedForGroup]++
			}
		}
	}
	if !said {
		return
	}
	if counted < pol.RequiredApprovals {
		v.add("promotionRequest.approvals", "the request is APPROVED with %d counted approval(s), but policy version %d requires %d", counted, pol.Version, pol.RequiredApprovals)
	}
	for _, g := range pol.RequiredGroups {
		if filled[g.Group] < g.Approvals {
			v.add("promotionRequest.approvals", "the request is APPROVED with %d counted approval(s) from group %s, but policy version %d requires %d", filled[g.Group], g.Group, pol.Version, g.Approvals)
		}
	}
}

// approved checks what an APPROVED request must have.
func (v *verifier) approved() {
	r := &v.p.Request
	if r.Status != statusApproved {
		return
	}
	if n, want := len(r.ApprovedBy()), v.p.Policy.RequiredApprovals; n < want {
		v.add("promotionRequest.approvals", "the request is APPROVED with %d approval(s) from distinct approvers, but policy version %d requires %d", n, v.p.Policy.Version, want)
	}
	v.countedApprovals()
	for _, c := range r.Checks {
		if c.Verdict != verdictPassed {
			v.add("promotionRequest.checks["+c.Name+"]", "verdict is %s, but the request is APPROVED", c.Verdict)
		}
	}
	completed := v.findEvent(kindPromotionCompleted, r.ID, "")
	if completed < 0 {
		v.add("promotionRequest.status", "is APPROVED, but audit.events has no %s event for %s", kindPromotionCompleted, r.ID)
	}
	mv := &v.p.ModelVersion
	if mv.Stage == r.TargetStage {
		return
	}
	// A later stage change (the next promotion archiving this version)
	// explains a different stage when it is the last one in the pack.
	after := int64(-1)
	if completed >= 0 {
		after = v.p.Audit.Events[completed].Seq
	}
	last := ""
	for _, e := range v.p.Audit.Events {
		if e.Kind == kindModelStageChanged && e.TargetID == mv.ID && e.Seq > after {
			last, _ = e.Payload["stage"].(string)
		}
	}
	if last != mv.Stage {
		v.add("modelVersion.stage", "is %s, but the APPROVED request moved it to %s and no later %s event in audit.events moves it to %s", mv.Stage, r.TargetStage, kindModelStageChanged, mv.Stage)
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
