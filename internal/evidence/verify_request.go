package evidence

import (
	"fmt"
	"strings"
)

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
