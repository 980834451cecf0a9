package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Feast's objects (feature views, feature services, entities, data
// sources) reach the hub as OpenLineage datasets, from Feast's own
// emitter or from `hubctl feast import`: each is a Dataset node, one
// record however many tools name it, whose facets say what Feast made of
// it (feast_featureView, feast_featureService, feast_entity,
// feast_dataSource). The OpenLineage writes keep the kind those facets
// give in the dataset's feastKind property, so a project's feature views
// are found by an index. How they relate comes from Feast's jobs:
//
//	(source:Dataset)-[:READ_BY]->(Job)-[:WRITES]->(view:Dataset)
//	(view:Dataset)-[:READ_BY]->(Job)-[:WRITES]->(service:Dataset)
//
// A view's sources are the data sources and its entities the entities
// read by the job feature_view_<view> (one view, as Feast maps a view and
// as `hubctl feast import` sends it) when there is one, else by every job
// that writes the view (Feast's apply job writes all of a project's views
// at once, so its reads over-approximate each view's).

// FeastKind is what Feast made of a dataset: its feastKind property.
type FeastKind string

// The Feast kinds, by the facet that says so, strongest first: a dataset
// that several facets describe takes the first.
const (
	FeastFeatureService FeastKind = "FEATURE_SERVICE"
	FeastFeatureView    FeastKind = "FEATURE_VIEW"
	FeastEntity         FeastKind = "ENTITY"
	FeastDataSource     FeastKind = "DATA_SOURCE"
)

// feastFacets names the facet of each kind, strongest first.
var feastFacets = []struct {
	facet string
	kind  FeastKind
}{
	{"feast_featureService", FeastFeatureService},
	{"feast_featureView", FeastFeatureView},
	{"feast_entity", FeastEntity},
	{"feast_dataSource", FeastDataSource},
}

// feastKindOf is the feastKind of a dataset whose facets are the JSON
// object text facets; nil (no property) when no Feast facet is there.
func feastKindOf(facets string) any {
	m, ok := splitFacets(facets)
	if !ok {
		return nil
	}
	for _, f := range feastFacets {
		if v, ok := m[f.facet]; ok && string(v) != "null" {
			return string(f.kind)
		}
	}
	return nil
}

// feastKindCypher computes feastKind from a dataset x's facets text in
// Cypher, as feastKindOf does: for datasets written before the property.
const feastKindCypher = `CASE
	WHEN x.facets CONTAINS '"feast_featureService":{' THEN 'FEATURE_SERVICE'
	WHEN x.facets CONTAINS '"feast_featureView":{' THEN 'FEATURE_VIEW'
	WHEN x.facets CONTAINS '"feast_entity":{' THEN 'ENTITY'
	WHEN x.facets CONTAINS '"feast_dataSource":{' THEN 'DATA_SOURCE' END`

// MaxFeatureViews bounds the feature views of a project one question
// reads (the newest); MaxFeastLinks the sources, entities and services
// read for one view.
const (
	MaxFeatureViews = 5000
	MaxFeastLinks   = 200
)

// FeatureViewRow is a feature view with the datasets Feast relates to it.
type FeatureViewRow struct {
	View     *Dataset
	Sources  []*Dataset
	Entities []*Dataset
	Services []*Dataset
	// LatestVersion is the view's latest version ID ("" when none).
	LatestVersion string
}

// featureViewLinks reads, for each view row v, its sources, entities and
// services (see the file's comment).
const featureViewLinks = `
	CALL (v) {
	  OPTIONAL MATCH (v)<-[:WRITES]-(j:Job)
	  WITH v, collect(j) AS writers
	  WITH v, [j IN writers WHERE j.name = 'feature_view_' + v.name] AS own, writers
	  WITH v, CASE WHEN size(own) > 0 THEN own ELSE writers END AS jobs
	  UNWIND (CASE WHEN size(jobs) = 0 THEN [null] ELSE jobs END) AS j
	  OPTIONAL MATCH (j)<-[:READ_BY]-(s:Dataset)
	  WHERE s.feastKind IN ['DATA_SOURCE', 'ENTITY'] AND s.projectKey = v.projectKey
	  WITH DISTINCT s ORDER BY s.name
	  WITH collect(s) AS read
	  RETURN [s IN read WHERE s.feastKind = 'DATA_SOURCE'][..$maxLinks] AS sources,
	         [s IN read WHERE s.feastKind = 'ENTITY'][..$maxLinks] AS entities
	}
	CALL (v) {
	  OPTIONAL MATCH (v)-[:READ_BY]->(:Job)-[:WRITES]->(fs:Dataset {feastKind: 'FEATURE_SERVICE'})
	  WHERE fs.projectKey = v.projectKey
	  WITH DISTINCT fs ORDER BY fs.name
	  RETURN collect(fs)[..$maxLinks] AS services
	}
	RETURN v{.*} AS view, [s IN sources | s{.*}] AS sources, [e IN entities | e{.*}] AS entities,
	       [fs IN services | fs{.*}] AS services, coalesce(v.latestVersionId, '') AS latest`

// FeatureViews reads a project's feature views, newest first, at most
// MaxFeatureViews; with ids, only those of ids that are its feature
// views.
func (s *Store) FeatureViews(ctx context.Context, projectKey string, ids []string) ([]*FeatureViewRow, error) {
	return read(ctx, s, func(tx *txn) ([]*FeatureViewRow, error) {
		recs, err := tx.run(`
			MATCH (v:Dataset {projectKey: $pk, feastKind: 'FEATURE_VIEW'})
			WHERE $ids IS NULL OR v.id IN $ids
			WITH v ORDER BY v.id DESC LIMIT $max`+featureViewLinks,
			map[string]any{"pk": projectKey, "ids": idsOrNil(ids), "max": MaxFeatureViews, "maxLinks": MaxFeastLinks})
		if err != nil {
			return nil, err
		}
		return featureViewRows(recs, nil)
	})
}

// FeatureViewsPage is one page of a project's feature views, newest
// first, among the newest MaxFeatureViews (those FeatureViews reads), with
// the cursors of the list featureViews.
func (s *Store) FeatureViewsPage(ctx context.Context, projectKey string, page Page) (Conn[*FeatureViewRow], error) {
	return listPage(ctx, s, "featureViews", page, `
		CALL {
		  MATCH (v:Dataset {projectKey: $pk, feastKind: 'FEATURE_VIEW'})
		  WITH v ORDER BY v.id DESC LIMIT $max
		  RETURN count(v) AS total, min(v.id) AS oldest
		}
		CALL (oldest) {
		  CALL (oldest) {
		    MATCH (v:Dataset {projectKey: $pk, feastKind: 'FEATURE_VIEW'})
		    WHERE v.id >= oldest AND ($after IS NULL OR v.id < $after)
		    WITH v ORDER BY v.id DESC LIMIT $limit`+featureViewLinks+`
		  }
		  RETURN collect({view: view, sources: sources, entities: entities, services: services, latest: latest}) AS items
		}
		RETURN total, items`,
		map[string]any{"pk": projectKey, "max": MaxFeatureViews, "maxLinks": MaxFeastLinks}, afterID, decodeFeatureViewRow,
		func(r *FeatureViewRow) (any, string) { return nil, r.View.ID })
}

// FeatureViewsReading returns the feature views that read one of the
// datasets ids (a data source or entity of theirs, by the rule of the
// file's comment), each once, by name then ID; at most MaxFeastLinks.
func (s *Store) FeatureViewsReading(ctx context.Context, ids []string) ([]*FeatureViewRow, error) {
	return read(ctx, s, func(tx *txn) ([]*FeatureViewRow, error) {
		recs, err := tx.run(`
			UNWIND $ids AS id
			MATCH (d:Dataset {id: id})-[:READ_BY]->(:Job)-[:WRITES]->(v:Dataset {feastKind: 'FEATURE_VIEW'})
			WHERE v.projectKey = d.projectKey
			WITH v, collect(DISTINCT d.id) AS touchedIDs ORDER BY v.name, v.id LIMIT $max
			WITH v, touchedIDs`+featureViewLinks+`, touchedIDs`,
			map[string]any{"ids": ids, "max": MaxFeastLinks, "maxLinks": MaxFeastLinks})
		if err != nil {
			return nil, err
		}
		return featureViewRows(recs, readsOneOf)
	})
}

// featureViewRows decodes recs, rows of featureViewLinks; with keep, only
// the rows keep accepts given the record's touchedIDs column. The filter
// is needed because a job that writes a view may read a dataset without
// it being one of the view's own (another view's job wrote it too).
func featureViewRows(recs []*neo4j.Record, keep func(row *FeatureViewRow, touched []string) bool) ([]*FeatureViewRow, error) {
	out := make([]*FeatureViewRow, 0, len(recs))
	for _, rec := range recs {
		row, err := decodeFeatureViewRow(rec.AsMap())
		if err != nil {
			return nil, err
		}
		if keep != nil {
			touched, err := recStrs(rec, "touchedIDs")
			if err != nil {
				return nil, err
			}
			if !keep(row, touched) {
				continue
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// readsOneOf reports whether one of ids is a data source or entity of
// row's view.
func readsOneOf(row *FeatureViewRow, ids []string) bool {
	return slices.ContainsFunc(slices.Concat(row.Sources, row.Entities), func(d *Dataset) bool { return slices.Contains(ids, d.ID) })
}

func decodeFeatureViewRow(m map[string]any) (*FeatureViewRow, error) {
	v, ok := m["view"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("decode feature view: want a map, got %T", m["view"])
	}
	row := &FeatureViewRow{}
	var err error
	if row.View, err = decodeDataset(v); err != nil {
		return nil, err
	}
	for key, dst := range map[string]*[]*Dataset{"sources": &row.Sources, "entities": &row.Entities, "services": &row.Services} {
		l, _ := m[key].([]any)
		for _, x := range l {
			dm, ok := x.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("decode feature view %s: want maps, got %T", key, x)
			}
			d, err := decodeDataset(dm)
			if err != nil {
				return nil, err
			}
			*dst = append(*dst, d)
		}
	}
	p := props{m: m}
	row.LatestVersion = p.str("latest")
	return row, p.err
}

// idsOrNil is ids, or nil (no filter) when ids is nil.
func idsOrNil(ids []string) any {
	if ids == nil {
		return nil
	}
	return ids
}

// markFeastKinds sets feastKind on the datasets whose facets were written
// before the property was kept. It runs once per database.
func (s *Store) markFeastKinds(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	done, err := sess.Run(ctx, `MATCH (m:SchemaMigration {name: 'feast_kinds'}) RETURN count(m) AS n`, nil)
	if err != nil {
		return fmt.Errorf("migrate feast kinds: %w", classify(err))
	}
	rec, err := done.Single(ctx)
	if err != nil {
		return fmt.Errorf("migrate feast kinds: %w", classify(err))
	}
	if n, _ := rec.Get("n"); n != int64(0) {
		return nil
	}
	for _, stmt := range []string{
		`MATCH (x:Dataset) WHERE x.feastKind IS NULL AND x.facets CONTAINS '"feast_'
		 CALL (x) { SET x.feastKind = ` + feastKindCypher + ` } IN TRANSACTIONS OF 1000 ROWS`,
		`MERGE (:SchemaMigration {name: 'feast_kinds'})`,
	} {
		res, err := sess.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return fmt.Errorf("migrate feast kinds: %w", classify(err))
		}
	}
	return nil
}

// FeatureServicesNamed finds a project's feature services by name, each
// name optionally "namespace/name": for each, the IDs of the datasets it
// names (none when it names no feature service, several when a bare name
// is a service of several Feast projects).
func (s *Store) FeatureServicesNamed(ctx context.Context, projectKey string, refs []string) (map[string][]string, error) {
	rows := make([]map[string]any, len(refs))
	for i, ref := range refs {
		row := map[string]any{"ref": ref, "namespace": nil, "name": ref}
		if ns, name, ok := strings.Cut(ref, "/"); ok {
			row["namespace"], row["name"] = ns, name
		}
		rows[i] = row
	}
	return read(ctx, s, func(tx *txn) (map[string][]string, error) {
		recs, err := tx.run(`
			UNWIND $rows AS r
			OPTIONAL MATCH (d:Dataset {projectKey: $pk, feastKind: 'FEATURE_SERVICE', name: r.name})
			WHERE r.namespace IS NULL OR d.namespace = r.namespace
			WITH r, d ORDER BY d.id
			RETURN r.ref AS ref, collect(d.id) AS ids`, map[string]any{"pk": projectKey, "rows": rows})
		if err != nil {
			return nil, err
		}
		out := make(map[string][]string, len(recs))
		for _, rec := range recs {
			ref, err := recStr(rec, "ref")
			if err != nil {
				return nil, err
			}
			if out[ref], err = recStrs(rec, "ids"); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// FeatureViewsAffected returns the feature views that the dataset
// versions versionIDs touch: a view one of them is a version of, or a
// view that reads (as a data source or entity, by the rule of the file's
// comment) the dataset one of them is a version of; by name, at most
// MaxFeastLinks.
func (s *Store) FeatureViewsAffected(ctx context.Context, versionIDs []string) ([]*FeatureViewRow, error) {
	if len(versionIDs) == 0 {
		return nil, nil
	}
	return read(ctx, s, func(tx *txn) ([]*FeatureViewRow, error) {
		recs, err := tx.run(`
			UNWIND $ids AS vid
			MATCH (d:Dataset)-[:HAS_VERSION]->(:DatasetVersion {id: vid})
			WITH collect(DISTINCT d) AS touched
			CALL (touched) {
			  UNWIND touched AS d
			  MATCH (d)-[:READ_BY]->(:Job)-[:WRITES]->(v:Dataset {feastKind: 'FEATURE_VIEW'})
			  WHERE v.projectKey = d.projectKey
			  RETURN v
			  UNION
			  UNWIND touched AS v
			  WITH v WHERE v.feastKind = 'FEATURE_VIEW'
			  RETURN v
			}
			WITH DISTINCT v, [d IN touched | d.id] AS touchedIDs ORDER BY v.name LIMIT $max
			WITH v, touchedIDs`+featureViewLinks+`, touchedIDs`,
			map[string]any{"ids": versionIDs, "max": MaxFeastLinks, "maxLinks": MaxFeastLinks})
		if err != nil {
			return nil, err
		}
		return featureViewRows(recs, func(row *FeatureViewRow, touched []string) bool {
			return slices.Contains(touched, row.View.ID) || readsOneOf(row, touched)
		})
	})
}

// DatasetIdentity is a dataset's OpenLineage name.
type DatasetIdentity struct{ Namespace, Name string }

// DatasetsByIdentity returns the datasets of a project that idents name
// (those that exist).
func (s *Store) DatasetsByIdentity(ctx context.Context, projectKey string, idents []DatasetIdentity) (map[DatasetIdentity]*Dataset, error) {
	if len(idents) == 0 {
		return map[DatasetIdentity]*Dataset{}, nil
	}
	rows := make([]map[string]any, len(idents))
	for i, id := range idents {
		rows[i] = map[string]any{"namespace": id.Namespace, "name": id.Name}
	}
	return read(ctx, s, func(tx *txn) (map[DatasetIdentity]*Dataset, error) {
		recs, err := tx.run(`UNWIND $rows AS r MATCH (d:Dataset {projectKey: $pk, namespace: r.namespace, name: r.name}) RETURN d{.*} AS d`,
			map[string]any{"pk": projectKey, "rows": rows})
		if err != nil {
			return nil, err
		}
		all, err := recsDecode(recs, "d", decodeDataset)
		if err != nil {
			return nil, err
		}
		out := make(map[DatasetIdentity]*Dataset, len(all))
		for _, d := range all {
			out[DatasetIdentity{d.Namespace, d.Name}] = d
		}
		return out, nil
	})
}

// FeastDatasets returns a project's datasets of a Feast kind, newest
// first, at most MaxFeatureViews.
func (s *Store) FeastDatasets(ctx context.Context, projectKey string, kind FeastKind) ([]*Dataset, error) {
	return read(ctx, s, func(tx *txn) ([]*Dataset, error) {
		recs, err := tx.run(`MATCH (d:Dataset {projectKey: $pk, feastKind: $kind}) WITH d ORDER BY d.id DESC LIMIT $max RETURN d{.*} AS d`,
			map[string]any{"pk": projectKey, "kind": string(kind), "max": MaxFeatureViews})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "d", decodeDataset)
	})
}
