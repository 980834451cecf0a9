package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// The asynchronous intake of OpenLineage events. A producer's event is
// first recorded — a LineageEvent node keyed by the event's hash, with
// pending = true and the event's text — and acknowledged once that
// transaction commits; IngestLineage applies it later, in batches far
// larger than the producers' concurrency allows, and removes pending and
// the text in the same transaction that writes what the event says (and
// appends to the event log). A record is a receipt, not a change of the
// graph: it appends nothing to the event log, and no query but the
// intake's own reads it.
//
// A replica that stops between the two leaves its records pending;
// PendingLineage finds them for any replica to apply. Applying is
// idempotent: IngestLineage locks each event's record before reading
// whether it is still pending, so two replicas applying the same record
// write it once.

// LineageRecord is an event as the intake records it.
type LineageRecord struct {
	Hash       string
	ProjectKey string
	Actor      string
	// Body is the event's text (gzip-compressed), for the replica that
	// applies it after a restart.
	Body       []byte
	ReceivedAt time.Time
}

// LineageReceipt is what recording one event did: Duplicate when an event
// with its hash was recorded (or applied) before, Err when its project
// does not exist.
type LineageReceipt struct {
	Duplicate bool
	Err       error
}

// RecordLineage records a batch of events in one transaction. An event
// whose hash the store has seen, or that comes again later in the batch,
// is a Duplicate and changes nothing, unless its earlier record failed to
// apply (FailLineage): sent again, it is recorded again.
func (s *Store) RecordLineage(ctx context.Context, recs []LineageRecord) ([]LineageReceipt, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	out := make([]LineageReceipt, len(recs))
	token := make([]byte, 12)
	rand.Read(token) // a fresh token tells this transaction's records from older ones
	tok := hex.EncodeToString(token)
	// In one order, so concurrent records of the same events wait for
	// each other instead of deadlocking; a batch's repeats are duplicates.
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return strings.Compare(lineageEventKey(recs[a].ProjectKey, recs[a].Hash), lineageEventKey(recs[b].ProjectKey, recs[b].Hash))
	})
	rows, first, repeats := []map[string]any{}, map[string]int{}, map[int]int{}
	for _, i := range order {
		r, key := recs[i], lineageEventKey(recs[i].ProjectKey, recs[i].Hash)
		if f, ok := first[key]; ok {
			repeats[i] = f
			continue
		}
		first[key] = i
		rows = append(rows, map[string]any{"i": i, "hash": r.Hash, "projectKey": r.ProjectKey, "actor": r.Actor, "body": r.Body})
	}
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		// A row whose project does not exist returns nothing.
		recsOut, err := tx.run(`
			UNWIND $rows AS r
			MATCH (:Project {key: r.projectKey})
			MERGE (e:LineageEvent {projectKey: r.projectKey, hash: r.hash})
			  ON CREATE SET e.actor = r.actor, e.body = r.body, e.pending = true, e.receivedAt = $now, e.intake = $token
			WITH e, r, e.intake = $token AS created, e.failed IS NOT NULL AS retry
			FOREACH (_ IN CASE WHEN retry THEN [1] ELSE [] END |
			  SET e.actor = r.actor, e.body = r.body, e.pending = true, e.receivedAt = $now, e.intake = $token
			  REMOVE e.failed, e.failedAt)
			RETURN r.i AS i, created OR retry AS created`,
			map[string]any{"rows": rows, "now": s.now().UTC(), "token": tok})
		if err != nil {
			return struct{}{}, err
		}
		found := map[int]bool{}
		for _, rec := range recsOut {
			i, _ := rec.Get("i")
			created, _ := rec.Get("created")
			n, ok := i.(int64)
			if !ok || n < 0 || int(n) >= len(recs) {
				return struct{}{}, fmt.Errorf("recording lineage events: row %v", i)
			}
			found[int(n)] = true
			out[n].Duplicate = created != true
		}
		for _, row := range rows {
			if i := row["i"].(int); !found[i] {
				out[i].Err = fmt.Errorf("project %s: %w", errs.Quote(recs[i].ProjectKey), errs.NotFound)
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, err
	}
	for i, f := range repeats {
		out[i] = LineageReceipt{Duplicate: out[f].Err == nil, Err: out[f].Err}
	}
	return out, nil
}

// PendingLineage returns up to limit recorded events not yet applied that
// were received before before, oldest first, but those of skip (hashes:
// a replica skips the events it holds, whatever their project).
func (s *Store) PendingLineage(ctx context.Context, before time.Time, skip []string, limit int) ([]LineageRecord, error) {
	return read(ctx, s, func(tx *txn) ([]LineageRecord, error) {
		recs, err := tx.run(`
			MATCH (e:LineageEvent) WHERE e.pending = true AND e.receivedAt < $before AND NOT e.hash IN $skip
			RETURN e.hash AS hash, e.projectKey AS projectKey, e.actor AS actor, e.body AS body, e.receivedAt AS receivedAt
			ORDER BY e.receivedAt LIMIT $limit`,
			map[string]any{"before": before.UTC(), "skip": append([]string{}, skip...), "limit": limit})
		if err != nil {
			return nil, err
		}
		out := make([]LineageRecord, 0, len(recs))
		for _, r := range recs {
			p := props{m: r.AsMap()}
			body, _ := p.m["body"].([]byte)
			at, _ := p.m["receivedAt"].(time.Time)
			out = append(out, LineageRecord{Hash: p.str("hash"), ProjectKey: p.str("projectKey"), Actor: p.str("actor"),
				Body: body, ReceivedAt: at})
			if p.err != nil {
				return nil, p.err
			}
		}
		return out, nil
	})
}

// PendingLineageCount is the number of recorded events not yet applied.
func (s *Store) PendingLineageCount(ctx context.Context) (int64, error) {
	return read(ctx, s, func(tx *txn) (int64, error) {
		rec, err := tx.single(`MATCH (e:LineageEvent) WHERE e.pending = true RETURN count(e) AS n`, nil)
		if err != nil {
			return 0, err
		}
		n, _ := rec.Get("n")
		v, _ := n.(int64)
		return v, nil
	})
}

// FailLineage marks a recorded event that cannot be applied (its project
// was deleted, or its text no longer maps): it is no longer pending, and
// keeps its text and the reason for whoever looks.
func (s *Store) FailLineage(ctx context.Context, project, hash, reason string) error {
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.run(`MATCH (e:LineageEvent {projectKey: $project, hash: $hash}) WHERE e.pending = true
			SET e.failed = $reason, e.failedAt = $now REMOVE e.pending`,
			map[string]any{"project": project, "hash": hash, "reason": reason, "now": s.now().UTC()})
		return struct{}{}, err
	})
	return err
}

// stringSet reads a record's list of strings as a set.
func stringSet(rec interface{ Get(string) (any, bool) }, key string) (map[string]bool, error) {
	l, _, err := getList(rec, key)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(l))
	for _, v := range l {
		if str, ok := v.(string); ok {
			set[str] = true
		}
	}
	return set, nil
}
