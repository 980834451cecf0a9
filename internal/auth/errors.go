package auth

import "errors"

// Sentinel errors. Every error returned by this package that is caused by a
// missing or unacceptable credential wraps ErrUnauthenticated; callers decide
// on ErrForbidden themselves after consulting a Principal.
var (
	// ErrUnauthenticated means the request carries no credential, or one that
	// could not be verified. Errors wrapping it have a message of the form
	// "unauthenticated: <reason>" where the reason is safe to show to the
	// caller and never contains key material.
	ErrUnauthenticated = errors.New("unauthenticated")

	// ErrForbidden means the caller is authenticated but lacks the role
	// required for the requested project or operation.
	ErrForbidden = errors.New("forbidden")
)

// errNoSigningKey marks a JWKS key lookup that found no key usable for the
// token's "kid" and "alg" (unknown kid, refresh rate-limited, wrong key type).
var errNoSigningKey = errors.New("no signing key matches the token's kid and alg")

// authError is an ErrUnauthenticated failure with a user-facing reason and an
// optional underlying cause (kept for errors.Is/As and logging, but not part
// of the message, so library internals never reach clients).
type authError struct {
	reason string
	cause  error
}

// Error returns "unauthenticated: <reason>".
func (e *authError) Error() string { return ErrUnauthenticated.Error() + ": " + e.reason }

// Unwrap exposes ErrUnauthenticated and the underlying cause, if any.
func (e *authError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrUnauthenticated}
	}
	return []error{ErrUnauthenticated, e.cause}
}

// unauthenticated builds an error wrapping ErrUnauthenticated with reason.
func unauthenticated(reason string, cause error) error {
	return &authError{reason: reason, cause: cause}
}
