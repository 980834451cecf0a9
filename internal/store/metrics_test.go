package store_test

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// countMetricNodes counts the Metric and MetricChunk nodes of a run.
func countMetricNodes(t testing.TB, runID string) int64 {
	t.Helper()
	return neo4jtest.Count(t, `
		OPTIONAL MATCH (m:Metric {runId: $id})
		OPTIONAL MATCH (m)-[:HAS_CHUNK]->(c:MetricChunk)
		RETURN count(DISTINCT m) + count(c) AS n`, map[string]any{"id": runID})
}

// chunkStats returns how many chunks a series has and how many of them
// hold more than 1000 points.
func chunkStats(t testing.TB, runID, key string) (chunks, oversized int64) {
	t.Helper()
	p := map[string]any{"id": runID, "key": key}
	chunks = neo4jtest.Count(t, `MATCH (:Metric {runId: $id, key: $key})-[:HAS_CHUNK]->(c:MetricChunk) RETURN count(c) AS n`, p)
	oversized = neo4jtest.Count(t, `MATCH (:Metric {runId: $id, key: $key})-[:HAS_CHUNK]->(c:MetricChunk)
		WHERE size(c.values) > 1000 OR size(c.steps) <> size(c.values) OR size(c.ts) <> size(c.values) RETURN count(c) AS n`, p)
	return chunks, oversized
}

func history(t testing.TB, s *store.Store, runID, key string) []store.MetricPoint {
	t.Helper()
	hs, err := s.MetricHistories(t.Context(), []store.MetricRef{{RunID: runID, Key: key}})
	if err != nil {
		t.Fatalf("history of %s: %v", key, err)
	}
	return hs[0]
}

func summary(t testing.TB, s *store.Store, runID, key string) *store.Metric {
	t.Helper()
	ms, err := s.MetricsOfRuns(t.Context(), []string{runID})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[0] {
		if m.Key == key {
			return m
		}
	}
	t.Fatalf("run %s has no metric %q", runID, key)
	return nil
}

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func TestLogMetricsRejectsNonFiniteValues(t *testing.T) {
	s := neo4jtest.Store(t)
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, at := range []int{0, 2} {
			t.Run(fmt.Sprintf("%v at %d", bad, at), func(t *testing.T) {
				r := runAt(t, s, store.StatusRunning)
				pts := []store.MetricPoint{{Key: "auc", Value: 0.5, Step: 1}, {Key: "loss", Value: 1, Step: 1}, {Key: "auc", Value: 0.6, Step: 2}}
				pts[at].Value = bad
				_, err := s.LogMetrics(t.Context(), r.ID, pts)
				wantInvalidField(t, err, "points["+strconv.Itoa(at)+"].value")
				if n := countMetricNodes(t, r.ID); n != 0 {
					t.Fatalf("%d metric nodes written", n)
				}
				// The same batch with a finite value is written, so the
				// count above would have seen it.
				pts[at].Value = 0.7
				if _, err := s.LogMetrics(t.Context(), r.ID, pts); err != nil {
					t.Fatal(err)
				}
				if n := countMetricNodes(t, r.ID); n != 4 {
					t.Fatalf("%d metric nodes after a good batch, want 2 metrics + 2 chunks", n)
				}
			})
		}
	}
	t.Run("existing series unchanged", func(t *testing.T) {
		r := runAt(t, s, store.StatusRunning)
		good := []store.MetricPoint{{Key: "auc", Value: 0.5, Step: 1, Timestamp: t0}}
		if _, err := s.LogMetrics(t.Context(), r.ID, good); err != nil {
			t.Fatal(err)
		}
		_, err := s.LogMetrics(t.Context(), r.ID, []store.MetricPoint{{Key: "auc", Value: 0.9, Step: 9}, {Key: "auc", Value: math.NaN(), Step: 10}})
		wantInvalidField(t, err, "points[1].value")
		if h := history(t, s, r.ID, "auc"); len(h) != 1 || h[0] != (store.MetricPoint{Key: "auc", Value: 0.5, Step: 1, Timestamp: t0}) {
			t.Fatalf("history after a rejected batch: %v", h)
		}
		if m := summary(t, s, r.ID, "auc"); m.Count != 1 || m.Latest.Step != 1 {
			t.Fatalf("summary after a rejected batch: %+v", m)
		}
	})
}

func TestLatestMetricIsHighestStepThenLatestTimestamp(t *testing.T) {
	s := neo4jtest.Store(t)
	p := func(step int64, v float64, ts time.Duration) store.MetricPoint {
		return store.MetricPoint{Key: "m", Value: v, Step: step, Timestamp: t0.Add(ts)}
	}
	cases := []struct {
		name    string
		batches [][]store.MetricPoint
		want    store.MetricPoint
	}{
		{"higher step logged first wins", [][]store.MetricPoint{{p(10, 1, 0)}, {p(5, 2, time.Hour)}}, p(10, 1, 0)},
		{"higher step logged later wins", [][]store.MetricPoint{{p(5, 1, time.Hour)}, {p(10, 2, 0)}}, p(10, 2, 0)},
		{"same step: later timestamp logged first wins", [][]store.MetricPoint{{p(5, 1, time.Minute)}, {p(5, 2, 0)}}, p(5, 1, time.Minute)},
		{"same step: later timestamp logged later wins", [][]store.MetricPoint{{p(5, 1, 0)}, {p(5, 2, time.Minute)}}, p(5, 2, time.Minute)},
		{"same step and timestamp: logged later wins", [][]store.MetricPoint{{p(4, 1, 0)}, {p(4, 2, 0)}}, p(4, 2, 0)},
		{"within one batch", [][]store.MetricPoint{{p(3, 1, 0), p(7, 2, 0), p(7, 3, -time.Second), p(6, 4, time.Hour)}}, p(7, 2, 0)},
		{"within one batch, tie on step", [][]store.MetricPoint{{p(7, 1, 0), p(7, 2, time.Millisecond), p(2, 3, time.Hour)}}, p(7, 2, time.Millisecond)},
		{"negative steps", [][]store.MetricPoint{{p(-5, 1, 0), p(-1, 2, -time.Hour), p(-3, 3, time.Hour)}}, p(-1, 2, -time.Hour)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, store.StatusRunning)
			n := 0
			for _, b := range c.batches {
				if _, err := s.LogMetrics(t.Context(), r.ID, b); err != nil {
					t.Fatal(err)
				}
				n += len(b)
			}
			m := summary(t, s, r.ID, "m")
			if m.Latest != c.want {
				t.Fatalf("latest = %+v, want %+v", m.Latest, c.want)
			}
			if m.Count != int64(n) {
				t.Fatalf("count = %d, want %d", m.Count, n)
			}
		})
	}
}

func TestMetricHistoryAcrossChunks(t *testing.T) {
	s := neo4jtest.Store(t)
	cases := []struct {
		name       string
		batches    []int
		wantChunks int64
	}{
		{"700+700+5", []int{700, 700, 5}, 2},
		{"1000+1", []int{1000, 1}, 2},
		{"1+999+1", []int{1, 999, 1}, 2},
		{"999+2+999", []int{999, 2, 999}, 2},
		{"2500 in one call", []int{2500}, 3},
		{"the per-call maximum", []int{store.MaxPointsPerCall}, 10},
		{"many small batches", []int{3, 3, 3, 3, 3, 3, 3}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := runAt(t, s, store.StatusRunning)
			total := 0
			for _, n := range c.batches {
				total += n
			}
			// Steps run backwards and values count up, so a history sorted
			// by step instead of kept in logging order would show.
			var want []store.MetricPoint
			for _, n := range c.batches {
				var batch []store.MetricPoint
				for range n {
					i := len(want)
					pt := store.MetricPoint{Key: "loss", Value: float64(i) / 4, Step: int64(total - i), Timestamp: t0.Add(time.Duration(i) * time.Millisecond)}
					batch = append(batch, pt)
					want = append(want, pt)
				}
				if _, err := s.LogMetrics(t.Context(), r.ID, batch); err != nil {
					t.Fatal(err)
				}
			}
			got := history(t, s, r.ID, "loss")
			if len(got) != total {
				t.Fatalf("history has %d points, want %d", len(got), total)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("point %d = %+v, want %+v", i, got[i], want[i])
				}
			}
			chunks, oversized := chunkStats(t, r.ID, "loss")
			if oversized != 0 {
				t.Fatalf("%d chunks hold more than 1000 points", oversized)
			}
			if chunks != c.wantChunks {
				t.Fatalf("%d chunks, want %d", chunks, c.wantChunks)
			}
			if m := summary(t, s, r.ID, "loss"); m.Count != int64(total) || m.Latest != want[0] {
				t.Fatalf("summary %+v, want count %d and latest %+v", m, total, want[0])
			}
		})
	}
}

func TestMetricHistoriesKeepKeysAndRefOrder(t *testing.T) {
	s := neo4jtest.Store(t)
	r1 := runAt(t, s, store.StatusRunning)
	r2 := runAt(t, s, store.StatusRunning)
	// Interleaved keys in one batch, 1,500 points each, so both cross a
	// chunk boundary in the same call.
	var batch []store.MetricPoint
	for i := range 1500 {
		batch = append(batch, store.MetricPoint{Key: "acc", Value: float64(i), Step: int64(i), Timestamp: t0},
			store.MetricPoint{Key: "loss", Value: -float64(i), Step: int64(i), Timestamp: t0})
	}
	if _, err := s.LogMetrics(t.Context(), r1.ID, batch); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogMetrics(t.Context(), r2.ID, []store.MetricPoint{{Key: "acc", Value: 42, Step: 0, Timestamp: t0}}); err != nil {
		t.Fatal(err)
	}
	refs := []store.MetricRef{{RunID: r2.ID, Key: "acc"}, {RunID: r1.ID, Key: "missing"}, {RunID: r1.ID, Key: "loss"}, {RunID: r1.ID, Key: "acc"}}
	hs, err := s.MetricHistories(t.Context(), refs)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		got   []store.MetricPoint
		key   string
		n     int
		value func(i int) float64
	}{
		{"r2 acc", hs[0], "acc", 1, func(int) float64 { return 42 }},
		{"r1 missing", hs[1], "missing", 0, nil},
		{"r1 loss", hs[2], "loss", 1500, func(i int) float64 { return -float64(i) }},
		{"r1 acc", hs[3], "acc", 1500, func(i int) float64 { return float64(i) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if len(c.got) != c.n {
				t.Fatalf("%d points, want %d", len(c.got), c.n)
			}
			for i, p := range c.got {
				if p.Value != c.value(i) || p.Step != int64(i) || p.Key != c.key {
					t.Fatalf("point %d = %+v", i, p)
				}
			}
		})
	}
	t.Run("summaries", func(t *testing.T) {
		ms, err := s.MetricsOfRuns(t.Context(), []string{r2.ID, r1.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms[0]) != 1 || ms[0][0].Count != 1 || len(ms[1]) != 2 || ms[1][0].Key != "acc" || ms[1][1].Key != "loss" || ms[1][1].Count != 1500 {
			t.Fatalf("summaries out of order or wrong: %+v / %+v", ms[0], ms[1])
		}
	})
}

func TestLogMetricsRejectsTooManyPoints(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, store.StatusRunning)
	for _, n := range []int{0, store.MaxPointsPerCall + 1} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			pts := make([]store.MetricPoint, n)
			for i := range pts {
				pts[i] = store.MetricPoint{Key: "k", Value: 1, Step: int64(i)}
			}
			_, err := s.LogMetrics(t.Context(), r.ID, pts)
			wantInvalidField(t, err, "points")
			if c := countMetricNodes(t, r.ID); c != 0 {
				t.Fatalf("%d metric nodes written", c)
			}
		})
	}
}

func TestMetricHistory100kPoints(t *testing.T) {
	s := neo4jtest.Store(t)
	r := runAt(t, s, store.StatusRunning)
	const batches, per = 100, 1000
	for b := range batches {
		batch := make([]store.MetricPoint, per)
		for j := range batch {
			i := b*per + j
			batch[j] = store.MetricPoint{Key: "loss", Value: 1 / float64(i+1), Step: int64(i), Timestamp: t0.Add(time.Duration(i) * time.Millisecond)}
		}
		if _, err := s.LogMetrics(t.Context(), r.ID, batch); err != nil {
			t.Fatalf("batch %d: %v", b, err)
		}
	}
	got := history(t, s, r.ID, "loss")
	checks := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"complete and in order", func(t *testing.T) {
			if len(got) != batches*per {
				t.Fatalf("%d points, want %d", len(got), batches*per)
			}
			for i, p := range got {
				if p.Step != int64(i) || p.Value != 1/float64(i+1) || !p.Timestamp.Equal(t0.Add(time.Duration(i)*time.Millisecond)) {
					t.Fatalf("point %d = %+v", i, p)
				}
			}
		}},
		{"chunks", func(t *testing.T) {
			chunks, oversized := chunkStats(t, r.ID, "loss")
			if chunks != batches || oversized != 0 {
				t.Fatalf("%d chunks (%d oversized), want %d full ones", chunks, oversized, batches)
			}
		}},
		{"summary", func(t *testing.T) {
			m := summary(t, s, r.ID, "loss")
			if m.Count != batches*per || m.Latest.Step != batches*per-1 {
				t.Fatalf("summary %+v", m)
			}
		}},
	}
	for _, c := range checks {
		t.Run(c.name, c.fn)
	}
}

// MetricsOfRuns answers in the order asked, each run's metrics by key, a
// run without metrics (or unknown) with none, and a run asked twice twice.
func TestMetricsOfRunsInOrder(t *testing.T) {
	s := neo4jtest.Store(t)
	a, b, none := runAt(t, s, store.StatusRunning), runAt(t, s, store.StatusRunning), runAt(t, s, store.StatusRunning)
	for _, l := range []struct {
		run  *store.Run
		keys []string
	}{{a, []string{"loss", "auc"}}, {b, []string{"f1"}}} {
		var pts []store.MetricPoint
		for i, k := range l.keys {
			pts = append(pts, store.MetricPoint{Key: k, Value: float64(i), Step: 1, Timestamp: t0})
		}
		if _, err := s.LogMetrics(t.Context(), l.run.ID, pts); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := s.MetricsOfRuns(t.Context(), []string{b.ID, none.ID, a.ID, "run-unknown", b.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, run := range ms {
		keys := ""
		for _, m := range run {
			keys += m.Key + " "
		}
		got = append(got, keys)
	}
	if want := []string{"f1 ", "", "auc loss ", "", "f1 "}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("metrics by run %q, want %q", got, want)
	}
}
