package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestOnlyNetworkFailuresOpenTheBreaker: the breaker stops sending
// requests when Neo4j cannot be reached over the network, and only then —
// an exhausted pool, a refused login or a caller that gave up says nothing
// about Neo4j, and must not fail every other request.
func TestOnlyNetworkFailuresOpenTheBreaker(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", &neo4j.ConnectivityError{Inner: refused}, true},
		{"connection lost", &neo4j.ConnectivityError{Inner: fmt.Errorf("read: %w", io.EOF)}, true},
		{"retries that all failed to connect", &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{
			&neo4j.ConnectivityError{Inner: refused}}}, true},
		{"the pool's connections all busy", &neo4j.ConnectivityError{Inner: fmt.Errorf("waiting for a connection: %w", context.DeadlineExceeded)}, false},
		{"a refused login", &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, false},
		{"a caller that gave up", context.Canceled, false},
		{"a conflict", errs.Conflict, false},
		{"retries of conflicts", &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{errors.New("deadlock")}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unreachable(tc.err); got != tc.want {
				t.Errorf("unreachable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
