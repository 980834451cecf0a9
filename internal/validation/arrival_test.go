package validation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/validation"
)

// arrivalFixture is a project with a dataset whose versions are a small
// CSV file the runners may read, and a feed of that project only (the
// test Neo4j is shared with other packages' tests).
type arrivalFixture struct {
	st      *store.Store
	key     string
	dataset *store.Dataset
	feed    store.ArrivalFeed
	dir     string
	file    string
	digest  string
}

func newArrivalFixture(t *testing.T) *arrivalFixture {
	t.Helper()
	st := neo4jtest.Store(t)
	f := &arrivalFixture{st: st, key: neo4jtest.Project(t, st, "arrive"), dir: t.TempDir()}
	f.feed = store.ArrivalFeed{ProjectKeys: []string{f.key}}
	data := []byte("id,amount\n1,2.5\n2,3.0\n3,4.5\n")
	f.file = filepath.Join(f.dir, "orders.csv")
	if err := os.WriteFile(f.file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	f.digest = hex.EncodeToString(sum[:])
	var err error
	if f.dataset, err = st.RegisterDataset(t.Context(), neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: f.key, Namespace: "file", Name: "orders"}); err != nil {
		t.Fatal(err)
	}
	// As a server does when it starts: the cursor is at the head.
	if err := st.OpenArrivalFeed(t.Context(), f.feed); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *arrivalFixture) suite(t *testing.T, name string, manual bool) *store.ValidationSuite {
	t.Helper()
	def, err := validation.ParseDefinition(name, `{"rules":[{"type":"row_count_between","min":1},{"type":"not_null","column":"amount"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.st.CreateValidationSuite(t.Context(), neo4jtest.Actor, store.CreateValidationSuiteInput{DatasetID: f.dataset.ID, Name: name, Definition: def, ManualOnly: manual})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *arrivalFixture) register(t *testing.T, label string) *store.DatasetVersion {
	t.Helper()
	v, _, err := f.st.RegisterDatasetVersion(context.Background(), neo4jtest.Actor, store.RegisterDatasetVersionInput{DatasetID: f.dataset.ID,
		Version: label, URI: f.file, Digest: f.digest})
	if err != nil {
		t.Error(err)
		return nil
	}
	return v
}

func (f *arrivalFixture) runner(queue int) *validation.Runner {
	return validation.New(f.st, validation.Options{Concurrency: 1, MaxQueued: queue, FileRoots: []string{f.dir}, SweepInterval: time.Hour})
}

// follow starts a runner with a queue of queue that follows the feed
// until the test ends.
func (f *arrivalFixture) follow(t *testing.T, queue int) {
	r := f.runner(queue)
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(r.Stop)
	t.Cleanup(cancel)
	go r.FollowArrivals(ctx, f.st, f.feed, 10*time.Millisecond)
}

// runsOf counts the runs of a suite per version of the fixture's dataset,
// with how many of them are finished.
func (f *arrivalFixture) runsOf(t *testing.T, suiteID string) (perVersion map[string]int, finished int) {
	t.Helper()
	rows := neo4jtest.Rows(t, `MATCH (r:ValidationRun {datasetId: $d, suiteId: $s}) RETURN r.datasetVersionId AS v, r.status AS status, r.trigger AS trigger`,
		map[string]any{"d": f.dataset.ID, "s": suiteID})
	perVersion = map[string]int{}
	for _, r := range rows {
		perVersion[r["v"].(string)]++
		if r["status"] != "RUNNING" {
			finished++
		}
		if r["trigger"] != string(store.TriggerArrival) {
			t.Errorf("run of version %v: trigger %v, want ARRIVAL", r["v"], r["trigger"])
		}
	}
	return perVersion, finished
}

// TestArrivalValidatesEachRegistrationOnce registers a burst of versions
// nobody validates yet: the backlog is visible and bounded by nothing
// held in memory. Two replicas with queues of 3 then follow the feed, one
// of them stopping half-way: every version gets exactly one run of the
// on-arrival suite, none of the manual one, and no queue ever holds more
// than its bound.
func TestArrivalValidatesEachRegistrationOnce(t *testing.T) {
	f := newArrivalFixture(t)
	before := f.register(t, "before-the-suites")
	onArrival := f.suite(t, "on-arrival", false)
	manual := f.suite(t, "manual", true)
	if !onArrival.OnArrival || manual.OnArrival {
		t.Fatalf("onArrival: %v and %v, want true and false", onArrival.OnArrival, manual.OnArrival)
	}

	const n = 90
	versions := make([]*store.DatasetVersion, n)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := w; i < n; i += 3 {
				versions[i] = f.register(t, fmt.Sprintf("v%03d", i))
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	ctx := t.Context()
	if got, err := f.st.ArrivalBacklog(ctx, f.feed, f.key); err != nil || got != n {
		t.Fatalf("backlog before anyone follows: %d, %v; want %d (the registration before the suites is not in it)", got, err, n)
	}
	ids := []string{before.ID}
	for _, v := range versions {
		ids = append(ids, v.ID)
	}
	awaiting, err := f.st.AwaitingArrival(ctx, f.feed, ids)
	if err != nil {
		t.Fatal(err)
	}
	if awaiting[before.ID] || len(awaiting) != n {
		t.Fatalf("awaiting: %d versions (the one before the suites: %v), want %d and false", len(awaiting), awaiting[before.ID], n)
	}

	const queue = 3
	r1, r2 := f.runner(queue), f.runner(queue)
	defer r2.Stop()
	ctx1, stop1 := context.WithCancel(ctx)
	var peak atomic.Int64
	done := make(chan struct{})
	var followers sync.WaitGroup
	followers.Go(func() { r1.FollowArrivals(ctx1, f.st, f.feed, 20*time.Millisecond) })
	followers.Go(func() { r2.FollowArrivals(ctx, f.st, f.feed, 20*time.Millisecond) })
	followers.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			for _, r := range []*validation.Runner{r1, r2} {
				if q, _ := r.Queue(); int64(q) > peak.Load() {
					peak.Store(int64(q))
				}
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	// One replica stops once a third of the versions were validated.
	if !testwait.Until(5*time.Minute, func() bool { _, fin := f.runsOf(t, onArrival.ID); return fin >= n/3 }) {
		t.Fatal("a third of the versions were never validated")
	}
	stop1()
	r1.Stop()
	if !testwait.Until(5*time.Minute, func() bool {
		_, fin := f.runsOf(t, onArrival.ID)
		b, err := f.st.ArrivalBacklog(ctx, f.feed, f.key)
		return err == nil && b == 0 && fin >= n
	}) {
		per, fin := f.runsOf(t, onArrival.ID)
		t.Fatalf("%d of %d versions have a finished run (%d with a run at all)", fin, n, len(per))
	}
	close(done)

	per, _ := f.runsOf(t, onArrival.ID)
	for i, v := range versions {
		if per[v.ID] != 1 {
			t.Errorf("version %d has %d runs of the on-arrival suite, want 1", i, per[v.ID])
		}
	}
	if per[before.ID] != 0 {
		t.Errorf("the version registered before the suite existed has %d runs, want 0", per[before.ID])
	}
	if man, _ := f.runsOf(t, manual.ID); len(man) != 0 {
		t.Errorf("the manual suite ran on %d versions, want 0", len(man))
	}
	if p := peak.Load(); p > queue {
		t.Errorf("a queue held %d runs, more than its %d", p, queue)
	}
	// Every run either passed or, on the replica that stopped, was ended
	// as interrupted: none is left running or silently gone.
	rows := neo4jtest.Rows(t, `MATCH (r:ValidationRun {suiteId: $s}) RETURN r.status AS status, r.errorCode AS code, count(*) AS n`, map[string]any{"s": onArrival.ID})
	for _, r := range rows {
		if r["status"] != "PASSED" && !(r["status"] == "ERROR" && r["code"] == store.CodeInterrupted) {
			t.Errorf("%v runs ended %v %v", r["n"], r["status"], r["code"])
		}
	}
	awaiting, err = f.st.AwaitingArrival(ctx, f.feed, ids)
	if err != nil || len(awaiting) != 0 {
		t.Errorf("awaiting after the runs: %d, %v; want none", len(awaiting), err)
	}
}

// TestArrivalSuiteTurnedOff: a suite set to run only when asked does not
// run on later registrations, and setting it again changes nothing.
func TestArrivalSuiteTurnedOff(t *testing.T) {
	f := newArrivalFixture(t)
	ctx := t.Context()
	s := f.suite(t, "rows", false)
	off, changed, err := f.st.SetValidationSuiteOnArrival(ctx, neo4jtest.Actor, s.ID, false)
	if err != nil || !changed || off.OnArrival || off.Version != s.Version {
		t.Fatalf("turning it off: %+v, changed %v, %v; want off, changed, the same version", off, changed, err)
	}
	events := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": f.key})
	if _, changed, err := f.st.SetValidationSuiteOnArrival(ctx, neo4jtest.Actor, s.ID, false); err != nil || changed {
		t.Fatalf("turning it off again: changed %v, %v; want no change", changed, err)
	}
	if again := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k}) RETURN count(e) AS n`, map[string]any{"k": f.key}); again != events {
		t.Fatalf("setting what was set appended %d events", again-events)
	}
	v := f.register(t, "v1")
	if b, err := f.st.ArrivalBacklog(ctx, f.feed, f.key); err != nil || b != 0 {
		t.Fatalf("backlog: %d, %v; want 0 (no suite runs on arrival)", b, err)
	}
	f.follow(t, 2)
	// The follower passes the registration: the cursor moves past it.
	if !testwait.Until(time.Minute, func() bool {
		return neo4jtest.Count(t, `MATCH (c:LogCursor), (e:Event {targetId: $v}) WHERE c.name ENDS WITH $k AND c.seq >= e.seq RETURN count(*) AS n`,
			map[string]any{"v": v.ID, "k": f.key}) == 1
	}) {
		t.Fatal("the cursor never passed the registration")
	}
	if per, _ := f.runsOf(t, s.ID); len(per) != 0 {
		t.Fatalf("the suite turned off ran on %d versions", len(per))
	}
}

// TestArrivalWithMoreSuitesThanTheQueue: a registration whose dataset has
// more on-arrival suites than the queue holds is still validated by all
// of them, taken alone into an empty queue.
func TestArrivalWithMoreSuitesThanTheQueue(t *testing.T) {
	f := newArrivalFixture(t)
	var suites []*store.ValidationSuite
	for i := range 5 {
		suites = append(suites, f.suite(t, fmt.Sprintf("s%d", i), false))
	}
	v := f.register(t, "v1")
	r := f.runner(2)
	defer r.Stop()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go r.FollowArrivals(ctx, f.st, f.feed, 10*time.Millisecond)
	if !testwait.Until(5*time.Minute, func() bool {
		return neo4jtest.Count(t, `MATCH (r:ValidationRun {datasetVersionId: $v}) WHERE r.status <> 'RUNNING' RETURN count(r) AS n`, map[string]any{"v": v.ID}) == 5
	}) {
		t.Fatal("the five suites never all ran")
	}
	for _, s := range suites {
		if per, _ := f.runsOf(t, s.ID); per[v.ID] != 1 {
			t.Errorf("suite %s ran %d times, want 1", s.Name, per[v.ID])
		}
	}
}

// TestArrivalBurst sends 10,000 registrations at once (OpenLineage
// DatasetEvents in batches of 500, the fastest way in) onto a dataset with an on-arrival suite,
// while two replicas with queues of 40 follow the feed. The queues stay
// within their bounds, the registrations wait in the log where the
// backlog shows them, and a run someone asks for meanwhile is accepted.
// Stopped part-way, the hub accounts for every registration: each
// version has one run, or is still in the backlog; none has two, none
// is neither.
func TestArrivalBurst(t *testing.T) {
	f := newArrivalFixture(t)
	s := f.suite(t, "rows", false)
	manual := f.suite(t, "manual", true)
	const n, batch, queue = 10_000, 500, 40
	r1, r2 := f.runner(queue), f.runner(queue)
	ctx, cancel := context.WithCancel(t.Context())
	var followers sync.WaitGroup
	followers.Go(func() { r1.FollowArrivals(ctx, f.st, f.feed, 20*time.Millisecond) })
	followers.Go(func() { r2.FollowArrivals(ctx, f.st, f.feed, 20*time.Millisecond) })
	var peak, lag atomic.Int64
	sampled := make(chan struct{})
	followers.Go(func() {
		for {
			for _, r := range []*validation.Runner{r1, r2} {
				if q, _ := r.Queue(); int64(q) > peak.Load() {
					peak.Store(int64(q))
				}
				if l := r.ArrivalLag(); l > lag.Load() {
					lag.Store(l)
				}
			}
			select {
			case <-sampled:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})

	start := time.Now()
	for b := 0; b < n; b += batch {
		events := make([]store.LineageEvent, 0, batch)
		for i := b; i < b+batch; i++ {
			// A static DatasetEvent: one version, one entry in the log.
			events = append(events, store.LineageEvent{Hash: fmt.Sprintf("%s-%05d", f.key, i), ProjectKey: f.key, Actor: neo4jtest.Actor,
				Time:     start.UTC().Add(time.Duration(i) * time.Millisecond),
				Datasets: []store.LineageDataset{{Namespace: "file", Name: "orders", Version: fmt.Sprintf("v%05d", i), URI: f.file}}})
		}
		res, err := f.st.IngestLineage(ctx, events, openlineage.Next)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil || r.Duplicate {
				t.Fatalf("event: %+v", r)
			}
		}
	}
	t.Logf("%d registrations in %v", n, time.Since(start))
	backlog, err := f.st.ArrivalBacklog(ctx, f.feed, f.key)
	if err != nil {
		t.Fatal(err)
	}
	if backlog <= 2*queue {
		t.Errorf("backlog %d right after the burst: the registrations should wait in the log, visible", backlog)
	}
	// A person's run is accepted while the arrivals fill the queues.
	last := neo4jtest.Rows(t, `MATCH (:Dataset {id: $d})-[:HAS_VERSION]->(v) RETURN v.id AS id ORDER BY v.version DESC LIMIT 1`, map[string]any{"d": f.dataset.ID})
	run, err := r1.Submit(ctx, neo4jtest.Actor, manual.ID, last[0]["id"].(string))
	if err != nil {
		t.Fatalf("a manual run during the burst: %v", err)
	}
	if !testwait.Until(10*time.Minute, func() bool {
		return neo4jtest.Count(t, `MATCH (r:ValidationRun {suiteId: $s}) WHERE r.status <> 'RUNNING' RETURN count(r) AS n`, map[string]any{"s": s.ID}) >= 500
	}) {
		t.Fatal("500 registrations were never validated")
	}
	cancel()
	r1.Stop()
	r2.Stop()
	close(sampled)
	followers.Wait()
	t.Logf("stopped %v after the burst began", time.Since(start))

	backlog, err = f.st.ArrivalBacklog(t.Context(), f.feed, f.key)
	if err != nil {
		t.Fatal(err)
	}
	per, _ := f.runsOf(t, s.ID)
	for v, k := range per {
		if k != 1 {
			t.Errorf("version %s has %d runs, want 1", v, k)
		}
	}
	if len(per)+backlog != n {
		t.Errorf("%d versions have a run and %d wait: %d registrations unaccounted for", len(per), backlog, n-len(per)-backlog)
	}
	if running := neo4jtest.Count(t, `MATCH (r:ValidationRun {suiteId: $s}) WHERE r.status = 'RUNNING' RETURN count(r) AS n`, map[string]any{"s": s.ID}); running != 0 {
		t.Errorf("%d runs still RUNNING after the replicas stopped", running)
	}
	if p := peak.Load(); p > queue {
		t.Errorf("a queue held %d runs, more than its %d", p, queue)
	}
	// The replicas' lag (exphub_validation_arrival_lag_events) showed the
	// backlog: each registration is three events of the log.
	if l := lag.Load(); l < int64(backlog) {
		t.Errorf("the largest lag a replica reported was %d events, less than the %d registrations left waiting", l, backlog)
	}
	if got := neo4jtest.Count(t, `MATCH (r:ValidationRun {id: $id}) WHERE r.status IN ['PASSED', 'ERROR'] RETURN count(r) AS n`, map[string]any{"id": run.ID}); got != 1 {
		t.Errorf("the manual run never finished")
	}
}

// uuidOf is a fixed run ID for event i.
func uuidOf(i int) string { return fmt.Sprintf("01890000-0000-7000-8000-%012d", i) }

// TestArrivalFromEveryWayIn: a version is validated on arrival however it
// is registered — directly (GraphQL's path), as a run's output in an
// OpenLineage event, and as an input MLflow's log_input names.
func TestArrivalFromEveryWayIn(t *testing.T) {
	f := newArrivalFixture(t)
	s := f.suite(t, "rows", false)
	ctx := t.Context()
	direct := f.register(t, "direct")
	res, err := f.st.IngestLineage(ctx, []store.LineageEvent{{Hash: f.key + "-ol", ProjectKey: f.key, Actor: neo4jtest.Actor,
		Type: "COMPLETE", Time: time.Now().UTC(), Job: &store.LineageJob{Namespace: "etl", Name: "load"}, Run: &store.LineageRun{ExternalID: uuidOf(1)},
		Outputs: []store.LineageDataset{{Namespace: "file", Name: "orders", Version: "from-openlineage", URI: f.file}}}}, openlineage.Next)
	if err != nil || res[0].Err != nil {
		t.Fatalf("OpenLineage: %v %+v", err, res)
	}
	run, err := f.st.StartRun(ctx, neo4jtest.Actor, store.StartRunInput{ExperimentID: neo4jtest.Experiment(t, f.st, f.key).ID, Name: "train", Status: store.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.LogMLflowInputs(ctx, neo4jtest.Actor, run.ID, []store.MLflowInput{{Namespace: "file", Name: "orders", Digest: "from-mlflow",
		DatasetName: "orders", SourceType: "local", Source: `{"uri": "` + f.file + `"}`, URI: f.file}}); err != nil {
		t.Fatal(err)
	}
	f.follow(t, 4)
	labels := map[string]bool{}
	if !testwait.Until(5*time.Minute, func() bool {
		labels = map[string]bool{}
		for _, row := range neo4jtest.Rows(t, `MATCH (r:ValidationRun {suiteId: $s})-[:VALIDATES]->(v) WHERE r.status <> 'RUNNING' RETURN v.version AS label`,
			map[string]any{"s": s.ID}) {
			labels[row["label"].(string)] = true
		}
		return len(labels) == 3
	}) {
		t.Fatalf("validated on arrival: %v; want %s, from-openlineage and from-mlflow", labels, direct.Version)
	}
	if !labels[direct.Version] || !labels["from-openlineage"] || !labels["from-mlflow"] {
		t.Fatalf("validated on arrival: %v", labels)
	}
}
