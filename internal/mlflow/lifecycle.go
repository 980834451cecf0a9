package mlflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// MLflow's lifecycle stages. Deleting an experiment or a run is soft: it
// stays readable (get answers it with lifecycle_stage "deleted"), searches
// leave it out unless asked for deleted ones, it takes no more writes, and
// it can be restored. The server behaves as MLflow's (3.17) does, checked
// against a real one, with two deliberate differences written where they
// are made: deleting a deleted experiment and restoring an active one are
// no-ops (MLflow answers 404, which a retried request would hit), and
// restoring an experiment restores the runs its deletion deleted, not the
// ones deleted on their own before (MLflow restores every run).
const (
	StageActive  = "active"
	StageDeleted = "deleted"
)

// LifecycleStage is MLflow's lifecycle_stage of something deleted at deletedAt
// (nil: active).
func LifecycleStage(deletedAt *time.Time) string {
	if deletedAt != nil {
		return StageDeleted
	}
	return StageActive
}

// ViewType reads MLflow's ViewType, by name or by its protobuf number, as
// the lifecycle it selects: "" and ACTIVE_ONLY (1) the active ones,
// DELETED_ONLY (2) the deleted ones, ALL (3) both. field names the
// request's field in the error.
func ViewType(field, v string) (store.Lifecycle, error) {
	switch strings.ToUpper(v) {
	case "", "ACTIVE_ONLY", "1":
		return store.LifecycleActive, nil
	case "DELETED_ONLY", "2":
		return store.LifecycleDeleted, nil
	case "ALL", "3":
		return store.LifecycleAll, nil
	}
	return "", errs.Invalidf("%s: %s is not ACTIVE_ONLY, DELETED_ONLY or ALL", field, errs.Quote(v))
}

// RunActive is the rule that only an active run takes writes (params,
// metrics, tags, inputs, outputs, status), with MLflow's message. id is
// the run's id as the caller named it.
func RunActive(r *store.Run, id string) error {
	if r.DeletedAt != nil {
		return errs.Conflictf("The run %s must be in the 'active' state. Current state is deleted.", id)
	}
	return nil
}

// ExperimentActive is the rule that only an active experiment takes
// writes (runs, a new name, tags), with MLflow's message. id is the
// experiment's id as the caller named it.
func ExperimentActive(e *store.Experiment, id string) error {
	if e.DeletedAt != nil {
		return errs.Conflictf("The experiment %s must be in the 'active' state. Current state is deleted.", id)
	}
	return nil
}

// writableRun loads a run the caller contributes to and that takes
// writes (RunActive).
func (s *Service) writableRun(ctx context.Context, p *auth.Principal, runID string) (*store.Run, error) {
	r, err := s.run(ctx, p, runID, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return r, RunActive(r, runID)
}

// writableExperiment loads an experiment the caller contributes to and
// that takes writes (ExperimentActive).
func (s *Service) writableExperiment(ctx context.Context, p *auth.Principal, id string) (*store.Experiment, error) {
	e, err := s.Experiment(ctx, p, id, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return e, ExperimentActive(e, id)
}

// DeleteRun deletes a run the caller contributes to (MLflow's runs/delete).
// Deleting a deleted run is a no-op, as in MLflow, so a retry succeeds and
// logs nothing more.
func (s *Service) DeleteRun(ctx context.Context, p *auth.Principal, runID string) error {
	return s.setRunDeleted(ctx, p, runID, true)
}

// RestoreRun restores a deleted run the caller contributes to (MLflow's
// runs/restore), also when its experiment is deleted, as MLflow does.
// Restoring an active run is a no-op.
func (s *Service) RestoreRun(ctx context.Context, p *auth.Principal, runID string) error {
	return s.setRunDeleted(ctx, p, runID, false)
}

func (s *Service) setRunDeleted(ctx context.Context, p *auth.Principal, runID string, deleted bool) error {
	if runID == "" {
		return errs.Invalidf("run_id: required")
	}
	r, err := s.run(ctx, p, runID, auth.RoleContributor)
	if err != nil {
		return err
	}
	_, err = s.store.SetRunDeleted(ctx, p.Subject, r.ID, deleted)
	return s.runNotFound(runID, err)
}

// DeleteExperiment deletes an experiment the caller contributes to and
// its active runs (MLflow's experiments/delete); the experiment's name
// stays taken until it is restored. Deleting a deleted experiment is a
// no-op (MLflow answers RESOURCE_DOES_NOT_EXIST, which would fail a
// client's retry of a delete whose answer was lost).
func (s *Service) DeleteExperiment(ctx context.Context, p *auth.Principal, id string) error {
	return s.setExperimentDeleted(ctx, p, id, true)
}

// RestoreExperiment restores a deleted experiment the caller contributes
// to with the runs its deletion deleted (MLflow's experiments/restore).
// Restoring an active experiment is a no-op.
func (s *Service) RestoreExperiment(ctx context.Context, p *auth.Principal, id string) error {
	return s.setExperimentDeleted(ctx, p, id, false)
}

func (s *Service) setExperimentDeleted(ctx context.Context, p *auth.Principal, id string, deleted bool) error {
	if id == "" {
		return errs.Invalidf("experiment_id: required")
	}
	// Read as a viewer first: experiment "0" must be found, not created.
	e, err := s.Experiment(ctx, p, id, auth.RoleViewer)
	if err != nil {
		return err
	}
	if err := access.Require(p, e.ProjectKey, auth.RoleContributor); err != nil {
		return err
	}
	_, _, err = s.store.SetExperimentDeleted(ctx, p.Subject, e.ID, deleted)
	if errors.Is(err, errs.NotFound) {
		return fmt.Errorf("no experiment with id=%s: %w", errs.Quote(id), errs.NotFound)
	}
	return err
}

func (s *Service) runNotFound(runID string, err error) error {
	if errors.Is(err, errs.NotFound) {
		return fmt.Errorf("run with id=%s not found: %w", errs.Quote(runID), errs.NotFound)
	}
	return err
}
