package jsonlimit_test

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/jsonlimit"
)

func TestNestedAtMost(t *testing.T) {
	for _, c := range []struct {
		text string
		max  int
		want bool
	}{
		{`1`, 0, true},
		{`[]`, 0, false},
		{`[]`, 1, true},
		{`{"a": [{"b": []}]}`, 4, true},
		{`{"a": [{"b": []}]}`, 3, false},
		{`["[[[[", "{{{{"]`, 1, true},
		{`["\"[[[[", "\\", []]`, 1, false},
		{`["\"[[[[", "\\", []]`, 2, true},
		{`[[], [], [], []]`, 2, true},
		{strings.Repeat("[", 65) + strings.Repeat("]", 65), 64, false},
	} {
		if got := jsonlimit.NestedAtMost([]byte(c.text), c.max); got != c.want {
			t.Errorf("NestedAtMost(%q, %d) = %v, want %v", c.text, c.max, got, c.want)
		}
	}
}

func TestUnmarshalRefusesBeforeDecoding(t *testing.T) {
	nested := func(depth int) []byte {
		return []byte(`{"A": "x", "b": ` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`)
	}
	var v struct{ A string }
	err := jsonlimit.Unmarshal(nested(jsonlimit.MaxDepth+1), &v)
	if err == nil || !strings.Contains(err.Error(), "nested deeper than 64 levels") || v.A != "" {
		t.Fatalf("Unmarshal = %v, decoded %+v; want refused with nothing decoded", err, v)
	}
	if err := jsonlimit.Unmarshal(nested(jsonlimit.MaxDepth), &v); err != nil || v.A != "x" {
		t.Fatalf("Unmarshal = %v, decoded %+v", err, v)
	}
}
