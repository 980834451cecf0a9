package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// load is the clients and what they sent.
type load struct {
	cfg    config
	pool   *pool
	url    string
	tokens []string
	client *http.Client

	mu     sync.Mutex
	runs   [][]*taskRun // per client, in the order they started
	states map[*taskRun]*runState
	// atStart and atEnd, when set, run when measuring starts and ends.
	atStart, atEnd func()
}

// runState is what was sent of a task run and acknowledged.
type runState struct {
	startSent, endSent, startAcked, endAcked bool
}

func httpClient(clients int) *http.Client {
	// Keep-alive connections, one per client, as the Python client's
	// requests session keeps.
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients,
		DisableCompression: true, IdleConnTimeout: time.Minute}}
}

// loadResult is what the clients measured.
type loadResult struct {
	// window is the measured span: from the end of the warm-up to the
	// last acknowledgement of an event sent before the deadline.
	window              time.Duration
	inWindow            int // events acknowledged in the window
	lat                 []time.Duration
	buckets             []int // acknowledgements per 5 s from the start
	errors              map[string]int
	duplicates          int // answered duplicate=true during the load (must be 0)
	acked, attempted    int64
	runs                int
	drainEvents         int
	drain               time.Duration
	cpu                 map[string]time.Duration
	machineCPU, elapsed time.Duration
}

type sendResult struct {
	at        time.Time // when the request was sent
	lat       time.Duration
	ok, dup   bool
	errorKind string
}

// post sends one event and waits for its acknowledgement.
func (l *load) post(ctx context.Context, token string, body []byte) sendResult {
	var enc string
	if l.cfg.gzip {
		body, enc = gzipped(body), "gzip"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return sendResult{errorKind: "request: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	r := sendResult{at: time.Now()}
	resp, err := l.client.Do(req)
	if err != nil {
		r.lat = time.Since(r.at)
		r.errorKind = "transport: " + err.Error()
		return r
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r.lat = time.Since(r.at)
	if err != nil {
		r.errorKind = "read: " + err.Error()
		return r
	}
	if resp.StatusCode != http.StatusCreated {
		msg := string(b)
		if len(msg) > 120 {
			msg = msg[:120]
		}
		r.errorKind = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, msg)
		return r
	}
	var ack struct {
		Duplicate bool   `json:"duplicate"`
		Status    string `json:"status"`
		RunID     string `json:"runId"`
	}
	// An event applied names its run; a recorded one is applied later,
	// and a duplicate's acknowledgement names no run: the event changed
	// nothing.
	if err := json.Unmarshal(b, &ack); err != nil ||
		(!ack.Duplicate && !(ack.Status == "recorded" || ack.Status == "applied" && ack.RunID != "")) {
		r.errorKind = "bad acknowledgement: " + string(b)
		return r
	}
	r.ok, r.dup = true, ack.Duplicate
	return r
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	// Python's gzip.compress, which the client's HTTP transport uses,
	// compresses at level 9.
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// run lets the clients send for the warm-up and the measured duration,
// then complete the runs they left open, and returns what they measured.
// cpu names the processes whose CPU time is reported over the window.
func (l *load) run(ctx context.Context, cpu map[string]int) *loadResult {
	start := time.Now()
	measureFrom := start.Add(l.cfg.warmup)
	deadline := measureFrom.Add(l.cfg.duration)
	l.runs = make([][]*taskRun, l.cfg.clients)
	type clientOut struct {
		results          []sendResult
		drained          int
		drainedAt        time.Time
		states           map[*taskRun]*runState
		errors           map[string]int
		attempted, acked int64
		duplicates       int
	}
	outs := make([]clientOut, l.cfg.clients)
	// The CPU each process used is read when measuring starts and when
	// it ends; measured is closed once both are read.
	var cpuStart, cpuEnd map[string]time.Duration
	var machineStart, machineEnd time.Duration
	measured := make(chan struct{})
	go func() {
		defer close(measured)
		snapshot := func() (map[string]time.Duration, time.Duration) {
			m := map[string]time.Duration{}
			for name, pid := range cpu {
				m[name] = cpuTime(pid)
			}
			return m, machineBusy()
		}
		time.Sleep(time.Until(measureFrom))
		cpuStart, machineStart = snapshot()
		if l.atStart != nil {
			l.atStart()
		}
		time.Sleep(time.Until(deadline))
		cpuEnd, machineEnd = snapshot()
		if l.atEnd != nil {
			l.atEnd()
		}
	}()
	var wg sync.WaitGroup
	for i := range l.cfg.clients {
		wg.Go(func() {
			o := &outs[i]
			o.states, o.errors = map[*taskRun]*runState{}, map[string]int{}
			c := newProducer(l.pool, l.cfg.seed*1000+uint64(i), l.cfg.inflight)
			send := func(finish bool) sendResult {
				r, complete := c.next(time.Now(), finish)
				st := o.states[r]
				if st == nil {
					st = &runState{}
					o.states[r] = st
					l.mu.Lock()
					l.runs[i] = append(l.runs[i], r)
					l.mu.Unlock()
				}
				res := l.post(ctx, l.tokens[i], l.pool.event(r, complete))
				o.attempted++
				if complete {
					st.endSent = true
				} else {
					st.startSent = true
				}
				if res.ok {
					o.acked++
					if complete {
						st.endAcked = true
					} else {
						st.startAcked = true
					}
					if res.dup {
						o.duplicates++
					}
				} else {
					o.errors[res.errorKind]++
				}
				return res
			}
			for time.Now().Before(deadline) {
				o.results = append(o.results, send(false))
			}
			// The runs still open are completed, unmeasured, so that every
			// run sent ends FINISHED.
			for len(c.inflight) > 0 {
				send(true)
				o.drained++
			}
			o.drainedAt = time.Now()
		})
	}
	wg.Wait()
	<-measured

	res := &loadResult{errors: map[string]int{}, cpu: map[string]time.Duration{}}
	var lastAck time.Time
	var drainedAt time.Time
	for _, o := range outs {
		for _, r := range o.results {
			if !r.ok {
				continue
			}
			ack := r.at.Add(r.lat)
			if b := int(ack.Sub(start) / (5 * time.Second)); b >= 0 {
				for len(res.buckets) <= b {
					res.buckets = append(res.buckets, 0)
				}
				res.buckets[b]++
			}
			if !r.at.Before(measureFrom) {
				res.inWindow++
				res.lat = append(res.lat, r.lat)
				if ack.After(lastAck) {
					lastAck = ack
				}
			}
		}
		for k, n := range o.errors {
			res.errors[k] += n
		}
		res.duplicates += o.duplicates
		res.acked += o.acked
		res.attempted += o.attempted
		res.runs += len(o.states)
		res.drainEvents += o.drained
		if o.drainedAt.After(drainedAt) {
			drainedAt = o.drainedAt
		}
	}
	res.window = lastAck.Sub(measureFrom)
	res.drain = drainedAt.Sub(lastAck)
	slices.Sort(res.lat)
	for name := range cpu {
		res.cpu[name] = cpuEnd[name] - cpuStart[name]
	}
	res.machineCPU, res.elapsed = machineEnd-machineStart, l.cfg.duration
	l.mu.Lock()
	defer l.mu.Unlock()
	l.states = map[*taskRun]*runState{}
	for _, o := range outs {
		for r, st := range o.states {
			l.states[r] = st
		}
	}
	return res
}

func pct(ds []time.Duration, p float64) string {
	if len(ds) == 0 {
		return "n/a"
	}
	return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(100 * time.Microsecond).String()
}

func (r *loadResult) report(w io.Writer, cfg config) {
	rate := float64(r.inWindow) / r.window.Seconds()
	fmt.Fprintf(w, "\n%d events acknowledged in %s after a %s warm-up: %.0f events/s sustained (%d clients)\n",
		r.inWindow, r.window.Round(time.Millisecond), cfg.warmup, rate, cfg.clients)
	fmt.Fprintf(w, "acknowledgement latency (client-side, per request): p50 %s, p95 %s, p99 %s, max %s\n",
		pct(r.lat, 0.50), pct(r.lat, 0.95), pct(r.lat, 0.99), pct(r.lat, 1))
	per := make([]string, len(r.buckets))
	for i, n := range r.buckets {
		per[i] = fmt.Sprint(n / 5)
	}
	fmt.Fprintf(w, "events/s per 5 s from the start (warm-up included): %s\n", strings.Join(per, " "))
	fmt.Fprintf(w, "in all: %d task runs, %d events sent, %d acknowledged (%d of them completing open runs after the deadline, in %s), %d answered duplicate\n",
		r.runs, r.attempted, r.acked, r.drainEvents, r.drain.Round(time.Millisecond), r.duplicates)
	if len(r.errors) == 0 {
		fmt.Fprintln(w, "errors: none")
	} else {
		keys := make([]string, 0, len(r.errors))
		for k := range r.errors {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return r.errors[keys[i]] > r.errors[keys[j]] })
		fmt.Fprintln(w, "errors:")
		for _, k := range keys {
			fmt.Fprintf(w, "  %6d  %s\n", r.errors[k], k)
		}
	}
	names := make([]string, 0, len(r.cpu))
	for n := range r.cpu {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names)+1)
	var ours time.Duration
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %.2f", n, r.cpu[n].Seconds()/r.elapsed.Seconds()))
		ours += r.cpu[n]
	}
	parts = append(parts, fmt.Sprintf("everything else on the machine %.2f", (r.machineCPU-ours).Seconds()/r.elapsed.Seconds()))
	fmt.Fprintf(w, "CPU over the measured %s, in cores: %s\n", r.elapsed, strings.Join(parts, ", "))
	if rate > 0 {
		us := func(d time.Duration) float64 { return float64(d.Microseconds()) / (rate * r.elapsed.Seconds()) }
		per := make([]string, 0, len(names))
		for _, n := range names {
			per = append(per, fmt.Sprintf("%s %.1f ms", n, us(r.cpu[n])/1000))
		}
		fmt.Fprintf(w, "CPU per event acknowledged: %s\n", strings.Join(per, ", "))
	}
}

// allRuns returns every task run the clients started.
func (l *load) allRuns() []*taskRunWithState {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*taskRunWithState
	for _, rs := range l.runs {
		for _, r := range rs {
			out = append(out, &taskRunWithState{r, l.states[r]})
		}
	}
	return out
}

type taskRunWithState struct {
	*taskRun
	*runState
}

type resendResult struct {
	sent, duplicates, fresh, errors int
	errorKinds                      map[string]int
	lat                             []time.Duration
}

// resend sends a sample of the acknowledged events again, from as many
// clients as the load had.
func (l *load) resend(ctx context.Context) resendResult {
	type item struct {
		r        *taskRun
		complete bool
	}
	var items []item
	for _, r := range l.allRuns() {
		if r.startAcked {
			items = append(items, item{r.taskRun, false})
		}
		if r.endAcked {
			items = append(items, item{r.taskRun, true})
		}
	}
	rng := rand.New(rand.NewPCG(l.cfg.seed, 0x5e2d))
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	items = items[:min(len(items), l.cfg.resend)]
	var mu sync.Mutex
	out := resendResult{errorKinds: map[string]int{}}
	next := make(chan item)
	var wg sync.WaitGroup
	for i := range l.cfg.clients {
		wg.Go(func() {
			for it := range next {
				res := l.post(ctx, l.tokens[i], l.pool.event(it.r, it.complete))
				mu.Lock()
				out.sent++
				switch {
				case !res.ok:
					out.errors++
					out.errorKinds[res.errorKind]++
				case res.dup:
					out.duplicates++
				default:
					out.fresh++
				}
				out.lat = append(out.lat, res.lat)
				mu.Unlock()
			}
		})
	}
	for _, it := range items {
		next <- it
	}
	close(next)
	wg.Wait()
	slices.Sort(out.lat)
	return out
}
