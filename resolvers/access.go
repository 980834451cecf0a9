package resolvers

import (
	"context"
	"fmt"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// principal returns the caller, or ErrUnauthenticated. The HTTP and
// websocket paths both put it in the context before any resolver runs.
func principal(ctx context.Context) (*auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok || p == nil {
		return nil, errs.Unauthenticated
	}
	return p, nil
}

// subject is the caller's name, as events and created objects record it
// (empty only when a resolver runs without a principal, which access
// checks rule out first).
func subject(ctx context.Context) string {
	if p, ok := auth.FromContext(ctx); ok && p != nil {
		return p.Subject
	}
	return ""
}

// scope returns the projects the caller may read.
func scope(ctx context.Context) store.Scope {
	p, ok := auth.FromContext(ctx)
	if !ok || p == nil {
		return store.Scope{Keys: []string{}}
	}
	if p.CanReadAll() {
		return store.Scope{All: true}
	}
	return store.Scope{Keys: p.ReadableProjects()}
}

// require checks that the caller holds at least role min in project. The
// answer does not depend on whether the project exists, so it reveals
// nothing about projects the caller may not read.
func require(ctx context.Context, project string, min auth.Role) (*auth.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if !p.Can(project, min) {
		return nil, fmt.Errorf("%w: this needs the %s role in project %s", errs.Forbidden, min, errs.Quote(project))
	}
	return p, nil
}

// canRead reports whether the caller may read project.
func canRead(ctx context.Context, project string) bool {
	p, ok := auth.FromContext(ctx)
	return ok && p != nil && p.Can(project, auth.RoleViewer)
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
