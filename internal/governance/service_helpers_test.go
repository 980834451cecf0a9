package governance_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
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

// as is subject with role in every project; auditor approves in key only.
func as(subject string, role auth.Role) *auth.Principal {
	return &auth.Principal{Subject: subject, Roles: map[string]auth.Role{auth.AllProjects: role}}
}

var root = as("admin", auth.RoleAdmin)

func auditor(key string) *auth.Principal {
	return &auth.Principal{Subject: "auditor", Roles: map[string]auth.Role{key: auth.RoleApprover}}
}
