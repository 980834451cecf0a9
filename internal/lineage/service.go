package lineage

import (
	"context"
	"fmt"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Store is what lineage reads; *store.Store provides it.
type Store interface {
	LineageWalk(ctx context.Context, req store.WalkRequest) (*store.LineageWalk, error)
	LineagePath(ctx context.Context, req store.PathRequest) (*store.LineagePath, error)
	UpstreamQuality(ctx context.Context, req store.UpstreamRequest) (*store.UpstreamQuality, error)
	FailingRuns(ctx context.Context, datasetVersionIDs []string) (map[string][]*store.ValidationRun, error)
	ColumnLineageWalk(ctx context.Context, req store.ColumnWalkRequest) (*store.ColumnWalk, error)
	// NeighbourJobs is asked for store.RunJob: the jobs of walked runs.
	NeighbourJobs(ctx context.Context, n store.Neighbourhood, ids []string) ([][]*store.Job, error)
	// Feast's feature views (featureviews.go).
	FeatureViews(ctx context.Context, projectKey string, ids []string) ([]*store.FeatureViewRow, error)
	FeatureViewsPage(ctx context.Context, projectKey string, page store.Page) (store.Conn[*store.FeatureViewRow], error)
	FeatureViewsReading(ctx context.Context, ids []string) ([]*store.FeatureViewRow, error)
	FeatureViewsAffected(ctx context.Context, versionIDs []string) ([]*store.FeatureViewRow, error)
	DatasetsByIdentity(ctx context.Context, projectKey string, idents []store.DatasetIdentity) (map[store.DatasetIdentity]*store.Dataset, error)
	FeastDatasets(ctx context.Context, projectKey string, kind store.FeastKind) ([]*store.Dataset, error)
}

// Service answers lineage questions for a caller: each checks the
// request, limits it to the projects the caller may read and shapes what
// the store read. It is safe for concurrent use.
type Service struct {
	store Store
}

// New returns a Service over st.
func New(st Store) *Service { return &Service{store: st} }

// Lineage walks lineage edges from req.Root as p sees it: each node
// appears once, at its shortest distance; nodes of projects p may not read
// are not returned and not walked through (see Assemble for the
// placeholders that stand for them). Only when req.Kinds names JOB does
// the graph hold jobs: the job of each walked run, one hop beyond it (see
// WithJobs). It returns errs.NotFound when the
// root does not exist (at req.AsOf) or p may not read it, and
// errs.Invalid for bounds above the maxima (see Request.Check).
func (s *Service) Lineage(ctx context.Context, p *auth.Principal, req Request) (*Graph, error) {
	if p == nil {
		return nil, errs.Unauthenticated
	}
	return s.LineageIn(ctx, access.Scope(p), req)
}

// LineageIn is Lineage for a caller who may read the projects of scope:
// what another domain (an evidence pack) shows of lineage.
func (s *Service) LineageIn(ctx context.Context, scope store.Scope, req Request) (*Graph, error) {
	b, err := req.Check()
	if err != nil {
		return nil, err
	}
	w, err := s.store.LineageWalk(ctx, store.WalkRequest{Root: req.Root, Direction: req.Direction, Depth: b.Depth, Budget: b.Budget(),
		Edges: true, AsOf: req.AsOf, Scope: scope})
	if err != nil {
		return nil, err
	}
	if w, err = s.withJobs(ctx, scope, w, b); err != nil {
		return nil, err
	}
	return Assemble(w, b), nil
}

// Impact returns everything downstream of req.Root up to its depth (at
// most MaxImpactNodes nodes) that p may see, grouped by kind (see
// ImpactOf). Errors are Lineage's; the depth is 1..MaxImpactDepth.
func (s *Service) Impact(ctx context.Context, p *auth.Principal, req ImpactRequest) (*Report, error) {
	if p == nil {
		return nil, errs.Unauthenticated
	}
	depth, err := req.depth()
	if err != nil {
		return nil, err
	}
	w, err := s.store.LineageWalk(ctx, store.WalkRequest{Root: req.Root, Direction: store.Downstream, Depth: depth, Budget: MaxImpactNodes,
		AsOf: req.AsOf, Scope: access.Scope(p)})
	if err != nil {
		return nil, err
	}
	return ImpactOf(w, depth), nil
}

// Path returns one shortest lineage path between two nodes, trying
// from→to downstream and to→from, as a graph rooted at from (see
// PathGraph). It returns store.ErrNoPath when the nodes are not connected
// within store.MaxPathLength hops through projects p may read, and
// errs.NotFound when either node does not exist (at AsOf) or p may not
// read it.
func (s *Service) Path(ctx context.Context, p *auth.Principal, req PathRequest) (*Graph, error) {
	if p == nil {
		return nil, errs.Unauthenticated
	}
	scope := access.Scope(p)
	path, err := s.store.LineagePath(ctx, store.PathRequest{From: req.From, To: req.To, AsOf: req.AsOf, Scope: scope})
	if err != nil {
		return nil, err
	}
	return PathGraph(req.From, path, scope), nil
}

// Health returns the health of each node in ids (see Health) as p sees
// it: only upstream paths through projects p may read count, so a hidden
// project's failure is neither shown nor hinted at. It costs one
// statement per level of the deepest upstream walk, for all ids together.
// IDs that are not lineage nodes, do not exist or p may not read are
// UNKNOWN, and so is everything without a caller.
func (s *Service) Health(ctx context.Context, p *auth.Principal, ids []string) (map[string]Health, error) {
	if len(ids) == 0 {
		return map[string]Health{}, nil
	}
	u, err := s.store.UpstreamQuality(ctx, upstreamRequest(ids, access.Scope(p)))
	if err != nil {
		return nil, err
	}
	return HealthOf(ids, u), nil
}

// AtRisk returns the nodes of an impact report whose health is AT_RISK or
// FAILED as p sees it, nearest first (see Report.Affected).
func (s *Service) AtRisk(ctx context.Context, p *auth.Principal, rep *Report) ([]string, error) {
	ids := rep.Affected()
	h, err := s.Health(ctx, p, ids)
	if err != nil {
		return nil, err
	}
	return AtRisk(ids, h), nil
}

// QualityIssuesUpstream answers "why is this node at risk?": the failed
// dataset versions upstream of id (and id itself when it is one), nearest
// first, at most MaxQualityIssues, with their failing runs. Walks and
// scope as Health. An unknown id, or one p may not read, is
// errs.NotFound.
func (s *Service) QualityIssuesUpstream(ctx context.Context, p *auth.Principal, id string) ([]QualityIssue, error) {
	if p == nil {
		return nil, errs.Unauthenticated
	}
	if err := store.CheckLineageID("id", id); err != nil {
		return nil, err
	}
	u, err := s.store.UpstreamQuality(ctx, upstreamRequest([]string{id}, access.Scope(p)))
	if err != nil {
		return nil, err
	}
	if !u.Visible[id] {
		return nil, fmt.Errorf("node %s: %w", errs.Quote(id), errs.NotFound)
	}
	issues := Issues(u)
	if len(issues) == 0 {
		return []QualityIssue{}, nil
	}
	ids := make([]string, len(issues))
	for i, is := range issues {
		ids[i] = is.DatasetVersionID
	}
	runs, err := s.store.FailingRuns(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range issues {
		issues[i].Runs = runs[issues[i].DatasetVersionID]
		if issues[i].Runs == nil {
			issues[i].Runs = []*store.ValidationRun{}
		}
	}
	return issues, nil
}
