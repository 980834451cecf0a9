package lineage

import (
	"context"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Jobs are not lineage nodes: a pipeline run's job stands beside the run,
// not on the path data takes. A lineage request whose kinds name JOB gets
// them anyway, one hop beyond their runs; the impact of a node lists the
// jobs of the runs it affects.

// EdgeHasRun joins a job to its run in a lineage graph.
const EdgeHasRun = "HAS_RUN"

// wantsJobs reports whether a kinds filter asks for jobs.
func wantsJobs(kinds []store.Kind) bool { return slices.Contains(kinds, store.KindJob) }

// WithJobs returns walk w with the job of each walked run added as a node
// one hop beyond the run (at the shortest distance of its runs, after the
// walked nodes), with a HAS_RUN edge from the job to each of its walked
// runs. jobs maps a run's ID to its job; jobs already walked (a job root)
// are not added again. It does not change w.
func WithJobs(w *store.LineageWalk, jobs map[string]*store.Job) *store.LineageWalk {
	out := &store.LineageWalk{Nodes: slices.Clone(w.Nodes), Index: make(map[string]int, len(w.Index)), MemberEdge: w.MemberEdge, Cut: w.Cut}
	for id, i := range w.Index {
		out.Index[id] = i
	}
	type added struct {
		node store.WalkedNode
		runs []string
	}
	byID := map[string]*added{}
	var order []string
	for _, n := range w.Nodes {
		j := jobs[n.ID]
		if n.Kind != store.KindRun || j == nil {
			continue
		}
		if _, walked := w.Index[j.ID]; walked {
			continue
		}
		a := byID[j.ID]
		if a == nil {
			a = &added{node: store.WalkedNode{LineageNode: store.LineageNode{ID: j.ID, Kind: store.KindJob, Name: j.Name, ProjectKey: j.ProjectKey,
				Owner: j.CreatedBy, Distance: n.Distance + 1}, Reach: store.Reach{-1, -1}}}
			byID[j.ID] = a
			order = append(order, j.ID)
		}
		a.node.Distance = min(a.node.Distance, n.Distance+1)
		a.runs = append(a.runs, n.ID)
	}
	slices.SortStableFunc(order, func(x, y string) int {
		if d := byID[x].node.Distance - byID[y].node.Distance; d != 0 {
			return d
		}
		return strings.Compare(x, y)
	})
	for _, id := range order {
		a := byID[id]
		for _, r := range a.runs {
			a.node.Out = append(a.node.Out, store.LineageEdge{From: id, To: r, Kind: EdgeHasRun})
		}
		out.Index[id] = len(out.Nodes)
		out.Nodes = append(out.Nodes, a.node)
	}
	return out
}

// jobsOfRuns returns the job of each of runIDs that has one in scope.
func (s *Service) jobsOfRuns(ctx context.Context, scope store.Scope, runIDs []string) (map[string]*store.Job, error) {
	out := map[string]*store.Job{}
	if len(runIDs) == 0 {
		return out, nil
	}
	jobs, err := s.store.NeighbourJobs(ctx, store.RunJob, runIDs)
	if err != nil {
		return nil, err
	}
	for i, js := range jobs {
		for _, j := range js {
			if scope.Allows(j.ProjectKey) {
				out[runIDs[i]] = j
			}
		}
	}
	return out, nil
}

// withJobs adds the jobs of w's runs when b's kinds ask for them.
func (s *Service) withJobs(ctx context.Context, scope store.Scope, w *store.LineageWalk, b Bounds) (*store.LineageWalk, error) {
	if !wantsJobs(b.Kinds) {
		return w, nil
	}
	var runs []string
	for _, n := range w.Nodes {
		if n.Kind == store.KindRun {
			runs = append(runs, n.ID)
		}
	}
	jobs, err := s.jobsOfRuns(ctx, scope, runs)
	if err != nil {
		return nil, err
	}
	return WithJobs(w, jobs), nil
}

// ImpactJobs returns the jobs of the runs an impact report lists that p
// may read, each once, by ID.
func (s *Service) ImpactJobs(ctx context.Context, p *auth.Principal, rep *Report) ([]*store.Job, error) {
	if p == nil {
		return nil, errs.Unauthenticated
	}
	runs := make([]string, len(rep.Runs))
	for i, r := range rep.Runs {
		runs[i] = r.ID
	}
	byRun, err := s.jobsOfRuns(ctx, access.Scope(p), runs)
	if err != nil {
		return nil, err
	}
	out := []*store.Job{}
	for _, j := range byRun {
		if !slices.ContainsFunc(out, func(x *store.Job) bool { return x.ID == j.ID }) {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b *store.Job) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
