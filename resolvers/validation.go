package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// Validator runs validation suites in the background (the
// internal/validation runner).
type Validator interface {
	// Submit records a RUNNING run as actor and returns it at once.
	Submit(ctx context.Context, actor, suiteID, datasetVersionID string) (*store.ValidationRun, error)
}

// datasetFor loads a dataset the caller may read and checks it holds min
// in its project; a dataset of a hidden project is not found.
func (r *Resolver) datasetFor(ctx context.Context, field, id string, min auth.Role) (*store.Dataset, error) {
	return loadReadable(ctx, field, id, store.KindDataset, loadersFor(ctx, r.Store).dataset.Load,
		func(d *store.Dataset) string { return d.ProjectKey }, min)
}

// versionFor is datasetFor for a dataset version.
func (r *Resolver) versionFor(ctx context.Context, field, id string, min auth.Role) (*store.DatasetVersion, error) {
	return loadReadable(ctx, field, id, store.KindDatasetVersion, loadersFor(ctx, r.Store).datasetVersion.Load,
		func(v *store.DatasetVersion) string { return v.ProjectKey }, min)
}

// suiteFor is datasetFor for a validation suite.
func (r *Resolver) suiteFor(ctx context.Context, field, id string, min auth.Role) (*store.ValidationSuite, error) {
	return loadReadable(ctx, field, id, store.KindValidationSuite, loadersFor(ctx, r.Store).validationSuite.Load,
		func(s *store.ValidationSuite) string { return s.ProjectKey }, min)
}

// jsonObject decodes stored canonical JSON for a JSON field.
func jsonObject(s string) (map[string]any, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("decode stored JSON: %w", err)
	}
	return m, nil
}

func suiteConnection(c store.Conn[*store.ValidationSuite]) *model.ValidationSuiteConnection {
	return connection(c, func(cur string, n *store.ValidationSuite) *model.ValidationSuiteEdge {
		return &model.ValidationSuiteEdge{Cursor: cur, Node: n}
	}, func(e []*model.ValidationSuiteEdge, pi *model.PageInfo, t int) *model.ValidationSuiteConnection {
		return &model.ValidationSuiteConnection{Edges: e, PageInfo: pi, TotalCount: t}
	})
}

func runConnection(c store.Conn[*store.ValidationRun]) *model.ValidationRunConnection {
	return connection(c, func(cur string, n *store.ValidationRun) *model.ValidationRunEdge {
		return &model.ValidationRunEdge{Cursor: cur, Node: n}
	}, func(e []*model.ValidationRunEdge, pi *model.PageInfo, t int) *model.ValidationRunConnection {
		return &model.ValidationRunConnection{Edges: e, PageInfo: pi, TotalCount: t}
	})
}

// validationRuns lists runs of what f names; the caller checked access.
func (r *Resolver) validationRuns(ctx context.Context, f store.ValidationRunFilter, first *int, after *string) (*model.ValidationRunConnection, error) {
	c, err := r.Store.ValidationRuns(ctx, f, page(first, after))
	if err != nil {
		return nil, err
	}
	return runConnection(c), nil
}

func ruleResults(rs []quality.RuleResult) []*quality.RuleResult {
	out := make([]*quality.RuleResult, len(rs))
	for i := range rs {
		out[i] = &rs[i]
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// qualityIssues maps lineage's issues, with their versions loaded in one
// batch and the failing rules of their runs.
func (r *Resolver) qualityIssues(ctx context.Context, issues []lineage.QualityIssue) ([]*model.QualityIssue, error) {
	ids := make([]string, len(issues))
	for i, is := range issues {
		ids[i] = is.DatasetVersionID
	}
	vs, err := loadersFor(ctx, r.Store).datasetVersion.LoadAll(ctx, ids)
	out := make([]*model.QualityIssue, 0, len(issues))
	for i, is := range issues {
		if err := loadedAt(err, i); err != nil {
			return nil, err
		}
		qi := &model.QualityIssue{DatasetVersion: vs[i], Status: model.ValidationStatus(is.Status), Distance: is.Distance,
			FailingRuns: is.Runs, FailingRules: []*quality.RuleResult{}}
		for _, run := range is.Runs {
			rs, err := validation.Results(run)
			if err != nil {
				return nil, err
			}
			for j := range rs {
				if v := rs[j].Verdict; v == quality.VerdictFailed || v == quality.VerdictError {
					qi.FailingRules = append(qi.FailingRules, &rs[j])
				}
			}
		}
		out = append(out, qi)
	}
	return out, nil
}

// selects reports whether the current field's selection asks for path (a
// chain of field names, e.g. "nodes", "health").
func selects(ctx context.Context, path ...string) bool {
	if !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return false
	}
	op := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFieldsCtx(ctx, nil)
	for i, name := range path {
		var next []graphql.CollectedField
		found := false
		for _, f := range fields {
			if f.Name == name {
				found = true
				if i < len(path)-1 {
					next = append(next, graphql.CollectFields(op, f.Selections, nil)...)
				}
			}
		}
		if !found {
			return false
		}
		fields = next
	}
	return true
}

// validatesOnArrival reports whether this server validates the project's
// dataset versions on arrival.
func (r *Resolver) validatesOnArrival(projectKey string) bool {
	return r.Arrivals != nil && (len(r.Arrivals.ProjectKeys) == 0 || slices.Contains(r.Arrivals.ProjectKeys, projectKey))
}

// templateFor loads a template of a project the caller holds min in; one
// of a project the caller may not read is not found.
func (r *Resolver) templateFor(ctx context.Context, id string, min auth.Role) (*store.ValidationTemplate, error) {
	p, err := access.Caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := r.Store.ValidationTemplateByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !access.CanRead(p, t.ProjectKey) {
		return nil, fmt.Errorf("templateId: validation template %s: %w", errs.Quote(id), errs.NotFound)
	}
	if err := access.Require(p, t.ProjectKey, min); err != nil {
		return nil, err
	}
	return t, nil
}

// renderReadable renders a template as validation.RenderTemplate does,
// and refuses a definition whose references the caller may not read (a
// run reads them).
func (r *Resolver) renderReadable(ctx context.Context) store.RenderSuite {
	return func(t *store.ValidationTemplate, name string, params map[string]string) (store.SuiteDefinition, error) {
		def, err := validation.RenderTemplate(t, name, params)
		if err != nil {
			return def, err
		}
		return def, r.readableVersions(ctx, "definition.reference", def.VersionIDs())
	}
}

// templateInput is a template's content from the GraphQL input.
func templateInput(key, name, description, text string, params []*model.TemplateParamInput, sel *model.DatasetSelectorInput, autoApply bool) store.ValidationTemplateInput {
	in := store.ValidationTemplateInput{ProjectKey: key, Name: name, Description: description, Text: text, Params: []store.TemplateParam{}, AutoApply: autoApply}
	for _, p := range params {
		in.Params = append(in.Params, store.TemplateParam{Name: p.Name, Default: p.Default})
	}
	if sel != nil {
		in.Selector = store.DatasetSelector{Namespace: deref(sel.Namespace), Name: deref(sel.Name), FeatureView: deref(sel.FeatureView), Tags: sel.Tags}
	}
	return in
}

// paramValues are a template's parameter values by name.
func paramValues(vs []*model.TemplateParamValue) map[string]string {
	out := make(map[string]string, len(vs))
	for _, v := range vs {
		out[v.Name] = v.Value
	}
	return out
}

// suiteProblems are a definition check's problems as the API gives them.
func suiteProblems(ps []quality.Problem) []*model.SuiteProblem {
	out := make([]*model.SuiteProblem, len(ps))
	for i, p := range ps {
		sp := &model.SuiteProblem{Message: p.Msg}
		if p.Rule >= 0 {
			sp.Rule = &p.Rule
		}
		if p.Field != "" {
			sp.Field = &p.Field
		}
		out[i] = sp
	}
	return out
}

// dsvID is a dataset version ID in a text.
var dsvID = regexp.MustCompile(`dsv_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// redactForeignText replaces in text the IDs of objects of projects the
// caller may not read (as redactForeign does in a JSON document).
func (r *Resolver) redactForeignText(ctx context.Context, text string) (string, error) {
	ids := dsvID.FindAllString(text, -1)
	if len(ids) == 0 {
		return text, nil
	}
	projects, err := r.Store.ProjectsOf(ctx, ids)
	if err != nil {
		return "", err
	}
	return dsvID.ReplaceAllStringFunc(text, func(id string) string {
		if k, ok := projects[id]; ok && canRead(ctx, k) {
			return id
		}
		return "redacted"
	}), nil
}

// optional is s, or nil when it is empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orNone is s, or an empty list for nil.
func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// feeds maps each data source of the template's project to the names of
// the Feast feature views it feeds, when the template's selector asks by
// feature view; nil otherwise.
func (r *Resolver) feeds(ctx context.Context, t *store.ValidationTemplate) (map[string][]string, error) {
	if t.Selector.FeatureView == "" {
		return nil, nil
	}
	return validation.SourceFeeds(ctx, r.Store, t.ProjectKey)
}
