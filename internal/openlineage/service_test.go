package openlineage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/openlineage"
	"github.com/exphub/exphub/internal/store"
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
	for _, q := range []string{
		`MATCH (j:Job {projectKey: $p}) RETURN count(j) AS n`,
		`MATCH (r:Run {projectKey: $p}) RETURN count(r) AS n`,
		`MATCH (d:Dataset {projectKey: $p}) RETURN count(d) AS n`,
		`MATCH (v:DatasetVersion {projectKey: $p}) RETURN count(v) AS n`,
		`MATCH (c:Column {projectKey: $p}) RETURN count(c) AS n`,
		`MATCH (v:ValidationRun {projectKey: $p}) RETURN count(v) AS n`,
		`MATCH (e:Event {projectKey: $p}) RETURN count(e) AS n`,
	} {
		t.Logf("%s → %d", q, neo4jtest.Count(t, q, map[string]any{"p": project}))
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
	_ = store.StatusFinished
}
