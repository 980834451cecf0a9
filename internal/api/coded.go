package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codedErrors gives every error of a refused GraphQL request an
// extensions.code. gqlgen's transports answer a few malformed requests
// themselves, before any operation exists for the error presenter to see:
// an unsupported method or content type, a GET mutation, a body or
// variables that are not JSON. Those answers (HTTP 4xx) pass through here,
// and an error without a code gets BAD_USER_INPUT, with what gqlgen said
// kept as the message.
func codedErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &codingWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// codingWriter buffers a response whose status is 400 or more.
type codingWriter struct {
	http.ResponseWriter
	status int
	buf    *bytes.Buffer
}

func (c *codingWriter) WriteHeader(status int) {
	if c.status != 0 {
		return
	}
	c.status = status
	if status >= 400 {
		c.buf = &bytes.Buffer{}
		return
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *codingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if c.buf != nil {
		return c.buf.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

// Flush lets streaming transports flush what is not buffered.
func (c *codingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok && c.buf == nil {
		f.Flush()
	}
}

func (c *codingWriter) finish() {
	if c.buf == nil {
		return
	}
	body := c.buf.Bytes()
	var resp struct {
		Errors []map[string]any `json:"errors"`
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err == nil && raw["errors"] != nil && json.Unmarshal(raw["errors"], &resp.Errors) == nil {
		changed := false
		for _, e := range resp.Errors {
			ext, _ := e["extensions"].(map[string]any)
			if _, ok := ext["code"]; !ok {
				// What gqlgen said, presented as any refusal of a request.
				msg, _ := e["message"].(string)
				presented := requestError(&gqlerror.Error{Message: msg})
				e["message"], e["extensions"] = presented.Message, presented.Extensions
				changed = true
			}
		}
		if changed {
			if b, err := json.Marshal(resp.Errors); err == nil {
				raw["errors"] = b
				if out, err := json.Marshal(raw); err == nil {
					body = out
				}
			}
		}
	}
	h := c.ResponseWriter.Header()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	c.ResponseWriter.WriteHeader(c.status)
	_, _ = c.ResponseWriter.Write(body)
}
