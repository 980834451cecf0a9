package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"github.com/exphub/exphub/internal/auth"
)

// Websocket timing: a client has InitTimeout to send connection_init, and
// the server pings every PingInterval, closing a connection whose client
// has not answered within two intervals.
const (
	InitTimeout  = 10 * time.Second
	PingInterval = 20 * time.Second
)

// Close codes of graphql-transport-ws for a refused connection_init.
const closeForbidden = 4403

func isWebsocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
}

// originPatterns turns the CORS allowlist (origins such as
// http://localhost:5173) into the host patterns the websocket library
// matches a browser's Origin against. Same-origin pages and clients that
// send no Origin (not browsers) are always let in.
func originPatterns(origins []string) []string {
	var out []string
	for _, o := range origins {
		if o == "*" {
			return []string{"*"}
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
}

// websocketTransport serves subscriptions with graphql-transport-ws (and
// the older graphql-ws): the token comes in connection_init's payload as
// {"Authorization": "Bearer <token>"} and is checked by the same verifier
// as HTTP requests; a bad one closes the socket with 4403 and the reason.
func websocketTransport(o Options, log *slog.Logger) transport.Websocket {
	return transport.Websocket{
		Implementation: hubWebsocket{options: coderws.AcceptOptions{
			OriginPatterns: originPatterns(o.CORSOrigins),
		}},
		InitTimeout:      InitTimeout,
		PingPongInterval: PingInterval,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			p, err := auth.Authenticate(ctx, o.Verifier, payload.Authorization())
			if err != nil {
				ctx = transport.WithWebsocketCloseCode(ctx, closeForbidden)
				// A close reason holds at most 123 bytes.
				reason := err.Error()
				if len(reason) > 120 {
					reason = reason[:120]
				}
				return transport.AppendCloseReason(ctx, reason), nil, err
			}
			return auth.WithPrincipal(ctx, p), nil, nil
		},
		ErrorFunc: func(ctx context.Context, err error) {
			log.DebugContext(ctx, "websocket", "err", err)
		},
	}
}
