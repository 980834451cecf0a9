// Package motoserver runs moto's S3-compatible server (moto_server) from a
// virtual environment made from deploy/python/requirements-moto.txt, for
// tests: the real S3 API that the S3 blob store and the S3-backed artifact
// proxy are tested against, started by the tests themselves. Nothing it
// starts calls out of the machine. It is for tests only.
package motoserver

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/pyenv"
	"github.com/exphub/exphub/internal/testproc"
)

// Server is a running moto_server.
type Server struct {
	// Endpoint is its URL, e.g. http://127.0.0.1:41234: the S3 endpoint,
	// addressed path-style.
	Endpoint string
	proc     *testproc.Proc
}

// Start runs moto_server from the moto venv on a free port of 127.0.0.1,
// in its own process group, and waits until it answers; the test fails at
// once, with the server's output, when it exits first. The server and its
// children are killed when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	python := pyenv.Python(t, "moto")
	port := testproc.FreePort(t)
	bin := filepath.Dir(python)
	home := t.TempDir()
	cmd := exec.Command(filepath.Join(bin, "moto_server"), "-H", "127.0.0.1", "-p", port)
	cmd.Dir = home
	// Nothing of the caller's AWS set-up reaches the server.
	cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + "/usr/bin:/bin", "HOME=" + home, "TMPDIR=" + home,
		"LANG=C.UTF-8", "no_proxy=*", "NO_PROXY=*", "PYTHONDONTWRITEBYTECODE=1", "PYTHONNOUSERSITE=1", "PYTHONUNBUFFERED=1"}
	s := &Server{Endpoint: "http://127.0.0.1:" + port}
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}
	s.proc = testproc.Start(t, "motoserver: moto_server on "+s.Endpoint, cmd, func() bool {
		resp, err := client.Get(s.Endpoint + "/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// CreateBucket creates a bucket named name (S3's CreateBucket, path-style;
// moto checks no signature) and returns name.
func (s *Server) CreateBucket(t testing.TB, name string) string {
	t.Helper()
	s.put(t, name, nil)
	return name
}

// PutObject stores body under key in bucket, as a test's fixture.
func (s *Server) PutObject(t testing.TB, bucket, key string, body []byte) {
	t.Helper()
	s.put(t, bucket+"/"+key, body)
}

// put sends an unsigned PUT of body to path (moto checks no signature);
// anything but 200 fails the test with moto's answer.
func (s *Server) put(t testing.TB, path string, body []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, s.Endpoint+"/"+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil}}).Do(req)
	if err != nil {
		t.Fatalf("motoserver: put %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		t.Fatalf("motoserver: put %s: %s %s", path, resp.Status, b.String())
	}
}

// Credentials points the AWS SDK's standard credential chain, for the rest
// of the test, at static keys moto accepts, and turns off everything that
// could reach beyond the machine or read the user's AWS set-up: EC2
// instance metadata probing, shared config and credentials files, profiles.
// It uses t.Setenv, so the test may not be parallel.
func Credentials(t testing.TB) {
	t.Helper()
	for k, v := range Env(t.TempDir()) {
		t.Setenv(k, v)
	}
}

// Env is what Credentials sets, for a process started by the test; dir
// holds the (absent) shared files.
func Env(dir string) map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":                      "exphub-test",
		"AWS_SECRET_ACCESS_KEY":                  "exphub-test-secret",
		"AWS_SESSION_TOKEN":                      "",
		"AWS_PROFILE":                            "",
		"AWS_REGION":                             "us-east-1",
		"AWS_EC2_METADATA_DISABLED":              "true",
		"AWS_CONFIG_FILE":                        filepath.Join(dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(dir, "no-aws-credentials"),
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
		"AWS_ROLE_ARN":                           "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	}
}

// Output is what the server printed so far.
func (s *Server) Output() string { return s.proc.Output() }

// BucketName returns a bucket name unique to the test: its name in S3's
// alphabet (lower case letters, digits, hyphens), cut to fit S3's 63
// characters with a random suffix.
func BucketName(t testing.TB) string {
	var b strings.Builder
	for _, r := range strings.ToLower(t.Name()) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	var nonce [4]byte
	rand.Read(nonce[:])
	suffix := "-" + hex.EncodeToString(nonce[:])
	name := "t-" + b.String()
	if len(name) > 63-len(suffix) {
		name = name[:63-len(suffix)]
	}
	return strings.TrimRight(name, "-") + suffix
}
