package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
)

func TestTokenGroups(t *testing.T) {
	code, stdout, stderr := runCapture(t, env(nil), "token", "--sub", "alice", "--role", "fraud=approver", "--group", "risk", "--group", "ml-platform")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr)
	}
	p := verifyWith(t, auth.DevSecret, strings.TrimSpace(stdout))
	if want := []string{"ml-platform", "risk"}; !slices.Equal(p.Groups, want) {
		t.Errorf("Groups = %q, want %q", p.Groups, want)
	}
	code, _, stderr = runCapture(t, env(nil), "token", "--sub", "alice", "--role", "fraud=approver", "--group", "")
	if code == 0 || !strings.Contains(stderr, "group names must be 1 to 100 bytes") {
		t.Errorf("an empty --group: exit %d, stderr %q", code, stderr)
	}
}
