package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
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
// failure wraps ErrUnauthenticated.
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
	case err != nil && errors.Is(err, ErrUnauthenticated):
		return nil, err
	case err != nil:
		return nil, unauthenticated("token could not be verified", err)
	case p == nil:
		return nil, unauthenticated("token could not be verified", nil)
	}
	return p, nil
}

// Middleware authenticates every request with v via Authenticate. On success
// it stores the Principal in the request context (see FromContext) and calls
// next. Otherwise it responds 401 with a WWW-Authenticate Bearer challenge
// and a GraphQL-shaped JSON body:
//
//	{"errors":[{"message":"<reason>","extensions":{"code":"UNAUTHENTICATED"}}]}
func Middleware(v Verifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *Principal
		var err error
		if vals := r.Header.Values("Authorization"); len(vals) > 1 {
			err = unauthenticated("more than one Authorization header", nil)
		} else {
			p, err = Authenticate(r.Context(), v, r.Header.Get("Authorization"))
		}
		if err != nil {
			writeUnauthenticated(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// gqlErrorBody is the GraphQL-shaped error response body.
type gqlErrorBody struct {
	Errors []gqlError `json:"errors"`
}

type gqlError struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

// writeUnauthenticated writes the 401 response for err.
func writeUnauthenticated(w http.ResponseWriter, err error) {
	msg := err.Error()
	if !errors.Is(err, ErrUnauthenticated) {
		msg = unauthenticated("token could not be verified", nil).Error()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+challengeText(msg)+`"`)
	w.WriteHeader(http.StatusUnauthorized)
	body := gqlErrorBody{Errors: []gqlError{{
		Message:    msg,
		Extensions: map[string]string{"code": "UNAUTHENTICATED"},
	}}}
	// The status is already sent; a write error means the client is gone.
	_ = json.NewEncoder(w).Encode(body)
}

// challengeText restricts s to the characters RFC 6750 allows in
// error_description (printable ASCII except '"' and '\').
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
