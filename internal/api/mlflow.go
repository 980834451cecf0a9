package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/jsonlimit"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

// The MLflow tracking REST API, as the unmodified mlflow client (3.x)
// calls it: /api/2.0/mlflow/<endpoint>, JSON in and out in protobuf's JSON
// conventions (snake_case fields, ids as strings, int64 as numbers, NaN
// and ±Infinity as the strings "NaN", "Infinity", "-Infinity"), GET
// requests with the message in the query string. Success is HTTP 200
// exactly; a refusal is MLflow's {"error_code", "message"} (mlflowError).
// The adapter only translates: mlflow.Service holds the mapping onto the
// hub and tracking the rules.

// mlflowRoute is one endpoint: the methods it answers and its handler,
// which decodes its request with mlflowDecode and returns the response
// object (nil for {}).
type mlflowRoute struct {
	methods []string
	serve   func(r *http.Request, p *auth.Principal) (any, error)
}

// mlflowHandler serves the MLflow endpoints under prefix /api/2.0/mlflow/
// and GET /api/3.0/mlflow/server-info, behind the body limit, the same
// token check as GraphQL and the ingestion caller limiter, every refusal
// written as MLflow's error.
func mlflowHandler(svc *mlflow.Service, arts *mlflow.Artifacts, gov []governance.Option, v auth.Verifier, callers *callerLimiter, chains *causalChains, max int64, log *slog.Logger) http.Handler {
	a := &mlflowAPI{svc: svc}
	x := &mlflowOutputsAPI{arts: arts} // artifacts and logged models: routes with path parameters
	routes := map[string]mlflowRoute{
		"/api/2.0/mlflow/experiments/get-by-name":        {[]string{http.MethodGet}, a.experimentByName},
		"/api/2.0/mlflow/experiments/create":             {[]string{http.MethodPost}, a.createExperiment},
		"/api/2.0/mlflow/experiments/get":                {[]string{http.MethodGet}, a.experiment},
		"/api/2.0/mlflow/experiments/search":             {[]string{http.MethodPost, http.MethodGet}, a.searchExperiments},
		"/api/2.0/mlflow/experiments/update":             {[]string{http.MethodPost}, a.updateExperiment},
		"/api/2.0/mlflow/experiments/set-experiment-tag": {[]string{http.MethodPost}, a.setExperimentTag},
		"/api/2.0/mlflow/experiments/delete":             {[]string{http.MethodPost}, a.deleteExperiment},
		"/api/2.0/mlflow/experiments/restore":            {[]string{http.MethodPost}, a.restoreExperiment},
		"/api/2.0/mlflow/runs/create":                    {[]string{http.MethodPost}, a.createRun},
		"/api/2.0/mlflow/runs/get":                       {[]string{http.MethodGet}, a.run},
		"/api/2.0/mlflow/runs/update":                    {[]string{http.MethodPost}, a.updateRun},
		"/api/2.0/mlflow/runs/delete":                    {[]string{http.MethodPost}, a.deleteRun},
		"/api/2.0/mlflow/runs/restore":                   {[]string{http.MethodPost}, a.restoreRun},
		"/api/2.0/mlflow/runs/log-parameter":             {[]string{http.MethodPost}, a.logParam},
		"/api/2.0/mlflow/runs/log-metric":                {[]string{http.MethodPost}, a.logMetric},
		"/api/2.0/mlflow/runs/log-batch":                 {[]string{http.MethodPost}, a.logBatch},
		"/api/2.0/mlflow/runs/set-tag":                   {[]string{http.MethodPost}, a.setTag},
		"/api/2.0/mlflow/runs/delete-tag":                {[]string{http.MethodPost}, a.deleteTag},
		"/api/2.0/mlflow/runs/log-inputs":                {[]string{http.MethodPost}, a.logInputs},
		"/api/2.0/mlflow/runs/search":                    {[]string{http.MethodPost}, a.searchRuns},
		"/api/2.0/mlflow/metrics/get-history":            {[]string{http.MethodGet}, a.metricHistory},
		"/api/3.0/mlflow/server-info":                    {[]string{http.MethodGet}, serverInfo},
	}
	for path, route := range registryRoutes(svc.Registry(gov...)) {
		routes[path] = route
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, ok := routes[r.URL.Path]
		if !ok {
			route, ok = x.route(r.URL.Path)
		}
		if !ok {
			writeMLflowJSON(w, http.StatusNotFound, map[string]string{"error_code": "ENDPOINT_NOT_FOUND",
				"message": fmt.Sprintf("no MLflow endpoint %s %s on this server", r.Method, errs.Quote(r.URL.Path))})
			return
		}
		if !slicesContains(route.methods, r.Method) {
			w.Header().Set("Allow", strings.Join(route.methods, ", "))
			writeMLflowJSON(w, http.StatusMethodNotAllowed, map[string]string{"error_code": "ENDPOINT_NOT_FOUND",
				"message": fmt.Sprintf("%s does not answer %s", r.URL.Path, r.Method)})
			return
		}
		stream := mlflowStreams(r) // an artifact upload has its own limit
		if r.ContentLength > max && !stream {
			mlflowError(w, r, log, fmt.Errorf("%w: request body over the limit of %d bytes", errs.TooLarge, max))
			return
		}
		if r.Body != nil && !stream {
			body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
			if err != nil {
				mlflowError(w, r, log, errs.Invalidf("could not read the request body"))
				return
			}
			if int64(len(body)) > max {
				mlflowError(w, r, log, fmt.Errorf("%w: request body over the limit of %d bytes", errs.TooLarge, max))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if vals := r.Header.Values("Authorization"); len(vals) > 1 {
			mlflowError(w, r, log, fmt.Errorf("%w: more than one Authorization header", errs.Unauthenticated))
			return
		}
		p, err := auth.Authenticate(r.Context(), v, r.Header.Get("Authorization"))
		if err != nil {
			mlflowError(w, r, log, err)
			return
		}
		release, wait := callers.admit(p.Subject)
		if release == nil {
			mlflowError(w, r, log, &errs.RateLimited{RetryAfter: wait,
				Msg: fmt.Sprintf("too many requests from %s; retry after %d s", errs.Quote(p.Subject), retrySeconds(&errs.RateLimited{RetryAfter: wait}))})
			return
		}
		defer release()
		r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		serve := causally(chains, func(w http.ResponseWriter, r *http.Request, err error) { mlflowError(w, r, log, err) },
			func(w http.ResponseWriter, r *http.Request) {
				res, err := route.serve(r, p)
				if err != nil {
					mlflowError(w, r, log, err)
					return
				}
				if h, ok := res.(http.Handler); ok { // a download streams itself
					h.ServeHTTP(w, r)
					return
				}
				if res == nil {
					res = emptyAnswer
				}
				writeMLflowJSON(w, http.StatusOK, res)
			})
		serve(w, r, p.Subject)
	})
}

// emptyAnswer is MLflow's answer that has no fields to carry, {}: a
// search that matched nothing, or a write that returns nothing (protobuf's
// JSON leaves empty lists out).
var emptyAnswer = struct{}{}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// mlflowCode is the one translation of an error into MLflow's error code
// and HTTP status. It starts from classify, the hub's own translation, and
// renames: the client branches on the code (RESOURCE_DOES_NOT_EXIST is how
// set_experiment learns an experiment is missing, RESOURCE_ALREADY_EXISTS
// is swallowed by register_model) and retries 429 and 5xx.
func mlflowCode(err error) (code string, status int, k kind) {
	k = classify(err)
	switch {
	case errors.Is(err, mlflow.ErrAlreadyExists):
		return "RESOURCE_ALREADY_EXISTS", http.StatusBadRequest, kind{CodeConflict, http.StatusBadRequest, true}
	case k.code == CodeUnauthenticated:
		return "UNAUTHENTICATED", http.StatusUnauthorized, k
	case k.code == CodeForbidden:
		return "PERMISSION_DENIED", http.StatusForbidden, k
	case k.code == CodeNotFound:
		return "RESOURCE_DOES_NOT_EXIST", http.StatusNotFound, k
	case k.code == CodeBadUserInput && k.status == http.StatusRequestEntityTooLarge:
		return "INVALID_PARAMETER_VALUE", http.StatusRequestEntityTooLarge, k
	case k.code == CodeBadUserInput, k.code == CodeConflict:
		// MLflow answers a refused state change (a param changed, a
		// finished run) with 400 INVALID_PARAMETER_VALUE.
		return "INVALID_PARAMETER_VALUE", http.StatusBadRequest, k
	case k.code == CodeRateLimited:
		return "REQUEST_LIMIT_EXCEEDED", http.StatusTooManyRequests, k
	case k.code == CodeUnavailable:
		return "TEMPORARILY_UNAVAILABLE", http.StatusServiceUnavailable, k
	}
	return "INTERNAL_ERROR", http.StatusInternalServerError, k
}

// mlflowError writes err as MLflow's error body.
func mlflowError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code, status, k := mlflowCode(err)
	var limited *errs.RateLimited
	if errors.As(err, &limited) {
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(limited)))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+challengeText(err.Error())+`"`)
	}
	writeMLflowJSON(w, status, map[string]string{"error_code": code,
		"message": message(r.Context(), log, err, k, r.Method+" "+r.URL.Path)})
}

func writeMLflowJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if a, ok := v.(jsonAppender); ok {
		_, _ = w.Write(a.appendJSON(nil))
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

// mlflowDecode reads a request message into v: the JSON body, or for GET
// the query string (every value a string, repeated keys a list, as the
// client sends them).
func mlflowDecode(r *http.Request, v any) error {
	var body []byte
	if r.Method == http.MethodGet {
		m := map[string]any{}
		for k, vals := range r.URL.Query() {
			if k == "order_by" || k == "experiment_ids" || len(vals) > 1 {
				m[k] = vals
			} else {
				m[k] = vals[0]
			}
		}
		body, _ = json.Marshal(m)
	} else {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return errs.Invalidf("could not read the request body")
		}
		if len(bytes.TrimSpace(body)) == 0 {
			body = []byte("{}")
		}
	}
	// jsonlimit decodes a log-batch of 1,000 points in 0.31–0.33 ms where
	// encoding/json took 0.75 (BenchmarkLogBatchDecode).
	if err := jsonlimit.Unmarshal(body, v); err != nil {
		return errs.Invalidf("malformed request: %s", errs.Clip(err.Error()))
	}
	return nil
}

// int64s are JSON numbers or numeric strings (protobuf's JSON for int64).
type protoInt int64

func (n *protoInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer", errs.Clip(string(b)))
	}
	*n = protoInt(v)
	return nil
}

// protoEnum is an enum in protobuf's JSON: its name, or its number.
type protoEnum string

func (e *protoEnum) UnmarshalJSON(b []byte) error {
	if s, err := strconv.Unquote(string(b)); err == nil {
		*e = protoEnum(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	if _, err := strconv.Atoi(string(b)); err != nil {
		return fmt.Errorf("%s is not an enum value", errs.Clip(string(b)))
	}
	*e = protoEnum(b)
	return nil
}

// protoDouble is a double in protobuf's JSON: a number, or a string holding
// a number, "NaN", "Infinity" or "-Infinity".
type protoDouble float64

func (d *protoDouble) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	switch s {
	case "NaN":
		*d = protoDouble(math.NaN())
		return nil
	case "Infinity":
		*d = protoDouble(math.Inf(1))
		return nil
	case "-Infinity":
		*d = protoDouble(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%s is not a number", errs.Clip(string(b)))
	}
	*d = protoDouble(v)
	return nil
}

func (d protoDouble) MarshalJSON() ([]byte, error) { return d.appendJSON(nil), nil }

// appendJSON appends d as protobuf's JSON writes it.
func (d protoDouble) appendJSON(b []byte) []byte {
	switch f := float64(d); {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	default:
		return appendJSONFloat(b, f)
	}
}

// appendJSONFloat appends f as encoding/json writes a finite float64: the
// shortest form that reads back as f, in exponent form only below 1e-6
// or from 1e21, with a one-digit negative exponent not padded.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b
}

// jsonAppender is an answer that writes its own JSON, in one buffer,
// with no pass of encoding/json over it: get-history answers up to 25,000
// points, and encoding them field by field was most of its time.
type jsonAppender interface{ appendJSON(b []byte) []byte }

// historyAnswer is get-history's answer; its bytes are what json.Encoder
// writes for {"metrics": [...], "next_page_token": ...} (a test holds
// them to it).
type historyAnswer struct {
	metrics []mlflowMetric
	next    string
}

func (h historyAnswer) appendJSON(b []byte) []byte {
	b = slices.Grow(b, 64+80*len(h.metrics))
	b = append(b, `{"metrics":[`...)
	var key string
	var keyJSON []byte
	for i, m := range h.metrics {
		if i > 0 {
			b = append(b, ',')
		}
		if keyJSON == nil || m.Key != key {
			key, keyJSON = m.Key, jsonString(m.Key)
		}
		b = append(b, `{"key":`...)
		b = append(b, keyJSON...)
		b = append(b, `,"value":`...)
		b = m.Value.appendJSON(b)
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, int64(m.Timestamp), 10)
		b = append(b, `,"step":`...)
		b = strconv.AppendInt(b, int64(m.Step), 10)
		b = append(b, '}')
	}
	b = append(b, ']')
	if h.next != "" {
		b = append(b, `,"next_page_token":`...)
		b = append(b, jsonString(h.next)...)
	}
	return append(b, "}\n"...)
}

// jsonString is s as encoding/json writes a string.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

type mlflowKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func kvs(in []mlflowKV) []store.KeyValue {
	out := make([]store.KeyValue, len(in))
	for i, kv := range in {
		out[i] = store.KeyValue{Key: kv.Key, Value: kv.Value}
	}
	return out
}

func fromKVs(in []store.KeyValue) []mlflowKV {
	out := make([]mlflowKV, len(in))
	for i, kv := range in {
		out[i] = mlflowKV{kv.Key, kv.Value}
	}
	return out
}

type mlflowMetric struct {
	Key       string      `json:"key"`
	Value     protoDouble `json:"value"`
	Timestamp protoInt    `json:"timestamp"`
	Step      protoInt    `json:"step"`
}

func (m mlflowMetric) point() store.MetricPoint {
	p := store.MetricPoint{Key: m.Key, Value: float64(m.Value), Step: int64(m.Step)}
	if m.Timestamp != 0 {
		p.Timestamp = time.UnixMilli(int64(m.Timestamp)).UTC()
	}
	return p
}

func metricOut(p store.MetricPoint) mlflowMetric {
	return mlflowMetric{Key: p.Key, Value: protoDouble(p.Value), Timestamp: protoInt(p.Timestamp.UnixMilli()), Step: protoInt(p.Step)}
}

func (n protoInt) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(n), 10), nil }

// pageToken encodes a keyset position as an opaque token; "" is none.
func pageToken(pos string) string {
	if pos == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(pos))
}

func readPageToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", errs.Invalidf("page_token: invalid page token")
	}
	return string(b), nil
}

// pageSize reads max_results: def when absent, at most cap per page (the
// client pages on with the token).
func pageSize(n protoInt, def, cap int) (int, error) {
	switch {
	case n < 0:
		return 0, errs.Invalidf("max_results: %d is negative", n)
	case n == 0:
		return def, nil
	}
	return min(int(n), cap), nil
}

func serverInfo(*http.Request, *auth.Principal) (any, error) {
	return map[string]any{"store_type": "exphub", "workspaces_enabled": false, "trace_archival_enabled": false,
		"multipart_uploads_enabled": false, "multipart_downloads_enabled": false}, nil
}
