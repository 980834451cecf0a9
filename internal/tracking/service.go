package tracking

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Store is what tracking reads and writes; *store.Store provides it.
type Store interface {
	CreateExperiment(ctx context.Context, actor string, in store.CreateExperimentInput) (*store.Experiment, error)
	StartRun(ctx context.Context, actor string, in store.StartRunInput) (*store.Run, error)
	MoveRunAt(ctx context.Context, actor, runID string, to store.RunStatus, endedAt *time.Time, allow func(*store.Run) error) (*store.Run, error)
	AddRunParams(ctx context.Context, runID string, params []store.KeyValue, allow func(*store.Run) error) (*store.Run, error)
	AddMetrics(ctx context.Context, runID string, points []store.MetricPoint, allow func(*store.Run) error) (int, error)
	SetRunTags(ctx context.Context, runID string, tags []store.KeyValue) (*store.Run, error)
	AddRunInputs(ctx context.Context, actor, runID string, versionIDs []string) (*store.Run, error)
	AddRunOutputs(ctx context.Context, actor, runID string, versionIDs, modelVersionIDs []string) (*store.Run, error)

	ExperimentsByIDs(ctx context.Context, ids []string) (map[string]*store.Experiment, error)
	RunsByIDs(ctx context.Context, ids []string) (map[string]*store.Run, error)
	DatasetVersionsByIDs(ctx context.Context, ids []string) (map[string]*store.DatasetVersion, error)
	DatasetsByIDs(ctx context.Context, ids []string) (map[string]*store.Dataset, error)
	ModelVersionsByIDs(ctx context.Context, ids []string) (map[string]*store.ModelVersion, error)
}

// Service carries out tracking operations for a caller: each checks the
// caller's access, applies the rules and writes through the store. It is
// safe for concurrent use.
type Service struct {
	store Store
}

// New returns a Service over st.
func New(st Store) *Service { return &Service{store: st} }

// run loads a run and checks that p holds min in its project.
func (s *Service) run(ctx context.Context, p *auth.Principal, field, id string, min auth.Role) (*store.Run, error) {
	return access.Load(ctx, p, field, id, store.KindRun, access.ByID(s.store.RunsByIDs),
		func(v *store.Run) string { return v.ProjectKey }, min)
}

// CreateExperiment creates an experiment in a project the caller
// contributes to.
func (s *Service) CreateExperiment(ctx context.Context, p *auth.Principal, in store.CreateExperimentInput) (*store.Experiment, error) {
	if err := access.Require(p, in.ProjectKey, auth.RoleContributor); err != nil {
		return nil, err
	}
	return s.store.CreateExperiment(ctx, p.Subject, in)
}

// StartRun starts a run in an experiment the caller contributes to, in
// the status StartStatus gives.
func (s *Service) StartRun(ctx context.Context, p *auth.Principal, in store.StartRunInput) (*store.Run, error) {
	exp, err := access.Load(ctx, p, "experimentId", in.ExperimentID, store.KindExperiment, access.ByID(s.store.ExperimentsByIDs),
		func(v *store.Experiment) string { return v.ProjectKey }, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return s.StartRunIn(ctx, p, exp, in)
}

// StartRunIn is StartRun in an experiment the caller has loaded and
// checked already (contributor of its project), without reading it again.
func (s *Service) StartRunIn(ctx context.Context, p *auth.Principal, exp *store.Experiment, in store.StartRunInput) (*store.Run, error) {
	if err := access.Require(p, exp.ProjectKey, auth.RoleContributor); err != nil {
		return nil, err
	}
	var err error
	if in.Status, err = StartStatus(in.Status); err != nil {
		return nil, err
	}
	in.ExperimentID = exp.ID
	return s.store.StartRun(ctx, p.Subject, in)
}

// UpdateRunStatus moves a run to status to under StatusChange, applied by
// the store to the run as it is under its lock.
func (s *Service) UpdateRunStatus(ctx context.Context, p *auth.Principal, runID string, to store.RunStatus) (*store.Run, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return s.move(ctx, p, run.ID, to)
}

// FinishRun ends a run in the status FinishStatus gives (nil: FINISHED).
func (s *Service) FinishRun(ctx context.Context, p *auth.Principal, runID string, status *store.RunStatus) (*store.Run, error) {
	return s.FinishRunAt(ctx, p, runID, status, nil)
}

// FinishRunAt is FinishRun with the time the run ended, as the client
// says (nil: now).
func (s *Service) FinishRunAt(ctx context.Context, p *auth.Principal, runID string, status *store.RunStatus, endedAt *time.Time) (*store.Run, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	to, err := FinishStatus(status)
	if err != nil {
		return nil, err
	}
	return s.moveAt(ctx, p, run.ID, to, endedAt)
}

func (s *Service) move(ctx context.Context, p *auth.Principal, runID string, to store.RunStatus) (*store.Run, error) {
	return s.moveAt(ctx, p, runID, to, nil)
}

func (s *Service) moveAt(ctx context.Context, p *auth.Principal, runID string, to store.RunStatus, endedAt *time.Time) (*store.Run, error) {
	return s.store.MoveRunAt(ctx, p.Subject, runID, to, endedAt, func(locked *store.Run) error { return StatusChange(locked, to) })
}

// LogParams logs params to a run under ParamsLogging, applied by the store
// to the run as it is under its lock: all of them or, on a conflict, none.
func (s *Service) LogParams(ctx context.Context, p *auth.Principal, runID string, params []store.KeyValue) (*store.Run, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return s.store.AddRunParams(ctx, run.ID, params, func(locked *store.Run) error { return ParamsLogging(locked, params) })
}

// LogMetrics appends points to a run's metric series and returns the run
// as it is after the write with the number of points accepted.
func (s *Service) LogMetrics(ctx context.Context, p *auth.Principal, runID string, points []store.MetricPoint) (*store.Run, int, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.store.AddMetrics(ctx, run.ID, points, func(locked *store.Run) error { return Open(locked, "metrics") })
	if err != nil {
		return nil, 0, err
	}
	runs, err := s.store.RunsByIDs(ctx, []string{run.ID})
	if err != nil {
		return nil, 0, err
	}
	after, ok := runs[run.ID]
	if !ok {
		return nil, 0, fmt.Errorf("run %s: %w", errs.Quote(run.ID), errs.NotFound)
	}
	return after, n, nil
}

// SetRunTags sets a run's tags, overwriting the values of keys it has;
// tags may be set after the run ended.
func (s *Service) SetRunTags(ctx context.Context, p *auth.Principal, runID string, tags []store.KeyValue) (*store.Run, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return s.store.SetRunTags(ctx, run.ID, tags)
}

// AddRunInputs records that a run read dataset versions the caller may
// read.
func (s *Service) AddRunInputs(ctx context.Context, p *auth.Principal, runID string, versionIDs []string) (*store.Run, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	if err := loadAll(ctx, p, "datasetVersionIds", versionIDs, store.KindDatasetVersion, s.store.DatasetVersionsByIDs,
		func(v *store.DatasetVersion) string { return v.ProjectKey }, auth.RoleViewer); err != nil {
		return nil, err
	}
	return s.store.AddRunInputs(ctx, p.Subject, run.ID, versionIDs)
}

// UseFeatureServices records that a run was trained on Feast feature
// services (datasets whose feastKind is FEATURE_SERVICE): the run
// consumes each one's latest version, as AddRunInputs records, so lineage
// runs from the raw data through the feature views and the service to
// the run and what it produced. A dataset that is not a feature service,
// or one with no version yet, is errs.Invalid naming it.
func (s *Service) UseFeatureServices(ctx context.Context, p *auth.Principal, runID string, serviceIDs []string) (*store.Run, error) {
	if len(serviceIDs) == 0 || len(serviceIDs) > MaxFeatureServices {
		return nil, errs.Invalidf("featureServiceIds: give 1 to %d, got %d", MaxFeatureServices, len(serviceIDs))
	}
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	if err := loadAll(ctx, p, "featureServiceIds", serviceIDs, store.KindDataset, s.store.DatasetsByIDs,
		func(d *store.Dataset) string { return d.ProjectKey }, auth.RoleViewer); err != nil {
		return nil, err
	}
	services, err := s.store.DatasetsByIDs(ctx, serviceIDs)
	if err != nil {
		return nil, err
	}
	versions := make([]string, 0, len(serviceIDs))
	for i, id := range serviceIDs {
		d := services[id]
		switch {
		case d == nil:
			return nil, errs.NotFound
		case d.FeastKind != store.FeastFeatureService:
			return nil, errs.Invalidf("featureServiceIds[%d]: dataset %s is not a Feast feature service", i, errs.Quote(d.Name))
		case d.LatestVersionID == "":
			return nil, errs.Invalidf("featureServiceIds[%d]: feature service %s has no version yet (feast apply, reported over OpenLineage, makes one)",
				i, errs.Quote(d.Name))
		}
		versions = append(versions, d.LatestVersionID)
	}
	return s.store.AddRunInputs(ctx, p.Subject, run.ID, versions)
}

// MaxFeatureServices bounds the feature services one call names.
const MaxFeatureServices = 20

// AddRunOutputs records that a run wrote dataset versions and produced
// model versions. Outputs are written by the run, so they must live where
// the caller may write.
func (s *Service) AddRunOutputs(ctx context.Context, p *auth.Principal, runID string, versionIDs, modelVersionIDs []string) (*store.Run, error) {
	run, err := s.run(ctx, p, "runId", runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	if err := loadAll(ctx, p, "datasetVersionIds", versionIDs, store.KindDatasetVersion, s.store.DatasetVersionsByIDs,
		func(v *store.DatasetVersion) string { return v.ProjectKey }, auth.RoleContributor); err != nil {
		return nil, err
	}
	if err := loadAll(ctx, p, "modelVersionIds", modelVersionIDs, store.KindModelVersion, s.store.ModelVersionsByIDs,
		func(v *store.ModelVersion) string { return v.ProjectKey }, auth.RoleContributor); err != nil {
		return nil, err
	}
	return s.store.AddRunOutputs(ctx, p.Subject, run.ID, versionIDs, modelVersionIDs)
}

// loadAll is access.Load for a list argument named field: every ID is
// validated before one batch read, then each is checked in order
// ("field[i]" in errors), an object of a hidden project reading as not
// found.
func loadAll[T any](ctx context.Context, p *auth.Principal, field string, ids []string, kind store.Kind,
	byIDs func(context.Context, []string) (map[string]T, error), project func(T) string, min auth.Role) error {
	if len(ids) == 0 {
		return nil
	}
	for i, id := range ids {
		if err := access.CheckID(fmt.Sprintf("%s[%d]", field, i), id, kind); err != nil {
			return err
		}
	}
	loaded, err := byIDs(ctx, ids)
	if err != nil {
		return err
	}
	get := func(_ context.Context, id string) (T, error) {
		v, ok := loaded[id]
		if !ok {
			return v, errs.NotFound
		}
		return v, nil
	}
	for i, id := range ids {
		if _, err := access.Load(ctx, p, fmt.Sprintf("%s[%d]", field, i), id, kind, get, project, min); err != nil {
			return err
		}
	}
	return nil
}
