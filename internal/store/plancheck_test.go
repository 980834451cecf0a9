package store_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestPlanCheckReportsScans: a statement that finds metrics by a pair of
// properties no index covers is reported with the label it scans; the same
// statement by the indexed pair is not. Every store neo4jtest makes runs
// with the check, so each statement the suite sends is checked this way.
func TestPlanCheckReportsScans(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	reported := map[string][]store.Scan{}
	st := neo4jtest.Store(t, store.WithPlanCheck(func(cypher string, scans []store.Scan) {
		mu.Lock()
		defer mu.Unlock()
		reported[cypher] = scans
	}))
	// The key makes the statements' text new to this process, which
	// explains each text once.
	key := neo4jtest.Key(t, "plan")
	unindexed := `MATCH (m:Metric {runId: $run, id: $id}) RETURN m.key AS k // ` + key
	indexed := `MATCH (m:Metric {runId: $run, key: $id}) RETURN m.key AS k // ` + key
	for _, c := range []string{unindexed, indexed} {
		if err := st.ReadStatement(t.Context(), c, map[string]any{"run": key, "id": key}); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.ContainsFunc(reported[unindexed], func(s store.Scan) bool {
		return s.Operator == "NodeByLabelScan" && s.Details == "m:Metric"
	}) {
		t.Errorf("the unindexed statement's scans: got %v, want NodeByLabelScan m:Metric", reported[unindexed])
	}
	if s, ok := reported[indexed]; ok {
		t.Errorf("the indexed statement was reported with scans %v", s)
	}
}
