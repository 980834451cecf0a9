// Package wsclient is a small GraphQL subscription client speaking
// graphql-transport-ws over a websocket: hubctl watch uses it, and so do
// the tests and the benchmark.
//
// It is a client: it must not import the server's packages.
package wsclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/coder/websocket"
)

// Protocol is the websocket subprotocol spoken.
const Protocol = "graphql-transport-ws"

// Message is one server message.
type Message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Client is one connection. Next must be called from one goroutine.
type Client struct {
	conn *websocket.Conn
	wmu  sync.Mutex
}

// CloseError is how the server closed the connection.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string { return fmt.Sprintf("connection closed: %d %s", e.Code, e.Reason) }

// asClose turns a websocket close into a *CloseError.
func asClose(err error) error {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return &CloseError{Code: int(ce.Code), Reason: ce.Reason}
	}
	return err
}

// Dial connects to url (http(s):// or ws(s)://), sends connection_init
// with the bearer token and waits for the acknowledgement. header may set
// e.g. Origin.
func Dial(ctx context.Context, url, token string, header http.Header) (*Client, error) {
	url = strings.Replace(strings.Replace(url, "http://", "ws://", 1), "https://", "wss://", 1)
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{Protocol}, HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(16 << 20)
	c := &Client{conn: conn}
	init := map[string]any{}
	if token != "" {
		init["Authorization"] = "Bearer " + token
	}
	if err := c.send(ctx, Message{Type: "connection_init", Payload: mustJSON(init)}); err != nil {
		conn.CloseNow()
		return nil, err
	}
	for {
		m, err := c.Next(ctx)
		if err != nil {
			conn.CloseNow()
			return nil, err
		}
		if m.Type == "connection_ack" {
			return c, nil
		}
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func (c *Client) send(ctx context.Context, m Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return asClose(c.conn.Write(ctx, websocket.MessageText, b))
}

// Subscribe starts operation id.
func (c *Client) Subscribe(ctx context.Context, id, query string, vars map[string]any) error {
	return c.send(ctx, Message{ID: id, Type: "subscribe", Payload: mustJSON(map[string]any{"query": query, "variables": vars})})
}

// Stop ends operation id.
func (c *Client) Stop(ctx context.Context, id string) error {
	return c.send(ctx, Message{ID: id, Type: "complete"})
}

// Next returns the next message that is not a ping or pong (pings are
// answered). A closed connection is a *CloseError.
func (c *Client) Next(ctx context.Context) (Message, error) {
	for {
		_, b, err := c.conn.Read(ctx)
		if err != nil {
			return Message{}, asClose(err)
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			return Message{}, fmt.Errorf("bad server message %q: %w", b, err)
		}
		switch m.Type {
		case "ping":
			if err := c.send(ctx, Message{Type: "pong"}); err != nil {
				return Message{}, err
			}
		case "pong":
		default:
			return m, nil
		}
	}
}

// Close closes the connection normally.
func (c *Client) Close() error { return c.conn.Close(websocket.StatusNormalClosure, "bye") }

// CloseNow drops the connection without a closing handshake.
func (c *Client) CloseNow() error { return c.conn.CloseNow() }

// GraphQLError is one error of an error or next message.
type GraphQLError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// Data decodes a next message's data into v and returns its errors.
func (m Message) Data(v any) ([]GraphQLError, error) {
	var body struct {
		Data   json.RawMessage `json:"data"`
		Errors []GraphQLError  `json:"errors"`
	}
	if err := json.Unmarshal(m.Payload, &body); err != nil {
		return nil, err
	}
	if len(body.Data) > 0 && string(body.Data) != "null" && v != nil {
		if err := json.Unmarshal(body.Data, v); err != nil {
			return nil, err
		}
	}
	return body.Errors, nil
}

// Errors decodes an error message's payload.
func (m Message) Errors() []GraphQLError {
	var errs []GraphQLError
	_ = json.Unmarshal(m.Payload, &errs)
	return errs
}
