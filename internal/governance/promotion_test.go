package governance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func TestPromotionLifecycle(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "prom", policyWith(func(p *store.PolicyInput) { p.RequiredApprovals = 2 }))
	// An older version of the model is in production: the promotion
	// archives it.
	old := inProduction(t, s, w)

	req := request(t, s, "alice", w.mv.ID, store.StageProduction)
	if req.Status != store.PromotionPending || req.TrainedBy != "trainer" || req.TrainingRunID != w.train.ID || req.PolicyVersion != 1 || req.RequiredApprovals != 2 {
		t.Fatalf("request %+v", req)
	}
	if c := check(t, req, store.CheckUpstreamValidations); c.Verdict != store.CheckPassed || !slices.Contains(c.EvidenceIDs, w.raw.ID) {
		t.Fatalf("upstream check %+v", c)
	}
	if _, err := gov.RequestPromotion(ctx, as("alice", auth.RoleContributor), store.RequestPromotionInput{ModelVersionID: w.mv.ID, TargetStage: store.StageStaging, Justification: "x"}); !errors.Is(err, errs.Conflict) {
		t.Fatalf("second open request: %v", err)
	}

	for _, who := range []string{"alice", "trainer"} {
		if _, _, err := gov.Decide(ctx, as(who, auth.RoleApprover), req.ID, store.DecisionApproved, ""); !errors.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "separation of duties") {
			t.Fatalf("%s approving: %v", who, err)
		}
	}
	got, promoted, err := gov.Decide(ctx, as("bob", auth.RoleApprover), req.ID, store.DecisionApproved, "looks fine")
	if err != nil || promoted || got.ApprovalCount() != 1 || got.Status != store.PromotionPending {
		t.Fatalf("first approval: %+v %v %v", got, promoted, err)
	}
	if _, _, err := gov.Decide(ctx, as("bob", auth.RoleApprover), req.ID, store.DecisionApproved, ""); !errors.Is(err, errs.Conflict) {
		t.Fatalf("approving twice: %v", err)
	}
	if modelStage(t, s, w.mv.ID) != store.StageNone {
		t.Fatal("promoted before the approvals were complete")
	}
	got, promoted, err = gov.Decide(ctx, as("carol", auth.RoleApprover), req.ID, store.DecisionApproved, "")
	if err != nil || !promoted || got.Status != store.PromotionApproved || got.ClosedAt == nil {
		t.Fatalf("second approval: %+v %v %v", got, promoted, err)
	}
	if st := modelStage(t, s, w.mv.ID); st != store.StageProduction {
		t.Fatalf("promoted version is %s", st)
	}
	if st := modelStage(t, s, old.ID); st != store.StageArchived {
		t.Fatalf("previous production version is %s", st)
	}
	if _, _, err := gov.Decide(ctx, as("dave", auth.RoleApprover), req.ID, store.DecisionApproved, ""); !errors.Is(err, errs.Conflict) {
		t.Fatalf("approving a closed request: %v", err)
	}
	if _, err := gov.Cancel(ctx, as("alice", auth.RoleContributor), req.ID); !errors.Is(err, errs.Conflict) {
		t.Fatalf("cancelling a closed request: %v", err)
	}
	for kind, want := range map[store.EventKind]int64{store.EventPromotionRequested: 1, store.EventPromotionApproved: 2,
		store.EventPromotionCompleted: 1, store.EventModelStageChanged: 2} {
		if n := countKind(t, w.key, kind, ""); n != want {
			t.Errorf("%d %s events, want %d", n, kind, want)
		}
	}

	// The evidence pack verifies offline, also after a JSON round trip.
	pack, err := gov.EvidencePack(ctx, auditor(w.key), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(pack)
	if err != nil {
		t.Fatal(err)
	}
	read, err := evidence.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(read); len(problems) > 0 {
		t.Fatalf("evidence pack problems: %v", problems)
	}
	if len(read.Request.Approvals) != 2 || read.ModelVersion.Stage != "PRODUCTION" || read.TrainingRun == nil || len(read.Validations) != 1 {
		t.Fatalf("pack %+v", read)
	}
	kinds := map[string]int{}
	for _, e := range read.Audit.Events {
		kinds[e.Kind]++
	}
	if kinds["PROMOTION_REQUESTED"] != 1 || kinds["PROMOTION_COMPLETED"] != 1 || kinds["VALIDATION_COMPLETED"] != 1 || kinds["MODEL_VERSION_REGISTERED"] != 1 {
		t.Fatalf("pack events %v", kinds)
	}
	// An edit to the pack is caught.
	read.Request.Approvals[0].Actor = "mallory"
	if problems := evidence.Verify(read); len(problems) == 0 {
		t.Fatal("an edited approval went unnoticed")
	}

	// With a window shorter than the evidence's stretch of the log, the
	// chain still covers the whole request, older events come as earlier
	// ones, and the pack still verifies.
	windowed := governance.New(neo4jtest.Store(t, store.WithEvidenceWindow(2)), nil)
	short, err := windowed.EvidencePack(ctx, auditor(w.key), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(short); len(problems) > 0 {
		t.Fatalf("windowed evidence pack problems: %v", problems)
	}
	first, _ := short.Audit.ChainSpan()
	if len(short.Audit.Earlier) == 0 || short.Audit.Events[0].Kind != "PROMOTION_REQUESTED" || first != short.Audit.Events[0].Seq ||
		len(short.Audit.Earlier)+len(short.Audit.Events) != len(read.Audit.Events) {
		t.Fatalf("windowed pack: %d earlier, events from %s, chain from %d", len(short.Audit.Earlier), short.Audit.Events[0].Kind, first)
	}
}

func TestRejectAndCancel(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "rej", nil)
	req := request(t, s, "alice", w.mv.ID, store.StageStaging)
	if _, _, err := gov.Decide(ctx, as("bob", auth.RoleApprover), req.ID, store.DecisionRejected, " "); !errors.Is(err, errs.Invalid) {
		t.Fatalf("rejecting without a comment: %v", err)
	}
	got, promoted, err := gov.Decide(ctx, as("bob", auth.RoleApprover), req.ID, store.DecisionRejected, "no holdout evaluation")
	if err != nil || promoted || got.Status != store.PromotionRejected {
		t.Fatalf("reject: %+v %v", got, err)
	}
	if modelStage(t, s, w.mv.ID) != store.StageNone {
		t.Fatal("a rejected request moved the version")
	}
	again := request(t, s, "alice", w.mv.ID, store.StageStaging)
	cancelled, err := gov.Cancel(ctx, as("alice", auth.RoleContributor), again.ID)
	if err != nil || cancelled.Status != store.PromotionCancelled {
		t.Fatalf("cancel: %+v %v", cancelled, err)
	}
	if _, _, err := gov.Decide(ctx, as("bob", auth.RoleApprover), again.ID, store.DecisionApproved, ""); !errors.Is(err, errs.Conflict) {
		t.Fatalf("approving a cancelled request: %v", err)
	}
}

func TestPromotionBadInputWritesNothing(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "pbad", policyWith(func(p *store.PolicyInput) { p.Stages = []store.ModelStage{store.StageStaging} }))
	open := request(t, s, "alice", w.mv.ID, store.StageStaging)
	other, err := s.RegisterModelVersion(ctx, "trainer", store.RegisterModelVersionInput{ProjectKey: w.key, ModelName: "fraud", URI: "s3://m/2"})
	if err != nil {
		t.Fatal(err)
	}
	nodes, events := neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key)
	req := func(mv string, st store.ModelStage, j string) error {
		_, err := gov.RequestPromotion(ctx, as("alice", auth.RoleContributor), store.RequestPromotionInput{ModelVersionID: mv, TargetStage: st, Justification: j})
		return err
	}
	cases := map[string]struct {
		err  error
		want error
		text string
	}{
		"malformed id":        {req("mv_nope", store.StageStaging, "x"), errs.Invalid, "modelVersionId:"},
		"a run id":            {req(w.train.ID, store.StageStaging, "x"), errs.Invalid, "modelVersionId:"},
		"unknown version":     {req(neo4jtest.UnknownID("mv_"), store.StageStaging, "x"), errs.NotFound, "modelVersionId \""},
		"stage NONE":          {req(other.ID, store.StageNone, "x"), errs.Invalid, "targetStage:"},
		"stage ARCHIVED":      {req(other.ID, store.StageArchived, "x"), errs.Invalid, "targetStage:"},
		"stage not allowed":   {req(other.ID, store.StageProduction, "x"), errs.Invalid, "targetStage:"},
		"no justification":    {req(other.ID, store.StageStaging, "  "), errs.Invalid, "justification:"},
		"justification long":  {req(other.ID, store.StageStaging, strings.Repeat("x", store.MaxCommentLen+1)), errs.Invalid, "justification:"},
		"already open":        {req(w.mv.ID, store.StageStaging, "x"), errs.Conflict, "open promotion request"},
		"comment too long":    {decideErr(s, t, open.ID, store.DecisionApproved, strings.Repeat("x", store.MaxCommentLen+1)), errs.Invalid, "comment:"},
		"decide unknown":      {decideErr(s, t, neo4jtest.UnknownID("pr_"), store.DecisionApproved, ""), errs.NotFound, ""},
		"decide malformed id": {decideErr(s, t, "pr_1", store.DecisionApproved, ""), errs.Invalid, "promotionRequestId:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			neo4jtest.WantErr(t, c.err, c.want)
			if !strings.Contains(c.err.Error(), c.text) {
				t.Fatalf("error %q does not say %q", c.err, c.text)
			}
		})
	}
	if n, e := neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key); n != nodes || e != events {
		t.Fatalf("rejected requests wrote: nodes %d→%d, events %d→%d", nodes, n, events, e)
	}
}

func decideErr(s *store.Store, t *testing.T, id string, d store.Decision, comment string) error {
	_, _, err := governance.New(s, nil).Decide(t.Context(), as("bob", auth.RoleApprover), id, d, comment)
	return err
}

// An upstream validation that fails while a request is open blocks it in
// the same transaction; approvals still count, and the promotion happens
// when a later validation passes.
func TestUpstreamFailureBlocksThenUnblocks(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "blk", nil)
	// The model reads a derived version of raw: the check is transitive.
	d, err := s.RegisterDataset(ctx, neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: w.key, Namespace: "file://" + w.key, Name: "features"})
	if err != nil {
		t.Fatal(err)
	}
	features, _, err := s.RegisterDatasetVersion(ctx, neo4jtest.Actor, store.RegisterDatasetVersionInput{DatasetID: d.ID, Version: "v1",
		URI: "/data/f.csv", Digest: neo4jtest.Digest('d'), DerivedFrom: []string{w.raw.ID}})
	if err != nil {
		t.Fatal(err)
	}
	validate(t, s, features.ID, gePassed)
	if _, err := s.AddRunInputs(ctx, "trainer", w.train.ID, []string{features.ID}); err != nil {
		t.Fatal(err)
	}
	req := request(t, s, "alice", w.mv.ID, store.StageProduction)
	if req.Status != store.PromotionPending {
		t.Fatalf("request %s: %+v", req.Status, req.Checks)
	}
	validate(t, s, w.raw.ID, geFailed)
	got := promotion(t, s, req.ID)
	c := check(t, got, store.CheckUpstreamValidations)
	if got.Status != store.PromotionBlocked || c.Verdict != store.CheckFailed || c.EvidenceIDs[0] != w.raw.ID || !strings.Contains(c.Detail, "FAILED") {
		t.Fatalf("after a failed upstream validation: %s %+v", got.Status, c)
	}
	if n := countKind(t, w.key, store.EventPromotionChecksChanged, req.ID); n != 1 {
		t.Fatalf("%d PROMOTION_CHECKS_CHANGED events", n)
	}
	got, promoted, err := gov.Decide(ctx, as("bob", auth.RoleApprover), req.ID, store.DecisionApproved, "")
	if err != nil || promoted || got.Status != store.PromotionBlocked || modelStage(t, s, w.mv.ID) != store.StageNone {
		t.Fatalf("approving a blocked request: %+v %v %v", got, promoted, err)
	}
	validate(t, s, w.raw.ID, gePassed)
	got = promotion(t, s, req.ID)
	if got.Status != store.PromotionApproved || modelStage(t, s, w.mv.ID) != store.StageProduction {
		t.Fatalf("after the validation passed again: %s, version %s", got.Status, modelStage(t, s, w.mv.ID))
	}
	if n := countKind(t, w.key, store.EventPromotionCompleted, req.ID); n != 1 {
		t.Fatalf("%d PROMOTION_COMPLETED events", n)
	}
}

// Twenty approvers race on a request that needs three approvals: exactly
// three approvals are recorded, and the promotion happens exactly once.
func TestConcurrentApprovalsPromoteOnce(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "race", policyWith(func(p *store.PolicyInput) { p.RequiredApprovals = 3 }))
	old := inProduction(t, s, w)
	req := request(t, s, "alice", w.mv.ID, store.StageProduction)
	const approvers = 20
	var (
		wg                    sync.WaitGroup
		mu                    sync.Mutex
		ok, promoted, refused int
		other                 []error
	)
	start := make(chan struct{})
	for i := range approvers {
		wg.Go(func() {
			<-start
			_, p, err := gov.Decide(ctx, as(fmt.Sprintf("approver-%02d", i), auth.RoleApprover), req.ID, store.DecisionApproved, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
				if p {
					promoted++
				}
			case errors.Is(err, errs.Conflict):
				refused++
			default:
				other = append(other, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(other) > 0 || ok != 3 || promoted != 1 || refused != approvers-3 {
		t.Fatalf("ok %d, promoted %d, refused %d, errors %v", ok, promoted, refused, other)
	}
	got := promotion(t, s, req.ID)
	if got.Status != store.PromotionApproved || got.ApprovalCount() != 3 {
		t.Fatalf("request %s with %d approvals", got.Status, got.ApprovalCount())
	}
	if n := neo4jtest.Count(t, `MATCH (:Approval)-[:DECIDES]->(:PromotionRequest {id: $id}) RETURN count(*) AS n`, map[string]any{"id": req.ID}); n != 3 {
		t.Fatalf("%d approvals stored", n)
	}
	for target, want := range map[string]int64{w.mv.ID: 1, old.ID: 1} {
		if n := countKind(t, w.key, store.EventModelStageChanged, target); n != want {
			t.Fatalf("%d MODEL_STAGE_CHANGED events for %s", n, target)
		}
	}
	if n := countKind(t, w.key, store.EventPromotionCompleted, ""); n != 1 {
		t.Fatalf("%d PROMOTION_COMPLETED events", n)
	}
	if modelStage(t, s, w.mv.ID) != store.StageProduction || modelStage(t, s, old.ID) != store.StageArchived {
		t.Fatal("stages after the race are wrong")
	}
}

// Whoever started a run linked as the version's producer after the
// request was made cannot approve it either.
func TestSeparationOfDutiesCountsLateProducers(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "sodlate", policyWith(func(p *store.PolicyInput) { p.RequireUpstreamValidationsPassed = false }))
	mv, err := s.RegisterModelVersion(ctx, "alice", store.RegisterModelVersionInput{ProjectKey: w.key, ModelName: "fraud", URI: "s3://m/late"})
	if err != nil {
		t.Fatal(err)
	}
	req := request(t, s, "alice", mv.ID, store.StageStaging)
	if req.TrainedBy != "" {
		t.Fatalf("trainedBy %q before any producer run", req.TrainedBy)
	}
	late, err := s.StartRun(ctx, "mallory", store.StartRunInput{ExperimentID: w.train.ExperimentID, Name: "late"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRunOutputs(ctx, "mallory", late.ID, nil, []string{mv.ID}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gov.Decide(ctx, as("mallory", auth.RoleApprover), req.ID, store.DecisionApproved, ""); !errors.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "separation of duties") {
		t.Fatalf("the late trainer approving: %v", err)
	}
	if got := promotion(t, s, req.ID); got.ApprovalCount() != 0 || got.Status.Open() != true {
		t.Fatalf("request after the refusal: %+v", got)
	}
}

// The stored check names only dataset versions of the request's project;
// those of other projects are counted.
func TestUpstreamCheckNamesOnlyItsOwnProject(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "own", nil)
	other := neo4jtest.Project(t, s, "other")
	d, err := s.RegisterDataset(ctx, neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: other, Namespace: "file://" + other, Name: "secret-source"})
	if err != nil {
		t.Fatal(err)
	}
	secret := neo4jtest.Version(t, s, d, "v1")
	validate(t, s, secret.ID, geFailed)
	if _, err := s.AddRunInputs(ctx, "trainer", w.train.ID, []string{secret.ID}); err != nil {
		t.Fatal(err)
	}
	req := request(t, s, "alice", w.mv.ID, store.StageStaging)
	c := check(t, req, store.CheckUpstreamValidations)
	if c.Verdict != store.CheckFailed || !strings.Contains(c.Detail, "1 in other projects") || strings.Contains(c.Detail, "secret-source") ||
		slices.Contains(c.EvidenceIDs, secret.ID) || !slices.Contains(c.EvidenceIDs, w.raw.ID) {
		t.Fatalf("check %+v", c)
	}
	// Nor does the evidence pack of a reader of this project only, beyond
	// the audit events of this project, which carry the IDs they were
	// written with (hashed, so never edited) and which that reader already
	// gets from the event log.
	pack, err := gov.EvidencePack(ctx, auditor(w.key), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	all, err := json.Marshal(pack)
	if err != nil {
		t.Fatal(err)
	}
	withoutAudit := *pack
	withoutAudit.Audit = evidence.Audit{}
	rest, err := json.Marshal(withoutAudit)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rest, []byte(secret.ID)) || bytes.Contains(all, []byte("secret-source")) {
		t.Fatal("the pack names the hidden input")
	}
	if problems := evidence.Verify(pack); len(problems) > 0 {
		t.Fatalf("pack problems: %v", problems)
	}
}
