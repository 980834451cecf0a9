// Package mlflowimport copies experiments and runs from a running MLflow
// tracking server into the hub, both through MLflow's REST API: the
// source is any MLflow server, the destination the hub's MLflow endpoints
// (so the hub's access checks, project mapping and event log apply as for
// any MLflow client). A second import changes nothing; an interrupted one
// resumes where it stopped.
package mlflowimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/jsonlimit"
)

// defaultHTTP bounds each request: a server that stops answering fails the
// request (and, past the retries, the import) instead of hanging it.
var defaultHTTP = &http.Client{Timeout: 5 * time.Minute}

// Client speaks MLflow's REST API to one server.
type Client struct {
	// Base is the tracking URI, e.g. http://mlflow:5000.
	Base string
	// Token, when set, is sent as a bearer token.
	Token string
	HTTP  *http.Client
}

// APIError is an MLflow error answer.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// NotFound reports whether err is MLflow's RESOURCE_DOES_NOT_EXIST.
func NotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == "RESOURCE_DOES_NOT_EXIST"
}

// transient reports whether a request may be sent again: the server or
// the network failed, not the request.
func transient(err error) bool {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status >= 500 || e.Status == http.StatusTooManyRequests
	}
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// call sends one request: GET with query, POST with body as JSON. A
// request that is safe to repeat (retry) is sent again, up to three
// times, when the server or the network failed.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body, out any, retry bool) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = jsonlimit.Marshal(body); err != nil {
			return err
		}
	}
	var err error
	for attempt := 0; ; attempt++ {
		err = c.once(ctx, method, path, query, payload, out)
		if err == nil || !retry || !transient(err) || attempt == 3 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(200<<attempt) * time.Millisecond):
		}
	}
}

func (c *Client) once(ctx context.Context, method, path string, query url.Values, payload []byte, out any) error {
	u := strings.TrimRight(c.Base, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		e := &APIError{Status: resp.StatusCode}
		var m struct {
			ErrorCode string `json:"error_code"`
			Message   string `json:"message"`
		}
		if jsonlimit.Unmarshal(raw, &m) == nil && m.ErrorCode != "" {
			e.Code, e.Message = clip(m.ErrorCode), clip(m.Message)
		} else {
			e.Message = clip(string(raw))
		}
		return e
	}
	if out == nil {
		return nil
	}
	// jsonlimit decodes a page of 25,000 points or 1,000 runs a few times
	// faster than encoding/json, and refuses an answer nested deeper than
	// any of MLflow's, which would make it work in proportion.
	if err := jsonlimit.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not MLflow's JSON (%v): %s", method, path, err, clip(string(raw)))
	}
	return nil
}

// clip shortens text a server sent to 200 bytes and escapes control
// characters, so it can be printed on a terminal.
func clip(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '�'
		}
		return r
	}, s)
}

// Int is an int64 in MLflow's JSON: a number or a string holding one.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer", clip(string(b)))
	}
	*n = Int(v)
	return nil
}

// Double is a double in MLflow's JSON: a number, or a string holding a
// number, "NaN", "Infinity" or "-Infinity".
type Double float64

// UnmarshalJSON implements json.Unmarshaler.
func (d *Double) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	switch s {
	case "NaN":
		*d = Double(math.NaN())
	case "Infinity":
		*d = Double(math.Inf(1))
	case "-Infinity":
		*d = Double(math.Inf(-1))
	default:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%s is not a number", clip(string(b)))
		}
		*d = Double(v)
	}
	return nil
}

// KV is a param or tag.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Experiment is an experiment as MLflow describes it.
type Experiment struct {
	ID             string `json:"experiment_id"`
	Name           string `json:"name"`
	LifecycleStage string `json:"lifecycle_stage"`
	Tags           []KV   `json:"tags"`
}

// RunInfo is a run's info.
type RunInfo struct {
	RunID          string `json:"run_id"`
	ExperimentID   string `json:"experiment_id"`
	RunName        string `json:"run_name"`
	Status         string `json:"status"`
	StartTime      Int    `json:"start_time"`
	EndTime        Int    `json:"end_time"`
	LifecycleStage string `json:"lifecycle_stage"`
}

// Metric is one metric point.
type Metric struct {
	Key       string `json:"key"`
	Value     Double `json:"value"`
	Timestamp Int    `json:"timestamp"`
	Step      Int    `json:"step"`
}

// DatasetInput is one dataset a run logged as an input.
type DatasetInput struct {
	Tags    []KV `json:"tags,omitempty"`
	Dataset struct {
		Name       string `json:"name"`
		Digest     string `json:"digest"`
		SourceType string `json:"source_type"`
		Source     string `json:"source"`
		Schema     string `json:"schema,omitempty"`
		Profile    string `json:"profile,omitempty"`
	} `json:"dataset"`
}

// Run is a run with its data and inputs.
type Run struct {
	Info RunInfo `json:"info"`
	Data struct {
		Metrics []Metric `json:"metrics"`
		Params  []KV     `json:"params"`
		Tags    []KV     `json:"tags"`
	} `json:"data"`
	Inputs struct {
		DatasetInputs []DatasetInput `json:"dataset_inputs"`
	} `json:"inputs"`
}

// Tag returns the value of tag key and whether the run has it.
func (r *Run) Tag(key string) (string, bool) {
	for _, t := range r.Data.Tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// Bounds of a listing: a source that keeps answering with a next page,
// or with the same page token again, cannot make an import run forever or
// hold more than this.
const (
	maxPages = 100000
	maxItems = 10000000
)

// pages calls fetch with "" and then each next page token it returns,
// until one returns "", and reports the items the pages held. It stops
// with an error at a page token seen before, or past maxPages pages or
// maxItems items.
func pages(what string, fetch func(token string) (next string, items int, err error)) error {
	seen := map[string]bool{}
	token, total := "", 0
	for n := 0; ; n++ {
		next, items, err := fetch(token)
		if err != nil {
			return err
		}
		if total += items; total > maxItems || n >= maxPages {
			return fmt.Errorf("%s: more than %d items or %d pages; stopped", what, maxItems, maxPages)
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("%s: the server gave page token %s twice; stopped", what, clip(strconv.Quote(next)))
		}
		seen[next], token = true, next
	}
}

// Experiments lists the active experiments.
func (c *Client) Experiments(ctx context.Context) ([]Experiment, error) {
	var all []Experiment
	err := pages("experiments/search", func(token string) (string, int, error) {
		var page struct {
			Experiments   []Experiment `json:"experiments"`
			NextPageToken string       `json:"next_page_token"`
		}
		body := map[string]any{"max_results": 1000, "view_type": "ACTIVE_ONLY"}
		if token != "" {
			body["page_token"] = token
		}
		if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/experiments/search", nil, body, &page, true); err != nil {
			return "", 0, fmt.Errorf("experiments/search: %w", err)
		}
		all = append(all, page.Experiments...)
		return page.NextPageToken, len(page.Experiments), nil
	})
	return all, err
}

// ExperimentByName returns the experiment of that name; NotFound when
// there is none.
func (c *Client) ExperimentByName(ctx context.Context, name string) (*Experiment, error) {
	var out struct {
		Experiment Experiment `json:"experiment"`
	}
	if err := c.call(ctx, http.MethodGet, "/api/2.0/mlflow/experiments/get-by-name", url.Values{"experiment_name": {name}}, nil, &out, true); err != nil {
		return nil, err
	}
	return &out.Experiment, nil
}

// CreateExperiment creates an experiment and returns its ID.
func (c *Client) CreateExperiment(ctx context.Context, name string, tags []KV) (string, error) {
	var out struct {
		ID string `json:"experiment_id"`
	}
	err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/experiments/create", nil, map[string]any{"name": name, "tags": orEmpty(tags)}, &out, false)
	return out.ID, err
}

// SetExperimentTag sets a tag on an experiment.
func (c *Client) SetExperimentTag(ctx context.Context, id, key, value string) error {
	return c.call(ctx, http.MethodPost, "/api/2.0/mlflow/experiments/set-experiment-tag", nil,
		map[string]any{"experiment_id": id, "key": key, "value": value}, nil, true)
}

// Runs lists the active runs of an experiment, oldest first.
func (c *Client) Runs(ctx context.Context, experimentID string) ([]Run, error) {
	var all []Run
	err := pages("runs/search", func(token string) (string, int, error) {
		var page struct {
			Runs          []Run  `json:"runs"`
			NextPageToken string `json:"next_page_token"`
		}
		body := map[string]any{"experiment_ids": []string{experimentID}, "max_results": 1000, "run_view_type": "ACTIVE_ONLY",
			"order_by": []string{"attributes.start_time ASC"}}
		if token != "" {
			body["page_token"] = token
		}
		if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/runs/search", nil, body, &page, true); err != nil {
			return "", 0, fmt.Errorf("runs/search of experiment %s: %w", clip(experimentID), err)
		}
		all = append(all, page.Runs...)
		return page.NextPageToken, len(page.Runs), nil
	})
	return all, err
}

// SearchRuns returns one page of the runs of experiments that pass filter
// (MLflow's search grammar), and the token of the next page ("" at the
// end).
func (c *Client) SearchRuns(ctx context.Context, experimentIDs []string, filter string, maxResults int, pageToken string) ([]Run, string, error) {
	var page struct {
		Runs          []Run  `json:"runs"`
		NextPageToken string `json:"next_page_token"`
	}
	body := map[string]any{"experiment_ids": experimentIDs, "filter": filter, "max_results": maxResults}
	if pageToken != "" {
		body["page_token"] = pageToken
	}
	if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/runs/search", nil, body, &page, true); err != nil {
		return nil, "", fmt.Errorf("runs/search: %w", err)
	}
	return page.Runs, page.NextPageToken, nil
}

// GetRun returns one run with its inputs.
func (c *Client) GetRun(ctx context.Context, runID string) (*Run, error) {
	var out struct {
		Run Run `json:"run"`
	}
	if err := c.call(ctx, http.MethodGet, "/api/2.0/mlflow/runs/get", url.Values{"run_id": {runID}}, nil, &out, true); err != nil {
		return nil, fmt.Errorf("runs/get %s: %w", runID, err)
	}
	return &out.Run, nil
}

// History returns every point of a run's metric.
func (c *Client) History(ctx context.Context, runID, key string) ([]Metric, error) {
	var all []Metric
	err := pages("metrics/get-history", func(token string) (string, int, error) {
		var page struct {
			Metrics       []Metric `json:"metrics"`
			NextPageToken string   `json:"next_page_token"`
		}
		q := url.Values{"run_id": {runID}, "metric_key": {key}, "max_results": {"25000"}}
		if token != "" {
			q.Set("page_token", token)
		}
		if err := c.call(ctx, http.MethodGet, "/api/2.0/mlflow/metrics/get-history", q, nil, &page, true); err != nil {
			return "", 0, fmt.Errorf("metrics/get-history %s of run %s: %w", clip(strconv.Quote(key)), clip(runID), err)
		}
		all = append(all, page.Metrics...)
		return page.NextPageToken, len(page.Metrics), nil
	})
	return all, err
}

// CreateRun creates a RUNNING run and returns its info.
func (c *Client) CreateRun(ctx context.Context, experimentID, name string, start int64, tags []KV) (*RunInfo, error) {
	var out struct {
		Run Run `json:"run"`
	}
	body := map[string]any{"experiment_id": experimentID, "run_name": name, "start_time": start, "tags": orEmpty(tags)}
	if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/runs/create", nil, body, &out, false); err != nil {
		return nil, fmt.Errorf("runs/create: %w", err)
	}
	return &out.Run.Info, nil
}

// UpdateRun sets a run's status and end time (0: none).
func (c *Client) UpdateRun(ctx context.Context, runID, status string, end int64) error {
	body := map[string]any{"run_id": runID, "status": status}
	if end != 0 {
		body["end_time"] = end
	}
	if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/runs/update", nil, body, nil, true); err != nil {
		return fmt.Errorf("runs/update %s: %w", runID, err)
	}
	return nil
}

// LogBatch logs metrics, params and tags to a run.
func (c *Client) LogBatch(ctx context.Context, runID string, metrics []Metric, params, tags []KV) error {
	// Typed, not maps: a batch of 1,000 points encodes several times
	// faster. Values are finite: the hub keeps no others, and the
	// importer leaves them out.
	type point struct {
		Key       string  `json:"key"`
		Value     float64 `json:"value"`
		Timestamp int64   `json:"timestamp"`
		Step      int64   `json:"step"`
	}
	ms := make([]point, len(metrics))
	for i, m := range metrics {
		ms[i] = point{m.Key, float64(m.Value), int64(m.Timestamp), int64(m.Step)}
	}
	body := struct {
		RunID   string  `json:"run_id"`
		Metrics []point `json:"metrics"`
		Params  []KV    `json:"params"`
		Tags    []KV    `json:"tags"`
	}{runID, ms, orEmpty(params), orEmpty(tags)}
	if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/runs/log-batch", nil, body, nil, true); err != nil {
		return fmt.Errorf("runs/log-batch %s: %w", runID, err)
	}
	return nil
}

// LogInputs logs a run's dataset inputs.
func (c *Client) LogInputs(ctx context.Context, runID string, inputs []DatasetInput) error {
	if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/runs/log-inputs", nil, map[string]any{"run_id": runID, "datasets": inputs}, nil, true); err != nil {
		return fmt.Errorf("runs/log-inputs %s: %w", runID, err)
	}
	return nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// RegisteredModel is a registered model as MLflow describes it.
type RegisteredModel struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Tags        []KV    `json:"tags"`
	Aliases     []Alias `json:"aliases"`
}

// Alias is a registered model's alias and the version it names.
type Alias struct {
	Alias   string `json:"alias"`
	Version string `json:"version"`
}

// ModelVersion is a model version as MLflow describes it.
type ModelVersion struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Source      string `json:"source"`
	RunID       string `json:"run_id"`
	Description string `json:"description"`
	Tags        []KV   `json:"tags"`
}

// Tag returns the value of tag key and whether the version has it.
func (v *ModelVersion) Tag(key string) (string, bool) {
	for _, t := range v.Tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// RegisteredModels lists every registered model.
func (c *Client) RegisteredModels(ctx context.Context) ([]RegisteredModel, error) {
	var all []RegisteredModel
	err := pages("registered-models/search", func(token string) (string, int, error) {
		var page struct {
			Models        []RegisteredModel `json:"registered_models"`
			NextPageToken string            `json:"next_page_token"`
		}
		q := url.Values{"max_results": {"1000"}}
		if token != "" {
			q.Set("page_token", token)
		}
		if err := c.call(ctx, http.MethodGet, "/api/2.0/mlflow/registered-models/search", q, nil, &page, true); err != nil {
			return "", 0, fmt.Errorf("registered-models/search: %w", err)
		}
		all = append(all, page.Models...)
		return page.NextPageToken, len(page.Models), nil
	})
	return all, err
}

// RegisteredModel returns the registered model of that name; NotFound
// when there is none.
func (c *Client) RegisteredModel(ctx context.Context, name string) (*RegisteredModel, error) {
	var out struct {
		Model RegisteredModel `json:"registered_model"`
	}
	if err := c.call(ctx, http.MethodGet, "/api/2.0/mlflow/registered-models/get", url.Values{"name": {name}}, nil, &out, true); err != nil {
		return nil, err
	}
	return &out.Model, nil
}

// CreateRegisteredModel creates a registered model.
func (c *Client) CreateRegisteredModel(ctx context.Context, name, description string, tags []KV) error {
	body := map[string]any{"name": name, "description": description, "tags": orEmpty(tags)}
	if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/registered-models/create", nil, body, nil, false); err != nil {
		return fmt.Errorf("registered-models/create %q: %w", name, err)
	}
	return nil
}

// ModelVersions lists every version of a registered model.
func (c *Client) ModelVersions(ctx context.Context, name string) ([]ModelVersion, error) {
	if strings.ContainsAny(name, `'"\`) {
		return nil, fmt.Errorf("model %s: a name with a quote or backslash cannot be searched for", clip(strconv.Quote(name)))
	}
	var all []ModelVersion
	err := pages("model-versions/search", func(token string) (string, int, error) {
		var page struct {
			Versions      []ModelVersion `json:"model_versions"`
			NextPageToken string         `json:"next_page_token"`
		}
		q := url.Values{"filter": {"name = '" + name + "'"}, "max_results": {"1000"}}
		if token != "" {
			q.Set("page_token", token)
		}
		if err := c.call(ctx, http.MethodGet, "/api/2.0/mlflow/model-versions/search", q, nil, &page, true); err != nil {
			return "", 0, fmt.Errorf("model-versions/search of %s: %w", clip(strconv.Quote(name)), err)
		}
		all = append(all, page.Versions...)
		return page.NextPageToken, len(page.Versions), nil
	})
	return all, err
}

// CreateModelVersion creates a version of a registered model.
func (c *Client) CreateModelVersion(ctx context.Context, name, source, runID, description string, tags []KV) (*ModelVersion, error) {
	var out struct {
		Version ModelVersion `json:"model_version"`
	}
	body := map[string]any{"name": name, "source": source, "description": description, "tags": orEmpty(tags)}
	if runID != "" {
		body["run_id"] = runID
	}
	if err := c.call(ctx, http.MethodPost, "/api/2.0/mlflow/model-versions/create", nil, body, &out, false); err != nil {
		return nil, fmt.Errorf("model-versions/create of %q: %w", name, err)
	}
	return &out.Version, nil
}

// SetAlias points a registered model's alias at a version.
func (c *Client) SetAlias(ctx context.Context, name, alias, version string) error {
	return c.call(ctx, http.MethodPost, "/api/2.0/mlflow/registered-models/alias", nil,
		map[string]any{"name": name, "alias": alias, "version": version}, nil, true)
}
