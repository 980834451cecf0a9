package resolvers

import (
	"context"
	"errors"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Pipeline jobs and what OpenLineage events said of jobs, runs, datasets
// and versions: one loader call per field, objects of projects the caller
// may not read left out (a single object: null).

// facets decodes the facets a node keeps.
func facets(text string) ([]*store.Facet, error) { return store.FacetList(text) }

// neighbourJobs returns the jobs related to id by n that the caller may
// read.
func (r *Resolver) neighbourJobs(ctx context.Context, n store.Neighbourhood, id string) ([]*store.Job, error) {
	js, err := loadersFor(ctx, r.Store).jobs[n].Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return nonNil(visible(ctx, js, func(j *store.Job) string { return j.ProjectKey })), nil
}

// neighbourDatasets returns the datasets related to id by n that the
// caller may read.
func (r *Resolver) neighbourDatasets(ctx context.Context, n store.Neighbourhood, id string) ([]*store.Dataset, error) {
	ds, err := loadersFor(ctx, r.Store).datasets[n].Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return nonNil(visible(ctx, ds, func(d *store.Dataset) string { return d.ProjectKey })), nil
}

// firstOf returns the first item of a list, or nil.
func firstOf[T any](items []*T) *T {
	if len(items) == 0 {
		return nil
	}
	return items[0]
}

// jobRuns lists a job's runs.
func (r *Resolver) jobRuns(ctx context.Context, job *store.Job, first *int, after *string) (*model.RunConnection, error) {
	if !canRead(ctx, job.ProjectKey) {
		return nil, forbiddenRead(job.ProjectKey)
	}
	c, err := r.Store.JobRuns(ctx, job.ID, page(first, after))
	if err != nil {
		return nil, err
	}
	return connection(c, func(cur string, n *store.Run) *model.RunEdge { return &model.RunEdge{Cursor: cur, Node: n} },
		func(e []*model.RunEdge, pi *model.PageInfo, t int) *model.RunConnection {
			return &model.RunConnection{Edges: e, PageInfo: pi, TotalCount: t}
		}), nil
}

// readableJob loads a job by ID; nil when there is none or the caller may
// not read it.
func (r *Resolver) readableJob(ctx context.Context, id string) (*store.Job, error) {
	if id == "" {
		return nil, nil
	}
	j, err := loadersFor(ctx, r.Store).job.Load(ctx, id)
	if errors.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !canRead(ctx, j.ProjectKey) {
		return nil, nil
	}
	return j, nil
}

// jobConnection maps a page of jobs.
func jobConnection(c store.Conn[*store.Job]) *model.JobConnection {
	return connection(c, func(cur string, n *store.Job) *model.JobEdge { return &model.JobEdge{Cursor: cur, Node: n} },
		func(e []*model.JobEdge, pi *model.PageInfo, t int) *model.JobConnection {
			return &model.JobConnection{Edges: e, PageInfo: pi, TotalCount: t}
		})
}
