package resolvers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

// loaders batch the lookups of one GraphQL operation: a field resolved for
// a hundred parents costs one round-trip, not a hundred.
type loaders struct {
	project         *dataloadgen.Loader[string, *store.Project]
	projectByKey    *dataloadgen.Loader[string, *store.Project]
	experiment      *dataloadgen.Loader[string, *store.Experiment]
	run             *dataloadgen.Loader[string, *store.Run]
	dataset         *dataloadgen.Loader[string, *store.Dataset]
	datasetVersion  *dataloadgen.Loader[string, *store.DatasetVersion]
	model           *dataloadgen.Loader[string, *store.Model]
	modelVersion    *dataloadgen.Loader[string, *store.ModelVersion]
	validationSuite *dataloadgen.Loader[string, *store.ValidationSuite]
	validationRun   *dataloadgen.Loader[string, *store.ValidationRun]
	promotion       *dataloadgen.Loader[string, *store.PromotionRequest]
	policy          *dataloadgen.Loader[string, *store.Policy]
	biasCheck       *dataloadgen.Loader[string, *governance.BiasCheck]
	reproduction    *dataloadgen.Loader[string, *store.Reproduction]
	reproducibility *dataloadgen.Loader[string, *governance.Reproducibility]
	// latestReproduction is nil for a run never reproduced.
	latestReproduction *dataloadgen.Loader[string, *store.Reproduction]
	signOff            *dataloadgen.Loader[string, *store.SignOff]
	// signOffsOf are the sign-offs of a promotion request or a project.
	signOffsOf     *dataloadgen.Loader[string, []*store.SignOff]
	health         *dataloadgen.Loader[string, lineage.Health]
	runList        *dataloadgen.Loader[runListKey, store.Conn[*store.Run]]
	metrics        *dataloadgen.Loader[string, []*store.Metric]
	history        *dataloadgen.Loader[store.MetricRef, []store.MetricPoint]
	job            *dataloadgen.Loader[string, *store.Job]
	versionColumns *dataloadgen.Loader[string, []string]
	// awaiting says whether a version waits for validation on arrival.
	awaiting      *dataloadgen.Loader[awaitKey, bool]
	jobs          map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Job]
	datasets      map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Dataset]
	runs          map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Run]
	versions      map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.DatasetVersion]
	modelVersions map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.ModelVersion]
}

type loadersKey struct{}

// awaitKey asks whether a version waits for validation on a feed.
type awaitKey struct {
	feed    *store.ArrivalFeed
	version string
}

// byID adapts a store lookup that returns a map into a loader fetch that
// answers in key order, with ErrNotFound for missing keys.
func byID[T any](kind store.Kind, fetch func(context.Context, []string) (map[string]T, error)) func(context.Context, []string) ([]T, []error) {
	return func(ctx context.Context, ids []string) ([]T, []error) {
		m, err := fetch(ctx, ids)
		out, failed := make([]T, len(ids)), make([]error, len(ids))
		for i, id := range ids {
			switch v, ok := m[id]; {
			case err != nil:
				failed[i] = err
			case !ok:
				failed[i] = fmt.Errorf("%s %s: %w", kind, errs.Quote(id), errs.NotFound)
			default:
				out[i] = v
			}
		}
		return out, failed
	}
}

// ordered adapts a store lookup that answers in key order.
func ordered[K comparable, T any](fetch func(context.Context, []K) ([]T, error)) func(context.Context, []K) ([]T, []error) {
	return func(ctx context.Context, keys []K) ([]T, []error) {
		out, err := fetch(ctx, keys)
		if err != nil {
			errs := make([]error, len(keys))
			for i := range errs {
				errs[i] = err
			}
			return make([]T, len(keys)), errs
		}
		return out, nil
	}
}

func newLoaders(s *store.Store) *loaders {
	l := &loaders{
		project:         dataloadgen.NewLoader(byID(store.KindProject, s.ProjectsByIDs)),
		projectByKey:    dataloadgen.NewLoader(byID(store.KindProject, s.ProjectsByKeys)),
		experiment:      dataloadgen.NewLoader(byID(store.KindExperiment, s.ExperimentsByIDs)),
		run:             dataloadgen.NewLoader(byID(store.KindRun, s.RunsByIDs)),
		dataset:         dataloadgen.NewLoader(byID(store.KindDataset, s.DatasetsByIDs)),
		datasetVersion:  dataloadgen.NewLoader(byID(store.KindDatasetVersion, s.DatasetVersionsByIDs)),
		model:           dataloadgen.NewLoader(byID(store.KindModel, s.ModelsByIDs)),
		modelVersion:    dataloadgen.NewLoader(byID(store.KindModelVersion, s.ModelVersionsByIDs)),
		validationSuite: dataloadgen.NewLoader(byID(store.KindValidationSuite, s.ValidationSuitesByIDs)),
		validationRun:   dataloadgen.NewLoader(byID(store.KindValidationRun, s.ValidationRunsByIDs)),
		promotion:       dataloadgen.NewLoader(byID(store.KindPromotionRequest, s.PromotionRequestsByIDs)),
		policy:          dataloadgen.NewLoader(byID(store.KindPolicy, s.PoliciesByIDs)),
		biasCheck: dataloadgen.NewLoader(byID(store.KindBiasCheck, func(ctx context.Context, ids []string) (map[string]*governance.BiasCheck, error) {
			m, err := s.BiasChecksByIDs(ctx, ids)
			out := make(map[string]*governance.BiasCheck, len(m))
			for id, b := range m {
				if out[id], err = governance.DecodeBiasCheck(b); err != nil {
					break
				}
			}
			return out, err
		})),
		reproduction: dataloadgen.NewLoader(byID(store.KindReproduction, s.ReproductionsByIDs)),
		reproducibility: dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([]*governance.Reproducibility, error) {
			sts, err := s.RunStates(ctx, ids)
			out := make([]*governance.Reproducibility, len(sts))
			for i, st := range sts {
				out[i] = governance.ReproducibilityOf(st)
			}
			return out, err
		})),
		signOff: dataloadgen.NewLoader(byID(store.KindSignOff, s.SignOffsByIDs)),
		signOffsOf: dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([][]*store.SignOff, error) {
			m, err := s.SignOffsOf(ctx, ids)
			out := make([][]*store.SignOff, len(ids))
			for i, id := range ids {
				if out[i] = m[id]; out[i] == nil {
					out[i] = []*store.SignOff{}
				}
			}
			return out, err
		})),
		latestReproduction: dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([]*store.Reproduction, error) {
			m, err := s.LatestReproductions(ctx, ids)
			out := make([]*store.Reproduction, len(ids))
			for i, id := range ids {
				out[i] = m[id]
			}
			return out, err
		})),
		// Health is asked as the caller: the batch's context carries the
		// operation's principal, the same for every key.
		health: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]lineage.Health, []error) {
			return byID("health", func(ctx context.Context, ids []string) (map[string]lineage.Health, error) {
				p, _ := auth.FromContext(ctx)
				return lineage.New(s).Health(ctx, p, ids)
			})(ctx, ids)
		}),
		job:            dataloadgen.NewLoader(byID(store.KindJob, s.JobsByIDs)),
		versionColumns: dataloadgen.NewLoader(ordered(s.VersionColumns)),
		awaiting: dataloadgen.NewLoader(ordered(func(ctx context.Context, keys []awaitKey) ([]bool, error) {
			// Every key of an operation carries its resolver's feed.
			ids := make([]string, len(keys))
			for i, k := range keys {
				ids[i] = k.version
			}
			m, err := s.AwaitingArrival(ctx, *keys[0].feed, ids)
			out := make([]bool, len(keys))
			for i, id := range ids {
				out[i] = m[id]
			}
			return out, err
		})),
		jobs:          map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Job]{},
		datasets:      map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Dataset]{},
		metrics:       dataloadgen.NewLoader(ordered(s.MetricsOfRuns)),
		history:       dataloadgen.NewLoader(ordered(s.MetricHistories)),
		runs:          map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Run]{},
		versions:      map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.DatasetVersion]{},
		modelVersions: map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.ModelVersion]{},
	}
	for _, n := range []store.Neighbourhood{store.JobParent, store.JobChildren, store.DatasetJobs} {
		l.jobs[n] = dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([][]*store.Job, error) {
			return s.NeighbourJobs(ctx, n, ids)
		}))
	}
	for _, n := range []store.Neighbourhood{store.JobInputs, store.JobOutputs} {
		l.datasets[n] = dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([][]*store.Dataset, error) {
			return s.NeighbourDatasets(ctx, n, ids)
		}))
	}
	for _, n := range []store.Neighbourhood{store.VersionProducedBy, store.VersionConsumedBy, store.ModelVersionRun, store.RunParent,
		store.RunChildren, store.JobLatestRun} {
		l.runs[n] = dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([][]*store.Run, error) {
			return s.NeighbourRuns(ctx, n, ids)
		}))
	}
	for _, n := range []store.Neighbourhood{store.RunInputs, store.RunOutputs, store.VersionDerivedFrom} {
		l.versions[n] = dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([][]*store.DatasetVersion, error) {
			return s.NeighbourDatasetVersions(ctx, n, ids)
		}))
	}
	l.modelVersions[store.RunModelOutputs] = dataloadgen.NewLoader(ordered(func(ctx context.Context, ids []string) ([][]*store.ModelVersion, error) {
		return s.NeighbourModelVersions(ctx, store.RunModelOutputs, ids)
	}))
	l.runList = dataloadgen.NewLoader(func(ctx context.Context, keys []runListKey) ([]store.Conn[*store.Run], []error) {
		sk := make([]store.RunListKey, len(keys))
		for i, k := range keys {
			sk[i] = k.RunListKey
		}
		conns, errs := ordered(s.RunLists)(ctx, sk)
		if errs == nil {
			l.prefetchRuns(ctx, keys, conns)
		}
		return conns, errs
	})
	return l
}

// runPrefetch names the per-run fields a run list's selection asks for.
type runPrefetch uint8

const (
	prefetchInputs runPrefetch = 1 << iota
	prefetchOutputs
	prefetchModelOutputs
	prefetchMetrics
	prefetchExperiment
	prefetchReproducibility
)

// runListKey is a page of runs plus the per-run fields selected under it.
type runListKey struct {
	store.RunListKey
	prefetch runPrefetch
}

// prefetchRuns queues, before the run lists are handed to their resolvers,
// the per-run lookups their selections will make: every run of every list
// in this batch joins one batch per field. Without it each run's field
// resolver joins the batch open when its goroutine happens to run, so a
// page of 2,000 runs cost one round-trip per 16 ms the scheduler took to
// reach them all: a budget that grew with load.
func (l *loaders) prefetchRuns(ctx context.Context, keys []runListKey, conns []store.Conn[*store.Run]) {
	ids := map[runPrefetch][]string{}
	for i, k := range keys {
		for _, f := range []runPrefetch{prefetchInputs, prefetchOutputs, prefetchModelOutputs, prefetchMetrics} {
			if k.prefetch&f == 0 {
				continue
			}
			for _, r := range conns[i].Items {
				ids[f] = append(ids[f], r.ID)
			}
		}
		if k.prefetch&prefetchExperiment != 0 {
			ids[prefetchExperiment] = append(ids[prefetchExperiment], k.ExperimentID)
		}
		if k.prefetch&prefetchReproducibility != 0 {
			for _, r := range conns[i].Items {
				ids[prefetchReproducibility] = append(ids[prefetchReproducibility], r.ID)
			}
		}
	}
	// LoadAllThunk queues the keys without waiting; the field resolvers
	// later find them in the loaders' caches.
	if len(ids[prefetchInputs]) > 0 {
		l.versions[store.RunInputs].LoadAllThunk(ctx, ids[prefetchInputs])
	}
	if len(ids[prefetchOutputs]) > 0 {
		l.versions[store.RunOutputs].LoadAllThunk(ctx, ids[prefetchOutputs])
	}
	if len(ids[prefetchModelOutputs]) > 0 {
		l.modelVersions[store.RunModelOutputs].LoadAllThunk(ctx, ids[prefetchModelOutputs])
	}
	if len(ids[prefetchMetrics]) > 0 {
		l.metrics.LoadAllThunk(ctx, ids[prefetchMetrics])
	}
	if len(ids[prefetchExperiment]) > 0 {
		l.experiment.LoadAllThunk(ctx, ids[prefetchExperiment])
	}
	if len(ids[prefetchReproducibility]) > 0 {
		// A run's reproducibility and its latest reproduction, which the
		// reproducibility's own field asks for, are both keyed by run.
		l.reproducibility.LoadAllThunk(ctx, ids[prefetchReproducibility])
		l.latestReproduction.LoadAllThunk(ctx, ids[prefetchReproducibility])
	}
}

// runFieldsSelected reports which prefetchable Run fields the current run
// connection field selects under edges.node.
func runFieldsSelected(ctx context.Context) runPrefetch {
	if !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return 0
	}
	return runFieldsIn(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field)
}

// prefetchExperimentRuns queues, before a page of experiments is handed to
// their resolvers, the run list each experiment's runs field will ask for,
// so that the run lists of the whole page are one batch however the
// resolvers get scheduled. A key it cannot rebuild exactly (an argument
// it fails to read) is left to the field resolver.
func (l *loaders) prefetchExperimentRuns(ctx context.Context, exps []*store.Experiment) {
	if len(exps) == 0 || !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return
	}
	op := graphql.GetOperationContext(ctx)
	var keys []runListKey
	for _, edges := range graphql.CollectFieldsCtx(ctx, []string{"ExperimentConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(op, edges.Selections, []string{"ExperimentEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, runs := range graphql.CollectFields(op, node.Selections, []string{"Experiment", "Node"}) {
				if runs.Name != "runs" {
					continue
				}
				var args struct {
					Filter  *model.RunFilter `json:"filter"`
					OrderBy *model.RunOrder  `json:"orderBy"`
					First   *int             `json:"first"`
					After   *string          `json:"after"`
				}
				b, err := json.Marshal(runs.ArgumentMap(op.Variables))
				if err != nil || json.Unmarshal(b, &args) != nil {
					continue
				}
				prefetch := runFieldsIn(op, runs)
				for _, e := range exps {
					keys = append(keys, runListKey{RunListKey: runListOf(e.ID, args.Filter, args.OrderBy, args.First, args.After), prefetch: prefetch})
				}
			}
		}
	}
	if len(keys) > 0 {
		l.runList.LoadAllThunk(ctx, keys)
	}
}

// runFieldsIn reports which prefetchable Run fields a run connection
// field selects under edges.node.
func runFieldsIn(op *graphql.OperationContext, field graphql.CollectedField) runPrefetch {
	var p runPrefetch
	for _, edges := range graphql.CollectFields(op, field.Selections, []string{"RunConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(op, edges.Selections, []string{"RunEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(op, node.Selections, []string{"Run", "Node"}) {
				switch f.Name {
				case "inputs":
					p |= prefetchInputs
				case "outputs":
					p |= prefetchOutputs
				case "modelOutputs":
					p |= prefetchModelOutputs
				case "metrics":
					p |= prefetchMetrics
				case "experiment":
					p |= prefetchExperiment
				case "reproducibility":
					p |= prefetchReproducibility
				}
			}
		}
	}
	return p
}

// AroundOperations gives each GraphQL operation, over HTTP or a websocket,
// its own loaders, so nothing is cached across operations or callers.
func (r *Resolver) AroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	// A subscription lives for many responses: cached loaders would serve
	// the first event's objects to every later one, so each of its fields
	// reads afresh.
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	return next(context.WithValue(ctx, loadersKey{}, newLoaders(r.Store)))
}

func loadersFor(ctx context.Context, s *store.Store) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(s)
}
