// Package auth authenticates exphub API callers by JWT bearer token and
// models what they may do.
//
// A verified token yields a Principal: a subject plus a role per project key
// (viewer < contributor < approver < admin, with the key "*" applying to all
// projects). Tokens are verified either with a shared HMAC secret
// (NewHMACVerifier, for development and tests) or against a remote JWKS
// (NewJWKSVerifier, for production). Middleware and Authenticate put the
// Principal into the request context; resolvers read it with FromContext.
//
// Every verification failure wraps errs.Unauthenticated and carries a short
// reason the caller can act on ("token expired", "signature invalid", …).
//
// It owns identity and roles, not what a role allows on an object: that
// is internal/access. It must not import the store or any domain package.
package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultLeeway is the clock-skew tolerance applied to exp, nbf and iat when
// Options.Leeway is zero.
const DefaultLeeway = 30 * time.Second

// DefaultRolesClaim is the claim holding the project → role object when
// Options.RolesClaim is empty.
const DefaultRolesClaim = "roles"

// DefaultGroupsClaim is the claim holding the caller's groups (a JSON array
// of strings) when Options.GroupsClaim is empty.
const DefaultGroupsClaim = "groups"

// MaxGroups and MaxGroupLen bound the groups claim a token may carry.
const (
	MaxGroups   = 100
	MaxGroupLen = 100
)

// maxTokenLen bounds the size of a token we are willing to parse.
const maxTokenLen = 16 << 10

// Verifier turns a raw bearer token into a Principal.
type Verifier interface {
	// Verify checks the token's signature and claims and returns the
	// Principal it describes. Every failure wraps errs.Unauthenticated.
	Verify(ctx context.Context, token string) (*Principal, error)
}

// Options configures a Verifier. The zero value is valid for
// NewHMACVerifier; NewJWKSVerifier requires Issuer and Audience.
type Options struct {
	// Issuer, when non-empty, must equal the token's "iss" claim.
	Issuer string
	// Audience, when non-empty, must be among the token's "aud" values.
	Audience string
	// Algorithms lists the accepted "alg" header values. NewHMACVerifier
	// accepts only HS256 (the default there); NewJWKSVerifier accepts
	// asymmetric algorithms only and defaults to RS256 and ES256.
	Algorithms []string
	// Leeway is the clock-skew tolerance for exp, nbf and iat. Zero means
	// DefaultLeeway; a negative value means no leeway.
	Leeway time.Duration
	// RolesClaim names the claim holding the project → role-name object.
	// Empty means DefaultRolesClaim.
	RolesClaim string
	// GroupsClaim names the claim holding the caller's groups, a JSON
	// array of strings. Empty means DefaultGroupsClaim.
	GroupsClaim string
	// GroupRoles grants roles to the members of groups named in the
	// groups claim, on top of the roles claim (the stronger role of a
	// project wins). Nil grants nothing.
	GroupRoles GroupRoles
	// Now returns the current time; nil means time.Now. Intended for tests.
	Now func() time.Time

	// JWKSRefreshInterval is how often NewJWKSVerifier re-fetches the key
	// set in the background. Zero means one hour.
	JWKSRefreshInterval time.Duration
	// JWKSUnknownKIDInterval is the minimum time between re-fetches of the
	// key set triggered by a token whose "kid" is not cached. Zero means
	// five minutes.
	JWKSUnknownKIDInterval time.Duration
	// JWKSHTTPTimeout bounds each key-set fetch. Zero means ten seconds.
	JWKSHTTPTimeout time.Duration
	// HTTPClient fetches the key set; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// verifier holds the parsing logic shared by the HMAC and JWKS verifiers.
type verifier struct {
	issuer      string
	audience    string
	algs        []string
	rolesClaim  string
	groupsClaim string
	groupRoles  GroupRoles
	parser      *jwt.Parser
}

// newVerifier builds the shared parser from opts with the given algorithms.
func newVerifier(opts Options, algs []string) *verifier {
	leeway := opts.Leeway
	switch {
	case leeway == 0:
		leeway = DefaultLeeway
	case leeway < 0:
		leeway = 0
	}
	popts := []jwt.ParserOption{
		jwt.WithValidMethods(algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
	}
	if opts.Issuer != "" {
		popts = append(popts, jwt.WithIssuer(opts.Issuer))
	}
	if opts.Audience != "" {
		popts = append(popts, jwt.WithAudience(opts.Audience))
	}
	if opts.Now != nil {
		popts = append(popts, jwt.WithTimeFunc(opts.Now))
	}
	rc := opts.RolesClaim
	if rc == "" {
		rc = DefaultRolesClaim
	}
	gc := opts.GroupsClaim
	if gc == "" {
		gc = DefaultGroupsClaim
	}
	return &verifier{
		issuer:      opts.Issuer,
		audience:    opts.Audience,
		algs:        slices.Clone(algs),
		rolesClaim:  rc,
		groupsClaim: gc,
		groupRoles:  opts.GroupRoles,
		parser:      jwt.NewParser(popts...),
	}
}

// verify parses and validates token with keyFunc and builds the Principal.
func (v *verifier) verify(token string, keyFunc jwt.Keyfunc) (*Principal, error) {
	if token == "" {
		return nil, unauthenticated("missing bearer token", nil)
	}
	if len(token) > maxTokenLen {
		return nil, unauthenticated("token too large", nil)
	}
	// Check the algorithm ourselves first so that "alg: none" and algorithm
	// swaps get a precise reason; the parser enforces the same list again.
	alg, err := headerAlg(token)
	if err != nil {
		return nil, unauthenticated("token malformed", err)
	}
	if !slices.Contains(v.algs, alg) {
		return nil, unauthenticated(fmt.Sprintf("unexpected signing algorithm %q", truncate(alg, 32)), nil)
	}

	claims := &tokenClaims{rolesClaim: v.rolesClaim, groupsClaim: v.groupsClaim}
	if _, err := v.parser.ParseWithClaims(token, claims, keyFunc); err != nil {
		return nil, unauthenticated(v.failureReason(err, claims), err)
	}

	if claims.Subject == "" {
		return nil, unauthenticated("token has no subject (sub claim)", nil)
	}
	roles, err := parseRoles(claims.roles, v.rolesClaim)
	if err != nil {
		return nil, unauthenticated(err.Error(), err)
	}
	groups, err := parseGroups(claims.groups, v.groupsClaim)
	if err != nil {
		return nil, unauthenticated(err.Error(), err)
	}
	v.groupRoles.apply(roles, groups)
	p := &Principal{Subject: claims.Subject, Roles: roles, Groups: groups}
	if claims.ExpiresAt != nil {
		p.ExpiresAt = claims.ExpiresAt.Time
	}
	return p, nil
}

// headerAlg decodes the JOSE header of a compact JWS and returns its "alg".
func headerAlg(token string) (string, error) {
	head, _, ok := strings.Cut(token, ".")
	if !ok {
		return "", errors.New("token is not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", fmt.Errorf("decode token header: %w", err)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", fmt.Errorf("parse token header: %w", err)
	}
	if h.Alg == "" {
		return "", errors.New("token header has no alg")
	}
	return h.Alg, nil
}

// failureReason maps a jwt parse error to a reason the caller can act on.
// claims holds whatever was decoded before the failure.
func (v *verifier) failureReason(err error, claims *tokenClaims) string {
	missing := errors.Is(err, jwt.ErrTokenRequiredClaimMissing)
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "token malformed"
	case errors.Is(err, errNoSigningKey):
		return errNoSigningKey.Error()
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return "token could not be verified"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "signature invalid"
	case missing && claims.ExpiresAt == nil:
		return "token has no expiry (exp claim)"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token issued in the future (iat claim)"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer),
		missing && v.issuer != "" && claims.Issuer == "":
		return "token issuer not accepted (iss claim)"
	case errors.Is(err, jwt.ErrTokenInvalidAudience),
		missing && v.audience != "" && len(claims.Audience) == 0:
		return "token audience not accepted (aud claim)"
	default:
		return "token invalid"
	}
}

// tokenClaims decodes the registered claims plus the raw roles claim, whose
// name is configurable and therefore cannot be a struct tag.
type tokenClaims struct {
	jwt.RegisteredClaims
	rolesClaim, groupsClaim string
	roles, groups           json.RawMessage
}

// UnmarshalJSON decodes the registered claims and captures the roles claim
// undecoded; it is validated only after the signature has been checked.
func (c *tokenClaims) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &c.RegisteredClaims); err != nil {
		return fmt.Errorf("decode registered claims: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return fmt.Errorf("decode claims: %w", err)
	}
	c.roles = all[c.rolesClaim]
	c.groups = all[c.groupsClaim]
	return nil
}

// parseRoles decodes the roles claim: a JSON object mapping non-empty project
// keys to role names. An absent or null claim yields no roles.
func parseRoles(raw json.RawMessage, claim string) (map[string]Role, error) {
	roles := make(map[string]Role)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return roles, nil
	}
	var names map[string]string
	if err := json.Unmarshal(raw, &names); err != nil {
		return nil, fmt.Errorf("%s claim must be a JSON object mapping project key to role name", claim)
	}
	for project, name := range names {
		if project == "" {
			return nil, fmt.Errorf("%s claim has an empty project key", claim)
		}
		r, err := ParseRole(name)
		if err != nil {
			return nil, fmt.Errorf("%s claim, project %q: %w", claim, truncate(project, 64), err)
		}
		roles[project] = r
	}
	return roles, nil
}

// parseGroups decodes the groups claim: a JSON array of non-empty strings
// of at most MaxGroupLen bytes, at most MaxGroups of them. An absent or null
// claim yields no groups. The result is sorted without repeats.
func parseGroups(raw json.RawMessage, claim string) ([]string, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return []string{}, nil
	}
	var names []string
	if err := json.Unmarshal(raw, &names); err != nil {
		return nil, fmt.Errorf("%s claim must be a JSON array of group names", claim)
	}
	if len(names) > MaxGroups {
		return nil, fmt.Errorf("%s claim names %d groups, at most %d are accepted", claim, len(names), MaxGroups)
	}
	for _, g := range names {
		if g == "" || len(g) > MaxGroupLen {
			return nil, fmt.Errorf("%s claim: group names must be 1 to %d bytes, got %q", claim, MaxGroupLen, truncate(g, 64))
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(names))), nil
}

// HMACVerifier verifies HS256 tokens signed with a shared secret. It is meant
// for development and tests; production uses JWKSVerifier.
type HMACVerifier struct {
	v      *verifier
	secret []byte
}

// MinSecretLen is the minimum length, in bytes, of an HMAC secret.
const MinSecretLen = 32

// NewHMACVerifier returns a Verifier for HS256 tokens signed with secret,
// which must be at least MinSecretLen bytes. opts.Algorithms, if set, may
// only contain "HS256"; every other algorithm (including "none" and RS256
// tokens crafted with a public key as the HMAC secret) is rejected.
func NewHMACVerifier(secret []byte, opts Options) (*HMACVerifier, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("auth: HMAC secret is %d bytes, need at least %d", len(secret), MinSecretLen)
	}
	for _, a := range opts.Algorithms {
		if a != jwt.SigningMethodHS256.Alg() {
			return nil, fmt.Errorf("auth: HMAC verifier supports only HS256, not %q", a)
		}
	}
	return &HMACVerifier{
		v:      newVerifier(opts, []string{jwt.SigningMethodHS256.Alg()}),
		secret: slices.Clone(secret),
	}, nil
}

// Verify implements Verifier.
func (h *HMACVerifier) Verify(_ context.Context, token string) (*Principal, error) {
	return h.v.verify(token, func(t *jwt.Token) (any, error) {
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, fmt.Errorf("unexpected signing method %q", t.Method.Alg())
		}
		return h.secret, nil
	})
}
