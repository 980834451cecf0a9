package store

import "context"

// FeatureViewsReadingAll is featureViewsReading, for the tests of the
// statement that asks for several datasets at once.
func (s *Store) FeatureViewsReadingAll(ctx context.Context, ids []string) ([]*FeatureViewRow, error) {
	return s.featureViewsReading(ctx, ids)
}
