package api

import (
	"time"

	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/store"
)

// DefaultComplexityLimit admits a page of 100 experiments with 20 runs
// each and a few fields per run, and rejects pages nested three deep at
// full size.
const DefaultComplexityLimit = 50_000

// listCost is the cost of a connection: its children once per item asked
// for, plus the connection itself.
func listCost(child int, first *int) int {
	n := 20
	if first != nil && *first > 0 {
		n = *first
	}
	return 1 + n*child
}

// setComplexity makes every connection's first argument multiply the cost
// of its selection, so the limit bounds the work a query can cause.
func setComplexity(c *graph.ComplexityRoot) {
	c.Query.Projects = func(child int, _ *model.ProjectFilter, first *int, _ *string) int { return listCost(child, first) }
	c.Query.Experiments = func(child int, _ string, _ *model.ExperimentFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.Runs = func(child int, _ string, _ *model.RunFilter, _ *model.RunOrder, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.Nodes = func(child int, ids []string) int { return 1 + len(ids)*child }
	c.Query.Datasets = func(child int, _ string, _ *model.DatasetFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.Models = func(child int, _ string, _ *model.ModelFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Project.Experiments = func(child int, _ *model.ExperimentFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Project.Datasets = func(child int, _ *model.DatasetFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Project.Models = func(child int, _ *model.ModelFilter, first *int, _ *string) int { return listCost(child, first) }
	c.Experiment.Runs = func(child int, _ *model.RunFilter, _ *model.RunOrder, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Dataset.Versions = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.Model.Versions = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.Dataset.ValidationSuites = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.DatasetVersion.ValidationRuns = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.ValidationSuite.Runs = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.Query.ValidationRuns = func(child int, _, _ *string, first *int, _ *string) int { return listCost(child, first) }
	// A run's results hold one entry per rule (suites have tens of rules).
	c.ValidationRun.Results = func(child int) int { return 1 + 20*child }
	// Issues walk everything upstream of a node, like a path query, and
	// return at most store.MaxQualityIssues.
	c.Query.QualityIssuesUpstream = func(child int, _ string) int { return 500 + store.MaxQualityIssues*child }

	// Traversals cost what they may return: lineage its maxNodes, impact
	// and paths a share of their server-side maxima, a metric history a
	// long series.
	// A kinds filter lets the walk pass through ten times more nodes than
	// it returns, up to store.MaxLineageWalk.
	c.Query.Lineage = func(child int, _ string, _ *model.LineageDirection, _ *int, maxNodes *int, kinds []model.NodeKind, _ *time.Time) int {
		n := 500
		if maxNodes != nil && *maxNodes > 0 {
			n = *maxNodes
		}
		if len(kinds) > 0 {
			n = min(store.MaxLineageWalk, 10*n)
		}
		return child + n
	}
	c.Query.Impact = func(child int, _ string, _ *int, _ *time.Time) int { return child + ImpactCost }
	c.Query.LineagePath = func(child int, _, _ string, _ *time.Time) int { return child + 500 }
	c.Metric.History = func(child int) int { return child + 1000 }
	c.Query.PromotionRequests = func(child int, _ *string, _ *model.PromotionRequestFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.ModelVersion.PromotionRequests = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.ModelVersion.BiasChecks = func(child int, first *int, _ *string) int { return listCost(child, first) }
	// A bias check has a group per combination of its sensitive values.
	c.BiasCheck.Groups = func(child int) int { return 1 + 20*child }
	// The audit walks every run of an experiment (at most
	// store.MaxAuditRuns); verification walks the whole event log; an
	// evidence pack walks the lineage upstream and a span of the log.
	c.Query.ReproducibilityAudit = func(child int, _ string) int { return child + store.MaxAuditRuns }
	c.Query.VerifyAuditLog = func(child int, _ string) int { return child + ImpactCost }
	c.Query.EvidencePack = func(child int, _ string) int { return child + ImpactCost }
	c.Query.RecentEvents = func(child int, _ *model.EventFilter, last *int) int {
		n := 50
		if last != nil && *last > 0 {
			n = *last
		}
		return 1 + n*child
	}
}

// ImpactCost is the complexity of one impact query: ten fit in the default
// limit.
const ImpactCost = 5_000
