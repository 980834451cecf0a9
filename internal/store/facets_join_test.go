package store

import (
	"encoding/json"
	"testing"
)

// TestJoinFacetsIsMarshal: the facets object is the bytes json.Marshal
// writes for it, for texts as json.Marshal writes them (escaped HTML,
// unicode, nested objects, keys that need escaping).
func TestJoinFacetsIsMarshal(t *testing.T) {
	text := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, facets := range []map[string]json.RawMessage{
		{},
		{"schema": text(map[string]any{"fields": []any{map[string]any{"name": "id", "type": "BIGINT"}}})},
		{"sql": text(map[string]any{"query": "SELECT a<b && c>d FROM t WHERE x = 'é\u2028'"}), "documentation": text(map[string]any{"description": "\"quoted\"\n"}),
			"a\"b<c>": text([]any{1.5, nil, true}), "Z": text("z"), "_producer": text(map[string]any{"nested": map[string]any{"k": []int{1, 2}}})},
	} {
		want, err := json.Marshal(facets)
		if err != nil {
			t.Fatal(err)
		}
		if got := joinFacets(facets); got != string(want) {
			t.Errorf("joinFacets:\n got %s\nwant %s", got, want)
		}
	}
	// mergeFacets keeps what it did: an update replaces, an empty text
	// deletes, the same text changes nothing.
	stored := joinFacets(map[string]json.RawMessage{"a": text(1), "b": text("x")})
	got, changed, err := mergeFacets(stored, Facets{"b": "", "c": string(text([]int{2}))})
	if err != nil || !changed || got != `{"a":1,"c":[2]}` {
		t.Errorf("mergeFacets: %s %v %v", got, changed, err)
	}
	if again, changed, err := mergeFacets(got, Facets{"a": "1"}); err != nil || changed || again != got {
		t.Errorf("mergeFacets with the same text: %s %v %v", again, changed, err)
	}
	// A producer sending what the store holds changes nothing, also when
	// the stored object is recognised without decoding it; any other
	// update gives what decoding, applying and encoding gives.
	held := joinFacets(map[string]json.RawMessage{"a": text(1), "ab": text("x"), "schema": text(map[string]any{"f": []int{1}})})
	for _, update := range []Facets{
		{"a": "1", "ab": `"x"`, "schema": `{"f":[1]}`},
		{"a": "1", "ab": `"x"`},
		{"a": "1", "ab": `"y"`, "schema": `{"f":[1]}`},
		{"a": "1", "ab": `"x"`, "schema": `{"f":[1]}`, "z": "null"},
		{"ab": `"x"`, "schema": ""},
		{"a": "2"},
	} {
		cur := map[string]json.RawMessage{}
		if err := json.Unmarshal([]byte(held), &cur); err != nil {
			t.Fatal(err)
		}
		for k, v := range update {
			if v == "" {
				delete(cur, k)
			} else {
				cur[k] = json.RawMessage(v)
			}
		}
		want := string(text(cur))
		got, changed, err := mergeFacets(held, update)
		if err != nil || got != want || changed != (want != held) {
			t.Errorf("mergeFacets(%s, %v) = %s changed %v (%v); want %s", held, update, got, changed, err, want)
		}
	}
}
