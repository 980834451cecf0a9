package api

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

// DefaultComplexityLimit admits a page of 100 experiments with 20 runs
// each and a few fields per run, and rejects pages nested three deep at
// full size.
const DefaultComplexityLimit = 50_000

// RoundTripCost is what each root field adds to an operation's cost: a
// root field is at least one database round-trip, whatever it selects, so
// a thousand aliases of a cheap field are a thousand round-trips' worth.
const RoundTripCost = 25

// Nominal lengths of the lists that have no first argument: the cost
// counts each as this many items. A response whose lists turn out longer
// is still bounded by Limits.MaxObjects while it executes.
const (
	// neighbourItems: a run's inputs and outputs, a version's producers,
	// consumers and sources.
	neighbourItems = 5
	// recordItems: a run's params, tags and metrics, a version's schema
	// fields, a run's per-rule results, a bias check's groups.
	recordItems = 20
	// fewItems: grants, approvals, checks, bias rules, failing rules and
	// runs of a quality issue, compared metrics.
	fewItems = 10
)

// satMul multiplies non-negative a and b, saturating at math.MaxInt: an
// operation whose true cost does not fit an int costs more than any limit.
func satMul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return math.MaxInt
	}
	return int(lo)
}

// costAdd adds non-negative a and b, saturating at math.MaxInt.
func costAdd(a, b int) int { return satAdd(max(a, 0), max(b, 0), math.MaxInt) }

// listCost is the cost of a list of n items of cost child each, plus the
// field itself.
func listCost(child, n int) int { return costAdd(1, satMul(n, child)) }

// pageCost is the cost of a connection: its children once per item asked
// for (first, 20 when omitted; first: 0 is charged as 1, since it still
// returns pageInfo and totalCount), plus the connection itself.
func pageCost(child int, first *int) int {
	n := store.DefaultPageSize
	if first != nil {
		n = max(*first, 0)
	}
	// first: 0 still returns the connection's pageInfo and totalCount,
	// so its children are charged once, never zero times.
	return listCost(child, max(n, 1))
}

// setComplexity makes every list multiply the cost of its selection by the
// number of items it may hold: a connection's first, a traversal's node
// budget, or a nominal length for the short lists that have no argument.
func setComplexity(c *graph.ComplexityRoot) {
	c.Query.Projects = func(child int, _ *model.ProjectFilter, first *int, _ *string) int { return pageCost(child, first) }
	c.Query.Experiments = func(child int, _ string, _ *model.ExperimentFilter, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Query.Runs = func(child int, _ string, _ *model.RunFilter, _ *model.RunOrder, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Query.SearchRuns = func(child int, _ string, _ []string, _ *string, _ []string, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Query.Nodes = func(child int, ids []string) int { return listCost(child, len(ids)) }
	c.Query.Datasets = func(child int, _ string, _ *model.DatasetFilter, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Query.Models = func(child int, _ string, _ *model.ModelFilter, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Query.Jobs = func(child int, _ string, _ *string, first *int, _ *string) int { return pageCost(child, first) }
	c.Job.Runs = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.Project.Experiments = func(child int, _ *model.ExperimentFilter, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Project.Datasets = func(child int, _ *model.DatasetFilter, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Project.Models = func(child int, _ *model.ModelFilter, first *int, _ *string) int { return pageCost(child, first) }
	c.Experiment.Runs = func(child int, _ *model.RunFilter, _ *model.RunOrder, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Dataset.Versions = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.Model.Versions = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.Dataset.ValidationSuites = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.DatasetVersion.ValidationRuns = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.ValidationSuite.Runs = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.Query.ValidationRuns = func(child int, _, _ *string, first *int, _ *string) int { return pageCost(child, first) }
	c.Query.PromotionRequests = func(child int, _ *string, _ *model.PromotionRequestFilter, first *int, _ *string) int {
		return pageCost(child, first)
	}
	c.Query.AuditEvents = func(child int, _ *model.EventFilter, first *int, _ *string) int { return pageCost(child, first) }
	c.ModelVersion.PromotionRequests = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.ModelVersion.BiasChecks = func(child int, first *int, _ *string) int { return pageCost(child, first) }
	c.Query.RecentEvents = func(child int, _ *model.EventFilter, last *int) int {
		n := 50
		if last != nil {
			n = max(*last, 0)
		}
		return listCost(child, n)
	}

	// Lists without an argument count their nominal length.
	neighbours := func(child int) int { return listCost(child, neighbourItems) }
	records := func(child int) int { return listCost(child, recordItems) }
	few := func(child int) int { return listCost(child, fewItems) }
	c.Run.Inputs, c.Run.Outputs, c.Run.ModelOutputs = neighbours, neighbours, neighbours
	c.Run.Children, c.Job.Inputs, c.Job.Outputs, c.Job.Children, c.Dataset.Jobs = neighbours, neighbours, neighbours, neighbours, neighbours
	c.DatasetVersion.ProducedBy, c.DatasetVersion.ConsumedBy, c.DatasetVersion.DerivedFrom = neighbours, neighbours, neighbours
	c.Run.Params, c.Run.Tags = records, records
	c.Model.Tags, c.ModelVersion.Tags = records, records
	c.Run.Metrics = func(child int, _ []string) int { return records(child) }
	c.Run.Artifacts = func(child int, _ *string) int { return records(child) }
	c.DatasetVersion.Schema = records
	c.ValidationRun.Results = records
	c.SuiteDefinitionCheck.Problems, c.TemplateDefinitionCheck.Problems = records, records
	c.Query.ValidationRuleTypes = records
	c.BiasCheck.Groups = records
	c.Viewer.Grants = few
	c.PromotionRequest.Approvals, c.PromotionRequest.Checks = few, few
	c.Policy.BiasRules = few
	c.Policy.RequiredGroups, c.PromotionRequest.RequiredGroups = few, few // at most 10 (setPolicy)
	c.QualityIssue.FailingRules, c.QualityIssue.FailingRuns = few, few
	c.Reproduction.Metrics = few
	c.Event.Disclosures = few
	c.Run.Facets, c.Job.Facets, c.Dataset.Facets, c.DatasetVersion.Facets = few, few, few, few
	c.ColumnEdge.Transformations = few

	// Traversals cost what they may return: lineage its maxNodes, impact
	// and paths a share of their server-side maxima, a metric history a
	// long series. Their results hold no further lists of objects, they
	// are root fields only, and their size is bounded on the server.
	// A kinds filter lets the walk pass through ten times more nodes than
	// it returns, up to lineage.MaxWalk.
	c.Query.Lineage = func(child int, _ string, _ *model.LineageDirection, _ *int, maxNodes *int, kinds []model.NodeKind, _ *time.Time) int {
		n := lineage.DefaultMaxNodes
		if maxNodes != nil && *maxNodes > 0 {
			n = *maxNodes
		}
		if len(kinds) > 0 {
			n = min(lineage.MaxWalk, satMul(10, n))
		}
		return costAdd(child, n)
	}
	c.Query.Impact = func(child int, _ string, _ *int, _ *time.Time) int { return costAdd(child, ImpactCost) }
	c.Query.LineagePath = func(child int, _, _ string, _ *time.Time) int { return costAdd(child, 500) }
	// Column lineage costs its maxNodes like lineage, with the model
	// versions it lists (a share of them, like a path).
	c.Query.ColumnLineage = func(child int, _ string, _ string, _ *model.LineageDirection, _ *int, maxNodes *int) int {
		n := lineage.DefaultMaxNodes
		if maxNodes != nil && *maxNodes > 0 {
			n = *maxNodes
		}
		return costAdd(child, n)
	}
	c.Metric.History = func(child int) int { return costAdd(child, 1000) }
	// Issues walk everything upstream of a node, like a path query, and
	// return at most lineage.MaxQualityIssues.
	c.Query.QualityIssuesUpstream = func(child int, _ string) int {
		return costAdd(500, satMul(lineage.MaxQualityIssues, child))
	}
	// The audit walks every run of an experiment (at most
	// store.MaxAuditRuns); verification walks the whole event log; an
	// evidence pack walks the lineage upstream and a span of the log.
	c.Query.ReproducibilityAudit = func(child int, _ string) int { return costAdd(child, store.MaxAuditRuns) }
	c.Query.VerifyAuditLog = func(child int, _ string) int { return costAdd(child, ImpactCost) }
	c.Query.EvidencePack = func(child int, _ string) int { return costAdd(child, ImpactCost) }
	// A governance report aggregates every run and request of a project
	// in Neo4j, like an impact, and lists at most
	// store.MaxReportProduction versions in production.
	c.Query.GovernanceReport = func(child int, _ string, _ *string, _, _ *time.Time) int { return costAdd(child, ImpactCost) }
	c.GovernanceReport.InProduction = func(child int) int { return listCost(child, store.MaxReportProduction) }
	// The quality dashboard aggregates a project's runs and walks upstream
	// of its newest model versions, like a path query; its lists are short.
	c.Query.QualityDashboard = func(child int, _ string, _ *int) int { return costAdd(child, 500) }
	c.QualityDashboard.Days = func(child int) int { return listCost(child, store.MaxQualityDays) }
	c.QualityDashboard.SlowestSuites = func(child int) int { return listCost(child, store.MaxSlowSuites) }
	c.QualityDashboard.Failing = func(child int) int { return listCost(child, store.MaxFailingVersions) }
	c.QualityDashboard.ModelsAtRisk = func(child int) int { return listCost(child, store.MaxModelsAtRisk) }
	c.QualityDashboard.DatasetsAtRisk = func(child int) int { return listCost(child, store.MaxDatasetsAtRisk) }
	// Sign-offs: the latest store.MaxSignOffs of a subject or a digest.
	signOffs := func(child int) int { return listCost(child, store.MaxSignOffs) }
	c.GovernanceReport.SignOffs, c.PromotionRequest.SignOffs = signOffs, signOffs
	// Signing off a pack gathers the pack again to compare, like
	// evidencePack.
	c.Mutation.SignOff = func(child int, _ model.SignOffInput) int { return costAdd(child, ImpactCost) }
	c.Query.SignOffs = func(child int, _ string) int { return signOffs(child) }
	// Webhook receivers: at most store.MaxWebhooksPerProject a project.
	c.Query.Webhooks = func(child int, _ string) int { return listCost(child, store.MaxWebhooksPerProject) }
	// Templates: at most store.MaxTemplatesPerProject a project, each with
	// at most store.MaxTemplateSuites suites and MaxTemplateParams params.
	templateSuites := func(child int) int { return listCost(child, store.MaxTemplateSuites) }
	c.Query.ValidationTemplates = func(child int, _ string) int { return listCost(child, store.MaxTemplatesPerProject) }
	c.ValidationTemplate.Suites = templateSuites
	c.ValidationTemplate.Params = func(child int) int { return listCost(child, store.MaxTemplateParams) }
	c.ApplyValidationTemplatePayload.Suites, c.UpdateValidationTemplatePayload.Suites = templateSuites, templateSuites
	// Feature views: a page of them is read with every view of the
	// project and a health walk upstream of their sources, like an impact;
	// a view's own lists are Feast's few.
	c.Query.FeatureViews = func(child int, _ string, _ *bool, first *int, _ *string) int {
		return costAdd(pageCost(child, first), ImpactCost)
	}
	c.Dataset.FeatureView = func(child int) int { return costAdd(child, 500) }
	c.Dataset.UsedByFeatureViews = func(child int) int { return costAdd(listCost(child, fewItems), 500) }
	c.FeatureView.Sources, c.FeatureView.Entities, c.FeatureView.Services = neighbours, neighbours, neighbours
	c.FeatureView.AtRiskSources, c.FeatureView.SourceData = neighbours, neighbours
	c.FeatureView.Tags = records
	c.Run.FeatureServices, c.ModelVersion.FeatureServices = neighbours, neighbours
	c.ImpactReport.FeatureViews = few
}

// ImpactCost is the complexity of one impact query: ten fit in the default
// limit.
const ImpactCost = 5_000

// operationCost is the cost of op: gqlgen's walk over the selections, with
// the functions of setComplexity, plus RoundTripCost per root field. It
// saturates at math.MaxInt.
func operationCost(ctx context.Context, es graphql.ExecutableSchema, op *ast.OperationDefinition, vars map[string]any) int {
	return costAdd(complexity.Calculate(ctx, es, op, vars), satMul(rootFields(op.SelectionSet), RoundTripCost))
}

// rootFields counts the root fields of an operation that reach the
// database: all but introspection, __typename and the caller's own token
// (me), fragments expanded.
func rootFields(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name != "me" && s.Name != "__typename" && s.Name != "__schema" && s.Name != "__type" {
				n++
			}
		case *ast.InlineFragment:
			n = costAdd(n, rootFields(s.SelectionSet))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				n = costAdd(n, rootFields(s.Definition.SelectionSet))
			}
		}
	}
	return n
}

// costLimit refuses, before anything runs, an operation whose cost is over
// the limit. It replaces gqlgen's FixedComplexityLimit to add the
// round-trips of root fields.
type costLimit struct {
	limit int
	es    graphql.ExecutableSchema
	// callers, when set, charges each operation's cost to its caller's
	// cost budget.
	callers *callerLimiter
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*costLimit)(nil)

func (*costLimit) ExtensionName() string { return "ComplexityLimit" }

func (c *costLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *costLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	cost := operationCost(ctx, c.es, op, oc.Variables)
	if cost > c.limit {
		msg := fmt.Sprintf("operation has complexity %d, which exceeds the limit of %d", cost, c.limit)
		if cost == math.MaxInt {
			msg = fmt.Sprintf("operation has a complexity too large to count, which exceeds the limit of %d", c.limit)
		}
		return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}}
	}
	if p, ok := auth.FromContext(ctx); ok && p != nil && c.callers != nil {
		if wait := c.callers.spend(p.Subject, cost); wait > 0 {
			e := &errs.RateLimited{RetryAfter: wait}
			e.Msg = fmt.Sprintf("%s has spent its budget of operation cost (%d, then %g a second); this operation costs %d: retry after %d s",
				errs.Quote(p.Subject), c.callers.limits.CostBurst, c.callers.limits.CostRate, cost, retrySeconds(e))
			return &gqlerror.Error{Message: e.Msg, Err: e}
		}
	}
	return nil
}
