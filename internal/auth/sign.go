package auth

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DevSecret is the documented development HMAC secret. The server's dev mode
// and "hubctl token" both default to it, so locally minted tokens work
// against a local server without setup. Never use it in production.
const DevSecret = "exphub-dev-secret-change-me-0123456789"

// Claims describes a token to mint with Sign.
type Claims struct {
	// Subject becomes "sub"; it is required.
	Subject string
	// Roles becomes the "roles" claim (project key → role name). Every role
	// must be one of Grantable.
	Roles map[string]Role
	// Groups becomes the "groups" claim (DefaultGroupsClaim) when non-empty.
	Groups []string
	// ExpiresAt becomes "exp"; it is required.
	ExpiresAt time.Time
	// IssuedAt becomes "iat" when non-zero.
	IssuedAt time.Time
	// NotBefore becomes "nbf" when non-zero.
	NotBefore time.Time
	// Issuer becomes "iss" when non-empty.
	Issuer string
	// Audience becomes "aud" when non-empty.
	Audience []string
	// ID becomes "jti" when non-empty.
	ID string
}

// signedClaims is the JSON form of Claims.
type signedClaims struct {
	jwt.RegisteredClaims
	Roles  map[string]string `json:"roles,omitempty"`
	Groups []string          `json:"groups,omitempty"`
}

// Sign mints an HS256 token for c with secret, which must be at least
// MinSecretLen bytes. It refuses claims a Verifier would reject: an empty
// subject, a zero expiry, an empty project key or a non-grantable role.
func Sign(secret []byte, c Claims) (string, error) {
	if len(secret) < MinSecretLen {
		return "", fmt.Errorf("auth: sign: HMAC secret is %d bytes, need at least %d", len(secret), MinSecretLen)
	}
	if c.Subject == "" {
		return "", errors.New("auth: sign: subject is required")
	}
	if c.ExpiresAt.IsZero() {
		return "", errors.New("auth: sign: expiry is required")
	}
	sc := signedClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   c.Subject,
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			Issuer:    c.Issuer,
			Audience:  c.Audience,
			ID:        c.ID,
		},
	}
	if !c.IssuedAt.IsZero() {
		sc.IssuedAt = jwt.NewNumericDate(c.IssuedAt)
	}
	if !c.NotBefore.IsZero() {
		sc.NotBefore = jwt.NewNumericDate(c.NotBefore)
	}
	for _, g := range c.Groups {
		if g == "" || len(g) > MaxGroupLen {
			return "", fmt.Errorf("auth: sign: group names must be 1 to %d bytes, got %q", MaxGroupLen, truncate(g, 64))
		}
	}
	sc.Groups = slices.Clone(c.Groups)
	if len(c.Roles) > 0 {
		sc.Roles = make(map[string]string, len(c.Roles))
		for project, r := range c.Roles {
			if project == "" {
				return "", errors.New("auth: sign: empty project key in roles")
			}
			if !r.valid() {
				return "", fmt.Errorf("auth: sign: project %q: role %s cannot be granted", project, r)
			}
			sc.Roles[project] = r.String()
		}
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, sc).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("auth: sign: %w", err)
	}
	return s, nil
}

// NewDevTokenWithGroups is NewDevToken with a groups claim.
func NewDevTokenWithGroups(secret []byte, subject string, roles map[string]Role, groups []string, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("auth: dev token: ttl must be positive, got %s", ttl)
	}
	return Sign(secret, Claims{Subject: subject, Roles: roles, Groups: groups, IssuedAt: now, ExpiresAt: now.Add(ttl)})
}

// NewDevToken mints an HS256 token for subject with roles, issued at now and
// expiring ttl later. ttl must be positive. It is what "hubctl token" and the
// tests use.
func NewDevToken(secret []byte, subject string, roles map[string]Role, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("auth: dev token: ttl must be positive, got %s", ttl)
	}
	return Sign(secret, Claims{
		Subject:   subject,
		Roles:     roles,
		IssuedAt:  now,
		ExpiresAt: now.Add(ttl),
	})
}
