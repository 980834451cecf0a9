package store

import (
	"context"
	"math/rand/v2"
)

// This file serves the lineage benchmark (bench/lineage): sampling roots
// from a generated graph and the raw-Cypher floor it compares the API with.

// SampleLineageRoots returns n IDs of lineage nodes (runs, dataset and
// model versions) of the projects whose keys start with prefix+"-",
// chosen with a generator seeded by seed, so every run of the benchmark
// asks about the same nodes.
func (s *Store) SampleLineageRoots(ctx context.Context, prefix string, n int, seed uint64) ([]string, error) {
	ids, err := read(ctx, s, func(tx *txn) ([]string, error) {
		recs, err := tx.run(`
			MATCH (v:Node) WHERE v.projectKey STARTS WITH $prefix AND (v:Run OR v:DatasetVersion OR v:ModelVersion)
			RETURN v.id AS id ORDER BY id`, map[string]any{"prefix": prefix + "-"})
		if err != nil {
			return nil, err
		}
		out := make([]string, len(recs))
		for i, rec := range recs {
			if out[i], err = recStr(rec, "id"); err != nil {
				return nil, err
			}
		}
		return out, nil
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

// RawLineage runs the statements Lineage runs for req, with the same
// parameters, and only counts the records: the floor that the API's
// decoding, access checks and GraphQL come on top of.
func (s *Store) RawLineage(ctx context.Context, req LineageRequest) (int, error) {
	budget := req.MaxNodes
	if len(req.Kinds) > 0 {
		budget = min(MaxLineageWalk, 10*req.MaxNodes)
	}
	return s.rawWalk(ctx, req, budget, true)
}

// RawImpact is RawLineage for Impact.
func (s *Store) RawImpact(ctx context.Context, req ImpactRequest) (int, error) {
	lr := LineageRequest{Root: req.Root, Direction: Downstream, Depth: req.Depth, MaxNodes: MaxImpactNodes, AsOf: req.AsOf, Scope: req.Scope}
	return s.rawWalk(ctx, lr, MaxImpactNodes, false)
}

// RawLineagePath is RawLineage for LineagePath.
func (s *Store) RawLineagePath(ctx context.Context, req PathRequest) (int, error) {
	params := req.Scope.params()
	params["from"], params["to"], params["asOf"] = req.From, req.To, nil
	if req.AsOf != nil {
		params["asOf"] = req.AsOf.UTC()
	}
	return read(ctx, s, func(tx *txn) (int, error) {
		n := 0
		for _, q := range []string{pathEndsQuery, pathQuery} {
			recs, err := tx.run(q, params)
			if err != nil {
				return 0, err
			}
			n += len(recs)
		}
		return n, nil
	})
}

func (s *Store) rawWalk(ctx context.Context, req LineageRequest, budget int, edges bool) (int, error) {
	params := req.Scope.params()
	params["id"], params["asOf"] = req.Root, nil
	if req.AsOf != nil {
		params["asOf"] = req.AsOf.UTC()
	}
	if req.Direction == "" {
		req.Direction = Both
	}
	w := &walk{req: req, budget: budget, nodes: map[string]*walked{}, edges: edges}
	return read(ctx, s, func(tx *txn) (int, error) {
		recs, err := tx.run(rootQuery, params)
		if err != nil || len(recs) == 0 {
			return 0, err
		}
		ids := []string{req.Root}
		rootKind, _ := KindOf(req.Root)
		for _, dir := range []Direction{Downstream, Upstream} {
			if req.Direction != Both && req.Direction != dir {
				continue
			}
			q := walkQuery(dir, req.Depth)
			if rel, ok := containerEdges[rootKind]; ok {
				q = memberWalkQuery(dir, req.Depth, rel)
			}
			params["limit"] = budget
			recs, err := tx.run(q, params)
			if err != nil {
				return 0, err
			}
			rows, err := recRows(recs, "rows")
			if err != nil {
				return 0, err
			}
			if len(rows) >= budget {
				w.cut = true
			}
			for _, r := range rows {
				row := r.([]any)
				id := row[0].(string)
				ids = append(ids, id)
				w.order = append(w.order, id)
				n := &walked{reached: unreached}
				n.reached[dirIndex(dir)] = int(row[5].(int64))
				w.nodes[id] = n
			}
		}
		root := &walked{reached: unreached}
		for _, dir := range []Direction{Downstream, Upstream} {
			if req.Direction == Both || req.Direction == dir {
				root.reached[dirIndex(dir)] = 0
			}
		}
		w.order = append(w.order, req.Root)
		w.nodes[req.Root] = root
		questions := w.questions()
		if len(questions) == 0 {
			return len(ids), nil
		}
		params["ids"], params["edges"], params["rows"] = ids, edges, questions
		recs, err = tx.run(finishQuery, params)
		return len(ids) + len(recs), err
	})
}

// GraphSize counts the nodes and relationships of a generated graph.
type GraphSize struct{ Nodes, Edges int64 }

// CountGraph counts the nodes of the projects whose keys start with
// prefix+"-" and the relationships that start at them.
func (s *Store) CountGraph(ctx context.Context, prefix string) (GraphSize, error) {
	return read(ctx, s, func(tx *txn) (GraphSize, error) {
		rec, err := tx.single(`
			MATCH (v:Node) WHERE v.projectKey STARTS WITH $prefix
			RETURN count(v) AS nodes, sum(COUNT { (v)-->() }) AS edges`, map[string]any{"prefix": prefix + "-"})
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

// Hubs returns the n most-read dataset versions of the graph.
func (s *Store) Hubs(ctx context.Context, prefix string, n int) ([]string, error) {
	return read(ctx, s, func(tx *txn) ([]string, error) {
		recs, err := tx.run(`
			MATCH (v:DatasetVersion) WHERE v.projectKey STARTS WITH $prefix
			WITH v, COUNT { (v)-[:CONSUMED_BY]->() } AS readers
			ORDER BY readers DESC, v.id LIMIT $n
			RETURN v.id AS id`, map[string]any{"prefix": prefix + "-", "n": n})
		if err != nil {
			return nil, err
		}
		out := make([]string, len(recs))
		for i, rec := range recs {
			if out[i], err = recStr(rec, "id"); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}
