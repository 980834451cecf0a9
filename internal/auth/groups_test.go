package auth

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGroupsClaim(t *testing.T) {
	long := strings.Repeat("g", MaxGroupLen+1)
	tests := []struct {
		name    string
		opts    Options
		claims  []any
		want    []string
		wantErr string
	}{
		{name: "absent", want: []string{}},
		{name: "null", claims: []any{"groups", nil}, want: []string{}},
		{name: "sorted without repeats", claims: []any{"groups", []any{"risk", "ml-platform", "risk"}}, want: []string{"ml-platform", "risk"}},
		{name: "custom claim", opts: Options{GroupsClaim: "https://exphub/groups"},
			claims: []any{"groups", []any{"ignored"}, "https://exphub/groups", []any{"risk"}}, want: []string{"risk"}},
		{name: "not an array", claims: []any{"groups", "risk"}, wantErr: "groups claim must be a JSON array of group names"},
		{name: "not strings", claims: []any{"groups", []any{1}}, wantErr: "groups claim must be a JSON array of group names"},
		{name: "empty name", claims: []any{"groups", []any{""}}, wantErr: "group names must be 1 to 100 bytes"},
		{name: "too long", claims: []any{"groups", []any{long}}, wantErr: "group names must be 1 to 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Now = fixedNow
			v, err := NewHMACVerifier([]byte(DevSecret), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			p, err := v.Verify(t.Context(), mintHS(t, DevSecret, claims(tt.claims...)))
			if tt.wantErr != "" {
				checkErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Groups, tt.want) {
				t.Errorf("Groups = %q, want %q", p.Groups, tt.want)
			}
			for _, g := range tt.want {
				if !p.InGroup(g) {
					t.Errorf("InGroup(%q) = false", g)
				}
			}
			if p.InGroup("nobody") {
				t.Error(`InGroup("nobody") = true`)
			}
		})
	}
}

func TestDevTokenGroupsRoundTrip(t *testing.T) {
	tok, err := NewDevTokenWithGroups([]byte(DevSecret), "alice", map[string]Role{"fraud": RoleApprover}, []string{"risk", "ml-platform"}, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ml-platform", "risk"}; !slices.Equal(p.Groups, want) {
		t.Errorf("Groups = %q, want %q", p.Groups, want)
	}
	if _, err := NewDevTokenWithGroups([]byte(DevSecret), "alice", nil, []string{""}, time.Hour, testNow); err == nil {
		t.Error("an empty group name was signed")
	}
}
