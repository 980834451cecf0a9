package store

import (
	"context"
	"fmt"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// Dataset is a logical dataset, named the OpenLineage way: a namespace (the
// data source) and a name within it.
type Dataset struct {
	ID          string
	ProjectKey  string
	Namespace   string
	Name        string
	Description string
	CreatedAt   time.Time
	CreatedBy   string
	// Facets is the JSON object of the OpenLineage dataset facets events
	// sent (name → facet); "" for a dataset only registered through the
	// hub.
	Facets string
	// FeastKind is what Feast made of the dataset (see feast.go); "" when
	// Feast did not describe it.
	FeastKind FeastKind
	// LatestVersionID is the newest version's ID; "" when it has none.
	LatestVersionID string
}

func decodeDataset(m map[string]any) (*Dataset, error) {
	p := props{m: m}
	v := &Dataset{ID: p.str("id"), ProjectKey: p.str("projectKey"), Namespace: p.str("namespace"), Name: p.str("name"),
		Description: p.str("description"), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"), Facets: p.str("facets"), FeastKind: FeastKind(p.str("feastKind")),
		LatestVersionID: p.str("latestVersionId")}
	return v, p.err
}

// SchemaField is one column of a dataset version.
type SchemaField struct {
	Name     string
	Type     string
	Nullable bool
}

// DatasetVersion is an immutable version of a dataset.
type DatasetVersion struct {
	ID         string
	ProjectKey string
	DatasetID  string
	Version    string
	URI        string
	// Digest is the sha256 of the content, lowercase hex; "" when the hub
	// has not seen the content (a version an OpenLineage event reported).
	Digest string
	// Source is SourceOpenLineage for a version an OpenLineage event
	// created, nil for one registered through the hub.
	Source *string
	// Facets is the JSON object of the OpenLineage facets events sent for
	// this version (name → facet); "" when none.
	Facets string
	// Statistics is the JSON text of the producer's data-quality metrics.
	Statistics *string
	Schema     []SchemaField
	RowCount   *int64
	CreatedAt  time.Time
	CreatedBy  string
	// QualityStatus is the worst status among the latest finished
	// validation run of each suite (and of each recorded external suite)
	// of this version; "" when none finished. It is kept up to date in the
	// transaction that finishes a run.
	QualityStatus ValidationStatus
}

func decodeDatasetVersion(m map[string]any) (*DatasetVersion, error) {
	p := props{m: m}
	v := &DatasetVersion{ID: p.str("id"), ProjectKey: p.str("projectKey"), DatasetID: p.str("datasetId"),
		Version: p.str("version"), URI: p.str("uri"), Digest: p.str("digest"), Source: p.optStr("source"), Facets: p.str("facets"),
		Statistics: p.optStr("statistics"), RowCount: p.optInt("rowCount"),
		CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"), QualityStatus: ValidationStatus(p.str("qualityStatus"))}
	names, types, nulls := p.strs("schemaNames"), p.strs("schemaTypes"), p.bools("schemaNullable")
	for i := range names {
		if i < len(types) && i < len(nulls) {
			v.Schema = append(v.Schema, SchemaField{names[i], types[i], nulls[i]})
		}
	}
	return v, p.err
}

// RegisterDatasetInput holds the fields of a new dataset.
type RegisterDatasetInput struct {
	ProjectKey, Namespace, Name, Description string
}

// RegisterDataset creates a dataset; (project, namespace, name) is unique
// (errs.Conflict).
func (s *Store) RegisterDataset(ctx context.Context, actor string, in RegisterDatasetInput) (*Dataset, error) {
	if err := checkText("namespace", in.Namespace, MaxURILen, true); err != nil {
		return nil, err
	}
	if err := checkText("name", in.Name, MaxURILen, true); err != nil {
		return nil, err
	}
	if n := len(in.Namespace) + len(in.Name); n > MaxDatasetIdentityLen {
		return nil, invalid("name: namespace and name together at most %d bytes, got %d", MaxDatasetIdentityLen, n)
	}
	if err := checkText("description", in.Description, MaxDescriptionLen, false); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*Dataset, error) {
		rec, err := tx.single(`
			OPTIONAL MATCH (p:Project {key: $projectKey})
			OPTIONAL MATCH (dup:Dataset {projectKey: $projectKey, namespace: $namespace, name: $name})
			RETURN p IS NOT NULL AS project, dup IS NOT NULL AS dup`,
			map[string]any{"projectKey": in.ProjectKey, "namespace": in.Namespace, "name": in.Name})
		if err != nil {
			return nil, err
		}
		if ok, err := recBool(rec, "project"); err != nil || !ok {
			return nil, orErr(err, notFound(KindProject, in.ProjectKey))
		}
		if dup, err := recBool(rec, "dup"); err != nil || dup {
			return nil, orErr(err, conflict("dataset %s %s already exists in project %s", in.Namespace, in.Name, errs.Quote(in.ProjectKey)))
		}
		rec, err = tx.single(`
			MATCH (p:Project {key: $projectKey})
			CREATE (d:Dataset:Node {id: $id, projectKey: $projectKey, namespace: $namespace, name: $name,
			        displayName: $name, description: $description, createdAt: $now, createdBy: $actor, versionCount: 0})
			CREATE (p)-[:HAS_DATASET]->(d)
			RETURN d{.*} AS d`,
			map[string]any{"id": newID(KindDataset), "projectKey": in.ProjectKey, "namespace": in.Namespace, "name": in.Name,
				"description": in.Description, "now": s.now().UTC(), "actor": actor})
		if err != nil {
			return nil, err
		}
		m, err := recMap(rec, "d")
		if err != nil {
			return nil, err
		}
		d, err := decodeDataset(m)
		if err != nil {
			return nil, err
		}
		return d, s.appendEvents(tx, actor, eventDraft{EventDatasetRegistered, d.ProjectKey, d.ID,
			map[string]any{"namespace": d.Namespace, "name": d.Name}})
	})
}

// orErr returns err when it is set, else fallback.
func orErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// RegisterDatasetVersionInput holds the fields of a new dataset version.
type RegisterDatasetVersionInput struct {
	DatasetID   string
	Version     string
	URI         string
	Digest      string
	Schema      []SchemaField
	RowCount    *int64
	DerivedFrom []string
}

func (in *RegisterDatasetVersionInput) validate() error {
	if err := checkID("datasetId", in.DatasetID, KindDataset); err != nil {
		return err
	}
	if err := checkText("version", in.Version, MaxNameLen, true); err != nil {
		return err
	}
	if err := checkText("uri", in.URI, MaxURILen, true); err != nil {
		return err
	}
	d, err := NormalizeDigest("digest", in.Digest)
	if err != nil {
		return err
	}
	in.Digest = d
	if len(in.Schema) > MaxSchemaFields {
		return invalid("schema: at most %d fields, got %d", MaxSchemaFields, len(in.Schema))
	}
	seen := map[string]bool{}
	for i, f := range in.Schema {
		if err := checkText(fmt.Sprintf("schema[%d].name", i), f.Name, MaxNameLen, true); err != nil {
			return err
		}
		if err := checkText(fmt.Sprintf("schema[%d].type", i), f.Type, MaxNameLen, true); err != nil {
			return err
		}
		if seen[f.Name] {
			return invalid("schema: field %s given twice", errs.Quote(f.Name))
		}
		seen[f.Name] = true
	}
	if in.RowCount != nil && *in.RowCount < 0 {
		return invalid("rowCount: must not be negative, got %d", *in.RowCount)
	}
	if len(in.DerivedFrom) > MaxItemsPerCall {
		return invalid("derivedFrom: at most %d, got %d", MaxItemsPerCall, len(in.DerivedFrom))
	}
	for i, id := range in.DerivedFrom {
		if err := checkID(fmt.Sprintf("derivedFrom[%d]", i), id, KindDatasetVersion); err != nil {
			return err
		}
	}
	return nil
}

// AddDatasetVersion registers version in.Version of a dataset. When the
// dataset has a version with that label already, again decides, under the
// dataset's lock, whether in registers it again. It is called with the
// registered version, the IDs of the versions it was derived from and in
// as validated (its digest normalised); when it returns nil the registered
// version is returned (created=false), else its error is, and nothing is
// written. What counts as the same registration is catalog's rule
// (versions are immutable).
func (s *Store) AddDatasetVersion(ctx context.Context, actor string, in RegisterDatasetVersionInput,
	again func(registered *DatasetVersion, derivedFrom []string, in RegisterDatasetVersionInput) error) (*DatasetVersion, bool, error) {
	if err := in.validate(); err != nil {
		return nil, false, err
	}
	type result struct {
		v       *DatasetVersion
		created bool
	}
	names, types, nulls := make([]string, len(in.Schema)), make([]string, len(in.Schema)), make([]bool, len(in.Schema))
	for i, f := range in.Schema {
		names[i], types[i], nulls[i] = f.Name, f.Type, f.Nullable
	}
	var rowCount any
	if in.RowCount != nil {
		rowCount = *in.RowCount
	}
	derived := in.DerivedFrom
	if derived == nil {
		derived = []string{}
	}
	res, err := write(ctx, s, func(tx *txn) (result, error) {
		// Lock the dataset so two registrations of one label serialise.
		rec, err := tx.single(`
			MATCH (d:Dataset {id: $datasetId}) `+lockClause("d")+`
			WITH d
			OPTIONAL MATCH (d)-[:HAS_VERSION]->(v:DatasetVersion {version: $version})
			RETURN d{.*} AS d, v{.*} AS v,
			       CASE WHEN v IS NULL THEN [] ELSE [(s:DatasetVersion)-[:DERIVED_INTO]->(v) | s.id] END AS sources`,
			map[string]any{"datasetId": in.DatasetID, "version": in.Version})
		if err != nil {
			return result{}, err
		}
		if rec == nil {
			return result{}, notFound(KindDataset, in.DatasetID)
		}
		existing, err := recMap(rec, "v")
		if err != nil {
			return result{}, err
		}
		if existing != nil {
			old, err := decodeDatasetVersion(existing)
			if err != nil {
				return result{}, err
			}
			sources, _, err := getList(rec, "sources")
			if err != nil {
				return result{}, err
			}
			had := make([]string, 0, len(sources))
			for _, src := range sources {
				if id, ok := src.(string); ok {
					had = append(had, id)
				}
			}
			if err := again(old, had, in); err != nil {
				return result{}, err
			}
			return result{old, false}, nil
		}
		if len(derived) > 0 {
			rec, err := tx.single(`UNWIND $ids AS id OPTIONAL MATCH (v:DatasetVersion {id: id}) WITH id, v WHERE v IS NULL RETURN collect(id) AS missing`,
				map[string]any{"ids": derived})
			if err != nil {
				return result{}, err
			}
			missing, _, err := getList(rec, "missing")
			if err != nil {
				return result{}, err
			}
			if len(missing) > 0 {
				return result{}, fmt.Errorf("derivedFrom: dataset version %v: %w", missing[0], errs.NotFound)
			}
		}
		rec, err = tx.single(`
			MATCH (d:Dataset {id: $datasetId})
			SET d.versionCount = d.versionCount + 1, d.latestVersionId = $id
			CREATE (v:DatasetVersion:Node {id: $id, projectKey: d.projectKey, datasetId: d.id, version: $version,
			        displayName: d.name + '@' + $version, uri: $uri, digest: $digest,
			        schemaNames: $names, schemaTypes: $types, schemaNullable: $nulls, rowCount: $rowCount,
			        createdAt: $now, createdBy: $actor})
			CREATE (d)-[:HAS_VERSION]->(v)
			WITH v
			CALL {
			  WITH v
			  UNWIND $derived AS src
			  MATCH (s:DatasetVersion {id: src})
			  MERGE (s)-[e:DERIVED_INTO]->(v) ON CREATE SET e.createdAt = $now
			}
			RETURN v{.*} AS v`,
			map[string]any{"datasetId": in.DatasetID, "id": newID(KindDatasetVersion), "version": in.Version, "uri": in.URI,
				"digest": in.Digest, "names": names, "types": types, "nulls": nulls, "rowCount": rowCount,
				"now": s.now().UTC(), "actor": actor, "derived": derived})
		if err != nil {
			return result{}, err
		}
		m, err := recMap(rec, "v")
		if err != nil {
			return result{}, err
		}
		v, err := decodeDatasetVersion(m)
		if err != nil {
			return result{}, err
		}
		return result{v, true}, s.appendEvents(tx, actor, eventDraft{EventDatasetVersionRegister, v.ProjectKey, v.ID,
			map[string]any{"datasetId": v.DatasetID, "version": v.Version, "digest": v.Digest}})
	})
	return res.v, res.created, err
}

// RegisterDatasetVersion is AddDatasetVersion with no rule: a label
// registered already returns its version, whatever in says. It serves
// seeding and test fixtures; requests register versions through
// internal/catalog, which passes its rule.
func (s *Store) RegisterDatasetVersion(ctx context.Context, actor string, in RegisterDatasetVersionInput) (*DatasetVersion, bool, error) {
	return s.AddDatasetVersion(ctx, actor, in, func(*DatasetVersion, []string, RegisterDatasetVersionInput) error { return nil })
}

func getList(rec interface{ Get(string) (any, bool) }, key string) ([]any, bool, error) {
	v, ok := rec.Get(key)
	if !ok {
		return nil, false, fmt.Errorf("decode %s: missing", key)
	}
	if v == nil {
		return nil, true, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, false, fmt.Errorf("decode %s: want list, got %T", key, v)
	}
	return l, false, nil
}

// Datasets lists a project's datasets, newest first.
func (s *Store) Datasets(ctx context.Context, projectKey string, f NameFilter, page Page) (Conn[*Dataset], error) {
	if err := f.check(); err != nil {
		return Conn[*Dataset]{}, err
	}
	return listPage(ctx, s, "datasets", page, `
			CALL {
			  MATCH (d:Dataset {projectKey: $pk})
			  WHERE $name IS NULL OR toLower(d.name) CONTAINS toLower($name) OR toLower(d.namespace) CONTAINS toLower($name)
			  RETURN count(d) AS total
			}
			CALL {
			  MATCH (d:Dataset {projectKey: $pk})
			  WHERE ($name IS NULL OR toLower(d.name) CONTAINS toLower($name) OR toLower(d.namespace) CONTAINS toLower($name))
			    AND ($after IS NULL OR d.id < $after)
			  WITH d ORDER BY d.id DESC LIMIT $limit
			  RETURN collect(d{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"pk": projectKey, "name": nilIfEmpty(f.NameContains)}, afterID, decodeDataset, func(d *Dataset) (any, string) { return nil, d.ID })
}

// DatasetVersions lists a dataset's versions, newest first.
func (s *Store) DatasetVersions(ctx context.Context, datasetID string, page Page) (Conn[*DatasetVersion], error) {
	return listPage(ctx, s, "datasetVersions", page, `
			CALL { MATCH (:Dataset {id: $id})-[:HAS_VERSION]->(v) RETURN count(v) AS total }
			CALL {
			  MATCH (:Dataset {id: $id})-[:HAS_VERSION]->(v) WHERE $after IS NULL OR v.id < $after
			  WITH v ORDER BY v.id DESC LIMIT $limit
			  RETURN collect(v{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"id": datasetID}, afterID, decodeDatasetVersion, func(v *DatasetVersion) (any, string) { return nil, v.ID })
}

// DatasetVersionByName finds a version by its dataset's OpenLineage name
// and its version label, among the projects in scope (only projectKey's
// when it is not empty). It returns errs.NotFound when there is none, and
// errs.Invalid naming projectKey when the dataset exists in several projects.
func (s *Store) DatasetVersionByName(ctx context.Context, scope Scope, projectKey, namespace, name, version string) (*DatasetVersion, error) {
	if projectKey != "" {
		if err := checkProjectKey("projectKey", projectKey); err != nil {
			return nil, err
		}
	}
	for _, c := range []struct {
		field, v string
		max      int
	}{{"namespace", namespace, MaxURILen}, {"name", name, MaxURILen}, {"version", version, MaxNameLen}} {
		if err := checkText(c.field, c.v, c.max, true); err != nil {
			return nil, err
		}
	}
	params := scope.params()
	params["pk"], params["ns"], params["name"], params["version"] = nilIfEmpty(projectKey), namespace, name, version
	vs, err := read(ctx, s, func(tx *txn) ([]*DatasetVersion, error) {
		recs, err := tx.run(`MATCH (d:Dataset {namespace: $ns, name: $name})
			WHERE ($pk IS NULL OR d.projectKey = $pk) AND ($allProjects OR d.projectKey IN $projectKeys)
			MATCH (d)-[:HAS_VERSION]->(v:DatasetVersion {version: $version})
			RETURN v{.*} AS v LIMIT 2`, params)
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "v", decodeDatasetVersion)
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("dataset version %s %s@%s: %w", errs.Clip(namespace), errs.Clip(name), errs.Clip(version), err)
	case len(vs) == 0:
		return nil, fmt.Errorf("dataset version %s %s@%s: %w", errs.Clip(namespace), errs.Clip(name), errs.Clip(version), errs.NotFound)
	case len(vs) > 1:
		return nil, invalid("projectKey: dataset %s %s exists in projects %s and %s; name one", namespace, name, vs[0].ProjectKey, vs[1].ProjectKey)
	}
	return vs[0], nil
}
