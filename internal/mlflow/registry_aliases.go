package mlflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
)

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
