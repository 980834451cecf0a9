// Package evidencetest builds evidence packs for tests: a realistic,
// consistent pack (Pack) and the event-log helper it is made with (Log),
// which hashes events the way the hub does, so a test can tamper with a
// pack and re-seal what an attacker could re-seal.
package evidencetest

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/hashchain"
)

// IDs and names of the objects in Pack.
const (
	Project        = "fraud"
	RequestID      = "pr_01960c2e-0000-7000-8000-000000000001"
	ModelVersionID = "mv_01960c2e-0000-7000-8000-000000000002"
	OldVersionID   = "mv_01960c2e-0000-7000-8000-000000000003"
	TrainingRunID  = "run_01960c2e-0000-7000-8000-000000000004"
	PrepRunID      = "run_01960c2e-0000-7000-8000-000000000005"
	RawVersionID   = "dsv_01960c2e-0000-7000-8000-000000000006"
	FeatVersionID  = "dsv_01960c2e-0000-7000-8000-000000000007"
	EvalVersionID  = "dsv_01960c2e-0000-7000-8000-000000000008"
	RawValidation  = "vr_01960c2e-0000-7000-8000-000000000009"
	FeatValidation = "vr_01960c2e-0000-7000-8000-00000000000a"
	BiasCheckID    = "bc_01960c2e-0000-7000-8000-00000000000b"
	ReproductionID = "rep_01960c2e-0000-7000-8000-00000000000c"

	ModelName  = "fraud-detector"
	Requester  = "alice"
	Trainer    = "bob"
	Approver1  = "carol"
	Approver2  = "dave"
	RawDigest  = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"
	FeatDigest = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c"
	EvalDigest = "7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730"
	FirstSeq   = 1201
)

// T0 is when the story of Pack starts; its events follow at minute steps,
// with nanoseconds, so a pack that loses time precision fails to verify.
var T0 = time.Date(2025, 3, 4, 9, 30, 0, 123456789, time.UTC)

// Log appends events to a hash chain the way the hub does: each event's
// prevHash is the previous link's hash and its hash covers its content.
type Log struct {
	tb     testing.TB
	next   int64
	prev   string
	events []evidence.Event
	chain  []evidence.Link
}

// NewLog starts a log whose next event has seq first and follows a link
// with hash prev (hashchain.Genesis when first is 1).
func NewLog(tb testing.TB, first int64, prev string) *Log {
	tb.Helper()
	return &Log{tb: tb, next: first, prev: prev}
}

// Append adds an event in full: it sets the event's seq, prevHash and hash
// and returns it.
func (l *Log) Append(e evidence.Event) evidence.Event {
	l.tb.Helper()
	e.Seq, e.PrevHash = l.next, l.prev
	e.Hash = Hash(l.tb, e)
	l.events = append(l.events, e)
	l.link(e.Hash)
	return e
}

// Stub adds n links of events the pack does not carry in full (other
// objects, other projects).
func (l *Log) Stub(n int) {
	l.tb.Helper()
	for range n {
		// Any content will do; hash one so the links look real.
		l.link(Hash(l.tb, evidence.Event{Seq: l.next, At: T0, Actor: "someone", ProjectKey: "other", Kind: "RUN_STARTED",
			TargetID: "run_other", PrevHash: l.prev}))
	}
}

func (l *Log) link(hash string) {
	l.chain = append(l.chain, evidence.Link{Seq: l.next, PrevHash: l.prev, Hash: hash})
	l.next, l.prev = l.next+1, hash
}

// Audit returns the log as a pack's audit part: the events in full, every
// link from the first event to the last, and a head after more further
// links (0: the head is the last link).
func (l *Log) Audit(more int) evidence.Audit {
	l.tb.Helper()
	// The chain runs from the first event in full to the last.
	first, last := 0, len(l.chain)-1
	if len(l.events) > 0 {
		for first < len(l.chain) && l.chain[first].Seq != l.events[0].Seq {
			first++
		}
		for last >= 0 && l.chain[last].Seq != l.events[len(l.events)-1].Seq {
			last--
		}
	}
	chain := append([]evidence.Link(nil), l.chain[first:last+1]...)
	head := l.chain[len(l.chain)-1]
	if more > 0 {
		l.Stub(more)
		head = l.chain[len(l.chain)-1]
	}
	return evidence.Audit{Events: append([]evidence.Event(nil), l.events...), Chain: chain, Head: head}
}

// Hash returns the hash an event must carry for its content and prevHash.
func Hash(tb testing.TB, e evidence.Event) string {
	tb.Helper()
	h, err := e.ComputeHash()
	if err != nil {
		tb.Fatalf("hash event %d: %v", e.Seq, err)
	}
	return h
}

// Reseal recomputes the hash of p's event i after a test edited it, and
// sets it on the event and its chain link, as a forger would; the next
// link's prevHash still names the old hash.
func Reseal(tb testing.TB, p *evidence.Pack, i int) {
	tb.Helper()
	e := &p.Audit.Events[i]
	e.Hash = Hash(tb, *e)
	for j := range p.Audit.Chain {
		if p.Audit.Chain[j].Seq == e.Seq {
			p.Audit.Chain[j].Hash = e.Hash
		}
	}
}

// EventIndex returns the index in p's audit events of the first event of
// the kind by the actor (any actor when empty); it fails the test when
// there is none.
func EventIndex(tb testing.TB, p *evidence.Pack, kind, actor string) int {
	tb.Helper()
	for i, e := range p.Audit.Events {
		if e.Kind == kind && (actor == "" || e.Actor == actor) {
			return i
		}
	}
	tb.Fatalf("the pack has no %s event by %q", kind, actor)
	return -1
}

// ChainIndex returns the index in p's chain of the link with the seq; it
// fails the test when there is none.
func ChainIndex(tb testing.TB, p *evidence.Pack, seq int64) int {
	tb.Helper()
	for i, l := range p.Audit.Chain {
		if l.Seq == seq {
			return i
		}
	}
	tb.Fatalf("the chain has no link at seq %d", seq)
	return -1
}

func ptr[T any](v T) *T { return &v }

// at returns T0 plus minutes.
func at(minutes int) time.Time { return T0.Add(time.Duration(minutes) * time.Minute) }

// Pack returns a consistent pack: alice asks to promote fraud-detector v3
// from STAGING to PRODUCTION under policy version 2 (two approvals,
// separation of duties, upstream validations, a bias rule, a reproducible
// training run); carol and dave approve, which carries out the promotion
// and archives the previous production version. The lineage runs raw
// dataset version → preparation run → feature dataset version → training
// run → model version; both dataset versions were validated, and the bias
// check ran on an evaluation set outside the lineage. Every call returns a
// fresh pack a test may change.
func Pack(tb testing.TB) *evidence.Pack {
	tb.Helper()
	return PackFrom(tb, FirstSeq, strings.Repeat("5e", 32))
}

// PackFrom is Pack with its first event at seq first, after a link with
// hash prev: PackFrom(tb, 1, hashchain.Genesis) is a pack that reaches back
// to the log's first event.
func PackFrom(tb testing.TB, first int64, prev string) *evidence.Pack {
	tb.Helper()
	log := NewLog(tb, first, prev)
	ev := func(minute int, actor, kind, target string, payload map[string]any) {
		log.Append(evidence.Event{At: at(minute), Actor: actor, ProjectKey: Project, Kind: kind, TargetID: target, Payload: payload})
	}
	ev(0, Trainer, "VALIDATION_COMPLETED", RawValidation, map[string]any{"datasetId": "ds_raw", "datasetVersionId": RawVersionID,
		"status": "PASSED", "qualityStatus": "PASSED"})
	log.Stub(2)
	ev(5, Trainer, "VALIDATION_COMPLETED", FeatValidation, map[string]any{"datasetId": "ds_feat", "datasetVersionId": FeatVersionID,
		"status": "PASSED", "qualityStatus": "PASSED"})
	ev(9, Trainer, "BIAS_CHECK_RECORDED", BiasCheckID, map[string]any{"modelVersionId": ModelVersionID, "datasetVersionId": EvalVersionID,
		"fourFifths": "PASSED", "rowCount": 48213})
	log.Stub(1)
	ev(12, Requester, "PROMOTION_REQUESTED", RequestID, map[string]any{"modelVersionId": ModelVersionID, "targetStage": "PRODUCTION",
		"status": "PENDING", "requestedBy": Requester, "trainedBy": Trainer, "failingChecks": []string{}})
	log.Stub(4)
	ev(40, Approver1, "PROMOTION_APPROVED", RequestID, map[string]any{"approvals": 1, "required": 2})
	log.Stub(1)
	ev(75, Approver2, "PROMOTION_APPROVED", RequestID, map[string]any{"approvals": 2, "required": 2})
	ev(75, Approver2, "MODEL_STAGE_CHANGED", OldVersionID, map[string]any{"from": "PRODUCTION", "stage": "ARCHIVED", "promotionRequestId": RequestID})
	ev(75, Approver2, "MODEL_STAGE_CHANGED", ModelVersionID, map[string]any{"from": "STAGING", "stage": "PRODUCTION", "promotionRequestId": RequestID})
	ev(75, Approver2, "PROMOTION_COMPLETED", RequestID, map[string]any{"modelVersionId": ModelVersionID, "stage": "PRODUCTION"})
	audit := log.Audit(6)

	closed := at(75)
	policyAt := T0.Add(-48 * time.Hour)
	return &evidence.Pack{
		Format:      evidence.Format,
		GeneratedAt: at(90),
		GeneratedBy: "erin",
		Request: evidence.Request{
			ID: RequestID, ProjectKey: Project, ModelVersion: ModelVersionID,
			FromStage: "STAGING", TargetStage: "PRODUCTION", Status: "APPROVED",
			Justification: "Recall +4.1 points on the March holdout; shadow traffic clean for 14 days.",
			RequestedBy:   Requester, RequestedAt: at(12), TrainedBy: Trainer, PolicyVersion: 2,
			Checks: []evidence.Check{
				{Name: "UPSTREAM_VALIDATIONS", Verdict: "PASSED", Detail: "2 upstream dataset versions, every latest validation PASSED.",
					EvidenceIDs: []string{RawVersionID, RawValidation, FeatVersionID, FeatValidation}},
				{Name: "BIAS", Verdict: "PASSED", Detail: "demographic parity ratio 0.91 ≥ 0.8.", EvidenceIDs: []string{BiasCheckID, EvalVersionID}},
				{Name: "REPRODUCIBILITY", Verdict: "PASSED", Detail: "code, environment, seed and inputs recorded.", EvidenceIDs: []string{TrainingRunID}},
			},
			CheckedAt: at(75),
			Approvals: []evidence.Approval{
				{Actor: Approver1, Decision: "APPROVED", Comment: "Metrics and lineage reviewed.", At: at(40)},
				{Actor: Approver2, Decision: "APPROVED", Comment: "OK for production; drift alerting on.", At: at(75)},
			},
			ClosedAt: &closed,
		},
		Policy: evidence.Policy{
			Version: 2, RequiredApprovals: 2, ApproverRole: "APPROVER",
			RequireUpstreamValidationsPassed: true,
			BiasRules:                        []evidence.BiasRule{{Metric: "DEMOGRAPHIC_PARITY_RATIO", Threshold: 0.8}},
			RequireReproducible:              true, SeparationOfDuties: true,
			Stages: []string{"STAGING", "PRODUCTION"}, CreatedAt: &policyAt, CreatedBy: "erin",
		},
		ModelVersion: evidence.ModelVersion{ID: ModelVersionID, Model: ModelName, Version: 3, URI: "s3://models/fraud-detector/3",
			Stage: "PRODUCTION", CreatedAt: at(-60), CreatedBy: Trainer},
		TrainingRun: &evidence.Run{
			ID: TrainingRunID, Name: "xgb-sweep-17", ExperimentID: "exp_01960c2e-0000-7000-8000-00000000000d", Status: "FINISHED",
			CreatedBy: Trainer, StartedAt: at(-180), EndedAt: ptr(at(-70)),
			Code:        map[string]any{"repository": "git@github.com:acme/fraud.git", "commit": "9f2c1e7", "dirty": false},
			Environment: map[string]string{"python": "3.12.2", "xgboost": "2.0.3"},
			Seed:        ptr(int64(42)),
			Params:      map[string]string{"max_depth": "6", "eta": "0.1", "n_estimators": "400"},
			Metrics:     map[string]float64{"auc": 0.9412, "recall": 0.812, "precision": 0.774},
			Inputs:      []string{FeatVersionID},
		},
		Lineage: evidence.Lineage{
			Nodes: []evidence.LineageNode{
				{ID: ModelVersionID, Kind: "MODEL_VERSION", Name: ModelName + "@3", ProjectKey: Project, Distance: 0},
				{ID: TrainingRunID, Kind: "RUN", Name: "xgb-sweep-17", ProjectKey: Project, Distance: 1},
				{ID: FeatVersionID, Kind: "DATASET_VERSION", Name: "features/transactions@2025-03-01", ProjectKey: Project, Distance: 2,
					URI: "s3://lake/features/transactions/2025-03-01.parquet", Digest: FeatDigest, QualityStatus: "PASSED"},
				{ID: PrepRunID, Kind: "RUN", Name: "prepare-features", ProjectKey: Project, Distance: 3},
				{ID: RawVersionID, Kind: "DATASET_VERSION", Name: "raw/transactions@2025-03-01", ProjectKey: Project, Distance: 4,
					URI: "s3://lake/raw/transactions/2025-03-01.csv", Digest: RawDigest, QualityStatus: "PASSED"},
			},
			Edges: []evidence.LineageEdge{
				{From: RawVersionID, To: PrepRunID, Kind: "CONSUMED_BY"},
				{From: PrepRunID, To: FeatVersionID, Kind: "PRODUCED"},
				{From: FeatVersionID, To: TrainingRunID, Kind: "CONSUMED_BY"},
				{From: TrainingRunID, To: ModelVersionID, Kind: "PRODUCED"},
			},
		},
		Validations: []evidence.Validation{
			{ID: RawValidation, DatasetVersionID: RawVersionID, SuiteName: "raw-transactions", SuiteVersion: ptr(int64(4)), Status: "PASSED",
				Engine: "exphub", StartedAt: at(-1), FinishedAt: ptr(at(0)), SHA256: RawDigest},
			{ID: FeatValidation, DatasetVersionID: FeatVersionID, SuiteName: "features", SuiteVersion: ptr(int64(2)), Status: "PASSED",
				Engine: "exphub", StartedAt: at(4), FinishedAt: ptr(at(5)), SHA256: FeatDigest},
		},
		BiasChecks: []evidence.BiasCheck{{
			ID: BiasCheckID, DatasetVersionID: EvalVersionID, CreatedAt: at(9), CreatedBy: Trainer,
			Spec: fairness.Spec{LabelColumn: "is_fraud", PredictionColumn: "predicted", SensitiveColumns: []string{"age_band"},
				PositiveLabel: "1", MinGroupSize: 100},
			Report: fairness.Report{
				RowCount: 48213, SHA256: EvalDigest,
				Groups: []fairness.Group{
					{Values: []string{"18-34"}, Count: 20110, Weight: 20110, SelectionRate: value(0.041), TruePositiveRate: value(0.83), FalsePositiveRate: value(0.012)},
					{Values: []string{"35+"}, Count: 28083, Weight: 28083, SelectionRate: value(0.0373), TruePositiveRate: value(0.80), FalsePositiveRate: value(0.010)},
					{Values: []string{"(null)"}, Count: 20, Weight: 20, SelectionRate: value(0), TruePositiveRate: undefined("no positive labels"),
						FalsePositiveRate: value(0), Small: true},
				},
				DemographicParityDifference: value(0.0037), DemographicParityRatio: value(0.91),
				EqualizedOddsDifference: value(0.03), EqualizedOddsRatio: value(0.83),
				EqualOpportunityDifference: value(0.03), FourFifths: fairness.FourFifthsPassed,
				Notes: []string{"group (null) has 20 rows, fewer than 100; it is left out of the summaries"},
			},
		}},
		Reproduction: &evidence.Reproduction{Complete: true, Missing: []string{},
			Latest: &evidence.ReproductionRecord{ID: ReproductionID, ReproductionRunID: "run_01960c2e-0000-7000-8000-00000000000e",
				Status: "REPRODUCED", Tolerance: 0.001, RelativeTolerance: 0.01, CreatedAt: at(-20), CreatedBy: Trainer,
				Metrics: []evidence.MetricComparison{
					{Key: "auc", Original: ptr(0.9412), Reproduced: ptr(0.9409), Difference: ptr(-0.0003), Status: "MATCH"},
				}}},
		Audit: audit,
	}
}

func value(v float64) fairness.Value { return fairness.Value{Value: &v} }

func undefined(reason string) fairness.Value { return fairness.Value{Reason: reason} }

// Digests of the run artifacts WithArtifacts adds.
const (
	ModelFileDigest = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
	OldModelDigest  = "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9"
	PlotDigest      = "baa5a0964d3320fbc0c6a922140453c8513ea24ab8fd0577034804a967248096"
	PrepDigest      = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// WithArtifacts adds run artifacts to p as the hub records them: events
// after the chain's last link (the training run's model file logged twice,
// the second time with other content; a plot; the preparation run's
// report; a logged model's file, which is not a run's) and the listing of
// the files' latest digests. The head becomes the last of them.
func WithArtifacts(tb testing.TB, p *evidence.Pack) *evidence.Pack {
	tb.Helper()
	last := p.Audit.Chain[len(p.Audit.Chain)-1]
	log := NewLog(tb, last.Seq+1, last.Hash)
	exp := p.TrainingRun.ExperimentID
	art := func(minute int, run, path, digest string, size int64, extra ...string) {
		payload := map[string]any{"experimentId": exp, "artifact": path, "sha256": digest, "size": size}
		if len(extra) == 2 {
			payload[extra[0]] = extra[1]
		}
		log.Append(evidence.Event{At: at(minute), Actor: Trainer, ProjectKey: Project, Kind: "RUN_LINEAGE_CHANGED", TargetID: run, Payload: payload})
	}
	art(80, TrainingRunID, "model/model.pkl", OldModelDigest, 1000)
	art(81, TrainingRunID, "model/model.pkl", ModelFileDigest, 2048)
	art(82, TrainingRunID, "plots/roc curve.png", PlotDigest, 5120)
	art(83, PrepRunID, "report.txt", PrepDigest, 0)
	art(84, TrainingRunID, "MLmodel", PlotDigest, 300, "loggedModelId", "m-0123456789abcdef")
	audit := log.Audit(0)
	p.Audit.Events = append(p.Audit.Events, audit.Events...)
	p.Audit.Chain = append(p.Audit.Chain, audit.Chain...)
	p.Audit.Head = audit.Head
	p.RunArtifacts = []evidence.RunArtifact{
		{RunID: TrainingRunID, Path: "model/model.pkl", Size: 2048, SHA256: ModelFileDigest},
		{RunID: TrainingRunID, Path: "plots/roc curve.png", Size: 5120, SHA256: PlotDigest},
		{RunID: PrepRunID, Path: "report.txt", Size: 0, SHA256: PrepDigest},
	}
	return p
}

// Anchor anchors p's chain to checkpoints signed with key, as a hub with
// that key makes them: a checkpoint just before the chain (its
// accumulator one of an older log) and one after more further links of
// other events.
func Anchor(tb testing.TB, p *evidence.Pack, key ed25519.PrivateKey, more int) {
	tb.Helper()
	first, last := p.Audit.Chain[0], p.Audit.Chain[len(p.Audit.Chain)-1]
	from := hashchain.Sign(hashchain.Checkpoint{Log: "main", Seq: first.Seq - 1, Hash: first.PrevHash,
		Accumulator: hashchain.Fold(hashchain.Genesis, strings.Repeat("0a", 32)), At: hashchain.FormatTime(T0.Add(-time.Minute))}, key)
	acc := from.Accumulator
	for _, l := range p.Audit.Chain {
		acc = hashchain.Fold(acc, l.Hash)
	}
	log := NewLog(tb, last.Seq+1, last.Hash)
	log.Stub(more)
	after := append([]evidence.Link{}, log.chain...)
	to := hashchain.Checkpoint{Log: "main", Seq: last.Seq, Hash: last.Hash}
	for _, l := range after {
		acc = hashchain.Fold(acc, l.Hash)
		to.Seq, to.Hash = l.Seq, l.Hash
	}
	to.Accumulator, to.At = acc, hashchain.FormatTime(at(120))
	p.Audit.Anchor = &evidence.Anchor{From: &from, To: hashchain.Sign(to, key), Before: []evidence.Link{}, After: after}
}

// Reviewer is the compliance reviewer of WithSignOffs.
const Reviewer = "rita"

// WithSignOffs adds to p two sign-offs of earlier packs of its request as
// the hub records them: a rejection with findings, then an acceptance of
// the pack made after the findings were addressed, each an
// EVIDENCE_SIGNED_OFF event after the chain's last link. The head becomes
// the last of them and the format the one with sign-offs.
func WithSignOffs(tb testing.TB, p *evidence.Pack) *evidence.Pack {
	tb.Helper()
	last := p.Audit.Chain[len(p.Audit.Chain)-1]
	log := NewLog(tb, last.Seq+1, last.Hash)
	sign := func(minute int, id, digest, decision, findings string) {
		e := log.Append(evidence.Event{At: at(minute), Actor: Reviewer, ProjectKey: Project, Kind: "EVIDENCE_SIGNED_OFF", TargetID: RequestID,
			Payload: map[string]any{"signOffId": id, "subject": "EVIDENCE_PACK", "digest": digest, "decision": decision, "findings": findings}})
		s, ok := evidence.SignOffOf(e)
		if !ok {
			tb.Fatalf("SignOffOf(%+v) = false", e)
		}
		p.SignOffs = append(p.SignOffs, s)
	}
	sign(100, "so_0001", strings.Repeat("1a", 32), evidence.SignOffRejected, "The bias check's evaluation set predates the policy.")
	sign(130, "so_0002", strings.Repeat("2b", 32), evidence.SignOffAccepted, "")
	audit := log.Audit(0)
	p.Audit.Events = append(p.Audit.Events, audit.Events...)
	p.Audit.Chain = append(p.Audit.Chain, audit.Chain...)
	p.Audit.Head = audit.Head
	p.Format = evidence.FormatOf(p)
	return p
}
