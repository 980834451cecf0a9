package governance_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestEvidencePackThroughHiddenProjects: a model of project A trained by a
// run of project H on A's data. The request's upstream check cites A's
// version, which A's auditor may read but reaches only through H's run:
// their pack lists it (throughHidden, without edges), verifies, and holds
// nothing of H; a reader of both sees it in the lineage proper.
func TestEvidencePackThroughHiddenProjects(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	gov := governance.New(s, nil)
	w := newPromotionWorld(t, s, "hida", policyWith(func(p *store.PolicyInput) { p.RequiredApprovals = 1 }))
	h := neo4jtest.Project(t, s, "hidh")
	hRun, err := s.StartRun(ctx, "h-trainer", store.StartRunInput{ExperimentID: neo4jtest.Experiment(t, s, h).ID, Name: "h-train"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRunInputs(ctx, "h-trainer", hRun.ID, []string{w.raw.ID}); err != nil {
		t.Fatal(err)
	}
	mv, err := s.RegisterModelVersion(ctx, "trainer", store.RegisterModelVersionInput{ProjectKey: w.key, ModelName: "fraud", RunID: hRun.ID, URI: "s3://m/h"})
	if err != nil {
		t.Fatal(err)
	}
	req := request(t, s, "alice", mv.ID, store.StageStaging)
	if i := slices.IndexFunc(req.Checks, func(c store.PolicyCheck) bool { return c.Name == store.CheckUpstreamValidations }); i < 0 ||
		!slices.Contains(req.Checks[i].EvidenceIDs, w.raw.ID) {
		t.Fatalf("the upstream check does not cite %s: %+v", w.raw.ID, req.Checks)
	}

	read := func(p *auth.Principal) (*evidence.Pack, string) {
		t.Helper()
		file := packFile(t, gov, p, req.ID)
		pack, err := evidence.Read(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if problems := evidence.Verify(pack); len(problems) != 0 {
			t.Fatalf("the pack of %s does not verify: %v", p.Subject, problems)
		}
		return pack, string(file)
	}
	node := func(p *evidence.Pack, id string) *evidence.LineageNode {
		for i := range p.Lineage.Nodes {
			if p.Lineage.Nodes[i].ID == id {
				return &p.Lineage.Nodes[i]
			}
		}
		return nil
	}

	pack, file := read(grant("rita", w.key, auth.RoleAuditor))
	n := node(pack, w.raw.ID)
	if n == nil || !n.ThroughHidden || n.Digest != w.raw.Digest || n.QualityStatus != "PASSED" || n.Name != "raw@v1" {
		t.Errorf("A's auditor: node %s is %+v", w.raw.ID, n)
	}
	if !slices.ContainsFunc(pack.Validations, func(v evidence.Validation) bool { return v.DatasetVersionID == w.raw.ID }) {
		t.Errorf("A's auditor: the pack has no validation of %s", w.raw.ID)
	}
	for _, secret := range []string{hRun.ID, h, "h-trainer", "h-train"} {
		if strings.Contains(file, secret) {
			t.Errorf("A's auditor's pack holds %q of project H", secret)
		}
	}
	var md bytes.Buffer
	if err := evidence.RenderMarkdown(&md, pack, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "through hidden projects") {
		t.Errorf("the rendered pack does not say which versions were reached through hidden projects")
	}

	both := &auth.Principal{Subject: "olga", Roles: map[string]auth.Role{w.key: auth.RoleAuditor, h: auth.RoleViewer}}
	pack, _ = read(both)
	if n := node(pack, w.raw.ID); n == nil || n.ThroughHidden || n.Distance != 2 {
		t.Errorf("a reader of both projects: node %s is %+v", w.raw.ID, n)
	}
}
