package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/store"
)

const auditUsage = "usage: hubctl audit verify [--neo4j-uri bolt://127.0.0.1:7687] [--neo4j-user neo4j] [--password-env EXPHUB_NEO4J_PASSWORD] [--database neo4j] [--json]\n"

// runAudit implements "hubctl audit verify": it walks the hash-chained
// event log straight in Neo4j, from the first event to the head, and exits
// 1 when a link does not hold. It is the operator's check after a restore
// (README, Operations: Backups) and needs no running hub and no token,
// only the database's credentials.
func runAudit(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprint(stderr, auditUsage)
			return exitOK
		}
		fmt.Fprint(stderr, "hubctl audit: want the subcommand verify\n"+auditUsage)
		return exitUsage
	}
	fs := flag.NewFlagSet("hubctl audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), auditUsage)
		fs.PrintDefaults()
	}
	uri := fs.String("neo4j-uri", "bolt://127.0.0.1:7687", "Neo4j Bolt URI")
	user := fs.String("neo4j-user", "neo4j", "Neo4j user")
	passwordEnv := fs.String("password-env", "EXPHUB_NEO4J_PASSWORD", "environment variable holding the Neo4j password (exphub-dev-password when unset)")
	database := fs.String("database", "neo4j", "Neo4j database")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after this long")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hubctl audit verify: unexpected argument %q\n%s", fs.Arg(0), auditUsage)
		return exitUsage
	}
	password := getenv(*passwordEnv)
	if password == "" {
		password = "exphub-dev-password"
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	driver, err := neo4j.NewDriverWithContext(*uri, neo4j.BasicAuth(*user, password, ""))
	if err != nil {
		fmt.Fprintf(stderr, "hubctl audit verify: %v\n", err)
		return exitError
	}
	defer driver.Close(context.WithoutCancel(ctx))
	start := time.Now()
	v, err := store.New(driver, *database).VerifyLog(ctx, "")
	if err != nil {
		fmt.Fprintf(stderr, "hubctl audit verify: %v\n", err)
		return exitError
	}
	took := time.Since(start).Round(time.Millisecond)
	if *asJSON {
		out := map[string]any{"ok": v.OK, "checked": v.Checked, "headSeq": v.HeadSeq, "headHash": v.HeadHash, "tookMs": took.Milliseconds()}
		if b := v.FirstBroken; b != nil {
			out["firstBroken"] = map[string]any{"seq": b.Seq, "projectKey": b.ProjectKey, "reason": b.Reason}
		}
		if err := json.NewEncoder(stdout).Encode(out); err != nil {
			return exitError
		}
	} else if v.OK {
		fmt.Fprintf(stdout, "ok: the event log verifies end to end: %d events, head %d %s (%s)\n", v.Checked, v.HeadSeq, v.HeadHash, took)
	} else {
		fmt.Fprintf(stdout, "BROKEN at event %d: %s (%d events checked, head %d)\n", v.FirstBroken.Seq, v.FirstBroken.Reason, v.Checked, v.HeadSeq)
	}
	if !v.OK {
		return exitError
	}
	return exitOK
}
