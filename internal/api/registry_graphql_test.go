package api_test

import (
	"slices"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
)

// TestModelAliasesThroughGraphQL: an ungoverned alias moves at once and
// leaves the version it named; a governed one opens a promotion request
// carrying it (a second call names the same request) and moves when the
// request is approved; a governed alias is not deleted; a bad alias and a
// caller without the contributor role change nothing.
func TestModelAliasesThroughGraphQL(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "alias")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	bob := token(t, "bob", map[string]auth.Role{g.key: auth.RoleApprover})
	h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, governedAliases: ["champion"]}) { changed } }`,
		map[string]any{"k": g.key}).ok(t, nil)
	v2 := must(h.st.RegisterModelVersion(t.Context(), "trainer", store.RegisterModelVersionInput{ProjectKey: g.key, ModelName: "churn", RunID: g.train.ID, URI: "s3://m/2"})).of(t)

	const set = `mutation($mv: ID!, $a: String!) { setModelAlias(input: {modelVersionId: $mv, alias: $a}) {
		modelVersion { id aliases } promotionRequest { id status governedAlias targetStage } } }`
	type setOut struct {
		SetModelAlias struct {
			ModelVersion struct {
				ID      string
				Aliases []string
			}
			PromotionRequest *struct {
				ID, Status, TargetStage string
				GovernedAlias           *string
			}
		}
	}
	aliases := func(id string) []string {
		t.Helper()
		vs := must(h.st.ModelVersionsByIDs(t.Context(), []string{id})).of(t)
		return vs[id].Aliases
	}

	var out setOut
	h.gql(t, alice, set, map[string]any{"mv": g.mv.ID, "a": "Challenger"}).ok(t, &out)
	if got := out.SetModelAlias; got.PromotionRequest != nil || !slices.Equal(got.ModelVersion.Aliases, []string{"challenger"}) {
		t.Fatalf("an ungoverned alias: %+v", got)
	}
	h.gql(t, alice, set, map[string]any{"mv": v2.ID, "a": "challenger"}).ok(t, &out)
	if len(aliases(g.mv.ID)) != 0 || !slices.Equal(aliases(v2.ID), []string{"challenger"}) {
		t.Errorf("the alias did not move: v1 %v, v2 %v", aliases(g.mv.ID), aliases(v2.ID))
	}

	// Governed: a request, once.
	h.gql(t, alice, set, map[string]any{"mv": g.mv.ID, "a": "champion"}).ok(t, &out)
	req := out.SetModelAlias.PromotionRequest
	if req == nil || req.GovernedAlias == nil || *req.GovernedAlias != "champion" || req.TargetStage != "PRODUCTION" || len(out.SetModelAlias.ModelVersion.Aliases) != 0 {
		t.Fatalf("a governed alias: %+v", out.SetModelAlias)
	}
	h.gql(t, alice, set, map[string]any{"mv": g.mv.ID, "a": "champion"}).ok(t, &out)
	if out.SetModelAlias.PromotionRequest == nil || out.SetModelAlias.PromotionRequest.ID != req.ID {
		t.Errorf("asking again named %+v, want the open request %s", out.SetModelAlias.PromotionRequest, req.ID)
	}
	h.gql(t, bob, `mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`, map[string]any{"id": req.ID}).ok(t, nil)
	if got := aliases(g.mv.ID); !slices.Equal(got, []string{"champion", "production"}) {
		t.Errorf("after the approval v1 has aliases %v", got)
	}
	const del = `mutation($m: ID!, $a: String!) { deleteModelAlias(input: {modelId: $m, alias: $a}) { model { id } } }`
	h.gql(t, alice, del, map[string]any{"m": g.mv.ModelID, "a": "champion"}).fails(t, "FORBIDDEN", "governed")
	h.gql(t, alice, del, map[string]any{"m": g.mv.ModelID, "a": "challenger"}).ok(t, nil)
	if got := aliases(v2.ID); len(got) != 0 {
		t.Errorf("after deleting challenger v2 has %v", got)
	}

	// Refusals change nothing.
	before := aliases(g.mv.ID)
	h.gql(t, alice, set, map[string]any{"mv": g.mv.ID, "a": "no way!"}).fails(t, "BAD_USER_INPUT", "alias")
	h.gql(t, alice, set, map[string]any{"mv": g.data.ID, "a": "x"}).fails(t, "BAD_USER_INPUT", "modelVersionId", "is not a model version")
	viewer := token(t, "vic", map[string]auth.Role{g.key: auth.RoleViewer})
	h.gql(t, viewer, set, map[string]any{"mv": v2.ID, "a": "x"}).fails(t, "FORBIDDEN")
	stranger := token(t, "sam", map[string]auth.Role{"elsewhere": auth.RoleAdmin})
	h.gql(t, stranger, set, map[string]any{"mv": v2.ID, "a": "x"}).fails(t, "NOT_FOUND")
	if got := aliases(g.mv.ID); !slices.Equal(got, before) || len(aliases(v2.ID)) != 0 {
		t.Errorf("refusals changed aliases: v1 %v, v2 %v", got, aliases(v2.ID))
	}
}

// TestModelDescriptionsAndTagsThroughGraphQL: a contributor describes and
// tags a model and a version, reads them back in GraphQL and the MLflow
// API alike; a retry writes no second event; a viewer and a bad tag
// change nothing.
func TestModelDescriptionsAndTagsThroughGraphQL(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "mdesc")
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	const updModel = `mutation($in: UpdateModelInput!) { updateModel(input: $in) { model { id description tags { key value } } } }`
	const updVersion = `mutation($in: UpdateModelVersionInput!) { updateModelVersion(input: $in) { modelVersion { id description tags { key value } } } }`
	var m struct {
		UpdateModel struct {
			Model struct {
				Description string
				Tags        []struct{ Key, Value string }
			}
		}
	}
	in := map[string]any{"modelId": g.mv.ModelID, "description": "Churn in 30 days", "setTag": map[string]any{"key": "team", "value": "retention"}}
	h.gql(t, alice, updModel, map[string]any{"in": in}).ok(t, &m)
	if m.UpdateModel.Model.Description != "Churn in 30 days" || len(m.UpdateModel.Model.Tags) != 1 || m.UpdateModel.Model.Tags[0].Value != "retention" {
		t.Fatalf("updated model %+v", m.UpdateModel.Model)
	}
	h.gql(t, alice, updModel, map[string]any{"in": in}).ok(t, nil) // a retry
	if n := len(slices.DeleteFunc(projectEventKinds(t, h.st, g.key, 0), func(k store.EventKind) bool { return k != store.EventModelUpdated })); n != 1 {
		t.Errorf("%d MODEL_UPDATED events after an update and its retry, want 1", n)
	}
	var v struct {
		UpdateModelVersion struct {
			ModelVersion struct {
				Description string
				Tags        []struct{ Key, Value string }
			}
		}
	}
	h.gql(t, alice, updVersion, map[string]any{"in": map[string]any{"modelVersionId": g.mv.ID, "description": "first cut",
		"setTag": map[string]any{"key": "holdout_auc", "value": "0.91"}}}).ok(t, &v)
	if v.UpdateModelVersion.ModelVersion.Description != "first cut" || len(v.UpdateModelVersion.ModelVersion.Tags) != 1 {
		t.Fatalf("updated version %+v", v.UpdateModelVersion.ModelVersion)
	}
	h.gql(t, alice, updVersion, map[string]any{"in": map[string]any{"modelVersionId": g.mv.ID, "deleteTag": "holdout_auc"}}).ok(t, &v)
	if len(v.UpdateModelVersion.ModelVersion.Tags) != 0 {
		t.Errorf("after deleting the tag: %+v", v.UpdateModelVersion.ModelVersion)
	}

	// Refusals change nothing.
	viewer := token(t, "vic", map[string]auth.Role{g.key: auth.RoleViewer})
	h.gql(t, viewer, updModel, map[string]any{"in": map[string]any{"modelId": g.mv.ModelID, "description": "mine now"}}).fails(t, "FORBIDDEN")
	h.gql(t, alice, updModel, map[string]any{"in": map[string]any{"modelId": g.mv.ModelID, "description": "x",
		"setTag": map[string]any{"key": "", "value": "v"}}}).fails(t, "BAD_USER_INPUT", "key")
	h.gql(t, alice, updModel, map[string]any{"in": map[string]any{"modelId": g.mv.ID, "description": "x"}}).fails(t, "BAD_USER_INPUT", "modelId", "is not a model")
	var read struct {
		Node struct {
			Description string
			Tags        []struct{ Key, Value string }
		}
	}
	h.gql(t, viewer, `query($id: ID!) { node(id: $id) { ... on Model { description tags { key value } } } }`, map[string]any{"id": g.mv.ModelID}).ok(t, &read)
	if read.Node.Description != "Churn in 30 days" || len(read.Node.Tags) != 1 || read.Node.Tags[0].Key != "team" {
		t.Errorf("after the refusals the model reads %+v", read.Node)
	}
}

// TestArchiveModelVersion: a version out of use is archived once (a retry
// writes no second event); one in PRODUCTION, or named by a governed
// alias, is refused and stays; a viewer and a stranger change nothing.
func TestArchiveModelVersion(t *testing.T) {
	h := newHub(t, nil)
	g := newGoverned(t, h, "archive")
	admin := token(t, "root", map[string]auth.Role{g.key: auth.RoleAdmin})
	alice := token(t, "alice", map[string]auth.Role{g.key: auth.RoleContributor})
	bob := token(t, "bob", map[string]auth.Role{g.key: auth.RoleApprover})
	policy := func(governed ...string) {
		h.gql(t, admin, `mutation($k: String!, $g: [String!]!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, governedAliases: $g}) { changed } }`,
			map[string]any{"k": g.key, "g": append([]string{}, governed...)}).ok(t, nil)
	}
	policy()
	version := func(uri string) *store.ModelVersion {
		return must(h.st.RegisterModelVersion(t.Context(), "trainer", store.RegisterModelVersionInput{ProjectKey: g.key, ModelName: "churn", RunID: g.train.ID, URI: uri})).of(t)
	}
	stage := func(id string) store.ModelStage {
		return must(h.st.ModelVersionsByIDs(t.Context(), []string{id})).of(t)[id].Stage
	}
	const archive = `mutation($mv: ID!) { archiveModelVersion(input: {modelVersionId: $mv}) { modelVersion { id stage } } }`
	stageEvents := func(id string) int {
		evs := must(h.st.EventsAfter(t.Context(), 0, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true},
			Kinds: []store.EventKind{store.EventModelStageChanged}, TargetID: id})).of(t)
		return len(evs)
	}

	old := version("s3://m/old")
	h.gql(t, alice, archive, map[string]any{"mv": old.ID}).ok(t, nil)
	h.gql(t, alice, archive, map[string]any{"mv": old.ID}).ok(t, nil)
	if st, n := stage(old.ID), stageEvents(old.ID); st != store.StageArchived || n != 1 {
		t.Errorf("after archiving twice: stage %s, %d MODEL_STAGE_CHANGED events, want ARCHIVED and 1", st, n)
	}

	req := requestPromotion(t, h, alice, g.mv.ID, "PRODUCTION")
	h.gql(t, bob, `mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`, map[string]any{"id": req.ID}).ok(t, nil)
	h.gql(t, alice, archive, map[string]any{"mv": g.mv.ID}).fails(t, "CONFLICT", "PRODUCTION")

	held := version("s3://m/held")
	h.gql(t, alice, `mutation($mv: ID!) { setModelAlias(input: {modelVersionId: $mv, alias: "champion"}) { modelVersion { id } } }`, map[string]any{"mv": held.ID}).ok(t, nil)
	policy("champion")
	h.gql(t, alice, archive, map[string]any{"mv": held.ID}).fails(t, "BAD_USER_INPUT", `governed alias "champion"`)

	fresh := version("s3://m/fresh")
	h.gql(t, token(t, "vic", map[string]auth.Role{g.key: auth.RoleViewer}), archive, map[string]any{"mv": fresh.ID}).fails(t, "FORBIDDEN")
	h.gql(t, token(t, "sam", map[string]auth.Role{"elsewhere": auth.RoleAdmin}), archive, map[string]any{"mv": fresh.ID}).fails(t, "NOT_FOUND")
	for id, want := range map[string]store.ModelStage{g.mv.ID: store.StageProduction, held.ID: store.StageNone, fresh.ID: store.StageNone} {
		if st := stage(id); st != want {
			t.Errorf("version %s after a refusal: %s, want %s", id, st, want)
		}
	}
}
