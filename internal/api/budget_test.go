package api_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
)

const (
	budgetExperiments = 100
	budgetRuns        = 20
	budgetVersions    = 40
	// budgetStatements bounds the Cypher statements of the page below:
	// the experiment page, the run lists of all experiments, the inputs
	// of all runs — one batch each, whatever the page size and however the
	// resolvers get scheduled (each level queues the next one's batch).
	budgetStatements = 3
)

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// TestExperimentPageRoundTrips: a page of 100 experiments with 20 runs
// each and two inputs per run costs a handful of Cypher statements, not
// one per experiment or run (dataloaders batch each level).
func TestExperimentPageRoundTrips(t *testing.T) {
	t.Parallel()
	h := newHub(t, nil)
	ctx := ctxT(t)
	st := h.st
	key := neo4jtest.Key(t, "budget")
	start := time.Now()
	must(st.CreateProject(ctx, owner, store.CreateProjectInput{Key: key, Name: "Budget"})).of(t)
	ds := must(st.RegisterDataset(ctx, owner, store.RegisterDatasetInput{ProjectKey: key, Namespace: "s3://budget", Name: "events"})).of(t)
	versions := make([]*store.DatasetVersion, budgetVersions)
	if err := parallel(ctx, budgetVersions, 8, func(ctx context.Context, i int) error {
		v, _, err := st.RegisterDatasetVersion(ctx, owner, store.RegisterDatasetVersionInput{DatasetID: ds.ID, Version: fmt.Sprintf("v%02d", i),
			URI: fmt.Sprintf("s3://budget/events/v%02d", i), Digest: sha(fmt.Sprintf("%s-%d", key, i))})
		versions[i] = v
		return err
	}); err != nil {
		t.Fatalf("register versions: %v", err)
	}

	// want[runID] is the IDs of the run's two inputs, sorted. The
	// experiments, runs and inputs are written in batches: the graph
	// CreateExperiment, StartRun and AddRunInputs would write (the store's
	// TestSeedExperimentsWritesWhatTheOperationsWrite holds the two
	// together), without 4,100 write transactions queueing on the event
	// log beside other packages' tests.
	want := map[string][]string{}
	expRuns := map[string]int{}
	seeds := make([]store.ExperimentSeed, budgetExperiments)
	for e := range seeds {
		seeds[e].Name = fmt.Sprintf("exp-%03d", e)
		for r := range budgetRuns {
			a, b := versions[(e+r)%budgetVersions].ID, versions[(e+r+7)%budgetVersions].ID
			seeds[e].Runs = append(seeds[e].Runs, store.RunSeed{Name: fmt.Sprintf("run-%03d-%02d", e, r), Inputs: []string{a, b}})
		}
	}
	seeded, err := st.SeedExperiments(ctx, owner, key, seeds)
	if err != nil {
		t.Fatalf("seed runs: %v", err)
	}
	for e, exp := range seeded {
		for r, id := range exp.RunIDs {
			ins := slices.Clone(seeds[e].Runs[r].Inputs)
			slices.Sort(ins)
			want[id] = ins
			expRuns[exp.ID]++
		}
	}
	t.Logf("seeded %d experiments × %d runs × 2 inputs in %s", budgetExperiments, budgetRuns, time.Since(start).Round(time.Millisecond))

	tok := token(t, "reader", map[string]auth.Role{key: auth.RoleViewer})

	t.Run("a page of 100 experiments × 20 runs × 2 inputs", func(t *testing.T) {
		res := h.gql(t, tok, `query($k: String!) {
			experiments(projectKey: $k, first: 100) { edges { node { id name
				runs(first: 20) { totalCount edges { node { id name status inputs { id version } } } } } } } }`, map[string]any{"k": key})
		statements := h.lastQueryCount(t)
		var d struct {
			Experiments struct {
				Edges []struct {
					Node struct {
						ID, Name string
						Runs     struct {
							TotalCount int
							Edges      []struct {
								Node struct {
									ID, Name, Status string
									Inputs           []struct{ ID, Version string }
								}
							}
						}
					}
				}
			}
		}
		res.ok(t, &d)
		t.Logf("Cypher statements for the page: %d", statements)
		if statements > budgetStatements {
			t.Errorf("the page cost %d Cypher statements, budget %d", statements, budgetStatements)
		}
		if statements == 0 {
			t.Errorf("no statement was counted: the counter does not reach the store")
		}
		if got := len(d.Experiments.Edges); got != budgetExperiments {
			t.Fatalf("want %d experiments, got %d", budgetExperiments, got)
		}
		runs, inputs := 0, 0
		for _, e := range d.Experiments.Edges {
			if expRuns[e.Node.ID] != budgetRuns {
				t.Errorf("experiment %s was not seeded here", e.Node.ID)
			}
			if e.Node.Runs.TotalCount != budgetRuns || len(e.Node.Runs.Edges) != budgetRuns {
				t.Errorf("experiment %s: want %d runs, got totalCount %d and %d edges", e.Node.Name, budgetRuns, e.Node.Runs.TotalCount, len(e.Node.Runs.Edges))
			}
			for _, r := range e.Node.Runs.Edges {
				runs++
				ids := make([]string, 0, len(r.Node.Inputs))
				for _, in := range r.Node.Inputs {
					ids = append(ids, in.ID)
					inputs++
				}
				slices.Sort(ids)
				if !slices.Equal(ids, want[r.Node.ID]) {
					t.Errorf("run %s: inputs %v, want %v", r.Node.Name, ids, want[r.Node.ID])
				}
			}
		}
		if runs != budgetExperiments*budgetRuns || inputs != 2*budgetExperiments*budgetRuns {
			t.Errorf("want %d runs and %d inputs, got %d and %d", budgetExperiments*budgetRuns, 2*budgetExperiments*budgetRuns, runs, inputs)
		}
	})

	t.Run("one experiment's runs, fields selected through a fragment", func(t *testing.T) {
		var exp string
		for id := range expRuns {
			exp = id
			break
		}
		// experimentId lookup, the run list, then one batch per field
		// (experiment is already in the loader's cache).
		const budget = 4
		res := h.gql(t, tok, `query($e: ID!) { runs(experimentId: $e, first: 20) { edges { node { ...perRun } } } }
			fragment perRun on Run { id experiment { id } outputs { id } metrics { key } }`, map[string]any{"e": exp})
		var d struct {
			Runs struct {
				Edges []struct {
					Node struct {
						Experiment struct{ ID string }
					}
				}
			}
		}
		res.ok(t, &d)
		if n := h.lastQueryCount(t); n > budget {
			t.Errorf("20 runs with three per-run fields cost %d statements, budget %d", n, budget)
		}
		if len(d.Runs.Edges) != budgetRuns || d.Runs.Edges[0].Node.Experiment.ID != exp {
			t.Errorf("want %d runs of %s, got %s", budgetRuns, exp, res.Raw)
		}
	})

	t.Run("the reproducibility of 100 experiments' runs", func(t *testing.T) {
		// The experiment page, one batch of run lists (queued by the page
		// before any experiment's resolver runs), then one batch for the
		// reproducibility and one for the latest reproductions of all
		// 2,000 runs (queued by the run lists): four statements. A loader
		// sends its batch 16 ms after its first key (dataloadgen's wait),
		// and on a loaded machine 2,000 resolver goroutines can take longer
		// than that to queue their keys, so each of the two run-level
		// batches may be sent in two parts: at most six. One statement per
		// run would be 4,000.
		const budget = 6
		res := h.gql(t, tok, `query($k: String!) { experiments(projectKey: $k, first: 100) { edges { node {
			runs(first: 20) { edges { node { id reproducibility { complete missing latestReproduction { status } } } } } } } } }`,
			map[string]any{"k": key})
		var d struct {
			Experiments struct {
				Edges []struct {
					Node struct {
						Runs struct {
							Edges []struct {
								Node struct {
									ID              string
									Reproducibility struct {
										Complete           bool
										Missing            []string
										LatestReproduction *struct{ Status string }
									}
								}
							}
						}
					}
				}
			}
		}
		res.ok(t, &d)
		n := h.lastQueryCount(t)
		t.Logf("Cypher statements for the reproducibility of 2,000 runs: %d", n)
		if n > budget {
			t.Errorf("2,000 runs' reproducibility cost %d statements, budget %d", n, budget)
		}
		runs := 0
		for _, e := range d.Experiments.Edges {
			for _, r := range e.Node.Runs.Edges {
				runs++
				rep := r.Node.Reproducibility
				if rep.Complete || !slices.Equal(rep.Missing, []string{"code.commit", "environment", "seed", "params"}) || rep.LatestReproduction != nil {
					t.Fatalf("run %s: %+v", r.Node.ID, rep)
				}
			}
		}
		if runs != budgetExperiments*budgetRuns {
			t.Fatalf("%d runs", runs)
		}
	})
}
