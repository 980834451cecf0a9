package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/exphub/exphub/internal/api"
)

func TestExplorerIsServedAtTheRoot(t *testing.T) {
	app := fstest.MapFS{
		"index.html":       {Data: []byte("<!doctype html><div id=root></div>")},
		"assets/main-1.js": {Data: []byte("console.log(1)")},
	}
	h := newHub(t, func(o *api.Options) { o.Explorer = app })
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
	for _, p := range []string{"/", "/experiments", "/lineage/run_0194?depth=5"} {
		res, body := get(p)
		if res.StatusCode != 200 || !strings.Contains(body, "id=root") || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: %d %q %q", p, res.StatusCode, body, res.Header.Get("Cache-Control"))
		}
	}
	res, body := get("/assets/main-1.js")
	if res.StatusCode != 200 || body != "console.log(1)" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("asset: %d %q %q", res.StatusCode, body, res.Header.Get("Cache-Control"))
	}
	// The API and the probes are not shadowed by the explorer.
	if res, body := get("/healthz"); res.StatusCode != 200 || !strings.Contains(body, "ok") {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}
	if res, _ := get("/graphql"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("graphql without a token: %d", res.StatusCode)
	}
	if res, err := http.Post(h.srv.URL+"/experiments", "text/plain", strings.NewReader("x")); err != nil || res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST to a page: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	// A server built without the explorer says how to build it.
	bare := newHub(t, nil)
	res, err := http.Get(bare.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "make build") {
		t.Errorf("no explorer: %d %q", res.StatusCode, b)
	}
}
