// Command governance benchmarks promotion governance on the generated
// lineage graph, through the GraphQL endpoint (HTTP, auth, resolvers,
// JSON): requestPromotion (whose UPSTREAM_VALIDATIONS check walks
// everything upstream of the model version), the approvePromotion that
// carries a promotion out, what open requests add to a validation result
// on a hub dataset version (the re-evaluation of the open requests
// downstream of it), evidencePack, and verifyAuditLog over the whole
// event log. It generates the graph first when the database does not
// hold it yet (the same graph as bench/lineage: same prefix, size and
// seed), and cancels the requests it opened before it ends.
//
//	go run ./bench/governance [--nodes 1000000] [--requests 100] [--approvals 50] [--k 10,100] [--neo4j-uri bolt://127.0.0.1:7689]
//
// Every run adds to the database: policy versions when the projects' policies
// differ from the one it sets, promotion requests (closed at the end),
// validation runs on the hub and on the upstream data of the approved
// versions, stage changes of those versions, and the events of all of it.
// bench/README.md has the latest figures and how to start the Neo4j
// instance they came from.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/governance:", err)
		os.Exit(1)
	}
}

// run sets the bench up, measures each operation in turn and prints the
// results table. The requests it opened are closed whatever happens.
func run() (err error) {
	cfg, err := parseFlags()
	if err != nil {
		return err
	}
	ctx := context.Background()
	b, shutdown, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer shutdown()
	defer func() {
		if cerr := b.closeLeftOpen(context.WithoutCancel(ctx)); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	if err := b.cancelLeftovers(ctx); err != nil {
		return err
	}
	projects, err := b.setPolicies(ctx)
	if err != nil {
		return err
	}
	s, err := b.sample(ctx)
	if err != nil {
		return err
	}
	b.printEnvironment(ctx)

	rep := &report{}
	if err := b.requestAndCancel(ctx, s, rep); err != nil {
		return err
	}
	approved, err := b.approve(ctx, s.approveMVs, rep)
	if err != nil {
		return err
	}
	if err := b.evidencePacks(ctx, approved, rep); err != nil {
		return err
	}
	if err := b.validateRandom(ctx, s.randomDVs, rep); err != nil {
		return err
	}
	if err := b.reevaluationCases(ctx, s, rep); err != nil {
		return err
	}
	if err := b.verifyAuditLog(ctx, projects[0], rep); err != nil {
		return err
	}
	rep.print(cfg.hubIndex, s.hub)
	return nil
}
