// Running the generated operations: queries over HTTP, subscriptions over
// websockets with marker writes, every answer passed to the oracle.

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/wsclient"
)

// leakBadCodes are refusals of the document itself (the generator wrote
// something the server would not run) and server failures.
var leakBadCodes = []string{"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "COMPLEXITY_LIMIT_EXCEEDED", "INTERNAL"}

func leakBadCode(c string) bool {
	return slices.Contains(leakBadCodes, c) || strings.HasSuffix(c, "_LIMIT_EXCEEDED")
}

// leakResponse is the shape every answer shares.
type leakResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// codes maps each error code of the response to one of its messages.
func (r *leakResponse) codes() map[string]string {
	out := map[string]string{}
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		if c == "" {
			c = "(no code)"
		}
		out[c] = e.Message
	}
	return out
}

// leakRoleSample is how many A-only argument sets of each root field the
// approver and the admin ask (see runLeakQueries).
const leakRoleSample = 5

// runLeakQueries sends the operations, leakWorkers at a time, and checks
// every response. Who asks what: the viewer asks everything. A's auditor
// asks a sample of every field, gated or not. A field whose
// answer to the viewer holds nothing of A (refused, or empty: auditEvents,
// evidencePack, verifyAuditLog) is gated by role: the approver asks all of
// it, and the admin, who reads whatever an approver reads, asks its first
// A-only operation only (some fields are the admin's alone, webhooks; more
// would add nothing but time: verifyAuditLog walks the whole shared log). Every other
// field is read under one rule, a role in the project, so the approver and
// the admin ask a sample of it, which guards that assumption without
// asking everything three times. A first round, the first A-only operation
// of each field as the viewer, finds the gated fields, so their
// operations, the slowest, go first.
func runLeakQueries(t *testing.T, h *hub, ops []*leakOp, readers []leakReader, aStrings []string, o *leakOracle) {
	t.Helper()
	viewer, approver, admin, auditor := readers[0], readers[1], readers[2], readers[3]
	type job struct {
		op *leakOp
		r  leakReader
	}
	var mu sync.Mutex
	var nullA []string
	gated := map[string]bool{}
	probing := true
	run := func(jobs []job) {
		ch := make(chan job)
		var wg sync.WaitGroup
		for range leakWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					where := "Query." + j.op.root
					start := time.Now()
					status, raw, err := leakPost(h.srv.URL, j.r.tok, j.op.doc, j.op.vars)
					if err != nil {
						o.refusedDoc(fmt.Sprintf("%s(%s) as %s: %v", where, j.op.desc, j.r.role, err))
						continue
					}
					o.check(leakCtx{where: where, rootType: j.op.rootType, desc: j.op.desc, role: j.r.role, known: j.op.known}, raw)
					var res leakResponse
					if json.Unmarshal(raw, &res) != nil {
						o.refusedDoc(fmt.Sprintf("%s(%s) as %s: HTTP %d, not JSON: %.300s", where, j.op.desc, j.r.role, status, raw))
						continue
					}
					codes := res.codes()
					for c := range codes {
						if leakBadCode(c) {
							o.refusedDoc(fmt.Sprintf("%s(%s) as %s: HTTP %d %s: %.400s", where, j.op.desc, j.r.role, status, c, raw))
							break
						}
					}
					ok := status == http.StatusOK && len(res.Errors) == 0
					o.tally(where, ok, codes, time.Since(start))
					mu.Lock()
					if probing {
						holdsA := false
						for _, a := range aStrings {
							holdsA = holdsA || bytes.Contains(res.Data["r"], []byte(a))
						}
						gated[j.op.root] = !holdsA
					}
					// Every object of A asked for by ID is there: the oracle
					// is not passing because everything is hidden.
					if j.op.root == "node" && j.op.aOnly && (!ok || string(res.Data["r"]) == "null") {
						nullA = append(nullA, fmt.Sprintf("node(%s) as %s: %.200s", j.op.desc, j.r.role, raw))
					}
					mu.Unlock()
				}
			}()
		}
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
	}

	firstOp := map[string]*leakOp{}
	var probes []job
	for _, op := range ops {
		if op.aOnly && firstOp[op.root] == nil {
			firstOp[op.root] = op
			probes = append(probes, job{op, viewer})
		}
	}
	run(probes)
	probing = false

	var first, rest []job
	sampled := map[string]int{}
	for _, op := range ops {
		switch {
		case gated[op.root]:
			first = append(first, job{op, approver})
			if op.aOnly && sampled[op.root] < leakRoleSample {
				if sampled[op.root] == 0 && op.root != "verifyAuditLog" {
					// Some fields are the admin's alone (webhooks);
					// verifyAuditLog walks the whole shared log, and the
					// approver's calls cover it.
					first = append(first, job{op, admin})
				}
				sampled[op.root]++
				first = append(first, job{op, auditor})
			}
		case op.aOnly && sampled[op.root] < leakRoleSample:
			sampled[op.root]++
			rest = append(rest, job{op, approver}, job{op, admin}, job{op, auditor})
		}
		if firstOp[op.root] != op {
			rest = append(rest, job{op, viewer})
		}
	}
	// Fields with few argument sets first, so that each gated field
	// (verifyAuditLog walks the whole log) starts early.
	count := map[string]int{}
	for _, j := range first {
		count[j.op.root]++
	}
	sort.SliceStable(first, func(i, j int) bool { return count[first[i].op.root] < count[first[j].op.root] })
	run(append(first, rest...))
	var names []string
	for r, g := range gated {
		if g {
			names = append(names, r)
		}
	}
	sort.Strings(names)
	t.Logf("fields gated by role (asked by the approver in full): %v", names)
	for _, n := range nullA {
		t.Errorf("an object of A is not visible to A's reader: %s", n)
	}
}

func leakPost(url, tok, doc string, vars map[string]any) (int, []byte, error) {
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// leakSub is one open subscription.
type leakSub struct {
	op     *leakOp
	role   string
	replay bool
	id     string
	c      *wsclient.Client

	msgs, events int
	lastSeq      int64
	seqs         []int64
	ended        bool   // error or complete
	endMsg       string // why
	bad          bool
}

// runLeakSubscriptions opens every generated subscription as every reader,
// from the start of the log and live, makes marker writes until each has
// delivered an event written after the markers began (or ended), and
// checks every message.
func runLeakSubscriptions(t *testing.T, h *hub, f *leakFixture, ops []*leakOp, readers []leakReader, o *leakOracle) {
	t.Helper()
	var mu sync.Mutex
	var markerSeq int64 = math.MaxInt64 // seq of the first marker event
	notify := make(chan struct{}, 1)
	var subs []*leakSub
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	var clients []*wsclient.Client
	defer func() {
		// Stop every subscription and close each connection normally, so
		// the server ends them as a client that leaves would.
		for _, s := range subs {
			_ = s.c.Stop(ctx, s.id)
		}
		for _, c := range clients {
			_ = c.Close()
		}
		cancel()
		wg.Wait()
	}()

	for _, r := range readers {
		c := dial(t, h, r.tok)
		clients = append(clients, c)
		byID := map[string]*leakSub{}
		n := 0
		for _, op := range ops {
			for _, replay := range []bool{true, false} {
				n++
				s := &leakSub{op: op, role: r.role, replay: replay, id: strconv.Itoa(n), c: c}
				vars := maps(op.vars)
				if replay {
					vars["after"] = "0"
				}
				if err := c.Subscribe(ctx, s.id, op.doc, vars); err != nil {
					t.Fatalf("subscribe %s: %v", op.root, err)
				}
				byID[s.id] = s
				subs = append(subs, s)
			}
		}
		wg.Add(1)
		go func(c *wsclient.Client, role string) {
			defer wg.Done()
			for {
				m, err := c.Next(ctx)
				if err != nil {
					return
				}
				mu.Lock()
				s := byID[m.ID]
				mu.Unlock()
				if s == nil {
					continue
				}
				where := "Subscription." + s.op.root
				mode := "live"
				if s.replay {
					mode = "replay"
				}
				o.check(leakCtx{where: where + " (" + mode + ")", rootType: s.op.rootType, desc: s.op.desc, role: role, known: s.op.known}, m.Payload)
				var d struct {
					Data   map[string]map[string]any `json:"data"`
					Errors []struct {
						Message    string         `json:"message"`
						Extensions map[string]any `json:"extensions"`
					} `json:"errors"`
				}
				_ = json.Unmarshal(m.Payload, &d)
				mu.Lock()
				s.msgs++
				switch m.Type {
				case "next":
					if len(d.Errors) == 0 {
						s.events++
					} else {
						for _, e := range d.Errors {
							c, _ := e.Extensions["code"].(string)
							s.bad = s.bad || leakBadCode(c)
						}
					}
					if ev := d.Data["r"]; ev != nil {
						if seq, ok := ev["seq"].(float64); ok {
							s.lastSeq = int64(seq)
							s.seqs = append(s.seqs, int64(seq))
						} else if markerSeq != math.MaxInt64 {
							s.lastSeq = math.MaxInt64 // no seq selected: any event after the markers began
						}
					}
				case "error", "complete":
					s.ended, s.endMsg = true, m.Type+" "+string(m.Payload)
					var errs []map[string]any
					if json.Unmarshal(m.Payload, &errs) == nil {
						for _, e := range errs {
							ext, _ := e["extensions"].(map[string]any)
							c, _ := ext["code"].(string)
							s.bad = s.bad || leakBadCode(c)
						}
					}
				}
				mu.Unlock()
				select {
				case notify <- struct{}{}:
				default:
				}
			}
		}(c, r.role)
	}

	caughtUp := func() []*leakSub {
		mu.Lock()
		defer mu.Unlock()
		var out []*leakSub
		for _, s := range subs {
			if !s.ended && s.lastSeq < markerSeq {
				out = append(out, s)
			}
		}
		return out
	}
	head := func() int64 {
		rows := must(neo4jQuery(t, `MATCH (h:EventLog {name: 'main'}) RETURN h.seq AS seq`, nil)).of(t)
		return rows[0]["seq"].(int64)
	}
	mu.Lock()
	markerSeq = head() + 1
	mu.Unlock()
	t.Logf("event log head before the markers: %d", markerSeq-1)
	for round := 0; ; round++ {
		if round == leakLiveRounds {
			for _, s := range caughtUp() {
				t.Errorf("subscription %s(%s) as %s (replay %v) never delivered an event after %d rounds of marker writes (last seq %d, %d messages): "+
					"extend leakMarkers so that a write matches it", s.op.root, s.op.desc, s.role, s.replay, leakLiveRounds, s.lastSeq, s.msgs)
			}
			break
		}
		t.Logf("marker writes, round %d: %d subscriptions still to catch up", round, len(caughtUp()))
		leakMarkers(t, f, round)
		// Wait while messages keep coming (a replay of the whole log takes
		// a while under load); a round of markers more only when nothing
		// came for leakQuiet: a live subscription that started after this
		// round's writes needs the next.
		for len(caughtUp()) > 0 {
			quiet := false
			select {
			case <-notify:
			case <-time.After(leakQuiet):
				quiet = true
			}
			if quiet {
				break
			}
		}
		if len(caughtUp()) == 0 {
			break
		}
	}

	// The replay of the whole log, unfiltered, delivered every event of
	// A before the markers, in order.
	want := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $a}) WHERE e.seq < $m RETURN count(e) AS n`, map[string]any{"a": f.a, "m": markerSeq})
	mu.Lock()
	defer mu.Unlock()
	for _, s := range subs {
		where := "Subscription." + s.op.root
		codes := map[string]string{}
		if s.ended && s.events == 0 {
			codes["ended"] = s.endMsg
		}
		o.tally(where, s.events > 0, codes, 0)
		if s.bad {
			o.refusedDoc(fmt.Sprintf("%s(%s) as %s: %s", where, s.op.desc, s.role, s.endMsg))
		}
		if s.op.root == "events" && s.replay && len(s.op.vars) == 0 {
			got := 0
			for i, q := range s.seqs {
				if i > 0 && q <= s.seqs[i-1] {
					t.Errorf("events replay as %s: seq %d after %d", s.role, q, s.seqs[i-1])
				}
				if q < markerSeq {
					got++
				}
			}
			if int64(got) != want {
				t.Errorf("events replay as %s delivered %d of A's %d events before the markers", s.role, got, want)
			}
		}
	}
}

// leakMarkers writes, as A's writer, one event for each kind of
// subscription: first another cross-project link (an H version read by
// A's run, the live part of the oracle), a run started in every
// experiment of A, a validation result on a version of every dataset of
// A, and a promotion request on a new version of A's model trained by H's
// run.
func leakMarkers(t *testing.T, f *leakFixture, round int) {
	t.Helper()
	f.do(t, f.aw, leakInputs, map[string]any{"r": f.aRun, "v": []string{f.hLive[round]}}, nil)
	pools := loadLeakPools(t, f)
	for _, e := range pools.expsOfA {
		f.do(t, f.aw, leakStartRun, map[string]any{"e": e, "n": fmt.Sprintf("a-marker%d-%s", round, f.am)}, nil)
	}
	for _, v := range pools.dsOfA {
		f.do(t, f.aw, leakRecordResult, map[string]any{"v": v, "s": "a-marker-" + f.am, "r": `{"success": true, "results": []}`}, nil)
	}
	var mv struct {
		RegisterModelVersion struct{ ModelVersion struct{ ID string } }
	}
	f.do(t, f.aw, leakRegisterMV, map[string]any{"k": f.a, "n": "a-marker-model-" + f.am, "r": f.hRun, "u": "s3://models-" + f.am + "/marker"}, &mv)
	f.do(t, f.aw, leakRequest, map[string]any{"mv": mv.RegisterModelVersion.ModelVersion.ID, "s": "STAGING", "j": "a-marker-" + f.am}, nil)
}
