package storegen_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

// graphs returns the generator over the test instance, its migrations
// applied (the store's uniqueness constraints and indexes), and the store
// over the same instance.
func graphs(t *testing.T) (*storegen.Graphs, *store.Store) {
	t.Helper()
	s := neo4jtest.Store(t)
	return storegen.New(neo4jtest.Driver(t), ""), s
}

// wantErr fails unless err is sentinel.
func wantErr(t testing.TB, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("want %v, got %v", sentinel, err)
	}
}

// wantInvalidField fails unless err is errs.Invalid and its message names
// field ("<field>: ...").
func wantInvalidField(t testing.TB, err error, field string) {
	t.Helper()
	wantErr(t, err, errs.Invalid)
	if !strings.Contains(err.Error(), ": "+field+":") {
		t.Fatalf("error %q does not name field %q", err, field)
	}
}

// graphSignature describes a generated graph without its IDs or project
// keys: every node as label and name, every edge as type and end names.
func graphSignature(t *testing.T, prefix string) []string {
	t.Helper()
	ctx := t.Context()
	res, err := neo4j.ExecuteQuery(ctx, neo4jtest.Driver(t), `
		MATCH (a:Node) WHERE a.projectKey STARTS WITH $p
		OPTIONAL MATCH (a)-[e]->(b:Node)
		RETURN [l IN labels(a) WHERE l <> 'Node'][0] + ' ' + a.displayName AS node,
		       CASE WHEN e IS NULL THEN null ELSE type(e) + ' ' + b.displayName END AS edge`,
		map[string]any{"p": prefix + "-"}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	var sig []string
	for _, rec := range res.Records {
		node, _ := rec.Get("node")
		edge, _ := rec.Get("edge")
		sig = append(sig, strings.ReplaceAll(fmt.Sprintf("%v -> %v", node, edge), prefix+"-", "P-"))
	}
	slices.Sort(sig)
	return sig
}

func TestGenerateLineageIsDeterministic(t *testing.T) {
	gs, _ := graphs(t)
	ctx := t.Context()
	a, b := neo4jtest.Key(t, "ga"), neo4jtest.Key(t, "gb")
	spec := storegen.GenSpec{Nodes: 2_000, Seed: 7, Projects: 3, Hubs: 2, Batch: 500}
	spec.Prefix = a
	sa, err := gs.GenerateLineage(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	spec.Prefix = b
	sb, err := gs.GenerateLineage(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Nodes < 2_000 || sa.Nodes > 2_500 || sa.Nodes != sb.Nodes || sa.Edges != sb.Edges {
		t.Fatalf("stats differ or miss the size: %+v vs %+v", sa, sb)
	}
	if got := neo4jtest.Count(t, `MATCH (n:Node) WHERE n.projectKey STARTS WITH $p RETURN count(n) AS n`, map[string]any{"p": a + "-"}); got != int64(sa.Nodes) {
		t.Errorf("%d nodes in the database, stats say %d", got, sa.Nodes)
	}
	if sigA, sigB := graphSignature(t, a), graphSignature(t, b); !slices.Equal(sigA, sigB) {
		t.Errorf("same seed, different graphs: %d vs %d lines", len(sigA), len(sigB))
	}
	// Different seed, different graph.
	spec.Prefix, spec.Seed = neo4jtest.Key(t, "gc"), 8
	if _, err := gs.GenerateLineage(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(graphSignature(t, a), graphSignature(t, spec.Prefix)) {
		t.Error("seeds 7 and 8 gave the same graph")
	}
}

func TestGenerateLineageShape(t *testing.T) {
	gs, s := graphs(t)
	ctx := t.Context()
	prefix := neo4jtest.Key(t, "gs")
	st, err := gs.GenerateLineage(ctx, storegen.GenSpec{Nodes: 5_000, Seed: 3, Prefix: prefix, Projects: 4, Hubs: 3})
	if err != nil {
		t.Fatal(err)
	}
	p := map[string]any{"p": prefix + "-", "hub": st.Hubs[0]}
	// Time never runs backwards along an edge, so asOf sees a consistent
	// past: an edge is never older than either end.
	if n := neo4jtest.Count(t, `MATCH (a:Node)-[e]->(b:Node) WHERE a.projectKey STARTS WITH $p
		AND (e.createdAt < a.createdAt OR e.createdAt < b.createdAt) RETURN count(e) AS n`, p); n != 0 {
		t.Errorf("%d edges older than an end", n)
	}
	// The most-read hub is read by far more runs than a typical version.
	hubReaders := neo4jtest.Count(t, `MATCH (:DatasetVersion {id: $hub})-[:CONSUMED_BY]->(r) RETURN count(r) AS n`, p)
	if hubReaders < 50 {
		t.Errorf("the most-read hub has %d readers", hubReaders)
	}
	// Every node kind and lineage edge type is there, some pipelines read
	// other projects, and model versions reach production.
	for _, q := range []string{
		`MATCH (n:Run) WHERE n.projectKey STARTS WITH $p RETURN count(n) AS n`,
		`MATCH (n:ModelVersion {stage: 'PRODUCTION'}) WHERE n.projectKey STARTS WITH $p RETURN count(n) AS n`,
		`MATCH (a:Node)-[e:DERIVED_INTO]->() WHERE a.projectKey STARTS WITH $p RETURN count(e) AS n`,
		`MATCH (a:DatasetVersion)-[e:CONSUMED_BY]->(r:Run) WHERE a.projectKey STARTS WITH $p AND a.projectKey <> r.projectKey RETURN count(e) AS n`,
		`MATCH (d:Dataset)-[:HAS_VERSION]->(v:DatasetVersion) WHERE d.projectKey STARTS WITH $p AND d.versionCount > 1 RETURN count(v) AS n`,
	} {
		if neo4jtest.Count(t, q, p) == 0 {
			t.Errorf("none of: %s", q)
		}
	}
	// What the generator writes reads back through the store.
	depth, maxNodes := 3, 100
	g, err := lineage.New(s).LineageIn(ctx, store.Scope{All: true}, lineage.Request{Root: st.Hubs[0], Direction: store.Downstream, Depth: &depth, MaxNodes: &maxNodes})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 100 || !slices.Contains(g.TruncatedBy, lineage.TruncatedMaxNodes) {
		t.Errorf("hub lineage: %d nodes, truncatedBy %v", len(g.Nodes), g.TruncatedBy)
	}
	// A second graph with the same prefix is refused, and adds nothing.
	before := neo4jtest.Count(t, `MATCH (n:Node) WHERE n.projectKey STARTS WITH $p RETURN count(n) AS n`, p)
	_, err = gs.GenerateLineage(ctx, storegen.GenSpec{Nodes: 200, Seed: 4, Prefix: prefix})
	wantErr(t, err, errs.Conflict)
	if after := neo4jtest.Count(t, `MATCH (n:Node) WHERE n.projectKey STARTS WITH $p RETURN count(n) AS n`, p); after != before {
		t.Errorf("a refused generation wrote %d nodes", after-before)
	}
}

func TestGenerateLineageBadSpec(t *testing.T) {
	gs, _ := graphs(t)
	for _, c := range []struct {
		spec  storegen.GenSpec
		field string
	}{
		{storegen.GenSpec{Nodes: 99}, "nodes"},
		{storegen.GenSpec{Nodes: 1000, Projects: -1}, "projects"},
		{storegen.GenSpec{Nodes: 1000, Hubs: 5000}, "hubs"},
		{storegen.GenSpec{Nodes: 1000, Prefix: "Bad Prefix"}, "prefix"},
		{storegen.GenSpec{Nodes: 1000, Batch: 10}, "batch"},
	} {
		_, err := gs.GenerateLineage(t.Context(), c.spec)
		wantInvalidField(t, err, c.field)
	}
	if n := neo4jtest.Count(t, `MATCH (p:Project) WHERE p.key STARTS WITH 'lg-' OR p.key STARTS WITH 'Bad' RETURN count(p) AS n`, nil); n != 0 {
		t.Errorf("a bad spec wrote %d projects", n)
	}
}

// TestGenerateBatchTimeoutGrowsWithTheBatch: a batch's transaction may
// run longer the more it writes, and never less than the minutes a busy
// machine may take over a small one.
func TestGenerateBatchTimeoutGrowsWithTheBatch(t *testing.T) {
	small, large := storegen.GenSpec{Batch: 500}.BatchTimeout(), storegen.GenSpec{Batch: 100_000}.BatchTimeout()
	if small < time.Minute || large < small+10*time.Minute {
		t.Errorf("batch timeouts: %s for 500 nodes, %s for 100,000", small, large)
	}
	if def, full := (storegen.GenSpec{}).BatchTimeout(), (storegen.GenSpec{Batch: 10_000}).BatchTimeout(); def != full {
		t.Errorf("the default batch's timeout is %s, a batch of 10,000's %s", def, full)
	}
}
