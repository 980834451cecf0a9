package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
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
//
// Column lineage is kept as properties of the dataset versions (see
// column_lineage.go), not as nodes of the lineage walk.

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
	// latest maps a dataset's ID to its newest version's, as the batch
	// last read or made it: an input column a run did not read is that
	// version's.
	latest map[string]string
	drafts map[string][]eventDraft
	actors []string
	// pending are writes waiting to go in front of the next statement.
	pending []pendingWrite
}

// pendingWrite is a write a batch sends in front of its next statement
// rather than in a round trip of its own: a unit subquery (CALL { … }
// without RETURN) over params, whose names no other statement of the
// batch uses. Only writes that no later statement of the batch reads are
// sent so.
type pendingWrite struct {
	call   string
	params map[string]any
}

// later queues call, a unit subquery over params, for the front of the
// batch's next statement; a write of the same parameters still queued is
// sent first ($now, the batch's time, is every statement's).
func (b *lineageBatch) later(call string, params map[string]any) error {
	for _, p := range b.pending {
		for k := range params {
			if _, dup := p.params[k]; dup && k != "now" {
				if err := b.flush(); err != nil {
					return err
				}
				break
			}
		}
	}
	b.pending = append(b.pending, pendingWrite{call, params})
	return nil
}

// run runs a statement of the batch, with the queued writes in front.
func (b *lineageBatch) run(cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if len(b.pending) == 0 {
		return b.tx.run(cypher, params)
	}
	var text strings.Builder
	all := maps.Clone(params)
	for _, p := range b.pending {
		text.WriteString(p.call)
		text.WriteString("\n")
		maps.Copy(all, p.params)
	}
	b.pending = nil
	text.WriteString(cypher)
	return b.tx.run(text.String(), all)
}

// single is run for a statement that returns at most one record.
func (b *lineageBatch) single(cypher string, params map[string]any) (*neo4j.Record, error) {
	recs, err := b.run(cypher, params)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return recs[0], nil
}

// flush sends the queued writes, if any, on their own.
func (b *lineageBatch) flush() error {
	if len(b.pending) == 0 {
		return nil
	}
	_, err := b.run(`RETURN true AS flushed`, map[string]any{})
	return err
}

// lineageEventKey identifies an event in a project: the same event sent
// to two projects is two events, and a duplicate in one says nothing of
// the other.
func lineageEventKey(project, hash string) string { return project + "\x00" + hash }

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
			jobs: map[string]string{}, runs: map[string]string{}, sets: map[string]string{}, latest: map[string]string{},
			drafts: map[string][]eventDraft{}}
		steps := []func() error{b.screen, b.writeJobs, func() error { return b.writeRuns(next) }, b.writeDatasets,
			b.record, b.writeVersionsAndEdges, b.flush, b.appendDrafts}
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

// screen drops duplicates (an event applied before) and events of
// projects that do not exist. An event recorded by the intake and not yet
// applied is live.
func (b *lineageBatch) screen() error {
	keys, projects := make([]string, 0, len(b.events)), map[string]bool{}
	for _, e := range b.events {
		keys = append(keys, lineageEventKey(e.ProjectKey, e.Hash))
		projects[e.ProjectKey] = true
	}
	// Locked in one order, so two replicas applying the same recorded
	// events wait for each other instead of deadlocking; once the lock is
	// held, a record another transaction applied reads as applied.
	slices.Sort(keys)
	keys = slices.Compact(keys)
	rows := make([]map[string]any, len(keys))
	for i, k := range keys {
		project, hash, _ := strings.Cut(k, "\x00")
		rows[i] = map[string]any{"p": project, "h": hash}
	}
	rec, err := b.single(`
		CALL { UNWIND $keys AS k MATCH (e:LineageEvent {projectKey: k.p, hash: k.h}) SET e._lock = true REMOVE e._lock
		       RETURN collect(CASE WHEN e.pending IS NULL THEN e.projectKey + '\u0000' + e.hash END) AS seen }
		CALL { UNWIND $projects AS k MATCH (p:Project {key: k}) RETURN collect(p.key) AS found }
		RETURN seen, found`, map[string]any{"keys": rows, "projects": slices.Collect(maps.Keys(projects))})
	if err != nil {
		return err
	}
	seen, err := stringSet(rec, "seen")
	if err != nil {
		return err
	}
	found, err := stringSet(rec, "found")
	if err != nil {
		return err
	}
	for i, e := range b.events {
		switch {
		case seen[lineageEventKey(e.ProjectKey, e.Hash)]:
			b.res[i].Duplicate = true
		case !found[e.ProjectKey]:
			b.res[i].Err = fmt.Errorf("project %s: %w", errs.Quote(e.ProjectKey), errs.NotFound)
		default:
			seen[lineageEventKey(e.ProjectKey, e.Hash)] = true
			b.live = append(b.live, i)
		}
	}
	return nil
}

// mergeFacets applies an event's facets to the stored JSON object of
// facets: a facet replaces the one of its name, an empty one deletes it.
func mergeFacets(stored string, update Facets) (string, bool, error) {
	if len(update) == 0 && stored != "" || sameFacets(stored, update) {
		return stored, false, nil
	}
	cur, ok := splitFacets(stored)
	if !ok {
		cur = map[string]json.RawMessage{}
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
	return joinFacets(cur), changed, nil
}

// sameFacets reports whether stored is the object joinFacets writes for
// update, which deletes nothing: a producer describing an object as it
// did the time before, the common case, is recognised without decoding
// what the store holds.
func sameFacets(stored string, update Facets) bool {
	rest, ok := strings.CutPrefix(stored, "{")
	if !ok || len(update) == 0 {
		return false
	}
	for i, k := range slices.Sorted(maps.Keys(update)) {
		text := update[k]
		if text == "" {
			return false
		}
		if i > 0 {
			if rest, ok = strings.CutPrefix(rest, ","); !ok {
				return false
			}
		}
		name, _ := json.Marshal(k) // a string always encodes
		if rest, ok = strings.CutPrefix(rest, string(name)); !ok {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, ":"); !ok {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, text); !ok {
			return false
		}
	}
	return rest == "}"
}

// splitFacets reads the members of an object as joinFacets writes it
// (compact, its values valid JSON) in one pass that only follows strings
// and nesting, without decoding the values; "" is no facets. false: the
// text is not such an object, and json.Unmarshal must read it.
func splitFacets(stored string) (map[string]json.RawMessage, bool) {
	out := map[string]json.RawMessage{}
	if stored == "" || stored == "{}" {
		return out, true
	}
	last := len(stored) - 1
	if len(stored) < 2 || stored[0] != '{' || stored[last] != '}' {
		return nil, false
	}
	for i := 1; i < last; {
		end := stringEnd(stored, i)
		if end < 0 || end >= last || stored[end] != ':' {
			return nil, false
		}
		name := stored[i+1 : end-1]
		if strings.IndexByte(name, '\\') >= 0 {
			if err := json.Unmarshal([]byte(stored[i:end]), &name); err != nil {
				return nil, false
			}
		}
		start, depth := end+1, 0
		j := start
		for ; j < last && (depth > 0 || stored[j] != ','); j++ {
			switch stored[j] {
			case '"':
				if j = stringEnd(stored, j); j < 0 {
					return nil, false
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
		if depth != 0 || j == start {
			return nil, false
		}
		out[name] = json.RawMessage(stored[start:j])
		i = j + 1
		if j == last-1 && stored[j] == ',' {
			return nil, false
		}
	}
	return out, true
}

// stringEnd is the index after the JSON string that starts at s[i] (a
// quote), or -1.
func stringEnd(s string, i int) int {
	if i >= len(s) || s[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// facetsDigest is the digest kept beside an object's facets (its
// facetsHash property, which the OpenLineage writes, the only writers of
// facets, keep with the text): a batch's statement compares it with the
// digest of what the events say and reads the stored text only when they
// differ, so an object described as before costs no transfer of its
// facets and no merge.
func facetsDigest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// wantFacets is the digest an object's stored facets have when they are
// exactly what update says; "none" when update says nothing (any stored
// facets stay as they are); "" when it deletes a facet, which the stored
// text must be read for.
func wantFacets(update Facets) string {
	if len(update) == 0 {
		return "none"
	}
	joined := make(map[string]json.RawMessage, len(update))
	for k, v := range update {
		if v == "" {
			return ""
		}
		joined[k] = json.RawMessage(v)
	}
	return facetsDigest(joinFacets(joined))
}

// joinFacets writes facets as one JSON object, keys sorted: the bytes
// json.Marshal writes for the map when every text is compact JSON as
// json.Marshal writes it (the facets' texts are: openlineage writes them
// so, and stored objects were written by joinFacets), without scanning
// every text again.
func joinFacets(facets map[string]json.RawMessage) string {
	keys := slices.Sorted(maps.Keys(facets))
	n := 2
	for _, k := range keys {
		n += len(k) + len(facets[k]) + 4
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k) // a string always encodes
		b.Write(name)
		b.WriteByte(':')
		b.Write(facets[k])
	}
	b.WriteByte('}')
	return b.String()
}

// record keeps the hashes of the events written, so a retry is a no-op,
// and ends the intake's records of them (no longer pending, the text
// dropped); the records go with the batch's next statement.
func (b *lineageBatch) record() error {
	rows := make([]map[string]any, 0, len(b.live))
	for _, i := range b.live {
		e := b.events[i]
		rows = append(rows, map[string]any{"hash": e.Hash, "projectKey": e.ProjectKey, "actor": e.Actor})
	}
	return b.later(`CALL { UNWIND $lineageEvents AS r MERGE (e:LineageEvent {projectKey: r.projectKey, hash: r.hash})
		ON CREATE SET e.actor = r.actor, e.receivedAt = $now REMOVE e.pending, e.body, e.intake }`,
		map[string]any{"lineageEvents": rows, "now": b.now})
}

// appendDrafts appends the drafts gathered so far to the event log, every
// actor's in one append, actor after actor.
func (b *lineageBatch) appendDrafts() error {
	var actors []string
	var drafts []eventDraft
	for _, actor := range b.actors {
		for _, d := range b.drafts[actor] {
			actors, drafts = append(actors, actor), append(drafts, d)
		}
	}
	b.actors, b.drafts = nil, map[string][]eventDraft{}
	if len(drafts) == 0 {
		return nil
	}
	return b.s.appendEventsBy(b.tx, actors, drafts)
}

// LineageSourceURI is the URI a version of an OpenLineage dataset is given:
// the namespace and the name joined as a path when the namespace is a
// URI, else the name.
func LineageSourceURI(namespace, name string) string {
	if strings.Contains(namespace, "://") {
		return strings.TrimSuffix(namespace, "/") + "/" + strings.TrimPrefix(name, "/")
	}
	return namespace + "/" + name
}
