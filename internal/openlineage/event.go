package openlineage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

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
	MaxDatasets     = 1_000
	MaxFacetBytes   = 64 << 10
	MaxFacets       = 100
	MaxColumnEdges  = 10_000
	MaxSchemaFields = 5_000
	MaxAssertions   = 1_000
	// An event's whole work is bounded too, whatever its size: the
	// schema fields, column lineage inputs and datasets with assertions
	// of all its datasets together.
	MaxEventSchemaFields = 50_000
	MaxEventColumnEdges  = 20_000
	MaxAssertedDatasets  = 50
	maxNestingSchema     = 8
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

	// canonical is that JSON; spans say where each facet is in it, by
	// the facet's identity (mapID).
	canonical string
	spans     map[unsafe.Pointer]span
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

	// What Parse read of the schema and columnLineage facets while
	// checking them, so Mapped does not read them again.
	checked bool
	schema  []store.SchemaField
	edges   []columnEdge
}

// path is where a checker is in the event, for messages.
type path string

// quiet is the root of a check that does not spell out where it is: an
// event is checked quietly first, as a valid event names no path, and
// only a refused one is checked again with paths spelt out (Parse), so
// that the paths of the fields of a valid event cost nothing.
const quiet path = "\x00"

func (p path) at(key string) path {
	switch p {
	case quiet:
		return quiet
	case "":
		return path(key)
	}
	return path(string(p) + "." + key)
}

func (p path) index(i int) path {
	if p == quiet {
		return quiet
	}
	return path(string(p) + "[" + strconv.Itoa(i) + "]")
}

func (p path) errorf(format string, args ...any) error {
	return errs.Invalidf("%s: %s", string(p), fmt.Sprintf(format, args...))
}

// Parse reads one event from JSON and checks it against the OpenLineage
// spec: required fields, types and formats. The error names the field.
func Parse(body []byte) (*Event, error) {
	v, ok := decodeFast(body)
	if !ok {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, errs.Invalidf("body: not JSON: %s", errs.Quote(err.Error()))
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, errs.Invalidf("body: more than one JSON value")
		}
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, errs.Invalidf("body: an OpenLineage event is a JSON object, got %s", typeName(v))
	}
	// The canonical text is written once: the hash is taken of it and the
	// facets' texts are cut out of it (Event.rawFacets).
	enc := encoders.Get().(*encoder)
	enc.spans = map[unsafe.Pointer]span{}
	enc.buf = enc.value(enc.buf[:0], top, false)
	sum := sha256.Sum256(enc.buf)
	e := &Event{Hash: hex.EncodeToString(sum[:]), canonical: string(enc.buf), spans: enc.spans}
	enc.release()
	if err := e.check(top, quiet); err != nil {
		// Again, to say where: a fresh event, as the first check may have
		// filled some of e.
		if err := (&Event{}).check(top, ""); err != nil {
			return nil, err
		}
		return nil, err
	}
	return e, nil
}

// check reads top into e, checking it; root is "" or quiet.
func (e *Event) check(top map[string]any, root path) error {
	var err error
	if e.Time, err = dateTime(top, root, "eventTime", true); err != nil {
		return err
	}
	if e.Producer, err = uriRef(top, root, "producer", true); err != nil {
		return err
	}
	schemaURL, err := uriRef(top, root, "schemaURL", true)
	if err != nil {
		return err
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
		return errs.Invalidf("run: required (a RunEvent has run and job; a JobEvent job; a DatasetEvent dataset)")
	}
	if frag := schemaURL[strings.LastIndex(schemaURL, "/")+1:]; slices.Contains([]string{"RunEvent", "JobEvent", "DatasetEvent"}, frag) && Kind(frag) != e.Kind {
		return errs.Invalidf("schemaURL: says %s, but the event has the shape of a %s", frag, e.Kind)
	}
	switch e.Kind {
	case RunEvent:
		err = e.parseRun(top, root)
	case JobEvent:
		err = e.parseJob(top, root)
	case DatasetEvent:
		err = e.parseDatasetEvent(top, root)
	}
	return err
}

func (e *Event) parseRun(top map[string]any, root path) error {
	e.Type = Other
	if raw, ok := top["eventType"]; ok && raw != nil {
		t, ok := raw.(string)
		if !ok || !slices.Contains(EventTypes, t) {
			return errs.Invalidf("eventType: must be one of %s, got %s", strings.Join(EventTypes, ", "), quoteValue(raw))
		}
		e.Type = t
	}
	run, err := object(top, root, "run", true)
	if err != nil {
		return err
	}
	if e.RunID, err = uuidString(run, root.at("run"), "runId", true); err != nil {
		return err
	}
	if e.RunFacet, err = facets(run, root.at("run"), "facets", false); err != nil {
		return err
	}
	if err := checkRunFacets(e.RunFacet, root); err != nil {
		return err
	}
	if e.Job, err = job(top, root); err != nil {
		return err
	}
	return e.parseIO(top, root)
}

func (e *Event) parseJob(top map[string]any, root path) error {
	var err error
	if e.Job, err = job(top, root); err != nil {
		return err
	}
	return e.parseIO(top, root)
}

func (e *Event) parseDatasetEvent(top map[string]any, root path) error {
	if _, both := top["job"]; both {
		if _, run := top["run"]; run {
			return errs.Invalidf("dataset: a DatasetEvent has no job and run")
		}
	}
	d, err := object(top, root, "dataset", true)
	if err != nil {
		return err
	}
	ds, err := dataset(d, root.at("dataset"), "")
	if err != nil {
		return err
	}
	e.Dataset = &ds
	return nil
}

func (e *Event) parseIO(top map[string]any, root path) error {
	for _, side := range []struct {
		key, io string
		dst     *[]Dataset
	}{{"inputs", "inputFacets", &e.Inputs}, {"outputs", "outputFacets", &e.Outputs}} {
		list, err := array(top, root, side.key, false)
		if err != nil {
			return err
		}
		if len(list) > MaxDatasets {
			return errs.Invalidf("%s: at most %d datasets, got %d", side.key, MaxDatasets, len(list))
		}
		for i, item := range list {
			p := root.at(side.key).index(i)
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

func job(top map[string]any, root path) (*Named, error) {
	j, err := object(top, root, "job", true)
	if err != nil {
		return nil, err
	}
	n := &Named{}
	if n.Namespace, err = text(j, root.at("job"), "namespace", store.MaxURILen, true); err != nil {
		return nil, err
	}
	if n.Name, err = text(j, root.at("job"), "name", store.MaxURILen, true); err != nil {
		return nil, err
	}
	if n.Facets, err = facets(j, root.at("job"), "facets", true); err != nil {
		return nil, err
	}
	return n, checkJobFacets(n.Facets, root)
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
	err = checkDatasetFacets(&d, p, ioKey)
	return d, err
}
