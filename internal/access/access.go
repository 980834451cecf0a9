// Package access is the one rule of who may see and change what. A caller
// reads the projects where it holds any role and changes what its role
// there allows; an object of a project it may not read does not exist for
// it (errs.NotFound, never errs.Forbidden, so a probe learns nothing).
// Resolvers and domain services alike check through it.
//
// It must not read the store on its own: callers pass the loader, so one
// batch serves a whole operation.
package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Caller returns the caller the transport put in ctx, or
// errs.Unauthenticated.
func Caller(ctx context.Context) (*auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok || p == nil {
		return nil, errs.Unauthenticated
	}
	return p, nil
}

// Subject is the caller's name as events and created objects record it
// (empty without a caller, which Caller rules out first).
func Subject(ctx context.Context) string {
	if p, ok := auth.FromContext(ctx); ok && p != nil {
		return p.Subject
	}
	return ""
}

// Scope is the projects p may read (none without a caller).
func Scope(p *auth.Principal) store.Scope { return ScopeWith(p, auth.RoleViewer) }

// ScopeWith is the projects where p holds at least min.
func ScopeWith(p *auth.Principal, min auth.Role) store.Scope {
	switch {
	case p == nil:
		return store.Scope{Keys: []string{}}
	case p.Can(auth.AllProjects, min):
		return store.Scope{All: true}
	}
	return store.Scope{Keys: p.ProjectsWith(min)}
}

// CanRead reports whether p may read project.
func CanRead(p *auth.Principal, project string) bool {
	return p != nil && p.Can(project, auth.RoleViewer)
}

// Require checks that p holds at least min in project. The answer does not
// depend on whether the project exists, so it reveals nothing about
// projects p may not read.
func Require(p *auth.Principal, project string, min auth.Role) error {
	switch {
	case p == nil:
		return errs.Unauthenticated
	case !p.Can(project, min) && min == auth.RoleAuditor:
		return errs.Forbiddenf("this needs the auditor, approver or admin role in project %s", errs.Quote(project))
	case !p.Can(project, min):
		return errs.Forbiddenf("this needs the %s role in project %s", min, errs.Quote(project))
	}
	return nil
}

// ForbiddenRead refuses a list or query of a project p may not read.
func ForbiddenRead(project string) error {
	return errs.Forbiddenf("this needs the %s role in project %s", auth.RoleViewer, errs.Quote(project))
}

// CheckID validates an ID argument named field before any database
// round-trip.
func CheckID(field, id string, want store.Kind) error {
	if k, ok := store.KindOf(id); !ok || k != want {
		return errs.Invalidf("%s: %s is not a %s ID", field, errs.Quote(id), want)
	}
	return nil
}

// NotFoundAs names the argument in a not-found error ("runId …: not
// found"); other errors (an unavailable database) pass unchanged.
func NotFoundAs(field, id string, err error) error {
	if errors.Is(err, errs.NotFound) {
		return fmt.Errorf("%s %s: %w", field, errs.Quote(id), errs.NotFound)
	}
	return err
}

// Load loads id (of kind) through load and checks that p may read its
// project (an object of a hidden project is not found) and holds min
// there; field names the argument in errors.
func Load[T any](ctx context.Context, p *auth.Principal, field, id string, kind store.Kind,
	load func(context.Context, string) (T, error), project func(T) string, min auth.Role) (T, error) {
	var zero T
	if err := CheckID(field, id, kind); err != nil {
		return zero, err
	}
	v, err := load(ctx, id)
	if err != nil {
		return zero, NotFoundAs(field, id, err)
	}
	if !CanRead(p, project(v)) {
		return zero, fmt.Errorf("%s %s: %w", field, errs.Quote(id), errs.NotFound)
	}
	if err := Require(p, project(v), min); err != nil {
		return zero, err
	}
	return v, nil
}

// ByID adapts a store read of many IDs to Load's one: an absent ID is
// errs.NotFound.
func ByID[T any](byIDs func(context.Context, []string) (map[string]T, error)) func(context.Context, string) (T, error) {
	return func(ctx context.Context, id string) (T, error) {
		var zero T
		m, err := byIDs(ctx, []string{id})
		if err != nil {
			return zero, err
		}
		v, ok := m[id]
		if !ok {
			return zero, errs.NotFound
		}
		return v, nil
	}
}
