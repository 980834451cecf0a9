package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/goleak"
)

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
