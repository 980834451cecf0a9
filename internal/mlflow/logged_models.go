package mlflow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// MLflow 3's logged models, as far as mlflow.<flavor>.log_model calls
// them: create (PENDING, in an experiment, from a run), get, search,
// finalize (READY), tags and params, and the run's outputs. A logged
// model belongs to its experiment's project: a caller reads it where it
// reads the project and writes it where it contributes.

// LoggedModelInput is a new logged model as MLflow's create describes it.
type LoggedModelInput struct {
	ExperimentID string
	Name         string
	ModelType    string
	// SourceRunID is MLflow's run id, or "".
	SourceRunID  string
	Tags, Params []store.KeyValue
}

// CreateLoggedModel creates a PENDING logged model in an experiment the
// caller contributes to, from a run of that experiment when one is named.
// Without a name it gets a generated one, as MLflow's does.
func (a *Artifacts) CreateLoggedModel(ctx context.Context, p *auth.Principal, in LoggedModelInput) (*store.LoggedModel, error) {
	e, err := a.svc.Experiment(ctx, p, in.ExperimentID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	var runID string
	if in.SourceRunID != "" {
		r, err := a.svc.run(ctx, p, in.SourceRunID, auth.RoleContributor)
		if err != nil {
			return nil, err
		}
		if r.ExperimentID != e.ID {
			return nil, errs.Invalidf("source_run_id: run %s is not in experiment %s", errs.Quote(in.SourceRunID), errs.Quote(in.ExperimentID))
		}
		runID = r.ID
	}
	name := in.Name
	if name == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		name = "model-" + hex.EncodeToString(b[:])
	}
	return a.store.CreateLoggedModel(ctx, p.Subject, store.CreateLoggedModelInput{ExperimentID: e.ID, Name: name,
		ModelType: in.ModelType, SourceRunID: runID, Tags: in.Tags, Params: in.Params})
}

// LoggedModel returns a logged model the caller holds min on; one of a
// project it may not read is not found, as a missing one is.
func (a *Artifacts) LoggedModel(ctx context.Context, p *auth.Principal, id string) (*store.LoggedModel, error) {
	return a.loggedModel(ctx, p, id, auth.RoleViewer)
}

func (a *Artifacts) loggedModel(ctx context.Context, p *auth.Principal, id string, min auth.Role) (*store.LoggedModel, error) {
	missing := fmt.Errorf("logged model with id=%s not found: %w", errs.Quote(id), errs.NotFound)
	if !store.IsLoggedModelID(id) {
		return nil, missing
	}
	ms, err := a.store.LoggedModelsByIDs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	m, ok := ms[id]
	if !ok || !access.CanRead(p, m.ProjectKey) {
		return nil, missing
	}
	if err := access.Require(p, m.ProjectKey, min); err != nil {
		return nil, err
	}
	return m, nil
}

// LoggedModelStatus reads MLflow's status name.
func LoggedModelStatus(s string) (store.LoggedModelStatus, error) {
	switch st := store.LoggedModelStatus(s); st {
	case store.LoggedModelPending, store.LoggedModelReady, store.LoggedModelUploadFailed:
		return st, nil
	}
	return "", errs.Invalidf("status: %s is not LOGGED_MODEL_PENDING, LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED", errs.Quote(s))
}

// FinalizeLoggedModel sets the status of a logged model the caller
// contributes to (READY once the client uploaded its files).
func (a *Artifacts) FinalizeLoggedModel(ctx context.Context, p *auth.Principal, id, status string) (*store.LoggedModel, error) {
	st, err := LoggedModelStatus(status)
	if err != nil {
		return nil, err
	}
	m, err := a.loggedModel(ctx, p, id, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return a.store.FinalizeLoggedModel(ctx, p.Subject, m.ID, st)
}

// SetLoggedModelTags sets tags on a logged model the caller contributes to.
func (a *Artifacts) SetLoggedModelTags(ctx context.Context, p *auth.Principal, id string, tags []store.KeyValue) error {
	m, err := a.loggedModel(ctx, p, id, auth.RoleContributor)
	if err != nil {
		return err
	}
	_, err = a.store.SetLoggedModelTags(ctx, m.ID, tags)
	return err
}

// DeleteLoggedModelTag removes a tag from a logged model the caller
// contributes to; a tag it lacks is a no-op.
func (a *Artifacts) DeleteLoggedModelTag(ctx context.Context, p *auth.Principal, id, key string) error {
	m, err := a.loggedModel(ctx, p, id, auth.RoleContributor)
	if err != nil {
		return err
	}
	_, err = a.store.DeleteLoggedModelTag(ctx, m.ID, key)
	return err
}

// LogLoggedModelParams sets params on a logged model the caller
// contributes to.
func (a *Artifacts) LogLoggedModelParams(ctx context.Context, p *auth.Principal, id string, params []store.KeyValue) error {
	m, err := a.loggedModel(ctx, p, id, auth.RoleContributor)
	if err != nil {
		return err
	}
	_, err = a.store.AddLoggedModelParams(ctx, m.ID, params)
	return err
}

// SearchLoggedModels lists the logged models of experiments the caller may
// read (others contribute nothing) that pass filter (LoggedModelFilter),
// newest first, limit per page after the model ID after. MLflow's
// order_by for logged models is not served: a search that sets it is
// refused, by name, rather than answered in another order.
func (a *Artifacts) SearchLoggedModels(ctx context.Context, p *auth.Principal, experimentIDs []string, filter string, ordered bool,
	after string, limit int) ([]*store.LoggedModel, string, error) {
	f, err := LoggedModelFilter(filter)
	if err != nil {
		return nil, "", err
	}
	if ordered {
		return nil, "", errs.Invalidf("order_by: the hub lists logged models newest first and takes no order_by yet")
	}
	es, err := a.svc.searchedExperiments(ctx, p, experimentIDs)
	if err != nil || len(es) == 0 {
		return nil, "", err
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	ms, err := a.store.LoggedModelsOfExperiments(ctx, ids, f, after, limit+1)
	if err != nil || len(ms) <= limit {
		return ms, "", err
	}
	ms = ms[:limit]
	return ms, ms[len(ms)-1].ID, nil
}

// MaxSearchExperiments is the most experiment ids one search of runs or
// logged models names. MLflow's own server bounds its run searches
// similarly; without a bound a request of many thousands of ids costs the
// hub seconds of reads.
const MaxSearchExperiments = 100

// searchedExperiments loads the experiments a search of runs or logged
// models names (SearchRuns shares it): at most MaxSearchExperiments ids,
// else errs.Invalid naming the limit; duplicates count once; ones that do
// not exist, have no experiment ID's form, or are of a project the caller
// may not read contribute nothing, as MLflow's search skips unknown
// experiments. The others come in the order first named, loaded with one
// ExperimentsByIDs call (and, for "0", the default experiment's lookup).
func (s *Service) searchedExperiments(ctx context.Context, p *auth.Principal, experimentIDs []string) ([]*store.Experiment, error) {
	if len(experimentIDs) > MaxSearchExperiments {
		return nil, errs.Invalidf("experiment_ids: at most %d experiments per search, got %d", MaxSearchExperiments, len(experimentIDs))
	}
	var ids, hubIDs []string
	for _, id := range experimentIDs {
		if slices.Contains(ids, id) { // at most MaxSearchExperiments: linear is fine
			continue
		}
		switch {
		case id == DefaultExperimentID:
			ids = append(ids, id)
		case access.CheckID("experiment_ids", id, store.KindExperiment) == nil:
			ids, hubIDs = append(ids, id), append(hubIDs, id)
		}
	}
	var byID map[string]*store.Experiment
	if len(hubIDs) > 0 {
		var err error
		if byID, err = s.store.ExperimentsByIDs(ctx, hubIDs); err != nil {
			return nil, err
		}
	}
	out := make([]*store.Experiment, 0, len(ids))
	for _, id := range ids {
		e := byID[id]
		if id == DefaultExperimentID {
			var err error
			if e, err = s.Experiment(ctx, p, id, auth.RoleViewer); errors.Is(err, errs.NotFound) {
				continue
			} else if err != nil {
				return nil, err
			}
		}
		// "0" and the default experiment's own ID name one experiment.
		if e != nil && access.CanRead(p, e.ProjectKey) && !slices.ContainsFunc(out, func(o *store.Experiment) bool { return o.ID == e.ID }) {
			out = append(out, e)
		}
	}
	return out, nil
}

// LoggedModelFilter reads the part of MLflow's logged model filter the
// client sends (RunsArtifactRepository asks name = '<name>' to find a
// run's model by name): equality comparisons of name, model_id,
// source_run_id, status and model_type (optionally attributes.-prefixed),
// joined by AND, with values quoted in ' or ". Anything else is refused,
// naming the position, rather than answered unfiltered.
func LoggedModelFilter(filter string) (store.LoggedModelFilter, error) {
	var f store.LoggedModelFilter
	rest := strings.TrimSpace(filter)
	for rest != "" {
		pos := len(filter) - len(rest) + 1
		field, after, ok := strings.Cut(rest, "=")
		field = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(field), "attributes."))
		after = strings.TrimSpace(after)
		if !ok || after == "" || (after[0] != '\'' && after[0] != '"') {
			return f, errs.Invalidf("filter: at column %d: expected <attribute> = '<value>' in %s", pos, errs.Quote(filter))
		}
		end := strings.IndexByte(after[1:], after[0])
		if end < 0 {
			return f, errs.Invalidf("filter: at column %d: unterminated string in %s", pos, errs.Quote(filter))
		}
		value := after[1 : end+1]
		var dst *string
		switch field {
		case "name":
			dst = &f.Name
		case "model_id":
			dst = &f.ModelID
		case "source_run_id":
			dst = &f.SourceRunID
			if value != "" {
				id, err := HubRunID(value)
				if err != nil {
					id = "run_none" // matches no model
				}
				value = id
			}
		case "status":
			dst = &f.Status
		case "model_type":
			dst = &f.ModelType
		default:
			return f, errs.Invalidf("filter: at column %d: %s is not an attribute the hub filters logged models by (name, model_id, source_run_id, status, model_type)", pos, errs.Quote(field))
		}
		*dst = value
		rest = strings.TrimSpace(after[end+2:])
		if rest == "" {
			break
		}
		if len(rest) < 4 || !strings.EqualFold(rest[:4], "and ") {
			return f, errs.Invalidf("filter: at column %d: expected AND in %s", len(filter)-len(rest)+1, errs.Quote(filter))
		}
		rest = strings.TrimSpace(rest[4:])
		if rest == "" {
			return f, errs.Invalidf("filter: a comparison must follow AND in %s", errs.Quote(filter))
		}
	}
	return f, nil
}

// ModelOutput is a logged model a run output, at a step (MLflow's
// LoggedModelOutput).
type ModelOutput struct {
	ModelID string
	Step    int64
}

// LogOutputs records logged models of the run's project as outputs of a
// run the caller contributes to; a model it may not see is not found.
func (a *Artifacts) LogOutputs(ctx context.Context, p *auth.Principal, runID string, models []ModelOutput) error {
	r, err := a.svc.writableRun(ctx, p, runID)
	if err != nil {
		return err
	}
	if len(models) == 0 {
		return nil
	}
	outs := make([]store.ModelOutput, len(models))
	for i, m := range models {
		outs[i] = store.ModelOutput{ModelID: m.ModelID, Step: m.Step}
	}
	return a.store.LogRunOutputs(ctx, p.Subject, r.ID, outs)
}
