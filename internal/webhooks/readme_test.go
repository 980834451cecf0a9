package webhooks_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testproc"
	"github.com/exphub/exphub/internal/webhooks"
)

// readmeReceiver is the Python receiver of the README's "Checking a
// delivery's signature", as a reader would copy it.
func readmeReceiver(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(neo4jtest.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### Checking a delivery's signature")
	if !ok {
		t.Fatal(`README.md has no "### Checking a delivery's signature"`)
	}
	_, code, ok := strings.Cut(section, "```python\n")
	if !ok {
		t.Fatal("the README's signature section has no python block")
	}
	code, _, _ = strings.Cut(code, "```")
	path := filepath.Join(t.TempDir(), "receiver.py")
	if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTheReadmeReceiverVerifiesDeliveries runs the README's receiver
// against the dispatcher: it accepts every delivery (so they verify the
// way the README tells receivers to check them), prints what it got,
// and refuses a delivery whose body or timestamp was tampered with.
func TestTheReadmeReceiverVerifiesDeliveries(t *testing.T) {
	st := neo4jtest.Store(t)
	key := neo4jtest.Project(t, st, "hookreadme")
	ds, err := st.RegisterDataset(t.Context(), neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://lake", Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)

	secret := webhooks.NewSecret()
	hook, err := st.CreateWebhook(t.Context(), neo4jtest.Actor, store.WebhookInput{ProjectKey: key, URL: url,
		Topics: []store.WebhookTopic{store.TopicDatasetVersionRegistered}}, secret)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = st.DeleteWebhook(t.Context(), neo4jtest.Actor, hook.ID) })

	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is needed to run the README's receiver: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), python, readmeReceiver(t))
	cmd.Env = []string{"EXPHUB_WEBHOOK_SECRET=" + secret, "PORT=" + strconv.Itoa(port), "PATH=/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE=1"}
	var out, errOut testproc.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitFor(t, "the README's receiver to listen", func() bool {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return err == nil
	})

	allow, err := datasource.ParseAllowlist([]string{url})
	if err != nil {
		t.Fatal(err)
	}
	start(t, st, webhooks.Options{Allow: allow, ProjectKeys: []string{key}, Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Poll: 50 * time.Millisecond})
	var versions []*store.DatasetVersion
	for _, label := range []string{"v1", "v2"} {
		versions = append(versions, neo4jtest.Version(t, st, ds, label))
	}
	waitFor(t, "both deliveries accepted by the README's receiver", func() bool {
		w, err := st.WebhookByID(t.Context(), hook.ID)
		return err == nil && w.Delivered == 2
	})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("the receiver printed %q (stderr %s)", out.String(), errOut.String())
	}
	events, err := st.EventsAfter(t.Context(), hook.Position, 10, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{key}, Kinds: []store.EventKind{store.EventDatasetVersionRegister}})
	if err != nil || len(events) != 2 {
		t.Fatalf("events: %d, %v", len(events), err)
	}
	for i, e := range events {
		want := fmt.Sprintf("%s DATASET_VERSION_REGISTERED %s", webhooks.MessageID(e.Seq), e.Hash)
		if lines[i] != want || e.TargetID != versions[i].ID {
			t.Fatalf("the receiver printed %q; want %q (version %s)", lines[i], want, versions[i].ID)
		}
	}

	// Tampered with: the receiver refuses.
	body := []byte(`{"type":"DATASET_VERSION_REGISTERED","data":{"hash":"x"}}`)
	now := time.Now()
	sig, err := webhooks.Sign([]string{secret}, "log-1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		ts   time.Time
		body []byte
		sig  string
	}{
		"a changed body":         {now, append(bytes.Clone(body), ' '), sig},
		"a replay an hour later": {now.Add(-time.Hour), body, mustSign(t, secret, now.Add(-time.Hour), body)},
		"another secret":         {now, body, mustSign(t, webhooks.NewSecret(), now, body)},
	} {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(c.body))
		req.Header.Set("webhook-id", "log-1")
		req.Header.Set("webhook-timestamp", strconv.FormatInt(c.ts.Unix(), 10))
		req.Header.Set("webhook-signature", c.sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: the README's receiver answered %d", name, resp.StatusCode)
		}
	}
	// And a well-signed one passes: the refusals above are the checks'.
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("webhook-id", "log-1")
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", "v1,bm90IHRoaXM= "+sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("a well-signed delivery with an extra signature: %d", resp.StatusCode)
	}
}

func mustSign(t *testing.T, secret string, at time.Time, body []byte) string {
	t.Helper()
	s, err := webhooks.Sign([]string{secret}, "log-1", at, body)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
