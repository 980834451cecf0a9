package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/hashchain"
	"github.com/exphub/exphub/internal/store"
)

const auditUsage = `usage: hubctl audit verify [--neo4j-uri bolt://127.0.0.1:7687] [--neo4j-user neo4j] [--password-env EXPHUB_NEO4J_PASSWORD] [--database neo4j] [--json]
                          [--checkpoint FILE --public-key FILE]

Walks the event log from its first event to its head, recomputing every
hash, and compares it with the signed checkpoints stored beside it. With
--checkpoint, a checkpoint kept outside the database (the JSON of one, as
an evidence pack's audit.anchor.to or the hub's "event log checkpoint
signed" log line holds it) is checked against the key and then the log:
a log that holds its seq with its hash extends it; a head below its seq is
a log restored to an older point (expected after a restore: the events
after the head are the ones lost); the same seq with another hash is a
rewritten log.
`

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
	checkpointFile := fs.String("checkpoint", "", "a signed checkpoint `FILE` (JSON) kept outside the database, to compare the log with")
	publicKey := fs.String("public-key", "", "the operator's checkpoint public key `FILE` (PEM), to check --checkpoint's signature")
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
	var outside *hashchain.Checkpoint
	if *checkpointFile != "" {
		c, err := readCheckpoint(*checkpointFile, *publicKey)
		if err != nil {
			fmt.Fprintf(stderr, "hubctl audit verify: %v\n", err)
			return exitUsage
		}
		outside = c
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
	st := store.New(driver, *database)
	v, err := st.VerifyLog(ctx, "")
	if err != nil {
		fmt.Fprintf(stderr, "hubctl audit verify: %v\n", err)
		return exitError
	}
	outsideOK, outsideSays := true, ""
	if outside != nil {
		if outsideOK, outsideSays, err = compareCheckpoint(ctx, st, outside, v.HeadSeq); err != nil {
			fmt.Fprintf(stderr, "hubctl audit verify: %v\n", err)
			return exitError
		}
	}
	took := time.Since(start).Round(time.Millisecond)
	if *asJSON {
		out := map[string]any{"ok": v.OK && outsideOK, "checked": v.Checked, "checkpoints": v.Checkpoints, "headSeq": v.HeadSeq, "headHash": v.HeadHash, "tookMs": took.Milliseconds()}
		if outside != nil {
			out["checkpoint"] = map[string]any{"ok": outsideOK, "seq": outside.Seq, "says": outsideSays}
		}
		if b := v.FirstBroken; b != nil {
			out["firstBroken"] = map[string]any{"seq": b.Seq, "projectKey": b.ProjectKey, "reason": b.Reason}
		}
		if err := json.NewEncoder(stdout).Encode(out); err != nil {
			return exitError
		}
	} else {
		if v.OK {
			fmt.Fprintf(stdout, "ok: the event log verifies end to end: %d events, %d signed checkpoints hold, head %d %s (%s)\n", v.Checked, v.Checkpoints, v.HeadSeq, v.HeadHash, took)
		} else {
			fmt.Fprintf(stdout, "BROKEN at event %d: %s (%d events checked, head %d)\n", v.FirstBroken.Seq, v.FirstBroken.Reason, v.Checked, v.HeadSeq)
		}
		if outside != nil {
			fmt.Fprintln(stdout, outsideSays)
		}
	}
	if !v.OK || !outsideOK {
		return exitError
	}
	return exitOK
}

// readCheckpoint reads a checkpoint's JSON from path and checks its
// signature against the public key in pubPath, which is required.
func readCheckpoint(path, pubPath string) (*hashchain.Checkpoint, error) {
	if pubPath == "" {
		return nil, errors.New("--checkpoint needs --public-key: an unsigned claim proves nothing")
	}
	data, err := os.ReadFile(pubPath)
	if err != nil {
		return nil, fmt.Errorf("--public-key: %w", err)
	}
	pub, err := hashchain.ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("--public-key %s: %w", pubPath, err)
	}
	if data, err = os.ReadFile(path); err != nil {
		return nil, fmt.Errorf("--checkpoint: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c hashchain.Checkpoint
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("--checkpoint %s: not a checkpoint: %w", path, err)
	}
	if err := c.CheckSignature(pub); err != nil {
		return nil, fmt.Errorf("--checkpoint %s: %w", path, err)
	}
	return &c, nil
}

// compareCheckpoint says whether the log extends a signed checkpoint kept
// outside it, telling a restore to an older point from a rewrite.
func compareCheckpoint(ctx context.Context, st *store.Store, c *hashchain.Checkpoint, head int64) (bool, string, error) {
	if c.Seq > head {
		return false, fmt.Sprintf("RESTORED TO AN OLDER POINT: checkpoint seq %d (signed %s) is beyond the log's head (seq %d): events %d to %d are not in this database. Expected after a restore from a backup taken before %s; otherwise the log was truncated.",
			c.Seq, c.At, head, head+1, c.Seq, c.At), nil
	}
	evs, err := st.EventsBetween(ctx, c.Seq-1, c.Seq, 1, store.EventFilter{Scope: store.Scope{All: true}})
	if err != nil {
		return false, "", err
	}
	switch {
	case len(evs) == 0:
		return false, fmt.Sprintf("TAMPERED: event %d of checkpoint (signed %s) is missing from the log", c.Seq, c.At), nil
	case evs[0].Hash != c.Hash:
		return false, fmt.Sprintf("TAMPERED: checkpoint seq %d (signed %s) signed hash %s, but the log's event %d has hash %s: the log was rewritten from there (or restored and written again)",
			c.Seq, c.At, c.Hash, c.Seq, evs[0].Hash), nil
	}
	return true, fmt.Sprintf("ok: the log extends checkpoint seq %d (signed %s by key %s)", c.Seq, c.At, c.KeyID), nil
}
