// Package benchserver runs the hub's server as a child process for the
// benchmarks that measure it from outside: built once, started on a free
// loopback port with the environment a benchmark chooses, and stopped
// gracefully.
package benchserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Build compiles cmd/server into dir and returns the binary's path.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "exphub-server")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/server").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build server: %v\n%s", err, out)
	}
	return bin, nil
}

// Server is a running server process.
type Server struct {
	// Base is its URL, e.g. http://127.0.0.1:41234.
	Base string
	cmd  *exec.Cmd
}

// Start runs bin against the Neo4j at uri (password from
// EXPHUB_NEO4J_PASSWORD, the development one when unset) with env added to
// this process's environment, and waits until /readyz answers.
func Start(bin, uri string, stderr io.Writer, env ...string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	password := os.Getenv("EXPHUB_NEO4J_PASSWORD")
	if password == "" {
		password = "exphub-dev-password"
	}
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "EXPHUB_ADDR="+addr, "EXPHUB_NEO4J_URI="+uri, "EXPHUB_NEO4J_PASSWORD="+password), env...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Base: "http://" + addr, cmd: cmd}
	if err := s.waitReady(2 * time.Minute); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Pid is the server's process ID.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop interrupts the server and waits for it to exit.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

func (s *Server) waitReady(d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.Base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("the server never became ready at " + s.Base)
}

// CreateProject creates a project through the GraphQL API with a token
// that may.
func CreateProject(ctx context.Context, base, token, key string) error {
	body, _ := json.Marshal(map[string]any{"query": `mutation($k: String!) { createProject(input: {key: $k, name: $k}) { project { key } } }`,
		"variables": map[string]any{"k": key}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return fmt.Errorf("createProject %s: HTTP %d without a GraphQL answer", key, resp.StatusCode)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("createProject %s: %s", key, out.Errors[0].Message)
	}
	return nil
}
