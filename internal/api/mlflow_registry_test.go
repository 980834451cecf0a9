package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// projectEvents counts the events of a project: a refused request must
// leave it unchanged (nothing written, not even the log).
func projectEvents(t *testing.T, st *store.Store, key string) int {
	t.Helper()
	evs, err := st.EventsAfter(t.Context(), 0, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{key}})
	if err != nil {
		t.Fatalf("events of %s: %v", key, err)
	}
	return len(evs)
}

// registryWorld is an mlflowWorld with a registered model "scorer" of
// one version produced by a run, and a second project "other" with a run
// the world's contributor may not read.
type registryWorld struct {
	*mlflowWorld
	other, otherRun string
	runID           string
	// both reads both projects and contributes to both.
	both string
}

func newRegistryWorld(t *testing.T) *registryWorld {
	t.Helper()
	w := &registryWorld{mlflowWorld: newMLflowWorld(t)}
	w.other = neo4jtest.Key(t, "mlo")
	must(w.h.st.CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: w.other, Name: "Other " + w.other})).of(t)
	outsider := token(t, "mlf-olga", map[string]auth.Role{w.other: auth.RoleContributor})
	w.both = token(t, "mlf-bob", map[string]auth.Role{w.other: auth.RoleContributor, w.key: auth.RoleContributor})
	expID := mlflowCall(t, w.h.srv.URL, outsider, http.MethodPost, "/api/2.0/mlflow/experiments/create",
		map[string]any{"name": w.other + "/secret"}).ok(t)["experiment_id"].(string)
	w.otherRun = mlflowCall(t, w.h.srv.URL, outsider, http.MethodPost, "/api/2.0/mlflow/runs/create",
		map[string]any{"experiment_id": expID}).ok(t)["run"].(map[string]any)["info"].(map[string]any)["run_id"].(string)
	w.runID = w.run(t, "reg-exp")
	w.call(t, w.contributor, http.MethodPost, "registered-models/create", map[string]any{"name": "scorer"}).ok(t)
	w.call(t, w.contributor, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m/1", "run_id": w.runID}).ok(t)
	return w
}

// TestMLflowRegistryRefusals: each bad input and each access the caller
// lacks is refused with MLflow's error, and nothing is written.
func TestMLflowRegistryRefusals(t *testing.T) {
	w := newRegistryWorld(t)
	stranger := token(t, "mlf-sam", map[string]auth.Role{w.other: auth.RoleViewer})
	long := strings.Repeat("m", store.MaxNameLen+1)
	cases := []struct {
		name, tok, method, path string
		body                    any
		status                  int
		code                    string
		mentions                []string
	}{
		{"create without a name", w.contributor, http.MethodPost, "registered-models/create", map[string]any{}, 400, "INVALID_PARAMETER_VALUE", []string{"name"}},
		{"create a name with a second slash", w.contributor, http.MethodPost, "registered-models/create", map[string]any{"name": w.key + "/a/b"}, 400, "INVALID_PARAMETER_VALUE", []string{"letters, digits"}},
		{"create a name with a colon", w.contributor, http.MethodPost, "registered-models/create", map[string]any{"name": "a:b"}, 400, "INVALID_PARAMETER_VALUE", nil},
		{"create a name too long", w.contributor, http.MethodPost, "registered-models/create", map[string]any{"name": long}, 400, "INVALID_PARAMETER_VALUE", []string{"at most 250"}},
		{"create a name with a bad project", w.contributor, http.MethodPost, "registered-models/create", map[string]any{"name": "Bad Project/x"}, 400, "INVALID_PARAMETER_VALUE", []string{"project key"}},
		{"create a name taken", w.contributor, http.MethodPost, "registered-models/create", map[string]any{"name": "scorer"}, 400, "RESOURCE_ALREADY_EXISTS", nil},
		{"create as a viewer", w.viewer, http.MethodPost, "registered-models/create", map[string]any{"name": "fresh"}, 403, "PERMISSION_DENIED", nil},
		{"create in a project not granted", w.contributor, http.MethodPost, "registered-models/create", map[string]any{"name": w.other + "/x"}, 403, "PERMISSION_DENIED", nil},
		{"create without a token", "", http.MethodPost, "registered-models/create", map[string]any{"name": "fresh"}, 401, "UNAUTHENTICATED", nil},
		{"rename as a viewer", w.viewer, http.MethodPost, "registered-models/rename", map[string]any{"name": "scorer", "new_name": "s2"}, 403, "PERMISSION_DENIED", nil},
		{"rename into another project", w.both, http.MethodPost, "registered-models/rename", map[string]any{"name": "scorer", "new_name": w.other + "/s2"}, 400, "INVALID_PARAMETER_VALUE", []string{"stays in its project"}},
		{"version of a missing model", w.contributor, http.MethodPost, "model-versions/create", map[string]any{"name": "nope", "source": "s3://m"}, 404, "RESOURCE_DOES_NOT_EXIST", nil},
		{"version without a source", w.contributor, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer"}, 400, "INVALID_PARAMETER_VALUE", []string{"source"}},
		{"version from an unknown run", w.contributor, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m", "run_id": strings.Repeat("0", 32)}, 404, "RESOURCE_DOES_NOT_EXIST", []string{"run"}},
		{"version from a malformed run id", w.contributor, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m", "run_id": "'; MATCH (n) DETACH DELETE n //"}, 404, "RESOURCE_DOES_NOT_EXIST", nil},
		{"version from a run of a hidden project", w.contributor, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m", "run_id": w.otherRun}, 404, "RESOURCE_DOES_NOT_EXIST", []string{"run with id="}},
		{"version from a run of another project", w.both, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m", "run_id": w.otherRun}, 400, "INVALID_PARAMETER_VALUE", []string{"model's project"}},
		{"version as a viewer", w.viewer, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m"}, 403, "PERMISSION_DENIED", nil},
		{"get a version that is not a number", w.contributor, http.MethodGet, "model-versions/get", url.Values{"name": {"scorer"}, "version": {"one"}}, 400, "INVALID_PARAMETER_VALUE", []string{"version"}},
		{"get a missing version", w.contributor, http.MethodGet, "model-versions/get", url.Values{"name": {"scorer"}, "version": {"9"}}, 404, "RESOURCE_DOES_NOT_EXIST", nil},
		{"alias latest", w.contributor, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "latest", "version": "1"}, 400, "INVALID_PARAMETER_VALUE", []string{"reserved"}},
		{"alias like a version", w.contributor, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "V2", "version": "1"}, 400, "INVALID_PARAMETER_VALUE", []string{"reserved"}},
		{"alias with a space", w.contributor, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "a b", "version": "1"}, 400, "INVALID_PARAMETER_VALUE", []string{"letters, digits"}},
		{"alias on a missing version", w.contributor, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "blue", "version": "7"}, 404, "RESOURCE_DOES_NOT_EXIST", nil},
		{"alias as a viewer", w.viewer, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "blue", "version": "1"}, 403, "PERMISSION_DENIED", nil},
		{"delete the production alias", w.contributor, http.MethodDelete, "registered-models/alias", map[string]any{"name": "scorer", "alias": "production"}, 403, "PERMISSION_DENIED", []string{"governed"}},
		{"transition to Archived", w.contributor, http.MethodPost, "model-versions/transition-stage", map[string]any{"name": "scorer", "version": "1", "stage": "Archived"}, 400, "INVALID_PARAMETER_VALUE", nil},
		{"transition to a stage that is none", w.contributor, http.MethodPost, "model-versions/transition-stage", map[string]any{"name": "scorer", "version": "1", "stage": "Live"}, 400, "INVALID_PARAMETER_VALUE", nil},
		{"tag with an empty key", w.contributor, http.MethodPost, "registered-models/set-tag", map[string]any{"name": "scorer", "key": "", "value": "x"}, 400, "INVALID_PARAMETER_VALUE", nil},
		{"description too long", w.contributor, http.MethodPatch, "registered-models/update", map[string]any{"name": "scorer", "description": strings.Repeat("d", store.MaxDescriptionLen+1)}, 400, "INVALID_PARAMETER_VALUE", nil},
		{"search with a filter on an unknown key", w.contributor, http.MethodGet, "registered-models/search", url.Values{"filter": {"owner = 'x'"}}, 400, "INVALID_PARAMETER_VALUE", []string{"filter"}},
		{"search with an unquoted value", w.contributor, http.MethodGet, "model-versions/search", url.Values{"filter": {"name = scorer"}}, 400, "INVALID_PARAMETER_VALUE", []string{"quoted"}},
		{"search with a bad order", w.contributor, http.MethodGet, "registered-models/search", url.Values{"order_by": {"name SIDEWAYS"}}, 400, "INVALID_PARAMETER_VALUE", []string{"order_by"}},
		{"search with a bad token", w.contributor, http.MethodGet, "registered-models/search", url.Values{"page_token": {"!!"}}, 400, "INVALID_PARAMETER_VALUE", []string{"page_token"}},
		{"search with a negative page", w.contributor, http.MethodGet, "model-versions/search", url.Values{"max_results": {"-1"}}, 400, "INVALID_PARAMETER_VALUE", nil},
		{"wrong method", w.contributor, http.MethodGet, "registered-models/create", url.Values{"name": {"x"}}, 405, "ENDPOINT_NOT_FOUND", nil},
	}
	// A model of a project the caller may not read answers exactly as a
	// missing one.
	hidden := func(path string, body any) []string {
		t.Helper()
		res := mlflowCall(t, w.h.srv.URL, stranger, http.MethodGet, "/api/2.0/mlflow/"+path, body)
		missing := mlflowCall(t, w.h.srv.URL, stranger, http.MethodGet, "/api/2.0/mlflow/"+path, replaceName(body, w.key+"/nope"))
		res.fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
		if strings.ReplaceAll(res.Body["message"].(string), "scorer", "nope") != missing.Body["message"] {
			t.Errorf("hidden %q and missing %q answer differently", res.Body["message"], missing.Body["message"])
		}
		return nil
	}
	before := projectEvents(t, w.h.st, w.key)
	beforeOther := projectEvents(t, w.h.st, w.other)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mlflowCall(t, w.h.srv.URL, c.tok, c.method, "/api/2.0/mlflow/"+c.path, c.body)
			res.fails(t, c.status, c.code, c.mentions...)
		})
	}
	hidden("registered-models/get", url.Values{"name": {w.key + "/scorer"}})
	hidden("model-versions/get", url.Values{"name": {w.key + "/scorer"}, "version": {"1"}})
	hidden("registered-models/alias", url.Values{"name": {w.key + "/scorer"}, "alias": {"production"}})
	if n := projectEvents(t, w.h.st, w.key); n != before {
		t.Errorf("refused requests appended %d events to %s", n-before, w.key)
	}
	if n := projectEvents(t, w.h.st, w.other); n != beforeOther {
		t.Errorf("refused requests appended %d events to %s", n-beforeOther, w.other)
	}
	// Searching shows no model of a project the caller may not read.
	got := mlflowCall(t, w.h.srv.URL, stranger, http.MethodGet, "/api/2.0/mlflow/registered-models/search", url.Values{}).ok(t)
	if len(got) != 0 {
		t.Errorf("a stranger's search found %v", got)
	}
	got = mlflowCall(t, w.h.srv.URL, stranger, http.MethodGet, "/api/2.0/mlflow/model-versions/search", url.Values{"filter": {"run_id = '" + w.runID + "'"}}).ok(t)
	if len(got) != 0 {
		t.Errorf("a stranger's version search found %v", got)
	}
	// The viewer reads.
	mv := w.call(t, w.viewer, http.MethodGet, "model-versions/get", url.Values{"name": {"scorer"}, "version": {"1"}}).ok(t)["model_version"].(map[string]any)
	if mv["status"] != "READY" || mv["run_id"] != w.runID || mv["current_stage"] != "None" {
		t.Errorf("version = %v", mv)
	}
}

func replaceName(body any, name string) any {
	v := url.Values{}
	for k, vals := range body.(url.Values) {
		v[k] = vals
	}
	v.Set("name", name)
	return v
}

// TestMLflowRegistryWrites: renames, descriptions, tags, free aliases,
// deletes and paging, each with its event; repeating a write changes
// nothing.
func TestMLflowRegistryWrites(t *testing.T) {
	w := newRegistryWorld(t)
	c := w.contributor
	// The client re-sends a create whose answer was lost: the same
	// version answers, and nothing is written again.
	before := projectEvents(t, w.h.st, w.key)
	for range 2 {
		v := w.call(t, c, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m/2"}).ok(t)["model_version"].(map[string]any)
		if v["version"] != "2" {
			t.Fatalf("create = %v, want version 2", v)
		}
	}
	if n := projectEvents(t, w.h.st, w.key) - before; n != 1 {
		t.Errorf("a create and its retry appended %d events, want 1", n)
	}

	before = projectEvents(t, w.h.st, w.key)
	w.call(t, c, http.MethodPost, "registered-models/set-tag", map[string]any{"name": "scorer", "key": "team", "value": "risk"}).ok(t)
	w.call(t, c, http.MethodPost, "registered-models/set-tag", map[string]any{"name": "scorer", "key": "team", "value": "risk"}).ok(t)
	w.call(t, c, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "Blue", "version": "1"}).ok(t)
	w.call(t, c, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "blue", "version": "1"}).ok(t)
	if n := projectEvents(t, w.h.st, w.key) - before; n != 2 {
		t.Errorf("a tag and an alias, each set twice, appended %d events, want 2", n)
	}
	// Moving the alias takes it from version 1.
	w.call(t, c, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "blue", "version": "2"}).ok(t)
	m := w.call(t, c, http.MethodGet, "registered-models/get", url.Values{"name": {"scorer"}}).ok(t)["registered_model"].(map[string]any)
	if aliases := m["aliases"].([]any); len(aliases) != 1 || aliases[0].(map[string]any)["version"] != "2" {
		t.Errorf("aliases = %v", m["aliases"])
	}
	w.call(t, c, http.MethodPost, "registered-models/rename", map[string]any{"name": "scorer", "new_name": "scorer-2"}).ok(t)
	w.call(t, c, http.MethodGet, "registered-models/get", url.Values{"name": {"scorer"}}).fails(t, 404, "RESOURCE_DOES_NOT_EXIST")
	v := w.call(t, c, http.MethodGet, "registered-models/alias", url.Values{"name": {"scorer-2"}, "alias": {"BLUE"}}).ok(t)["model_version"].(map[string]any)
	if v["version"] != "2" || v["name"] != "scorer-2" {
		t.Errorf("by alias after rename = %v", v)
	}
	w.call(t, c, http.MethodDelete, "registered-models/alias", map[string]any{"name": "scorer-2", "alias": "blue"}).ok(t)
	w.call(t, c, http.MethodDelete, "registered-models/alias", map[string]any{"name": "scorer-2", "alias": "blue"}).ok(t)
	w.call(t, c, http.MethodGet, "registered-models/alias", url.Values{"name": {"scorer-2"}, "alias": {"blue"}}).fails(t, 404, "RESOURCE_DOES_NOT_EXIST")
	w.call(t, c, http.MethodDelete, "model-versions/delete", map[string]any{"name": "scorer-2", "version": "2"}).ok(t)
	w.call(t, c, http.MethodGet, "model-versions/get", url.Values{"name": {"scorer-2"}, "version": {"2"}}).fails(t, 404, "RESOURCE_DOES_NOT_EXIST")

	// Paging: three models, two per page, by name.
	for _, n := range []string{"b-model", "a-model"} {
		w.call(t, c, http.MethodPost, "registered-models/create", map[string]any{"name": n}).ok(t)
	}
	var names []string
	tok := ""
	for range 3 {
		q := url.Values{"max_results": {"2"}, "order_by": {"name ASC"}}
		if tok != "" {
			q.Set("page_token", tok)
		}
		res := w.call(t, w.viewer, http.MethodGet, "registered-models/search", q).ok(t)
		for _, m := range res["registered_models"].([]any) {
			names = append(names, m.(map[string]any)["name"].(string))
		}
		tok, _ = res["next_page_token"].(string)
		if tok == "" {
			break
		}
	}
	if strings.Join(names, ",") != "a-model,b-model,scorer-2" {
		t.Errorf("paged search = %v", names)
	}

	w.call(t, c, http.MethodDelete, "registered-models/delete", map[string]any{"name": "scorer-2"}).ok(t)
	w.call(t, c, http.MethodGet, "registered-models/get", url.Values{"name": {"scorer-2"}}).fails(t, 404, "RESOURCE_DOES_NOT_EXIST")
	kinds := map[store.EventKind]int{}
	evs, err := w.h.st.EventsAfter(t.Context(), 0, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{w.key}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		kinds[e.Kind]++
	}
	if kinds[store.EventModelCreated] != 3 || kinds[store.EventModelUpdated] != 2 || kinds[store.EventModelAliasChanged] != 3 ||
		kinds[store.EventModelVersionDeleted] != 1 || kinds[store.EventModelDeleted] != 1 || kinds[store.EventModelVersionRegistered] != 2 {
		t.Errorf("events = %v", kinds)
	}
}

// TestMLflowRegistryGovernedAlias: a policy-named alias is set directly on
// the PRODUCTION version only; on another version it opens a promotion
// request carrying it, and the approval moves the version to PRODUCTION
// and the alias with it, in one transaction with its events.
func TestMLflowRegistryGovernedAlias(t *testing.T) {
	w := newRegistryWorld(t)
	admin := token(t, "mlf-ada", map[string]auth.Role{w.key: auth.RoleAdmin})
	approver := token(t, "mlf-paula", map[string]auth.Role{w.key: auth.RoleApprover})
	w.h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1,
		requireUpstreamValidationsPassed: false, governedAliases: ["champion", "Champion"]}) { policy { governedAliases } } }`,
		map[string]any{"k": w.key}).ok(t, nil)
	w.call(t, w.contributor, http.MethodPost, "model-versions/create", map[string]any{"name": "scorer", "source": "s3://m/2"}).ok(t)
	approve := func(msg string) {
		t.Helper()
		w.h.gql(t, approver, `mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`,
			map[string]any{"id": requestIDIn(t, msg)}).ok(t, nil)
	}

	// The PRODUCTION stage through the deprecated transition.
	res := w.call(t, w.contributor, http.MethodPost, "model-versions/transition-stage", map[string]any{"name": "scorer", "version": "1", "stage": "production"})
	res.fails(t, 403, "PERMISSION_DENIED", "stage Production", "was opened")
	approve(res.Body["message"].(string))
	// Version 1 is in PRODUCTION: champion goes on it directly.
	w.call(t, w.contributor, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "champion", "version": "1"}).ok(t)
	// On version 2 it needs a request.
	res = w.call(t, w.contributor, http.MethodPost, "registered-models/alias", map[string]any{"name": "scorer", "alias": "CHAMPION", "version": "2"})
	res.fails(t, 403, "PERMISSION_DENIED", `alias "champion"`, "was opened")
	v := w.call(t, w.viewer, http.MethodGet, "registered-models/alias", url.Values{"name": {"scorer"}, "alias": {"champion"}}).ok(t)["model_version"].(map[string]any)
	if v["version"] != "1" {
		t.Errorf("before the approval champion names %v", v["version"])
	}
	var req struct {
		Node struct {
			GovernedAlias *string
			TargetStage   string
		}
	}
	w.h.gql(t, w.viewer, `query($id: ID!) { node(id: $id) { ... on PromotionRequest { governedAlias targetStage } } }`,
		map[string]any{"id": requestIDIn(t, res.Body["message"].(string))}).ok(t, &req)
	if req.Node.GovernedAlias == nil || *req.Node.GovernedAlias != "champion" || req.Node.TargetStage != "PRODUCTION" {
		t.Errorf("request through GraphQL = %+v", req.Node)
	}
	approve(res.Body["message"].(string))
	for alias, want := range map[string]string{"champion": "2", "production": "2"} {
		v := w.call(t, w.viewer, http.MethodGet, "registered-models/alias", url.Values{"name": {"scorer"}, "alias": {alias}}).ok(t)["model_version"].(map[string]any)
		if v["version"] != want || v["current_stage"] != "Production" {
			t.Errorf("after the approval %s names %v", alias, v)
		}
	}
	old := w.call(t, w.viewer, http.MethodGet, "model-versions/get", url.Values{"name": {"scorer"}, "version": {"1"}}).ok(t)["model_version"].(map[string]any)
	if old["current_stage"] != "Archived" || old["aliases"] != nil {
		t.Errorf("version 1 after the approval = %v", old)
	}
	// Governed history is kept.
	w.call(t, w.contributor, http.MethodDelete, "model-versions/delete", map[string]any{"name": "scorer", "version": "1"}).fails(t, 400, "INVALID_PARAMETER_VALUE", "keeps it")
	w.call(t, w.contributor, http.MethodDelete, "registered-models/delete", map[string]any{"name": "scorer"}).fails(t, 400, "INVALID_PARAMETER_VALUE")
	w.call(t, w.contributor, http.MethodDelete, "registered-models/alias", map[string]any{"name": "scorer", "alias": "champion"}).fails(t, 403, "PERMISSION_DENIED")
}

// TestMLflowVersionSourceOfAnotherProject: a version's source or model_id
// that names another project's run or logged model is refused exactly as
// a missing one (RESOURCE_DOES_NOT_EXIST, the same message), a model_id
// without a logged model ID's form is INVALID_PARAMETER_VALUE, and no
// version is written; the model's own runs and logged models, and other
// sources, are kept.
func TestMLflowVersionSourceOfAnotherProject(t *testing.T) {
	w := newArtifactsWorld(t)
	c := w.contributor
	ownRoot, ownRun := w.runPath(t, c, "src")
	ownExp, _, _ := strings.Cut(ownRoot, "/")
	otherRoot, otherRun := w.runPath(t, w.other, w.key2+"/theirs")
	otherExp, _, _ := strings.Cut(otherRoot, "/")
	loggedModel := func(tok, exp string) string {
		return w.call(t, tok, http.MethodPost, "logged-models", map[string]any{"experiment_id": exp, "name": "clf"}).
			ok(t)["model"].(map[string]any)["info"].(map[string]any)["model_id"].(string)
	}
	ownModel, otherModel := loggedModel(c, ownExp), loggedModel(w.other, otherExp)
	w.call(t, c, http.MethodPost, "registered-models/create", map[string]any{"name": "guarded"}).ok(t)
	versions := func() int {
		return count(w.call(t, c, http.MethodGet, "model-versions/search", url.Values{"filter": {"name = 'guarded'"}}).ok(t), "model_versions")
	}
	missingRun, missingModel := strings.Repeat("ab", 16), "m-"+strings.Repeat("0", 32)
	otherMLflowRun := mlflow.RunID(otherRun)
	for _, tc := range []struct {
		name          string
		body          map[string]any
		hidden, stand string // the id refused, and a missing one in its place
	}{
		{"runs:/ of another project's run", map[string]any{"source": "runs:/" + otherMLflowRun + "/model"}, otherMLflowRun, missingRun},
		{"mlflow-artifacts:/ of another project's run", map[string]any{"source": "mlflow-artifacts:/" + otherRoot + "/model"}, otherMLflowRun, missingRun},
		{"models:/ of another project's logged model", map[string]any{"source": "models:/" + otherModel}, otherModel, missingModel},
		{"mlflow-artifacts:/ of another project's logged model", map[string]any{"source": "mlflow-artifacts:/" + otherExp + "/models/" + otherModel + "/artifacts"}, otherModel, missingModel},
		{"model_id of another project", map[string]any{"source": "s3://bucket/m", "model_id": otherModel}, otherModel, missingModel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := versions()
			body := map[string]any{"name": "guarded"}
			for k, v := range tc.body {
				body[k] = v
			}
			res := w.call(t, c, http.MethodPost, "model-versions/create", body)
			res.fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", tc.hidden)
			for k, v := range tc.body {
				body[k] = strings.ReplaceAll(v.(string), tc.hidden, tc.stand)
			}
			missing := w.call(t, c, http.MethodPost, "model-versions/create", body)
			missing.fails(t, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST")
			if strings.ReplaceAll(res.Body["message"].(string), tc.hidden, tc.stand) != missing.Body["message"] {
				t.Errorf("another project's %q and a missing %q answer differently", res.Body["message"], missing.Body["message"])
			}
			if n := versions(); n != before {
				t.Errorf("versions went from %d to %d", before, n)
			}
		})
	}
	w.call(t, c, http.MethodPost, "model-versions/create", map[string]any{"name": "guarded", "source": "s3://bucket/m", "model_id": "anything"}).
		fails(t, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "model_id")
	for _, src := range []string{"runs:/" + mlflow.RunID(ownRun) + "/model", "mlflow-artifacts:/" + ownRoot + "/model",
		"models:/" + ownModel, "s3://bucket/model", "gs://b/m", "/mnt/models/m"} {
		w.call(t, c, http.MethodPost, "model-versions/create", map[string]any{"name": "guarded", "source": src, "model_id": ownModel}).ok(t)
	}
	if n := versions(); n != 6 {
		t.Errorf("versions = %d, want 6", n)
	}
}
