package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/exphub/exphub/internal/datasource"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store/blobs"
)

const validateUsage = `usage: hubctl validate --suite SUITE.yaml --data PATH|URI [--json] [--digest SHA256]
                      [--format csv|jsonl|parquet] [--delimiter C] [--quote C] [--no-quote] [--no-header] [--null TEXT ...]
                      [--s3-endpoint URL] [--s3-region R] [--s3-path-style]
                      [--push --version V [--dataset NAMESPACE/NAME] [--project KEY] [--url URL] [--token-env VAR]]

Runs a data-quality suite over one file locally and prints a table (or, with
--json, the result). References in the suite (referential_integrity,
distribution_drift) are resolved relative to the suite file. The data is a
local path, a file:// URI, an http(s):// URL, an s3://bucket/key object
(read with the AWS SDK's standard credentials: AWS_ACCESS_KEY_ID, a profile,
an instance role), a gs://bucket/object one (with Google's application
default credentials) or an az://container/blob one (AZURE_STORAGE_CONNECTION_STRING,
or AZURE_STORAGE_ACCOUNT with the Azure SDK's default credentials).

With --push, the result is recorded in the hub as a validation run of the
dataset version (the suite's dataset unless --dataset names another), and
the data must match that version's registered digest (unless --digest says
otherwise): a file that changed under an immutable version is an ERROR.
The token comes from $EXPHUB_TOKEN.

Exit status: 0 when the run PASSED or only WARNED, 1 when an error-severity
rule FAILED or the run ended in ERROR (unreadable data, digest mismatch, a
rule that could not be evaluated), 2 for a bad command line or an invalid
suite file.
`

// validateOptions are the parsed flags of "hubctl validate".
type validateOptions struct {
	suitePath string
	source    quality.Source
	asJSON    bool
	push      bool
	dataset   string
	target    pushTarget
	s3        blobs.S3Access
}

// runValidate implements "hubctl validate".
func runValidate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, code, ok := parseValidateFlags(args, getenv, stderr)
	if !ok {
		return code
	}
	suite, err := quality.LoadSuite(opts.suitePath)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl validate: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var hub *hubClient
	var version *pushedVersion
	if opts.push {
		if opts.target, err = pushTargetFrom(opts.target, opts.dataset, suite); err != nil {
			fmt.Fprintf(stderr, "hubctl validate: %v\n", err)
			return exitUsage
		}
		hub = newHubClient(opts.target)
		if version, err = findVersion(ctx, hub, opts.target); err != nil {
			fmt.Fprintf(stderr, "hubctl validate: %v\n", err)
			return exitError
		}
		if opts.source.ExpectedSHA256 == "" {
			opts.source.ExpectedSHA256 = version.Digest
			if version.Digest == "" {
				// A version an OpenLineage event reported: the hub never
				// saw its content, so nothing vouches for the data read.
				fmt.Fprintf(stderr, "hubctl validate: the hub has no digest for %s %s@%s (reported by OpenLineage); the data is not checked against one\n",
					opts.target.namespace, opts.target.name, opts.target.vers)
			}
		}
	}
	res, err := validateLocal(ctx, suite, opts)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl validate: %v\n", err)
		return exitError
	}
	if opts.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "hubctl validate: %v\n", err)
			return exitError
		}
	} else {
		printResult(stdout, res)
	}
	if opts.push {
		id, status, err := recordResult(ctx, hub, version.ID, suite.Name, res)
		if err != nil {
			fmt.Fprintf(stderr, "hubctl validate: recording the result: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stderr, "recorded in the hub as %s (%s) on %s %s@%s\n", id, status, opts.target.namespace, opts.target.name, opts.target.vers)
	}
	switch res.Status {
	case quality.StatusFailed, quality.StatusError:
		return exitError
	}
	return exitOK
}

// validateLocal runs the suite with the engine in this process.
func validateLocal(ctx context.Context, suite *quality.Suite, opts validateOptions) (*quality.Result, error) {
	// hubctl reads what its user can: any remote source, with the user's
	// own credentials.
	engine := quality.New(quality.Options{Resolver: quality.DirResolver(filepath.Dir(opts.suitePath)),
		Remote: datasource.NewOpener(datasource.Everything(), nil, opts.s3)})
	return engine.Run(ctx, suite, opts.source)
}

// nullFlags collects repeated --null TEXT flags.
type nullFlags []string

func (n *nullFlags) String() string     { return strings.Join(*n, ",") }
func (n *nullFlags) Set(s string) error { *n = append(*n, s); return nil }

func parseValidateFlags(args []string, getenv func(string) string, stderr io.Writer) (validateOptions, int, bool) {
	fs := flag.NewFlagSet("hubctl validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), validateUsage)
		fs.PrintDefaults()
	}
	suitePath := fs.String("suite", "", "the suite file, YAML or JSON (required)")
	data := fs.String("data", "", "the data: a path, file:// URI, http(s):// URL, s3://bucket/key, gs://bucket/object or az://container/blob (required)")
	s3Endpoint := fs.String("s3-endpoint", "", "for s3:// data on an S3-compatible service (MinIO, Ceph, moto): its URL (default: AWS S3, or AWS_ENDPOINT_URL_S3)")
	s3Region := fs.String("s3-region", "", "for s3:// data: the bucket's region (default: AWS_REGION, or the shared config's)")
	s3PathStyle := fs.Bool("s3-path-style", false, "for s3:// data: address the bucket in the path, as MinIO and Ceph usually need")
	asJSON := fs.Bool("json", false, "print the result as JSON instead of a table")
	digest := fs.String("digest", "", "the data's expected sha256 (hex); a mismatch makes the run ERROR")
	format := fs.String("format", "", "csv, jsonl or parquet (default: from the extension)")
	delimiter := fs.String("delimiter", "", "CSV field delimiter, one ASCII character; \\t for tab (default ,)")
	quote := fs.String("quote", "", "CSV quote character (default \")")
	noQuote := fs.Bool("no-quote", false, "CSV: read quote characters as data")
	noHeader := fs.Bool("no-header", false, "CSV: the first row is data; columns are column_1, column_2, ...")
	push := fs.Bool("push", false, "record the result in the hub as a validation run of the dataset version")
	dataset := fs.String("dataset", "", "with --push: the dataset as NAMESPACE/NAME, e.g. s3://lake/raw/orders (default: the suite's dataset)")
	version := fs.String("version", "", "with --push: the dataset version the data is (required)")
	project := fs.String("project", "", "with --push: the dataset's project, when its name exists in several")
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "with --push: the hub's GraphQL endpoint")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "with --push: environment variable holding the bearer token")
	var nulls nullFlags
	fs.Var(&nulls, "null", "CSV: a field `TEXT` read as null (repeatable; the empty field stays null only if --null '' is given too)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return validateOptions{}, exitOK, false
		}
		return validateOptions{}, exitUsage, false
	}
	usageErr := func(format string, a ...any) (validateOptions, int, bool) {
		fmt.Fprintf(stderr, "hubctl validate: "+format+"\n", a...)
		fmt.Fprint(stderr, validateUsage)
		return validateOptions{}, exitUsage, false
	}
	char := func(name, v string) (byte, error) {
		if v == `\t` {
			return '\t', nil
		}
		if len(v) != 1 || v[0] >= 0x80 {
			return 0, fmt.Errorf("--%s must be one ASCII character, got %s", name, strconv.Quote(v))
		}
		return v[0], nil
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *suitePath == "":
		return usageErr("--suite is required")
	case *data == "":
		return usageErr("--data is required")
	}
	src := quality.Source{URI: *data, Format: quality.Format(*format), ExpectedSHA256: *digest}
	s3 := blobs.S3Access{Endpoint: *s3Endpoint, Region: *s3Region, PathStyle: *s3PathStyle}
	switch src.Format {
	case "", quality.FormatCSV, quality.FormatJSONL, quality.FormatParquet:
	default:
		return usageErr("--format must be csv, jsonl or parquet, got %q", *format)
	}
	if d := strings.TrimPrefix(strings.ToLower(*digest), "sha256:"); d != "" {
		if b, err := hexLen(d); err != nil || b != 32 {
			return usageErr("--digest must be a hex sha256 (64 characters), got %q", *digest)
		}
	}
	if *delimiter != "" {
		c, err := char("delimiter", *delimiter)
		if err != nil {
			return usageErr("%v", err)
		}
		src.CSV.Delimiter = c
	}
	if *quote != "" {
		c, err := char("quote", *quote)
		if err != nil {
			return usageErr("%v", err)
		}
		src.CSV.Quote = c
	}
	src.CSV.NoQuote, src.CSV.NoHeader = *noQuote, *noHeader
	if len(nulls) > 0 {
		src.CSV.NullValues = nulls
	}
	if !*push && (*dataset != "" || *version != "" || *project != "") {
		return usageErr("--dataset, --version and --project only go with --push")
	}
	return validateOptions{suitePath: *suitePath, source: src, s3: s3, asJSON: *asJSON, push: *push, dataset: *dataset,
		target: pushTarget{url: *url, token: getenv(*tokenEnv), project: *project, vers: *version}}, exitOK, true
}

// hexLen returns the number of bytes a hex string encodes.
func hexLen(s string) (int, error) {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return 0, fmt.Errorf("not hex")
		}
	}
	if len(s)%2 != 0 {
		return 0, fmt.Errorf("odd length")
	}
	return len(s) / 2, nil
}

// printResult writes the human-readable table of a result.
func printResult(w io.Writer, res *quality.Result) {
	fmt.Fprintf(w, "suite %s  data %s (%s", orDash(res.Suite), res.Source, orDash(string(res.Format)))
	if res.Error == nil {
		fmt.Fprintf(w, ", %d rows", res.RowCount)
	}
	if res.SHA256 != "" {
		fmt.Fprintf(w, ", sha256 %s", res.SHA256)
	}
	fmt.Fprintln(w, ")")
	if res.Error != nil {
		fmt.Fprintf(w, "ERROR %s: %s\n", res.Error.Code, res.Error.Message)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tRULE\tCOLUMN\tSEVERITY\tVERDICT\tOBSERVED\tUNEXPECTED")
	for _, r := range res.Rules {
		col := r.Column
		if len(r.Columns) > 0 {
			col = strings.Join(r.Columns, ",")
		}
		unexpected := "-"
		if r.UnexpectedPercent != nil {
			unexpected = fmt.Sprintf("%s (%d)", formatPercent(*r.UnexpectedPercent), r.UnexpectedCount)
		}
		name := r.Type
		if r.Name != "" {
			name = r.Name + " (" + r.Type + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Index, name, orDash(col), r.Severity, r.Verdict, formatObserved(r.Observed), unexpected)
	}
	tw.Flush()
	// Under the table: why each rule that did not pass did not, with a
	// few failing values.
	for _, r := range res.Rules {
		if r.Verdict == quality.VerdictPassed || res.Error != nil {
			continue
		}
		line := fmt.Sprintf("rule %d (%s) %s", r.Index, r.Type, r.Verdict)
		if r.Message != "" {
			line += ": " + r.Message
		}
		fmt.Fprintln(w, line)
		if len(r.UnexpectedSample) > 0 {
			var parts []string
			for _, s := range r.UnexpectedSample[:min(5, len(r.UnexpectedSample))] {
				parts = append(parts, formatSample(s))
			}
			fmt.Fprintf(w, "  e.g. %s\n", strings.Join(parts, "; "))
		}
	}
	st := res.Statistics
	fmt.Fprintf(w, "status: %s (%d passed, %d failed, %d errored)\n", res.Status, st.Passed, st.Failed, st.Errored)
}

// formatPercent writes a percentage with two decimals, or as many more
// as it takes not to show a share that is neither none nor all as 0% or
// 100% (a failure rate of 1e-5 is 0.001%, not 0.00%).
func formatPercent(p float64) string {
	for d := 2; ; d++ {
		text := strconv.FormatFloat(p, 'f', d, 64)
		shown, _ := strconv.ParseFloat(text, 64)
		if d == 12 || p == 0 || p == 100 || shown != 0 && shown != 100 {
			return text + "%"
		}
	}
}

func formatSample(s quality.Sample) string {
	v := formatObserved(s.Value)
	if s.Value == nil {
		v = "null"
	}
	if s.Row > 0 {
		return fmt.Sprintf("row %d: %s", s.Row, v)
	}
	return v
}

func formatObserved(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case float64:
		// The value as recorded (the shortest text that reads back as
		// it), positionally while that stays short.
		if a := math.Abs(v); a == 0 || a >= 1e-4 && a < 1e15 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return strconv.Quote(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
