package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/exphub/exphub/internal/auth"
)

// rawJWT signs header.payload with HMAC-SHA256 under secret whatever the
// header's alg says: the classic algorithm-confusion token.
func rawJWT(t *testing.T, header, payload map[string]any, secret []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	in := enc(header) + "." + enc(payload)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func TestUnauthenticatedRequestsGet401(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	now := time.Now()
	claims := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "eve", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "roles": map[string]string{"*": "admin"}}
	}
	secret := []byte(auth.DevSecret)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(m jwt.SigningMethod, key any) string {
		s, err := jwt.NewWithClaims(m, claims()).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	expired, err := auth.NewDevToken(secret, "eve", map[string]auth.Role{"*": auth.RoleAdmin}, time.Hour, now.Add(-3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	notYet, err := auth.Sign(secret, auth.Claims{Subject: "eve", NotBefore: now.Add(time.Hour), ExpiresAt: now.Add(2 * time.Hour),
		Roles: map[string]auth.Role{"*": auth.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	otherSecret, err := auth.NewDevToken([]byte("another-secret-of-at-least-32-bytes!!"), "eve", map[string]auth.Role{"*": auth.RoleAdmin}, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	valid := token(t, "eve", map[string]auth.Role{"*": auth.RoleAdmin})
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"eve","exp":9999999999,"roles":{"*":"admin"}}`)) + "." + parts[2]

	tests := []struct {
		name    string
		headers []string // Authorization values; none when empty
	}{
		{"missing", nil},
		{"empty", []string{""}},
		{"not bearer", []string{"Basic ZXZlOnB3"}},
		{"bearer without token", []string{"Bearer"}},
		{"token with spaces", []string{"Bearer abc def"}},
		{"not a jwt", []string{"Bearer not.a.jwt"}},
		{"expired", []string{"Bearer " + expired}},
		{"not yet valid", []string{"Bearer " + notYet}},
		{"wrong signature", []string{"Bearer " + otherSecret}},
		{"tampered payload", []string{"Bearer " + tampered}},
		{"alg none", []string{"Bearer " + sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType)}},
		{"RS256 header signed with the HS secret", []string{"Bearer " + rawJWT(t, map[string]any{"alg": "RS256", "typ": "JWT"}, claims(), secret)}},
		{"RS256 signed with an RSA key", []string{"Bearer " + sign(jwt.SigningMethodRS256, rsaKey)}},
		{"HS512 with the HS secret", []string{"Bearer " + sign(jwt.SigningMethodHS512, secret)}},
		{"two Authorization headers", []string{"Bearer " + valid, "Bearer " + valid}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL+"/graphql",
				strings.NewReader(`{"query":"mutation { createProject(input: {key: \"pwned\", name: \"x\"}) { project { key } } }"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for _, v := range tc.headers {
				req.Header.Add("Authorization", v)
			}
			res := doGQL(t, req)
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("want HTTP 401, got %d: %s", res.Status, res.Raw)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("want a JSON body, got Content-Type %q", ct)
			}
			if wa := res.Header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, "Bearer ") {
				t.Errorf("want a Bearer WWW-Authenticate challenge, got %q", wa)
			}
			res.fails(t, "UNAUTHENTICATED")
			if len(res.Data) != 0 {
				t.Errorf("a 401 carries no data: %s", res.Raw)
			}
			if strings.Contains(strings.ToLower(string(res.Raw)), "secret") {
				t.Errorf("the 401 body mentions the secret: %s", res.Raw)
			}
		})
	}
	t.Run("a valid token passes", func(t *testing.T) {
		res := h.gql(t, valid, `{ me { subject grants { projectKey role } } }`, nil)
		res.ok(t, nil)
		if string(res.Data) != `{"me":{"subject":"eve","grants":[{"projectKey":"*","role":"ADMIN"}]}}` {
			t.Errorf("me: got %s", res.Data)
		}
	})
}

func TestCORS(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil) // CORSOrigins: http://localhost:5173
	tests := []struct {
		name, method, origin string
		body                 string
		allowed              bool
	}{
		{"preflight from the allowed origin", http.MethodOptions, "http://localhost:5173", "", true},
		{"preflight from another origin", http.MethodOptions, "https://evil.example", "", false},
		{"preflight from a look-alike origin", http.MethodOptions, "http://localhost:5174", "", false},
		{"request from the allowed origin", http.MethodPost, "http://localhost:5173", `{"query":"{ me { subject } }"}`, true},
		{"request from another origin", http.MethodPost, "https://evil.example", `{"query":"{ me { subject } }"}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, tc.method, h.srv.URL+"/graphql", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Origin", tc.origin)
			if tc.method == http.MethodOptions {
				req.Header.Set("Access-Control-Request-Method", http.MethodPost)
				req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			} else {
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token(t, "browser", nil))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, resp.Body)
			acao := resp.Header.Get("Access-Control-Allow-Origin")
			if tc.allowed {
				if acao != tc.origin {
					t.Errorf("want Access-Control-Allow-Origin %q, got %q", tc.origin, acao)
				}
				if tc.method == http.MethodOptions {
					if resp.StatusCode >= 300 {
						t.Errorf("preflight: want 2xx, got %d", resp.StatusCode)
					}
					methods := resp.Header.Get("Access-Control-Allow-Methods")
					headers := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
					if !strings.Contains(methods, "POST") || !strings.Contains(headers, "authorization") {
						t.Errorf("preflight: want POST and Authorization allowed, got methods %q headers %q", methods, headers)
					}
				}
				return
			}
			for k := range resp.Header {
				if strings.HasPrefix(strings.ToLower(k), "access-control-") {
					t.Errorf("a foreign origin got CORS header %s: %q", k, resp.Header.Get(k))
				}
			}
		})
	}
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	get := func(t *testing.T, path string) (int, http.Header, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header, string(b)
	}
	t.Run("healthz", func(t *testing.T) {
		code, hdr, body := get(t, "/healthz")
		var v map[string]string
		if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(body), &v) != nil || v["status"] != "ok" {
			t.Errorf("want 200 {\"status\":\"ok\"}, got %d %q %s", code, hdr.Get("Content-Type"), body)
		}
	})
	t.Run("readyz", func(t *testing.T) {
		code, _, body := get(t, "/readyz")
		if code != http.StatusOK || !strings.Contains(body, `"ready"`) {
			t.Errorf("want 200 ready, got %d %s", code, body)
		}
	})
	t.Run("metrics count requests", func(t *testing.T) {
		h.gql(t, token(t, "m", nil), `{ me { subject } }`, nil).ok(t, nil)
		h.gql(t, "", `{ me { subject } }`, nil)
		get(t, "/healthz")
		code, _, body := get(t, "/metrics")
		if code != http.StatusOK {
			t.Fatalf("metrics: HTTP %d", code)
		}
		for _, want := range []string{
			`exphub_http_requests_total{code="200",route="healthz"}`,
			`exphub_http_requests_total{code="200",route="graphql"}`,
			`exphub_http_requests_total{code="401",route="graphql"}`,
			`exphub_http_request_duration_seconds_bucket{route="graphql"`,
			`go_goroutines`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}
