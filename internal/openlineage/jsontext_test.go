package openlineage

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// stdDecode reads body as Parse did before decodeFast: encoding/json with
// UseNumber.
func stdDecode(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// jsonCases are texts decodeFast and the encoder must read and write as
// encoding/json does; some of them decodeFast leaves to encoding/json.
var jsonCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e+10`, `-12.25E-3`, `""`,
	`{"a":1,"a":2}`,
	`{"b":[1,{"z":null,"a":[true,false]}],"a":"x"}`,
	`  {"k" : "v" , "n":[ ] ,"o":{ }}  `,
	`"<a href=\"x\">&amp;</a>"`,
	`"tab\there\nnew\u0001\u001f\u007f\u00e9\u2028\u2029 end"`,
	`"\ud83d\ude00 pair"`, `"\ud83d lone"`, `"\ude00 low"`,
	`"\/ solidus \\ backslash \b\f\r"`,
	"\"raw \xe2\x80\xa8 U+2028 and \xc3\xa9\"",
	"\"bad utf8 \xff\xfe\"",
	`{"é":1,"e":2,"E":3,"_a":4,"~":5}`,
	`[1,2,3,"a",{"x":"y"}]`,
	`12345678901234567890123456789`,
	`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `[1,]`, `{"a":1,}`, `{"a" 1}`,
	`{"a":tru}`, `{"a":nul}`, `"unterminated`, `{"a":"ctl` + "\x01" + `"}`, `"\x"`, `"\u12"`,
	`{"a":1} {"b":2}`, `{"a":1} x`, ``, `   `, "\ufeff{}",
}

func testBodies(t *testing.T) [][]byte {
	t.Helper()
	var bodies [][]byte
	for _, c := range jsonCases {
		bodies = append(bodies, []byte(c))
	}
	files, err := filepath.Glob("testdata/events/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	return bodies
}

func TestDecodeFastAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range testBodies(t) {
		checkDecodeFast(t, body)
	}
}

func checkDecodeFast(t *testing.T, body []byte) {
	t.Helper()
	got, ok := decodeFast(body)
	want, err := stdDecode(body)
	if ok {
		if err != nil {
			t.Fatalf("%q: decodeFast read it, encoding/json says %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: decodeFast read %#v, encoding/json %#v", body, got, want)
		}
		// decodeFast reads one value and nothing after it.
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if _, err := dec.Token(); err != io.EOF {
			t.Fatalf("%q: decodeFast read it as one value, encoding/json finds more: %v", body, err)
		}
	}
	if err != nil {
		return
	}
	wantText, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if gotText := canonicalJSON(want); gotText != string(wantText) {
		t.Fatalf("%q: canonicalJSON wrote\n%s\njson.Marshal\n%s", body, gotText, wantText)
	}
}

// TestFacetTextsAreMarshalled checks that the facets' texts cut out of
// the canonical text are what json.Marshal makes of each facet.
func TestFacetTextsAreMarshalled(t *testing.T) {
	n := 0
	for _, body := range testBodies(t)[len(jsonCases):] {
		e, err := Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := stdDecode(body)
		canonical, _ := json.Marshal(v)
		if e.canonical != string(canonical) {
			t.Fatalf("canonical text differs:\n%s\n%s", e.canonical, canonical)
		}
		all := []map[string]any{e.RunFacet}
		if e.Job != nil {
			all = append(all, e.Job.Facets)
		}
		for _, list := range [][]Dataset{e.Inputs, e.Outputs} {
			for _, d := range list {
				all = append(all, d.Facets, d.IOFacets)
			}
		}
		if e.Dataset != nil {
			all = append(all, e.Dataset.Facets)
		}
		for _, f := range all {
			for name, facet := range f {
				want, _ := json.Marshal(facet)
				if got := e.facetText(facet); got != string(want) {
					t.Errorf("facet %s: got %s, want %s", name, got, want)
				}
				if _, ok := e.spans[mapID(facet.(map[string]any))]; !ok {
					t.Errorf("facet %s: not cut out of the canonical text", name)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no facets in the events of testdata")
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkDecodeFast(t, body) })
}
