// Package testwait waits, in tests, for a condition to hold: it checks the
// condition on a ticker until it holds or a generous deadline passes, so a
// test follows what the code does rather than racing a clock. It is for
// tests only and must not be imported by production code.
package testwait

import "time"

// Interval is how often Until checks its condition.
const Interval = 10 * time.Millisecond

// Until checks cond every Interval until it holds, and reports whether it
// held before timeout passed. The deadline is a safety net for a hung
// test, not a measure of speed: give it tens of seconds.
func Until(timeout time.Duration, cond func() bool) bool {
	if cond() {
		return true
	}
	tick := time.NewTicker(Interval)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case <-tick.C:
			if cond() {
				return true
			}
		case <-deadline.C:
			return cond()
		}
	}
}
