package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// postTransport answers GraphQL over HTTP POST as gqlgen's transport.POST
// does (the same content negotiation, status codes and error bodies) but
// writes a response without encoding its data a second time. gqlgen's
// transport hands the whole response to json.Marshal, which scans the
// already marshalled data byte by byte to validate and compact it: for a
// lineage or impact response of 10,000 nodes that scan cost more than
// marshalling the nodes (bench/README.md, "Lineage"). The data gqlgen's
// executor produces is valid JSON by construction, so it is written as it
// is. TestPostTransportMatchesGqlgen holds the two transports to the same
// answers.
type postTransport struct{ transport.POST }

const (
	mediaJSON         = "application/json"
	mediaGraphQLReply = "application/graphql-response+json"
)

func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		// Nothing has run yet: gqlgen's transport says what was wrong,
		// reading the same bytes and then the same error.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		t.POST.Do(w, r, exec)
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		t.POST.Do(w, r, exec)
		return
	}
	media := replyMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media)
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx := r.Context()
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		w.WriteHeader(opErrorStatus(media, opErr))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// errReader fails a read the way the request body did.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// replyMedia is the response's media type for an Accept header, as
// graphql-over-http and gqlgen's default transport choose it: plain JSON
// unless the client asks for application/graphql-response+json first or
// names nothing this server speaks.
func replyMedia(accept string) string {
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLReply:
			return mediaGraphQLReply
		}
	}
	return mediaGraphQLReply
}

// opErrorStatus is the status of a request that never ran: a protocol
// error (a document that does not parse or validate) is 422 in plain
// JSON and 400 in application/graphql-response+json; anything else, such
// as a refused complexity, is 200 with the errors in the body.
func opErrorStatus(media string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if media == mediaGraphQLReply {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// writeResponse writes resp as json.Marshal would, in one write, copying
// its data as it is. Incremental parts (label, path, hasNext) never reach
// a POST answer; if one did it would be marshalled whole.
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		writeMarshalled(w, resp)
		return
	}
	var errs, ext []byte
	var err error
	if len(resp.Errors) > 0 {
		if errs, err = json.Marshal(resp.Errors); err != nil {
			writeMarshalled(w, resp)
			return
		}
	}
	if len(resp.Extensions) > 0 {
		if ext, err = json.Marshal(resp.Extensions); err != nil {
			writeMarshalled(w, resp)
			return
		}
	}
	b := bytes.NewBuffer(make([]byte, 0, len(resp.Data)+len(errs)+len(ext)+40))
	b.WriteByte('{')
	if errs != nil {
		b.WriteString(`"errors":`)
		b.Write(errs)
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	if len(resp.Data) == 0 {
		b.WriteString("null")
	} else {
		b.Write(resp.Data)
	}
	if ext != nil {
		b.WriteString(`,"extensions":`)
		b.Write(ext)
	}
	b.WriteByte('}')
	_, _ = w.Write(b.Bytes())
}

// writeMarshalled is gqlgen's own way: json.Marshal, and a panic (which
// the server's recovery reports) when the response cannot be encoded.
func writeMarshalled(w io.Writer, resp *graphql.Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		panic(err)
	}
	_, _ = w.Write(b)
}
