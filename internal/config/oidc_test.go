package config_test

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/config"
)

// jwks is a production configuration trusting an OpenID provider's keys.
var jwks = []string{"EXPHUB_NEO4J_PASSWORD=pw", "EXPHUB_JWT_JWKS_URL=https://idp.example.com/jwks",
	"EXPHUB_JWT_ISSUER=https://idp.example.com", "EXPHUB_JWT_AUDIENCE=exphub"}

func with(base []string, kv ...string) []string { return append(append([]string{}, base...), kv...) }

func TestSingleSignOnDefaults(t *testing.T) {
	c, err := config.Load(nil, with(jwks, "EXPHUB_OIDC_CLIENT_ID=explorer"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDCIssuer != "https://idp.example.com" || c.OIDCProviderName != "idp.example.com" || c.OIDCResource != "" {
		t.Errorf("issuer %q, provider name %q, resource %q", c.OIDCIssuer, c.OIDCProviderName, c.OIDCResource)
	}
	if !reflect.DeepEqual(c.OIDCScopes, []string{"openid", "profile"}) {
		t.Errorf("scopes %q", c.OIDCScopes)
	}
	if c.JWTRolesClaim != auth.DefaultRolesClaim || len(c.JWTGroupRoles) != 0 {
		t.Errorf("roles claim %q, group roles %v", c.JWTRolesClaim, c.JWTGroupRoles)
	}

	c, err = config.Load(nil, with(jwks, "EXPHUB_OIDC_CLIENT_ID=explorer", "EXPHUB_OIDC_ISSUER=http://127.0.0.1:9000/oidc",
		"EXPHUB_OIDC_SCOPES=openid  email groups", "EXPHUB_OIDC_RESOURCE=urn:exphub", "EXPHUB_OIDC_PROVIDER_NAME=Corp SSO",
		"EXPHUB_JWT_ROLES_CLAIM=https://exphub.example.com/roles",
		"EXPHUB_JWT_GROUP_ROLES=risk=credit:approver, ml-platform=*:contributor,risk=fraud:auditor"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDCIssuer != "http://127.0.0.1:9000/oidc" || c.OIDCProviderName != "Corp SSO" || c.OIDCResource != "urn:exphub" ||
		!reflect.DeepEqual(c.OIDCScopes, []string{"openid", "email", "groups"}) {
		t.Errorf("explicit settings: %q %q %q %q", c.OIDCIssuer, c.OIDCProviderName, c.OIDCResource, c.OIDCScopes)
	}
	if c.JWTRolesClaim != "https://exphub.example.com/roles" {
		t.Errorf("roles claim %q", c.JWTRolesClaim)
	}
	if got, want := c.JWTGroupRoles.String(), "ml-platform=*:contributor,risk=credit:approver,risk=fraud:auditor"; got != want {
		t.Errorf("group roles %q, want %q", got, want)
	}
}

func TestBadSingleSignOnNamesTheKey(t *testing.T) {
	sso := with(jwks, "EXPHUB_OIDC_CLIENT_ID=explorer")
	dev := []string{"EXPHUB_DEV=true"}
	cases := []struct {
		name    string
		env     []string
		wantKey string
		want    string
	}{
		{"issuer without a client", with(jwks, "EXPHUB_OIDC_ISSUER=https://idp.example.com"), "EXPHUB_OIDC_ISSUER", "set EXPHUB_OIDC_CLIENT_ID"},
		{"scopes without a client", with(jwks, "EXPHUB_OIDC_SCOPES=openid email"), "EXPHUB_OIDC_SCOPES", "set EXPHUB_OIDC_CLIENT_ID"},
		{"resource without a client", with(jwks, "EXPHUB_OIDC_RESOURCE=https://hub"), "EXPHUB_OIDC_RESOURCE", "set EXPHUB_OIDC_CLIENT_ID"},
		{"provider name without a client", with(jwks, "EXPHUB_OIDC_PROVIDER_NAME=Corp"), "EXPHUB_OIDC_PROVIDER_NAME", "set EXPHUB_OIDC_CLIENT_ID"},
		{"client with the dev secret", with(dev, "EXPHUB_OIDC_CLIENT_ID=explorer"), "EXPHUB_OIDC_CLIENT_ID", "EXPHUB_JWT_JWKS_URL"},
		{"client id with a space", with(jwks, "EXPHUB_OIDC_CLIENT_ID=my explorer"), "EXPHUB_OIDC_CLIENT_ID", "printable ASCII"},
		{"issuer over http", with(sso, "EXPHUB_OIDC_ISSUER=http://idp.example.com"), "EXPHUB_OIDC_ISSUER", "must use https"},
		{"issuer not a URL", with(sso, "EXPHUB_OIDC_ISSUER=idp.example.com"), "EXPHUB_OIDC_ISSUER", "must be an https URL"},
		{"issuer with a query", with(sso, "EXPHUB_OIDC_ISSUER=https://idp.example.com/?tenant=a"), "EXPHUB_OIDC_ISSUER", "without query"},
		{"scopes without openid", with(sso, "EXPHUB_OIDC_SCOPES=profile email"), "EXPHUB_OIDC_SCOPES", "must include openid"},
		{"scope with a quote", with(sso, `EXPHUB_OIDC_SCOPES=openid "x"`), "EXPHUB_OIDC_SCOPES", "is not a scope"},
		{"relative resource", with(sso, "EXPHUB_OIDC_RESOURCE=exphub"), "EXPHUB_OIDC_RESOURCE", "absolute URI"},
		{"resource with a fragment", with(sso, "EXPHUB_OIDC_RESOURCE=https://hub/#api"), "EXPHUB_OIDC_RESOURCE", "without a fragment"},
		{"long provider name", with(sso, "EXPHUB_OIDC_PROVIDER_NAME="+strings.Repeat("n", 65)), "EXPHUB_OIDC_PROVIDER_NAME", "at most 64"},
		{"empty roles claim", with(jwks, "EXPHUB_JWT_ROLES_CLAIM="), "EXPHUB_JWT_ROLES_CLAIM", "must not be empty"},
		{"roles claim is the groups claim", with(jwks, "EXPHUB_JWT_ROLES_CLAIM=groups"), "EXPHUB_JWT_ROLES_CLAIM", "different claims"},
		{"group roles without a role", with(jwks, "EXPHUB_JWT_GROUP_ROLES=risk=credit"), "EXPHUB_JWT_GROUP_ROLES", "want group=project:role"},
		{"group roles with an unknown role", with(jwks, "EXPHUB_JWT_GROUP_ROLES=risk=credit:owner"), "EXPHUB_JWT_GROUP_ROLES", `unknown role "owner"`},
		{"group roles with a bad project key", with(jwks, "EXPHUB_JWT_GROUP_ROLES=risk=Credit:viewer"), "EXPHUB_JWT_GROUP_ROLES", `project of group "risk"`},
		{"group roles granting twice", with(jwks, "EXPHUB_JWT_GROUP_ROLES=risk=credit:viewer,risk=credit:admin"), "EXPHUB_JWT_GROUP_ROLES", "already granted viewer"},
		{"bad group roles flag", nil, "EXPHUB_JWT_GROUP_ROLES", "want group=project:role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			env := tc.env
			if env == nil {
				args, env = []string{"-jwt-group-roles", "risk"}, jwks
			}
			_, err := config.Load(args, env, io.Discard)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tc.wantKey) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s and say %q", err, tc.wantKey, tc.want)
			}
		})
	}
}
