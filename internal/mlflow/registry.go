package mlflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

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
