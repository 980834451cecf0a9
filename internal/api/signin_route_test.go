package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/exphub/exphub/internal/api"
)

// The sign-in page asks GET /auth/config before anyone is signed in, and
// the provider sends the browser back to /signin/callback, a page of the
// explorer.
func TestSignInRoutes(t *testing.T) {
	app := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><div id=root></div>")}}
	h := newHub(t, func(o *api.Options) {
		o.Explorer = app
		o.SignIn = &api.SignIn{Issuer: "https://idp.example.com", ClientID: "explorer", Scopes: []string{"openid"}, ProviderName: "Corp"}
	})
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := get("/auth/config"); res.StatusCode != 200 || !strings.Contains(body, `"clientId":"explorer"`) {
		t.Errorf("/auth/config without a token: %d %q", res.StatusCode, body)
	}
	if res, body := get("/signin/callback?code=c&state=s"); res.StatusCode != 200 || !strings.Contains(body, "id=root") {
		t.Errorf("/signin/callback: %d %q", res.StatusCode, body)
	}
	if res, body := get("/auth/config"); res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("/auth/config may be cached: %q %q", res.Header.Get("Cache-Control"), body)
	}
}
