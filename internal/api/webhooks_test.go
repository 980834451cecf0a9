package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

const (
	createWebhook = `mutation($k: String!, $u: String!, $t: [WebhookTopic!]!, $d: String) {
		createWebhook(input: {projectKey: $k, url: $u, topics: $t, description: $d}) { webhook { id url topics state position } secret } }`
	webhookFields = `id projectKey url description topics createdAt createdBy state position pending delivered lastDeliveredAt
		attempts lastAttemptAt lastStatus lastError nextAttemptAt parkedAt secretRotatedAt previousSecretUntil`
)

// webhookCount counts a project's receivers (they are not :Node, so
// stateOf does not see them).
func webhookCount(t *testing.T, key string) int64 {
	return neo4jtest.Count(t, `MATCH (w:Webhook {projectKey: $k}) RETURN count(w) AS n`, map[string]any{"k": key})
}

// TestWebhookAccess: only a project's admins see and manage its
// receivers; another project's admin finds none of them; the signing
// secret is in the answer of createWebhook and rotateWebhookSecret only,
// never in a read or an event; bad input names the field and writes
// nothing.
func TestWebhookAccess(t *testing.T) {
	st := neo4jtest.Store(t)
	a, b := neo4jtest.Project(t, st, "wha"), neo4jtest.Project(t, st, "whb")
	allow, err := datasource.ParseAllowlist([]string{"https://hooks.example.com/exphub"})
	if err != nil {
		t.Fatal(err)
	}
	h := newHub(t, func(o *api.Options) { o.Store, o.Webhooks = st, allow })
	adminA := token(t, "ada", map[string]auth.Role{a: auth.RoleAdmin})
	contribA := token(t, "carl", map[string]auth.Role{a: auth.RoleContributor})
	viewerA := token(t, "vera", map[string]auth.Role{a: auth.RoleViewer})
	adminB := token(t, "bob", map[string]auth.Role{b: auth.RoleAdmin})
	url := "https://hooks.example.com/exphub/compliance?token=path-secret"

	var created struct {
		CreateWebhook struct {
			Webhook struct {
				ID, URL, State string
				Topics         []string
				Position       int64
			}
			Secret string
		}
	}
	before := stateOf(t, a)
	h.gql(t, adminA, createWebhook, map[string]any{"k": a, "u": url, "t": []string{"PROMOTION_DECIDED", "EVIDENCE_PACK_READY"}}).ok(t, &created)
	w := created.CreateWebhook.Webhook
	secret := created.CreateWebhook.Secret
	if !strings.HasPrefix(secret, "whsec_") || w.State != "ACTIVE" || w.URL != url || len(w.Topics) != 2 || w.Position < 1 {
		t.Fatalf("created %+v with secret %q", w, secret)
	}
	if got := stateOf(t, a); got.Events != before.Events+1 {
		t.Fatalf("createWebhook appended %d events; want 1 (WEBHOOK_CREATED)", got.Events-before.Events)
	}

	// Reads by the admin: every field, and the events; never the secret
	// nor the URL's path and query in an event.
	read := h.gql(t, adminA, `query($k: String!, $id: ID!) { webhooks(projectKey: $k) { `+webhookFields+` } webhook(id: $id) { id pending }
		recentEvents(filter: {projectKeys: [$k]}, last: 20) { events { kind targetId payload target { id } } } }`,
		map[string]any{"k": a, "id": w.ID})
	var out struct {
		Webhooks     []map[string]any
		Webhook      struct{ ID string }
		RecentEvents struct {
			Events []struct {
				Kind, TargetID string
				Payload        map[string]any
			}
		}
	}
	read.ok(t, &out)
	raw, _ := json.Marshal(out)
	if strings.Contains(string(raw), secret) || strings.Contains(string(raw), strings.TrimPrefix(secret, "whsec_")) {
		t.Fatal("a read answered the signing secret")
	}
	if len(out.Webhooks) != 1 || out.Webhook.ID != w.ID {
		t.Fatalf("admin reads %d receivers, webhook(id) %q", len(out.Webhooks), out.Webhook.ID)
	}
	found := false
	for _, e := range out.RecentEvents.Events {
		if e.Kind == "WEBHOOK_CREATED" && e.TargetID == w.ID {
			found = true
			if e.Payload["url"] != "https://hooks.example.com" {
				t.Fatalf("WEBHOOK_CREATED says url %v; want the scheme and host only", e.Payload["url"])
			}
		}
	}
	if !found {
		t.Fatal("no WEBHOOK_CREATED event")
	}

	// Others: contributors and viewers of A are refused, B's admin finds
	// nothing of A's.
	h.gql(t, contribA, createWebhook, map[string]any{"k": a, "u": url, "t": []string{"PROMOTION_DECIDED"}}).fails(t, "FORBIDDEN", "admin")
	h.gql(t, adminB, createWebhook, map[string]any{"k": a, "u": url, "t": []string{"PROMOTION_DECIDED"}}).fails(t, "FORBIDDEN")
	for _, tok := range []string{viewerA, contribA, adminB} {
		h.gql(t, tok, `query($k: String!) { webhooks(projectKey: $k) { id } }`, map[string]any{"k": a}).fails(t, "FORBIDDEN")
	}
	var none struct{ Webhook *struct{ ID string } }
	h.gql(t, adminB, `query($id: ID!) { webhook(id: $id) { id url } }`, map[string]any{"id": w.ID}).ok(t, &none)
	if none.Webhook != nil {
		t.Fatal("B's admin reads A's receiver")
	}
	for _, op := range []string{
		`mutation($id: ID!) { redeliverWebhook(id: $id) { changed } }`,
		`mutation($id: ID!) { deleteWebhook(id: $id) { webhook { id } } }`,
		`mutation($id: ID!) { rotateWebhookSecret(input: {id: $id}) { secret } }`,
	} {
		h.gql(t, adminB, op, map[string]any{"id": w.ID}).fails(t, "NOT_FOUND")
		h.gql(t, viewerA, op, map[string]any{"id": w.ID}).fails(t, "FORBIDDEN")
	}

	// Bad input: named, and nothing written.
	before = stateOf(t, a)
	for _, c := range []struct {
		url, desc string
		topics    []string
		mentions  string
	}{
		{"https://elsewhere.example.com/exphub", "", []string{"PROMOTION_DECIDED"}, "EXPHUB_WEBHOOK_RECEIVERS"},
		{"http://169.254.169.254/latest/meta-data", "", []string{"PROMOTION_DECIDED"}, "EXPHUB_WEBHOOK_RECEIVERS"},
		{"https://hooks.example.com/exphub/x", "", []string{}, "topics"},
		{"ftp://hooks.example.com/exphub/x", "", []string{"PROMOTION_DECIDED"}, "not an http(s) URL"},
		{"https://hooks.example.com/exphub/x", strings.Repeat("d", store.MaxWebhookDescription+1), []string{"PROMOTION_DECIDED"}, "description"},
		{"https://hooks.example.com/exphub/" + strings.Repeat("u", store.MaxWebhookURL), "", []string{"PROMOTION_DECIDED"}, "url"},
	} {
		h.gql(t, adminA, createWebhook, map[string]any{"k": a, "u": c.url, "t": c.topics, "d": c.desc}).fails(t, "BAD_USER_INPUT", c.mentions)
	}
	h.gql(t, adminA, `mutation($id: ID!) { rotateWebhookSecret(input: {id: $id, overlapSeconds: 99999999}) { secret } }`,
		map[string]any{"id": w.ID}).fails(t, "BAD_USER_INPUT", "overlapSeconds")
	h.gql(t, adminA, `mutation { deleteWebhook(id: "run_0") { webhook { id } } }`, nil).fails(t, "BAD_USER_INPUT", "webhook ID")
	unchanged(t, a, before)
	if n := webhookCount(t, a); n != 1 {
		t.Fatalf("%d receivers after refused writes; want 1", n)
	}

	// Rotation: a new secret, shown once; the old one overlaps.
	var rot struct {
		RotateWebhookSecret struct {
			Webhook struct{ PreviousSecretUntil *string }
			Secret  string
		}
	}
	h.gql(t, adminA, `mutation($id: ID!) { rotateWebhookSecret(input: {id: $id, overlapSeconds: 3600}) { webhook { previousSecretUntil } secret } }`,
		map[string]any{"id": w.ID}).ok(t, &rot)
	if s := rot.RotateWebhookSecret.Secret; !strings.HasPrefix(s, "whsec_") || s == secret || rot.RotateWebhookSecret.Webhook.PreviousSecretUntil == nil {
		t.Fatalf("rotation: %+v", rot.RotateWebhookSecret)
	}

	// The bound: at most store.MaxWebhooksPerProject.
	for i := 1; i < store.MaxWebhooksPerProject; i++ {
		h.gql(t, adminA, createWebhook, map[string]any{"k": a, "u": url, "t": []string{"VALIDATION_FAILED"}}).ok(t, nil)
	}
	h.gql(t, adminA, createWebhook, map[string]any{"k": a, "u": url, "t": []string{"VALIDATION_FAILED"}}).fails(t, "BAD_USER_INPUT", "most a project may have")
	if n := webhookCount(t, a); n != store.MaxWebhooksPerProject {
		t.Fatalf("%d receivers; want the bound %d", n, store.MaxWebhooksPerProject)
	}

	// Delete: gone, with its event.
	h.gql(t, adminA, `mutation($id: ID!) { deleteWebhook(id: $id) { webhook { id } } }`, map[string]any{"id": w.ID}).ok(t, nil)
	h.gql(t, adminA, `query($id: ID!) { webhook(id: $id) { id } }`, map[string]any{"id": w.ID}).ok(t, &none)
	if none.Webhook != nil {
		t.Fatal("a deleted receiver is still read")
	}
	if n := neo4jtest.Count(t, `MATCH (e:Event {projectKey: $k, kind: 'WEBHOOK_DELETED', targetId: $id}) RETURN count(e) AS n`,
		map[string]any{"k": a, "id": w.ID}); n != 1 {
		t.Fatalf("%d WEBHOOK_DELETED events", n)
	}
	st2 := neo4jtest.Store(t)
	ws, err := st2.WebhooksOf(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ws {
		_, _ = st2.DeleteWebhook(t.Context(), neo4jtest.Actor, x.ID)
	}
}

// TestWebhooksRefusedWithoutReceivers: a hub with no
// EXPHUB_WEBHOOK_RECEIVERS makes no receiver, and says which setting.
func TestWebhooksRefusedWithoutReceivers(t *testing.T) {
	st := neo4jtest.Store(t)
	a := neo4jtest.Project(t, st, "whn")
	h := newHub(t, func(o *api.Options) { o.Store = st })
	adminA := token(t, "ada", map[string]auth.Role{a: auth.RoleAdmin})
	h.gql(t, adminA, createWebhook, map[string]any{"k": a, "u": "https://hooks.example.com/x", "t": []string{"PROMOTION_DECIDED"}}).
		fails(t, "BAD_USER_INPUT", "EXPHUB_WEBHOOK_RECEIVERS is empty")
	if n := webhookCount(t, a); n != 0 {
		t.Fatalf("%d receivers made without an allowlist", n)
	}
}
