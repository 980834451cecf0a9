package mlflow

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// ErrAlreadyExists marks a create that found its object already there;
// MLflow clients branch on it (RESOURCE_ALREADY_EXISTS), so the edge tells
// it apart from other conflicts.
var ErrAlreadyExists = errors.New("already exists")

// DefaultExperimentID is the id the client posts runs to when a script
// never chose an experiment; it names the experiment DefaultExperimentName
// of the default project.
const (
	DefaultExperimentID   = "0"
	DefaultExperimentName = "Default"
)

// Batch limits of log-batch, MLflow's own: the client splits its batches to
// fit them.
const (
	MaxBatchMetrics    = 1000
	MaxBatchParamsTags = 100
)

// RunID returns the MLflow run id of a hub run: its UUID as 32 hex digits,
// so that it passes the client's run id check.
func RunID(hubID string) string {
	return strings.ReplaceAll(strings.TrimPrefix(hubID, store.IDPrefix(store.KindRun)), "-", "")
}

// HubRunID returns the hub run id an MLflow run id names; an id that cannot
// be one is errs.NotFound, as an unknown run is.
func HubRunID(runID string) (string, error) {
	if len(runID) != 32 || strings.Trim(strings.ToLower(runID), "0123456789abcdef") != "" {
		return "", fmt.Errorf("run with id=%s: %w", errs.Quote(runID), errs.NotFound)
	}
	r := strings.ToLower(runID)
	return store.IDPrefix(store.KindRun) + r[0:8] + "-" + r[8:12] + "-" + r[12:16] + "-" + r[16:20] + "-" + r[20:], nil
}

// Place says where an MLflow experiment name lives: "project/experiment"
// names the project (the first slash splits), any other name lives in
// defaultProject. Without a default project such a name is refused.
func Place(name, defaultProject string) (projectKey, experiment string, err error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", "", errs.Invalidf("experiment name: must not be empty")
	}
	if pk, exp, ok := strings.Cut(name, "/"); ok {
		if pk == "" || exp == "" {
			return "", "", errs.Invalidf("experiment name %s: write project/experiment, both non-empty", errs.Quote(name))
		}
		return pk, exp, nil
	}
	if defaultProject == "" {
		return "", "", errs.Invalidf("experiment name %s: no default project is configured (EXPHUB_MLFLOW_DEFAULT_PROJECT); name it project/experiment", errs.Quote(name))
	}
	return defaultProject, name, nil
}

// Name is the MLflow name of a hub experiment, the inverse of Place: the
// bare name in the default project, "project/name" elsewhere.
func Name(e *store.Experiment, defaultProject string) string {
	if e.ProjectKey == defaultProject {
		return e.Name
	}
	return e.ProjectKey + "/" + e.Name
}

// Status reads an MLflow run status; MLflow's five statuses are the hub's.
func Status(s string) (store.RunStatus, error) {
	st := store.RunStatus(s)
	if !st.Known() {
		return "", errs.Invalidf("status: %s is not one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED", errs.Quote(s))
	}
	return st, nil
}

// Batch checks a log-batch's size and values before anything is written:
// MLflow's limits, and finite metric values (the hub stores no NaN or
// ±Infinity; the error names the metric).
func Batch(metrics []store.MetricPoint, params, tags []store.KeyValue) error {
	if len(metrics) > MaxBatchMetrics {
		return errs.Invalidf("a batch logging request can contain at most %d metrics, got %d", MaxBatchMetrics, len(metrics))
	}
	if n := len(params) + len(tags); n > MaxBatchParamsTags {
		return errs.Invalidf("a batch logging request can contain at most %d params and tags, got %d", MaxBatchParamsTags, n)
	}
	for _, m := range metrics {
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
			return errs.Invalidf("metric %s: value %v is not finite; the hub stores finite values only", errs.Quote(m.Key), m.Value)
		}
	}
	seen := map[string]string{}
	for _, p := range params {
		if v, ok := seen[p.Key]; ok && v != p.Value {
			return errs.Invalidf("duplicate parameter key %s with different values in one batch", errs.Quote(p.Key))
		}
		seen[p.Key] = p.Value
	}
	return nil
}

// NameFilter reads the filter of experiments/search: empty, or clauses
// `name = 'x'`, `name != 'x'`, `name LIKE 'p%'` and `name ILIKE 'p%'`
// joined by AND. It returns the test an experiment's MLflow name must
// pass. Other filters (tags, times) are not served yet.
func NameFilter(filter string) (func(name string) bool, error) {
	filter = strings.TrimSpace(filter)
	if filter == "" {
		return func(string) bool { return true }, nil
	}
	var tests []func(string) bool
	for _, clause := range splitAnd(filter) {
		t, err := nameClause(strings.TrimSpace(clause))
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	return func(name string) bool {
		for _, t := range tests {
			if !t(name) {
				return false
			}
		}
		return true
	}, nil
}

// splitAnd splits a filter at the keyword AND outside quotes.
func splitAnd(s string) []string {
	var out []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case i+5 <= len(s) && strings.EqualFold(s[i:i+5], " and "):
			out = append(out, s[start:i])
			start = i + 5
			i += 4
		}
	}
	return append(out, s[start:])
}

func nameClause(c string) (func(string) bool, error) {
	bad := errs.Invalidf("filter: %s is not supported; experiments/search filters on name (=, !=, LIKE, ILIKE) only", errs.Quote(c))
	fields := strings.Fields(c)
	if len(fields) < 3 {
		return nil, bad
	}
	key := strings.Trim(fields[0], "`")
	key = strings.TrimPrefix(strings.TrimPrefix(key, "attributes."), "attribute.")
	if key != "name" {
		return nil, bad
	}
	op := strings.ToUpper(fields[1])
	rest := strings.TrimSpace(c[strings.Index(c, fields[1])+len(fields[1]):])
	if len(rest) < 2 || (rest[0] != '\'' && rest[0] != '"') || rest[len(rest)-1] != rest[0] {
		return nil, errs.Invalidf("filter: %s: expected a quoted string value", errs.Quote(c))
	}
	val := rest[1 : len(rest)-1]
	switch op {
	case "=":
		return func(n string) bool { return n == val }, nil
	case "!=":
		return func(n string) bool { return n != val }, nil
	case "LIKE":
		return func(n string) bool { return like(n, val) }, nil
	case "ILIKE":
		return func(n string) bool { return like(strings.ToLower(n), strings.ToLower(val)) }, nil
	}
	return nil, bad
}

// like reports whether s matches an SQL LIKE pattern (% any run, _ one
// character) in O(len(s)·len(pat)) steps, whatever the pattern: a filter
// is the caller's text, and backtracking over many % is exponential.
// Bytes are compared.
func like(s, pat string) bool {
	i, j := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case j < len(pat) && (pat[j] == '_' || pat[j] == s[i]):
			i, j = i+1, j+1
		case j < len(pat) && pat[j] == '%':
			star, mark = j, i
			j++
		case star >= 0:
			mark++
			i, j = mark, star+1
		default:
			return false
		}
	}
	for j < len(pat) && pat[j] == '%' {
		j++
	}
	return j == len(pat)
}

// Fingerprint identifies a batch by its content: the same metrics, params
// and tags in the same order give the same fingerprint, so a batch the
// client re-sends after a lost answer is recognised. MLflow itself stores
// an identical metric point once.
func Fingerprint(metrics []store.MetricPoint, params, tags []store.KeyValue) string {
	// The bytes hashed are "m\x00key\x00%x(bits)\x00step\x00ms\n" per
	// point and "p\x00key\x00value\n" per param ("t" per tag), appended
	// without fmt: a batch of 1,000 points is hashed several times faster.
	h := sha256.New()
	b := make([]byte, 0, 128)
	for _, m := range metrics {
		b = append(append(append(b[:0], "m\x00"...), m.Key...), 0)
		b = append(strconv.AppendUint(b, math.Float64bits(m.Value), 16), 0)
		b = append(strconv.AppendInt(b, m.Step, 10), 0)
		b = append(strconv.AppendInt(b, m.Timestamp.UnixMilli(), 10), '\n')
		h.Write(b)
	}
	kvs := func(tag byte, list []store.KeyValue) {
		for _, kv := range list {
			b = append(append(append(append(append(b[:0], tag, 0), kv.Key...), 0), kv.Value...), '\n')
			h.Write(b)
		}
	}
	kvs('p', params)
	kvs('t', tags)
	return hex.EncodeToString(h.Sum(nil))
}
