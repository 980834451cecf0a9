package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/catalog"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// contributor may write every project.
var contributor = &auth.Principal{Subject: "alice", Roles: map[string]auth.Role{auth.AllProjects: auth.RoleContributor}}

func dataset(t *testing.T, s *store.Store, key, name string) *store.Dataset {
	t.Helper()
	d, err := s.RegisterDataset(t.Context(), neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://bucket", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readVersion(t *testing.T, s *store.Store, id string) *store.DatasetVersion {
	t.Helper()
	vs, err := s.DatasetVersionsByIDs(t.Context(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	v, ok := vs[id]
	if !ok {
		t.Fatalf("dataset version %s not found", id)
	}
	return v
}

func countVersions(t *testing.T, datasetID string) int64 {
	t.Helper()
	return neo4jtest.Count(t, `MATCH (v:DatasetVersion {datasetId: $id}) RETURN count(v) AS n`, map[string]any{"id": datasetID})
}

func TestRegisterDatasetVersionIsImmutable(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := catalog.New(s)
	key := neo4jtest.Project(t, s, "dsv")
	src, _, err := svc.RegisterDatasetVersion(t.Context(), contributor, base(dataset(t, s, key, "source").ID))
	if err != nil {
		t.Fatal(err)
	}
	cases := append(slices.Clone(versionCases), struct {
		name   string
		change func(in *store.RegisterDatasetVersionInput)
		field  string
	}{"same digest, prefixed and upper case", func(in *store.RegisterDatasetVersionInput) { in.Digest = "sha256:" + strings.Repeat("A", 64) }, ""})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ds := dataset(t, s, key, c.name)
			orig, created, err := svc.RegisterDatasetVersion(t.Context(), contributor, base(ds.ID))
			if err != nil || !created {
				t.Fatalf("first registration: created=%v, err=%v", created, err)
			}
			in := base(ds.ID)
			c.change(&in)
			if len(in.DerivedFrom) > 0 {
				in.DerivedFrom = []string{src.ID}
			}
			again, created, err := svc.RegisterDatasetVersion(t.Context(), contributor, in)
			if c.field == "" {
				if err != nil {
					t.Fatalf("want the existing version, got %v", err)
				}
				if created || again.ID != orig.ID {
					t.Fatalf("created=%v id=%s, want created=false and id %s", created, again.ID, orig.ID)
				}
			} else {
				neo4jtest.WantErr(t, err, errs.Conflict)
				if !strings.Contains(err.Error(), "content: "+c.field) {
					t.Fatalf("conflict %q does not name field %q", err, c.field)
				}
			}
			stored := readVersion(t, s, orig.ID)
			if stored.Digest != orig.Digest || stored.URI != orig.URI || *stored.RowCount != *orig.RowCount ||
				!slices.Equal(stored.Schema, orig.Schema) || !stored.CreatedAt.Equal(orig.CreatedAt) {
				t.Fatalf("stored version changed: %+v, was %+v", stored, orig)
			}
			if n := countVersions(t, ds.ID); n != 1 {
				t.Fatalf("dataset has %d versions, want 1", n)
			}
		})
	}
}

// TestAccess: writes need the contributor role (projects: admin) where
// they land; what the caller may not read does not exist for it, and
// nothing refused is written.
func TestAccess(t *testing.T) {
	s := neo4jtest.Store(t)
	svc := catalog.New(s)
	key, other := neo4jtest.Project(t, s, "cat"), neo4jtest.Project(t, s, "cat")
	ds := dataset(t, s, key, "t")
	hidden := neo4jtest.Version(t, s, dataset(t, s, other, "h"), "v1")
	run := neo4jtest.Run(t, s, "cat", store.StatusRunning)
	viewer := &auth.Principal{Subject: "vic", Roles: map[string]auth.Role{key: auth.RoleViewer, run.ProjectKey: auth.RoleViewer}}
	writer := &auth.Principal{Subject: "wes", Roles: map[string]auth.Role{key: auth.RoleContributor, run.ProjectKey: auth.RoleViewer}}
	stranger := &auth.Principal{Subject: "eve", Roles: map[string]auth.Role{"elsewhere": auth.RoleAdmin}}
	version := func(derivedFrom ...string) store.RegisterDatasetVersionInput {
		in := base(ds.ID)
		in.DerivedFrom = derivedFrom
		return in
	}
	cases := []struct {
		name    string
		p       *auth.Principal
		op      func(p *auth.Principal) error
		want    error
		mention string
	}{
		{"createProject as a contributor", contributor, func(p *auth.Principal) error {
			_, err := svc.CreateProject(t.Context(), p, store.CreateProjectInput{Key: neo4jtest.Key(t, "cat"), Name: "x"})
			return err
		}, errs.Forbidden, "admin"},
		{"registerDataset as a viewer", viewer, func(p *auth.Principal) error {
			_, err := svc.RegisterDataset(t.Context(), p, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://b", Name: "x"})
			return err
		}, errs.Forbidden, "contributor"},
		{"registerDatasetVersion as a viewer", viewer, func(p *auth.Principal) error {
			_, _, err := svc.RegisterDatasetVersion(t.Context(), p, version())
			return err
		}, errs.Forbidden, "contributor"},
		{"registerDatasetVersion of a hidden dataset", stranger, func(p *auth.Principal) error {
			_, _, err := svc.RegisterDatasetVersion(t.Context(), p, version())
			return err
		}, errs.NotFound, "datasetId"},
		{"registerDatasetVersion derived from a hidden version", writer, func(p *auth.Principal) error {
			_, _, err := svc.RegisterDatasetVersion(t.Context(), p, version(hidden.ID))
			return err
		}, errs.NotFound, "derivedFrom[0]"},
		{"registerDatasetVersion derived from a malformed ID", writer, func(p *auth.Principal) error {
			_, _, err := svc.RegisterDatasetVersion(t.Context(), p, version("dsv_bad"))
			return err
		}, errs.Invalid, "derivedFrom[0]"},
		{"registerModelVersion from a run the caller only reads", writer, func(p *auth.Principal) error {
			_, err := svc.RegisterModelVersion(t.Context(), p, catalog.ModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m", RunID: &run.ID})
			return err
		}, errs.Forbidden, "contributor"},
		{"registerModelVersion from an empty run ID", writer, func(p *auth.Principal) error {
			empty := ""
			_, err := svc.RegisterModelVersion(t.Context(), p, catalog.ModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m", RunID: &empty})
			return err
		}, errs.Invalid, "runId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := neo4jtest.ProjectNodes(t, key)
			err := c.op(c.p)
			neo4jtest.WantErr(t, err, c.want)
			if !strings.Contains(err.Error(), c.mention) {
				t.Fatalf("%v does not mention %q", err, c.mention)
			}
			if after := neo4jtest.ProjectNodes(t, key); after != before {
				t.Fatalf("a refused write added %d nodes", after-before)
			}
		})
	}
	v, err := svc.RegisterModelVersion(t.Context(), contributor, catalog.ModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m", RunID: &run.ID})
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 1 || v.CreatedBy != contributor.Subject {
		t.Fatalf("registered version %d by %s, want 1 by %s", v.Version, v.CreatedBy, contributor.Subject)
	}
}
