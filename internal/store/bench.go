package store

import "context"

// This file serves the lineage benchmark (bench/lineage): the raw-Cypher
// floor it compares the API with. It stays in the store because it runs
// the store's own lineage statements; the benchmark's other reads and the
// graph generator are in internal/store/storegen.

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
