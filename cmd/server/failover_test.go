package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/servertest"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/wsclient"
)

// failoverSubscribers is how many subscribers follow the replica that is
// killed.
const failoverSubscribers = 200

// TestSubscribersResumeOnAnotherReplica runs two replicas of the real
// binary. 200 subscribers follow a project's events on replica A while a
// writer makes events through replica B; A is killed (SIGKILL: no
// goodbye, connections reset). Each subscriber reconnects to B with the
// cursor of the last event it received and, once the writer is done, has
// received every event of the project after its starting cursor exactly
// once and in order — nothing lost, nothing twice.
func TestSubscribersResumeOnAnotherReplica(t *testing.T) {
	neo4jtest.Driver(t) // the test instance runs and is migrated
	bin := servertest.Build(t)
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := []byte(hex.EncodeToString(raw))
	a := servertest.Start(t, bin, neo4jtest.URI(), neo4jtest.Password(), secret)
	b := servertest.Start(t, bin, neo4jtest.URI(), neo4jtest.Password(), secret)
	key := "failover-" + hex.EncodeToString(raw[:4])
	token, err := auth.Sign(secret, auth.Claims{Subject: "operator", Roles: map[string]auth.Role{"*": auth.RoleAdmin}, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	post := func(base, query string, vars map[string]any, v any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", strings.NewReader(gqlBody(query, vars)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Data   json.RawMessage
			Errors []any
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
			t.Fatalf("%s: HTTP %d %v %v", query, resp.StatusCode, err, out.Errors)
		}
		if v != nil {
			if err := json.Unmarshal(out.Data, v); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Every subscriber starts at the log's head now, before the project
	// exists: all of the project's events come after it.
	var head struct{ RecentEvents struct{ Cursor string } }
	post(b.Base, `{ recentEvents(last: 1) { cursor } }`, nil, &head)
	start := head.RecentEvents.Cursor

	type received struct {
		mu      sync.Mutex
		seqs    []int64
		resumed bool
		err     error
	}
	subs := make([]*received, failoverSubscribers)
	const sub = `subscription($keys: [String!], $after: String) { events(filter: {projectKeys: $keys}, after: $after) { cursor seq } }`
	var wg sync.WaitGroup
	for i := range subs {
		r := &received{}
		subs[i] = r
		wg.Go(func() {
			base, after := a.Base, start
			for ctx.Err() == nil {
				ws, err := wsclient.Dial(ctx, base+"/graphql", token, nil)
				if err == nil {
					err = ws.Subscribe(ctx, "ev", sub, map[string]any{"keys": []string{key}, "after": after})
				}
				for err == nil {
					var msg wsclient.Message
					if msg, err = ws.Next(ctx); err != nil {
						break
					}
					if msg.Type != "next" {
						err = fmt.Errorf("message %s: %s", msg.Type, msg.Payload)
						break
					}
					var d struct {
						Events struct {
							Cursor string
							Seq    int64
						}
					}
					if errs, derr := msg.Data(&d); derr != nil || len(errs) > 0 {
						err = fmt.Errorf("event: %v %v", derr, errs)
						break
					}
					after = d.Events.Cursor
					r.mu.Lock()
					r.seqs = append(r.seqs, d.Events.Seq)
					r.mu.Unlock()
				}
				if ws != nil {
					_ = ws.CloseNow()
				}
				if ctx.Err() != nil {
					return
				}
				if base == a.Base {
					// A is gone: resume on B from the last cursor.
					r.mu.Lock()
					r.resumed = true
					r.mu.Unlock()
					base = b.Base
					continue
				}
				r.mu.Lock()
				r.err = err
				r.mu.Unlock()
				return
			}
		})
	}
	defer func() { cancel(); wg.Wait() }()

	var project struct {
		CreateProject struct{ Project struct{ Key string } }
	}
	post(b.Base, `mutation($k: String!) { createProject(input: {key: $k, name: "failover"}) { project { key } } }`, map[string]any{"k": key}, &project)
	var exp struct {
		CreateExperiment struct{ Experiment struct{ ID string } }
	}
	post(b.Base, `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "e"}) { experiment { id } } }`, map[string]any{"k": key}, &exp)
	count := func(r *received) int {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.seqs)
	}
	// Every subscriber is live on A: it has the project's first events.
	if !testwait.Until(5*time.Minute, func() bool {
		for _, r := range subs {
			if count(r) < 2 {
				return false
			}
		}
		return true
	}) {
		t.Fatal("the subscribers did not all receive the first events on A")
	}

	const runs = 60
	for i := range runs {
		if i == runs/3 {
			if err := a.Cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
		post(b.Base, `mutation($e: ID!) { startRun(input: {experimentId: $e}) { run { id } } }`, map[string]any{"e": exp.CreateExperiment.Experiment.ID}, nil)
	}
	<-a.Exited

	// What the log holds for the project, read from B.
	var log struct {
		AuditEvents struct {
			Edges []struct{ Node struct{ Seq int64 } }
		}
	}
	post(b.Base, `query($k: String!) { auditEvents(filter: {projectKeys: [$k]}, first: 100) { edges { node { seq } } } }`, map[string]any{"k": key}, &log)
	var want []int64
	for _, e := range log.AuditEvents.Edges {
		want = append(want, e.Node.Seq)
	}
	if len(want) != runs+2 {
		t.Fatalf("the log holds %d events of the project, want %d", len(want), runs+2)
	}
	if !testwait.Until(5*time.Minute, func() bool {
		for _, r := range subs {
			if count(r) < len(want) {
				return false
			}
		}
		return true
	}) {
		t.Error("not every subscriber received every event after the failover")
	}
	resumed := 0
	for i, r := range subs {
		r.mu.Lock()
		if r.resumed {
			resumed++
		}
		if r.err != nil {
			t.Errorf("subscriber %d: %v", i, r.err)
		}
		if !slices.Equal(r.seqs, want) {
			t.Errorf("subscriber %d received seqs %v, want %v", i, r.seqs, want)
		}
		r.mu.Unlock()
	}
	if resumed != failoverSubscribers {
		t.Errorf("%d of %d subscribers resumed on B", resumed, failoverSubscribers)
	}
}
