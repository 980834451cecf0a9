package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

// mlflowAPI holds the endpoint handlers: each decodes its message, makes
// one service call and encodes MLflow's answer.
type mlflowAPI struct {
	svc *mlflow.Service
}

type mlflowExperiment struct {
	ExperimentID     string     `json:"experiment_id"`
	Name             string     `json:"name"`
	ArtifactLocation string     `json:"artifact_location"`
	LifecycleStage   string     `json:"lifecycle_stage"`
	CreationTime     protoInt   `json:"creation_time"`
	LastUpdateTime   protoInt   `json:"last_update_time"`
	Tags             []mlflowKV `json:"tags"`
}

func (a *mlflowAPI) experimentOut(e *store.Experiment, tags []store.KeyValue) mlflowExperiment {
	updated := e.CreatedAt
	if e.UpdatedAt != nil {
		updated = *e.UpdatedAt
	}
	return mlflowExperiment{ExperimentID: e.ID, Name: a.svc.Name(e), ArtifactLocation: "mlflow-artifacts:/" + e.ID,
		LifecycleStage: mlflow.LifecycleStage(e.DeletedAt), CreationTime: protoInt(e.CreatedAt.UnixMilli()), LastUpdateTime: protoInt(updated.UnixMilli()),
		Tags: fromKVs(tags)}
}

// mlflowExperimentRef is the experiment a request names.
type mlflowExperimentRef struct {
	ID string `json:"experiment_id"`
}

func (a *mlflowAPI) deleteExperiment(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowExperimentRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	return nil, a.svc.DeleteExperiment(r.Context(), p, req.ID)
}

func (a *mlflowAPI) restoreExperiment(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowExperimentRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	return nil, a.svc.RestoreExperiment(r.Context(), p, req.ID)
}

func (a *mlflowAPI) deleteRun(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowRunRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	return nil, a.svc.DeleteRun(r.Context(), p, id)
}

func (a *mlflowAPI) restoreRun(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowRunRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	return nil, a.svc.RestoreRun(r.Context(), p, id)
}

// experimentsOut answers experiments with their MLflow tags.
func (a *mlflowAPI) experimentsOut(r *http.Request, es ...*store.Experiment) ([]mlflowExperiment, error) {
	tags, err := a.svc.ExperimentTags(r.Context(), es...)
	if err != nil {
		return nil, err
	}
	out := make([]mlflowExperiment, len(es))
	for i, e := range es {
		out[i] = a.experimentOut(e, tags[e.ID])
	}
	return out, nil
}

func (a *mlflowAPI) updateExperiment(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		ID      string `json:"experiment_id"`
		NewName string `json:"new_name"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	return nil, a.svc.RenameExperiment(r.Context(), p, req.ID, req.NewName)
}

func (a *mlflowAPI) setExperimentTag(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		ID string `json:"experiment_id"`
		mlflowKV
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	return nil, a.svc.SetExperimentTag(r.Context(), p, req.ID, req.Key, req.Value)
}

func (a *mlflowAPI) experimentByName(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		Name string `json:"experiment_name"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	if req.Name == "" {
		return nil, errs.Invalidf("experiment_name: required")
	}
	e, err := a.svc.ExperimentByName(r.Context(), p, req.Name)
	if err != nil {
		return nil, err
	}
	out, err := a.experimentsOut(r, e)
	if err != nil {
		return nil, err
	}
	return map[string]any{"experiment": out[0]}, nil
}

func (a *mlflowAPI) createExperiment(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		Name string     `json:"name"`
		Tags []mlflowKV `json:"tags"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	e, err := a.svc.CreateExperiment(r.Context(), p, req.Name, kvs(req.Tags))
	if err != nil {
		return nil, err
	}
	return map[string]any{"experiment_id": e.ID}, nil
}

func (a *mlflowAPI) experiment(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		ID string `json:"experiment_id"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	e, err := a.svc.Experiment(r.Context(), p, req.ID, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	out, err := a.experimentsOut(r, e)
	if err != nil {
		return nil, err
	}
	return map[string]any{"experiment": out[0]}, nil
}

func (a *mlflowAPI) searchExperiments(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		MaxResults protoInt  `json:"max_results"`
		Filter     string    `json:"filter"`
		PageToken  string    `json:"page_token"`
		ViewType   protoEnum `json:"view_type"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	limit, err := pageSize(req.MaxResults, 1000, 1000)
	if err != nil {
		return nil, err
	}
	lc, err := mlflow.ViewType("view_type", string(req.ViewType))
	if err != nil {
		return nil, err
	}
	after, err := readPageToken(req.PageToken)
	if err != nil {
		return nil, err
	}
	es, more, err := a.svc.SearchExperiments(r.Context(), p, lc, req.Filter, after, limit)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return emptyAnswer, nil
	}
	out, err := a.experimentsOut(r, es...)
	if err != nil {
		return nil, err
	}
	res := map[string]any{"experiments": out}
	if more {
		res["next_page_token"] = pageToken(es[len(es)-1].ID)
	}
	return res, nil
}

type mlflowRunInfo struct {
	RunID          string    `json:"run_id"`
	RunUUID        string    `json:"run_uuid"`
	ExperimentID   string    `json:"experiment_id"`
	RunName        string    `json:"run_name"`
	UserID         string    `json:"user_id"`
	Status         string    `json:"status"`
	StartTime      protoInt  `json:"start_time"`
	EndTime        *protoInt `json:"end_time,omitempty"`
	ArtifactURI    string    `json:"artifact_uri"`
	LifecycleStage string    `json:"lifecycle_stage"`
}

type mlflowRun struct {
	Info mlflowRunInfo `json:"info"`
	Data struct {
		Metrics []mlflowMetric `json:"metrics"`
		Params  []mlflowKV     `json:"params"`
		Tags    []mlflowKV     `json:"tags"`
	} `json:"data"`
	Inputs struct {
		DatasetInputs []mlflowDatasetInput `json:"dataset_inputs,omitempty"`
	} `json:"inputs"`
	Outputs struct {
		ModelOutputs []mlflowModelOutput `json:"model_outputs,omitempty"`
	} `json:"outputs"`
}

type mlflowModelOutput struct {
	ModelID string   `json:"model_id"`
	Step    protoInt `json:"step"`
}

type mlflowDataset struct {
	Name       string `json:"name"`
	Digest     string `json:"digest"`
	SourceType string `json:"source_type"`
	Source     string `json:"source"`
	Schema     string `json:"schema,omitempty"`
	Profile    string `json:"profile,omitempty"`
}

type mlflowDatasetInput struct {
	Tags    []mlflowKV    `json:"tags"`
	Dataset mlflowDataset `json:"dataset"`
}

func runInfo(r *store.Run) mlflowRunInfo {
	id := mlflow.RunID(r.ID)
	info := mlflowRunInfo{RunID: id, RunUUID: id, ExperimentID: r.ExperimentID, RunName: r.Name, UserID: r.CreatedBy,
		Status: string(r.Status), StartTime: protoInt(r.StartedAt.UnixMilli()),
		ArtifactURI: "mlflow-artifacts:/" + r.ExperimentID + "/" + id + "/artifacts", LifecycleStage: mlflow.LifecycleStage(r.DeletedAt)}
	for _, kv := range r.Tags {
		if kv.Key == "mlflow.user" {
			info.UserID = kv.Value
		}
	}
	if r.EndedAt != nil {
		end := protoInt(r.EndedAt.UnixMilli())
		info.EndTime = &end
	}
	return info
}

func runOut(d *mlflow.RunData) mlflowRun {
	var out mlflowRun
	out.Info = runInfo(d.Run)
	out.Data.Metrics = make([]mlflowMetric, len(d.Metrics))
	for i, m := range d.Metrics {
		out.Data.Metrics[i] = metricOut(m.Latest)
	}
	out.Data.Params = fromKVs(d.Run.Params)
	out.Data.Tags = fromKVs(d.Run.Tags)
	for _, in := range d.Inputs {
		out.Inputs.DatasetInputs = append(out.Inputs.DatasetInputs, mlflowDatasetInput{Tags: fromKVs(in.Tags),
			Dataset: mlflowDataset{Name: in.DatasetName, Digest: in.Digest, SourceType: in.SourceType, Source: in.Source,
				Schema: in.Schema, Profile: in.Profile}})
	}
	for _, o := range d.Outputs {
		out.Outputs.ModelOutputs = append(out.Outputs.ModelOutputs, mlflowModelOutput{ModelID: o.ModelID, Step: protoInt(o.Step)})
	}
	return out
}

func (a *mlflowAPI) logInputs(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		Datasets []mlflowDatasetInput `json:"datasets"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	ds := make([]mlflow.DatasetInput, len(req.Datasets))
	for i, d := range req.Datasets {
		ds[i] = mlflow.DatasetInput{Name: d.Dataset.Name, Digest: d.Dataset.Digest, SourceType: d.Dataset.SourceType,
			Source: d.Dataset.Source, Schema: d.Dataset.Schema, Profile: d.Dataset.Profile, Tags: kvs(d.Tags)}
	}
	return nil, a.svc.LogInputs(r.Context(), p, id, ds)
}

// mlflowRunRef is the run a request names: run_id, or the legacy run_uuid.
type mlflowRunRef struct {
	RunID   string `json:"run_id"`
	RunUUID string `json:"run_uuid"`
}

func (r mlflowRunRef) id() (string, error) {
	switch {
	case r.RunID != "":
		return r.RunID, nil
	case r.RunUUID != "":
		return r.RunUUID, nil
	}
	return "", errs.Invalidf("run_id: required")
}

func (a *mlflowAPI) createRun(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		ExperimentID string     `json:"experiment_id"`
		RunName      string     `json:"run_name"`
		Tags         []mlflowKV `json:"tags"`
		StartTime    *protoInt  `json:"start_time"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	if req.ExperimentID == "" {
		req.ExperimentID = mlflow.DefaultExperimentID
	}
	run, err := a.svc.CreateRun(r.Context(), p, mlflow.RunInput{ExperimentID: req.ExperimentID, Name: req.RunName, Tags: kvs(req.Tags),
		StartTime: millis(req.StartTime)})
	if err != nil {
		return nil, err
	}
	return map[string]any{"run": runOut(&mlflow.RunData{Run: run})}, nil
}

func (a *mlflowAPI) run(r *http.Request, p *auth.Principal) (any, error) {
	var req mlflowRunRef
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	d, err := a.svc.Run(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"run": runOut(d)}, nil
}

func (a *mlflowAPI) updateRun(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		Status  string    `json:"status"`
		RunName string    `json:"run_name"`
		EndTime *protoInt `json:"end_time"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	run, err := a.svc.UpdateRun(r.Context(), p, id, req.Status, req.RunName, millis(req.EndTime))
	if err != nil {
		return nil, err
	}
	return map[string]any{"run_info": runInfo(run)}, nil
}

func (a *mlflowAPI) logParam(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		mlflowKV
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	return nil, a.svc.LogBatch(r.Context(), p, id, nil, []store.KeyValue{{Key: req.Key, Value: req.Value}}, nil)
}

func (a *mlflowAPI) logMetric(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		mlflowMetric
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	return nil, a.svc.LogBatch(r.Context(), p, id, []store.MetricPoint{req.point()}, nil, nil)
}

func (a *mlflowAPI) logBatch(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		Metrics []mlflowMetric `json:"metrics"`
		Params  []mlflowKV     `json:"params"`
		Tags    []mlflowKV     `json:"tags"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	points := make([]store.MetricPoint, len(req.Metrics))
	for i, m := range req.Metrics {
		points[i] = m.point()
	}
	return nil, a.svc.LogBatch(r.Context(), p, id, points, kvs(req.Params), kvs(req.Tags))
}

func (a *mlflowAPI) setTag(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		mlflowKV
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	return nil, a.svc.LogBatch(r.Context(), p, id, nil, nil, []store.KeyValue{{Key: req.Key, Value: req.Value}})
}

func (a *mlflowAPI) deleteTag(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		Key string `json:"key"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	return nil, a.svc.DeleteTag(r.Context(), p, id, req.Key)
}

func (a *mlflowAPI) searchRuns(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		ExperimentIDs []string  `json:"experiment_ids"`
		Filter        string    `json:"filter"`
		RunViewType   protoEnum `json:"run_view_type"`
		MaxResults    protoInt  `json:"max_results"`
		OrderBy       []string  `json:"order_by"`
		PageToken     string    `json:"page_token"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	limit, err := pageSize(req.MaxResults, 1000, 1000)
	if err != nil {
		return nil, err
	}
	lc, err := mlflow.ViewType("run_view_type", string(req.RunViewType))
	if err != nil {
		return nil, err
	}
	after, err := readPageToken(req.PageToken)
	if err != nil {
		return nil, err
	}
	runs, next, err := a.svc.SearchRuns(r.Context(), p, req.ExperimentIDs, lc, req.Filter, req.OrderBy, after, limit)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return emptyAnswer, nil
	}
	out := make([]mlflowRun, len(runs))
	for i, d := range runs {
		out[i] = runOut(d)
	}
	res := map[string]any{"runs": out}
	if next != "" {
		res["next_page_token"] = pageToken(next)
	}
	return res, nil
}

func (a *mlflowAPI) metricHistory(r *http.Request, p *auth.Principal) (any, error) {
	var req struct {
		mlflowRunRef
		MetricKey  string   `json:"metric_key"`
		MaxResults protoInt `json:"max_results"`
		PageToken  string   `json:"page_token"`
	}
	if err := mlflowDecode(r, &req); err != nil {
		return nil, err
	}
	id, err := req.id()
	if err != nil {
		return nil, err
	}
	limit, err := pageSize(req.MaxResults, 25000, 25000)
	if err != nil {
		return nil, err
	}
	pos, err := readPageToken(req.PageToken)
	if err != nil {
		return nil, err
	}
	offset := 0
	if pos != "" {
		if offset, err = strconv.Atoi(pos); err != nil || offset < 0 {
			return nil, errs.Invalidf("page_token: invalid page token")
		}
	}
	points, more, err := a.svc.MetricHistory(r.Context(), p, id, req.MetricKey, offset, limit)
	if err != nil {
		return nil, err
	}
	if len(points) == 0 {
		return emptyAnswer, nil
	}
	out := make([]mlflowMetric, len(points))
	for i, pt := range points {
		pt.Key = req.MetricKey
		out[i] = metricOut(pt)
	}
	res := historyAnswer{metrics: out}
	if more {
		res.next = pageToken(strconv.Itoa(offset + len(points)))
	}
	return res, nil
}

// millis is an MLflow time in milliseconds since the epoch (nil or 0:
// none, as protobuf's default).
func millis(n *protoInt) *time.Time {
	if n == nil || *n == 0 {
		return nil
	}
	t := time.UnixMilli(int64(*n)).UTC()
	return &t
}
