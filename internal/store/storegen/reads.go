package storegen

import (
	"context"
	"math/rand/v2"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The reads of this file serve the benchmarks (bench/lineage,
// bench/governance): sizing a generated graph and sampling the roots
// they ask about.

// SampleLineageRoots returns n IDs of lineage nodes (runs, dataset and
// model versions) of the projects whose keys start with prefix+"-",
// chosen with a generator seeded by seed, so every run of a benchmark
// asks about the same nodes. It returns no IDs when there are no such
// nodes.
func (gs *Graphs) SampleLineageRoots(ctx context.Context, prefix string, n int, seed uint64) ([]string, error) {
	ids, err := read(ctx, gs, func(tx neo4j.ManagedTransaction) ([]string, error) {
		recs, err := run(ctx, tx, `
			MATCH (v:Node) WHERE v.projectKey STARTS WITH $prefix AND (v:Run OR v:DatasetVersion OR v:ModelVersion)
			RETURN v.id AS id ORDER BY id`, map[string]any{"prefix": prefix + "-"})
		if err != nil {
			return nil, err
		}
		return recStrs(recs, "id")
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]string, n)
	for i := range out {
		out[i] = ids[rng.IntN(len(ids))]
	}
	return out, nil
}

// GraphSize counts the nodes and relationships of a generated graph.
type GraphSize struct{ Nodes, Edges int64 }

// CountGraph counts the nodes of the projects whose keys start with
// prefix+"-" and the relationships that start at them.
func (gs *Graphs) CountGraph(ctx context.Context, prefix string) (GraphSize, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) (GraphSize, error) {
		rec, err := one(run(ctx, tx, `
			MATCH (v:Node) WHERE v.projectKey STARTS WITH $prefix
			RETURN count(v) AS nodes, sum(COUNT { (v)-->() }) AS edges`, map[string]any{"prefix": prefix + "-"}))
		if err != nil {
			return GraphSize{}, err
		}
		n, err := recInt(rec, "nodes")
		if err != nil {
			return GraphSize{}, err
		}
		e, err := recInt(rec, "edges")
		return GraphSize{n, e}, err
	})
}

// Hubs returns the IDs of the n most-read dataset versions (by the runs
// that consume them) of the projects whose keys start with prefix+"-",
// most read first.
func (gs *Graphs) Hubs(ctx context.Context, prefix string, n int) ([]string, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) ([]string, error) {
		recs, err := run(ctx, tx, `
			MATCH (v:DatasetVersion) WHERE v.projectKey STARTS WITH $prefix
			WITH v, COUNT { (v)-[:CONSUMED_BY]->() } AS readers
			ORDER BY readers DESC, v.id LIMIT $n
			RETURN v.id AS id`, map[string]any{"prefix": prefix + "-", "n": n})
		if err != nil {
			return nil, err
		}
		return recStrs(recs, "id")
	})
}
