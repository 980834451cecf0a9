package model

import (
	"errors"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// ErrScalar marks an input value that is not of its scalar type; the API
// answers it with BAD_USER_INPUT.
var ErrScalar = errors.New("not a valid value")

// MarshalTime writes a Time scalar: RFC 3339 with fractional seconds.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads a Time scalar: an RFC 3339 string with a zone, such
// as 2026-01-02T15:04:05Z or 2026-01-02T16:04:05.5+01:00. Anything else is
// ErrScalar with a message that shows the expected form.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: want an RFC 3339 time such as 2026-01-02T15:04:05Z, got %T", ErrScalar, v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", ErrScalar, s)
	}
	return t, nil
}
