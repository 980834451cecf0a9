package validation

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Templates that apply themselves (store.ValidationTemplate.AutoApply):
// before validation on arrival starts the runs of a page of
// registrations, it makes a suite of each such template of the project,
// with the parameters' defaults, on each registered version's dataset
// the template's selector matches and that has no suite of it yet. The
// new suite runs on the version that brought it, with the suites the
// dataset had. A dataset matched later (a tag added, a Feast view that
// starts reading it) gets its suite at its next registration.

// ActorTemplates is the actor of the suites templates make on arrival.
const ActorTemplates = "exphub:template-auto-apply"

// maxAutoSuites bounds the suites templates make for one page of
// registrations, so one project's templates cannot hold up the arrivals
// of the others; the rest are made at the datasets' next versions.
const maxAutoSuites = 20

// TemplateStore is what applying templates on arrival needs of the
// store.
type TemplateStore interface {
	FeatureViewLister
	AutoApplyTemplates(ctx context.Context, projectKeys []string) ([]*store.ValidationTemplate, error)
	DatasetsByIDs(ctx context.Context, ids []string) (map[string]*store.Dataset, error)
	ProjectsOf(ctx context.Context, ids []string) (map[string]string, error)
	CreateValidationSuite(ctx context.Context, actor string, in store.CreateValidationSuiteInput) (*store.ValidationSuite, error)
}

// applyTemplates makes the suites of the templates that apply themselves
// on the datasets of page's registrations, and adds each new suite to
// the registrations of its dataset in page. A template that cannot be
// rendered for its own project is skipped (logged), not retried forever.
func (r *Runner) applyTemplates(ctx context.Context, st TemplateStore, page *store.ArrivalPage) error {
	var projects []string
	for _, a := range page.Arrivals {
		if a.DatasetID != "" && !slices.Contains(projects, a.ProjectKey) {
			projects = append(projects, a.ProjectKey)
		}
	}
	templates, err := st.AutoApplyTemplates(ctx, projects)
	if err != nil || len(templates) == 0 {
		return err
	}
	// The datasets that lack a suite of one of their project's templates.
	// A dataset at its suite limit gets none: the write would be refused.
	want := map[string][]*store.ValidationTemplate{} // dataset ID → templates
	room := map[string]int{}                         // dataset ID → suites it may still have
	for _, a := range page.Arrivals {
		room[a.DatasetID] = store.MaxSuitesPerDataset - a.Suites
		for _, t := range templates {
			if t.ProjectKey == a.ProjectKey && a.DatasetID != "" && !slices.Contains(a.Templates, t.ID) && !slices.Contains(want[a.DatasetID], t) {
				want[a.DatasetID] = append(want[a.DatasetID], t)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	datasets, err := st.DatasetsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	feeds := map[string]map[string][]string{} // project → source ID → view names
	made := map[string][]string{}             // dataset ID → suite IDs
	attempts := 0
	for _, id := range ids {
		d := datasets[id]
		if d == nil {
			continue
		}
		for _, t := range want[id] {
			if attempts == maxAutoSuites || room[id] <= 0 {
				break
			}
			if t.Selector.FeatureView != "" && feeds[t.ProjectKey] == nil {
				if feeds[t.ProjectKey], err = SourceFeeds(ctx, st, t.ProjectKey); err != nil {
					return err
				}
			}
			if !SelectorMatches(t.Selector, d, feeds[t.ProjectKey][d.ID]) {
				continue
			}
			attempts++
			s, err := r.applyTemplate(ctx, st, t, d)
			switch {
			case errors.Is(err, store.ErrSuiteNameTaken):
				// The dataset has a suite of the template's name, written by
				// hand or made from another template: left as it is.
			case errors.Is(err, errs.Invalid):
				r.opts.Logger.Warn("validation on arrival: a template cannot apply itself", "template", t.ID, "dataset", d.ID, "err", err)
			case err != nil:
				return err
			default:
				made[d.ID] = append(made[d.ID], s.ID)
				room[d.ID]--
			}
		}
	}
	for i := range page.Arrivals {
		a := &page.Arrivals[i]
		a.SuiteIDs = append(a.SuiteIDs, made[a.DatasetID]...)
	}
	return nil
}

// applyTemplate makes template t's suite on dataset d, rendered with its
// parameters' defaults; a reference to another project's data is
// errs.Invalid.
func (r *Runner) applyTemplate(ctx context.Context, st TemplateStore, t *store.ValidationTemplate, d *store.Dataset) (*store.ValidationSuite, error) {
	def, err := RenderTemplate(t, t.Name, nil)
	if err != nil {
		return nil, err
	}
	if refs := def.VersionIDs(); len(refs) > 0 {
		owners, err := st.ProjectsOf(ctx, refs)
		if err != nil {
			return nil, err
		}
		for _, id := range refs {
			if owners[id] != t.ProjectKey {
				return nil, errs.Invalidf("definition.reference: %s is not a version of project %s", errs.Quote(id), t.ProjectKey)
			}
		}
	}
	s, err := st.CreateValidationSuite(ctx, ActorTemplates, store.CreateValidationSuiteInput{DatasetID: d.ID, Name: t.Name, Definition: def,
		Template: &store.SuiteTemplateLink{TemplateID: t.ID, Version: t.Version, Params: map[string]string{}}})
	if err != nil {
		return nil, fmt.Errorf("template %s on dataset %s %s: %w", errs.Quote(t.Name), d.Namespace, d.Name, err)
	}
	return s, nil
}

// FeatureViewLister reads a project's Feast feature views.
type FeatureViewLister interface {
	FeatureViews(ctx context.Context, projectKey string, ids []string) ([]*store.FeatureViewRow, error)
}

// SourceFeeds are the names of the Feast feature views each data source
// of a project feeds, by source ID: what a selector's featureView
// pattern is matched against (SelectorMatches).
func SourceFeeds(ctx context.Context, st FeatureViewLister, projectKey string) (map[string][]string, error) {
	views, err := st.FeatureViews(ctx, projectKey, nil)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, v := range views {
		for _, src := range v.Sources {
			out[src.ID] = append(out[src.ID], v.View.Name)
		}
	}
	return out, nil
}
