package pyenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// venvs holds, per requirements name, the one attempt of this process to
// make its venv: every test asking for the same name waits for it and gets
// its result, a failure included (venv.sh keeps no half venv to retry on).
var (
	venvsMu sync.Mutex
	venvs   = map[string]*venv{}
)

type venv struct {
	once   sync.Once
	python string
	took   time.Duration
	err    error
}

// Python returns the interpreter of the virtual environment made from
// deploy/python/requirements-name.txt, making it first when no finished one
// is cached (deploy/python/venv.sh: EXPHUB_PY_CACHE, else
// $XDG_CACHE_HOME/exphub/python, else ~/.cache/exphub/python). Making one
// downloads the pinned packages from the package index; reusing one is a
// stamp check. It fails the test with venv.sh's stderr when the venv cannot
// be made; it never skips. Safe for concurrent use, also across test
// processes (venv.sh locks).
func Python(t testing.TB, name string) string {
	t.Helper()
	venvsMu.Lock()
	v := venvs[name]
	if v == nil {
		v = &venv{}
		venvs[name] = v
	}
	venvsMu.Unlock()
	v.once.Do(func() {
		start := time.Now()
		v.python, v.err = makeVenv(name)
		v.took = time.Since(start).Round(time.Millisecond)
		if v.err == nil {
			t.Logf("pyenv: %s venv ready in %s: %s", name, v.took, v.python)
		}
	})
	if v.err != nil {
		t.Fatalf("pyenv: %v", v.err)
	}
	return v.python
}

func makeVenv(name string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	script := filepath.Join(root, "deploy", "python", "venv.sh")
	// venv.sh gets the caller's environment: the cache location, and pip's
	// index, certificate and proxy settings for reaching the index.
	cmd := exec.Command(script, name)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", script, name, err, tail(stderr.String(), 8000))
	}
	dir := strings.TrimSpace(stdout.String())
	if dir == "" || strings.Contains(dir, "\n") {
		return "", fmt.Errorf("%s %s: want one venv path on stdout, got %q\n%s", script, name, dir, tail(stderr.String(), 8000))
	}
	python := filepath.Join(dir, "bin", "python")
	if _, err := os.Stat(python); err != nil {
		return "", fmt.Errorf("%s %s printed %s, which has no interpreter: %w", script, name, dir, err)
	}
	return python, nil
}

// repoRoot is the directory holding go.mod, found upwards from this file.
func repoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("runtime.Caller: no source file for pyenv")
	}
	for dir := filepath.Dir(file); ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", file)
		}
		dir = parent
	}
}

// reserved are the variables Run sets itself and a test may not override:
// they are what keeps a script from writing the real home, going through a
// proxy, or turning off the client under test.
var reserved = map[string]bool{
	"HOME":                 true,
	"FEAST_USAGE":          true,
	"OPENLINEAGE_DISABLED": true,
	"HTTP_PROXY":           true, "http_proxy": true,
	"HTTPS_PROXY": true, "https_proxy": true,
	"ALL_PROXY": true, "all_proxy": true,
	"NO_PROXY": true, "no_proxy": true,
}

// Run runs script (a path; a relative one is taken from the test's working
// directory, its package) with python and args, and returns its stdout. It
// fails the test, with the script's stderr, when the script exits non-zero
// or the test's context ends first; otherwise it logs the stderr (seen with
// go test -v).
//
// The script starts from an empty environment plus env ("KEY=value"
// entries, later ones winning): PATH holds the venv's bin first (so the
// venv's console scripts, such as feast, are found); HOME and TMPDIR are
// fresh t.TempDir()s, HOME also the working directory, so nothing reads or
// writes the real home or an openlineage.yml lying around; no_proxy=* with
// no proxy set; FEAST_USAGE=False; OPENLINEAGE_DISABLED unset; no bytecode
// written, no user site, UTF-8. env may not set HOME, FEAST_USAGE,
// OPENLINEAGE_DISABLED or a proxy variable: doing so fails the test.
func Run(t testing.TB, python, script string, env []string, args ...string) (stdout string) {
	t.Helper()
	for _, kv := range env {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			t.Fatalf("pyenv.Run: env entry %q is not KEY=value", kv)
		}
		if reserved[k] {
			t.Fatalf("pyenv.Run: env may not set %s; Run sets it to keep the script in its sandbox", k)
		}
	}
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatalf("pyenv.Run: %v", err)
	}
	home, tmp := t.TempDir(), t.TempDir()
	base := []string{
		"PATH=" + filepath.Dir(python) + string(os.PathListSeparator) + "/usr/bin" + string(os.PathListSeparator) + "/bin",
		"HOME=" + home,
		"TMPDIR=" + tmp,
		"LANG=C.UTF-8",
		"LC_ALL=C.UTF-8",
		"PYTHONUTF8=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONNOUSERSITE=1",
		"PYTHONUNBUFFERED=1",
		// requests and urllib fall back to the platform's proxy settings
		// when no proxy variable is set; no_proxy=* makes every host direct.
		"NO_PROXY=*",
		"no_proxy=*",
		"FEAST_USAGE=False",
	}
	cmd := exec.CommandContext(t.Context(), python, append([]string{abs}, args...)...)
	cmd.Env = append(base, env...)
	cmd.Dir = home
	cmd.WaitDelay = 10 * time.Second // a child that keeps the pipes open does not hang the test
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start).Round(time.Millisecond)
	name := filepath.Base(abs)
	if err != nil {
		t.Fatalf("pyenv.Run %s %s: %v after %s\nstderr:\n%s\nstdout:\n%s", name, strings.Join(args, " "), err, took, tail(errOut.String(), 16000), tail(out.String(), 4000))
	}
	if errOut.Len() > 0 {
		t.Logf("pyenv.Run %s (%s) stderr:\n%s", name, took, tail(errOut.String(), 16000))
	}
	return out.String()
}

// tail keeps the last n bytes of s: a traceback's end is what explains it.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("[%d bytes cut]\n%s", len(s)-n, s[len(s)-n:])
}
