package api

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Error codes carried in extensions.code.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeConflict        = "CONFLICT"
	CodeUnavailable     = "UNAVAILABLE"
	CodeInternal        = "INTERNAL"
	// CodeRateLimited answers a caller over its limits (HTTP 429, with
	// Retry-After and extensions.retryAfter in seconds).
	CodeRateLimited = "RATE_LIMITED"
)

// maxMessage bounds an error message: messages quote at most a short
// prefix of what the caller sent (errs.Quote), and this catches any that
// does not.
const maxMessage = 1024

// classify maps an error onto an extensions.code and reports whether its
// message may be shown to the caller. Errors the domain produced carry
// their own explanation; anything else is internal.
func classify(err error) (code string, public bool) {
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		return CodeUnauthenticated, true
	case errors.Is(err, auth.ErrForbidden):
		return CodeForbidden, true
	case errors.Is(err, store.ErrNotFound):
		return CodeNotFound, true
	case errors.Is(err, store.ErrInvalid):
		return CodeBadUserInput, true
	case errors.Is(err, store.ErrConflict):
		return CodeConflict, true
	case errors.Is(err, store.ErrUnavailable):
		return CodeUnavailable, false
	}
	var limited *RateLimitedError
	if errors.As(err, &limited) {
		return CodeRateLimited, true
	}
	// Scalars that failed to parse (a Time, or a number in a string).
	var numErr *strconv.NumError
	if errors.Is(err, model.ErrScalar) || errors.As(err, &numErr) {
		return CodeBadUserInput, true
	}
	return CodeInternal, false
}

// presenter is the one place GraphQL errors are classified. Driver
// messages, Cypher and stack traces never reach the caller: an
// unclassified error is logged with its cause and sent as "internal error".
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := present(ctx, log, err)
		if len(out.Message) > maxMessage {
			out.Message = errs.Truncate(out.Message, maxMessage)
		}
		return out
	}
}

func present(ctx context.Context, log *slog.Logger, err error) *gqlerror.Error {
	{
		// A request whose client went away or ran out of time: not the
		// hub's fault, and nobody is waiting for the message.
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			log.DebugContext(ctx, "graphql: request ended before its answer", "err", err)
			return &gqlerror.Error{Message: "the request was cancelled or timed out before it completed", Path: graphql.GetPath(ctx),
				Extensions: map[string]any{"code": CodeUnavailable, "reason": "CANCELLED"}}
		}
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Err == nil {
			// Produced by the parser, the validator or an extension
			// (complexity limit): the request itself is wrong.
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			if detail, ok := gqlErr.Extensions["code"]; ok {
				gqlErr.Extensions["detail"] = detail
			}
			// A variable that failed coercion carries the field only in
			// its path; messages name the field that was wrong.
			if len(gqlErr.Path) > 0 && gqlErr.Path[0] == ast.PathName("variable") {
				gqlErr.Message = gqlErr.Path.String() + ": " + gqlErr.Message
			}
			gqlErr.Extensions["code"] = CodeBadUserInput
			return gqlErr
		}
		code, public := classify(gqlErr.Err)
		out := &gqlerror.Error{Message: gqlErr.Message, Path: gqlErr.Path, Locations: gqlErr.Locations,
			Extensions: map[string]any{"code": code}}
		// A scalar argument that failed to parse names itself last in the
		// path; the message names it too.
		if errors.Is(gqlErr.Err, model.ErrScalar) && len(gqlErr.Path) > 0 {
			if arg, ok := gqlErr.Path[len(gqlErr.Path)-1].(ast.PathName); ok {
				out.Message = string(arg) + ": " + out.Message
			}
		}
		var limited *RateLimitedError
		if errors.As(gqlErr.Err, &limited) {
			out.Extensions["retryAfter"] = limited.retrySeconds()
		}
		switch {
		case code == CodeUnavailable:
			out.Message = "the database is unavailable; retry later"
			log.WarnContext(ctx, "graphql: database unavailable", "path", gqlErr.Path.String(), "err", gqlErr.Err)
		case !public:
			out.Message = "internal error"
			log.ErrorContext(ctx, "graphql: internal error", "path", gqlErr.Path.String(), "err", gqlErr.Err)
		}
		return out
	}
}

// recoverer turns a resolver panic into an internal error and logs it.
func recoverer(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", p, "stack", string(debug.Stack()))
		return errors.New("internal error")
	}
}
