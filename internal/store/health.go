package store

import (
	"context"
	"fmt"
)

// This file reads what a node's data-quality health is made of: the
// quality status of everything upstream of it, and the runs that failed a
// dataset version. The health rules are internal/lineage's.

// upstreamLevel reads, for one level of an upstream walk, each node's own
// quality status and its visible upstream neighbours. Edges are read at
// their targets, where fan-in is small (see finishQuery).
var upstreamLevel = `
	UNWIND $ids AS id
	MATCH (n:Node {id: id}) WHERE ($allProjects OR n.projectKey IN $projectKeys)
	RETURN collect([id, coalesce(n.qualityStatus, ''),
	  [(n)<-[:` + lineageRels + `]-(m) WHERE ($allProjects OR m.projectKey IN $projectKeys) | m.id]]) AS rows`

// UpstreamRequest asks for the visible upstream closure of IDs.
type UpstreamRequest struct {
	// IDs are where the walk starts; IDs that are not node IDs (a
	// placeholder's, say) are skipped.
	IDs   []string
	Scope Scope
	// MaxDepth is the most levels the walk expands, MaxNodes the most
	// nodes it reads: past them the closure holds what was read.
	MaxDepth, MaxNodes int
}

// UpstreamQuality is the upstream closure of a set of nodes through
// projects in scope, walked breadth-first, level by level (one statement
// per level), so each node is read once however many of the starting
// nodes share it.
type UpstreamQuality struct {
	// Status is the own quality status of every node read ("" when it was
	// never validated or is not a dataset version).
	Status map[string]ValidationStatus
	// In are the upstream neighbours of the expanded nodes.
	In map[string][]string
	// Dist is the hops from the nearest starting node.
	Dist map[string]int
	// Visible holds the nodes read: they exist and are in scope.
	Visible map[string]bool
}

// UpstreamQuality walks upstream of req.IDs, in one read transaction.
func (s *Store) UpstreamQuality(ctx context.Context, req UpstreamRequest) (*UpstreamQuality, error) {
	return read(ctx, s, func(tx *txn) (*UpstreamQuality, error) {
		u := &UpstreamQuality{Status: map[string]ValidationStatus{}, In: map[string][]string{}, Dist: map[string]int{}, Visible: map[string]bool{}}
		var frontier []string
		for _, id := range req.IDs {
			if _, ok := KindOf(id); !ok {
				continue // a placeholder or container: no health of its own
			}
			if _, seen := u.Dist[id]; !seen {
				u.Dist[id] = 0
				frontier = append(frontier, id)
			}
		}
		params := req.Scope.params()
		for level := 0; len(frontier) > 0; level++ {
			params["ids"] = frontier
			recs, err := tx.run(upstreamLevel, params)
			if err != nil {
				return nil, err
			}
			rows, err := recRows(recs, "rows")
			if err != nil {
				return nil, err
			}
			var next []string
			for _, r := range rows {
				row, ok := r.([]any)
				if !ok || len(row) != 3 {
					return nil, fmt.Errorf("decode upstream row: got %T", r)
				}
				id, ok1 := row[0].(string)
				st, ok2 := row[1].(string)
				ins, ok3 := row[2].([]any)
				if !ok1 || !ok2 || !ok3 {
					return nil, fmt.Errorf("decode upstream row %v", row)
				}
				u.Visible[id], u.Status[id] = true, ValidationStatus(st)
				if level >= req.MaxDepth {
					continue
				}
				for _, m := range ins {
					mid, ok := m.(string)
					if !ok {
						return nil, fmt.Errorf("decode upstream neighbour of %q: got %T", id, m)
					}
					u.In[id] = append(u.In[id], mid)
					if _, seen := u.Dist[mid]; !seen && len(u.Dist) < req.MaxNodes {
						u.Dist[mid] = level + 1
						next = append(next, mid)
					}
				}
			}
			frontier = next
		}
		return u, nil
	})
}

var failingRunsQuery = `
	UNWIND $ids AS id
	MATCH (r:ValidationRun {datasetVersionId: id}) WHERE r.status <> 'RUNNING'
	WITH id, r ORDER BY r.finishedAt DESC, r.id DESC
	WITH id, r.suiteKey AS suite, collect(r)[0] AS latest
	WHERE latest.status IN ['FAILED', 'ERROR']
	WITH id, latest ORDER BY latest.finishedAt DESC, latest.id DESC
	RETURN id, collect(latest{.*}) AS runs`

// FailingRuns returns, for each of the dataset versions, the latest
// finished run of each of its suites whose latest run failed, latest
// first; versions with none are absent.
func (s *Store) FailingRuns(ctx context.Context, datasetVersionIDs []string) (map[string][]*ValidationRun, error) {
	return read(ctx, s, func(tx *txn) (map[string][]*ValidationRun, error) {
		recs, err := tx.run(failingRunsQuery, map[string]any{"ids": datasetVersionIDs})
		if err != nil {
			return nil, err
		}
		out := map[string][]*ValidationRun{}
		for _, rec := range recs {
			vid, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			ms, err := recMaps(rec, "runs")
			if err != nil {
				return nil, err
			}
			if out[vid], err = decodeAll(ms, decodeValidationRun); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}
