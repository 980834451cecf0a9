package store

import "context"

// byIDQueries holds one lookup statement per label; labels come from the
// kinds table, never from a request.
var byIDQueries = func() map[Kind]string {
	m := make(map[Kind]string, len(kinds))
	for _, k := range kinds {
		m[k.kind] = "UNWIND $ids AS id MATCH (n:" + k.label + " {id: id}) RETURN n{.*} AS n"
	}
	return m
}()

// byIDs fetches nodes of one kind in one round-trip; missing IDs are absent
// from the map.
func byIDs[T any](ctx context.Context, s *Store, k Kind, ids []string, decode func(map[string]any) (T, error), id func(T) string) (map[string]T, error) {
	return read(ctx, s, func(tx *txn) (map[string]T, error) {
		recs, err := tx.run(byIDQueries[k], map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		vs, err := recsDecode(recs, "n", decode)
		if err != nil {
			return nil, err
		}
		out := make(map[string]T, len(vs))
		for _, v := range vs {
			out[id(v)] = v
		}
		return out, nil
	})
}

// ProjectsByIDs returns projects by global ID.
func (s *Store) ProjectsByIDs(ctx context.Context, ids []string) (map[string]*Project, error) {
	return byIDs(ctx, s, KindProject, ids, decodeProject, func(v *Project) string { return v.ID })
}

// ExperimentsByIDs returns experiments by ID.
func (s *Store) ExperimentsByIDs(ctx context.Context, ids []string) (map[string]*Experiment, error) {
	return byIDs(ctx, s, KindExperiment, ids, decodeExperiment, func(v *Experiment) string { return v.ID })
}

// RunsByIDs returns runs by ID.
func (s *Store) RunsByIDs(ctx context.Context, ids []string) (map[string]*Run, error) {
	return byIDs(ctx, s, KindRun, ids, decodeRun, func(v *Run) string { return v.ID })
}

// DatasetsByIDs returns datasets by ID.
func (s *Store) DatasetsByIDs(ctx context.Context, ids []string) (map[string]*Dataset, error) {
	return byIDs(ctx, s, KindDataset, ids, decodeDataset, func(v *Dataset) string { return v.ID })
}

// DatasetVersionsByIDs returns dataset versions by ID.
func (s *Store) DatasetVersionsByIDs(ctx context.Context, ids []string) (map[string]*DatasetVersion, error) {
	return byIDs(ctx, s, KindDatasetVersion, ids, decodeDatasetVersion, func(v *DatasetVersion) string { return v.ID })
}

// ModelsByIDs returns models by ID.
func (s *Store) ModelsByIDs(ctx context.Context, ids []string) (map[string]*Model, error) {
	return byIDs(ctx, s, KindModel, ids, decodeModel, func(v *Model) string { return v.ID })
}

// ModelVersionsByIDs returns model versions by ID.
func (s *Store) ModelVersionsByIDs(ctx context.Context, ids []string) (map[string]*ModelVersion, error) {
	return byIDs(ctx, s, KindModelVersion, ids, decodeModelVersion, func(v *ModelVersion) string { return v.ID })
}

// ProjectsOf returns the project key of each of ids that names a node;
// IDs of nothing are absent from the map.
func (s *Store) ProjectsOf(ctx context.Context, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	return read(ctx, s, func(tx *txn) (map[string]string, error) {
		rec, err := tx.single(`OPTIONAL MATCH (n:Node) WHERE n.id IN $ids RETURN collect([n.id, n.projectKey]) AS refs`, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		return refProjects(rec)
	})
}

// IDsIn returns the node IDs among the strings of a JSON document.
func IDsIn(doc any) []string {
	var ids []string
	eachID(doc, nil, func(_ []any, id string) { ids = append(ids, id) })
	return ids
}
