package auth

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

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

// An auditor on every project is granted through the roles claim like any
// other role, beside a ladder role in one project; a misspelt role is
// refused with its name.
func TestAuditorGrantFromClaim(t *testing.T) {
	v, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(t.Context(), mintHS(t, DevSecret, claims("roles", map[string]any{"*": "auditor", "fraud": "contributor"})))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]Role{"*": RoleAuditor, "fraud": RoleContributor}; !maps.Equal(p.Roles, want) {
		t.Fatalf("Roles = %v, want %v", p.Roles, want)
	}
	if !p.Can("risk", RoleAuditor) || p.Can("risk", RoleContributor) || !p.Can("fraud", RoleContributor) || p.Can("fraud", RoleApprover) {
		t.Errorf("auditor on * with contributor of fraud: wrong permissions %v", p.Roles)
	}
	_, err = v.Verify(t.Context(), mintHS(t, DevSecret, claims("roles", map[string]any{"*": "Auditor"})))
	if err == nil || !strings.Contains(err.Error(), `"Auditor"`) || !strings.Contains(err.Error(), "auditor") {
		t.Fatalf("err = %v, want an unknown role naming Auditor and the valid roles", err)
	}

	tok, err := NewDevToken([]byte(DevSecret), "una", map[string]Role{AllProjects: RoleAuditor}, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = v.Verify(t.Context(), tok); err != nil || p.Roles[AllProjects] != RoleAuditor {
		t.Fatalf("a minted auditor token reads back as %v, %v", p, err)
	}
}
