package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/exphub/exphub/internal/errs"
)

// BearerToken extracts the token from an Authorization header value of the
// form "Bearer <token>" (scheme case-insensitive). It reports false when the
// value is empty, uses another scheme, or the token is empty or contains
// whitespace.
func BearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	if token == "" || strings.ContainsAny(token, " \t\r\n") {
		return "", false
	}
	return token, true
}

// Authenticate verifies the credential in an Authorization header value with
// v and returns its Principal. It is the single path used by Middleware and
// is meant for other transports too (e.g. a websocket init payload). Every
// failure wraps errs.Unauthenticated.
func Authenticate(ctx context.Context, v Verifier, authorization string) (*Principal, error) {
	if strings.TrimSpace(authorization) == "" {
		return nil, unauthenticated("missing bearer token", nil)
	}
	token, ok := BearerToken(authorization)
	if !ok {
		return nil, unauthenticated(`malformed authorization header (want "Bearer <token>")`, nil)
	}
	if v == nil {
		return nil, unauthenticated("no token verifier configured", nil)
	}
	p, err := v.Verify(ctx, token)
	switch {
	case err != nil && errors.Is(err, errs.Unauthenticated):
		return nil, err
	case err != nil:
		return nil, unauthenticated("token could not be verified", err)
	case p == nil:
		return nil, unauthenticated("token could not be verified", nil)
	}
	return p, nil
}
