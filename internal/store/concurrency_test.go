package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestConcurrentWritersDoNotDeadlock runs writers that contend for one
// node — a run, a dataset, a model — through a driver that never retries,
// so a deadlock Neo4j detects surfaces as an error instead of a silent,
// slow retry. Each writer locks the node and then adds relationships to
// it, the pattern that deadlocks when the lock is taken by a
// read-modify-write.
func TestConcurrentWritersDoNotDeadlock(t *testing.T) {
	neo4jtest.Store(t)
	d, err := neo4j.NewDriverWithContext(neo4jtest.URI(), neo4j.BasicAuth("neo4j", neo4jtest.Password(), ""),
		func(c *config.Config) { c.MaxTransactionRetryTime = 0 })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(t.Context()) })
	s := store.New(d, "")
	key := newProject(t, s, "contend")
	e := newExperiment(t, s, key)
	run, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: e.ID, Name: "contended"})
	if err != nil {
		t.Fatal(err)
	}
	ds := newDataset(t, s, key, "contended")
	var inputs []string
	for i := range 8 {
		v, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID,
			Version: fmt.Sprintf("in-%d", i), URI: "s3://x", Digest: strings.Repeat(fmt.Sprint(i%10), 64)})
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, v.ID)
	}
	if _, err := s.RegisterModelVersion(t.Context(), actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m"}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	cases := []struct {
		name  string
		write func(i int) error
	}{
		{"metrics of new keys on one run", func(i int) error {
			_, err := s.LogMetrics(t.Context(), run.ID, []store.MetricPoint{{Key: fmt.Sprintf("k%d", i), Value: 1}})
			return err
		}},
		{"inputs of one run", func(i int) error {
			_, err := s.AddRunInputs(t.Context(), actor, run.ID, []string{inputs[i]})
			return err
		}},
		{"versions of one dataset", func(i int) error {
			_, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID,
				Version: fmt.Sprintf("c-%d", i), URI: "s3://x", Digest: strings.Repeat("a", 64)})
			return err
		}},
		{"versions of one model", func(i int) error {
			_, err := s.RegisterModelVersion(t.Context(), actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m"})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			failed := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { failed[i] = c.write(i) })
			}
			wg.Wait()
			for i, err := range failed {
				if err != nil {
					t.Errorf("writer %d: %v", i, err)
				}
			}
		})
	}
	if got := neo4jtest.Count(t, `MATCH (:Run {id: $id})-[:HAS_METRIC]->(m) RETURN count(m) AS n`, map[string]any{"id": run.ID}); got != n {
		t.Errorf("run has %d metric keys, want %d", got, n)
	}
	if got := neo4jtest.Count(t, `MATCH (:Run {id: $id})<-[:CONSUMED_BY]-(v) RETURN count(v) AS n`, map[string]any{"id": run.ID}); got != n {
		t.Errorf("run has %d inputs, want %d", got, n)
	}
}
