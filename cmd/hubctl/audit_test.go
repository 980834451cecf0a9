package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestAuditUsage checks the command line. The walk itself runs in
// internal/deploytest against instances of its own, where a restored log
// verifies and a tampered one does not (tampering with the shared test
// instance would break every other test, and walking its whole log, which
// every test appends to, is slow).
func TestAuditUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit"}, exitUsage, "want the subcommand verify"},
		{[]string{"audit", "check"}, exitUsage, "want the subcommand verify"},
		{[]string{"audit", "verify", "extra"}, exitUsage, "unexpected argument"},
		{[]string{"audit", "verify", "--nope"}, exitUsage, "flag provided but not defined"},
		{[]string{"audit", "help"}, exitOK, "usage: hubctl audit verify"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, func(string) string { return "" }, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
}
