package neo4jtest

import (
	"testing"

	"github.com/exphub/exphub/internal/store"
)

func TestScannableNeedsTheStatementToSayWhy(t *testing.T) {
	label := store.Scan{Operator: "NodeByLabelScan", Details: "p:Project"}
	rel := store.Scan{Operator: "DirectedRelationshipTypeScan", Details: "(anon_0)-[e:FEEDS]->(o)"}
	for _, tc := range []struct {
		cypher string
		scan   store.Scan
		want   bool
	}{
		{"MATCH (p:Project) RETURN p", label, false},
		{"// scans Project: few.\nMATCH (p:Project) RETURN p", label, true},
		{"// scans ProjectX: few.\nMATCH (p:Project) RETURN p", label, false},
		{"// scans Run: other.\nMATCH (p:Project) RETURN p", label, false},
		{"MATCH ()-[e:FEEDS]->(o) DELETE e", rel, false},
		{"// scans FEEDS: a migration.\nMATCH ()-[e:FEEDS]->(o) DELETE e", rel, true},
		{"// scans : nothing named.\nMATCH (n) RETURN n", store.Scan{Operator: "AllNodesScan", Details: "n"}, false},
	} {
		if got := scannable(tc.cypher, tc.scan); got != tc.want {
			t.Errorf("scannable(%q, %v) = %v, want %v", tc.cypher, tc.scan, got, tc.want)
		}
	}
}
