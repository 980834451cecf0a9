package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/errs"
)

// Health is the data-quality health of a lineage node.
type Health string

// Health values. Their string values are the GraphQL Health values.
//
// A dataset version is FAILED when its own quality status is FAILED or
// ERROR; else AT_RISK when a dataset version upstream of it (following
// CONSUMED_BY, PRODUCED and DERIVED_INTO edges against their direction, at
// most MaxLineageDepth hops, only through projects the caller may read) is
// FAILED; else OK for PASSED, WARN for WARNED and UNKNOWN when it was never
// validated. A run or model version is AT_RISK when such a failed version
// is upstream of it; else OK when some version upstream of it was
// validated (warnings do not travel); else UNKNOWN. Datasets, models,
// experiments and redacted placeholders are UNKNOWN.
const (
	HealthOK      Health = "OK"
	HealthWarn    Health = "WARN"
	HealthFailed  Health = "FAILED"
	HealthAtRisk  Health = "AT_RISK"
	HealthUnknown Health = "UNKNOWN"
)

// MaxHealthWalk bounds the upstream nodes one health or issues question
// walks; past it the answer uses what was walked (a failure further up
// is not seen).
const MaxHealthWalk = MaxImpactNodes

// MaxQualityIssues bounds the issues QualityIssuesUpstream returns (the
// nearest).
const MaxQualityIssues = 100

// upstreamLevel reads, for one level of an upstream walk, each node's own
// quality status and its visible upstream neighbours. Edges are read at
// their targets, where fan-in is small (see finishQuery).
var upstreamLevel = `
	UNWIND $ids AS id
	MATCH (n:Node {id: id}) WHERE ($allProjects OR n.projectKey IN $projectKeys)
	RETURN collect([id, coalesce(n.qualityStatus, ''),
	  [(n)<-[:` + lineageRels + `]-(m) WHERE ($allProjects OR m.projectKey IN $projectKeys) | m.id]]) AS rows`

// upstream is the visible upstream closure of a set of nodes, walked
// breadth-first, level by level (one statement per level), so each node
// is read once however many of the starting nodes share it.
type upstream struct {
	status  map[string]ValidationStatus // own quality status of every read node
	in      map[string][]string         // upstream neighbours of expanded nodes
	dist    map[string]int              // hops from the nearest starting node
	visible map[string]bool             // read (exists and in scope)
}

func (s *Store) upstream(ctx context.Context, ids []string, scope Scope) (*upstream, error) {
	return read(ctx, s, func(tx *txn) (*upstream, error) {
		u := &upstream{status: map[string]ValidationStatus{}, in: map[string][]string{}, dist: map[string]int{}, visible: map[string]bool{}}
		var frontier []string
		for _, id := range ids {
			if _, ok := KindOf(id); !ok {
				continue // a placeholder or container: no health of its own
			}
			if _, seen := u.dist[id]; !seen {
				u.dist[id] = 0
				frontier = append(frontier, id)
			}
		}
		params := scope.params()
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
				u.visible[id], u.status[id] = true, ValidationStatus(st)
				if level >= MaxLineageDepth {
					continue
				}
				for _, m := range ins {
					mid, ok := m.(string)
					if !ok {
						return nil, fmt.Errorf("decode upstream neighbour of %q: got %T", id, m)
					}
					u.in[id] = append(u.in[id], mid)
					if _, seen := u.dist[mid]; !seen && len(u.dist) < MaxHealthWalk {
						u.dist[mid] = level + 1
						next = append(next, mid)
					}
				}
			}
			frontier = next
		}
		return u, nil
	})
}

// reachFrom returns, for every walked node, the fewest hops downstream
// from a node whose status passes source (0 for the sources themselves),
// up to MaxLineageDepth hops; nodes out of reach are absent.
func (u *upstream) reachFrom(source func(ValidationStatus) bool) map[string]int {
	out := map[string][]string{}
	for n, ms := range u.in {
		for _, m := range ms {
			out[m] = append(out[m], n)
		}
	}
	dist := map[string]int{}
	var queue []string
	for id, st := range u.status {
		if source(st) {
			dist[id] = 0
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if dist[id] >= MaxLineageDepth {
			continue
		}
		for _, n := range out[id] {
			if _, ok := dist[n]; !ok {
				dist[n] = dist[id] + 1
				queue = append(queue, n)
			}
		}
	}
	return dist
}

// Health returns the health of each node in ids (see Health), as the
// caller with scope sees it: only upstream paths through projects in scope
// count, so a hidden project's failure is neither shown nor hinted at. It
// costs one statement per level of the deepest upstream walk, for all ids
// together. IDs that are not lineage nodes, do not exist or are out of
// scope are UNKNOWN.
func (s *Store) Health(ctx context.Context, ids []string, scope Scope) (map[string]Health, error) {
	out := make(map[string]Health, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	u, err := s.upstream(ctx, ids, scope)
	if err != nil {
		return nil, err
	}
	failed := u.reachFrom(ValidationStatus.Failing)
	validated := u.reachFrom(func(st ValidationStatus) bool { return st != "" })
	for _, id := range ids {
		out[id] = HealthUnknown
		if !u.visible[id] {
			continue
		}
		k, _ := KindOf(id)
		_, atRisk := failed[id]
		switch k {
		case KindDatasetVersion:
			switch own := u.status[id]; {
			case own.Failing():
				out[id] = HealthFailed
			case atRisk:
				out[id] = HealthAtRisk
			case own == ValidationPassed:
				out[id] = HealthOK
			case own == ValidationWarned:
				out[id] = HealthWarn
			}
		case KindRun, KindModelVersion:
			if atRisk {
				out[id] = HealthAtRisk
			} else if _, ok := validated[id]; ok {
				out[id] = HealthOK
			}
		}
	}
	return out, nil
}

// QualityIssue is a failed dataset version upstream of a node (or the node
// itself, at distance 0) and the runs that failed it.
type QualityIssue struct {
	DatasetVersionID string
	Status           ValidationStatus
	// Distance is the fewest lineage hops from the version down to the
	// node.
	Distance int
	// Runs are the latest finished run of each suite of the version whose
	// latest run failed, latest first.
	Runs []*ValidationRun
}

var failingRunsQuery = `
	UNWIND $ids AS id
	MATCH (r:ValidationRun {datasetVersionId: id}) WHERE r.status <> 'RUNNING'
	WITH id, r ORDER BY r.finishedAt DESC, r.id DESC
	WITH id, r.suiteKey AS suite, collect(r)[0] AS latest
	WHERE latest.status IN ['FAILED', 'ERROR']
	WITH id, latest ORDER BY latest.finishedAt DESC, latest.id DESC
	RETURN id, collect(latest{.*}) AS runs`

// QualityIssuesUpstream answers "why is this node at risk?": the failed
// dataset versions upstream of id (and id itself when it is one), nearest
// first, at most MaxQualityIssues, with their failing runs. Walks and
// scope as Health. An unknown or hidden id is errs.NotFound.
func (s *Store) QualityIssuesUpstream(ctx context.Context, id string, scope Scope) ([]QualityIssue, error) {
	if err := checkID("id", id, lineageKinds...); err != nil {
		return nil, err
	}
	u, err := s.upstream(ctx, []string{id}, scope)
	if err != nil {
		return nil, err
	}
	if !u.visible[id] {
		return nil, fmt.Errorf("node %s: %w", errs.Quote(id), errs.NotFound)
	}
	var issues []QualityIssue
	for n, st := range u.status {
		if st.Failing() {
			issues = append(issues, QualityIssue{DatasetVersionID: n, Status: st, Distance: u.dist[n]})
		}
	}
	slices.SortFunc(issues, func(a, b QualityIssue) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return strings.Compare(a.DatasetVersionID, b.DatasetVersionID)
	})
	if len(issues) > MaxQualityIssues {
		issues = issues[:MaxQualityIssues]
	}
	if len(issues) == 0 {
		return []QualityIssue{}, nil
	}
	ids := make([]string, len(issues))
	for i, is := range issues {
		ids[i] = is.DatasetVersionID
	}
	runs, err := read(ctx, s, func(tx *txn) (map[string][]*ValidationRun, error) {
		recs, err := tx.run(failingRunsQuery, map[string]any{"ids": ids})
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
	if err != nil {
		return nil, err
	}
	for i := range issues {
		issues[i].Runs = runs[issues[i].DatasetVersionID]
		if issues[i].Runs == nil {
			issues[i].Runs = []*ValidationRun{}
		}
	}
	return issues, nil
}
