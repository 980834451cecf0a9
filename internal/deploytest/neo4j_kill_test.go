package deploytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/config"
	"github.com/exphub/exphub/internal/servertest"
	"github.com/exphub/exphub/internal/testwait"
)

// TestNeo4jKilledUnderWrites runs the server binary against a Neo4j of its
// own while two writers keep it busy: a GraphQL client starting named runs
// (each acknowledged or not, never retried: startRun is not idempotent)
// and an OpenLineage producer sending START and COMPLETE of task runs
// (retried until acknowledged, as the OpenLineage clients do; the hub
// acknowledges once an event is recorded). Neo4j is killed (SIGKILL) in
// the middle and started again; the server recovers by itself. Then every
// acknowledged run exists exactly once, no unacknowledged one twice, every
// acknowledged OpenLineage run is in the graph once and FINISHED, nothing
// recorded stays pending, and the event log's hash chain verifies.
func TestNeo4jKilledUnderWrites(t *testing.T) {
	t.Parallel()
	bin := servertest.Build(t)
	db := instance{dir: filepath.Join(t.TempDir(), "db"), port: freePort(t)}
	db.start(t)
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := []byte(hex.EncodeToString(raw))
	key := "kill-" + hex.EncodeToString(raw[:4])
	srv := servertest.Start(t, bin, db.uri(), config.DevNeo4jPassword, secret, "EXPHUB_OPENLINEAGE_DEFAULT_PROJECT="+key)
	token, err := auth.Sign(secret, auth.Claims{Subject: "writer", Roles: map[string]auth.Role{"*": auth.RoleAdmin}, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	post := func(path, body string) (int, []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.Base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.Bytes()
	}
	gql := func(query string, vars map[string]any) (json.RawMessage, bool) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		code, out := post("/graphql", string(body))
		var res struct {
			Data   json.RawMessage
			Errors []any
		}
		if code != http.StatusOK || json.Unmarshal(out, &res) != nil || len(res.Errors) > 0 {
			return nil, false
		}
		return res.Data, true
	}
	if _, ok := gql(`mutation($k: String!) { createProject(input: {key: $k, name: "kill"}) { project { key } } }`, map[string]any{"k": key}); !ok {
		t.Fatal("createProject failed")
	}
	data, ok := gql(`mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "e"}) { experiment { id } } }`, map[string]any{"k": key})
	if !ok {
		t.Fatal("createExperiment failed")
	}
	var exp struct {
		CreateExperiment struct{ Experiment struct{ ID string } }
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}

	// pause waits, after a refused request, until the server says it is
	// ready again (Neo4j back), or the writers stop.
	pause := func(stop <-chan struct{}) {
		testwait.Until(time.Minute, func() bool {
			select {
			case <-stop:
				return true
			default:
				return srv.Status("/readyz") == http.StatusOK
			}
		})
	}
	var mu sync.Mutex
	acked, tried := map[string]bool{}, map[string]bool{} // run names
	var olRuns []string                                  // OpenLineage runIds, both events acknowledged
	counts := func() (int, int) {
		mu.Lock()
		defer mu.Unlock()
		return len(acked), len(olRuns)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			name := "w-" + strconv.Itoa(i)
			mu.Lock()
			tried[name] = true
			mu.Unlock()
			_, ok := gql(`mutation($e: ID!, $n: String!) { startRun(input: {experimentId: $e, name: $n}) { run { id } } }`,
				map[string]any{"e": exp.CreateExperiment.Experiment.ID, "n": name})
			mu.Lock()
			if ok {
				acked[name] = true
			}
			mu.Unlock()
			if !ok {
				pause(stop) // Neo4j is away: do not spin
			}
		}
	})
	event := func(typ, runID string) string {
		b, _ := json.Marshal(map[string]any{
			"eventType": typ, "eventTime": time.Now().UTC().Format(time.RFC3339Nano),
			"producer": "https://example.invalid/kill-test", "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
			"run": map[string]any{"runId": runID}, "job": map[string]any{"namespace": "kill-test", "name": "task"},
			"inputs":  []any{map[string]any{"namespace": "postgres://db:5432", "name": "shop.orders"}},
			"outputs": []any{map[string]any{"namespace": "postgres://db:5432", "name": "shop.agg"}},
		})
		return string(b)
	}
	wg.Go(func() {
		for {
			runID := uuid.NewString()
			for _, typ := range []string{"START", "COMPLETE"} {
				body := event(typ, runID)
				for {
					select {
					case <-stop:
						return
					default:
					}
					if code, _ := post("/api/v1/lineage", body); code == http.StatusCreated || code == http.StatusOK {
						break
					}
					pause(stop)
				}
			}
			mu.Lock()
			olRuns = append(olRuns, runID)
			mu.Unlock()
		}
	})
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()
	progress := func(what string, runs, ol int) {
		t.Helper()
		if !testwait.Until(5*time.Minute, func() bool { a, o := counts(); return a >= runs && o >= ol }) {
			a, o := counts()
			t.Fatalf("%s: %d runs and %d OpenLineage runs acknowledged", what, a, o)
		}
	}
	progress("before the kill", 20, 10)

	pid, err := os.ReadFile(filepath.Join(db.dir, "neo4j.pid"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(pid)))
	if err != nil {
		t.Fatalf("neo4j.pid: %q", pid)
	}
	if err := syscall.Kill(n, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !testwait.Until(time.Minute, func() bool { return syscall.Kill(n, 0) != nil }) {
		t.Fatal("Neo4j did not die")
	}
	a, o := counts()
	db.script(t, false, "neo4j.sh", "start")
	// The server finds Neo4j back by itself; the writers go on.
	progress("after the restart", a+20, o+10)
	close(stop)
	wg.Wait()

	d, err := neo4j.NewDriverWithContext(db.uri(), neo4j.BasicAuth("neo4j", config.DevNeo4jPassword, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	query := func(cypher string, params map[string]any) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(context.Background(), d, cypher, params, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatal(err)
		}
		return res.Records
	}
	// Every recorded OpenLineage event is applied (the backlog drains).
	if !testwait.Until(5*time.Minute, func() bool {
		r := query(`MATCH (e:LineageEvent {projectKey: $k}) WHERE e.pending IS NOT NULL RETURN count(e) AS n`, map[string]any{"k": key})
		v, _ := r[0].Get("n")
		return v.(int64) == 0
	}) {
		t.Error("recorded OpenLineage events are still pending")
	}

	have := map[string]int64{}
	for _, r := range query(`MATCH (r:Run {experimentId: $e}) RETURN r.name AS name, count(*) AS n`, map[string]any{"e": exp.CreateExperiment.Experiment.ID}) {
		name, _ := r.Get("name")
		c, _ := r.Get("n")
		have[fmt.Sprint(name)] += c.(int64)
	}
	mu.Lock()
	defer mu.Unlock()
	for name := range acked {
		if have[name] != 1 {
			t.Errorf("acknowledged run %s is stored %d times", name, have[name])
		}
	}
	for name, c := range have {
		if !tried[name] || c > 1 {
			t.Errorf("run %s is stored %d times (tried: %v)", name, c, tried[name])
		}
	}
	for _, id := range olRuns {
		r := query(`MATCH (r:Run {projectKey: $k, externalId: $id}) RETURN collect(r.status) AS s`, map[string]any{"k": key, "id": id})
		s, _ := r[0].Get("s")
		if st := s.([]any); len(st) != 1 || st[0] != "FINISHED" {
			t.Errorf("acknowledged OpenLineage run %s: statuses %v, want one FINISHED", id, st)
		}
	}
	st, _ := db.store(t)
	if v, err := st.VerifyLog(context.Background(), ""); err != nil || !v.OK {
		t.Errorf("the event log after the kill: %+v, %v", v, err)
	}
	t.Logf("%d runs acknowledged of %d tried, %d stored; %d OpenLineage runs", len(acked), len(tried), len(have), len(olRuns))
}
