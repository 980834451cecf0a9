// Package servertest runs the real server binary in tests: built once per
// test, started as a child process against a Neo4j, and ready when its
// /readyz says so. It is for tests only and must not be imported by
// production code.
package servertest

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/testwait"
)

// Build builds cmd/server into a temporary directory and returns the
// binary's path.
func Build(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller: no file")
	}
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	bin := filepath.Join(t.TempDir(), "exphub-server")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/server")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/server: %v\n%s", err, out)
	}
	return bin
}

// Replica is one server process.
type Replica struct {
	Cmd *exec.Cmd
	// Base is its URL, http://127.0.0.1:<port>.
	Base string
	// Exited receives the process's exit once it ends.
	Exited chan error
	mu     sync.Mutex
	logs   strings.Builder
}

// Start runs bin against the Neo4j at uri with the JWT secret and extra
// EXPHUB_* settings (validation on arrival off unless they turn it on), waits until it is ready, and kills it when the test
// ends (printing its log if the test failed).
func Start(t testing.TB, bin, uri, password string, secret []byte, env ...string) *Replica {
	t.Helper()
	addr := FreeAddr(t)
	r := &Replica{Base: "http://" + addr, Exited: make(chan error, 1)}
	r.Cmd = exec.Command(bin)
	r.Cmd.Env = append(append(os.Environ(), "EXPHUB_ADDR="+addr, "EXPHUB_NEO4J_URI="+uri,
		"EXPHUB_NEO4J_PASSWORD="+password, "EXPHUB_JWT_SECRET="+string(secret), "EXPHUB_LOG_LEVEL=warn",
		// The test Neo4j is shared by every package's tests: a replica
		// validating every project on arrival would start runs in theirs.
		// A test that needs it names its own projects.
		"EXPHUB_VALIDATION_ON_ARRIVAL=none", "EXPHUB_WEBHOOK_DELIVERY=none"), env...)
	stderr, _ := r.Cmd.StderrPipe()
	if err := r.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.mu.Lock()
			r.logs.WriteString(sc.Text() + "\n")
			r.mu.Unlock()
		}
		r.Exited <- r.Cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = r.Cmd.Process.Kill()
		if t.Failed() {
			t.Logf("log of %s:\n%s", r.Base, r.Log())
		}
	})
	// Migrations and the first Neo4j probe: as long as it takes.
	if !testwait.Until(10*time.Minute, func() bool { return r.Status("/readyz") == http.StatusOK }) {
		t.Fatalf("the server at %s never became ready", r.Base)
	}
	return r
}

// Log is what the process wrote to stderr so far.
func (r *Replica) Log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.String()
}

// Status is the HTTP status of GET path (0 when it cannot connect).
func (r *Replica) Status(path string) int {
	resp, err := http.Get(r.Base + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// FreeAddr returns a loopback host:port nothing listens on now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
