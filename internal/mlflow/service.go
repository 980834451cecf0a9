package mlflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/runsearch"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/tracking"
)

// Config says where MLflow experiments land: DefaultProject takes every
// experiment whose name does not name a project ("project/experiment").
type Config struct {
	DefaultProject string
}

// Store is what the service reads and writes besides tracking's
// operations; *store.Store provides it.
type Store interface {
	ExperimentByName(ctx context.Context, projectKey, name string) (*store.Experiment, error)
	ExperimentsByIDs(ctx context.Context, ids []string) (map[string]*store.Experiment, error)
	ExperimentsInScope(ctx context.Context, scope store.Scope, lc store.Lifecycle, nameContains, after string, limit int) ([]*store.Experiment, error)
	RunsByIDs(ctx context.Context, ids []string) (map[string]*store.Run, error)
	RunsOfExperiments(ctx context.Context, experimentIDs []string, lc store.Lifecycle, after string, limit int) ([]*store.Run, error)
	SetRunDeleted(ctx context.Context, actor, runID string, deleted bool) (*store.Run, error)
	SetExperimentDeleted(ctx context.Context, actor, experimentID string, deleted bool) (*store.Experiment, int, error)
	DeleteRunTag(ctx context.Context, runID, key string) (*store.Run, error)
	MetricsOfRuns(ctx context.Context, runIDs []string) ([][]*store.Metric, error)
	MetricHistoryPage(ctx context.Context, ref store.MetricRef, offset, limit int) ([]store.MetricPoint, bool, error)
	LogMLflowInputs(ctx context.Context, actor, runID string, inputs []store.MLflowInput) (*store.Run, error)
	MLflowInputsOfRun(ctx context.Context, runID string) ([]store.MLflowInputOf, error)
	FeatureServicesNamed(ctx context.Context, projectKey string, refs []string) (map[string][]string, error)
	ModelOutputsOfRun(ctx context.Context, runID string) ([]store.ModelOutput, error)
	SearchRuns(ctx context.Context, in store.RunSearch) (store.Conn[*store.Run], error)
	LogRunBatch(ctx context.Context, runID string, b store.RunBatch, allow func(*store.Run) error) (bool, error)
	SetExperimentTags(ctx context.Context, experimentID string, tags []store.KeyValue) error
	ExperimentTags(ctx context.Context, ids []string) (map[string][]store.KeyValue, error)
	RenameRun(ctx context.Context, runID, name string) (*store.Run, error)
	RenameExperiment(ctx context.Context, experimentID, name string) (*store.Experiment, error)
}

// Tracking is the tracking operations the service calls;
// *tracking.Service provides them.
type Tracking interface {
	CreateExperiment(ctx context.Context, p *auth.Principal, in store.CreateExperimentInput) (*store.Experiment, error)
	StartRun(ctx context.Context, p *auth.Principal, in store.StartRunInput) (*store.Run, error)
	StartRunIn(ctx context.Context, p *auth.Principal, exp *store.Experiment, in store.StartRunInput) (*store.Run, error)
	UpdateRunStatus(ctx context.Context, p *auth.Principal, runID string, to store.RunStatus) (*store.Run, error)
	FinishRunAt(ctx context.Context, p *auth.Principal, runID string, status *store.RunStatus, endedAt *time.Time) (*store.Run, error)
	LogParams(ctx context.Context, p *auth.Principal, runID string, params []store.KeyValue) (*store.Run, error)
	LogMetrics(ctx context.Context, p *auth.Principal, runID string, points []store.MetricPoint) (*store.Run, int, error)
	SetRunTags(ctx context.Context, p *auth.Principal, runID string, tags []store.KeyValue) (*store.Run, error)
	UseFeatureServices(ctx context.Context, p *auth.Principal, runID string, serviceIDs []string) (*store.Run, error)
}

// Service carries out MLflow operations for a caller. It is safe for
// concurrent use.
type Service struct {
	store    Store
	tracking Tracking
	cfg      Config
}

// New returns a Service over st and tr.
func New(st Store, tr Tracking, cfg Config) *Service {
	return &Service{store: st, tracking: tr, cfg: cfg}
}

// Name is the MLflow name of e under the service's configuration.
func (s *Service) Name(e *store.Experiment) string { return Name(e, s.cfg.DefaultProject) }

// ExperimentByName finds an experiment by its MLflow name; one the caller
// may not read is not found.
func (s *Service) ExperimentByName(ctx context.Context, p *auth.Principal, name string) (*store.Experiment, error) {
	pk, exp, err := Place(name, s.cfg.DefaultProject)
	if err != nil {
		return nil, err
	}
	if !access.CanRead(p, pk) {
		return nil, fmt.Errorf("experiment %s: %w", errs.Quote(name), errs.NotFound)
	}
	e, err := s.store.ExperimentByName(ctx, pk, exp)
	if errors.Is(err, errs.NotFound) {
		return nil, fmt.Errorf("could not find experiment with name %s: %w", errs.Quote(name), errs.NotFound)
	}
	return e, err
}

// CreateExperiment creates an experiment where its name places it, in a
// project the caller contributes to. A name taken is ErrAlreadyExists.
func (s *Service) CreateExperiment(ctx context.Context, p *auth.Principal, name string, tags []store.KeyValue) (*store.Experiment, error) {
	pk, exp, err := Place(name, s.cfg.DefaultProject)
	if err != nil {
		return nil, err
	}
	e, err := s.tracking.CreateExperiment(ctx, p, store.CreateExperimentInput{ProjectKey: pk, Name: exp})
	if errors.Is(err, errs.Conflict) {
		// A deleted experiment keeps its name, as in MLflow.
		if old, err := s.store.ExperimentByName(ctx, pk, exp); err == nil && old.DeletedAt != nil {
			return nil, fmt.Errorf("%w: experiment %s already exists (deleted; restore it with experiments/restore)",
				ErrAlreadyExists, errs.Quote(name))
		}
		return nil, fmt.Errorf("%w: experiment %s already exists", ErrAlreadyExists, errs.Quote(name))
	}
	if err != nil || len(tags) == 0 {
		return e, err
	}
	return e, s.store.SetExperimentTags(ctx, e.ID, tags)
}

// RenameExperiment renames an experiment the caller contributes to. The
// new name stays in the experiment's project: a name that names another
// project ("other/name") is refused, since experiments do not move.
func (s *Service) RenameExperiment(ctx context.Context, p *auth.Principal, id, newName string) error {
	e, err := s.writableExperiment(ctx, p, id)
	if err != nil {
		return err
	}
	pk, name, err := Place(newName, e.ProjectKey)
	if err != nil {
		return err
	}
	if pk != e.ProjectKey {
		return errs.Invalidf("new_name %s: an experiment stays in its project %s", errs.Quote(newName), errs.Quote(e.ProjectKey))
	}
	_, err = s.store.RenameExperiment(ctx, e.ID, name)
	if errors.Is(err, errs.Conflict) {
		return fmt.Errorf("%w: experiment %s already exists", ErrAlreadyExists, errs.Quote(newName))
	}
	return err
}

// SetExperimentTag sets an MLflow tag on an experiment the caller
// contributes to.
func (s *Service) SetExperimentTag(ctx context.Context, p *auth.Principal, id, key, value string) error {
	e, err := s.writableExperiment(ctx, p, id)
	if err != nil {
		return err
	}
	return s.store.SetExperimentTags(ctx, e.ID, []store.KeyValue{{Key: key, Value: value}})
}

// ExperimentTags returns the MLflow tags of experiments the caller has
// read, by ID.
func (s *Service) ExperimentTags(ctx context.Context, es ...*store.Experiment) (map[string][]store.KeyValue, error) {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return s.store.ExperimentTags(ctx, ids)
}

// Experiment returns an experiment by MLflow id: the hub's experiment id,
// or DefaultExperimentID for the default project's Default experiment
// (created when a contributor first asks for it).
func (s *Service) Experiment(ctx context.Context, p *auth.Principal, id string, min auth.Role) (*store.Experiment, error) {
	if id == DefaultExperimentID {
		return s.defaultExperiment(ctx, p, min)
	}
	if err := access.CheckID("experiment_id", id, store.KindExperiment); err != nil {
		return nil, fmt.Errorf("no experiment with id=%s: %w", errs.Quote(id), errs.NotFound)
	}
	return access.Load(ctx, p, "experiment_id", id, store.KindExperiment, access.ByID(s.store.ExperimentsByIDs),
		func(v *store.Experiment) string { return v.ProjectKey }, min)
}

func (s *Service) defaultExperiment(ctx context.Context, p *auth.Principal, min auth.Role) (*store.Experiment, error) {
	pk := s.cfg.DefaultProject
	if pk == "" || !access.CanRead(p, pk) {
		return nil, fmt.Errorf("no experiment with id=0 (no default project): %w", errs.NotFound)
	}
	if err := access.Require(p, pk, min); err != nil {
		return nil, err
	}
	e, err := s.store.ExperimentByName(ctx, pk, DefaultExperimentName)
	if !errors.Is(err, errs.NotFound) || min == auth.RoleViewer {
		return e, err
	}
	e, err = s.tracking.CreateExperiment(ctx, p, store.CreateExperimentInput{ProjectKey: pk, Name: DefaultExperimentName})
	if errors.Is(err, errs.Conflict) { // created concurrently
		return s.store.ExperimentByName(ctx, pk, DefaultExperimentName)
	}
	return e, err
}

// SearchExperiments lists the experiments the caller may read that pass
// filter (NameFilter) and whose lifecycle stage lc selects, newest first:
// at most limit after the experiment id after, and whether more may
// follow.
func (s *Service) SearchExperiments(ctx context.Context, p *auth.Principal, lc store.Lifecycle, filter, after string, limit int) ([]*store.Experiment, bool, error) {
	match, err := NameFilter(filter)
	if err != nil {
		return nil, false, err
	}
	if after != "" {
		if err := access.CheckID("page_token", after, store.KindExperiment); err != nil {
			return nil, false, err
		}
	}
	const scan = 1000
	var out []*store.Experiment
	for {
		batch, err := s.store.ExperimentsInScope(ctx, access.Scope(p), lc, "", after, scan)
		if err != nil {
			return nil, false, err
		}
		for _, e := range batch {
			if !match(s.Name(e)) {
				continue
			}
			if len(out) == limit {
				return out, true, nil
			}
			out = append(out, e)
		}
		if len(batch) < scan {
			return out, false, nil
		}
		after = batch[len(batch)-1].ID
	}
}

// RunInput is a new run as MLflow's runs/create describes it.
type RunInput struct {
	ExperimentID string
	Name         string
	Tags         []store.KeyValue
	// StartTime is MLflow's start_time (nil: now).
	StartTime *time.Time
}

// CreateRun starts a RUNNING run. MLflow's system tags (mlflow.user,
// mlflow.source.name, mlflow.parentRunId, …) are kept as the run's tags;
// the name comes from run_name or else the mlflow.runName tag, and the
// tag is added when only run_name was given.
func (s *Service) CreateRun(ctx context.Context, p *auth.Principal, in RunInput) (*store.Run, error) {
	e, err := s.writableExperiment(ctx, p, in.ExperimentID)
	if err != nil {
		return nil, err
	}
	name, tagged := in.Name, ""
	for _, kv := range in.Tags {
		if kv.Key == "mlflow.runName" {
			tagged = kv.Value
		}
	}
	if name == "" {
		name = tagged
	}
	tags := in.Tags
	if tagged == "" && name != "" {
		tags = append(tags, store.KeyValue{Key: "mlflow.runName", Value: name})
	}
	services, err := s.featureServices(ctx, e.ProjectKey, tags)
	if err != nil {
		return nil, err
	}
	r, err := s.tracking.StartRunIn(ctx, p, e, store.StartRunInput{Name: name, Tags: tags, StartedAt: in.StartTime})
	if err != nil {
		return nil, err
	}
	return r, s.useFeatureServices(ctx, p, r.ID, services)
}

// RunData is a run with the latest value of each of its metrics and,
// when read one run at a time, the datasets MLflow logged as its inputs.
type RunData struct {
	Run     *store.Run
	Metrics []*store.Metric
	Inputs  []store.MLflowInputOf
	// Outputs are the logged models the run logged (read one run at a time).
	Outputs []store.ModelOutput
}

// Run returns a run the caller may read, by MLflow run id.
func (s *Service) Run(ctx context.Context, p *auth.Principal, runID string) (*RunData, error) {
	r, err := s.run(ctx, p, runID, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.MetricsOfRuns(ctx, []string{r.ID})
	if err != nil {
		return nil, err
	}
	ins, err := s.store.MLflowInputsOfRun(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	outs, err := s.store.ModelOutputsOfRun(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	return &RunData{Run: r, Metrics: ms[0], Inputs: ins, Outputs: outs}, nil
}

// LogInputs records the datasets MLflow's log_input sent as inputs of a
// run the caller contributes to (Input maps them); the run CONSUMES each
// version, so lineage and impact include it.
func (s *Service) LogInputs(ctx context.Context, p *auth.Principal, runID string, datasets []DatasetInput) error {
	r, err := s.writableRun(ctx, p, runID)
	if err != nil {
		return err
	}
	if len(datasets) == 0 {
		return nil
	}
	inputs := make([]store.MLflowInput, len(datasets))
	for i, d := range datasets {
		if inputs[i], err = Input(d); err != nil {
			return err
		}
	}
	_, err = s.store.LogMLflowInputs(ctx, p.Subject, r.ID, inputs)
	return err
}

func (s *Service) run(ctx context.Context, p *auth.Principal, runID string, min auth.Role) (*store.Run, error) {
	id, err := HubRunID(runID)
	if err != nil {
		return nil, err
	}
	r, err := access.Load(ctx, p, "run_id", id, store.KindRun, access.ByID(s.store.RunsByIDs),
		func(v *store.Run) string { return v.ProjectKey }, min)
	if errors.Is(err, errs.NotFound) {
		return nil, fmt.Errorf("run with id=%s not found: %w", errs.Quote(runID), errs.NotFound)
	}
	return r, err
}

// UpdateRun moves a run to an MLflow status ("" leaves it): RUNNING and
// SCHEDULED through tracking's status change, the terminal ones by
// finishing it; asking for the status the run has is a no-op. A name
// ("" leaves it) renames the run. endTime is MLflow's end_time, taken when
// the status is terminal (nil: now).
func (s *Service) UpdateRun(ctx context.Context, p *auth.Principal, runID, status, name string, endTime *time.Time) (*store.Run, error) {
	r, err := s.writableRun(ctx, p, runID)
	if err != nil {
		return nil, err
	}
	if status != "" {
		to, err := Status(status)
		if err != nil {
			return nil, err
		}
		if to.Terminal() {
			r, err = s.tracking.FinishRunAt(ctx, p, r.ID, &to, endTime)
		} else {
			r, err = s.tracking.UpdateRunStatus(ctx, p, r.ID, to)
		}
		if err != nil {
			return nil, err
		}
	}
	if name != "" && name != r.Name {
		return s.store.RenameRun(ctx, r.ID, name)
	}
	return r, nil
}

// LogBatch logs metrics, params and tags to a run, all or nothing, in one
// transaction: the batch is checked (Batch) and tracking's rules are
// applied to the run as it is under its lock (metrics only while the run
// is open, params write-once) before anything is written.
func (s *Service) LogBatch(ctx context.Context, p *auth.Principal, runID string, metrics []store.MetricPoint, params, tags []store.KeyValue) error {
	if len(metrics)+len(params)+len(tags) == 0 {
		_, err := s.writableRun(ctx, p, runID)
		return err
	}
	id, err := HubRunID(runID)
	if err != nil {
		return err
	}
	if err := access.CheckID("run_id", id, store.KindRun); err != nil {
		return err
	}
	// The batch is checked before the run is read (its errors say nothing
	// of the run), and the caller's access to the run is checked on the
	// run as the write locks it: one transaction per batch.
	if err := Batch(metrics, params, tags); err != nil {
		return err
	}
	var services []string
	if slices.ContainsFunc(tags, func(kv store.KeyValue) bool { return kv.Key == FeatureServicesTag }) {
		r, err := s.writableRun(ctx, p, runID)
		if err != nil {
			return err
		}
		if services, err = s.featureServices(ctx, r.ProjectKey, tags); err != nil {
			return err
		}
	}
	notFound := fmt.Errorf("run with id=%s not found: %w", errs.Quote(runID), errs.NotFound)
	// A batch the run has written already is a retry whose answer was
	// lost: its points are not appended again (params and tags are
	// idempotent by themselves).
	var fp string
	if len(metrics) > 0 {
		fp = Fingerprint(metrics, params, tags)
	}
	writable := func(locked *store.Run) error {
		if !access.CanRead(p, locked.ProjectKey) {
			return notFound
		}
		if err := access.Require(p, locked.ProjectKey, auth.RoleContributor); err != nil {
			return err
		}
		return RunActive(locked, runID)
	}
	_, err = s.store.LogRunBatch(ctx, id, store.RunBatch{Params: params, Tags: tags, Metrics: metrics, Fingerprint: fp, Access: writable}, func(locked *store.Run) error {
		if len(metrics) > 0 {
			if err := tracking.Open(locked, "metrics"); err != nil {
				return err
			}
		}
		if len(params) > 0 {
			return tracking.ParamsLogging(locked, params)
		}
		return nil
	})
	if errors.Is(err, errs.NotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	return s.useFeatureServices(ctx, p, id, services)
}

// DeleteTag removes a tag from a run; removing a tag the run lacks is a
// no-op, as MLflow's retries need.
func (s *Service) DeleteTag(ctx context.Context, p *auth.Principal, runID, key string) error {
	r, err := s.writableRun(ctx, p, runID)
	if err != nil {
		return err
	}
	_, err = s.store.DeleteRunTag(ctx, r.ID, key)
	return err
}

// MetricHistory returns at most limit points of a run's series key from
// offset on, in the order they were logged, and whether more follow. An
// unknown key is an empty history (MLflow answers {}).
func (s *Service) MetricHistory(ctx context.Context, p *auth.Principal, runID, key string, offset, limit int) ([]store.MetricPoint, bool, error) {
	r, err := s.run(ctx, p, runID, auth.RoleViewer)
	if err != nil {
		return nil, false, err
	}
	return s.store.MetricHistoryPage(ctx, store.MetricRef{RunID: r.ID, Key: key}, offset, limit)
}

// SearchRuns lists the runs of experiments the caller may read
// (experiments it may not read, or that do not exist, contribute nothing;
// at most MaxSearchExperiments ids, each counted once: searchedExperiments),
// limit per page from the position after ("" for the first page), and
// returns the position of the next page ("" when there is none). Without a
// filter or order the runs come newest first, across projects. A filter
// (MLflow's grammar and the hub's OR and parentheses, internal/runsearch)
// or an order_by is run by the store's run search, over the experiments of
// one project, at most store.MaxPageSize per page.
func (s *Service) SearchRuns(ctx context.Context, p *auth.Principal, experimentIDs []string, lc store.Lifecycle, filter string, orderBy []string,
	after string, limit int) ([]*RunData, string, error) {
	q, err := runsearch.Parse(filter)
	if err != nil {
		return nil, "", err
	}
	order, err := runsearch.ParseOrderBy(orderBy)
	if err != nil {
		return nil, "", err
	}
	es, err := s.searchedExperiments(ctx, p, experimentIDs)
	if err != nil || len(es) == 0 {
		return nil, "", err
	}
	ids := make([]string, len(es))
	projects := map[string]bool{}
	var project string
	for i, e := range es {
		ids[i] = e.ID
		projects[e.ProjectKey], project = true, e.ProjectKey
	}
	var runs []*store.Run
	var next string
	if q == nil && len(order) == 0 {
		if runs, next, err = s.newestRuns(ctx, ids, lc, after, limit); err != nil {
			return nil, "", err
		}
	} else {
		if len(projects) > 1 {
			return nil, "", errs.Invalidf("experiment_ids: a filter or order_by searches the experiments of one project; these are in %d", len(projects))
		}
		page := store.Page{First: min(limit, store.MaxRunSearchPage)}
		if pos, ok := strings.CutPrefix(after, "s:"); ok {
			page.After = pos
		} else if after != "" {
			return nil, "", errs.Invalidf("page_token: not a token of this search")
		}
		conn, err := s.store.SearchRuns(ctx, store.RunSearch{Scope: access.Scope(p), ProjectKey: project, ExperimentIDs: ids,
			Query: q, Order: order, Page: page, MaxFirst: store.MaxRunSearchPage, Lifecycle: lc})
		if err != nil {
			return nil, "", err
		}
		runs = conn.Items
		if conn.HasNext {
			next = "s:" + conn.EndCursor()
		}
	}
	if len(runs) == 0 {
		return nil, "", nil
	}
	runIDs := make([]string, len(runs))
	for i, r := range runs {
		runIDs[i] = r.ID
	}
	ms, err := s.store.MetricsOfRuns(ctx, runIDs)
	if err != nil {
		return nil, "", err
	}
	out := make([]*RunData, len(runs))
	for i, r := range runs {
		out[i] = &RunData{Run: r, Metrics: ms[i]}
	}
	return out, next, nil
}

// newestRuns pages through the runs of experiments newest first; the
// position is "r:" and the last run's MLflow id.
func (s *Service) newestRuns(ctx context.Context, ids []string, lc store.Lifecycle, after string, limit int) ([]*store.Run, string, error) {
	var afterID string
	if after != "" {
		pos, ok := strings.CutPrefix(after, "r:")
		var err error
		if afterID, err = HubRunID(pos); !ok || err != nil {
			return nil, "", errs.Invalidf("page_token: not a token of this search")
		}
	}
	runs, err := s.store.RunsOfExperiments(ctx, ids, lc, afterID, limit+1)
	if err != nil || len(runs) <= limit {
		return runs, "", err
	}
	runs = runs[:limit]
	return runs, "r:" + RunID(runs[len(runs)-1].ID), nil
}
