// Package testproc runs a server a test needs (an emulator, a peer) as a
// child process: in its own process group, its output kept, killed with
// its children when the test ends. It is for tests only.
package testproc

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/testwait"
)

// Proc is a running child process.
type Proc struct {
	out Buffer
}

// Output is what the process printed so far.
func (p *Proc) Output() string { return p.out.String() }

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// Start starts cmd and waits, up to a minute, until ready reports true;
// the test fails at once, with the process's output, when it exits first
// or never gets ready. name says what it is in those messages.
func Start(t testing.TB, name string, cmd *exec.Cmd, ready func() bool) *Proc {
	t.Helper()
	p := &Proc{}
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	gone := false
	up := testwait.Until(60*time.Second, func() bool {
		select {
		case <-exited:
			gone = true
			return true
		default:
		}
		return ready()
	})
	switch {
	case gone:
		t.Fatalf("%s exited before it answered:\n%s", name, p.Output())
	case !up:
		t.Fatalf("%s did not answer within 60s:\n%s", name, p.Output())
	}
	return p
}

// Buffer is a bytes.Buffer that a process writes while a test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends b.
func (l *Buffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

// String returns what was written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
