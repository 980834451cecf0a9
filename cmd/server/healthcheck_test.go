package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestHealthcheck runs the healthcheck subcommand, through run as the
// image's HEALTHCHECK does, against a server on the loopback address.
func TestHealthcheck(t *testing.T) {
	var seen sync.Mutex
	var gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Lock()
		gotPath = r.URL.Path
		seen.Unlock()
		switch r.URL.Path {
		case "/healthz":
			w.Write([]byte(`{"status":"ok"}`))
		case "/readyz":
			http.Error(w, "not ready", http.StatusServiceUnavailable)
		case "/slow":
			<-r.Context().Done() // answers only once the client gave up
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	// A closed port: listen, note it, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, closed, _ := net.SplitHostPort(l.Addr().String())
	l.Close()

	for _, tc := range []struct {
		name    string
		args    []string
		environ []string
		wantErr string // "" means success
		path    string // the path the server saw
	}{
		{"healthz on every address", []string{"healthcheck"}, []string{"EXPHUB_ADDR=0.0.0.0:" + port}, "", "/healthz"},
		{"healthz on loopback", []string{"healthcheck"}, []string{"EXPHUB_ADDR=127.0.0.1:" + port}, "", "/healthz"},
		{"other settings are not read", []string{"healthcheck"}, []string{"EXPHUB_ADDR=:" + port, "EXPHUB_NO_SUCH_KEY=1", "EXPHUB_NEO4J_URI=nonsense"}, "", "/healthz"},
		{"readyz not ready", []string{"healthcheck", "-path", "/readyz"}, []string{"EXPHUB_ADDR=0.0.0.0:" + port}, "503", "/readyz"},
		{"not found", []string{"healthcheck", "-path", "/nope"}, []string{"EXPHUB_ADDR=0.0.0.0:" + port}, "404", "/nope"},
		{"timeout", []string{"healthcheck", "-path", "/slow", "-timeout", "500ms"}, []string{"EXPHUB_ADDR=0.0.0.0:" + port}, "deadline exceeded", "/slow"},
		{"nothing listening", []string{"healthcheck"}, []string{"EXPHUB_ADDR=0.0.0.0:" + closed}, "connection refused", ""},
		{"bad address", []string{"healthcheck"}, []string{"EXPHUB_ADDR=8080"}, "must be host:port", ""},
		{"bad path", []string{"healthcheck", "-path", "healthz"}, nil, "must start with /", ""},
		{"stray argument", []string{"healthcheck", "extra"}, nil, "unexpected argument", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen.Lock()
			gotPath = ""
			seen.Unlock()
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, tc.environ, &stdout, &stderr)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("healthcheck failed: %v (stderr %q)", err, stderr.String())
				}
				if !strings.HasPrefix(stdout.String(), "ok: ") {
					t.Errorf("stdout %q, want an ok line", stdout.String())
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
			seen.Lock()
			defer seen.Unlock()
			if gotPath != tc.path {
				t.Errorf("server saw path %q, want %q", gotPath, tc.path)
			}
		})
	}
}

// TestHealthcheckHelp: -h prints the usage and is not reported as a failure
// by main (flag.ErrHelp).
func TestHealthcheckHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"healthcheck", "-h"}, nil, &stdout, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(stderr.String(), "usage: exphub-server healthcheck") {
		t.Errorf("stderr %q lacks the usage", stderr.String())
	}
}
