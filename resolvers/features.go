package resolvers

import (
	"context"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/store"
)

// featureServicesOf returns the feature services among the datasets of a
// run's inputs that the caller may read, by name.
func (r *Resolver) featureServicesOf(ctx context.Context, runID string) ([]*store.Dataset, error) {
	inputs, err := r.neighbourVersions(ctx, store.RunInputs, runID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(inputs))
	for _, v := range inputs {
		ids = append(ids, v.DatasetID)
	}
	slices.Sort(ids)
	datasets, err := loadersFor(ctx, r.Store).dataset.LoadAll(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	out := []*store.Dataset{}
	for _, d := range datasets {
		if d != nil && d.FeastKind == store.FeastFeatureService {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *store.Dataset) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
