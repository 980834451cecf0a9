// The argument values the leak generator draws from: pools of A's and H's
// IDs, keys and records, candidates per argument type, and the probes that
// learn which IDs and enum values a root field accepts.

package api_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/exphub/exphub/internal/store"
)

// leakPools are the argument values the generator draws from.
type leakPools struct {
	byLabel map[string][]string // label → IDs, A's first
	all     []string
	side    map[string]string // ID → "A" or "H"
	label   map[string]string // ID → label
	keys    []string          // A's key, H's key
	// records are correlated string arguments: the namespace, name and
	// version of one dataset version; the key and value of one param.
	records []map[string]any
	search  []string // substrings to search names with
	// dsOfA maps each dataset of A to one of its versions (marker writes).
	dsOfA   map[string]string
	expsOfA []string
	anchors []string // a few IDs to pair with every other in two-ID fields
	now     string
}

func loadLeakPools(t *testing.T, f *leakFixture) *leakPools {
	t.Helper()
	p := &leakPools{byLabel: map[string][]string{}, side: map[string]string{}, label: map[string]string{}, keys: []string{f.a, f.hk},
		dsOfA: map[string]string{}, now: time.Now().UTC().Format(time.RFC3339Nano)}
	for _, s := range []struct{ key, side string }{{f.a, "A"}, {f.hk, "H"}} {
		rows := must(neo4jQuery(t, `MATCH (n) WHERE (n.projectKey = $k OR n:Project AND n.key = $k) AND n.id IS NOT NULL AND NOT n:Event
			RETURN n.id AS id, labels(n) AS labels ORDER BY n.id`, map[string]any{"k": s.key})).of(t)
		for _, r := range rows {
			id, l := r["id"].(string), leakLabel(r["labels"])
			if _, global := store.KindOf(id); !global && l != "Webhook" && l != "ValidationTemplate" || !leakUUID.MatchString(id) || slices.Contains(f.hLive, id) {
				// Not a global ID (a metric's key, a column): no argument
				// takes it. The live rounds' versions are like H's others:
				// asking for them too would only take time.
				continue
			}
			p.byLabel[l] = append(p.byLabel[l], id)
			p.all = append(p.all, id)
			p.side[id], p.label[id] = s.side, l
		}
		rows = must(neo4jQuery(t, `MATCH (d:Dataset {projectKey: $k})-[:HAS_VERSION]->(v:DatasetVersion)
			RETURN d.id AS ds, d.namespace AS namespace, d.name AS name, v.version AS version, v.id AS id ORDER BY v.id`,
			map[string]any{"k": s.key})).of(t)
		for _, r := range rows {
			if slices.Contains(f.hLive, r["id"].(string)) {
				continue
			}
			p.records = append(p.records, map[string]any{"namespace": r["namespace"], "name": r["name"], "version": r["version"]})
			if s.side == "A" {
				if _, ok := p.dsOfA[r["ds"].(string)]; !ok {
					p.dsOfA[r["ds"].(string)] = r["id"].(string)
				}
			}
		}
	}
	for _, m := range []string{f.am, f.hm} {
		p.records = append(p.records, map[string]any{"key": "param-" + m, "value": "pval-" + m}, map[string]any{"key": "tag-" + m, "value": "tval-" + m})
	}
	// A Feast feature view pattern that every view matches.
	p.records = append(p.records, map[string]any{"featureView": "*"})
	// Jobs are named like datasets (a namespace and a name); a column
	// argument takes the names of the columns with lineage.
	for _, k := range p.keys {
		for _, r := range must(neo4jQuery(t, `MATCH (j:Job {projectKey: $k}) RETURN j.namespace AS namespace, j.name AS name ORDER BY j.id`,
			map[string]any{"k": k})).of(t) {
			p.records = append(p.records, map[string]any{"namespace": r["namespace"], "name": r["name"]})
		}
	}
	for _, r := range must(neo4jQuery(t, `MATCH (v:DatasetVersion) WHERE v.projectKey IN $ks
		UNWIND coalesce(v.lineageColumns, []) AS column RETURN DISTINCT column ORDER BY column`,
		map[string]any{"ks": p.keys})).of(t) {
		p.records = append(p.records, map[string]any{"column": r["column"]})
	}
	// A digest argument takes the digests signed off on either side.
	for _, r := range must(neo4jQuery(t, `MATCH (so:SignOff) WHERE so.projectKey IN $ks RETURN DISTINCT so.digest AS digest ORDER BY digest`,
		map[string]any{"ks": p.keys})).of(t) {
		p.records = append(p.records, map[string]any{"digest": r["digest"]})
	}
	p.expsOfA = slices.DeleteFunc(slices.Clone(p.byLabel["Experiment"]), func(id string) bool { return p.side[id] != "A" })
	p.search = []string{f.a, f.hk, f.hm, "h-project-" + f.hm, "h-table-" + f.hm, "h-exp-" + f.hm, "h-model-" + f.hm}
	p.anchors = []string{f.aV1, f.aProducedByH, f.hV1}
	return p
}

// idsFor returns the IDs an argument or input field named name takes: the
// IDs of the kind its name says (experimentId, originalRunId, …), else
// every ID the field accepts (probed).
func (p *leakPools) idsFor(name string, valid map[string]bool) []string {
	if l := p.labelOf(name); l != "" {
		return p.byLabel[l]
	}
	var out []string
	for _, id := range p.all {
		if valid == nil && (p.label[id] == "Webhook" || p.label[id] == "ValidationTemplate") {
			continue // not a node's ID: only webhook(id) and validationTemplate(id) take them
		}
		if valid == nil || valid[p.label[id]] {
			out = append(out, id)
		}
	}
	return out
}

// labelOf is the label an ID argument's name names: the longest label L
// such that the name ends with L + "Id".
func (p *leakPools) labelOf(name string) string {
	best := ""
	for l := range p.byLabel {
		if strings.HasSuffix(strings.ToLower(name), strings.ToLower(l)+"id") && len(l) > len(best) {
			best = l
		}
	}
	return best
}

// candidates are the values an argument or input field takes.
func (g *leakGen) candidates(name string, typ *ast.Type, valid map[string]bool) []any {
	def := g.s.Types[typ.Name()]
	if typ.Elem != nil {
		elem := g.candidates(name, typ.Elem, valid)
		if len(elem) == 0 {
			return nil
		}
		switch {
		case def.Kind == ast.Enum:
			return leakEnumLists(elem)
		case def.Name == "ID":
			// Every ID at once, in lists of at most 100.
			var out []any
			for i := 0; i < len(elem); i += 100 {
				out = append(out, elem[i:min(i+100, len(elem))])
			}
			return out
		default:
			out := []any{}
			for _, e := range elem {
				out = append(out, []any{e})
			}
			if len(elem) > 1 {
				out = append(out, elem)
			}
			return out
		}
	}
	switch def.Kind {
	case ast.Enum:
		var out []any
		for _, v := range def.EnumValues {
			out = append(out, v.Name)
		}
		return out
	case ast.InputObject:
		return g.inputObjects(def, valid)
	}
	lower := strings.ToLower(name)
	switch def.Name {
	case "ID":
		var out []any
		for _, id := range g.pools.idsFor(name, valid) {
			out = append(out, id)
		}
		return out
	case "String":
		switch {
		case lower == "key" || lower == "projectkey" || lower == "projectkeys":
			return []any{g.pools.keys[0], g.pools.keys[1]}
		case strings.HasSuffix(lower, "contains"):
			var out []any
			for _, s := range g.pools.search {
				out = append(out, s)
			}
			return out
		case lower == "after" || lower == "before" || lower == "cursor":
			return nil
		case lower == "filter":
			// searchRuns: every run, and every run by a tag or param test.
			return []any{"", "attributes.run_name LIKE '%' or tags.x IS NULL or params.x IS NOT NULL"}
		case lower == "orderby":
			return []any{"attributes.start_time DESC", "metrics.auc"}
		}
		// A lone string: the values of that name in the records.
		var out []any
		for _, r := range g.pools.records {
			if v, ok := r[name]; ok && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			out = []any{"x"}
		}
		return out
	case "Int":
		switch lower {
		case "first":
			return []any{100}
		case "last":
			return []any{1000}
		case "depth":
			return []any{10}
		case "maxnodes":
			return []any{5000}
		case "version":
			return []any{0, 1, 2}
		}
		return []any{1}
	case "Float":
		return []any{0.5}
	case "Boolean":
		return []any{true, false}
	case "Time":
		return []any{g.pools.now}
	}
	return nil // JSON and unknown scalars: not generated
}

// leakEnumLists are the values a list of enum values takes: every value,
// and every other one.
func leakEnumLists(vals []any) []any {
	var alt []any
	for i, v := range vals {
		if i%2 == 0 {
			alt = append(alt, v)
		}
	}
	return []any{vals, alt}
}

// inputObjects are the values of an input object: its required fields set
// (correlated strings from one record), and each optional field set alone
// to each of its candidates.
func (g *leakGen) inputObjects(def *ast.Definition, valid map[string]bool) []any {
	base := map[string]any{}
	var requiredStrings []string
	for _, f := range def.Fields {
		if f.Type.NonNull && f.DefaultValue == nil {
			if f.Type.Name() == "String" && f.Type.Elem == nil {
				requiredStrings = append(requiredStrings, f.Name)
				continue
			}
			vals := g.candidates(f.Name, f.Type, valid)
			if len(vals) == 0 {
				return nil
			}
			base[f.Name] = vals[0]
		}
	}
	var bases []map[string]any
	if len(requiredStrings) > 0 {
		for _, r := range g.pools.records {
			b := maps(base)
			ok := true
			for _, n := range requiredStrings {
				v, has := r[n]
				ok = ok && has
				b[n] = v
			}
			if ok {
				bases = append(bases, b)
			}
		}
		if len(bases) == 0 {
			b := maps(base)
			for _, n := range requiredStrings {
				b[n] = "x"
			}
			bases = append(bases, b)
		}
	} else {
		bases = []map[string]any{base}
	}
	var out []any
	for _, b := range bases {
		out = append(out, b)
	}
	if len(requiredStrings) > 0 {
		return out // a record input (a param, a name): no variations
	}
	for _, f := range def.Fields {
		if f.Type.NonNull && f.DefaultValue == nil {
			continue
		}
		vals := g.candidates(f.Name, f.Type, valid)
		if f.Type.Name() == "ID" && f.Type.Elem == nil {
			// A filter by ID behaves alike for every ID of a kind: one of
			// each kind of each project.
			vals = g.sample(vals)
		}
		for _, v := range vals {
			b := maps(base)
			b[f.Name] = v
			out = append(out, b)
		}
	}
	return out
}

// sample keeps the first ID of each kind of each project.
func (g *leakGen) sample(ids []any) []any {
	seen := map[string]bool{}
	var out []any
	for _, id := range ids {
		k := g.pools.side[id.(string)] + g.pools.label[id.(string)]
		if !seen[k] {
			seen[k] = true
			out = append(out, id)
		}
	}
	return out
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// probe learns which kinds of ID each root field with a generic ID
// argument (id, from, to) accepts: one A ID of each kind, a minimal
// selection; BAD_USER_INPUT means the kind is not for this field.
func (g *leakGen) probe(t *testing.T, h *hub, tok string) {
	t.Helper()
	for _, f := range g.s.Query.Fields {
		var generic []string
		for _, a := range f.Arguments {
			if a.Type.Name() == "ID" && a.Type.Elem == nil && g.pools.labelOf(a.Name) == "" {
				generic = append(generic, a.Name)
			}
		}
		if len(generic) == 0 {
			continue
		}
		valid := map[string]bool{}
		for l, ids := range g.pools.byLabel {
			if g.pools.side[ids[0]] != "A" {
				continue
			}
			args := map[string]any{}
			for _, a := range f.Arguments {
				switch {
				case slices.Contains(generic, a.Name):
					args[a.Name] = ids[0]
				case a.Type.NonNull && a.DefaultValue == nil:
					if vals := g.candidates(a.Name, a.Type, nil); len(vals) > 0 {
						args[a.Name] = vals[0]
					}
				}
			}
			sel := ""
			if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
				sel = " { __typename }"
			}
			op := g.op("query", f, args, sel)
			res := h.gql(t, tok, op.doc, op.vars)
			if res.code() != "BAD_USER_INPUT" {
				valid[l] = true
			}
		}
		if len(valid) == 0 {
			t.Errorf("probe: %s accepts no kind of ID", f.Name)
		}
		g.valid[f.Name] = valid
	}
}

// probeEnums learns which values each list-of-enum argument of a root
// field accepts (lineage's kinds take only lineage kinds): each value alone
// on the field's first A-only arguments; BAD_USER_INPUT means it is not
// for this argument.
func (g *leakGen) probeEnums(t *testing.T, h *hub, tok string) {
	t.Helper()
	for _, f := range g.s.Query.Fields {
		for _, a := range f.Arguments {
			def := g.s.Types[a.Type.Name()]
			if a.Type.Elem == nil || def.Kind != ast.Enum {
				continue
			}
			choices, err := g.argChoices(f, "query")
			if err != nil {
				continue
			}
			var base map[string]any
			for _, c := range choices {
				if g.aOnly(c) {
					base = c
					break
				}
			}
			if base == nil {
				continue
			}
			sel := ""
			if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
				sel = " { __typename }"
			}
			var ok []any
			for _, v := range def.EnumValues {
				args := maps(base)
				args[a.Name] = []any{v.Name}
				op := g.op("query", f, args, sel)
				if res := h.gql(t, tok, op.doc, op.vars); res.code() != "BAD_USER_INPUT" {
					ok = append(ok, v.Name)
				}
			}
			if len(ok) == 0 {
				t.Errorf("probe: %s(%s) accepts no value", f.Name, a.Name)
				continue
			}
			g.enums[f.Name+"."+a.Name] = ok
		}
	}
}
