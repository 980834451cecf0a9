package resolvers

import (
	"context"
	"errors"
	"time"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

func (r *Resolver) lineageAround(ctx context.Context, id string, direction *model.LineageDirection, depth, maxNodes *int, kinds []model.NodeKind, asOf *time.Time) (*model.LineageGraph, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	req := lineage.Request{Root: id, Depth: depth, MaxNodes: maxNodes, AsOf: asOf}
	if direction != nil {
		req.Direction = store.Direction(*direction)
	}
	for _, k := range kinds {
		req.Kinds = append(req.Kinds, store.Kind(k))
	}
	g, err := r.Lineage.Lineage(ctx, p, req)
	if err != nil {
		return nil, err
	}
	out := lineageGraph(g)
	if err := r.withHealth(ctx, p, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *Resolver) impact(ctx context.Context, id string, depth *int, asOf *time.Time) (*model.ImpactReport, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := r.Lineage.Impact(ctx, p, lineage.ImpactRequest{Root: id, Depth: depth, AsOf: asOf})
	if err != nil {
		return nil, err
	}
	out := impactReport(rep)
	out.AtRisk = []string{}
	if selects(ctx, "atRisk") {
		if out.AtRisk, err = r.Lineage.AtRisk(ctx, p, rep); err != nil {
			return nil, err
		}
	}
	if out.OpenPromotionRequests, err = r.openPromotionRequests(ctx, out.ModelVersions); err != nil {
		return nil, err
	}
	out.Jobs = []*store.Job{}
	if selects(ctx, "jobs") {
		if out.Jobs, err = r.Lineage.ImpactJobs(ctx, p, rep); err != nil {
			return nil, err
		}
	}
	out.FeatureViews = []*lineage.FeatureView{}
	if selects(ctx, "featureViews") {
		if out.FeatureViews, err = r.Lineage.ImpactFeatureViews(ctx, p, rep); err != nil {
			return nil, err
		}
		out.FeatureViews = nonNil(out.FeatureViews)
	}
	return out, nil
}

func (r *Resolver) columnLineage(ctx context.Context, versionID, column string, direction *model.LineageDirection, depth, maxNodes *int) (*lineage.ColumnGraph, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	req := lineage.ColumnRequest{VersionID: versionID, Column: column, Depth: depth, MaxNodes: maxNodes}
	if direction != nil {
		req.Direction = store.Direction(*direction)
	}
	return r.Lineage.ColumnLineage(ctx, p, req)
}

// lineagePath is null, not an error, when the nodes are not connected.
func (r *Resolver) lineagePath(ctx context.Context, from, to string, asOf *time.Time) (*model.LineageGraph, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	g, err := r.Lineage.Path(ctx, p, lineage.PathRequest{From: from, To: to, AsOf: asOf})
	if errors.Is(err, store.ErrNoPath) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := lineageGraph(g)
	if err := r.withHealth(ctx, p, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *Resolver) qualityIssuesUpstream(ctx context.Context, id string) ([]*model.QualityIssue, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	issues, err := r.Lineage.QualityIssuesUpstream(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return r.qualityIssues(ctx, issues)
}

// withHealth fills in the health of every node of a lineage graph, in one
// batch, when the operation selects it.
func (r *Resolver) withHealth(ctx context.Context, p *auth.Principal, g *model.LineageGraph) error {
	if !selects(ctx, "nodes", "health") {
		return nil
	}
	ids := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[i] = n.ID
	}
	h, err := r.Lineage.Health(ctx, p, ids)
	if err != nil {
		return err
	}
	for _, n := range g.Nodes {
		n.Health = model.Health(h[n.ID])
		if n.Health == "" {
			n.Health = model.HealthUnknown
		}
	}
	return nil
}

// modelsAtRisk are the dashboard's model versions whose health is AT_RISK
// for the caller, newest first, at most 20.
func (r *Resolver) modelsAtRisk(ctx context.Context, q *store.QualityFigures) ([]*store.ModelVersion, error) {
	ids, err := r.atRisk(ctx, q.Models, store.MaxModelsAtRisk)
	if err != nil {
		return nil, err
	}
	return loadersFor(ctx, r.Store).modelVersion.LoadAll(ctx, ids)
}

// datasetsAtRisk are the dashboard's dataset versions that do not fail
// themselves and whose health is AT_RISK for the caller, newest first, at
// most 20.
func (r *Resolver) datasetsAtRisk(ctx context.Context, q *store.QualityFigures) ([]*store.DatasetVersion, error) {
	ids, err := r.atRisk(ctx, q.NotFailing, store.MaxDatasetsAtRisk)
	if err != nil {
		return nil, err
	}
	return loadersFor(ctx, r.Store).datasetVersion.LoadAll(ctx, ids)
}

// atRisk keeps the first max of ids whose health is AT_RISK for the
// caller, in their order.
func (r *Resolver) atRisk(ctx context.Context, ids []string, max int) ([]string, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	h, err := r.Lineage.Health(ctx, p, ids)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, id := range ids {
		if h[id] == lineage.HealthAtRisk && len(out) < max {
			out = append(out, id)
		}
	}
	return out, nil
}
