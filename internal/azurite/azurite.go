// Package azurite runs Azurite, Microsoft's Azure Storage emulator, for
// tests: the real Blob Storage API that az:// validation sources are read
// through, installed from the npm registry by deploy/node/env.sh (pinned by
// deploy/node/azurite/package-lock.json, into the cache, once) and started
// by the tests themselves, with its telemetry off. It is for tests only.
package azurite

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/testproc"
)

// Account and Key are the emulator's well-known development account,
// published with Azurite; they open nothing outside it.
const (
	Account = "devstoreaccount1"
	Key     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// Server is a running Azurite blob service.
type Server struct {
	// Endpoint is the account's blob endpoint, e.g.
	// http://127.0.0.1:41234/devstoreaccount1.
	Endpoint string
}

// ConnectionString is what AZURE_STORAGE_CONNECTION_STRING holds to reach
// the emulator's account.
func (s *Server) ConnectionString() string {
	return "DefaultEndpointsProtocol=http;AccountName=" + Account + ";AccountKey=" + Key + ";BlobEndpoint=" + s.Endpoint + ";"
}

var (
	installOnce sync.Once
	installDir  string
	installErr  error
)

// install runs deploy/node/env.sh azurite once per process.
func install() (string, error) {
	installOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		script := filepath.Join(filepath.Dir(file), "..", "..", "deploy", "node", "env.sh")
		cmd := exec.Command(script, "azurite")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			installErr = fmt.Errorf("%s azurite: %v\n%s", script, err, stderr.String())
			return
		}
		installDir = strings.TrimSpace(stdout.String())
	})
	return installDir, installErr
}

// Start runs azurite-blob in memory on a free port of 127.0.0.1, in its own
// process group, and waits until it answers; it is killed when the test
// ends.
func Start(t testing.TB) *Server {
	t.Helper()
	dir, err := install()
	if err != nil {
		t.Fatalf("azurite: %v", err)
	}
	port := testproc.FreePort(t)
	home := t.TempDir()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("azurite: %v", err)
	}
	cmd := exec.Command(node, filepath.Join(dir, "node_modules", "azurite", "dist", "src", "blob", "main.js"),
		"--blobHost", "127.0.0.1", "--blobPort", port, "--inMemoryPersistence",
		"--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose")
	cmd.Dir = home
	// Nothing of the caller's set-up reaches the emulator, and it reaches
	// nothing beyond the machine.
	cmd.Env = []string{"PATH=" + filepath.Dir(node) + string(os.PathListSeparator) + "/usr/bin:/bin", "HOME=" + home, "TMPDIR=" + home,
		"NO_PROXY=*", "no_proxy=*"}
	s := &Server{Endpoint: "http://127.0.0.1:" + port + "/" + Account}
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}
	testproc.Start(t, "azurite: the emulator on "+s.Endpoint, cmd, func() bool {
		// Any HTTP answer (an unsigned request is refused) means it listens.
		resp, err := client.Get(s.Endpoint + "?comp=list")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	return s
}
