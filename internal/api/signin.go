package api

import (
	"net/http"
	"strings"
)

// SignIn is how the explorer signs people in with OpenID Connect: it runs
// the authorization code flow with PKCE in the browser, as a public client
// of the provider at Issuer (discovered at
// Issuer/.well-known/openid-configuration), and sends the access token it
// gets to the API, which verifies it with the provider's keys like any
// other token.
type SignIn struct {
	Issuer   string
	ClientID string
	Scopes   []string
	// Resource, when set, is the resource indicator (RFC 8707) sent with
	// the authorization and token requests.
	Resource string
	// ProviderName is shown on the sign-in button.
	ProviderName string
}

// signInConfig is GET /auth/config's answer, unauthenticated (the sign-in
// page reads it before anyone is signed in): null oidc when the explorer
// offers only the pasted-token sign-in.
type signInConfig struct {
	OIDC *signInOIDC `json:"oidc"`
}

type signInOIDC struct {
	Issuer       string `json:"issuer"`
	ClientID     string `json:"clientId"`
	Scope        string `json:"scope"`
	Resource     string `json:"resource,omitempty"`
	ProviderName string `json:"providerName"`
}

// signInHandler answers GET /auth/config from s (nil: no single sign-on).
func signInHandler(s *SignIn) http.Handler {
	var body signInConfig
	if s != nil {
		body.OIDC = &signInOIDC{Issuer: s.Issuer, ClientID: s.ClientID, Scope: strings.Join(s.Scopes, " "),
			Resource: s.Resource, ProviderName: s.ProviderName}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		writeJSON(w, http.StatusOK, body)
	})
}
