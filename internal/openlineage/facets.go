package openlineage

import (
	"github.com/exphub/exphub/internal/store"
)

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

func checkRunFacets(f map[string]any, root path) error {
	p := root.at("run").at("facets")
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

func checkJobFacets(f map[string]any, root path) error {
	p := root.at("job").at("facets")
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

// checkDatasetFacets checks d's facets, keeping what it read of the
// schema and the column lineage in d for Mapped.
func checkDatasetFacets(d *Dataset, p path, ioKey string) error {
	fp := p.at("facets")
	if s, ok := d.Facets["schema"].(map[string]any); ok && !deleted(s) {
		fields, err := schemaFields(s, fp.at("schema"), 0, new(int))
		if err != nil {
			return err
		}
		d.schema = fields
	}
	if v, ok := d.Facets["version"].(map[string]any); ok && !deleted(v) {
		if _, err := text(v, fp.at("version"), "datasetVersion", store.MaxNameLen, true); err != nil {
			return err
		}
	}
	if cl, ok := d.Facets["columnLineage"].(map[string]any); ok && !deleted(cl) {
		edges, err := columnLineage(cl, fp.at("columnLineage"))
		if err != nil {
			return err
		}
		d.edges = edges
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
	d.checked = true
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
			e.transformations = canonicalJSON(ts)
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
