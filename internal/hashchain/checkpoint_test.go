package hashchain_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/hashchain"
)

func TestCheckpointSignature(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	acc := hashchain.Fold(hashchain.Fold(hashchain.Genesis, strings.Repeat("a", 64)), strings.Repeat("b", 64))
	c := hashchain.Sign(hashchain.Checkpoint{Log: "main", Seq: 2, Hash: strings.Repeat("b", 64), Accumulator: acc,
		At: "2026-12-03T10:00:00.123456789Z"}, key)
	if c.KeyID != hashchain.KeyID(pub) || len(c.KeyID) != 64 {
		t.Fatalf("key id %q, want the hash of the public key", c.KeyID)
	}
	if err := c.CheckSignature(pub); err != nil {
		t.Fatalf("a signed checkpoint: %v", err)
	}
	cases := []struct {
		name   string
		edit   func(*hashchain.Checkpoint)
		pub    ed25519.PublicKey
		target error
	}{
		{"another key", func(*hashchain.Checkpoint) {}, otherPub, hashchain.ErrWrongKey},
		{"seq edited", func(c *hashchain.Checkpoint) { c.Seq = 3 }, pub, hashchain.ErrBadSignature},
		{"hash edited", func(c *hashchain.Checkpoint) { c.Hash = strings.Repeat("c", 64) }, pub, hashchain.ErrBadSignature},
		{"accumulator edited", func(c *hashchain.Checkpoint) { c.Accumulator = hashchain.Genesis }, pub, hashchain.ErrBadSignature},
		{"time edited", func(c *hashchain.Checkpoint) { c.At = "2026-12-03T10:00:00Z" }, pub, hashchain.ErrBadSignature},
		{"log edited", func(c *hashchain.Checkpoint) { c.Log = "other" }, pub, hashchain.ErrBadSignature},
		{"signature garbled", func(c *hashchain.Checkpoint) { c.Signature = "!" + c.Signature[1:] }, pub, hashchain.ErrBadSignature},
		{"key id claimed by another", func(c *hashchain.Checkpoint) { c.KeyID = hashchain.KeyID(otherPub) }, otherPub, hashchain.ErrBadSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := c
			tc.edit(&d)
			if err := d.CheckSignature(tc.pub); !errors.Is(err, tc.target) {
				t.Fatalf("got %v, want %v", err, tc.target)
			}
		})
	}
}

func TestFoldAndStatement(t *testing.T) {
	// The fold depends on order and on every hash.
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	if hashchain.Fold(hashchain.Fold(hashchain.Genesis, a), b) == hashchain.Fold(hashchain.Fold(hashchain.Genesis, b), a) {
		t.Fatal("the fold does not depend on order")
	}
	c := hashchain.Checkpoint{Log: "main", Seq: 7, Hash: a, Accumulator: b, At: "t", KeyID: "k", Signature: "ignored"}
	want := `{"format":"exphub.checkpoint/v1","log":"main","seq":7,"hash":"` + a + `","accumulator":"` + b + `","at":"t","keyId":"k"}`
	if got := string(c.Statement()); got != want {
		t.Fatalf("statement\n%s\nwant\n%s", got, want)
	}
}

func TestParseKeys(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	gotKey, err := hashchain.ParsePrivateKey(hashchain.MarshalPrivateKey(key))
	if err != nil || !gotKey.Equal(key) {
		t.Fatalf("private key round trip: %v", err)
	}
	gotPub, err := hashchain.ParsePublicKey(hashchain.MarshalPublicKey(pub))
	if err != nil || !gotPub.Equal(pub) {
		t.Fatalf("public key round trip: %v", err)
	}
	if _, err := hashchain.ParsePrivateKey(hashchain.MarshalPublicKey(pub)); err == nil {
		t.Fatal("a public key read as a private key")
	}
	if _, err := hashchain.ParsePublicKey([]byte("not pem")); err == nil || !strings.Contains(err.Error(), "no PEM block") {
		t.Fatalf("garbage: %v", err)
	}
}
