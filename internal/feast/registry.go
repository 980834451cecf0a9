package feast

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/exphub/exphub/internal/errs"
)

// Bounds of a registry this package reads.
const (
	// MaxRegistryBytes is the largest registry file read; a registry of
	// ten thousand feature views is a few megabytes.
	MaxRegistryBytes = 64 << 20
	// MaxObjects bounds the objects (entities, data sources, feature
	// views of every kind, feature services) of all projects together.
	MaxObjects = 10_000
)

// Feast's field numbers (feast/protos/feast/core/*.proto, Feast 0.67).
// Protobuf's compatibility rules keep a field's number and type fixed for
// as long as the field exists, so these hold for older and newer
// registries alike.
const (
	// feast.core.Registry
	regEntities             protowire.Number = 1
	regFeatureViews         protowire.Number = 6
	regFeatureServices      protowire.Number = 7
	regLastUpdated          protowire.Number = 5
	regOnDemandFeatureViews protowire.Number = 8 // counted, not read
	regDataSources          protowire.Number = 12
	regStreamFeatureViews   protowire.Number = 14 // counted, not read
	regLabelViews           protowire.Number = 19 // counted, not read

	// feast.core.Entity, FeatureView, FeatureService: the spec.
	objSpec protowire.Number = 1

	// feast.core.FeatureViewSpec
	fvName          protowire.Number = 1
	fvProject       protowire.Number = 2
	fvEntities      protowire.Number = 3
	fvFeatures      protowire.Number = 4
	fvTags          protowire.Number = 5
	fvTTL           protowire.Number = 6
	fvBatchSource   protowire.Number = 7
	fvOnline        protowire.Number = 8
	fvStreamSource  protowire.Number = 9
	fvDescription   protowire.Number = 10
	fvOwner         protowire.Number = 11
	fvEntityColumns protowire.Number = 12
	fvOffline       protowire.Number = 13

	// feast.core.FeatureSpecV2
	featName        protowire.Number = 1
	featValueType   protowire.Number = 2
	featTags        protowire.Number = 3
	featDescription protowire.Number = 4

	// feast.core.FeatureServiceSpec
	fsName          protowire.Number = 1
	fsProject       protowire.Number = 2
	fsFeatures      protowire.Number = 3
	fsTags          protowire.Number = 4
	fsDescription   protowire.Number = 5
	fsOwner         protowire.Number = 6
	fsLoggingConfig protowire.Number = 7

	// feast.core.FeatureViewProjection
	projViewName       protowire.Number = 1
	projFeatureColumns protowire.Number = 2
	projViewNameAlias  protowire.Number = 3

	// feast.core.EntitySpecV2
	entName        protowire.Number = 1
	entValueType   protowire.Number = 2
	entDescription protowire.Number = 3
	entJoinKey     protowire.Number = 4
	entTags        protowire.Number = 8
	entProject     protowire.Number = 9
	entOwner       protowire.Number = 10

	// feast.core.DataSource
	dsType             protowire.Number = 1
	dsFieldMapping     protowire.Number = 2
	dsTimestampField   protowire.Number = 3
	dsCreatedTimestamp protowire.Number = 5
	dsFileOptions      protowire.Number = 11
	dsBigQueryOptions  protowire.Number = 12
	dsRedshiftOptions  protowire.Number = 15
	dsClassType        protowire.Number = 17
	dsSnowflakeOptions protowire.Number = 19
	dsName             protowire.Number = 20
	dsProject          protowire.Number = 21
	dsDescription      protowire.Number = 23
	dsTags             protowire.Number = 24
	dsOwner            protowire.Number = 25
	dsSparkOptions     protowire.Number = 27

	// DataSource.FileOptions
	fileURI protowire.Number = 2
	// DataSource.BigQueryOptions, SnowflakeOptions, RedshiftOptions,
	// SparkOptions share these two.
	optTable protowire.Number = 1
	optQuery protowire.Number = 2
	// DataSource.SparkOptions
	sparkPath protowire.Number = 3

	// map<string, string> entries
	mapKey   protowire.Number = 1
	mapValue protowire.Number = 2

	// google.protobuf.Timestamp and Duration
	tsSeconds protowire.Number = 1
	tsNanos   protowire.Number = 2
)

// DummyEntity is the entity Feast adds to a feature view that has none;
// Feast's emitter leaves it out of lineage, and so does this package.
const DummyEntity = "__dummy"

// Registry is what a Feast registry defines for one project.
type Registry struct {
	Project         string
	LastUpdated     time.Time // zero when the registry does not say
	Entities        []Entity
	DataSources     []DataSource
	FeatureViews    []FeatureView
	FeatureServices []FeatureService
	// NotRead counts the project's objects of kinds this package does not
	// turn into lineage (on-demand and stream feature views, label views),
	// by kind.
	NotRead map[string]int
}

// Entity is a Feast entity (EntitySpecV2).
type Entity struct {
	Name, Project, Description, JoinKey, Owner string
	ValueType                                  int32
	Tags                                       map[string]string
}

// DataSource is a Feast data source. Path, Table and Query are set for
// the kinds that have them (file and Spark sources a path; BigQuery,
// Snowflake, Redshift and Spark a table or a query).
type DataSource struct {
	Name, Project, Description, Owner string
	Type                              int32  // DataSource.SourceType
	ClassType                         string // e.g. feast.infra.offline_stores.file_source.FileSource
	TimestampField                    string
	CreatedTimestampColumn            string
	FieldMapping, Tags                map[string]string
	Path, Table, Query                string
}

// Feature is a feature or entity column of a view (FeatureSpecV2).
type Feature struct {
	Name        string
	ValueType   int32
	Description string
	Tags        map[string]string
}

// FeatureView is a Feast feature view (FeatureViewSpec).
type FeatureView struct {
	Name, Project, Description, Owner string
	Entities                          []string
	Features, EntityColumns           []Feature
	Tags                              map[string]string
	TTL                               time.Duration
	BatchSource, StreamSource         *DataSource
	Online, Offline                   bool
}

// FeatureService is a Feast feature service (FeatureServiceSpec).
type FeatureService struct {
	Name, Project, Description, Owner string
	Projections                       []Projection
	Tags                              map[string]string
	Logging                           bool // it has a logging config
}

// Projection is the part of a feature view a service serves.
type Projection struct {
	View, Alias string
	Features    []Feature
}

// ReadRegistry reads the registry file at path and keeps project's
// objects. A file over MaxRegistryBytes is refused unread.
func ReadRegistry(path, project string) (*Registry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the registry: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxRegistryBytes {
		return nil, fmt.Errorf("registry %s: %w: %d bytes, over the %d MiB this reader takes", path, errs.TooLarge, st.Size(), MaxRegistryBytes>>20)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxRegistryBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the registry %s: %w", path, err)
	}
	if len(b) > MaxRegistryBytes {
		return nil, fmt.Errorf("registry %s: %w: over the %d MiB this reader takes", path, errs.TooLarge, MaxRegistryBytes>>20)
	}
	reg, err := DecodeRegistry(b, project)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	return reg, nil
}

// DecodeRegistry decodes a serialized feast.core.Registry and keeps the
// objects whose spec names project (Feast filters the same way). Fields
// it does not know are skipped; a field it knows that does not decode is
// an Invalid error naming where it is, e.g.
// "feature_views[2].spec.features[0]: field 1 (name): unexpected EOF".
func DecodeRegistry(b []byte, project string) (*Registry, error) {
	if len(b) > MaxRegistryBytes {
		return nil, fmt.Errorf("%w: %d bytes, over the %d MiB this reader takes", errs.TooLarge, len(b), MaxRegistryBytes>>20)
	}
	reg := &Registry{Project: project, NotRead: map[string]int{}}
	idx := map[protowire.Number]int{}
	objects := 0
	err := fields(b, "registry", func(f field) error {
		i := idx[f.num]
		switch f.num {
		case regEntities, regFeatureViews, regFeatureServices, regDataSources,
			regOnDemandFeatureViews, regStreamFeatureViews, regLabelViews:
			idx[f.num]++
			if objects++; objects > MaxObjects {
				return fmt.Errorf("%w: more than %d objects in the registry", errs.TooLarge, MaxObjects)
			}
		}
		switch f.num {
		case regEntities:
			where := "entities[" + strconv.Itoa(i) + "].spec"
			spec, err := specOf(f, "entities", i)
			if err != nil || spec == nil {
				return err
			}
			e, err := decodeEntity(spec, where)
			if err == nil && e.Project == project {
				reg.Entities = append(reg.Entities, e)
			}
			return err
		case regFeatureViews:
			where := "feature_views[" + strconv.Itoa(i) + "].spec"
			spec, err := specOf(f, "feature_views", i)
			if err != nil || spec == nil {
				return err
			}
			v, err := decodeFeatureView(spec, where)
			if err == nil && v.Project == project {
				reg.FeatureViews = append(reg.FeatureViews, v)
			}
			return err
		case regFeatureServices:
			where := "feature_services[" + strconv.Itoa(i) + "].spec"
			spec, err := specOf(f, "feature_services", i)
			if err != nil || spec == nil {
				return err
			}
			s, err := decodeFeatureService(spec, where)
			if err == nil && s.Project == project {
				reg.FeatureServices = append(reg.FeatureServices, s)
			}
			return err
		case regDataSources:
			where := "data_sources[" + strconv.Itoa(i) + "]"
			m, err := f.message(where, "")
			if err != nil {
				return err
			}
			d, err := decodeDataSource(m, where)
			if err == nil && d.Project == project {
				reg.DataSources = append(reg.DataSources, d)
			}
			return err
		case regOnDemandFeatureViews, regStreamFeatureViews, regLabelViews:
			kind := map[protowire.Number]string{regOnDemandFeatureViews: "on-demand feature views",
				regStreamFeatureViews: "stream feature views", regLabelViews: "label views"}[f.num]
			where := map[protowire.Number]string{regOnDemandFeatureViews: "on_demand_feature_views",
				regStreamFeatureViews: "stream_feature_views", regLabelViews: "label_views"}[f.num]
			spec, err := specOf(f, where, i)
			if err != nil || spec == nil {
				return err
			}
			// Their specs all begin name=1, project=2.
			var p string
			sw := where + "[" + strconv.Itoa(i) + "].spec"
			err = fields(spec, sw, func(g field) (err error) {
				if g.num == 2 {
					p, err = g.str(sw, "project")
				}
				return err
			})
			if err == nil && p == project {
				reg.NotRead[kind]++
			}
			return err
		case regLastUpdated:
			m, err := f.message("registry", "last_updated")
			if err != nil {
				return err
			}
			sec, nanos, err := secondsNanos(m, "registry.last_updated")
			if err == nil && (sec != 0 || nanos != 0) {
				reg.LastUpdated = time.Unix(sec, int64(nanos)).UTC()
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(reg.Entities, func(i, j int) bool { return reg.Entities[i].Name < reg.Entities[j].Name })
	sort.SliceStable(reg.DataSources, func(i, j int) bool { return reg.DataSources[i].Name < reg.DataSources[j].Name })
	sort.SliceStable(reg.FeatureViews, func(i, j int) bool { return reg.FeatureViews[i].Name < reg.FeatureViews[j].Name })
	sort.SliceStable(reg.FeatureServices, func(i, j int) bool { return reg.FeatureServices[i].Name < reg.FeatureServices[j].Name })
	return reg, nil
}

// specOf returns the spec (field 1) of the object message in f, the
// list's i-th; nil when the object has none.
func specOf(f field, list string, i int) ([]byte, error) {
	where := list + "[" + strconv.Itoa(i) + "]"
	obj, err := f.message("registry", list)
	if err != nil {
		return nil, err
	}
	var spec []byte
	err = fields(obj, where, func(g field) error {
		if g.num == objSpec {
			var err error
			spec, err = g.message(where, "spec")
			return err
		}
		return nil
	})
	return spec, err
}

func decodeEntity(b []byte, where string) (Entity, error) {
	e := Entity{Tags: map[string]string{}}
	err := fields(b, where, func(f field) (err error) {
		switch f.num {
		case entName:
			e.Name, err = f.str(where, "name")
		case entValueType:
			e.ValueType, err = f.enum(where, "value_type")
		case entDescription:
			e.Description, err = f.str(where, "description")
		case entJoinKey:
			e.JoinKey, err = f.str(where, "join_key")
		case entTags:
			err = f.mapEntry(e.Tags, where, "tags")
		case entProject:
			e.Project, err = f.str(where, "project")
		case entOwner:
			e.Owner, err = f.str(where, "owner")
		}
		return err
	})
	return e, err
}

func decodeFeatureView(b []byte, where string) (FeatureView, error) {
	v := FeatureView{Tags: map[string]string{}}
	err := fields(b, where, func(f field) (err error) {
		switch f.num {
		case fvName:
			v.Name, err = f.str(where, "name")
		case fvProject:
			v.Project, err = f.str(where, "project")
		case fvEntities:
			var s string
			s, err = f.str(where, "entities")
			v.Entities = append(v.Entities, s)
		case fvFeatures:
			var feat Feature
			feat, err = f.feature(where, "features", len(v.Features))
			v.Features = append(v.Features, feat)
		case fvEntityColumns:
			var feat Feature
			feat, err = f.feature(where, "entity_columns", len(v.EntityColumns))
			v.EntityColumns = append(v.EntityColumns, feat)
		case fvTags:
			err = f.mapEntry(v.Tags, where, "tags")
		case fvTTL:
			var m []byte
			if m, err = f.message(where, "ttl"); err != nil {
				return err
			}
			var sec int64
			var nanos int32
			sec, nanos, err = secondsNanos(m, where+".ttl")
			v.TTL = time.Duration(sec)*time.Second + time.Duration(nanos)
		case fvBatchSource, fvStreamSource:
			name := map[protowire.Number]string{fvBatchSource: "batch_source", fvStreamSource: "stream_source"}[f.num]
			var m []byte
			if m, err = f.message(where, name); err != nil {
				return err
			}
			var d DataSource
			d, err = decodeDataSource(m, where+"."+name)
			if f.num == fvBatchSource {
				v.BatchSource = &d
			} else {
				v.StreamSource = &d
			}
		case fvOnline:
			v.Online, err = f.bool(where, "online")
		case fvOffline:
			v.Offline, err = f.bool(where, "offline")
		case fvDescription:
			v.Description, err = f.str(where, "description")
		case fvOwner:
			v.Owner, err = f.str(where, "owner")
		}
		return err
	})
	return v, err
}

func decodeFeatureService(b []byte, where string) (FeatureService, error) {
	s := FeatureService{Tags: map[string]string{}}
	err := fields(b, where, func(f field) (err error) {
		switch f.num {
		case fsName:
			s.Name, err = f.str(where, "name")
		case fsProject:
			s.Project, err = f.str(where, "project")
		case fsFeatures:
			pw := where + ".features[" + strconv.Itoa(len(s.Projections)) + "]"
			var m []byte
			if m, err = f.message(where, "features"); err != nil {
				return err
			}
			var p Projection
			err = fields(m, pw, func(g field) (err error) {
				switch g.num {
				case projViewName:
					p.View, err = g.str(pw, "feature_view_name")
				case projViewNameAlias:
					p.Alias, err = g.str(pw, "feature_view_name_alias")
				case projFeatureColumns:
					var feat Feature
					feat, err = g.feature(pw, "feature_columns", len(p.Features))
					p.Features = append(p.Features, feat)
				}
				return err
			})
			s.Projections = append(s.Projections, p)
		case fsTags:
			err = f.mapEntry(s.Tags, where, "tags")
		case fsDescription:
			s.Description, err = f.str(where, "description")
		case fsOwner:
			s.Owner, err = f.str(where, "owner")
		case fsLoggingConfig:
			_, err = f.message(where, "logging_config")
			s.Logging = true
		}
		return err
	})
	return s, err
}

func decodeDataSource(b []byte, where string) (DataSource, error) {
	d := DataSource{FieldMapping: map[string]string{}, Tags: map[string]string{}}
	err := fields(b, where, func(f field) (err error) {
		switch f.num {
		case dsName:
			d.Name, err = f.str(where, "name")
		case dsProject:
			d.Project, err = f.str(where, "project")
		case dsDescription:
			d.Description, err = f.str(where, "description")
		case dsTags:
			err = f.mapEntry(d.Tags, where, "tags")
		case dsOwner:
			d.Owner, err = f.str(where, "owner")
		case dsType:
			d.Type, err = f.enum(where, "type")
		case dsTimestampField:
			d.TimestampField, err = f.str(where, "timestamp_field")
		case dsCreatedTimestamp:
			d.CreatedTimestampColumn, err = f.str(where, "created_timestamp_column")
		case dsFieldMapping:
			err = f.mapEntry(d.FieldMapping, where, "field_mapping")
		case dsClassType:
			d.ClassType, err = f.str(where, "data_source_class_type")
		case dsFileOptions:
			err = f.options(where, "file_options", map[protowire.Number]option{fileURI: {"uri", &d.Path}})
		case dsBigQueryOptions:
			err = f.options(where, "bigquery_options", tableQuery(&d))
		case dsSnowflakeOptions:
			err = f.options(where, "snowflake_options", tableQuery(&d))
		case dsRedshiftOptions:
			err = f.options(where, "redshift_options", tableQuery(&d))
		case dsSparkOptions:
			o := tableQuery(&d)
			o[sparkPath] = option{"path", &d.Path}
			err = f.options(where, "spark_options", o)
		}
		return err
	})
	return d, err
}

// secondsNanos reads a google.protobuf.Timestamp or Duration.
func secondsNanos(b []byte, where string) (sec int64, nanos int32, err error) {
	err = fields(b, where, func(f field) error {
		switch f.num {
		case tsSeconds:
			v, err := f.varint(where, "seconds")
			sec = int64(v)
			return err
		case tsNanos:
			v, err := f.varint(where, "nanos")
			nanos = int32(v)
			return err
		}
		return nil
	})
	return sec, nanos, err
}

// field is one field of a message as read off the wire: a varint's value
// or a length-delimited field's bytes; other wire types are skipped.
type field struct {
	num protowire.Number
	typ protowire.Type
	u   uint64
	b   []byte
}

// fields calls fn with each field of message b in order; where names b
// in errors.
func fields(b []byte, where string, fn func(field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errs.Invalidf("%s: a field tag: %v", where, protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.u, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errs.Invalidf("%s: field %d: %v", where, num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

func (f field) want(t protowire.Type, where, name string) error {
	if f.typ != t {
		kinds := map[protowire.Type]string{protowire.VarintType: "varint", protowire.BytesType: "length-delimited",
			protowire.Fixed32Type: "fixed32", protowire.Fixed64Type: "fixed64", protowire.StartGroupType: "group"}
		return errs.Invalidf("%s: field %d (%s): wire type %s, want %s", where, f.num, name, kinds[f.typ], kinds[t])
	}
	return nil
}

func (f field) str(where, name string) (string, error) {
	if err := f.want(protowire.BytesType, where, name); err != nil {
		return "", err
	}
	if !utf8.Valid(f.b) {
		return "", errs.Invalidf("%s: field %d (%s): not UTF-8", where, f.num, name)
	}
	return string(f.b), nil
}

func (f field) message(where, name string) ([]byte, error) {
	if err := f.want(protowire.BytesType, where, name); err != nil {
		return nil, err
	}
	return f.b, nil
}

func (f field) varint(where, name string) (uint64, error) {
	return f.u, f.want(protowire.VarintType, where, name)
}

func (f field) bool(where, name string) (bool, error) {
	v, err := f.varint(where, name)
	return v != 0, err
}

func (f field) enum(where, name string) (int32, error) {
	v, err := f.varint(where, name)
	return int32(v), err
}

// mapEntry reads one entry of a map<string, string> field into m.
func (f field) mapEntry(m map[string]string, where, name string) error {
	b, err := f.message(where, name)
	if err != nil {
		return err
	}
	var k, v string
	ew := where + "." + name
	err = fields(b, ew, func(g field) (err error) {
		switch g.num {
		case mapKey:
			k, err = g.str(ew, "key")
		case mapValue:
			v, err = g.str(ew, "value")
		}
		return err
	})
	if err == nil {
		m[k] = v
	}
	return err
}

// feature reads a FeatureSpecV2, the i-th of the list name.
func (f field) feature(where, name string, i int) (Feature, error) {
	b, err := f.message(where, name)
	if err != nil {
		return Feature{}, err
	}
	fw := where + "." + name + "[" + strconv.Itoa(i) + "]"
	feat := Feature{Tags: map[string]string{}}
	err = fields(b, fw, func(g field) (err error) {
		switch g.num {
		case featName:
			feat.Name, err = g.str(fw, "name")
		case featValueType:
			feat.ValueType, err = g.enum(fw, "value_type")
		case featTags:
			err = g.mapEntry(feat.Tags, fw, "tags")
		case featDescription:
			feat.Description, err = g.str(fw, "description")
		}
		return err
	})
	return feat, err
}

// option is a string field of a data source's options message, and
// where it goes.
type option struct {
	name string
	dst  *string
}

// tableQuery are the table and query fields the options of BigQuery,
// Snowflake, Redshift and Spark sources share.
func tableQuery(d *DataSource) map[protowire.Number]option {
	return map[protowire.Number]option{optTable: {"table", &d.Table}, optQuery: {"query", &d.Query}}
}

// options reads the string fields of an options message into their
// destinations.
func (f field) options(where, name string, opts map[protowire.Number]option) error {
	b, err := f.message(where, name)
	if err != nil {
		return err
	}
	ow := where + "." + name
	return fields(b, ow, func(g field) (err error) {
		if o, ok := opts[g.num]; ok {
			*o.dst, err = g.str(ow, o.name)
		}
		return err
	})
}
