// Command abuse measures what one hostile caller can do to the others: it
// starts the hub's server as a child process, once with its default limits
// and once with every GraphQL and per-caller limit lifted, and in each
// measures a victim's latency on an ordinary query (20 a second), first
// alone and then while an attacker sends alias fan-outs (many root fields
// that each reach the database) as fast as it can from several connections
// with one token.
//
//	go run ./bench/abuse [--neo4j-uri bolt://127.0.0.1:7689] [--duration 20s] [--attackers 8]
//
// bench/README.md has the latest figures.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exphub/exphub/bench/benchserver"
	"github.com/exphub/exphub/internal/auth"
)

const secret = "bench-abuse-secret-0123456789abcdef"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/abuse:", err)
		os.Exit(1)
	}
}

// unbounded lifts every limit the hub applies to one operation or caller.
var unbounded = []string{"EXPHUB_COMPLEXITY_LIMIT=2000000000", "EXPHUB_GRAPHQL_MAX_TOKENS=1000000", "EXPHUB_GRAPHQL_MAX_DEPTH=1000",
	"EXPHUB_GRAPHQL_MAX_SELECTIONS=1000000", "EXPHUB_GRAPHQL_MAX_REPEATS=100000", "EXPHUB_GRAPHQL_MAX_OBJECTS=100000000", "EXPHUB_CALLER_CONCURRENCY=10000",
	"EXPHUB_CALLER_RATE=1000000", "EXPHUB_CALLER_BURST=1000000", "EXPHUB_CALLER_COST_RATE=1000000000000", "EXPHUB_CALLER_COST_BURST=1000000000", "EXPHUB_OPERATION_DB_CONCURRENCY=100"}

func run() error {
	uri := flag.String("neo4j-uri", "bolt://127.0.0.1:7689", "Neo4j Bolt URI")
	duration := flag.Duration("duration", 20*time.Second, "how long each phase lasts")
	attackers := flag.Int("attackers", 8, "attacking connections, all with one token")
	aliases := flag.Int("aliases", 10_000, "root fields per attacking request when the limits are lifted")
	flag.Parse()

	dir, err := os.MkdirTemp("", "exphub-bench-abuse")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := benchserver.Build(dir)
	if err != nil {
		return err
	}
	fmt.Printf("%-8s %-10s %8s %8s %8s %9s %9s %9s\n", "limits", "phase", "p50", "p99", "max", "victim ok", "attacks", "refused")
	for _, mode := range []struct {
		name string
		env  []string
		n    int
	}{{"default", nil, 400}, {"lifted", unbounded, *aliases}} {
		if err := measure(bin, *uri, mode.name, mode.env, mode.n, *attackers, *duration); err != nil {
			return fmt.Errorf("%s limits: %w", mode.name, err)
		}
	}
	return nil
}

func measure(bin, uri, mode string, env []string, aliases, attackers int, d time.Duration) error {
	srv, err := benchserver.Start(bin, uri, io.Discard, append([]string{"EXPHUB_JWT_SECRET=" + secret, "EXPHUB_LOG_LEVEL=error"}, env...)...)
	if err != nil {
		return err
	}
	defer srv.Stop()
	base := srv.Base + "/graphql"
	key := fmt.Sprintf("bench-abuse-%d", time.Now().UnixNano()%1_000_000)
	admin := mint("bench-admin", map[string]auth.Role{"*": auth.RoleAdmin})
	ctx := context.Background()
	if _, err := post(ctx, base, admin, `mutation($k: String!) { createProject(input: {key: $k, name: $k}) { project { key } } }`, map[string]any{"k": key}); err != nil {
		return err
	}
	for i := range 20 {
		if _, err := post(ctx, base, admin, `mutation($k: String!, $n: String!) { createExperiment(input: {projectKey: $k, name: $n}) { experiment { id } } }`,
			map[string]any{"k": key, "n": fmt.Sprintf("e%02d", i)}); err != nil {
			return err
		}
	}
	victim := mint("victim", map[string]auth.Role{key: auth.RoleViewer})
	attacker := mint("attacker", map[string]auth.Role{key: auth.RoleViewer})
	var attack strings.Builder
	attack.WriteString("query($k: String!) {")
	for i := range aliases {
		fmt.Fprintf(&attack, " a%d: policy(projectKey: $k) { version }", i)
	}
	attack.WriteString(" }")

	phase := func(name string, attacking bool) error {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		var sent, refused atomic.Int64
		var wg sync.WaitGroup
		if attacking {
			for range attackers {
				wg.Go(func() {
					for ctx.Err() == nil {
						status, err := post(ctx, base, attacker, attack.String(), map[string]any{"k": key})
						sent.Add(1)
						if err != nil || status != http.StatusOK {
							refused.Add(1)
							if status == http.StatusTooManyRequests {
								// A polite client would wait Retry-After; a hostile one
								// does not, which is what is measured.
								continue
							}
						}
					}
				})
			}
		}
		// The victim is an ordinary client: 20 requests a second, well
		// within its own limits.
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var lat []time.Duration
		ok := 0
		for ctx.Err() == nil {
			select {
			case <-tick.C:
			case <-ctx.Done():
				continue
			}
			t0 := time.Now()
			status, err := post(ctx, base, victim, `query($k: String!) { experiments(projectKey: $k, first: 20) { totalCount edges { node { id name } } } }`,
				map[string]any{"k": key})
			if ctx.Err() != nil {
				break
			}
			lat = append(lat, time.Since(t0))
			if err == nil && status == http.StatusOK {
				ok++
			}
		}
		wg.Wait()
		slices.Sort(lat)
		pct := func(p float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(100 * time.Microsecond)
		}
		fmt.Printf("%-8s %-10s %8s %8s %8s %5d/%-3d %9d %9d\n", mode, name, pct(0.5), pct(0.99), pct(1), ok, len(lat), sent.Load(), refused.Load())
		return nil
	}
	if err := phase("alone", false); err != nil {
		return err
	}
	return phase("attacked", true)
}

func mint(sub string, roles map[string]auth.Role) string {
	tok, err := auth.NewDevToken([]byte(secret), sub, roles, 2*time.Hour, time.Now())
	if err != nil {
		panic(err)
	}
	return tok
}

// post sends one operation; it returns the HTTP status, and an error when
// the request failed or the answer carries errors.
func post(ctx context.Context, url, token, query string, vars map[string]any) (int, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return resp.StatusCode, err
	}
	if len(out.Errors) > 0 {
		return resp.StatusCode, errors.New(out.Errors[0].Message)
	}
	return resp.StatusCode, nil
}
