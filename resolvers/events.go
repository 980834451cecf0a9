package resolvers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/store"
)

// eventFilter turns the GraphQL filter into the store's, limited to scope.
// Naming a project outside scope is FORBIDDEN, as for lists.
func eventFilter(ctx context.Context, f *model.EventFilter, scope store.Scope) (store.EventFilter, error) {
	out := store.EventFilter{Scope: scope}
	if f != nil {
		out.ProjectKeys = f.ProjectKeys
		out.Kinds = f.Kinds
		out.TargetID = deref(f.TargetID)
	}
	if err := out.Check(); err != nil {
		return out, err
	}
	for _, k := range out.ProjectKeys {
		if !scope.Allows(k) {
			return out, fmt.Errorf("%w: filter.projectKeys: no access to project %s", errs.Forbidden, errs.Quote(k))
		}
	}
	return out, nil
}

// eventCursor reads an after argument and checks it against the log.
func (r *Resolver) eventCursor(ctx context.Context, after *string) (*int64, error) {
	if after == nil {
		return nil, nil
	}
	n, err := store.ParseCursor("after", *after)
	if err != nil {
		return nil, err
	}
	head, err := r.Store.EventHead(ctx)
	if err != nil {
		return nil, err
	}
	if n > head {
		return nil, fmt.Errorf("%w: after: %d is beyond the end of the log (%d)", errs.Invalid, n, head)
	}
	return &n, nil
}

// subscribe serves an event subscription: the caller's token decides what
// it may see, and its expiry ends the subscription.
func (r *Resolver) subscribe(ctx context.Context, filter *model.EventFilter, after *string, match func(*store.Event) bool,
	narrow func(*store.EventFilter)) (<-chan *store.Event, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if !p.ExpiresAt.IsZero() && !time.Now().Before(p.ExpiresAt) {
		return nil, fmt.Errorf("%w: token expired at %s", errs.Unauthenticated, p.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if r.Events == nil {
		return nil, fmt.Errorf("%w: subscriptions are not served here", errs.Unavailable)
	}
	f, err := eventFilter(ctx, filter, scope(ctx))
	if err != nil {
		return nil, err
	}
	if narrow != nil {
		narrow(&f)
	}
	cursor, err := r.eventCursor(ctx, after)
	if err != nil {
		return nil, err
	}
	subCtx, cancel := ctx, context.CancelFunc(func() {})
	if !p.ExpiresAt.IsZero() {
		subCtx, cancel = context.WithDeadline(ctx, p.ExpiresAt)
	}
	sub, err := r.Events.Subscribe(subCtx, cursor, f, match, func(err error, last int64) {
		// errors are added from this goroutine: only safe while the client
		// is still there (see ErrStopped below).
		defer cancel()
		// A client that left needs no reason, and gqlgen reads the errors
		// of a cancelled operation concurrently: add none then.
		if ctx.Err() != nil {
			return
		}
		resume := strconv.FormatInt(last, 10)
		var lag *events.LagError
		var end error
		switch {
		case errors.As(err, &lag):
			end = errs.WithDetails(fmt.Errorf("%w: %w", errs.Unavailable, lag), map[string]any{"reason": "SLOW_CONSUMER", "resumeAfter": resume})
		case errors.Is(err, events.ErrStopped):
			// A stopping server completes its subscriptions without an
			// error: its clients are leaving too, and gqlgen reads the errors
			// of an operation whose client left concurrently with this
			// goroutine, a data race. The client resumes from its last
			// cursor.
		case err != nil:
			end = errs.WithDetails(errs.Unavailablef("the event log is unavailable; subscribe again with after: %s", strconv.Quote(resume)),
				map[string]any{"resumeAfter": resume})
		case ctx.Err() == nil && subCtx.Err() == context.DeadlineExceeded:
			end = errs.WithDetails(fmt.Errorf("%w: token expired at %s; subscribe again with a new token and after: %s", errs.Unauthenticated,
				p.ExpiresAt.UTC().Format(time.RFC3339), errs.Quote(resume)), map[string]any{"reason": "TOKEN_EXPIRED", "resumeAfter": resume})
		}
		if end != nil {
			transport.AddSubscriptionError(ctx, r.present(ctx, end))
		}
	})
	if err != nil {
		cancel()
		return nil, err
	}
	return sub.C, nil
}
