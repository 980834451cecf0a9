package store_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func readVersion(t testing.TB, s *store.Store, id string) *store.DatasetVersion {
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

func countVersions(t testing.TB, datasetID string) int64 {
	t.Helper()
	return neo4jtest.Count(t, `MATCH (v:DatasetVersion {datasetId: $id}) RETURN count(v) AS n`, map[string]any{"id": datasetID})
}

// TestAddDatasetVersionAgain: registering a label the dataset has asks
// again, under the dataset's lock, with the registered version, the
// versions it was derived from and the input as validated; a refusal
// writes nothing, an acceptance returns the registered version. Which
// registrations are the same is catalog's rule, tested there.
func TestAddDatasetVersionAgain(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "dsv")
	rows := int64(100)
	src, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: newDataset(t, s, key, "source").ID,
		Version: "v1", URI: "s3://bucket/source/v1", Digest: digest('c')})
	if err != nil {
		t.Fatal(err)
	}
	refused := errs.Conflictf("refused")
	for _, c := range []struct {
		name   string
		refuse error
	}{{"accepted", nil}, {"refused", refused}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ds := newDataset(t, s, key, c.name)
			first := store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "2025-01-01", URI: "s3://bucket/x/2025-01-01/",
				Digest: digest('a'), RowCount: &rows, Schema: []store.SchemaField{{Name: "id", Type: "int64"}}, DerivedFrom: []string{src.ID}}
			orig, created, err := s.AddDatasetVersion(t.Context(), actor, first, func(*store.DatasetVersion, []string, store.RegisterDatasetVersionInput) error {
				t.Fatal("asked again about a new label")
				return nil
			})
			if err != nil || !created {
				t.Fatalf("first registration: created=%v, err=%v", created, err)
			}
			in := first
			in.Digest, in.URI = "sha256:"+strings.Repeat("B", 64), "s3://elsewhere"
			var (
				asked       *store.DatasetVersion
				askedFrom   []string
				askedDigest string
			)
			again, created, err := s.AddDatasetVersion(t.Context(), actor, in, func(registered *store.DatasetVersion, derivedFrom []string, in store.RegisterDatasetVersionInput) error {
				asked, askedFrom, askedDigest = registered, derivedFrom, in.Digest
				return c.refuse
			})
			if asked == nil || asked.ID != orig.ID || !slices.Equal(askedFrom, []string{src.ID}) || askedDigest != digest('b') {
				t.Fatalf("asked with %+v derived from %v, digest %s; want version %s derived from %s, digest normalised", asked, askedFrom, askedDigest, orig.ID, src.ID)
			}
			if c.refuse != nil {
				if !errors.Is(err, c.refuse) {
					t.Fatalf("want the refusal, got %v", err)
				}
			} else if err != nil || created || again.ID != orig.ID {
				t.Fatalf("created=%v, err=%v; want the registered version %s", created, err, orig.ID)
			}
			stored := readVersion(t, s, orig.ID)
			if stored.Digest != orig.Digest || stored.URI != orig.URI || !stored.CreatedAt.Equal(orig.CreatedAt) {
				t.Fatalf("stored version changed: %+v, was %+v", stored, orig)
			}
			if n := countVersions(t, ds.ID); n != 1 {
				t.Fatalf("dataset has %d versions, want 1", n)
			}
		})
	}
}

func TestDatasetVersionDigest(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "digest")
	hexLower := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	cases := []struct {
		name, digest, want string // want "" means errs.Invalid
	}{
		{"lowercase hex", hexLower, hexLower},
		{"uppercase hex", strings.ToUpper(hexLower), hexLower},
		{"sha256 prefix", "sha256:" + hexLower, hexLower},
		{"sha256 prefix, uppercase hex", "sha256:" + strings.ToUpper(hexLower), hexLower},
		{"empty", "", ""},
		{"63 chars", hexLower[1:], ""},
		{"65 chars", hexLower + "0", ""},
		{"not hex", strings.Repeat("g", 64), ""},
		{"prefix only", "sha256:", ""},
		{"other algorithm", "sha512:" + hexLower, ""},
		{"leading space", " " + hexLower, ""},
		{"md5 length", hexLower[:32], ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ds := newDataset(t, s, key, c.name)
			v, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x", Digest: c.digest})
			if c.want == "" {
				wantInvalidField(t, err, "digest")
				if n := countVersions(t, ds.ID); n != 0 {
					t.Fatalf("%d versions written", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Digest != c.want || readVersion(t, s, v.ID).Digest != c.want {
				t.Fatalf("digest stored as %q, want %q", readVersion(t, s, v.ID).Digest, c.want)
			}
		})
	}
}

func TestRegisterDatasetUniqueness(t *testing.T) {
	s := neo4jtest.Store(t)
	key, other := newProject(t, s, "dsuniq"), newProject(t, s, "dsuniq")
	if _, err := s.RegisterDataset(t.Context(), actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "pg://db", Name: "public.events"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		in      store.RegisterDatasetInput
		wantErr error
		stored  int64 // datasets with that identity afterwards
	}{
		{"same project, namespace and name", store.RegisterDatasetInput{ProjectKey: key, Namespace: "pg://db", Name: "public.events"}, errs.Conflict, 1},
		{"same name, other namespace", store.RegisterDatasetInput{ProjectKey: key, Namespace: "pg://db2", Name: "public.events"}, nil, 1},
		{"same namespace, other name", store.RegisterDatasetInput{ProjectKey: key, Namespace: "pg://db", Name: "public.users"}, nil, 1},
		{"same namespace and name, other project", store.RegisterDatasetInput{ProjectKey: other, Namespace: "pg://db", Name: "public.events"}, nil, 1},
		{"unknown project", store.RegisterDatasetInput{ProjectKey: neo4jtest.Key(t, "nope"), Namespace: "pg://db", Name: "public.events"}, errs.NotFound, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.RegisterDataset(t.Context(), actor, c.in)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr)
			} else if err != nil {
				t.Fatal(err)
			}
			n := neo4jtest.Count(t, `MATCH (d:Dataset {projectKey: $p, namespace: $ns, name: $n}) RETURN count(d) AS n`,
				map[string]any{"p": c.in.ProjectKey, "ns": c.in.Namespace, "n": c.in.Name})
			if n != c.stored {
				t.Fatalf("%d datasets with that identity, want %d", n, c.stored)
			}
		})
	}
	t.Run("concurrent duplicates", func(t *testing.T) {
		const n = 8
		failed := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, failed[i] = s.RegisterDataset(t.Context(), actor, store.RegisterDatasetInput{ProjectKey: key, Namespace: "kafka://c", Name: "topic"})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range failed {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, errs.Conflict):
				t.Fatalf("want nil or errs.Conflict, got %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d registrations succeeded, want 1", ok)
		}
	})
}

func TestDerivedFromUnknownVersionWritesNothing(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "derived")
	src := newDataset(t, s, key, "src")
	parent, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: src.ID, Version: "v1", URI: "s3://src", Digest: digest('a')})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		derived []string
	}{
		{"only unknown", []string{unknownID("dsv_")}},
		{"known then unknown", []string{parent.ID, unknownID("dsv_")}},
		{"unknown then known", []string{unknownID("dsv_"), parent.ID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds := newDataset(t, s, key, c.name)
			_, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://d",
				Digest: digest('b'), DerivedFrom: c.derived})
			wantErr(t, err, errs.NotFound)
			if !strings.Contains(err.Error(), "derivedFrom") {
				t.Fatalf("error %q does not name derivedFrom", err)
			}
			if n := countVersions(t, ds.ID); n != 0 {
				t.Fatalf("%d versions written", n)
			}
			if n := neo4jtest.Count(t, `MATCH (:DatasetVersion {id: $id})-[e:DERIVED_INTO]->() RETURN count(e) AS n`, map[string]any{"id": parent.ID}); n != 0 {
				t.Fatalf("%d DERIVED_INTO edges written", n)
			}
			if n := neo4jtest.Count(t, `MATCH (d:Dataset {id: $id}) RETURN d.versionCount AS n`, map[string]any{"id": ds.ID}); n != 0 {
				t.Fatalf("versionCount = %d, want 0", n)
			}
		})
	}
	t.Run("known parent is linked", func(t *testing.T) {
		ds := newDataset(t, s, key, "child")
		child, _, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://d",
			Digest: digest('b'), DerivedFrom: []string{parent.ID}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.NeighbourDatasetVersions(t.Context(), store.VersionDerivedFrom, []string{child.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got[0]) != 1 || got[0][0].ID != parent.ID {
			t.Fatalf("derived from %v, want %s", got[0], parent.ID)
		}
	})
}

func TestConcurrentSameVersionRegistersOnce(t *testing.T) {
	s := neo4jtest.Store(t)
	ds := newDataset(t, s, newProject(t, s, "dsvconc"), "conc")
	const n = 8
	type result struct {
		id      string
		created bool
		err     error
	}
	res := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			v, created, err := s.RegisterDatasetVersion(t.Context(), actor, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x", Digest: digest('e')})
			res[i] = result{created: created, err: err}
			if v != nil {
				res[i].id = v.ID
			}
		})
	}
	wg.Wait()
	created := 0
	for i, r := range res {
		if r.err != nil {
			t.Fatalf("registration %d: %v", i, r.err)
		}
		if r.id != res[0].id {
			t.Fatalf("registrations returned different versions: %s and %s", r.id, res[0].id)
		}
		if r.created {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d registrations report created, want 1", created)
	}
	if c := countVersions(t, ds.ID); c != 1 {
		t.Fatalf("%d versions stored, want 1", c)
	}
}

func TestModelVersionNumbers(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "models")
	register := func(t *testing.T, model string) *store.ModelVersion {
		t.Helper()
		v, err := s.RegisterModelVersion(t.Context(), actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: model, URI: "s3://models/" + model})
		if err != nil {
			t.Fatalf("register %s: %v", model, err)
		}
		return v
	}
	t.Run("sequential", func(t *testing.T) {
		var got []int64
		for range 3 {
			got = append(got, register(t, "gbm").Version)
		}
		if !slices.Equal(got, []int64{1, 2, 3}) {
			t.Fatalf("versions %v, want [1 2 3]", got)
		}
		if v := register(t, "other").Version; v != 1 {
			t.Fatalf("another model starts at %d, want 1", v)
		}
	})
	for _, c := range []struct {
		name  string
		model string
		first int64
	}{
		{"concurrent on a new model", "fresh", 1},
		{"concurrent on an existing model", "gbm", 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 8
			got := make([]int64, n)
			failed := make([]error, n)
			ids := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					v, err := s.RegisterModelVersion(t.Context(), actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: c.model, URI: "s3://m"})
					failed[i] = err
					if v != nil {
						got[i], ids[i] = v.Version, v.ModelID
					}
				})
			}
			wg.Wait()
			for i, err := range failed {
				if err != nil {
					t.Fatalf("registration %d: %v", i, err)
				}
				if ids[i] != ids[0] {
					t.Fatalf("versions went to different models %s and %s", ids[i], ids[0])
				}
			}
			slices.Sort(got)
			for i, v := range got {
				if v != c.first+int64(i) {
					t.Fatalf("versions %v, want %d..%d without gaps or repeats", got, c.first, c.first+n-1)
				}
			}
			if m := neo4jtest.Count(t, `MATCH (m:Model {projectKey: $k, name: $n}) RETURN count(m) AS n`, map[string]any{"k": key, "n": c.model}); m != 1 {
				t.Fatalf("%d models named %s", m, c.model)
			}
		})
	}
}

// TestUniquenessRaceIsAPlainConflict: when concurrent creators race on a
// unique key, the losers get errs.Conflict with a message that shows nothing
// of Neo4j's internals.
func TestUniquenessRaceIsAPlainConflict(t *testing.T) {
	s := neo4jtest.Store(t)
	key := neo4jtest.Key(t, "race")
	const n = 8
	failed := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, failed[i] = s.CreateProject(t.Context(), actor, store.CreateProjectInput{Key: key, Name: "race"})
		})
	}
	wg.Wait()
	created := 0
	for _, err := range failed {
		switch {
		case err == nil:
			created++
		case errors.Is(err, errs.Conflict):
			for _, leak := range []string{"Neo", "label", "Node(", "Constraint"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("conflict message leaks %q: %v", leak, err)
				}
			}
		default:
			t.Errorf("want errs.Conflict, got %v", err)
		}
	}
	if created != 1 {
		t.Fatalf("%d creators succeeded, want exactly 1", created)
	}
}

func TestCatalogNameFilter(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "catalog")
	for _, in := range []store.RegisterDatasetInput{
		{ProjectKey: key, Namespace: "s3://fraud-lake", Name: "raw/transactions"},
		{ProjectKey: key, Namespace: "postgres://warehouse:5432", Name: "features.accounts"},
		{ProjectKey: key, Namespace: "s3://other", Name: "Features/Merchants"},
	} {
		if _, err := s.RegisterDataset(t.Context(), actor, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []string{"fraud-gbm", "churn-lr"} {
		if _, err := s.RegisterModelVersion(t.Context(), actor, store.RegisterModelVersionInput{ProjectKey: key, ModelName: m, URI: "s3://models/" + m}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{"", []string{"Features/Merchants", "features.accounts", "raw/transactions"}},
		{"FEATURES", []string{"Features/Merchants", "features.accounts"}},
		{"lake", []string{"raw/transactions"}}, // the namespace counts too
		{"nothing like it", nil},
	} {
		t.Run("datasets "+c.filter, func(t *testing.T) {
			conn, err := s.Datasets(t.Context(), key, store.NameFilter{NameContains: c.filter}, store.Page{First: 10})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range conn.Items {
				got = append(got, d.Name)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) || conn.Total != int64(len(c.want)) {
				t.Fatalf("filter %q: got %v (total %d), want %v", c.filter, got, conn.Total, c.want)
			}
		})
	}
	for _, c := range []struct {
		scope  store.Scope
		filter string
		want   int
	}{
		{store.Scope{Keys: []string{key}}, strings.ToUpper(key), 1},
		{store.Scope{Keys: []string{key}}, "no such project", 0},
		{store.Scope{Keys: []string{"someone-else"}}, key, 0}, // the filter never widens the scope
	} {
		projects, err := s.Projects(t.Context(), c.scope, store.NameFilter{NameContains: c.filter}, store.Page{First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(projects.Items) != c.want || projects.Total != int64(c.want) {
			t.Errorf("projects in %+v containing %q: got %d (total %d), want %d", c.scope, c.filter, len(projects.Items), projects.Total, c.want)
		}
	}
	conn, err := s.Models(t.Context(), key, store.NameFilter{NameContains: "GBM"}, store.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(conn.Items) != 1 || conn.Items[0].Name != "fraud-gbm" || conn.Total != 1 {
		t.Fatalf("models filtered by GBM: got %+v (total %d)", conn.Items, conn.Total)
	}
}
