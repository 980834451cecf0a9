package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/events"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

// sessionLog is the real test driver, with the bookmarks each session
// started from written down.
type sessionLog struct {
	neo4j.DriverWithContext
	mu    sync.Mutex
	reads [][]string // the bookmarks of each read session, in order
}

func (d *sessionLog) NewSession(ctx context.Context, cfg neo4j.SessionConfig) neo4j.SessionWithContext {
	if cfg.AccessMode == neo4j.AccessModeRead {
		d.mu.Lock()
		d.reads = append(d.reads, neo4j.BookmarksToRawValues(cfg.Bookmarks))
		d.mu.Unlock()
	}
	return d.DriverWithContext.NewSession(ctx, cfg)
}

func (d *sessionLog) take() [][]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.reads
	d.reads = nil
	return out
}

// TestReadsFollowTheCallersWrites: a write's bookmark comes back in the
// Exphub-Bookmark header; the writer's later reads on the replica start
// from it without sending it; another caller's reads start from it only
// when the header is sent back (as a client that moved to another replica
// would); a malformed header is refused and writes nothing.
func TestReadsFollowTheCallersWrites(t *testing.T) {
	t.Parallel()
	neo4jtest.Store(t) // migrated
	drv := &sessionLog{DriverWithContext: neo4jtest.Driver(t)}
	st := store.New(drv, "", store.WithRules(governance.Rules))
	h := newHub(t, func(o *api.Options) {
		o.Store = st
		// The event log's follower polls with reads of its own, outside
		// any chain: through another store, so the log holds requests'
		// reads only.
		o.Events = runHub(t, neo4jtest.Store(t), events.Options{})
	})
	key := neo4jtest.Key(t, "causal")
	must(st.CreateProject(ctxT(t), owner, store.CreateProjectInput{Key: key, Name: "Causal"})).of(t)
	writer := token(t, "cw", map[string]auth.Role{key: auth.RoleContributor})
	reader := token(t, "cr", map[string]auth.Role{key: auth.RoleViewer})
	post := func(tok, bookmark, query string, vars map[string]any) *http.Response {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		if bookmark != "" {
			req.Header.Set(api.BookmarkHeader, bookmark)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	const read = `query($k: String!) { experiments(projectKey: $k) { totalCount } }`
	startsFrom := func(who string, want []string) {
		t.Helper()
		reads := drv.take()
		if len(reads) == 0 {
			t.Fatalf("%s: no read session", who)
		}
		for _, bms := range reads {
			for _, w := range want {
				if !slices.Contains(bms, w) {
					t.Errorf("%s: a read started from %v, not after the write's %v", who, bms, want)
				}
			}
			if len(want) == 0 && len(bms) != 0 {
				t.Errorf("%s: a read started from %v, want none", who, bms)
			}
		}
	}

	resp := post(writer, "", `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "e"}) { experiment { id } } }`, map[string]any{"k": key})
	header := resp.Header.Get(api.BookmarkHeader)
	if resp.StatusCode != http.StatusOK || header == "" {
		t.Fatalf("the write's answer: HTTP %d, %s %q", resp.StatusCode, api.BookmarkHeader, header)
	}
	drv.take()
	var written []string
	if raw, err := jsonBase64(header); err != nil || json.Unmarshal(raw, &written) != nil || len(written) == 0 {
		t.Fatalf("%s %q does not decode: %v", api.BookmarkHeader, header, err)
	}

	post(writer, "", read, map[string]any{"k": key})
	startsFrom("the writer's next read", written)
	if r := post(writer, "", read, map[string]any{"k": key}); r.Header.Get(api.BookmarkHeader) != "" {
		t.Errorf("a read-only answer carries %s", api.BookmarkHeader)
	}
	drv.take()
	post(reader, "", read, map[string]any{"k": key})
	startsFrom("another caller's read without the header", nil)
	post(reader, header, read, map[string]any{"k": key})
	startsFrom("another caller's read with the header", written)

	before := stateOf(t, key)
	for _, bad := range []string{"%%%", "W10", jsonB64(`["` + string(bytes.Repeat([]byte("x"), 2000)) + `"]`), jsonB64(`["a b"]`)} {
		resp := post(writer, bad, `mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "refused"}) { experiment { id } } }`, map[string]any{"k": key})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("header %.20q: HTTP %d, want 400", bad, resp.StatusCode)
		}
	}
	unchanged(t, key, before)
}

func jsonBase64(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

func jsonB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
