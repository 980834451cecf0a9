package api_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

const searchRunsQuery = `query($pk: String!, $eids: [ID!], $f: String, $o: [String!], $first: Int, $after: String) {
  searchRuns(projectKey: $pk, experimentIds: $eids, filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor }
  }
}`

type searchRunsData struct {
	SearchRuns struct {
		TotalCount int
		Edges      []struct{ Node struct{ Name string } }
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

func (d searchRunsData) names() []string {
	var out []string
	for _, e := range d.SearchRuns.Edges {
		out = append(out, e.Node.Name)
	}
	return out
}

// seedSearch makes a project with runs a..d and a hidden project whose
// runs match every filter.
func seedSearch(t *testing.T, st *store.Store, key string) *store.Experiment {
	t.Helper()
	ctx := t.Context()
	if _, err := st.CreateProject(ctx, "seed", store.CreateProjectInput{Key: key, Name: key}); err != nil {
		t.Fatal(err)
	}
	exp, err := st.CreateExperiment(ctx, "seed", store.CreateExperimentInput{ProjectKey: key, Name: "exp"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		name, lr, team string
		auc            float64
	}{{"a", "0.1", "risk", 0.95}, {"b", "0.1", "", 0.5}, {"c", "0.01", "Risk-2", 0.99}, {"d", "0.01", "", -1}} {
		in := store.StartRunInput{ExperimentID: exp.ID, Name: r.name, Params: []store.KeyValue{{Key: "lr", Value: r.lr}}}
		if r.team != "" {
			in.Tags = []store.KeyValue{{Key: "team", Value: r.team}}
		}
		run, err := st.StartRun(ctx, "seed", in)
		if err != nil {
			t.Fatal(err)
		}
		if r.auc >= 0 {
			if _, err := st.LogMetrics(ctx, run.ID, []store.MetricPoint{{Key: "auc", Value: r.auc, Timestamp: time.Now()}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return exp
}

func TestSearchRunsGraphQL(t *testing.T) {
	h := newHub(t, nil)
	key, hidden := neo4jtest.Key(t, "srch"), neo4jtest.Key(t, "srchh")
	exp := seedSearch(t, h.st, key)
	hiddenExp := seedSearch(t, h.st, hidden)
	tok := token(t, "viewer", map[string]auth.Role{key: auth.RoleViewer})
	search := func(t *testing.T, vars map[string]any) searchRunsData {
		t.Helper()
		var d searchRunsData
		h.gql(t, tok, searchRunsQuery, vars).ok(t, &d)
		return d
	}
	byName := []string{"attributes.run_name"}
	tests := []struct {
		name   string
		filter string
		order  []string
		want   []string
	}{
		{"mlflow and", "metrics.auc > 0.9 and params.lr = '0.1'", byName, []string{"a"}},
		{"or", "metrics.auc > 0.9 OR params.lr = '0.1'", byName, []string{"a", "b", "c"}},
		{"parens", "(metrics.auc > 0.9 or params.lr = '0.1') and tags.team ILIKE 'risk%'", byName, []string{"a", "c"}},
		{"and over or", "metrics.auc > 0.9 or params.lr = '0.1' and tags.team IS NULL", byName, []string{"a", "b", "c"}},
		{"attributes", "attributes.status = 'RUNNING' and attributes.run_name IN ('b', 'd')", byName, []string{"b", "d"}},
		{"tag is null", "tags.team IS NULL", byName, []string{"b", "d"}},
		{"order by metric desc, nulls last", "", []string{"metrics.auc DESC"}, []string{"c", "a", "b", "d"}},
		{"order by param then name", "", []string{"params.lr", "attributes.run_name DESC"}, []string{"d", "c", "b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := search(t, map[string]any{"pk": key, "f": tt.filter, "o": tt.order, "first": 100})
			if got := d.names(); !slices.Equal(got, tt.want) || d.SearchRuns.TotalCount != len(tt.want) {
				t.Fatalf("got %v (total %d), want %v", got, d.SearchRuns.TotalCount, tt.want)
			}
			var paged []string
			vars := map[string]any{"pk": key, "eids": []string{exp.ID}, "f": tt.filter, "o": tt.order, "first": 1}
			for range 10 {
				d := search(t, vars)
				paged = append(paged, d.names()...)
				if !d.SearchRuns.PageInfo.HasNextPage {
					break
				}
				vars["after"] = *d.SearchRuns.PageInfo.EndCursor
			}
			if !slices.Equal(paged, tt.want) {
				t.Fatalf("paged %v, want %v", paged, tt.want)
			}
		})
	}
	t.Run("hidden project", func(t *testing.T) {
		res := h.gql(t, tok, searchRunsQuery, map[string]any{"pk": hidden, "f": "params.lr = '0.1'"})
		if res.code() == "" || strings.Contains(string(res.Raw), `"name"`) {
			t.Fatalf("hidden project's runs answered: %s", res.Raw)
		}
		// Its experiment named in a visible project's search matches nothing.
		other := search(t, map[string]any{"pk": key, "eids": []string{hiddenExp.ID}})
		if len(other.names()) != 0 {
			t.Fatalf("got %v", other.names())
		}
	})
	for _, tt := range []struct{ name, filter, want string }{
		{"bad operator", "metrics.auc foo 1", "column 13"},
		{"second clause", "metrics.auc > 0.9 and params.lr == '0.1'", "column 34"},
		{"unclosed", "(metrics.auc > 0.9", "column 19"},
		{"string for metric", "metrics.auc > 'x'", "column 15"},
	} {
		t.Run("malformed/"+tt.name, func(t *testing.T) {
			res := h.gql(t, tok, searchRunsQuery, map[string]any{"pk": key, "f": tt.filter})
			res.fails(t, "BAD_USER_INPUT", tt.want)
			if strings.Contains(string(res.Raw), "Neo4j") || strings.Contains(string(res.Raw), "MATCH") {
				t.Fatalf("response leaks internals: %s", res.Raw)
			}
		})
	}
	t.Run("malformed order", func(t *testing.T) {
		h.gql(t, tok, searchRunsQuery, map[string]any{"pk": key, "o": []string{"metrics.h SIDEWAYS"}}).fails(t, "BAD_USER_INPUT", "orderBy[0]", "column 11")
	})
}
