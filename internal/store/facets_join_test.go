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

// TestSplitFacets: the members splitFacets reads are the ones
// json.Unmarshal reads, for objects joinFacets writes (strings holding
// braces, commas, quotes and escapes, keys that need escaping, nesting);
// text that is not such an object is left to json.Unmarshal.
func TestSplitFacets(t *testing.T) {
	for _, facets := range []map[string]any{
		{},
		{"a": 1},
		{"s": `a "quoted", {braced} [text]\ with \u2028 and é`, "n": nil, "t": true, "x": -1.5e3},
		{`k"ey\`: map[string]any{"deep": []any{map[string]any{"}": "{"}, []any{}, "],"}}, "e": map[string]any{}},
		{"schema": map[string]any{"fields": []any{map[string]any{"name": "a,b", "type": "STRUCT<x:INT>"}}}, "sql": map[string]any{"query": "SELECT '}' , \"x\""}},
	} {
		raw := map[string]json.RawMessage{}
		for k, v := range facets {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			raw[k] = b
		}
		text := joinFacets(raw)
		want := map[string]json.RawMessage{}
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Fatal(err)
		}
		got, ok := splitFacets(text)
		if !ok || len(got) != len(want) {
			t.Fatalf("splitFacets(%s) = %v, %v; want %v", text, got, ok, want)
		}
		for k, v := range want {
			if string(got[k]) != string(v) {
				t.Errorf("splitFacets(%s)[%q] = %s, want %s", text, k, got[k], v)
			}
		}
	}
	for _, bad := range []string{`{"a":1,}`, `{"a":}`, `{"a"1}`, `{a:1}`, `{"a":{"b":1}`, `{"a":"x}`, `[1]`, `{`} {
		if got, ok := splitFacets(bad); ok {
			t.Errorf("splitFacets(%s) = %v, true; want false", bad, got)
		}
	}
}
