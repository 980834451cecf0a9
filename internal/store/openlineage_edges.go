package store

// Edges, columns and quality assertions of an OpenLineage batch.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

// writeEdges links runs to the versions they read and wrote, jobs to the
// datasets, and the columns an output's column lineage names; and records
// the producers' quality assertions. version returns what the batch knows
// of the version a use resolved to (its "vid" and stored "columnHash").
func (b *lineageBatch) writeEdges(uses []datasetUse, version func(versionRef) map[string]any) error {
	var consumed, produced, jobIO, feeds []map[string]any
	type assertion struct {
		i       int
		version string
		d       LineageDataset
	}
	var assertions []assertion
	inputVersion := map[string]string{} // event index + dataset key → version id
	vid := func(ref versionRef) string {
		if row := version(ref); row != nil {
			return row["vid"].(string)
		}
		return ""
	}
	for _, u := range uses {
		e := b.events[u.i]
		dsID := b.sets[datasetKey(e.ProjectKey, u.d.Namespace, u.d.Name)]
		if e.Job != nil && (u.role == "input" || u.role == "output") {
			jobIO = append(jobIO, map[string]any{"job": b.res[u.i].JobID, "dataset": dsID, "role": u.role})
		}
		v := vid(u.ref)
		if v == "" {
			continue
		}
		if e.Run != nil {
			row := map[string]any{"run": b.res[u.i].RunID, "version": v}
			if u.role == "input" {
				consumed = append(consumed, row)
				inputVersion[fmt.Sprint(u.i, "\x00", datasetKey(e.ProjectKey, u.d.Namespace, u.d.Name))] = v
			} else {
				produced = append(produced, row)
			}
		}
		if u.d.Assertions != nil {
			assertions = append(assertions, assertion{u.i, v, u.d})
		}
	}
	// Column lineage: a version's is written once, and again only when it
	// changed (a run's START and COMPLETE usually repeat it); the input
	// columns are those of the versions the run read, else of the
	// dataset's newest version.
	type colKey struct{ version, name string }
	columns, hashes := map[colKey]bool{}, []map[string]any{}
	written := map[string]string{}
	for _, u := range uses {
		e := b.events[u.i]
		row := version(u.ref)
		if row == nil || len(u.d.Columns) == 0 {
			continue
		}
		v := row["vid"].(string)
		var these []map[string]any
		for _, c := range u.d.Columns {
			for _, src := range c.From {
				k := datasetKey(e.ProjectKey, src.Namespace, src.Name)
				from := inputVersion[fmt.Sprint(u.i, "\x00", k)]
				these = append(these, map[string]any{"toVersion": v, "to": c.Column, "fromDataset": b.sets[k], "fromVersion": from,
					"from": src.Column, "transformations": src.Transformations, "run": b.res[u.i].RunID})
			}
		}
		sig, err := json.Marshal(these)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(sig)
		h := hex.EncodeToString(sum[:])
		if row["columnHash"] == h || written[v] == h {
			continue
		}
		written[v] = h
		hashes = append(hashes, map[string]any{"version": v, "hash": h})
		for _, f := range these {
			columns[colKey{v, f["to"].(string)}] = true
			if fv := f["fromVersion"].(string); fv != "" {
				columns[colKey{fv, f["from"].(string)}] = true
			}
			feeds = append(feeds, f)
		}
	}
	colRows := make([]map[string]any, 0, len(columns))
	for k := range columns {
		colRows = append(colRows, map[string]any{"version": k.version, "name": k.name, "id": newColumnID()})
	}
	for _, f := range feeds {
		f["id"] = newColumnID()
	}
	recs, err := b.tx.run(`
		CALL { UNWIND $consumed AS e MATCH (v:DatasetVersion {id: e.version}), (r:Run {id: e.run})
		       OPTIONAL MATCH (v)-[old:CONSUMED_BY]->(r)
		       MERGE (v)-[c:CONSUMED_BY]->(r) ON CREATE SET c.createdAt = $now
		       WITH r, v WHERE old IS NULL RETURN collect([r.id, 'inputs', v.id]) AS newIn }
		CALL { UNWIND $produced AS e MATCH (v:DatasetVersion {id: e.version}), (r:Run {id: e.run})
		       OPTIONAL MATCH (r)-[old:PRODUCED]->(v)
		       MERGE (r)-[c:PRODUCED]->(v) ON CREATE SET c.createdAt = $now
		       WITH r, v WHERE old IS NULL RETURN collect([r.id, 'outputs', v.id]) AS newOut }
		CALL { UNWIND $jobIO AS e MATCH (j:Job {id: e.job}), (d:Dataset {id: e.dataset})
		       FOREACH (_ IN CASE WHEN e.role = 'input' THEN [1] ELSE [] END | MERGE (d)-[:READ_BY]->(j))
		       FOREACH (_ IN CASE WHEN e.role = 'output' THEN [1] ELSE [] END | MERGE (j)-[:WRITES]->(d)) }
		CALL { UNWIND $columns AS c MATCH (v:DatasetVersion {id: c.version})
		       MERGE (x:Column {versionId: v.id, name: c.name})
		         ON CREATE SET x.id = c.id, x.projectKey = v.projectKey }
		CALL { UNWIND $feeds AS f
		       MATCH (d:Dataset {id: f.fromDataset})
		       OPTIONAL MATCH (read:DatasetVersion {id: f.fromVersion})
		       OPTIONAL MATCH (newest:DatasetVersion {id: d.latestVersionId})
		       WITH f, coalesce(read, newest) AS v WHERE v IS NOT NULL
		       MERGE (a:Column {versionId: v.id, name: f.from}) ON CREATE SET a.id = f.id, a.projectKey = v.projectKey
		       WITH a, f MATCH (o:Column {versionId: f.toVersion, name: f.to})
		       MERGE (a)-[e:FEEDS]->(o) SET e.transformations = f.transformations, e.runId = f.run }
		CALL { UNWIND $hashes AS h MATCH (v:DatasetVersion {id: h.version}) SET v.columnLineageHash = h.hash }
		RETURN newIn + newOut AS fresh`,
		map[string]any{"consumed": orEmpty(consumed), "produced": orEmpty(produced), "jobIO": orEmpty(jobIO),
			"columns": orEmpty(colRows), "feeds": orEmpty(feeds), "hashes": orEmpty(hashes), "now": b.now})
	if err != nil {
		return err
	}
	if len(recs) == 1 {
		fresh, _, err := getList(recs[0], "fresh")
		if err != nil {
			return err
		}
		changed := map[string]map[string][]string{}
		var runOrder []string
		for _, f := range fresh {
			t, ok := f.([]any)
			if !ok || len(t) != 3 {
				continue
			}
			run, key, v := fmt.Sprint(t[0]), fmt.Sprint(t[1]), fmt.Sprint(t[2])
			if changed[run] == nil {
				changed[run] = map[string][]string{}
				runOrder = append(runOrder, run)
			}
			changed[run][key] = append(changed[run][key], v)
		}
		for _, run := range runOrder {
			for _, i := range b.live {
				if b.res[i].RunID == run {
					payload := map[string]any{"jobId": b.res[i].JobID}
					for k, ids := range changed[run] {
						slices.Sort(ids)
						payload[k] = ids
					}
					b.draft(b.events[i].Actor, eventDraft{EventRunLineageChanged, b.events[i].ProjectKey, run, payload})
					break
				}
			}
		}
	}
	for _, a := range assertions {
		if err := b.recordAssertions(a.i, a.version, a.d); err != nil {
			return err
		}
	}
	return nil
}

// recordAssertions records a producer's quality assertions on a version as
// a finished validation run, as RecordValidationResult does.
func (b *lineageBatch) recordAssertions(i int, versionID string, d LineageDataset) error {
	e := b.events[i]
	p, err := outcomeProps(*d.Assertions)
	if err != nil {
		return err
	}
	p["engine"], p["engineVersion"], p["startedAt"], p["finishedAt"], p["createdAt"] = EngineOpenLineage, nil, e.Time, e.Time, b.now
	p["createdBy"], p["suiteName"], p["suiteKey"] = e.Actor, d.AssertionSuite, "external:"+d.AssertionSuite
	p["openlineageRunId"] = b.res[i].RunID
	// START and COMPLETE of one run often carry the same assertions: they
	// are recorded once, and again only when their outcome changed.
	same, err := b.tx.single(`
		MATCH (r:ValidationRun {datasetVersionId: $versionId, openlineageRunId: $run, suiteName: $suite})
		WITH r ORDER BY r.createdAt DESC, r.id DESC LIMIT 1
		RETURN r.status = $status AND r.results = $results AS same`,
		map[string]any{"versionId": versionID, "run": b.res[i].RunID, "suite": d.AssertionSuite,
			"status": p["status"], "results": p["results"]})
	if err != nil {
		return err
	}
	if same != nil {
		if ok, err := recBool(same, "same"); err != nil || ok {
			return err
		}
	}
	rec, err := b.tx.single(`
		MATCH (v:DatasetVersion {id: $versionId})
		CREATE (r:ValidationRun:Node {id: $id})
		SET r += $props, r.projectKey = v.projectKey, r.datasetId = v.datasetId, r.datasetVersionId = v.id,
		    r.displayName = $suiteName + ' on ' + v.displayName
		CREATE (r)-[:VALIDATES]->(v)
		RETURN r{.*} AS r`,
		map[string]any{"versionId": versionID, "id": newID(KindValidationRun), "props": p, "suiteName": d.AssertionSuite})
	if err != nil {
		return err
	}
	run, err := recDecode(rec, "r", decodeValidationRun)
	if err != nil {
		return err
	}
	// The batch's own events go first so the log keeps the order in
	// which things happened: the run and the version, then the result.
	if err := b.appendDrafts(); err != nil {
		return err
	}
	return b.s.completed(b.tx, e.Actor, run)
}
