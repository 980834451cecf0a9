package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{"Bearer abc.def.ghi", "abc.def.ghi", true},
		{"bearer abc", "abc", true},
		{"  Bearer   abc  ", "abc", true},
		{"", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"abc.def.ghi", "", false},
		{"Bearer a b", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			got, ok := BearerToken(tc.header)
			if got != tc.want || ok != tc.ok {
				t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tc.header, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// verifierFunc adapts a function to Verifier.
type verifierFunc func(context.Context, string) (*Principal, error)

func (f verifierFunc) Verify(ctx context.Context, token string) (*Principal, error) {
	return f(ctx, token)
}

func TestAuthenticate(t *testing.T) {
	hv, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		v      Verifier
		header string
		want   string
	}{
		{"valid", hv, "Bearer " + mintHS(t, DevSecret, claims()), ""},
		{"missing", hv, "", "missing bearer token"},
		{"malformed", hv, "Token abc", "malformed authorization header"},
		{"nil verifier", nil, "Bearer abc", "no token verifier"},
		{"verifier returns plain error", verifierFunc(func(context.Context, string) (*Principal, error) {
			return nil, errors.New("db password is hunter2")
		}), "Bearer abc", "token could not be verified"},
		{"verifier returns nil principal", verifierFunc(func(context.Context, string) (*Principal, error) {
			return nil, nil
		}), "Bearer abc", "token could not be verified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Authenticate(t.Context(), tc.v, tc.header)
			checkErr(t, err, tc.want)
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks verifier internals", err)
			}
			if tc.want == "" && p.Subject != "alice" {
				t.Errorf("principal = %+v", p)
			}
		})
	}
}
