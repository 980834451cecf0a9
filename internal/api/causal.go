package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// BookmarkHeader carries a caller's causal position across replicas: a
// response to a request that wrote carries it, and a request that sends
// it back reads, on any replica, what that write wrote (on a Neo4j
// cluster the follower serving the read waits until it has applied it).
const BookmarkHeader = "Exphub-Bookmark"

// maxBookmarkHeader bounds the header's length.
const maxBookmarkHeader = 4096

// causalChains keeps, per caller, the bookmarks of its last write through
// this replica: its next requests start from them, so a caller reads its
// own writes without sending the header back (the explorer after a
// mutation, a script's create-then-get).
type causalChains struct {
	last *lru.Cache[string, []string]
}

func newCausalChains() *causalChains {
	c, _ := lru.New[string, []string](10_000)
	return &causalChains{last: c}
}

// chain starts a request's chain: after the caller's last write here and
// the bookmarks the request carries (a malformed header is refused).
func (c *causalChains) chain(r *http.Request, subject string) (*store.Causal, error) {
	ch := store.NewCausal()
	if last, ok := c.last.Get(subject); ok {
		ch.Join(last)
	}
	if h := r.Header.Get(BookmarkHeader); h != "" {
		bms, err := parseBookmarks(h)
		if err != nil {
			return nil, err
		}
		ch.Join(bms)
	}
	return ch, nil
}

// wrote remembers the chain of a request that wrote.
func (c *causalChains) wrote(subject string, ch *store.Causal) {
	if ch.Wrote() {
		c.last.Add(subject, ch.Bookmarks())
	}
}

func parseBookmarks(h string) ([]string, error) {
	bad := func(why string) error {
		return errs.Invalidf("%s header %s: %s; send back the value a response gave", BookmarkHeader, errs.Quote(h), why)
	}
	if len(h) > maxBookmarkHeader {
		return nil, bad(fmt.Sprintf("over %d bytes", maxBookmarkHeader))
	}
	raw, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return nil, bad("not base64url")
	}
	var bms []string
	if err := json.Unmarshal(raw, &bms); err != nil || len(bms) == 0 || len(bms) > store.MaxBookmarks {
		return nil, bad("not a list of bookmarks")
	}
	for _, b := range bms {
		if b == "" || len(b) > 1024 {
			return nil, bad("an empty or over-long bookmark")
		}
		for _, r := range b {
			if r < 0x21 || r > 0x7e {
				return nil, bad("a bookmark with characters Neo4j never writes")
			}
		}
	}
	return bms, nil
}

func formatBookmarks(bms []string) string {
	raw, _ := json.Marshal(bms)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// causalWriter sets the bookmark header on a response whose request wrote,
// just before the response starts.
type causalWriter struct {
	http.ResponseWriter
	ch      *store.Causal
	started bool
}

func (w *causalWriter) start() {
	if !w.started {
		w.started = true
		if w.ch.Wrote() {
			w.Header().Set(BookmarkHeader, formatBookmarks(w.ch.Bookmarks()))
		}
	}
}

func (w *causalWriter) WriteHeader(code int) { w.start(); w.ResponseWriter.WriteHeader(code) }

func (w *causalWriter) Write(p []byte) (int, error) { w.start(); return w.ResponseWriter.Write(p) }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *causalWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// causally runs an authenticated request in its caller's causal chain.
func causally(chains *causalChains, serveErr func(http.ResponseWriter, *http.Request, error), next func(http.ResponseWriter, *http.Request)) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, subject string) {
		ch, err := chains.chain(r, subject)
		if err != nil {
			serveErr(w, r, err)
			return
		}
		defer chains.wrote(subject, ch)
		next(&causalWriter{ResponseWriter: w, ch: ch}, r.WithContext(store.WithCausal(r.Context(), ch)))
	}
}

// causalHTTP is causally for a handler behind authenticate.
func causalHTTP(chains *causalChains, log *slog.Logger, next http.Handler) http.Handler {
	serve := causally(chains, func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, log, err) }, next.ServeHTTP)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		subject := ""
		if p != nil {
			subject = p.Subject
		}
		serve(w, r, subject)
	})
}
