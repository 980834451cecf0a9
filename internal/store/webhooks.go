package store

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
)

// Webhooks are HTTP receivers of a project's events. Each keeps its
// position in the event log: the deliverer reads the receiver's events
// after it, in log order, and moves it past each event the receiver
// acknowledged, so a restart resumes where delivery stopped. Only one
// deliverer at a time holds a receiver (a lease on its node), which keeps
// its deliveries in order across replicas; a deliverer that dies leaves
// the lease to expire and its last delivery is sent again (at least once).
//
//	(:Webhook {id, projectKey, url, topics, position, state, ...})

// WebhookTopic is what a receiver subscribes to: a kind of change, made
// of one or more kinds of log events.
type WebhookTopic string

// The topics.
const (
	// TopicPromotionDecided: a promotion request was carried out
	// (PROMOTION_COMPLETED) or rejected (PROMOTION_REJECTED).
	TopicPromotionDecided WebhookTopic = "PROMOTION_DECIDED"
	// TopicModelInProduction: a model version moved to PRODUCTION
	// (MODEL_STAGE_CHANGED with stage PRODUCTION).
	TopicModelInProduction WebhookTopic = "MODEL_IN_PRODUCTION"
	// TopicValidationFailed: a validation run ended FAILED or ERROR
	// (VALIDATION_COMPLETED).
	TopicValidationFailed WebhookTopic = "VALIDATION_FAILED"
	// TopicDatasetVersionRegistered: DATASET_VERSION_REGISTERED.
	TopicDatasetVersionRegistered WebhookTopic = "DATASET_VERSION_REGISTERED"
	// TopicEvidencePackReady: a promotion request closed (completed,
	// rejected or cancelled), so its evidence pack is final.
	TopicEvidencePackReady WebhookTopic = "EVIDENCE_PACK_READY"
)

// WebhookTopics lists every topic, in the order a delivery's type is
// chosen when an event belongs to several.
var WebhookTopics = []WebhookTopic{TopicPromotionDecided, TopicModelInProduction, TopicValidationFailed,
	TopicDatasetVersionRegistered, TopicEvidencePackReady}

// kinds are the log events a topic is made of (some only when their
// payload says so, see Matches).
func (t WebhookTopic) kinds() []EventKind {
	switch t {
	case TopicPromotionDecided:
		return []EventKind{EventPromotionCompleted, EventPromotionRejected}
	case TopicModelInProduction:
		return []EventKind{EventModelStageChanged}
	case TopicValidationFailed:
		return []EventKind{EventValidationCompleted}
	case TopicDatasetVersionRegistered:
		return []EventKind{EventDatasetVersionRegister}
	case TopicEvidencePackReady:
		return []EventKind{EventPromotionCompleted, EventPromotionRejected, EventPromotionCancelled}
	}
	return nil
}

// Matches reports whether the log event e belongs to the topic.
func (t WebhookTopic) Matches(e *Event) bool {
	if !slices.Contains(t.kinds(), e.Kind) {
		return false
	}
	switch t {
	case TopicModelInProduction:
		return e.Payload["stage"] == string(StageProduction)
	case TopicValidationFailed:
		return e.Payload["status"] == string(ValidationFailed) || e.Payload["status"] == string(ValidationError)
	}
	return true
}

// TopicsOf returns the topics among topics that e belongs to, in the
// order of WebhookTopics.
func TopicsOf(topics []WebhookTopic, e *Event) []WebhookTopic {
	var out []WebhookTopic
	for _, t := range WebhookTopics {
		if slices.Contains(topics, t) && t.Matches(e) {
			out = append(out, t)
		}
	}
	return out
}

// The events of a receiver's life (payload: url, the receiver's scheme
// and host only, for its path may carry a token; topics; change).
const (
	EventWebhookCreated EventKind = "WEBHOOK_CREATED"
	EventWebhookUpdated EventKind = "WEBHOOK_UPDATED"
	EventWebhookDeleted EventKind = "WEBHOOK_DELETED"
)

func init() {
	EventKinds = append(EventKinds, EventWebhookCreated, EventWebhookUpdated, EventWebhookDeleted)
}

// WebhookState is where a receiver's delivery stands.
type WebhookState string

// The states.
const (
	// WebhookActive: its last delivery (if any) succeeded.
	WebhookActive WebhookState = "ACTIVE"
	// WebhookRetrying: its next event failed and is tried again at
	// NextAttemptAt.
	WebhookRetrying WebhookState = "RETRYING"
	// WebhookParked: its next event failed every attempt; nothing is sent
	// until an admin redelivers (the events wait in the log).
	WebhookParked WebhookState = "PARKED"
)

// MaxWebhooksPerProject bounds a project's receivers.
const MaxWebhooksPerProject = 20

// Webhook is a receiver as admins see it: never its secrets.
type Webhook struct {
	ID, ProjectKey string
	URL            string
	Description    string
	Topics         []WebhookTopic
	CreatedAt      time.Time
	CreatedBy      string
	// Position is the log sequence number delivery has passed: every
	// event of the receiver's topics up to it was acknowledged.
	Position int64
	State    WebhookState
	// Attempts is how many times the next event failed.
	Attempts      int
	NextAttemptAt *time.Time
	LastAttemptAt *time.Time
	// LastStatus is the HTTP status of the last attempt (nil when it got
	// none); LastError says why it failed ("" when it did not).
	LastStatus      *int64
	LastError       string
	ParkedAt        *time.Time
	Delivered       int64
	LastDeliveredAt *time.Time
	SecretRotatedAt time.Time
	// PreviousSecretUntil is when the secret before the last rotation
	// stops signing deliveries; nil when none does.
	PreviousSecretUntil *time.Time
}

func decodeWebhook(m map[string]any) (*Webhook, error) {
	p := props{m: m}
	w := &Webhook{ID: p.str("id"), ProjectKey: p.str("projectKey"), URL: p.str("url"), Description: deref(p.optStr("description")),
		CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"), Position: p.int("position"),
		State: WebhookState(p.str("state")), Attempts: int(p.int("attempts")), NextAttemptAt: p.optTime("nextAttemptAt"),
		LastAttemptAt: p.optTime("lastAttemptAt"), LastStatus: p.optInt("lastStatus"), LastError: deref(p.optStr("lastError")),
		ParkedAt: p.optTime("parkedAt"), Delivered: p.int("delivered"), LastDeliveredAt: p.optTime("lastDeliveredAt"),
		SecretRotatedAt: p.time("secretRotatedAt"), PreviousSecretUntil: p.optTime("previousUntil")}
	for _, t := range p.strs("topics") {
		w.Topics = append(w.Topics, WebhookTopic(t))
	}
	return w, p.err
}

const webhookPrefix = "wh_"

// checkWebhookID validates a receiver's ID.
func checkWebhookID(field, id string) error {
	rest, ok := strings.CutPrefix(id, webhookPrefix)
	if _, err := uuid.Parse(rest); !ok || err != nil || len(rest) != 36 {
		return invalid("%s: %s is not a webhook ID", field, errs.Quote(id))
	}
	return nil
}

// WebhookInput is a receiver to create. The caller checks the URL against
// the operator's allowlist; the store checks its form.
type WebhookInput struct {
	ProjectKey  string
	URL         string
	Description string
	Topics      []WebhookTopic
}

// MaxWebhookURL and MaxWebhookDescription bound a receiver's texts.
const (
	MaxWebhookURL         = 2048
	MaxWebhookDescription = 500
)

func (in WebhookInput) check() error {
	if err := checkProjectKey("projectKey", in.ProjectKey); err != nil {
		return err
	}
	if len(in.URL) > MaxWebhookURL {
		return invalid("url: at most %d bytes, got %d", MaxWebhookURL, len(in.URL))
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return invalid("url: %s is not an http(s) URL", errs.Quote(in.URL))
	}
	if len([]rune(in.Description)) > MaxWebhookDescription {
		return invalid("description: at most %d characters", MaxWebhookDescription)
	}
	if len(in.Topics) == 0 {
		return invalid("topics: name at least one")
	}
	for _, t := range in.Topics {
		if !slices.Contains(WebhookTopics, t) {
			return invalid("topics: unknown topic %s", errs.Quote(string(t)))
		}
	}
	return nil
}

// origin is a URL's scheme and host: what events say of a receiver.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func topicStrings(ts []WebhookTopic) []string {
	out := make([]string, 0, len(ts))
	for _, t := range WebhookTopics {
		if slices.Contains(ts, t) {
			out = append(out, string(t))
		}
	}
	return out
}

func topicKinds(ts []WebhookTopic) []string {
	var out []string
	for _, t := range ts {
		for _, k := range t.kinds() {
			if !slices.Contains(out, string(k)) {
				out = append(out, string(k))
			}
		}
	}
	return out
}

// CreateWebhook stores a receiver of the project's events from now on
// (its position is the log's head), signing with secret, and appends
// WEBHOOK_CREATED.
func (s *Store) CreateWebhook(ctx context.Context, actor string, in WebhookInput, secret string) (*Webhook, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Webhook, error) {
		rec, err := tx.single(`
			MATCH (p:Project {key: $key}) `+lockClause("p")+`
			WITH p
			OPTIONAL MATCH (w:Webhook {projectKey: $key})
			RETURN count(w) AS n`, map[string]any{"key": in.ProjectKey})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("projectKey: project %s: %w", errs.Quote(in.ProjectKey), errs.NotFound)
		}
		if n, err := recInt(rec, "n"); err != nil {
			return nil, err
		} else if n >= MaxWebhooksPerProject {
			return nil, invalid("projectKey: project %s has %d webhooks, the most a project may have", in.ProjectKey, n)
		}
		now := s.now().UTC()
		id := webhookPrefix + uuid.Must(uuid.NewV7()).String()
		topics := topicStrings(in.Topics)
		rec, err = tx.single(`
			MATCH (h:EventLog {name: 'main'})
			CREATE (w:Webhook {id: $id, projectKey: $key, url: $url, description: $description, topics: $topics, kinds: $kinds,
			                   secret: $secret, secretRotatedAt: $now, createdAt: $now, createdBy: $actor,
			                   position: h.seq, state: $state, attempts: 0, delivered: 0})
			RETURN w{.*} AS w`,
			map[string]any{"id": id, "key": in.ProjectKey, "url": in.URL, "description": in.Description, "topics": topics,
				"kinds": topicKinds(in.Topics), "secret": secret, "now": now, "actor": actor, "state": string(WebhookActive)})
		if err != nil {
			return nil, err
		}
		w, err := recDecode(rec, "w", decodeWebhook)
		if err != nil {
			return nil, err
		}
		return w, s.appendEvents(tx, actor, eventDraft{EventWebhookCreated, in.ProjectKey, id,
			map[string]any{"url": origin(in.URL), "topics": topics}})
	})
}

// WebhooksOf lists a project's receivers, oldest first.
func (s *Store) WebhooksOf(ctx context.Context, projectKey string) ([]*Webhook, error) {
	if err := checkProjectKey("projectKey", projectKey); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) ([]*Webhook, error) {
		recs, err := tx.run(`MATCH (w:Webhook {projectKey: $key}) RETURN w{.*} AS w ORDER BY w.createdAt, w.id`,
			map[string]any{"key": projectKey})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "w", decodeWebhook)
	})
}

// WebhookByID returns a receiver; errs.NotFound when there is none.
func (s *Store) WebhookByID(ctx context.Context, id string) (*Webhook, error) {
	if err := checkWebhookID("id", id); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*Webhook, error) {
		rec, err := tx.single(`MATCH (w:Webhook {id: $id}) RETURN w{.*} AS w`, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("id: webhook %s: %w", errs.Quote(id), errs.NotFound)
		}
		return recDecode(rec, "w", decodeWebhook)
	})
}

// lockWebhook locks a receiver and reads it.
func lockWebhook(tx *txn, id string) (*Webhook, error) {
	rec, err := tx.single(`MATCH (w:Webhook {id: $id}) `+lockClause("w")+` RETURN w{.*} AS w`, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, fmt.Errorf("id: webhook %s: %w", errs.Quote(id), errs.NotFound)
	}
	return recDecode(rec, "w", decodeWebhook)
}

// changeWebhook locks a receiver, lets change say what to set (nil: no
// change) and, in front of it, which Cypher SET items (over w and the
// change's params) to run; sets it and appends WEBHOOK_UPDATED with the
// change's name.
func (s *Store) changeWebhook(ctx context.Context, actor, id, name string, change func(w *Webhook, now time.Time) (set map[string]any, pre string, params map[string]any)) (*Webhook, bool, error) {
	if err := checkWebhookID("id", id); err != nil {
		return nil, false, err
	}
	type result struct {
		w       *Webhook
		changed bool
	}
	r, err := write(ctx, s, func(tx *txn) (result, error) {
		w, err := lockWebhook(tx, id)
		if err != nil {
			return result{}, err
		}
		set, pre, params := change(w, s.now().UTC())
		if set == nil {
			return result{w, false}, nil
		}
		if pre != "" {
			pre = "SET " + pre
		}
		rec, err := tx.single(`MATCH (w:Webhook {id: $id}) `+pre+` SET w += $set RETURN w{.*} AS w`,
			with(map[string]any{"id": id, "set": set}, params))
		if err != nil {
			return result{}, err
		}
		if w, err = recDecode(rec, "w", decodeWebhook); err != nil {
			return result{}, err
		}
		return result{w, true}, s.appendEvents(tx, actor, eventDraft{EventWebhookUpdated, w.ProjectKey, id,
			map[string]any{"url": origin(w.URL), "change": name}})
	})
	return r.w, r.changed, err
}

// RotateWebhookSecret makes secret the receiver's signing secret; the one
// before it also signs deliveries until previousUntil (none when that is
// not after now). Neither secret is in any event or returned value.
func (s *Store) RotateWebhookSecret(ctx context.Context, actor, id, secret string, previousUntil time.Time) (*Webhook, error) {
	w, _, err := s.changeWebhook(ctx, actor, id, "secret-rotated", func(_ *Webhook, now time.Time) (map[string]any, string, map[string]any) {
		set := map[string]any{"secretRotatedAt": now, "previousUntil": nil, "secret": secret}
		keep := previousUntil.After(now)
		if keep {
			set["previousUntil"] = previousUntil.UTC()
		}
		return set, "w.previousSecret = CASE WHEN $keep THEN w.secret END", map[string]any{"keep": keep}
	})
	return w, err
}

// RedeliverWebhook sends a parked or retrying receiver's next event again
// now, with its attempts counted from zero; changed is false for a
// receiver that was not waiting.
func (s *Store) RedeliverWebhook(ctx context.Context, actor, id string) (*Webhook, bool, error) {
	return s.changeWebhook(ctx, actor, id, "redeliver", func(w *Webhook, _ time.Time) (map[string]any, string, map[string]any) {
		if w.State == WebhookActive {
			return nil, "", nil
		}
		return map[string]any{"state": string(WebhookActive), "attempts": 0, "nextAttemptAt": nil, "parkedAt": nil}, "", nil
	})
}

// DeleteWebhook removes a receiver and appends WEBHOOK_DELETED.
func (s *Store) DeleteWebhook(ctx context.Context, actor, id string) (*Webhook, error) {
	if err := checkWebhookID("id", id); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Webhook, error) {
		w, err := lockWebhook(tx, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.run(`MATCH (w:Webhook {id: $id}) DELETE w`, map[string]any{"id": id}); err != nil {
			return nil, err
		}
		return w, s.appendEvents(tx, actor, eventDraft{EventWebhookDeleted, w.ProjectKey, id, map[string]any{"url": origin(w.URL)}})
	})
}

// WebhookClaim is a receiver a deliverer holds: its signing secrets (the
// current one first) and the lease's owner.
type WebhookClaim struct {
	Webhook *Webhook
	Secrets []string
	Owner   string
}

// webhookIdle is how far the log may move past a receiver without events
// of its topics before it is claimed all the same, to move its position
// up (so that looking for its events stays a short read).
const webhookIdle = 1_000

// ClaimWebhooks leases to owner, for lease, up to limit receivers of the
// projects (none: every project) that have events to deliver and are
// due: not parked, not waiting for a retry, not held by a deliverer.
func (s *Store) ClaimWebhooks(ctx context.Context, owner string, projectKeys []string, lease time.Duration, limit int) ([]*WebhookClaim, error) {
	if projectKeys == nil {
		projectKeys = []string{}
	}
	now := s.now().UTC()
	p := map[string]any{"now": now, "owner": owner, "until": now.Add(lease), "limit": limit, "parked": string(WebhookParked),
		"idle": webhookIdle, "keys": projectKeys}
	// The dispatcher asks after every commit; most of the time no receiver
	// is due (or none exists), and a read answers that without a write
	// transaction.
	ids, err := read(ctx, s, func(tx *txn) ([]string, error) {
		recs, err := tx.run(`
			MATCH (h:EventLog {name: 'main'})
			MATCH (w:Webhook) WHERE (size($keys) = 0 OR w.projectKey IN $keys) AND w.state <> $parked AND w.position < h.seq
			  AND (w.nextAttemptAt IS NULL OR w.nextAttemptAt <= $now)
			  AND (w.leaseUntil IS NULL OR w.leaseUntil <= $now)
			  AND (h.seq - w.position > $idle
			       OR EXISTS { MATCH (e:Event) WHERE e.projectKey = w.projectKey AND e.seq > w.position AND e.kind IN w.kinds })
			RETURN w.id AS id ORDER BY coalesce(w.nextAttemptAt, w.lastAttemptAt, w.createdAt) LIMIT $limit`, p)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(recs))
		for i, rec := range recs {
			if ids[i], err = recStr(rec, "id"); err != nil {
				return nil, err
			}
		}
		return ids, nil
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) ([]*WebhookClaim, error) {
		// Each is locked and looked at again: another deliverer may have
		// taken it since the read.
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (w:Webhook {id: id}) `+lockClause("w")+`
			WITH w WHERE w.state <> $parked AND (w.leaseUntil IS NULL OR w.leaseUntil <= $now)
			SET w.leaseOwner = $owner, w.leaseUntil = $until
			RETURN w{.*} AS w, [x IN [w.secret, CASE WHEN w.previousUntil > $now THEN w.previousSecret END] WHERE x IS NOT NULL] AS secrets`,
			with(p, map[string]any{"ids": ids}))
		if err != nil {
			return nil, err
		}
		out := make([]*WebhookClaim, 0, len(recs))
		for _, rec := range recs {
			w, err := recDecode(rec, "w", decodeWebhook)
			if err != nil {
				return nil, err
			}
			secrets, err := recStrs(rec, "secrets")
			if err != nil {
				return nil, err
			}
			out = append(out, &WebhookClaim{Webhook: w, Secrets: secrets, Owner: owner})
		}
		return out, nil
	})
}

// WebhookPage is what WebhookEvents read for a claimed receiver.
type WebhookPage struct {
	// From is the receiver's position when read.
	From int64
	// Events are the receiver's events after From, in log order, as a
	// reader of its project may see them.
	Events []*Event
	// Through is how far the page covers the log: once every event is
	// delivered the position may move there.
	Through int64
	// More: events of the receiver's topics may follow Through.
	More bool
}

// gapScan bounds the read that finds where a gap in the log is.
const gapScan = 10_000

// WebhookEvents reads up to limit events of a receiver's topics after
// its position. It covers the log only as far as the log has no gap (a
// gap is a writer's commit this read raced: Neo4j reads are
// read-committed, not a snapshot), so no event is passed over.
func (s *Store) WebhookEvents(ctx context.Context, w *Webhook, limit int) (WebhookPage, error) {
	if limit < 1 || limit > MaxEventPage {
		return WebhookPage{}, invalid("limit: must be between 1 and %d, got %d", MaxEventPage, limit)
	}
	return read(ctx, s, func(tx *txn) (WebhookPage, error) {
		page := WebhookPage{From: w.Position, Through: w.Position}
		rec, err := tx.single(`MATCH (h:EventLog {name: 'main'}) RETURN h.seq AS head`, nil)
		if err != nil || rec == nil {
			return page, err
		}
		head, err := recInt(rec, "head")
		if err != nil {
			return page, err
		}
		p := map[string]any{"key": w.ProjectKey, "from": w.Position, "head": head, "kinds": topicKinds(w.Topics), "limit": limit}
		recs, err := tx.run(`
			MATCH (e:Event) WHERE e.projectKey = $key AND e.seq > $from AND e.seq <= $head AND e.kind IN $kinds
			RETURN e{.*} AS e ORDER BY e.seq LIMIT $limit`, p)
		if err != nil {
			return page, err
		}
		events, err := recsDecode(recs, "e", decodeEvent)
		if err != nil {
			return page, err
		}
		upto := head
		if len(events) == limit {
			upto, page.More = events[limit-1].Seq, true
		}
		if upto <= page.From {
			return page, nil
		}
		// No gap up to upto: as many events as sequence numbers.
		rec, err = tx.single(`MATCH (e:Event) WHERE e.seq > $from AND e.seq <= $upto RETURN count(e) AS n`,
			map[string]any{"from": page.From, "upto": upto})
		if err != nil {
			return page, err
		}
		n, err := recInt(rec, "n")
		if err != nil {
			return page, err
		}
		if n != upto-page.From {
			// A gap: the page ends before it.
			recs, err := tx.run(`MATCH (e:Event) WHERE e.seq > $from AND e.seq <= $upto RETURN e.seq AS seq ORDER BY seq LIMIT $scan`,
				map[string]any{"from": page.From, "upto": upto, "scan": gapScan})
			if err != nil {
				return page, err
			}
			last := page.From
			for _, rec := range recs {
				seq, err := recInt(rec, "seq")
				if err != nil {
					return page, err
				}
				if seq != last+1 {
					break
				}
				last = seq
			}
			upto, page.More = last, true
		}
		page.Through = upto
		scope := Scope{Keys: []string{w.ProjectKey}}
		for _, e := range events {
			if e.Seq > upto {
				break
			}
			if len(TopicsOf(w.Topics, e)) > 0 {
				page.Events = append(page.Events, e.For(scope))
			}
		}
		return page, nil
	})
}

// errLeaseLost is a claimed receiver another deliverer took over or
// whose position moved.
func errLeaseLost(id string) error {
	return conflict("webhook %s: the lease is another deliverer's, or the position moved", id)
}

// WebhookDelivered moves a claimed receiver's position from from to to
// (after delivering the event at to, or passing events not its own),
// counts delivered acknowledged events and renews the lease. status is
// the receiver's answer; 0 when nothing was sent. A lease lost or a
// position moved is errs.Conflict and changes nothing.
func (s *Store) WebhookDelivered(ctx context.Context, c *WebhookClaim, from, to int64, status int, lease time.Duration) error {
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		now := s.now().UTC()
		set := map[string]any{"position": to, "leaseUntil": now.Add(lease)}
		delivered := 0
		if status != 0 {
			delivered = 1
			set["state"], set["attempts"], set["nextAttemptAt"], set["parkedAt"] = string(WebhookActive), 0, nil, nil
			set["lastStatus"], set["lastError"], set["lastAttemptAt"], set["lastDeliveredAt"] = status, nil, now, now
		}
		rec, err := tx.single(`
			MATCH (w:Webhook {id: $id}) `+lockClause("w")+`
			WITH w WHERE w.leaseOwner = $owner AND w.position = $from
			SET w += $set, w.delivered = w.delivered + $delivered
			RETURN w.id AS id`, map[string]any{"id": c.Webhook.ID, "owner": c.Owner, "from": from, "set": set, "delivered": delivered})
		if err != nil {
			return struct{}{}, err
		}
		if rec == nil {
			return struct{}{}, errLeaseLost(c.Webhook.ID)
		}
		return struct{}{}, nil
	})
	return err
}

// WebhookFailure is a failed delivery attempt.
type WebhookFailure struct {
	// Status is the receiver's answer; 0 when it gave none.
	Status int
	Reason string
	// Park: no attempt follows; else the next is after RetryIn.
	Park    bool
	RetryIn time.Duration
}

// maxWebhookReason bounds a stored failure reason.
const maxWebhookReason = 500

// WebhookFailed records a claimed receiver's failed attempt at the event
// after from, schedules the next or parks the receiver, and releases the
// lease. A lease lost or a position moved is errs.Conflict.
func (s *Store) WebhookFailed(ctx context.Context, c *WebhookClaim, from int64, f WebhookFailure) error {
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		now := s.now().UTC()
		reason := f.Reason
		if r := []rune(reason); len(r) > maxWebhookReason {
			reason = string(r[:maxWebhookReason]) + "…"
		}
		set := map[string]any{"lastAttemptAt": now, "lastError": reason, "lastStatus": nil, "leaseOwner": nil, "leaseUntil": nil}
		if f.Status != 0 {
			set["lastStatus"] = f.Status
		}
		if f.Park {
			set["state"], set["parkedAt"], set["nextAttemptAt"] = string(WebhookParked), now, nil
		} else {
			set["state"], set["nextAttemptAt"] = string(WebhookRetrying), now.Add(f.RetryIn)
		}
		rec, err := tx.single(`
			MATCH (w:Webhook {id: $id}) `+lockClause("w")+`
			WITH w WHERE w.leaseOwner = $owner AND w.position = $from
			SET w += $set, w.attempts = w.attempts + 1
			RETURN w.id AS id`, map[string]any{"id": c.Webhook.ID, "owner": c.Owner, "from": from, "set": set})
		if err != nil {
			return struct{}{}, err
		}
		if rec == nil {
			return struct{}{}, errLeaseLost(c.Webhook.ID)
		}
		return struct{}{}, nil
	})
	return err
}

// ReleaseWebhook gives a claimed receiver's lease up.
func (s *Store) ReleaseWebhook(ctx context.Context, c *WebhookClaim) error {
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.run(`MATCH (w:Webhook {id: $id}) WHERE w.leaseOwner = $owner REMOVE w.leaseOwner, w.leaseUntil`,
			map[string]any{"id": c.Webhook.ID, "owner": c.Owner})
		return struct{}{}, err
	})
	return err
}

// MaxWebhookBacklog bounds what PendingWebhookEvents counts.
const MaxWebhookBacklog = 1_000

// PendingWebhookEvents counts a receiver's events not yet delivered, up
// to MaxWebhookBacklog.
func (s *Store) PendingWebhookEvents(ctx context.Context, w *Webhook) (int, error) {
	return read(ctx, s, func(tx *txn) (int, error) {
		recs, err := tx.run(`
			MATCH (e:Event) WHERE e.projectKey = $key AND e.seq > $from AND e.kind IN $kinds
			RETURN e{.*} AS e ORDER BY e.seq LIMIT $limit`,
			map[string]any{"key": w.ProjectKey, "from": w.Position, "kinds": topicKinds(w.Topics), "limit": MaxWebhookBacklog})
		if err != nil {
			return 0, err
		}
		n := 0
		for _, rec := range recs {
			e, err := recDecode(rec, "e", decodeEvent)
			if err != nil {
				return 0, err
			}
			if len(TopicsOf(w.Topics, e)) > 0 {
				n++
			}
		}
		return n, nil
	})
}
