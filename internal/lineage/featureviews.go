package lineage

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/catalog"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// FeatureView is a Feast feature view as the hub knows it: the dataset
// Feast described as one, what Feast said of it, the datasets it relates
// to, and its health.
type FeatureView struct {
	*store.FeatureViewRow
	Def FeatureViewDef
	// Health is the view's: FAILED when its own latest version fails
	// validation; else AT_RISK when the latest version of one of its
	// sources is FAILED or AT_RISK; else OK when every source's latest
	// version is OK (or WARN); else UNKNOWN.
	Health Health
	// AtRiskSources are the latest versions of sources and of their data
	// that put the view at risk (FAILED or AT_RISK), in the order of
	// Sources.
	AtRiskSources []string
	// SourceData are the datasets the sources' URIs name (see sourceData),
	// in the order of Sources.
	SourceData []*store.Dataset
}

// FeatureViewDef is what Feast's feast_featureView facet says of a view.
type FeatureViewDef struct {
	Name           string            `json:"name"`
	TTLSeconds     *int64            `json:"ttl_seconds"`
	Entities       []string          `json:"entities"`
	Features       []string          `json:"features"`
	OnlineEnabled  bool              `json:"online_enabled"`
	OfflineEnabled bool              `json:"offline_enabled"`
	Description    string            `json:"description"`
	Owner          string            `json:"owner"`
	Tags           map[string]string `json:"tags"`
}

// featureViewDef reads the feast_featureView facet of a dataset's facets;
// a facet that does not decode gives the dataset's name and nothing else
// (the facet was accepted as the producer's; the hub does not refuse it
// after the fact).
func featureViewDef(d *store.Dataset) FeatureViewDef {
	var facets struct {
		View *FeatureViewDef `json:"feast_featureView"`
	}
	def := FeatureViewDef{Name: d.Name}
	if json.Unmarshal([]byte(d.Facets), &facets) == nil && facets.View != nil {
		def = *facets.View
		if def.Name == "" {
			def.Name = d.Name
		}
	}
	return def
}

// FeatureViewFilter narrows a list of feature views.
type FeatureViewFilter struct {
	// AtRisk keeps the views whose health is AT_RISK or FAILED.
	AtRisk bool
}

// FeatureViews lists a project's feature views as p sees them, newest
// first (the newest store.MaxFeatureViews of the project are considered),
// with their health.
func (s *Service) FeatureViews(ctx context.Context, p *auth.Principal, projectKey string, f FeatureViewFilter,
	page store.Page) (store.Conn[*FeatureView], error) {
	if err := access.Require(p, projectKey, auth.RoleViewer); err != nil {
		return store.Conn[*FeatureView]{}, err
	}
	if !f.AtRisk {
		c, err := s.store.FeatureViewsPage(ctx, projectKey, page)
		if err != nil {
			return store.Conn[*FeatureView]{}, err
		}
		views, err := s.featureViews(ctx, p, c.Items)
		return store.Conn[*FeatureView]{Items: views, Cursors: c.Cursors, HasNext: c.HasNext, Total: c.Total}, err
	}
	// Health comes from validation results in Go, so the views at risk
	// are found among all the project's views and paged here.
	rows, err := s.store.FeatureViews(ctx, projectKey, nil)
	if err != nil {
		return store.Conn[*FeatureView]{}, err
	}
	views, err := s.featureViews(ctx, p, rows)
	if err != nil {
		return store.Conn[*FeatureView]{}, err
	}
	views = slices.DeleteFunc(views, func(v *FeatureView) bool { return v.Health != HealthAtRisk && v.Health != HealthFailed })
	return store.PageInMemory("featureViews", views, page, func(v *FeatureView) (any, string) { return nil, v.View.ID })
}

// WatchedData are the IDs of the datasets whose events tell a project's
// feature-store team about the feature views whose name matches the glob
// pattern ("" matches all): each view's sources and the data their URIs
// name (FeatureView.SourceData), whose versions make the views' health.
func (s *Service) WatchedData(ctx context.Context, p *auth.Principal, projectKey, pattern string) (map[string]bool, error) {
	if err := access.Require(p, projectKey, auth.RoleViewer); err != nil {
		return nil, err
	}
	rows, err := s.store.FeatureViews(ctx, projectKey, nil)
	if err != nil {
		return nil, err
	}
	rows = slices.DeleteFunc(rows, func(r *store.FeatureViewRow) bool {
		ok, err := path.Match(pattern, r.View.Name)
		return pattern != "" && (err != nil || !ok)
	})
	data, err := s.sourceData(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, r := range rows {
		for _, src := range r.Sources {
			out[src.ID] = true
			if d := data[src.ID]; d != nil && access.CanRead(p, d.ProjectKey) {
				out[d.ID] = true
			}
		}
	}
	return out, nil
}

// FeatureViewOf returns dataset id as a feature view, nil when Feast did
// not describe it as one. A dataset p may not read is errs.NotFound.
func (s *Service) FeatureViewOf(ctx context.Context, p *auth.Principal, d *store.Dataset) (*FeatureView, error) {
	if !access.CanRead(p, d.ProjectKey) {
		return nil, errs.NotFound
	}
	rows, err := s.store.FeatureViews(ctx, d.ProjectKey, []string{d.ID})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	views, err := s.featureViews(ctx, p, rows)
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// FeatureViewsReading returns the feature views that read dataset d, by
// name: as one of their data sources or entities, or, for a dataset Feast
// did not describe, as the data one of their sources' URIs names (see
// FeatureView.SourceData).
func (s *Service) FeatureViewsReading(ctx context.Context, p *auth.Principal, d *store.Dataset) ([]*FeatureView, error) {
	if !access.CanRead(p, d.ProjectKey) {
		return nil, errs.NotFound
	}
	sources := []string{d.ID}
	if d.FeastKind == "" {
		all, err := s.store.FeastDatasets(ctx, d.ProjectKey, store.FeastDataSource)
		if err != nil {
			return nil, err
		}
		sources = sources[:0]
		for _, src := range all {
			if uri := sourceURI(src); uri != "" {
				if ns, name := catalog.Identity(uri); ns == d.Namespace && name == d.Name {
					sources = append(sources, src.ID)
				}
			}
		}
	}
	var rows []*store.FeatureViewRow
	if len(sources) > 0 {
		var err error
		if rows, err = s.store.FeatureViewsReading(ctx, sources); err != nil {
			return nil, err
		}
	}
	return s.featureViews(ctx, p, rows)
}

// featureViews decodes rows and gives each its source data and its
// health, from one health question for every version involved.
func (s *Service) featureViews(ctx context.Context, p *auth.Principal, rows []*store.FeatureViewRow) ([]*FeatureView, error) {
	data, err := s.sourceData(ctx, rows)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range rows {
		if r.LatestVersion != "" {
			ids = append(ids, r.LatestVersion)
		}
		for _, src := range r.Sources {
			for _, d := range []*store.Dataset{src, data[src.ID]} {
				if d != nil && d.LatestVersionID != "" {
					ids = append(ids, d.LatestVersionID)
				}
			}
		}
	}
	slices.Sort(ids)
	health, err := s.Health(ctx, p, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	out := make([]*FeatureView, len(rows))
	for i, r := range rows {
		out[i] = featureViewOf(r, data, health)
	}
	return out, nil
}

// sourceData finds, for each data source of rows whose URI is absolute
// (s3://bucket/key, gs://…, file:///path, as Feast's dataSource facet or
// feast_dataSource path gives it), the dataset of the source's project
// that the URI names (catalog.Identity): the data as pipelines write it
// and suites validate it. By source ID; sources without one are absent.
func (s *Service) sourceData(ctx context.Context, rows []*store.FeatureViewRow) (map[string]*store.Dataset, error) {
	type want struct {
		source string
		id     store.DatasetIdentity
	}
	byProject := map[string][]want{}
	for _, r := range rows {
		for _, src := range r.Sources {
			if uri := sourceURI(src); uri != "" {
				ns, name := catalog.Identity(uri)
				byProject[src.ProjectKey] = append(byProject[src.ProjectKey], want{src.ID, store.DatasetIdentity{Namespace: ns, Name: name}})
			}
		}
	}
	out := map[string]*store.Dataset{}
	for _, project := range slices.Sorted(maps.Keys(byProject)) {
		ws := byProject[project]
		idents := make([]store.DatasetIdentity, len(ws))
		for i, w := range ws {
			idents[i] = w.id
		}
		found, err := s.store.DatasetsByIdentity(ctx, project, idents)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			if d := found[w.id]; d != nil && d.ID != w.source {
				out[w.source] = d
			}
		}
	}
	return out, nil
}

// sourceURI is the absolute URI of a Feast data source's data, from its
// dataSource facet (uri) or its feast_dataSource facet (path); "" when
// neither gives one (a relative path, a table or a query).
func sourceURI(d *store.Dataset) string {
	var facets struct {
		DataSource struct {
			URI string `json:"uri"`
		} `json:"dataSource"`
		Feast struct {
			Path string `json:"path"`
		} `json:"feast_dataSource"`
	}
	if json.Unmarshal([]byte(d.Facets), &facets) != nil {
		return ""
	}
	for _, uri := range []string{facets.DataSource.URI, facets.Feast.Path} {
		u, err := url.Parse(uri)
		switch {
		case err != nil || uri == "":
		case u.Scheme == "" && strings.HasPrefix(uri, "/"), u.Scheme == "file" && u.Path != "":
			return uri
		case u.Scheme != "" && u.Host != "" && !slices.Contains([]string{"table", "query", "feast"}, u.Scheme):
			return uri
		}
	}
	return ""
}

// featureViewOf is row with its definition, source data and health (see
// FeatureView.Health) from the health of the versions it names: each
// source's latest version and its data's (data: by source ID).
func featureViewOf(r *store.FeatureViewRow, data map[string]*store.Dataset, health map[string]Health) *FeatureView {
	v := &FeatureView{FeatureViewRow: r, Def: featureViewDef(r.View), Health: HealthUnknown, SourceData: []*store.Dataset{}}
	known := len(r.Sources) > 0
	for _, src := range r.Sources {
		versions := 0
		for _, d := range []*store.Dataset{src, data[src.ID]} {
			if d == nil {
				continue
			}
			if d != src {
				v.SourceData = append(v.SourceData, d)
			}
			if d.LatestVersionID == "" {
				continue
			}
			versions++
			switch health[d.LatestVersionID] {
			case HealthFailed, HealthAtRisk:
				v.AtRiskSources = append(v.AtRiskSources, d.LatestVersionID)
			case HealthOK, HealthWarn:
			default:
				known = false
			}
		}
		if versions == 0 {
			known = false
		}
	}
	switch {
	case r.LatestVersion != "" && health[r.LatestVersion] == HealthFailed:
		v.Health = HealthFailed
	case len(v.AtRiskSources) > 0:
		v.Health = HealthAtRisk
	case known:
		v.Health = HealthOK
	}
	return v
}

// The fields of a feature view, as the API names them.

// ID is the view's dataset ID.
func (v *FeatureView) ID() string { return v.View.ID }

// Dataset is the dataset the view is.
func (v *FeatureView) Dataset() *store.Dataset { return v.View }

// ProjectKey is the view's project.
func (v *FeatureView) ProjectKey() string { return v.View.ProjectKey }

// Namespace is the view's OpenLineage namespace (Feast's project).
func (v *FeatureView) Namespace() string { return v.View.Namespace }

// Name is the view's name.
func (v *FeatureView) Name() string { return v.Def.Name }

// Description is what Feast says the view is.
func (v *FeatureView) Description() string { return v.Def.Description }

// Owner is the view's owner, as Feast has it.
func (v *FeatureView) Owner() string { return v.Def.Owner }

// Features are the names of the view's features.
func (v *FeatureView) Features() []string { return orEmpty(v.Def.Features) }

// EntityNames are the names of the view's entities.
func (v *FeatureView) EntityNames() []string { return orEmpty(v.Def.Entities) }

// TTLSeconds is the view's time to live; nil when Feast sent none.
func (v *FeatureView) TTLSeconds() *int {
	if v.Def.TTLSeconds == nil {
		return nil
	}
	n := int(*v.Def.TTLSeconds)
	return &n
}

// Online reports whether the view is served online.
func (v *FeatureView) Online() bool { return v.Def.OnlineEnabled }

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ImpactFeatureViews returns the feature views an impact report touches
// that p may read, by name, with their health: those with an affected
// version (or the root) of their own, of a data source or of an entity
// (store.FeatureViewsAffected).
func (s *Service) ImpactFeatureViews(ctx context.Context, p *auth.Principal, rep *Report) ([]*FeatureView, error) {
	var ids []string
	if k, _ := store.KindOf(rep.Root); k == store.KindDatasetVersion {
		ids = append(ids, rep.Root)
	}
	for _, n := range rep.DatasetVersions {
		ids = append(ids, n.ID)
	}
	rows, err := s.store.FeatureViewsAffected(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows = slices.DeleteFunc(rows, func(r *store.FeatureViewRow) bool { return !access.CanRead(p, r.View.ProjectKey) })
	return s.featureViews(ctx, p, rows)
}
