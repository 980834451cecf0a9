package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/errs"
)

// Error codes carried in extensions.code. They are assigned here, and only
// here, from the kinds of internal/errs.
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

// kind is what the edge makes of an error: its code, its HTTP status, and
// whether its message is written for the caller.
type kind struct {
	code   string
	status int
	public bool
}

// classify is the one translation of errors into codes and statuses, for
// GraphQL answers and plain HTTP ones alike. Errors the hub produced
// carry their own explanation; anything else is internal.
func classify(err error) kind {
	var limited *errs.RateLimited
	var numErr *strconv.NumError
	switch {
	case errors.As(err, &limited):
		return kind{CodeRateLimited, http.StatusTooManyRequests, true}
	case errors.Is(err, errs.Unauthenticated):
		return kind{CodeUnauthenticated, http.StatusUnauthorized, true}
	case errors.Is(err, errs.Forbidden):
		return kind{CodeForbidden, http.StatusForbidden, true}
	case errors.Is(err, errs.NotFound):
		return kind{CodeNotFound, http.StatusNotFound, true}
	case errors.Is(err, errs.TooLarge):
		return kind{CodeBadUserInput, http.StatusRequestEntityTooLarge, true}
	case errors.Is(err, errs.Invalid), errors.Is(err, errs.Integrity):
		return kind{CodeBadUserInput, http.StatusBadRequest, true}
	case errors.Is(err, errs.Conflict):
		return kind{CodeConflict, http.StatusConflict, true}
	case errors.Is(err, errs.Unavailable):
		return kind{CodeUnavailable, http.StatusServiceUnavailable, false}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The client went away or ran out of time: not the hub's fault.
		return kind{CodeUnavailable, http.StatusServiceUnavailable, false}
	case errors.Is(err, model.ErrScalar), errors.As(err, &numErr):
		// Scalars that failed to parse (a Time, or a number in a string).
		return kind{CodeBadUserInput, http.StatusBadRequest, true}
	}
	return kind{CodeInternal, http.StatusInternalServerError, false}
}

// extensions are what an error adds to its code for the caller: the
// details it carries, the seconds to wait for a rate-limited one.
func extensions(err error, code string) map[string]any {
	ext := map[string]any{"code": code}
	var d *errs.Detailed
	if errors.As(err, &d) {
		for k, v := range d.Details {
			ext[k] = v
		}
	}
	var limited *errs.RateLimited
	if errors.As(err, &limited) {
		ext["retryAfter"] = retrySeconds(limited)
	}
	if errors.Is(err, errs.Integrity) {
		ext["reason"] = "INTEGRITY"
	}
	return ext
}

func retrySeconds(e *errs.RateLimited) int { return max(1, int(math.Ceil(e.RetryAfter.Seconds()))) }

// message is the text the caller reads for an error of kind k, and logs
// the cause of one that is not written for the caller.
func message(ctx context.Context, log *slog.Logger, err error, k kind, where string) string {
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		log.DebugContext(ctx, "request ended before its answer", "at", where, "err", err)
		return "the request was cancelled or timed out before it completed"
	case k.code == CodeUnavailable && !k.public:
		log.WarnContext(ctx, "unavailable", "at", where, "err", err)
		var d *errs.Detailed
		if errors.As(err, &d) {
			// A subscription's own explanation (where to resume).
			return d.Error()
		}
		var hidden *errs.Hidden
		if errors.As(err, &hidden) && errors.Is(hidden.Kind, errs.Unavailable) {
			// What is unavailable, in words written for the caller (the
			// artifact storage is full); the cause stays in the log.
			return errs.Truncate(hidden.Msg, maxMessage)
		}
		return "the database is unavailable; retry later"
	case !k.public:
		log.ErrorContext(ctx, "internal error", "at", where, "err", err)
		return "internal error"
	}
	var hidden *errs.Hidden
	if errors.As(err, &hidden) && hidden.Cause != nil {
		log.InfoContext(ctx, "refused", "at", where, "err", err.Error(), "cause", hidden.Cause)
	}
	return errs.Truncate(err.Error(), maxMessage)
}

// presenter is the one place GraphQL errors are classified. Driver
// messages, Cypher and stack traces never reach the caller: an
// unclassified error is logged with its cause and sent as "internal error".
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Err == nil {
			return requestError(gqlErr)
		}
		k := classify(gqlErr.Err)
		out := &gqlerror.Error{Message: message(ctx, log, gqlErr.Err, k, gqlErr.Path.String()), Path: gqlErr.Path,
			Locations: gqlErr.Locations, Extensions: extensions(gqlErr.Err, k.code)}
		if errors.Is(gqlErr.Err, context.Canceled) || errors.Is(gqlErr.Err, context.DeadlineExceeded) {
			out.Extensions["reason"] = "CANCELLED"
		}
		// A scalar argument that failed to parse names itself last in the
		// path; the message names it too.
		if errors.Is(gqlErr.Err, model.ErrScalar) && len(gqlErr.Path) > 0 {
			if arg, ok := gqlErr.Path[len(gqlErr.Path)-1].(ast.PathName); ok {
				out.Message = string(arg) + ": " + out.Message
			}
		}
		return out
	}
}

// requestError presents an error of the request itself: produced by the
// parser, the validator or an extension (the document and cost limits),
// before any resolver ran. Its own code, if any, becomes the detail.
func requestError(gqlErr *gqlerror.Error) *gqlerror.Error {
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	if detail, ok := gqlErr.Extensions["code"]; ok {
		gqlErr.Extensions["detail"] = detail
	}
	// A variable that failed coercion carries the field only in its path;
	// messages name the field that was wrong.
	if len(gqlErr.Path) > 0 && gqlErr.Path[0] == ast.PathName("variable") {
		gqlErr.Message = gqlErr.Path.String() + ": " + gqlErr.Message
	}
	gqlErr.Message = errs.Truncate(gqlErr.Message, maxMessage)
	gqlErr.Extensions["code"] = CodeBadUserInput
	return gqlErr
}

// Presenter returns the error presenter, for errors that leave a resolver
// without passing gqlgen's (a subscription's end).
func Presenter(log *slog.Logger) func(ctx context.Context, err error) *gqlerror.Error {
	return presenter(log)
}

// recoverer turns a resolver panic into an internal error and logs it.
func recoverer(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", p, "stack", string(debug.Stack()))
		return errors.New("internal error")
	}
}

// writeError is the one HTTP error writer: every refusal the hub answers
// before GraphQL runs (a body over the limit, a bad token, a caller over
// its limits) is a GraphQL-shaped body with the code and status classify
// assigns, so GraphQL clients read them like any other error.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	k := classify(err)
	ext := extensions(err, k.code)
	h := w.Header()
	var limited *errs.RateLimited
	if errors.As(err, &limited) {
		h.Set("Retry-After", strconv.Itoa(retrySeconds(limited)))
	}
	if k.code == CodeUnauthenticated {
		h.Set("Cache-Control", "no-store")
		h.Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+challengeText(err.Error())+`"`)
	}
	writeJSON(w, k.status, map[string]any{"errors": []map[string]any{{
		"message": message(r.Context(), log, err, k, r.Method+" "+r.URL.Path), "extensions": ext}}})
}

// challengeText restricts s to the characters RFC 6750 allows in a
// WWW-Authenticate error_description (printable ASCII except '"' and '\').
func challengeText(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '"':
			b.WriteByte('\'')
		case c == '\\':
			b.WriteByte('/')
		case c >= 0x20 && c <= 0x7e:
			b.WriteRune(c)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
