package openlineage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
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
