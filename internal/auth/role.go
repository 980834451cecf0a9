package auth

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Role is a level of access to a project. Roles are totally ordered: a higher
// role includes every permission of the lower ones, so comparisons such as
// r >= RoleContributor are meaningful.
type Role int

// The roles, in increasing order of privilege.
const (
	// RoleNone grants nothing. It is the zero value.
	RoleNone Role = iota
	// RoleViewer may read a project's data.
	RoleViewer
	// RoleContributor may additionally create and edit a project's data.
	RoleContributor
	// RoleApprover may additionally approve changes in a project.
	RoleApprover
	// RoleAdmin may do everything, including administration.
	RoleAdmin
)

// AllProjects is the project key under which a role applies to every project.
const AllProjects = "*"

var roleNames = [...]string{
	RoleNone:        "none",
	RoleViewer:      "viewer",
	RoleContributor: "contributor",
	RoleApprover:    "approver",
	RoleAdmin:       "admin",
}

// String returns the role's lower-case name ("viewer", "admin", …), "none"
// for RoleNone, or "Role(n)" for a value outside the defined constants.
func (r Role) String() string {
	if r >= RoleNone && int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "Role(" + strconv.Itoa(int(r)) + ")"
}

// valid reports whether r is one of the grantable roles (viewer…admin).
func (r Role) valid() bool { return r >= RoleViewer && r <= RoleAdmin }

// ParseRole returns the grantable role with the given exact lower-case name:
// "viewer", "contributor", "approver" or "admin". Any other string, including
// "none" and differently-cased names, yields RoleNone and an error naming the
// valid roles.
func ParseRole(s string) (Role, error) {
	for r := RoleViewer; r <= RoleAdmin; r++ {
		if roleNames[r] == s {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("unknown role %q (want one of viewer, contributor, approver, admin)", truncate(s, 64))
}

// Principal is an authenticated caller.
type Principal struct {
	// Subject identifies the caller (the token's "sub" claim).
	Subject string
	// Roles maps a project key to the caller's role in it; the key
	// AllProjects ("*") grants its role in every project.
	Roles map[string]Role
	// ExpiresAt is when the credential stops being valid.
	ExpiresAt time.Time
}

// RoleIn returns the caller's effective role in project: the higher of the
// role granted for that project and the role granted for AllProjects. It
// returns RoleNone for a nil Principal.
func (p *Principal) RoleIn(project string) Role {
	if p == nil {
		return RoleNone
	}
	return max(p.Roles[project], p.Roles[AllProjects], RoleNone)
}

// Can reports whether the caller's effective role in project is at least min.
// Asking for RoleNone or less is always false for a nil Principal and true
// otherwise, so callers should ask for at least RoleViewer.
func (p *Principal) Can(project string, min Role) bool {
	if p == nil {
		return false
	}
	return p.RoleIn(project) >= min
}

// CanReadAll reports whether the caller has a role of at least RoleViewer for
// AllProjects, and may therefore read every project.
func (p *Principal) CanReadAll() bool {
	return p != nil && p.Roles[AllProjects] >= RoleViewer
}

// ReadableProjects returns, sorted, the explicitly named project keys in
// which the caller has at least RoleViewer. It never includes AllProjects;
// callers must check CanReadAll first, because a caller that can read all
// projects may have an empty list here.
func (p *Principal) ReadableProjects() []string { return p.ProjectsWith(RoleViewer) }

// ProjectsWith returns, sorted, the projects named in the caller's grants
// (not AllProjects) where its own grant is at least min.
func (p *Principal) ProjectsWith(min Role) []string {
	if p == nil {
		return nil
	}
	out := make([]string, 0, len(p.Roles))
	for project, r := range p.Roles {
		if project != AllProjects && r >= min {
			out = append(out, project)
		}
	}
	slices.Sort(out)
	return out
}

// truncate shortens untrusted strings before they are echoed in errors.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
