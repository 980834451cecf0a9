// Package neo4jtest gives tests a real Neo4j: the test instance that
// `make test` starts (bolt://127.0.0.1:7688 unless NEO4J_TEST_URI says
// otherwise), started here through deploy/neo4j/neo4j.sh when it is not
// running, so `go test ./...` works on its own too. Tests never mock the
// store; they isolate themselves by working in projects with unique keys.
//
// Its fixtures (fixtures.go) write through the store's API, never around
// it but for set-ups the API has no way to make (Exec). Production code
// must not import it.
package neo4jtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
)

// Defaults of the test instance; the dev instance uses 7687 and .data/neo4j.
const (
	DefaultURI     = "bolt://127.0.0.1:7688"
	DefaultPort    = "7688"
	DefaultDataDir = ".data/neo4j-test"
)

var (
	once       sync.Once
	driver     neo4j.DriverWithContext
	setupErr   error
	migrateMu  sync.Once
	migrateErr error
)

// URI returns the test instance's Bolt URI.
func URI() string {
	if u := os.Getenv("NEO4J_TEST_URI"); u != "" {
		return u
	}
	return DefaultURI
}

// Password returns the test instance's password.
func Password() string {
	if p := os.Getenv("NEO4J_TEST_PASSWORD"); p != "" {
		return p
	}
	return config.DevNeo4jPassword
}

// RepoRoot returns the repository root, found from this file's location.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Driver returns a driver connected to the test instance, starting the
// instance first when it does not answer. It fails the test when Neo4j
// cannot be started; it never skips.
func Driver(t testing.TB) neo4j.DriverWithContext {
	t.Helper()
	once.Do(func() { driver, setupErr = connect() })
	if setupErr != nil {
		t.Fatalf("neo4jtest: %v", setupErr)
	}
	return driver
}

func connect() (neo4j.DriverWithContext, error) {
	d, err := neo4j.NewDriverWithContext(URI(), neo4j.BasicAuth("neo4j", Password(), ""))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if d.VerifyConnectivity(ctx) == nil {
		return d, nil
	}
	if os.Getenv("NEO4J_TEST_URI") != "" {
		// Someone else runs it (make test starts it first): give a busy
		// machine time to answer.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		return d, d.VerifyConnectivity(ctx)
	}
	if err := startInstance(); err != nil {
		return nil, err
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel2()
	return d, d.VerifyConnectivity(ctx2)
}

// startInstance runs `neo4j.sh start` for the test instance under a file
// lock, so test binaries of several packages starting at once start it once.
func startInstance() error {
	root := RepoRoot()
	dataDir := filepath.Join(root, DefaultDataDir)
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(dataDir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	cmd := exec.Command(filepath.Join(root, "deploy", "neo4j", "neo4j.sh"), "start")
	cmd.Env = append(os.Environ(), "NEO4J_BOLT_PORT="+DefaultPort, "NEO4J_DATA_DIR="+dataDir, "NEO4J_PASSWORD="+Password())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return &startError{out: strings.TrimSpace(string(out)), err: err}
	}
	return nil
}

type startError struct {
	out string
	err error
}

func (e *startError) Error() string {
	return "starting the test Neo4j failed: " + e.err.Error() + "\n" + e.out
}

// Store returns a store over the test instance with the migrations applied
// and the governance rules the server gives it.
func Store(t testing.TB, opts ...store.Option) *store.Store {
	t.Helper()
	d := Driver(t)
	scans := &planScans{}
	t.Cleanup(func() { scans.report(t) })
	s := store.New(d, "", append([]store.Option{store.WithRules(governance.Rules), store.WithPlanCheck(scans.add)}, opts...)...)
	migrateMu.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		migrateErr = s.Migrate(ctx)
	})
	// Every test of a process that could not migrate fails, not only the
	// first: the others would run against a half-made schema.
	if migrateErr != nil {
		t.Fatalf("neo4jtest: migrate: %v", migrateErr)
	}
	return s
}

// Key returns a project key unique to this test run, starting with prefix.
func Key(t testing.TB, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// Count runs a counting Cypher query (returning one integer column n) and
// returns the count: tests use it to prove a rejected write wrote nothing.
func Count(t testing.TB, cypher string, params map[string]any) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, Driver(t), cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("neo4jtest: count: %v", err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("neo4jtest: count: want 1 record, got %d", len(res.Records))
	}
	n, _, err := neo4j.GetRecordValue[int64](res.Records[0], "n")
	if err != nil {
		t.Fatalf("neo4jtest: count: %v", err)
	}
	return n
}

// Rows runs a Cypher query and returns its records as maps, for tests
// that check what a write left in the graph.
func Rows(t testing.TB, cypher string, params map[string]any) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, Driver(t), cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("neo4jtest: rows: %v", err)
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out
}

// MinuteClock is a store clock for tests that control time: minute m of a
// test is Base plus m minutes. Pass Now to store.WithClock.
type MinuteClock struct {
	Base time.Time
	mu   sync.Mutex
	at   time.Time
}

// Set moves the clock to minute m.
func (c *MinuteClock) Set(m int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.At(m)
}

// At is the time of minute m.
func (c *MinuteClock) At(m int) time.Time { return c.Base.Add(time.Duration(m) * time.Minute) }

// Now is the clock's current time.
func (c *MinuteClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}
