package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// projectEvents returns the events of one project, in log order.
func projectEvents(t *testing.T, s *store.Store, key string) []*store.Event {
	t.Helper()
	evs, err := s.EventsAfter(t.Context(), 0, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}, ProjectKeys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func kindsOf(evs []*store.Event) []store.EventKind {
	out := make([]store.EventKind, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

func TestEveryStateChangeAppendsOneEvent(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "ev")
	exp := newExperiment(t, s, key)
	run, err := s.StartRun(ctx, "alice", store.StartRunInput{ExperimentID: exp.ID, Name: "r", Status: store.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	ds := newDataset(t, s, key, "events")
	v, _, err := s.RegisterDatasetVersion(ctx, "bob", store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x/v1", Digest: digest('a')})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRunInputs(ctx, "carol", run.ID, []string{v.ID}); err != nil {
		t.Fatal(err)
	}
	mv, err := s.RegisterModelVersion(ctx, "dave", store.RegisterModelVersionInput{ProjectKey: key, ModelName: "m", URI: "s3://m/1", RunID: run.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateRunStatus(ctx, "erin", run.ID, store.StatusFinished); err != nil {
		t.Fatal(err)
	}
	want := []store.EventKind{store.EventProjectCreated, store.EventExperimentCreated, store.EventRunStarted, store.EventDatasetRegistered,
		store.EventDatasetVersionRegister, store.EventRunLineageChanged, store.EventModelVersionRegistered, store.EventRunStatusChanged}
	evs := projectEvents(t, s, key)
	if got := kindsOf(evs); !slices.Equal(got, want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	checks := []struct {
		i             int
		actor, target string
		payloadKey    string
		payloadWant   any
	}{
		{2, "alice", run.ID, "status", "RUNNING"},
		{4, "bob", v.ID, "digest", digest('a')},
		{5, "carol", run.ID, "experimentId", exp.ID},
		{6, "dave", mv.ID, "version", int64(1)},
		{7, "erin", run.ID, "from", "RUNNING"},
	}
	for _, c := range checks {
		e := evs[c.i]
		if e.Actor != c.actor || e.TargetID != c.target || e.ProjectKey != key || fmt.Sprint(e.Payload[c.payloadKey]) != fmt.Sprint(c.payloadWant) {
			t.Errorf("event %d (%s) = actor %q target %q project %q payload %v; want %q %q %q %s=%v",
				c.i, e.Kind, e.Actor, e.TargetID, e.ProjectKey, e.Payload, c.actor, c.target, key, c.payloadKey, c.payloadWant)
		}
	}
	if got := evs[7].Payload["status"]; got != "FINISHED" {
		t.Errorf("status change payload %v", evs[7].Payload)
	}
	if inputs, ok := evs[5].Payload["inputs"].([]any); !ok || len(inputs) != 1 || inputs[0] != v.ID {
		t.Errorf("lineage change payload %v", evs[5].Payload)
	}

	// No-ops and refused writes append nothing.
	before := len(evs)
	if _, err := s.UpdateRunStatus(ctx, "erin", run.ID, store.StatusFinished); err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.RegisterDatasetVersion(ctx, "bob", store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x/v1", Digest: digest('a')}); err != nil || created {
		t.Fatalf("re-register: created %v, %v", created, err)
	}
	if _, err := s.AddRunInputs(ctx, "carol", run.ID, []string{v.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = s.MoveRun(ctx, "erin", run.ID, store.StatusRunning, func(*store.Run) error { return errs.Conflictf("refused") })
	wantErr(t, err, errs.Conflict)
	_, _, err = s.AddDatasetVersion(ctx, "bob", store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: "v1", URI: "s3://x/v1", Digest: digest('b')},
		func(*store.DatasetVersion, []string, store.RegisterDatasetVersionInput) error {
			return errs.Conflictf("refused")
		})
	wantErr(t, err, errs.Conflict)
	if after := len(projectEvents(t, s, key)); after != before {
		t.Errorf("no-ops and refused writes appended %d events", after-before)
	}
}

func TestEventLogIsAGaplessHashChainInCommitOrder(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := t.Context()
	key := newProject(t, s, "chain")
	exp := newExperiment(t, s, key)
	start, err := s.EventHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Writers append concurrently while a reader follows the log: a reader
	// must never see an event before every earlier one is visible.
	const writers, perWriter = 8, 10
	stop := make(chan struct{})
	readerErr := make(chan error, 1)
	go func() {
		cursor := start
		for {
			select {
			case <-stop:
				readerErr <- nil
				return
			default:
			}
			evs, err := s.EventsAfter(context.Background(), cursor, 200, store.EventFilter{Scope: store.Scope{All: true}})
			if err != nil {
				readerErr <- err
				return
			}
			for _, e := range evs {
				if e.Seq != cursor+1 {
					readerErr <- fmt.Errorf("read event %d right after %d", e.Seq, cursor)
					return
				}
				cursor = e.Seq
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				if _, err := s.StartRun(ctx, fmt.Sprintf("w%d", w), store.StartRunInput{ExperimentID: exp.ID, Name: fmt.Sprintf("r%d", i)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	if err := <-readerErr; err != nil {
		t.Fatal(err)
	}
	// The whole log, from the first event, verifies.
	var all []*store.Event
	for cursor := int64(0); ; {
		evs, err := s.EventsAfter(ctx, cursor, store.MaxEventPage, store.EventFilter{Scope: store.Scope{All: true}})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		all = append(all, evs...)
		cursor = evs[len(evs)-1].Seq
	}
	if len(all) == 0 || all[0].Seq != 1 {
		t.Fatalf("log starts at %v", all[:min(1, len(all))])
	}
	if err := store.VerifyChain(store.GenesisHash, all); err != nil {
		t.Fatal(err)
	}
	if n := len(projectEvents(t, s, key)); n != 2+writers*perWriter {
		t.Errorf("%d events in the project, want %d", n, 2+writers*perWriter)
	}
}

func TestVerifyChainNamesTheBrokenEvent(t *testing.T) {
	s := neo4jtest.Store(t)
	key := newProject(t, s, "tamper")
	exp := newExperiment(t, s, key)
	for i := range 3 {
		if _, err := s.StartRun(t.Context(), actor, store.StartRunInput{ExperimentID: exp.ID, Name: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := s.EventHead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.EventsAfter(t.Context(), head-5, 5, store.EventFilter{Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	prev := evs[0].PrevHash
	if err := store.VerifyChain(prev, evs); err != nil {
		t.Fatalf("untouched events: %v", err)
	}
	cases := map[string]func([]*store.Event){
		"payload edited":  func(e []*store.Event) { e[2].Payload["name"] = "forged" },
		"actor edited":    func(e []*store.Event) { e[2].Actor = "mallory" },
		"event removed":   func(e []*store.Event) { copy(e[2:], e[3:]) },
		"hash recomputed": func(e []*store.Event) { e[2].Actor = "mallory"; e[2].Hash, _ = e[2].ComputeHash() },
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			cp := make([]*store.Event, len(evs))
			for i, e := range evs {
				c := *e
				c.Payload = map[string]any{}
				for k, v := range e.Payload {
					c.Payload[k] = v
				}
				cp[i] = &c
			}
			tamper(cp)
			if name == "event removed" {
				cp = cp[:len(cp)-1]
			}
			if err := store.VerifyChain(prev, cp); err == nil {
				t.Error("a tampered log verifies")
			}
		})
	}
}
