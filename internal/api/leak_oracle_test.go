// The leak oracle: secrets of H searched for in every answer, findings
// de-duplicated by field and kind of secret, tallies per root field, and the
// final report.

package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// leakStats counts a root field's operations.
type leakStats struct {
	ops, ok  int
	codes    map[string]int
	examples map[string]string // an error message per code
	dur      time.Duration
}

// leakFinding is one leak: a field (or a path inside a JSON value) that
// carried a secret, de-duplicated by field and kind of secret.
type leakFinding struct {
	field, kind, value, in string
	example                string // the first operation and path that showed it
	roots, roles           map[string]bool
	count                  int
}

// leakOracle looks for H's secrets in responses and keeps the tallies.
// It is safe for concurrent use.
type leakOracle struct {
	s       *ast.Schema
	secrets []*leakSecret // longest first

	mu      sync.Mutex
	leaks   map[string]*leakFinding
	stats   map[string]*leakStats
	badDocs []string // operations refused as malformed or too large
}

// leakCtx says what a response answered.
type leakCtx struct {
	where    string // Query.node, Subscription.events, or a hand-written check
	rootType string // the named type of data.r; "" walks untyped
	desc     string // the arguments
	role     string
	// known are the secrets the caller sent: an error message that
	// repeats the caller's own argument tells it nothing.
	known map[*leakSecret]bool
}

var (
	leakIndex  = regexp.MustCompile(`\[\d+\]`)
	leakCursor = regexp.MustCompile(`"(?:[A-Za-z]+__)?(?:cursor|endCursor)":"([A-Za-z0-9_-]+)"`)
)

// known returns the secrets held by an operation's variables.
func (o *leakOracle) known(vars map[string]any) map[*leakSecret]bool {
	b, _ := json.Marshal(vars)
	out := map[*leakSecret]bool{}
	for _, s := range o.secrets {
		if bytes.Contains(b, s.b) {
			out[s] = true
		}
	}
	return out
}

// leakDecodeCursor returns what an opaque page cursor holds, or "".
func leakDecodeCursor(s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !json.Valid(b) {
		return ""
	}
	return string(b)
}

// check reports every secret in raw, a response body or a websocket
// message's payload; page cursors are decoded and looked into too.
func (o *leakOracle) check(c leakCtx, raw []byte) {
	hit := false
	for _, s := range o.secrets {
		if bytes.Contains(raw, s.b) {
			hit = true
			break
		}
	}
	for _, m := range leakCursor.FindAllSubmatch(raw, -1) {
		if d := leakDecodeCursor(string(m[1])); d != "" {
			for _, s := range o.secrets {
				if strings.Contains(d, s.value) {
					hit = true
				}
			}
		}
	}
	if !hit {
		return
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		o.visit(c, "(body)", "(body)", string(raw))
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if data, ok := x.(map[string]any); k == "data" && ok {
				for dk, dx := range data {
					switch {
					case dk == "r" && c.rootType != "":
						o.walk(c, dx, c.rootType, c.rootType, "data.r")
					case dk == "r":
						o.walk(c, dx, "", c.where, "data.r") // a JSON root field: Query.evidencePack…
					default:
						o.walk(c, dx, "", "Query."+dk, "data."+dk)
					}
				}
				continue
			}
			o.walk(c, x, "", k, k)
		}
	default: // an error message of a subscription: a list of errors
		o.walk(c, v, "", "errors", "errors")
	}
}

// walk visits the strings of x. typ is x's GraphQL type while the walk
// follows the selection (aliases Type__field name their type); inside a
// JSON value, or an untyped answer, label grows by the keys.
func (o *leakOracle) walk(c leakCtx, x any, typ, label, path string) {
	switch x := x.(type) {
	case []any:
		for i, e := range x {
			o.walk(c, e, typ, label, fmt.Sprintf("%s[%d]", path, i))
		}
	case map[string]any:
		for k, e := range x {
			if typ == "" {
				o.visit(c, label+".{key}", path+".{key}", k)
				o.walk(c, e, "", label+"."+k, path+"."+k)
				continue
			}
			parent, field := typ, k
			if i := strings.Index(k, "__"); i > 0 {
				parent, field = k[:i], k[i+2:]
			}
			if field == "__typename" {
				continue
			}
			next := ""
			if d := o.s.Types[parent]; d != nil {
				if fd := d.Fields.ForName(field); fd != nil {
					if nd := o.s.Types[fd.Type.Name()]; nd != nil && !nd.IsLeafType() {
						next = nd.Name
					}
				}
			}
			o.walk(c, e, next, parent+"."+field, path+"."+k)
		}
	case string:
		o.visit(c, label, path, x)
		if strings.HasSuffix(label, "ursor") {
			if d := leakDecodeCursor(x); d != "" {
				o.visit(c, label+" (decoded)", path, d)
			}
		}
	}
}

// echoes reports whether the string at path may repeat the caller's own
// arguments: an error message, or a problem a pure check (one that reads
// nothing from the graph: checkSuiteDefinition, checkTemplateDefinition)
// finds in what the caller sent.
func echoes(label, path string) bool {
	return strings.HasPrefix(path, "errors") || label == "SuiteProblem.message"
}

// visit records the most specific secrets s holds: those not inside a
// longer one it also holds.
func (o *leakOracle) visit(c leakCtx, label, path, s string) {
	var in []*leakSecret
	for _, sec := range o.secrets {
		if !strings.Contains(s, sec.value) || (echoes(label, path) && c.known[sec]) {
			continue
		}
		inner := false
		for _, l := range in {
			if strings.Contains(l.value, sec.value) {
				inner = true
				break
			}
		}
		if !inner {
			in = append(in, sec)
		}
	}
	for _, sec := range in {
		o.add(c, label, leakIndex.ReplaceAllString(path, "[]"), sec, s)
	}
}

func (o *leakOracle) add(c leakCtx, label, path string, s *leakSecret, in string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := label + "\x00" + s.kind
	f := o.leaks[k]
	if f == nil {
		if len(in) > 160 {
			in = in[:160] + "…"
		}
		ex := c.where
		if c.desc != "" {
			ex += "(" + c.desc + ")"
		}
		if c.role != "" {
			ex += " as " + c.role
		}
		f = &leakFinding{field: label, kind: s.kind, value: s.value, in: in, example: ex + " at " + path,
			roots: map[string]bool{}, roles: map[string]bool{}}
		o.leaks[k] = f
	}
	f.count++
	f.roots[c.where] = true
	if c.role != "" {
		f.roles[c.role] = true
	}
}

func (o *leakOracle) tally(where string, ok bool, codes map[string]string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.stats[where]
	if s == nil {
		s = &leakStats{codes: map[string]int{}, examples: map[string]string{}}
		o.stats[where] = s
	}
	s.ops++
	s.dur += d
	if ok {
		s.ok++
	}
	for c, m := range codes {
		s.codes[c]++
		if _, seen := s.examples[c]; !seen {
			s.examples[c] = m
		}
	}
}

func (o *leakOracle) refusedDoc(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.badDocs = append(o.badDocs, msg)
}

func (o *leakOracle) report(t *testing.T, schema *ast.Schema) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, root := range []*ast.Definition{schema.Query, schema.Subscription} {
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			where := root.Name + "." + f.Name
			s := o.stats[where]
			switch {
			case s == nil:
				t.Errorf("%s: no operation was generated", where)
			case s.ok == 0:
				t.Errorf("%s: none of %d operations succeeded (errors %v, e.g. %v): the generator rotted", where, s.ops, s.codes, s.examples)
			default:
				t.Logf("%-36s %5d operations, %5d without errors, %8s, errors %v %v", where, s.ops, s.ok, s.dur.Round(time.Millisecond), s.codes, s.examples)
			}
		}
	}
	slices.Sort(o.badDocs)
	for i, b := range o.badDocs {
		if i == 20 {
			t.Errorf("… and %d more refused operations", len(o.badDocs)-20)
			break
		}
		t.Errorf("generator: the server refused a generated operation: %s", b)
	}
	var keys []string
	for k := range o.leaks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sorted := func(m map[string]bool) string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return strings.Join(out, ", ")
	}
	for _, k := range keys {
		l := o.leaks[k]
		msg := fmt.Sprintf("%s: %s leaks %s %s", l.example, l.field, l.kind, l.value)
		if l.in != "" && l.in != l.value {
			msg += fmt.Sprintf(" (in %q)", l.in)
		}
		msg += fmt.Sprintf(" — %d× through %s, as %s", l.count, sorted(l.roots), sorted(l.roles))
		t.Error(msg)
	}
	if len(keys) > 0 {
		t.Logf("%d distinct leaks (field × kind of secret) of H's strings to A-only readers", len(keys))
	}
}
