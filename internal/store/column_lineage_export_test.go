package store

import "context"

// ConvertColumnNodes runs the conversion of migrateColumnNodes whether or
// not the database is marked as migrated, batch versions at a time.
func (s *Store) ConvertColumnNodes(ctx context.Context, batch int) error {
	return s.convertColumnNodes(ctx, batch)
}
