package store

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// Project is the tenant boundary: every other node belongs to one project.
type Project struct {
	ID        string
	Key       string
	Name      string
	CreatedAt time.Time
	CreatedBy string
}

func decodeProject(m map[string]any) (*Project, error) {
	p := props{m: m}
	v := &Project{ID: p.str("id"), Key: p.str("key"), Name: p.str("name"), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy")}
	return v, p.err
}

// CreateProjectInput holds the fields of a new project.
type CreateProjectInput struct {
	Key, Name string
}

// CreateProject creates a project. It returns errs.Conflict when the key is
// taken and errs.Invalid for a malformed key or name.
func (s *Store) CreateProject(ctx context.Context, actor string, in CreateProjectInput) (*Project, error) {
	if err := checkProjectKey("key", in.Key); err != nil {
		return nil, err
	}
	if err := checkText("name", in.Name, MaxNameLen, true); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Project, error) {
		rec, err := tx.single(`
			OPTIONAL MATCH (existing:Project {key: $key})
			WITH existing WHERE existing IS NULL
			CREATE (p:Project:Node {id: $id, key: $key, projectKey: $key, name: $name,
			        displayName: $name, createdAt: $now, createdBy: $actor})
			CREATE (p)-[:HAS_POLICY]->(:Policy:Node {id: $policyId, projectKey: $key, version: 0})
			RETURN p{.*} AS p`,
			map[string]any{"id": newID(KindProject), "policyId": newID(KindPolicy), "key": in.Key, "name": in.Name, "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, conflict("project %s already exists", errs.Quote(in.Key))
		}
		m, err := recMap(rec, "p")
		if err != nil {
			return nil, err
		}
		p, err := decodeProject(m)
		if err != nil {
			return nil, err
		}
		return p, s.appendEvents(tx, actor, eventDraft{EventProjectCreated, p.Key, p.ID, map[string]any{"name": p.Name}})
	})
}

// ProjectByKey returns the project with key, or errs.NotFound.
func (s *Store) ProjectByKey(ctx context.Context, key string) (*Project, error) {
	ps, err := s.ProjectsByKeys(ctx, []string{key})
	if err != nil {
		return nil, err
	}
	if p, ok := ps[key]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("project %s: %w", errs.Quote(key), errs.NotFound)
}

// ProjectsByKeys returns the projects with the given keys; missing keys are
// absent from the map.
func (s *Store) ProjectsByKeys(ctx context.Context, keys []string) (map[string]*Project, error) {
	return read(ctx, s, func(tx *txn) (map[string]*Project, error) {
		recs, err := tx.run(`UNWIND $keys AS k MATCH (p:Project {key: k}) RETURN p{.*} AS p`, map[string]any{"keys": keys})
		if err != nil {
			return nil, err
		}
		ps, err := recsDecode(recs, "p", decodeProject)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*Project, len(ps))
		for _, p := range ps {
			out[p.Key] = p
		}
		return out, nil
	})
}

// Projects lists the projects in scope, ordered by key.
func (s *Store) Projects(ctx context.Context, scope Scope, f NameFilter, page Page) (Conn[*Project], error) {
	if err := f.check(); err != nil {
		return Conn[*Project]{}, err
	}
	params := scope.params()
	params["name"] = nilIfEmpty(f.NameContains)
	return listPage(ctx, s, "projects", page, `
			// scans Project: the caller's projects are counted and listed, and a hub holds few.
			CALL {
			  MATCH (p:Project) WHERE ($allProjects OR p.key IN $projectKeys)
			    AND ($name IS NULL OR toLower(p.key) CONTAINS toLower($name) OR toLower(p.name) CONTAINS toLower($name))
			  RETURN count(p) AS total
			}
			CALL {
			  MATCH (p:Project) WHERE ($allProjects OR p.key IN $projectKeys) AND ($after IS NULL OR p.key > $after)
			    AND ($name IS NULL OR toLower(p.key) CONTAINS toLower($name) OR toLower(p.name) CONTAINS toLower($name))
			  WITH p ORDER BY p.key LIMIT $limit
			  RETURN collect(p{.*}) AS items
			}
			RETURN total, items`,
		params, afterValue, decodeProject, func(p *Project) (any, string) { return p.Key, p.ID })
}
