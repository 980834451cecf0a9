package resolvers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

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
			if h := subscriptionHooksFrom(ctx); h != nil {
				h.End(r.present(ctx, end))
			} else {
				transport.AddSubscriptionError(ctx, r.present(ctx, end))
			}
		}
	})
	if err != nil {
		cancel()
		return nil, err
	}
	h := subscriptionHooksFrom(ctx)
	if h == nil {
		return sub.C, nil
	}
	// Tell the sharing transport which event each response will carry:
	// the executor makes exactly one response per event, in order.
	out := make(chan *store.Event)
	go func() {
		defer close(out)
		for e := range sub.C {
			h.Event(e.Seq)
			select {
			case out <- e:
			case <-subCtx.Done():
				return
			}
		}
	}()
	return out, nil
}

// SubscriptionHooks are what a transport that shares one execution of a
// subscription among several subscribers (internal/api) must learn from
// it: the error it ends with, which gqlgen would keep for one subscriber
// only, and the event each response carries, so that a subscriber it
// ends can be told where to resume.
type SubscriptionHooks struct {
	End   func(*gqlerror.Error)
	Event func(seq int64)
}

type subscriptionHooksKey struct{}

// WithSubscriptionHooks makes the subscription resolved under ctx report
// to h instead of to gqlgen's per-operation error holder.
func WithSubscriptionHooks(ctx context.Context, h *SubscriptionHooks) context.Context {
	return context.WithValue(ctx, subscriptionHooksKey{}, h)
}

func subscriptionHooksFrom(ctx context.Context) *SubscriptionHooks {
	h, _ := ctx.Value(subscriptionHooksKey{}).(*SubscriptionHooks)
	return h
}
