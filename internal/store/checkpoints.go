package store

import (
	"context"
	"fmt"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/hashchain"
)

// LogName is the name of the event log, as its head (EventLog) and its
// checkpoints carry it.
const LogName = "main"

// A checkpoint (hashchain.Checkpoint) is stored as a LogCheckpoint node of
// its own, one per (log, seq), beside the log rather than in it: writing
// one appends no event, so a checkpoint never moves the head it signs
// (an event would need a checkpoint of its own, and an idle hub would
// sign a new head every interval forever).

// NextCheckpoint returns the unsigned checkpoint of the log's head as it
// is now (seq, hash and accumulator; the caller sets At and signs it),
// and the latest stored checkpoint (nil when none). The accumulator is
// folded from the latest checkpoint's, reading only the links after it
// (the whole log for the first one). moved is false when the head is the
// latest checkpoint's seq: there is nothing new to sign.
//
// It refuses, with errs.Integrity, to build on a log that no longer
// extends the latest checkpoint (its event at that seq is gone or has
// another hash) or whose links after it are not consecutive and chained:
// signing it would vouch for the rewrite.
func (s *Store) NextCheckpoint(ctx context.Context) (next hashchain.Checkpoint, latest *hashchain.Checkpoint, moved bool, err error) {
	type head struct {
		seq          int64
		hash, stored string
		latest       *hashchain.Checkpoint
	}
	h, err := read(ctx, s, func(tx *txn) (head, error) {
		var h head
		rec, err := tx.single(`
			MATCH (h:EventLog {name: $log})
			OPTIONAL MATCH (c:LogCheckpoint {log: $log})
			WITH h, c ORDER BY c.seq DESC LIMIT 1
			OPTIONAL MATCH (e:Event {seq: c.seq})
			RETURN h.seq AS seq, h.hash AS hash, c{.*} AS c, coalesce(e.hash, '') AS stored`, map[string]any{"log": LogName})
		if err != nil || rec == nil {
			return h, orErr(err, fmt.Errorf("event log head missing: %w", errs.Unavailable))
		}
		if h.seq, err = recInt(rec, "seq"); err != nil {
			return h, err
		}
		if h.hash, err = recStr(rec, "hash"); err != nil {
			return h, err
		}
		if h.stored, err = recStr(rec, "stored"); err != nil {
			return h, err
		}
		if m, ok := rec.Get("c"); ok && m != nil {
			c, err := recDecode(rec, "c", decodeCheckpoint)
			if err != nil {
				return h, err
			}
			h.latest = &c
		}
		return h, nil
	})
	if err != nil {
		return next, nil, false, err
	}
	latest = h.latest
	from, acc, prev := int64(0), hashchain.Genesis, hashchain.Genesis
	if latest != nil {
		if h.stored != latest.Hash || h.seq < latest.Seq {
			return next, latest, false, fmt.Errorf("the log no longer extends checkpoint seq %d (run the checkpoint check): %w", latest.Seq, errs.Integrity)
		}
		from, acc, prev = latest.Seq, latest.Accumulator, latest.Hash
	}
	next = hashchain.Checkpoint{Log: LogName, Seq: h.seq, Hash: h.hash, Accumulator: acc}
	if h.seq == from {
		return next, latest, false, nil
	}
	for from < h.seq {
		links, err := s.links(ctx, from, h.seq, verifyBatch)
		if err != nil {
			return next, latest, false, err
		}
		if len(links) == 0 {
			return next, latest, false, fmt.Errorf("events %d to %d are missing: %w", from+1, h.seq, errs.Integrity)
		}
		for _, l := range links {
			if l.Seq != from+1 || l.PrevHash != prev {
				return next, latest, false, fmt.Errorf("the log breaks at seq %d: %w", from+1, errs.Integrity)
			}
			acc, prev, from = hashchain.Fold(acc, l.Hash), l.Hash, l.Seq
		}
	}
	if prev != h.hash {
		return next, latest, false, fmt.Errorf("the log head's hash does not match event %d: %w", h.seq, errs.Integrity)
	}
	next.Accumulator = acc
	return next, latest, true, nil
}

// links reads up to limit links with after < seq ≤ upto, in order.
func (s *Store) links(ctx context.Context, after, upto int64, limit int) ([]Link, error) {
	return read(ctx, s, func(tx *txn) ([]Link, error) {
		recs, err := tx.run(`
			MATCH (e:Event) WHERE e.seq > $after AND e.seq <= $upto
			RETURN e.seq AS seq, e.prevHash AS prevHash, e.hash AS hash ORDER BY e.seq LIMIT $limit`,
			map[string]any{"after": after, "upto": upto, "limit": limit})
		if err != nil {
			return nil, err
		}
		out := make([]Link, 0, len(recs))
		for _, rec := range recs {
			l, err := decodeLink(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
		}
		return out, nil
	})
}

// AddCheckpoint stores a signed checkpoint, once: it reports false and
// writes nothing when a checkpoint at or after c.Seq is already stored
// (another replica made it). Under the log head's lock, so two replicas
// never store two checkpoints of one seq, nor one out of order; and only
// while the stored event at c.Seq still has c.Hash (errs.Integrity
// otherwise).
func (s *Store) AddCheckpoint(ctx context.Context, c hashchain.Checkpoint) (bool, error) {
	return write(ctx, s, func(tx *txn) (bool, error) {
		rec, err := tx.single(`
			MATCH (h:EventLog {name: $log}) `+lockClause("h")+`
			WITH h
			OPTIONAL MATCH (c:LogCheckpoint {log: $log}) WHERE c.seq >= $seq
			WITH h, count(c) AS later
			OPTIONAL MATCH (e:Event {seq: $seq})
			RETURN later, coalesce(e.hash, '') AS stored`, map[string]any{"log": c.Log, "seq": c.Seq})
		if err != nil || rec == nil {
			return false, orErr(err, fmt.Errorf("event log head missing: %w", errs.Unavailable))
		}
		later, err := recInt(rec, "later")
		if err != nil {
			return false, err
		}
		stored, err := recStr(rec, "stored")
		if err != nil {
			return false, err
		}
		switch {
		case later > 0:
			return false, nil
		case stored != c.Hash:
			return false, fmt.Errorf("event %d no longer has the hash the checkpoint signs: %w", c.Seq, errs.Integrity)
		}
		_, err = tx.run(`CREATE (c:LogCheckpoint) SET c = $c`, map[string]any{"c": map[string]any{
			"log": c.Log, "seq": c.Seq, "hash": c.Hash, "accumulator": c.Accumulator, "at": c.At,
			"keyId": c.KeyID, "signature": c.Signature}})
		return err == nil, err
	})
}

func decodeCheckpoint(m map[string]any) (hashchain.Checkpoint, error) {
	p := props{m: m}
	c := hashchain.Checkpoint{Log: p.str("log"), Seq: p.int("seq"), Hash: p.str("hash"), Accumulator: p.str("accumulator"),
		At: p.str("at"), KeyID: p.str("keyId"), Signature: p.str("signature")}
	return c, p.err
}

// CheckpointMismatch is a stored checkpoint the log no longer extends.
type CheckpointMismatch struct {
	Checkpoint hashchain.Checkpoint
	// Truncated is set when the log's head is below the checkpoint's seq
	// or its event is gone; otherwise the event at its seq has another
	// hash (StoredHash): the log was rolled back and written again, or
	// rewritten.
	Truncated  bool
	StoredHash string
	HeadSeq    int64
}

// Reason says what the mismatch means, in a sentence.
func (m CheckpointMismatch) Reason() string {
	c := m.Checkpoint
	if m.Truncated {
		return fmt.Sprintf("checkpoint seq %d (signed %s) is beyond what the log holds (head seq %d): the log was truncated or restored to an older point",
			c.Seq, c.At, m.HeadSeq)
	}
	return fmt.Sprintf("checkpoint seq %d (signed %s) signed hash %s, but the log's event %d has hash %s: the log was rewritten or rolled back",
		c.Seq, c.At, c.Hash, c.Seq, m.StoredHash)
}

// CheckpointCheck is the outcome of comparing the stored checkpoints with
// the log.
type CheckpointCheck struct {
	// Checked counts the checkpoints compared.
	Checked int
	// Latest is the latest stored checkpoint, nil when none.
	Latest *hashchain.Checkpoint
	// Mismatches are the checkpoints the log no longer extends, by seq
	// (at most maxMismatches of them).
	Mismatches []CheckpointMismatch
}

// maxMismatches bounds the mismatches one check returns.
const maxMismatches = 100

// CheckCheckpoints compares every stored checkpoint with the log: the
// event at its seq must still be stored, with the hash it signed. It
// reads the checkpoints and one event each by its unique seq, never the
// whole log (VerifyLog also checks each checkpoint's accumulator).
func (s *Store) CheckCheckpoints(ctx context.Context) (*CheckpointCheck, error) {
	return read(ctx, s, checkCheckpoints)
}

func checkCheckpoints(tx *txn) (*CheckpointCheck, error) {
	out := &CheckpointCheck{}
	rec, err := tx.single(`
		MATCH (h:EventLog {name: $log})
		OPTIONAL MATCH (c:LogCheckpoint {log: $log})
		WITH h, count(c) AS n, max(c.seq) AS top
		OPTIONAL MATCH (l:LogCheckpoint {log: $log, seq: top})
		RETURN h.seq AS head, n, l{.*} AS latest`, map[string]any{"log": LogName})
	if err != nil || rec == nil {
		return nil, orErr(err, fmt.Errorf("event log head missing: %w", errs.Unavailable))
	}
	head, err := recInt(rec, "head")
	if err != nil {
		return nil, err
	}
	n, err := recInt(rec, "n")
	if err != nil {
		return nil, err
	}
	out.Checked = int(n)
	if m, ok := rec.Get("latest"); ok && m != nil {
		c, err := recDecode(rec, "latest", decodeCheckpoint)
		if err != nil {
			return nil, err
		}
		out.Latest = &c
	}
	recs, err := tx.run(`
		MATCH (c:LogCheckpoint {log: $log})
		OPTIONAL MATCH (e:Event {seq: c.seq})
		WITH c, e WHERE e IS NULL OR e.hash <> c.hash OR c.seq > $head
		RETURN c{.*} AS c, coalesce(e.hash, '') AS stored ORDER BY c.seq LIMIT $limit`,
		map[string]any{"log": LogName, "head": head, "limit": maxMismatches})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		c, err := recDecode(rec, "c", decodeCheckpoint)
		if err != nil {
			return nil, err
		}
		stored, err := recStr(rec, "stored")
		if err != nil {
			return nil, err
		}
		out.Mismatches = append(out.Mismatches, CheckpointMismatch{Checkpoint: c, StoredHash: stored, HeadSeq: head,
			Truncated: stored == "" || c.Seq > head})
	}
	return out, nil
}

// checkpointsBefore returns the latest checkpoint with seq < before and
// the earliest with seq ≥ atOrAfter (nil when none).
func checkpointsAround(tx *txn, before, atOrAfter int64) (from, to *hashchain.Checkpoint, err error) {
	rec, err := tx.single(`
		OPTIONAL MATCH (a:LogCheckpoint {log: $log}) WHERE a.seq < $before
		WITH a ORDER BY a.seq DESC LIMIT 1
		OPTIONAL MATCH (b:LogCheckpoint {log: $log}) WHERE b.seq >= $after
		WITH a, b ORDER BY b.seq LIMIT 1
		RETURN a{.*} AS a, b{.*} AS b`, map[string]any{"log": LogName, "before": before, "after": atOrAfter})
	if err != nil || rec == nil {
		return nil, nil, err
	}
	get := func(key string) (*hashchain.Checkpoint, error) {
		if m, ok := rec.Get(key); !ok || m == nil {
			return nil, nil
		}
		c, err := recDecode(rec, key, decodeCheckpoint)
		return &c, err
	}
	if from, err = get("a"); err != nil {
		return nil, nil, err
	}
	to, err = get("b")
	return from, to, err
}
