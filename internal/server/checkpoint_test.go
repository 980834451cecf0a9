package server_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/server"
)

// TestServerSignsCheckpoints runs the server with a checkpoint key: it
// signs the log's head with that key and exports the checkpoint metrics,
// the mismatch gauge at 0.
func TestServerSignsCheckpoints(t *testing.T) {
	s := neo4jtest.Store(t)
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "checkpoint.pem")
	if err := os.WriteFile(keyFile, hashchain.MarshalPrivateKey(key), 0o600); err != nil {
		t.Fatal(err)
	}
	neo4jtest.Project(t, s, "srvckpt") // the head moves
	addr := freeAddr(t)
	cfg, err := config.Load(nil, []string{"EXPHUB_ADDR=" + addr, "EXPHUB_NEO4J_URI=" + neo4jtest.URI(), "EXPHUB_VALIDATION_ON_ARRIVAL=none", "EXPHUB_WEBHOOK_DELIVERY=none",
		"EXPHUB_NEO4J_PASSWORD=" + neo4jtest.Password(), "EXPHUB_JWT_SECRET=" + strings.Repeat("s", 32),
		"EXPHUB_CHECKPOINT_KEY_FILE=" + keyFile, "EXPHUB_CHECKPOINT_INTERVAL=1s", "EXPHUB_LOG_LEVEL=error"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg, io.Discard) }()
	signed := regexp.MustCompile(`(?m)^exphub_event_log_checkpoints_signed_total [1-9]`)
	var body string
	poll(t, "a checkpoint signed by the server", time.Minute, func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return signed.MatchString(body)
	})
	if !strings.Contains(body, "\nexphub_event_log_checkpoint_mismatch 0\n") {
		t.Errorf("mismatch gauge not at 0:\n%s", body)
	}
	if n := neo4jtest.Count(t, `MATCH (c:LogCheckpoint {keyId: $id}) RETURN count(c) AS n`, map[string]any{"id": hashchain.KeyID(pub)}); n < 1 {
		t.Errorf("no checkpoint stored with the server's key")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not shut down")
	}
}
