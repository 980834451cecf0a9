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
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
)

// RegistryStore is what the model registry reads and writes; *store.Store
// provides it.
type RegistryStore interface {
	RegisteredModel(ctx context.Context, projectKey, name string) (*store.RegisteredModel, error)
	RegisteredModelsInScope(ctx context.Context, scope store.Scope, after string, limit int) ([]*store.RegisteredModel, error)
	CreateRegisteredModel(ctx context.Context, actor string, in store.CreateRegisteredModelInput) (*store.RegisteredModel, error)
	ArchiveModelVersion(ctx context.Context, actor, versionID string) (*store.RegistryVersion, error)
	UpdateRegisteredModel(ctx context.Context, actor, modelID string, u store.ModelUpdate) (*store.RegisteredModel, error)
	DeleteRegisteredModel(ctx context.Context, actor, modelID string) error
	CreateRegistryVersion(ctx context.Context, actor string, in store.RegistryVersionInput) (*store.RegistryVersion, error)
	RegistryVersion(ctx context.Context, modelID string, version int64) (*store.RegistryVersion, error)
	RegistryVersions(ctx context.Context, f store.RegistryVersionFilter, after string, limit int) ([]*store.RegistryVersion, error)
	UpdateRegistryVersion(ctx context.Context, actor, versionID string, u store.VersionUpdate) (*store.RegistryVersion, error)
	DeleteRegistryVersion(ctx context.Context, actor, versionID string) error
	SetModelAlias(ctx context.Context, actor, modelID, alias string, version int64, productionOnly bool) (*store.RegistryVersion, error)
	DeleteModelAlias(ctx context.Context, actor, modelID, alias string) error
	VersionByAlias(ctx context.Context, modelID, alias string) (*store.RegistryVersion, error)
	OpenPromotionRequestOf(ctx context.Context, versionID string) (*store.PromotionRequest, error)
	PolicyOf(ctx context.Context, projectKey string, version *int64) (*store.Policy, error)
	RunsByIDs(ctx context.Context, ids []string) (map[string]*store.Run, error)
	LoggedModelsByIDs(ctx context.Context, ids []string) (map[string]*store.LoggedModel, error)
}

// Promotions opens promotion requests; *governance.Service provides it,
// with its checks and separation of duties.
type Promotions interface {
	RequestPromotion(ctx context.Context, p *auth.Principal, in store.RequestPromotionInput) (*store.PromotionRequest, error)
}

// Registry carries out MLflow's model registry operations for a caller: a
// registered model is a hub Model in the project its name places it in
// (PlaceModel), a model version a ModelVersion. Viewers read,
// contributors write; governed aliases and stages go through promotion
// requests. It is safe for concurrent use.
type Registry struct {
	store RegistryStore
	gov   Promotions
	cfg   Config
}

// NewRegistry returns a Registry over st that opens promotion requests
// through gov.
func NewRegistry(st RegistryStore, gov Promotions, cfg Config) *Registry {
	return &Registry{store: st, gov: gov, cfg: cfg}
}

// Registry returns the model registry over the service's store, with
// promotion requests opened by a governance.Service over the same store
// (as governance builds its lineage over its store) built with opts (its
// observer, so promotions through MLflow count in the metrics); nil when
// the store does not serve both.
func (s *Service) Registry(opts ...governance.Option) *Registry {
	rs, ok := s.store.(RegistryStore)
	if !ok {
		return nil
	}
	gs, ok := s.store.(governance.Store)
	if !ok {
		return nil
	}
	return NewRegistry(rs, governance.New(gs, nil, opts...), s.cfg)
}

// Name is the MLflow name of a hub model.
func (r *Registry) Name(projectKey, name string) string {
	return ModelName(projectKey, name, r.cfg.DefaultProject)
}

// PromotionPending refuses setting a governed alias or stage directly: a
// promotion request was opened (or one is open already) and the change
// happens when it is approved.
type PromotionPending struct {
	Request *store.PromotionRequest
	// What was asked: `alias "production"` or `stage Production`.
	What    string
	Model   string
	Version int64
	// Opened is true when this call opened the request.
	Opened bool
}

// Link is the request's place in the explorer.
func (e *PromotionPending) Link() string {
	return "/approvals?" + url.Values{"project": {e.Request.ProjectKey}, "tab": {"all"}, "request": {e.Request.ID}}.Encode()
}

func (e *PromotionPending) Error() string {
	verb := "promotion request %s is already open for version %d of model %s (%s to %s, %s)"
	if e.Opened {
		verb = "promotion request %s was opened for version %d of model %s (%s to %s, %s)"
	}
	what := fmt.Sprintf(verb, e.Request.ID, e.Version, errs.Quote(e.Model), e.Request.FromStage, e.Request.TargetStage, e.Request.Status)
	return fmt.Sprintf("%s is governed by the policy of project %s and is not set directly: %s; it takes effect when approved. Review it in the explorer at %s",
		e.What, errs.Quote(e.Request.ProjectKey), what, e.Link())
}

// Unwrap makes it a refusal: MLflow's PERMISSION_DENIED (403). The client
// raises it as is (it retries 429 and 5xx only), and the code says what
// happened: the caller may not make this change by itself, someone else
// must approve it. INVALID_STATE would say the model is in a state that
// forbids the call, which reads as a bug in the call, and
// INVALID_PARAMETER_VALUE that the request was malformed.
func (e *PromotionPending) Unwrap() error { return errs.Forbidden }

// model returns the model an MLflow name names, for a caller holding min
// in its project; a model of a project the caller may not read answers as
// a missing one.
func (r *Registry) model(ctx context.Context, p *auth.Principal, name string, min auth.Role) (*store.RegisteredModel, error) {
	pk, n, err := PlaceModel(name, r.cfg.DefaultProject)
	if err != nil {
		return nil, err
	}
	missing := fmt.Errorf("registered model with name=%s not found: %w", errs.Quote(name), errs.NotFound)
	if !access.CanRead(p, pk) {
		return nil, missing
	}
	m, err := r.store.RegisteredModel(ctx, pk, n)
	if errors.Is(err, errs.NotFound) {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	if err := access.Require(p, pk, min); err != nil {
		return nil, err
	}
	return m, nil
}

// Model returns a registered model the caller may read.
func (r *Registry) Model(ctx context.Context, p *auth.Principal, name string) (*store.RegisteredModel, error) {
	return r.model(ctx, p, name, auth.RoleViewer)
}

// CreateModel creates a registered model in a project the caller
// contributes to; a name taken is ErrAlreadyExists (register_model goes on
// to add a version).
func (r *Registry) CreateModel(ctx context.Context, p *auth.Principal, name, description string, tags []store.KeyValue) (*store.RegisteredModel, error) {
	pk, n, err := PlaceModel(name, r.cfg.DefaultProject)
	if err != nil {
		return nil, err
	}
	if err := access.Require(p, pk, auth.RoleContributor); err != nil {
		return nil, err
	}
	m, err := r.store.CreateRegisteredModel(ctx, p.Subject, store.CreateRegisteredModelInput{ProjectKey: pk, Name: n, Description: description, Tags: tags})
	if errors.Is(err, errs.Conflict) {
		return nil, fmt.Errorf("%w: registered model %s already exists", ErrAlreadyExists, errs.Quote(name))
	}
	if errors.Is(err, errs.NotFound) {
		return nil, errs.Invalidf("name %s: project %s does not exist", errs.Quote(name), errs.Quote(pk))
	}
	return m, err
}

// RenameModel renames a model within its project (a new name naming
// another project is refused: models do not move).
func (r *Registry) RenameModel(ctx context.Context, p *auth.Principal, name, newName string) (*store.RegisteredModel, error) {
	m, err := r.model(ctx, p, name, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	pk, n, err := PlaceModel(newName, m.ProjectKey)
	if err != nil {
		return nil, fmt.Errorf("new_name: %w", err)
	}
	if pk != m.ProjectKey {
		return nil, errs.Invalidf("new_name %s: a model stays in its project %s", errs.Quote(newName), errs.Quote(m.ProjectKey))
	}
	out, err := r.store.UpdateRegisteredModel(ctx, p.Subject, m.ID, store.ModelUpdate{Name: &n})
	if errors.Is(err, errs.Conflict) {
		return nil, fmt.Errorf("%w: registered model %s already exists", ErrAlreadyExists, errs.Quote(newName))
	}
	return out, err
}

// UpdateModel changes a model's description, tags (SetTag, DeleteTag).
func (r *Registry) UpdateModel(ctx context.Context, p *auth.Principal, name string, u store.ModelUpdate) (*store.RegisteredModel, error) {
	m, err := r.model(ctx, p, name, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	u.Name = nil
	return r.store.UpdateRegisteredModel(ctx, p.Subject, m.ID, u)
}

// DeleteModel deletes a model and its versions, unless governance refers
// to one of them.
func (r *Registry) DeleteModel(ctx context.Context, p *auth.Principal, name string) error {
	m, err := r.model(ctx, p, name, auth.RoleContributor)
	if err != nil {
		return err
	}
	return r.store.DeleteRegisteredModel(ctx, p.Subject, m.ID)
}

// maxRegistryScan bounds how many models or versions one search reads.
const maxRegistryScan = 10_000

// SearchModels lists the models of the projects the caller may read that
// pass filter (name with =, !=, LIKE, ILIKE, IN), in orderBy's order (name,
// creation_timestamp, last_updated_timestamp; default name ASC), limit per
// page after the position after ("" for the first); next is the position
// of the next page ("" when none).
func (r *Registry) SearchModels(ctx context.Context, p *auth.Principal, filter string, orderBy []string, after string, limit int) (
	[]*store.RegisteredModel, string, error) {
	clauses, err := parseRegistryFilter(filter, "registered-models/search", "name", "tags")
	if err != nil {
		return nil, "", err
	}
	terms, err := parseOrderBy(orderBy, map[string]string{"name": "name", "timestamp": "created", "creation_timestamp": "created",
		"last_updated_timestamp": "updated"})
	if err != nil {
		return nil, "", err
	}
	if len(terms) == 0 {
		terms = []orderTerm{{col: "name"}}
	}
	var all []*store.RegisteredModel
	for pos := ""; ; {
		batch, err := r.store.RegisteredModelsInScope(ctx, access.Scope(p), pos, store.MaxItemsPerCall)
		if err != nil {
			return nil, "", err
		}
		for _, m := range batch {
			name := r.Name(m.ProjectKey, m.Name)
			if !slices.ContainsFunc(clauses, func(c registryClause) bool {
				if c.key == "name" {
					return !c.match(name, true)
				}
				v, ok := tagValue(m.Tags, c.key)
				return !c.match(v, ok)
			}) {
				all = append(all, m)
			}
		}
		if len(batch) < store.MaxItemsPerCall {
			break
		}
		if pos = batch[len(batch)-1].ID; len(all) > maxRegistryScan {
			return nil, "", errs.Invalidf("filter: more than %d registered models match; narrow the filter", maxRegistryScan)
		}
	}
	key := func(m *store.RegisteredModel) sortKey {
		k := make(sortKey, 0, len(terms)+1)
		for _, t := range terms {
			switch t.col {
			case "name":
				k = append(k, r.Name(m.ProjectKey, m.Name))
			case "created":
				k = append(k, num(m.CreatedAt.UnixMilli()))
			case "updated":
				k = append(k, num(m.UpdatedAt.UnixMilli()))
			}
		}
		return append(k, m.ID)
	}
	return page(all, key, terms, after, limit)
}

// page sorts items by key under terms and returns limit of them after the
// position after, and the position of the next page.
func page[T any](items []T, key func(T) sortKey, terms []orderTerm, after string, limit int) ([]T, string, error) {
	slices.SortFunc(items, func(a, b T) int { return compareKeys(key(a), key(b), terms) })
	start := 0
	if after != "" {
		pos, err := decodeKey(after, len(terms)+1)
		if err != nil {
			return nil, "", err
		}
		start = len(items)
		for i, it := range items {
			if compareKeys(key(it), pos, terms) > 0 {
				start = i
				break
			}
		}
	}
	end := min(len(items), start+limit)
	out := items[start:end]
	if end < len(items) && len(out) > 0 {
		return out, encodeKey(key(out[len(out)-1])), nil
	}
	return out, "", nil
}

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

// SetAlias points an alias at a version of a model the caller contributes
// to. A free alias is set directly. A governed one (governance.GovernedAlias
// under the project's policy) is set directly only on the version in
// PRODUCTION; on any other version it opens a promotion request to
// PRODUCTION carrying the alias, through governance (its checks and
// separation of duties), and answers PromotionPending; a request already
// open for the version is named instead of opening a second one. Once the
// request is approved the version is in PRODUCTION and the alias on it.
func (r *Registry) SetAlias(ctx context.Context, p *auth.Principal, name, alias, version string) error {
	a, err := governance.CheckAlias("alias", alias)
	if err != nil {
		return err
	}
	m, v, err := r.version(ctx, p, name, version, auth.RoleContributor)
	if err != nil {
		return err
	}
	pol, err := r.store.PolicyOf(ctx, m.ProjectKey, nil)
	if err != nil {
		return err
	}
	if !governance.GovernedAlias(pol, a) {
		_, err := r.store.SetModelAlias(ctx, p.Subject, m.ID, a, v.Version, false)
		return err
	}
	if v.Stage == store.StageProduction {
		if a == store.ProductionAlias {
			return nil // it is there
		}
		_, err := r.store.SetModelAlias(ctx, p.Subject, m.ID, a, v.Version, true)
		if !errors.Is(err, errs.Conflict) {
			return err
		}
		// The version left PRODUCTION meanwhile: ask for it.
	}
	carried := a
	if a == store.ProductionAlias {
		carried = "" // the PRODUCTION stage is that alias
	}
	return r.requestPromotion(ctx, p, m, v, store.StageProduction, carried, fmt.Sprintf("alias %s", errs.Quote(a)),
		fmt.Sprintf("MLflow client: set alias %s of model %s to version %d", errs.Quote(a), errs.Quote(r.Name(m.ProjectKey, m.Name)), v.Version))
}

// requestPromotion opens a promotion request of v to stage (carrying
// alias, when set) or finds the one open, and answers PromotionPending.
func (r *Registry) requestPromotion(ctx context.Context, p *auth.Principal, m *store.RegisteredModel, v *Version,
	stage store.ModelStage, alias, what, justification string) error {
	pending := &PromotionPending{What: what, Model: r.Name(m.ProjectKey, m.Name), Version: v.Version}
	open, err := r.store.OpenPromotionRequestOf(ctx, v.ID)
	if err == nil {
		pending.Request = open
		return pending
	}
	if !errors.Is(err, errs.NotFound) {
		return err
	}
	req, err := r.gov.RequestPromotion(ctx, p, store.RequestPromotionInput{ModelVersionID: v.ID, TargetStage: stage,
		Justification: justification, Alias: alias})
	if errors.Is(err, errs.Conflict) {
		// Opened concurrently: name that one.
		if open, err2 := r.store.OpenPromotionRequestOf(ctx, v.ID); err2 == nil {
			pending.Request = open
			return pending
		}
	}
	if err != nil {
		return err
	}
	pending.Request, pending.Opened = req, true
	return pending
}

// DeleteAlias removes an alias from a model the caller contributes to. A
// governed alias is refused: it moves only through promotion.
func (r *Registry) DeleteAlias(ctx context.Context, p *auth.Principal, name, alias string) error {
	a, err := governance.CheckAlias("alias", alias)
	if err != nil {
		return err
	}
	m, err := r.model(ctx, p, name, auth.RoleContributor)
	if err != nil {
		return err
	}
	pol, err := r.store.PolicyOf(ctx, m.ProjectKey, nil)
	if err != nil {
		return err
	}
	if governance.GovernedAlias(pol, a) {
		return errs.Forbiddenf("alias %s is governed by the policy of project %s: it moves only through an approved promotion request, and is not deleted",
			errs.Quote(a), errs.Quote(m.ProjectKey))
	}
	return r.store.DeleteModelAlias(ctx, p.Subject, m.ID, a)
}

// VersionByAlias returns the version an alias names in a model the caller
// may read.
func (r *Registry) VersionByAlias(ctx context.Context, p *auth.Principal, name, alias string) (*Version, error) {
	a, err := governance.CheckAlias("alias", alias)
	if err != nil {
		return nil, err
	}
	m, err := r.model(ctx, p, name, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	v, err := r.store.VersionByAlias(ctx, m.ID, a)
	if errors.Is(err, errs.NotFound) {
		return nil, fmt.Errorf("registered model alias %s not found for model %s: %w", errs.Quote(a), errs.Quote(name), errs.NotFound)
	}
	return v, err
}

// Archive takes a version out of use: a contributor archives a version
// that is neither in PRODUCTION (it leaves production only when another
// version is promoted, or rolled back, there) nor named by a governed
// alias (which moves only through promotion).
func (r *Registry) Archive(ctx context.Context, p *auth.Principal, name, version string) (*Version, error) {
	m, v, err := r.version(ctx, p, name, version, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	pol, err := r.store.PolicyOf(ctx, m.ProjectKey, nil)
	if err != nil {
		return nil, err
	}
	for _, a := range v.Aliases {
		if a != store.ProductionAlias && governance.GovernedAlias(pol, a) {
			return nil, errs.Invalidf("version %d of model %s holds the governed alias %s: it moves only through promotion, so the version is not archived while it holds it",
				v.Version, errs.Quote(name), errs.Quote(a))
		}
	}
	return r.store.ArchiveModelVersion(ctx, p.Subject, v.ID)
}

// TransitionStage is MLflow's deprecated stage transition: a stage the
// project's policy lets a promotion target (Staging, Production) opens a
// promotion request through governance and answers PromotionPending, as a
// governed alias does. The hub's stages move only through promotion, so
// None and Archived are refused.
func (r *Registry) TransitionStage(ctx context.Context, p *auth.Principal, name, version, stage string) error {
	st, err := Stage(stage)
	if err != nil {
		return err
	}
	m, v, err := r.version(ctx, p, name, version, auth.RoleContributor)
	if err != nil {
		return err
	}
	if st == v.Stage {
		return nil
	}
	if st != store.StageStaging && st != store.StageProduction {
		return errs.Invalidf("stage: the hub's stages move through promotion requests (Staging, Production); a promotion archives the previous Production version")
	}
	return r.requestPromotion(ctx, p, m, v, st, "", "stage "+StageName(st),
		fmt.Sprintf("MLflow client: transition model %s version %d to %s", errs.Quote(r.Name(m.ProjectKey, m.Name)), v.Version, StageName(st)))
}
