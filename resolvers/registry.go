package resolvers

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/exphub/exphub/graph/model"
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

func (r *Resolver) setModelAlias(ctx context.Context, in model.SetModelAliasInput) (*model.SetModelAliasPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := r.registry()
	if err != nil {
		return nil, err
	}
	mv, err := readableNode[*store.ModelVersion](ctx, r, "modelVersionId", in.ModelVersionID, "model version")
	if err != nil {
		return nil, err
	}
	m, err := loadersFor(ctx, r.Store).model.Load(ctx, mv.ModelID)
	if err != nil {
		return nil, err
	}
	out := &model.SetModelAliasPayload{}
	var pending *mlflow.PromotionPending
	switch err := reg.SetAlias(ctx, p, reg.Name(m.ProjectKey, m.Name), in.Alias, strconv.FormatInt(mv.Version, 10)); {
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
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := r.registry()
	if err != nil {
		return nil, err
	}
	m, err := readableNode[*store.Model](ctx, r, "modelId", in.ModelID, "model")
	if err != nil {
		return nil, err
	}
	if err := reg.DeleteAlias(ctx, p, reg.Name(m.ProjectKey, m.Name), in.Alias); err != nil {
		return nil, err
	}
	return &model.DeleteModelAliasPayload{Model: m}, nil
}

func (r *Resolver) updateModel(ctx context.Context, in model.UpdateModelInput) (*model.UpdateModelPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := r.registry()
	if err != nil {
		return nil, err
	}
	m, err := readableNode[*store.Model](ctx, r, "modelId", in.ModelID, "model")
	if err != nil {
		return nil, err
	}
	rm, err := reg.UpdateModel(ctx, p, reg.Name(m.ProjectKey, m.Name), store.ModelUpdate{Description: in.Description, SetTag: in.SetTag, DeleteTag: in.DeleteTag})
	if err != nil {
		return nil, err
	}
	return &model.UpdateModelPayload{Model: &rm.Model}, nil
}

func (r *Resolver) updateModelVersion(ctx context.Context, in model.UpdateModelVersionInput) (*model.UpdateModelVersionPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := r.registry()
	if err != nil {
		return nil, err
	}
	mv, err := readableNode[*store.ModelVersion](ctx, r, "modelVersionId", in.ModelVersionID, "model version")
	if err != nil {
		return nil, err
	}
	m, err := loadersFor(ctx, r.Store).model.Load(ctx, mv.ModelID)
	if err != nil {
		return nil, err
	}
	v, err := reg.UpdateVersion(ctx, p, reg.Name(m.ProjectKey, m.Name), strconv.FormatInt(mv.Version, 10),
		store.VersionUpdate{Description: in.Description, SetTag: in.SetTag, DeleteTag: in.DeleteTag})
	if err != nil {
		return nil, err
	}
	return &model.UpdateModelVersionPayload{ModelVersion: &v.ModelVersion}, nil
}

func (r *Resolver) archiveModelVersion(ctx context.Context, in model.ArchiveModelVersionInput) (*model.ArchiveModelVersionPayload, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := r.registry()
	if err != nil {
		return nil, err
	}
	mv, err := readableNode[*store.ModelVersion](ctx, r, "modelVersionId", in.ModelVersionID, "model version")
	if err != nil {
		return nil, err
	}
	m, err := loadersFor(ctx, r.Store).model.Load(ctx, mv.ModelID)
	if err != nil {
		return nil, err
	}
	v, err := reg.Archive(ctx, p, reg.Name(m.ProjectKey, m.Name), strconv.FormatInt(mv.Version, 10))
	if err != nil {
		return nil, err
	}
	return &model.ArchiveModelVersionPayload{ModelVersion: &v.ModelVersion}, nil
}
