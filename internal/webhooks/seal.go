package webhooks

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Signing secrets at rest: with a key configured (EXPHUB_WEBHOOK_SECRET_KEY),
// a secret is stored sealed — AES-256-GCM with a random nonce, written as
// "sealed:v1:" and base64 of nonce and ciphertext — so a copy of the
// database (a backup, a dump handed to support) does not hold secrets
// that can sign deliveries. A secret stored before the key was set stays
// readable as it is, and is sealed at its next rotation.

// sealedPrefix marks a sealed secret.
const sealedPrefix = "sealed:v1:"

// Sealer seals and opens signing secrets with one key. A nil *Sealer
// stores secrets as they are.
type Sealer struct{ aead cipher.AEAD }

// NewSealer returns a Sealer for a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("the key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// ParseSealerKey reads a key as EXPHUB_WEBHOOK_SECRET_KEY gives it: 32
// bytes in standard base64; "" is no key (nil, nil).
func ParseSealerKey(text string) (*Sealer, error) {
	if text == "" {
		return nil, nil
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, errors.New("not base64 (make one with: head -c 32 /dev/urandom | base64)")
	}
	return NewSealer(key)
}

// Seal returns what is stored for secret.
func (s *Sealer) Seal(secret string) string {
	if s == nil {
		return secret
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("webhooks: no randomness for a nonce: %v", err))
	}
	return sealedPrefix + base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(secret), []byte(sealedPrefix)))
}

// errSealed is a stored secret this hub cannot open: no key, or another.
var errSealed = errors.New("the signing secret cannot be opened")

// Open returns the secret stored as stored.
func (s *Sealer) Open(stored string) (string, error) {
	b64, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	if s == nil {
		return "", fmt.Errorf("%w: it is sealed and EXPHUB_WEBHOOK_SECRET_KEY is not set", errSealed)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", fmt.Errorf("%w: it is not a sealed secret", errSealed)
	}
	plain, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], []byte(sealedPrefix))
	if err != nil {
		return "", fmt.Errorf("%w: EXPHUB_WEBHOOK_SECRET_KEY is not the key it was sealed with (rotate the secret)", errSealed)
	}
	return string(plain), nil
}
