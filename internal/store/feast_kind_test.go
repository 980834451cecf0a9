package store

import "testing"

// The kind a dataset's facets give: the strongest Feast facet there, not
// a mention of one inside another facet.
func TestFeastKindOfFacets(t *testing.T) {
	for _, c := range []struct {
		facets string
		want   any
	}{
		{``, nil},
		{`{"schema":{"fields":[]}}`, nil},
		{`{"feast_dataSource":{"name":"s"},"schema":{}}`, "DATA_SOURCE"},
		{`{"documentation":{"description":"a \"feast_featureView\": mention"},"feast_entity":{"name":"e"}}`, "ENTITY"},
		{`{"feast_featureView":{"name":"v"},"schema":{}}`, "FEATURE_VIEW"},
		{`{"feast_dataSource":{"name":"v"},"feast_featureService":{"name":"s"}}`, "FEATURE_SERVICE"},
		{`{"feast_featureView":null}`, nil},
	} {
		if got := feastKindOf(c.facets); got != c.want {
			t.Errorf("feastKindOf(%s) = %v, want %v", c.facets, got, c.want)
		}
	}
}
