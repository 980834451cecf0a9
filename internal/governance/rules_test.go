package governance_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
)

// The rules are pure: these tests need no Neo4j.

func openRequest() *store.PromotionRequest {
	return &store.PromotionRequest{ID: "pr_1", ProjectKey: "fraud", Status: store.PromotionPending, ApproverRole: store.ApproverRoleApprover,
		SeparationOfDuties: true, RequestedBy: "alice", TrainedBy: "trainer", ProducedBy: []string{"trainer", "late"}}
}

func in(key string, role auth.Role, subject string) *auth.Principal {
	return &auth.Principal{Subject: subject, Roles: map[string]auth.Role{key: role}}
}

func TestDecision(t *testing.T) {
	cases := []struct {
		name string
		p    *auth.Principal
		edit func(*store.PromotionRequest)
		want error // nil: may decide
		text string
	}{
		{"approver", in("fraud", auth.RoleApprover, "bob"), nil, nil, ""},
		{"admin", in("fraud", auth.RoleAdmin, "bob"), nil, nil, ""},
		{"approver everywhere", in(auth.AllProjects, auth.RoleApprover, "bob"), nil, nil, ""},
		{"no caller", nil, nil, errs.Unauthenticated, ""},
		{"contributor", in("fraud", auth.RoleContributor, "bob"), nil, errs.Forbidden, "approver role"},
		{"approver elsewhere", in("churn", auth.RoleApprover, "bob"), nil, errs.Forbidden, `"fraud"`},
		{"policy wants admins", in("fraud", auth.RoleApprover, "bob"),
			func(r *store.PromotionRequest) { r.ApproverRole = store.ApproverRoleAdmin }, errs.Forbidden, "admin role"},
		{"closed", in("fraud", auth.RoleApprover, "bob"),
			func(r *store.PromotionRequest) { r.Status = store.PromotionApproved }, errs.Conflict, "closed"},
		{"blocked is open", in("fraud", auth.RoleApprover, "bob"),
			func(r *store.PromotionRequest) { r.Status = store.PromotionBlocked }, nil, ""},
		{"decided already", in("fraud", auth.RoleApprover, "bob"),
			func(r *store.PromotionRequest) { r.Approvals = []store.Approval{{Actor: "bob"}} }, errs.Conflict, "already decided"},
		{"requester", in("fraud", auth.RoleApprover, "alice"), nil, errs.Conflict, "separation of duties"},
		{"trainer", in("fraud", auth.RoleApprover, "trainer"), nil, errs.Conflict, "separation of duties"},
		{"late producer", in("fraud", auth.RoleApprover, "late"), nil, errs.Conflict, "separation of duties"},
		{"requester without SoD", in("fraud", auth.RoleApprover, "alice"),
			func(r *store.PromotionRequest) { r.SeparationOfDuties = false }, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := openRequest()
			if c.edit != nil {
				c.edit(req)
			}
			err := governance.Decision(c.p, req)
			if c.want == nil {
				if err != nil || !governance.CanDecide(c.p, req) {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) || governance.CanDecide(c.p, req) {
				t.Fatalf("got %v, want %v saying %q", err, c.want, c.text)
			}
		})
	}
}

func TestRequestedEventCarriesWhatDecisionNeeds(t *testing.T) {
	e := &store.Event{Kind: store.EventPromotionRequested, ProjectKey: "fraud", TargetID: "pr_1", Payload: map[string]any{
		"status": "PENDING", "approverRole": "APPROVER", "separationOfDuties": true, "requestedBy": "alice", "trainedBy": "trainer"}}
	req := governance.RequestedEvent(e)
	if !governance.CanDecide(in("fraud", auth.RoleApprover, "bob"), req) {
		t.Fatal("an approver may decide")
	}
	for _, who := range []string{"alice", "trainer"} {
		if governance.CanDecide(in("fraud", auth.RoleApprover, who), req) {
			t.Fatalf("%s may not decide", who)
		}
	}
}

func TestCancellation(t *testing.T) {
	req := openRequest()
	for who, want := range map[*auth.Principal]error{
		in("fraud", auth.RoleContributor, "alice"): nil,
		in("fraud", auth.RoleAdmin, "root"):        nil,
		in("fraud", auth.RoleApprover, "bob"):      errs.Forbidden,
		nil:                                        errs.Unauthenticated,
	} {
		if err := governance.Cancellation(who, req); !errors.Is(err, want) && (want != nil || err != nil) {
			t.Errorf("%v cancelling: %v, want %v", who, err, want)
		}
	}
	req.Status = store.PromotionCancelled
	if err := governance.Cancellation(in("fraud", auth.RoleContributor, "alice"), req); !errors.Is(err, errs.Conflict) {
		t.Fatalf("cancelling a closed request: %v", err)
	}
}

func metric(key string, v float64) *store.Metric {
	return &store.Metric{Key: key, Latest: store.MetricPoint{Key: key, Value: v}}
}

func TestCompare(t *testing.T) {
	orig := []*store.Metric{metric("auc", 0.91), metric("loss", 0.2), metric("nan", math.NaN())}
	rerun := []*store.Metric{metric("auc", 0.9105), metric("loss", 0.2), metric("nan", math.NaN()), metric("extra", 1)}
	got, status := governance.Compare(orig, rerun, 0.001, 0)
	if status != store.Reproduced || len(got) != 3 || got[0].Key != "auc" {
		t.Fatalf("within tolerance: %s %+v", status, got)
	}
	got, status = governance.Compare(orig, rerun[:1], 0, 0.01)
	if status != store.Diverged {
		t.Fatalf("a missing metric: %s %+v", status, got)
	}
	for _, c := range got {
		if (c.Key == "auc") != (c.Status == store.Reproduced) || (c.Key != "auc" && c.Reproduced != nil) {
			t.Fatalf("comparison %+v", c)
		}
	}
	// |b − a| ≤ atol + rtol·|a|: 0.0005 ≤ 0 + 0.001·0.91 holds, 0.06 does not.
	if _, st := governance.Compare(orig[:1], []*store.Metric{metric("auc", 0.85)}, 0, 0.001); st != store.Diverged {
		t.Fatal("0.85 reproduces 0.91 within a relative 0.1%")
	}
}

func TestReproductionOf(t *testing.T) {
	orig := &store.Run{ID: "r_1", ProjectKey: "fraud", Status: store.StatusFinished}
	rerun := &store.Run{ID: "r_2", ProjectKey: "fraud", Status: store.StatusFinished}
	if err := governance.ReproductionOf(orig, rerun, 2, 0.1, 0); err != nil {
		t.Fatal(err)
	}
	other := *rerun
	other.ProjectKey = "churn"
	running := *rerun
	running.Status = store.StatusRunning
	for name, err := range map[string]error{
		"itself":        governance.ReproductionOf(orig, orig, 2, 0, 0),
		"other project": governance.ReproductionOf(orig, &other, 2, 0, 0),
		"running rerun": governance.ReproductionOf(orig, &running, 2, 0, 0),
		"no metrics":    governance.ReproductionOf(orig, rerun, 0, 0, 0),
		"NaN tolerance": governance.ReproductionOf(orig, rerun, 2, math.NaN(), 0),
		"negative rtol": governance.ReproductionOf(orig, rerun, 2, 0, -1),
	} {
		if !errors.Is(err, errs.Invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestUpstreamCheck(t *testing.T) {
	pol := &store.Policy{PolicyInput: store.PolicyInput{RequireUpstreamValidationsPassed: true}}
	req := &store.PromotionRequest{ProjectKey: "fraud"}
	up := func(id, project string, st store.ValidationStatus) store.UpstreamVersion {
		return store.UpstreamVersion{ID: id, Name: "data-" + id, ProjectKey: project, Status: st}
	}
	cases := []struct {
		name     string
		upstream []store.UpstreamVersion
		warned   bool
		verdict  store.CheckVerdict
		detail   string
	}{
		{"none recorded", nil, false, store.CheckFailed, "lineage is unknown"},
		{"all passed", []store.UpstreamVersion{up("a", "fraud", store.ValidationPassed), up("b", "fraud", store.ValidationPassed)},
			false, store.CheckPassed, "all 2"},
		{"warned", []store.UpstreamVersion{up("a", "fraud", store.ValidationWarned)}, false, store.CheckFailed, "data-a (WARNED)"},
		{"warned allowed", []store.UpstreamVersion{up("a", "fraud", store.ValidationWarned)}, true, store.CheckPassed, "the one"},
		{"never validated", []store.UpstreamVersion{up("a", "fraud", "")}, false, store.CheckFailed, "never validated"},
		{"failed elsewhere", []store.UpstreamVersion{up("a", "fraud", store.ValidationPassed), up("x", "churn", store.ValidationFailed)},
			false, store.CheckFailed, "1 in other projects"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol.AllowWarnedValidations = c.warned
			checks := governance.Checks(pol, req, &store.CheckEvidence{Upstream: c.upstream})
			if len(checks) != 1 || checks[0].Verdict != c.verdict || !strings.Contains(checks[0].Detail, c.detail) {
				t.Fatalf("checks %+v", checks)
			}
			if strings.Contains(checks[0].Detail, "data-x") || strings.Contains(strings.Join(checks[0].EvidenceIDs, ","), "x") {
				t.Fatalf("the check names another project's data: %+v", checks[0])
			}
			if want := map[bool]store.PromotionStatus{true: store.PromotionPending, false: store.PromotionBlocked}[c.verdict == store.CheckPassed]; governance.Status(checks) != want {
				t.Fatalf("status %s, want %s", governance.Status(checks), want)
			}
		})
	}
}
