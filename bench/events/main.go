// Command events benchmarks subscription delivery: it starts the hub's
// server as a child process, connects many websocket subscribers, writes
// events at a fixed rate through the GraphQL API, and reports the delay
// from an event's commit to its arrival at each subscriber, and the
// server's memory.
//
//	go run ./bench/events [--subscribers 1000] [--rate 100] [--duration 30s] [--fanout project|all]
//
// bench/README.md has the latest figures.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exphub/exphub/bench/benchserver"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/wsclient"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/events:", err)
		os.Exit(1)
	}
}

const secret = "bench-events-secret-0123456789abcdef"

func run() error {
	subscribers := flag.Int("subscribers", 1000, "websocket subscribers")
	rate := flag.Int("rate", 100, "events written per second")
	duration := flag.Duration("duration", 30*time.Second, "how long to write")
	projects := flag.Int("projects", 10, "projects the writes are spread over")
	fanout := flag.String("fanout", "project", "project: each subscriber follows one project; all: every subscriber gets every event")
	uri := flag.String("neo4j-uri", "bolt://127.0.0.1:7689", "Neo4j Bolt URI")
	flag.Parse()
	if *fanout != "project" && *fanout != "all" {
		return fmt.Errorf("--fanout must be project or all, got %q", *fanout)
	}
	ctx := context.Background()

	// The server, as its own process, so its memory is its own.
	dir, err := os.MkdirTemp("", "exphub-bench-events")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := benchserver.Build(dir)
	if err != nil {
		return err
	}
	// The writer is one caller sending 100 startRun a second, as many as
	// the default per-caller rate admits, with several in flight: the
	// caller limits would refuse some, and delivery is what is measured.
	srv, err := benchserver.Start(bin, *uri, os.Stderr, "EXPHUB_JWT_SECRET="+secret, "EXPHUB_LOG_LEVEL=warn",
		"EXPHUB_CALLER_RATE=10000", "EXPHUB_CALLER_BURST=10000", "EXPHUB_CALLER_CONCURRENCY=10000")
	if err != nil {
		return err
	}
	defer srv.Stop()
	base := srv.Base
	admin, err := auth.NewDevToken([]byte(secret), "bench", map[string]auth.Role{"*": auth.RoleAdmin}, 2*time.Hour, time.Now())
	if err != nil {
		return err
	}
	gql := &client{url: base + "/graphql", token: admin}

	// Projects with an experiment each.
	suffix := strconv.FormatInt(time.Now().UnixNano()%1_000_000, 36)
	keys := make([]string, *projects)
	exps := make([]string, *projects)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench-ev-%s-%d", suffix, i)
		if _, err := gql.do(ctx, `mutation($k: String!) { createProject(input: {key: $k, name: $k}) { project { key } } }`, map[string]any{"k": keys[i]}); err != nil {
			return err
		}
		d, err := gql.do(ctx, `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "load"}) { experiment { id } } }`, map[string]any{"k": keys[i]})
		if err != nil {
			return err
		}
		var out struct {
			CreateExperiment struct{ Experiment struct{ ID string } }
		}
		if err := json.Unmarshal(d, &out); err != nil {
			return err
		}
		exps[i] = out.CreateExperiment.Experiment.ID
	}

	// Subscribers.
	var (
		mu        sync.Mutex
		latencies []time.Duration
		received  atomic.Int64
		failures  atomic.Int64
	)
	subCtx, stopSubs := context.WithCancel(ctx)
	var wg sync.WaitGroup
	ready := make(chan struct{}, *subscribers)
	for i := range *subscribers {
		wg.Go(func() {
			c, err := wsclient.Dial(subCtx, base+"/graphql", admin, nil)
			if err != nil {
				failures.Add(1)
				ready <- struct{}{}
				return
			}
			defer c.CloseNow()
			filter := map[string]any{"projectKeys": keys}
			if *fanout == "project" {
				filter = map[string]any{"projectKeys": []string{keys[i%len(keys)]}}
			}
			if err := c.Subscribe(subCtx, "e", `subscription($f: EventFilter) { events(filter: $f) { seq at } }`, map[string]any{"f": filter}); err != nil {
				failures.Add(1)
				ready <- struct{}{}
				return
			}
			ready <- struct{}{}
			local := make([]time.Duration, 0, 256)
			defer func() {
				mu.Lock()
				latencies = append(latencies, local...)
				mu.Unlock()
			}()
			// Reads wait without a context of their own (a context per
			// read registers with, and contends on, the shared one); the
			// connection is closed when the subscribers stop.
			stop := context.AfterFunc(subCtx, func() { _ = c.CloseNow() })
			defer stop()
			for {
				m, err := c.Next(context.Background())
				if err != nil {
					return
				}
				now := time.Now()
				var p struct {
					Data   struct{ Events struct{ At time.Time } }
					Errors []json.RawMessage
				}
				if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 || m.Type != "next" {
					failures.Add(1)
					continue
				}
				local = append(local, now.Sub(p.Data.Events.At))
				received.Add(1)
			}
		})
	}
	for range *subscribers {
		<-ready
	}
	time.Sleep(time.Second) // every subscription is live

	// Memory of the server process, sampled while writing.
	var peakRSS atomic.Int64
	rssStop := make(chan struct{})
	rssDone := make(chan struct{})
	go func() {
		defer close(rssDone)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := rssKB(srv.Pid()); kb > peakRSS.Load() {
				peakRSS.Store(kb)
			}
			select {
			case <-rssStop:
				return
			case <-t.C:
			}
		}
	}()
	idle := rssKB(srv.Pid())

	// The writer: startRun at a fixed rate, round robin over projects.
	interval := time.Second / time.Duration(*rate)
	tick := time.NewTicker(interval)
	deadline := time.Now().Add(*duration)
	written, writeErrs := 0, 0
	var firstWriteErr error
	var writeLat []time.Duration
	var wwg sync.WaitGroup
	var wmu sync.Mutex
	for time.Now().Before(deadline) {
		<-tick.C
		n := written
		written++
		wwg.Go(func() {
			t0 := time.Now()
			_, err := gql.do(ctx, `mutation($e: ID!, $n: String!) { startRun(input: {experimentId: $e, name: $n}) { run { id } } }`,
				map[string]any{"e": exps[n%len(exps)], "n": strconv.Itoa(n)})
			wmu.Lock()
			defer wmu.Unlock()
			if err != nil {
				if writeErrs == 0 {
					firstWriteErr = err
				}
				writeErrs++
				return
			}
			writeLat = append(writeLat, time.Since(t0))
		})
	}
	tick.Stop()
	wwg.Wait()
	want := int64(written-writeErrs) * int64(*subscribers)
	if *fanout == "project" {
		want = int64(written-writeErrs) * int64(*subscribers) / int64(len(keys))
	}
	drain := time.Now().Add(10 * time.Second)
	for received.Load() < want && time.Now().Before(drain) {
		time.Sleep(100 * time.Millisecond)
	}
	close(rssStop)
	<-rssDone
	stopSubs()
	wg.Wait()

	slices.Sort(latencies)
	slices.Sort(writeLat)
	pct := func(ds []time.Duration, p float64) string {
		if len(ds) == 0 {
			return "n/a"
		}
		return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(100 * time.Microsecond).String()
	}
	fmt.Printf("machine: %d cores, Go %s; server, Neo4j and %d subscribers on the same machine\n", runtime.NumCPU(), runtime.Version(), *subscribers)
	fmt.Printf("subscribers %d (fan-out: %s, %d projects), %d events written at %d/s for %s (%d write errors, %d subscriber failures)\n",
		*subscribers, *fanout, len(keys), written, *rate, *duration, writeErrs, failures.Load())
	if firstWriteErr != nil {
		fmt.Printf("first write error: %v\n", firstWriteErr)
	}
	fmt.Printf("deliveries: %d of %d expected\n", received.Load(), want)
	fmt.Printf("delivery latency from commit: p50 %s, p99 %s, max %s\n", pct(latencies, 0.50), pct(latencies, 0.99), pct(latencies, 1))
	fmt.Printf("startRun latency: p50 %s, p99 %s\n", pct(writeLat, 0.50), pct(writeLat, 0.99))
	fmt.Printf("server RSS: %.0f MiB with %d idle subscribers, peak %.0f MiB while writing\n", float64(idle)/1024, *subscribers, float64(peakRSS.Load())/1024)
	if received.Load() < want {
		return fmt.Errorf("%d deliveries missing", want-received.Load())
	}
	return nil
}

type client struct{ url, token string }

func (c *client) do(ctx context.Context, query string, vars map[string]any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, err
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("GraphQL errors: %s", out.Errors)
	}
	return out.Data, nil
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
