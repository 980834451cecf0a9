package auth

import (
	"strings"
	"testing"
	"time"
)

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
