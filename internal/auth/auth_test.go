package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/exphub/exphub/internal/errs"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind (for example
// a JWKS background refresh that did not stop with its context).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := findLeaks(leakWait); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// leakWait is how long a stopped goroutine may take to end before it
// counts as leaked. goleak's own retries give up after about a second,
// which a goroutine of a -race binary on a busy machine can need just to
// be scheduled; a goroutine that never ends still fails, only later.
const leakWait = 30 * time.Second

// findLeaks is goleak.Find, retried until no unexpected goroutine is left
// or timeout passes; it returns the last finding.
func findLeaks(timeout time.Duration, opts ...goleak.Option) error {
	var err error
	pollUntil(timeout, func() bool {
		err = goleak.Find(opts...)
		return err == nil
	})
	return err
}

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

func TestHMACVerifier(t *testing.T) {
	strict, err := NewHMACVerifier([]byte(DevSecret), Options{Issuer: testIssuer, Audience: testAudience, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	lax, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	noLeeway, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow, Leeway: -1})
	if err != nil {
		t.Fatal(err)
	}
	otherSecret := "another-secret-that-is-long-enough-0123456789"
	rsaPub := publicKeyPEM(t, &rsaKey1().PublicKey)

	tests := []struct {
		name  string
		v     *HMACVerifier
		token string
		want  string // error substring; empty means success
	}{
		{"valid HS256", lax, mintHS(t, DevSecret, claims()), ""},
		{"valid with iss and aud", strict, mintHS(t, DevSecret, claims("iss", testIssuer, "aud", testAudience)), ""},
		{"aud as list", strict, mintHS(t, DevSecret, claims("iss", testIssuer, "aud", []string{"x", testAudience})), ""},
		{"empty token", lax, "", "missing bearer token"},
		{"garbage", lax, "not-a-jwt", "token malformed"},
		{"three garbage segments", lax, "a.b.c", "token malformed"},
		{"expired", lax, mintHS(t, DevSecret, claims("exp", testNow.Add(-time.Hour).Unix())), "token expired"},
		{"expired within leeway", lax, mintHS(t, DevSecret, claims("exp", testNow.Add(-10*time.Second).Unix())), ""},
		{"expired without leeway", noLeeway, mintHS(t, DevSecret, claims("exp", testNow.Add(-10*time.Second).Unix())), "token expired"},
		{"nbf in future", lax, mintHS(t, DevSecret, claims("nbf", testNow.Add(time.Hour).Unix())), "token not valid yet"},
		{"nbf within leeway", lax, mintHS(t, DevSecret, claims("nbf", testNow.Add(10*time.Second).Unix())), ""},
		{"iat in future", lax, mintHS(t, DevSecret, claims("iat", testNow.Add(time.Hour).Unix())), "issued in the future"},
		{"wrong signature", lax, mintHS(t, otherSecret, claims()), "signature invalid"},
		{"tampered payload", lax, tamper(t, mintHS(t, DevSecret, claims())), "signature invalid"},
		{"alg none", lax, noneToken(t, claims()), `unexpected signing algorithm "none"`},
		{"RS256 token", lax, mint(t, jwt.SigningMethodRS256, "", rsaKey1(), claims()), `unexpected signing algorithm "RS256"`},
		{"HS512 token", lax, mint(t, jwt.SigningMethodHS512, "", []byte(DevSecret), claims()), `unexpected signing algorithm "HS512"`},
		{"HS256 signed with a public key", lax, mint(t, jwt.SigningMethodHS256, "", rsaPub, claims()), "signature invalid"},
		{"missing sub", lax, mintHS(t, DevSecret, claims("sub", nil)), "no subject"},
		{"empty sub", lax, mintHS(t, DevSecret, claims("sub", "")), "no subject"},
		{"missing exp", lax, mintHS(t, DevSecret, claims("exp", nil)), "no expiry"},
		{"exp not a number", lax, mintHS(t, DevSecret, claims("exp", "tomorrow")), "token malformed"},
		{"unknown role name", lax, mintHS(t, DevSecret, claims("roles", map[string]any{"fraud": "superuser"})), `unknown role "superuser"`},
		{"role name wrong case", lax, mintHS(t, DevSecret, claims("roles", map[string]any{"fraud": "Admin"})), `unknown role "Admin"`},
		{"role not a string", lax, mintHS(t, DevSecret, claims("roles", map[string]any{"fraud": 3})), "must be a JSON object"},
		{"roles not an object", lax, mintHS(t, DevSecret, claims("roles", []string{"admin"})), "must be a JSON object"},
		{"empty project key", lax, mintHS(t, DevSecret, claims("roles", map[string]any{"": "admin"})), "empty project key"},
		{"no roles claim", lax, mintHS(t, DevSecret, claims("roles", nil)), ""},
		{"wrong issuer", strict, mintHS(t, DevSecret, claims("iss", "https://evil.test", "aud", testAudience)), "issuer not accepted"},
		{"missing issuer", strict, mintHS(t, DevSecret, claims("aud", testAudience)), "issuer not accepted"},
		{"wrong audience", strict, mintHS(t, DevSecret, claims("iss", testIssuer, "aud", "someone-else")), "audience not accepted"},
		{"missing audience", strict, mintHS(t, DevSecret, claims("iss", testIssuer)), "audience not accepted"},
		{"oversized token", lax, strings.Repeat("a", maxTokenLen+1), "token too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.v.Verify(t.Context(), tc.token)
			checkErr(t, err, tc.want)
			if tc.want != "" {
				if p != nil {
					t.Errorf("got principal %+v alongside error", p)
				}
				return
			}
			if p.Subject != "alice" {
				t.Errorf("Subject = %q, want alice", p.Subject)
			}
		})
	}
}

// tamper changes the payload of a signed token, keeping its signature.
func tamper(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	body, err := json.Marshal(claims("roles", map[string]any{"*": "admin"}))
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(body)
	return strings.Join(parts, ".")
}

func TestHMACVerifierPrincipal(t *testing.T) {
	v, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	exp := testNow.Add(time.Hour)
	p, err := v.Verify(t.Context(), mintHS(t, DevSecret, claims("exp", exp.Unix())))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Role{"fraud": RoleContributor, "*": RoleViewer}
	if !maps.Equal(p.Roles, want) {
		t.Errorf("Roles = %v, want %v", p.Roles, want)
	}
	if !p.ExpiresAt.Equal(exp) {
		t.Errorf("ExpiresAt = %v, want %v", p.ExpiresAt, exp)
	}
}

func TestCustomRolesClaim(t *testing.T) {
	v, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow, RolesClaim: "https://exphub/roles"})
	if err != nil {
		t.Fatal(err)
	}
	tok := mintHS(t, DevSecret, claims("roles", nil, "https://exphub/roles", map[string]any{"risk": "approver"}))
	p, err := v.Verify(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.RoleIn("risk"); got != RoleApprover {
		t.Errorf("RoleIn(risk) = %v, want approver", got)
	}
}

func TestNewHMACVerifierRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		opts   Options
		want   string
	}{
		{"short secret", "too-short", Options{}, "need at least 32"},
		{"31 bytes", strings.Repeat("x", 31), Options{}, "need at least 32"},
		{"RS256 allowed", DevSecret, Options{Algorithms: []string{"RS256"}}, "only HS256"},
		{"none allowed", DevSecret, Options{Algorithms: []string{"HS256", "none"}}, "only HS256"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewHMACVerifier([]byte(tc.secret), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.secret) {
				t.Errorf("error %q leaks the secret", err)
			}
		})
	}
}

func TestSignAndNewDevToken(t *testing.T) {
	secret := []byte(DevSecret)
	v, err := NewHMACVerifier(secret, Options{Now: fixedNow, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Sign(secret, Claims{
		Subject:   "bob",
		Roles:     map[string]Role{"fraud": RoleApprover},
		Issuer:    testIssuer,
		Audience:  []string{testAudience},
		IssuedAt:  testNow,
		NotBefore: testNow,
		ExpiresAt: testNow.Add(time.Minute),
		ID:        "id-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "bob" || p.RoleIn("fraud") != RoleApprover {
		t.Errorf("got %+v", p)
	}

	bad := []struct {
		name string
		fn   func() (string, error)
		want string
	}{
		{"short secret", func() (string, error) {
			return Sign([]byte("short"), Claims{Subject: "a", ExpiresAt: testNow})
		}, "at least 32"},
		{"no subject", func() (string, error) {
			return Sign(secret, Claims{ExpiresAt: testNow})
		}, "subject is required"},
		{"no expiry", func() (string, error) {
			return Sign(secret, Claims{Subject: "a"})
		}, "expiry is required"},
		{"role none", func() (string, error) {
			return Sign(secret, Claims{Subject: "a", ExpiresAt: testNow, Roles: map[string]Role{"p": RoleNone}})
		}, "cannot be granted"},
		{"role out of range", func() (string, error) {
			return Sign(secret, Claims{Subject: "a", ExpiresAt: testNow, Roles: map[string]Role{"p": Role(9)}})
		}, "Role(9) cannot be granted"},
		{"empty project", func() (string, error) {
			return Sign(secret, Claims{Subject: "a", ExpiresAt: testNow, Roles: map[string]Role{"": RoleViewer}})
		}, "empty project key"},
		{"zero ttl", func() (string, error) {
			return NewDevToken(secret, "a", nil, 0, testNow)
		}, "ttl must be positive"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := tc.fn()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want containing %q", err, tc.want)
			}
			if tok != "" {
				t.Errorf("got token %q alongside error", tok)
			}
		})
	}

	dev, err := NewDevToken(secret, "carol", map[string]Role{"*": RoleAdmin}, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	lax, err := NewHMACVerifier(secret, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	p, err = lax.Verify(t.Context(), dev)
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "carol" || p.RoleIn("anything") != RoleAdmin || !p.ExpiresAt.Equal(testNow.Add(time.Hour)) {
		t.Errorf("dev token principal = %+v", p)
	}
}

// jwksServer serves a mutable JWK Set and counts fetches.
type jwksServer struct {
	srv     *httptest.Server
	store   *jwkset.MemoryJWKSet
	fetches atomic.Int64
	fetched chan struct{}
}

// newJWKSServer serves the public parts of keys (kid → private key). The
// caller closes it; tests that check for leaks close it explicitly.
func newJWKSServer(t *testing.T, keys map[string]any) *jwksServer {
	t.Helper()
	s := &jwksServer{store: jwkset.NewMemoryStorage(), fetched: make(chan struct{}, 64)}
	for _, kid := range slices.Sorted(maps.Keys(keys)) {
		s.add(t, kid, keys[kid])
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := s.store.JSONPublic(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(raw)
		s.fetches.Add(1)
		select {
		case s.fetched <- struct{}{}:
		default:
		}
	}))
	return s
}

// add publishes the public part of priv under kid.
func (s *jwksServer) add(t *testing.T, kid string, priv any) {
	t.Helper()
	var pub any
	var alg jwkset.ALG
	switch k := priv.(type) {
	case *rsa.PrivateKey:
		pub, alg = &k.PublicKey, jwkset.AlgRS256
	case *ecdsa.PrivateKey:
		pub, alg = &k.PublicKey, jwkset.AlgES256
	default:
		t.Fatalf("unsupported key type %T", priv)
	}
	jwk, err := jwkset.NewJWKFromKey(pub, jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{KID: kid, ALG: alg, USE: jwkset.UseSig},
	})
	if err != nil {
		t.Fatalf("build JWK %s: %v", kid, err)
	}
	if err := s.store.KeyWrite(context.Background(), jwk); err != nil {
		t.Fatalf("store JWK %s: %v", kid, err)
	}
}

// waitFetch blocks until the server has served another fetch. The
// deadline is generous: a refresh goroutine of a -race binary on a busy
// machine may wait seconds for a CPU, and waiting costs nothing when the
// fetch comes.
func (s *jwksServer) waitFetch(t *testing.T) {
	t.Helper()
	select {
	case <-s.fetched:
	case <-time.After(30 * time.Second):
		t.Fatal("timed out waiting for a JWKS fetch")
	}
}

func jwksOptions(s *jwksServer) Options {
	return Options{
		Issuer:     testIssuer,
		Audience:   testAudience,
		Now:        fixedNow,
		HTTPClient: s.srv.Client(),
	}
}

func newTestJWKSVerifier(t *testing.T, s *jwksServer, opts Options) *JWKSVerifier {
	t.Helper()
	v, err := NewJWKSVerifier(t.Context(), s.srv.URL, opts)
	if err != nil {
		t.Fatalf("NewJWKSVerifier: %v", err)
	}
	return v
}

func prodClaims(pairs ...any) jwt.MapClaims {
	return claims(append([]any{"iss", testIssuer, "aud", testAudience}, pairs...)...)
}

func TestJWKSVerifier(t *testing.T) {
	s := newJWKSServer(t, map[string]any{"rsa-1": rsaKey1(), "ec-1": ecKey1()})
	t.Cleanup(s.srv.Close)
	v := newTestJWKSVerifier(t, s, jwksOptions(s))
	rsOnlyOpts := jwksOptions(s)
	rsOnlyOpts.Algorithms = []string{"RS256"}
	rsOnly := newTestJWKSVerifier(t, s, rsOnlyOpts)

	rsaPubPEM := publicKeyPEM(t, &rsaKey1().PublicKey)
	tests := []struct {
		name  string
		v     *JWKSVerifier
		token string
		want  string
	}{
		{"RS256", v, mint(t, jwt.SigningMethodRS256, "rsa-1", rsaKey1(), prodClaims()), ""},
		{"ES256", v, mint(t, jwt.SigningMethodES256, "ec-1", ecKey1(), prodClaims()), ""},
		{"RS256 without kid", v, mint(t, jwt.SigningMethodRS256, "", rsaKey1(), prodClaims()), ""},
		{"ES256 not configured", rsOnly, mint(t, jwt.SigningMethodES256, "ec-1", ecKey1(), prodClaims()), `unexpected signing algorithm "ES256"`},
		{"alg swap: HS256 with public key as secret", v, mint(t, jwt.SigningMethodHS256, "rsa-1", rsaPubPEM, prodClaims()), `unexpected signing algorithm "HS256"`},
		{"alg none", v, noneToken(t, prodClaims()), `unexpected signing algorithm "none"`},
		{"key not in set, unknown kid", v, mint(t, jwt.SigningMethodRS256, "rsa-x", rsaKey2(), prodClaims()), "no signing key matches"},
		{"key not in set, known kid", v, mint(t, jwt.SigningMethodRS256, "rsa-1", rsaKey2(), prodClaims()), "signature invalid"},
		{"key not in set, no kid", v, mint(t, jwt.SigningMethodRS256, "", rsaKey2(), prodClaims()), "signature invalid"},
		{"RS256 naming the EC key", v, mint(t, jwt.SigningMethodRS256, "ec-1", rsaKey1(), prodClaims()), "no signing key matches"},
		{"expired", v, mint(t, jwt.SigningMethodRS256, "rsa-1", rsaKey1(), prodClaims("exp", testNow.Add(-time.Hour).Unix())), "token expired"},
		{"wrong issuer", v, mint(t, jwt.SigningMethodRS256, "rsa-1", rsaKey1(), prodClaims("iss", "https://evil.test")), "issuer not accepted"},
		{"wrong audience", v, mint(t, jwt.SigningMethodRS256, "rsa-1", rsaKey1(), prodClaims("aud", "other")), "audience not accepted"},
		{"missing sub", v, mint(t, jwt.SigningMethodES256, "ec-1", ecKey1(), prodClaims("sub", nil)), "no subject"},
		{"unknown role", v, mint(t, jwt.SigningMethodES256, "ec-1", ecKey1(), prodClaims("roles", map[string]any{"x": "owner"})), `unknown role "owner"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.v.Verify(t.Context(), tc.token)
			checkErr(t, err, tc.want)
			if tc.want == "" && (p.Subject != "alice" || p.RoleIn("fraud") != RoleContributor) {
				t.Errorf("principal = %+v", p)
			}
		})
	}
}

func TestJWKSVerifierRefreshesOnUnknownKID(t *testing.T) {
	s := newJWKSServer(t, map[string]any{"rsa-1": rsaKey1(), "ec-1": ecKey1()})
	t.Cleanup(s.srv.Close)
	opts := jwksOptions(s)
	opts.JWKSUnknownKIDInterval = time.Millisecond
	v := newTestJWKSVerifier(t, s, opts)

	tok := mint(t, jwt.SigningMethodRS256, "rsa-2", rsaKey2(), prodClaims())
	_, err := v.Verify(t.Context(), tok)
	checkErr(t, err, "no signing key matches")

	s.add(t, "rsa-2", rsaKey2())
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := v.Verify(t.Context(), tok)
		if err == nil {
			if p.Subject != "alice" {
				t.Errorf("Subject = %q", p.Subject)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("token with new kid still rejected after deadline: %v", err)
		}
	}
	if n := s.fetches.Load(); n < 2 {
		t.Errorf("fetches = %d, want a re-fetch after the initial one", n)
	}
}

func TestJWKSVerifierRateLimitsUnknownKIDRefresh(t *testing.T) {
	s := newJWKSServer(t, map[string]any{"rsa-1": rsaKey1()})
	t.Cleanup(s.srv.Close)
	v := newTestJWKSVerifier(t, s, jwksOptions(s)) // default: one re-fetch per 5 minutes
	if n := s.fetches.Load(); n != 1 {
		t.Fatalf("fetches after construction = %d, want 1", n)
	}
	for i, kid := range []string{"nope-1", "nope-2", "nope-3"} {
		_, err := v.Verify(t.Context(), mint(t, jwt.SigningMethodRS256, kid, rsaKey2(), prodClaims()))
		checkErr(t, err, "no signing key matches")
		if n := s.fetches.Load(); n != 2 {
			t.Errorf("after unknown kid #%d: fetches = %d, want 2", i+1, n)
		}
	}
}

func TestJWKSVerifierBackgroundRefresh(t *testing.T) {
	s := newJWKSServer(t, map[string]any{"rsa-1": rsaKey1()})
	t.Cleanup(s.srv.Close)
	opts := jwksOptions(s)
	opts.JWKSRefreshInterval = 5 * time.Millisecond
	opts.JWKSUnknownKIDInterval = time.Hour
	v := newTestJWKSVerifier(t, s, opts)
	s.waitFetch(t) // initial fetch

	// Use up the unknown-kid re-fetch so only the background refresh can
	// pick up the new key.
	_, err := v.Verify(t.Context(), mint(t, jwt.SigningMethodRS256, "burn", rsaKey2(), prodClaims()))
	checkErr(t, err, "no signing key matches")

	s.add(t, "ec-1", ecKey1())
	// A served fetch is not yet a stored key set: wait for what the test
	// needs, the new key verifying. Every failed attempt names the unknown
	// key, and none can fetch (the unknown-kid re-fetch is used up for an
	// hour), so only the background refresh can make it pass.
	tok := mint(t, jwt.SigningMethodES256, "ec-1", ecKey1(), prodClaims())
	var last error
	ok := pollUntil(30*time.Second, func() bool {
		_, last = v.Verify(t.Context(), tok)
		if last != nil && !strings.Contains(last.Error(), "no signing key matches") {
			t.Fatalf("verify while waiting for the refresh: %v", last)
		}
		return last == nil
	})
	if !ok {
		t.Fatalf("key added to the set not picked up by background refresh within 30 s (%d fetches served): %v", s.fetches.Load(), last)
	}
}

// pollUntil calls cond every 10 ms until it holds or timeout passes, and
// reports whether it held.
func pollUntil(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func TestJWKSVerifierStopsRefreshing(t *testing.T) {
	tests := []struct {
		name     string
		viaClose bool // stop with Close on a never-cancelled context
	}{
		{"context cancelled", false},
		{"Close", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			defer func() {
				if err := findLeaks(leakWait, ignore); err != nil {
					t.Error(err)
				}
			}()
			s := newJWKSServer(t, map[string]any{"rsa-1": rsaKey1()})
			defer s.srv.Close()
			opts := jwksOptions(s)
			opts.JWKSRefreshInterval = time.Millisecond

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.viaClose {
				ctx = context.Background()
			}
			v, err := NewJWKSVerifier(ctx, s.srv.URL, opts)
			if err != nil {
				t.Fatal(err)
			}
			s.waitFetch(t)
			s.waitFetch(t) // the background refresh is running
			tok := mint(t, jwt.SigningMethodRS256, "rsa-1", rsaKey1(), prodClaims())
			if _, err := v.Verify(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
			if tc.viaClose {
				v.Close()
				v.Close() // idempotent
			} else {
				cancel()
			}
			// Cached keys keep working after the refresh has stopped.
			if _, err := v.Verify(t.Context(), tok); err != nil {
				t.Fatalf("verify after stop: %v", err)
			}
			s.srv.Close()
		})
	}
}

func TestNewJWKSVerifierRejectsBadConfig(t *testing.T) {
	s := newJWKSServer(t, map[string]any{"rsa-1": rsaKey1()})
	t.Cleanup(s.srv.Close)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)

	with := func(f func(*Options)) Options {
		o := jwksOptions(s)
		f(&o)
		return o
	}
	tests := []struct {
		name string
		url  string
		opts Options
		want string
	}{
		{"no issuer", s.srv.URL, with(func(o *Options) { o.Issuer = "" }), "requires both"},
		{"no audience", s.srv.URL, with(func(o *Options) { o.Audience = "" }), "requires both"},
		{"HS256", s.srv.URL, with(func(o *Options) { o.Algorithms = []string{"RS256", "HS256"} }), `algorithm "HS256"`},
		{"none", s.srv.URL, with(func(o *Options) { o.Algorithms = []string{"none"} }), `algorithm "none"`},
		{"plain http remote", "http://keys.example.com/jwks.json", jwksOptions(s), "must use https"},
		{"not a URL", "keys", jwksOptions(s), "absolute https URL"},
		{"first fetch fails", failing.URL, with(func(o *Options) { o.HTTPClient = failing.Client() }), "load JWKS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewJWKSVerifier(t.Context(), tc.url, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want containing %q", err, tc.want)
			}
			if v != nil {
				t.Errorf("got verifier alongside error")
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{"Bearer abc.def.ghi", "abc.def.ghi", true},
		{"bearer abc", "abc", true},
		{"  Bearer   abc  ", "abc", true},
		{"", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"abc.def.ghi", "", false},
		{"Bearer a b", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			got, ok := BearerToken(tc.header)
			if got != tc.want || ok != tc.ok {
				t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tc.header, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// verifierFunc adapts a function to Verifier.
type verifierFunc func(context.Context, string) (*Principal, error)

func (f verifierFunc) Verify(ctx context.Context, token string) (*Principal, error) {
	return f(ctx, token)
}

func TestAuthenticate(t *testing.T) {
	hv, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		v      Verifier
		header string
		want   string
	}{
		{"valid", hv, "Bearer " + mintHS(t, DevSecret, claims()), ""},
		{"missing", hv, "", "missing bearer token"},
		{"malformed", hv, "Token abc", "malformed authorization header"},
		{"nil verifier", nil, "Bearer abc", "no token verifier"},
		{"verifier returns plain error", verifierFunc(func(context.Context, string) (*Principal, error) {
			return nil, errors.New("db password is hunter2")
		}), "Bearer abc", "token could not be verified"},
		{"verifier returns nil principal", verifierFunc(func(context.Context, string) (*Principal, error) {
			return nil, nil
		}), "Bearer abc", "token could not be verified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Authenticate(t.Context(), tc.v, tc.header)
			checkErr(t, err, tc.want)
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks verifier internals", err)
			}
			if tc.want == "" && p.Subject != "alice" {
				t.Errorf("principal = %+v", p)
			}
		})
	}
}

func TestParseRoleAndString(t *testing.T) {
	tests := []struct {
		in      string
		want    Role
		wantErr bool
	}{
		{"viewer", RoleViewer, false},
		{"contributor", RoleContributor, false},
		{"approver", RoleApprover, false},
		{"admin", RoleAdmin, false},
		{"none", RoleNone, true},
		{"", RoleNone, true},
		{"Admin", RoleNone, true},
		{"owner", RoleNone, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRole(tc.in)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("ParseRole(%q) = %v, %v", tc.in, got, err)
			}
			if err == nil && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
	if s := RoleNone.String(); s != "none" {
		t.Errorf("RoleNone.String() = %q", s)
	}
	if s := Role(42).String(); s != "Role(42)" {
		t.Errorf("Role(42).String() = %q", s)
	}
	if !(RoleNone < RoleViewer && RoleViewer < RoleContributor && RoleContributor < RoleApprover && RoleApprover < RoleAdmin) {
		t.Error("roles are not ordered")
	}
}

func TestPrincipalRoles(t *testing.T) {
	viewerAll := &Principal{Subject: "v", Roles: map[string]Role{"*": RoleViewer, "fraud": RoleApprover}}
	contribOne := &Principal{Subject: "c", Roles: map[string]Role{"fraud": RoleContributor, "risk": RoleViewer, "old": RoleNone}}
	admin := &Principal{Subject: "a", Roles: map[string]Role{"*": RoleAdmin}}
	approverAll := &Principal{Subject: "p", Roles: map[string]Role{"*": RoleApprover, "fraud": RoleViewer}}
	none := &Principal{Subject: "n"}
	var nilP *Principal

	tests := []struct {
		name    string
		p       *Principal
		project string
		roleIn  Role
		can     map[Role]bool
	}{
		{"project role beats * role", viewerAll, "fraud", RoleApprover,
			map[Role]bool{RoleViewer: true, RoleContributor: true, RoleApprover: true, RoleAdmin: false}},
		{"* role applies elsewhere", viewerAll, "risk", RoleViewer,
			map[Role]bool{RoleViewer: true, RoleContributor: false}},
		{"* role beats lower project role", approverAll, "fraud", RoleApprover,
			map[Role]bool{RoleApprover: true, RoleAdmin: false}},
		{"explicit project only", contribOne, "fraud", RoleContributor,
			map[Role]bool{RoleViewer: true, RoleContributor: true, RoleApprover: false}},
		{"other project", contribOne, "marketing", RoleNone,
			map[Role]bool{RoleViewer: false}},
		{"explicit none", contribOne, "old", RoleNone, map[Role]bool{RoleViewer: false}},
		{"admin includes everything", admin, "anything", RoleAdmin,
			map[Role]bool{RoleViewer: true, RoleContributor: true, RoleApprover: true, RoleAdmin: true}},
		{"no roles", none, "fraud", RoleNone, map[Role]bool{RoleViewer: false}},
		{"nil principal", nilP, "fraud", RoleNone, map[Role]bool{RoleNone: false, RoleViewer: false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.RoleIn(tc.project); got != tc.roleIn {
				t.Errorf("RoleIn(%q) = %v, want %v", tc.project, got, tc.roleIn)
			}
			for min, want := range tc.can {
				if got := tc.p.Can(tc.project, min); got != want {
					t.Errorf("Can(%q, %v) = %v, want %v", tc.project, min, got, want)
				}
			}
		})
	}

	readAll := []struct {
		name     string
		p        *Principal
		all      bool
		readable []string
	}{
		{"viewer on *", viewerAll, true, []string{"fraud"}},
		{"admin on *", admin, true, []string{}},
		{"explicit projects", contribOne, false, []string{"fraud", "risk"}},
		{"no roles", none, false, []string{}},
		{"nil", nilP, false, nil},
	}
	for _, tc := range readAll {
		t.Run("read/"+tc.name, func(t *testing.T) {
			if got := tc.p.CanReadAll(); got != tc.all {
				t.Errorf("CanReadAll() = %v, want %v", got, tc.all)
			}
			if got := tc.p.ReadableProjects(); !slices.Equal(got, tc.readable) {
				t.Errorf("ReadableProjects() = %q, want %q", got, tc.readable)
			}
		})
	}
}

func TestContext(t *testing.T) {
	ctx := t.Context()
	if p, ok := FromContext(ctx); ok || p != nil {
		t.Fatalf("empty context: got %v, %v", p, ok)
	}
	if p, ok := FromContext(WithPrincipal(ctx, nil)); ok || p != nil {
		t.Fatalf("nil principal: got %v, %v", p, ok)
	}
	want := &Principal{Subject: "alice"}
	got, ok := FromContext(WithPrincipal(ctx, want))
	if !ok || got != want {
		t.Fatalf("got %v, %v; want %v", got, ok, want)
	}
}
