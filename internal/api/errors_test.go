package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/events"
)

// TestPresenterTranslatesEveryKind: each kind of internal/errs gets its
// code, details ride along, and what is not written for the caller stays
// in the log.
func TestPresenterTranslatesEveryKind(t *testing.T) {
	present := Presenter(slog.New(slog.NewTextHandler(io.Discard, nil)))
	lag := &events.LagError{Reason: "fell 10 events behind", Cursor: 41}
	cases := []struct {
		name    string
		err     error
		code    string
		message string // a substring; "" means "internal error" exactly
		details map[string]any
		hidden  string // must not reach the caller
	}{
		{"not found", fmt.Errorf("runId %q: %w", "r_1", errs.NotFound), CodeNotFound, "runId", nil, ""},
		{"invalid", errs.Invalidf("depth: must be 1 to 50, got 99"), CodeBadUserInput, "depth: must be", nil, ""},
		{"hidden cause", errs.Hide(errs.Invalid, "datasetVersionId: reading the evaluation data failed", errors.New("open /secret/path")),
			CodeBadUserInput, "reading the evaluation data failed", nil, "/secret/path"},
		{"forbidden", errs.Forbiddenf("this needs the admin role"), CodeForbidden, "admin role", nil, ""},
		{"conflict", errs.Conflictf("already decided"), CodeConflict, "already decided", nil, ""},
		{"unauthenticated with details", errs.WithDetails(fmt.Errorf("%w: token expired", errs.Unauthenticated),
			map[string]any{"reason": "TOKEN_EXPIRED", "resumeAfter": "41"}), CodeUnauthenticated, "token expired",
			map[string]any{"reason": "TOKEN_EXPIRED", "resumeAfter": "41"}, ""},
		{"slow consumer", errs.WithDetails(fmt.Errorf("%w: %w", errs.Unavailable, lag), map[string]any{"reason": "SLOW_CONSUMER", "resumeAfter": "41"}),
			CodeUnavailable, "subscribe again with after", map[string]any{"reason": "SLOW_CONSUMER", "resumeAfter": "41"}, ""},
		{"database down", fmt.Errorf("%w: ConnectivityError: dial tcp 127.0.0.1:7687", errs.Unavailable), CodeUnavailable, "database is unavailable", nil, "dial tcp"},
		{"integrity", fmt.Errorf("%w: digest differs", errs.Integrity), CodeBadUserInput, "digest differs", map[string]any{"reason": "INTEGRITY"}, ""},
		{"unclassified", errors.New("neo4j: syntax error in MATCH (n"), CodeInternal, "", nil, "MATCH"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := present(context.Background(), c.err)
			if got.Extensions["code"] != c.code {
				t.Fatalf("code %v, want %s", got.Extensions["code"], c.code)
			}
			if (c.message == "" && got.Message != "internal error") || !strings.Contains(got.Message, c.message) {
				t.Fatalf("message %q, want it to say %q", got.Message, c.message)
			}
			for k, v := range c.details {
				if got.Extensions[k] != v {
					t.Fatalf("extensions %v, want %s=%v", got.Extensions, k, v)
				}
			}
			if c.hidden != "" && strings.Contains(fmt.Sprint(got.Message, got.Extensions), c.hidden) {
				t.Fatalf("%q reached the caller: %q %v", c.hidden, got.Message, got.Extensions)
			}
		})
	}
}
