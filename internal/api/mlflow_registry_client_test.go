package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/pyenv"
)

type registryVersion struct {
	Version, Stage, Source, Status, Description string
	RunID                                       string `json:"run_id"`
	Aliases                                     []string
	Tags                                        map[string]string
}

type registryError struct {
	Code, Message string
}

// TestMLflowRegistryPythonClient: the real mlflow client registers a model
// with two versions from a run (create_model_version) and a third with
// register_model of a logged model, sets a free alias and asks for the
// governed "production" alias, which opens one promotion request (asked
// again, the same request is named). A second person approves it through
// GraphQL; the client then resolves "production" to the version. Through
// GraphQL the model, its versions, their aliases and the lineage from the
// run to the versions are there.
func TestMLflowRegistryPythonClient(t *testing.T) {
	// Artifacts are served: log_model uploads the model's files.
	w := newArtifactsWorld(t).mlflowWorld
	admin := token(t, "mlf-ada", map[string]auth.Role{w.key: auth.RoleAdmin})
	approver := token(t, "mlf-paula", map[string]auth.Role{w.key: auth.RoleApprover})
	// The training run logs no inputs: the policy does not ask for
	// upstream validations, and governs "champion" besides production.
	w.h.gql(t, admin, `mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1,
		requireUpstreamValidationsPassed: false, governedAliases: ["Champion"]}) { policy { governedAliases } } }`,
		map[string]any{"k": w.key}).ok(t, nil)

	py := pyenv.Python(t, "mlflow")
	run := func(mode string, v any) {
		t.Helper()
		out := pyenv.Run(t, py, "testdata/mlflow/registry.py", []string{
			"MLFLOW_TRACKING_URI=" + w.h.srv.URL,
			"MLFLOW_TRACKING_TOKEN=" + w.contributor,
			"MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true",
			"MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT=true",
			"MLFLOW_HTTP_REQUEST_MAX_RETRIES=0",
			"EXPERIMENT=fraud-registry", "MODEL=fraud-scorer", "MODE=" + mode,
		})
		if err := json.Unmarshal([]byte(out), v); err != nil {
			t.Fatalf("registry.py %s printed %q: %v", mode, out, err)
		}
	}
	var got struct {
		RunID   string `json:"run_id"`
		Created struct {
			Name, Description string
			Tags              map[string]string
		}
		Again          *registryError
		V1, V2, V3     registryVersion
		PackagingRunID string `json:"packaging_run_id"`
		Challenger     registryVersion
		Production     []*registryError
		Shouted        *registryError
		ByName         []registryVersion `json:"by_name"`
		ByRun          []string          `json:"by_run"`
		Models         []string
		Model          struct {
			Name, Description string
			Tags              map[string]string
			Aliases           map[string]string
		}
		Missing, Unresolved *registryError
		Download            string
	}
	run("register", &got)

	if got.Created.Name != "fraud-scorer" || got.Created.Tags["team"] != "risk" || got.Created.Description != "fraud scorer" {
		t.Errorf("created = %+v", got.Created)
	}
	if got.Again == nil || got.Again.Code != "RESOURCE_ALREADY_EXISTS" {
		t.Errorf("creating the model again = %+v, want RESOURCE_ALREADY_EXISTS", got.Again)
	}
	if got.V1.Version != "1" || got.V2.Version != "2" || got.V1.Status != "READY" || got.V1.RunID != got.RunID ||
		got.V1.Stage != "None" || got.V1.Tags["framework"] != "sklearn" || got.V2.Source != "s3://models/fraud/2" || got.V2.Description != "retrained" {
		t.Errorf("versions = %+v, %+v", got.V1, got.V2)
	}
	if got.V3.Version != "3" || got.V3.RunID != got.PackagingRunID || !strings.HasPrefix(got.V3.Source, "models:/") || got.V3.Status != "READY" {
		t.Errorf("register_model = %+v", got.V3)
	}
	// The client sends the logged model's id and does not read it back
	// (its ModelVersion.from_proto leaves model_id out); the hub keeps it.
	got3 := w.call(t, w.viewer, http.MethodGet, "model-versions/get", url.Values{"name": {"fraud-scorer"}, "version": {"3"}}).ok(t)["model_version"].(map[string]any)
	if got3["model_id"] == nil || "models:/"+got3["model_id"].(string) != got.V3.Source {
		t.Errorf("model_id of version 3 = %v, source %s", got3["model_id"], got.V3.Source)
	}
	if got.Challenger.Version != "2" || strings.Join(got.Challenger.Aliases, ",") != "challenger" {
		t.Errorf("challenger = %+v", got.Challenger)
	}
	if len(got.Production) != 2 || got.Production[0] == nil || got.Production[1] == nil {
		t.Fatalf("setting production = %+v, want two errors", got.Production)
	}
	first, second := got.Production[0], got.Production[1]
	if first.Code != "PERMISSION_DENIED" || !strings.Contains(first.Message, "was opened") {
		t.Errorf("first production alias = %+v", first)
	}
	reqID := requestIDIn(t, first.Message)
	for _, e := range []*registryError{second, got.Shouted} {
		if e == nil || e.Code != "PERMISSION_DENIED" || !strings.Contains(e.Message, "already open") || requestIDIn(t, e.Message) != reqID {
			t.Errorf("asking again = %+v, want the open request %s named", e, reqID)
		}
	}
	if !strings.Contains(first.Message, "/approvals?project="+w.key+"&request="+reqID+"&tab=all") {
		t.Errorf("message %q has no explorer link to the request", first.Message)
	}
	if len(got.ByName) != 3 || got.ByName[0].Version != "3" || got.ByName[2].Tags["validated"] != "yes" || got.ByName[2].Description != "first cut" {
		t.Errorf("search by name = %+v", got.ByName)
	}
	if strings.Join(got.ByRun, ",") != "2,1" {
		t.Errorf("search by run = %v", got.ByRun)
	}
	if strings.Join(got.Models, ",") != "fraud-scorer" {
		t.Errorf("search_registered_models = %v", got.Models)
	}
	if got.Model.Description != "fraud scorer, gradient boosted" || got.Model.Tags["owner"] != "risk-team" ||
		len(got.Model.Aliases) != 1 || got.Model.Aliases["challenger"] != "2" {
		t.Errorf("registered model = %+v", got.Model)
	}
	if got.Missing == nil || got.Missing.Code != "RESOURCE_DOES_NOT_EXIST" || got.Unresolved == nil || got.Unresolved.Code != "RESOURCE_DOES_NOT_EXIST" {
		t.Errorf("missing model = %+v, unresolved alias = %+v", got.Missing, got.Unresolved)
	}
	if got.Download != "s3://models/fraud/2" {
		t.Errorf("download uri = %q", got.Download)
	}

	// The request is the hub's, held to the policy: the contributor who
	// trained the model asked; a second person approves.
	var req struct {
		Node struct {
			Status, TargetStage, RequestedBy string
			GovernedAlias                    *string
			ModelVersion                     struct{ ID string }
		}
	}
	w.h.gql(t, w.viewer, `query($id: ID!) { node(id: $id) { ... on PromotionRequest { status targetStage requestedBy governedAlias
		modelVersion { id } } } }`, map[string]any{"id": reqID}).ok(t, &req)
	if req.Node.Status != "PENDING" || req.Node.TargetStage != "PRODUCTION" || req.Node.RequestedBy != "mla-alice" || req.Node.GovernedAlias != nil {
		t.Errorf("request = %+v", req.Node)
	}
	w.h.gql(t, w.contributor, `mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`,
		map[string]any{"id": reqID}).fails(t, "FORBIDDEN")
	var approved struct {
		ApprovePromotion struct{ Promoted bool }
	}
	w.h.gql(t, approver, `mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id, comment: "ok"}) { promoted } }`,
		map[string]any{"id": reqID}).ok(t, &approved)
	if !approved.ApprovePromotion.Promoted {
		t.Fatalf("approval did not promote")
	}

	var after struct {
		Production, Challenger registryVersion
		Aliases                map[string]string
	}
	run("resolve", &after)
	if after.Production.Version != "1" || after.Production.Stage != "Production" || strings.Join(after.Production.Aliases, ",") != "production" ||
		after.Challenger.Version != "2" || after.Aliases["production"] != "1" || after.Aliases["challenger"] != "2" {
		t.Errorf("after approval the client reads %+v", after)
	}

	// Through GraphQL: the model, its versions with their aliases and
	// run, and the versions downstream of the run.
	var models struct {
		Models struct {
			Edges []struct {
				Node struct {
					Name     string
					Versions struct {
						Edges []struct {
							Node struct {
								ID, Stage, URI string
								Version        int
								Aliases        []string
								Run            *struct{ ID string }
							}
						}
					}
				}
			}
		}
	}
	w.h.gql(t, w.viewer, `query($k: String!) { models(projectKey: $k) { edges { node { name versions { edges { node {
		id version stage uri aliases run { id } } } } } } } }`, map[string]any{"k": w.key}).ok(t, &models)
	if len(models.Models.Edges) != 1 || models.Models.Edges[0].Node.Name != "fraud-scorer" {
		t.Fatalf("models = %+v", models.Models.Edges)
	}
	vs := models.Models.Edges[0].Node.Versions.Edges
	runID, packagingID := hubRunID(t, got.RunID), hubRunID(t, got.PackagingRunID)
	if len(vs) != 3 {
		t.Fatalf("versions through GraphQL = %+v", vs)
	}
	v3, v2, v1 := vs[0].Node, vs[1].Node, vs[2].Node
	if v3.Version != 3 || v3.Run == nil || v3.Run.ID != packagingID || len(v3.Aliases) != 0 ||
		v2.Version != 2 || strings.Join(v2.Aliases, ",") != "challenger" || v2.Stage != "NONE" || v2.URI != "s3://models/fraud/2" ||
		v1.Stage != "PRODUCTION" || strings.Join(v1.Aliases, ",") != "production" || v1.ID != req.Node.ModelVersion.ID ||
		v1.Run == nil || v1.Run.ID != runID {
		t.Errorf("versions through GraphQL = %+v", vs)
	}
	// Lineage: each version is downstream of the run that produced it.
	for run, want := range map[string][]string{runID: {v1.ID, v2.ID}, packagingID: {v3.ID}} {
		var lin struct {
			Lineage struct {
				Nodes []struct{ ID, Kind string }
			}
		}
		w.h.gql(t, w.viewer, `query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 1) { nodes { id kind } } }`,
			map[string]any{"id": run}).ok(t, &lin)
		downstream := map[string]bool{}
		for _, n := range lin.Lineage.Nodes {
			downstream[n.ID] = n.Kind == "MODEL_VERSION"
		}
		for _, id := range want {
			if !downstream[id] {
				t.Errorf("lineage downstream of run %s = %+v, want version %s", run, lin.Lineage.Nodes, id)
			}
		}
	}
}

// requestIDIn returns the promotion request ID a message names.
func requestIDIn(t *testing.T, msg string) string {
	t.Helper()
	i := strings.Index(msg, "promotion request ")
	if i < 0 {
		t.Fatalf("message %q names no promotion request", msg)
	}
	id, _, _ := strings.Cut(msg[i+len("promotion request "):], " ")
	return id
}
