package resolvers

import (
	"errors"
	"testing"

	"github.com/exphub/exphub/internal/store"
)

// TestWatchedDataReadsOncePerChange: subscriptions of one project and
// pattern share their set; after a lineage event the first to match an
// event reads it again and the others take that read, and a failed read
// keeps the set it had.
func TestWatchedDataReadsOncePerChange(t *testing.T) {
	var sets watchedSets
	reads := 0
	current := map[string]bool{"ds_a": true}
	var fail error
	load := func() (map[string]bool, error) {
		reads++
		if fail != nil {
			return nil, fail
		}
		return current, nil
	}
	var subs []*watchedData
	for range 3 {
		set, err := sets.of("p", "driver_*", load)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, &watchedData{set: set, load: load})
	}
	if reads != 3 {
		t.Fatalf("%d reads for 3 subscriptions beginning; each reads the set as it begins", reads)
	}
	reg := func(seq int64, id string) *store.Event {
		return &store.Event{Seq: seq, Kind: store.EventDatasetVersionRegister, Payload: map[string]any{"datasetId": id}}
	}
	lineage := &store.Event{Seq: 10, Kind: store.EventRunLineageChanged}
	current = map[string]bool{"ds_a": true, "ds_b": true}
	for i, w := range subs {
		if w.match(lineage) {
			t.Fatalf("subscription %d was given the lineage event", i)
		}
		if !w.match(reg(11, "ds_b")) || w.match(reg(12, "ds_c")) {
			t.Fatalf("subscription %d: the set after the change is wrong", i)
		}
	}
	if reads != 4 {
		t.Fatalf("%d reads; want one more for the change, shared by the 3 subscriptions", reads)
	}
	fail = errors.New("neo4j is gone")
	current = map[string]bool{}
	if w := subs[0]; w.match(&store.Event{Seq: 20, Kind: store.EventJobUpdated}) || !w.match(reg(21, "ds_b")) {
		t.Fatal("a failed read should keep the set it had")
	}
}
