package auth

import (
	"errors"

	"github.com/exphub/exphub/internal/errs"
)

// errNoSigningKey marks a JWKS key lookup that found no key usable for the
// token's "kid" and "alg" (unknown kid, refresh rate-limited, wrong key type).
var errNoSigningKey = errors.New("no signing key matches the token's kid and alg")

// authError is an errs.Unauthenticated failure with a user-facing reason and an
// optional underlying cause (kept for errors.Is/As and logging, but not part
// of the message, so library internals never reach clients).
type authError struct {
	reason string
	cause  error
}

// Error returns "unauthenticated: <reason>".
func (e *authError) Error() string { return errs.Unauthenticated.Error() + ": " + e.reason }

// Unwrap exposes errs.Unauthenticated and the underlying cause, if any.
func (e *authError) Unwrap() []error {
	if e.cause == nil {
		return []error{errs.Unauthenticated}
	}
	return []error{errs.Unauthenticated, e.cause}
}

// unauthenticated builds an error wrapping errs.Unauthenticated with reason.
func unauthenticated(reason string, cause error) error {
	return &authError{reason: reason, cause: cause}
}
