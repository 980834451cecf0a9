package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

// checkImpact compares an impact report with the scenario's expectation.
func checkImpact(t *testing.T, g *seededGraph, sc lineageScenario, rep *lineage.Report, visible map[string]bool) {
	t.Helper()
	want := sc.Expect.Impact
	if want == nil {
		t.Fatal("an impact scenario needs expect.impact")
	}
	if rep.Root != g.ids[sc.Op.Root] {
		t.Errorf("root = %s, want %s", rep.Root, sc.Op.Root)
	}
	names := func(ns []lineage.Node) []string {
		var out []string
		for _, n := range ns {
			out = append(out, g.local(t, n.ID))
			if !visible[g.nodes[g.local(t, n.ID)].Project] {
				t.Errorf("impact names %s of a hidden project", g.local(t, n.ID))
			}
		}
		return out
	}
	runs := names(rep.Runs)
	sampled := 0
	var named []string
	for _, r := range runs {
		if slices.Contains(want.Runs, r) {
			named = append(named, r)
		} else {
			sampled++
		}
	}
	slices.Sort(named)
	wantRuns := slices.Sorted(slices.Values(want.Runs))
	if !slices.Equal(named, wantRuns) || sampled != want.SampledRuns {
		t.Errorf("runs = %v (+%d sampled), want %v (+%d sampled)", named, sampled, wantRuns, want.SampledRuns)
	}
	if got := slices.Sorted(slices.Values(names(rep.DatasetVersions))); !slices.Equal(got, slices.Sorted(slices.Values(want.DatasetVersions))) {
		t.Errorf("datasetVersions = %v, want %v", got, want.DatasetVersions)
	}
	// Model versions in order: production first.
	if got := names(rep.ModelVersions); !slices.Equal(got, want.ModelVersions) {
		t.Errorf("modelVersions = %v, want %v", got, want.ModelVersions)
	}
	if rep.TotalAffected != want.TotalAffected || rep.HiddenAffected != want.HiddenAffected {
		t.Errorf("totalAffected %d hiddenAffected %v, want %d %v", rep.TotalAffected, rep.HiddenAffected, want.TotalAffected, want.HiddenAffected)
	}
	if rep.TotalAffected != len(rep.Runs)+len(rep.DatasetVersions)+len(rep.ModelVersions) {
		t.Errorf("totalAffected %d is not the sum of the groups", rep.TotalAffected)
	}
	if wantOwners := []string{actor}; rep.TotalAffected > 0 && !slices.Equal(rep.Owners, wantOwners) {
		t.Errorf("owners = %v, want %v", rep.Owners, wantOwners)
	}
	gotTrunc, wantTrunc := slices.Sorted(slices.Values(rep.TruncatedBy)), slices.Sorted(slices.Values(sc.Expect.TruncatedBy))
	if !slices.Equal(gotTrunc, wantTrunc) {
		t.Errorf("truncatedBy = %v, want %v", rep.TruncatedBy, sc.Expect.TruncatedBy)
	}
}

// checkGraph compares a lineage or path graph with the scenario's
// expectation, and checks that nothing of a hidden project leaks.
func checkGraph(t *testing.T, g *seededGraph, sc lineageScenario, res *lineage.Graph, visible map[string]bool) {
	t.Helper()
	// Nothing of a hidden project leaks: no ID, name or key.
	var secrets []string
	for name, n := range g.nodes {
		if !visible[n.Project] {
			secrets = append(secrets, g.ids[name], g.projects[n.Project])
		}
	}
	for _, n := range res.Nodes {
		for _, sec := range secrets {
			for _, field := range []string{n.ID, n.Name, n.ProjectKey} {
				if strings.Contains(field, sec) {
					t.Errorf("node %+v reveals hidden %q", n, sec)
				}
			}
		}
	}
	for _, e := range res.Edges {
		for _, sec := range secrets {
			if strings.Contains(e.From, sec) || strings.Contains(e.To, sec) {
				t.Errorf("edge %+v reveals hidden %q", e, sec)
			}
		}
	}

	got := map[string]lineage.Node{}
	var order []string
	for _, n := range res.Nodes {
		name := g.local(t, n.ID)
		if _, dup := got[name]; dup {
			t.Errorf("node %s returned twice", name)
		}
		got[name] = n
		order = append(order, name)
		if n.Kind == store.KindRedacted {
			if n.Name != "" || n.ProjectKey != "" || n.Owner != "" || n.Stage != "" {
				t.Errorf("placeholder %s carries data: %+v", name, n)
			}
			continue
		}
		seeded := g.nodes[name]
		wantName := map[string]string{"run": name, "dsv": "ds@" + name, "mv": name + " v1", "ds": name}[seeded.Kind]
		if seeded.Kind == "dsv" && seeded.Dataset != "" {
			wantName = seeded.Dataset + "@" + name
		}
		if n.Kind != kindOfLocal[seeded.Kind] || n.Name != wantName || n.ProjectKey != g.projects[seeded.Project] || n.Owner != actor {
			t.Errorf("node %s = %+v, want kind %s, name %q, project %s", name, n, kindOfLocal[seeded.Kind], wantName, g.projects[seeded.Project])
		}
	}
	root := sc.Op.Root
	if sc.Op.Kind == "path" {
		root = sc.Op.From
	}
	if res.Root != g.ids[root] {
		t.Errorf("root = %s, want %s", g.local(t, res.Root), root)
	}

	if sc.Expect.Path != nil {
		if !slices.Equal(order, sc.Expect.Path) {
			t.Errorf("path = %v, want %v", order, sc.Expect.Path)
		}
		for i, name := range order {
			if got[name].Distance != i {
				t.Errorf("path node %s at distance %d, want %d", name, got[name].Distance, i)
			}
		}
	} else {
		sampled := 0
		for name, n := range got {
			want, ok := sc.Expect.Nodes[name]
			switch {
			case ok:
				if n.Distance != want.Distance || n.HasMore != want.HasMore {
					t.Errorf("node %s: distance %d hasMore %v, want distance %d hasMore %v", name, n.Distance, n.HasMore, want.Distance, want.HasMore)
				}
			case sc.Expect.Sample != nil && slices.Contains(sc.Expect.Sample.From, name):
				sampled++
				if n.Distance != sc.Expect.Sample.Distance || n.HasMore != sc.Expect.Sample.HasMore {
					t.Errorf("sampled node %s: distance %d hasMore %v, want %d %v", name, n.Distance, n.HasMore, sc.Expect.Sample.Distance, sc.Expect.Sample.HasMore)
				}
			default:
				t.Errorf("unexpected node %s (%+v)", name, n)
			}
		}
		for name := range sc.Expect.Nodes {
			if _, ok := got[name]; !ok {
				t.Errorf("missing node %s", name)
			}
		}
		if sc.Expect.Sample != nil && sampled != sc.Expect.Sample.Count {
			t.Errorf("%d sampled nodes, want %d", sampled, sc.Expect.Sample.Count)
		}
	}

	var gotEdges [][3]string
	for _, e := range res.Edges {
		gotEdges = append(gotEdges, [3]string{g.local(t, e.From), e.Kind, g.local(t, e.To)})
	}
	wantEdges := sc.Expect.Edges
	if sc.Expect.EdgesInduced {
		wantEdges = nil
		for _, e := range sc.edges(t) {
			if _, ok := got[e.from]; ok {
				if _, ok := got[e.to]; ok {
					wantEdges = append(wantEdges, [3]string{e.from, edgeKinds[e.kind], e.to})
				}
			}
		}
	}
	if a, b := sortedEdges(gotEdges), sortedEdges(wantEdges); !slices.Equal(a, b) {
		t.Errorf("edges:\n got  %v\n want %v", a, b)
	}

	gotTrunc, wantTrunc := slices.Clone(res.TruncatedBy), slices.Clone(sc.Expect.TruncatedBy)
	slices.Sort(gotTrunc)
	slices.Sort(wantTrunc)
	if !slices.Equal(gotTrunc, wantTrunc) {
		t.Errorf("truncatedBy = %v, want %v", res.TruncatedBy, sc.Expect.TruncatedBy)
	}
	if res.Truncated() != (len(wantTrunc) > 0) {
		t.Errorf("Truncated() = %v", res.Truncated())
	}
	// A node with more to show means the walk was cut, and vice versa.
	anyMore := false
	for _, n := range res.Nodes {
		anyMore = anyMore || n.HasMore
	}
	if sc.Op.Kind != "path" && anyMore != res.Truncated() {
		t.Errorf("some node has more: %v, but truncatedBy = %v", anyMore, res.TruncatedBy)
	}
}

func sortedEdges(es [][3]string) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%s -%s-> %s", e[0], e[1], e[2])
	}
	slices.Sort(out)
	return out
}
