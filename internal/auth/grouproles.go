package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Grant is one role in one project (or in AllProjects).
type Grant struct {
	Project string
	Role    Role
}

// GroupRoles maps a group name, as the groups claim carries it, to the
// grants its members receive. Identity providers manage people in groups
// ("risk", "ml-platform") rather than in per-application role claims; this
// mapping turns those groups into project roles without a custom claim. The
// zero value grants nothing.
type GroupRoles map[string][]Grant

// ParseGroupRoles parses a group-to-role mapping written as comma-separated
// entries group=project:role, for example
//
//	risk=credit:approver,ml-platform=*:contributor,risk=fraud:viewer
//
// A group may appear in several entries (one grant each); project "*"
// means every project. Group names are 1 to MaxGroupLen bytes without "="
// or ","; a project key is non-empty and has no ":" or whitespace (the
// caller checks its form further, as config does with the store's rule);
// the role is one ParseRole accepts. The same group granted two roles in
// one project is refused, since one of them would be meaningless. An empty
// string yields an empty mapping.
func ParseGroupRoles(s string) (GroupRoles, error) {
	out := GroupRoles{}
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		group, grant, ok := strings.Cut(entry, "=")
		group, grant = strings.TrimSpace(group), strings.TrimSpace(grant)
		if !ok || group == "" || grant == "" {
			return nil, fmt.Errorf("entry %q: want group=project:role", truncate(entry, 64))
		}
		if len(group) > MaxGroupLen {
			return nil, fmt.Errorf("entry %q: group names are at most %d bytes", truncate(entry, 64), MaxGroupLen)
		}
		project, roleName, ok := strings.Cut(grant, ":")
		if !ok || project == "" || strings.ContainsAny(project, " \t") || strings.Contains(roleName, ":") {
			return nil, fmt.Errorf("entry %q: want group=project:role (project a key or *)", truncate(entry, 64))
		}
		role, err := ParseRole(roleName)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", truncate(entry, 64), err)
		}
		if i := slices.IndexFunc(out[group], func(g Grant) bool { return g.Project == project }); i >= 0 {
			if out[group][i].Role == role {
				continue
			}
			return nil, fmt.Errorf("entry %q: group %q is already granted %s in project %q", truncate(entry, 64), group, out[group][i].Role, project)
		}
		out[group] = append(out[group], Grant{Project: project, Role: role})
	}
	return out, nil
}

// String writes the mapping back in the form ParseGroupRoles reads, its
// entries sorted.
func (m GroupRoles) String() string {
	var parts []string
	for group, grants := range m {
		for _, g := range grants {
			parts = append(parts, group+"="+g.Project+":"+g.Role.String())
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// apply adds the grants of groups to roles. Where a project already holds a
// role (from the roles claim or another group) the stronger one stays; see
// stronger.
func (m GroupRoles) apply(roles map[string]Role, groups []string) {
	for _, group := range groups {
		for _, g := range m[group] {
			roles[g.Project] = stronger(roles[g.Project], g.Role)
		}
	}
}

// stronger returns the one of a and b that permits what the other does, so
// adding a grant never takes a permission away. Only contributor and
// auditor permit each other's needs neither way (one writes, the other
// reads the audit trail); there the contributor wins, as RoleIn ranks it,
// and the caller who needs both is granted approver by whoever decides
// roles, not by this merge.
func stronger(a, b Role) Role {
	switch {
	case a.Allows(b):
		return a
	case b.Allows(a):
		return b
	case displayRank(b) > displayRank(a):
		return b
	}
	return a
}
