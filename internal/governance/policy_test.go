package governance_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

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
