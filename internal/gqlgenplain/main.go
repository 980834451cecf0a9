// Command gqlgenplain is `gqlgen generate` with one change to what it
// writes: a list of plain objects is marshalled in order, on the caller's
// goroutine, straight into one buffer.
//
// gqlgen marshals every element of a list of objects on a goroutine of its
// own, and every field of every element through its resolver machinery (a
// field context, the field middleware, panic recovery), because in general a
// field may have a resolver that blocks. A plain object has none: every
// field is a Go struct field of a scalar or enum type, with no arguments and
// no directives, so there is nothing to wait for and nothing for middleware
// to see. For a lineage or impact response of 20,000 nodes that machinery
// cost more than reading the nodes from Neo4j (bench/README.md, "Lineage").
//
// After gqlgen has written graph/generated.go, this command renames the
// generated marshaller of each list of plain objects to concurrent<Name>
// and writes graph/plain_gen.go, which declares the original name: it
// collects the selected fields once for the whole list and writes each
// element's fields with the same scalar marshallers gqlgen uses. Whatever it
// cannot write exactly as gqlgen would (a nil element, a deferred fragment,
// a nil list) goes to the concurrent marshaller unchanged.
package main

import (
	_ "embed"
	"fmt"
	"go/types"
	"os"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/99designs/gqlgen/codegen/templates"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgenplain:", err)
		os.Exit(1)
	}
}

//go:embed plain.gotpl
var plainTemplate string

// plainFile is where the in-order marshallers go, beside generated.go.
const plainFile = "plain_gen.go"

func run() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return err
	}
	out := strings.TrimSuffix(cfg.Exec.Filename, "generated.go") + plainFile
	// A stale plain_gen.go declares the names gqlgen is about to write, and
	// gqlgen type-checks the package when it is done.
	if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
		return err
	}
	p := &capture{}
	if err := api.Generate(cfg, api.AddPlugin(p)); err != nil {
		return err
	}
	if p.data == nil {
		return fmt.Errorf("gqlgen generated no code")
	}
	src, err := os.ReadFile(cfg.Exec.Filename)
	if err != nil {
		return err
	}
	lists := plainLists(p.data, string(src))
	text := string(src)
	for _, l := range lists {
		text, err = rename(text, l.Name, l.Concurrent)
		if err != nil {
			return err
		}
	}
	if err := os.WriteFile(cfg.Exec.Filename, []byte(text), 0o644); err != nil {
		return err
	}
	return templates.Render(templates.Options{
		PackageName:     cfg.Exec.Package,
		Filename:        out,
		Template:        plainTemplate,
		GeneratedHeader: true,
		FileNotice:      "// Lists of plain objects, marshalled in order: see internal/gqlgenplain.",
		Packages:        cfg.Packages,
		Data:            view{Lists: lists, Objects: objectsOf(lists)},
	})
}

// capture keeps the data gqlgen builds for its templates.
type capture struct{ data *codegen.Data }

func (*capture) Name() string { return "gqlgenplain" }

func (c *capture) GenerateCode(data *codegen.Data) error {
	c.data = data
	return nil
}

// A list is one generated marshaller of a list of plain objects.
type list struct {
	Name       string // gqlgen's name, declared by plain_gen.go
	Concurrent string // the name gqlgen's own body is renamed to
	Ref        *config.TypeReference
	Object     *codegen.Object
}

// ElemPtr says whether the list holds pointers (else values, passed by address).
func (l list) ElemPtr() bool { return l.Ref.Elem().IsPtr() }

// ElemNonNull says whether the schema forbids null elements.
func (l list) ElemNonNull() bool { return l.Ref.Elem().GQL.NonNull }

type view struct {
	Lists   []list
	Objects []object
}

// An object is a plain object the lists hold, with how each field is written.
type object struct {
	*codegen.Object
	Fields []field
}

// A field is written by gqlgen's marshaller of its type (MarshalFunc), or,
// for a String or ID held in a Go string or *string (String, StringPtr),
// by plain_gen.go's own writer, which is gqlgen's byte for byte.
type field struct {
	Name, GoName, MarshalFunc string
	String, StringPtr         bool
}

func objectView(o *codegen.Object) object {
	v := object{Object: o}
	for _, f := range o.Fields {
		t := f.TypeReference
		fv := field{Name: f.Name, GoName: f.GoFieldName, MarshalFunc: t.MarshalFunc()}
		if m := t.Marshaler; m != nil && m.Pkg() != nil && m.Pkg().Path() == "github.com/99designs/gqlgen/graphql" &&
			(m.Name() == "MarshalString" || m.Name() == "MarshalID") {
			switch g := t.GO.(type) {
			case *types.Basic:
				fv.String = g.Kind() == types.String
			case *types.Pointer:
				b, ok := g.Elem().(*types.Basic)
				fv.StringPtr = ok && b.Kind() == types.String
			}
		}
		v.Fields = append(v.Fields, fv)
	}
	return v
}

// plainScalars are the scalars whose gqlgen marshallers never answer null
// for a Go value, so writing them needs no field context to report one.
var plainScalars = map[string]bool{"ID": true, "String": true, "Int": true, "Boolean": true}

// isPlain says whether every field of o can be written without gqlgen's
// per-field machinery: a struct field, no resolver, arguments or directives,
// a non-list scalar from plainScalars or an enum, and a Go value that cannot
// be nil where the schema forbids null.
func isPlain(o *codegen.Object) bool {
	if o.Kind != ast.Object || o.Root || o.HasResolvers() || len(o.Directives) > 0 || len(o.Fields) == 0 {
		return false
	}
	if _, ok := o.Type.Underlying().(*types.Struct); !ok {
		return false
	}
	for _, f := range o.Fields {
		if f.IsReserved() || !f.IsVariable() || len(f.Args) > 0 || len(f.Directives) > 0 || f.Stream || f.IsBatch() {
			return false
		}
		t := f.TypeReference
		if t.IsSlice() || t.Definition == nil {
			return false
		}
		if t.IsContext || t.CastType != nil {
			return false
		}
		// An enum is plain when its Go type marshals itself (gqlgen's
		// model enums); an enum bound to Go values through a map may
		// answer null for a value outside it.
		enum := t.Definition.Kind == ast.Enum && t.IsMarshaler && len(t.EnumValues) == 0
		if !enum && !(t.Definition.Kind == ast.Scalar && plainScalars[t.Definition.Name] && t.Marshaler != nil) {
			return false
		}
		if t.GQL.NonNull && t.IsNilable() {
			return false
		}
	}
	return true
}

// plainLists finds the generated marshallers of lists whose elements are
// plain objects. Only marshallers gqlgen wrote (present in src) count.
func plainLists(data *codegen.Data, src string) []list {
	plain := map[string]*codegen.Object{}
	for _, o := range data.Objects {
		if isPlain(o) {
			plain[o.Name] = o
		}
	}
	var out []list
	for _, t := range data.ReferencedTypes {
		if !t.IsSlice() || t.Elem().IsSlice() || t.Elem().IsPtrToPtr() || t.Definition == nil {
			continue
		}
		o := plain[t.Definition.Name]
		if o == nil {
			continue
		}
		name := t.MarshalFunc()
		if !strings.Contains(src, decl(name)) {
			continue
		}
		out = append(out, list{Name: name, Concurrent: "concurrent" + templates.UcFirst(name), Ref: t, Object: o})
	}
	slices.SortFunc(out, func(a, b list) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func objectsOf(lists []list) []object {
	var seen []*codegen.Object
	for _, l := range lists {
		if !slices.Contains(seen, l.Object) {
			seen = append(seen, l.Object)
		}
	}
	slices.SortFunc(seen, func(a, b *codegen.Object) int { return strings.Compare(a.Name, b.Name) })
	out := make([]object, len(seen))
	for i, o := range seen {
		out[i] = objectView(o)
	}
	return out
}

func decl(name string) string { return "func (ec *executionContext) " + name + "(" }

// rename renames the one declaration of name in src.
func rename(src, name, to string) (string, error) {
	if n := strings.Count(src, decl(name)); n != 1 {
		return "", fmt.Errorf("%d declarations of %s in the generated code, want 1", n, name)
	}
	return strings.Replace(src, decl(name), decl(to), 1), nil
}
