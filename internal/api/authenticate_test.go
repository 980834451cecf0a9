package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/exphub/exphub/internal/auth"
)

// TestAuthenticate: the HTTP middleware lets a request with a good token
// through with its principal, and answers every other one 401 with a
// Bearer challenge and one GraphQL-shaped error that says why.
func TestAuthenticate(t *testing.T) {
	hv, err := auth.NewHMACVerifier([]byte(auth.DevSecret), auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	roles := map[string]auth.Role{"fraud": auth.RoleContributor}
	valid, err := auth.NewDevToken([]byte(auth.DevSecret), "alice", roles, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := auth.NewDevToken([]byte(auth.DevSecret), "alice", roles, time.Hour, now.Add(-3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "alice", "exp": now.Add(time.Hour).Unix(),
		"roles": map[string]string{"fraud": "contributor"}}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name    string
		headers []string // Authorization values
		want    string   // 401 message substring; empty means 200
	}{
		{"valid", []string{"Bearer " + valid}, ""},
		{"missing header", nil, "unauthenticated: missing bearer token"},
		{"malformed header", []string{"Basic abc"}, "malformed authorization header"},
		{"two headers", []string{"Bearer " + valid, "Bearer " + valid}, "more than one Authorization header"},
		{"expired", []string{"Bearer " + expired}, "token expired"},
		{"alg none", []string{"Bearer " + none}, `unexpected signing algorithm "none"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *auth.Principal
			called := false
			h := authenticate(hv, log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				got, _ = auth.FromContext(r.Context())
				w.WriteHeader(http.StatusNoContent)
			}))
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			for _, v := range tc.headers {
				req.Header.Add("Authorization", v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if tc.want == "" {
				if rec.Code != http.StatusNoContent || !called {
					t.Fatalf("status = %d, called = %v; want 204 from next", rec.Code, called)
				}
				if got == nil || got.Subject != "alice" || got.RoleIn("fraud") != auth.RoleContributor {
					t.Errorf("principal in handler = %+v", got)
				}
				return
			}
			checkUnauthorized(t, rec, tc.want)
			if called {
				t.Error("next handler called on failed authentication")
			}
		})
	}
}

// checkUnauthorized asserts the 401 response shape.
func checkUnauthorized(t *testing.T, rec *httptest.ResponseRecorder, want string) {
	t.Helper()
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
	challenge := rec.Header().Get("WWW-Authenticate")
	const prefix = `Bearer error="invalid_token", error_description="`
	if !strings.HasPrefix(challenge, prefix) || !strings.HasSuffix(challenge, `"`) {
		t.Fatalf("WWW-Authenticate = %q", challenge)
	}
	desc := strings.TrimSuffix(strings.TrimPrefix(challenge, prefix), `"`)
	if strings.ContainsAny(desc, "\"\\") {
		t.Errorf("error_description %q contains characters RFC 6750 forbids", desc)
	}
	if !strings.Contains(desc, strings.ReplaceAll(want, `"`, "'")) {
		t.Errorf("error_description %q does not contain %q", desc, want)
	}

	var body struct {
		Errors []struct {
			Message    string            `json:"message"`
			Extensions map[string]string `json:"extensions"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("decode body: %v", err)
	}
	if len(body.Errors) != 1 {
		t.Fatalf("got %d errors, want 1", len(body.Errors))
	}
	e := body.Errors[0]
	if !strings.Contains(e.Message, want) {
		t.Errorf("message = %q, want containing %q", e.Message, want)
	}
	if !maps.Equal(e.Extensions, map[string]string{"code": "UNAUTHENTICATED"}) {
		t.Errorf("extensions = %v", e.Extensions)
	}
}
