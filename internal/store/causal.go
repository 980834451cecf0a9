package store

import (
	"context"
	"slices"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Causal is a chain of causally ordered work — one request, or one
// caller's requests — as Neo4j bookmarks: each transaction of the chain
// starts from the bookmarks of the writes before it, so on a Neo4j
// cluster a follower serves the chain's read only once it has applied
// the chain's writes (read your own writes on any follower). On a single
// instance every bookmark is already applied and nothing waits. It is
// safe for concurrent use.
type Causal struct {
	mu        sync.Mutex
	bookmarks []string
	wrote     bool
}

// MaxBookmarks bounds a chain's bookmarks (one per database is the norm;
// more arrive only from concurrent writes).
const MaxBookmarks = 8

// NewCausal starts a chain after the given bookmarks (none: from now).
func NewCausal(bookmarks ...string) *Causal {
	c := &Causal{}
	c.add(bookmarks)
	return c
}

// Bookmarks returns the chain's bookmarks.
func (c *Causal) Bookmarks() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.bookmarks)
}

// Wrote reports whether a write of the chain committed.
func (c *Causal) Wrote() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrote
}

// Join adds another chain's bookmarks to c: c's later work waits for the
// other's writes too.
func (c *Causal) Join(bookmarks []string) { c.add(bookmarks) }

func (c *Causal) add(bookmarks []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range bookmarks {
		if b != "" && !slices.Contains(c.bookmarks, b) {
			c.bookmarks = append(c.bookmarks, b)
		}
	}
	if n := len(c.bookmarks); n > MaxBookmarks {
		c.bookmarks = slices.Clone(c.bookmarks[n-MaxBookmarks:])
	}
}

// committed records what a transaction of the chain started from and the
// bookmarks its session holds after it: they supersede the ones it
// started from (a later bookmark implies the earlier ones of its
// database), and a concurrent transaction's stay.
func (c *Causal) committed(started, after []string, write bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if write {
		c.wrote = true
	}
	if slices.Equal(started, after) {
		return
	}
	kept := c.bookmarks[:0:0]
	for _, b := range c.bookmarks {
		if !slices.Contains(started, b) {
			kept = append(kept, b)
		}
	}
	for _, b := range after {
		if b != "" && !slices.Contains(kept, b) {
			kept = append(kept, b)
		}
	}
	if n := len(kept); n > MaxBookmarks {
		kept = kept[n-MaxBookmarks:]
	}
	c.bookmarks = kept
}

type causalKey struct{}

// WithCausal makes the store's transactions under ctx part of chain c.
func WithCausal(ctx context.Context, c *Causal) context.Context {
	return context.WithValue(ctx, causalKey{}, c)
}

// causalOf is ctx's chain, or nil.
func causalOf(ctx context.Context) *Causal {
	c, _ := ctx.Value(causalKey{}).(*Causal)
	return c
}

// chainSession opens a session that starts from ctx's chain, and returns
// the function that records in the chain what the transaction left.
func (s *Store) chainSession(ctx context.Context, mode neo4j.AccessMode) (neo4j.SessionWithContext, func(committed bool)) {
	c := causalOf(ctx)
	if c == nil {
		return s.session(ctx, mode), func(bool) {}
	}
	started := c.Bookmarks()
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: mode,
		Bookmarks: neo4j.BookmarksFromRawValues(started...)})
	return sess, func(ok bool) {
		if ok {
			c.committed(started, neo4j.BookmarksToRawValues(sess.LastBookmarks()), mode == neo4j.AccessModeWrite)
		}
	}
}
