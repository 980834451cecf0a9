package store

import "testing"

func TestQuerySummarySkipsComments(t *testing.T) {
	for _, tc := range []struct{ cypher, want string }{
		{"\n\t\tMATCH (r:Run {id: $id})\n\t\tRETURN r", "MATCH (r:Run {id: $id})"},
		{"// scans Project: few.\n  CALL {\n MATCH (p:Project)", "CALL {"},
		{"// only a comment", ""},
	} {
		if got := querySummary(tc.cypher); got != tc.want {
			t.Errorf("querySummary(%q) = %q, want %q", tc.cypher, got, tc.want)
		}
	}
}
