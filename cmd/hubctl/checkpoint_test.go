package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/evidence/evidencetest"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/neo4jtest"
)

// keyFiles writes the PEM of a fresh key pair's public half, and of
// another's, and returns their paths and the private key.
func keyFiles(t *testing.T, dir string) (pubFile, otherFile string, key ed25519.PrivateKey) {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pubFile, otherFile = filepath.Join(dir, "pub.pem"), filepath.Join(dir, "other.pem")
	for path, k := range map[string]ed25519.PublicKey{pubFile: pub, otherFile: other} {
		if err := os.WriteFile(path, hashchain.MarshalPublicKey(k), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pubFile, otherFile, key
}

func TestEvidenceVerifyPublicKey(t *testing.T) {
	dir, plain := evidenceFixture(t)
	pubFile, otherFile, key := keyFiles(t, dir)
	p := evidencetest.Pack(t)
	evidencetest.Anchor(t, p, key, 2)
	anchored, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	p.Audit.Anchor.To.Seq++
	forged, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		pack []byte
		args []string
		code int
		want string
	}{
		{"proven", anchored, []string{"verify", "--public-key", pubFile, "-"}, exitOK, "is in the log signed by key"},
		{"not checked without a key", anchored, []string{"verify", "-"}, exitOK, "signature was not checked"},
		{"wrong key", anchored, []string{"verify", "--public-key", otherFile, "-"}, exitError, "not by the public key given"},
		{"altered checkpoint", forged, []string{"verify", "--public-key", pubFile, "-"}, exitError, "signature does not verify"},
		{"no checkpoint", plain, []string{"verify", "--public-key", pubFile, "-"}, exitOK, "checkpoint: no checkpoint"},
		{"json", anchored, []string{"verify", "--json", "--public-key", pubFile, "-"}, exitOK, `"anchored": true`},
		{"render", anchored, []string{"render", "--public-key", otherFile, "-"}, exitOK, "not by the public key given"},
		{"unreadable key", anchored, []string{"verify", "--public-key", filepath.Join(dir, "pack.json"), "-"}, exitUsage, "--public-key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runEvidenceCapture(t, tc.pack, tc.args...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
}

func TestAuditCheckpointFile(t *testing.T) {
	dir := t.TempDir()
	pubFile, otherFile, key := keyFiles(t, dir)
	c := hashchain.Sign(hashchain.Checkpoint{Log: "main", Seq: 9, Hash: strings.Repeat("a", 64), Accumulator: hashchain.Genesis, At: "2026-12-03T10:00:00Z"}, key)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	cpFile := filepath.Join(dir, "checkpoint.json")
	if err := os.WriteFile(cpFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no key", []string{"audit", "verify", "--checkpoint", cpFile}, "needs --public-key"},
		{"wrong key", []string{"audit", "verify", "--checkpoint", cpFile, "--public-key", otherFile}, "signed by another key"},
		{"not a checkpoint", []string{"audit", "verify", "--checkpoint", pubFile, "--public-key", pubFile}, "not a checkpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, func(string) string { return "" }, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), exitUsage, tc.want)
			}
		})
	}
}

// TestCompareCheckpoint places checkpoints kept outside the database
// against the real log: one it extends, one beyond its head (a restore to
// an older point) and one of another hash (a rewrite).
func TestCompareCheckpoint(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	neo4jtest.Project(t, s, "cmp")
	next, _, _, err := s.NextCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next.At = hashchain.FormatTime(time.Now())
	good := hashchain.Sign(next, key)
	beyond := good
	beyond.Seq = next.Seq + 1_000_000
	rewritten := good
	rewritten.Hash = strings.Repeat("e", 64)
	for _, tc := range []struct {
		name string
		c    hashchain.Checkpoint
		ok   bool
		want string
	}{
		{"extended", good, true, "ok: the log extends checkpoint"},
		{"restored", beyond, false, "RESTORED TO AN OLDER POINT"},
		{"rewritten", rewritten, false, "TAMPERED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head, err := s.EventHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ok, says, err := compareCheckpoint(ctx, s, &tc.c, head)
			if err != nil || ok != tc.ok || !strings.Contains(says, tc.want) {
				t.Fatalf("ok %v, %q, %v; want %v and %q", ok, says, err, tc.ok, tc.want)
			}
		})
	}
}
