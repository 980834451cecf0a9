package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/storegen"
)

const generateUsage = "usage: hubctl generate [--nodes 1000000] [--seed 1] [--prefix lg] [--neo4j-uri bolt://127.0.0.1:7687] [--neo4j-user neo4j] [--password-env EXPHUB_NEO4J_PASSWORD]\n"

// runGenerate implements "hubctl generate": it writes a synthetic lineage
// graph straight into Neo4j for benchmarks and demos.
func runGenerate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hubctl generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), generateUsage)
		fs.PrintDefaults()
	}
	nodes := fs.Int("nodes", 1_000_000, "number of nodes to create (at least 100)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed and size give the same graph")
	prefix := fs.String("prefix", "lg", "project key prefix: projects are PREFIX-0, PREFIX-1, ...")
	projects := fs.Int("projects", 8, "number of projects")
	hubs := fs.Int("hubs", 12, "number of hub dataset versions read by thousands of runs")
	uri := fs.String("neo4j-uri", "bolt://127.0.0.1:7687", "Neo4j Bolt URI")
	user := fs.String("neo4j-user", "neo4j", "Neo4j user")
	passwordEnv := fs.String("password-env", "EXPHUB_NEO4J_PASSWORD", "environment variable holding the Neo4j password (exphub-dev-password when unset)")
	quiet := fs.Bool("quiet", false, "print only the summary")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hubctl generate: unexpected argument %q\n%s", fs.Arg(0), generateUsage)
		return exitUsage
	}
	spec := storegen.GenSpec{Nodes: *nodes, Seed: *seed, Prefix: *prefix, Projects: *projects, Hubs: *hubs}
	err := spec.Validate()
	switch {
	case *projects < 1: // a zero spec field means the default; a zero flag is a mistake
		err = fmt.Errorf("--projects: at least 1, got %d", *projects)
	case *hubs < 1:
		err = fmt.Errorf("--hubs: at least 1, got %d", *hubs)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hubctl generate: %v\n%s", err, generateUsage)
		return exitUsage
	}
	password := getenv(*passwordEnv)
	if password == "" {
		password = "exphub-dev-password"
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// Each batch's transaction has a timeout that grows with the batch
	// (set by the generator); the driver retries a batch that fails
	// transiently for as long as one may run, not its default 30 s.
	driver, err := neo4j.NewDriverWithContext(*uri, neo4j.BasicAuth(*user, password, ""),
		func(c *neo4jconfig.Config) { c.MaxTransactionRetryTime = spec.BatchTimeout() })
	if err != nil {
		fmt.Fprintf(stderr, "hubctl generate: %v\n", err)
		return exitError
	}
	defer driver.Close(context.WithoutCancel(ctx))
	s := store.New(driver, "")
	if err := s.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "hubctl generate: %v\n", err)
		return exitError
	}
	if !*quiet {
		spec.Progress = func(st storegen.GenStats) {
			fmt.Fprintf(stderr, "\r%d nodes, %d edges", st.Nodes, st.Edges)
		}
	}
	st, err := storegen.New(driver, "").GenerateLineage(ctx, spec)
	if !*quiet {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hubctl generate: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "generated %d nodes (%d runs, %d dataset versions, %d model versions) and %d edges in %s\n",
		st.Nodes, st.Runs, st.DatasetVersions, st.ModelVersions, st.Edges, st.Elapsed.Round(1e8))
	fmt.Fprintf(stdout, "projects: %v\nmost-read hub: %s\n", st.Projects, st.Hubs[0])
	return exitOK
}
