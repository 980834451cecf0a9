package store

import (
	"context"
	"fmt"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/hashchain"
)

// BrokenLink is the first place the event log's hash chain does not hold.
type BrokenLink struct {
	Seq        int64
	ProjectKey string
	Reason     string
}

// LogVerification is the outcome of walking the whole hash chain.
type LogVerification struct {
	OK bool
	// Checked counts the events read; ProjectEvents those of the project
	// asked about.
	Checked, ProjectEvents int
	HeadSeq                int64
	HeadHash               string
	FirstBroken            *BrokenLink
	// Checkpoints counts the signed checkpoints the walk compared with
	// the log (their seq, hash and accumulator).
	Checkpoints int
}

// verifyBatch is how many events one read of the walk fetches.
const verifyBatch = 5000

// VerifyLog walks the event log from the first event to the head as it
// was when the walk began, recomputing every hash, and reports the first
// link that does not hold: an event whose content no longer matches its
// hash, whose prevHash is not the hash before it, a gap where an event was
// removed, or a head that does not match the last event. A project's
// events are links of the one global chain, so the whole chain is walked;
// projectKey only selects what ProjectEvents counts.
func (s *Store) VerifyLog(ctx context.Context, projectKey string) (*LogVerification, error) {
	return verifyLog(projectKey, func(work func(tx *txn) error) error {
		_, err := read(ctx, s, func(tx *txn) (struct{}, error) { return struct{}{}, work(tx) })
		return err
	})
}

// verifyLog walks the log with one read per batch through inTx.
func verifyLog(projectKey string, inTx func(work func(tx *txn) error) error) (*LogVerification, error) {
	var head Event
	var checkpoints []hashchain.Checkpoint
	err := inTx(func(tx *txn) error {
		recs, err := tx.run(`MATCH (c:LogCheckpoint {log: $log}) WHERE c.seq IS NOT NULL RETURN c{.*} AS c ORDER BY c.seq`, map[string]any{"log": LogName})
		if err != nil {
			return err
		}
		if checkpoints, err = recsDecode(recs, "c", decodeCheckpoint); err != nil {
			return err
		}
		rec, err := tx.single(`MATCH (h:EventLog {name: 'main'}) RETURN h.seq AS seq, h.hash AS hash`, nil)
		if err != nil || rec == nil {
			return orErr(err, fmt.Errorf("event log head missing: %w", errs.Unavailable))
		}
		if head.Seq, err = recInt(rec, "seq"); err != nil {
			return err
		}
		head.Hash, err = recStr(rec, "hash")
		return err
	})
	if err != nil {
		return nil, err
	}
	v := &LogVerification{HeadSeq: head.Seq, HeadHash: head.Hash}
	broken := func(seq int64, project, format string, a ...any) (*LogVerification, error) {
		v.FirstBroken = &BrokenLink{Seq: seq, ProjectKey: project, Reason: fmt.Sprintf(format, a...)}
		return v, nil
	}
	prev, last, acc := GenesisHash, int64(0), hashchain.Genesis
	// next is the first checkpoint not yet compared with the walk.
	next := 0
	for last < head.Seq {
		var recs []map[string]any
		err := inTx(func(tx *txn) error {
			rs, err := tx.run(`
				MATCH (e:Event) WHERE e.seq > $after AND e.seq <= $head
				RETURN e{.*} AS e ORDER BY e.seq LIMIT $limit`, map[string]any{"after": last, "head": head.Seq, "limit": verifyBatch})
			if err != nil {
				return err
			}
			recs = make([]map[string]any, len(rs))
			for i, rec := range rs {
				if recs[i], err = recMap(rec, "e"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return broken(last+1, "", "events %d to %d are missing: the log ends before its head", last+1, head.Seq)
		}
		for _, m := range recs {
			e, err := decodeEvent(m)
			if err != nil {
				seq, _ := m["seq"].(int64)
				project, _ := m["projectKey"].(string)
				return broken(seq, project, "event %d cannot be read: its stored fields were altered", seq)
			}
			v.Checked++
			if e.ProjectKey == projectKey {
				v.ProjectEvents++
			}
			switch h, err := e.ComputeHash(); {
			case e.Seq != last+1:
				return broken(last+1, "", "event %d is missing: the log jumps from %d to %d", last+1, last, e.Seq)
			case e.PrevHash != prev:
				return broken(e.Seq, e.ProjectKey, "event %d: prevHash does not match the hash of event %d", e.Seq, last)
			case err != nil || h != e.Hash:
				return broken(e.Seq, e.ProjectKey, "event %d: its content does not match its hash (it was altered)", e.Seq)
			}
			prev, last, acc = e.Hash, e.Seq, hashchain.Fold(acc, e.Hash)
			for ; next < len(checkpoints) && checkpoints[next].Seq <= last; next++ {
				c := checkpoints[next]
				switch {
				case c.Seq != last:
					continue
				case c.Hash != e.Hash:
					return broken(c.Seq, e.ProjectKey, "checkpoint seq %d (signed %s) signed hash %s, but event %d has hash %s: the log was rewritten or rolled back", c.Seq, c.At, c.Hash, c.Seq, e.Hash)
				case c.Accumulator != acc:
					return broken(c.Seq, e.ProjectKey, "checkpoint seq %d (signed %s): the events up to it no longer fold to its accumulator: the log before it was rewritten", c.Seq, c.At)
				}
				v.Checkpoints++
			}
		}
	}
	if head.Seq > 0 && prev != head.Hash {
		return broken(head.Seq, "", "the log head's hash does not match event %d", head.Seq)
	}
	if next < len(checkpoints) {
		c := checkpoints[next]
		return broken(c.Seq, "", "checkpoint seq %d (signed %s) is beyond the log's head (seq %d): the log was truncated or restored to an older point", c.Seq, c.At, head.Seq)
	}
	v.OK = true
	return v, nil
}
