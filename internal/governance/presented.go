package governance

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/exphub/exphub/internal/auth"
)

// presentedTTL bounds how long a replica trusts its memory of what it
// last wrote for a subject: another replica may have written a newer
// token since, so the write is repeated (it writes nothing when unchanged)
// at least this often.
const presentedTTL = time.Minute

// maxRemembered bounds the cache; past it, it starts again.
const maxRemembered = 10_000

// presence remembers, per subject, the grants and groups last recorded,
// so an unchanged token costs no write. Safe for concurrent use.
type presence struct {
	mu   sync.Mutex
	seen map[string]remembered
}

type remembered struct {
	key string
	at  time.Time
}

// observe records what p's token says about project (its grants there
// and for every project, and its groups; Store.RecordPresented) unless
// this replica recorded the same within presentedTTL. A failed write is
// forgotten, so the next request tries again.
//
// It is kept per project because a governance request is about one: a
// token is judged where it was shown.
func (s *Service) observe(ctx context.Context, p *auth.Principal, project string) error {
	if p == nil || project == "" {
		return nil
	}
	grants := GrantsIn(p, project)
	key := strings.Join(grants, "\n") + "\x00" + strings.Join(p.Groups, "\n")
	now := time.Now()
	id := p.Subject + "\x00" + project
	s.presence.mu.Lock()
	r, ok := s.presence.seen[id]
	s.presence.mu.Unlock()
	if ok && r.key == key && now.Sub(r.at) < presentedTTL {
		return nil
	}
	if err := s.store.RecordPresented(ctx, p.Subject, project, grants, p.Groups); err != nil {
		return err
	}
	s.presence.mu.Lock()
	defer s.presence.mu.Unlock()
	if s.presence.seen == nil || len(s.presence.seen) >= maxRemembered {
		s.presence.seen = map[string]remembered{}
	}
	s.presence.seen[id] = remembered{key: key, at: now}
	return nil
}

// noticed records p's token for a read: a read does not fail because the
// record could not be written (the next request tries again).
func (s *Service) noticed(ctx context.Context, p *auth.Principal, project string) {
	_ = s.observe(ctx, p, project)
}
