package lineage

import (
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/store"
)

// Health is the data-quality health of a lineage node.
type Health string

// Health values. Their string values are the GraphQL Health values.
//
// A dataset version is FAILED when its own quality status is FAILED or
// ERROR; else AT_RISK when a dataset version upstream of it (following
// CONSUMED_BY, PRODUCED and DERIVED_INTO edges against their direction, at
// most MaxDepth hops, only through projects the caller may read) is
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

// upstreamRequest is the walk a health or issues question makes.
func upstreamRequest(ids []string, scope store.Scope) store.UpstreamRequest {
	return store.UpstreamRequest{IDs: ids, Scope: scope, MaxDepth: MaxDepth, MaxNodes: MaxHealthWalk}
}

// reachFrom returns, for every node of u, the fewest hops downstream from
// a node whose status passes source (0 for the sources themselves), up to
// MaxDepth hops; nodes out of reach are absent.
func reachFrom(u *store.UpstreamQuality, source func(store.ValidationStatus) bool) map[string]int {
	out := map[string][]string{}
	for n, ms := range u.In {
		for _, m := range ms {
			out[m] = append(out[m], n)
		}
	}
	dist := map[string]int{}
	var queue []string
	for id, st := range u.Status {
		if source(st) {
			dist[id] = 0
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if dist[id] >= MaxDepth {
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

// HealthOf returns the health (see Health) of each of ids from the
// upstream closure u of them. IDs u did not read (not lineage nodes,
// missing, out of scope) are UNKNOWN.
func HealthOf(ids []string, u *store.UpstreamQuality) map[string]Health {
	out := make(map[string]Health, len(ids))
	failed := reachFrom(u, store.ValidationStatus.Failing)
	validated := reachFrom(u, func(st store.ValidationStatus) bool { return st != "" })
	for _, id := range ids {
		out[id] = HealthUnknown
		if !u.Visible[id] {
			continue
		}
		k, _ := store.KindOf(id)
		_, atRisk := failed[id]
		switch k {
		case store.KindDatasetVersion:
			switch own := u.Status[id]; {
			case own.Failing():
				out[id] = HealthFailed
			case atRisk:
				out[id] = HealthAtRisk
			case own == store.ValidationPassed:
				out[id] = HealthOK
			case own == store.ValidationWarned:
				out[id] = HealthWarn
			}
		case store.KindRun, store.KindModelVersion:
			if atRisk {
				out[id] = HealthAtRisk
			} else if _, ok := validated[id]; ok {
				out[id] = HealthOK
			}
		}
	}
	return out
}

// QualityIssue is a failed dataset version upstream of a node (or the node
// itself, at distance 0) and the runs that failed it.
type QualityIssue struct {
	DatasetVersionID string
	Status           store.ValidationStatus
	// Distance is the fewest lineage hops from the version down to the
	// node.
	Distance int
	// Runs are the latest finished run of each suite of the version whose
	// latest run failed, latest first.
	Runs []*store.ValidationRun
}

// Issues returns the failed dataset versions of the upstream closure u,
// nearest first (by ID at one distance), at most MaxQualityIssues, without
// their runs.
func Issues(u *store.UpstreamQuality) []QualityIssue {
	var issues []QualityIssue
	for n, st := range u.Status {
		if st.Failing() {
			issues = append(issues, QualityIssue{DatasetVersionID: n, Status: st, Distance: u.Dist[n]})
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
	return issues
}
