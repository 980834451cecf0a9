package store

import (
	"context"
	"errors"
)

// CheckCheckpointsTampered runs tamper (Cypher that alters the event
// log) and then CheckCheckpoints' reads in one write transaction that is
// rolled back: the check sees the tampered log, and no other test ever
// does.
func (s *Store) CheckCheckpointsTampered(ctx context.Context, tamper string, params map[string]any) (*CheckpointCheck, error) {
	var out *CheckpointCheck
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		if _, err := tx.run(tamper, params); err != nil {
			return struct{}{}, err
		}
		c, err := checkCheckpoints(tx)
		if err != nil {
			return struct{}{}, err
		}
		out = c
		return struct{}{}, errRollback
	})
	if !errors.Is(err, errRollback) {
		return nil, err
	}
	return out, nil
}
