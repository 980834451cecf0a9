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
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/fairness"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

const (
	gePassed = `{"success": true, "results": [{"success": true, "expectation_config": {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}, "result": {}}]}`
	geFailed = `{"success": false, "results": [{"success": false, "expectation_config": {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}, "result": {"unexpected_count": 1}}]}`
)

// promotionWorld is a model version trained by a run that read one
// validated dataset version, in a fresh project.
type promotionWorld struct {
	key   string
	raw   *store.DatasetVersion
	train *store.Run
	mv    *store.ModelVersion
}

func newPromotionWorld(t *testing.T, s *store.Store, prefix string, policy *store.PolicyInput) *promotionWorld {
	t.Helper()
	ctx := t.Context()
	w := &promotionWorld{key: neo4jtest.Project(t, s, prefix)}
	d, err := s.RegisterDataset(ctx, neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: w.key, Namespace: "file://" + w.key, Name: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	w.raw = neo4jtest.Version(t, s, d, "v1")
	validate(t, s, w.raw.ID, gePassed)
	exp := neo4jtest.Experiment(t, s, w.key)
	seed := int64(7)
	img := "sha256:" + strings.Repeat("b", 64)
	w.train, err = s.StartRun(ctx, "trainer", store.StartRunInput{ExperimentID: exp.ID, Name: "train", Status: store.StatusRunning,
		Params: []store.KeyValue{{Key: "lr", Value: "0.1"}}, Code: &store.CodeRef{Repo: "git@x:y.git", Commit: strings.Repeat("c", 40)},
		Environment: &store.Environment{ImageDigest: &img}, Seed: &seed})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRunInputs(ctx, "trainer", w.train.ID, []string{w.raw.ID}); err != nil {
		t.Fatal(err)
	}
	w.mv, err = s.RegisterModelVersion(ctx, "trainer", store.RegisterModelVersionInput{ProjectKey: w.key, ModelName: "fraud", RunID: w.train.ID, URI: "s3://m/1"})
	if err != nil {
		t.Fatal(err)
	}
	if policy != nil {
		if _, _, err := governance.New(s, nil).SetPolicy(ctx, root, w.key, *policy); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// inProduction registers another version of w's model and puts it in
// production, for a promotion to archive.
func inProduction(t *testing.T, s *store.Store, w *promotionWorld) *store.ModelVersion {
	t.Helper()
	old, err := s.RegisterModelVersion(t.Context(), "trainer", store.RegisterModelVersionInput{ProjectKey: w.key, ModelName: "fraud", URI: "s3://m/0"})
	if err != nil {
		t.Fatal(err)
	}
	neo4jtest.Exec(t, `MATCH (v:ModelVersion {id: $id}) SET v.stage = 'PRODUCTION'`, map[string]any{"id": old.ID})
	return old
}

func validate(t *testing.T, s *store.Store, versionID, result string) {
	t.Helper()
	in, err := validation.RecordInput(versionID, "ge", result)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordValidationResult(t.Context(), neo4jtest.Actor, in); err != nil {
		t.Fatal(err)
	}
}

func policyWith(edit func(*store.PolicyInput)) *store.PolicyInput {
	p := store.DefaultPolicy
	p.BiasRules = slices.Clone(p.BiasRules)
	p.Stages = slices.Clone(p.Stages)
	edit(&p)
	return &p
}

func request(t *testing.T, s *store.Store, requester, mv string, stage store.ModelStage) *store.PromotionRequest {
	t.Helper()
	r, err := governance.New(s, nil).RequestPromotion(t.Context(), as(requester, auth.RoleContributor), store.RequestPromotionInput{ModelVersionID: mv, TargetStage: stage, Justification: "better recall"})
	if err != nil {
		t.Fatalf("request promotion: %v", err)
	}
	return r
}

func modelStage(t *testing.T, s *store.Store, id string) store.ModelStage {
	t.Helper()
	vs, err := s.ModelVersionsByIDs(t.Context(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	return vs[id].Stage
}

func promotion(t *testing.T, s *store.Store, id string) *store.PromotionRequest {
	t.Helper()
	rs, err := s.PromotionRequestsByIDs(t.Context(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	return rs[id]
}

func countKind(t *testing.T, key string, kind store.EventKind, target string) int64 {
	t.Helper()
	return neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k, kind: $kind}) WHERE $target = '' OR e.targetId = $target RETURN count(e) AS n`,
		map[string]any{"k": key, "kind": string(kind), "target": target})
}

func check(t *testing.T, r *store.PromotionRequest, name store.CheckName) store.PolicyCheck {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("request %s has no %s check: %+v", r.ID, name, r.Checks)
	return store.PolicyCheck{}
}

func TestPolicyVersions(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	key := neo4jtest.Project(t, s, "pol")
	p0, err := gov.Policy(ctx, root, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p0.Version != 0 || p0.RequiredApprovals != 1 || !p0.RequireUpstreamValidationsPassed || !p0.SeparationOfDuties || p0.ID == "" {
		t.Fatalf("default policy %+v", p0)
	}
	in := *policyWith(func(p *store.PolicyInput) {
		p.RequiredApprovals = 2
		p.BiasRules = []store.BiasRule{{Metric: store.DemographicParityRatio, Threshold: 0.8}, {Metric: store.DemographicParityDifference, Threshold: 0.1}}
		p.Stages = []store.ModelStage{store.StageProduction, store.StageStaging}
	})
	p1, changed, err := gov.SetPolicy(ctx, root, key, in)
	if err != nil || !changed || p1.Version != 1 || p1.RequiredApprovals != 2 || len(p1.BiasRules) != 2 {
		t.Fatalf("set policy: %+v %v %v", p1, changed, err)
	}
	// The same content in another order is no new version.
	in.BiasRules[0], in.BiasRules[1] = in.BiasRules[1], in.BiasRules[0]
	again, changed, err := gov.SetPolicy(ctx, root, key, in)
	if err != nil || changed || again.ID != p1.ID {
		t.Fatalf("same policy again: %+v %v %v", again, changed, err)
	}
	old, err := gov.Policy(ctx, root, key, new(0))
	if err != nil || old.ID != p0.ID || old.RequiredApprovals != 1 {
		t.Fatalf("version 0 afterwards: %+v %v", old, err)
	}
	if _, err := gov.Policy(ctx, root, key, new(9)); !errors.Is(err, errs.NotFound) {
		t.Fatalf("version 9: %v", err)
	}
	if n := countKind(t, key, store.EventPolicySet, ""); n != 1 {
		t.Fatalf("%d POLICY_SET events, want 1", n)
	}

	bad := map[string]struct {
		edit  func(*store.PolicyInput)
		field string
	}{
		"no approvals":    {func(p *store.PolicyInput) { p.RequiredApprovals = 0 }, "requiredApprovals"},
		"too many":        {func(p *store.PolicyInput) { p.RequiredApprovals = 11 }, "requiredApprovals"},
		"viewer approves": {func(p *store.PolicyInput) { p.ApproverRole = "VIEWER" }, "approverRole"},
		"unknown metric":  {func(p *store.PolicyInput) { p.BiasRules = []store.BiasRule{{Metric: "ACCURACY", Threshold: 0.5}} }, "biasRules[0].metric"},
		"threshold above 1": {func(p *store.PolicyInput) {
			p.BiasRules = []store.BiasRule{{Metric: store.EqualizedOddsRatio, Threshold: 1.5}}
		}, "biasRules[0].threshold"},
		"metric twice": {func(p *store.PolicyInput) {
			p.BiasRules = []store.BiasRule{{Metric: store.EqualizedOddsRatio, Threshold: 0.5}, {Metric: store.EqualizedOddsRatio, Threshold: 0.6}}
		}, "biasRules"},
		"no stage":            {func(p *store.PolicyInput) { p.Stages = nil }, "stages"},
		"archive by request":  {func(p *store.PolicyInput) { p.Stages = []store.ModelStage{store.StageArchived} }, "stages[0]"},
		"warned without data": {func(p *store.PolicyInput) { p.RequireUpstreamValidationsPassed, p.AllowWarnedValidations = false, true }, "allowWarnedValidations"},
		"reproduced alone":    {func(p *store.PolicyInput) { p.RequireReproduced = true }, "requireReproduced"},
	}
	nodes, events := neo4jtest.ProjectNodes(t, key), neo4jtest.ProjectEvents(t, key)
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			_, _, err := gov.SetPolicy(ctx, root, key, *policyWith(c.edit))
			neo4jtest.WantErr(t, err, errs.Invalid)
			if !strings.Contains(err.Error(), c.field+":") {
				t.Fatalf("error %q does not name %s", err, c.field)
			}
		})
	}
	if _, _, err := gov.SetPolicy(ctx, root, "no-such-project", store.DefaultPolicy); !errors.Is(err, errs.NotFound) {
		t.Fatalf("unknown project: %v", err)
	}
	if n, e := neo4jtest.ProjectNodes(t, key), neo4jtest.ProjectEvents(t, key); n != nodes || e != events {
		t.Fatalf("rejected policies wrote: nodes %d→%d, events %d→%d", nodes, n, events, e)
	}
}

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

// as is subject with role in every project; auditor approves in key only.
func as(subject string, role auth.Role) *auth.Principal {
	return &auth.Principal{Subject: subject, Roles: map[string]auth.Role{auth.AllProjects: role}}
}

var root = as("admin", auth.RoleAdmin)

func auditor(key string) *auth.Principal {
	return &auth.Principal{Subject: "auditor", Roles: map[string]auth.Role{key: auth.RoleApprover}}
}

func reproducibility(t *testing.T, s *store.Store, runID string) (*governance.Reproducibility, error) {
	sts, err := s.RunStates(t.Context(), []string{runID})
	if err != nil {
		return nil, err
	}
	return governance.ReproducibilityOf(sts[0]), nil
}

func value(v float64) fairness.Value { return fairness.Value{Value: &v} }

func TestBiasRulesGatePromotion(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "bias", policyWith(func(p *store.PolicyInput) {
		p.BiasRules = []store.BiasRule{{Metric: store.DemographicParityRatio, Threshold: 0.8}, {Metric: store.EqualizedOddsDifference, Threshold: 0.1}}
	}))
	req := request(t, s, "alice", w.mv.ID, store.StageStaging)
	if c := check(t, req, store.CheckBias); req.Status != store.PromotionBlocked || !strings.Contains(c.Detail, "no bias check") {
		t.Fatalf("without a bias check: %s %+v", req.Status, c)
	}
	record := func(report fairness.Report) *store.BiasCheck {
		t.Helper()
		in, err := governance.BiasCheckRecord(w.mv.ID, w.raw.ID,
			fairness.Spec{LabelColumn: "y", PredictionColumn: "p", SensitiveColumns: []string{"sex"}, PositiveLabel: "1", MinGroupSize: 30}, &report)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.RecordBiasCheck(ctx, "alice", in)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := record(fairness.Report{DemographicParityRatio: value(0.9), EqualizedOddsDifference: value(0.05), FourFifths: fairness.FourFifthsPassed})
	got := promotion(t, s, req.ID)
	if c := check(t, got, store.CheckBias); got.Status != store.PromotionPending || c.Verdict != store.CheckPassed || c.EvidenceIDs[0] != good.ID {
		t.Fatalf("after a passing bias check: %s %+v", got.Status, c)
	}
	record(fairness.Report{DemographicParityRatio: value(0.9), EqualizedOddsDifference: fairness.Value{Reason: "group F has no positive labels"}})
	got = promotion(t, s, req.ID)
	if c := check(t, got, store.CheckBias); got.Status != store.PromotionBlocked || !strings.Contains(c.Detail, "undefined (group F has no positive labels)") {
		t.Fatalf("after an undefined metric: %s %+v", got.Status, c)
	}
	record(fairness.Report{DemographicParityRatio: value(0.7), EqualizedOddsDifference: value(0.05)})
	got = promotion(t, s, req.ID)
	if c := check(t, got, store.CheckBias); got.Status != store.PromotionBlocked || !strings.Contains(c.Detail, "DEMOGRAPHIC_PARITY_RATIO 0.7 < 0.8") {
		t.Fatalf("after a failing ratio: %s %+v", got.Status, c)
	}
	record(fairness.Report{Inconclusive: true, Notes: []string{"one group only"}})
	if c := check(t, promotion(t, s, req.ID), store.CheckBias); !strings.Contains(c.Detail, "inconclusive") {
		t.Fatalf("after an inconclusive check: %+v", c)
	}
	checks, err := s.BiasChecks(ctx, w.mv.ID, store.Page{First: 10})
	if err != nil || checks.Total != 4 || checks.Items[0].Inconclusive != true {
		t.Fatalf("bias checks newest first: %+v %v", checks, err)
	}
}

func TestReproducibility(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	ctx := t.Context()
	w := newPromotionWorld(t, s, "repro", nil)
	rep, err := reproducibility(t, s, w.train.ID)
	if err != nil || !rep.Complete || len(rep.Missing) != 0 {
		t.Fatalf("complete run: %+v %v", rep, err)
	}
	bare := neo4jtest.Run(t, s, "repro-bare", store.StatusRunning)
	rep, err = reproducibility(t, s, bare.ID)
	if want := []string{"code.commit", "environment", "seed", "params", "inputs"}; err != nil || rep.Complete || !slices.Equal(rep.Missing, want) {
		t.Fatalf("bare run: %+v %v, want missing %v", rep, err, want)
	}
	spec, err := gov.ReproduceSpec(ctx, as("viewer", auth.RoleViewer), w.train.ID)
	if err != nil || !spec.Complete || spec.Code.Commit != w.train.Code.Commit || spec.Params["lr"] != "0.1" || *spec.Seed != 7 ||
		len(spec.Inputs) != 1 || spec.Inputs[0].SHA256 != w.raw.Digest || spec.Format != governance.ReproduceSpecFormat {
		t.Fatalf("spec %+v", spec)
	}
	// A reader of another project learns that an input exists, not which.
	sts, err := s.RunStates(ctx, []string{w.train.ID})
	if err != nil {
		t.Fatal(err)
	}
	hidden := governance.Spec(sts[0], nil, store.Scope{Keys: []string{"elsewhere"}})
	if err != nil || len(hidden.Inputs) != 0 || hidden.HiddenInputs != 1 {
		t.Fatalf("spec for another project's reader: %+v %v", hidden, err)
	}

	finished := func(name string, metrics map[string]float64) *store.Run {
		t.Helper()
		r, err := s.StartRun(ctx, "trainer", store.StartRunInput{ExperimentID: w.train.ExperimentID, Name: name, Status: store.StatusRunning})
		if err != nil {
			t.Fatal(err)
		}
		var pts []store.MetricPoint
		for k, v := range metrics {
			pts = append(pts, store.MetricPoint{Key: k, Value: v, Step: 1, Timestamp: time.Now()})
		}
		if len(pts) > 0 {
			if _, err := s.LogMetrics(ctx, r.ID, pts); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.UpdateRunStatus(ctx, "trainer", r.ID, store.StatusFinished); err != nil {
			t.Fatal(err)
		}
		return r
	}
	orig := finished("orig", map[string]float64{"auc": 0.91, "loss": 0.2})
	close := finished("rerun-close", map[string]float64{"auc": 0.9105, "loss": 0.2, "extra": 1})
	far := finished("rerun-far", map[string]float64{"auc": 0.85})
	alice := as("alice", auth.RoleContributor)
	r1, err := gov.RecordReproduction(ctx, alice, orig.ID, close.ID, 0.001, 0)
	if err != nil || r1.Status != store.Reproduced || len(r1.Metrics) != 2 {
		t.Fatalf("close rerun: %+v %v", r1, err)
	}
	r2, err := gov.RecordReproduction(ctx, alice, orig.ID, far.ID, 0, 0.01)
	if err != nil || r2.Status != store.Diverged {
		t.Fatalf("far rerun: %+v %v", r2, err)
	}
	byKey := map[string]store.MetricComparison{}
	for _, m := range r2.Metrics {
		byKey[m.Key] = m
	}
	if byKey["auc"].Status != store.Diverged || byKey["loss"].Reproduced != nil || byKey["loss"].Status != store.Diverged {
		t.Fatalf("far rerun metrics %+v", r2.Metrics)
	}

	running := neo4jtest.Run(t, s, "repro-running", store.StatusRunning)
	nodes, events := neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key)
	type pair struct {
		orig, rerun string
		atol        float64
	}
	for name, in := range map[string]pair{
		"itself":              {orig.ID, orig.ID, 0},
		"negative tolerance":  {orig.ID, close.ID, -1},
		"rerun not finished":  {orig.ID, running.ID, 0},
		"original unfinished": {w.train.ID, close.ID, 0},
		"no metrics":          {finished("empty", nil).ID, close.ID, 0},
	} {
		t.Run(name, func(t *testing.T) {
			nodes, events = neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key)
			_, err := gov.RecordReproduction(ctx, alice, in.orig, in.rerun, in.atol, 0)
			neo4jtest.WantErr(t, err, errs.Invalid)
			if n, e := neo4jtest.ProjectNodes(t, w.key), neo4jtest.ProjectEvents(t, w.key); n != nodes || e != events {
				t.Fatalf("a refused reproduction wrote: nodes %d→%d, events %d→%d", nodes, n, events, e)
			}
		})
	}

	_, audit, err := gov.ReproducibilityAudit(ctx, alice, w.train.ExperimentID)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]store.ReproductionStatus{}
	for _, e := range audit {
		if e.Latest != nil {
			status[e.Run.Name] = e.Latest.Status
		}
	}
	if len(audit) < 5 || status["orig"] != store.Diverged || len(status) != 1 {
		t.Fatalf("audit: %d runs, statuses %v", len(audit), status)
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
