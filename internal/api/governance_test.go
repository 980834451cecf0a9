package api_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// evalCSV is a model's predictions on an evaluation set: selection rates
// M 3/4 and F 2/4 (demographic parity ratio 2/3, difference 1/4), TPR M
// 2/2 and F 1/2, FPR M 1/2 and F 1/2. grade takes three values.
const evalCSV = "sex,y,p,grade\nM,1,1,a\nM,1,1,b\nM,0,1,c\nM,0,0,a\nF,1,1,b\nF,1,0,c\nF,0,0,a\nF,0,1,b\n"

// governed is a model version trained on a validated dataset version
// whose file is the evaluation set, in a fresh project.
type governed struct {
	key   string
	data  *store.DatasetVersion
	train *store.Run
	mv    *store.ModelVersion
}

func newGoverned(t *testing.T, h *hub, prefix string) *governed {
	t.Helper()
	ctx := t.Context()
	key, d := newDataset(t, h.st, prefix)
	path, sum := writeData(t, "eval.csv", evalCSV)
	g := &governed{key: key, data: registerVersion(t, h.st, d, "v1", path, sum)}
	must(h.st.RecordValidationResult(ctx, "alice", must(validation.RecordInput(g.data.ID, "ge", `{"success": true, "results": []}`)).of(t))).of(t)
	exp := must(h.st.CreateExperiment(ctx, "trainer", store.CreateExperimentInput{ProjectKey: key, Name: "e"})).of(t)
	g.train = must(h.st.StartRun(ctx, "trainer", store.StartRunInput{ExperimentID: exp.ID, Name: "train"})).of(t)
	must(h.st.AddRunInputs(ctx, "trainer", g.train.ID, []string{g.data.ID})).of(t)
	g.mv = must(h.st.RegisterModelVersion(ctx, "trainer", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "churn", RunID: g.train.ID, URI: "s3://m"})).of(t)
	return g
}

const promotionFields = `id status targetStage requestedBy trainedBy approvalCount requiredApprovals viewerCanDecide
	checks { name verdict detail evidenceIds } approvals { actor decision comment } policy { version }
	modelVersion { id stage }`

type promotionJSON struct {
	ID, Status, TargetStage, RequestedBy string
	TrainedBy                            *string
	ApprovalCount, RequiredApprovals     int
	ViewerCanDecide                      bool
	Checks                               []struct {
		Name, Verdict, Detail string
		EvidenceIds           []string
	}
	Approvals    []struct{ Actor, Decision, Comment string }
	Policy       struct{ Version int }
	ModelVersion struct{ ID, Stage string }
}

func requestPromotion(t *testing.T, h *hub, tok, mv, stage string) promotionJSON {
	t.Helper()
	var out struct {
		RequestPromotion struct{ PromotionRequest promotionJSON }
	}
	h.gql(t, tok, `mutation($mv: ID!, $stage: ModelStage!) { requestPromotion(input: {modelVersionId: $mv, targetStage: $stage, justification: "lift +3%"}) {
		promotionRequest { `+promotionFields+` } } }`, map[string]any{"mv": mv, "stage": stage}).ok(t, &out)
	return out.RequestPromotion.PromotionRequest
}

func getPromotion(t *testing.T, h *hub, tok, id string) promotionJSON {
	t.Helper()
	var out struct{ Node promotionJSON }
	h.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on PromotionRequest { `+promotionFields+` } } }`, map[string]any{"id": id}).ok(t, &out)
	return out.Node
}

// A promotion from policy to evidence pack over HTTP and websockets: the
// approver's inbox hears of the request, a bias check unblocks it, two
// approvals carry it out, and the evidence pack verifies offline.
func TestPromotionOverTheAPI(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "gov")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	bob := token(t, "bob", map[string]auth.Role{g.key: auth.RoleApprover})
	carol := token(t, "carol", map[string]auth.Role{g.key: auth.RoleApprover})
	trainer := token(t, "trainer", map[string]auth.Role{g.key: auth.RoleApprover})

	var pol struct {
		SetPolicy struct {
			Policy struct {
				Version   int
				BiasRules []struct {
					Metric    string
					Threshold float64
				}
			}
			Changed bool
		}
	}
	h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 2,
		biasRules: [{metric: DEMOGRAPHIC_PARITY_RATIO, threshold: 0.6}, {metric: DEMOGRAPHIC_PARITY_DIFFERENCE, threshold: 0.3}]}) {
		policy { version biasRules { metric threshold } } changed } }`, map[string]any{"k": g.key}).ok(t, &pol)
	if !pol.SetPolicy.Changed || pol.SetPolicy.Policy.Version != 1 || len(pol.SetPolicy.Policy.BiasRules) != 2 {
		t.Fatalf("setPolicy %+v", pol.SetPolicy)
	}
	h.gql(t, bob, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1}) { changed } }`,
		map[string]any{"k": g.key}).fails(t, "FORBIDDEN", "admin")

	var head struct{ RecentEvents struct{ Cursor string } }
	h.gql(t, bob, `{ recentEvents(last: 0) { cursor } }`, nil).ok(t, &head)
	const inboxSub = `subscription($after: String) { approvalRequested(after: $after) { seq kind projectKey targetId actor payload } }`
	bobInbox, trainerInbox, feed := dial(t, h, bob), dial(t, h, trainer), dial(t, h, carol)
	if err := bobInbox.Subscribe(t.Context(), "inbox", inboxSub, map[string]any{"after": head.RecentEvents.Cursor}); err != nil {
		t.Fatal(err)
	}
	if err := trainerInbox.Subscribe(t.Context(), "inbox", inboxSub, map[string]any{"after": head.RecentEvents.Cursor}); err != nil {
		t.Fatal(err)
	}
	if err := feed.Subscribe(t.Context(), "feed", `subscription($k: String!, $after: String) {
		promotionUpdated(projectKey: $k, after: $after) { seq kind projectKey targetId actor payload } }`,
		map[string]any{"k": g.key, "after": head.RecentEvents.Cursor}); err != nil {
		t.Fatal(err)
	}

	req := requestPromotion(t, h, alice, g.mv.ID, "PRODUCTION")
	if req.Status != "BLOCKED" || req.RequestedBy != "alice" || req.TrainedBy == nil || *req.TrainedBy != "trainer" || req.Policy.Version != 1 ||
		req.RequiredApprovals != 2 || len(req.Checks) != 2 || req.Checks[0].Name != "UPSTREAM_VALIDATIONS" || req.Checks[0].Verdict != "PASSED" ||
		req.Checks[1].Name != "BIAS" || req.Checks[1].Verdict != "FAILED" || req.ViewerCanDecide {
		t.Fatalf("request %+v", req)
	}
	if ev := next(t, bobInbox, "inbox"); ev.Kind != "PROMOTION_REQUESTED" || ev.TargetID != req.ID || ev.Payload["status"] != "BLOCKED" {
		t.Fatalf("bob's inbox got %+v", ev)
	}
	// The trainer may not approve (separation of duties): nothing in its inbox.
	expectQuiet(t, trainerInbox, 300*time.Millisecond)
	if got := getPromotion(t, h, bob, req.ID); !got.ViewerCanDecide {
		t.Fatal("bob may not decide")
	}
	if got := getPromotion(t, h, trainer, req.ID); got.ViewerCanDecide {
		t.Fatal("the trainer may decide")
	}
	var inbox struct {
		PromotionRequests struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	h.gql(t, bob, `query($k: String) { promotionRequests(projectKey: $k, filter: {decidableByViewer: true}) { totalCount edges { node { id } } } }`,
		map[string]any{"k": g.key}).ok(t, &inbox)
	if inbox.PromotionRequests.TotalCount != 1 || inbox.PromotionRequests.Edges[0].Node.ID != req.ID {
		t.Fatalf("bob's decidable requests %+v", inbox)
	}
	h.gql(t, trainer, `query($k: String) { promotionRequests(projectKey: $k, filter: {decidableByViewer: true}) { totalCount } }`,
		map[string]any{"k": g.key}).ok(t, &inbox)
	if inbox.PromotionRequests.TotalCount != 0 {
		t.Fatalf("the trainer's decidable requests %+v", inbox)
	}

	// The bias check reads the evaluation data and unblocks the request.
	var bias struct {
		RunBiasCheck struct {
			BiasCheck struct {
				ID       string
				RowCount int
				Sha256   string
				Groups   []struct {
					Values        []string
					Count         int
					SelectionRate struct{ Value *float64 }
				}
				DemographicParityRatio      struct{ Value *float64 }
				DemographicParityDifference struct{ Value *float64 }
				FourFifths                  string
				ModelVersion                struct{ ID string }
			}
		}
	}
	h.gql(t, alice, `mutation($mv: ID!, $dv: ID!) { runBiasCheck(input: {modelVersionId: $mv, datasetVersionId: $dv, labelColumn: "y",
		predictionColumn: "p", sensitiveColumns: ["sex"], positiveLabel: "1", minGroupSize: 2}) { biasCheck {
		id rowCount sha256 groups { values count selectionRate { value } } demographicParityRatio { value }
		demographicParityDifference { value } fourFifths modelVersion { id } } } }`,
		map[string]any{"mv": g.mv.ID, "dv": g.data.ID}).ok(t, &bias)
	b := bias.RunBiasCheck.BiasCheck
	if b.RowCount != 8 || b.Sha256 != g.data.Digest || len(b.Groups) != 2 || b.Groups[0].Values[0] != "F" || *b.Groups[0].SelectionRate.Value != 0.5 ||
		*b.DemographicParityRatio.Value != 2.0/3 || *b.DemographicParityDifference.Value != 0.25 || b.FourFifths != "FAILED" || b.ModelVersion.ID != g.mv.ID {
		t.Fatalf("bias check %+v", b)
	}
	got := getPromotion(t, h, bob, req.ID)
	if got.Status != "PENDING" || got.Checks[1].Verdict != "PASSED" || !slices.Equal(got.Checks[1].EvidenceIds, []string{b.ID}) {
		t.Fatalf("after the bias check: %+v", got)
	}

	var dec struct {
		ApprovePromotion struct {
			PromotionRequest promotionJSON
			Promoted         bool
		}
	}
	const approve = `mutation($id: ID!, $c: String!) { approvePromotion(input: {promotionRequestId: $id, comment: $c}) {
		promoted promotionRequest { ` + promotionFields + ` } } }`
	h.gql(t, alice, approve, map[string]any{"id": req.ID, "c": "mine"}).fails(t, "FORBIDDEN", "approver")
	h.gql(t, trainer, approve, map[string]any{"id": req.ID, "c": ""}).fails(t, "CONFLICT", "separation of duties")
	h.gql(t, bob, approve, map[string]any{"id": req.ID, "c": "checked the holdout"}).ok(t, &dec)
	if dec.ApprovePromotion.Promoted || dec.ApprovePromotion.PromotionRequest.ApprovalCount != 1 {
		t.Fatalf("first approval %+v", dec.ApprovePromotion)
	}
	h.gql(t, bob, approve, map[string]any{"id": req.ID, "c": ""}).fails(t, "CONFLICT", "already decided")
	h.gql(t, carol, approve, map[string]any{"id": req.ID, "c": ""}).ok(t, &dec)
	if p := dec.ApprovePromotion; !p.Promoted || p.PromotionRequest.Status != "APPROVED" || p.PromotionRequest.ModelVersion.Stage != "PRODUCTION" {
		t.Fatalf("second approval %+v", p)
	}

	var kinds []string
	for len(kinds) < 6 {
		ev := next(t, feed, "feed")
		if ev.ProjectKey != g.key {
			t.Fatalf("promotionUpdated delivered another project's event %+v", ev)
		}
		kinds = append(kinds, ev.Kind)
	}
	want := []string{"PROMOTION_REQUESTED", "PROMOTION_CHECKS_CHANGED", "PROMOTION_APPROVED", "PROMOTION_APPROVED", "MODEL_STAGE_CHANGED", "PROMOTION_COMPLETED"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("promotionUpdated delivered %v, want %v", kinds, want)
	}

	// The evidence pack is for approvers, and verifies offline.
	const packQ = `query($id: ID!) { evidencePack(promotionRequestId: $id) }`
	h.gql(t, alice, packQ, map[string]any{"id": req.ID}).fails(t, "FORBIDDEN", "approver")
	var packed struct{ EvidencePack json.RawMessage }
	h.gql(t, bob, packQ, map[string]any{"id": req.ID}).ok(t, &packed)
	pack, err := evidence.Read(bytes.NewReader(packed.EvidencePack))
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(pack); len(problems) > 0 {
		t.Fatalf("evidence pack problems: %v", problems)
	}
	if pack.GeneratedBy != "bob" || len(pack.BiasChecks) != 1 || len(pack.Validations) != 1 || pack.Policy.Version != 1 ||
		len(pack.Request.Approvals) != 2 || pack.ModelVersion.Model != "churn" {
		t.Fatalf("pack %+v", pack)
	}

	var audit struct {
		VerifyAuditLog struct {
			Ok            bool
			Checked       int
			ProjectEvents int
			HeadSeq       int
		}
	}
	h.gql(t, bob, `query($k: String!) { verifyAuditLog(projectKey: $k) { ok checked projectEvents headSeq } }`, map[string]any{"k": g.key}).ok(t, &audit)
	if v := audit.VerifyAuditLog; !v.Ok || v.Checked != v.HeadSeq || v.ProjectEvents < 12 {
		t.Fatalf("verifyAuditLog %+v", v)
	}
	h.gql(t, alice, `query($k: String!) { verifyAuditLog(projectKey: $k) { ok } }`, map[string]any{"k": g.key}).fails(t, "FORBIDDEN")
}

func TestGovernanceRefusals(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "govno")
	viewer := token(t, "vera", map[string]auth.Role{g.key: auth.RoleViewer})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	dan := token(t, "dan", map[string]auth.Role{g.key: auth.RoleContributor})
	stranger := token(t, "sam", map[string]auth.Role{"elsewhere": auth.RoleAdmin})
	const req = `mutation($mv: ID!, $stage: ModelStage!, $j: String!) { requestPromotion(input: {modelVersionId: $mv, targetStage: $stage, justification: $j}) { promotionRequest { id } } }`
	before := stateOf(t, g.key)
	h.gql(t, viewer, req, map[string]any{"mv": g.mv.ID, "stage": "STAGING", "j": "x"}).fails(t, "FORBIDDEN", "contributor")
	h.gql(t, stranger, req, map[string]any{"mv": g.mv.ID, "stage": "STAGING", "j": "x"}).fails(t, "NOT_FOUND")
	h.gql(t, alice, req, map[string]any{"mv": g.mv.ID, "stage": "ARCHIVED", "j": "x"}).fails(t, "BAD_USER_INPUT", "targetStage")
	h.gql(t, alice, req, map[string]any{"mv": g.mv.ID, "stage": "STAGING", "j": ""}).fails(t, "BAD_USER_INPUT", "justification")
	h.gql(t, alice, req, map[string]any{"mv": "mv_x", "stage": "STAGING", "j": "x"}).fails(t, "BAD_USER_INPUT", "modelVersionId")

	const bias = `mutation($mv: ID!, $dv: ID!, $label: String!, $sens: [String!]!) { runBiasCheck(input: {modelVersionId: $mv, datasetVersionId: $dv,
		labelColumn: $label, predictionColumn: "p", sensitiveColumns: $sens, positiveLabel: "1"}) { biasCheck { id } } }`
	h.gql(t, alice, bias, map[string]any{"mv": g.mv.ID, "dv": g.data.ID, "label": "y", "sens": []string{"age"}}).fails(t, "BAD_USER_INPUT", "age")
	h.gql(t, alice, bias, map[string]any{"mv": g.mv.ID, "dv": g.data.ID, "label": "grade", "sens": []string{"sex"}}).fails(t, "BAD_USER_INPUT", "grade")
	h.gql(t, viewer, bias, map[string]any{"mv": g.mv.ID, "dv": g.data.ID, "label": "y", "sens": []string{"sex"}}).fails(t, "FORBIDDEN")
	unchanged(t, g.key, before)

	id := requestPromotion(t, h, alice, g.mv.ID, "STAGING").ID
	// What breaks if the data is wrong: the open request is listed.
	var impact struct {
		Impact struct{ OpenPromotionRequests []string }
	}
	const impactQ = `query($id: ID!) { impact(id: $id) { openPromotionRequests } }`
	h.gql(t, viewer, impactQ, map[string]any{"id": g.data.ID}).ok(t, &impact)
	if !slices.Equal(impact.Impact.OpenPromotionRequests, []string{id}) {
		t.Fatalf("impact lists open requests %v, want [%s]", impact.Impact.OpenPromotionRequests, id)
	}
	before = stateOf(t, g.key)
	h.gql(t, dan, `mutation($id: ID!) { cancelPromotion(input: {promotionRequestId: $id}) { promotionRequest { status } } }`,
		map[string]any{"id": id}).fails(t, "FORBIDDEN", "requester")
	h.gql(t, stranger, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}).ok(t, nil)
	var hidden struct{ Node *struct{ ID string } }
	h.gql(t, stranger, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}).ok(t, &hidden)
	if hidden.Node != nil {
		t.Fatal("a stranger reads the request")
	}
	h.gql(t, stranger, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": id}).fails(t, "NOT_FOUND")
	h.gql(t, alice, `mutation($id: ID!) { rejectPromotion(input: {promotionRequestId: $id, comment: "no"}) { promoted } }`,
		map[string]any{"id": id}).fails(t, "FORBIDDEN")
	unchanged(t, g.key, before)
	var cancelled struct {
		CancelPromotion struct{ PromotionRequest struct{ Status string } }
	}
	h.gql(t, alice, `mutation($id: ID!) { cancelPromotion(input: {promotionRequestId: $id}) { promotionRequest { status } } }`,
		map[string]any{"id": id}).ok(t, &cancelled)
	if cancelled.CancelPromotion.PromotionRequest.Status != "CANCELLED" {
		t.Fatalf("cancel %+v", cancelled)
	}
	h.gql(t, viewer, impactQ, map[string]any{"id": g.data.ID}).ok(t, &impact)
	if len(impact.Impact.OpenPromotionRequests) != 0 {
		t.Fatalf("impact lists closed requests %v", impact.Impact.OpenPromotionRequests)
	}
}

func TestReproducibilityOverTheAPI(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "rep")
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	var run struct {
		Node struct {
			Reproducibility struct {
				Complete           bool
				Missing            []string
				LatestReproduction *struct{ Status string }
			}
		}
	}
	h.gql(t, alice, `query($id: ID!) { node(id: $id) { ... on Run { reproducibility { complete missing latestReproduction { status } } } } }`,
		map[string]any{"id": g.train.ID}).ok(t, &run)
	if r := run.Node.Reproducibility; r.Complete || !slices.Equal(r.Missing, []string{"code.commit", "environment", "seed", "params"}) || r.LatestReproduction != nil {
		t.Fatalf("reproducibility %+v", r)
	}
	var spec struct{ ReproduceSpec map[string]any }
	h.gql(t, alice, `query($id: ID!) { reproduceSpec(runId: $id) }`, map[string]any{"id": g.train.ID}).ok(t, &spec)
	inputs, _ := spec.ReproduceSpec["inputs"].([]any)
	if spec.ReproduceSpec["format"] != governance.ReproduceSpecFormat || len(inputs) != 1 || !strings.Contains(string(must(json.Marshal(inputs)).of(t)), g.data.Digest) {
		t.Fatalf("reproduce spec %v", spec.ReproduceSpec)
	}
	ctx := t.Context()
	finished := func(name string, auc float64) string {
		r := must(h.st.StartRun(ctx, "alice", store.StartRunInput{ExperimentID: g.train.ExperimentID, Name: name})).of(t)
		must(h.st.LogMetrics(ctx, r.ID, []store.MetricPoint{{Key: "auc", Value: auc, Step: 1, Timestamp: time.Now()}})).of(t)
		must(h.st.UpdateRunStatus(ctx, "alice", r.ID, store.StatusFinished)).of(t)
		return r.ID
	}
	orig, rerun := finished("orig", 0.9), finished("rerun", 0.9004)
	var rec struct {
		RecordReproduction struct {
			Reproduction struct {
				Status  string
				Metrics []struct {
					Key, Status string
					Difference  *float64
				}
				OriginalRun struct{ ID string }
			}
		}
	}
	h.gql(t, alice, `mutation($a: ID!, $b: ID!) { recordReproduction(input: {originalRunId: $a, reproductionRunId: $b, tolerance: 0.001}) {
		reproduction { status metrics { key status difference } originalRun { id } } } }`, map[string]any{"a": orig, "b": rerun}).ok(t, &rec)
	if r := rec.RecordReproduction.Reproduction; r.Status != "REPRODUCED" || len(r.Metrics) != 1 || r.OriginalRun.ID != orig {
		t.Fatalf("reproduction %+v", r)
	}
	var audit struct {
		ReproducibilityAudit struct {
			TotalCount, ReproducedCount int
			Runs                        []struct {
				Run    struct{ Name string }
				Status string
			}
		}
	}
	h.gql(t, alice, `query($e: ID!) { reproducibilityAudit(experimentId: $e) { totalCount reproducedCount runs { run { name } status } } }`,
		map[string]any{"e": g.train.ExperimentID}).ok(t, &audit)
	a := audit.ReproducibilityAudit
	statuses := map[string]string{}
	for _, r := range a.Runs {
		statuses[r.Run.Name] = r.Status
	}
	if a.TotalCount != 3 || a.ReproducedCount != 1 || statuses["orig"] != "REPRODUCED" || statuses["train"] != "NOT_ATTEMPTED" {
		t.Fatalf("audit %+v", a)
	}
}
