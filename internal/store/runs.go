package store

import (
	"context"
	"errors"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// RunStatus is the lifecycle state of a run.
type RunStatus string

// Run states: a run waits (SCHEDULED), executes (RUNNING) or has ended in
// one of the terminal states. Which moves between them are allowed is
// internal/tracking's lifecycle rule.
const (
	StatusScheduled RunStatus = "SCHEDULED"
	StatusRunning   RunStatus = "RUNNING"
	StatusFinished  RunStatus = "FINISHED"
	StatusFailed    RunStatus = "FAILED"
	StatusKilled    RunStatus = "KILLED"
)

// Terminal reports whether a run in st has ended: it has an endedAt.
func (st RunStatus) Terminal() bool {
	return st == StatusFinished || st == StatusFailed || st == StatusKilled
}

// Known reports whether st is one of the run states.
func (st RunStatus) Known() bool {
	return st == StatusScheduled || st == StatusRunning || st.Terminal()
}

// KeyValue is one param or tag.
type KeyValue struct {
	Key, Value string
}

// CodeRef is the source a run executed.
type CodeRef struct {
	Repo, Commit string
	Dirty        bool
}

// Environment is where a run executed.
type Environment struct {
	ImageDigest, LockfileHash, Platform *string
}

// Run is one execution of an experiment's code (or of a pipeline job).
type Run struct {
	ID         string
	ProjectKey string
	// ExperimentID is empty for a pipeline run, JobID for an experiment's.
	ExperimentID string
	JobID        string
	// ExternalID is the producer's run ID of a pipeline run (OpenLineage
	// runId).
	ExternalID *string
	// ErrorMessage is why a pipeline run failed, as its producer said.
	ErrorMessage *string
	// Facets is the JSON object of a pipeline run's OpenLineage facets
	// (name → facet); "" for a run started through the hub.
	Facets      string
	Name        string
	Status      RunStatus
	StartedAt   time.Time
	EndedAt     *time.Time
	CreatedBy   string
	Params      []KeyValue
	Tags        []KeyValue
	Code        *CodeRef
	Environment *Environment
	Seed        *int64
	// DeletedAt is when the run was deleted (MLflow's lifecycle stage
	// "deleted"); nil while it is active. A deleted run is kept and can be
	// restored.
	DeletedAt *time.Time
	// DeletedWithExperiment says the run was deleted by its experiment's
	// deletion, so restoring the experiment restores it.
	DeletedWithExperiment bool
}

func zipKV(keys, values []string) []KeyValue {
	out := make([]KeyValue, 0, len(keys))
	for i, k := range keys {
		if i < len(values) {
			out = append(out, KeyValue{k, values[i]})
		}
	}
	return out
}

func unzipKV(kvs []KeyValue) (keys, values []string) {
	keys, values = make([]string, len(kvs)), make([]string, len(kvs))
	for i, kv := range kvs {
		keys[i], values[i] = kv.Key, kv.Value
	}
	return keys, values
}

func decodeRun(m map[string]any) (*Run, error) {
	p := props{m: m}
	r := &Run{
		ID: p.str("id"), ProjectKey: p.str("projectKey"), ExperimentID: p.str("experimentId"), JobID: p.str("jobId"),
		ExternalID: p.optStr("externalId"), ErrorMessage: p.optStr("errorMessage"), Facets: p.str("facets"),
		Name: p.str("name"), Status: RunStatus(p.str("status")), StartedAt: p.time("startedAt"),
		EndedAt: p.optTime("endedAt"), CreatedBy: p.str("createdBy"),
		Params: zipKV(p.strs("paramKeys"), p.strs("paramValues")),
		Tags:   zipKV(p.strs("tagKeys"), p.strs("tagValues")),
		Seed:   p.optInt("seed"),

		DeletedAt: p.optTime("deletedAt"), DeletedWithExperiment: p.bool("deletedWithExperiment"),
	}
	if repo := p.optStr("codeRepo"); repo != nil {
		r.Code = &CodeRef{Repo: *repo, Commit: p.str("codeCommit"), Dirty: p.bool("codeDirty")}
	}
	if env := (Environment{p.optStr("envImageDigest"), p.optStr("envLockfileHash"), p.optStr("envPlatform")}); env != (Environment{}) {
		r.Environment = &env
	}
	return r, p.err
}

// StartRunInput holds the fields of a new run.
type StartRunInput struct {
	ExperimentID string
	Name         string
	Status       RunStatus
	Params       []KeyValue
	Tags         []KeyValue
	Code         *CodeRef
	Environment  *Environment
	Seed         *int64
	// StartedAt is when the run started, as its client says (MLflow's
	// start_time, an import's source); nil: now. It may not be later than
	// now plus MaxClockSkew.
	StartedAt *time.Time
}

// MaxClockSkew is how far in the future a client's start or end time of a
// run may be: clocks differ a little, not by hours.
const MaxClockSkew = 10 * time.Minute

func (in *StartRunInput) validate() error {
	if err := checkID("experimentId", in.ExperimentID, KindExperiment); err != nil {
		return err
	}
	if in.Status == "" {
		in.Status = StatusRunning
	}
	if !in.Status.Known() {
		return invalid("status: unknown run status %s", errs.Quote(in.Status))
	}
	if err := checkText("name", in.Name, MaxNameLen, false); err != nil {
		return err
	}
	if err := checkKeyValues("params", in.Params, MaxParamValueLen); err != nil {
		return err
	}
	if err := checkKeyValues("tags", in.Tags, MaxTagValueLen); err != nil {
		return err
	}
	if c := in.Code; c != nil {
		if err := checkText("code.repo", c.Repo, MaxURILen, true); err != nil {
			return err
		}
		if err := checkText("code.commit", c.Commit, MaxNameLen, true); err != nil {
			return err
		}
	}
	if e := in.Environment; e != nil {
		for _, f := range []struct {
			name string
			v    *string
		}{{"environment.imageDigest", e.ImageDigest}, {"environment.lockfileHash", e.LockfileHash}, {"environment.platform", e.Platform}} {
			if f.v != nil {
				if err := checkText(f.name, *f.v, MaxNameLen, true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// StartRun creates a run in an experiment, in status in.Status (RUNNING
// when empty); a run recorded in a terminal status ends as it starts
// (endedAt = startedAt). Which statuses a request may start a run in is
// tracking's rule.
func (s *Store) StartRun(ctx context.Context, actor string, in StartRunInput) (*Run, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	id := newID(KindRun)
	name := in.Name
	if name == "" {
		name = "run-" + id[len(id)-8:]
	}
	pk, pv := unzipKV(in.Params)
	tk, tv := unzipKV(in.Tags)
	now := s.now().UTC()
	started := now
	if in.StartedAt != nil {
		if in.StartedAt.After(now.Add(MaxClockSkew)) {
			return nil, invalid("startTime: %s is in the future", in.StartedAt.UTC().Format(time.RFC3339))
		}
		started = in.StartedAt.UTC()
	}
	params := map[string]any{
		"id": id, "experimentId": in.ExperimentID, "name": name, "status": string(in.Status),
		"now": now, "started": started, "ended": nil, "actor": actor, "paramKeys": pk, "paramValues": pv, "tagKeys": tk, "tagValues": tv,
		"codeRepo": nil, "codeCommit": nil, "codeDirty": nil, "seed": nil,
		"envImageDigest": nil, "envLockfileHash": nil, "envPlatform": nil,
	}
	if in.Status.Terminal() {
		params["ended"] = now
	}
	if c := in.Code; c != nil {
		params["codeRepo"], params["codeCommit"], params["codeDirty"] = c.Repo, c.Commit, c.Dirty
	}
	if e := in.Environment; e != nil {
		params["envImageDigest"], params["envLockfileHash"], params["envPlatform"] = derefOrNil(e.ImageDigest), derefOrNil(e.LockfileHash), derefOrNil(e.Platform)
	}
	if in.Seed != nil {
		params["seed"] = *in.Seed
	}
	return write(ctx, s, func(tx *txn) (*Run, error) {
		rec, err := tx.single(`
			MATCH (e:Experiment {id: $experimentId})
			CREATE (r:Run:Node {id: $id, projectKey: e.projectKey, experimentId: e.id, name: $name, displayName: $name,
			        status: $status, startedAt: $started, endedAt: $ended, createdAt: $now, createdBy: $actor, revision: 0,
			        paramKeys: $paramKeys, paramValues: $paramValues, tagKeys: $tagKeys, tagValues: $tagValues,
			        codeRepo: $codeRepo, codeCommit: $codeCommit, codeDirty: $codeDirty, seed: $seed,
			        envImageDigest: $envImageDigest, envLockfileHash: $envLockfileHash, envPlatform: $envPlatform})
			CREATE (e)-[:HAS_RUN]->(r)
			RETURN r{.*} AS r`, params)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(KindExperiment, in.ExperimentID)
		}
		m, err := recMap(rec, "r")
		if err != nil {
			return nil, err
		}
		r, err := decodeRun(m)
		if err != nil {
			return nil, err
		}
		return r, s.appendEvents(tx, actor, eventDraft{EventRunStarted, r.ProjectKey, r.ID,
			map[string]any{"experimentId": r.ExperimentID, "name": r.Name, "status": string(r.Status)}})
	})
}

func derefOrNil[T any](s *T) any {
	if s == nil {
		return nil
	}
	return *s
}

// lockRun takes the run's write lock for the rest of the transaction and
// returns the run as committed, so checks made on it cannot race a
// concurrent writer. It counts the change in the run's revision (a no-op
// rolls back, so the revision counts real changes).
func lockRun(tx *txn, id string) (*Run, error) {
	return runRecord(tx, id, lockRunCypher+` RETURN r{.*} AS r`, nil)
}

// lockRunCypher locks run $id as r and counts the change in its revision;
// statements that lock a run and do more in the same round trip start
// with it.
var lockRunCypher = `MATCH (r:Run {id: $id}) ` + lockClause("r") + ` SET r.revision = coalesce(r.revision, 0) + 1`

// runRecord runs a statement returning one run as column r; params gets
// the run's ID as $id. No record is errs.NotFound.
func runRecord(tx *txn, id, cypher string, params map[string]any) (*Run, error) {
	if params == nil {
		params = map[string]any{}
	}
	params["id"] = id
	rec, err := tx.single(cypher, params)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, notFound(KindRun, id)
	}
	m, err := recMap(rec, "r")
	if err != nil {
		return nil, err
	}
	return decodeRun(m)
}

// MoveRun moves a run to status to. allow, called with the run as it is
// under its lock, decides whether the move is legal (tracking's lifecycle
// rule); its error is returned and nothing is written. Asking for the
// status the run already has is a no-op that allow is not asked about, so
// a retried request succeeds. A terminal status sets endedAt.
func (s *Store) MoveRun(ctx context.Context, actor, runID string, to RunStatus, allow func(*Run) error) (*Run, error) {
	return s.MoveRunAt(ctx, actor, runID, to, nil, allow)
}

// MoveRunAt is MoveRun with the time a terminal status was reached, as
// the client says (MLflow's end_time, an import's source); nil: now. It
// may not be before the run's start nor later than now plus MaxClockSkew.
func (s *Store) MoveRunAt(ctx context.Context, actor, runID string, to RunStatus, endedAt *time.Time, allow func(*Run) error) (*Run, error) {
	if err := checkID("runId", runID, KindRun); err != nil {
		return nil, err
	}
	if !to.Known() {
		return nil, invalid("status: unknown run status %s", errs.Quote(to))
	}
	var unchanged *Run
	run, err := write(ctx, s, func(tx *txn) (*Run, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return nil, err
		}
		if r.Status == to {
			unchanged = r
			return nil, errUnchanged
		}
		if err := allow(r); err != nil {
			return nil, err
		}
		var ended any
		if to.Terminal() {
			now := s.now().UTC()
			ended = now
			if endedAt != nil {
				switch {
				case endedAt.After(now.Add(MaxClockSkew)):
					return nil, invalid("endTime: %s is in the future", endedAt.UTC().Format(time.RFC3339))
				case endedAt.Before(r.StartedAt):
					return nil, invalid("endTime: %s is before the run started (%s)", endedAt.UTC().Format(time.RFC3339), r.StartedAt.UTC().Format(time.RFC3339))
				}
				ended = endedAt.UTC()
			}
		}
		run, err := runRecord(tx, runID, `MATCH (r:Run {id: $id}) SET r.status = $to, r.endedAt = $ended RETURN r{.*} AS r`,
			map[string]any{"to": string(to), "ended": ended})
		if err != nil {
			return nil, err
		}
		return run, s.appendEvents(tx, actor, eventDraft{EventRunStatusChanged, run.ProjectKey, run.ID,
			map[string]any{"experimentId": run.ExperimentID, "name": run.Name, "from": string(r.Status), "status": string(to)}})
	})
	return orUnchanged(run, unchanged, err)
}

// UpdateRunStatus is MoveRun with no lifecycle rule: any move is written.
// It serves seeding and test fixtures, which set a run's status directly;
// requests move runs through internal/tracking, which passes its rule.
func (s *Store) UpdateRunStatus(ctx context.Context, actor, runID string, to RunStatus) (*Run, error) {
	return s.MoveRun(ctx, actor, runID, to, anyRun)
}

// anyRun allows every write to a run.
func anyRun(*Run) error { return nil }

// errUnchanged rolls back a write transaction that turned out to change
// nothing (its lock bumped the revision), so a no-op leaves no trace.
var errUnchanged = errors.New("unchanged")

// orUnchanged returns the unchanged value when the transaction was rolled
// back by errUnchanged.
func orUnchanged[T any](v, unchanged T, err error) (T, error) {
	if errors.Is(err, errUnchanged) {
		return unchanged, nil
	}
	return v, err
}

// AddRunParams records params whose keys the run has not logged yet; a
// key it has keeps its value. allow, called with the run as it is under
// its lock, decides whether the call may be written (tracking's rule:
// params are write-once and logged while the run has not ended); its
// error is returned and nothing of the call is written. A call that adds
// no key is a no-op.
func (s *Store) AddRunParams(ctx context.Context, runID string, params []KeyValue, allow func(*Run) error) (*Run, error) {
	if err := checkRunKeyValues(runID, "params", params, MaxParamValueLen); err != nil {
		return nil, err
	}
	var unchanged *Run
	run, err := write(ctx, s, func(tx *txn) (*Run, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return nil, err
		}
		if err := allow(r); err != nil {
			return nil, err
		}
		have := make(map[string]bool, len(r.Params))
		for _, kv := range r.Params {
			have[kv.Key] = true
		}
		merged := r.Params
		for _, kv := range params {
			if !have[kv.Key] {
				merged = append(merged, kv)
			}
		}
		if len(merged) == len(r.Params) {
			unchanged = r
			return nil, errUnchanged
		}
		keys, values := unzipKV(merged)
		return setRunLists(tx, runID, "params", keys, values)
	})
	return orUnchanged(run, unchanged, err)
}

// LogParams is AddRunParams with no rule: for seeding and test fixtures;
// requests log params through internal/tracking, which passes its rule.
func (s *Store) LogParams(ctx context.Context, runID string, params []KeyValue) (*Run, error) {
	return s.AddRunParams(ctx, runID, params, anyRun)
}

// overwriteKV sets each of update's pairs in kvs: a key kvs has takes the
// new value in place, a new key is appended.
func overwriteKV(kvs, update []KeyValue) []KeyValue {
	for _, kv := range update {
		replaced := false
		for i := range kvs {
			if kvs[i].Key == kv.Key {
				kvs[i].Value, replaced = kv.Value, true
			}
		}
		if !replaced {
			kvs = append(kvs, kv)
		}
	}
	return kvs
}

// checkRunKeyValues validates the arguments of AddRunParams and SetRunTags:
// a run ID and a non-empty list of key/value pairs named field.
func checkRunKeyValues(runID, field string, kvs []KeyValue, maxValue int) error {
	if err := checkID("runId", runID, KindRun); err != nil {
		return err
	}
	if len(kvs) == 0 {
		return invalid("%s: at least one is required", field)
	}
	return checkKeyValues(field, kvs, maxValue)
}

// SetRunTags sets tags, overwriting the values of keys already present.
func (s *Store) SetRunTags(ctx context.Context, runID string, tags []KeyValue) (*Run, error) {
	if err := checkRunKeyValues(runID, "tags", tags, MaxTagValueLen); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Run, error) {
		r, err := lockRun(tx, runID)
		if err != nil {
			return nil, err
		}
		merged := overwriteKV(r.Tags, tags)
		if len(merged) > MaxItemsPerCall*10 {
			return nil, invalid("tags: a run holds at most %d tags", MaxItemsPerCall*10)
		}
		keys, values := unzipKV(merged)
		return setRunLists(tx, runID, "tags", keys, values)
	})
}

// setRunLists writes a run's params or tags lists.
func setRunLists(tx *txn, runID, which string, keys, values []string) (*Run, error) {
	q := `MATCH (r:Run {id: $id}) SET r.paramKeys = $keys, r.paramValues = $values RETURN r{.*} AS r`
	if which == "tags" {
		q = `MATCH (r:Run {id: $id}) SET r.tagKeys = $keys, r.tagValues = $values RETURN r{.*} AS r`
	}
	return runRecord(tx, runID, q, map[string]any{"keys": keys, "values": values})
}
