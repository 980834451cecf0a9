// The leak generator: operations written from the schema, with selections
// expanding every field and the argument sets each root field is asked with.

package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// leakGen writes operations from the schema.
type leakGen struct {
	s     *ast.Schema
	depth int
	pools *leakPools
	// valid is, per root field with a generic ID argument, the labels the
	// field accepts (probed); nil: not probed, all.
	valid map[string]map[string]bool
	// enums is, per root field argument that is a list of enum values
	// ("lineage.kinds"), the values it accepts (probed).
	enums map[string][]any
}

// leakOp is one generated operation.
type leakOp struct {
	kind, root string // "query"/"subscription", the root field
	doc        string
	vars       map[string]any
	desc       string // the arguments, for messages
	aOnly      bool   // every ID and key argument is A's
	rootType   string // the root field's named type, when it has fields
	known      map[*leakSecret]bool
}

// leakWrapper says whether a type is a connection or an edge, which do not
// count as object levels.
func leakWrapper(name string) bool {
	return strings.HasSuffix(name, "Connection") || strings.HasSuffix(name, "Edge") || name == "PageInfo"
}

// selection expands def: every field, recursively, to g.depth object
// levels; interfaces and unions through an inline fragment per possible
// type, whose fields are aliased Type__field so that fields of the same
// name and different types never conflict.
func (g *leakGen) selection(def *ast.Definition, path map[string]int, depth int) string {
	if def.Kind == ast.Interface || def.Kind == ast.Union {
		types := slices.Clone(g.s.GetPossibleTypes(def))
		sort.Slice(types, func(i, j int) bool { return types[i].Name < types[j].Name })
		var b strings.Builder
		b.WriteString("__typename")
		for _, pt := range types {
			fmt.Fprintf(&b, " ... on %s { %s }", pt.Name, g.fields(pt, pt.Name+"__", path, depth))
		}
		return b.String()
	}
	return g.fields(def, "", path, depth)
}

func (g *leakGen) fields(def *ast.Definition, alias string, path map[string]int, depth int) string {
	path[def.Name]++
	defer func() { path[def.Name]-- }()
	var parts []string
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		args, ok := g.nestedArgs(f)
		if !ok {
			continue
		}
		name := f.Name + args
		if alias != "" {
			name = alias + f.Name + ": " + name
		}
		t := g.s.Types[f.Type.Name()]
		if t.IsLeafType() {
			parts = append(parts, name)
			continue
		}
		d := depth
		if !leakWrapper(t.Name) {
			d++
		}
		if d > g.depth || path[t.Name] >= 2 {
			continue
		}
		parts = append(parts, name+" { "+g.selection(t, path, d)+" }")
	}
	if len(parts) == 0 {
		return "__typename"
	}
	return strings.Join(parts, " ")
}

// nestedArgs are the arguments of a field below the root: pages of 100,
// defaults for the rest. A required argument without a literal the
// generator can write drops the field (none does today).
func (g *leakGen) nestedArgs(f *ast.FieldDefinition) (string, bool) {
	var parts []string
	for _, a := range f.Arguments {
		switch {
		case a.Name == "first" && a.Type.Name() == "Int":
			parts = append(parts, "first: 100")
		case a.Type.NonNull && a.DefaultValue == nil:
			vals := g.candidates(a.Name, a.Type, nil)
			if len(vals) == 0 {
				return "", false
			}
			b, _ := json.Marshal(vals[0])
			if t := g.s.Types[a.Type.Name()]; t.Kind == ast.Enum {
				b = []byte(vals[0].(string))
			} else if t.Kind == ast.InputObject || a.Type.Elem != nil {
				return "", false
			}
			parts = append(parts, a.Name+": "+string(b))
		}
	}
	if len(parts) == 0 {
		return "", true
	}
	return "(" + strings.Join(parts, ", ") + ")", true
}

// argChoices are the argument sets a root field is asked with: the
// cartesian product of its required arguments and enums (with the pages,
// depths and node budgets set to the pools' values; several required
// strings from one record), then each other optional argument set alone to
// each candidate, on the combinations whose IDs are A's and whose enums
// have their defaults. Two required ID arguments (lineagePath) are paired
// against the anchors instead of every ID with every ID.
func (g *leakGen) argChoices(f *ast.FieldDefinition, kind string) ([]map[string]any, error) {
	type axis struct {
		names []string // several: each value is a record of them
		vals  []any
	}
	valid := g.valid[f.Name]
	var cart, vary, ids []axis
	var recordArgs []string
	base := map[string]any{}
	for _, a := range f.Arguments {
		lower := strings.ToLower(a.Name)
		required := a.Type.NonNull && a.DefaultValue == nil
		if kind == "subscription" && lower == "after" {
			continue // set by the subscription runner
		}
		vals := g.candidates(a.Name, a.Type, valid)
		def := g.s.Types[a.Type.Name()]
		if ok := g.enums[f.Name+"."+a.Name]; ok != nil {
			vals = leakEnumLists(ok)
		}
		switch {
		case required && a.Type.Name() == "String" && a.Type.Elem == nil && !slices.Contains([]string{"key", "projectkey"}, lower):
			recordArgs = append(recordArgs, a.Name)
		case required:
			if len(vals) == 0 {
				return nil, fmt.Errorf("%s(%s: %s): no value to try; teach candidates() this type", f.Name, a.Name, a.Type)
			}
			if a.Type.Name() == "ID" && a.Type.Elem == nil {
				ids = append(ids, axis{[]string{a.Name}, vals})
			} else {
				cart = append(cart, axis{[]string{a.Name}, vals})
			}
		case slices.Contains([]string{"first", "last", "depth", "maxnodes"}, lower) && len(vals) > 0:
			base[a.Name] = vals[0]
		case def.Kind == ast.Enum && a.Type.Elem == nil:
			cart = append(cart, axis{[]string{a.Name}, vals})
		case kind == "subscription" && def.Kind == ast.InputObject:
			// A filtered subscription would never see the markers that tell
			// the runner it caught up; filters are asked of the queries.
		case len(vals) > 0:
			vary = append(vary, axis{[]string{a.Name}, vals})
		}
	}
	switch len(recordArgs) {
	case 0:
	case 1:
		cart = append(cart, axis{recordArgs, g.candidates(recordArgs[0], f.Arguments.ForName(recordArgs[0]).Type, valid)})
	default:
		var recs []any
		for _, r := range g.pools.records {
			rec := map[string]any{}
			for _, n := range recordArgs {
				if v, ok := r[n]; ok {
					rec[n] = v
				}
			}
			if len(rec) == len(recordArgs) {
				recs = append(recs, rec)
			}
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s(%v): no record holds these strings; add one to the pools", f.Name, recordArgs)
		}
		cart = append(cart, axis{recordArgs, recs})
	}
	set := func(c map[string]any, ax axis, v any) {
		if len(ax.names) == 1 {
			c[ax.names[0]] = v
			return
		}
		for k, x := range v.(map[string]any) {
			c[k] = x
		}
	}
	combos := []map[string]any{base}
	if len(ids) >= 2 {
		// Every ID against each anchor the other arguments accept, both ways.
		anchors := map[string]bool{}
		for _, a := range g.pools.anchors {
			anchors[a] = true
		}
		combos = nil
		seen := map[string]bool{}
		for i := range ids {
			for _, v := range ids[i].vals {
				for _, an := range ids[(i+1)%len(ids)].vals {
					if !anchors[an.(string)] {
						continue
					}
					c := maps(base)
					for k := range ids {
						c[ids[k].names[0]] = an
					}
					c[ids[i].names[0]] = v
					if key := fmt.Sprint(c); !seen[key] {
						seen[key] = true
						combos = append(combos, c)
					}
				}
			}
		}
	} else {
		cart = append(ids, cart...)
	}
	for _, ax := range cart {
		var next []map[string]any
		for _, c := range combos {
			for _, v := range ax.vals {
				n := maps(c)
				set(n, ax, v)
				next = append(next, n)
			}
		}
		combos = next
	}
	out := combos
	for _, ax := range vary {
		for _, c := range combos {
			if !g.aOnly(c) || !g.defaultEnums(f, c) {
				continue
			}
			for _, v := range ax.vals {
				n := maps(c)
				set(n, ax, v)
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// aOnly reports whether every ID and key in args is A's.
func (g *leakGen) aOnly(args map[string]any) bool {
	ok := true
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			if g.pools.side[x] == "H" || x == g.pools.keys[1] {
				ok = false
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case []string:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, v := range args {
		walk(v)
	}
	return ok
}

// defaultEnums reports whether every enum argument in args has its
// default (or first) value: variations of other arguments are asked once.
func (g *leakGen) defaultEnums(f *ast.FieldDefinition, args map[string]any) bool {
	for _, a := range f.Arguments {
		def := g.s.Types[a.Type.Name()]
		v, set := args[a.Name]
		if def.Kind != ast.Enum || a.Type.Elem != nil || !set {
			continue
		}
		want := def.EnumValues[0].Name
		if a.DefaultValue != nil {
			want = a.DefaultValue.Raw
		}
		if v != want {
			return false
		}
	}
	return true
}

// ops writes one operation per root field and argument set.
func (g *leakGen) ops(kind string, root *ast.Definition) ([]*leakOp, []string) {
	var out []*leakOp
	var errs []string
	for _, f := range root.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		choices, err := g.argChoices(f, kind)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		sel := ""
		if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
			sel = " { " + g.selection(t, map[string]int{}, 1) + " }"
		}
		for _, c := range choices {
			out = append(out, g.op(kind, f, c, sel))
		}
	}
	return out, errs
}

func (g *leakGen) op(kind string, f *ast.FieldDefinition, args map[string]any, sel string) *leakOp {
	var defs, uses, desc []string
	vars := map[string]any{}
	for _, a := range f.Arguments {
		v, ok := args[a.Name]
		if !ok {
			continue
		}
		defs = append(defs, fmt.Sprintf("$%s: %s", a.Name, a.Type.String()))
		uses = append(uses, fmt.Sprintf("%s: $%s", a.Name, a.Name))
		vars[a.Name] = v
		desc = append(desc, a.Name+"="+g.describe(v))
	}
	if kind == "subscription" && f.Arguments.ForName("after") != nil {
		defs = append(defs, "$after: String")
		uses = append(uses, "after: $after")
	}
	d, u := "", ""
	if len(defs) > 0 {
		d, u = "("+strings.Join(defs, ", ")+")", "("+strings.Join(uses, ", ")+")"
	}
	op := &leakOp{kind: kind, root: f.Name, vars: vars, desc: strings.Join(desc, " "), aOnly: g.aOnly(args),
		doc: fmt.Sprintf("%s Leak_%s%s { r: %s%s%s }", kind, f.Name, d, f.Name, u, sel)}
	if t := g.s.Types[f.Type.Name()]; !t.IsLeafType() {
		op.rootType = t.Name
	}
	return op
}

// describe abbreviates an argument value for messages: IDs by project and
// kind, keys by project.
func (g *leakGen) describe(v any) string {
	switch v := v.(type) {
	case string:
		if s := g.pools.side[v]; s != "" {
			return s + ":" + g.pools.label[v] + ":" + v
		}
		if v == g.pools.keys[0] {
			return "A-key"
		}
		if v == g.pools.keys[1] {
			return "H-key"
		}
		return strconv.Quote(v)
	case []any:
		if len(v) > 4 {
			return fmt.Sprintf("[%d values]", len(v))
		}
		var parts []string
		for _, e := range v {
			parts = append(parts, g.describe(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(mapKeys(v)) {
			parts = append(parts, k+":"+g.describe(v[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprint(v)
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
