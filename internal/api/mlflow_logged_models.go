package api

import (
	"net/http"
	"strings"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

// MLflow 3's logged models, as mlflow.<flavor>.log_model calls them:
// POST logged-models (create), GET and PATCH logged-models/<id> (get,
// finalize), POST logged-models/search, PATCH logged-models/<id>/tags,
// DELETE logged-models/<id>/tags/<key>, POST logged-models/<id>/params,
// and POST runs/outputs, under /api/2.0/mlflow/ (and /api/3.0/mlflow/).

type mlflowLoggedModelInfo struct {
	ModelID        string     `json:"model_id"`
	ExperimentID   string     `json:"experiment_id"`
	Name           string     `json:"name"`
	CreationTime   protoInt   `json:"creation_timestamp_ms"`
	LastUpdateTime protoInt   `json:"last_updated_timestamp_ms"`
	ArtifactURI    string     `json:"artifact_uri"`
	Status         string     `json:"status"`
	ModelType      string     `json:"model_type,omitempty"`
	SourceRunID    string     `json:"source_run_id,omitempty"`
	StatusMessage  string     `json:"status_message,omitempty"`
	Tags           []mlflowKV `json:"tags"`
}

type mlflowLoggedModel struct {
	Info mlflowLoggedModelInfo `json:"info"`
	Data struct {
		Params  []mlflowKV     `json:"params"`
		Metrics []mlflowMetric `json:"metrics"`
	} `json:"data"`
}

func loggedModelOut(m *store.LoggedModel) mlflowLoggedModel {
	var out mlflowLoggedModel
	out.Info = mlflowLoggedModelInfo{ModelID: m.ID, ExperimentID: m.ExperimentID, Name: m.Name,
		CreationTime: protoInt(m.CreatedAt.UnixMilli()), LastUpdateTime: protoInt(m.UpdatedAt.UnixMilli()),
		ArtifactURI: mlflow.LoggedModelArtifactURI(m), Status: string(m.Status), ModelType: m.ModelType,
		StatusMessage: m.StatusMessage, Tags: fromKVs(m.Tags)}
	if m.SourceRunID != "" {
		out.Info.SourceRunID = mlflow.RunID(m.SourceRunID)
	}
	out.Data.Params = fromKVs(m.Params)
	out.Data.Metrics = []mlflowMetric{}
	return out
}

// loggedModelRoute finds the logged model routes (and runs/outputs) under
// either API version.
func (x *mlflowOutputsAPI) loggedModelRoute(path string) (mlflowRoute, bool) {
	var rest string
	var ok bool
	for _, v := range []string{"/api/2.0/mlflow/", "/api/3.0/mlflow/"} {
		if rest, ok = strings.CutPrefix(path, v); ok {
			break
		}
	}
	if !ok {
		return mlflowRoute{}, false
	}
	switch rest {
	case "logged-models":
		return mlflowRoute{[]string{http.MethodPost}, x.createLoggedModel}, true
	case "logged-models/search":
		return mlflowRoute{[]string{http.MethodPost}, x.searchLoggedModels}, true
	case "runs/outputs":
		return mlflowRoute{[]string{http.MethodPost}, x.logOutputs}, true
	}
	tail, ok := strings.CutPrefix(rest, "logged-models/")
	if !ok {
		return mlflowRoute{}, false
	}
	id, sub, _ := strings.Cut(tail, "/")
	switch {
	case sub == "":
		return mlflowRoute{[]string{http.MethodGet, http.MethodPatch}, func(r *http.Request, p *auth.Principal) (any, error) {
			if r.Method == http.MethodPatch {
				return x.finalizeLoggedModel(r, p, id)
			}
			return x.loggedModel(r, p, id)
		}}, true
	case sub == "tags":
		return mlflowRoute{[]string{http.MethodPatch}, func(r *http.Request, p *auth.Principal) (any, error) {
			return x.setLoggedModelTags(r, p, id)
		}}, true
	case sub == "params":
		return mlflowRoute{[]string{http.MethodPost}, func(r *http.Request, p *auth.Principal) (any, error) {
			return x.logLoggedModelParams(r, p, id)
		}}, true
	case strings.HasPrefix(sub, "tags/") && len(sub) > len("tags/"):
		key := strings.TrimPrefix(sub, "tags/")
		return mlflowRoute{[]string{http.MethodDelete}, func(r *http.Request, p *auth.Principal) (any, error) {
			return nil, x.arts.DeleteLoggedModelTag(r.Context(), p, id, key)
		}}, true
	}
	return mlflowRoute{}, false
}

func (x *mlflowOutputsAPI) createLoggedModel(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		ExperimentID string     `json:"experiment_id"`
		Name         string     `json:"name"`
		ModelType    string     `json:"model_type"`
		SourceRunID  string     `json:"source_run_id"`
		Params       []mlflowKV `json:"params"`
		Tags         []mlflowKV `json:"tags"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	if req.ExperimentID == "" {
		return nil, errs.Invalidf("experiment_id: required")
	}
	m, err := x.arts.CreateLoggedModel(r.Context(), p, mlflow.LoggedModelInput{ExperimentID: req.ExperimentID, Name: req.Name,
		ModelType: req.ModelType, SourceRunID: req.SourceRunID, Tags: kvs(req.Tags), Params: kvs(req.Params)})
	if err != nil {
		return nil, err
	}
	return map[string]any{"model": loggedModelOut(m)}, nil
}

func (x *mlflowOutputsAPI) loggedModel(r *http.Request, p *auth.Principal, id string) (any, error) {
	m, err := x.arts.LoggedModel(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model": loggedModelOut(m)}, nil
}

func (x *mlflowOutputsAPI) finalizeLoggedModel(r *http.Request, p *auth.Principal, id string) (any, error) {
	var req struct {
		Status string `json:"status"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	m, err := x.arts.FinalizeLoggedModel(r.Context(), p, id, req.Status)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model": loggedModelOut(m)}, nil
}

func (x *mlflowOutputsAPI) setLoggedModelTags(r *http.Request, p *auth.Principal, id string) (any, error) {
	var req struct {
		Tags []mlflowKV `json:"tags"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	return nil, x.arts.SetLoggedModelTags(r.Context(), p, id, kvs(req.Tags))
}

func (x *mlflowOutputsAPI) logLoggedModelParams(r *http.Request, p *auth.Principal, id string) (any, error) {
	var req struct {
		Params []mlflowKV `json:"params"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	return nil, x.arts.LogLoggedModelParams(r.Context(), p, id, kvs(req.Params))
}

func (x *mlflowOutputsAPI) searchLoggedModels(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		ExperimentIDs []string         `json:"experiment_ids"`
		Filter        string           `json:"filter"`
		MaxResults    protoInt         `json:"max_results"`
		OrderBy       []map[string]any `json:"order_by"`
		PageToken     string           `json:"page_token"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	limit, err := pageSize(req.MaxResults, 100, store.MaxItemsPerCall-1)
	if err != nil {
		return nil, err
	}
	after, err := readPageToken(req.PageToken)
	if err != nil {
		return nil, err
	}
	ms, next, err := x.arts.SearchLoggedModels(r.Context(), p, req.ExperimentIDs, req.Filter, len(req.OrderBy) > 0, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]mlflowLoggedModel, len(ms))
	for i, m := range ms {
		out[i] = loggedModelOut(m)
	}
	res := map[string]any{"models": out}
	if next != "" {
		res["next_page_token"] = pageToken(next)
	}
	return res, nil
}

func (x *mlflowOutputsAPI) logOutputs(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		Models []struct {
			ModelID string   `json:"model_id"`
			Step    protoInt `json:"step"`
		} `json:"models"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	outs := make([]mlflow.ModelOutput, len(req.Models))
	for i, m := range req.Models {
		outs[i] = mlflow.ModelOutput{ModelID: m.ModelID, Step: int64(m.Step)}
	}
	return nil, x.arts.LogOutputs(r.Context(), p, id, outs)
}
