package webhooks

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Service carries out what admins do with a project's receivers. Every
// method checks that the caller is an admin of the receiver's project; a
// receiver of a project the caller may not read is not found.
type Service struct {
	store *store.Store
	allow *datasource.Allowlist
	seal  *Sealer
}

// New returns the service; receivers may be only where allow admits
// (nil or empty: nowhere), and secrets are stored sealed by seal (nil: as
// they are).
func New(st *store.Store, allow *datasource.Allowlist, seal *Sealer) *Service {
	return &Service{store: st, allow: allow, seal: seal}
}

// MaxOverlap bounds how long a rotated secret keeps signing.
const MaxOverlap = 7 * 24 * time.Hour

// checkURL refuses a receiver the operator's allowlist does not admit.
func (s *Service) checkURL(raw string) error {
	if s.allow.Empty() {
		return errs.Invalidf("url: no webhook receivers are allowed on this hub (EXPHUB_WEBHOOK_RECEIVERS is empty)")
	}
	if err := s.allow.Refusing(refusal).Check(raw); err != nil {
		return fmt.Errorf("%w: url: %s", errs.Invalid, err.Error())
	}
	return nil
}

// refusal is what a receiver the allowlist does not admit is told.
const refusal = "the hub sends no webhooks to %s://%s/ there (EXPHUB_WEBHOOK_RECEIVERS lists where it may)"

// Create makes a receiver and returns it with its signing secret, which
// is shown this once.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in store.WebhookInput) (*store.Webhook, string, error) {
	if err := access.Require(p, in.ProjectKey, auth.RoleAdmin); err != nil {
		return nil, "", err
	}
	if u, err := url.Parse(in.URL); len(in.URL) <= store.MaxWebhookURL && (err != nil || u.Scheme != "http" && u.Scheme != "https") {
		return nil, "", errs.Invalidf("url: %s is not an http(s) URL", errs.Quote(in.URL))
	}
	if len(in.URL) <= store.MaxWebhookURL {
		if err := s.checkURL(in.URL); err != nil {
			return nil, "", err
		}
	}
	secret := NewSecret()
	w, err := s.store.CreateWebhook(ctx, p.Subject, in, s.seal.Seal(secret))
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// List returns a project's receivers.
func (s *Service) List(ctx context.Context, p *auth.Principal, projectKey string) ([]*store.Webhook, error) {
	if err := access.Require(p, projectKey, auth.RoleAdmin); err != nil {
		return nil, err
	}
	return s.store.WebhooksOf(ctx, projectKey)
}

// Get returns a receiver of a project the caller administers.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*store.Webhook, error) {
	if p == nil {
		return nil, errs.Unauthenticated
	}
	w, err := s.store.WebhookByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !access.CanRead(p, w.ProjectKey) {
		return nil, fmt.Errorf("id: webhook %s: %w", errs.Quote(id), errs.NotFound)
	}
	if err := access.Require(p, w.ProjectKey, auth.RoleAdmin); err != nil {
		return nil, err
	}
	return w, nil
}

// Rotate gives a receiver a new secret, returned this once; the old one
// keeps signing for overlap (at most MaxOverlap; 0: it stops now).
func (s *Service) Rotate(ctx context.Context, p *auth.Principal, id string, overlap time.Duration) (*store.Webhook, string, error) {
	if overlap < 0 || overlap > MaxOverlap {
		return nil, "", errs.Invalidf("overlapSeconds: must be between 0 and %d, got %d", int(MaxOverlap.Seconds()), int64(overlap.Seconds()))
	}
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, "", err
	}
	secret := NewSecret()
	w, err := s.store.RotateWebhookSecret(ctx, p.Subject, id, s.seal.Seal(secret), time.Now().Add(overlap))
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// Redeliver sends a parked or retrying receiver's next event again now.
func (s *Service) Redeliver(ctx context.Context, p *auth.Principal, id string) (*store.Webhook, bool, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, false, err
	}
	return s.store.RedeliverWebhook(ctx, p.Subject, id)
}

// Delete removes a receiver.
func (s *Service) Delete(ctx context.Context, p *auth.Principal, id string) (*store.Webhook, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	return s.store.DeleteWebhook(ctx, p.Subject, id)
}

// Pending counts a receiver's events not yet delivered (up to
// store.MaxWebhookBacklog).
func (s *Service) Pending(ctx context.Context, w *store.Webhook) (int, error) {
	return s.store.PendingWebhookEvents(ctx, w)
}
