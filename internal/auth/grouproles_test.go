package auth

import (
	"maps"
	"strings"
	"testing"
)

func TestParseGroupRoles(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    GroupRoles
		wantErr string
	}{
		{name: "empty", in: "", want: GroupRoles{}},
		{name: "only commas and spaces", in: " , ,", want: GroupRoles{}},
		{name: "one", in: "risk=credit:approver", want: GroupRoles{"risk": {{"credit", RoleApprover}}}},
		{name: "every project and spaces", in: " risk = credit:approver , ml-platform=*:contributor ",
			want: GroupRoles{"risk": {{"credit", RoleApprover}}, "ml-platform": {{"*", RoleContributor}}}},
		{name: "a group in several projects", in: "risk=credit:approver,risk=fraud:viewer",
			want: GroupRoles{"risk": {{"credit", RoleApprover}, {"fraud", RoleViewer}}}},
		{name: "the same entry twice", in: "risk=credit:auditor,risk=credit:auditor", want: GroupRoles{"risk": {{"credit", RoleAuditor}}}},
		{name: "group with a path", in: "/org/risk=credit:viewer", want: GroupRoles{"/org/risk": {{"credit", RoleViewer}}}},
		{name: "no equals", in: "risk", wantErr: `entry "risk": want group=project:role`},
		{name: "no group", in: "=credit:viewer", wantErr: "want group=project:role"},
		{name: "no grant", in: "risk=", wantErr: "want group=project:role"},
		{name: "no role", in: "risk=credit", wantErr: "want group=project:role (project a key or *)"},
		{name: "no project", in: "risk=:viewer", wantErr: "want group=project:role (project a key or *)"},
		{name: "two colons", in: "risk=credit:viewer:admin", wantErr: "want group=project:role"},
		{name: "space in project", in: "risk=cr edit:viewer", wantErr: "want group=project:role"},
		{name: "unknown role", in: "risk=credit:owner", wantErr: `unknown role "owner"`},
		{name: "role case", in: "risk=credit:Viewer", wantErr: `unknown role "Viewer"`},
		{name: "none is not a role", in: "risk=credit:none", wantErr: `unknown role "none"`},
		{name: "two roles in one project", in: "risk=credit:viewer,risk=credit:approver", wantErr: `group "risk" is already granted viewer in project "credit"`},
		{name: "group too long", in: strings.Repeat("g", MaxGroupLen+1) + "=credit:viewer", wantErr: "group names are at most 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseGroupRoles(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want.String() || len(got) != len(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			again, err := ParseGroupRoles(got.String())
			if err != nil || again.String() != got.String() {
				t.Errorf("String() = %q does not read back (%v)", got.String(), err)
			}
		})
	}
}

// TestGroupRolesGrant checks what a verified token's groups add to its
// roles claim.
func TestGroupRolesGrant(t *testing.T) {
	m, err := ParseGroupRoles("risk=credit:approver,risk=fraud:viewer,ml-platform=*:contributor,audit=fraud:auditor,audit=credit:auditor,writers=credit:contributor")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		claims []any
		want   map[string]Role
	}{
		{name: "no groups", claims: []any{"roles", map[string]any{"fraud": "viewer"}}, want: map[string]Role{"fraud": RoleViewer}},
		{name: "unmapped group", claims: []any{"groups", []any{"sales"}}, want: map[string]Role{}},
		{name: "one group, two projects", claims: []any{"groups", []any{"risk"}}, want: map[string]Role{"credit": RoleApprover, "fraud": RoleViewer}},
		{name: "every project", claims: []any{"groups", []any{"ml-platform"}}, want: map[string]Role{"*": RoleContributor}},
		{name: "the claim's stronger role stays", claims: []any{"groups", []any{"risk"}, "roles", map[string]any{"fraud": "admin"}},
			want: map[string]Role{"credit": RoleApprover, "fraud": RoleAdmin}},
		{name: "a group's stronger role wins", claims: []any{"groups", []any{"risk"}, "roles", map[string]any{"credit": "viewer"}},
			want: map[string]Role{"credit": RoleApprover, "fraud": RoleViewer}},
		{name: "auditor over viewer", claims: []any{"groups", []any{"risk", "audit"}},
			want: map[string]Role{"credit": RoleApprover, "fraud": RoleAuditor}},
		{name: "contributor over auditor", claims: []any{"groups", []any{"writers", "audit"}},
			want: map[string]Role{"credit": RoleContributor, "fraud": RoleAuditor}},
	}
	v, err := NewHMACVerifier([]byte(DevSecret), Options{Now: fixedNow, GroupRoles: m})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// No roles claim unless the case names one.
			p, err := v.Verify(t.Context(), mintHS(t, DevSecret, claims(append([]any{"roles", nil}, tt.claims...)...)))
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(p.Roles, tt.want) {
				t.Errorf("Roles = %v, want %v", p.Roles, tt.want)
			}
		})
	}
	// The mapping is configuration: verifying tokens never changes it.
	if got := m.String(); !strings.Contains(got, "risk=credit:approver") || strings.Contains(got, "admin") {
		t.Errorf("mapping changed by verification: %s", got)
	}
}

func TestStrongerNeverTakesAPermission(t *testing.T) {
	all := append([]Role{RoleNone}, Grantable...)
	for _, a := range all {
		for _, b := range all {
			s := stronger(a, b)
			if s != a && s != b {
				t.Fatalf("stronger(%s, %s) = %s, neither", a, b, s)
			}
			if stronger(b, a) != s {
				t.Errorf("stronger(%s, %s) = %s but stronger(%s, %s) = %s", a, b, s, b, a, stronger(b, a))
			}
			for _, need := range all {
				if (a.Allows(need) || b.Allows(need)) && !s.Allows(need) && !(a == RoleAuditor || b == RoleAuditor) {
					t.Errorf("stronger(%s, %s) = %s loses %s", a, b, s, need)
				}
			}
		}
	}
}
