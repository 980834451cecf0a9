package api_test

import (
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func TestDatasetVersionByName(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	// The same OpenLineage name in two projects.
	ns := "s3://" + neo4jtest.Key(t, "lake")
	var keys []string
	var ids []string
	for _, prefix := range []string{"dva", "dvb"} {
		key := neo4jtest.Key(t, prefix)
		if _, err := h.st.CreateProject(t.Context(), "alice", store.CreateProjectInput{Key: key, Name: key}); err != nil {
			t.Fatal(err)
		}
		d, err := h.st.RegisterDataset(t.Context(), "alice", store.RegisterDatasetInput{ProjectKey: key, Namespace: ns, Name: "raw/orders"})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
		ids = append(ids, registerVersion(t, h.st, d, "v1", "s3://x/"+key, strings.Repeat("a", 64)).ID)
	}
	const q = `query($ns: String!, $v: String!, $pk: String) { datasetVersionByName(namespace: $ns, name: "raw/orders", version: $v, projectKey: $pk) { id } }`
	both := token(t, "both", map[string]auth.Role{keys[0]: auth.RoleViewer, keys[1]: auth.RoleViewer})
	one := token(t, "one", map[string]auth.Role{keys[1]: auth.RoleViewer})
	for _, c := range []struct {
		name, tok, version string
		pk                 any
		want               string // an ID, "null", or an error code
	}{
		{"in the one readable project", one, "v1", nil, ids[1]},
		{"named project", both, "v1", keys[0], ids[0]},
		{"ambiguous across projects", both, "v1", nil, "BAD_USER_INPUT"},
		{"a project the caller may not read", one, "v1", keys[0], "null"},
		{"unknown version", one, "v9", nil, "null"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := h.gql(t, c.tok, q, map[string]any{"ns": ns, "v": c.version, "pk": c.pk})
			switch c.want {
			case "BAD_USER_INPUT":
				if res.code() != c.want || !strings.Contains(string(res.Raw), "projectKey") {
					t.Fatalf("want BAD_USER_INPUT naming projectKey, got %s", res.Raw)
				}
			case "null":
				res.ok(t, nil)
				if string(res.Data) != `{"datasetVersionByName":null}` {
					t.Fatalf("want null, got %s", res.Data)
				}
			default:
				var d struct{ DatasetVersionByName struct{ ID string } }
				res.ok(t, &d)
				if d.DatasetVersionByName.ID != c.want {
					t.Fatalf("want %s, got %s", c.want, res.Raw)
				}
			}
		})
	}
}
