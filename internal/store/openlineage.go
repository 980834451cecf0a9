package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/google/uuid"
)

// This file writes what OpenLineage events say: jobs, their runs, the
// datasets and versions the runs read and wrote, column lineage and the
// quality assertions producers attach. internal/openlineage reads the wire
// format and decides the rules (which state a run is in after an event);
// the store applies a batch of mapped events in one write transaction, so
// the event log's head is locked once per batch rather than once per
// event.
//
//	(Project)-[:HAS_JOB]->(Job)-[:HAS_RUN]->(Run)
//	(Job)-[:HAS_CHILD]->(Job)           a parent facet's job and the child's
//	(Run)-[:PARENT_OF]->(Run)           when both runs are known
//	(Dataset)-[:READ_BY]->(Job), (Job)-[:WRITES]->(Dataset)
//	(Column)-[:FEEDS]->(Column)         column lineage, input to output
//
// Columns belong to a dataset version (versionId, name) and are not nodes
// of the lineage walk.

// Facets maps a facet's name to its JSON text. An empty text, in an
// event, deletes the facet (OpenLineage's _deleted).
type Facets map[string]string

// LineageEvent is one OpenLineage event as the store writes it.
type LineageEvent struct {
	// Hash identifies the event's content; an event whose hash the store
	// has seen is a duplicate and changes nothing.
	Hash       string
	ProjectKey string
	Actor      string
	// Type is the run event type (START, RUNNING, COMPLETE, ABORT, FAIL,
	// OTHER); empty for a job or dataset event.
	Type string
	Time time.Time
	Job  *LineageJob // nil for a dataset event
	Run  *LineageRun // nil for job and dataset events
	// Inputs and Outputs are the datasets a run (or a job, statically)
	// read and wrote; Datasets are a dataset event's.
	Inputs, Outputs, Datasets []LineageDataset
}

// LineageJob is a job as an event names it.
type LineageJob struct {
	Namespace, Name string
	Description     *string
	Code            *CodeRef
	Facets          Facets
	// Parent names the job of the run's parent, when a parent facet did.
	Parent *LineageJobRef
}

// LineageJobRef names a job.
type LineageJobRef struct{ Namespace, Name string }

// LineageRun is a run as an event describes it.
type LineageRun struct {
	ExternalID   string
	ErrorMessage *string
	Code         *CodeRef
	Platform     *string
	NominalStart *time.Time
	// ParentExternalID is the runId of the parent run, if a facet named one.
	ParentExternalID string
	Facets           Facets
}

// LineageDataset is a dataset as an event mentions it.
type LineageDataset struct {
	Namespace, Name string
	// Version is the producer's version label (the version facet); empty
	// when it gave none.
	Version  string
	URI      string
	Schema   []SchemaField
	RowCount *int64
	// Facets are dataset facets; IOFacets the input or output facets.
	Facets, IOFacets Facets
	// Statistics is the JSON of the producer's data-quality metrics.
	Statistics string
	// Columns is the column lineage of an output: each output column and
	// the input columns it derives from.
	Columns []ColumnDerivation
	// Assertions is the outcome of the producer's quality assertions on
	// this dataset, recorded as a validation run under AssertionSuite.
	Assertions     *ValidationOutcome
	AssertionSuite string
}

// ColumnDerivation is one output column and what it derives from.
type ColumnDerivation struct {
	Column string
	From   []ColumnSource
}

// ColumnSource is an input column and the transformations (a JSON array)
// that made the output column of it.
type ColumnSource struct {
	Namespace, Name, Column string
	Transformations         string
}

// LineageRunState is what a run's OpenLineage events made of it.
type LineageRunState struct {
	Status    RunStatus
	StartedAt time.Time
	EndedAt   *time.Time
	// Event and EventTime are the type and time of the event that decided
	// the status.
	Event     string
	EventTime time.Time
}

// LineageNext is the run rule: the state after an event of type at time
// at, given the current state (nil for a run not seen before).
type LineageNext func(cur *LineageRunState, eventType string, at time.Time) LineageRunState

// LineageResult is what one event of a batch did.
type LineageResult struct {
	Duplicate bool
	JobID     string
	RunID     string
	Err       error
}

// VersionUnversioned labels the version a run's input gets when the
// producer named no version and the dataset has none yet.
const VersionUnversioned = "unversioned"

// SourceOpenLineage marks the objects OpenLineage events created.
const SourceOpenLineage = "openlineage"

// EngineOpenLineage is the engine of validation runs recorded from a
// producer's dataQualityAssertions facet.
const EngineOpenLineage = "openlineage"

// lineageBatch is the state of one IngestLineage transaction.
type lineageBatch struct {
	s      *Store
	tx     *txn
	now    time.Time
	events []LineageEvent
	res    []LineageResult
	live   []int             // indexes of the events this batch writes
	jobs   map[string]string // job key → id
	runs   map[string]string // run key → id
	sets   map[string]string // dataset key → id
	drafts map[string][]eventDraft
	actors []string
}

func jobKey(project, ns, name string) string { return project + "\x00" + ns + "\x00" + name }
func runKey(project, ext string) string      { return project + "\x00" + ext }

// IngestLineage writes a batch of events in one transaction. An event
// whose project does not exist fails alone (its result's Err); an event
// seen before (by Hash, in the store or earlier in the batch) is a
// Duplicate and changes nothing. next decides each run's state from its
// current one, event by event in batch order.
func (s *Store) IngestLineage(ctx context.Context, events []LineageEvent, next LineageNext) ([]LineageResult, error) {
	if len(events) == 0 {
		return nil, nil
	}
	return write(ctx, s, func(tx *txn) ([]LineageResult, error) {
		b := &lineageBatch{s: s, tx: tx, now: s.now().UTC(), events: events, res: make([]LineageResult, len(events)),
			jobs: map[string]string{}, runs: map[string]string{}, sets: map[string]string{}, drafts: map[string][]eventDraft{}}
		steps := []func() error{b.screen, b.writeJobs, func() error { return b.writeRuns(next) }, b.writeDatasets,
			b.writeVersionsAndEdges, b.record, b.appendDrafts}
		for _, step := range steps {
			if err := step(); err != nil {
				return nil, err
			}
			if len(b.live) == 0 {
				break
			}
		}
		return b.res, nil
	})
}

func (b *lineageBatch) draft(actor string, d eventDraft) {
	if _, ok := b.drafts[actor]; !ok {
		b.actors = append(b.actors, actor)
	}
	b.drafts[actor] = append(b.drafts[actor], d)
}

// screen drops duplicates and events of projects that do not exist.
func (b *lineageBatch) screen() error {
	hashes, projects := make([]string, 0, len(b.events)), map[string]bool{}
	for _, e := range b.events {
		hashes = append(hashes, e.Hash)
		projects[e.ProjectKey] = true
	}
	rec, err := b.tx.single(`
		CALL { UNWIND $hashes AS h MATCH (e:LineageEvent {hash: h}) RETURN collect(e.hash) AS seen }
		CALL { UNWIND $projects AS k MATCH (p:Project {key: k}) RETURN collect(p.key) AS found }
		RETURN seen, found`, map[string]any{"hashes": hashes, "projects": slices.Collect(maps.Keys(projects))})
	if err != nil {
		return err
	}
	seen, found := map[string]bool{}, map[string]bool{}
	for _, pair := range []struct {
		key string
		set map[string]bool
	}{{"seen", seen}, {"found", found}} {
		l, _, err := getList(rec, pair.key)
		if err != nil {
			return err
		}
		for _, v := range l {
			if str, ok := v.(string); ok {
				pair.set[str] = true
			}
		}
	}
	for i, e := range b.events {
		switch {
		case seen[e.Hash]:
			b.res[i].Duplicate = true
		case !found[e.ProjectKey]:
			b.res[i].Err = fmt.Errorf("project %s: %w", errs.Quote(e.ProjectKey), errs.NotFound)
		default:
			seen[e.Hash] = true
			b.live = append(b.live, i)
		}
	}
	return nil
}

// mergeFacets applies an event's facets to the stored JSON object of
// facets: a facet replaces the one of its name, an empty one deletes it.
func mergeFacets(stored string, update Facets) (string, bool, error) {
	cur := map[string]json.RawMessage{}
	if stored != "" {
		if err := json.Unmarshal([]byte(stored), &cur); err != nil {
			return "", false, fmt.Errorf("stored facets: %w", err)
		}
	}
	changed := false
	for name, text := range update {
		old, had := cur[name]
		switch {
		case text == "" && had:
			delete(cur, name)
			changed = true
		case text != "" && (!had || string(old) != text):
			cur[name] = json.RawMessage(text)
			changed = true
		}
	}
	if !changed && stored != "" {
		return stored, false, nil
	}
	out, err := json.Marshal(cur)
	return string(out), changed, err
}

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
	}
	recs, err := b.tx.run(`
		UNWIND $rows AS j
		MATCH (p:Project {key: j.projectKey})
		MERGE (x:Job {projectKey: j.projectKey, namespace: j.namespace, name: j.name})
		  ON CREATE SET x:Node, x.id = j.id, x.displayName = j.name, x.createdAt = $now, x.updatedAt = $now,
		                x.createdBy = j.actor, x.facets = '{}', x.source = $source
		MERGE (p)-[:HAS_JOB]->(x)
		RETURN j.key AS key, x.id AS id, x.id = j.id AS created, x.facets AS facets`,
		map[string]any{"rows": rows, "now": b.now, "source": SourceOpenLineage})
	if err != nil {
		return err
	}
	var updates []map[string]any
	for _, rec := range recs {
		m := props{m: rec.AsMap()}
		key, id, created, stored := m.str("key"), m.str("id"), m.bool("created"), m.str("facets")
		if m.err != nil {
			return m.err
		}
		j := byKey[key]
		b.jobs[key] = id
		if created {
			b.draft(j.row["actor"].(string), eventDraft{EventJobCreated, j.row["projectKey"].(string), id,
				map[string]any{"namespace": j.row["namespace"], "name": j.row["name"]}})
		}
		merged, changed, err := mergeFacets(stored, j.facets)
		if err != nil {
			return err
		}
		if !changed && j.desc == nil && j.code == nil {
			continue
		}
		u := map[string]any{"id": id, "facets": merged, "description": nil, "codeRepo": nil, "codeCommit": nil}
		if j.desc != nil {
			u["description"] = *j.desc
		}
		if j.code != nil {
			u["codeRepo"], u["codeCommit"] = j.code.Repo, j.code.Commit
		}
		updates = append(updates, u)
		if changed && !created {
			b.draft(j.row["actor"].(string), eventDraft{EventJobUpdated, j.row["projectKey"].(string), id,
				map[string]any{"namespace": j.row["namespace"], "name": j.row["name"]}})
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
	_, err = b.tx.run(`
		CALL { UNWIND $updates AS u MATCH (x:Job {id: u.id})
		       SET x.facets = u.facets, x.updatedAt = $now,
		           x.description = coalesce(u.description, x.description),
		           x.codeRepo = coalesce(u.codeRepo, x.codeRepo), x.codeCommit = coalesce(u.codeCommit, x.codeCommit) }
		CALL { UNWIND $parents AS l MATCH (p:Job {id: l.parent}), (c:Job {id: l.child}) WHERE p <> c
		       MERGE (p)-[:HAS_CHILD]->(c) }`,
		map[string]any{"updates": orEmpty(updates), "parents": orEmpty(parents), "now": b.now})
	return err
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
	recs, err := b.tx.run(`
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
	_, err = b.tx.run(`
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
	}
	recs, err := b.tx.run(`
		UNWIND $rows AS d
		MATCH (p:Project {key: d.projectKey})
		MERGE (x:Dataset {projectKey: d.projectKey, namespace: d.namespace, name: d.name})
		  ON CREATE SET x:Node, x.id = d.id, x.displayName = d.name, x.description = '', x.createdAt = $now,
		                x.createdBy = d.actor, x.versionCount = 0, x.source = $source
		MERGE (p)-[:HAS_DATASET]->(x)
		RETURN d.key AS key, x.id AS id, x.id = d.id AS created, coalesce(x.facets, '') AS facets`,
		map[string]any{"rows": rows, "now": b.now, "source": SourceOpenLineage})
	if err != nil {
		return err
	}
	var updates []map[string]any
	for _, rec := range recs {
		m := props{m: rec.AsMap()}
		key, id, created, stored := m.str("key"), m.str("id"), m.bool("created"), m.str("facets")
		if m.err != nil {
			return m.err
		}
		d := byKey[key]
		b.sets[key] = id
		if created {
			b.draft(d.row["actor"].(string), eventDraft{EventDatasetRegistered, d.row["projectKey"].(string), id,
				map[string]any{"namespace": d.row["namespace"], "name": d.row["name"]}})
		}
		if merged, changed, err := mergeFacets(stored, d.facets); err != nil {
			return err
		} else if changed || stored == "" {
			updates = append(updates, map[string]any{"id": id, "facets": merged})
		}
	}
	_, err = b.tx.run(`UNWIND $updates AS u MATCH (x:Dataset {id: u.id}) SET x.facets = u.facets`,
		map[string]any{"updates": orEmpty(updates)})
	return err
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
			label, ok := latest[b.sets[datasetKey(b.events[u.i].ProjectKey, u.d.Namespace, u.d.Name)]]
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
	return b.writeEdges(uses, func(ref versionRef) string {
		for _, vs := range []*versionSet{later, first} {
			if row, ok := vs.rows[ref]; ok {
				return row["vid"].(string)
			}
		}
		return ""
	})
}

// latestVersions returns the label of the newest version of each dataset
// the uses name that has one.
func (b *lineageBatch) latestVersions(uses []datasetUse) (map[string]string, error) {
	ids := map[string]bool{}
	for _, u := range uses {
		ids[b.sets[datasetKey(b.events[u.i].ProjectKey, u.d.Namespace, u.d.Name)]] = true
	}
	recs, err := b.tx.run(`
		UNWIND $ids AS id
		MATCH (d:Dataset {id: id})-[:HAS_VERSION]->(v:DatasetVersion)
		WITH d, v ORDER BY v.createdAt DESC, v.id DESC
		RETURN d.id AS id, head(collect(v.version)) AS latest`, map[string]any{"ids": slices.Collect(maps.Keys(ids))})
	if err != nil {
		return nil, err
	}
	latest := map[string]string{}
	for _, rec := range recs {
		m := props{m: rec.AsMap()}
		id, l := m.str("id"), m.str("latest")
		if m.err != nil {
			return nil, m.err
		}
		latest[id] = l
	}
	return latest, nil
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
		delete(row, "facets")
		rows = append(rows, row)
	}
	recs, err := b.tx.run(`
		UNWIND $rows AS v
		MATCH (d:Dataset {id: v.datasetId})
		MERGE (x:DatasetVersion {datasetId: d.id, version: v.label})
		  ON CREATE SET x:Node, x.id = v.id, x.projectKey = d.projectKey, x.displayName = d.name + '@' + v.label,
		                x.uri = v.uri, x.digest = null, x.schemaNames = v.names, x.schemaTypes = v.types,
		                x.schemaNullable = v.nulls, x.rowCount = v.rowCount, x.createdAt = $now, x.createdBy = v.actor,
		                x.source = $source, d.versionCount = d.versionCount + 1
		MERGE (d)-[:HAS_VERSION]->(x)
		RETURN v.datasetId AS datasetId, v.label AS label, x.id AS id, x.id = v.id AS created,
		       coalesce(x.facets, '') AS facets, x.source = $source AS ours`,
		map[string]any{"rows": rows, "now": b.now, "source": SourceOpenLineage})
	if err != nil {
		return err
	}
	var updates []map[string]any
	for _, rec := range recs {
		m := props{m: rec.AsMap()}
		ref := versionRef{m.str("datasetId"), m.str("label")}
		id, created, stored, ours := m.str("id"), m.bool("created"), m.str("facets"), m.bool("ours")
		if m.err != nil {
			return m.err
		}
		row := vs.rows[ref]
		row["vid"] = id
		if created {
			b.draft(row["actor"].(string), eventDraft{EventDatasetVersionRegister, row["projectKey"].(string), id,
				map[string]any{"datasetId": ref.datasetID, "version": ref.label, "digest": nil}})
		}
		merged, changed, err := mergeFacets(stored, row["facets"].(Facets))
		if err != nil {
			return err
		}
		if changed || stored == "" || (ours && !created) {
			u := map[string]any{"id": id, "facets": merged, "ours": ours, "names": row["names"], "types": row["types"],
				"nulls": row["nulls"], "rowCount": row["rowCount"], "statistics": row["statistics"]}
			updates = append(updates, u)
		}
	}
	_, err = b.tx.run(`
		UNWIND $updates AS u
		MATCH (x:DatasetVersion {id: u.id})
		SET x.facets = u.facets, x.statistics = coalesce(u.statistics, x.statistics)
		WITH x, u WHERE u.ours
		SET x.rowCount = coalesce(u.rowCount, x.rowCount),
		    x.schemaNames = CASE WHEN size(u.names) > 0 THEN u.names ELSE x.schemaNames END,
		    x.schemaTypes = CASE WHEN size(u.names) > 0 THEN u.types ELSE x.schemaTypes END,
		    x.schemaNullable = CASE WHEN size(u.names) > 0 THEN u.nulls ELSE x.schemaNullable END`,
		map[string]any{"updates": orEmpty(updates)})
	return err
}

// writeEdges links runs to the versions they read and wrote, jobs to the
// datasets, and the columns an output's column lineage names; and records
// the producers' quality assertions.
func (b *lineageBatch) writeEdges(uses []datasetUse, vid func(versionRef) string) error {
	var consumed, produced, jobIO, columns, feeds []map[string]any
	type assertion struct {
		i       int
		version string
		d       LineageDataset
	}
	var assertions []assertion
	inputVersion := map[string]string{} // event index + dataset key → version id
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
	for _, u := range uses {
		e := b.events[u.i]
		v := vid(u.ref)
		if v == "" || len(u.d.Columns) == 0 {
			continue
		}
		for _, c := range u.d.Columns {
			columns = append(columns, map[string]any{"version": v, "name": c.Column, "id": newColumnID()})
			for _, src := range c.From {
				k := datasetKey(e.ProjectKey, src.Namespace, src.Name)
				from, ok := inputVersion[fmt.Sprint(u.i, "\x00", k)]
				feeds = append(feeds, map[string]any{"toVersion": v, "to": c.Column, "fromDataset": b.sets[k], "fromVersion": from,
					"known": ok, "from": src.Column, "transformations": src.Transformations, "run": b.res[u.i].RunID,
					"id": newColumnID()})
			}
		}
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
		       CALL { WITH d, f WITH d, f WHERE f.known MATCH (v:DatasetVersion {id: f.fromVersion}) RETURN v
		              UNION
		              WITH d, f WITH d, f WHERE NOT f.known
		              MATCH (d)-[:HAS_VERSION]->(v:DatasetVersion) WITH v ORDER BY v.createdAt DESC, v.id DESC LIMIT 1 RETURN v }
		       MERGE (a:Column {versionId: v.id, name: f.from}) ON CREATE SET a.id = f.id, a.projectKey = v.projectKey
		       WITH a, f MATCH (o:Column {versionId: f.toVersion, name: f.to})
		       MERGE (a)-[e:FEEDS]->(o) SET e.transformations = f.transformations, e.runId = f.run }
		RETURN newIn + newOut AS fresh`,
		map[string]any{"consumed": orEmpty(consumed), "produced": orEmpty(produced), "jobIO": orEmpty(jobIO),
			"columns": orEmpty(columns), "feeds": orEmpty(feeds), "now": b.now})
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

// record keeps the hashes of the events written, so a retry is a no-op.
func (b *lineageBatch) record() error {
	rows := make([]map[string]any, 0, len(b.live))
	for _, i := range b.live {
		e := b.events[i]
		rows = append(rows, map[string]any{"hash": e.Hash, "projectKey": e.ProjectKey, "type": e.Type,
			"time": e.Time, "runId": nilIfEmpty(b.res[i].RunID), "jobId": nilIfEmpty(b.res[i].JobID)})
	}
	_, err := b.tx.run(`UNWIND $rows AS r CREATE (e:LineageEvent) SET e = r, e.receivedAt = $now`,
		map[string]any{"rows": rows, "now": b.now})
	return err
}

// appendDrafts appends the drafts gathered so far to the event log.
func (b *lineageBatch) appendDrafts() error {
	for _, actor := range b.actors {
		if err := b.s.appendEvents(b.tx, actor, b.drafts[actor]...); err != nil {
			return err
		}
	}
	b.actors, b.drafts = nil, map[string][]eventDraft{}
	return nil
}

// newColumnID returns a fresh ID for a column of a dataset version.
func newColumnID() string { return "col_" + uuid.Must(uuid.NewV7()).String() }

// LineageSourceURI is the URI a version of an OpenLineage dataset is given:
// the namespace and the name joined as a path when the namespace is a
// URI, else the name.
func LineageSourceURI(namespace, name string) string {
	if strings.Contains(namespace, "://") {
		return strings.TrimSuffix(namespace, "/") + "/" + strings.TrimPrefix(name, "/")
	}
	return namespace + "/" + name
}
