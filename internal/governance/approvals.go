package governance

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Limits of a policy's approver groups.
const (
	MaxRequiredGroups = 10
	MaxGroupApprovals = 10
	// MaxApprovalsValidFor is a year, in seconds.
	MaxApprovalsValidFor = 365 * 24 * 3600
)

// checkGroups is the rule of what a policy may say about approver groups
// and expiry: named, distinct groups of 1 to auth.MaxGroupLen bytes, each
// asking for 1 to 10 approvals; approvals valid for a positive number of
// seconds, at most a year.
func checkGroups(in store.PolicyInput) error {
	if len(in.RequiredGroups) > MaxRequiredGroups {
		return errs.Invalidf("requiredGroups: at most %d groups, got %d", MaxRequiredGroups, len(in.RequiredGroups))
	}
	seen := map[string]bool{}
	for i, g := range in.RequiredGroups {
		switch {
		case strings.TrimSpace(g.Group) == "":
			return errs.Invalidf("requiredGroups[%d].group: must not be empty", i)
		case len(g.Group) > auth.MaxGroupLen:
			return errs.Invalidf("requiredGroups[%d].group: at most %d bytes, got %d", i, auth.MaxGroupLen, len(g.Group))
		case g.Group != strings.TrimSpace(g.Group):
			return errs.Invalidf("requiredGroups[%d].group: %s has leading or trailing spaces", i, errs.Quote(g.Group))
		case g.Approvals < 1 || g.Approvals > MaxGroupApprovals:
			return errs.Invalidf("requiredGroups[%d].approvals: must be 1 to %d, got %d", i, MaxGroupApprovals, g.Approvals)
		case seen[g.Group]:
			return errs.Invalidf("requiredGroups: %s appears twice", errs.Quote(g.Group))
		}
		seen[g.Group] = true
	}
	if v := in.ApprovalsValidFor; v != nil && (*v < 1 || *v > MaxApprovalsValidFor) {
		return errs.Invalidf("approvalsValidFor: must be 1 to %d seconds (or null: never expire), got %d", MaxApprovalsValidFor, *v)
	}
	return nil
}

// presentedPrincipal is the approver as their last token described them.
func presentedPrincipal(a store.Approval) *auth.Principal {
	p := &auth.Principal{Subject: a.Actor, Roles: map[string]auth.Role{}, Groups: a.Presented.Groups}
	for _, g := range a.Presented.Grants {
		project, name, ok := strings.Cut(g, "=")
		if r, err := auth.ParseRole(name); ok && err == nil {
			p.Roles[project] = r
		}
	}
	return p
}

// GrantsIn is what RecordPresented keeps of a principal's roles for a
// project: "PROJECT=ROLE" for the grants that apply there (its own and
// the one for every project), sorted.
func GrantsIn(p *auth.Principal, project string) []string {
	out := []string{}
	for _, key := range []string{project, auth.AllProjects} {
		if r, ok := p.Roles[key]; ok && r != auth.RoleNone {
			out = append(out, key+"="+r.String())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Tally is the one rule of which approvals of a request count at now, and
// whether they complete it. An APPROVED decision counts unless
//   - the policy lets approvals count for ApprovalsValidFor seconds and it
//     is older than that (expired), or
//   - the hub has since seen a token of its approver (store.Presented)
//     whose grants no longer allow the request's approver role in its
//     project (the approver lost the role).
//
// A counted approval may fill one slot of a required group its approver
// was in when approving and, when the hub has seen a later token, is
// still in; slots are filled so that as many as possible are (a
// maximum matching), so who approved first does not matter. The request
// is complete when RequiredApprovals approvals count and every group
// slot is filled.
func Tally(req *store.PromotionRequest, now time.Time) store.ApprovalTally {
	t := store.ApprovalTally{Standings: make([]store.ApprovalStanding, len(req.Approvals)), MissingGroups: []store.GroupRequirement{}}
	role := ApproverRole(req.ApproverRole)
	var counted []int
	var eligible [][]string
	for i, a := range req.Approvals {
		st := &t.Standings[i]
		if a.Decision != store.DecisionApproved {
			continue
		}
		if v := req.ApprovalsValidFor; v != nil && now.Sub(a.At) > time.Duration(*v)*time.Second {
			st.Expired = true
			st.Reason = fmt.Sprintf("expired: given %s, the policy counts approvals for %ds", a.At.UTC().Format(time.RFC3339), *v)
			continue
		}
		groups := a.Groups
		if a.Presented != nil {
			held := presentedPrincipal(a)
			if !held.Can(req.ProjectKey, role) {
				st.Reason = fmt.Sprintf("%s no longer holds the %s role in project %s: the token they presented last (first seen %s) does not grant it",
					a.Actor, role, req.ProjectKey, a.Presented.At.UTC().Format(time.RFC3339))
				continue
			}
			groups = slices.DeleteFunc(slices.Clone(groups), func(g string) bool { return !held.InGroup(g) })
		}
		st.Counted = true
		t.Counted++
		counted = append(counted, i)
		eligible = append(eligible, groups)
	}
	var slots []string
	for _, g := range req.RequiredGroups {
		for range g.Approvals {
			slots = append(slots, g.Group)
		}
	}
	filled := match(slots, eligible)
	missing := map[string]int{}
	for s, c := range filled {
		if c < 0 {
			missing[slots[s]]++
			continue
		}
		t.Standings[counted[c]].Group = slots[s]
	}
	var need []string
	if n := req.RequiredApprovals - t.Counted; n > 0 {
		need = append(need, fmt.Sprintf("%d more approval(s) from %s role holders", n, strings.ToLower(req.ApproverRole)))
	}
	for _, g := range req.RequiredGroups {
		if n := missing[g.Group]; n > 0 {
			t.MissingGroups = append(t.MissingGroups, store.GroupRequirement{Group: g.Group, Approvals: n})
			need = append(need, fmt.Sprintf("%d more from group %s", n, g.Group))
		}
	}
	t.Complete = len(need) == 0
	if !t.Complete {
		t.Outstanding = "needs " + strings.Join(need, " and ")
	}
	return t
}

// match fills slots (a group name each) with candidates (the groups each
// may fill), each candidate at most once, as many slots as possible
// (Kuhn's augmenting paths; both sides are at most a few dozen). It
// returns per slot the candidate's index, or -1.
func match(slots []string, candidates [][]string) []int {
	bySlot := make([]int, len(slots))
	for i := range bySlot {
		bySlot[i] = -1
	}
	byCand := make([]int, len(candidates))
	for i := range byCand {
		byCand[i] = -1
	}
	var try func(c int, seen []bool) bool
	try = func(c int, seen []bool) bool {
		for s, g := range slots {
			if seen[s] || !slices.Contains(candidates[c], g) {
				continue
			}
			seen[s] = true
			if bySlot[s] < 0 || try(bySlot[s], seen) {
				bySlot[s], byCand[c] = c, s
				return true
			}
		}
		return false
	}
	for c := range candidates {
		try(c, make([]bool, len(slots)))
	}
	return bySlot
}

// filledSlots counts the group slots t fills.
func filledSlots(req *store.PromotionRequest, t store.ApprovalTally) int {
	n := 0
	for _, st := range t.Standings {
		if st.Group != "" {
			n++
		}
	}
	return n
}

// Approving is the rule of who may approve a request now: Decision, and,
// when the policy requires groups that are still missing while the role
// count is met, the caller's approval must fill one of them (an approver
// whose groups add nothing may still approve while the role count is
// unmet). Rejecting needs Decision only.
func Approving(p *auth.Principal, req *store.PromotionRequest, now time.Time) error {
	if err := Decision(p, req); err != nil {
		return err
	}
	if len(req.RequiredGroups) == 0 {
		return nil
	}
	t := Tally(req, now)
	if len(t.MissingGroups) == 0 || t.Counted < req.RequiredApprovals {
		return nil
	}
	with := *req
	with.Approvals = append(slices.Clone(req.Approvals), store.Approval{Actor: p.Subject, Decision: store.DecisionApproved, At: now, Groups: p.Groups})
	if filledSlots(&with, Tally(&with, now)) > filledSlots(req, t) {
		return nil
	}
	names := make([]string, len(t.MissingGroups))
	for i, g := range t.MissingGroups {
		names[i] = g.Group
	}
	return errs.Forbiddenf("promotion request %s has its %d approval(s) and %s; an approval from %s (groups: %s) would not count toward any missing group (%s)",
		req.ID, req.RequiredApprovals, t.Outstanding, p.Subject, groupList(p.Groups), strings.Join(names, ", "))
}

// CanApprove reports whether Approving lets p approve req at now.
func CanApprove(p *auth.Principal, req *store.PromotionRequest, now time.Time) bool {
	return Approving(p, req, now) == nil
}

func groupList(gs []string) string {
	if len(gs) == 0 {
		return "none"
	}
	return strings.Join(gs, ", ")
}
