package config_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/hashchain"
)

func TestCheckpointSettings(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile, pubFile := filepath.Join(dir, "key.pem"), filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(keyFile, hashchain.MarshalPrivateKey(key), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubFile, hashchain.MarshalPublicKey(key.Public().(ed25519.PublicKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(nil, []string{"EXPHUB_DEV=true"}, io.Discard)
	if err != nil || c.CheckpointKey != nil || c.CheckpointInterval != 5*time.Minute {
		t.Fatalf("defaults: key %v, interval %v, %v", c.CheckpointKey != nil, c.CheckpointInterval, err)
	}
	c, err = config.Load(nil, []string{"EXPHUB_DEV=true", "EXPHUB_CHECKPOINT_KEY_FILE=" + keyFile, "EXPHUB_CHECKPOINT_INTERVAL=30s"}, io.Discard)
	if err != nil || !c.CheckpointKey.Equal(key) || c.CheckpointInterval != 30*time.Second {
		t.Fatalf("with a key: %v", err)
	}
	for _, tc := range []struct{ env, want string }{
		{"EXPHUB_CHECKPOINT_KEY_FILE=" + filepath.Join(dir, "missing.pem"), "EXPHUB_CHECKPOINT_KEY_FILE"},
		{"EXPHUB_CHECKPOINT_KEY_FILE=" + pubFile, "EXPHUB_CHECKPOINT_KEY_FILE"},
		{"EXPHUB_CHECKPOINT_INTERVAL=0s", "EXPHUB_CHECKPOINT_INTERVAL"},
	} {
		if _, err := config.Load(nil, []string{"EXPHUB_DEV=true", tc.env}, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error naming %s", tc.env, err, tc.want)
		}
	}
}
