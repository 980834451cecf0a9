package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/hashchain"
)

// MaxEvidenceChain bounds the links of the hash chain an evidence pack
// carries (about 160 bytes of JSON each). The chain runs from the first
// event about the evidence to the last; when that is longer, it starts at
// the request's first event or this many links before the last event,
// whichever is earlier, and older events come as earlier ones.
const MaxEvidenceChain = 50_000

// WithEvidenceWindow bounds the chain an evidence pack carries to n
// links instead of MaxEvidenceChain.
func WithEvidenceWindow(n int64) Option { return func(s *Store) { s.evidenceWindow = n } }

// Link is one link of the event log's hash chain.
type Link struct {
	Seq      int64
	PrevHash string
	Hash     string
}

// EvidenceLog is the part of the event log an evidence pack carries.
type EvidenceLog struct {
	// Events are the events about the targets, oldest first, as stored.
	Events []*Event
	// From is the first seq of Chain: events before it are older than the
	// chain's window.
	From int64
	// Chain is every link of the log from From to the last of Events.
	Chain []Link
	// Head is the log's last link when it was read.
	Head Link
	// Anchor ties Chain to signed checkpoints; nil when no checkpoint
	// follows the last event yet, or one is too far (see EvidenceLogOf).
	Anchor *Anchor
}

// Anchor is what links an evidence chain to signed checkpoints offline:
// the accumulator (see hashchain.Checkpoint) runs from From's (the
// genesis when From is nil) over Before, the chain and After, and ends at
// To's.
type Anchor struct {
	// From is the latest checkpoint before the chain's first link, nil
	// when none (the accumulator then starts at the genesis).
	From *hashchain.Checkpoint
	// To is the earliest checkpoint at or after the chain's last link.
	To hashchain.Checkpoint
	// Before are the links after From up to the chain's first, After
	// those after the chain's last up to To: hashes only.
	Before, After []Link
}

// EvidenceLogOf reads the events about targets and the stretch of the
// chain that links them (see MaxEvidenceChain; the chain starts no later
// than requestID's first event), in one read transaction.
func (s *Store) EvidenceLogOf(ctx context.Context, requestID string, targets []string) (*EvidenceLog, error) {
	targets = slices.Compact(slices.Sorted(slices.Values(targets)))
	return read(ctx, s, func(tx *txn) (*EvidenceLog, error) {
		out := &EvidenceLog{}
		rec, err := tx.single(`
			MATCH (h:EventLog {name: 'main'})
			OPTIONAL MATCH (e:Event {seq: h.seq})
			RETURN h.seq AS seq, h.hash AS hash, coalesce(e.prevHash, '') AS prevHash`, nil)
		if err != nil || rec == nil {
			return nil, orErr(err, fmt.Errorf("event log head missing: %w", errs.Unavailable))
		}
		if out.Head, err = decodeLink(rec); err != nil {
			return nil, err
		}
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (e:Event {targetId: id})
			RETURN e{.*} AS e ORDER BY e.seq`, map[string]any{"ids": targets})
		if err != nil {
			return nil, err
		}
		if out.Events, err = recsDecode(recs, "e", decodeEvent); err != nil || len(out.Events) == 0 {
			return out, err
		}
		to := out.Events[len(out.Events)-1].Seq
		out.From = max(out.Events[0].Seq, to-s.evidenceWindow+1)
		for _, e := range out.Events {
			if e.TargetID == requestID {
				out.From = min(out.From, e.Seq)
				break
			}
		}
		recs, err = tx.run(`
			MATCH (e:Event) WHERE e.seq >= $from AND e.seq <= $to
			RETURN e.seq AS seq, e.prevHash AS prevHash, e.hash AS hash ORDER BY e.seq`, map[string]any{"from": out.From, "to": to})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			l, err := decodeLink(rec)
			if err != nil {
				return nil, err
			}
			out.Chain = append(out.Chain, l)
		}
		out.Anchor, err = s.anchor(tx, out.From, to)
		return out, err
	})
}

// anchor returns the checkpoints around the chain from..to and the links
// between them and the chain, or nil when no checkpoint is at or after
// to, or when either stretch is longer than the evidence window: a pack
// then carries no checkpoint, as before checkpoints.
func (s *Store) anchor(tx *txn, from, to int64) (*Anchor, error) {
	a, b, err := checkpointsAround(tx, from, to)
	if err != nil || b == nil {
		return nil, err
	}
	start := int64(1)
	if a != nil {
		start = a.Seq + 1
	}
	if from-start > s.evidenceWindow || b.Seq-to > s.evidenceWindow {
		return nil, nil
	}
	out := &Anchor{From: a, To: *b, Before: []Link{}, After: []Link{}}
	for _, span := range []struct {
		from, to int64
		links    *[]Link
	}{{start, from - 1, &out.Before}, {to + 1, b.Seq, &out.After}} {
		if span.from > span.to {
			continue
		}
		recs, err := tx.run(`
			MATCH (e:Event) WHERE e.seq >= $from AND e.seq <= $to
			RETURN e.seq AS seq, e.prevHash AS prevHash, e.hash AS hash ORDER BY e.seq`, map[string]any{"from": span.from, "to": span.to})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			l, err := decodeLink(rec)
			if err != nil {
				return nil, err
			}
			*span.links = append(*span.links, l)
		}
	}
	return out, nil
}

func decodeLink(rec *neo4j.Record) (Link, error) {
	var l Link
	var err error
	if l.Seq, err = recInt(rec, "seq"); err != nil {
		return l, err
	}
	if l.PrevHash, err = recStr(rec, "prevHash"); err != nil {
		return l, err
	}
	l.Hash, err = recStr(rec, "hash")
	return l, err
}

// LatestValidations returns the latest finished run of each suite of each
// dataset version, by dataset version then suite name.
func (s *Store) LatestValidations(ctx context.Context, dvIDs []string) ([]*ValidationRun, error) {
	return read(ctx, s, func(tx *txn) ([]*ValidationRun, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (r:ValidationRun {datasetVersionId: id}) WHERE r.status <> 'RUNNING'
			WITH id, r ORDER BY r.finishedAt DESC, r.id DESC
			WITH id, r.suiteKey AS suite, collect(r)[0] AS latest
			RETURN latest{.*} AS r ORDER BY id, latest.suiteName`, map[string]any{"ids": dvIDs})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "r", decodeValidationRun)
	})
}
