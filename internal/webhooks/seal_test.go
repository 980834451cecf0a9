package webhooks_test

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/webhooks"
)

func newSealer(t *testing.T) (*webhooks.Sealer, string) {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	text := base64.StdEncoding.EncodeToString(key)
	s, err := webhooks.ParseSealerKey(text)
	if err != nil || s == nil {
		t.Fatalf("a 32-byte key: %v", err)
	}
	return s, text
}

// A sealed secret opens with its key only; one stored plain (before a
// key was set) opens as it is; a bad key setting is refused by name.
func TestSealedSecrets(t *testing.T) {
	s, _ := newSealer(t)
	other, _ := newSealer(t)
	secret := webhooks.NewSecret()
	sealed := s.Seal(secret)
	if strings.Contains(sealed, strings.TrimPrefix(secret, "whsec_")) || !strings.HasPrefix(sealed, "sealed:v1:") {
		t.Fatalf("sealed %q holds the secret", sealed)
	}
	if s.Seal(secret) == sealed {
		t.Fatal("two seals of one secret are equal: the nonce is not fresh")
	}
	if got, err := s.Open(sealed); err != nil || got != secret {
		t.Fatalf("open: %q, %v", got, err)
	}
	if got, err := s.Open(secret); err != nil || got != secret {
		t.Fatalf("a plain secret: %q, %v", got, err)
	}
	var none *webhooks.Sealer
	if none.Seal(secret) != secret {
		t.Fatal("without a key the secret is not stored as it is")
	}
	for name, open := range map[string]func(string) (string, error){"another key": other.Open, "no key": none.Open} {
		if _, err := open(sealed); err == nil || !strings.Contains(err.Error(), "EXPHUB_WEBHOOK_SECRET_KEY") {
			t.Errorf("%s: %v", name, err)
		}
	}
	tampered := sealed[:len(sealed)-4] + "AAAA"
	if _, err := s.Open(tampered); err == nil {
		t.Error("a tampered secret opened")
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := webhooks.ParseSealerKey(bad); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
	if s, err := webhooks.ParseSealerKey(""); s != nil || err != nil {
		t.Errorf("no key: %v %v", s, err)
	}
}

// TestSealedSecretSigns: a receiver whose secret is stored sealed gets
// deliveries signed with the secret itself, which the database does not
// hold; a deliverer without the key parks the receiver, saying why.
func TestSealedSecretSigns(t *testing.T) {
	f := newHookFixture(t)
	s, _ := newSealer(t)
	secret := webhooks.NewSecret()
	if _, err := f.st.RotateWebhookSecret(t.Context(), neo4jtest.Actor, f.hook.ID, s.Seal(secret), f.webhook(t).CreatedAt); err != nil {
		t.Fatal(err)
	}
	if n := neo4jtest.Count(t, `MATCH (w:Webhook {id: $id}) WHERE w.secret CONTAINS $plain OR w.secret STARTS WITH 'whsec_' RETURN count(w) AS n`,
		map[string]any{"id": f.hook.ID, "plain": strings.TrimPrefix(secret, "whsec_")}); n != 0 {
		t.Fatal("the database holds the secret")
	}
	o := f.options("a")
	o.Seal = s
	stop := start(t, f.st, o)
	f.register(t, 1)
	waitFor(t, "the delivery", func() bool { return len(f.rcv.deliveries()) == 1 })
	d := f.rcv.deliveries()[0]
	if err := webhooks.Verify(secret, d.id, d.timestamp, d.signature, d.body, time.Now(), 5*time.Minute); err != nil {
		t.Fatalf("the delivery is not signed with the secret: %v", err)
	}
	stop()

	o.Seal, o.Owner = nil, "b"
	start(t, f.st, o)
	f.register(t, 1)
	waitFor(t, "the receiver parked", func() bool { return f.webhook(t).State == store.WebhookParked })
	if w := f.webhook(t); !strings.Contains(w.LastError, "EXPHUB_WEBHOOK_SECRET_KEY") {
		t.Fatalf("parked for %q", w.LastError)
	}
	if n := len(f.rcv.deliveries()); n != 1 {
		t.Fatalf("%d deliveries; the second could not be signed and must not be sent", n)
	}
}
