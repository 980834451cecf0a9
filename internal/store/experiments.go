package store

import (
	"context"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// Experiment groups runs that answer one question.
type Experiment struct {
	ID          string
	ProjectKey  string
	Name        string
	Description string
	CreatedAt   time.Time
	CreatedBy   string
	// DeletedAt is when the experiment was deleted (MLflow's lifecycle
	// stage "deleted"); nil while it is active. A deleted experiment is
	// kept, with its runs, and can be restored.
	DeletedAt *time.Time
	// UpdatedAt is when it was last deleted or restored; nil if never.
	UpdatedAt *time.Time
}

func decodeExperiment(m map[string]any) (*Experiment, error) {
	p := props{m: m}
	v := &Experiment{ID: p.str("id"), ProjectKey: p.str("projectKey"), Name: p.str("name"),
		Description: p.str("description"), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"),
		DeletedAt: p.optTime("deletedAt"), UpdatedAt: p.optTime("updatedAt")}
	return v, p.err
}

// CreateExperimentInput holds the fields of a new experiment.
type CreateExperimentInput struct {
	ProjectKey, Name, Description string
}

// CreateExperiment creates an experiment in an existing project. Names are
// unique within a project (errs.Conflict).
func (s *Store) CreateExperiment(ctx context.Context, actor string, in CreateExperimentInput) (*Experiment, error) {
	if err := checkText("name", in.Name, MaxNameLen, true); err != nil {
		return nil, err
	}
	if err := checkText("description", in.Description, MaxDescriptionLen, false); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Experiment, error) {
		rec, err := tx.single(`
			MATCH (p:Project {key: $projectKey})
			OPTIONAL MATCH (dup:Experiment {projectKey: $projectKey, name: $name})
			WITH p, dup
			CALL {
			  WITH p, dup
			  WITH p WHERE dup IS NULL
			  CREATE (e:Experiment:Node {id: $id, projectKey: $projectKey, name: $name, displayName: $name,
			          description: $description, createdAt: $now, createdBy: $actor})
			  CREATE (p)-[:HAS_EXPERIMENT]->(e)
			  RETURN e
			}
			RETURN e{.*} AS e`,
			map[string]any{"id": newID(KindExperiment), "projectKey": in.ProjectKey, "name": in.Name,
				"description": in.Description, "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, s.whyNoExperiment(tx, in)
		}
		m, err := recMap(rec, "e")
		if err != nil {
			return nil, err
		}
		e, err := decodeExperiment(m)
		if err != nil {
			return nil, err
		}
		return e, s.appendEvents(tx, actor, eventDraft{EventExperimentCreated, e.ProjectKey, e.ID, map[string]any{"name": e.Name}})
	})
}

func (s *Store) whyNoExperiment(tx *txn, in CreateExperimentInput) error {
	rec, err := tx.single(`OPTIONAL MATCH (p:Project {key: $k}) RETURN p IS NOT NULL AS exists`, map[string]any{"k": in.ProjectKey})
	if err != nil {
		return err
	}
	if rec == nil {
		return notFound(KindProject, in.ProjectKey)
	}
	exists, err := recBool(rec, "exists")
	if err != nil {
		return err
	}
	if !exists {
		return notFound(KindProject, in.ProjectKey)
	}
	return conflict("experiment %s already exists in project %s", errs.Quote(in.Name), errs.Quote(in.ProjectKey))
}

// ExperimentFilter narrows an experiment list.
type ExperimentFilter struct {
	NameContains string
}

// NameFilter narrows a list of projects (by key or name), datasets (by name
// or namespace) or models (by name) to those containing NameContains,
// ignoring case.
type NameFilter struct {
	NameContains string
}

// MaxFilterLen bounds the text of a list filter: longer than any name or
// namespace a filter could match.
const MaxFilterLen = MaxURILen

// check validates the filter's text.
func (f NameFilter) check() error {
	return checkText("filter.nameContains", f.NameContains, MaxFilterLen, false)
}

// Experiments lists a project's experiments, newest first.
func (s *Store) Experiments(ctx context.Context, projectKey string, f ExperimentFilter, page Page) (Conn[*Experiment], error) {
	if err := (NameFilter(f)).check(); err != nil {
		return Conn[*Experiment]{}, err
	}
	return listPage(ctx, s, "experiments", page, `
			CALL {
			  MATCH (e:Experiment {projectKey: $pk})
			  WHERE $name IS NULL OR toLower(e.name) CONTAINS toLower($name)
			  RETURN count(e) AS total
			}
			CALL {
			  MATCH (e:Experiment {projectKey: $pk})
			  WHERE ($name IS NULL OR toLower(e.name) CONTAINS toLower($name)) AND ($after IS NULL OR e.id < $after)
			  WITH e ORDER BY e.id DESC LIMIT $limit
			  RETURN collect(e{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"pk": projectKey, "name": nilIfEmpty(f.NameContains)}, afterID, decodeExperiment, func(e *Experiment) (any, string) { return nil, e.ID })
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
