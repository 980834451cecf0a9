package hashchain

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
)

// A checkpoint is the operator's signature over the log's head at one
// moment: anyone with the public key can then check, without the hub,
// that an event is in the log the hub signed, and the hub can tell when
// its stored log no longer extends what it signed (truncated, rolled
// back, rewritten).
//
// The events' own chain cannot carry that proof alone: an event's hash
// covers its content, so a link given as hashes only (an event of another
// project, which a pack must not show) cannot be recomputed, and a forger
// could join any events to a signed head with one made-up link. The
// checkpoint therefore also signs the accumulator: a second chain over the
// events' hashes only, Fold(acc of seq n-1, hash of seq n) from Genesis.
// A verifier recomputes it from bare links, so every link between two
// checkpoints is bound by the signature, and each event given in full is
// bound by its hash.

// CheckpointFormat names the statement a checkpoint signs.
const CheckpointFormat = "exphub.checkpoint/v1"

// Fold returns the accumulator after an event whose hash is hash, given
// the accumulator acc before it (Genesis before the first event): the hex
// SHA-256 of the two hex strings, acc first.
func Fold(acc, hash string) string {
	sum := sha256.Sum256([]byte(acc + hash))
	return hex.EncodeToString(sum[:])
}

// Checkpoint is a signed statement about the log's head.
type Checkpoint struct {
	// Log names the log ("main").
	Log string `json:"log"`
	// Seq and Hash are the head's event: its seq and its hash.
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	// Accumulator is the fold of the hashes of events 1 to Seq.
	Accumulator string `json:"accumulator"`
	// At is when it was signed, as FormatTime writes it.
	At string `json:"at"`
	// KeyID names the signing key (see KeyID).
	KeyID string `json:"keyId"`
	// Signature is the base64 (standard, padded) Ed25519 signature of
	// Statement.
	Signature string `json:"signature"`
}

// statement is what is signed, in a fixed field order.
type statement struct {
	Format      string `json:"format"`
	Log         string `json:"log"`
	Seq         int64  `json:"seq"`
	Hash        string `json:"hash"`
	Accumulator string `json:"accumulator"`
	At          string `json:"at"`
	KeyID       string `json:"keyId"`
}

// Statement returns the canonical bytes the signature covers: the JSON of
// every field but the signature, with the format first, in a fixed order.
func (c Checkpoint) Statement() []byte {
	b, _ := json.Marshal(statement{CheckpointFormat, c.Log, c.Seq, c.Hash, c.Accumulator, c.At, c.KeyID})
	return b
}

// KeyID returns the ID of a public key: the hex SHA-256 of its 32 bytes.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])
}

// Sign sets c's KeyID to key's and signs it.
func Sign(c Checkpoint, key ed25519.PrivateKey) Checkpoint {
	c.KeyID = KeyID(key.Public().(ed25519.PublicKey))
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.Statement()))
	return c
}

// Errors of CheckSignature.
var (
	ErrWrongKey     = errors.New("signed by another key")
	ErrBadSignature = errors.New("signature does not verify")
)

// CheckSignature checks that c was signed by pub: ErrWrongKey when its key
// ID names another key, ErrBadSignature when the signature does not
// verify (the statement or the signature was altered).
func (c Checkpoint) CheckSignature(pub ed25519.PublicKey) error {
	if id := KeyID(pub); c.KeyID != id {
		return fmt.Errorf("%w: the checkpoint names key %s, the public key given is %s", ErrWrongKey, c.KeyID, id)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, c.Statement(), sig) {
		return ErrBadSignature
	}
	return nil
}

// ParsePrivateKey reads an Ed25519 private key from PEM (PKCS#8, as
// `openssl genpkey -algorithm ed25519` writes it).
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block (want a PKCS#8 \"PRIVATE KEY\", as openssl genpkey -algorithm ed25519 writes)")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a PKCS#8 private key: %w", err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an Ed25519 key", k)
	}
	return key, nil
}

// ParsePublicKey reads an Ed25519 public key from PEM (PKIX "PUBLIC KEY",
// as `openssl pkey -pubout` writes it).
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block (want a \"PUBLIC KEY\", as openssl pkey -pubout writes)")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a PKIX public key: %w", err)
	}
	key, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an Ed25519 key", k)
	}
	return key, nil
}

// MarshalPublicKey returns pub as PEM (PKIX "PUBLIC KEY").
func MarshalPublicKey(pub ed25519.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// MarshalPrivateKey returns key as PEM (PKCS#8 "PRIVATE KEY").
func MarshalPrivateKey(key ed25519.PrivateKey) []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
