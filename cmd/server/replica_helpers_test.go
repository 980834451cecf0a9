package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/testwait"
)

// buildServer builds the server binary once per test.
func buildServer(t *testing.T) string {
	t.Helper()
	neo4jtest.Driver(t) // the test instance runs and is migrated
	bin := filepath.Join(t.TempDir(), "exphub-server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// replica is one server process over the test Neo4j.
type replica struct {
	cmd    *exec.Cmd
	base   string
	exited chan error
	mu     sync.Mutex
	logs   strings.Builder
}

// startReplica starts bin with the JWT secret and extra EXPHUB_*
// settings, waits until it is ready, and kills it when the test ends
// (printing its log if the test failed).
func startReplica(t *testing.T, bin string, secret []byte, env ...string) *replica {
	t.Helper()
	addr := freeAddr(t)
	r := &replica{base: "http://" + addr, exited: make(chan error, 1)}
	r.cmd = exec.Command(bin)
	r.cmd.Env = append(append(os.Environ(), "EXPHUB_ADDR="+addr, "EXPHUB_NEO4J_URI="+neo4jtest.URI(),
		"EXPHUB_NEO4J_PASSWORD="+neo4jtest.Password(), "EXPHUB_JWT_SECRET="+string(secret), "EXPHUB_LOG_LEVEL=warn"), env...)
	stderr, _ := r.cmd.StderrPipe()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.mu.Lock()
			r.logs.WriteString(sc.Text() + "\n")
			r.mu.Unlock()
		}
		r.exited <- r.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		if t.Failed() {
			r.mu.Lock()
			t.Logf("log of %s:\n%s", r.base, r.logs.String())
			r.mu.Unlock()
		}
	})
	// Migrations and the first Neo4j probe: as long as it takes.
	if !testwait.Until(10*time.Minute, func() bool { return r.status("/readyz") == http.StatusOK }) {
		t.Fatalf("the server at %s never became ready", r.base)
	}
	return r
}

// status is the HTTP status of GET path (0 when it cannot connect).
func (r *replica) status(path string) int {
	resp, err := http.Get(r.base + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
