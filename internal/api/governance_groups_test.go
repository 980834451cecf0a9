package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func groupToken(t *testing.T, subject string, roles map[string]auth.Role, groups ...string) string {
	t.Helper()
	tok, err := auth.NewDevTokenWithGroups([]byte(auth.DevSecret), subject, roles, groups, time.Hour, time.Now())
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return tok
}

const standingFields = `id status approvalCount requiredApprovals approvalsOutstanding viewerCanDecide
	requiredGroups { group approvals } approvalsValidFor
	approvals { actor decision groups counted expired notCountedReason countedForGroup }`

type standingJSON struct {
	ID, Status                       string
	ApprovalCount, RequiredApprovals int
	ApprovalsOutstanding             *string
	ViewerCanDecide                  bool
	RequiredGroups                   []struct {
		Group     string
		Approvals int
	}
	ApprovalsValidFor *int
	Approvals         []struct {
		Actor, Decision                   string
		Groups                            []string
		Counted, Expired                  bool
		NotCountedReason, CountedForGroup *string
	}
}

func approve(t *testing.T, h *hub, tok, id string) (*gqlResponse, standingJSON, bool) {
	t.Helper()
	var out struct {
		ApprovePromotion struct {
			PromotionRequest standingJSON
			Promoted         bool
		}
	}
	r := h.gql(t, tok, `mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id, comment: "ok"}) {
		promotionRequest { `+standingFields+` } promoted } }`, map[string]any{"id": id})
	if len(r.Errors) == 0 {
		r.ok(t, &out)
	}
	return r, out.ApprovePromotion.PromotionRequest, out.ApprovePromotion.Promoted
}

func standing(t *testing.T, h *hub, tok, id string) standingJSON {
	t.Helper()
	var out struct{ Node standingJSON }
	h.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on PromotionRequest { `+standingFields+` } } }`, map[string]any{"id": id}).ok(t, &out)
	return out.Node
}

func setGroupPolicy(t *testing.T, h *hub, admin, key, extra string) {
	t.Helper()
	h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, `+extra+`}) { changed } }`,
		map[string]any{"k": key}).ok(t, nil)
}

// Two groups required: one approval from each; a second approval from the
// same group does not complete the request, and once the role count is met
// only a member of the missing group may approve.
func TestGovernanceApproverGroups(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "grp")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	approver := map[string]auth.Role{g.key: auth.RoleApprover}
	riskA, riskB := groupToken(t, "risk-a", approver, "risk"), groupToken(t, "risk-b", approver, "risk")
	plain := groupToken(t, "plain", approver)
	ml := groupToken(t, "ml", approver, "ml-platform", "other")

	setGroupPolicy(t, h, admin, g.key, `requiredApprovals: 2, requiredGroups: [{group: "risk", approvals: 1}, {group: "ml-platform", approvals: 1}]`)
	var pol struct {
		Policy struct {
			RequiredGroups []struct {
				Group     string
				Approvals int
			}
		}
	}
	h.gql(t, admin, `query($k: String!) { policy(projectKey: $k) { requiredGroups { group approvals } } }`, map[string]any{"k": g.key}).ok(t, &pol)
	if len(pol.Policy.RequiredGroups) != 2 || pol.Policy.RequiredGroups[0].Group != "ml-platform" {
		t.Fatalf("policy groups %+v", pol.Policy.RequiredGroups)
	}
	req := requestPromotion(t, h, alice, g.mv.ID, "STAGING")

	if _, got, promoted := approve(t, h, riskA, req.ID); promoted || got.Status != "PENDING" || got.Approvals[0].CountedForGroup == nil ||
		*got.Approvals[0].CountedForGroup != "risk" || !got.Approvals[0].Counted || strings.Join(got.Approvals[0].Groups, ",") != "risk" {
		t.Fatalf("first approval from risk: %+v", got)
	}
	_, got, promoted := approve(t, h, riskB, req.ID)
	if promoted || got.Status != "PENDING" || got.ApprovalCount != 2 || got.ApprovalsOutstanding == nil ||
		*got.ApprovalsOutstanding != "needs 1 more from group ml-platform" || got.Approvals[1].CountedForGroup != nil {
		t.Fatalf("a second approval from risk completed the request or did not say why not: %+v", got)
	}
	// The role count is met: an approver in no missing group adds nothing.
	if standing(t, h, plain, req.ID).ViewerCanDecide {
		t.Error("viewerCanDecide is true for an approver whose groups add nothing")
	}
	before := stateOf(t, g.key)
	r, _, _ := approve(t, h, plain, req.ID)
	r.fails(t, "FORBIDDEN", "ml-platform")
	unchanged(t, g.key, before)
	// Rejecting stays open to them.
	if !standing(t, h, ml, req.ID).ViewerCanDecide {
		t.Error("viewerCanDecide is false for a member of the missing group")
	}
	_, got, promoted = approve(t, h, ml, req.ID)
	if !promoted || got.Status != "APPROVED" || got.ApprovalsOutstanding != nil || *got.Approvals[2].CountedForGroup != "ml-platform" {
		t.Fatalf("the ml-platform approval did not complete the request: %+v", got)
	}
	// The pack carries the groups and which approvals counted, and verifies.
	var packOut struct{ EvidencePack json.RawMessage }
	h.gql(t, admin, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": req.ID}).ok(t, &packOut)
	pack, err := evidence.Read(bytes.NewReader(packOut.EvidencePack))
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(pack); len(problems) > 0 {
		t.Fatalf("the pack does not verify: %v", problems)
	}
	if len(pack.Policy.RequiredGroups) != 2 || pack.Request.Approvals[2].CountedForGroup != "ml-platform" || pack.Request.Approvals[1].Counted == nil ||
		!*pack.Request.Approvals[1].Counted || strings.Join(pack.Request.Approvals[0].Groups, ",") != "risk" {
		t.Fatalf("pack policy %+v approvals %+v", pack.Policy, pack.Request.Approvals)
	}
	// A pack that claims a group was filled when it was not fails.
	pack.Request.Approvals[2].CountedForGroup = ""
	if problems := evidence.Verify(pack); len(problems) == 0 {
		t.Error("a pack missing a required group's approval verifies")
	}
}

// Approvals older than approvalsValidFor do not count when the request
// would complete; the clock is the store's, moved by the test.
func TestGovernanceApprovalsExpire(t *testing.T) {
	clock := &neo4jtest.MinuteClock{Base: time.Now().UTC().Truncate(time.Minute)}
	clock.Set(0)
	h := newHub(t, func(o *api.Options) { o.Store = neo4jtest.Store(t, store.WithClock(clock.Now)) })
	g := newGoverned(t, h, "exp")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	bob := token(t, "bob", map[string]auth.Role{g.key: auth.RoleApprover})
	carol := token(t, "carol", map[string]auth.Role{g.key: auth.RoleApprover})
	dave := token(t, "dave", map[string]auth.Role{g.key: auth.RoleApprover})
	setGroupPolicy(t, h, admin, g.key, `requiredApprovals: 2, approvalsValidFor: 3600`)
	req := requestPromotion(t, h, alice, g.mv.ID, "STAGING")

	approve(t, h, bob, req.ID)
	clock.Set(61)
	if st := standing(t, h, bob, req.ID); !st.Approvals[0].Expired || st.Approvals[0].Counted || st.ApprovalsValidFor == nil || *st.ApprovalsValidFor != 3600 {
		t.Fatalf("an approval 61 minutes old under a one-hour policy: %+v", st)
	}
	_, got, promoted := approve(t, h, carol, req.ID)
	if promoted || got.Status != "PENDING" || got.Approvals[0].NotCountedReason == nil || !strings.Contains(*got.Approvals[0].NotCountedReason, "expired") {
		t.Fatalf("an expired approval completed the request: %+v", got)
	}
	clock.Set(62)
	if _, got, promoted = approve(t, h, dave, req.ID); !promoted || got.Status != "APPROVED" {
		t.Fatalf("two fresh approvals did not complete the request: %+v", got)
	}
	// Settled at completion: the expired approval stays not counted, the
	// others counted, whatever the clock says later.
	clock.Set(1000)
	st := standing(t, h, bob, req.ID)
	if !st.Approvals[0].Expired || st.Approvals[0].Counted || !st.Approvals[1].Counted || !st.Approvals[2].Counted || st.Approvals[1].Expired {
		t.Fatalf("standings after completion: %+v", st)
	}
}

// An approver who presents a token without the approver role before the
// request completes no longer counts.
func TestGovernanceLostRoleApprovalDoesNotCount(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "lost")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	bob := token(t, "bob", map[string]auth.Role{g.key: auth.RoleApprover})
	bobViewer := token(t, "bob", map[string]auth.Role{g.key: auth.RoleViewer})
	carol := token(t, "carol", map[string]auth.Role{g.key: auth.RoleApprover})
	dave := token(t, "dave", map[string]auth.Role{g.key: auth.RoleApprover})
	setGroupPolicy(t, h, admin, g.key, `requiredApprovals: 2`)
	req := requestPromotion(t, h, alice, g.mv.ID, "STAGING")

	approve(t, h, bob, req.ID)
	// Bob comes back with a token that no longer grants approver.
	h.gql(t, bobViewer, `query($k: String!) { promotionRequests(projectKey: $k) { totalCount } }`, map[string]any{"k": g.key}).ok(t, nil)
	_, got, promoted := approve(t, h, carol, req.ID)
	if promoted || got.Status != "PENDING" {
		t.Fatalf("an approval of someone who lost the role completed the request: %+v", got)
	}
	if a := got.Approvals[0]; a.Actor != "bob" || a.Counted || a.NotCountedReason == nil || !strings.Contains(*a.NotCountedReason, "no longer holds the approver role") {
		t.Fatalf("bob's approval does not say why it does not count: %+v", a)
	}
	if got.ApprovalsOutstanding == nil || !strings.Contains(*got.ApprovalsOutstanding, "1 more approval") {
		t.Errorf("approvalsOutstanding %v", got.ApprovalsOutstanding)
	}
	// Bob regains the role: his approval counts again, and the next
	// approval completes the request.
	h.gql(t, bob, `query($k: String!) { promotionRequests(projectKey: $k) { totalCount } }`, map[string]any{"k": g.key}).ok(t, nil)
	if st := standing(t, h, dave, req.ID); !st.Approvals[0].Counted {
		t.Fatalf("bob's approval does not count after he presents the role again: %+v", st)
	}
	if _, got, promoted = approve(t, h, dave, req.ID); !promoted {
		t.Fatalf("three approvals did not complete the request: %+v", got)
	}
}

// Bad group requirements and expiry are refused naming the field, and
// write nothing.
func TestGovernancePolicyGroupInput(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "pin")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	long := strings.Repeat("g", auth.MaxGroupLen+1)
	cases := []struct{ name, input, field string }{
		{"negative approvals", `requiredGroups: [{group: "risk", approvals: -1}]`, "requiredGroups[0].approvals"},
		{"empty group", `requiredGroups: [{group: "", approvals: 1}]`, "requiredGroups[0].group"},
		{"over-long group", `requiredGroups: [{group: "` + long + `", approvals: 1}]`, "requiredGroups[0].group"},
		{"group twice", `requiredGroups: [{group: "risk", approvals: 1}, {group: "risk", approvals: 2}]`, "requiredGroups"},
		{"negative expiry", `approvalsValidFor: -1`, "approvalsValidFor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := stateOf(t, g.key)
			h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, `+c.input+`}) { changed } }`,
				map[string]any{"k": g.key}).fails(t, "BAD_USER_INPUT", c.field)
			unchanged(t, g.key, before)
		})
	}
}
