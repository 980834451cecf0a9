// Package errs is the hub's error vocabulary: the few kinds of failure
// every layer speaks (a sentinel each), and the ways of wrapping them that
// keep a message meant for the caller apart from a cause meant for the log.
//
// Every package wraps these sentinels; none assigns a wire code. The edge
// (internal/api) translates them, in one place, into a GraphQL
// extensions.code and an HTTP status. This package imports nothing of the
// hub's, so every package may import it.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// The kinds of failure. Callers test them with errors.Is; an error wraps
// at most one of them. Their texts begin the messages of the errors that
// wrap them directly ("not found", "invalid input: name: …").
var (
	// NotFound means the addressed object does not exist, or is in a
	// project the caller may not read: both read the same.
	NotFound = errors.New("not found")
	// Invalid means the input is malformed; the message names the field.
	Invalid = errors.New("invalid input")
	// Conflict means the write contradicts what is stored: a duplicate
	// key, a changed immutable value, an illegal state transition.
	Conflict = errors.New("conflict")
	// Unauthenticated means the request carries no credential, or one that
	// could not be verified.
	Unauthenticated = errors.New("unauthenticated")
	// Forbidden means the caller is known but lacks the role the operation
	// needs.
	Forbidden = errors.New("forbidden")
	// Unavailable means a dependency (Neo4j, a data source) did not answer,
	// or the operation is not served here: the caller may retry later.
	Unavailable = errors.New("unavailable")
	// Integrity means data read back does not match the digest it was
	// registered with: it changed under a version that claims to be
	// immutable.
	Integrity = errors.New("integrity check failed")
	// TooLarge means the request is larger than the hub accepts.
	TooLarge = errors.New("too large")
)

// Invalidf returns an Invalid error with a message naming what was wrong.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", Invalid, fmt.Sprintf(format, args...))
}

// Conflictf returns a Conflict error.
func Conflictf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", Conflict, fmt.Sprintf(format, args...))
}

// Forbiddenf returns a Forbidden error.
func Forbiddenf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", Forbidden, fmt.Sprintf(format, args...))
}

// Unavailablef returns an Unavailable error.
func Unavailablef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", Unavailable, fmt.Sprintf(format, args...))
}

// Hidden is an error whose message is written for the caller and whose
// cause, kept for errors.Is and As and for the log, is not shown: a
// driver's text, a file path on the server, a library's wording.
type Hidden struct {
	Kind  error // one of the sentinels
	Msg   string
	Cause error
}

// Hide returns kind's error with msg for the caller and cause for the log.
func Hide(kind error, msg string, cause error) error {
	return &Hidden{Kind: kind, Msg: msg, Cause: cause}
}

func (e *Hidden) Error() string { return e.Msg }

// Unwrap exposes the kind and the cause.
func (e *Hidden) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// Detailed is an error that carries machine-readable details for the
// caller besides its message (a reason, a cursor to resume from); the
// edge adds them to the error it sends.
type Detailed struct {
	Err     error
	Details map[string]any
}

// WithDetails attaches details to err.
func WithDetails(err error, details map[string]any) error {
	return &Detailed{Err: err, Details: details}
}

func (e *Detailed) Error() string { return e.Err.Error() }

func (e *Detailed) Unwrap() error { return e.Err }

// RateLimited refuses a caller over one of its limits; RetryAfter says when
// it may try again.
type RateLimited struct {
	Msg        string
	RetryAfter time.Duration
}

func (e *RateLimited) Error() string { return e.Msg }
