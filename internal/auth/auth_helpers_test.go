package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/golang-jwt/jwt/v5"
)

const (
	testIssuer   = "https://issuer.example.test"
	testAudience = "exphub"
)

// testNow is the fixed clock used by every verifier in these tests.
var testNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func fixedNow() time.Time { return testNow }

var (
	rsaKey1 = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	rsaKey2 = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	ecKey1  = sync.OnceValue(func() *ecdsa.PrivateKey { return mustEC() })
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func mustEC() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

// claims returns a valid claim set; pairs override (value nil deletes).
func claims(pairs ...any) jwt.MapClaims {
	c := jwt.MapClaims{
		"sub":   "alice",
		"iat":   testNow.Add(-time.Minute).Unix(),
		"exp":   testNow.Add(time.Hour).Unix(),
		"roles": map[string]any{"fraud": "contributor", "*": "viewer"},
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		k, _ := pairs[i].(string)
		if pairs[i+1] == nil {
			delete(c, k)
			continue
		}
		c[k] = pairs[i+1]
	}
	return c
}

func mint(t *testing.T, method jwt.SigningMethod, kid string, key any, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign %s token: %v", method.Alg(), err)
	}
	return s
}

func mintHS(t *testing.T, secret string, c jwt.MapClaims) string {
	t.Helper()
	return mint(t, jwt.SigningMethodHS256, "", []byte(secret), c)
}

// noneToken crafts an unsigned "alg: none" token by hand.
func noneToken(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	body, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal claims: %v", err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(body) + "."
}

func publicKeyPEM(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatalf("marshal public key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// checkErr asserts err's class and that its message contains want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("expected error containing %q, got nil", want)
	}
	if !errors.Is(err, errs.Unauthenticated) {
		t.Errorf("error %v does not wrap errs.Unauthenticated", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if strings.Contains(err.Error(), DevSecret) || strings.Contains(err.Error(), "PUBLIC KEY") {
		t.Errorf("error %q leaks key material", err)
	}
}

// pollUntil waits until cond holds or timeout passes, and reports whether
// it held.
func pollUntil(timeout time.Duration, cond func() bool) bool { return testwait.Until(timeout, cond) }
