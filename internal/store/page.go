package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/exphub/exphub/internal/errs"
)

// Page limits: a list returns DefaultPageSize items unless asked, and never
// more than MaxPageSize; asking for more is an error, not a silent clamp.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Page asks for one page of a list: First items after the cursor After.
type Page struct {
	First int
	After string
}

// Conn is one page of a list plus what a Relay connection needs.
type Conn[T any] struct {
	Items   []T
	Cursors []string
	HasNext bool
	Total   int64
}

// EndCursor returns the cursor of the last item, or "" for an empty page.
func (c Conn[T]) EndCursor() string {
	if len(c.Cursors) == 0 {
		return ""
	}
	return c.Cursors[len(c.Cursors)-1]
}

// Scope is the set of projects a caller may read.
type Scope struct {
	All  bool
	Keys []string
}

// Allows reports whether the scope includes project key.
func (s Scope) Allows(key string) bool { return s.All || slices.Contains(s.Keys, key) }

func (s Scope) params() map[string]any {
	keys := s.Keys
	if keys == nil {
		keys = []string{}
	}
	return map[string]any{"allProjects": s.All, "projectKeys": keys}
}

// cursor is the decoded form of a keyset cursor: the sort value of the
// last item seen and its ID as the tie-breaker.
//
// L names the list (and its order) the cursor came from, so a cursor handed
// to another list is rejected instead of silently restarting or ending it.
type cursor struct {
	L  string `json:"l"`
	V  any    `json:"v,omitempty"`
	ID string `json:"id"`
}

func encodeCursor(list string, v any, id string) string {
	b, _ := json.Marshal(cursor{L: list, V: v, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(list, s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := invalid("after: %s is not a cursor from this list", errs.Quote(s))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" || c.L != list {
		return nil, bad
	}
	return &c, nil
}

// limit validates p and returns the number of items to fetch (one more
// than asked, to learn whether a next page exists) and the cursor.
func (p Page) limit(list string) (int, *cursor, error) { return p.limitUpTo(list, MaxPageSize) }

// limitUpTo is limit for a list whose caller allows pages of up to most
// items.
func (p Page) limitUpTo(list string, most int) (int, *cursor, error) {
	first := p.First
	if first < 0 {
		return 0, nil, invalid("first: must not be negative, got %d", first)
	}
	if first > most {
		return 0, nil, invalid("first: at most %d, got %d", most, first)
	}
	c, err := decodeCursor(list, p.After)
	if err != nil {
		return 0, nil, err
	}
	return first + 1, c, nil
}

// afterID returns the cursor's ID or nil, as a Cypher parameter.
func afterID(c *cursor) any {
	if c == nil {
		return nil
	}
	return c.ID
}

// afterValue returns the cursor's sort value or nil, as a Cypher parameter.
func afterValue(c *cursor) any {
	if c == nil {
		return nil
	}
	return c.V
}

// listPage runs a list statement that returns the columns total and items,
// with $limit (one more than the page) and $after (from the cursor by
// after) added to params, and cuts the result into a page.
func listPage[T any](ctx context.Context, s *Store, list string, page Page, cypher string, params map[string]any,
	after func(*cursor) any, decode func(map[string]any) (T, error), key func(T) (any, string)) (Conn[T], error) {
	limit, c, err := page.limit(list)
	if err != nil {
		return Conn[T]{}, err
	}
	params["limit"], params["after"] = limit, after(c)
	if c != nil && params["after"] == nil {
		return Conn[T]{}, invalid("after: %s is not a cursor from this list", errs.Quote(page.After))
	}
	return read(ctx, s, func(tx *txn) (Conn[T], error) {
		rec, err := tx.single(cypher, params)
		if err != nil {
			return Conn[T]{}, err
		}
		return decodeConn(rec, list, decode, limit-1, key)
	})
}

// PageInMemory is pageInMemory, for a domain that shapes a list the
// store read whole.
func PageInMemory[T any](list string, items []T, page Page, key func(T) (any, string)) (Conn[T], error) {
	return pageInMemory(list, items, page, key)
}

// pageInMemory pages items already sorted by ID, newest first, with the
// keyset cursors listPage gives the same list.
func pageInMemory[T any](list string, items []T, page Page, key func(T) (any, string)) (Conn[T], error) {
	limit, c, err := page.limit(list)
	if err != nil {
		return Conn[T]{}, err
	}
	start := 0
	if c != nil {
		for start < len(items) {
			if _, id := key(items[start]); id < c.ID {
				break
			}
			start++
		}
	}
	return pageOf(items[start:min(len(items), start+limit)], list, limit-1, int64(len(items)), key), nil
}

// pageOf cuts items fetched with limit() down to the page and computes
// cursors with key.
func pageOf[T any](items []T, list string, first int, total int64, key func(T) (any, string)) Conn[T] {
	c := Conn[T]{Total: total}
	if len(items) > first {
		items = items[:first]
		c.HasNext = true
	}
	c.Items = items
	c.Cursors = make([]string, len(items))
	for i, it := range items {
		v, id := key(it)
		c.Cursors[i] = encodeCursor(list, v, id)
	}
	return c
}
