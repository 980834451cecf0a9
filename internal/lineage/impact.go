package lineage

import (
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/store"
)

// Report is what is downstream of a node, grouped by kind.
type Report struct {
	Root string
	// Runs, DatasetVersions and ModelVersions are nearest first; model
	// versions in production come first.
	Runs, DatasetVersions, ModelVersions []Node
	// Owners are the creators of the affected nodes, sorted.
	Owners []string
	// TotalAffected counts the affected nodes the caller may see.
	TotalAffected int
	// HiddenAffected is true when the walk reached projects the caller
	// may not read; what lies there is neither counted nor named.
	HiddenAffected bool
	TruncatedBy    []string
}

// Truncated reports whether anything was cut.
func (r *Report) Truncated() bool { return len(r.TruncatedBy) > 0 }

// ImpactOf groups what a downstream walk w of depth hops reached (at most
// MaxImpactNodes nodes): the runs, dataset versions and model versions
// affected, their owners and how many there are, whether hidden projects
// are affected too, and why the report was cut. It does not change w.
func ImpactOf(w *store.LineageWalk, depth int) *Report {
	g := Assemble(w, Bounds{Depth: depth, MaxNodes: MaxImpactNodes})
	// Sized first: a report can hold 50,000 nodes, and growing the
	// slices by appending copied them over and over.
	var runs, versions, models int
	for _, n := range g.Nodes {
		switch n.Kind {
		case store.KindRun:
			runs++
		case store.KindDatasetVersion:
			versions++
		case store.KindModelVersion:
			models++
		}
	}
	rep := &Report{Root: g.Root, Runs: make([]Node, 0, runs), DatasetVersions: make([]Node, 0, versions),
		ModelVersions: make([]Node, 0, models), Owners: []string{}, TruncatedBy: g.TruncatedBy}
	owners := map[string]bool{}
	for _, n := range g.Nodes {
		if n.ID == g.Root || n.Kind == store.KindRedacted {
			continue
		}
		rep.TotalAffected++
		if n.Owner != "" && !owners[n.Owner] {
			owners[n.Owner] = true
			rep.Owners = append(rep.Owners, n.Owner)
		}
		switch n.Kind {
		case store.KindRun:
			rep.Runs = append(rep.Runs, n)
		case store.KindDatasetVersion:
			rep.DatasetVersions = append(rep.DatasetVersions, n)
		case store.KindModelVersion:
			rep.ModelVersions = append(rep.ModelVersions, n)
		}
	}
	// From the walk, not the placeholders: at the node budget there is no
	// room left for them.
	for i := range w.Nodes {
		rep.HiddenAffected = rep.HiddenAffected || hidden(&w.Nodes[i], store.Downstream, depth)
	}
	slices.Sort(rep.Owners)
	// Production models first: they are what a data incident breaks.
	slices.SortStableFunc(rep.ModelVersions, func(a, b Node) int {
		if pa, pb := a.Stage == store.StageProduction, b.Stage == store.StageProduction; pa != pb {
			if pa {
				return -1
			}
			return 1
		}
		return a.Distance - b.Distance
	})
	return rep
}

// Affected returns the IDs of a report's affected nodes, nearest first and
// by ID at one distance: the order AtRisk lists them in.
func (r *Report) Affected() []string {
	type affected struct {
		id       string
		distance int
	}
	var nodes []affected
	for _, group := range [][]Node{r.Runs, r.DatasetVersions, r.ModelVersions} {
		for _, n := range group {
			nodes = append(nodes, affected{n.ID, n.Distance})
		}
	}
	slices.SortStableFunc(nodes, func(a, b affected) int {
		if a.distance != b.distance {
			return a.distance - b.distance
		}
		return strings.Compare(a.id, b.id)
	})
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.id
	}
	return ids
}

// AtRisk returns, of the affected nodes ids (in their order), those whose
// health is AT_RISK or FAILED: what a data incident upstream already
// touches.
func AtRisk(ids []string, health map[string]Health) []string {
	out := []string{}
	for _, id := range ids {
		if h := health[id]; h == HealthAtRisk || h == HealthFailed {
			out = append(out, id)
		}
	}
	return out
}
