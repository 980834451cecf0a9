package store

import (
	"context"
	"errors"
	"time"
)

// BulkConsumers creates one finished run per name in experiment expID,
// each consuming dataset version input, with batched writes: the lineage
// scenarios seed fan-outs of 10,000 with it. The runs carry the properties
// StartRun gives a run.
func (s *Store) BulkConsumers(ctx context.Context, actor, expID, input string, names []string, at time.Time) (map[string]string, error) {
	ids := map[string]string{}
	for start := 0; start < len(names); start += 5_000 {
		var rows []map[string]any
		for _, name := range names[start:min(len(names), start+5_000)] {
			ids[name] = newID(KindRun)
			rows = append(rows, map[string]any{"id": ids[name], "name": name})
		}
		_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
			_, err := tx.run(`
				MATCH (e:Experiment {id: $exp}), (v:DatasetVersion {id: $input})
				UNWIND $rows AS row
				CREATE (r:Run:Node {id: row.id, projectKey: e.projectKey, experimentId: e.id, name: row.name, displayName: row.name,
				        status: 'FINISHED', startedAt: $at, createdAt: $at, endedAt: $at, createdBy: $actor, revision: 0,
				        paramKeys: [], paramValues: [], tagKeys: [], tagValues: []})
				CREATE (e)-[:HAS_RUN]->(r)
				CREATE (v)-[:CONSUMED_BY {createdAt: $at}]->(r)`,
				map[string]any{"exp": expID, "input": input, "rows": rows, "at": at.UTC(), "actor": actor})
			return struct{}{}, err
		})
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// SetModelStage sets a model version's stage directly; promotions are the
// only way in production code.
func (s *Store) SetModelStage(ctx context.Context, id string, stage ModelStage) error {
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.run(`MATCH (v:ModelVersion {id: $id}) SET v.stage = $stage`, map[string]any{"id": id, "stage": string(stage)})
		return struct{}{}, err
	})
	return err
}

// WalkQuery and MemberWalkQuery expose the walk statements, to pin their
// plans.
func WalkQuery(d Direction, depth int) string { return walkQuery(d, depth) }

func MemberWalkQuery(d Direction, depth int, rel string) string {
	return memberWalkQuery(d, depth, rel)
}

var errRollback = errors.New("rolled back on purpose")

// VerifyLogTampered runs tamper (Cypher that alters the event log) and
// then VerifyLog's walk in one write transaction that is rolled back: the
// walk sees the tampered log, and no other test ever does.
func (s *Store) VerifyLogTampered(ctx context.Context, projectKey, tamper string, params map[string]any) (*LogVerification, error) {
	var out *LogVerification
	// The walk reads the whole log, which grows with every test: give it
	// time to, rather than a request's 30 s.
	_, err := writeWithin(ctx, s, 10*time.Minute, func(tx *txn) (struct{}, error) {
		if _, err := tx.run(tamper, params); err != nil {
			return struct{}{}, err
		}
		v, err := verifyLog(projectKey, func(work func(*txn) error) error { return work(tx) })
		if err != nil {
			return struct{}{}, err
		}
		out = v
		return struct{}{}, errRollback
	})
	if !errors.Is(err, errRollback) {
		return nil, err
	}
	return out, nil
}

// ReadStatement runs one statement in a read transaction, for the tests of
// the store's own machinery (the plan check).
func (s *Store) ReadStatement(ctx context.Context, cypher string, params map[string]any) error {
	_, err := read(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.run(cypher, params)
		return struct{}{}, err
	})
	return err
}
