package governance_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
)

// The approval rules are pure: these tests need no Neo4j.

var t0 = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

func approved(actor string, at time.Time, groups ...string) store.Approval {
	return store.Approval{Actor: actor, Decision: store.DecisionApproved, At: at, Groups: groups}
}

func groupRequest(required int, groups ...store.GroupRequirement) *store.PromotionRequest {
	r := openRequest()
	r.RequiredApprovals, r.RequiredGroups = required, groups
	return r
}

func TestTally(t *testing.T) {
	hour := 3600
	risk, ml := store.GroupRequirement{Group: "risk", Approvals: 1}, store.GroupRequirement{Group: "ml-platform", Approvals: 1}
	lost := &store.Presented{Grants: []string{"fraud=viewer"}, At: t0.Add(time.Minute)}
	kept := &store.Presented{Grants: []string{"*=approver"}, Groups: []string{"ml-platform"}, At: t0.Add(time.Minute)}
	cases := []struct {
		name      string
		req       *store.PromotionRequest
		approvals []store.Approval
		now       time.Time
		complete  bool
		counted   int
		groups    []string // per approval: the group it fills
		reason    []string // per approval: a piece of why it does not count
		outstand  string
	}{
		{name: "role count only", req: groupRequest(2), approvals: []store.Approval{approved("bob", t0), approved("carol", t0)},
			complete: true, counted: 2, groups: []string{"", ""}},
		{name: "one from each group", req: groupRequest(2, risk, ml),
			approvals: []store.Approval{approved("bob", t0, "risk"), approved("carol", t0, "ml-platform")},
			complete:  true, counted: 2, groups: []string{"risk", "ml-platform"}},
		{name: "two from the same group", req: groupRequest(2, risk, ml),
			approvals: []store.Approval{approved("bob", t0, "risk"), approved("carol", t0, "risk")},
			counted:   2, groups: []string{"risk", ""}, outstand: "needs 1 more from group ml-platform"},
		{name: "one person in both groups fills one slot", req: groupRequest(1, risk, ml),
			approvals: []store.Approval{approved("bob", t0, "risk", "ml-platform")},
			counted:   1, outstand: "needs 1 more from group"},
		{name: "the matching does not depend on order", req: groupRequest(2, risk, ml),
			approvals: []store.Approval{approved("bob", t0, "risk", "ml-platform"), approved("carol", t0, "risk")},
			complete:  true, counted: 2, groups: []string{"ml-platform", "risk"}},
		{name: "groups on top of the role count", req: groupRequest(3, risk),
			approvals: []store.Approval{approved("bob", t0, "risk"), approved("carol", t0)},
			counted:   2, groups: []string{"risk", ""}, outstand: "needs 1 more approval(s) from approver role holders"},
		{name: "expired", req: func() *store.PromotionRequest { r := groupRequest(2); r.ApprovalsValidFor = &hour; return r }(),
			approvals: []store.Approval{approved("bob", t0), approved("carol", t0.Add(2*time.Hour))}, now: t0.Add(2*time.Hour + time.Second),
			counted: 1, reason: []string{"expired", ""}, outstand: "needs 1 more approval"},
		{name: "exactly at the limit still counts", req: func() *store.PromotionRequest { r := groupRequest(1); r.ApprovalsValidFor = &hour; return r }(),
			approvals: []store.Approval{approved("bob", t0)}, now: t0.Add(time.Hour), complete: true, counted: 1},
		{name: "lost role", req: groupRequest(2),
			approvals: []store.Approval{func() store.Approval { a := approved("bob", t0); a.Presented = lost; return a }(), approved("carol", t0)},
			counted:   1, reason: []string{"no longer holds the approver role in project fraud", ""}},
		{name: "role kept through another grant, group lost", req: groupRequest(2, risk),
			approvals: []store.Approval{func() store.Approval { a := approved("bob", t0, "risk"); a.Presented = kept; return a }(), approved("carol", t0)},
			counted:   2, groups: []string{"", ""}, outstand: "needs 1 more from group risk"},
		{name: "rejections do not count", req: groupRequest(1),
			approvals: []store.Approval{{Actor: "bob", Decision: store.DecisionRejected, At: t0}}, counted: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.Approvals = c.approvals
			now := c.now
			if now.IsZero() {
				now = t0.Add(time.Minute)
			}
			got := governance.Tally(c.req, now)
			if got.Complete != c.complete || got.Counted != c.counted {
				t.Fatalf("complete %v counted %d, want %v and %d (%+v)", got.Complete, got.Counted, c.complete, c.counted, got)
			}
			if !strings.Contains(got.Outstanding, c.outstand) || (c.complete != (got.Outstanding == "")) {
				t.Errorf("outstanding %q, want it to say %q", got.Outstanding, c.outstand)
			}
			for i, g := range c.groups {
				if got.Standings[i].Group != g {
					t.Errorf("approval %d fills %q, want %q", i, got.Standings[i].Group, g)
				}
			}
			for i, r := range c.reason {
				st := got.Standings[i]
				if !strings.Contains(st.Reason, r) || (r == "") != st.Counted {
					t.Errorf("approval %d: counted %v, reason %q, want one saying %q", i, st.Counted, st.Reason, r)
				}
				if strings.HasPrefix(r, "expired") != st.Expired {
					t.Errorf("approval %d: expired %v", i, st.Expired)
				}
			}
		})
	}
}

func TestApproving(t *testing.T) {
	risk, ml := store.GroupRequirement{Group: "risk", Approvals: 1}, store.GroupRequirement{Group: "ml-platform", Approvals: 1}
	member := func(subject string, groups ...string) *auth.Principal {
		p := in("fraud", auth.RoleApprover, subject)
		p.Groups = groups
		return p
	}
	cases := []struct {
		name      string
		req       *store.PromotionRequest
		approvals []store.Approval
		p         *auth.Principal
		want      error
	}{
		{"role count unmet: a member of no group may approve", groupRequest(2, risk, ml), nil, member("bob"), nil},
		{"count met, groups missing: a member of a missing group may", groupRequest(1, risk, ml),
			[]store.Approval{approved("carol", t0, "risk")}, member("bob", "ml-platform"), nil},
		{"count met, groups missing: a member of a filled group may not", groupRequest(1, risk, ml),
			[]store.Approval{approved("carol", t0, "risk")}, member("bob", "risk"), errs.Forbidden},
		{"count met, groups missing: a member of no group may not", groupRequest(1, risk, ml),
			[]store.Approval{approved("carol", t0, "risk")}, member("bob"), errs.Forbidden},
		{"the other rules still hold", groupRequest(1, risk), nil, member("alice", "risk"), errs.Conflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.Approvals = c.approvals
			err := governance.Approving(c.p, c.req, t0.Add(time.Minute))
			if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("Approving = %v, want %v", err, c.want)
			}
			if c.want == errs.Forbidden && !strings.Contains(err.Error(), "would not count toward any missing group (ml-platform)") {
				t.Errorf("the refusal does not say which group is missing: %v", err)
			}
			if governance.CanApprove(c.p, c.req, t0.Add(time.Minute)) != (c.want == nil) {
				t.Error("CanApprove disagrees with Approving")
			}
			// Rejecting needs Decision only.
			if c.want == errs.Forbidden && governance.Decision(c.p, c.req) != nil {
				t.Error("a member of no missing group may not reject")
			}
		})
	}
}

func TestCheckPolicyGroupsAndExpiry(t *testing.T) {
	base := func() store.PolicyInput { p := store.DefaultPolicy; return p }
	n := func(v int) *int { return &v }
	cases := []struct {
		name string
		edit func(*store.PolicyInput)
		text string // "" valid
	}{
		{"groups and expiry", func(p *store.PolicyInput) {
			p.RequiredGroups = []store.GroupRequirement{{Group: "risk", Approvals: 1}, {Group: "ml-platform", Approvals: 2}}
			p.ApprovalsValidFor = n(3600)
		}, ""},
		{"negative approvals", func(p *store.PolicyInput) {
			p.RequiredGroups = []store.GroupRequirement{{Group: "risk", Approvals: -1}}
		},
			"requiredGroups[0].approvals: must be 1 to 10, got -1"},
		{"zero approvals", func(p *store.PolicyInput) { p.RequiredGroups = []store.GroupRequirement{{Group: "risk", Approvals: 0}} },
			"requiredGroups[0].approvals"},
		{"empty group", func(p *store.PolicyInput) {
			p.RequiredGroups = []store.GroupRequirement{{Group: "risk", Approvals: 1}, {Group: " ", Approvals: 1}}
		}, "requiredGroups[1].group: must not be empty"},
		{"long group", func(p *store.PolicyInput) {
			p.RequiredGroups = []store.GroupRequirement{{Group: strings.Repeat("g", auth.MaxGroupLen+1), Approvals: 1}}
		}, "requiredGroups[0].group: at most 100 bytes"},
		{"twice", func(p *store.PolicyInput) {
			p.RequiredGroups = []store.GroupRequirement{{Group: "risk", Approvals: 1}, {Group: "risk", Approvals: 1}}
		}, `requiredGroups: "risk" appears twice`},
		{"zero validity", func(p *store.PolicyInput) { p.ApprovalsValidFor = n(0) }, "approvalsValidFor: must be 1 to"},
		{"negative validity", func(p *store.PolicyInput) { p.ApprovalsValidFor = n(-5) }, "approvalsValidFor: must be 1 to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := base()
			c.edit(&p)
			_, err := governance.CheckPolicy(p)
			if c.text == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("CheckPolicy = %v, want errs.Invalid saying %q", err, c.text)
			}
		})
	}
}
