package openlineage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Kind is the kind of an OpenLineage event: the spec's oneOf has no tag,
// so it is told by shape (a run makes a RunEvent, a dataset a
// DatasetEvent, a job without a run a JobEvent).
type Kind string

// The event kinds of spec 2-0-x.
const (
	RunEvent     Kind = "RunEvent"
	JobEvent     Kind = "JobEvent"
	DatasetEvent Kind = "DatasetEvent"
)

// The run event types (the spec's eventType enum).
const (
	Start    = "START"
	Running  = "RUNNING"
	Complete = "COMPLETE"
	Abort    = "ABORT"
	Fail     = "FAIL"
	Other    = "OTHER"
)

// EventTypes are the eventType values the spec allows.
var EventTypes = []string{Start, Running, Complete, Abort, Fail, Other}

// Limits of one event. A facet over MaxFacetBytes is kept as a marker that
// says how large it was, so nothing is dropped unseen.
const (
	MaxDatasets      = 1_000
	MaxFacetBytes    = 64 << 10
	MaxFacets        = 100
	MaxColumnEdges   = 10_000
	MaxSchemaFields  = 5_000
	MaxAssertions    = 1_000
	maxNestingSchema = 8
)

// Event is one OpenLineage event, checked against the spec.
type Event struct {
	Kind     Kind
	Type     string // RunEvent only; OTHER when the producer left it out
	Time     time.Time
	Producer string
	RunID    string
	RunFacet map[string]any
	Job      *Named // nil for a DatasetEvent
	Inputs   []Dataset
	Outputs  []Dataset
	Dataset  *Dataset // a DatasetEvent's
	// Hash identifies the content: the SHA-256 of the event as canonical
	// JSON (keys sorted), so a retried event is recognised whatever its
	// key order.
	Hash string
}

// Named is a job: its namespace, name and facets.
type Named struct {
	Namespace, Name string
	Facets          map[string]any
}

// Dataset is a dataset of an event; IOFacets are its input or output
// facets.
type Dataset struct {
	Namespace, Name string
	Facets          map[string]any
	IOFacets        map[string]any
}

// path is where a checker is in the event, for messages.
type path string

func (p path) at(key string) path {
	if p == "" {
		return path(key)
	}
	return path(string(p) + "." + key)
}

func (p path) index(i int) path { return path(fmt.Sprintf("%s[%d]", p, i)) }

func (p path) errorf(format string, args ...any) error {
	return errs.Invalidf("%s: %s", string(p), fmt.Sprintf(format, args...))
}

// Parse reads one event from JSON and checks it against the OpenLineage
// spec: required fields, types and formats. The error names the field.
func Parse(body []byte) (*Event, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errs.Invalidf("body: not JSON: %s", errs.Quote(err.Error()))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errs.Invalidf("body: more than one JSON value")
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, errs.Invalidf("body: an OpenLineage event is a JSON object, got %s", typeName(v))
	}
	canonical, err := json.Marshal(top)
	if err != nil {
		return nil, errs.Invalidf("body: %v", err)
	}
	sum := sha256.Sum256(canonical)
	e := &Event{Hash: hex.EncodeToString(sum[:])}
	if e.Time, err = dateTime(top, "", "eventTime", true); err != nil {
		return nil, err
	}
	if e.Producer, err = uriRef(top, "", "producer", true); err != nil {
		return nil, err
	}
	schemaURL, err := uriRef(top, "", "schemaURL", true)
	if err != nil {
		return nil, err
	}
	_, hasRun := top["run"]
	_, hasJob := top["job"]
	_, hasDataset := top["dataset"]
	switch {
	case hasRun:
		e.Kind = RunEvent
	case hasDataset:
		e.Kind = DatasetEvent
	case hasJob:
		e.Kind = JobEvent
	default:
		return nil, errs.Invalidf("run: required (a RunEvent has run and job; a JobEvent job; a DatasetEvent dataset)")
	}
	if frag := schemaURL[strings.LastIndex(schemaURL, "/")+1:]; slices.Contains([]string{"RunEvent", "JobEvent", "DatasetEvent"}, frag) && Kind(frag) != e.Kind {
		return nil, errs.Invalidf("schemaURL: says %s, but the event has the shape of a %s", frag, e.Kind)
	}
	switch e.Kind {
	case RunEvent:
		err = e.parseRun(top)
	case JobEvent:
		err = e.parseJob(top)
	case DatasetEvent:
		err = e.parseDatasetEvent(top)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Event) parseRun(top map[string]any) error {
	e.Type = Other
	if raw, ok := top["eventType"]; ok && raw != nil {
		t, ok := raw.(string)
		if !ok || !slices.Contains(EventTypes, t) {
			return errs.Invalidf("eventType: must be one of %s, got %s", strings.Join(EventTypes, ", "), quoteValue(raw))
		}
		e.Type = t
	}
	run, err := object(top, "", "run", true)
	if err != nil {
		return err
	}
	if e.RunID, err = uuidString(run, "run", "runId", true); err != nil {
		return err
	}
	if e.RunFacet, err = facets(run, "run", "facets", false); err != nil {
		return err
	}
	if err := checkRunFacets(e.RunFacet); err != nil {
		return err
	}
	if e.Job, err = job(top); err != nil {
		return err
	}
	return e.parseIO(top)
}

func (e *Event) parseJob(top map[string]any) error {
	var err error
	if e.Job, err = job(top); err != nil {
		return err
	}
	return e.parseIO(top)
}

func (e *Event) parseDatasetEvent(top map[string]any) error {
	if _, both := top["job"]; both {
		if _, run := top["run"]; run {
			return errs.Invalidf("dataset: a DatasetEvent has no job and run")
		}
	}
	d, err := object(top, "", "dataset", true)
	if err != nil {
		return err
	}
	ds, err := dataset(d, "dataset", "")
	if err != nil {
		return err
	}
	e.Dataset = &ds
	return nil
}

func (e *Event) parseIO(top map[string]any) error {
	for _, side := range []struct {
		key, io string
		dst     *[]Dataset
	}{{"inputs", "inputFacets", &e.Inputs}, {"outputs", "outputFacets", &e.Outputs}} {
		list, err := array(top, "", side.key, false)
		if err != nil {
			return err
		}
		if len(list) > MaxDatasets {
			return errs.Invalidf("%s: at most %d datasets, got %d", side.key, MaxDatasets, len(list))
		}
		for i, item := range list {
			p := path(side.key).index(i)
			m, ok := item.(map[string]any)
			if !ok {
				return p.errorf("must be an object, got %s", typeName(item))
			}
			d, err := dataset(m, p, side.io)
			if err != nil {
				return err
			}
			*side.dst = append(*side.dst, d)
		}
	}
	return nil
}

func job(top map[string]any) (*Named, error) {
	j, err := object(top, "", "job", true)
	if err != nil {
		return nil, err
	}
	n := &Named{}
	if n.Namespace, err = text(j, "job", "namespace", store.MaxURILen, true); err != nil {
		return nil, err
	}
	if n.Name, err = text(j, "job", "name", store.MaxURILen, true); err != nil {
		return nil, err
	}
	if n.Facets, err = facets(j, "job", "facets", true); err != nil {
		return nil, err
	}
	return n, checkJobFacets(n.Facets)
}

func dataset(m map[string]any, p path, ioKey string) (Dataset, error) {
	var d Dataset
	var err error
	if d.Namespace, err = text(m, p, "namespace", store.MaxURILen, true); err != nil {
		return d, err
	}
	if d.Name, err = text(m, p, "name", store.MaxURILen, true); err != nil {
		return d, err
	}
	if n := len(d.Namespace) + len(d.Name); n > store.MaxDatasetIdentityLen {
		return d, p.at("name").errorf("namespace and name together at most %d bytes, got %d", store.MaxDatasetIdentityLen, n)
	}
	if d.Facets, err = facets(m, p, "facets", true); err != nil {
		return d, err
	}
	if ioKey != "" {
		if d.IOFacets, err = facets(m, p, ioKey, false); err != nil {
			return d, err
		}
	}
	return d, checkDatasetFacets(d, p, ioKey)
}

// facets reads a map of facets: each a JSON object with _producer and
// _schemaURL strings (an empty _producer is accepted: Feast sends one);
// _deleted, a boolean, only where the spec allows it (job and dataset
// facets).
func facets(m map[string]any, p path, key string, deletable bool) (map[string]any, error) {
	f, err := object(m, p, key, false)
	if err != nil || f == nil {
		return nil, err
	}
	if len(f) > MaxFacets {
		return nil, p.at(key).errorf("at most %d facets, got %d", MaxFacets, len(f))
	}
	for name, v := range f {
		fp := p.at(key).at(name)
		if err := store.CheckText(string(fp), name, store.MaxNameLen, true); err != nil {
			return nil, err
		}
		facet, ok := v.(map[string]any)
		if !ok {
			return nil, fp.errorf("a facet must be an object, got %s", typeName(v))
		}
		if d, has := facet["_deleted"]; has {
			if !deletable {
				return nil, fp.at("_deleted").errorf("only job and dataset facets can be deleted")
			}
			if _, ok := d.(bool); !ok {
				return nil, fp.at("_deleted").errorf("must be a boolean, got %s", typeName(d))
			}
			continue
		}
		for _, k := range []string{"_producer", "_schemaURL"} {
			if _, err := str(facet, fp, k, false); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// deleted reports whether a facet is a deletion ({"_deleted": true}).
func deleted(v any) bool {
	m, _ := v.(map[string]any)
	d, _ := m["_deleted"].(bool)
	return d
}

func checkRunFacets(f map[string]any) error {
	p := path("run.facets")
	if parent, ok := f["parent"].(map[string]any); ok {
		pp := p.at("parent")
		r, err := object(parent, pp, "run", true)
		if err != nil {
			return err
		}
		if _, err := uuidString(r, pp.at("run"), "runId", true); err != nil {
			return err
		}
		j, err := object(parent, pp, "job", true)
		if err != nil {
			return err
		}
		for _, k := range []string{"namespace", "name"} {
			if _, err := text(j, pp.at("job"), k, store.MaxURILen, true); err != nil {
				return err
			}
		}
	}
	if em, ok := f["errorMessage"].(map[string]any); ok {
		if _, err := text(em, p.at("errorMessage"), "message", store.MaxDescriptionLen*10, true); err != nil {
			return err
		}
		if _, err := str(em, p.at("errorMessage"), "programmingLanguage", true); err != nil {
			return err
		}
	}
	if nt, ok := f["nominalTime"].(map[string]any); ok {
		if _, err := dateTime(nt, p.at("nominalTime"), "nominalStartTime", true); err != nil {
			return err
		}
		if _, err := dateTime(nt, p.at("nominalTime"), "nominalEndTime", false); err != nil {
			return err
		}
	}
	if pe, ok := f["processing_engine"].(map[string]any); ok {
		if _, err := text(pe, p.at("processing_engine"), "version", store.MaxNameLen, true); err != nil {
			return err
		}
		if _, err := text(pe, p.at("processing_engine"), "name", store.MaxNameLen, false); err != nil {
			return err
		}
	}
	return nil
}

func checkJobFacets(f map[string]any) error {
	p := path("job.facets")
	if sc, ok := f["sourceCodeLocation"].(map[string]any); ok && !deleted(sc) {
		for _, k := range []string{"type", "url"} {
			if _, err := text(sc, p.at("sourceCodeLocation"), k, store.MaxURILen, true); err != nil {
				return err
			}
		}
		for _, k := range []string{"repoUrl", "version", "path", "branch", "tag"} {
			if _, err := text(sc, p.at("sourceCodeLocation"), k, store.MaxURILen, false); err != nil {
				return err
			}
		}
	}
	if doc, ok := f["documentation"].(map[string]any); ok && !deleted(doc) {
		if _, err := text(doc, p.at("documentation"), "description", store.MaxDescriptionLen, true); err != nil {
			return err
		}
	}
	return nil
}

func checkDatasetFacets(d Dataset, p path, ioKey string) error {
	fp := p.at("facets")
	if s, ok := d.Facets["schema"].(map[string]any); ok && !deleted(s) {
		if _, err := schemaFields(s, fp.at("schema"), 0, new(int)); err != nil {
			return err
		}
	}
	if v, ok := d.Facets["version"].(map[string]any); ok && !deleted(v) {
		if _, err := text(v, fp.at("version"), "datasetVersion", store.MaxNameLen, true); err != nil {
			return err
		}
	}
	if cl, ok := d.Facets["columnLineage"].(map[string]any); ok && !deleted(cl) {
		if _, err := columnLineage(cl, fp.at("columnLineage")); err != nil {
			return err
		}
	}
	for _, where := range []struct {
		f map[string]any
		p path
	}{{d.Facets, fp}, {d.IOFacets, p.at(ioKey)}} {
		if a, ok := where.f["dataQualityAssertions"].(map[string]any); ok && !deleted(a) {
			if _, err := assertions(a, where.p.at("dataQualityAssertions")); err != nil {
				return err
			}
		}
		if m, ok := where.f["dataQualityMetrics"].(map[string]any); ok && !deleted(m) {
			if _, err := object(m, where.p.at("dataQualityMetrics"), "columnMetrics", true); err != nil {
				return err
			}
			for _, k := range []string{"rowCount", "bytes", "fileCount"} {
				if _, err := integer(m, where.p.at("dataQualityMetrics"), k); err != nil {
					return err
				}
			}
		}
	}
	if s, ok := d.IOFacets["outputStatistics"].(map[string]any); ok {
		if _, err := integer(s, p.at(ioKey).at("outputStatistics"), "rowCount"); err != nil {
			return err
		}
	}
	return nil
}

// schemaFields reads a schema facet's fields, nested ones named
// parent.child, counting them against MaxSchemaFields.
func schemaFields(m map[string]any, p path, depth int, count *int) ([]store.SchemaField, error) {
	list, err := array(m, p, "fields", false)
	if err != nil {
		return nil, err
	}
	if depth > maxNestingSchema {
		return nil, p.errorf("fields nested deeper than %d levels", maxNestingSchema)
	}
	var out []store.SchemaField
	for i, item := range list {
		ip := p.at("fields").index(i)
		f, ok := item.(map[string]any)
		if !ok {
			return nil, ip.errorf("must be an object, got %s", typeName(item))
		}
		if *count++; *count > MaxSchemaFields {
			return nil, p.errorf("at most %d fields", MaxSchemaFields)
		}
		name, err := text(f, ip, "name", store.MaxNameLen, true)
		if err != nil {
			return nil, err
		}
		typ, err := text(f, ip, "type", store.MaxNameLen, false)
		if err != nil {
			return nil, err
		}
		out = append(out, store.SchemaField{Name: name, Type: typ, Nullable: true})
		nested, err := schemaFields(f, ip, depth+1, count)
		if err != nil {
			return nil, err
		}
		for _, n := range nested {
			n.Name = name + "." + n.Name
			out = append(out, n)
		}
	}
	return out, nil
}

// columnLineage reads a columnLineage facet: output column → the input
// columns it derives from, with their transformations.
func columnLineage(m map[string]any, p path) ([]columnEdge, error) {
	fields, err := object(m, p, "fields", true)
	if err != nil {
		return nil, err
	}
	var out []columnEdge
	for _, col := range sortedKeys(fields) {
		fp := p.at("fields").at(col)
		if err := store.CheckText(string(fp), col, store.MaxNameLen, true); err != nil {
			return nil, err
		}
		f, ok := fields[col].(map[string]any)
		if !ok {
			return nil, fp.errorf("must be an object, got %s", typeName(fields[col]))
		}
		inputs, err := array(f, fp, "inputFields", true)
		if err != nil {
			return nil, err
		}
		for i, item := range inputs {
			ip := fp.at("inputFields").index(i)
			in, ok := item.(map[string]any)
			if !ok {
				return nil, ip.errorf("must be an object, got %s", typeName(item))
			}
			var e columnEdge
			e.output = col
			if e.namespace, err = text(in, ip, "namespace", store.MaxURILen, true); err != nil {
				return nil, err
			}
			if e.name, err = text(in, ip, "name", store.MaxURILen, true); err != nil {
				return nil, err
			}
			if e.field, err = text(in, ip, "field", store.MaxNameLen, true); err != nil {
				return nil, err
			}
			ts, err := array(in, ip, "transformations", false)
			if err != nil {
				return nil, err
			}
			for j, t := range ts {
				tp := ip.at("transformations").index(j)
				tm, ok := t.(map[string]any)
				if !ok {
					return nil, tp.errorf("must be an object, got %s", typeName(t))
				}
				if _, err := text(tm, tp, "type", store.MaxNameLen, true); err != nil {
					return nil, err
				}
				for _, k := range []string{"subtype", "description"} {
					if _, err := text(tm, tp, k, store.MaxDescriptionLen, false); err != nil {
						return nil, err
					}
				}
				if v, has := tm["masking"]; has {
					if _, ok := v.(bool); !ok {
						return nil, tp.at("masking").errorf("must be a boolean, got %s", typeName(v))
					}
				}
			}
			if ts == nil {
				// The deprecated per-field form: transformationType and
				// transformationDescription on the output field.
				if tt, _ := f["transformationType"].(string); tt != "" {
					desc, _ := f["transformationDescription"].(string)
					ts = []any{map[string]any{"type": tt, "description": desc}}
				} else {
					ts = []any{}
				}
			}
			b, _ := json.Marshal(ts)
			e.transformations = string(b)
			out = append(out, e)
			if len(out) > MaxColumnEdges {
				return nil, p.errorf("at most %d input fields in all", MaxColumnEdges)
			}
		}
	}
	return out, nil
}

type columnEdge struct {
	output, namespace, name, field, transformations string
}

// assertion is one entry of a dataQualityAssertions facet.
type assertion struct {
	name, column, severity string
	success                bool
}

func assertions(m map[string]any, p path) ([]assertion, error) {
	list, err := array(m, p, "assertions", true)
	if err != nil {
		return nil, err
	}
	if len(list) > MaxAssertions {
		return nil, p.errorf("at most %d assertions, got %d", MaxAssertions, len(list))
	}
	out := make([]assertion, 0, len(list))
	for i, item := range list {
		ip := p.at("assertions").index(i)
		a, ok := item.(map[string]any)
		if !ok {
			return nil, ip.errorf("must be an object, got %s", typeName(item))
		}
		var as assertion
		if as.name, err = text(a, ip, "assertion", store.MaxNameLen, true); err != nil {
			return nil, err
		}
		s, has := a["success"]
		if !has {
			return nil, ip.at("success").errorf("required")
		}
		if as.success, ok = s.(bool); !ok {
			return nil, ip.at("success").errorf("must be a boolean, got %s", typeName(s))
		}
		if as.column, err = text(a, ip, "column", store.MaxNameLen, false); err != nil {
			return nil, err
		}
		if as.severity, err = text(a, ip, "severity", store.MaxNameLen, false); err != nil {
			return nil, err
		}
		out = append(out, as)
	}
	return out, nil
}

// Field readers. Each names the field in its error.

func object(m map[string]any, p path, key string, required bool) (map[string]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return nil, p.at(key).errorf("required")
		}
		return nil, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, p.at(key).errorf("must be an object, got %s", typeName(v))
	}
	return o, nil
}

func array(m map[string]any, p path, key string, required bool) ([]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return nil, p.at(key).errorf("required")
		}
		return nil, nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil, p.at(key).errorf("must be an array, got %s", typeName(v))
	}
	return a, nil
}

func str(m map[string]any, p path, key string, required bool) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return "", p.at(key).errorf("required")
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", p.at(key).errorf("must be a string, got %s", typeName(v))
	}
	return s, nil
}

// text is str with the store's limits: at most max bytes of UTF-8 without
// control characters, non-blank when required.
func text(m map[string]any, p path, key string, max int, required bool) (string, error) {
	s, err := str(m, p, key, required)
	if err != nil || (s == "" && !required) {
		return s, err
	}
	return s, store.CheckText(string(p.at(key)), s, max, required)
}

func integer(m map[string]any, p path, key string) (*int64, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, p.at(key).errorf("must be an integer, got %s", typeName(v))
	}
	i, err := n.Int64()
	if err != nil || i < 0 {
		return nil, p.at(key).errorf("must be a non-negative integer, got %s", errs.Quote(n.String()))
	}
	return &i, nil
}

// dateTime reads an RFC 3339 date-time. A value without an offset is read
// as UTC, as Marquez reads it; a date alone is refused.
func dateTime(m map[string]any, p path, key string, required bool) (time.Time, error) {
	s, err := str(m, p, key, required)
	if err != nil || s == "" {
		if err == nil && required {
			return time.Time{}, p.at(key).errorf("required")
		}
		return time.Time{}, err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, p.at(key).errorf("must be an RFC 3339 date-time such as 2026-01-02T15:04:05Z, got %s", errs.Quote(s))
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func uuidString(m map[string]any, p path, key string, required bool) (string, error) {
	s, err := str(m, p, key, required)
	if err != nil {
		return "", err
	}
	if !uuidRE.MatchString(s) {
		return "", p.at(key).errorf("must be a UUID, got %s", errs.Quote(s))
	}
	return strings.ToLower(s), nil
}

// uriRef reads a URI. Producers send relative references ("feast"), which
// the spec's JSON Schema format admits in practice; what is refused is a
// value that does not parse as a URI reference at all.
func uriRef(m map[string]any, p path, key string, required bool) (string, error) {
	s, err := text(m, p, key, store.MaxURILen, required)
	if err != nil || s == "" {
		return s, err
	}
	if _, err := url.Parse(s); err != nil {
		return "", p.at(key).errorf("must be a URI, got %s", errs.Quote(s))
	}
	return s, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return errs.Quote(s)
	}
	return typeName(v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
