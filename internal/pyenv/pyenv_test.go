package pyenv

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// probe imports the real client and reports what the script sees of its
// environment, so the test can hold Run to its contract.
const probe = `
import importlib.metadata, json, os, site, sys
import openlineage.client
from openlineage.client import OpenLineageClient
from openlineage.client.transport.http import HttpConfig, HttpTransport
print(json.dumps({
    "version": importlib.metadata.version("openlineage-python"),
    "client": OpenLineageClient.__name__,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "user_site": site.ENABLE_USER_SITE,
    "path": sys.path,
    "cwd": os.getcwd(),
    "args": sys.argv[1:],
    "env": dict(os.environ),
}))
`

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.py")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenLineageClient makes (or reuses) the openlineage venv and imports
// the real client in it: the tooling the OpenLineage e2e tests stand on.
func TestOpenLineageClient(t *testing.T) {
	python := Python(t, "openlineage")
	if again := Python(t, "openlineage"); again != python {
		t.Fatalf("second Python = %s, first %s", again, python)
	}
	t.Setenv("OPENLINEAGE_URL", "http://leaked.invalid") // the caller's environment must not reach the script
	t.Setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
	out := Run(t, python, writeScript(t, probe), []string{"HUB_TOKEN=tok", "PATH_EXTRA=x"}, "--fail", "two words")

	var got struct {
		V        string            `json:"version"`
		C        string            `json:"client"`
		P        string            `json:"prefix"`
		BP       string            `json:"base_prefix"`
		UserSite bool              `json:"user_site"`
		Path     []string          `json:"path"`
		Cwd      string            `json:"cwd"`
		Args     []string          `json:"args"`
		Env      map[string]string `json:"env"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("probe output %q: %v", out, err)
	}
	venv := filepath.Dir(filepath.Dir(python))
	for _, c := range []struct{ name, got, want string }{
		{"openlineage-python version", got.V, "1.54.0"},
		{"client class", got.C, "OpenLineageClient"},
		{"sys.prefix", got.P, venv},
		{"HOME (also the working directory)", realPath(t, got.Env["HOME"]), realPath(t, got.Cwd)},
		{"FEAST_USAGE", got.Env["FEAST_USAGE"], "False"},
		{"no_proxy", got.Env["no_proxy"], "*"},
		{"HUB_TOKEN (passed)", got.Env["HUB_TOKEN"], "tok"},
		{"args", strings.Join(got.Args, "|"), "--fail|two words"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got.BP == got.P {
		t.Errorf("sys.base_prefix = sys.prefix = %s: not running in a venv", got.P)
	}
	if got.UserSite {
		t.Error("user site-packages enabled")
	}
	for _, p := range got.Path {
		if strings.Contains(p, "site-packages") || strings.Contains(p, "dist-packages") {
			if !strings.HasPrefix(p, venv+string(filepath.Separator)) {
				t.Errorf("sys.path has %s, outside the venv %s", p, venv)
			}
		}
	}
	for _, k := range []string{"OPENLINEAGE_URL", "OPENLINEAGE_DISABLED", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"} {
		if v, ok := got.Env[k]; ok {
			t.Errorf("script sees %s=%q", k, v)
		}
	}
	if h := os.Getenv("HOME"); h != "" && got.Env["HOME"] == h {
		t.Errorf("script's HOME is the real home %s", h)
	}
	if !strings.HasPrefix(got.Env["PATH"], filepath.Dir(python)+string(os.PathListSeparator)) {
		t.Errorf("PATH %q does not start with the venv's bin", got.Env["PATH"])
	}
}

// realPath resolves symlinks (macOS's /var is /private/var), so paths the
// script reports compare equal to the test's.
func realPath(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatalf("resolve %q: %v", p, err)
	}
	return r
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, as the real one does, without failing the outer test.
type fatalRecorder struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.msg = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

// fatalOf runs f against a recorder and returns what it failed with ("" if
// it did not fail).
func fatalOf(t *testing.T, f func(tb testing.TB)) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.msg
}

// TestRunFails proves that a failing script, or a test trying to lift the
// sandbox, fails the test with the reason; nothing is skipped.
func TestRunFails(t *testing.T) {
	python := Python(t, "openlineage")
	failing := writeScript(t, "import sys\nprint('partial out')\nsys.stderr.write('boom: the hub said 401\\n')\nsys.exit(3)\n")
	for _, tc := range []struct {
		name   string
		script string
		env    []string
		want   []string
	}{
		{"non-zero exit", failing, nil, []string{"exit status 3", "boom: the hub said 401", "partial out"}},
		{"missing script", filepath.Join(t.TempDir(), "nope.py"), nil, []string{"exit status 2", "nope.py"}},
		{"HOME", failing, []string{"HOME=/root"}, []string{"may not set HOME"}},
		{"OPENLINEAGE_DISABLED", failing, []string{"OPENLINEAGE_DISABLED=true"}, []string{"may not set OPENLINEAGE_DISABLED"}},
		{"proxy", failing, []string{"https_proxy=http://p:1"}, []string{"may not set https_proxy"}},
		{"FEAST_USAGE", failing, []string{"FEAST_USAGE=True"}, []string{"may not set FEAST_USAGE"}},
		{"malformed", failing, []string{"JUSTAKEY"}, []string{`"JUSTAKEY" is not KEY=value`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := fatalOf(t, func(tb testing.TB) { Run(tb, python, tc.script, tc.env) })
			if msg == "" {
				t.Fatal("Run did not fail the test")
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("failure message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestPythonUnknownName proves a name without a requirements file fails
// with venv.sh's message rather than skipping.
func TestPythonUnknownName(t *testing.T) {
	msg := fatalOf(t, func(tb testing.TB) { Python(tb, "no-such-requirements") })
	if !strings.Contains(msg, "requirements-no-such-requirements.txt") {
		t.Errorf("failure message lacks the missing file:\n%s", msg)
	}
}
