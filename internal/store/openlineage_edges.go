package store

// Edges, columns and quality assertions of an OpenLineage batch.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
)

// writeEdges links runs to the versions they read and wrote and jobs to the
// datasets, writes the outputs' column lineage; and records
// the producers' quality assertions. version returns what the batch knows
// of the version a use resolved to (its "vid" and stored "columnHash").
func (b *lineageBatch) writeEdges(uses []datasetUse, version func(versionRef) map[string]any) error {
	var consumed, produced, jobIO []map[string]any
	// A batch names the same edge many times (a run's START and COMPLETE,
	// the runs of one job): each is sent once.
	seen := map[[3]string]bool{}
	once := func(kind, a, b string) bool {
		k := [3]string{kind, a, b}
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
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
		if e.Job != nil && (u.role == "input" || u.role == "output") && once(u.role, b.res[u.i].JobID, dsID) {
			jobIO = append(jobIO, map[string]any{"job": b.res[u.i].JobID, "dataset": dsID, "role": u.role})
		}
		v := vid(u.ref)
		if v == "" {
			continue
		}
		if e.Run != nil {
			row := map[string]any{"run": b.res[u.i].RunID, "version": v}
			switch {
			case u.role == "input":
				if once("consumed", b.res[u.i].RunID, v) {
					consumed = append(consumed, row)
				}
				inputVersion[fmt.Sprint(u.i, "\x00", datasetKey(e.ProjectKey, u.d.Namespace, u.d.Name))] = v
			case once("produced", b.res[u.i].RunID, v):
				produced = append(produced, row)
			}
		}
		if u.d.Assertions != nil {
			assertions = append(assertions, assertion{u.i, v, u.d})
		}
	}
	lineage, marks, err := b.columnLineage(uses, version, inputVersion)
	if err != nil {
		return err
	}
	if len(consumed) == 0 && len(produced) == 0 && len(jobIO) == 0 && len(lineage) == 0 && len(marks) == 0 {
		return b.recordAllAssertions(assertions)
	}
	// An edge is new when its createdAt is this batch's: no other
	// statement of the batch writes these edges, and MERGE's lock makes a
	// concurrent writer's edge an older one.
	recs, err := b.run(`
		CALL { UNWIND $consumed AS e MATCH (v:DatasetVersion {id: e.version}), (r:Run {id: e.run})
		       MERGE (v)-[c:CONSUMED_BY]->(r) ON CREATE SET c.createdAt = $now
		       WITH r, v, c WHERE c.createdAt = $now RETURN collect([r.id, 'inputs', v.id]) AS newIn }
		CALL { UNWIND $produced AS e MATCH (v:DatasetVersion {id: e.version}), (r:Run {id: e.run})
		       MERGE (r)-[c:PRODUCED]->(v) ON CREATE SET c.createdAt = $now
		       WITH r, v, c WHERE c.createdAt = $now RETURN collect([r.id, 'outputs', v.id]) AS newOut }
		CALL { UNWIND $jobIO AS e MATCH (j:Job {id: e.job}), (d:Dataset {id: e.dataset})
		       FOREACH (_ IN CASE WHEN e.role = 'input' THEN [1] ELSE [] END | MERGE (d)-[:READ_BY]->(j))
		       FOREACH (_ IN CASE WHEN e.role = 'output' THEN [1] ELSE [] END | MERGE (j)-[:WRITES]->(d)) }
		CALL { UNWIND $lineage AS l MATCH (v:DatasetVersion {id: l.version})
		       SET v.columnLineage = l.lineage, v.columnLineageHash = l.hash }
		`+columnMarksCall+`
		RETURN newIn + newOut AS fresh`,
		map[string]any{"consumed": orEmpty(consumed), "produced": orEmpty(produced), "jobIO": orEmpty(jobIO),
			"lineage": orEmpty(lineage), "marks": orEmpty(marks), "now": b.now})
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
	return b.recordAllAssertions(assertions)
}

// assertion is a producer's quality assertions on a version, of event i.
type assertion struct {
	i       int
	version string
	d       LineageDataset
}

func (b *lineageBatch) recordAllAssertions(as []assertion) error {
	for _, a := range as {
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
	same, err := b.single(`
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
	rec, err := b.single(`
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

// columnLineage works out the column lineage properties the batch
// writes (see column_lineage.go): the rows of versions whose
// columnLineage changes, and the marks (new lineage columns, new
// feedsVersions) of every version involved. A version's column lineage
// is written once, and again only when it changed (a run's START and
// COMPLETE usually repeat it), by its hash; what changed is added to what
// the version has. An input column is of the version the run read
// (inputVersion, by event index and dataset key), else of the dataset's
// newest version.
func (b *lineageBatch) columnLineage(uses []datasetUse, version func(versionRef) map[string]any,
	inputVersion map[string]string) (lineage, marks []map[string]any, err error) {
	byVersion, hashes, order := map[string]columnLineage{}, map[string]string{}, []string{}
	var stored []string
	m := newColumnMarks()
	for _, u := range uses {
		e := b.events[u.i]
		row := version(u.ref)
		if row == nil || len(u.d.Columns) == 0 {
			continue
		}
		v := row["vid"].(string)
		// The hash covers what the event said, with input versions as the
		// run read them (not the newest version, which moves).
		var these []map[string]any
		for _, c := range u.d.Columns {
			for _, src := range c.From {
				k := datasetKey(e.ProjectKey, src.Namespace, src.Name)
				these = append(these, map[string]any{"toVersion": v, "to": c.Column, "fromDataset": b.sets[k],
					"fromVersion": inputVersion[fmt.Sprint(u.i, "\x00", k)], "from": src.Column,
					"transformations": src.Transformations, "run": b.res[u.i].RunID})
			}
		}
		h := derivationsHash(these)
		if row["columnHash"] == h || hashes[v] == h {
			continue
		}
		l := byVersion[v]
		if l == nil {
			l = columnLineage{}
			byVersion[v] = l
			order = append(order, v)
			if row["columnHash"] != "" {
				stored = append(stored, v)
			}
		}
		hashes[v] = h
		for _, f := range these {
			to, from, fromVersion := f["to"].(string), f["from"].(string), f["fromVersion"].(string)
			m.name(v, to)
			newest := fromVersion == ""
			if newest {
				fromVersion = b.latest[f["fromDataset"].(string)]
			}
			if fromVersion == "" {
				continue
			}
			l.add(to, columnSource{fromVersion, from, f["transformations"].(string)})
			m.name(fromVersion, from)
			if newest {
				m.feed(fromVersion, v)
			}
		}
	}
	if len(stored) > 0 {
		recs, err := b.run(`UNWIND $ids AS id MATCH (v:DatasetVersion {id: id}) RETURN v.id AS id, coalesce(v.columnLineage, '') AS lineage`,
			map[string]any{"ids": stored})
		if err != nil {
			return nil, nil, err
		}
		for _, rec := range recs {
			p := props{m: rec.AsMap()}
			id, text := p.str("id"), p.str("lineage")
			if p.err != nil {
				return nil, nil, p.err
			}
			had, err := parseColumnLineage(text)
			if err != nil {
				return nil, nil, fmt.Errorf("dataset version %s: %w", id, err)
			}
			had.merge(byVersion[id])
			byVersion[id] = had
		}
	}
	for _, v := range order {
		text, err := byVersion[v].encode()
		if err != nil {
			return nil, nil, err
		}
		lineage = append(lineage, map[string]any{"version": v, "lineage": text, "hash": hashes[v]})
	}
	return lineage, m.rows(), nil
}

// derivationFields are the fields of a derivation row that its hash
// covers, in order.
var derivationFields = [...]string{"toVersion", "to", "fromDataset", "fromVersion", "from", "transformations", "run"}

// derivationsHash identifies what an event said of an output's columns:
// a sha256 over every row's fields, each written with its length, so no
// two lists of rows write the same bytes.
func derivationsHash(rows []map[string]any) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, row := range rows {
		for _, f := range derivationFields {
			v, _ := row[f].(string)
			h.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
			io.WriteString(h, v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
