package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/hashchain"
)

// EventKind names a state change in the event log.
type EventKind string

// The kinds of events. Their values are the GraphQL EventKind values.
const (
	EventProjectCreated         EventKind = "PROJECT_CREATED"
	EventExperimentCreated      EventKind = "EXPERIMENT_CREATED"
	EventRunStarted             EventKind = "RUN_STARTED"
	EventRunStatusChanged       EventKind = "RUN_STATUS_CHANGED"
	EventRunLineageChanged      EventKind = "RUN_LINEAGE_CHANGED"
	EventDatasetRegistered      EventKind = "DATASET_REGISTERED"
	EventDatasetVersionRegister EventKind = "DATASET_VERSION_REGISTERED"
	EventModelVersionRegistered EventKind = "MODEL_VERSION_REGISTERED"
	EventValidationSuiteCreated EventKind = "VALIDATION_SUITE_CREATED"
	EventValidationSuiteUpdated EventKind = "VALIDATION_SUITE_UPDATED"
	EventValidationStarted      EventKind = "VALIDATION_STARTED"
	EventValidationCompleted    EventKind = "VALIDATION_COMPLETED"
	EventPolicySet              EventKind = "POLICY_SET"
	EventPromotionRequested     EventKind = "PROMOTION_REQUESTED"
	EventPromotionApproved      EventKind = "PROMOTION_APPROVED"
	EventPromotionRejected      EventKind = "PROMOTION_REJECTED"
	EventPromotionCancelled     EventKind = "PROMOTION_CANCELLED"
	EventPromotionChecksChanged EventKind = "PROMOTION_CHECKS_CHANGED"
	EventPromotionCompleted     EventKind = "PROMOTION_COMPLETED"
	EventModelStageChanged      EventKind = "MODEL_STAGE_CHANGED"
	EventBiasCheckRecorded      EventKind = "BIAS_CHECK_RECORDED"
	EventReproductionRecorded   EventKind = "REPRODUCTION_RECORDED"
	EventJobCreated             EventKind = "JOB_CREATED"
	EventJobUpdated             EventKind = "JOB_UPDATED"
)

// EventKinds lists every kind, for validation.
var EventKinds = []EventKind{EventProjectCreated, EventExperimentCreated, EventRunStarted, EventRunStatusChanged,
	EventRunLineageChanged, EventDatasetRegistered, EventDatasetVersionRegister, EventModelVersionRegistered,
	EventValidationSuiteCreated, EventValidationSuiteUpdated, EventValidationStarted, EventValidationCompleted,
	EventPolicySet, EventPromotionRequested, EventPromotionApproved, EventPromotionRejected, EventPromotionCancelled,
	EventPromotionChecksChanged, EventPromotionCompleted, EventModelStageChanged, EventBiasCheckRecorded, EventReproductionRecorded,
	EventJobCreated, EventJobUpdated}

// PromotionEventKinds are the kinds promotionUpdated delivers.
var PromotionEventKinds = []EventKind{EventPromotionRequested, EventPromotionApproved, EventPromotionRejected,
	EventPromotionCancelled, EventPromotionChecksChanged, EventPromotionCompleted, EventModelStageChanged}

// GenesisHash is the previous hash of the first event.
const GenesisHash = hashchain.Genesis

// Event is one entry of the append-only, hash-chained event log. Seq is
// strictly increasing without gaps, in commit order: the log head is
// locked by every appending transaction until it commits.
type Event struct {
	Seq        int64
	At         time.Time
	Actor      string
	ProjectKey string
	Kind       EventKind
	TargetID   string
	// Payload is small and flat: strings, numbers, booleans and lists of
	// strings. As stored, and as the hash covers it, every ID of an object
	// of another project is sealed: a hashchain.Marker in its place, opened
	// by one of Disclosures. For reads, For opens what a reader may see.
	Payload map[string]any
	// Disclosures open the sealed references of Payload.
	Disclosures []Disclosure
	// WithheldFrom lists the projects an event written before references
	// were sealed refers to (beside its own): a reader of its project who
	// may not read all of them gets the event without its payload.
	WithheldFrom []string
	// Withheld is set on a copy made by For whose payload was left out.
	Withheld bool
	PrevHash string
	Hash     string
}

// Disclosure opens one sealed reference of an event's payload: the ID at
// Path, of an object of project ProjectKey.
type Disclosure struct {
	hashchain.Disclosure
	Value      string `json:"value"`
	ProjectKey string `json:"projectKey"`
}

// For returns the event as a reader with scope may see it: the references
// to objects it may read opened, with the disclosures that prove them,
// the others left sealed. The hash verifies either way (hashchain.Seal of
// the payload with the disclosures is the stored payload). An event
// written before sealing that names a project outside scope comes without
// its payload. e itself is not changed.
func (e *Event) For(s Scope) *Event {
	out := *e
	out.Disclosures = nil
	for _, k := range e.WithheldFrom {
		if !s.Allows(k) {
			out.Payload, out.Withheld = map[string]any{}, true
			return &out
		}
	}
	if len(e.Disclosures) == 0 {
		return &out
	}
	out.Payload = hashchain.Copy(e.Payload)
	for _, d := range e.Disclosures {
		if !s.Allows(d.ProjectKey) {
			continue
		}
		if err := hashchain.Set(out.Payload, d.Path, d.Value); err == nil {
			out.Disclosures = append(out.Disclosures, Disclosure{Disclosure: d.Disclosure})
		}
	}
	return &out
}

// Cursor is the event's position as an opaque resume token.
func (e *Event) Cursor() string { return strconv.FormatInt(e.Seq, 10) }

// ParseCursor reads an event cursor; field names the argument.
func ParseCursor(field, c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n < 0 {
		return 0, invalid("%s: %s is not an event cursor", field, errs.Quote(c))
	}
	return n, nil
}

// ComputeHash returns the hash an event must carry: the hex SHA-256 of the
// canonical JSON of its content and its previous hash (see
// hashchain.Content).
func (e *Event) ComputeHash() (string, error) {
	return hashchain.Content{Seq: e.Seq, At: hashchain.FormatTime(e.At), Actor: e.Actor, ProjectKey: e.ProjectKey,
		Kind: string(e.Kind), TargetID: e.TargetID, Payload: e.Payload, PrevHash: e.PrevHash}.Hash()
}

// VerifyChain checks that events, consecutive in the log and starting
// after prev (GenesisHash for the first event), form an unbroken chain:
// consecutive sequence numbers, each prevHash the hash before it, each hash
// the hash of its content. It names the first event that breaks it.
func VerifyChain(prev string, events []*Event) error {
	for i, e := range events {
		if i > 0 && e.Seq != events[i-1].Seq+1 {
			return fmt.Errorf("event %d follows %d: a gap in the log", e.Seq, events[i-1].Seq)
		}
		if e.PrevHash != prev {
			return fmt.Errorf("event %d: prevHash %s does not match the hash before it %s", e.Seq, e.PrevHash, prev)
		}
		h, err := e.ComputeHash()
		if err != nil {
			return err
		}
		if h != e.Hash {
			return fmt.Errorf("event %d: content does not match its hash", e.Seq)
		}
		prev = e.Hash
	}
	return nil
}

// eventDraft is an event a write transaction appends.
type eventDraft struct {
	kind    EventKind
	project string
	target  string
	payload map[string]any
}

// appendEvents appends drafts to the event log inside the calling write
// transaction, as its last statements: the log head stays locked until the
// transaction commits, which orders the log by commit, and a transaction
// that rolls back leaves no event. IDs in a draft's payload that name
// objects of another project than the draft's are sealed (see Event).
func (s *Store) appendEvents(tx *txn, actor string, drafts ...eventDraft) error {
	actors := make([]string, len(drafts))
	for i := range actors {
		actors[i] = actor
	}
	return s.appendEventsBy(tx, actors, drafts)
}

// appendEventsBy is appendEvents for drafts of several actors (actors[i]
// is drafts[i]'s), in the same two statements.
func (s *Store) appendEventsBy(tx *txn, actors []string, drafts []eventDraft) error {
	refs := map[string]bool{}
	for _, d := range drafts {
		eachID(d.payload, nil, func(_ []any, id string) { refs[id] = true })
	}
	ids := make([]string, 0, len(refs))
	for id := range refs {
		ids = append(ids, id)
	}
	rec, err := tx.single(`MATCH (h:EventLog {name: 'main'}) `+lockClause("h")+`
		WITH h
		OPTIONAL MATCH (n:Node) WHERE n.id IN $ids
		RETURN h.seq AS seq, h.hash AS hash, collect([n.id, n.projectKey]) AS refs`, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("event log head missing: %w", errs.Unavailable)
	}
	seq, err := recInt(rec, "seq")
	if err != nil {
		return err
	}
	prev, err := recStr(rec, "hash")
	if err != nil {
		return err
	}
	projectOf, err := refProjects(rec)
	if err != nil {
		return err
	}
	rows := make([]map[string]any, len(drafts))
	for i, d := range drafts {
		e := &Event{Seq: seq + int64(i) + 1, At: s.now().UTC(), Actor: actors[i], ProjectKey: d.project, Kind: d.kind,
			TargetID: d.target, PrevHash: prev}
		if e.Payload, e.Disclosures, err = seal(d.payload, d.project, projectOf); err != nil {
			return err
		}
		if e.Hash, err = e.ComputeHash(); err != nil {
			return err
		}
		payload, err := json.Marshal(e.Payload)
		if err != nil {
			return err
		}
		disclosures, err := json.Marshal(e.Disclosures)
		if err != nil {
			return err
		}
		rows[i] = map[string]any{"seq": e.Seq, "at": e.At, "actor": e.Actor, "projectKey": e.ProjectKey, "kind": string(e.Kind),
			"targetId": e.TargetID, "payload": string(payload), "disclosures": string(disclosures), "prevHash": e.PrevHash, "hash": e.Hash}
		prev = e.Hash
	}
	_, err = tx.run(`
		MATCH (h:EventLog {name: 'main'})
		SET h.seq = $seq, h.hash = $hash
		WITH h
		UNWIND $rows AS row
		CREATE (e:Event) SET e = row`, map[string]any{"seq": seq + int64(len(drafts)), "hash": prev, "rows": rows})
	if err == nil {
		tx.appended = true
		for _, d := range drafts {
			tx.kinds = append(tx.kinds, d.kind)
		}
	}
	return err
}

// refProjects reads the [id, projectKey] pairs of the head's statement.
func refProjects(rec interface{ Get(string) (any, bool) }) (map[string]string, error) {
	pairs, _, err := getList(rec, "refs")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range pairs {
		pair, ok := p.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		id, _ := pair[0].(string)
		key, _ := pair[1].(string)
		if id != "" {
			out[id] = key
		}
	}
	return out, nil
}

// eachID calls f with the path and value of every string in v (a payload,
// or a value in it) that is a node ID.
func eachID(v any, path []any, f func(path []any, id string)) {
	switch c := v.(type) {
	case string:
		if _, ok := KindOf(c); ok {
			f(path, c)
		}
	case []string:
		for i, x := range c {
			eachID(x, append(path[:len(path):len(path)], i), f)
		}
	case []any:
		for i, x := range c {
			eachID(x, append(path[:len(path):len(path)], i), f)
		}
	case map[string]any:
		for k, x := range c {
			eachID(x, append(path[:len(path):len(path)], k), f)
		}
	}
}

// ownedValue is a payload value that belongs to a project, such as the
// name of whoever trained a model in another project: sealed like an ID of
// that project when it is not the event's.
type ownedValue struct{ value, project string }

// owned marks value as data of project in an event payload.
func owned(value, project string) ownedValue { return ownedValue{value, project} }

// seal returns the payload as the log stores and hashes it: each ID of an
// object of another project than project replaced by a marker, and the
// disclosures that open them.
func seal(payload map[string]any, project string, projectOf map[string]string) (map[string]any, []Disclosure, error) {
	if payload == nil {
		return map[string]any{}, nil, nil
	}
	var ds []Disclosure
	var owned map[string]any
	for k, v := range payload {
		if o, ok := v.(ownedValue); ok {
			if owned == nil {
				owned = maps.Clone(payload)
			}
			owned[k] = o.value
			if o.project != "" && o.project != project && o.value != "" {
				ds = append(ds, Disclosure{Disclosure: hashchain.Disclosure{Path: hashchain.Pointer(k)}, Value: o.value, ProjectKey: o.project})
			}
		}
	}
	if owned != nil {
		payload = owned
	}
	eachID(payload, nil, func(path []any, id string) {
		if k, ok := projectOf[id]; ok && k != project {
			ds = append(ds, Disclosure{Disclosure: hashchain.Disclosure{Path: hashchain.Pointer(path...)}, Value: id, ProjectKey: k})
		}
	})
	if len(ds) == 0 {
		return payload, nil, nil
	}
	// Payload maps are iterated in random order; sorted disclosures keep
	// the stored form stable.
	slices.SortFunc(ds, func(a, b Disclosure) int { return strings.Compare(a.Path, b.Path) })
	out := hashchain.Copy(payload)
	for i := range ds {
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return nil, nil, err
		}
		ds[i].Salt = hex.EncodeToString(salt)
		if err := hashchain.Set(out, ds[i].Path, hashchain.Marker(hashchain.Digest(ds[i].Salt, ds[i].Value))); err != nil {
			return nil, nil, err
		}
	}
	return out, ds, nil
}

func decodeEvent(m map[string]any) (*Event, error) {
	p := props{m: m}
	e := &Event{Seq: p.int("seq"), At: p.time("at"), Actor: p.str("actor"), ProjectKey: p.str("projectKey"),
		Kind: EventKind(p.str("kind")), TargetID: p.str("targetId"), PrevHash: p.str("prevHash"), Hash: p.str("hash")}
	if p.err != nil {
		return nil, p.err
	}
	if err := json.Unmarshal([]byte(p.str("payload")), &e.Payload); err != nil {
		return nil, fmt.Errorf("decode event %d payload: %w", e.Seq, err)
	}
	if d, ok := m["disclosures"].(string); ok && d != "" {
		if err := json.Unmarshal([]byte(d), &e.Disclosures); err != nil {
			return nil, fmt.Errorf("decode event %d disclosures: %w", e.Seq, err)
		}
	}
	if w, ok := m["withheldFrom"].([]any); ok {
		for _, k := range w {
			if s, ok := k.(string); ok {
				e.WithheldFrom = append(e.WithheldFrom, s)
			}
		}
	}
	// JSON numbers come back as float64; the payloads hold integers only.
	for k, v := range e.Payload {
		if f, ok := v.(float64); ok && f == float64(int64(f)) {
			e.Payload[k] = int64(f)
		}
	}
	return e, nil
}

// EventFilter narrows an event query. Empty fields match everything.
type EventFilter struct {
	// Scope is what the caller may read; events of other projects are
	// never returned.
	Scope       Scope
	ProjectKeys []string
	Kinds       []EventKind
	TargetID    string
}

// Check validates the filter's fields.
func (f EventFilter) Check() error {
	for _, k := range f.ProjectKeys {
		if err := checkProjectKey("filter.projectKeys", k); err != nil {
			return err
		}
	}
	for _, k := range f.Kinds {
		if !slices.Contains(EventKinds, k) {
			return invalid("filter.kinds: unknown event kind %s", errs.Quote(k))
		}
	}
	if f.TargetID != "" {
		if _, ok := KindOf(f.TargetID); !ok {
			return invalid("filter.targetId: %s is not a valid ID", errs.Quote(f.TargetID))
		}
	}
	return nil
}

// Matches reports whether e passes the filter, scope included.
func (f EventFilter) Matches(e *Event) bool {
	return f.Scope.Allows(e.ProjectKey) &&
		(len(f.ProjectKeys) == 0 || slices.Contains(f.ProjectKeys, e.ProjectKey)) &&
		(len(f.Kinds) == 0 || slices.Contains(f.Kinds, e.Kind)) &&
		(f.TargetID == "" || f.TargetID == e.TargetID)
}

func (f EventFilter) params() map[string]any {
	p := f.Scope.params()
	kinds := make([]string, len(f.Kinds))
	for i, k := range f.Kinds {
		kinds[i] = string(k)
	}
	keys := f.ProjectKeys
	if keys == nil {
		keys = []string{}
	}
	p["filterKeys"], p["kinds"], p["targetId"] = keys, kinds, f.TargetID
	return p
}

const eventWhere = `($allProjects OR e.projectKey IN $projectKeys)
	AND (size($filterKeys) = 0 OR e.projectKey IN $filterKeys)
	AND (size($kinds) = 0 OR e.kind IN $kinds)
	AND ($targetId = '' OR e.targetId = $targetId)`

// MaxEventPage bounds one read of the log.
const MaxEventPage = 1_000

// EventsAfter returns up to limit events with a sequence above after, in
// order, that pass f.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int, f EventFilter) ([]*Event, error) {
	return s.EventsBetween(ctx, after, math.MaxInt64, limit, f)
}

// EventsBetween returns up to limit events with after < seq ≤ upto, in
// order, that pass f. With project keys in f it seeks the (projectKey,
// seq) index, so replaying one project's events from far back reads those
// events, not the whole log.
func (s *Store) EventsBetween(ctx context.Context, after, upto int64, limit int, f EventFilter) ([]*Event, error) {
	if limit < 1 || limit > MaxEventPage {
		return nil, invalid("first: must be between 1 and %d, got %d", MaxEventPage, limit)
	}
	params := f.params()
	params["after"], params["upto"], params["limit"] = after, upto, limit
	cypher := `MATCH (e:Event) WHERE e.seq > $after AND e.seq <= $upto AND ` + eventWhere + `
		RETURN e{.*} AS e ORDER BY e.seq LIMIT $limit`
	if len(f.ProjectKeys) > 0 {
		cypher = `MATCH (e:Event) WHERE e.projectKey IN $filterKeys AND e.seq > $after AND e.seq <= $upto AND ` + eventWhere + `
		RETURN e{.*} AS e ORDER BY e.seq LIMIT $limit`
	}
	return read(ctx, s, func(tx *txn) ([]*Event, error) {
		recs, err := tx.run(cypher, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "e", decodeEvent)
	})
}

// RecentEvents returns the last events that pass f, newest first, and the
// log's head at that moment: subscribing after the head then continues
// exactly where this list ends.
func (s *Store) RecentEvents(ctx context.Context, last int, f EventFilter) ([]*Event, int64, error) {
	if last < 0 || last > MaxEventPage {
		return nil, 0, invalid("last: must be between 0 and %d, got %d", MaxEventPage, last)
	}
	params := f.params()
	params["limit"] = last
	type page struct {
		events []*Event
		head   int64
	}
	p, err := read(ctx, s, func(tx *txn) (page, error) {
		var out page
		rec, err := tx.single(`OPTIONAL MATCH (h:EventLog {name: 'main'}) RETURN coalesce(h.seq, 0) AS seq`, nil)
		if err != nil {
			return out, err
		}
		if out.head, err = recInt(rec, "seq"); err != nil {
			return out, err
		}
		params["head"] = out.head
		recs, err := tx.run(`MATCH (e:Event) WHERE e.seq <= $head AND `+eventWhere+`
			RETURN e{.*} AS e ORDER BY e.seq DESC LIMIT $limit`, params)
		if err != nil {
			return out, err
		}
		out.events, err = recsDecode(recs, "e", decodeEvent)
		return out, err
	})
	return p.events, p.head, err
}

// EventHead returns the sequence number of the latest event (0 for an
// empty log).
func (s *Store) EventHead(ctx context.Context) (int64, error) {
	return read(ctx, s, func(tx *txn) (int64, error) {
		rec, err := tx.single(`MATCH (h:EventLog {name: 'main'}) RETURN h.seq AS seq`, nil)
		if err != nil || rec == nil {
			return 0, err
		}
		return recInt(rec, "seq")
	})
}

// CountEvents counts the events that pass f. It reads the events of the
// projects f names or its scope holds through the (projectKey, seq) index,
// one target's through the targetId index, and counts the whole log from
// Neo4j's counts; only an all-projects count of some kinds reads the log.
func (s *Store) CountEvents(ctx context.Context, f EventFilter) (int, error) {
	params := f.params()
	cypher := `MATCH (e:Event) WHERE ` + eventWhere + ` RETURN count(e) AS n`
	switch {
	case len(f.ProjectKeys) > 0 || !f.Scope.All:
		keys := f.ProjectKeys
		if len(keys) == 0 {
			keys = f.Scope.Keys
		}
		params["countKeys"] = slices.Compact(slices.Sorted(slices.Values(keys)))
		cypher = `UNWIND $countKeys AS key MATCH (e:Event {projectKey: key}) WHERE e.seq IS NOT NULL AND ` + eventWhere + ` RETURN count(e) AS n`
	case f.TargetID != "":
		cypher = `MATCH (e:Event {targetId: $targetId}) WHERE ` + eventWhere + ` RETURN count(e) AS n`
	case len(f.Kinds) == 0:
		cypher, params = `MATCH (e:Event) RETURN count(e) AS n`, nil
	default:
		cypher = "// scans Event: an admin's count of every project's events of some kinds reads the log.\n" + cypher
	}
	return read(ctx, s, func(tx *txn) (int, error) {
		rec, err := tx.single(cypher, params)
		if err != nil {
			return 0, err
		}
		n, err := recInt(rec, "n")
		return int(n), err
	})
}
