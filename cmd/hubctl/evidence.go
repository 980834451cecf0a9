package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/exphub/exphub/internal/evidence"
	"github.com/exphub/exphub/internal/hashchain"
)

const evidenceUsage = `usage: hubctl evidence fetch --request ID [-o FILE] [--url URL] [--token-env VAR]
       hubctl evidence verify [--json] [--public-key FILE] PACK.json|-
       hubctl evidence render [--format markdown|html] [-o FILE] [--public-key FILE] PACK.json|-

Checks or renders the evidence pack of a promotion request — the JSON
document the hub's evidencePack query returns — offline, trusting nothing
but the hash function. - reads the pack from standard input.

"fetch" asks the hub (as the holder of the token in $EXPHUB_TOKEN, an
approver of the request's project) for the evidence pack of a promotion
request and writes it to FILE (standard output without -o), then verifies
it like "verify" does.

"verify" recomputes every audit event's hash, follows the hash chain, and
checks that the lineage digests, validations, bias checks, approvals and
their audit events agree. It prints "pack consistent: ..." with the chain's
head (compare it with verifyAuditLog's headHash on the live hub), or each
problem on a line of its own, and what the pack's signed checkpoint proves.
With --public-key FILE (the operator's Ed25519 checkpoint key, PEM, as
openssl pkey -pubout writes it) it proves the pack's events are in the log
that key signed: a checkpoint signed by another key, a signature that does
not verify, or a chain that does not reach the checkpoint is a problem. A
pack without a checkpoint (older formats, a hub without a key) verifies as
before and says "no checkpoint". With --json it prints {"ok", "problems",
"events", "chainFrom", "chainTo", "head", "checkpoint", "anchored"}.

"render" writes a report for a compliance reviewer, Markdown (the default)
or one self-contained HTML page, to standard output or FILE. It verifies the
pack first; the report opens with the outcome and lists any problems.

Exit status: verify exits 0 when the pack is consistent and 1 when it found
problems; render exits 0 when the report is written, problems or not, and 1
when it cannot be written; both exit 2 for a bad command line or a pack that
cannot be read or decoded (not JSON, another format, unknown fields).
`

// runEvidence implements "hubctl evidence"; stdin is read for the pack "-".
func runEvidence(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "hubctl evidence: no subcommand given\n"+evidenceUsage)
		return exitUsage
	}
	switch args[0] {
	case "fetch":
		return runEvidenceFetch(args[1:], getenv, stdout, stderr)
	case "verify":
		return runEvidenceVerify(args[1:], stdin, stdout, stderr)
	case "render":
		return runEvidenceRender(args[1:], stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stderr, evidenceUsage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "hubctl evidence: unknown subcommand %q\n"+evidenceUsage, args[0])
		return exitUsage
	}
}

// evidenceFlags is a flag set of an evidence subcommand.
func evidenceFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("hubctl evidence "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), evidenceUsage)
		fs.PrintDefaults()
	}
	return fs
}

// parseEvidenceArgs parses flags, which may come before or after the pack's
// path, and returns the path. ok is false when the command should exit
// with code.
func parseEvidenceArgs(fs *flag.FlagSet, args []string, stderr io.Writer) (path string, code int, ok bool) {
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", exitOK, false
			}
			// flag has already printed the error and the usage.
			return "", exitUsage, false
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	usageErr := func(format string, a ...any) (string, int, bool) {
		fmt.Fprintf(stderr, "%s: "+format+"\n", append([]any{fs.Name()}, a...)...)
		fmt.Fprint(stderr, evidenceUsage)
		return "", exitUsage, false
	}
	switch len(paths) {
	case 0:
		return usageErr("the pack file is required (- for standard input)")
	case 1:
		return paths[0], exitOK, true
	}
	return usageErr("unexpected argument %q: give one pack file", paths[1])
}

// readEvidencePack reads and decodes the pack at path, or stdin for "-".
func readEvidencePack(path string, stdin io.Reader) (*evidence.Pack, error) {
	if path == "-" {
		p, err := evidence.Read(stdin)
		if err != nil {
			return nil, fmt.Errorf("standard input: %w", err)
		}
		return p, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := evidence.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// evidenceVerifyReport is the output of "hubctl evidence verify --json".
type evidenceVerifyReport struct {
	OK        bool               `json:"ok"`
	Problems  []evidence.Problem `json:"problems"`
	Events    int                `json:"events"`
	ChainFrom int64              `json:"chainFrom"`
	ChainTo   int64              `json:"chainTo"`
	Head      evidence.Link      `json:"head"`
	// Checkpoint says what the pack's checkpoint proves; Anchored is set
	// when its events are proven to be in the log the given key signed.
	Checkpoint string `json:"checkpoint"`
	Anchored   bool   `json:"anchored"`
}

// publicKeyFlag adds --public-key to fs and returns a function that reads
// the key it names (nil when the flag is not given).
func publicKeyFlag(fs *flag.FlagSet) func() (ed25519.PublicKey, error) {
	path := fs.String("public-key", "", "the operator's checkpoint public key `FILE` (Ed25519, PEM): prove the pack's events are in the log it signed")
	return func() (ed25519.PublicKey, error) {
		if *path == "" {
			return nil, nil
		}
		data, err := os.ReadFile(*path)
		if err != nil {
			return nil, fmt.Errorf("--public-key: %w", err)
		}
		pub, err := hashchain.ParsePublicKey(data)
		if err != nil {
			return nil, fmt.Errorf("--public-key %s: %w", *path, err)
		}
		return pub, nil
	}
}

// runEvidenceVerify implements "hubctl evidence verify".
func runEvidenceVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := evidenceFlags("verify", stderr)
	asJSON := fs.Bool("json", false, "print the outcome as JSON")
	publicKey := publicKeyFlag(fs)
	path, code, ok := parseEvidenceArgs(fs, args, stderr)
	if !ok {
		return code
	}
	pub, err := publicKey()
	if err != nil {
		fmt.Fprintf(stderr, "hubctl evidence verify: %v\n", err)
		return exitUsage
	}
	p, err := readEvidencePack(path, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl evidence verify: %v\n", err)
		return exitUsage
	}
	report := evidence.VerifyWith(p, evidence.Options{PublicKey: pub})
	problems := report.Problems
	from, to := p.Audit.ChainSpan()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(evidenceVerifyReport{OK: len(problems) == 0, Problems: append([]evidence.Problem{}, problems...),
			Events: len(p.Audit.Events), ChainFrom: from, ChainTo: to, Head: p.Audit.Head, Checkpoint: report.Checkpoint, Anchored: report.Anchored})
		if err != nil {
			fmt.Fprintf(stderr, "hubctl evidence verify: %v\n", err)
			return exitError
		}
	} else if len(problems) == 0 {
		fmt.Fprintf(stdout, "pack consistent: %d events, chain seq %d..%d, head %d (%s)\n", len(p.Audit.Events), from, to, p.Audit.Head.Seq, p.Audit.Head.Hash)
		if n := len(p.Audit.Earlier); n > 0 {
			fmt.Fprintf(stdout, "%d earlier events before the chain: their hashes check; look them up on the hub (auditEvents) to place them in the log\n", n)
		}
		fmt.Fprintf(stdout, "checkpoint: %s\n", report.Checkpoint)
	} else {
		for _, pr := range problems {
			fmt.Fprintln(stdout, pr)
		}
		fmt.Fprintf(stdout, "checkpoint: %s\n", report.Checkpoint)
	}
	if len(problems) > 0 {
		if !*asJSON {
			fmt.Fprintf(stderr, "hubctl evidence verify: %d problem(s) found\n", len(problems))
		}
		return exitError
	}
	return exitOK
}

// runEvidenceRender implements "hubctl evidence render".
func runEvidenceRender(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := evidenceFlags("render", stderr)
	format := fs.String("format", "markdown", "the report's format: markdown or html")
	out := fs.String("o", "", "write the report to `FILE` instead of standard output")
	publicKey := publicKeyFlag(fs)
	path, code, ok := parseEvidenceArgs(fs, args, stderr)
	if !ok {
		return code
	}
	pub, err := publicKey()
	if err != nil {
		fmt.Fprintf(stderr, "hubctl evidence render: %v\n", err)
		return exitUsage
	}
	var render func(io.Writer, *evidence.Pack, []evidence.Problem) error
	switch *format {
	case "markdown", "md":
		render = evidence.RenderMarkdown
	case "html":
		render = evidence.RenderHTML
	default:
		fmt.Fprintf(stderr, "hubctl evidence render: --format must be markdown or html, got %q\n"+evidenceUsage, *format)
		return exitUsage
	}
	p, err := readEvidencePack(path, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl evidence render: %v\n", err)
		return exitUsage
	}
	problems := evidence.VerifyWith(p, evidence.Options{PublicKey: pub}).Problems
	var b bytes.Buffer
	if err := render(&b, p, problems); err != nil {
		fmt.Fprintf(stderr, "hubctl evidence render: %v\n", err)
		return exitError
	}
	if *out == "" {
		_, err = b.WriteTo(stdout)
	} else {
		err = os.WriteFile(*out, b.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hubctl evidence render: write the report: %v\n", err)
		return exitError
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "hubctl evidence render: the pack has %d problem(s); the report lists them\n", len(problems))
	}
	return exitOK
}

// runEvidenceFetch implements "hubctl evidence fetch".
func runEvidenceFetch(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := evidenceFlags("fetch", stderr)
	request := fs.String("request", "", "the promotion request's `ID` (pr_…)")
	out := fs.String("o", "", "write the pack to `FILE` instead of standard output")
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the hub's GraphQL endpoint")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "environment variable holding the bearer token")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "hubctl evidence fetch: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	case *request == "":
		fmt.Fprintln(stderr, "hubctl evidence fetch: --request is required")
		return exitUsage
	case getenv(*tokenEnv) == "":
		fmt.Fprintf(stderr, "hubctl evidence fetch: $%s holds no token\n", *tokenEnv)
		return exitUsage
	}
	c := newHubClient(pushTarget{url: *url, token: getenv(*tokenEnv)})
	var res struct{ EvidencePack json.RawMessage }
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.do(ctx, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": *request}, &res); err != nil {
		fmt.Fprintf(stderr, "hubctl evidence fetch: %v\n", err)
		return exitError
	}
	p, err := evidence.Read(bytes.NewReader(res.EvidencePack))
	if err != nil {
		fmt.Fprintf(stderr, "hubctl evidence fetch: the hub's pack: %v\n", err)
		return exitError
	}
	text, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "hubctl evidence fetch: %v\n", err)
		return exitError
	}
	if *out == "" {
		fmt.Fprintf(stdout, "%s\n", text)
	} else if err := os.WriteFile(*out, append(text, '\n'), 0o644); err != nil {
		fmt.Fprintf(stderr, "hubctl evidence fetch: %v\n", err)
		return exitError
	}
	// The outcome goes to stderr: stdout may be the pack.
	w := stderr
	if problems := evidence.Verify(p); len(problems) > 0 {
		for _, pr := range problems {
			fmt.Fprintln(w, pr)
		}
		return exitError
	}
	first, last := p.Audit.ChainSpan()
	fmt.Fprintf(w, "fetched %s: consistent, %d events, chain seq %d..%d, head %d\n", *request, len(p.Audit.Events), first, last, p.Audit.Head.Seq)
	return exitOK
}
