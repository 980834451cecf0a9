package store_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// signHead signs the log's head as it is now and stores the checkpoint;
// it returns the checkpoint stored at or after it (another test may have
// stored a later one first).
func signHead(t *testing.T, s *store.Store, key ed25519.PrivateKey) hashchain.Checkpoint {
	t.Helper()
	ctx := t.Context()
	next, _, moved, err := s.NextCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !moved {
		t.Fatalf("the head did not move: %+v", next)
	}
	next.At = hashchain.FormatTime(time.Now())
	c := hashchain.Sign(next, key)
	ok, err := s.AddCheckpoint(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		check, err := s.CheckCheckpoints(ctx)
		if err != nil || check.Latest == nil || check.Latest.Seq < c.Seq {
			t.Fatalf("checkpoint %d refused, latest %+v, %v", c.Seq, check, err)
		}
		return *check.Latest
	}
	return c
}

func TestCheckpointsDetectTruncationAndRewrite(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	newProject(t, s, "ckpt")
	c := signHead(t, s, key)
	if err := c.CheckSignature(pub); err != nil && !errors.Is(err, hashchain.ErrWrongKey) {
		t.Fatalf("stored checkpoint: %v", err)
	}
	// An event after the checkpoint: a truncation to the checkpoint's
	// seq - 1 leaves a log that is whole in itself.
	newProject(t, s, "ckpt")

	t.Run("untouched", func(t *testing.T) {
		check, err := s.CheckCheckpoints(ctx)
		if err != nil || check.Checked < 1 || check.Latest == nil || len(check.Mismatches) != 0 {
			t.Fatalf("untouched log: %+v %v", check, err)
		}
	})
	t.Run("once per seq", func(t *testing.T) {
		again, err := s.AddCheckpoint(ctx, c)
		if err != nil || again {
			t.Fatalf("the same checkpoint again: stored %v, %v", again, err)
		}
		other := c
		other.Accumulator = hashchain.Genesis
		if again, err := s.AddCheckpoint(ctx, hashchain.Sign(other, key)); err != nil || again {
			t.Fatalf("a conflicting checkpoint of seq %d: stored %v, %v", c.Seq, again, err)
		}
		if n := neo4jtest.Count(t, `MATCH (c:LogCheckpoint {log: 'main', seq: $seq}) RETURN count(c) AS n`, map[string]any{"seq": c.Seq}); n != 1 {
			t.Fatalf("%d checkpoints of seq %d", n, c.Seq)
		}
	})
	t.Run("refuses a hash the log does not hold", func(t *testing.T) {
		check, err := s.CheckCheckpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		head, err := s.EventHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		forged := hashchain.Sign(hashchain.Checkpoint{Log: store.LogName, Seq: max(head, check.Latest.Seq+1), Hash: strings.Repeat("f", 64),
			Accumulator: hashchain.Genesis, At: hashchain.FormatTime(time.Now())}, key)
		if _, err := s.AddCheckpoint(ctx, forged); !errors.Is(err, errs.Integrity) {
			t.Fatalf("a checkpoint of a hash the log does not hold: %v", err)
		}
	})

	truncate := `MATCH (e:Event) WHERE e.seq >= $seq DETACH DELETE e
		WITH count(*) AS gone
		MATCH (h:EventLog {name: 'main'}), (p:Event {seq: $seq - 1})
		SET h.seq = p.seq, h.hash = p.hash`
	cases := []struct {
		name, cypher string
		truncated    bool
	}{
		{"truncated", truncate, true},
		{"event removed", `MATCH (e:Event {seq: $seq}) DETACH DELETE e`, true},
		{"rewritten", `MATCH (e:Event {seq: $seq}) SET e.hash = $fake`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check, err := s.CheckCheckpointsTampered(ctx, tc.cypher, map[string]any{"seq": c.Seq, "fake": strings.Repeat("e", 64)})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(check.Mismatches, func(m store.CheckpointMismatch) bool { return m.Checkpoint.Seq == c.Seq })
			if i < 0 {
				t.Fatalf("checkpoint %d not reported: %+v", c.Seq, check.Mismatches)
			}
			m := check.Mismatches[i]
			if m.Truncated != tc.truncated {
				t.Fatalf("mismatch %+v: truncated %v, want %v (%s)", m, m.Truncated, tc.truncated, m.Reason())
			}
			want := "rewritten"
			if tc.truncated {
				want = "truncated"
			}
			if !strings.Contains(m.Reason(), want) {
				t.Fatalf("reason %q does not say %q", m.Reason(), want)
			}
		})
	}

	// The walk of the whole log finds no broken link in a cleanly
	// truncated log; only the checkpoint tells.
	t.Run("walk", func(t *testing.T) {
		v, err := s.VerifyLog(ctx, "")
		if err != nil || !v.OK || v.Checkpoints < 1 {
			t.Fatalf("untouched log: %+v %v", v, err)
		}
		v, err = s.VerifyLogTampered(ctx, "", truncate, map[string]any{"seq": c.Seq})
		if err != nil {
			t.Fatal(err)
		}
		if v.OK || v.FirstBroken == nil || v.FirstBroken.Seq < c.Seq || !strings.Contains(v.FirstBroken.Reason, "beyond the log's head") {
			t.Fatalf("truncated log: %+v (broken %+v)", v, v.FirstBroken)
		}
		v, err = s.VerifyLogTampered(ctx, "", `MATCH (e:Event {seq: $seq}) SET e.hash = $fake
			WITH e MATCH (n:Event {seq: $seq + 1}) SET n.prevHash = $fake`, map[string]any{"seq": c.Seq, "fake": strings.Repeat("e", 64)})
		if err != nil {
			t.Fatal(err)
		}
		if v.OK || v.FirstBroken == nil || v.FirstBroken.Seq != c.Seq {
			t.Fatalf("rewritten log: %+v (broken %+v)", v, v.FirstBroken)
		}
	})
}

func TestCheckpointAccumulator(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	newProject(t, s, "acc")
	first := signHead(t, s, key)
	newProject(t, s, "acc")
	newProject(t, s, "acc")
	next, latest, moved, err := s.NextCheckpoint(ctx)
	if err != nil || !moved || latest == nil || latest.Seq < first.Seq {
		t.Fatalf("next %+v latest %+v moved %v: %v", next, latest, moved, err)
	}
	// Folding the links after the latest checkpoint by hand gives the
	// accumulator NextCheckpoint folded.
	evs, err := s.EventsBetween(ctx, latest.Seq, next.Seq, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	acc := latest.Accumulator
	for _, e := range evs {
		acc = hashchain.Fold(acc, e.Hash)
	}
	if acc != next.Accumulator || evs[len(evs)-1].Hash != next.Hash {
		t.Fatalf("accumulator %s, folded by hand %s", next.Accumulator, acc)
	}
}

// TestEvidenceLogAnchor reads the stretch of the log an evidence pack
// carries for an event between two checkpoints: the links between them
// fold to the later one's accumulator.
func TestEvidenceLogAnchor(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key2 := newProject(t, s, "anchor")
	signHead(t, s, key)
	exp, err := s.CreateExperiment(ctx, actor, store.CreateExperimentInput{ProjectKey: key2, Name: "anchored"})
	if err != nil {
		t.Fatal(err)
	}
	// An event after the experiment's, so the next checkpoint is past it.
	newProject(t, s, "anchor")
	signHead(t, s, key)
	log, err := s.EvidenceLogOf(ctx, exp.ID, []string{exp.ID})
	if err != nil {
		t.Fatal(err)
	}
	an := log.Anchor
	if an == nil || an.From == nil || len(log.Chain) == 0 {
		t.Fatalf("no anchor: %+v", log)
	}
	acc, seq := an.From.Accumulator, an.From.Seq
	for _, part := range [][]store.Link{an.Before, log.Chain, an.After} {
		for _, l := range part {
			if l.Seq != seq+1 {
				t.Fatalf("link %d after %d", l.Seq, seq)
			}
			acc, seq = hashchain.Fold(acc, l.Hash), l.Seq
		}
	}
	if seq != an.To.Seq || acc != an.To.Accumulator {
		t.Fatalf("links fold to %s at seq %d; checkpoint %+v", acc, seq, an.To)
	}
	if an.From.Seq >= log.Events[0].Seq || an.To.Seq < log.Events[len(log.Events)-1].Seq {
		t.Fatalf("checkpoints %d and %d do not surround events %d..%d", an.From.Seq, an.To.Seq, log.Events[0].Seq, log.Events[len(log.Events)-1].Seq)
	}
}
