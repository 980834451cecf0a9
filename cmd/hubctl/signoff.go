package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/evidence"
)

const signoffUsage = `usage: hubctl signoff accept|reject|status [flags] FILE

  accept [--findings TEXT] FILE   sign off the evidence pack or governance report in FILE as accepted
  reject --findings TEXT FILE     sign it off as rejected, saying what was found
  status FILE                     list the sign-offs of exactly this file (exit 1 when none)

FILE is the pack (hubctl evidence fetch) or the report (hubctl report --format json)
exactly as you read it: the hub records its SHA-256, so a file changed afterwards
matches no sign-off. Signing off needs the auditor role.
`

// The operations hubctl sends; whole literals, so the API's tests can
// check them against the cost limits.
const (
	signOffsQuery   = `query($d: String!) { signOffs(digest: $d) { id subject digest decision findings signedBy signedAt promotionRequest { id } projectKey } }`
	signOffMutation = `mutation($in: SignOffInput!) { signOff(input: $in) { signOff { id subject digest decision findings signedBy signedAt promotionRequest { id } projectKey } } }`
)

type signOffOut struct {
	ID               string    `json:"id"`
	Subject          string    `json:"subject"`
	Digest           string    `json:"digest"`
	Decision         string    `json:"decision"`
	Findings         *string   `json:"findings"`
	SignedBy         string    `json:"signedBy"`
	SignedAt         time.Time `json:"signedAt"`
	ProjectKey       string    `json:"projectKey"`
	PromotionRequest *struct {
		ID string `json:"id"`
	} `json:"promotionRequest"`
}

func (s signOffOut) line() string {
	about := "governance report of project " + s.ProjectKey
	if s.PromotionRequest != nil {
		about = "evidence pack of " + s.PromotionRequest.ID
	}
	line := fmt.Sprintf("%s %s by %s at %s (%s, %s)", s.Decision, about, s.SignedBy, s.SignedAt.UTC().Format(time.RFC3339), s.ID, s.Digest)
	if s.Findings != nil && *s.Findings != "" {
		line += ": " + *s.Findings
	}
	return line
}

// documentSubject says what FILE holds: an evidence pack or a governance
// report.
func documentSubject(doc []byte) (string, error) {
	var probe struct {
		Format           *string         `json:"format"`
		GovernanceReport json.RawMessage `json:"governanceReport"`
	}
	if err := json.Unmarshal(doc, &probe); err != nil {
		return "", fmt.Errorf("not JSON: %v", err)
	}
	switch {
	case probe.Format != nil && strings.HasPrefix(*probe.Format, "exphub.evidence/"):
		return "EVIDENCE_PACK", nil
	case probe.GovernanceReport != nil:
		return "GOVERNANCE_REPORT", nil
	}
	return "", errors.New(`neither an evidence pack (no "format") nor a governance report (no "governanceReport")`)
}

// runSignoff implements "hubctl signoff".
func runSignoff(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "accept" && args[0] != "reject" && args[0] != "status") {
		fmt.Fprint(stderr, signoffUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return exitOK
		}
		return exitUsage
	}
	verb := args[0]
	fs := flag.NewFlagSet("hubctl signoff "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	findings := fs.String("findings", "", "what the review found (required to reject)")
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the hub's GraphQL endpoint")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "environment variable holding the bearer token")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "hubctl signoff %s: %s\n", verb, fmt.Sprintf(format, a...))
		return code
	}
	switch {
	case fs.NArg() != 1:
		return fail(exitUsage, "give exactly one FILE, got %d arguments", fs.NArg())
	case verb == "reject" && strings.TrimSpace(*findings) == "":
		return fail(exitUsage, "--findings is required to reject: say what was found")
	case verb == "status" && *findings != "":
		return fail(exitUsage, "--findings is for accept and reject")
	case getenv(*tokenEnv) == "":
		return fail(exitUsage, "$%s holds no token", *tokenEnv)
	}
	doc, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fail(exitError, "%v", err)
	}
	subject, err := documentSubject(doc)
	if err != nil {
		return fail(exitError, "%s: %v", fs.Arg(0), err)
	}
	digest := evidence.Digest(doc)
	c := newHubClient(pushTarget{url: *url, token: getenv(*tokenEnv)})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if verb == "status" {
		var res struct{ SignOffs []signOffOut }
		if err := c.do(ctx, signOffsQuery, map[string]any{"d": digest}, &res); err != nil {
			return fail(exitError, "%v", err)
		}
		fmt.Fprintf(stdout, "%s  %s\n", digest, fs.Arg(0))
		if len(res.SignOffs) == 0 {
			fmt.Fprintln(stdout, "no sign-off matches this file: it was never signed off, or it changed after its sign-off")
			return exitError
		}
		for _, s := range res.SignOffs {
			fmt.Fprintln(stdout, s.line())
		}
		return exitOK
	}
	decision := "ACCEPTED"
	if verb == "reject" {
		decision = "REJECTED"
	}
	in := map[string]any{"subject": subject, "document": string(doc), "decision": decision}
	if *findings != "" {
		in["findings"] = *findings
	}
	var res struct {
		SignOff struct{ SignOff signOffOut }
	}
	if err := c.do(ctx, signOffMutation, map[string]any{"in": in}, &res); err != nil {
		return fail(exitError, "%v", err)
	}
	fmt.Fprintln(stdout, res.SignOff.SignOff.line())
	return exitOK
}
