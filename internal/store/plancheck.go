package store

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Scan is an operator of a statement's plan that reads every node of a
// label, every node, or every relationship of a type: its cost grows with
// the graph, not with the answer.
type Scan struct {
	// Operator is the plan operator's name (NodeByLabelScan, AllNodesScan,
	// DirectedRelationshipTypeScan, …); Details is what Neo4j says it
	// scans ("n:Metric").
	Operator, Details string
}

// scanOperators are the operators a Scan reports.
var scanOperators = map[string]bool{
	"NodeByLabelScan":                true,
	"AllNodesScan":                   true,
	"DirectedRelationshipTypeScan":   true,
	"UndirectedRelationshipTypeScan": true,
	"DirectedAllRelationshipsScan":   true,
	"UndirectedAllRelationshipsScan": true,
	"UnionNodeByLabelsScan":          true,
	"IntersectionNodeByLabelsScan":   true,
}

// explained holds the statements already explained in this process: a
// statement's plan depends on its text and the schema, not on the store
// that sends it.
var explained sync.Map

// WithPlanCheck makes the store ask Neo4j for the plan of every distinct
// statement it sends, once per process (EXPLAIN, which runs nothing), and
// call report with the statement and the scans its plan holds, when it
// holds any. It is for tests: a statement that finds a node by a property
// without an index reads every node of the label, so its cost grows with
// the graph, and a small test graph hides it.
func WithPlanCheck(report func(cypher string, scans []Scan)) Option {
	return func(s *Store) { s.planCheck = report }
}

// checkPlan explains cypher, unless it was explained before, and reports
// its scans.
func (s *Store) checkPlan(ctx context.Context, cypher string, params map[string]any) {
	if _, seen := explained.LoadOrStore(cypher, true); seen {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "EXPLAIN "+cypher, params,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.database))
	if err != nil {
		explained.Delete(cypher) // explained again by the next caller
		return
	}
	var scans []Scan
	var walk func(p neo4j.Plan)
	walk = func(p neo4j.Plan) {
		if p == nil {
			return
		}
		op, _, _ := strings.Cut(p.Operator(), "@")
		if scanOperators[op] {
			d, _ := p.Arguments()["Details"].(string)
			scans = append(scans, Scan{Operator: op, Details: d})
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(res.Summary.Plan())
	if len(scans) > 0 {
		s.planCheck(cypher, scans)
	}
}
