package resolvers

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/exphub/exphub/internal/store"
)

// featureServicesOf returns the feature services among the datasets of a
// run's inputs that the caller may read, by name.
func (r *Resolver) featureServicesOf(ctx context.Context, runID string) ([]*store.Dataset, error) {
	inputs, err := r.neighbourVersions(ctx, store.RunInputs, runID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(inputs))
	for _, v := range inputs {
		ids = append(ids, v.DatasetID)
	}
	slices.Sort(ids)
	datasets, err := loadersFor(ctx, r.Store).dataset.LoadAll(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	out := []*store.Dataset{}
	for _, d := range datasets {
		if d != nil && d.FeastKind == store.FeastFeatureService {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *store.Dataset) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// lineageKinds are the events after which the datasets a
// featureViewSources subscription watches are read again: Feast's apply
// and import arrive as OpenLineage jobs and runs, which add views and
// change their sources.
var lineageKinds = []store.EventKind{store.EventJobCreated, store.EventJobUpdated, store.EventRunLineageChanged, store.EventDatasetRegistered}

// maxWatchedSets bounds the sets watchedSets keeps (one per project and
// pattern); past it they are dropped and read again when next needed.
const maxWatchedSets = 1_000

// watchedSets shares the datasets featureViewSources subscriptions watch
// among the subscriptions of one project and pattern, so after a lineage
// event the first subscription to need the set reads it again and the
// others take that read: one read per change, not one per subscriber.
type watchedSets struct {
	mu   sync.Mutex
	sets map[[2]string]*watchedSet
}

// watchedSet is a set of dataset IDs and the log position it reflects.
type watchedSet struct {
	mu   sync.Mutex
	ids  map[string]bool // replaced, never changed
	asOf int64           // the set was read after the event at asOf committed
}

// of returns the set of a project and pattern, read now with load: a
// subscription that begins reads it, as events before its start that
// changed it may not have been seen by the subscriptions before.
func (w *watchedSets) of(project, pattern string, load func() (map[string]bool, error)) (*watchedSet, error) {
	w.mu.Lock()
	if w.sets == nil || len(w.sets) >= maxWatchedSets {
		w.sets = map[[2]string]*watchedSet{}
	}
	key := [2]string{project, pattern}
	set, ok := w.sets[key]
	if !ok {
		set = &watchedSet{}
		w.sets[key] = set
	}
	w.mu.Unlock()
	ids, err := load()
	if err != nil {
		return nil, err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	set.ids = ids
	return set, nil
}

// since returns the set as read after the event at seq committed,
// reading it again with load when it is older; a failed read keeps the
// older set.
func (s *watchedSet) since(seq int64, load func() (map[string]bool, error)) map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.asOf < seq {
		if ids, err := load(); err == nil {
			s.ids, s.asOf = ids, seq
		}
	}
	return s.ids
}

// watchedData is the match of a featureViewSources subscription: an
// event of a dataset in its set. After an event of lineageKinds (never
// delivered) the set is read again, once for every subscription of the
// project and pattern, before the next event is matched, so a view added
// or changed since the subscription began is followed too. The hub calls
// match from the subscription's own goroutine, one event at a time.
type watchedData struct {
	set  *watchedSet
	load func() (map[string]bool, error)
	need int64 // the position of the last lineage event seen
}

func (w *watchedData) match(e *store.Event) bool {
	if slices.Contains(lineageKinds, e.Kind) {
		w.need = max(w.need, e.Seq)
		return false
	}
	id, _ := e.Payload["datasetId"].(string)
	return w.set.since(w.need, w.load)[id]
}
