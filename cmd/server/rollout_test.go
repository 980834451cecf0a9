package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/servertest"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/wsclient"
)

// TestSIGTERMDrains runs the real server binary, as Kubernetes runs it in
// a rolling update, and sends it SIGTERM while a request is in flight and
// a subscription is open. The request half sent before the signal is
// answered in full once its body arrives; the subscription completes
// (clients resume elsewhere from their last cursor); /readyz never says
// ready again; new connections are refused once the listener closes,
// while the metrics listener (EXPHUB_METRICS_ADDR) can still be scraped
// until the last request is answered; and the process exits 0, both
// listeners closed.
func TestSIGTERMDrains(t *testing.T) {
	neo4jtest.Driver(t) // the test instance runs and is migrated
	bin := servertest.Build(t)
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := []byte(hex.EncodeToString(raw))
	metricsAddr := servertest.FreeAddr(t)
	rep := servertest.Start(t, bin, neo4jtest.URI(), neo4jtest.Password(), secret, "EXPHUB_SHUTDOWN_DELAY=1s", "EXPHUB_SHUTDOWN_TIMEOUT=10m",
		"EXPHUB_METRICS_ADDR="+metricsAddr)
	scrape := func() int {
		resp, err := http.Get("http://" + metricsAddr + "/metrics")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	srv, exited, base, status := rep.Cmd, rep.Exited, rep.Base, rep.Status
	addr := strings.TrimPrefix(base, "http://")
	key := "drain-" + hex.EncodeToString(raw[:4])
	token, err := auth.Sign(secret, auth.Claims{Subject: "operator", Roles: map[string]auth.Role{"*": auth.RoleAdmin}, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	// A subscription that has seen an event: it is live.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ws, err := wsclient.Dial(ctx, base+"/graphql", token, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	post := func(body string, v any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", body, resp.StatusCode, err)
		}
	}
	// From the log's position now, so the project's event cannot be missed.
	var head struct {
		Data struct{ RecentEvents struct{ Cursor string } }
	}
	post(`{"query":"{ recentEvents(last: 1) { cursor } }"}`, &head)
	if err := ws.Subscribe(ctx, "ev", `subscription($keys: [String!], $after: String) { events(filter: {projectKeys: $keys}, after: $after) { cursor kind } }`,
		map[string]any{"keys": []string{key}, "after": head.Data.RecentEvents.Cursor}); err != nil {
		t.Fatal(err)
	}
	var created map[string]any
	post(gqlBody(`mutation($key: String!) { createProject(input: {key: $key, name: "drain"}) { project { key } } }`, map[string]any{"key": key}), &created)
	msg, err := ws.Next(ctx)
	if err != nil || msg.Type != "next" || !strings.Contains(string(msg.Payload), "PROJECT_CREATED") {
		t.Fatalf("the subscription's first message: %+v, %v", msg, err)
	}

	// A request in flight: headers and half of the body sent.
	query := gqlBody(`query($key: String!) { project(key: $key) { key name } }`, map[string]any{"key": key})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	half := len(query) / 2
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, token, len(query), query[:half])

	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Once the replica drains, /readyz never says ready again: 503 while
	// it drains, then nothing listens. (The signal arrives when it
	// arrives: the first probes may still see the replica ready.)
	var readyAfter []int
	var readyMu sync.Mutex
	stopProbe := make(chan struct{})
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		tick := time.NewTicker(testwait.Interval)
		defer tick.Stop()
		for {
			c := status("/readyz")
			readyMu.Lock()
			if n := len(readyAfter); n == 0 || readyAfter[n-1] != c {
				readyAfter = append(readyAfter, c) // the changes only
			}
			readyMu.Unlock()
			if c == 0 {
				return
			}
			select {
			case <-stopProbe:
				return
			case <-tick.C:
			}
		}
	}()

	// The subscription completes, without an error.
	for {
		msg, err := ws.Next(ctx)
		if err != nil {
			t.Fatalf("the subscription ended without completing: %v", err)
		}
		if msg.Type == "complete" && msg.ID == "ev" {
			break
		}
		if msg.Type == "error" || len(msg.Errors()) > 0 {
			t.Fatalf("the subscription ended with an error: %s", msg.Payload)
		}
	}
	// The listener closes while the request is still in flight.
	if !testwait.Until(5*time.Minute, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return true
		}
		c.Close()
		return false
	}) {
		t.Fatal("the server still accepts connections while draining")
	}
	close(stopProbe)
	<-probed
	readyMu.Lock()
	draining := false
	for _, c := range readyAfter {
		if c != http.StatusOK {
			draining = true
		} else if draining {
			t.Errorf("/readyz said ready again while the replica drained (its answers in turn: %v)", readyAfter)
			break
		}
	}
	readyMu.Unlock()
	select {
	case err := <-exited:
		t.Fatalf("the server exited with a request in flight: %v", err)
	default:
	}
	if c := scrape(); c != http.StatusOK {
		t.Errorf("GET /metrics on the metrics listener while the replica drains: %d, want 200", c)
	}

	// The rest of the body: the request is answered in full.
	if _, err := io.WriteString(conn, query[half:]); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	var got struct {
		Data struct{ Project struct{ Key string } }
	}
	err = json.NewDecoder(r.Body).Decode(&got)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || err != nil || got.Data.Project.Key != key {
		t.Fatalf("the request in flight: %d %+v %v", r.StatusCode, got, err)
	}
	conn.Close()

	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Fatalf("the server exited with %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the server did not exit after its last request")
	}
	if c := scrape(); c != 0 {
		t.Errorf("the metrics listener still answers (%d) after the server exited", c)
	}
}

func gqlBody(query string, vars map[string]any) string {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err)
	}
	return string(b)
}
