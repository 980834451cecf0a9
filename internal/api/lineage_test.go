package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestLineageOptionsOverGraphQL drives kinds, asOf, hops and dataset roots
// through the endpoint: v1 --(min 10)--> r1 --(min 20)--> v2 --(min 30)--> r2.
func TestLineageOptionsOverGraphQL(t *testing.T) {
	clock := &neo4jtest.MinuteClock{Base: time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)}
	st := store.New(neo4jtest.Driver(t), "", store.WithClock(clock.Now))
	h := newHub(t, func(o *api.Options) { o.Store = st })
	ctx := t.Context()
	key := neo4jtest.Key(t, "lin")
	clock.Set(0)
	if _, err := st.CreateProject(ctx, "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	exp, err := st.CreateExperiment(ctx, "alice", store.CreateExperimentInput{ProjectKey: key, Name: "e"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := st.RegisterDataset(ctx, "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://b", Name: "events"})
	if err != nil {
		t.Fatal(err)
	}
	version := func(name string) string {
		v, _, err := st.RegisterDatasetVersion(ctx, "alice", store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: name,
			URI: "s3://b/" + name, Digest: strings.Repeat("a", 64)})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	run := func(name string) string {
		r, err := st.StartRun(ctx, "alice", store.StartRunInput{ExperimentID: exp.ID, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	v1, r1, r2 := version("v1"), run("r1"), run("r2")
	clock.Set(10)
	if _, err := st.AddRunInputs(ctx, "alice", r1, []string{v1}); err != nil {
		t.Fatal(err)
	}
	clock.Set(20)
	v2 := version("v2")
	if _, err := st.AddRunOutputs(ctx, "alice", r1, []string{v2}, nil); err != nil {
		t.Fatal(err)
	}
	clock.Set(30)
	if _, err := st.AddRunInputs(ctx, "alice", r2, []string{v2}); err != nil {
		t.Fatal(err)
	}
	at := func(m int) string { return clock.At(m).Format(time.RFC3339) }
	tok := token(t, "bob", map[string]auth.Role{key: auth.RoleViewer})

	type node struct {
		ID       string `json:"id"`
		Kind     string `json:"kind"`
		Distance int    `json:"distance"`
	}
	type edge struct {
		From, To, Kind string
		Hops           int
	}
	type graph struct {
		Nodes []node `json:"nodes"`
		Edges []edge `json:"edges"`
	}
	lineage := func(vars map[string]any) graph {
		t.Helper()
		res := h.gql(t, tok, `query($id: ID!, $kinds: [NodeKind!], $asOf: Time) {
			lineage(id: $id, direction: DOWNSTREAM, depth: 6, kinds: $kinds, asOf: $asOf) {
			  nodes { id kind distance } edges { from to kind hops } } }`, vars)
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %+v", res.Errors)
		}
		var out struct{ Lineage graph }
		if err := json.Unmarshal(res.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out.Lineage
	}

	t.Run("kinds: datasets only, joined through the run", func(t *testing.T) {
		g := lineage(map[string]any{"id": v1, "kinds": []string{"DATASET_VERSION"}})
		want := graph{Nodes: []node{{v1, "DATASET_VERSION", 0}, {v2, "DATASET_VERSION", 2}}, Edges: []edge{{v1, v2, "INDIRECT", 2}}}
		if !equalJSON(g, want) {
			t.Errorf("got %+v, want %+v", g, want)
		}
	})
	t.Run("asOf between the read and the write", func(t *testing.T) {
		g := lineage(map[string]any{"id": v1, "asOf": at(15)})
		want := graph{Nodes: []node{{v1, "DATASET_VERSION", 0}, {r1, "RUN", 1}}, Edges: []edge{{v1, r1, "CONSUMED_BY", 1}}}
		if !equalJSON(g, want) {
			t.Errorf("got %+v, want %+v", g, want)
		}
	})
	t.Run("a dataset as the root", func(t *testing.T) {
		g := lineage(map[string]any{"id": ds.ID, "asOf": at(25)})
		want := graph{Nodes: []node{{ds.ID, "DATASET", 0}, {v1, "DATASET_VERSION", 1}, {v2, "DATASET_VERSION", 1}, {r1, "RUN", 2}},
			Edges: []edge{{ds.ID, v1, "HAS_VERSION", 1}, {ds.ID, v2, "HAS_VERSION", 1}, {v1, r1, "CONSUMED_BY", 1}, {r1, v2, "PRODUCED", 1}}}
		if !sameGraph(g.Nodes, want.Nodes) || !sameGraph(g.Edges, want.Edges) {
			t.Errorf("got %+v, want %+v", g, want)
		}
	})
	t.Run("impact and lineagePath as of a moment", func(t *testing.T) {
		res := h.gql(t, tok, `query($ds: ID!, $v1: ID!, $r2: ID!, $asOf: Time) {
			impact(id: $ds, asOf: $asOf) { totalAffected runs { id } datasetVersions { id } }
			then: lineagePath(from: $v1, to: $r2, asOf: $asOf) { nodes { id } }
			now: lineagePath(from: $v1, to: $r2) { nodes { id } } }`,
			map[string]any{"ds": ds.ID, "v1": v1, "r2": r2, "asOf": at(25)})
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %+v", res.Errors)
		}
		var out struct {
			Impact struct {
				TotalAffected   int
				Runs            []struct{ ID string }
				DatasetVersions []struct{ ID string }
			}
			Then *struct{ Nodes []struct{ ID string } }
			Now  *struct{ Nodes []struct{ ID string } }
		}
		if err := json.Unmarshal(res.Data, &out); err != nil {
			t.Fatal(err)
		}
		if out.Impact.TotalAffected != 3 || len(out.Impact.Runs) != 1 || out.Impact.Runs[0].ID != r1 || len(out.Impact.DatasetVersions) != 2 {
			t.Errorf("impact as of minute 25: %+v", out.Impact)
		}
		if out.Then != nil {
			t.Errorf("a path as of minute 25, before r2 read v2: %+v", out.Then)
		}
		if out.Now == nil || len(out.Now.Nodes) != 4 {
			t.Errorf("path now: %+v", out.Now)
		}
	})
	t.Run("bad options change nothing and say what was wrong", func(t *testing.T) {
		before := neo4jtest.Count(t, `MATCH (n:Node {projectKey: $k}) RETURN count(n) AS n`, map[string]any{"k": key})
		for _, c := range []struct {
			query string
			vars  map[string]any
			want  string
		}{
			{`query($id: ID!) { lineage(id: $id, kinds: [PROJECT]) { root } }`, map[string]any{"id": v1}, "kinds"},
			{`query($id: ID!) { lineage(id: $id, depth: 51) { root } }`, map[string]any{"id": v1}, "depth"},
			{`query($id: ID!) { lineage(id: $id, asOf: "last tuesday") { root } }`, map[string]any{"id": v1}, "asOf"},
			{`query($id: ID!) { lineage(id: $id, asOf: "` + at(-30) + `") { root } }`, map[string]any{"id": v1}, v1},
		} {
			res := h.gql(t, tok, c.query, c.vars)
			if len(res.Errors) == 0 || !containsFold(res.Errors[0].Message, c.want) {
				t.Errorf("%s: errors %+v do not name %q", c.query, res.Errors, c.want)
			}
		}
		if after := neo4jtest.Count(t, `MATCH (n:Node {projectKey: $k}) RETURN count(n) AS n`, map[string]any{"k": key}); after != before {
			t.Errorf("nodes changed from %d to %d", before, after)
		}
	})
}

func equalJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// sameGraph compares two lists ignoring order.
func sameGraph[T any](a, b []T) bool {
	enc := func(xs []T) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			j, _ := json.Marshal(x)
			out[i] = string(j)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(enc(a), enc(b))
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
