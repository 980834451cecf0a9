package feast

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Producer is the producer of the events this package builds, and of
// their facets.
const Producer = "https://github.com/exphub/exphub/hubctl"

// RunEventSchemaURL is the schemaURL of an OpenLineage 2-0-2 RunEvent.
const RunEventSchemaURL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"

// runNamespace is the UUID namespace of the runs an import reports (see
// Events).
var runNamespace = uuid.MustParse("0b9d6a3c-5f1e-4c52-9a57-6f0e8d1c2b47")

// The schema URLs of the facets: Feast's own for feast_* facets (as
// feast/openlineage/facets.py names them), the OpenLineage client's for
// the standard ones.
const (
	feastFacetSchemaBase    = "https://feast.dev/spec/facets/1-0-0/"
	schemaDatasetURL        = "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"
	documentationDatasetURL = "https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet"
	documentationJobURL     = "https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet"
	datasourceDatasetURL    = "https://openlineage.io/spec/facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet"
)

// Event is an OpenLineage RunEvent: a completed run of a definition job,
// as Feast reports `feast apply`.
type Event struct {
	EventType string    `json:"eventType"`
	EventTime string    `json:"eventTime"`
	Producer  string    `json:"producer"`
	SchemaURL string    `json:"schemaURL"`
	Run       Run       `json:"run"`
	Job       Job       `json:"job"`
	Inputs    []Dataset `json:"inputs"`
	Outputs   []Dataset `json:"outputs"`
}

// Run is an event's run.
type Run struct {
	RunID  string         `json:"runId"`
	Facets map[string]any `json:"facets"`
}

// Job is an event's job.
type Job struct {
	Namespace string         `json:"namespace"`
	Name      string         `json:"name"`
	Facets    map[string]any `json:"facets"`
}

// Dataset is an input or output dataset of an event.
type Dataset struct {
	Namespace string         `json:"namespace"`
	Name      string         `json:"name"`
	Facets    map[string]any `json:"facets"`
}

// base is what every facet carries.
type base struct {
	Producer  string `json:"_producer"`
	SchemaURL string `json:"_schemaURL"`
}

func feastBase(name string) base {
	return base{Producer, feastFacetSchemaBase + name + ".json"}
}

type jobKindFacet struct {
	base
	Kind         string `json:"kind"`
	FeastProject string `json:"feast_project"`
}

type projectFacet struct {
	base
	ProjectName      string `json:"project_name"`
	Provider         string `json:"provider"`
	OnlineStoreType  string `json:"online_store_type"`
	OfflineStoreType string `json:"offline_store_type"`
	RegistryType     string `json:"registry_type"`
}

type documentationFacet struct {
	base
	Description string `json:"description"`
}

type schemaFacet struct {
	base
	Fields []schemaField `json:"fields"`
}

type schemaField struct {
	Name        string `json:"name"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

type datasourceFacet struct {
	base
	Name string `json:"name"`
	URI  string `json:"uri"`
}

type dataSourceFacet struct {
	base
	Name                  string            `json:"name"`
	SourceType            string            `json:"source_type"`
	TimestampField        string            `json:"timestamp_field"`
	CreatedTimestampField string            `json:"created_timestamp_field"`
	FieldMapping          map[string]string `json:"field_mapping"`
	Path                  string            `json:"path,omitempty"`
	Table                 string            `json:"table,omitempty"`
	Query                 string            `json:"query,omitempty"`
	Description           string            `json:"description"`
	Tags                  map[string]string `json:"tags"`
}

type entityFacet struct {
	base
	Name        string            `json:"name"`
	JoinKeys    []string          `json:"join_keys"`
	ValueType   string            `json:"value_type"`
	Description string            `json:"description"`
	Owner       string            `json:"owner"`
	Tags        map[string]string `json:"tags"`
}

type featureViewFacet struct {
	base
	Name           string            `json:"name"`
	TTLSeconds     int64             `json:"ttl_seconds"`
	Entities       []string          `json:"entities"`
	Features       []string          `json:"features"`
	OnlineEnabled  bool              `json:"online_enabled"`
	OfflineEnabled bool              `json:"offline_enabled"`
	Description    string            `json:"description"`
	Owner          string            `json:"owner"`
	Tags           map[string]string `json:"tags"`
}

type featureServiceFacet struct {
	base
	Name           string            `json:"name"`
	FeatureViews   []string          `json:"feature_views"`
	FeatureCount   int               `json:"feature_count"`
	Description    string            `json:"description"`
	Owner          string            `json:"owner"`
	Tags           map[string]string `json:"tags"`
	LoggingEnabled bool              `json:"logging_enabled"`
}

// Events are the events that tell the hub what reg defines, in the
// namespace ns: a COMPLETE RunEvent, as Feast sends for `feast apply`,
// one per feature view (job feature_view_<view>:
// its batch and stream sources and its entities → the view), then one per
// feature service (job feature_service_<service>: the views it projects
// → the service), each in name order. Datasets and facets are those
// Feast's emitter reports on `feast apply` (feast/openlineage/emitter.py,
// mappers.py), so either way the hub holds the same datasets; the job of
// a view is named as Feast's registry emitter names it. provider is the
// repository's, for the feast_project job facet.
//
// Each run's ID is derived from its job and what it says (a UUID v5), and
// its time is the registry's last update (now when the registry has
// none): importing an unchanged registry again sends the same events,
// which the hub takes once, and a changed definition is a new run, which
// gives the view or service a new version, as a new `feast apply` does.
// The versions are what a training run reads when it names the feature
// services it used.
func Events(reg *Registry, ns, provider string, now time.Time) []Event {
	if !reg.LastUpdated.IsZero() {
		now = reg.LastUpdated
	}
	at := now.UTC().Format(time.RFC3339Nano)
	entities := map[string]Entity{}
	for _, e := range reg.Entities {
		entities[e.Name] = e
	}
	views := map[string]FeatureView{}
	for _, v := range reg.FeatureViews {
		views[v.Name] = v
	}
	jobFacets := func(description string) map[string]any {
		f := map[string]any{
			"feast_jobKind": jobKindFacet{feastBase("FeastJobKindFacet"), "definition", reg.Project},
			"feast_project": projectFacet{base: feastBase("FeastProjectFacet"), ProjectName: reg.Project, Provider: provider, RegistryType: "file"},
		}
		if description != "" {
			f["documentation"] = documentationFacet{base{Producer, documentationJobURL}, description}
		}
		return f
	}
	var out []Event
	for _, v := range reg.FeatureViews {
		var inputs []Dataset
		for _, src := range []*DataSource{v.BatchSource, v.StreamSource} {
			if src != nil {
				inputs = append(inputs, sourceDataset(*src, ns))
			}
		}
		for _, name := range v.Entities {
			if name == "" || name == DummyEntity {
				continue
			}
			e, ok := entities[name]
			if !ok {
				e = Entity{Name: name}
			}
			inputs = append(inputs, entityDataset(e, ns))
		}
		out = append(out, completeEvent(at, Job{Namespace: ns, Name: "feature_view_" + v.Name, Facets: jobFacets(v.Description)},
			inputs, viewDataset(v, ns)))
	}
	for _, s := range reg.FeatureServices {
		var inputs []Dataset
		var names []string
		var all []Feature
		for _, p := range s.Projections {
			if p.View == "" {
				continue
			}
			names = append(names, p.View)
			// The projection's features, else the whole view's, as Feast
			// counts them.
			features := p.Features
			if len(features) == 0 {
				features = views[p.View].Features
			}
			in := Dataset{Namespace: ns, Name: p.View, Facets: map[string]any{}}
			if len(features) > 0 {
				in.Facets["schema"] = schema(features)
				all = append(all, features...)
			}
			inputs = append(inputs, in)
		}
		facets := map[string]any{
			"feast_featureService": featureServiceFacet{base: feastBase("FeastFeatureServiceFacet"), Name: s.Name,
				FeatureViews: nonNil(names), FeatureCount: len(all), Description: s.Description, Owner: s.Owner,
				Tags: nonNilMap(s.Tags), LoggingEnabled: s.Logging},
		}
		if len(all) > 0 {
			facets["schema"] = schema(all)
		}
		if len(names) > 0 {
			facets["documentation"] = documentationFacet{base{Producer, documentationDatasetURL},
				fmt.Sprintf("Feature Service '%s' aggregates features from: %s. Total features: %d.", s.Name, strings.Join(names, ", "), len(all))}
		}
		out = append(out, completeEvent(at, Job{Namespace: ns, Name: "feature_service_" + s.Name, Facets: jobFacets(s.Description)},
			inputs, Dataset{Namespace: ns, Name: s.Name, Facets: facets}))
	}
	return out
}

// completeEvent is the COMPLETE RunEvent at time at of job, which read
// inputs and wrote output, with its run ID (see runID).
func completeEvent(at string, job Job, inputs []Dataset, output Dataset) Event {
	e := Event{EventType: "COMPLETE", EventTime: at, Producer: Producer, SchemaURL: RunEventSchemaURL, Run: Run{Facets: map[string]any{}},
		Job: job, Inputs: nonNil(inputs), Outputs: []Dataset{output}}
	e.Run.RunID = runID(e)
	return e
}

// runID is the UUID of e's run: of its job and what it reads and writes.
func runID(e Event) string {
	b, err := json.Marshal([]any{e.Job, e.Inputs, e.Outputs})
	if err != nil {
		// The events hold strings, numbers, maps and slices only.
		panic(fmt.Sprintf("feast: encode event %s: %v", e.Job.Name, err))
	}
	return uuid.NewSHA1(runNamespace, b).String()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// sourceDataset is data_source_to_dataset: a data source under its name.
func sourceDataset(d DataSource, ns string) Dataset {
	kind := SourceType(d)
	name := d.Name
	if name == "" {
		name = "unnamed_" + kind
	}
	facets := map[string]any{
		"dataSource": datasourceFacet{base{Producer, datasourceDatasetURL}, name, sourceURI(d)},
		"feast_dataSource": dataSourceFacet{base: feastBase("FeastDataSourceFacet"), Name: name, SourceType: kind,
			TimestampField: d.TimestampField, CreatedTimestampField: d.CreatedTimestampColumn,
			FieldMapping: nonNilMap(d.FieldMapping), Path: d.Path, Table: d.Table, Query: d.Query,
			Description: d.Description, Tags: nonNilMap(d.Tags)},
	}
	if d.Description != "" {
		facets["documentation"] = documentationFacet{base{Producer, documentationDatasetURL}, d.Description}
	}
	return Dataset{Namespace: ns, Name: name, Facets: facets}
}

// sourceURI is _get_data_source_uri, but for a query: Feast names it by
// Python's hash() of the text, which is salted per process, so no two
// runs agree; the query itself is in feast_dataSource.
func sourceURI(d DataSource) string {
	switch {
	case d.Path != "":
		return d.Path
	case d.Table != "":
		return "table://" + d.Table
	case d.Query != "":
		return "query://" + d.Name
	case d.Name != "":
		return "feast://" + d.Name
	}
	return "feast://unnamed"
}

// sourceTypes are Feast's DataSource.SourceType values with the class
// each is read as, for a source whose data_source_class_type is empty.
var sourceTypes = map[int32]string{
	1: "FileSource", 2: "BigQuerySource", 3: "KafkaSource", 4: "KinesisSource", 5: "RedshiftSource",
	6: "CustomSource", 7: "RequestSource", 8: "SnowflakeSource", 9: "PushSource", 10: "TrinoSource",
	11: "SparkSource", 12: "AthenaSource", 13: "IcebergSource",
}

// SourceType is the data source's Python class name, as Feast's emitter
// reports it (type(data_source).__name__).
func SourceType(d DataSource) string {
	if d.ClassType != "" {
		return path.Ext("." + d.ClassType)[1:]
	}
	if t, ok := sourceTypes[d.Type]; ok {
		return t
	}
	return "DataSource"
}

// entityDataset is entity_to_dataset.
func entityDataset(e Entity, ns string) Dataset {
	vt := ValueTypeName(e.ValueType)
	joinKeys := []string{}
	if e.JoinKey != "" {
		joinKeys = append(joinKeys, e.JoinKey)
	}
	facets := map[string]any{
		"feast_entity": entityFacet{base: feastBase("FeastEntityFacet"), Name: e.Name, JoinKeys: joinKeys, ValueType: vt,
			Description: e.Description, Owner: e.Owner, Tags: nonNilMap(e.Tags)},
	}
	if e.JoinKey != "" {
		facets["schema"] = schemaFacet{base{Producer, schemaDatasetURL}, []schemaField{{Name: e.JoinKey, Type: vt}}}
	}
	if e.Description != "" {
		facets["documentation"] = documentationFacet{base{Producer, documentationDatasetURL}, e.Description}
	}
	return Dataset{Namespace: ns, Name: e.Name, Facets: facets}
}

// viewDataset is the feature view as `feast apply` reports it: its
// schema, documentation and feast_featureView facet.
func viewDataset(v FeatureView, ns string) Dataset {
	names := make([]string, len(v.Features))
	for i, f := range v.Features {
		names[i] = f.Name
	}
	facets := map[string]any{
		"feast_featureView": featureViewFacet{base: feastBase("FeastFeatureViewFacet"), Name: v.Name,
			TTLSeconds: int64(v.TTL / time.Second), Entities: nonNil(v.Entities), Features: names,
			OnlineEnabled: v.Online, OfflineEnabled: v.Offline, Description: v.Description, Owner: v.Owner, Tags: nonNilMap(v.Tags)},
	}
	if len(v.Features) > 0 {
		facets["schema"] = schema(v.Features)
	}
	if v.Description != "" {
		facets["documentation"] = documentationFacet{base{Producer, documentationDatasetURL}, v.Description}
	}
	return Dataset{Namespace: ns, Name: v.Name, Facets: facets}
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// schema is feast_field_to_schema_field over features: a field's
// description is its own, then its tags as "[Tags: k=v, …]".
func schema(features []Feature) schemaFacet {
	fields := make([]schemaField, len(features))
	for i, f := range features {
		var parts []string
		if f.Description != "" {
			parts = append(parts, f.Description)
		}
		if len(f.Tags) > 0 {
			keys := make([]string, 0, len(f.Tags))
			for k := range f.Tags {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			tags := make([]string, len(keys))
			for j, k := range keys {
				tags[j] = k + "=" + f.Tags[k]
			}
			parts = append(parts, "[Tags: "+strings.Join(tags, ", ")+"]")
		}
		fields[i] = schemaField{Name: f.Name, Type: FeastTypeName(f.ValueType), Description: strings.Join(parts, " ")}
	}
	return schemaFacet{base{Producer, schemaDatasetURL}, fields}
}

// valueTypes are feast.value_type.ValueType's members by number, and the
// Feast type each is (str(feast.types.from_value_type(t)), Feast 0.67).
var valueTypes = map[int32][2]string{
	0: {"UNKNOWN", "Invalid"}, 1: {"BYTES", "Bytes"}, 2: {"STRING", "String"}, 3: {"INT32", "Int32"},
	4: {"INT64", "Int64"}, 5: {"DOUBLE", "Float64"}, 6: {"FLOAT", "Float32"}, 7: {"BOOL", "Bool"},
	8: {"UNIX_TIMESTAMP", "UnixTimestamp"}, 11: {"BYTES_LIST", "Array(Bytes)"}, 12: {"STRING_LIST", "Array(String)"},
	13: {"INT32_LIST", "Array(Int32)"}, 14: {"INT64_LIST", "Array(Int64)"}, 15: {"DOUBLE_LIST", "Array(Float64)"},
	16: {"FLOAT_LIST", "Array(Float32)"}, 17: {"BOOL_LIST", "Array(Bool)"}, 18: {"UNIX_TIMESTAMP_LIST", "Array(UnixTimestamp)"},
	19: {"NULL", ""}, 20: {"MAP", "Map"}, 21: {"MAP_LIST", "Array(Map)"}, 22: {"BYTES_SET", "Set(Bytes)"},
	23: {"STRING_SET", "Set(String)"}, 24: {"INT32_SET", "Set(Int32)"}, 25: {"INT64_SET", "Set(Int64)"},
	26: {"DOUBLE_SET", "Set(Float64)"}, 27: {"FLOAT_SET", "Set(Float32)"}, 28: {"BOOL_SET", "Set(Bool)"},
	29: {"UNIX_TIMESTAMP_SET", "Set(UnixTimestamp)"}, 30: {"PDF_BYTES", "PdfBytes"}, 31: {"IMAGE_BYTES", "ImageBytes"},
	32: {"JSON", "Json"}, 33: {"JSON_LIST", "Array(Json)"}, 34: {"STRUCT", "Struct"}, 35: {"STRUCT_LIST", "Array(Struct)"},
	36: {"UUID", "Uuid"}, 37: {"TIME_UUID", "TimeUuid"}, 38: {"UUID_LIST", "Array(Uuid)"}, 39: {"TIME_UUID_LIST", "Array(TimeUuid)"},
	40: {"UUID_SET", "Set(Uuid)"}, 41: {"TIME_UUID_SET", "Set(TimeUuid)"}, 42: {"VALUE_LIST", "Array(Array(String))"},
	43: {"VALUE_SET", "Set(Array(String))"}, 44: {"DECIMAL", "Decimal"}, 45: {"DECIMAL_LIST", "Array(Decimal)"},
	46: {"DECIMAL_SET", "Set(Decimal)"}, 47: {"SCALAR_MAP", "ScalarMap"}, 48: {"ZONED_TIMESTAMP", "ZonedTimestamp"},
}

// ValueTypeName is an entity's value type as Feast's emitter writes it:
// str() of the Python enum member, e.g. "ValueType.INT64".
func ValueTypeName(t int32) string {
	if v, ok := valueTypes[t]; ok {
		return "ValueType." + v[0]
	}
	return fmt.Sprintf("ValueType(%d)", t)
}

// FeastTypeName is a feature's type as Feast's emitter writes it in a
// schema facet, e.g. "Float64"; "" when Feast has no type for it. A
// struct's fields are not in the registry's value type, so a struct is
// "Struct" where Feast would spell its fields out.
func FeastTypeName(t int32) string {
	return valueTypes[t][1]
}
