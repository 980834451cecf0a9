package auth

import (
	"slices"
	"testing"
)

func TestParseRoleAndString(t *testing.T) {
	tests := []struct {
		in      string
		want    Role
		wantErr bool
	}{
		{"viewer", RoleViewer, false},
		{"contributor", RoleContributor, false},
		{"approver", RoleApprover, false},
		{"admin", RoleAdmin, false},
		{"auditor", RoleAuditor, false},
		{"Auditor", RoleNone, true},
		{"none", RoleNone, true},
		{"", RoleNone, true},
		{"Admin", RoleNone, true},
		{"owner", RoleNone, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRole(tc.in)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("ParseRole(%q) = %v, %v", tc.in, got, err)
			}
			if err == nil && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
	if s := RoleNone.String(); s != "none" {
		t.Errorf("RoleNone.String() = %q", s)
	}
	if s := Role(42).String(); s != "Role(42)" {
		t.Errorf("Role(42).String() = %q", s)
	}
	if !(RoleNone < RoleViewer && RoleViewer < RoleContributor && RoleContributor < RoleApprover && RoleApprover < RoleAdmin) {
		t.Error("roles are not ordered")
	}
}

// TestAllows is the whole rule of which grant permits which need, written
// out: the ladder includes what is below it, the auditor reads (the audit
// trail too) and nothing more, and reading the audit trail is the
// auditor's, the approver's and the admin's.
func TestAllows(t *testing.T) {
	const (
		V, C, P, A, U = RoleViewer, RoleContributor, RoleApprover, RoleAdmin, RoleAuditor
	)
	allowed := map[Role][]Role{
		RoleNone: {},
		V:        {V},
		C:        {V, C},
		P:        {V, C, P, U},
		A:        {V, C, P, A, U},
		U:        {V, U},
		Role(42): {},
	}
	for grant, wants := range allowed {
		for _, need := range []Role{V, C, P, A, U, Role(42)} {
			if got, want := grant.Allows(need), slices.Contains(wants, need); got != want {
				t.Errorf("%v.Allows(%v) = %v, want %v", grant, need, got, want)
			}
		}
		if !grant.Allows(RoleNone) {
			t.Errorf("%v.Allows(none) = false", grant)
		}
	}
}

func TestPrincipalRoles(t *testing.T) {
	viewerAll := &Principal{Subject: "v", Roles: map[string]Role{"*": RoleViewer, "fraud": RoleApprover}}
	contribOne := &Principal{Subject: "c", Roles: map[string]Role{"fraud": RoleContributor, "risk": RoleViewer, "old": RoleNone}}
	admin := &Principal{Subject: "a", Roles: map[string]Role{"*": RoleAdmin}}
	approverAll := &Principal{Subject: "p", Roles: map[string]Role{"*": RoleApprover, "fraud": RoleViewer}}
	none := &Principal{Subject: "n"}
	auditorAll := &Principal{Subject: "u", Roles: map[string]Role{"*": RoleAuditor, "fraud": RoleContributor, "risk": RoleViewer}}
	auditorOne := &Principal{Subject: "o", Roles: map[string]Role{"fraud": RoleAuditor, "*": RoleViewer}}
	var nilP *Principal

	tests := []struct {
		name    string
		p       *Principal
		project string
		roleIn  Role
		can     map[Role]bool
	}{
		{"project role beats * role", viewerAll, "fraud", RoleApprover,
			map[Role]bool{RoleViewer: true, RoleContributor: true, RoleApprover: true, RoleAdmin: false}},
		{"* role applies elsewhere", viewerAll, "risk", RoleViewer,
			map[Role]bool{RoleViewer: true, RoleContributor: false}},
		{"* role beats lower project role", approverAll, "fraud", RoleApprover,
			map[Role]bool{RoleApprover: true, RoleAdmin: false}},
		{"explicit project only", contribOne, "fraud", RoleContributor,
			map[Role]bool{RoleViewer: true, RoleContributor: true, RoleApprover: false}},
		{"other project", contribOne, "marketing", RoleNone,
			map[Role]bool{RoleViewer: false}},
		{"explicit none", contribOne, "old", RoleNone, map[Role]bool{RoleViewer: false}},
		{"admin includes everything", admin, "anything", RoleAdmin,
			map[Role]bool{RoleViewer: true, RoleContributor: true, RoleApprover: true, RoleAdmin: true}},
		{"no roles", none, "fraud", RoleNone, map[Role]bool{RoleViewer: false}},
		{"auditor on * reads and audits, never writes", auditorAll, "marketing", RoleAuditor,
			map[Role]bool{RoleViewer: true, RoleAuditor: true, RoleContributor: false, RoleApprover: false, RoleAdmin: false}},
		{"auditor on * beside a project's contributor: both apply", auditorAll, "fraud", RoleContributor,
			map[Role]bool{RoleViewer: true, RoleAuditor: true, RoleContributor: true, RoleApprover: false, RoleAdmin: false}},
		{"auditor on * beats a project's viewer", auditorAll, "risk", RoleAuditor,
			map[Role]bool{RoleViewer: true, RoleAuditor: true, RoleContributor: false}},
		{"auditor of one project", auditorOne, "fraud", RoleAuditor,
			map[Role]bool{RoleViewer: true, RoleAuditor: true, RoleContributor: false, RoleApprover: false}},
		{"auditor of one project only", auditorOne, "risk", RoleViewer,
			map[Role]bool{RoleViewer: true, RoleAuditor: false}},
		{"approver audits", approverAll, "risk", RoleApprover, map[Role]bool{RoleAuditor: true}},
		{"nil principal", nilP, "fraud", RoleNone, map[Role]bool{RoleNone: false, RoleViewer: false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.RoleIn(tc.project); got != tc.roleIn {
				t.Errorf("RoleIn(%q) = %v, want %v", tc.project, got, tc.roleIn)
			}
			for min, want := range tc.can {
				if got := tc.p.Can(tc.project, min); got != want {
					t.Errorf("Can(%q, %v) = %v, want %v", tc.project, min, got, want)
				}
			}
		})
	}

	readAll := []struct {
		name     string
		p        *Principal
		all      bool
		readable []string
	}{
		{"viewer on *", viewerAll, true, []string{"fraud"}},
		{"admin on *", admin, true, []string{}},
		{"explicit projects", contribOne, false, []string{"fraud", "risk"}},
		{"no roles", none, false, []string{}},
		{"auditor on *", auditorAll, true, []string{"fraud", "risk"}},
		{"nil", nilP, false, nil},
	}
	if got := auditorAll.ProjectsWith(RoleAuditor); len(got) != 0 {
		t.Errorf("ProjectsWith(auditor) of a * auditor = %q, want none named", got)
	}
	if got := auditorOne.ProjectsWith(RoleAuditor); !slices.Equal(got, []string{"fraud"}) {
		t.Errorf("ProjectsWith(auditor) = %q, want [fraud]", got)
	}
	if got := auditorAll.ProjectsWith(RoleContributor); !slices.Equal(got, []string{"fraud"}) {
		t.Errorf("ProjectsWith(contributor) = %q, want [fraud]", got)
	}
	for _, tc := range readAll {
		t.Run("read/"+tc.name, func(t *testing.T) {
			if got := tc.p.CanReadAll(); got != tc.all {
				t.Errorf("CanReadAll() = %v, want %v", got, tc.all)
			}
			if got := tc.p.ReadableProjects(); !slices.Equal(got, tc.readable) {
				t.Errorf("ReadableProjects() = %q, want %q", got, tc.readable)
			}
		})
	}
}

func TestContext(t *testing.T) {
	ctx := t.Context()
	if p, ok := FromContext(ctx); ok || p != nil {
		t.Fatalf("empty context: got %v, %v", p, ok)
	}
	if p, ok := FromContext(WithPrincipal(ctx, nil)); ok || p != nil {
		t.Fatalf("nil principal: got %v, %v", p, ok)
	}
	want := &Principal{Subject: "alice"}
	got, ok := FromContext(WithPrincipal(ctx, want))
	if !ok || got != want {
		t.Fatalf("got %v, %v; want %v", got, ok, want)
	}
}
