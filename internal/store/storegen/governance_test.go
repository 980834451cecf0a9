package storegen_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

func TestGovernanceBenchmarkReads(t *testing.T) {
	gs, s := graphs(t)
	ctx := t.Context()
	prefix := neo4jtest.Key(t, "gv")
	if _, err := gs.GenerateLineage(ctx, storegen.GenSpec{Nodes: 1_000, Seed: 13, Prefix: prefix, Projects: 2, Hubs: 2}); err != nil {
		t.Fatal(err)
	}
	hubs, err := gs.Hubs(ctx, prefix, 1)
	if err != nil || len(hubs) != 1 {
		t.Fatalf("hubs %v, err %v", hubs, err)
	}
	hub := hubs[0]
	all, err := gs.ModelVersions(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	down, err := gs.ModelVersionsDownstream(ctx, hub)
	if err != nil {
		t.Fatal(err)
	}
	if len(down) == 0 {
		t.Fatalf("no model version downstream of hub %s", hub)
	}

	t.Run("ProjectKeys are the graph's projects in order", func(t *testing.T) {
		keys, err := gs.ProjectKeys(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 2 || !slices.IsSorted(keys) {
			t.Fatalf("project keys %v, want 2 in order", keys)
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, prefix+"-") {
				t.Errorf("project key %s does not start with %s-", k, prefix)
			}
		}
	})

	t.Run("ModelVersions are model versions with stages, in ID order", func(t *testing.T) {
		if len(all) == 0 || !slices.IsSortedFunc(all, func(a, b storegen.ModelVersion) int { return strings.Compare(a.ID, b.ID) }) {
			t.Fatalf("%d model versions, in order: %v", len(all), all)
		}
		for _, m := range all {
			if k, _ := store.KindOf(m.ID); k != store.KindModelVersion || m.Stage == "" {
				t.Errorf("model version %+v: a %s", m, k)
			}
		}
	})

	t.Run("ModelVersionsDownstream of a hub are model versions of the graph", func(t *testing.T) {
		if !slices.IsSortedFunc(down, func(a, b storegen.ModelVersion) int { return strings.Compare(a.ID, b.ID) }) {
			t.Errorf("not in ID order: %v", down)
		}
		for i, m := range down {
			if !slices.Contains(all, m) {
				t.Errorf("%+v is not among the graph's model versions", m)
			}
			if i > 0 && down[i-1].ID == m.ID {
				t.Errorf("%s twice", m.ID)
			}
		}
		n := neo4jtest.Count(t, `MATCH (:DatasetVersion {id: $id})-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..50]->(m:ModelVersion) RETURN count(DISTINCT m) AS n`, map[string]any{"id": hub})
		if int64(len(down)) != n {
			t.Errorf("%d model versions downstream, want %d", len(down), n)
		}
	})

	t.Run("UnvalidatedUpstream leaves out what passed", func(t *testing.T) {
		mv := down[0].ID
		up, err := gs.UnvalidatedUpstream(ctx, mv)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(up, hub) || !slices.IsSorted(up) {
			t.Fatalf("upstream of %s: %v, want the hub %s among them, in order", mv, up, hub)
		}
		for _, id := range up {
			if k, _ := store.KindOf(id); k != store.KindDatasetVersion {
				t.Errorf("upstream %s is a %s", id, k)
			}
		}
		neo4jtest.Exec(t, `MATCH (dv:DatasetVersion {id: $id}) SET dv.qualityStatus = 'PASSED'`, map[string]any{"id": hub})
		after, err := gs.UnvalidatedUpstream(ctx, mv)
		if err != nil {
			t.Fatal(err)
		}
		if want := slices.DeleteFunc(slices.Clone(up), func(id string) bool { return id == hub }); !slices.Equal(after, want) {
			t.Errorf("after the hub passed: %v, want %v", after, want)
		}
	})

	t.Run("an open request is listed, counted, found and profiled until cancelled", func(t *testing.T) {
		m := down[0]
		target := store.StageStaging
		if m.Stage == string(store.StageStaging) {
			target = store.StageProduction
		}
		req, err := s.RequestPromotion(ctx, "storegen-test", store.RequestPromotionInput{ModelVersionID: m.ID, TargetStage: target, Justification: "storegen"})
		if err != nil {
			t.Fatal(err)
		}
		open, err := gs.OpenPromotionRequests(ctx, prefix)
		if err != nil || !slices.Equal(open, []string{req.ID}) {
			t.Errorf("open requests %v, err %v; want [%s]", open, err, req.ID)
		}
		counts, err := gs.CountPromotionRequests(ctx)
		if err != nil || counts.Open < 1 || counts.Total < counts.Open {
			t.Errorf("counts %+v, err %v", counts, err)
		}
		if n, err := gs.Reevaluate(ctx, hub, time.Minute); err != nil || n != 1 {
			t.Errorf("Reevaluate(hub): %d requests, err %v; want 1", n, err)
		}
		if n, err := gs.Reevaluate(ctx, neo4jtest.UnknownID("dsv_"), time.Minute); err != nil || n != 0 {
			t.Errorf("Reevaluate(unknown): %d requests, err %v; want 0", n, err)
		}
		prof, err := gs.ProfileReevaluation(ctx, hub, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if prof.Rows != 1 || prof.Plan == nil || prof.Plan.Operator() == "" {
			t.Errorf("profile: %d rows, plan %v; want 1 row and a plan", prof.Rows, prof.Plan)
		}

		if _, err := s.CancelPromotion(ctx, "storegen-test", req.ID, func(*store.PromotionRequest) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if open, err := gs.OpenPromotionRequests(ctx, prefix); err != nil || len(open) != 0 {
			t.Errorf("open requests after cancelling %v, err %v", open, err)
		}
		if n, err := gs.Reevaluate(ctx, hub, time.Minute); err != nil || n != 0 {
			t.Errorf("Reevaluate(hub) after cancelling: %d requests, err %v", n, err)
		}
	})

	t.Run("ServerVersion names a version", func(t *testing.T) {
		v, err := gs.ServerVersion(ctx)
		if err != nil || v == "" || v[0] < '0' || v[0] > '9' {
			t.Errorf("version %q, err %v", v, err)
		}
	})

	t.Run("nothing with an unused prefix", func(t *testing.T) {
		unused := neo4jtest.Key(t, "none")
		keys, err := gs.ProjectKeys(ctx, unused)
		if err != nil || len(keys) != 0 {
			t.Errorf("project keys %v, err %v", keys, err)
		}
		mvs, err := gs.ModelVersions(ctx, unused)
		if err != nil || len(mvs) != 0 {
			t.Errorf("model versions %v, err %v", mvs, err)
		}
		open, err := gs.OpenPromotionRequests(ctx, unused)
		if err != nil || len(open) != 0 {
			t.Errorf("open requests %v, err %v", open, err)
		}
	})
}
