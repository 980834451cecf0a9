// Command hubctl is a command-line client for exphub.
//
// Subcommands:
//
//	hubctl token --sub NAME --role PROJECT=ROLE [--role PROJECT=ROLE ...] [--group NAME ...] [--ttl 1h] [--secret-env EXPHUB_JWT_SECRET]
//
// "token" prints a signed HS256 development token, and nothing else, on
// stdout. It signs with the secret in the named environment variable
// (EXPHUB_JWT_SECRET by default) or, when that is unset or empty, with
// auth.DevSecret, which a dev-mode server also accepts.
//
//	hubctl generate [--nodes 1000000] [--seed 1] [--prefix lg] [--neo4j-uri URI]
//
// "generate" writes a deterministic synthetic lineage graph of about the
// given size straight into Neo4j (layered pipelines, hub datasets, training
// sweeps), for benchmarks and demos.
//
//	hubctl watch [--url URL] [--project P ...] [--kind K ...] [--after CURSOR] [--count N] [--json]
//
// "watch" subscribes to the hub's events over a websocket with the token in
// $EXPHUB_TOKEN and prints them as they happen; it reconnects and resumes
// from its cursor when the connection drops.
//
//	hubctl validate --suite SUITE.yaml --data PATH|URI [--json] [--digest SHA256] [--format F] [CSV flags]
//
// "validate" runs a data-quality suite over one file with the engine of
// internal/quality, in this process, and prints a table or the JSON
// result; it exits 1 when an error-severity rule fails or the run ends in
// ERROR.
//
//	hubctl evidence fetch --request ID [-o FILE]
//	hubctl evidence verify [--json] PACK.json|-
//	hubctl evidence render [--format markdown|html] [-o FILE] PACK.json|-
//
// "evidence" fetches a promotion request's evidence pack from the hub, and
// checks one offline (hash
// chain, digests, approvals; exit 1 when it finds problems) or renders it
// as a Markdown or HTML report for a compliance reviewer.
//
//	hubctl report --project KEY [--experiment ID|NAME] [--since TIME|AGE] [--until TIME] [--format md|html|json] [-o FILE]
//
// "report" writes the governance report of a project or one experiment
// over a period: the figures the hub computes over everything in scope,
// the runs with what each misses for a rerun, the promotion requests with
// their checks and decisions, and the model versions in production.
//
//	hubctl repro plan|record|report --project KEY --experiment ID|NAME [flags]
//
// "repro" runs a reproducibility audit of an experiment: plan writes the
// selected runs' reproduce specs, record compares the reruns tagged
// exphub.reproduces with their originals, report prints the outcome table.
//
//	hubctl audit verify [--neo4j-uri URI] [--password-env EXPHUB_NEO4J_PASSWORD] [--database neo4j] [--json]
//
// "audit verify" walks the hash-chained event log straight in Neo4j from
// the first event to the head and exits 1 when a link does not hold: the
// check after restoring a backup, with no hub running.
//
//	hubctl import mlflow --from URL [--experiment NAME ...] [--project KEY] [--url URL] [--json]
//
// "import mlflow" copies experiments and runs from a running MLflow
// tracking server into the hub through both sides' MLflow REST API,
// idempotently and resumably (see internal/mlflowimport).
//
//	hubctl feast import --repo DIR [--url URL] [--namespace NS] [--dry-run] [--json]
//
// "feast import" reads a Feast feature repository's feature_store.yaml and
// file registry without Feast (see internal/feast) and sends its feature
// views and feature services to the hub as OpenLineage JobEvents, shaped
// as Feast's own emitter shapes them, with the token in $EXPHUB_TOKEN.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/auth"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command was well-formed but failed
	exitUsage = 2 // bad command line
)

const (
	mainUsage  = "usage: hubctl <command> [flags]\n\ncommands:\n  token      print a signed development token\n  generate   write a synthetic lineage graph into Neo4j (benchmarks, demos)\n  watch      print the hub's events as they happen\n  validate   run a data-quality suite over a file, locally\n  evidence   fetch a promotion request's evidence pack; verify or render one, offline\n  report     write a project's or experiment's governance report (md, html, json)\n  signoff    accept or reject an evidence pack or report as a compliance reviewer; check a file's sign-offs\n  repro      audit an experiment's reproducibility: plan reruns, record their outcomes, report\n  audit      verify the hash-chained event log in Neo4j end to end (after a restore)\n  import     copy experiments and runs from an MLflow tracking server into the hub\n  feast      send a Feast repository's feature views and services to the hub as OpenLineage\n"
	tokenUsage = "usage: hubctl token --sub NAME --role PROJECT=ROLE [--role PROJECT=ROLE ...] [--group NAME ...] [--ttl 1h] [--secret-env EXPHUB_JWT_SECRET]\n"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run executes the hubctl command line args (without the program name),
// reading the environment through getenv, and returns the exit code.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "hubctl: no command given\n"+mainUsage)
		return exitUsage
	}
	switch args[0] {
	case "token":
		return runToken(args[1:], getenv, time.Now(), stdout, stderr)
	case "generate":
		return runGenerate(args[1:], getenv, stdout, stderr)
	case "watch":
		return runWatch(args[1:], getenv, stdout, stderr)
	case "validate":
		return runValidate(args[1:], getenv, stdout, stderr)
	case "evidence":
		return runEvidence(args[1:], getenv, os.Stdin, stdout, stderr)
	case "report":
		return runReport(args[1:], getenv, stdout, stderr)
	case "audit":
		return runAudit(args[1:], getenv, stdout, stderr)
	case "signoff":
		return runSignoff(args[1:], getenv, stdout, stderr)
	case "repro":
		return runRepro(args[1:], getenv, stdout, stderr)
	case "import":
		return runImport(args[1:], getenv, stdout, stderr)
	case "feast":
		return runFeast(args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stderr, mainUsage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "hubctl: unknown command %q\n"+mainUsage, args[0])
		return exitUsage
	}
}

// roleFlags collects repeated --role PROJECT=ROLE flags.
type roleFlags map[string]auth.Role

// String implements flag.Value.
func (r roleFlags) String() string {
	parts := make([]string, 0, len(r))
	for p, role := range r {
		parts = append(parts, p+"="+role.String())
	}
	return strings.Join(parts, ",")
}

// Set implements flag.Value; it parses one PROJECT=ROLE pair.
func (r roleFlags) Set(s string) error {
	project, name, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("%q is not PROJECT=ROLE", s)
	}
	if project == "" {
		return fmt.Errorf("%q has an empty project (use * for all projects)", s)
	}
	if _, dup := r[project]; dup {
		return fmt.Errorf("project %q given more than once", project)
	}
	role, err := auth.ParseRole(name)
	if err != nil {
		return fmt.Errorf("project %q: %w", project, err)
	}
	r[project] = role
	return nil
}

// groupFlags collects repeated --group flags.
type groupFlags []string

func (g *groupFlags) String() string { return strings.Join(*g, ",") }

func (g *groupFlags) Set(v string) error {
	if v == "" || len(v) > auth.MaxGroupLen {
		return fmt.Errorf("group names must be 1 to %d bytes", auth.MaxGroupLen)
	}
	*g = append(*g, v)
	return nil
}

// runToken implements "hubctl token".
func runToken(args []string, getenv func(string) string, now time.Time, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hubctl token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), tokenUsage)
		fs.PrintDefaults()
	}
	sub := fs.String("sub", "", "subject (user name) the token is for (required)")
	roles := roleFlags{}
	fs.Var(roles, "role", "grant ROLE (viewer, contributor, approver, admin or auditor) in PROJECT; PROJECT * means all projects; repeatable, at least one: `PROJECT=ROLE`")
	var groups groupFlags
	fs.Var(&groups, "group", "put the subject in group `NAME` (the groups claim; approver groups of promotion policies); repeatable")
	ttl := fs.Duration("ttl", time.Hour, "token lifetime")
	secretEnv := fs.String("secret-env", "EXPHUB_JWT_SECRET", "environment variable holding the HMAC secret; if unset, the built-in development secret is used")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		// flag has already printed the error and the usage.
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "hubctl token: "+format+"\n", a...)
		fmt.Fprint(stderr, tokenUsage)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *sub == "":
		return usageErr("--sub is required")
	case len(roles) == 0:
		return usageErr("at least one --role PROJECT=ROLE is required")
	case *ttl <= 0:
		return usageErr("--ttl must be positive, got %s", *ttl)
	case *secretEnv == "":
		return usageErr("--secret-env must name an environment variable")
	}

	secret := getenv(*secretEnv)
	if secret == "" {
		secret = auth.DevSecret
	}
	token, err := auth.NewDevTokenWithGroups([]byte(secret), *sub, roles, groups, *ttl, now)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl token: cannot sign with the secret from $%s: %v\n", *secretEnv, err)
		return exitError
	}
	fmt.Fprintln(stdout, token)
	return exitOK
}
