package store

// Jobs and runs of an OpenLineage batch.

import (
	"maps"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func (b *lineageBatch) writeJobs() error {
	type job struct {
		row    map[string]any
		facets Facets
		desc   *string
		code   *CodeRef
		idx    []int
	}
	byKey, order := map[string]*job{}, []string{}
	add := func(i int, project, ns, name string) *job {
		k := jobKey(project, ns, name)
		j, ok := byKey[k]
		if !ok {
			j = &job{row: map[string]any{"key": k, "projectKey": project, "namespace": ns, "name": name,
				"id": newID(KindJob), "actor": b.events[i].Actor}, facets: Facets{}}
			byKey[k] = j
			order = append(order, k)
		}
		return j
	}
	for _, i := range b.live {
		e := b.events[i]
		if e.Job == nil {
			continue
		}
		j := add(i, e.ProjectKey, e.Job.Namespace, e.Job.Name)
		j.idx = append(j.idx, i)
		maps.Copy(j.facets, e.Job.Facets)
		if e.Job.Description != nil {
			j.desc = e.Job.Description
		}
		if e.Job.Code != nil {
			j.code = e.Job.Code
		}
		if p := e.Job.Parent; p != nil {
			add(i, e.ProjectKey, p.Namespace, p.Name)
		}
	}
	if len(order) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(order))
	for n, k := range order {
		rows[n] = byKey[k].row
		rows[n]["want"] = wantFacets(byKey[k].facets)
	}
	recs, err := b.run(`
		UNWIND $rows AS j
		MATCH (p:Project {key: j.projectKey})
		MERGE (x:Job {projectKey: j.projectKey, namespace: j.namespace, name: j.name})
		  ON CREATE SET x:Node, x.id = j.id, x.displayName = j.name, x.createdAt = $now, x.updatedAt = $now,
		                x.createdBy = j.actor, x.facets = '{}', x.source = $source
		MERGE (p)-[:HAS_JOB]->(x)
		RETURN j.key AS key, x.id AS id, x.id = j.id AS created, x.description AS description,
		       x.codeRepo AS codeRepo, x.codeCommit AS codeCommit, `+facetsColumns("j"),
		map[string]any{"rows": rows, "now": b.now, "source": SourceOpenLineage})
	if err != nil {
		return err
	}
	nodes, err := decodeMerged(recs)
	if err != nil {
		return err
	}
	var updates []map[string]any
	for i, n := range nodes {
		key, id, created, stored := n.key, n.id, n.created, n.facets
		m := props{m: recs[i].AsMap()}
		desc, repo, commit := m.optStr("description"), m.optStr("codeRepo"), m.optStr("codeCommit")
		if m.err != nil {
			return m.err
		}
		j := byKey[key]
		b.jobs[key] = id
		if created {
			b.draftNamed(EventJobCreated, j.row, id)
		}
		var merged any // nil: the facets stay
		changed := false
		if !n.same {
			text, ch, err := mergeFacets(stored, j.facets)
			if err != nil {
				return err
			}
			if changed = ch; ch || n.unhashed {
				merged = text
			}
		}
		// Only what differs from the stored job is written (and then
		// updatedAt): most events describe their job as the last did.
		set := map[string]any{}
		if text, ok := merged.(string); ok {
			set["facets"], set["facetsHash"] = text, facetsDigest(text)
		}
		if j.desc != nil && (desc == nil || *desc != *j.desc) {
			set["description"] = *j.desc
		}
		if j.code != nil && (repo == nil || *repo != j.code.Repo || commit == nil || *commit != j.code.Commit) {
			set["codeRepo"], set["codeCommit"] = j.code.Repo, j.code.Commit
		}
		if len(set) == 0 {
			continue
		}
		set["updatedAt"] = b.now
		updates = append(updates, map[string]any{"id": id, "set": set})
		if changed && !created {
			b.draftNamed(EventJobUpdated, j.row, id)
		}
	}
	for _, i := range b.live {
		if e := b.events[i]; e.Job != nil {
			b.res[i].JobID = b.jobs[jobKey(e.ProjectKey, e.Job.Namespace, e.Job.Name)]
		}
	}
	var parents []map[string]any
	for _, i := range b.live {
		e := b.events[i]
		if e.Job != nil && e.Job.Parent != nil {
			parents = append(parents, map[string]any{"parent": b.jobs[jobKey(e.ProjectKey, e.Job.Parent.Namespace, e.Job.Parent.Name)],
				"child": b.res[i].JobID})
		}
	}
	if len(updates) == 0 && len(parents) == 0 {
		return nil
	}
	return b.later(`
		CALL { UNWIND $jobUpdates AS u MATCH (x:Job {id: u.id}) SET x += u.set }
		CALL { UNWIND $jobParents AS l MATCH (p:Job {id: l.parent}), (c:Job {id: l.child}) WHERE p <> c
		       MERGE (p)-[:HAS_CHILD]->(c) }`,
		map[string]any{"jobUpdates": orEmpty(updates), "jobParents": orEmpty(parents)})
}

func orEmpty(rows []map[string]any) []map[string]any {
	if rows == nil {
		return []map[string]any{}
	}
	return rows
}

func (b *lineageBatch) writeRuns(next LineageNext) error {
	type run struct {
		key, project, ext, jobID, actor string
		idx                             []int
	}
	byKey, order := map[string]*run{}, []string{}
	for _, i := range b.live {
		e := b.events[i]
		if e.Run == nil {
			continue
		}
		k := runKey(e.ProjectKey, e.Run.ExternalID)
		r, ok := byKey[k]
		if !ok {
			r = &run{key: k, project: e.ProjectKey, ext: e.Run.ExternalID, jobID: b.res[i].JobID, actor: e.Actor}
			byKey[k] = r
			order = append(order, k)
		}
		r.idx = append(r.idx, i)
	}
	if len(order) == 0 {
		return nil
	}
	keys := make([]map[string]any, len(order))
	for n, k := range order {
		keys[n] = map[string]any{"key": k, "projectKey": byKey[k].project, "ext": byKey[k].ext}
	}
	recs, err := b.run(`
		UNWIND $keys AS k
		OPTIONAL MATCH (x:Run {projectKey: k.projectKey, externalId: k.ext})
		RETURN k.key AS key, x{.*} AS x`, map[string]any{"keys": keys})
	if err != nil {
		return err
	}
	stored := map[string]map[string]any{}
	for _, rec := range recs {
		k, err := recStr(rec, "key")
		if err != nil {
			return err
		}
		m, err := recMap(rec, "x")
		if err != nil {
			return err
		}
		stored[k] = m
	}
	rows := make([]map[string]any, 0, len(order))
	for _, k := range order {
		r := byKey[k]
		cur, facets, row := (*LineageRunState)(nil), "", map[string]any{}
		if m := stored[k]; m != nil {
			p := props{m: m}
			cur = &LineageRunState{Status: RunStatus(p.str("status")), StartedAt: p.time("startedAt"), EndedAt: p.optTime("endedAt"),
				Event: p.str("olEvent"), EventTime: p.time("olEventTime")}
			facets = p.str("facets")
			row["id"], row["jobId"] = p.str("id"), p.str("jobId")
			if p.err != nil {
				return p.err
			}
		} else {
			row["id"], row["jobId"] = newID(KindRun), r.jobID
		}
		before := cur
		update := Facets{}
		for _, i := range r.idx {
			e := b.events[i]
			st := next(cur, e.Type, e.Time)
			cur = &st
			maps.Copy(update, e.Run.Facets)
			for key, v := range map[string]any{"errorMessage": e.Run.ErrorMessage, "envPlatform": e.Run.Platform} {
				if s := v.(*string); s != nil {
					row[key] = *s
				}
			}
			if c := e.Run.Code; c != nil {
				row["codeRepo"], row["codeCommit"], row["codeDirty"] = c.Repo, c.Commit, c.Dirty
			}
			if e.Run.NominalStart != nil {
				row["nominalStartTime"] = *e.Run.NominalStart
			}
			if e.Run.ParentExternalID != "" {
				row["parentExternalId"] = e.Run.ParentExternalID
			}
		}
		merged, _, err := mergeFacets(facets, update)
		if err != nil {
			return err
		}
		var ended any
		if cur.EndedAt != nil {
			ended = *cur.EndedAt
		}
		job := b.events[r.idx[0]].Job
		row["status"], row["startedAt"], row["endedAt"], row["olEvent"], row["olEventTime"], row["facets"] =
			string(cur.Status), cur.StartedAt, ended, cur.Event, cur.EventTime, merged
		rows = append(rows, map[string]any{"key": k, "projectKey": r.project, "ext": r.ext, "actor": r.actor,
			"name": job.Name, "props": row, "created": before == nil})
		b.runs[k] = row["id"].(string)
		switch {
		case before == nil:
			b.draft(r.actor, eventDraft{EventRunStarted, r.project, row["id"].(string),
				map[string]any{"jobId": row["jobId"], "name": job.Name, "status": string(cur.Status)}})
		case before.Status != cur.Status:
			b.draft(r.actor, eventDraft{EventRunStatusChanged, r.project, row["id"].(string),
				map[string]any{"jobId": row["jobId"], "name": job.Name, "from": string(before.Status), "status": string(cur.Status)}})
		}
		for _, i := range r.idx {
			b.res[i].RunID = row["id"].(string)
		}
	}
	_, err = b.run(`
		UNWIND $rows AS r
		MERGE (x:Run {projectKey: r.projectKey, externalId: r.ext})
		  ON CREATE SET x:Node, x.id = r.props.id, x.jobId = r.props.jobId, x.name = r.name, x.displayName = r.name,
		                x.createdAt = $now, x.createdBy = r.actor, x.revision = 0, x.source = $source,
		                x.paramKeys = [], x.paramValues = [], x.tagKeys = [], x.tagValues = []
		SET x += r.props, x.revision = x.revision + 1
		WITH x, r
		CALL { WITH x, r WITH x, r WHERE r.created
		       MATCH (j:Job {id: x.jobId}) MERGE (j)-[:HAS_RUN]->(x)
		       WITH x
		       OPTIONAL MATCH (c:Run {projectKey: x.projectKey, parentExternalId: x.externalId})
		       FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (x)-[:PARENT_OF]->(c)) }
		CALL { WITH x WITH x WHERE x.parentExternalId IS NOT NULL
		       MATCH (p:Run {projectKey: x.projectKey, externalId: x.parentExternalId}) WHERE p <> x
		       MERGE (p)-[:PARENT_OF]->(x) }`,
		map[string]any{"rows": rows, "now": b.now, "source": SourceOpenLineage})
	return err
}

// mergedNode is one row a MERGE of jobs or datasets by namespace and name
// returns: the batch's key, the node's ID, whether this batch created it,
// and its stored facets.
type mergedNode struct {
	key, id, facets string
	created         bool
	// same: the stored facets are what the events said (their digests
	// matched, and the text was not read); unhashed: they have no digest
	// yet (written before digests were kept).
	same, unhashed bool
}

// facetsColumns is the RETURN columns facets and unhashed of a statement
// that merges nodes x of rows row, whose want is wantFacets of what the
// events say of them: null facets when merging that would leave the
// stored ones as they are.
func facetsColumns(row string) string {
	return `CASE WHEN x.facetsHash IS NOT NULL AND (` + row + `.want = 'none' OR x.facetsHash = ` + row + `.want)
		            THEN null ELSE coalesce(x.facets, '') END AS facets,
		       x.facetsHash IS NULL AS unhashed`
}

func decodeMerged(recs []*neo4j.Record) ([]mergedNode, error) {
	out := make([]mergedNode, 0, len(recs))
	for _, rec := range recs {
		m := props{m: rec.AsMap()}
		n := mergedNode{key: m.str("key"), id: m.str("id"), created: m.bool("created"), unhashed: m.bool("unhashed")}
		if f := m.optStr("facets"); f != nil {
			n.facets = *f
		} else {
			n.same = true
		}
		if m.err != nil {
			return nil, m.err
		}
		out = append(out, n)
	}
	return out, nil
}

// draftNamed notes an event about the job or dataset of row (its actor,
// project, namespace and name), node id.
func (b *lineageBatch) draftNamed(kind EventKind, row map[string]any, id string) {
	b.draft(row["actor"].(string), eventDraft{kind, row["projectKey"].(string), id,
		map[string]any{"namespace": row["namespace"], "name": row["name"]}})
}
