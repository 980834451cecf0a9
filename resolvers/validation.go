package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/auth"
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

// qualityIssues maps the store's issues, with their versions loaded in one
// batch and the failing rules of their runs.
func (r *Resolver) qualityIssues(ctx context.Context, issues []store.QualityIssue) ([]*model.QualityIssue, error) {
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

// withHealth fills in the health of every node of a lineage graph, in one
// batch, when the operation selects it.
func (r *Resolver) withHealth(ctx context.Context, g *model.LineageGraph) error {
	if !selects(ctx, "nodes", "health") {
		return nil
	}
	ids := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[i] = n.ID
	}
	h, err := r.Store.Health(ctx, ids, scope(ctx))
	if err != nil {
		return err
	}
	for _, n := range g.Nodes {
		n.Health = model.Health(h[n.ID])
		if n.Health == "" {
			n.Health = model.HealthUnknown
		}
	}
	return nil
}

// withAtRisk fills in an impact report's atRisk list when the operation
// selects it: the affected nodes whose health is AT_RISK or FAILED, nearest
// first.
func (r *Resolver) withAtRisk(ctx context.Context, rep *model.ImpactReport) error {
	rep.AtRisk = []string{}
	if !selects(ctx, "atRisk") {
		return nil
	}
	type node struct {
		id       string
		distance int
	}
	var nodes []node
	for _, n := range rep.Runs {
		nodes = append(nodes, node{n.ID, n.Distance})
	}
	for _, n := range rep.DatasetVersions {
		nodes = append(nodes, node{n.ID, n.Distance})
	}
	for _, n := range rep.ModelVersions {
		nodes = append(nodes, node{n.ID, n.Distance})
	}
	slices.SortStableFunc(nodes, func(a, b node) int {
		if a.distance != b.distance {
			return a.distance - b.distance
		}
		return strings.Compare(a.id, b.id)
	})
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.id
	}
	h, err := r.Store.Health(ctx, ids, scope(ctx))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if h[id] == store.HealthAtRisk || h[id] == store.HealthFailed {
			rep.AtRisk = append(rep.AtRisk, id)
		}
	}
	return nil
}
