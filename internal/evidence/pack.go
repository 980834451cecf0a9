// Package evidence defines the evidence pack of a promotion request — one
// JSON document with everything a compliance reviewer needs — and checks
// and renders it offline, without trusting the server that produced it.
//
// It owns the pack's format and its offline verification; internal/
// governance assembles a pack from the store. It must not import the
// store, so a reviewer's verifier links nothing of the server.
package evidence

import (
	"slices"
	"time"

	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/hashchain"
)

// Format names the pack's format and version. Version 5 added the
// compliance sign-offs of earlier packs of the request (SignOffs), version
// 4 the anchor of the audit chain to signed checkpoints (Audit.Anchor),
// version 3 the digests of the covered runs' artifacts (RunArtifacts),
// version 2 the disclosures of events; Read also reads and Verify checks
// versions 4 (FormatV4), 3 (FormatV3), 2 (FormatV2) and 1 (FormatV1),
// which lack those sections.
const Format = "exphub.evidence/v5"

// FormatV4 is the format before sign-offs, read and verified as well.
const FormatV4 = "exphub.evidence/v4"

// FormatV3 is the format before checkpoints, read and verified as well.
const FormatV3 = "exphub.evidence/v3"

// FormatOf returns the format a pack is written in: the oldest that
// holds everything it carries. A pack without sign-offs is a v4 pack, and
// one without a checkpoint either a v3 pack, so a hub that signs none (or
// a pack made before the next checkpoint or sign-off) stays readable by
// verifiers that predate them.
func FormatOf(p *Pack) string {
	switch {
	case len(p.SignOffs) > 0:
		return Format
	case p.Audit.Anchor != nil:
		return FormatV4
	}
	return FormatV3
}

// formats are the formats Read and Verify know, oldest first.
var formats = []string{FormatV1, FormatV2, FormatV3, FormatV4, Format}

// since reports whether format f is version min or a later one.
func since(f, min string) bool {
	return slices.Index(formats, f) >= slices.Index(formats, min) && slices.Contains(formats, f)
}

// FormatV2 is the format before run artifacts, read and verified as well.
const FormatV2 = "exphub.evidence/v2"

// FormatV1 is the first format, read and verified as well.
const FormatV1 = "exphub.evidence/v1"

// Pack is the evidence of one promotion request.
type Pack struct {
	Format      string    `json:"format"`
	GeneratedAt time.Time `json:"generatedAt"`
	GeneratedBy string    `json:"generatedBy"`

	Request      Request       `json:"promotionRequest"`
	Policy       Policy        `json:"policy"`
	ModelVersion ModelVersion  `json:"modelVersion"`
	TrainingRun  *Run          `json:"trainingRun"`
	Lineage      Lineage       `json:"lineage"`
	Validations  []Validation  `json:"validations"`
	BiasChecks   []BiasCheck   `json:"biasChecks"`
	Reproduction *Reproduction `json:"reproducibility"`
	// RunArtifacts are the files of the runs the pack covers (the training
	// run and the runs of the lineage the reader may see), by run then
	// path: each one's digest is checked against the audit event that
	// recorded it. Version 3 on; nil in older packs.
	RunArtifacts []RunArtifact `json:"runArtifacts,omitempty"`
	// SignOffs are the compliance sign-offs of earlier packs of the
	// request, oldest first: each names the SHA-256 of the exact pack file
	// the reviewer accepted or rejected, and is an event of the audit
	// trail. Version 5 on; nil in older packs and when there are none.
	SignOffs []SignOff `json:"signOffs,omitempty"`
	Audit    Audit     `json:"audit"`
}

// SignOff is a compliance reviewer's acceptance or rejection of one pack
// file, identified by its digest.
type SignOff struct {
	ID string `json:"id"`
	// Digest is the hex SHA-256 of the pack file as the reviewer read it.
	Digest string `json:"digest"`
	// Decision is ACCEPTED or REJECTED.
	Decision string `json:"decision"`
	// Findings are the reviewer's words; a rejection always has them.
	Findings string    `json:"findings,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	// Seq is the seq of the EVIDENCE_SIGNED_OFF event that recorded it.
	Seq int64 `json:"seq"`
}

// RunArtifact is the digest of one artifact file of a run.
type RunArtifact struct {
	RunID string `json:"runId"`
	// Path is the file's path from the run's artifact root.
	Path string `json:"path"`
	Size int64  `json:"size"`
	// SHA256 is the hex digest of the file's content.
	SHA256 string `json:"sha256"`
}

// Request is the promotion request with its stored checks and decisions.
type Request struct {
	ID            string     `json:"id"`
	ProjectKey    string     `json:"projectKey"`
	ModelVersion  string     `json:"modelVersionId"`
	FromStage     string     `json:"fromStage"`
	TargetStage   string     `json:"targetStage"`
	Status        string     `json:"status"`
	Justification string     `json:"justification"`
	RequestedBy   string     `json:"requestedBy"`
	RequestedAt   time.Time  `json:"requestedAt"`
	TrainedBy     string     `json:"trainedBy,omitempty"`
	PolicyVersion int64      `json:"policyVersion"`
	Checks        []Check    `json:"checks"`
	CheckedAt     time.Time  `json:"checkedAt"`
	Approvals     []Approval `json:"approvals"`
	ClosedAt      *time.Time `json:"closedAt,omitempty"`
}

// Check is one policy check as last evaluated.
type Check struct {
	Name        string   `json:"name"`
	Verdict     string   `json:"verdict"`
	Detail      string   `json:"detail"`
	EvidenceIDs []string `json:"evidenceIds"`
}

// Approval is one approver's decision.
type Approval struct {
	Actor    string    `json:"actor"`
	Decision string    `json:"decision"`
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
	// Groups are the approver's token groups when they decided (packs
	// since approver groups; absent in older packs and when none).
	Groups []string `json:"groups,omitempty"`
	// Counted says whether an APPROVED decision counted toward the
	// request when the pack was made (absent in older packs and for
	// rejections); NotCountedReason says why not, CountedForGroup which
	// required group it filled.
	Counted          *bool  `json:"counted,omitempty"`
	NotCountedReason string `json:"notCountedReason,omitempty"`
	CountedForGroup  string `json:"countedForGroup,omitempty"`
}

// GroupRequirement asks for approvals from members of a named group.
type GroupRequirement struct {
	Group     string `json:"group"`
	Approvals int    `json:"approvals"`
}

// Policy is the policy version the request is held to.
type Policy struct {
	Version                          int64      `json:"version"`
	RequiredApprovals                int        `json:"requiredApprovals"`
	ApproverRole                     string     `json:"approverRole"`
	RequireUpstreamValidationsPassed bool       `json:"requireUpstreamValidationsPassed"`
	AllowWarnedValidations           bool       `json:"allowWarnedValidations"`
	BiasRules                        []BiasRule `json:"biasRules"`
	RequireReproducible              bool       `json:"requireReproducible"`
	RequireReproduced                bool       `json:"requireReproduced"`
	SeparationOfDuties               bool       `json:"separationOfDuties"`
	Stages                           []string   `json:"stages"`
	// RequiredGroups and ApprovalsValidFor (seconds) are absent when the
	// policy has none, and in packs made before they existed.
	RequiredGroups    []GroupRequirement `json:"requiredGroups,omitempty"`
	ApprovalsValidFor *int               `json:"approvalsValidFor,omitempty"`
	CreatedAt         *time.Time         `json:"createdAt,omitempty"`
	CreatedBy         string             `json:"createdBy,omitempty"`
}

// BiasRule is one fairness bound of a policy.
type BiasRule struct {
	Metric    string  `json:"metric"`
	Threshold float64 `json:"threshold"`
}

// ModelVersion is the version being promoted.
type ModelVersion struct {
	ID        string    `json:"id"`
	Model     string    `json:"model"`
	Version   int64     `json:"version"`
	URI       string    `json:"uri"`
	Stage     string    `json:"stage"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
}

// Run is the training run (or any run in the lineage).
type Run struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	ExperimentID string             `json:"experimentId"`
	Status       string             `json:"status"`
	CreatedBy    string             `json:"createdBy"`
	StartedAt    time.Time          `json:"startedAt"`
	EndedAt      *time.Time         `json:"endedAt,omitempty"`
	Code         map[string]any     `json:"code,omitempty"`
	Environment  map[string]string  `json:"environment,omitempty"`
	Seed         *int64             `json:"seed,omitempty"`
	Params       map[string]string  `json:"params"`
	Metrics      map[string]float64 `json:"metrics"`
	Inputs       []string           `json:"inputs"`
}

// Lineage is everything upstream of the model version, back to the raw data.
type Lineage struct {
	Nodes []LineageNode `json:"nodes"`
	Edges []LineageEdge `json:"edges"`
	// Truncated is true when the walk was cut; the pack then does not reach
	// the raw data.
	Truncated bool `json:"truncated"`
}

// LineageNode is one node upstream of the model version. Digest and URI are
// set for dataset versions; Name is empty for a node of a project the pack's
// reader may not see (Kind REDACTED).
type LineageNode struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	ProjectKey string `json:"projectKey,omitempty"`
	Distance   int    `json:"distance"`
	URI        string `json:"uri,omitempty"`
	Digest     string `json:"digest,omitempty"`
	// QualityStatus is a dataset version's worst latest validation status
	// (PASSED, WARNED, FAILED, ERROR, or UNKNOWN when never validated).
	QualityStatus string `json:"qualityStatus,omitempty"`
	// ThroughHidden marks a dataset version the request's checks cite
	// that the reader may read but that lies upstream only through
	// projects the reader may not: it is listed without edges, at
	// distance 0, so the checks' evidence is in the pack.
	ThroughHidden bool `json:"throughHidden,omitempty"`
}

// LineageEdge is a data-flow edge, from upstream to downstream.
type LineageEdge struct {
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"`
}

// Validation is one validation run of an upstream dataset version.
type Validation struct {
	ID               string     `json:"id"`
	DatasetVersionID string     `json:"datasetVersionId"`
	SuiteName        string     `json:"suiteName"`
	SuiteVersion     *int64     `json:"suiteVersion,omitempty"`
	Status           string     `json:"status"`
	Engine           string     `json:"engine"`
	StartedAt        time.Time  `json:"startedAt"`
	FinishedAt       *time.Time `json:"finishedAt,omitempty"`
	// SHA256 is the digest of the data the validation read; it must equal
	// the dataset version's digest.
	SHA256 string `json:"sha256,omitempty"`
	Failed int    `json:"failedRules"`
}

// BiasCheck is a stored bias check of the model version.
type BiasCheck struct {
	ID               string          `json:"id"`
	DatasetVersionID string          `json:"datasetVersionId"`
	Spec             fairness.Spec   `json:"spec"`
	Report           fairness.Report `json:"report"`
	CreatedAt        time.Time       `json:"createdAt"`
	CreatedBy        string          `json:"createdBy"`
}

// Reproduction is the training run's reproducibility.
type Reproduction struct {
	Complete bool     `json:"complete"`
	Missing  []string `json:"missing"`
	// Latest is the latest recorded rerun comparison, if any.
	Latest *ReproductionRecord `json:"latest,omitempty"`
}

// ReproductionRecord is one recorded rerun comparison.
type ReproductionRecord struct {
	ID                string             `json:"id"`
	ReproductionRunID string             `json:"reproductionRunId"`
	Status            string             `json:"status"`
	Tolerance         float64            `json:"tolerance"`
	RelativeTolerance float64            `json:"relativeTolerance"`
	Metrics           []MetricComparison `json:"metrics"`
	CreatedAt         time.Time          `json:"createdAt"`
	CreatedBy         string             `json:"createdBy"`
}

// MetricComparison is one metric of a reproduction.
type MetricComparison struct {
	Key        string   `json:"key"`
	Original   *float64 `json:"original"`
	Reproduced *float64 `json:"reproduced"`
	Difference *float64 `json:"difference"`
	Status     string   `json:"status"`
}

// Audit is the part of the event log's hash chain that covers the evidence.
type Audit struct {
	// Events are the events about the evidence, in full, oldest first.
	Events []Event `json:"events"`
	// Chain is every link of the log from the first of Events to the last,
	// consecutive in seq: the events in full are among them, the others
	// (other objects, other projects) appear as their seq and hashes only.
	Chain []Link `json:"chain"`
	// Head is the log's last link when the pack was made; a reviewer can
	// compare it with verifyAuditLog's headHash on the live hub.
	Head Link `json:"head"`
	// Earlier are events about the evidence older than the chain's window
	// (a pack carries at most a bounded stretch of the log, ending at its
	// newest event): each is checked against its own hash, and its place
	// in the log can be looked up on the hub (auditEvents) or vouched for
	// by verifyAuditLog.
	Earlier []Event `json:"earlier"`
	// Anchor links Chain to checkpoints of the log's head signed with the
	// operator's key, so a verifier with the public key proves Events are
	// in the log the hub signed. Version 4 on; absent when the hub signs
	// no checkpoints or none followed the last event yet.
	Anchor *Anchor `json:"anchor,omitempty"`
}

// Anchor links the chain to signed checkpoints with hashes only: the
// accumulator (see hashchain.Checkpoint) starts at From's (the genesis
// hash when From is absent: the log's first event), folds the hashes of
// Before, Chain and After, which are consecutive, and must end at To's
// accumulator and head hash. Every link between the checkpoints is then
// bound by To's signature, and each event in full by its hash; the links
// of other objects and projects show their hashes, never their content.
type Anchor struct {
	// From is the latest checkpoint before the chain, absent when none: it
	// gives the accumulator to start from, and its signature need not be
	// checked (a made-up accumulator cannot fold to To's).
	From *hashchain.Checkpoint `json:"from,omitempty"`
	// To is the earliest checkpoint at or after the chain's last link.
	To hashchain.Checkpoint `json:"to"`
	// Before are the links after From up to the chain's first.
	Before []Link `json:"before"`
	// After are the links after the chain's last up to To.
	After []Link `json:"after"`
}

// Event is an event of the log in full.
type Event struct {
	Seq        int64          `json:"seq"`
	At         time.Time      `json:"at"`
	Actor      string         `json:"actor"`
	ProjectKey string         `json:"projectKey"`
	Kind       string         `json:"kind"`
	TargetID   string         `json:"targetId"`
	Payload    map[string]any `json:"payload"`
	// Disclosures open the references of Payload to objects of other
	// projects that the pack's reader may see; references it may not see
	// are markers in Payload (see hashchain).
	Disclosures []hashchain.Disclosure `json:"disclosures,omitempty"`
	PrevHash    string                 `json:"prevHash"`
	Hash        string                 `json:"hash"`
}

// Link is one link of the chain.
type Link struct {
	Seq      int64  `json:"seq"`
	PrevHash string `json:"prevHash"`
	Hash     string `json:"hash"`
}
