package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
)

// TestStalledNeo4jFailsAndRecovers: when the network to Neo4j stalls
// (connections stay open and nothing comes back), reads and writes in
// flight end with errs.Unavailable instead of waiting forever, the breaker
// then fails the next ones at once, nothing a failed write sent is
// committed, and once traffic flows again the pool serves requests by
// itself.
func TestStalledNeo4jFailsAndRecovers(t *testing.T) {
	t.Parallel()
	p := neo4jtest.NewProxy(t)
	st := store.New(p.Driver(), "", store.WithTxTimeout(2*time.Second, time.Second))
	key := neo4jtest.Key(t, "stall")
	ctx := context.Background()
	if _, err := st.CreateProject(ctx, "ops", store.CreateProjectInput{Key: key, Name: "Stall"}); err != nil {
		t.Fatal(err)
	}
	exp, err := st.CreateExperiment(ctx, "ops", store.CreateExperimentInput{ProjectKey: key, Name: "before"})
	if err != nil {
		t.Fatal(err)
	}

	p.Hang(true)
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for i := range 4 {
		wg.Go(func() {
			if i%2 == 0 {
				_, err := st.ProjectByKey(ctx, key)
				errc <- err
				return
			}
			_, err := st.StartRun(ctx, "ops", store.StartRunInput{ExperimentID: exp.ID})
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if !errors.Is(err, errs.Unavailable) {
			t.Errorf("a request while Neo4j stalls: got %v, want unavailable", err)
		}
	}
	if st.Reachable() {
		t.Error("the store holds Neo4j reachable after requests went unanswered")
	}

	p.Hang(false)
	recovered := testwait.Until(time.Minute, func() bool {
		_, err := st.ProjectByKey(ctx, key)
		return err == nil
	})
	if !recovered {
		t.Fatal("the store did not recover after traffic flowed again")
	}
	if n := neo4jtest.Count(t, `MATCH (r:Run {experimentId: $e}) RETURN count(r) AS n`, map[string]any{"e": exp.ID}); n != 0 {
		t.Errorf("%d runs started while Neo4j stalled were committed; each request failed", n)
	}
}
