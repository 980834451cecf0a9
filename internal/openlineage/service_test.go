package openlineage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
)

func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func contributorOf(project string) *auth.Principal {
	return &auth.Principal{Subject: "pipeline", Roles: map[string]auth.Role{project: auth.RoleContributor}}
}

// TestCapturedClientEvents writes the events the real openlineage-python
// client sent (captured) and reads back what they became.
func TestCapturedClientEvents(t *testing.T) {
	s := neo4jtest.Store(t)
	project := neo4jtest.Project(t, s, "ol")
	svc := openlineage.New(s, openlineage.Config{DefaultProject: project})
	p := contributorOf(project)
	for _, name := range []string{"client-01-start.json", "client-02-complete.json", "client-03-job.json", "client-04-dataset.json"} {
		res, err := svc.Ingest(t.Context(), p, readEvent(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %+v", name, res)
	}
	// The client's events name one job (and a static job event another),
	// one run, and datasets with versions.
	for q, want := range map[string]func(int64) bool{
		`MATCH (j:Job {projectKey: $p}) RETURN count(j) AS n`:                                func(n int64) bool { return n >= 1 },
		`MATCH (r:Run {projectKey: $p}) RETURN count(r) AS n`:                                func(n int64) bool { return n == 1 },
		`MATCH (r:Run {projectKey: $p}) WHERE r.status = 'FINISHED' RETURN count(r) AS n`:    func(n int64) bool { return n == 1 },
		`MATCH (d:Dataset {projectKey: $p}) RETURN count(d) AS n`:                            func(n int64) bool { return n >= 2 },
		`MATCH (v:DatasetVersion {projectKey: $p}) RETURN count(v) AS n`:                     func(n int64) bool { return n >= 2 },
		`MATCH (e:LineageEvent {projectKey: $p}) RETURN count(e) AS n`:                       func(n int64) bool { return n == 4 },
		`MATCH (e:Event {projectKey: $p}) WHERE e.kind = 'RUN_STARTED' RETURN count(e) AS n`: func(n int64) bool { return n == 1 },
	} {
		if n := neo4jtest.Count(t, q, map[string]any{"p": project}); !want(n) {
			t.Errorf("%s → %d", q, n)
		}
	}
	// The same event again changes nothing.
	before := neo4jtest.ProjectEvents(t, project)
	res, err := svc.Ingest(t.Context(), p, readEvent(t, "client-02-complete.json"))
	if err != nil || !res.Duplicate {
		t.Fatalf("duplicate: %+v, %v", res, err)
	}
	if after := neo4jtest.ProjectEvents(t, project); after != before {
		t.Fatalf("a duplicate appended %d events", after-before)
	}
}
