package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os/signal"
	"strings"
	"syscall"

	"github.com/exphub/exphub/internal/mlflowimport"
)

const importUsage = `usage: hubctl import mlflow --from URL [--experiment NAME ...] [--project KEY] [--no-models]
                          [--url URL] [--token-env EXPHUB_TOKEN] [--from-token-env VAR] [--json]

Copies experiments and runs (params, full metric histories, tags, status,
start and end times, parent runs, logged dataset inputs) from a running
MLflow tracking server (--from, its tracking URI) into the hub, through
MLflow's REST API on both sides: the hub's MLflow endpoints at --url, with
the token in $EXPHUB_TOKEN (contributor or above on the target projects).

Experiments are all the source's active ones, or those --experiment names.
A name without a project lands in the hub's default MLflow project, or in
--project KEY. Deleted runs and experiments are not copied. Then every
registered model (unless --no-models) with its versions, each linked to
the hub copy of its run, and its aliases; an alias the hub governs
(production, or one the project's policy names) is not set around
governance: the hub opens a promotion request, which the summary names.

It is idempotent and resumable: each hub run records its source run
(tag exphub.import.sourceRunId) and, once copied in full, is marked
complete; a second import changes nothing, an interrupted one continues
where it stopped without writing a metric point twice, and a run that
was still running is brought up to date. Progress goes to stderr, the
summary (what was copied, what was skipped and why) to stdout.

Exit status: 0 when everything was copied, 1 on an error (what was copied
stays; run it again to continue), 2 for a bad command line.
`

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runImport implements "hubctl import".
func runImport(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "mlflow" {
		fmt.Fprint(stderr, "hubctl import: the only source is mlflow\n"+importUsage)
		return exitUsage
	}
	fs := flag.NewFlagSet("hubctl import mlflow", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage) }
	from := fs.String("from", "", "the MLflow tracking server to copy from (required)")
	fromTokenEnv := fs.String("from-token-env", "", "environment variable holding a bearer token for the source, if it needs one")
	hubURL := fs.String("url", "http://127.0.0.1:8080", "the hub's base URL (its MLflow API is under /api/2.0/mlflow)")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "environment variable holding the hub token")
	project := fs.String("project", "", "hub project for experiments whose name has no project")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	noModels := fs.Bool("no-models", false, "leave registered models out")
	var experiments stringList
	fs.Var(&experiments, "experiment", "a source experiment to copy, by name (repeatable; default: all)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hubctl import mlflow: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	for name, u := range map[string]string{"--from": *from, "--url": *hubURL} {
		if u == "" {
			fmt.Fprintf(stderr, "hubctl import mlflow: %s is required\n", name)
			return exitUsage
		}
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			fmt.Fprintf(stderr, "hubctl import mlflow: %s %q is not an http(s) URL\n", name, clipArg(u))
			return exitUsage
		}
	}
	token := getenv(*tokenEnv)
	if token == "" {
		fmt.Fprintf(stderr, "hubctl import mlflow: no hub token in $%s\n", *tokenEnv)
		return exitUsage
	}
	src := &mlflowimport.Client{Base: *from}
	if *fromTokenEnv != "" {
		src.Token = getenv(*fromTokenEnv)
	}
	opts := mlflowimport.Options{From: src, To: &mlflowimport.Client{Base: strings.TrimSuffix(strings.TrimRight(*hubURL, "/"), "/graphql"), Token: token},
		Experiments: experiments, Project: *project, Progress: stderr, NoModels: *noModels}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return importMLflow(ctx, opts, *asJSON, stdout, stderr)
}

func importMLflow(ctx context.Context, opts mlflowimport.Options, asJSON bool, stdout, stderr io.Writer) int {
	sum, err := mlflowimport.Import(ctx, opts)
	if asJSON {
		out := map[string]any{"summary": sum}
		if err != nil {
			out["error"] = err.Error()
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else {
		sum.Print(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hubctl import mlflow: %v\n(what was copied stays; run the same command again to continue)\n", err)
		return exitError
	}
	return exitOK
}

func clipArg(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
