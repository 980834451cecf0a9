package resolvers

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

// registry is the model registry, or UNAVAILABLE.
func (r *Resolver) registry() (*mlflow.Registry, error) {
	if r.Registry == nil {
		return nil, errs.Unavailablef("the model registry is not configured")
	}
	return r.Registry, nil
}

// readableNode loads a node the caller may read as T; another kind is
// BAD_USER_INPUT naming field, one the caller may not read NOT_FOUND.
func readableNode[T any](ctx context.Context, r *Resolver, field, id, kind string) (T, error) {
	var zero T
	n, err := r.node(ctx, id)
	if err != nil {
		return zero, err
	}
	v, ok := n.(T)
	if !ok {
		return zero, errs.Invalidf("%s: %s is not a %s", field, errs.Quote(id), kind)
	}
	return v, nil
}

// registryTarget is what a registry mutation starts from: the caller,
// the registry, and the registry's name of a model the caller may read.
type registryTarget struct {
	p    *auth.Principal
	reg  *mlflow.Registry
	name string
}

// modelTarget checks the caller and loads the model id names.
func (r *Resolver) modelTarget(ctx context.Context, id string) (registryTarget, *store.Model, error) {
	p, err := principal(ctx)
	if err != nil {
		return registryTarget{}, nil, err
	}
	reg, err := r.registry()
	if err != nil {
		return registryTarget{}, nil, err
	}
	m, err := readableNode[*store.Model](ctx, r, "modelId", id, "model")
	if err != nil {
		return registryTarget{}, nil, err
	}
	return registryTarget{p, reg, reg.Name(m.ProjectKey, m.Name)}, m, nil
}

// versionTarget checks the caller and loads the model version id names,
// with its number as the registry writes it.
func (r *Resolver) versionTarget(ctx context.Context, id string) (registryTarget, *store.ModelVersion, string, error) {
	p, err := principal(ctx)
	if err != nil {
		return registryTarget{}, nil, "", err
	}
	reg, err := r.registry()
	if err != nil {
		return registryTarget{}, nil, "", err
	}
	mv, err := readableNode[*store.ModelVersion](ctx, r, "modelVersionId", id, "model version")
	if err != nil {
		return registryTarget{}, nil, "", err
	}
	m, err := loadersFor(ctx, r.Store).model.Load(ctx, mv.ModelID)
	if err != nil {
		return registryTarget{}, nil, "", err
	}
	return registryTarget{p, reg, reg.Name(m.ProjectKey, m.Name)}, mv, strconv.FormatInt(mv.Version, 10), nil
}

func (r *Resolver) setModelAlias(ctx context.Context, in model.SetModelAliasInput) (*model.SetModelAliasPayload, error) {
	t, mv, version, err := r.versionTarget(ctx, in.ModelVersionID)
	if err != nil {
		return nil, err
	}
	out := &model.SetModelAliasPayload{}
	var pending *mlflow.PromotionPending
	switch err := t.reg.SetAlias(ctx, t.p, t.name, in.Alias, version); {
	case errors.As(err, &pending):
		out.PromotionRequest = pending.Request
	case err != nil:
		return nil, err
	}
	// The version as it is now, not as this request first read it.
	vs, err := r.Store.ModelVersionsByIDs(ctx, []string{mv.ID})
	if err != nil {
		return nil, err
	}
	if out.ModelVersion = vs[mv.ID]; out.ModelVersion == nil {
		return nil, fmt.Errorf("modelVersionId %s: %w", errs.Quote(mv.ID), errs.NotFound)
	}
	return out, nil
}

func (r *Resolver) deleteModelAlias(ctx context.Context, in model.DeleteModelAliasInput) (*model.DeleteModelAliasPayload, error) {
	t, m, err := r.modelTarget(ctx, in.ModelID)
	if err != nil {
		return nil, err
	}
	if err := t.reg.DeleteAlias(ctx, t.p, t.name, in.Alias); err != nil {
		return nil, err
	}
	return &model.DeleteModelAliasPayload{Model: m}, nil
}

func (r *Resolver) updateModel(ctx context.Context, in model.UpdateModelInput) (*model.UpdateModelPayload, error) {
	t, _, err := r.modelTarget(ctx, in.ModelID)
	if err != nil {
		return nil, err
	}
	rm, err := t.reg.UpdateModel(ctx, t.p, t.name, store.ModelUpdate{Description: in.Description, SetTag: in.SetTag, DeleteTag: in.DeleteTag})
	if err != nil {
		return nil, err
	}
	return &model.UpdateModelPayload{Model: &rm.Model}, nil
}

func (r *Resolver) updateModelVersion(ctx context.Context, in model.UpdateModelVersionInput) (*model.UpdateModelVersionPayload, error) {
	t, _, version, err := r.versionTarget(ctx, in.ModelVersionID)
	if err != nil {
		return nil, err
	}
	v, err := t.reg.UpdateVersion(ctx, t.p, t.name, version, store.VersionUpdate{Description: in.Description, SetTag: in.SetTag, DeleteTag: in.DeleteTag})
	if err != nil {
		return nil, err
	}
	return &model.UpdateModelVersionPayload{ModelVersion: &v.ModelVersion}, nil
}

func (r *Resolver) archiveModelVersion(ctx context.Context, in model.ArchiveModelVersionInput) (*model.ArchiveModelVersionPayload, error) {
	t, _, version, err := r.versionTarget(ctx, in.ModelVersionID)
	if err != nil {
		return nil, err
	}
	v, err := t.reg.Archive(ctx, t.p, t.name, version)
	if err != nil {
		return nil, err
	}
	return &model.ArchiveModelVersionPayload{ModelVersion: &v.ModelVersion}, nil
}
