package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
)

// The connection ties an operation to the subscribe message read just
// before it was made: one whose operation never started (its payload was
// refused) lends its id to nothing, and a message is read as the
// transport's decoder reads it, whatever follows it.
func TestWSConnTiesOperationsToTheirSubscribe(t *testing.T) {
	accepted := make(chan *wsConn, 1)
	hold := make(chan struct{})
	defer close(hold)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := hubWebsocket{}.Accept(w, r, transport.WebsocketAcceptOptions{Subprotocols: []string{graphqlTransportWS}})
		if err != nil {
			t.Error(err)
			return
		}
		accepted <- c.(*wsConn)
		<-hold
		_ = c.Close()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	client, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &coderws.DialOptions{Subprotocols: []string{graphqlTransportWS}})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseNow()
	server := <-accepted

	read := func(msg string) {
		t.Helper()
		if err := client.Write(ctx, coderws.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := server.NextReader(); err != nil {
			t.Fatal(err)
		}
	}
	read(`{"type":"subscribe","id":"refused","payload":"not an object"}`)
	read(`{"type":"ping"}`)
	first := &graphql.OperationContext{}
	server.started(first, nil)
	if id := server.operationID(first); id != "" {
		t.Fatalf("an operation was tied to %q, the id of a subscribe that never started", id)
	}
	read(`{"type":"subscribe","id":"b","payload":{"query":"subscription { x }"}} trailing`)
	second := &graphql.OperationContext{}
	server.started(second, nil)
	if id := server.operationID(second); id != "b" {
		t.Fatalf("the operation was tied to %q, want b", id)
	}
	if id := server.operationID(second); id != "" {
		t.Fatalf("the id was handed out twice (%q)", id)
	}
}
