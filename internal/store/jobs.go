package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// This file reads pipeline jobs (what OpenLineage events wrote, see
// openlineage.go for the graph) and the facets of jobs, runs, datasets and
// versions. Jobs are written only by IngestLineage.

// Job is a pipeline step, as OpenLineage names it: a namespace and a name,
// unique in a project.
type Job struct {
	ID         string
	ProjectKey string
	Namespace  string
	Name       string
	// Description is the producer's (the documentation facet), nil when
	// none was sent.
	Description *string
	// SourceCode is where the job's code lives (the sourceCodeLocation
	// facet); Dirty is always false.
	SourceCode *CodeRef
	// Facets is the JSON object of the job's facets (name → facet).
	Facets    string
	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string
}

func decodeJob(m map[string]any) (*Job, error) {
	p := props{m: m}
	j := &Job{ID: p.str("id"), ProjectKey: p.str("projectKey"), Namespace: p.str("namespace"), Name: p.str("name"),
		Description: p.optStr("description"), Facets: p.str("facets"), CreatedAt: p.time("createdAt"), UpdatedAt: p.time("updatedAt"),
		CreatedBy: p.str("createdBy")}
	if repo := p.optStr("codeRepo"); repo != nil {
		j.SourceCode = &CodeRef{Repo: *repo, Commit: p.str("codeCommit")}
	}
	return j, p.err
}

// Facet is one OpenLineage facet: its name and its JSON text as the
// producer sent it.
type Facet struct {
	Name, JSON string
}

// FacetList decodes the JSON object of facets a node keeps (name → facet)
// into a list sorted by name; "" is no facets. A facet's JSON is kept as
// it was stored.
func FacetList(text string) ([]*Facet, error) {
	if text == "" {
		return []*Facet{}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("decode facets: %w", err)
	}
	out := make([]*Facet, 0, len(m))
	for name, raw := range m {
		out = append(out, &Facet{Name: name, JSON: string(raw)})
	}
	slices.SortFunc(out, func(a, b *Facet) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// JobsByIDs returns jobs by ID.
func (s *Store) JobsByIDs(ctx context.Context, ids []string) (map[string]*Job, error) {
	return byIDs(ctx, s, KindJob, ids, decodeJob, func(v *Job) string { return v.ID })
}

// JobByName returns the job namespace/name of project projectKey, or
// errs.NotFound; errs.Invalid for a name no event could have given.
func (s *Store) JobByName(ctx context.Context, projectKey, namespace, name string) (*Job, error) {
	if err := checkProjectKey("projectKey", projectKey); err != nil {
		return nil, err
	}
	// The limits OpenLineage events are held to.
	for _, c := range []struct{ field, v string }{{"namespace", namespace}, {"name", name}} {
		if err := checkText(c.field, c.v, MaxURILen, true); err != nil {
			return nil, err
		}
	}
	return read(ctx, s, func(tx *txn) (*Job, error) {
		rec, err := tx.single(`MATCH (j:Job {projectKey: $pk, namespace: $ns, name: $name}) RETURN j{.*} AS j`,
			map[string]any{"pk": projectKey, "ns": namespace, "name": name})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("job %s %s: %w", errs.Quote(namespace), errs.Quote(name), errs.NotFound)
		}
		return recDecode(rec, "j", decodeJob)
	})
}

// Jobs lists a project's jobs, newest first; f matches the name or the
// namespace.
func (s *Store) Jobs(ctx context.Context, projectKey string, f NameFilter, page Page) (Conn[*Job], error) {
	if err := f.check(); err != nil {
		return Conn[*Job]{}, err
	}
	return listPage(ctx, s, "jobs", page, `
			CALL {
			  MATCH (j:Job {projectKey: $pk})
			  WHERE $name IS NULL OR toLower(j.name) CONTAINS toLower($name) OR toLower(j.namespace) CONTAINS toLower($name)
			  RETURN count(j) AS total
			}
			CALL {
			  MATCH (j:Job {projectKey: $pk})
			  WHERE ($name IS NULL OR toLower(j.name) CONTAINS toLower($name) OR toLower(j.namespace) CONTAINS toLower($name))
			    AND ($after IS NULL OR j.id < $after)
			  WITH j ORDER BY j.id DESC LIMIT $limit
			  RETURN collect(j{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"pk": projectKey, "name": nilIfEmpty(f.NameContains)}, afterID, decodeJob, func(j *Job) (any, string) { return nil, j.ID })
}

// JobRuns lists a job's runs, newest first (by ID, which orders them by
// when the hub first heard of them).
func (s *Store) JobRuns(ctx context.Context, jobID string, page Page) (Conn[*Run], error) {
	return listPage(ctx, s, "jobRuns", page, `
			CALL { MATCH (:Job {id: $id})-[:HAS_RUN]->(r:Run) RETURN count(r) AS total }
			CALL {
			  MATCH (:Job {id: $id})-[:HAS_RUN]->(r:Run) WHERE $after IS NULL OR r.id < $after
			  WITH r ORDER BY r.id DESC LIMIT $limit
			  RETURN collect(r{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"id": jobID}, afterID, decodeRun, func(r *Run) (any, string) { return nil, r.ID })
}

// NeighbourJobs returns the jobs related to each node by n (one of
// JobParent, JobChildren, DatasetJobs, RunJob).
func (s *Store) NeighbourJobs(ctx context.Context, n Neighbourhood, ids []string) ([][]*Job, error) {
	return neighbours(ctx, s, n, ids, decodeJob)
}

// NeighbourDatasets returns the datasets related to each node by n (one
// of JobInputs, JobOutputs).
func (s *Store) NeighbourDatasets(ctx context.Context, n Neighbourhood, ids []string) ([][]*Dataset, error) {
	return neighbours(ctx, s, n, ids, decodeDataset)
}

// VersionColumns returns, in the order of ids, the names of each dataset
// version's columns that have column lineage, sorted.
func (s *Store) VersionColumns(ctx context.Context, ids []string) ([][]string, error) {
	return read(ctx, s, func(tx *txn) ([][]string, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (v:DatasetVersion {id: id}) WHERE size(coalesce(v.lineageColumns, [])) > 0
			RETURN id, v.lineageColumns AS names`, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		byID := make(map[string][]string, len(recs))
		for _, rec := range recs {
			m := props{m: rec.AsMap()}
			id, names := m.str("id"), m.strs("names")
			if m.err != nil {
				return nil, m.err
			}
			byID[id] = names
		}
		out := make([][]string, len(ids))
		for i, id := range ids {
			out[i] = byID[id]
		}
		return out, nil
	})
}
