package auth

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind (for example
// a JWKS background refresh that did not stop with its context).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := findLeaks(leakWait); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// leakWait is how long a stopped goroutine may take to end before it
// counts as leaked. goleak's own retries give up after about a second,
// which a goroutine of a -race binary on a busy machine can need just to
// be scheduled; a goroutine that never ends still fails, only later.
const leakWait = 30 * time.Second

// findLeaks is goleak.Find, retried until no unexpected goroutine is left
// or timeout passes; it returns the last finding.
func findLeaks(timeout time.Duration, opts ...goleak.Option) error {
	var err error
	pollUntil(timeout, func() bool {
		err = goleak.Find(opts...)
		return err == nil
	})
	return err
}
