package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testproc"
)

// env returns a getenv over a fixed map.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// runCapture runs hubctl with args and returns its exit code and outputs.
func runCapture(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, getenv, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func verifyWith(t *testing.T, secret, token string) *auth.Principal {
	t.Helper()
	v, err := auth.NewHMACVerifier([]byte(secret), auth.Options{})
	if err != nil {
		t.Fatalf("NewHMACVerifier: %v", err)
	}
	p, err := v.Verify(t.Context(), token)
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	return p
}

func TestTokenPrintsVerifiableToken(t *testing.T) {
	customSecret := "a-custom-secret-of-at-least-32-bytes!!"
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		secret string
		sub    string
		roles  map[string]auth.Role
		ttl    time.Duration
	}{
		{
			name:   "dev secret",
			args:   []string{"token", "--sub", "alice", "--role", "fraud=contributor", "--role", "*=viewer"},
			secret: auth.DevSecret, sub: "alice",
			roles: map[string]auth.Role{"fraud": auth.RoleContributor, "*": auth.RoleViewer},
			ttl:   time.Hour,
		},
		{
			name:   "single dash flags and ttl",
			args:   []string{"token", "-sub=bob", "-role=risk=approver", "-ttl=15m"},
			secret: auth.DevSecret, sub: "bob",
			roles: map[string]auth.Role{"risk": auth.RoleApprover},
			ttl:   15 * time.Minute,
		},
		{
			name:   "EXPHUB_JWT_SECRET override",
			env:    map[string]string{"EXPHUB_JWT_SECRET": customSecret},
			args:   []string{"token", "--sub", "carol", "--role", "*=admin"},
			secret: customSecret, sub: "carol",
			roles: map[string]auth.Role{"*": auth.RoleAdmin},
			ttl:   time.Hour,
		},
		{
			name:   "custom --secret-env",
			env:    map[string]string{"OTHER_SECRET": customSecret, "EXPHUB_JWT_SECRET": "ignored-ignored-ignored-ignored-ignored"},
			args:   []string{"token", "--sub", "dave", "--role", "fraud=viewer", "--secret-env", "OTHER_SECRET"},
			secret: customSecret, sub: "dave",
			roles: map[string]auth.Role{"fraud": auth.RoleViewer},
			ttl:   time.Hour,
		},
		{
			name:   "empty variable falls back to dev secret",
			env:    map[string]string{"EXPHUB_JWT_SECRET": ""},
			args:   []string{"token", "--sub", "erin", "--role", "fraud=viewer"},
			secret: auth.DevSecret, sub: "erin",
			roles: map[string]auth.Role{"fraud": auth.RoleViewer},
			ttl:   time.Hour,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now().Truncate(time.Second)
			code, stdout, stderr := runCapture(t, env(tc.env), tc.args...)
			after := time.Now()
			if code != 0 {
				t.Fatalf("exit %d, stderr: %s", code, stderr)
			}
			if stderr != "" {
				t.Errorf("unexpected stderr: %q", stderr)
			}
			token, ok := strings.CutSuffix(stdout, "\n")
			if !ok || token == "" || strings.ContainsAny(token, " \n") {
				t.Fatalf("stdout is not one token and a newline: %q", stdout)
			}
			p := verifyWith(t, tc.secret, token)
			if p.Subject != tc.sub {
				t.Errorf("Subject = %q, want %q", p.Subject, tc.sub)
			}
			if !maps.Equal(p.Roles, tc.roles) {
				t.Errorf("Roles = %v, want %v", p.Roles, tc.roles)
			}
			if p.ExpiresAt.Before(before.Add(tc.ttl)) || p.ExpiresAt.After(after.Add(tc.ttl)) {
				t.Errorf("ExpiresAt = %v, want about now+%s", p.ExpiresAt, tc.ttl)
			}
		})
	}
}

func TestTokenOverrideIsNotDevSecret(t *testing.T) {
	code, stdout, _ := runCapture(t, env(map[string]string{"EXPHUB_JWT_SECRET": "a-custom-secret-of-at-least-32-bytes!!"}),
		"token", "--sub", "alice", "--role", "fraud=viewer")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), strings.TrimSpace(stdout)); err == nil {
		t.Fatal("token signed with EXPHUB_JWT_SECRET verified with the dev secret")
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string // substring of stderr
	}{
		{"no command", nil, nil, 2, "no command"},
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"no --sub", nil, []string{"token", "--role", "fraud=viewer"}, 2, "--sub is required"},
		{"empty --sub", nil, []string{"token", "--sub", "", "--role", "fraud=viewer"}, 2, "--sub is required"},
		{"no --role", nil, []string{"token", "--sub", "alice"}, 2, "at least one --role"},
		{"role without =", nil, []string{"token", "--sub", "alice", "--role", "fraud"}, 2, `"fraud" is not PROJECT=ROLE`},
		{"role with empty project", nil, []string{"token", "--sub", "alice", "--role", "=viewer"}, 2, "empty project"},
		{"unknown role", nil, []string{"token", "--sub", "alice", "--role", "fraud=owner"}, 2, `unknown role "owner"`},
		{"role none", nil, []string{"token", "--sub", "alice", "--role", "fraud=none"}, 2, `unknown role "none"`},
		{"duplicate project", nil, []string{"token", "--sub", "alice", "--role", "fraud=viewer", "--role", "fraud=admin"}, 2, "more than once"},
		{"bad ttl", nil, []string{"token", "--sub", "alice", "--role", "fraud=viewer", "--ttl", "soon"}, 2, "-ttl"},
		{"zero ttl", nil, []string{"token", "--sub", "alice", "--role", "fraud=viewer", "--ttl", "0s"}, 2, "--ttl must be positive"},
		{"negative ttl", nil, []string{"token", "--sub", "alice", "--role", "fraud=viewer", "--ttl", "-1h"}, 2, "--ttl must be positive"},
		{"unknown flag", nil, []string{"token", "--sub", "alice", "--role", "fraud=viewer", "--admin"}, 2, "-admin"},
		{"stray argument", nil, []string{"token", "--sub", "alice", "--role", "fraud=viewer", "extra"}, 2, `unexpected argument "extra"`},
		{"empty --secret-env", nil, []string{"token", "--sub", "alice", "--role", "fraud=viewer", "--secret-env", ""}, 2, "--secret-env"},
		{"short secret", map[string]string{"EXPHUB_JWT_SECRET": "tiny-secret-XYZ"}, []string{"token", "--sub", "alice", "--role", "fraud=viewer"}, 1, "$EXPHUB_JWT_SECRET"},
		// generate checks its flags before it connects: the URI below is
		// never dialled.
		{"generate too few nodes", nil, []string{"generate", "--nodes", "5", "--neo4j-uri", "bolt://192.0.2.1:1"}, 2, "nodes: between 100"},
		{"generate bad prefix", nil, []string{"generate", "--prefix", "No Caps", "--neo4j-uri", "bolt://192.0.2.1:1"}, 2, "prefix"},
		{"generate no projects", nil, []string{"generate", "--projects", "0", "--nodes", "500", "--neo4j-uri", "bolt://192.0.2.1:1"}, 2, "projects"},
		{"generate stray argument", nil, []string{"generate", "now"}, 2, `unexpected argument "now"`},
		{"generate bad number", nil, []string{"generate", "--nodes", "lots"}, 2, "-nodes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCapture(t, env(tc.env), tc.args...)
			if code != tc.code {
				t.Errorf("exit code = %d, want %d", code, tc.code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want empty", stdout)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not mention %q", stderr, tc.want)
			}
			if tc.code == 2 && !strings.Contains(stderr, "usage: hubctl") {
				t.Errorf("stderr %q has no usage line", stderr)
			}
			if secret := tc.env["EXPHUB_JWT_SECRET"]; secret != "" && strings.Contains(stderr, secret) {
				t.Errorf("stderr leaks the secret: %q", stderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"help command", []string{"help"}},
		{"-h", []string{"-h"}},
		{"token -h", []string{"token", "-h"}},
		{"generate -h", []string{"generate", "-h"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCapture(t, env(nil), tc.args...)
			if code != 0 || stdout != "" || !strings.Contains(stderr, "usage: hubctl") {
				t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
		})
	}
}

func TestGenerateWritesTheGraph(t *testing.T) {
	prefix := neo4jtest.Key(t, "hg")
	vars := map[string]string{"EXPHUB_NEO4J_PASSWORD": neo4jtest.Password()}
	code, stdout, stderr := runCapture(t, env(vars), "generate", "--nodes", "300", "--seed", "5", "--prefix", prefix,
		"--projects", "2", "--hubs", "1", "--neo4j-uri", neo4jtest.URI(), "--quiet")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	n := neo4jtest.Count(t, `MATCH (v:Node) WHERE v.projectKey STARTS WITH $p RETURN count(v) AS n`, map[string]any{"p": prefix + "-"})
	if want := fmt.Sprintf("generated %d nodes", n); n < 300 || !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want %q (and at least 300 nodes)", stdout, want)
	}
	// Again with the same prefix: refused, exit 1, nothing written.
	code, _, stderr = runCapture(t, env(vars), "generate", "--nodes", "300", "--prefix", prefix, "--projects", "2", "--neo4j-uri", neo4jtest.URI(), "--quiet")
	if code != 1 || !strings.Contains(stderr, "already exist") {
		t.Errorf("second run: exit %d, stderr %q", code, stderr)
	}
	if again := neo4jtest.Count(t, `MATCH (v:Node) WHERE v.projectKey STARTS WITH $p RETURN count(v) AS n`, map[string]any{"p": prefix + "-"}); again != n {
		t.Errorf("the refused run changed the node count from %d to %d", n, again)
	}
}

func TestWatchReplaysThenFollows(t *testing.T) {
	st := neo4jtest.Store(t)
	hub := events.New(st, events.Options{})
	st.OnAppend(hub.Notify)
	defer hub.Start(context.Background())()
	v, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 1 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Events: hub, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	key := neo4jtest.Key(t, "watch")
	if _, err := st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	exp, err := st.CreateExperiment(t.Context(), "alice", store.CreateExperimentInput{ProjectKey: key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.NewDevToken([]byte(auth.DevSecret), "bob", map[string]auth.Role{key: auth.RoleViewer}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		code           int
		stdout, stderr string
	}
	res := make(chan result, 1)
	var stdout testproc.Buffer
	go func() {
		var stderr bytes.Buffer
		code := run([]string{"watch", "--url", srv.URL + "/graphql", "--project", key, "--after", "0", "--count", "3", "--json"},
			env(map[string]string{"EXPHUB_TOKEN": tok}), &stdout, &stderr)
		res <- result{code, stdout.String(), stderr.String()}
	}()
	// The third event is written only once the two replayed ones are
	// printed, so it reaches the watch live. The deadlines are generous: a
	// -race binary beside other packages' tests may take many seconds to
	// connect and replay; waiting costs nothing when it is quick.
	for deadline := time.Now().Add(60 * time.Second); strings.Count(stdout.String(), "\n") < 2; time.Sleep(20 * time.Millisecond) {
		select {
		case r := <-res:
			t.Fatalf("watch ended before the replay was printed: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the watch did not print the two replayed events in 60 s: %q", stdout.String())
		}
	}
	r1, err := st.StartRun(t.Context(), "carol", store.StartRunInput{ExperimentID: exp.ID, Name: "r"})
	if err != nil {
		t.Fatal(err)
	}
	var r result
	select {
	case r = <-res:
	case <-time.After(60 * time.Second):
		t.Fatalf("watch did not finish after the third event; printed %q", stdout.String())
	}
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var kinds, targets []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var e struct{ Kind, TargetID string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		kinds, targets = append(kinds, e.Kind), append(targets, e.TargetID)
	}
	if want := []string{"PROJECT_CREATED", "EXPERIMENT_CREATED", "RUN_STARTED"}; !slices.Equal(kinds, want) || targets[2] != r1.ID {
		t.Errorf("printed %v %v, want %v ending with %s", kinds, targets, want, r1.ID)
	}
}

func TestWatchBadInput(t *testing.T) {
	tok := map[string]string{"EXPHUB_TOKEN": "x"}
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"watch"}, "$EXPHUB_TOKEN is empty"},
		{tok, []string{"watch", "--url", "localhost:8080"}, "--url"},
		{tok, []string{"watch", "--count", "-1"}, "--count"},
		{tok, []string{"watch", "--kind", "run_started"}, "upper case"},
		{tok, []string{"watch", "extra"}, `unexpected argument "extra"`},
	} {
		code, stdout, stderr := runCapture(t, env(c.env), c.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "usage: hubctl watch") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want %q)", c.args, code, stdout, stderr, c.want)
		}
	}
	// A token the server refuses ends the watch at once (exit 1).
	st := neo4jtest.Store(t)
	v, _ := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	srv := httptest.NewServer(api.NewHandler(api.Options{Store: st, Verifier: v, Ready: st, MaxBodyBytes: 1 << 20,
		ComplexityLimit: api.DefaultComplexityLimit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	code, _, stderr := runCapture(t, env(map[string]string{"EXPHUB_TOKEN": "forged"}), "watch", "--url", srv.URL+"/graphql")
	if code != 1 || !strings.Contains(stderr, "refused the token") {
		t.Errorf("forged token: exit %d, stderr %q", code, stderr)
	}
}
