package store_test

import (
	"math"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

func TestVerifyLogFindsTampering(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	w := struct{ key string }{newProject(t, s, "tamper")}
	// A model version registered, then a policy set: the registration
	// has an event after it.
	if _, err := s.RegisterModelVersion(ctx, actor, store.RegisterModelVersionInput{ProjectKey: w.key, ModelName: "m", URI: "s3://m/1"}); err != nil {
		t.Fatal(err)
	}
	policy := store.DefaultPolicy
	policy.RequiredApprovals = 3
	if _, _, err := s.SetPolicy(ctx, actor, w.key, policy); err != nil {
		t.Fatal(err)
	}
	ok, err := s.VerifyLog(ctx, w.key)
	if err != nil || !ok.OK || ok.FirstBroken != nil || ok.ProjectEvents != int(countProjectEvents(t, w.key)) || ok.Checked != int(ok.HeadSeq) {
		t.Fatalf("untouched log: %+v %v", ok, err)
	}
	seqOf := func(kind store.EventKind) int64 {
		return neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k, kind: $kind}) RETURN max(e.seq) AS n`, map[string]any{"k": w.key, "kind": string(kind)})
	}
	registered := seqOf(store.EventModelVersionRegistered)
	cases := []struct {
		name, cypher string
		seq          int64
		reason       string
	}{
		{"edited payload", `MATCH (e:Event {seq: $seq}) SET e.payload = '{"version":99}'`, registered, "content does not match its hash"},
		{"edited actor", `MATCH (e:Event {seq: $seq}) SET e.actor = 'mallory'`, registered, "content does not match its hash"},
		{"removed event", `MATCH (e:Event {seq: $seq}) DETACH DELETE e`, registered, "is missing"},
		{"removed last events", `MATCH (e:Event) WHERE e.seq >= $seq DETACH DELETE e`, registered, "missing"},
		{"edited head", `MATCH (h:EventLog {name: 'main'}) SET h.hash = $fake`, math.MaxInt64, "head"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := s.VerifyLogTampered(ctx, w.key, c.cypher, map[string]any{"seq": c.seq, "fake": strings.Repeat("f", 64)})
			if err != nil {
				t.Fatal(err)
			}
			if v.OK || v.FirstBroken == nil || v.FirstBroken.Seq > c.seq || !strings.Contains(v.FirstBroken.Reason, c.reason) {
				t.Fatalf("verification %+v (broken %+v), want a break at %d saying %q", v, v.FirstBroken, c.seq, c.reason)
			}
		})
	}
	// An edit whose hash is recomputed breaks the next link instead.
	evs, err := s.EventsAfter(ctx, registered-1, 1, store.EventFilter{Scope: store.Scope{All: true}})
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	forged := *evs[0]
	forged.Actor = "mallory"
	if forged.Hash, err = forged.ComputeHash(); err != nil {
		t.Fatal(err)
	}
	v, err := s.VerifyLogTampered(ctx, w.key, `MATCH (e:Event {seq: $seq}) SET e.actor = 'mallory', e.hash = $hash`,
		map[string]any{"seq": registered, "hash": forged.Hash})
	if err != nil {
		t.Fatal(err)
	}
	if v.OK || v.FirstBroken == nil || v.FirstBroken.Seq != registered+1 || !strings.Contains(v.FirstBroken.Reason, "prevHash") {
		t.Fatalf("forged hash: %+v (broken %+v)", v, v.FirstBroken)
	}
	// Nothing of it was committed.
	if again, err := s.VerifyLog(ctx, w.key); err != nil || !again.OK {
		t.Fatalf("after the rolled-back tampering: %+v %v", again, err)
	}
}
