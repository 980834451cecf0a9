package store

// Datasets and versions of an OpenLineage batch.

import (
	"maps"
	"slices"
)

// datasetKey names a dataset of a project.
func datasetKey(project, ns, name string) string { return project + "\x00" + ns + "\x00" + name }

// eachDataset calls f for every dataset a live event mentions, including
// the inputs its column lineage names.
func (b *lineageBatch) eachDataset(f func(i int, d LineageDataset, role string)) {
	for _, i := range b.live {
		e := b.events[i]
		for _, d := range e.Inputs {
			f(i, d, "input")
		}
		for _, d := range e.Outputs {
			f(i, d, "output")
		}
		for _, d := range e.Datasets {
			f(i, d, "dataset")
		}
	}
}

func (b *lineageBatch) writeDatasets() error {
	type ds struct {
		row    map[string]any
		facets Facets
	}
	byKey, order := map[string]*ds{}, []string{}
	add := func(i int, ns, name string) *ds {
		e := b.events[i]
		k := datasetKey(e.ProjectKey, ns, name)
		d, ok := byKey[k]
		if !ok {
			d = &ds{row: map[string]any{"key": k, "projectKey": e.ProjectKey, "namespace": ns, "name": name,
				"id": newID(KindDataset), "actor": e.Actor}, facets: Facets{}}
			byKey[k] = d
			order = append(order, k)
		}
		return d
	}
	b.eachDataset(func(i int, d LineageDataset, _ string) {
		maps.Copy(add(i, d.Namespace, d.Name).facets, d.Facets)
		for _, c := range d.Columns {
			for _, src := range c.From {
				add(i, src.Namespace, src.Name)
			}
		}
	})
	if len(order) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(order))
	for n, k := range order {
		rows[n] = byKey[k].row
		rows[n]["want"] = wantFacets(byKey[k].facets)
	}
	recs, err := b.run(`
		UNWIND $rows AS d
		MATCH (p:Project {key: d.projectKey})
		MERGE (x:Dataset {projectKey: d.projectKey, namespace: d.namespace, name: d.name})
		  ON CREATE SET x:Node, x.id = d.id, x.displayName = d.name, x.description = '', x.createdAt = $now,
		                x.createdBy = d.actor, x.versionCount = 0, x.source = $source
		MERGE (p)-[:HAS_DATASET]->(x)
		RETURN d.key AS key, x.id AS id, x.id = d.id AS created, x.latestVersionId AS latest, `+facetsColumns("d"),
		map[string]any{"rows": rows, "now": b.now, "source": SourceOpenLineage})
	if err != nil {
		return err
	}
	nodes, err := decodeMerged(recs)
	if err != nil {
		return err
	}
	for i, rec := range recs {
		m := props{m: rec.AsMap()}
		if latest := m.optStr("latest"); latest != nil {
			b.latest[nodes[i].id] = *latest
		}
		if m.err != nil {
			return m.err
		}
	}
	var updates []map[string]any
	for _, n := range nodes {
		id, stored := n.id, n.facets
		d := byKey[n.key]
		b.sets[n.key] = id
		if n.created {
			b.draftNamed(EventDatasetRegistered, d.row, id)
		}
		if n.same {
			continue
		}
		if merged, changed, err := mergeFacets(stored, d.facets); err != nil {
			return err
		} else if changed || stored == "" || n.unhashed {
			updates = append(updates, map[string]any{"id": id, "facets": merged, "facetsHash": facetsDigest(merged), "feastKind": feastKindOf(merged)})
		}
	}
	if len(updates) == 0 {
		return nil
	}
	return b.later(`CALL { UNWIND $datasetFacets AS u MATCH (x:Dataset {id: u.id}) SET x.facets = u.facets, x.facetsHash = u.facetsHash, x.feastKind = u.feastKind }`,
		map[string]any{"datasetFacets": updates})
}

// versionRef is one dataset version an event's dataset resolves to.
type versionRef struct {
	datasetID, label string
}

// versionSet gathers the versions a batch writes, each with what the
// events say of it.
type versionSet struct {
	rows  map[versionRef]map[string]any
	order []versionRef
}

func newVersionSet() *versionSet { return &versionSet{rows: map[versionRef]map[string]any{}} }

// datasetUse is one dataset of one event, and the version it resolved to.
type datasetUse struct {
	i    int
	d    LineageDataset
	role string
	ref  versionRef
}

// add notes that event i's dataset d resolves to version label.
func (vs *versionSet) add(b *lineageBatch, i int, d LineageDataset, label string) versionRef {
	e := b.events[i]
	ref := versionRef{b.sets[datasetKey(e.ProjectKey, d.Namespace, d.Name)], label}
	row, ok := vs.rows[ref]
	if !ok {
		row = map[string]any{"datasetId": ref.datasetID, "label": label, "id": newID(KindDatasetVersion), "actor": e.Actor,
			"projectKey": e.ProjectKey, "uri": d.URI, "names": []string{}, "types": []string{}, "nulls": []bool{},
			"rowCount": nil, "facets": Facets{}, "statistics": nil}
		vs.rows[ref] = row
		vs.order = append(vs.order, ref)
	}
	if len(d.Schema) > 0 {
		names, types, nulls := make([]string, len(d.Schema)), make([]string, len(d.Schema)), make([]bool, len(d.Schema))
		for n, f := range d.Schema {
			names[n], types[n], nulls[n] = f.Name, f.Type, f.Nullable
		}
		row["names"], row["types"], row["nulls"] = names, types, nulls
	}
	if d.RowCount != nil {
		row["rowCount"] = *d.RowCount
	}
	if d.Statistics != "" {
		row["statistics"] = d.Statistics
	}
	maps.Copy(row["facets"].(Facets), d.Facets)
	maps.Copy(row["facets"].(Facets), d.IOFacets)
	return ref
}

// writeVersionsAndEdges resolves every dataset of the batch to a version,
// writes the versions and then the edges. A version is labelled by the
// producer (the version facet), else for an output by the producing run
// ("run:<runId>"); a run's input without a label is the dataset's latest
// version, or "unversioned" when it has none. Static lineage and dataset
// events describe datasets, not versions.
func (b *lineageBatch) writeVersionsAndEdges() error {
	first, later := newVersionSet(), newVersionSet()
	var uses, unlabelled []datasetUse
	b.eachDataset(func(i int, d LineageDataset, role string) {
		u := datasetUse{i: i, d: d, role: role}
		e := b.events[i]
		switch {
		case d.Version != "":
			u.ref = first.add(b, i, d, d.Version)
		case role == "output" && e.Run != nil:
			u.ref = first.add(b, i, d, "run:"+e.Run.ExternalID)
		case role == "input" && e.Run != nil:
			unlabelled = append(unlabelled, u)
			return
		}
		uses = append(uses, u)
	})
	if err := b.mergeVersions(first); err != nil {
		return err
	}
	if len(unlabelled) > 0 {
		latest, err := b.latestVersions(unlabelled)
		if err != nil {
			return err
		}
		for _, u := range unlabelled {
			label, ok := latest[[2]string{b.res[u.i].RunID, b.sets[datasetKey(b.events[u.i].ProjectKey, u.d.Namespace, u.d.Name)]}]
			if !ok {
				label = VersionUnversioned
			}
			u.ref = later.add(b, u.i, u.d, label)
			uses = append(uses, u)
		}
		if err := b.mergeVersions(later); err != nil {
			return err
		}
	}
	return b.writeEdges(uses, func(ref versionRef) map[string]any {
		for _, vs := range []*versionSet{later, first} {
			if row, ok := vs.rows[ref]; ok {
				return row
			}
		}
		return nil
	})
}

// latestVersions returns, for each use, the label of the version its run
// read already (a run's COMPLETE reads what its START read), else the
// dataset's newest version, when it has one; keyed by run and dataset.
func (b *lineageBatch) latestVersions(uses []datasetUse) (map[[2]string]string, error) {
	pairs, seen := []map[string]any{}, map[[2]string]bool{}
	for _, u := range uses {
		k := [2]string{b.res[u.i].RunID, b.sets[datasetKey(b.events[u.i].ProjectKey, u.d.Namespace, u.d.Name)]}
		if !seen[k] {
			seen[k] = true
			pairs = append(pairs, map[string]any{"run": k[0], "dataset": k[1]})
		}
	}
	recs, err := b.run(`
		UNWIND $pairs AS p
		MATCH (d:Dataset {id: p.dataset})
		OPTIONAL MATCH (read:DatasetVersion {datasetId: d.id})-[:CONSUMED_BY]->(:Run {id: p.run})
		WITH p, d, head(collect(read.version)) AS read
		OPTIONAL MATCH (newest:DatasetVersion {id: d.latestVersionId})
		RETURN p.run AS run, p.dataset AS dataset, coalesce(read, newest.version) AS label`, map[string]any{"pairs": pairs})
	if err != nil {
		return nil, err
	}
	out := map[[2]string]string{}
	for _, rec := range recs {
		m := props{m: rec.AsMap()}
		run, dataset, label := m.str("run"), m.str("dataset"), m.optStr("label")
		if m.err != nil {
			return nil, m.err
		}
		if label != nil {
			out[[2]string{run, dataset}] = *label
		}
	}
	return out, nil
}

// mergeVersions creates the versions not there yet and merges facets,
// schema, row count and statistics into those that are (a version's URI
// and digest never change). It sets each row's "vid".
func (b *lineageBatch) mergeVersions(vs *versionSet) error {
	if len(vs.order) == 0 {
		return nil
	}
	rows := make([]map[string]any, 0, len(vs.order))
	for _, ref := range vs.order {
		row := maps.Clone(vs.rows[ref])
		row["want"] = wantFacets(row["facets"].(Facets))
		delete(row, "facets")
		rows = append(rows, row)
	}
	recs, err := b.run(`
		UNWIND $rows AS v
		MATCH (d:Dataset {id: v.datasetId})
		MERGE (x:DatasetVersion {datasetId: d.id, version: v.label})
		  ON CREATE SET x:Node, x.id = v.id, x.projectKey = d.projectKey, x.displayName = d.name + '@' + v.label,
		                x.uri = v.uri, x.digest = null, x.schemaNames = v.names, x.schemaTypes = v.types,
		                x.schemaNullable = v.nulls, x.rowCount = v.rowCount, x.createdAt = $now, x.createdBy = v.actor,
		                x.source = $source, d.versionCount = d.versionCount + 1, d.latestVersionId = x.id
		MERGE (d)-[:HAS_VERSION]->(x)
		RETURN v.datasetId AS datasetId, v.label AS label, x.id AS id, x.id = v.id AS created,
		       `+facetsColumns("v")+`, x.source = $source AS ours,
		       coalesce(x.columnLineageHash, '') AS columnHash, x.schemaNames AS names, x.rowCount AS rowCount,
		       x.statistics AS statistics, d.latestVersionId AS latest`,
		map[string]any{"rows": rows, "now": b.now, "source": SourceOpenLineage})
	if err != nil {
		return err
	}
	var updates []map[string]any
	for _, rec := range recs {
		m := props{m: rec.AsMap()}
		ref := versionRef{m.str("datasetId"), m.str("label")}
		id, created, stored, ours, columnHash := m.str("id"), m.bool("created"), m.optStr("facets"), m.bool("ours"), m.str("columnHash")
		unhashed := m.bool("unhashed")
		names, rowCount, statistics, latest := m.strs("names"), m.optInt("rowCount"), m.optStr("statistics"), m.optStr("latest")
		if m.err != nil {
			return m.err
		}
		// The last row of a dataset reads its newest version after every
		// version the statement made.
		if latest != nil {
			b.latest[ref.datasetID] = *latest
		}
		row := vs.rows[ref]
		row["vid"], row["columnHash"] = id, columnHash
		if created {
			b.draft(row["actor"].(string), eventDraft{EventDatasetVersionRegister, row["projectKey"].(string), id,
				map[string]any{"datasetId": ref.datasetID, "version": ref.label, "digest": nil}})
		}
		// stored is nil when the facets stay as they are (see
		// facetsColumns); merged then too.
		var merged any
		changed := false
		if stored != nil {
			text, ch, err := mergeFacets(*stored, row["facets"].(Facets))
			if err != nil {
				return err
			}
			if changed = ch || *stored == "" || unhashed; changed {
				merged = text
			}
		}
		// Only what changed is written: a COMPLETE repeats most of what
		// its START said.
		newNames, _ := row["names"].([]string)
		newRows, _ := row["rowCount"].(int64)
		newStats, _ := row["statistics"].(string)
		differs := ours && !created && ((len(newNames) > 0 && !slices.Equal(newNames, names)) ||
			(row["rowCount"] != nil && (rowCount == nil || *rowCount != newRows)) ||
			(newStats != "" && (statistics == nil || *statistics != newStats)))
		if changed || differs {
			// The properties written are those that change, so the
			// statement reads nothing of the stored version.
			set := map[string]any{}
			if text, ok := merged.(string); ok {
				set["facets"], set["facetsHash"] = text, facetsDigest(text)
			}
			if newStats != "" && (statistics == nil || *statistics != newStats) {
				set["statistics"] = newStats
			}
			if ours && !created {
				if len(newNames) > 0 && !slices.Equal(newNames, names) {
					set["schemaNames"], set["schemaTypes"], set["schemaNullable"] = row["names"], row["types"], row["nulls"]
				}
				if row["rowCount"] != nil && (rowCount == nil || *rowCount != newRows) {
					set["rowCount"] = newRows
				}
			}
			if len(set) > 0 {
				updates = append(updates, map[string]any{"id": id, "set": set})
			}
		}
	}
	if len(updates) == 0 {
		return nil
	}
	// The next statement of the batch that reads a version (the second
	// mergeVersions) comes after one that sends this.
	return b.later(`
		CALL { UNWIND $versionUpdates AS u MATCH (x:DatasetVersion {id: u.id}) SET x += u.set }`,
		map[string]any{"versionUpdates": updates})
}
