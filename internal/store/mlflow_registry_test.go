package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// TestRegistryConcurrentVersionsAndAliases: concurrent creates number
// versions without gaps, concurrent alias moves leave the alias on exactly
// one version, and a version of another project's run is refused.
func TestRegistryConcurrentVersionsAndAliases(t *testing.T) {
	s := neo4jtest.Store(t)
	pk := newProject(t, s, "mlr")
	m, err := s.CreateRegisteredModel(t.Context(), "alice", store.CreateRegisteredModelInput{ProjectKey: pk, Name: "scorer"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateRegisteredModel(t.Context(), "alice", store.CreateRegisteredModelInput{ProjectKey: pk, Name: "scorer"})
	wantErr(t, err, errs.Conflict)

	const n = 8
	var wg sync.WaitGroup
	versions := make([]int64, n)
	errsOf := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := s.CreateRegistryVersion(t.Context(), "alice", store.RegistryVersionInput{ModelID: m.ID, Source: fmt.Sprintf("s3://m/%d", i)})
			errsOf[i] = err
			if err == nil {
				versions[i] = v.Version
			}
		}()
	}
	wg.Wait()
	for _, err := range errsOf {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(versions)
	for i, v := range versions {
		if v != int64(i+1) {
			t.Fatalf("versions = %v, want 1..%d", versions, n)
		}
	}

	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.SetModelAlias(t.Context(), "alice", m.ID, "blue", int64(i+1), false); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := s.RegisteredModel(t.Context(), pk, "scorer")
	if err != nil || len(got.Aliases) != 1 || got.Aliases[0].Alias != "blue" {
		t.Fatalf("aliases = %+v, %v", got.Aliases, err)
	}
	_, err = s.SetModelAlias(t.Context(), "alice", m.ID, store.ProductionAlias, 1, false)
	wantErr(t, err, errs.Invalid)
	_, err = s.SetModelAlias(t.Context(), "alice", m.ID, "champion", 1, true)
	wantErr(t, err, errs.Conflict)

	other := newRun(t, s, "mlx", store.StatusRunning)
	_, err = s.CreateRegistryVersion(t.Context(), "alice", store.RegistryVersionInput{ModelID: m.ID, Source: "s3://x", RunID: other.ID})
	wantErr(t, err, errs.NotFound)
	if v, err := s.RegistryVersion(t.Context(), m.ID, n+1); err == nil {
		t.Fatalf("a refused version was written: %+v", v)
	}
}
