// Package mlflowserver runs a real MLflow tracking server (SQLite backend,
// local artifact root) from a virtual environment made from
// deploy/python/requirements-mlflow-server.txt: the peer that hubctl
// import mlflow's test copies from and that make bench-mlflow measures
// the hub against. Nothing it starts calls out of the machine (MLflow's
// telemetry is off).
package mlflowserver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/exphub/exphub/internal/testproc"
)

// Server is a running MLflow tracking server.
type Server struct {
	// URI is its tracking URI, e.g. http://127.0.0.1:41234.
	URI    string
	cmd    *exec.Cmd
	out    *testproc.Buffer
	exited chan struct{}
}

// Start runs the mlflow console script next to python with its data in
// dir, and waits until /health answers or the server exits (timeout caps
// a server that hangs).
func Start(python, dir string, timeout time.Duration) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	bin := filepath.Dir(python)
	cmd := exec.Command(filepath.Join(bin, "mlflow"), "server", "--backend-store-uri", "sqlite:///"+filepath.Join(dir, "mlflow.db"),
		"--default-artifact-root", filepath.Join(dir, "artifacts"), "--host", "127.0.0.1", "--port", port)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + dir,
		"MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true", "no_proxy=*", "PYTHONDONTWRITEBYTECODE=1"}
	s := &Server{URI: "http://127.0.0.1:" + port, cmd: cmd, out: &testproc.Buffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	// Its own process group: the server runs its workers as children, and
	// Stop stops them too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(s.exited) }()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.exited:
			return nil, fmt.Errorf("the MLflow server exited:\n%s", s.out.String())
		case <-ctx.Done():
			s.Stop()
			return nil, fmt.Errorf("the MLflow server did not answer /health in %s:\n%s", timeout, s.out.String())
		case <-tick.C:
		}
		if resp, err := http.Get(s.URI + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
}

// Pid is the server's process ID (its process group's).
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Output is what the server printed.
func (s *Server) Output() string { return s.out.String() }

// Stop kills the server and its workers and waits for it.
func (s *Server) Stop() {
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.exited
}
