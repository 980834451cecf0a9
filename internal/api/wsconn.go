package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// graphqlTransportWS is the subprotocol whose next messages a shared
// subscription writes itself.
const graphqlTransportWS = "graphql-transport-ws"

// hubWebsocket accepts gqlgen's websocket connections with
// github.com/coder/websocket, as gqlgen's own adapter does, over a
// connection that coalesces its writes (coalescingConn). It also lets a
// shared subscription write its members' next messages itself: it notes
// the id of each subscribe message the transport reads, and the executor
// (groupingExecutor) ties that id to the operation the message starts.
type hubWebsocket struct {
	options coderws.AcceptOptions
}

// A wsSlot, put in the request's context before the transport accepts
// it, receives the connection, so the operations of the connection can
// find it.
type wsSlot struct{ conn *wsConn }

type wsSlotKey struct{}

func withWSSlot(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), wsSlotKey{}, &wsSlot{}))
}

func wsSlotOf(ctx context.Context) *wsSlot {
	s, _ := ctx.Value(wsSlotKey{}).(*wsSlot)
	return s
}

func wsConnOf(ctx context.Context) *wsConn {
	if s := wsSlotOf(ctx); s != nil {
		return s.conn
	}
	return nil
}

func (h hubWebsocket) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	for k, vs := range o.ResponseHeader {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	opts := h.options
	opts.Subprotocols = slices.Clip(opts.Subprotocols)
	for _, p := range o.Subprotocols {
		if !slices.Contains(opts.Subprotocols, p) {
			opts.Subprotocols = append(opts.Subprotocols, p)
		}
	}
	hj := &coalescingHijacker{ResponseWriter: w}
	conn, err := coderws.Accept(hj, r, &opts)
	if err != nil {
		return nil, err
	}
	c := &wsConn{conn: conn, out: hj.conn, ops: map[*graphql.OperationContext]string{}}
	if s := wsSlotOf(r.Context()); s != nil {
		s.conn = c
	}
	return c, nil
}

// wsConn is gqlgen's view of one websocket connection.
type wsConn struct {
	conn *coderws.Conn
	out  *coalescingConn

	mu          sync.Mutex
	subscribing string // id of the subscribe message read last, not yet tied to its operation
	ops         map[*graphql.OperationContext]string
	deadline    *time.Timer
	closing     bool // a close handshake runs in the background
}

var (
	_ transport.WebsocketConn          = (*wsConn)(nil)
	_ transport.WebsocketReadLimiter   = (*wsConn)(nil)
	_ transport.WebsocketReadDeadliner = (*wsConn)(nil)
)

// NextReader reads the next message whole and notes the id of a
// subscribe message.
func (c *wsConn) NextReader() (int, io.Reader, error) {
	typ, data, err := c.conn.Read(context.Background())
	if err != nil {
		switch coderws.CloseStatus(err) {
		case coderws.StatusNormalClosure, coderws.StatusNoStatusRcvd:
			return int(typ), nil, transport.ErrWebsocketClosed
		}
		return int(typ), nil, err
	}
	// Read as the transport reads it (a decoder, which ignores what
	// follows the message), and forget an earlier subscribe whose
	// operation never started.
	var id string
	if c.conn.Subprotocol() == graphqlTransportWS {
		var m struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if json.NewDecoder(bytes.NewReader(data)).Decode(&m) == nil && m.Type == "subscribe" {
			id = m.ID
		}
	}
	c.mu.Lock()
	c.subscribing = id
	c.mu.Unlock()
	return int(typ), bytes.NewReader(data), nil
}

// started ties the operation the transport made of the subscribe message
// read last to that message's id. The transport reads a message and makes
// its operation on one goroutine, so the two belong together.
func (c *wsConn) started(rc *graphql.OperationContext, errs gqlerror.List) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.subscribing
	c.subscribing = ""
	if rc != nil && len(errs) == 0 && id != "" {
		c.ops[rc] = id
	}
}

// operationID returns, once, the id of the subscribe message that
// started rc ("" if none did).
func (c *wsConn) operationID(rc *graphql.OperationContext) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.ops[rc]
	delete(c.ops, rc)
	return id
}

func (c *wsConn) WriteJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.writeText(data)
}

// writeText writes one text message (a frame prepared by the caller).
func (c *wsConn) writeText(data []byte) error {
	return c.conn.Write(context.Background(), coderws.MessageText, data)
}

// backlog is how many bytes wait to be sent to this connection's client.
func (c *wsConn) backlog() int { return c.out.backlog() }

// WriteClose starts the closing handshake in the background: it waits
// for the client's close frame, which a slow or absent client may never
// send, and the transport must not wait with it.
func (c *wsConn) WriteClose(code int, reason string) error {
	c.mu.Lock()
	c.stopDeadline()
	if c.closing {
		c.mu.Unlock()
		return nil
	}
	c.closing = true
	c.mu.Unlock()
	go func() { _ = c.conn.Close(coderws.StatusCode(code), reason) }()
	return nil
}

func (c *wsConn) Close() error {
	c.mu.Lock()
	c.stopDeadline()
	closing := c.closing
	c.mu.Unlock()
	if closing {
		return nil // the handshake closes the connection when it ends
	}
	return c.conn.CloseNow()
}

func (c *wsConn) Subprotocol() string { return c.conn.Subprotocol() }

func (c *wsConn) SetReadLimit(n int64) { c.conn.SetReadLimit(n) }

// SetReadDeadline closes the connection when t passes (the transport
// sets it after a ping, and clears it with a zero t on the pong).
func (c *wsConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopDeadline()
	if t.IsZero() {
		return nil
	}
	c.deadline = time.AfterFunc(time.Until(t), func() { _ = c.conn.CloseNow() })
	return nil
}

func (c *wsConn) stopDeadline() {
	if c.deadline != nil {
		c.deadline.Stop()
		c.deadline = nil
	}
}
