package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/store"
)

// Options configure a Dispatcher. Zero values take the defaults.
type Options struct {
	// Allow is where receivers may be; a receiver it no longer admits is
	// parked with that reason.
	Allow *datasource.Allowlist
	// ProjectKeys limits delivery to these projects' receivers; none:
	// every project's.
	ProjectKeys []string
	// MaxAttempts is how many times an event is tried before its
	// receiver is parked (default 20: with the default backoff, a
	// receiver down for two and a half hours misses nothing).
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled after each
	// next one up to MaxBackoff (defaults 5s and 10m), with ±20 % jitter.
	Backoff, MaxBackoff time.Duration
	// Timeout bounds one attempt (default 10s).
	Timeout time.Duration
	// Lease is how long a receiver stays with a deliverer that stopped
	// answering (default 2×Timeout+10s).
	Lease time.Duration
	// Poll is how often the store is looked at for receivers with events
	// (default 1s); Wake looks at once.
	Poll time.Duration
	// Concurrency is how many receivers are delivered to at once
	// (default 4).
	Concurrency int
	// Seal opens the signing secrets stored sealed (nil: none are); a
	// receiver whose secret cannot be opened is parked with that reason.
	Seal *Sealer
	// Client sends the deliveries; it must not follow redirects (default:
	// a client that does not).
	Client   *http.Client
	Logger   *slog.Logger
	Observer Observer
	// Owner names this deliverer in leases (default host name and a
	// random suffix).
	Owner string
}

// Observer is told of every attempt: outcome is delivered, failed or
// parked.
type Observer interface {
	WebhookAttempt(outcome string, took time.Duration)
}

func (o Options) withDefaults() Options {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 20
	}
	if o.Backoff <= 0 {
		o.Backoff = 5 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Minute
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 2*o.Timeout + 10*time.Second
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Client == nil {
		o.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		o.Owner = host + "-" + hex.EncodeToString(b)
	}
	return o
}

// Dispatcher delivers every project's events to its receivers. Any number
// of replicas may run one: a receiver is leased to one at a time.
type Dispatcher struct {
	store *store.Store
	o     Options
	wake  chan struct{}
	mu    sync.Mutex
	busy  int
}

// NewDispatcher returns a dispatcher; Run starts it.
func NewDispatcher(st *store.Store, o Options) *Dispatcher {
	return &Dispatcher{store: st, o: o.withDefaults(), wake: make(chan struct{}, 1)}
}

// Wake makes the dispatcher look for events at once (call it when the
// log moved).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// pageSize is how many events of a receiver are read at once.
const pageSize = 100

// Run delivers until ctx ends, then waits for the deliveries in flight,
// which a cancelled context cuts short (their events are sent again by
// whoever holds the receiver next).
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	done := make(chan struct{}, d.o.Concurrency)
	tick := time.NewTicker(d.o.Poll)
	defer tick.Stop()
	for {
		d.mu.Lock()
		free := d.o.Concurrency - d.busy
		d.mu.Unlock()
		if free > 0 {
			claims, err := d.store.ClaimWebhooks(ctx, d.o.Owner, d.o.ProjectKeys, d.o.Lease, free)
			if err != nil && ctx.Err() == nil {
				d.o.Logger.Warn("webhooks: looking for receivers with events failed", "err", err)
			}
			for _, c := range claims {
				d.mu.Lock()
				d.busy++
				d.mu.Unlock()
				wg.Go(func() {
					defer func() {
						d.mu.Lock()
						d.busy--
						d.mu.Unlock()
						done <- struct{}{}
					}()
					d.deliver(ctx, c)
				})
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-tick.C:
		case <-done:
		}
	}
}

// deliver sends a claimed receiver's events in order until none is left,
// one fails, ctx ends, or it has had its turn (a page begun after
// Timeout is not).
func (d *Dispatcher) deliver(ctx context.Context, c *store.WebhookClaim) {
	w, began := c.Webhook, time.Now()
	release := func() {
		// Given up even when ctx ended, so another replica need not wait
		// for the lease to run out.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := d.store.ReleaseWebhook(rctx, c); err != nil {
			d.o.Logger.Warn("webhooks: releasing a receiver failed", "webhook", w.ID, "err", err)
		}
	}
	for {
		page, err := d.store.WebhookEvents(ctx, w, pageSize)
		if err != nil {
			if ctx.Err() == nil {
				d.o.Logger.Warn("webhooks: reading a receiver's events failed", "webhook", w.ID, "err", err)
			}
			release()
			return
		}
		pos := page.From
		for _, e := range page.Events {
			start := time.Now()
			status, err := d.send(ctx, c, e, w.Attempts+1)
			if ctx.Err() != nil {
				// Stopping: not the receiver's failure.
				release()
				return
			}
			if err != nil {
				d.failed(ctx, c, pos, status, err, time.Since(start))
				return
			}
			if err := d.store.WebhookDelivered(ctx, c, pos, e.Seq, status, d.o.Lease); err != nil {
				d.o.Logger.Warn("webhooks: recording a delivery failed; it will be sent again", "webhook", w.ID, "seq", e.Seq, "err", err)
				release()
				return
			}
			d.observe("delivered", time.Since(start))
			pos, w.Attempts = e.Seq, 0
		}
		if page.Through > pos {
			if err := d.store.WebhookDelivered(ctx, c, pos, page.Through, 0, d.o.Lease); err != nil {
				release()
				return
			}
			pos = page.Through
		}
		w.Position = pos
		if !page.More || time.Since(began) > d.o.Timeout {
			// A receiver with more to take waits its turn behind the
			// others (claims go to the longest unattended first), so a
			// busy or slow one does not keep a slot from them.
			release()
			if page.More {
				d.Wake()
			}
			return
		}
	}
}

// failed records a failed attempt: the next after a backoff, or the
// receiver parked after the last.
func (d *Dispatcher) failed(ctx context.Context, c *store.WebhookClaim, from int64, status int, cause error, took time.Duration) {
	attempt := c.Webhook.Attempts + 1
	f := store.WebhookFailure{Status: status, Reason: cause.Error(), Park: attempt >= d.o.MaxAttempts || errors.Is(cause, errRefused),
		RetryIn: d.backoff(attempt)}
	outcome := "failed"
	if f.Park {
		outcome = "parked"
		f.Reason = fmt.Sprintf("parked after %d attempts: %s", attempt, f.Reason)
	}
	d.observe(outcome, took)
	d.o.Logger.Warn("webhooks: delivery failed", "webhook", c.Webhook.ID, "seq", from+1, "attempt", attempt, "parked", f.Park, "err", cause)
	if err := d.store.WebhookFailed(ctx, c, from, f); err != nil {
		d.o.Logger.Warn("webhooks: recording a failed delivery failed", "webhook", c.Webhook.ID, "err", err)
	}
}

// backoff is the wait after the attempt-th failure.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	b := float64(d.o.Backoff) * math.Pow(2, float64(attempt-1))
	if b > float64(d.o.MaxBackoff) || math.IsInf(b, 0) {
		b = float64(d.o.MaxBackoff)
	}
	return time.Duration(b * (0.8 + 0.4*mrand.Float64()))
}

func (d *Dispatcher) observe(outcome string, took time.Duration) {
	if d.o.Observer != nil {
		d.o.Observer.WebhookAttempt(outcome, took)
	}
}

// errRefused is a receiver the allowlist no longer admits.
var errRefused = errors.New("refused")

// Message is the JSON body of a delivery.
type Message struct {
	// Type is the first of the receiver's topics the event belongs to;
	// Topics all of them.
	Type   store.WebhookTopic   `json:"type"`
	Topics []store.WebhookTopic `json:"topics"`
	// Timestamp is when the event happened.
	Timestamp time.Time `json:"timestamp"`
	WebhookID string    `json:"webhookId"`
	Data      LogEvent  `json:"data"`
}

// LogEvent is an event of the log as its project's readers see it; with
// disclosures it verifies as the GraphQL Event does.
type LogEvent struct {
	Seq         int64                  `json:"seq"`
	At          string                 `json:"at"`
	Actor       string                 `json:"actor"`
	ProjectKey  string                 `json:"projectKey"`
	Kind        store.EventKind        `json:"kind"`
	TargetID    string                 `json:"targetId"`
	Payload     map[string]any         `json:"payload"`
	Disclosures []hashchain.Disclosure `json:"disclosures"`
	PrevHash    string                 `json:"prevHash"`
	Hash        string                 `json:"hash"`
}

// MessageID is a delivery's webhook-id: the same for every attempt at an
// event, so receivers can drop what they already have.
func MessageID(seq int64) string { return "log-" + strconv.FormatInt(seq, 10) }

// body builds a delivery's JSON.
func body(w *store.Webhook, e *store.Event) ([]byte, error) {
	topics := store.TopicsOf(w.Topics, e)
	ds := make([]hashchain.Disclosure, len(e.Disclosures))
	for i, x := range e.Disclosures {
		ds[i] = x.Disclosure
	}
	m := Message{Type: topics[0], Topics: topics, Timestamp: e.At, WebhookID: w.ID, Data: LogEvent{Seq: e.Seq,
		At: hashchain.FormatTime(e.At), Actor: e.Actor, ProjectKey: e.ProjectKey, Kind: e.Kind, TargetID: e.TargetID,
		Payload: e.Payload, Disclosures: ds, PrevHash: e.PrevHash, Hash: e.Hash}}
	return json.Marshal(m)
}

// maxReason is how much of a refusing receiver's answer is kept.
const maxReason = 200

// send makes one attempt: the receiver's HTTP status, and an error unless
// it was 2xx.
func (d *Dispatcher) send(ctx context.Context, c *store.WebhookClaim, e *store.Event, attempt int) (int, error) {
	w := c.Webhook
	if err := d.o.Allow.Refusing(refusal).Check(w.URL); d.o.Allow.Empty() || err != nil {
		if err == nil {
			err = errors.New("EXPHUB_WEBHOOK_RECEIVERS is empty")
		}
		return 0, fmt.Errorf("%w: %v", errRefused, err)
	}
	b, err := body(w, e)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	id := MessageID(e.Seq)
	secrets := make([]string, len(c.Secrets))
	for i, stored := range c.Secrets {
		if secrets[i], err = d.o.Seal.Open(stored); err != nil {
			return 0, fmt.Errorf("%w: %v", errRefused, err)
		}
	}
	sig, err := Sign(secrets, id, now, b)
	if err != nil {
		return 0, err
	}
	actx, cancel := context.WithTimeout(ctx, d.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, w.URL, strings.NewReader(string(b)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "exphub-webhooks")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	req.Header.Set("Exphub-Log-Seq", strconv.FormatInt(e.Seq, 10))
	req.Header.Set("Exphub-Log-Hash", e.Hash)
	req.Header.Set("Exphub-Attempt", strconv.Itoa(attempt))
	resp, err := d.o.Client.Do(req)
	if err != nil {
		if actx.Err() != nil && ctx.Err() == nil {
			return 0, fmt.Errorf("no answer within %s", d.o.Timeout)
		}
		return 0, err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxReason))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		reason := fmt.Sprintf("the receiver answered %d", resp.StatusCode)
		if s := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "")); s != "" {
			reason += ": " + s
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			reason += " (redirects are not followed)"
		}
		return resp.StatusCode, errors.New(reason)
	}
	return resp.StatusCode, nil
}
