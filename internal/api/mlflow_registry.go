package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

// MLflow's model registry, as the unmodified client calls it: registered
// models and model versions are the hub's Model and ModelVersion
// (mlflow.Registry holds the mapping and the rules).

// registryRoutes are the model registry's endpoints; reg nil (a store that
// does not serve the registry) answers TEMPORARILY_UNAVAILABLE.
func registryRoutes(reg *mlflow.Registry) map[string]mlflowRoute {
	a := &mlflowRegistryAPI{reg: reg}
	get, post, patch, del := http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
	return map[string]mlflowRoute{
		"/api/2.0/mlflow/registered-models/create":              {[]string{post}, a.with(a.createModel)},
		"/api/2.0/mlflow/registered-models/get":                 {[]string{get}, a.with(a.getModel)},
		"/api/2.0/mlflow/registered-models/search":              {[]string{get, post}, a.with(a.searchModels)},
		"/api/2.0/mlflow/registered-models/rename":              {[]string{post}, a.with(a.renameModel)},
		"/api/2.0/mlflow/registered-models/update":              {[]string{patch}, a.with(a.updateModel)},
		"/api/2.0/mlflow/registered-models/delete":              {[]string{del}, a.with(a.deleteModel)},
		"/api/2.0/mlflow/registered-models/set-tag":             {[]string{post}, a.with(a.setModelTag)},
		"/api/2.0/mlflow/registered-models/delete-tag":          {[]string{del}, a.with(a.deleteModelTag)},
		"/api/2.0/mlflow/registered-models/get-latest-versions": {[]string{get, post}, a.with(a.latestVersions)},
		"/api/2.0/mlflow/registered-models/alias":               {[]string{get, post, del}, a.with(a.alias)},
		"/api/2.0/mlflow/model-versions/create":                 {[]string{post}, a.with(a.createVersion)},
		"/api/2.0/mlflow/model-versions/get":                    {[]string{get}, a.with(a.getVersion)},
		"/api/2.0/mlflow/model-versions/update":                 {[]string{patch}, a.with(a.updateVersion)},
		"/api/2.0/mlflow/model-versions/delete":                 {[]string{del}, a.with(a.deleteVersion)},
		"/api/2.0/mlflow/model-versions/search":                 {[]string{get, post}, a.with(a.searchVersions)},
		"/api/2.0/mlflow/model-versions/get-download-uri":       {[]string{get}, a.with(a.downloadURI)},
		"/api/2.0/mlflow/model-versions/set-tag":                {[]string{post}, a.with(a.setVersionTag)},
		"/api/2.0/mlflow/model-versions/delete-tag":             {[]string{del}, a.with(a.deleteVersionTag)},
		"/api/2.0/mlflow/model-versions/transition-stage":       {[]string{post}, a.with(a.transitionStage)},
	}
}

type mlflowRegistryAPI struct {
	reg *mlflow.Registry
}

func (a *mlflowRegistryAPI) with(serve func(r *http.Request, p *auth.Principal) (any, error)) func(r *http.Request, p *auth.Principal) (any, error) {
	return func(r *http.Request, p *auth.Principal) (any, error) {
		if a.reg == nil {
			return nil, errs.Unavailablef("the model registry is not served here")
		}
		return serve(r, p)
	}
}

type mlflowModelAlias struct {
	Alias   string `json:"alias"`
	Version string `json:"version"`
}

type mlflowRegisteredModel struct {
	Name                 string             `json:"name"`
	CreationTimestamp    protoInt           `json:"creation_timestamp"`
	LastUpdatedTimestamp protoInt           `json:"last_updated_timestamp"`
	UserID               string             `json:"user_id"`
	Description          string             `json:"description,omitempty"`
	Tags                 []mlflowKV         `json:"tags,omitempty"`
	Aliases              []mlflowModelAlias `json:"aliases,omitempty"`
}

func (a *mlflowRegistryAPI) modelOut(m *store.RegisteredModel) mlflowRegisteredModel {
	out := mlflowRegisteredModel{Name: a.reg.Name(m.ProjectKey, m.Name), CreationTimestamp: protoInt(m.CreatedAt.UnixMilli()),
		LastUpdatedTimestamp: protoInt(m.UpdatedAt.UnixMilli()), UserID: m.CreatedBy, Description: m.Description, Tags: fromKVs(m.Tags)}
	for _, al := range m.Aliases {
		out.Aliases = append(out.Aliases, mlflowModelAlias{Alias: al.Alias, Version: strconv.FormatInt(al.Version, 10)})
	}
	return out
}

type mlflowModelVersion struct {
	Name                 string   `json:"name"`
	Version              string   `json:"version"`
	CreationTimestamp    protoInt `json:"creation_timestamp"`
	LastUpdatedTimestamp protoInt `json:"last_updated_timestamp"`
	UserID               string   `json:"user_id"`
	CurrentStage         string   `json:"current_stage"`
	Description          string   `json:"description,omitempty"`
	Source               string   `json:"source"`
	RunID                string   `json:"run_id,omitempty"`
	ModelID              string   `json:"model_id,omitempty"`
	// Status is READY at once: the hub keeps the source URI and copies
	// nothing, and the client polls a PENDING_REGISTRATION version for
	// minutes.
	Status  string     `json:"status"`
	Tags    []mlflowKV `json:"tags,omitempty"`
	Aliases []string   `json:"aliases,omitempty"`
}

func (a *mlflowRegistryAPI) versionOut(v *mlflow.Version) mlflowModelVersion {
	out := mlflowModelVersion{Name: a.reg.Name(v.ProjectKey, v.ModelName), Version: strconv.FormatInt(v.Version, 10),
		CreationTimestamp: protoInt(v.CreatedAt.UnixMilli()), LastUpdatedTimestamp: protoInt(v.UpdatedAt.UnixMilli()),
		UserID: v.CreatedBy, CurrentStage: mlflow.StageName(v.Stage), Description: v.Description, Source: v.URI,
		Status: "READY", Tags: fromKVs(v.Tags), Aliases: v.Aliases, ModelID: v.LoggedModelID}
	if v.RunID != "" {
		out.RunID = mlflow.RunID(v.RunID)
	}
	return out
}

// strList is a repeated string field: a JSON list, or one string (a GET
// query string with the key once).
type strList []string

func (l *strList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = strList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

type mlflowModelRef struct {
	Name string `json:"name"`
}

func (m mlflowModelRef) name() (string, error) {
	if m.Name == "" {
		return "", errs.Invalidf("name: required")
	}
	return m.Name, nil
}

type mlflowVersionRef struct {
	mlflowModelRef
	Version string `json:"version"`
}

func (a *mlflowRegistryAPI) createModel(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		Tags        []mlflowKV `json:"tags"`
		Description string     `json:"description"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	m, err := a.reg.CreateModel(r.Context(), p, name, req.Description, kvs(req.Tags))
	if err != nil {
		return nil, err
	}
	return map[string]any{"registered_model": a.modelOut(m)}, nil
}

func (a *mlflowRegistryAPI) getModel(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowModelRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	m, err := a.reg.Model(r.Context(), p, name)
	if err != nil {
		return nil, err
	}
	return map[string]any{"registered_model": a.modelOut(m)}, nil
}

type mlflowRegistrySearch struct {
	Filter     string   `json:"filter"`
	MaxResults protoInt `json:"max_results"`
	OrderBy    strList  `json:"order_by"`
	PageToken  string   `json:"page_token"`
}

func (a *mlflowRegistryAPI) searchModels(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowRegistrySearch
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	// MLflow's default page is 100, its largest 1,000.
	limit, err := pageSize(req.MaxResults, 100, 1000)
	if err != nil {
		return nil, err
	}
	after, err := readPageToken(req.PageToken)
	if err != nil {
		return nil, err
	}
	ms, next, err := a.reg.SearchModels(r.Context(), p, req.Filter, req.OrderBy, after, limit)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	out := make([]mlflowRegisteredModel, len(ms))
	for i, m := range ms {
		out[i] = a.modelOut(m)
	}
	res := map[string]any{"registered_models": out}
	if next != "" {
		res["next_page_token"] = pageToken(next)
	}
	return res, nil
}

func (a *mlflowRegistryAPI) renameModel(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		NewName string `json:"new_name"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	m, err := a.reg.RenameModel(r.Context(), p, name, req.NewName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"registered_model": a.modelOut(m)}, nil
}

func (a *mlflowRegistryAPI) updateModel(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		Description *string `json:"description"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	m, err := a.reg.UpdateModel(r.Context(), p, name, store.ModelUpdate{Description: req.Description})
	if err != nil {
		return nil, err
	}
	return map[string]any{"registered_model": a.modelOut(m)}, nil
}

func (a *mlflowRegistryAPI) deleteModel(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowModelRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	return nil, a.reg.DeleteModel(r.Context(), p, name)
}

func (a *mlflowRegistryAPI) setModelTag(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		mlflowKV
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	_, err = a.reg.UpdateModel(r.Context(), p, name, store.ModelUpdate{SetTag: &store.KeyValue{Key: req.Key, Value: req.Value}})
	return nil, err
}

func (a *mlflowRegistryAPI) deleteModelTag(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		Key string `json:"key"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	_, err = a.reg.UpdateModel(r.Context(), p, name, store.ModelUpdate{DeleteTag: &req.Key})
	return nil, err
}

func (a *mlflowRegistryAPI) latestVersions(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		Stages strList `json:"stages"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	vs, err := a.reg.LatestVersions(r.Context(), p, name, req.Stages)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return map[string]any{"model_versions": a.versionsOut(vs)}, nil
}

func (a *mlflowRegistryAPI) versionsOut(vs []*mlflow.Version) []mlflowModelVersion {
	out := make([]mlflowModelVersion, len(vs))
	for i, v := range vs {
		out[i] = a.versionOut(v)
	}
	return out
}

// alias serves the one path MLflow gives aliases: POST sets, DELETE
// removes, GET reads the version an alias names.
func (a *mlflowRegistryAPI) alias(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		Alias   string `json:"alias"`
		Version string `json:"version"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	switch r.Method {
	case http.MethodPost:
		return nil, a.reg.SetAlias(r.Context(), p, name, req.Alias, req.Version)
	case http.MethodDelete:
		return nil, a.reg.DeleteAlias(r.Context(), p, name, req.Alias)
	}
	v, err := a.reg.VersionByAlias(r.Context(), p, name, req.Alias)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": a.versionOut(v)}, nil
}

func (a *mlflowRegistryAPI) createVersion(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowModelRef
		Source      string     `json:"source"`
		RunID       string     `json:"run_id"`
		ModelID     string     `json:"model_id"`
		Tags        []mlflowKV `json:"tags"`
		Description string     `json:"description"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	v, err := a.reg.CreateVersion(r.Context(), p, mlflow.VersionInput{Name: name, Source: req.Source, RunID: req.RunID,
		Description: req.Description, ModelID: req.ModelID, Tags: kvs(req.Tags)})
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": a.versionOut(v)}, nil
}

func (a *mlflowRegistryAPI) getVersion(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowVersionRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	v, err := a.reg.Version(r.Context(), p, name, req.Version)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": a.versionOut(v)}, nil
}

func (a *mlflowRegistryAPI) downloadURI(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowVersionRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	v, err := a.reg.Version(r.Context(), p, name, req.Version)
	if err != nil {
		return nil, err
	}
	return map[string]any{"artifact_uri": v.URI}, nil
}

func (a *mlflowRegistryAPI) updateVersion(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowVersionRef
		Description *string `json:"description"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	v, err := a.reg.UpdateVersion(r.Context(), p, name, req.Version, store.VersionUpdate{Description: req.Description})
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": a.versionOut(v)}, nil
}

func (a *mlflowRegistryAPI) deleteVersion(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowVersionRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	return nil, a.reg.DeleteVersion(r.Context(), p, name, req.Version)
}

func (a *mlflowRegistryAPI) setVersionTag(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowVersionRef
		mlflowKV
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	_, err = a.reg.UpdateVersion(r.Context(), p, name, req.Version, store.VersionUpdate{SetTag: &store.KeyValue{Key: req.Key, Value: req.Value}})
	return nil, err
}

func (a *mlflowRegistryAPI) deleteVersionTag(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowVersionRef
		Key string `json:"key"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	_, err = a.reg.UpdateVersion(r.Context(), p, name, req.Version, store.VersionUpdate{DeleteTag: &req.Key})
	return nil, err
}

func (a *mlflowRegistryAPI) searchVersions(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowRegistrySearch
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	// The client asks for up to 200,000 on one page by default; the hub
	// answers 10,000 at most and a token for the rest.
	limit, err := pageSize(req.MaxResults, 10_000, 10_000)
	if err != nil {
		return nil, err
	}
	after, err := readPageToken(req.PageToken)
	if err != nil {
		return nil, err
	}
	vs, next, err := a.reg.SearchVersions(r.Context(), p, req.Filter, req.OrderBy, after, limit)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	res := map[string]any{"model_versions": a.versionsOut(vs)}
	if next != "" {
		res["next_page_token"] = pageToken(next)
	}
	return res, nil
}

func (a *mlflowRegistryAPI) transitionStage(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowVersionRef
		Stage string `json:"stage"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	name, err := req.name()
	if err != nil {
		return nil, err
	}
	if err := a.reg.TransitionStage(r.Context(), p, name, req.Version, req.Stage); err != nil {
		return nil, err
	}
	v, err := a.reg.Version(r.Context(), p, name, req.Version)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": a.versionOut(v)}, nil
}
