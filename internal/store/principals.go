package store

import (
	"context"
	"slices"
)

func init() {
	migrations = append(migrations,
		// A development build keyed principals by subject alone.
		"DROP CONSTRAINT principal_subject IF EXISTS",
		"CREATE CONSTRAINT principal_subject_project IF NOT EXISTS FOR (n:Principal) REQUIRE (n.subject, n.projectKey) IS UNIQUE")
}

// RecordPresented keeps what subject's token said the last time they made
// a governance request about project projectKey: its grants that apply
// there ("PROJECT=ROLE" for that project and for "*") and its groups, on
// the :Principal of the subject and project, stamped with the store's
// clock when they differ from what is kept; an unchanged token writes
// nothing. The hub learns roles only from tokens, so this is all it can
// know of a subject's roles between their requests.
func (s *Store) RecordPresented(ctx context.Context, subject, projectKey string, grants, groups []string) error {
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		return struct{}{}, s.recordPresented(tx, subject, projectKey, grants, groups)
	})
	return err
}

func (s *Store) recordPresented(tx *txn, subject, projectKey string, grants, groups []string) error {
	grants, groups = slices.Sorted(slices.Values(grants)), slices.Sorted(slices.Values(groups))
	_, err := tx.run(`
		MERGE (pr:Principal {subject: $subject, projectKey: $projectKey})
		WITH pr WHERE pr.grants IS NULL OR pr.grants <> $grants OR pr.groups <> $groups
		SET pr.grants = $grants, pr.groups = $groups, pr.at = $now`,
		map[string]any{"subject": subject, "projectKey": projectKey, "grants": nonNil(grants), "groups": nonNil(groups), "now": s.now().UTC()})
	return err
}
