package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// Defaults for the JWKS verifier's key-set fetching.
const (
	defaultJWKSRefreshInterval    = time.Hour
	defaultJWKSUnknownKIDInterval = 5 * time.Minute
	defaultJWKSHTTPTimeout        = 10 * time.Second
)

// defaultJWKSAlgorithms are accepted by NewJWKSVerifier when
// Options.Algorithms is empty.
var defaultJWKSAlgorithms = []string{"RS256", "ES256"}

// asymmetricAlgorithms are the only algorithms NewJWKSVerifier will accept.
var asymmetricAlgorithms = []string{
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
	"EdDSA",
}

// JWKSVerifier verifies asymmetrically signed tokens (RS256 and ES256 by
// default) against the keys published at a JWKS URL. Keys are cached,
// refreshed in the background, and re-fetched (rate-limited) when a token
// names an unknown "kid". It is safe for concurrent use.
type JWKSVerifier struct {
	v      *verifier
	kf     keyfunc.Keyfunc
	cancel context.CancelFunc
}

// NewJWKSVerifier fetches the key set at jwksURL and returns a Verifier
// backed by it. opts.Issuer and opts.Audience are required. jwksURL must be
// https, except for loopback hosts. opts.Algorithms may list only asymmetric
// algorithms (RS*, PS*, ES*, EdDSA); HS* and "none" are refused.
//
// The initial fetch must succeed. The background refresh runs until ctx is
// cancelled or Close is called; either one releases its goroutine.
func NewJWKSVerifier(ctx context.Context, jwksURL string, opts Options) (*JWKSVerifier, error) {
	if opts.Issuer == "" || opts.Audience == "" {
		return nil, errors.New("auth: JWKS verifier requires both Options.Issuer and Options.Audience")
	}
	if err := checkJWKSURL(jwksURL); err != nil {
		return nil, err
	}
	algs := opts.Algorithms
	if len(algs) == 0 {
		algs = defaultJWKSAlgorithms
	}
	for _, a := range algs {
		if !slices.Contains(asymmetricAlgorithms, a) {
			return nil, fmt.Errorf("auth: JWKS verifier does not accept algorithm %q (want one of %s)",
				a, strings.Join(asymmetricAlgorithms, ", "))
		}
	}

	refresh := orDefault(opts.JWKSRefreshInterval, defaultJWKSRefreshInterval)
	unknownKID := orDefault(opts.JWKSUnknownKIDInterval, defaultJWKSUnknownKIDInterval)
	timeout := orDefault(opts.JWKSHTTPTimeout, defaultJWKSHTTPTimeout)
	failFirst := false

	ctx, cancel := context.WithCancel(ctx)
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{jwksURL}, keyfunc.Override{
		Client:                    opts.HTTPClient,
		HTTPTimeout:               timeout,
		NoErrorReturnFirstHTTPReq: &failFirst,
		// The library uses this bound both for waiting on the limiter and
		// for the re-fetch itself; a token arriving while the limiter is
		// exhausted fails fast instead of queueing.
		RateLimitWaitMax:  timeout,
		RefreshInterval:   refresh,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(unknownKID), 1),
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("auth: load JWKS from %s: %w", jwksURL, err)
	}
	return &JWKSVerifier{
		v:      newVerifier(opts, algs),
		kf:     kf,
		cancel: cancel,
	}, nil
}

// Close stops the background key refresh. It is equivalent to cancelling the
// context given to NewJWKSVerifier and may be called more than once.
// Verification keeps using the cached keys afterwards.
func (j *JWKSVerifier) Close() { j.cancel() }

// Verify implements Verifier. ctx bounds any key-set re-fetch triggered by
// an unknown "kid".
func (j *JWKSVerifier) Verify(ctx context.Context, token string) (*Principal, error) {
	inner := j.kf.KeyfuncCtx(ctx)
	return j.v.verify(token, func(t *jwt.Token) (any, error) {
		key, err := inner(t)
		if err != nil {
			return nil, fmt.Errorf("%w: kid %q: %w", errNoSigningKey, truncate(kid(t), 64), err)
		}
		alg := t.Method.Alg()
		switch k := key.(type) {
		case jwt.VerificationKeySet:
			// No "kid": keep only keys whose type fits the algorithm.
			var fit jwt.VerificationKeySet
			for _, kk := range k.Keys {
				if keyFits(alg, kk) {
					fit.Keys = append(fit.Keys, kk)
				}
			}
			if len(fit.Keys) == 0 {
				return nil, fmt.Errorf("%w: no %s key in the key set", errNoSigningKey, alg)
			}
			return fit, nil
		default:
			if !keyFits(alg, key) {
				return nil, fmt.Errorf("%w: key %q does not fit algorithm %s", errNoSigningKey, truncate(kid(t), 64), alg)
			}
			return key, nil
		}
	})
}

// keyFits reports whether key is a public key of the family alg requires, so
// a symmetric key in the set can never verify a token.
func keyFits(alg string, key any) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return false
		}
		switch alg {
		case "ES256":
			return k.Curve.Params().Name == "P-256"
		case "ES384":
			return k.Curve.Params().Name == "P-384"
		case "ES512":
			return k.Curve.Params().Name == "P-521"
		}
		return false
	case ed25519.PublicKey:
		return alg == "EdDSA"
	default:
		return false
	}
}

// kid returns the token's "kid" header, or "" if absent or not a string.
func kid(t *jwt.Token) string {
	s, _ := t.Header["kid"].(string)
	return s
}

// checkJWKSURL requires an absolute https URL, or http for loopback hosts.
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("auth: parse JWKS URL: %w", err)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return fmt.Errorf("auth: JWKS URL %q must use https (http is allowed only for loopback hosts)", raw)
	default:
		return fmt.Errorf("auth: JWKS URL %q must be an absolute https URL", raw)
	}
}

// orDefault returns d if positive, else def.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
