package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/exphub/exphub/internal/wsclient"
)

const watchUsage = "usage: hubctl watch [--url http://127.0.0.1:8080/graphql] [--project P ...] [--kind K ...] [--after CURSOR] [--count N] [--json] [--token-env EXPHUB_TOKEN]\n"

const watchQuery = `subscription($after: String, $keys: [String!], $kinds: [EventKind!]) {
  events(after: $after, filter: {projectKeys: $keys, kinds: $kinds}) { cursor seq at actor projectKey kind targetId payload hash } }`

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

type watchedEvent struct {
	Cursor     string         `json:"cursor"`
	Seq        int64          `json:"seq"`
	At         string         `json:"at"`
	Actor      string         `json:"actor"`
	ProjectKey string         `json:"projectKey"`
	Kind       string         `json:"kind"`
	TargetID   string         `json:"targetId"`
	Payload    map[string]any `json:"payload"`
	Hash       string         `json:"hash"`
}

// runWatch implements "hubctl watch": it prints events as they arrive and,
// when the connection drops or the server ends the subscription with a
// cursor to resume from, reconnects and resumes there, so nothing is missed
// and nothing is printed twice.
func runWatch(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hubctl watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), watchUsage)
		fs.PrintDefaults()
	}
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the hub's GraphQL endpoint")
	var projects, kinds listFlag
	fs.Var(&projects, "project", "only events of this project (repeatable)")
	fs.Var(&kinds, "kind", "only events of this kind, e.g. RUN_STATUS_CHANGED (repeatable)")
	after := fs.String("after", "", "replay the events after this cursor first (0: the whole log); without it, only new events")
	count := fs.Int("count", 0, "exit after this many events (0: never)")
	asJSON := fs.Bool("json", false, "print each event as one JSON object per line")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "environment variable holding the bearer token")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "hubctl watch: "+format+"\n", a...)
		fmt.Fprint(stderr, watchUsage)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *count < 0:
		return usageErr("--count must not be negative, got %d", *count)
	case getenv(*tokenEnv) == "":
		return usageErr("$%s is empty: set it to a token (hubctl token prints one)", *tokenEnv)
	case !strings.HasPrefix(*url, "http://") && !strings.HasPrefix(*url, "https://") && !strings.HasPrefix(*url, "ws://") && !strings.HasPrefix(*url, "wss://"):
		return usageErr("--url %q is not an http(s) or ws(s) URL", *url)
	}
	for _, k := range kinds {
		if k != strings.ToUpper(k) {
			return usageErr("--kind %q: kinds are upper case, e.g. RUN_STATUS_CHANGED", k)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	w := &watcher{url: *url, token: getenv(*tokenEnv), projects: projects, kinds: kinds, count: *count, json: *asJSON, stdout: stdout, stderr: stderr}
	if *after != "" {
		w.cursor = after
	}
	return w.run(ctx)
}

type watcher struct {
	url, token     string
	projects       []string
	kinds          []string
	cursor         *string
	count, printed int
	json           bool
	stdout, stderr io.Writer
}

// errFatal ends the watch: retrying cannot help.
type errFatal struct{ msg string }

func (e *errFatal) Error() string { return e.msg }

func (w *watcher) run(ctx context.Context) int {
	backoff := 250 * time.Millisecond
	for {
		err := w.once(ctx)
		var fatal *errFatal
		switch {
		case err == nil || ctx.Err() != nil:
			return exitOK
		case errors.As(err, &fatal):
			fmt.Fprintf(w.stderr, "hubctl watch: %v\n", err)
			return exitError
		}
		fmt.Fprintf(w.stderr, "hubctl watch: %v; reconnecting in %s\n", err, backoff)
		select {
		case <-ctx.Done():
			return exitOK
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// once runs one connection; nil means done (count reached).
func (w *watcher) once(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	c, err := wsclient.Dial(dctx, w.url, w.token, nil)
	cancel()
	if err != nil {
		var ce *wsclient.CloseError
		if errors.As(err, &ce) && ce.Code == 4403 {
			return &errFatal{"the server refused the token: " + ce.Reason}
		}
		return err
	}
	defer c.CloseNow()
	vars := map[string]any{"keys": nilIfEmpty(w.projects), "kinds": nilIfEmpty(w.kinds)}
	if w.cursor != nil {
		vars["after"] = *w.cursor
	}
	if err := c.Subscribe(ctx, "watch", watchQuery, vars); err != nil {
		return err
	}
	for {
		m, err := c.Next(ctx)
		if err != nil {
			return err
		}
		switch m.Type {
		case "next":
			var d struct{ Events *watchedEvent }
			errs, err := m.Data(&d)
			if err != nil {
				return err
			}
			if len(errs) > 0 {
				return &errFatal{errs[0].Message}
			}
			if d.Events == nil {
				continue
			}
			w.print(d.Events)
			cur := d.Events.Cursor
			w.cursor = &cur
			if w.printed++; w.count > 0 && w.printed >= w.count {
				return nil
			}
		case "error":
			errs := m.Errors()
			if len(errs) == 0 {
				return &errFatal{"the server ended the subscription"}
			}
			if resume, ok := errs[0].Extensions["resumeAfter"].(string); ok && errs[0].Extensions["code"] == "UNAVAILABLE" {
				w.cursor = &resume
				return errors.New(errs[0].Message)
			}
			return &errFatal{errs[0].Message}
		case "complete":
			// A server that shuts down completes subscriptions: resume
			// from the cursor, on whichever replica answers.
			return errors.New("the server completed the subscription")
		}
	}
}

func nilIfEmpty(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (w *watcher) print(e *watchedEvent) {
	if w.json {
		b, _ := json.Marshal(e)
		fmt.Fprintln(w.stdout, string(b))
		return
	}
	payload, _ := json.Marshal(e.Payload)
	fmt.Fprintf(w.stdout, "%s  #%d  %-26s %-14s %s  by %s  %s\n", e.At, e.Seq, e.Kind, e.ProjectKey, e.TargetID, e.Actor, payload)
}
