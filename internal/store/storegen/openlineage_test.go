package storegen_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

// lineageEvent is a run event of job "etl" reading "src" and writing
// "dst" (with column lineage), as internal/openlineage maps one.
func lineageEvent(project, runID, eventType string, at time.Time) store.LineageEvent {
	return store.LineageEvent{Hash: uuid.NewString(), ProjectKey: project, Actor: neo4jtest.Actor, Type: eventType, Time: at,
		Job: &store.LineageJob{Namespace: "bench", Name: "etl"}, Run: &store.LineageRun{ExternalID: runID},
		Inputs: []store.LineageDataset{{Namespace: "pg", Name: "src", Schema: []store.SchemaField{{Name: "id", Type: "BIGINT"}}}},
		Outputs: []store.LineageDataset{{Namespace: "pg", Name: "dst", Schema: []store.SchemaField{{Name: "id", Type: "BIGINT"}},
			Columns: []store.ColumnDerivation{{Column: "id", From: []store.ColumnSource{{Namespace: "pg", Name: "src", Column: "id", Transformations: "[]"}}}}}},
	}
}

func TestOpenLineageBenchmarkReads(t *testing.T) {
	gs, s := graphs(t)
	ctx := t.Context()
	key := neo4jtest.Project(t, s, "olr")
	run := uuid.NewString()
	at := time.Now().UTC()
	if _, err := s.IngestLineage(ctx, []store.LineageEvent{lineageEvent(key, run, "START", at),
		lineageEvent(key, run, "COMPLETE", at.Add(time.Second))}, openlineage.Next); err != nil {
		t.Fatal(err)
	}

	t.Run("OpenLineageRuns counts runs by status and inputs, with their runIds", func(t *testing.T) {
		runs, err := gs.OpenLineageRuns(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if runs.Runs != 1 || runs.ByStatus["FINISHED"] != 1 || runs.ByInputs[1] != 1 || len(runs.ExternalIDs) != 1 || runs.ExternalIDs[0] != run {
			t.Fatalf("runs %+v, want the one FINISHED run %s with one input", runs, run)
		}
	})

	t.Run("OpenLineageGraph counts what the events made", func(t *testing.T) {
		g, err := gs.OpenLineageGraph(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if g.LineageEvents != 2 || g.Jobs != 1 || g.Datasets != 2 || g.Versions != 2 || g.Columns != 2 || g.ColFeeds != 1 {
			t.Fatalf("graph %+v, want 2 events, 1 job, 2 datasets and versions, 2 columns, 1 column edge", g)
		}
		if g.LogEntries["RUN_STARTED"] != 1 || g.LogEntries["PROJECT_CREATED"] != 1 || g.LogTotal() != neo4jtest.ProjectEvents(t, key) {
			t.Fatalf("log entries %v (total %d), want the project's %d", g.LogEntries, g.LogTotal(), neo4jtest.ProjectEvents(t, key))
		}
	})

	t.Run("OpenLineageGraph of a project without events is zero", func(t *testing.T) {
		g, err := gs.OpenLineageGraph(ctx, neo4jtest.Project(t, s, "olr"))
		if err != nil {
			t.Fatal(err)
		}
		if g.LineageEvents != 0 || g.Jobs != 0 || g.LogTotal() != 1 {
			t.Fatalf("graph %+v, want nothing but the project's creation", g)
		}
	})
}

func TestTimingDriver(t *testing.T) {
	for _, profile := range []bool{false, true} {
		t.Run(map[bool]string{false: "times", true: "profiles"}[profile], func(t *testing.T) {
			timed, timings := storegen.Timing(neo4jtest.Driver(t), profile)
			s := store.New(timed, "", store.WithRules(governance.Rules))
			key := neo4jtest.Project(t, neo4jtest.Store(t), "olt")
			timings.Reset()
			res, err := s.IngestLineage(t.Context(), []store.LineageEvent{lineageEvent(key, uuid.NewString(), "START", time.Now().UTC())}, openlineage.Next)
			if err != nil || res[0].Err != nil || res[0].RunID == "" {
				t.Fatalf("ingest through the timing driver: %v %+v", err, res)
			}
			got := timings.Snapshot()
			if got.Transactions != 1 || got.Attempts < 1 || len(got.Statements) == 0 || got.InStatements <= 0 || got.InStatements > got.Total {
				t.Fatalf("times %+v, want one transaction whose statements took part of it", got)
			}
			var nodes, hits int64
			for _, st := range got.Statements {
				nodes += st.NodesCreated
				hits += st.DbHits
				// Neo4j reports its times in whole milliseconds.
				if st.Runs < 1 || st.Total <= 0 || st.InNeo4j > st.Total+time.Duration(2*st.Runs)*time.Millisecond {
					t.Errorf("statement %q: %+v", st.Cypher, st)
				}
				if profile != (st.Plan != "") || strings.HasPrefix(st.Cypher, "PROFILE") {
					t.Errorf("statement %q: plan %q with profile %v", st.Cypher, st.Plan, profile)
				}
			}
			if nodes == 0 || profile != (hits > 0) {
				t.Fatalf("%d nodes created, %d db hits with profile %v", nodes, hits, profile)
			}
			timings.Reset()
			if got := timings.Snapshot(); got.Transactions != 0 || len(got.Statements) != 0 {
				t.Fatalf("after Reset: %+v", got)
			}
		})
	}
}
