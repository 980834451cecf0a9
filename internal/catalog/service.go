package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Store is what catalog reads and writes; *store.Store provides it.
type Store interface {
	CreateProject(ctx context.Context, actor string, in store.CreateProjectInput) (*store.Project, error)
	RegisterDataset(ctx context.Context, actor string, in store.RegisterDatasetInput) (*store.Dataset, error)
	AddDatasetVersion(ctx context.Context, actor string, in store.RegisterDatasetVersionInput,
		again func(registered *store.DatasetVersion, derivedFrom []string, in store.RegisterDatasetVersionInput) error) (*store.DatasetVersion, bool, error)
	RegisterModelVersion(ctx context.Context, actor string, in store.RegisterModelVersionInput) (*store.ModelVersion, error)

	DatasetsByIDs(ctx context.Context, ids []string) (map[string]*store.Dataset, error)
	DatasetVersionsByIDs(ctx context.Context, ids []string) (map[string]*store.DatasetVersion, error)
	RunsByIDs(ctx context.Context, ids []string) (map[string]*store.Run, error)
	QualityFigures(ctx context.Context, projectKey string, since time.Time) (*store.QualityFigures, error)
}

// Service carries out catalog operations for a caller: each checks the
// caller's access, applies the rules and writes through the store. It is
// safe for concurrent use.
type Service struct {
	store Store
}

// New returns a Service over st.
func New(st Store) *Service { return &Service{store: st} }

// CreateProject creates a project; the caller must be an admin of its key
// (a role for all projects covers keys not yet used).
func (s *Service) CreateProject(ctx context.Context, p *auth.Principal, in store.CreateProjectInput) (*store.Project, error) {
	if err := access.Require(p, in.Key, auth.RoleAdmin); err != nil {
		return nil, err
	}
	return s.store.CreateProject(ctx, p.Subject, in)
}

// RegisterDataset registers a dataset in a project the caller contributes
// to.
func (s *Service) RegisterDataset(ctx context.Context, p *auth.Principal, in store.RegisterDatasetInput) (*store.Dataset, error) {
	if err := access.Require(p, in.ProjectKey, auth.RoleContributor); err != nil {
		return nil, err
	}
	return s.store.RegisterDataset(ctx, p.Subject, in)
}

// RegisterDatasetVersion registers a version of a dataset the caller
// contributes to, derived from versions it may read. Registering a label
// again is the same registration or refused, by SameVersion applied under
// the dataset's lock; created reports whether the version is new.
func (s *Service) RegisterDatasetVersion(ctx context.Context, p *auth.Principal, in store.RegisterDatasetVersionInput) (v *store.DatasetVersion, created bool, err error) {
	d, err := access.Load(ctx, p, "datasetId", in.DatasetID, store.KindDataset, access.ByID(s.store.DatasetsByIDs),
		func(v *store.Dataset) string { return v.ProjectKey }, auth.RoleContributor)
	if err != nil {
		return nil, false, err
	}
	if err := readableVersions(ctx, p, "derivedFrom", in.DerivedFrom, s.store.DatasetVersionsByIDs); err != nil {
		return nil, false, err
	}
	in.DatasetID = d.ID
	return s.store.AddDatasetVersion(ctx, p.Subject, in, SameVersion)
}

// ModelVersionInput asks for the next version of a model, created on first
// use; RunID, when set, names the run that produced it.
type ModelVersionInput struct {
	ProjectKey, ModelName, URI string
	RunID                      *string
}

// RegisterModelVersion registers the next version of a model in a project
// the caller contributes to. Linking the run writes a lineage edge from
// it, so the caller must contribute to the run's project too.
func (s *Service) RegisterModelVersion(ctx context.Context, p *auth.Principal, in ModelVersionInput) (*store.ModelVersion, error) {
	if err := access.Require(p, in.ProjectKey, auth.RoleContributor); err != nil {
		return nil, err
	}
	rec := store.RegisterModelVersionInput{ProjectKey: in.ProjectKey, ModelName: in.ModelName, URI: in.URI}
	if in.RunID != nil {
		run, err := access.Load(ctx, p, "runId", *in.RunID, store.KindRun, access.ByID(s.store.RunsByIDs),
			func(v *store.Run) string { return v.ProjectKey }, auth.RoleContributor)
		if err != nil {
			return nil, err
		}
		rec.RunID = run.ID
	}
	return s.store.RegisterModelVersion(ctx, p.Subject, rec)
}

// readableVersions checks that p may read every dataset version in ids
// (field names the list in errors, as "field[i]"): every ID is validated
// before one batch read, and a version of a hidden project reads as not
// found.
func readableVersions(ctx context.Context, p *auth.Principal, field string, ids []string,
	byIDs func(context.Context, []string) (map[string]*store.DatasetVersion, error)) error {
	if len(ids) == 0 {
		return nil
	}
	for i, id := range ids {
		if err := access.CheckID(fmt.Sprintf("%s[%d]", field, i), id, store.KindDatasetVersion); err != nil {
			return err
		}
	}
	loaded, err := byIDs(ctx, ids)
	if err != nil {
		return err
	}
	get := func(_ context.Context, id string) (*store.DatasetVersion, error) {
		v, ok := loaded[id]
		if !ok {
			return nil, errs.NotFound
		}
		return v, nil
	}
	for i, id := range ids {
		if _, err := access.Load(ctx, p, fmt.Sprintf("%s[%d]", field, i), id, store.KindDatasetVersion, get,
			func(v *store.DatasetVersion) string { return v.ProjectKey }, auth.RoleViewer); err != nil {
			return err
		}
	}
	return nil
}

// DefaultQualityDays is the pass rate's period when the caller names none.
const DefaultQualityDays = 30

// QualityFigures are a project's data-quality figures over its last days
// days (1 to store.MaxQualityDays), for a caller who reads the project.
func (s *Service) QualityFigures(ctx context.Context, p *auth.Principal, projectKey string, days int, now time.Time) (*store.QualityFigures, error) {
	if days < 1 || days > store.MaxQualityDays {
		return nil, errs.Invalidf("days: must be 1 to %d, got %d", store.MaxQualityDays, days)
	}
	if err := access.Require(p, projectKey, auth.RoleViewer); err != nil {
		return nil, err
	}
	since := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-days)
	return s.store.QualityFigures(ctx, projectKey, since)
}
