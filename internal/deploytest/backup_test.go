package deploytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// instance is a Neo4j of neo4j.sh in a directory and on a port of its own.
type instance struct {
	dir  string
	port int
}

// env is the environment neo4j.sh and backup.sh get for this instance: a
// small heap and page cache, the test instance's password.
func (in instance) env() []string {
	return append(os.Environ(),
		"NEO4J_DATA_DIR="+in.dir,
		fmt.Sprintf("NEO4J_BOLT_PORT=%d", in.port),
		"NEO4J_HEAP=512m",
		"NEO4J_PAGECACHE=64m",
		"NEO4J_PASSWORD="+config.DevNeo4jPassword,
	)
}

func (in instance) uri() string { return fmt.Sprintf("bolt://127.0.0.1:%d", in.port) }

// script runs deploy/neo4j/<name> with args for this instance and returns
// its combined output; a failure fails the test unless wantFail.
func (in instance) script(t *testing.T, wantFail bool, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), filepath.Join(repoRoot(t), "deploy", "neo4j", name), args...)
	cmd.Env = in.env()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("%s %s: %s", name, strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	if (err != nil) != wantFail {
		t.Fatalf("%s %s: err %v (want failure: %v)\n%s", name, strings.Join(args, " "), err, wantFail, out)
	}
	return string(out)
}

// start starts the instance and stops it when the test ends.
func (in instance) start(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		cmd := exec.Command(filepath.Join(repoRoot(t), "deploy", "neo4j", "neo4j.sh"), "stop")
		cmd.Env = in.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("neo4j.sh stop: %v\n%s", err, out)
		}
	})
	in.script(t, false, "neo4j.sh", "start")
}

// store connects to the instance and applies the migrations.
func (in instance) store(t *testing.T) (*store.Store, neo4j.DriverWithContext) {
	t.Helper()
	d, err := neo4j.NewDriverWithContext(in.uri(), neo4j.BasicAuth("neo4j", config.DevNeo4jPassword, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	s := store.New(d, "", store.WithRules(governance.Rules))
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("migrate %s: %v", in.uri(), err)
	}
	return s, d
}

// freePort returns a TCP port nothing listens on now (a parallel run of
// this test, or another developer's instance, may hold 7690 and 7691).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// buildHubctl builds cmd/hubctl into a temporary directory in the
// background (it overlaps a Neo4j start); the returned function waits for
// it and returns the binary.
func buildHubctl(t *testing.T) func() string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hubctl")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./cmd/hubctl")
	cmd.Dir = repoRoot(t)
	done := make(chan error, 1)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	go func() { done <- cmd.Run() }()
	return func() string {
		t.Helper()
		if err := <-done; err != nil {
			t.Fatalf("go build ./cmd/hubctl: %v\n%s", err, out.String())
		}
		done <- nil // a later call finds it built
		return bin
	}
}

// auditVerify runs `hubctl audit verify --json` against uri.
func auditVerify(t *testing.T, bin, uri string) (ok bool, checked int, headSeq int64, headHash, broken string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, "audit", "verify", "--neo4j-uri", uri, "--json")
	cmd.Env = append(os.Environ(), "EXPHUB_NEO4J_PASSWORD="+config.DevNeo4jPassword)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var r struct {
		OK          bool   `json:"ok"`
		Checked     int    `json:"checked"`
		HeadSeq     int64  `json:"headSeq"`
		HeadHash    string `json:"headHash"`
		FirstBroken *struct {
			Seq    int64  `json:"seq"`
			Reason string `json:"reason"`
		} `json:"firstBroken"`
	}
	if jerr := json.Unmarshal(stdout.Bytes(), &r); jerr != nil {
		t.Fatalf("hubctl audit verify: %v; stdout %q stderr %q", err, stdout.String(), stderr.String())
	}
	if (err == nil) != r.OK {
		t.Errorf("hubctl audit verify exited %v with ok=%v: the exit code must say whether the log verifies", err, r.OK)
	}
	if r.FirstBroken != nil {
		broken = fmt.Sprintf("event %d: %s", r.FirstBroken.Seq, r.FirstBroken.Reason)
	}
	return r.OK, r.Checked, r.HeadSeq, r.HeadHash, broken
}

// TestBackupRestore backs up a running development instance holding data
// with deploy/neo4j/backup.sh (make backup), restores it into a fresh data
// directory on another port (make restore), and checks the restored graph:
// the hash-chained event log verifies end to end (hubctl audit verify) and
// ends where it ended at the backup, not later, and the data is there. A
// restored log that is then altered no longer verifies, and a damaged dump
// is refused before anything is replaced.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	hubctl := buildHubctl(t)
	root := t.TempDir()
	src := instance{dir: filepath.Join(root, "src"), port: freePort(t)}
	src.start(t)
	s, _ := src.store(t)

	// Data and events: projects, runs moved through their states.
	var runs []*store.Run
	for i := range 3 {
		r := neo4jtest.Run(t, s, fmt.Sprintf("bk%d", i), store.StatusRunning)
		if _, err := s.UpdateRunStatus(t.Context(), neo4jtest.Actor, r.ID, store.StatusFinished); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	before, err := s.VerifyLog(t.Context(), "")
	if err != nil || !before.OK || before.HeadSeq < 9 {
		t.Fatalf("source log before the backup: %+v, %v", before, err)
	}

	backup := filepath.Join(root, "backup")
	out := src.script(t, false, "backup.sh", "dump", backup)
	if !strings.Contains(out, "backup complete") {
		t.Fatalf("backup.sh dump said:\n%s", out)
	}
	for _, f := range []string{"neo4j.dump", "neo4j.dump.sha256", "backup.txt"} {
		if _, err := os.Stat(filepath.Join(backup, f)); err != nil {
			t.Errorf("backup lacks %s: %v", f, err)
		}
	}
	// The source is back up (backup.sh restarts what it stopped) and moves
	// on after the backup: the restore must not have this write.
	s2, _ := src.store(t)
	later := neo4jtest.Project(t, s2, "bklater")
	if v, err := s2.VerifyLog(t.Context(), ""); err != nil || !v.OK || v.HeadSeq <= before.HeadSeq {
		t.Fatalf("source log after the backup: %+v, %v", v, err)
	}
	if _, err := os.Stat(filepath.Join(backup, "backup.txt")); err == nil {
		t.Log(string(readFile(t, filepath.Join(backup, "backup.txt"))))
	}

	// Restore into a new data directory, start it on another port.
	dst := instance{dir: filepath.Join(root, "dst"), port: freePort(t)}
	out = dst.script(t, false, "backup.sh", "load", backup)
	if !strings.Contains(out, "restore complete") {
		t.Fatalf("backup.sh load said:\n%s", out)
	}
	dst.start(t)
	bin := hubctl()
	ok, checked, headSeq, headHash, broken := auditVerify(t, bin, dst.uri())
	if !ok {
		t.Fatalf("the restored event log does not verify: %s", broken)
	}
	if checked != before.Checked || headSeq != before.HeadSeq || headHash != before.HeadHash {
		t.Errorf("restored log: %d events, head %d %s; at the backup: %d events, head %d %s",
			checked, headSeq, headHash, before.Checked, before.HeadSeq, before.HeadHash)
	}
	ds, driver := dst.store(t)
	got, err := ds.RunsByIDs(t.Context(), []string{runs[0].ID, runs[1].ID, runs[2].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if g := got[r.ID]; g == nil || g.Status != store.StatusFinished {
			t.Errorf("run %s after the restore: %+v, want it FINISHED", r.ID, g)
		}
	}
	if p, err := ds.ProjectByKey(t.Context(), later); err == nil {
		t.Errorf("project %s, created after the backup, is in the restore: %+v", later, p)
	}

	// A log altered after the restore is caught, at the altered event.
	const tampered = 5
	if _, err := neo4j.ExecuteQuery(t.Context(), driver, `MATCH (e:Event {seq: $seq}) SET e.actor = 'mallory'`,
		map[string]any{"seq": tampered}, neo4j.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
	if ok, _, _, _, broken := auditVerify(t, bin, dst.uri()); ok || !strings.HasPrefix(broken, fmt.Sprintf("event %d:", tampered)) {
		t.Errorf("after altering event %d: ok=%v, first broken %q", tampered, ok, broken)
	}

	// A damaged dump is refused before the instance is touched.
	damaged := filepath.Join(root, "damaged")
	if err := os.MkdirAll(damaged, 0o755); err != nil {
		t.Fatal(err)
	}
	dump := readFile(t, filepath.Join(backup, "neo4j.dump"))
	dump[len(dump)/2] ^= 0xff
	writeFile(t, filepath.Join(damaged, "neo4j.dump"), dump)
	writeFile(t, filepath.Join(damaged, "neo4j.dump.sha256"), readFile(t, filepath.Join(backup, "neo4j.dump.sha256")))
	out = dst.script(t, true, "backup.sh", "load", damaged)
	if !strings.Contains(out, "does not match its sha256") || strings.Contains(out, "stopping") {
		t.Errorf("backup.sh load of a damaged dump said:\n%s", out)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
