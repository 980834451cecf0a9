package store

import (
	"context"
	"fmt"
	"time"
)

// DropSearchRuns deletes what SeedSearchRuns made in experiment expID.
func (s *Store) DropSearchRuns(ctx context.Context, expID string) error {
	for {
		n, err := write(ctx, s, func(tx *txn) (int64, error) {
			rec, err := tx.single(`
				MATCH (r:Run) WHERE r.experimentId = $exp AND r.id STARTS WITH $prefix
				WITH r LIMIT 10000 OPTIONAL MATCH (r)-[:HAS_METRIC]->(m:Metric)
				DETACH DELETE r, m RETURN count(DISTINCT r) AS n`, map[string]any{"exp": expID, "prefix": fmt.Sprintf("run-bench-%s-", expID)})
			if err != nil {
				return 0, err
			}
			return recInt(rec, "n")
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// SeedSearchRuns creates n runs in experiment expID of project pk with one
// fast UNWIND per 10,000 runs, for the run search benchmark: run i has
// param lr = ["0.1","0.01","0.001"][i%3] and metric auc = (i*7919 % 1000)/1000.
func (s *Store) SeedSearchRuns(ctx context.Context, pk, expID string, n int) error {
	const batch = 10_000
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for from := 0; from < n; from += batch {
		_, err := write(ctx, s, func(tx *txn) (int, error) {
			_, err := tx.run(`
				MATCH (e:Experiment {id: $exp})
				UNWIND range($from, $to - 1) AS i
				CREATE (r:Run:Node {id: $prefix + toString(i), projectKey: $pk, experimentId: $exp, name: 'bench-' + toString(i),
				        displayName: 'bench-' + toString(i), status: 'FINISHED', startedAt: $t0 + duration({seconds: i}),
				        endedAt: $t0 + duration({seconds: i + 1}), createdAt: $t0, createdBy: 'bench', revision: 0,
				        paramKeys: ['lr', 'depth'], paramValues: [['0.1', '0.01', '0.001'][i % 3], toString(i % 10)],
				        tagKeys: ['team'], tagValues: ['risk']})
				CREATE (e)-[:HAS_RUN]->(r)
				CREATE (r)-[:HAS_METRIC]->(:Metric {id: $prefix + 'm' + toString(i), runId: r.id, key: 'auc',
				        latestValue: toFloat((i * 7919) % 1000) / 1000.0, latestStep: 0, latestTs: 0, count: 1})`,
				map[string]any{"exp": expID, "pk": pk, "from": from, "to": min(n, from+batch), "prefix": fmt.Sprintf("run-bench-%s-", expID), "t0": t0})
			return 0, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
