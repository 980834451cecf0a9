// Package benchgraph opens the benchmark Neo4j and makes sure it holds the
// generated graph the lineage and governance benchmarks run on.
package benchgraph

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/governance"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

// Open connects to uri as neo4j with the password in the environment
// variable passwordEnv (exphub-dev-password when unset), migrates, and
// generates the graph of spec unless one with its prefix is already there.
// It reports what it found or made on stdout (progress on stderr). The
// caller closes the driver.
func Open(ctx context.Context, uri, passwordEnv string, spec storegen.GenSpec) (neo4j.DriverWithContext, *store.Store, error) {
	password := os.Getenv(passwordEnv)
	if password == "" {
		password = "exphub-dev-password"
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth("neo4j", password, ""))
	if err != nil {
		return nil, nil, err
	}
	s, err := prepare(ctx, driver, spec)
	if err != nil {
		driver.Close(ctx)
		return nil, nil, err
	}
	return driver, s, nil
}

func prepare(ctx context.Context, driver neo4j.DriverWithContext, spec storegen.GenSpec) (*store.Store, error) {
	s := store.New(driver, "", store.WithRules(governance.Rules))
	if err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	graphs := storegen.New(driver, "")
	spec.Progress = func(st storegen.GenStats) {
		fmt.Fprintf(os.Stderr, "\rgenerating: %d nodes, %d edges", st.Nodes, st.Edges)
	}
	gen, err := graphs.GenerateLineage(ctx, spec)
	switch {
	case errors.Is(err, errs.Conflict):
		fmt.Printf("graph %s-* already loaded\n", spec.Prefix)
	case err != nil:
		return nil, err
	default:
		fmt.Fprintln(os.Stderr)
		fmt.Printf("generated %d nodes and %d edges in %s (%.0f nodes/s)\n", gen.Nodes, gen.Edges, gen.Elapsed.Round(time.Second),
			float64(gen.Nodes)/gen.Elapsed.Seconds())
	}
	size, err := graphs.CountGraph(ctx, spec.Prefix)
	if err != nil {
		return nil, err
	}
	fmt.Printf("graph: %d nodes, %d relationships with prefix %s\n", size.Nodes, size.Edges, spec.Prefix)
	return s, nil
}
