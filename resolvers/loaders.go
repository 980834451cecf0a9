package resolvers

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/exphub/exphub/internal/store"
)

// loaders batch the lookups of one GraphQL operation: a field resolved for
// a hundred parents costs one round-trip, not a hundred.
type loaders struct {
	experiment     *dataloadgen.Loader[string, *store.Experiment]
	run            *dataloadgen.Loader[string, *store.Run]
	dataset        *dataloadgen.Loader[string, *store.Dataset]
	datasetVersion *dataloadgen.Loader[string, *store.DatasetVersion]
	model          *dataloadgen.Loader[string, *store.Model]
	modelVersion   *dataloadgen.Loader[string, *store.ModelVersion]
	runList        *dataloadgen.Loader[store.RunListKey, store.Conn[*store.Run]]
	metrics        *dataloadgen.Loader[string, []*store.Metric]
	history        *dataloadgen.Loader[store.MetricRef, []store.MetricPoint]
	runs           map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Run]
	versions       map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.DatasetVersion]
	modelVersions  map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.ModelVersion]
}

type loadersKey struct{}

// byID adapts a store lookup that returns a map into a loader fetch that
// answers in key order, with ErrNotFound for missing keys.
func byID[T any](kind store.Kind, fetch func(context.Context, []string) (map[string]T, error)) func(context.Context, []string) ([]T, []error) {
	return func(ctx context.Context, ids []string) ([]T, []error) {
		m, err := fetch(ctx, ids)
		out, errs := make([]T, len(ids)), make([]error, len(ids))
		for i, id := range ids {
			switch v, ok := m[id]; {
			case err != nil:
				errs[i] = err
			case !ok:
				errs[i] = fmt.Errorf("%s %q: %w", kind, id, store.ErrNotFound)
			default:
				out[i] = v
			}
		}
		return out, errs
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
		experiment:     dataloadgen.NewLoader(byID(store.KindExperiment, s.ExperimentsByIDs)),
		run:            dataloadgen.NewLoader(byID(store.KindRun, s.RunsByIDs)),
		dataset:        dataloadgen.NewLoader(byID(store.KindDataset, s.DatasetsByIDs)),
		datasetVersion: dataloadgen.NewLoader(byID(store.KindDatasetVersion, s.DatasetVersionsByIDs)),
		model:          dataloadgen.NewLoader(byID(store.KindModel, s.ModelsByIDs)),
		modelVersion:   dataloadgen.NewLoader(byID(store.KindModelVersion, s.ModelVersionsByIDs)),
		runList:        dataloadgen.NewLoader(ordered(s.RunLists)),
		metrics:        dataloadgen.NewLoader(ordered(s.MetricsOfRuns)),
		history:        dataloadgen.NewLoader(ordered(s.MetricHistories)),
		runs:           map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.Run]{},
		versions:       map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.DatasetVersion]{},
		modelVersions:  map[store.Neighbourhood]*dataloadgen.Loader[string, []*store.ModelVersion]{},
	}
	for _, n := range []store.Neighbourhood{store.VersionProducedBy, store.VersionConsumedBy, store.ModelVersionRun} {
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
	return l
}

// AroundOperations gives each GraphQL operation, over HTTP or a websocket,
// its own loaders, so nothing is cached across operations or callers.
func (r *Resolver) AroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, loadersKey{}, newLoaders(r.Store)))
}

func loadersFor(ctx context.Context, s *store.Store) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(s)
}
