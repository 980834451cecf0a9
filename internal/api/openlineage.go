package api

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/openlineage"
)

// openLineageHandler serves POST /api/v1/lineage as Marquez does, for the
// OpenLineage clients (Airflow, Spark, dbt, Feast, openlineage-python):
// one event per request, JSON, gzip-compressed when Content-Encoding says
// so (or the body starts with gzip's magic bytes), the caller's token as
// a Bearer (the clients' api_key). 201 with a small JSON body says what
// the event did; refusals are the hub's JSON errors with 400, 401, 403 or
// 413. The decompressed event is bounded like any body, so a gzip bomb
// is refused as too large.
func openLineageHandler(svc *openlineage.Service, max int64, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.FromContext(r.Context())
		if !ok {
			writeError(w, r, log, errs.Unauthenticated)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeError(w, r, log, errs.Invalidf("could not read the request body"))
			return
		}
		if body, err = decompress(r.Header.Get("Content-Encoding"), body, max); err != nil {
			writeError(w, r, log, err)
			return
		}
		res, err := svc.Ingest(r.Context(), p, body)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusCreated, res)
	})
}

// decompress returns the event of a request body: gunzipped when the
// encoding is gzip or the body is gzip anyway, at most max bytes.
func decompress(encoding string, body []byte, max int64) ([]byte, error) {
	encoding = strings.ToLower(strings.TrimSpace(encoding))
	isGzip := bytes.HasPrefix(body, []byte{0x1f, 0x8b})
	switch {
	case encoding == "gzip" && !isGzip:
		return nil, errs.Invalidf("body: Content-Encoding is gzip but the body is not gzip data")
	case encoding != "" && encoding != "gzip" && encoding != "identity":
		return nil, errs.Invalidf("Content-Encoding: %s is not supported (gzip or none)", errs.Quote(encoding))
	case !isGzip:
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, errs.Invalidf("body: not valid gzip data: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil {
		return nil, errs.Invalidf("body: not valid gzip data: %v", err)
	}
	if int64(len(out)) > max {
		return nil, fmt.Errorf("%w: the decompressed body is over the limit of %d bytes", errs.TooLarge, max)
	}
	return out, nil
}
