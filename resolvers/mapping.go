package resolvers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// values turns a list of input pointers into values.
func values[T any](in []*T) []T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		if v != nil {
			out = append(out, *v)
		}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func page(first *int, after *string) store.Page {
	p := store.Page{First: store.DefaultPageSize}
	if first != nil {
		p.First = *first
	}
	p.After = deref(after)
	return p
}

// connection maps a store page onto a generated Relay connection type.
func connection[T, E, C any](c store.Conn[T], edge func(string, T) E, conn func([]E, *model.PageInfo, int) C) C {
	edges := make([]E, len(c.Items))
	for i, it := range c.Items {
		edges[i] = edge(c.Cursors[i], it)
	}
	pi := &model.PageInfo{HasNextPage: c.HasNext}
	if end := c.EndCursor(); end != "" {
		pi.EndCursor = &end
	}
	return conn(edges, pi, int(c.Total))
}

func roleOf(r auth.Role) model.Role {
	switch r {
	case auth.RoleAdmin:
		return model.RoleAdmin
	case auth.RoleApprover:
		return model.RoleApprover
	case auth.RoleContributor:
		return model.RoleContributor
	case auth.RoleAuditor:
		return model.RoleAuditor
	}
	return model.RoleViewer
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var (
	forbiddenRead = access.ForbiddenRead
	checkID       = access.CheckID
	notFoundAs    = access.NotFoundAs
)

// loadedAt returns the loader error of item i of a LoadAll call.
func loadedAt(err error, i int) error {
	var es dataloadgen.ErrorSlice
	if errors.As(err, &es) {
		if i < len(es) {
			return es[i]
		}
		return nil
	}
	return err
}

// experimentFor loads an experiment the caller may read; an experiment of a
// hidden project is reported as not found.
func (r *Resolver) experimentFor(ctx context.Context, field, id string) (*store.Experiment, error) {
	return loadReadable(ctx, field, id, store.KindExperiment, loadersFor(ctx, r.Store).experiment.Load,
		func(e *store.Experiment) string { return e.ProjectKey }, auth.RoleViewer)
}

// readableVersions checks that every dataset version exists and is
// readable by the caller.
func (r *Resolver) readableVersions(ctx context.Context, field string, ids []string) error {
	return checkAll(ctx, field, ids, store.KindDatasetVersion, auth.RoleViewer, loadersFor(ctx, r.Store).datasetVersion.LoadAll,
		func(v *store.DatasetVersion) string { return v.ProjectKey })
}

// checkAll validates a list of IDs of one kind, loads them in one batch and
// checks the caller holds min in each one's project. An object of a project
// the caller may not read is reported as not found, like a missing one.
func checkAll[T any](ctx context.Context, field string, ids []string, kind store.Kind, min auth.Role,
	loadAll func(context.Context, []string) ([]T, error), project func(T) string) error {
	for i, id := range ids {
		if err := checkID(fmt.Sprintf("%s[%d]", field, i), id, kind); err != nil {
			return err
		}
	}
	vs, err := loadAll(ctx, ids)
	for i, id := range ids {
		if err := loadedAt(err, i); err != nil {
			return notFoundAs(fmt.Sprintf("%s[%d]", field, i), id, err)
		}
		if !canRead(ctx, project(vs[i])) {
			return fmt.Errorf("%s[%d] %s: %w", field, i, errs.Quote(id), errs.NotFound)
		}
		if _, err := require(ctx, project(vs[i]), min); err != nil {
			return err
		}
	}
	return nil
}

// node resolves any global ID; objects of hidden projects are not found.
func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	kind, ok := store.KindOf(id)
	if !ok {
		return nil, fmt.Errorf("%w: id: %s is not a valid ID", errs.Invalid, errs.Quote(id))
	}
	l := loadersFor(ctx, r.Store)
	var (
		n       model.Node
		project string
		err     error
	)
	switch kind {
	case store.KindProject:
		n, project, err = loadNode(ctx, l.project.Load, id, func(v *store.Project) string { return v.Key })
	case store.KindExperiment:
		n, project, err = loadNode(ctx, l.experiment.Load, id, func(v *store.Experiment) string { return v.ProjectKey })
	case store.KindRun:
		n, project, err = loadNode(ctx, l.run.Load, id, func(v *store.Run) string { return v.ProjectKey })
	case store.KindDataset:
		n, project, err = loadNode(ctx, l.dataset.Load, id, func(v *store.Dataset) string { return v.ProjectKey })
	case store.KindDatasetVersion:
		n, project, err = loadNode(ctx, l.datasetVersion.Load, id, func(v *store.DatasetVersion) string { return v.ProjectKey })
	case store.KindModel:
		n, project, err = loadNode(ctx, l.model.Load, id, func(v *store.Model) string { return v.ProjectKey })
	case store.KindModelVersion:
		n, project, err = loadNode(ctx, l.modelVersion.Load, id, func(v *store.ModelVersion) string { return v.ProjectKey })
	case store.KindValidationSuite:
		n, project, err = loadNode(ctx, l.validationSuite.Load, id, func(v *store.ValidationSuite) string { return v.ProjectKey })
	case store.KindValidationRun:
		n, project, err = loadNode(ctx, l.validationRun.Load, id, func(v *store.ValidationRun) string { return v.ProjectKey })
	case store.KindPromotionRequest:
		n, project, err = loadNode(ctx, l.promotion.Load, id, func(v *store.PromotionRequest) string { return v.ProjectKey })
	case store.KindPolicy:
		n, project, err = loadNode(ctx, l.policy.Load, id, func(v *store.Policy) string { return v.ProjectKey })
	case store.KindBiasCheck:
		n, project, err = loadNode(ctx, l.biasCheck.Load, id, func(v *governance.BiasCheck) string { return v.ProjectKey })
	case store.KindReproduction:
		n, project, err = loadNode(ctx, l.reproduction.Load, id, func(v *store.Reproduction) string { return v.ProjectKey })
	case store.KindJob:
		n, project, err = loadNode(ctx, l.job.Load, id, func(v *store.Job) string { return v.ProjectKey })
	case store.KindSignOff:
		n, project, err = loadNode(ctx, l.signOff.Load, id, func(v *store.SignOff) string { return v.ProjectKey })
	default:
		return nil, errs.NotFound
	}
	if err != nil {
		return nil, err
	}
	if !canRead(ctx, project) {
		return nil, errs.NotFound
	}
	return n, nil
}

func loadNode[T any](ctx context.Context, load func(context.Context, string) (T, error), id string, project func(T) string) (model.Node, string, error) {
	v, err := load(ctx, id)
	if err != nil {
		return nil, "", err
	}
	return v, project(v), nil
}

// runs lists an experiment's runs through the batching loader.
func (r *Resolver) runs(ctx context.Context, exp *store.Experiment, filter *model.RunFilter, orderBy *model.RunOrder, first *int, after *string) (*model.RunConnection, error) {
	if !canRead(ctx, exp.ProjectKey) {
		return nil, forbiddenRead(exp.ProjectKey)
	}
	key := runListKey{RunListKey: runListOf(exp.ID, filter, orderBy, first, after), prefetch: runFieldsSelected(ctx)}
	c, err := loadersFor(ctx, r.Store).runList.Load(ctx, key)
	if err != nil {
		return nil, err
	}
	return connection(c, func(cur string, n *store.Run) *model.RunEdge { return &model.RunEdge{Cursor: cur, Node: n} },
		func(e []*model.RunEdge, pi *model.PageInfo, t int) *model.RunConnection {
			return &model.RunConnection{Edges: e, PageInfo: pi, TotalCount: t}
		}), nil
}

// runListOf is the store's key for an experiment's runs field.
func runListOf(expID string, filter *model.RunFilter, orderBy *model.RunOrder, first *int, after *string) store.RunListKey {
	f := store.RunFilter{}
	if filter != nil {
		f.NameContains = deref(filter.NameContains)
		for _, s := range filter.Status {
			f.Statuses = append(f.Statuses, store.RunStatus(s))
		}
		if filter.Param != nil {
			f.Param = filter.Param
		}
	}
	o := store.RunOrder{Field: store.RunOrderStartedAt, Desc: true}
	if orderBy != nil {
		o = store.RunOrder{Field: store.RunOrderField(orderBy.Field), Desc: orderBy.Direction == model.SortDirectionDesc}
	}
	return store.NewRunListKey(expID, f, o, page(first, after))
}

func (r *Resolver) neighbourRuns(ctx context.Context, n store.Neighbourhood, id string) ([]*store.Run, error) {
	runs, err := loadersFor(ctx, r.Store).runs[n].Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return nonNil(visible(ctx, runs, func(v *store.Run) string { return v.ProjectKey })), nil
}

func (r *Resolver) neighbourVersions(ctx context.Context, n store.Neighbourhood, id string) ([]*store.DatasetVersion, error) {
	vs, err := loadersFor(ctx, r.Store).versions[n].Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return nonNil(visible(ctx, vs, func(v *store.DatasetVersion) string { return v.ProjectKey })), nil
}

func lineageGraph(g *lineage.Graph) *model.LineageGraph {
	// One allocation for all nodes, one for all edges, one for the
	// project keys: a graph can hold 5,000 nodes.
	nodes, edges, keys := make([]model.LineageNode, len(g.Nodes)), make([]model.LineageEdge, len(g.Edges)), make([]string, len(g.Nodes))
	out := &model.LineageGraph{Root: g.Root, Truncated: g.Truncated(), Nodes: make([]*model.LineageNode, len(g.Nodes)),
		Edges: make([]*model.LineageEdge, len(g.Edges)), TruncatedBy: truncationReasons(g.TruncatedBy)}
	for i, n := range g.Nodes {
		nodes[i] = model.LineageNode{ID: n.ID, Kind: model.NodeKind(n.Kind), Name: n.Name, Distance: n.Distance, HasMore: n.HasMore}
		if n.Kind != store.KindRedacted {
			keys[i] = n.ProjectKey
			nodes[i].ProjectKey = &keys[i]
		}
		out.Nodes[i] = &nodes[i]
	}
	for i, e := range g.Edges {
		edges[i] = model.LineageEdge{From: e.From, To: e.To, Kind: e.Kind, Hops: e.Hops}
		out.Edges[i] = &edges[i]
	}
	return out
}

func impactReport(g *lineage.Report) *model.ImpactReport {
	rep := &model.ImpactReport{Root: g.Root, Runs: impactedNodes(g.Runs), DatasetVersions: impactedNodes(g.DatasetVersions),
		ModelVersions: make([]*model.ImpactedModelVersion, 0, len(g.ModelVersions)), OpenPromotionRequests: []string{},
		Owners: g.Owners, TotalAffected: g.TotalAffected, HiddenAffected: g.HiddenAffected, Truncated: len(g.TruncatedBy) > 0,
		TruncatedBy: truncationReasons(g.TruncatedBy)}
	for _, n := range g.ModelVersions {
		rep.ModelVersions = append(rep.ModelVersions, &model.ImpactedModelVersion{ID: n.ID, Name: n.Name, ProjectKey: n.ProjectKey,
			Distance: n.Distance, Owner: n.Owner, Stage: n.Stage, InProduction: n.Stage == store.StageProduction})
	}
	return rep
}

func impactedNodes(ns []lineage.Node) []*model.ImpactedNode {
	out, all := make([]*model.ImpactedNode, len(ns)), make([]model.ImpactedNode, len(ns))
	for i, n := range ns {
		all[i] = model.ImpactedNode{ID: n.ID, Kind: model.NodeKind(n.Kind), Name: n.Name, ProjectKey: n.ProjectKey, Distance: n.Distance, Owner: n.Owner}
		out[i] = &all[i]
	}
	return out
}

func truncationReasons(rs []string) []model.TruncationReason {
	out := make([]model.TruncationReason, len(rs))
	for i, r := range rs {
		out[i] = model.TruncationReason(r)
	}
	return out
}

// MaxNodesPerQuery bounds Query.nodes.
const MaxNodesPerQuery = 100

// nodes fetches ids concurrently, so the dataloaders batch them into one
// statement per kind; missing and unreadable ids are nil.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	out := make([]model.Node, len(ids))
	failed := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			n, err := r.node(ctx, id)
			if errors.Is(err, errs.NotFound) {
				err = nil
			}
			out[i], failed[i] = n, err
		})
	}
	wg.Wait()
	for _, err := range failed {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func nameFilter(contains *string) store.NameFilter {
	if contains == nil {
		return store.NameFilter{}
	}
	return store.NameFilter{NameContains: *contains}
}

func datasetFilter(f *model.DatasetFilter) store.NameFilter {
	if f == nil {
		return store.NameFilter{}
	}
	return nameFilter(f.NameContains)
}

func modelFilter(f *model.ModelFilter) store.NameFilter {
	if f == nil {
		return store.NameFilter{}
	}
	return nameFilter(f.NameContains)
}

func projectFilter(f *model.ProjectFilter) store.NameFilter {
	if f == nil {
		return store.NameFilter{}
	}
	return nameFilter(f.NameContains)
}
