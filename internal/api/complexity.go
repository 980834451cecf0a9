package api

import (
	"github.com/exphub/exphub/graph"
	"github.com/exphub/exphub/graph/model"
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
	c.Query.Projects = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.Query.Experiments = func(child int, _ string, _ *model.ExperimentFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.Runs = func(child int, _ string, _ *model.RunFilter, _ *model.RunOrder, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.Datasets = func(child int, _ string, first *int, _ *string) int { return listCost(child, first) }
	c.Query.Models = func(child int, _ string, first *int, _ *string) int { return listCost(child, first) }
	c.Project.Experiments = func(child int, _ *model.ExperimentFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Project.Datasets = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.Project.Models = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.Experiment.Runs = func(child int, _ *model.RunFilter, _ *model.RunOrder, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Dataset.Versions = func(child int, first *int, _ *string) int { return listCost(child, first) }
	c.Model.Versions = func(child int, first *int, _ *string) int { return listCost(child, first) }
}
