package resolvers

import (
	"context"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/store"
)

// The access rule is internal/access; these read the caller from ctx.

func principal(ctx context.Context) (*auth.Principal, error) { return access.Caller(ctx) }

func subject(ctx context.Context) string { return access.Subject(ctx) }

// scope returns the projects the caller may read.
func scope(ctx context.Context) store.Scope {
	p, _ := auth.FromContext(ctx)
	return access.Scope(p)
}

// require checks that the caller holds at least role min in project.
func require(ctx context.Context, project string, min auth.Role) (*auth.Principal, error) {
	p, _ := auth.FromContext(ctx)
	return p, access.Require(p, project, min)
}

// canRead reports whether the caller may read project.
func canRead(ctx context.Context, project string) bool {
	p, _ := auth.FromContext(ctx)
	return access.CanRead(p, project)
}

// loadReadable is access.Load for the caller in ctx.
func loadReadable[T any](ctx context.Context, field, id string, kind store.Kind, load func(context.Context, string) (T, error), project func(T) string, min auth.Role) (T, error) {
	p, _ := auth.FromContext(ctx)
	return access.Load(ctx, p, field, id, kind, load, project, min)
}

// visible drops the items of projects the caller may not read.
func visible[T any](ctx context.Context, items []T, project func(T) string) []T {
	out := items[:0:0]
	for _, it := range items {
		if canRead(ctx, project(it)) {
			out = append(out, it)
		}
	}
	return out
}

// redactForeign replaces, in a JSON document of a readable object (a suite
// definition, say), every ID of an object the caller may not read with the
// marker {"redacted": true}: a document written by someone who could read
// another project may name that project's objects.
func (r *Resolver) redactForeign(ctx context.Context, doc map[string]any) (map[string]any, error) {
	ids := store.IDsIn(doc)
	if len(ids) == 0 {
		return doc, nil
	}
	projects, err := r.Store.ProjectsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch c := v.(type) {
		case string:
			if k, ok := projects[c]; ok && !canRead(ctx, k) {
				return map[string]any{"redacted": true}
			}
		case []any:
			for i, x := range c {
				c[i] = walk(x)
			}
		case map[string]any:
			for k, x := range c {
				c[k] = walk(x)
			}
		}
		return v
	}
	return walk(doc).(map[string]any), nil
}
