package governance_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestRollbackIsAGovernedPromotion: v1 in production, then v2 replaces it
// (v1 archived); putting v1 back is a promotion request like any other,
// its approval archives v2, and its evidence pack says so.
func TestRollbackIsAGovernedPromotion(t *testing.T) {
	s := neo4jtest.Store(t)
	gov := governance.New(s, nil)
	w := newPromotionWorld(t, s, "rollback", policyWith(func(p *store.PolicyInput) { p.RequiredApprovals = 1 }))
	v2 := must(t, func() (*store.ModelVersion, error) {
		return s.RegisterModelVersion(t.Context(), "trainer", store.RegisterModelVersionInput{ProjectKey: w.key, ModelName: "fraud", RunID: w.train.ID, URI: "s3://m/2"})
	})
	approver := as("paula", auth.RoleApprover)
	promote := func(mv string) *store.PromotionRequest {
		t.Helper()
		req := request(t, s, "alice", mv, store.StageProduction)
		if _, _, err := gov.Decide(t.Context(), approver, req.ID, store.DecisionApproved, "ok"); err != nil {
			t.Fatal(err)
		}
		return req
	}
	promote(w.mv.ID)
	promote(v2.ID)
	if st := modelStage(t, s, w.mv.ID); st != store.StageArchived {
		t.Fatalf("v1 after v2's promotion: %s", st)
	}
	back := promote(w.mv.ID)
	if st, st2 := modelStage(t, s, w.mv.ID), modelStage(t, s, v2.ID); st != store.StageProduction || st2 != store.StageArchived {
		t.Fatalf("after the rollback: v1 %s, v2 %s", st, st2)
	}
	file := packFile(t, gov, grant("rita", w.key, auth.RoleAuditor), back.ID)
	pack, err := evidence.Read(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if problems := evidence.Verify(pack); len(problems) != 0 {
		t.Fatalf("the rollback's pack does not verify: %v", problems)
	}
	var md bytes.Buffer
	if err := evidence.RenderMarkdown(&md, pack, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "**Replaced in production:** "+v2.ID) {
		t.Errorf("the rendered pack does not say the rollback replaced %s:\n%s", v2.ID, md.String())
	}
}

func must[T any](t *testing.T, f func() (T, error)) T {
	t.Helper()
	v, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return v
}
