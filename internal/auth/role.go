package auth

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Role is a level of access to a project. The roles viewer < contributor <
// approver < admin form a ladder: a higher one includes every permission of
// the lower ones. RoleAuditor stands beside the ladder: it reads everything
// of a project, including what only approvers otherwise read (the audit log,
// evidence packs), and changes nothing. Compare roles with Allows, never
// with < or >=.
type Role int

// The roles: the ladder in increasing order of privilege, then the auditor.
const (
	// RoleNone grants nothing. It is the zero value.
	RoleNone Role = iota
	// RoleViewer may read a project's data.
	RoleViewer
	// RoleContributor may additionally create and edit a project's data.
	RoleContributor
	// RoleApprover may additionally approve changes in a project, and read
	// its audit trail (what RoleAuditor needs).
	RoleApprover
	// RoleAdmin may do everything, including administration.
	RoleAdmin
	// RoleAuditor may read everything of a project that any role may read,
	// its audit trail included, and may neither write nor decide. As a
	// requirement (Allows, Require) it means "read the audit trail", which
	// approvers and admins may too.
	RoleAuditor
)

// AllProjects is the project key under which a role applies to every project.
const AllProjects = "*"

var roleNames = [...]string{
	RoleNone:        "none",
	RoleViewer:      "viewer",
	RoleContributor: "contributor",
	RoleApprover:    "approver",
	RoleAdmin:       "admin",
	RoleAuditor:     "auditor",
}

// Grantable lists the roles a token may grant, ladder first.
var Grantable = []Role{RoleViewer, RoleContributor, RoleApprover, RoleAdmin, RoleAuditor}

// String returns the role's lower-case name ("viewer", "auditor", …), "none"
// for RoleNone, or "Role(n)" for a value outside the defined constants.
func (r Role) String() string {
	if r >= RoleNone && int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "Role(" + strconv.Itoa(int(r)) + ")"
}

// valid reports whether r is one of the grantable roles.
func (r Role) valid() bool { return slices.Contains(Grantable, r) }

// ladder reports whether r is on the viewer…admin ladder.
func (r Role) ladder() bool { return r >= RoleViewer && r <= RoleAdmin }

// Allows reports whether a grant of r permits what needs the role need:
//   - a ladder role (viewer…admin) needs that role or a higher one on the
//     ladder; an auditor satisfies only RoleViewer, so every write and
//     every decision refuses it;
//   - RoleAuditor (reading the audit trail) needs auditor, approver or
//     admin;
//   - RoleNone or less is always allowed.
//
// This is the one comparison of roles; Principal.Can applies it to a
// caller's grants.
func (r Role) Allows(need Role) bool {
	switch {
	case need <= RoleNone:
		return true
	case r == RoleAuditor:
		return need == RoleViewer || need == RoleAuditor
	case need == RoleAuditor:
		return r == RoleApprover || r == RoleAdmin
	}
	return r.ladder() && need.ladder() && r >= need
}

// ParseRole returns the grantable role with the given exact lower-case name:
// "viewer", "contributor", "approver", "admin" or "auditor". Any other
// string, including "none" and differently-cased names, yields RoleNone and
// an error naming the valid roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Grantable {
		if roleNames[r] == s {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("unknown role %q (want one of viewer, contributor, approver, admin, auditor)", truncate(s, 64))
}

// Principal is an authenticated caller.
type Principal struct {
	// Subject identifies the caller (the token's "sub" claim).
	Subject string
	// Roles maps a project key to the caller's role in it; the key
	// AllProjects ("*") grants its role in every project.
	Roles map[string]Role
	// Groups are the caller's groups (the groups claim, see
	// Options.GroupsClaim), sorted without repeats; empty when the token
	// names none.
	Groups []string
	// ExpiresAt is when the credential stops being valid.
	ExpiresAt time.Time
}

// RoleIn returns the caller's strongest role in project, for display: of
// the role granted for that project and the role granted for AllProjects,
// the one that permits more, where an auditor ranks above a viewer and
// below a contributor (a contributor of the project who audits every
// project shows as a contributor). It returns RoleNone for a nil
// Principal. Decide what a caller may do with Can, which considers both
// grants.
func (p *Principal) RoleIn(project string) Role {
	if p == nil {
		return RoleNone
	}
	a, b := p.Roles[project], p.Roles[AllProjects]
	if displayRank(b) > displayRank(a) {
		return b
	}
	if displayRank(a) == 0 {
		return RoleNone
	}
	return a
}

// displayRank orders roles for RoleIn.
func displayRank(r Role) int {
	switch {
	case r == RoleAuditor:
		return 2
	case r == RoleViewer:
		return 1
	case r.ladder():
		return int(r) + 1
	}
	return 0
}

// Can reports whether the caller's grants in project (its own, or the one
// for AllProjects) allow what needs min (see Role.Allows). Asking for
// RoleNone or less is always false for a nil Principal and true otherwise,
// so callers should ask for at least RoleViewer.
func (p *Principal) Can(project string, min Role) bool {
	if p == nil {
		return false
	}
	return min <= RoleNone || p.Roles[project].Allows(min) || p.Roles[AllProjects].Allows(min)
}

// CanReadAll reports whether the caller's grant for AllProjects lets it
// read, and it may therefore read every project.
func (p *Principal) CanReadAll() bool {
	return p != nil && p.Roles[AllProjects].Allows(RoleViewer)
}

// ReadableProjects returns, sorted, the explicitly named project keys in
// which the caller may read. It never includes AllProjects;
// callers must check CanReadAll first, because a caller that can read all
// projects may have an empty list here.
func (p *Principal) ReadableProjects() []string { return p.ProjectsWith(RoleViewer) }

// ProjectsWith returns, sorted, the projects named in the caller's grants
// (not AllProjects) where its own grant allows min.
func (p *Principal) ProjectsWith(min Role) []string {
	if p == nil {
		return nil
	}
	out := make([]string, 0, len(p.Roles))
	for project, r := range p.Roles {
		if project != AllProjects && r.Allows(min) {
			out = append(out, project)
		}
	}
	slices.Sort(out)
	return out
}

// InGroup reports whether the caller's token names group.
func (p *Principal) InGroup(group string) bool {
	_, ok := slices.BinarySearch(p.groups(), group)
	return ok
}

func (p *Principal) groups() []string {
	if p == nil {
		return nil
	}
	return p.Groups
}

// truncate shortens untrusted strings before they are echoed in errors.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
