package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSignInConfig(t *testing.T) {
	tests := []struct {
		name string
		in   *SignIn
		want string
	}{
		{"pasted tokens only", nil, `{"oidc":null}`},
		{"single sign-on", &SignIn{Issuer: "https://idp.example.com", ClientID: "explorer", Scopes: []string{"openid", "profile"}, ProviderName: "Corp SSO"},
			`{"oidc":{"issuer":"https://idp.example.com","clientId":"explorer","scope":"openid profile","providerName":"Corp SSO"}}`},
		{"with a resource", &SignIn{Issuer: "https://idp", ClientID: "c", Scopes: []string{"openid"}, Resource: "urn:exphub", ProviderName: "idp"},
			`{"oidc":{"issuer":"https://idp","clientId":"c","scope":"openid","resource":"urn:exphub","providerName":"idp"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			signInHandler(tt.in).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth/config", nil))
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			var got, want any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			_ = json.Unmarshal([]byte(tt.want), &want)
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			if string(gb) != string(wb) {
				t.Errorf("body %s, want %s", gb, wb)
			}
		})
	}
}
