package storegen

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// seedBatch is how many runs one transaction of SeedRuns writes.
const seedBatch = 5_000

// SeedRuns writes n finished runs into an existing experiment, in batches
// of one UNWIND, for benchmarks of run search at a size that creating runs
// one request at a time would take an hour to reach. The nodes are the
// store's (a Run with its params and tags, an auc Metric with its latest
// point in one chunk), with time-ordered IDs. Run i has params
// lr = ["0.1","0.01","0.001"][i%3] and depth = i%10, tag team = risk, and
// auc = (i*7919 % 1000)/1000. It returns the experiment's project.
func (gs *Graphs) SeedRuns(ctx context.Context, experimentID string, n int) (string, error) {
	pk, err := read(ctx, gs, func(tx neo4j.ManagedTransaction) (string, error) {
		recs, err := run(ctx, tx, `MATCH (e:Experiment {id: $id}) RETURN e.projectKey AS pk`, map[string]any{"id": experimentID})
		if err != nil {
			return "", err
		}
		if len(recs) == 0 {
			return "", errs.Hide(errs.NotFound, "experiment "+errs.Quote(experimentID)+" not found", nil)
		}
		pk, _ := recs[0].Get("pk")
		s, _ := pk.(string)
		return s, nil
	})
	if err != nil {
		return "", err
	}
	ids := rand.New(rand.NewPCG(uint64(n), 7919))
	t0 := time.Now().UTC().Add(-time.Duration(n) * time.Second)
	prefix := store.IDPrefix(store.KindRun)
	for from := 0; from < n; from += seedBatch {
		rows := make([]map[string]any, 0, min(seedBatch, n-from))
		for i := from; i < min(n, from+seedBatch); i++ {
			at := t0.Add(time.Duration(i) * time.Second)
			rows = append(rows, map[string]any{"id": prefix + timeOrdered(at, ids).String(), "i": i, "at": at,
				"metricId": uuid.UUID(timeOrdered(at, ids)).String()})
		}
		_, err := writeWithin(ctx, gs, genTxTimeout(3*len(rows)), func(tx neo4j.ManagedTransaction) (struct{}, error) {
			_, err := run(ctx, tx, `
				MATCH (e:Experiment {id: $exp})
				UNWIND $rows AS row
				WITH e, row, row.i AS i, toFloat((row.i * 7919) % 1000) / 1000.0 AS auc
				CREATE (r:Run:Node {id: row.id, projectKey: e.projectKey, experimentId: e.id, name: 'seeded-' + toString(i),
				        displayName: 'seeded-' + toString(i), status: 'FINISHED', startedAt: row.at, endedAt: row.at + duration({seconds: 1}),
				        createdAt: row.at, createdBy: 'storegen', revision: 0,
				        paramKeys: ['lr', 'depth'], paramValues: [['0.1', '0.01', '0.001'][i % 3], toString(i % 10)],
				        tagKeys: ['team'], tagValues: ['risk']})
				CREATE (e)-[:HAS_RUN]->(r)
				CREATE (r)-[:HAS_METRIC]->(m:Metric {id: row.metricId, runId: row.id, projectKey: e.projectKey, key: 'auc',
				        count: 1, chunks: 1, lastChunkSize: 1, latestValue: auc, latestStep: 0, latestTs: row.at.epochMillis})
				CREATE (m)-[:HAS_CHUNK]->(:MetricChunk {metricId: row.metricId, seq: 0, steps: [0], values: [auc], ts: [row.at.epochMillis]})`,
				map[string]any{"exp": experimentID, "rows": rows})
			return struct{}{}, err
		})
		if err != nil {
			return "", err
		}
	}
	return pk, nil
}

// timeOrdered is a UUIDv7 at t with random bits from r.
func timeOrdered(t time.Time, r *rand.Rand) uuid.UUID {
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(t.UnixMilli())<<16)
	binary.BigEndian.PutUint64(b[8:16], r.Uint64())
	b[6] = 0x70 | byte(r.IntN(16))
	b[7] = byte(r.IntN(256))
	b[8] = 0x80 | (b[8] & 0x3f)
	return uuid.UUID(b)
}

// DropSeededRuns deletes the runs SeedRuns wrote into an experiment, with
// their metrics, in batches.
func (gs *Graphs) DropSeededRuns(ctx context.Context, experimentID string) error {
	for {
		n, err := writeWithin(ctx, gs, genTxTimeout(3*seedBatch), func(tx neo4j.ManagedTransaction) (int64, error) {
			recs, err := run(ctx, tx, `
				MATCH (r:Run {experimentId: $exp, createdBy: 'storegen'})
				WITH r LIMIT $batch
				OPTIONAL MATCH (r)-[:HAS_METRIC]->(m:Metric)
				OPTIONAL MATCH (m)-[:HAS_CHUNK]->(c:MetricChunk)
				DETACH DELETE r, m, c
				RETURN count(DISTINCT r) AS n`, map[string]any{"exp": experimentID, "batch": seedBatch})
			if err != nil || len(recs) == 0 {
				return 0, err
			}
			v, _ := recs[0].Get("n")
			n, _ := v.(int64)
			return n, nil
		})
		if err != nil || n == 0 {
			return err
		}
	}
}
