package mlflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Version is a model version as the registry answers it.
type Version = store.RegistryVersion

// version returns version number version (MLflow's string) of a model.
func (r *Registry) version(ctx context.Context, p *auth.Principal, name, version string, min auth.Role) (*store.RegisteredModel, *Version, error) {
	n, err := VersionNumber(version)
	if err != nil {
		return nil, nil, err
	}
	m, err := r.model(ctx, p, name, min)
	if err != nil {
		return nil, nil, err
	}
	v, err := r.store.RegistryVersion(ctx, m.ID, n)
	if errors.Is(err, errs.NotFound) {
		return nil, nil, fmt.Errorf("model version (name=%s, version=%d) not found: %w", errs.Quote(name), n, errs.NotFound)
	}
	return m, v, err
}

// Version returns a model version the caller may read.
func (r *Registry) Version(ctx context.Context, p *auth.Principal, name, version string) (*Version, error) {
	_, v, err := r.version(ctx, p, name, version, auth.RoleViewer)
	return v, err
}

// VersionInput is a model version as MLflow's model-versions/create sends it.
type VersionInput struct {
	Name, Source, RunID, Description string
	// ModelID is MLflow 3's logged model id (register_model of a logged
	// model sends it); kept and answered as is.
	ModelID string
	Tags    []store.KeyValue
}

// CreateVersion creates the next version of a model the caller
// contributes to, READY at once (the hub keeps the source URI and copies
// nothing). A run_id links the run that PRODUCED it, so lineage and impact
// include the version; the run must be in the model's project, and a run
// the caller may not read answers as a missing one.
func (r *Registry) CreateVersion(ctx context.Context, p *auth.Principal, in VersionInput) (*Version, error) {
	m, err := r.model(ctx, p, in.Name, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	rec := store.RegistryVersionInput{ModelID: m.ID, Source: in.Source, Description: in.Description, Tags: in.Tags, LoggedModelID: in.ModelID}
	if in.Source == "" {
		return nil, errs.Invalidf("source: required (the model's URI)")
	}
	runRef, modelRef, expRef, err := sourceNames(in.Source)
	if err != nil {
		return nil, err
	}
	if runRef != "" {
		if err := r.ownRun(ctx, p, m, runRef, expRef); err != nil {
			return nil, err
		}
	}
	if modelRef != "" {
		if err := r.ownLoggedModel(ctx, p, m, modelRef, expRef); err != nil {
			return nil, err
		}
	}
	if in.ModelID != "" {
		if !store.IsLoggedModelID(in.ModelID) {
			return nil, errs.Invalidf("model_id: %s is not a logged model ID (m- and 32 hex digits)", errs.Quote(in.ModelID))
		}
		if err := r.ownLoggedModel(ctx, p, m, in.ModelID, ""); err != nil {
			return nil, err
		}
	}
	if in.RunID != "" {
		id, err := HubRunID(in.RunID)
		if err != nil {
			return nil, err
		}
		run, err := access.Load(ctx, p, "run_id", id, store.KindRun, access.ByID(r.store.RunsByIDs),
			func(v *store.Run) string { return v.ProjectKey }, auth.RoleViewer)
		if errors.Is(err, errs.NotFound) {
			return nil, fmt.Errorf("run with id=%s not found: %w", errs.Quote(in.RunID), errs.NotFound)
		}
		if err != nil {
			return nil, err
		}
		if run.ProjectKey != m.ProjectKey {
			return nil, errs.Invalidf("run_id: run %s is in project %s; a model version's run must be in the model's project %s",
				errs.Quote(in.RunID), errs.Quote(run.ProjectKey), errs.Quote(m.ProjectKey))
		}
		rec.RunID = run.ID
	}
	v, err := r.store.CreateRegistryVersion(ctx, p.Subject, rec)
	if errors.Is(err, errs.NotFound) {
		return nil, fmt.Errorf("registered model with name=%s not found: %w", errs.Quote(in.Name), errs.NotFound)
	}
	return v, err
}

// sourceNames reads what a version's source URI names of the hub's: a run
// (MLflow's run id) in runs:/<run id>/… or mlflow-artifacts:/<experiment>/
// <run id>/…, a logged model in models:/m-<32 hex> or mlflow-artifacts:/
// <experiment>/models/<model id>/…, with the experiment the URI places it
// in ("" when it names none). Any other source (s3://, gs://, a path, a
// registry models:/<name>/<version>) names nothing and is kept as given.
func sourceNames(source string) (runID, modelID, expID string, err error) {
	u, perr := url.Parse(source)
	scheme, _, _ := strings.Cut(strings.ToLower(source), ":")
	if scheme != "runs" && scheme != "models" && scheme != "mlflow-artifacts" {
		return "", "", "", nil
	}
	if perr != nil {
		return "", "", "", errs.Invalidf("source: %s is not a URI", errs.Quote(source))
	}
	p := u.Path
	if u.Opaque != "" {
		p = u.Opaque
	}
	var segs []string
	if u.Host != "" && scheme != "mlflow-artifacts" {
		segs = append(segs, u.Host) // runs://<id>/…: whatever a client reads as the id is checked
	}
	for _, seg := range strings.Split(p, "/") {
		if seg != "" {
			segs = append(segs, seg)
		}
	}
	switch {
	case scheme == "runs":
		if len(segs) == 0 {
			return "", "", "", errs.Invalidf("source: %s names no run", errs.Quote(source))
		}
		return segs[0], "", "", nil
	case scheme == "models":
		if len(segs) > 0 && strings.HasPrefix(strings.ToLower(segs[0]), "m-") {
			return "", segs[0], "", nil
		}
	case len(segs) >= 3 && segs[1] == modelsDir:
		return "", segs[2], segs[0], nil
	case len(segs) >= 2:
		if _, err := HubRunID(segs[1]); err == nil {
			return segs[1], "", segs[0], nil
		}
	}
	return "", "", "", nil
}

// ownRun refuses a source naming a run (MLflow's id) that is not of model
// m's project and readable by the caller, or not in experiment expID when
// one is named, as a missing run is refused: another project's run is not
// revealed.
func (r *Registry) ownRun(ctx context.Context, p *auth.Principal, m *store.RegisteredModel, runID, expID string) error {
	missing := fmt.Errorf("source: run with id=%s not found: %w", errs.Quote(runID), errs.NotFound)
	id, err := HubRunID(runID)
	if err != nil {
		return missing
	}
	rs, err := r.store.RunsByIDs(ctx, []string{id})
	if err != nil {
		return err
	}
	run, ok := rs[id]
	if !ok || !access.CanRead(p, run.ProjectKey) || run.ProjectKey != m.ProjectKey || (expID != "" && run.ExperimentID != expID) {
		return missing
	}
	return nil
}

// ownLoggedModel is ownRun for a logged model.
func (r *Registry) ownLoggedModel(ctx context.Context, p *auth.Principal, m *store.RegisteredModel, id, expID string) error {
	missing := fmt.Errorf("logged model with id=%s not found: %w", errs.Quote(id), errs.NotFound)
	if !store.IsLoggedModelID(id) {
		return missing
	}
	ms, err := r.store.LoggedModelsByIDs(ctx, []string{id})
	if err != nil {
		return err
	}
	lm, ok := ms[id]
	if !ok || !access.CanRead(p, lm.ProjectKey) || lm.ProjectKey != m.ProjectKey || (expID != "" && lm.ExperimentID != expID) {
		return missing
	}
	return nil
}

// UpdateVersion changes a version's description and tags.
func (r *Registry) UpdateVersion(ctx context.Context, p *auth.Principal, name, version string, u store.VersionUpdate) (*Version, error) {
	_, v, err := r.version(ctx, p, name, version, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	return r.store.UpdateRegistryVersion(ctx, p.Subject, v.ID, u)
}

// DeleteVersion deletes a version governance does not refer to.
func (r *Registry) DeleteVersion(ctx context.Context, p *auth.Principal, name, version string) error {
	_, v, err := r.version(ctx, p, name, version, auth.RoleContributor)
	if err != nil {
		return err
	}
	return r.store.DeleteRegistryVersion(ctx, p.Subject, v.ID)
}

// SearchVersions lists the versions of models the caller may read that
// pass filter (name and run_id with =, !=, LIKE, ILIKE, IN), in orderBy's
// order (name, version_number, creation_timestamp,
// last_updated_timestamp; default name ASC, version_number DESC), paged
// as SearchModels.
func (r *Registry) SearchVersions(ctx context.Context, p *auth.Principal, filter string, orderBy []string, after string, limit int) (
	[]*Version, string, error) {
	clauses, err := parseRegistryFilter(filter, "model-versions/search", "name", "run_id", "source_path", "tags")
	if err != nil {
		return nil, "", err
	}
	terms, err := parseOrderBy(orderBy, map[string]string{"name": "name", "version_number": "version", "version": "version",
		"timestamp": "created", "creation_timestamp": "created", "last_updated_timestamp": "updated"})
	if err != nil {
		return nil, "", err
	}
	if len(terms) == 0 {
		terms = []orderTerm{{col: "name"}, {col: "version", desc: true}}
	}
	f := store.RegistryVersionFilter{Scope: access.Scope(p)}
	for _, c := range clauses {
		switch {
		case c.key == "name" && c.op == "=":
			m, err := r.Model(ctx, p, c.vals[0])
			if errors.Is(err, errs.NotFound) || errors.Is(err, errs.Invalid) {
				return nil, "", nil // no such model: nothing matches
			}
			if err != nil {
				return nil, "", err
			}
			f.ModelIDs = append(f.ModelIDs, m.ID)
		case c.key == "run_id" && c.op == "=":
			id, err := HubRunID(c.vals[0])
			if err != nil {
				return nil, "", nil
			}
			f.RunID = id
		}
	}
	var all []*Version
	for pos := ""; ; {
		batch, err := r.store.RegistryVersions(ctx, f, pos, store.MaxItemsPerCall)
		if err != nil {
			return nil, "", err
		}
		for _, v := range batch {
			if !slices.ContainsFunc(clauses, func(c registryClause) bool { return !c.match(r.field(v, c.key)) }) {
				all = append(all, v)
			}
		}
		if len(batch) < store.MaxItemsPerCall {
			break
		}
		if pos = batch[len(batch)-1].ID; len(all) > maxRegistryScan {
			return nil, "", errs.Invalidf("filter: more than %d model versions match; narrow the filter", maxRegistryScan)
		}
	}
	key := func(v *Version) sortKey {
		k := make(sortKey, 0, len(terms)+1)
		for _, t := range terms {
			switch t.col {
			case "name":
				k = append(k, r.Name(v.ProjectKey, v.ModelName))
			case "version":
				k = append(k, num(v.Version))
			case "created":
				k = append(k, num(v.CreatedAt.UnixMilli()))
			case "updated":
				k = append(k, num(v.UpdatedAt.UnixMilli()))
			}
		}
		return append(k, v.ID)
	}
	return page(all, key, terms, after, limit)
}

// field is the value of a filter key for a version, and whether it has
// one.
func (r *Registry) field(v *Version, key string) (string, bool) {
	switch key {
	case "name":
		return r.Name(v.ProjectKey, v.ModelName), true
	case "run_id":
		if v.RunID == "" {
			return "", false
		}
		return RunID(v.RunID), true
	case "source_path":
		return v.URI, true
	}
	return tagValue(v.Tags, key)
}

// tagValue is the value of the tag a filter key ("tag:" and its key)
// names.
func tagValue(tags []store.KeyValue, key string) (string, bool) {
	k, ok := strings.CutPrefix(key, "tag:")
	if !ok {
		return "", false
	}
	for _, kv := range tags {
		if kv.Key == k {
			return kv.Value, true
		}
	}
	return "", false
}

// LatestVersions returns the latest version of a model in each of stages
// (MLflow stage names; all four when empty).
func (r *Registry) LatestVersions(ctx context.Context, p *auth.Principal, name string, stages []string) ([]*Version, error) {
	m, err := r.model(ctx, p, name, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	want := map[store.ModelStage]bool{}
	for _, s := range stages {
		st, err := Stage(s)
		if err != nil {
			return nil, err
		}
		want[st] = true
	}
	latest := map[store.ModelStage]*Version{}
	for pos := ""; ; {
		batch, err := r.store.RegistryVersions(ctx, store.RegistryVersionFilter{Scope: access.Scope(p), ModelIDs: []string{m.ID}}, pos, store.MaxItemsPerCall)
		if err != nil {
			return nil, err
		}
		for _, v := range batch {
			if (len(want) == 0 || want[v.Stage]) && (latest[v.Stage] == nil || latest[v.Stage].Version < v.Version) {
				latest[v.Stage] = v
			}
		}
		if len(batch) < store.MaxItemsPerCall {
			break
		}
		pos = batch[len(batch)-1].ID
	}
	var out []*Version
	for _, st := range []store.ModelStage{store.StageNone, store.StageStaging, store.StageProduction, store.StageArchived} {
		if v := latest[st]; v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}
