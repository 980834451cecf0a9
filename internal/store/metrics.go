package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// A metric series is stored as one Metric node per (run, key) holding the
// latest value and counters, and MetricChunk nodes holding up to chunkSize
// points each as parallel lists. A point per node would cost a node and a
// relationship per point (100,000 points: 200,000 records to write and
// read); chunks make a 100,000-point history 100 records. New points fill
// the last chunk first, so small batches do not leave many small chunks.
const chunkSize = 1000

// MetricPoint is one logged value.
type MetricPoint struct {
	Key       string
	Value     float64
	Step      int64
	Timestamp time.Time
}

// Metric summarises one key of a run.
type Metric struct {
	RunID  string
	Key    string
	Latest MetricPoint
	Count  int64
}

// MetricRef names one series.
type MetricRef struct {
	RunID, Key string
}

func decodeMetric(m map[string]any) (*Metric, error) {
	p := props{m: m}
	v := &Metric{RunID: p.str("runId"), Key: p.str("key"), Count: p.int("count"),
		Latest: MetricPoint{Key: p.str("key"), Value: floatOf(&p, "latestValue"), Step: p.int("latestStep"),
			Timestamp: time.UnixMilli(p.int("latestTs")).UTC()}}
	return v, p.err
}

func floatOf(p *props, key string) float64 {
	v, ok := p.m[key]
	if !ok || v == nil {
		return 0
	}
	f, ok := v.(float64)
	if !ok {
		p.fail(key, "float", v)
	}
	return f
}

// later reports whether a supersedes b as a series' latest point: the
// higher step wins, then the later timestamp, then the later logged.
func later(a, b MetricPoint) bool {
	if a.Step != b.Step {
		return a.Step > b.Step
	}
	return !a.Timestamp.Before(b.Timestamp)
}

// AddMetrics appends points to a run's metric series. Values must be finite
// (NaN and ±Inf are rejected: JSON cannot carry them and they poison
// aggregates); a zero Timestamp means now. It is all or nothing: an invalid
// point rejects the whole call. allow, called with the run as it is under
// its lock, decides whether the call may be written (tracking's rule:
// metrics are logged while the run has not ended); its error is returned
// and nothing is written.
func (s *Store) AddMetrics(ctx context.Context, runID string, points []MetricPoint, allow func(*Run) error) (int, error) {
	if err := checkID("runId", runID, KindRun); err != nil {
		return 0, err
	}
	if len(points) == 0 {
		return 0, invalid("points: at least one point is required")
	}
	mb, err := s.metricBatch(points)
	if err != nil {
		return 0, err
	}
	_, err = write(ctx, s, func(tx *txn) (struct{}, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return struct{}{}, err
		}
		if err := allow(r); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, mb.write(tx, runID)
	})
	if err != nil {
		return 0, err
	}
	return len(points), nil
}

// metricBatch is a checked list of points, by key in first-seen order.
type metricBatch struct {
	byKey map[string][]MetricPoint
	keys  []string
}

// metricBatch checks points (at most MaxPointsPerCall, keys, finite
// values) and stamps those without a time with now.
func (s *Store) metricBatch(points []MetricPoint) (*metricBatch, error) {
	if len(points) > MaxPointsPerCall {
		return nil, invalid("points: at most %d per call, got %d", MaxPointsPerCall, len(points))
	}
	now := s.now().UTC()
	mb := &metricBatch{byKey: map[string][]MetricPoint{}}
	for i, pt := range points {
		if err := checkText("points["+strconv.Itoa(i)+"].key", pt.Key, MaxNameLen, true); err != nil {
			return nil, err
		}
		if math.IsNaN(pt.Value) || math.IsInf(pt.Value, 0) {
			return nil, invalid("points[%d].value: must be a finite number, got %v", i, pt.Value)
		}
		if pt.Timestamp.IsZero() {
			pt.Timestamp = now
		}
		if _, ok := mb.byKey[pt.Key]; !ok {
			mb.keys = append(mb.keys, pt.Key)
		}
		mb.byKey[pt.Key] = append(mb.byKey[pt.Key], pt)
	}
	return mb, nil
}

// mergeSeries is the Cypher that finds or creates the series of the
// batch's $keys on run r, one row per series (m); callers return them.
const mergeSeries = `
		UNWIND $keys AS key
		MERGE (m:Metric {runId: r.id, key: key})
		  ON CREATE SET m.id = randomUUID(), m.projectKey = r.projectKey, m.count = 0, m.chunks = 0, m.lastChunkSize = 0
		MERGE (r)-[:HAS_METRIC]->(m)`

// write appends the batch's points to the run's metrics (the caller holds
// the run's lock).
func (mb *metricBatch) write(tx *txn, runID string) error {
	recs, err := tx.run(`MATCH (r:Run {id: $runId})`+mergeSeries+` RETURN m{.*} AS m`, map[string]any{"runId": runID, "keys": mb.keys})
	if err != nil {
		return err
	}
	series := make([]map[string]any, len(recs))
	for i, rec := range recs {
		if series[i], err = recMap(rec, "m"); err != nil {
			return err
		}
	}
	return mb.append(tx, runID, series)
}

// append writes the batch's points into its series as they are (maps
// of their properties, from mergeSeries).
func (mb *metricBatch) append(tx *txn, runID string, series []map[string]any) error {
	var appends, creates, updates []map[string]any
	for _, mm := range series {
		p := props{m: mm}
		metricID, key := p.str("id"), p.str("key")
		count, chunks, last := p.int("count"), p.int("chunks"), p.int("lastChunkSize")
		cur, err := decodeMetric(mm)
		if err != nil {
			return err
		}
		if p.err != nil {
			return p.err
		}
		// A point identical (step, time, value) to one before it in the
		// batch, or to one of the series' first chunk or last two, is not
		// appended again, as MLflow's server keeps a point once: its client
		// re-sends a step's points when it logs a model (step 0 by
		// default: the series' start, or its end). Only a point that is not
		// later than the series' latest can be one it has, so those chunks
		// are read only then; at most three, whatever the series' length,
		// so no caller can make every write read a whole history.
		pts := mb.byKey[key]
		var had []MetricPoint
		if count > 0 && slices.ContainsFunc(pts, func(pt MetricPoint) bool {
			return pt.Step < cur.Latest.Step || (pt.Step == cur.Latest.Step && !pt.Timestamp.After(cur.Latest.Timestamp))
		}) {
			if had, err = chunkPoints(tx, metricID, []int64{0, chunks - 2, chunks - 1}); err != nil {
				return err
			}
		}
		if pts = samePointsOnce(pts, had); len(pts) == 0 {
			continue
		}
		latest, hasLatest := cur.Latest, count > 0
		for _, pt := range pts {
			if !hasLatest || later(pt, latest) {
				latest, hasLatest = pt, true
			}
		}
		rest := pts
		if chunks > 0 && last < chunkSize {
			n := min(int(chunkSize-last), len(rest))
			appends = append(appends, chunkParams(metricID, chunks-1, rest[:n]))
			last += int64(n)
			rest = rest[n:]
		}
		for len(rest) > 0 {
			n := min(chunkSize, len(rest))
			c := chunkParams(metricID, chunks, rest[:n])
			c["key"] = key
			creates = append(creates, c)
			chunks++
			last = int64(n)
			rest = rest[n:]
		}
		updates = append(updates, map[string]any{"key": key, "count": count + int64(len(pts)), "chunks": chunks,
			"lastChunkSize": last, "latestValue": latest.Value, "latestStep": latest.Step, "latestTs": latest.Timestamp.UnixMilli()})
	}
	if len(updates) == 0 {
		return nil
	}
	// One statement for the three writes: a batch's statements cost a
	// round trip each, about as much as the smaller writes themselves.
	// A nil list is Cypher's null, which UNWIND reads as no rows.
	_, err := tx.run(`
		CALL () {
		  UNWIND $appends AS a
		  MATCH (c:MetricChunk {metricId: a.metricId, seq: a.seq})
		  SET c.steps = c.steps + a.steps, c.values = c.values + a.values, c.ts = c.ts + a.ts
		}
		CALL () {
		  UNWIND $creates AS a
		  MATCH (m:Metric {runId: $runId, key: a.key})
		  CREATE (m)-[:HAS_CHUNK]->(:MetricChunk {metricId: a.metricId, seq: a.seq, steps: a.steps, values: a.values, ts: a.ts})
		}
		UNWIND $updates AS u
		MATCH (m:Metric {runId: $runId, key: u.key})
		SET m.count = u.count, m.chunks = u.chunks, m.lastChunkSize = u.lastChunkSize,
		    m.latestValue = u.latestValue, m.latestStep = u.latestStep, m.latestTs = u.latestTs`,
		map[string]any{"runId": runID, "appends": appends, "creates": creates, "updates": updates})
	return err
}

// chunkPoints reads the points of a series' chunks of those numbers.
func chunkPoints(tx *txn, metricID string, seqs []int64) ([]MetricPoint, error) {
	recs, err := tx.run(`
		MATCH (c:MetricChunk {metricId: $id}) WHERE c.seq IN $seqs
		RETURN c.steps AS steps, c.values AS values, c.ts AS ts ORDER BY c.seq`,
		map[string]any{"id": metricID, "seqs": seqs})
	if err != nil {
		return nil, err
	}
	var out []MetricPoint
	for _, rec := range recs {
		m := rec.AsMap()
		steps, _ := m["steps"].([]any)
		values, _ := m["values"].([]any)
		ts, _ := m["ts"].([]any)
		if len(values) != len(steps) || len(ts) != len(steps) {
			return nil, fmt.Errorf("metric %s: a chunk's steps, values and times differ in length", metricID)
		}
		for i := range steps {
			st, ok1 := steps[i].(int64)
			v, ok2 := values[i].(float64)
			ms, ok3 := ts[i].(int64)
			if !ok1 || !ok2 || !ok3 {
				return nil, fmt.Errorf("metric %s: a chunk holds a point of the wrong type", metricID)
			}
			out = append(out, MetricPoint{Step: st, Value: v, Timestamp: time.UnixMilli(ms)})
		}
	}
	return out, nil
}

// samePointsOnce returns pts without those identical (step, time to the
// millisecond, value) to one of had or to an earlier one of pts.
func samePointsOnce(pts, had []MetricPoint) []MetricPoint {
	type point struct {
		step, ms int64
		value    float64
	}
	key := func(p MetricPoint) point { return point{p.Step, p.Timestamp.UnixMilli(), p.Value} }
	seen := map[point]bool{}
	for _, p := range had {
		seen[key(p)] = true
	}
	out := pts[:0:0]
	for _, p := range pts {
		if k := key(p); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

func chunkParams(metricID string, seq int64, pts []MetricPoint) map[string]any {
	steps, values, ts := make([]int64, len(pts)), make([]float64, len(pts)), make([]int64, len(pts))
	for i, p := range pts {
		steps[i], values[i], ts[i] = p.Step, p.Value, p.Timestamp.UnixMilli()
	}
	return map[string]any{"metricId": metricID, "seq": seq, "steps": steps, "values": values, "ts": ts}
}

// MetricsOfRuns returns the metric summaries of each run, in the order of
// runIDs, each sorted by key.
func (s *Store) MetricsOfRuns(ctx context.Context, runIDs []string) ([][]*Metric, error) {
	return read(ctx, s, func(tx *txn) ([][]*Metric, error) {
		// One record for all runs: Bolt's cost is per record, and a
		// search page asks for 1,000 runs.
		rec, err := tx.single(`
			UNWIND $ids AS id
			WITH DISTINCT id AS rid
			MATCH (:Run {id: rid})-[:HAS_METRIC]->(m:Metric)
			WITH rid, m ORDER BY m.key
			WITH rid, collect(m{.*}) AS metrics
			RETURN collect([rid, metrics]) AS rows`, map[string]any{"ids": runIDs})
		if err != nil {
			return nil, err
		}
		rows, _, err := getList(rec, "rows")
		if err != nil {
			return nil, err
		}
		byRun := make(map[string][]*Metric, len(rows))
		for _, r := range rows {
			pair, ok := r.([]any)
			if !ok || len(pair) != 2 {
				return nil, fmt.Errorf("decode metrics of runs: got %T", r)
			}
			rid, ok := pair[0].(string)
			list, ok2 := pair[1].([]any)
			if !ok || !ok2 {
				return nil, fmt.Errorf("decode metrics of runs: got %T and %T", pair[0], pair[1])
			}
			ms := make([]map[string]any, len(list))
			for i, m := range list {
				if ms[i], ok = m.(map[string]any); !ok {
					return nil, fmt.Errorf("decode metrics of run %s: got %T", rid, m)
				}
			}
			if byRun[rid], err = decodeAll(ms, decodeMetric); err != nil {
				return nil, err
			}
		}
		out := make([][]*Metric, len(runIDs))
		for i, id := range runIDs {
			out[i] = byRun[id]
		}
		return out, nil
	})
}

// MetricHistoryPage returns the points offset to offset+limit of a series
// in the order they were logged, and whether more follow. It reads only
// the chunks that hold them (every chunk but the last holds chunkSize
// points), so paging through a long series costs the same per page.
func (s *Store) MetricHistoryPage(ctx context.Context, ref MetricRef, offset, limit int) ([]MetricPoint, bool, error) {
	if offset < 0 || limit <= 0 {
		return nil, false, invalid("a history page needs offset >= 0 and limit > 0, got %d and %d", offset, limit)
	}
	first, last := int64(offset/chunkSize), int64((offset+limit-1)/chunkSize)
	type page struct {
		pts  []MetricPoint
		more bool
	}
	got, err := read(ctx, s, func(tx *txn) (page, error) {
		recs, err := tx.run(`
			MATCH (m:Metric {runId: $runId, key: $key})
			OPTIONAL MATCH (m)-[:HAS_CHUNK]->(c:MetricChunk) WHERE c.seq >= $first AND c.seq <= $last
			WITH m, c ORDER BY c.seq
			RETURN m.count AS count, collect(c{.steps, .values, .ts}) AS chunks`,
			map[string]any{"runId": ref.RunID, "key": ref.Key, "first": first, "last": last})
		if err != nil || len(recs) == 0 {
			return page{}, err
		}
		count, err := recInt(recs[0], "count")
		if err != nil {
			return page{}, err
		}
		chunks, err := recMaps(recs[0], "chunks")
		if err != nil {
			return page{}, err
		}
		var pts []MetricPoint
		for _, c := range chunks {
			p := props{m: c}
			steps, values, ts := p.ints("steps"), p.floats("values"), p.ints("ts")
			if p.err != nil {
				return page{}, p.err
			}
			for j := range steps {
				if j < len(values) && j < len(ts) {
					pts = append(pts, MetricPoint{Key: ref.Key, Step: steps[j], Value: values[j], Timestamp: time.UnixMilli(ts[j]).UTC()})
				}
			}
		}
		skip := offset - int(first)*chunkSize
		if skip >= len(pts) {
			return page{}, nil
		}
		pts = pts[skip:min(len(pts), skip+limit)]
		return page{pts, int64(offset+len(pts)) < count}, nil
	})
	return got.pts, got.more, err
}

// MetricHistories returns the full history of each series, in logging
// order, in the order of refs.
func (s *Store) MetricHistories(ctx context.Context, refs []MetricRef) ([][]MetricPoint, error) {
	pairs := make([]map[string]any, len(refs))
	for i, r := range refs {
		pairs[i] = map[string]any{"i": i, "runId": r.RunID, "key": r.Key}
	}
	return read(ctx, s, func(tx *txn) ([][]MetricPoint, error) {
		recs, err := tx.run(`
			UNWIND $pairs AS p
			MATCH (m:Metric {runId: p.runId, key: p.key})-[:HAS_CHUNK]->(c:MetricChunk)
			WITH p, c ORDER BY c.seq
			RETURN p.i AS i, collect(c{.steps, .values, .ts}) AS chunks`, map[string]any{"pairs": pairs})
		if err != nil {
			return nil, err
		}
		out := make([][]MetricPoint, len(refs))
		for _, rec := range recs {
			i, err := recInt(rec, "i")
			if err != nil {
				return nil, err
			}
			chunks, err := recMaps(rec, "chunks")
			if err != nil {
				return nil, err
			}
			if i < 0 || int(i) >= len(refs) {
				continue
			}
			var pts []MetricPoint
			for _, c := range chunks {
				p := props{m: c}
				steps, values, ts := p.ints("steps"), p.floats("values"), p.ints("ts")
				if p.err != nil {
					return nil, p.err
				}
				for j := range steps {
					if j < len(values) && j < len(ts) {
						pts = append(pts, MetricPoint{Key: refs[i].Key, Step: steps[j], Value: values[j], Timestamp: time.UnixMilli(ts[j]).UTC()})
					}
				}
			}
			out[i] = pts
		}
		return out, nil
	})
}

// LogMetrics is AddMetrics with no rule: for seeding and test fixtures;
// requests log metrics through internal/tracking, which passes its rule.
func (s *Store) LogMetrics(ctx context.Context, runID string, points []MetricPoint) (int, error) {
	return s.AddMetrics(ctx, runID, points, anyRun)
}
