package openlineage_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
)

// recordedEvents are the run events of one captured client run: its START
// and its COMPLETE.
var recordedEvents = []string{"client-01-start.json", "client-02-complete.json"}

// runState reads the project's OpenLineage runs: status by external ID.
func runState(t *testing.T, project string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range neo4jtest.Rows(t, `MATCH (r:Run {projectKey: $p}) RETURN r.externalId AS ext, r.status AS status`,
		map[string]any{"p": project}) {
		out[r["ext"].(string)], _ = r["status"].(string)
	}
	return out
}

// intakeState reads the project's event records: how many there are, how
// many are pending, still carry their text, or failed.
func intakeState(t *testing.T, project string) map[string]any {
	t.Helper()
	return neo4jtest.Rows(t, `MATCH (e:LineageEvent {projectKey: $p})
		RETURN count(e) AS records, count(e.pending) AS pending, count(e.body) AS bodies, count(e.failed) AS failed`,
		map[string]any{"p": project})[0]
}

func wantIntake(t *testing.T, project string, records, pending, bodies, failed int64) {
	t.Helper()
	got := intakeState(t, project)
	if got["records"] != records || got["pending"] != pending || got["bodies"] != bodies || got["failed"] != failed {
		t.Fatalf("event records of %s: %v, want records %d pending %d bodies %d failed %d", project, got, records, pending, bodies, failed)
	}
}

// TestAckRecorded: with AckRecorded an event is acknowledged once
// recorded, and applied by the replica; once drained the graph holds what
// the same events make when acknowledged applied, the records are no
// longer pending and keep no text, and a retry is a duplicate that
// changes nothing.
func TestAckRecorded(t *testing.T) {
	s := neo4jtest.Store(t)
	recorded := neo4jtest.Project(t, s, "olrec")
	applied := neo4jtest.Project(t, s, "olapp")
	rec := openlineage.New(s, openlineage.Config{DefaultProject: recorded, Ack: openlineage.AckRecorded})
	app := openlineage.New(s, openlineage.Config{DefaultProject: applied})
	for _, name := range recordedEvents {
		res, err := rec.Ingest(t.Context(), contributorOf(recorded), readEvent(t, name))
		if err != nil || res.Duplicate || res.Status != "recorded" || res.RunID != "" || res.Project != recorded {
			t.Fatalf("%s recorded: %+v, %v", name, res, err)
		}
		res, err = app.Ingest(t.Context(), contributorOf(applied), readEvent(t, name))
		if err != nil || res.Duplicate || res.Status != "applied" || res.RunID == "" {
			t.Fatalf("%s applied: %+v, %v", name, res, err)
		}
	}
	if err := rec.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if rec.Backlog() != 0 {
		t.Fatalf("backlog %d after Drain", rec.Backlog())
	}
	if st := rec.Stats(); st != (openlineage.Stats{Recorded: 2, Applied: 2}) {
		t.Fatalf("recorded service's counts: %+v", st)
	}
	if st := app.Stats(); st != (openlineage.Stats{Applied: 2}) {
		t.Fatalf("applied service's counts: %+v", st)
	}
	got, want := runState(t, recorded), runState(t, applied)
	if len(got) != 1 || len(want) != 1 {
		t.Fatalf("runs: recorded %v, applied %v", got, want)
	}
	for ext, status := range want {
		if got[ext] != status || status != string(store.StatusFinished) {
			t.Fatalf("run %s: %q recorded, %q applied", ext, got[ext], status)
		}
	}
	if a, b := neo4jtest.ProjectNodes(t, recorded), neo4jtest.ProjectNodes(t, applied); a != b {
		t.Fatalf("nodes: %d recorded, %d applied", a, b)
	}
	if a, b := neo4jtest.ProjectEvents(t, recorded), neo4jtest.ProjectEvents(t, applied); a != b {
		t.Fatalf("event log entries: %d recorded, %d applied", a, b)
	}
	wantIntake(t, recorded, 2, 0, 0, 0)

	// The same events again are duplicates in both modes, and in neither
	// project does anything change.
	before := neo4jtest.ProjectEvents(t, recorded)
	for _, name := range recordedEvents {
		res, err := rec.Ingest(t.Context(), contributorOf(recorded), readEvent(t, name))
		if err != nil || !res.Duplicate {
			t.Fatalf("%s again: %+v, %v", name, res, err)
		}
	}
	if err := rec.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if after := neo4jtest.ProjectEvents(t, recorded); after != before {
		t.Fatalf("duplicates appended %d events", after-before)
	}
	if st := rec.Stats(); st != (openlineage.Stats{Recorded: 2, Applied: 2, Duplicates: 2}) {
		t.Fatalf("counts after the duplicates: %+v", st)
	}
	wantIntake(t, recorded, 2, 0, 0, 0)
}

// TestRecordUnknownProject: an event whose project does not exist is
// refused when it is recorded, and nothing is written.
func TestRecordUnknownProject(t *testing.T) {
	s := neo4jtest.Store(t)
	missing := neo4jtest.Key(t, "olgone")
	svc := openlineage.New(s, openlineage.Config{DefaultProject: missing, Ack: openlineage.AckRecorded})
	_, err := svc.Ingest(t.Context(), contributorOf(missing), readEvent(t, recordedEvents[0]))
	neo4jtest.WantErr(t, err, errs.NotFound)
	wantIntake(t, missing, 0, 0, 0, 0)
	if svc.Backlog() != 0 {
		t.Fatalf("a refused event is held: backlog %d", svc.Backlog())
	}
}

// packed is an event's text as a record keeps it.
func packed(t *testing.T, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// orphanRecords records events as a replica that stopped before applying
// them would have left them.
func orphanRecords(t *testing.T, s *store.Store, project string, bodies map[string][]byte) {
	t.Helper()
	var recs []store.LineageRecord
	for hash, body := range bodies {
		recs = append(recs, store.LineageRecord{Hash: hash, ProjectKey: project, Actor: "pipeline", Body: packed(t, body)})
	}
	out, err := s.RecordLineage(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range out {
		if r.Err != nil || r.Duplicate {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
}

func hashOf(t *testing.T, body []byte) string {
	t.Helper()
	e, err := openlineage.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	return e.Hash
}

// TestRecoverOrphanedRecords: events a stopped replica recorded and never
// applied are applied by the others' Recover, once, even when two
// replicas recover them at the same time.
func TestRecoverOrphanedRecords(t *testing.T) {
	s := neo4jtest.Store(t)
	project := neo4jtest.Project(t, s, "olorphan")
	bodies := map[string][]byte{}
	for _, name := range recordedEvents {
		b := readEvent(t, name)
		bodies[hashOf(t, b)] = b
	}
	orphanRecords(t, s, project, bodies)
	wantIntake(t, project, 2, 2, 2, 0)
	if runs := runState(t, project); len(runs) != 0 {
		t.Fatalf("recording applied: %v", runs)
	}

	cfg := openlineage.Config{DefaultProject: project, Ack: openlineage.AckRecorded, RecoverAfter: time.Nanosecond}
	replicas := []*openlineage.Service{openlineage.New(s, cfg), openlineage.New(s, cfg)}
	var wg sync.WaitGroup
	queued := make([]int, len(replicas))
	for i, r := range replicas {
		wg.Go(func() {
			n, err := r.Recover(t.Context())
			if err != nil {
				t.Error(err)
			}
			queued[i] = n
		})
	}
	wg.Wait()
	for _, r := range replicas {
		if err := r.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if queued[0]+queued[1] < 2 {
		t.Fatalf("recovered %v of 2 records", queued)
	}
	runs := runState(t, project)
	if len(runs) != 1 {
		t.Fatalf("runs after recovery: %v", runs)
	}
	for ext, status := range runs {
		if status != string(store.StatusFinished) {
			t.Fatalf("run %s is %s after its START and COMPLETE", ext, status)
		}
	}
	wantIntake(t, project, 2, 0, 0, 0)
	// One run started once: recovering twice wrote it once.
	if n := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $p, kind: 'RUN_STARTED'}) RETURN count(e) AS n`,
		map[string]any{"p": project}); n != 1 {
		t.Fatalf("%d RUN_STARTED events for one run", n)
	}
	// Nothing is left to recover.
	if n, err := replicas[0].Recover(t.Context()); err != nil || n != 0 {
		t.Fatalf("second recovery queued %d, %v", n, err)
	}
}

// TestRecoverUnreadableRecord: a record whose text no longer reads as its
// event is marked failed rather than retried forever, and the event sent
// again is recorded again and applied.
func TestRecoverUnreadableRecord(t *testing.T) {
	s := neo4jtest.Store(t)
	project := neo4jtest.Project(t, s, "olbad")
	body := readEvent(t, recordedEvents[0])
	hash := hashOf(t, body)
	orphanRecords(t, s, project, map[string][]byte{hash: []byte(`{"eventType": "START"}`)})
	svc := openlineage.New(s, openlineage.Config{DefaultProject: project, Ack: openlineage.AckRecorded, RecoverAfter: time.Nanosecond})
	if n, err := svc.Recover(t.Context()); err != nil || n != 0 {
		t.Fatalf("recovered %d, %v", n, err)
	}
	wantIntake(t, project, 1, 0, 1, 1)
	if st := svc.Stats(); st.Failed != 1 || st.Applied != 0 {
		t.Fatalf("counts after an unreadable record: %+v", st)
	}
	if reason := neo4jtest.Rows(t, `MATCH (e:LineageEvent {projectKey: $p}) RETURN e.failed AS reason`,
		map[string]any{"p": project})[0]["reason"].(string); reason == "" {
		t.Fatal("no reason kept")
	}
	if runs := runState(t, project); len(runs) != 0 {
		t.Fatalf("an unreadable record wrote runs: %v", runs)
	}

	res, err := svc.Ingest(t.Context(), contributorOf(project), body)
	if err != nil || res.Duplicate {
		t.Fatalf("the event sent again: %+v, %v", res, err)
	}
	if err := svc.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantIntake(t, project, 1, 0, 0, 0)
	if runs := runState(t, project); len(runs) != 1 {
		t.Fatalf("runs after the event was sent again: %v", runs)
	}
}

// TestSameEventTwoProjects: an event is one per project; sent to a second
// project it is not a duplicate there, and is written in both.
func TestSameEventTwoProjects(t *testing.T) {
	s := neo4jtest.Store(t)
	a, b := neo4jtest.Project(t, s, "olsamea"), neo4jtest.Project(t, s, "olsameb")
	for _, project := range []string{a, b} {
		svc := openlineage.New(s, openlineage.Config{DefaultProject: project})
		res, err := svc.Ingest(t.Context(), contributorOf(project), readEvent(t, recordedEvents[0]))
		if err != nil || res.Duplicate {
			t.Fatalf("%s: %+v, %v", project, res, err)
		}
		if runs := runState(t, project); len(runs) != 1 {
			t.Fatalf("%s: runs %v", project, runs)
		}
	}
}

// TestBacklogFull: while the backlog is full a request waits for room,
// and when its context ends first it is refused and writes nothing.
func TestBacklogFull(t *testing.T) {
	s := neo4jtest.Store(t)
	project := neo4jtest.Project(t, s, "olfull")
	svc := openlineage.New(s, openlineage.Config{DefaultProject: project, Ack: openlineage.AckRecorded, MaxBacklog: 1})
	release := openlineage.FillBacklog(svc)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := svc.Ingest(ctx, contributorOf(project), readEvent(t, recordedEvents[0]))
	neo4jtest.WantErr(t, err, errs.Unavailable)
	wantIntake(t, project, 0, 0, 0, 0)
	release()
	if res, err := svc.Ingest(t.Context(), contributorOf(project), readEvent(t, recordedEvents[0])); err != nil || res.Duplicate {
		t.Fatalf("with room again: %+v, %v", res, err)
	}
	if err := svc.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantIntake(t, project, 1, 0, 0, 0)
}
