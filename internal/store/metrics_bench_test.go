package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

const (
	benchPoints = 100_000
	benchBatch  = 1_000
)

// benchBatches returns one 100,000-point series of key "loss" cut into
// batches of 1,000, in logging order.
func benchBatches() [][]store.MetricPoint {
	out := make([][]store.MetricPoint, 0, benchPoints/benchBatch)
	for b := range benchPoints / benchBatch {
		batch := make([]store.MetricPoint, benchBatch)
		for j := range batch {
			i := b*benchBatch + j
			batch[j] = store.MetricPoint{Key: "loss", Value: 1 / float64(i+1), Step: int64(i), Timestamp: t0.Add(time.Duration(i) * time.Millisecond)}
		}
		out = append(out, batch)
	}
	return out
}

func benchRun(b *testing.B, s *store.Store) string {
	b.Helper()
	e := newExperiment(b, s, newProject(b, s, "bench"))
	r, err := s.StartRun(b.Context(), actor, store.StartRunInput{ExperimentID: e.ID})
	if err != nil {
		b.Fatal(err)
	}
	return r.ID
}

func benchWrite(b *testing.B, s *store.Store, runID string, batches [][]store.MetricPoint) {
	b.Helper()
	for _, batch := range batches {
		if _, err := s.LogMetrics(b.Context(), runID, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMetricHistory100k measures the store's chunked metric layout
// for one 100,000-point series: "write" logs it in 100 LogMetrics calls of
// 1,000 points into a fresh run, "read" fetches the whole history in one
// MetricHistories call. "naive-node-per-point" measures the same two steps
// for the layout the store rejected (a node and a relationship per point),
// with raw Cypher, so bench/README.md can state the ratio.
func BenchmarkMetricHistory100k(b *testing.B) {
	s := neo4jtest.Store(b)
	batches := benchBatches()

	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			runID := benchRun(b, s)
			b.StartTimer()
			benchWrite(b, s, runID, batches)
		}
		reportPoints(b)
	})

	// MLflow's log-batch: the same batches through LogRunBatch, each
	// with its fingerprint recorded, as a retry's check needs.
	b.Run("write-log-batch", func(b *testing.B) {
		allow := func(*store.Run) error { return nil }
		for b.Loop() {
			b.StopTimer()
			runID := benchRun(b, s)
			b.StartTimer()
			for i, batch := range batches {
				if _, err := s.LogRunBatch(b.Context(), runID, store.RunBatch{Metrics: batch, Fingerprint: fmt.Sprintf("%064x", i)}, allow); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportPoints(b)
	})

	b.Run("read", func(b *testing.B) {
		runID := benchRun(b, s)
		benchWrite(b, s, runID, batches)
		for b.Loop() {
			hs, err := s.MetricHistories(b.Context(), []store.MetricRef{{RunID: runID, Key: "loss"}})
			if err != nil {
				b.Fatal(err)
			}
			if len(hs[0]) != benchPoints || hs[0][benchPoints-1].Step != benchPoints-1 {
				b.Fatalf("read %d points", len(hs[0]))
			}
		}
		reportPoints(b)
	})

	// The rejected alternative, kept only as a baseline: one
	// (:Run)-[:HAS_NAIVE_POINT]->(:NaiveMetricPoint) per point, written
	// with UNWIND in batches of 1,000 and read back ORDER BY step.
	b.Run("naive-node-per-point", func(b *testing.B) {
		d := neo4jtest.Driver(b)
		b.Run("write", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				runID := benchRun(b, s)
				b.Cleanup(func() { naiveDelete(b, d, runID) })
				b.StartTimer()
				naiveWrite(b, d, runID, batches)
			}
			reportPoints(b)
		})
		b.Run("read", func(b *testing.B) {
			runID := benchRun(b, s)
			b.Cleanup(func() { naiveDelete(b, d, runID) })
			naiveWrite(b, d, runID, batches)
			for b.Loop() {
				pts := naiveRead(b, d, runID)
				if len(pts) != benchPoints || pts[benchPoints-1].Step != benchPoints-1 {
					b.Fatalf("read %d points", len(pts))
				}
			}
			reportPoints(b)
		})
	})
}

func reportPoints(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(benchPoints)*float64(b.N)/s, "points/s")
	}
}

func naiveWrite(b *testing.B, d neo4j.DriverWithContext, runID string, batches [][]store.MetricPoint) {
	b.Helper()
	ctx := b.Context()
	sess := d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	for _, batch := range batches {
		pts := make([]map[string]any, len(batch))
		for i, p := range batch {
			pts[i] = map[string]any{"step": p.Step, "value": p.Value, "ts": p.Timestamp.UnixMilli()}
		}
		_, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, `
				MATCH (r:Run {id: $runId})
				UNWIND $points AS p
				CREATE (r)-[:HAS_NAIVE_POINT]->(:NaiveMetricPoint {key: $key, step: p.step, value: p.value, ts: p.ts})`,
				map[string]any{"runId": runID, "key": "loss", "points": pts})
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func naiveRead(b *testing.B, d neo4j.DriverWithContext, runID string) []store.MetricPoint {
	b.Helper()
	ctx := b.Context()
	sess := d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer sess.Close(context.WithoutCancel(ctx))
	pts, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) ([]store.MetricPoint, error) {
		res, err := tx.Run(ctx, `
			MATCH (:Run {id: $runId})-[:HAS_NAIVE_POINT]->(p:NaiveMetricPoint {key: $key})
			RETURN p.step AS step, p.value AS value, p.ts AS ts ORDER BY step`,
			map[string]any{"runId": runID, "key": "loss"})
		if err != nil {
			return nil, err
		}
		out := make([]store.MetricPoint, 0, benchPoints)
		for res.Next(ctx) {
			rec := res.Record()
			step, _, err1 := neo4j.GetRecordValue[int64](rec, "step")
			value, _, err2 := neo4j.GetRecordValue[float64](rec, "value")
			ts, _, err3 := neo4j.GetRecordValue[int64](rec, "ts")
			for _, err := range []error{err1, err2, err3} {
				if err != nil {
					return nil, err
				}
			}
			out = append(out, store.MetricPoint{Key: "loss", Step: step, Value: value, Timestamp: time.UnixMilli(ts).UTC()})
		}
		return out, res.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	return pts
}

// naiveDelete removes a run's baseline points, in batches, so the shared
// test database does not keep 100,000 nodes per benchmark iteration of a
// layout the store never uses.
func naiveDelete(b *testing.B, d neo4j.DriverWithContext, runID string) {
	ctx := context.Background()
	for {
		res, err := neo4j.ExecuteQuery(ctx, d, `
			MATCH (:Run {id: $runId})-[:HAS_NAIVE_POINT]->(p:NaiveMetricPoint)
			WITH p LIMIT 10000 DETACH DELETE p RETURN count(*) AS n`,
			map[string]any{"runId": runID}, neo4j.EagerResultTransformer)
		if err != nil {
			b.Errorf("delete baseline points: %v", err)
			return
		}
		n, _, err := neo4j.GetRecordValue[int64](res.Records[0], "n")
		if err != nil || n == 0 {
			return
		}
	}
}
