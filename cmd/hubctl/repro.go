package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/governance"
)

const reproUsage = `usage: hubctl repro plan|record|report --project KEY --experiment ID|NAME [flags]

A reproducibility audit of an experiment's runs, in three steps:

  plan   [--run ID]... [--filter EXPR] -o DIR
         select runs (by ID, by a run filter, or every finished run) and write
         each one's reproduce spec to DIR/<run id>.json and the selection to
         DIR/audit.json; rerun each with the tag exphub.reproduces=<run id>
  record [--tolerance T] [--relative-tolerance R]
         compare each finished run of the project tagged exphub.reproduces
         with the run of the experiment it names, and record the outcome
         (once: a pair already recorded as the original's latest is skipped)
  report [--plan DIR] [--run ID]... [--format md|json] [--check]
         the audit's outcome table for the selection (every run of the
         experiment by default); --check exits 1 unless every selected run
         was reproduced
`

// reproAuditFormat names the format of a plan's audit.json.
const reproAuditFormat = "exphub.repro-audit/v1"

// The operations hubctl repro sends.
const (
	reproAuditQuery = `query ReproAudit($e: ID!) { reproducibilityAudit(experimentId: $e) {
  experiment { id name projectKey } totalCount completeCount reproducedCount divergedCount
  runs { complete missing status run { id name status reproducibility { latestReproduction { id status tolerance relativeTolerance createdAt createdBy
    reproductionRun { id name } metrics { key original reproduced difference status } } } } } } }`
	reproSearchQuery = `query ReproSearch($k: String!, $e: [ID!], $f: String, $after: String) {
  searchRuns(projectKey: $k, experimentIds: $e, filter: $f, first: 100, after: $after) {
    edges { node { id name status tags { key value } } } pageInfo { hasNextPage endCursor } } }`
	reproSpecQuery   = `query ReproSpec($r: ID!) { reproduceSpec(runId: $r) }`
	reproRecordQuery = `mutation ReproRecord($in: RecordReproductionInput!) { recordReproduction(input: $in) {
  reproduction { id status originalRun { id name } reproductionRun { id name } metrics { key original reproduced difference status } } } }`
)

type reproMetric struct {
	Key        string   `json:"key"`
	Original   *float64 `json:"original"`
	Reproduced *float64 `json:"reproduced"`
	Difference *float64 `json:"difference"`
	Status     string   `json:"status"`
}

type reproEntry struct {
	Complete bool     `json:"complete"`
	Missing  []string `json:"missing"`
	Status   string   `json:"status"`
	Run      struct {
		ID              string `json:"id"`
		Name            string `json:"name"`
		Status          string `json:"status"`
		Reproducibility struct {
			LatestReproduction *struct {
				ID                string    `json:"id"`
				Status            string    `json:"status"`
				Tolerance         float64   `json:"tolerance"`
				RelativeTolerance float64   `json:"relativeTolerance"`
				CreatedAt         time.Time `json:"createdAt"`
				CreatedBy         string    `json:"createdBy"`
				ReproductionRun   struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"reproductionRun"`
				Metrics []reproMetric `json:"metrics"`
			} `json:"latestReproduction"`
		} `json:"reproducibility"`
	} `json:"run"`
}

type reproAudit struct {
	Experiment struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		ProjectKey string `json:"projectKey"`
	} `json:"experiment"`
	Runs []reproEntry `json:"runs"`
}

// reproPlan is a plan's audit.json: the selection.
type reproPlan struct {
	Format       string    `json:"format"`
	ProjectKey   string    `json:"projectKey"`
	ExperimentID string    `json:"experimentId"`
	Runs         []string  `json:"runs"`
	PlannedAt    time.Time `json:"plannedAt"`
}

// runIDs collects repeated --run flags.
type runIDs []string

func (r *runIDs) String() string     { return strings.Join(*r, ",") }
func (r *runIDs) Set(v string) error { *r = append(*r, v); return nil }

// runRepro implements "hubctl repro".
func runRepro(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || !slices.Contains([]string{"plan", "record", "report"}, args[0]) {
		fmt.Fprint(stderr, reproUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return exitOK
		}
		return exitUsage
	}
	verb := args[0]
	fs := flag.NewFlagSet("hubctl repro "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), reproUsage); fs.PrintDefaults() }
	project := fs.String("project", "", "the project's `KEY`")
	experiment := fs.String("experiment", "", "the experiment, by `ID or name`")
	var runs runIDs
	fs.Var(&runs, "run", "select this run `ID` (repeatable; plan and report)")
	filter := fs.String("filter", "", "select the runs matching this run filter `EXPR` (plan)")
	out := fs.String("o", "", "write the specs and audit.json to `DIR` (plan)")
	plan := fs.String("plan", "", "report on the selection of the plan in `DIR` (report)")
	tolerance := fs.Float64("tolerance", 0, "absolute tolerance of a metric (record)")
	relTolerance := fs.Float64("relative-tolerance", 0, "relative tolerance of a metric (record)")
	format := fs.String("format", "md", "md or json (report)")
	check := fs.Bool("check", false, "exit 1 unless every selected run was reproduced (report)")
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the hub's GraphQL endpoint")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "environment variable holding the bearer token")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	only := map[string][]string{"plan": {"run", "filter", "o"}, "record": {"tolerance", "relative-tolerance"},
		"report": {"run", "plan", "format", "check"}}
	var problem string
	for name := range set {
		if !slices.Contains([]string{"project", "experiment", "url", "token-env"}, name) && !slices.Contains(only[verb], name) {
			problem = fmt.Sprintf("--%s does not apply to %s", name, verb)
		}
	}
	switch {
	case problem != "":
	case fs.NArg() > 0:
		problem = fmt.Sprintf("unexpected argument %q", fs.Arg(0))
	case *project == "":
		problem = "--project is required"
	case *experiment == "":
		problem = "--experiment is required"
	case verb == "plan" && *out == "":
		problem = "-o DIR is required: where the specs go"
	case verb == "plan" && len(runs) > 0 && *filter != "":
		problem = "give --run or --filter, not both"
	case verb == "report" && len(runs) > 0 && *plan != "":
		problem = "give --run or --plan, not both"
	case verb == "report" && *format != "md" && *format != "json":
		problem = fmt.Sprintf("--format %q: want md or json", *format)
	case *tolerance < 0 || *relTolerance < 0:
		problem = "tolerances cannot be negative"
	case getenv(*tokenEnv) == "":
		problem = fmt.Sprintf("$%s holds no token", *tokenEnv)
	}
	if problem != "" {
		fmt.Fprintf(stderr, "hubctl repro %s: %s\n%s", verb, problem, reproUsage)
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "hubctl repro %s: %v\n", verb, err)
		return exitError
	}
	c := newHubClient(pushTarget{url: *url, token: getenv(*tokenEnv)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	expID, err := resolveExperiment(ctx, c, *project, *experiment)
	if err != nil {
		return fail(err)
	}
	var audit struct{ ReproducibilityAudit reproAudit }
	if err := c.do(ctx, reproAuditQuery, map[string]any{"e": expID}, &audit); err != nil {
		return fail(err)
	}
	a := &audit.ReproducibilityAudit
	if a.Experiment.ProjectKey != *project {
		return fail(fmt.Errorf("--experiment: %s is in project %s, not %s", expID, a.Experiment.ProjectKey, *project))
	}
	switch verb {
	case "plan":
		err = reproPlanRuns(ctx, c, a, runs, *filter, *out, stdout)
	case "record":
		err = reproRecord(ctx, c, a, *tolerance, *relTolerance, stdout)
	default:
		if *plan != "" {
			var p reproPlan
			if p, err = readReproPlan(*plan); err == nil && p.ExperimentID != a.Experiment.ID {
				err = fmt.Errorf("--plan: the plan in %s audits experiment %s, not %s", *plan, p.ExperimentID, a.Experiment.ID)
			}
			runs = p.Runs
		}
		if err == nil {
			var ok bool
			ok, err = reproReport(a, runs, *format, stdout)
			if err == nil && *check && !ok {
				return exitError
			}
		}
	}
	if err != nil {
		return fail(err)
	}
	return exitOK
}

// select returns the entries of the audit with the given run IDs, in the
// order given; an ID that is not a run of the experiment is an error.
func (a *reproAudit) pick(ids []string) ([]reproEntry, error) {
	if len(ids) == 0 {
		return a.Runs, nil
	}
	out := make([]reproEntry, 0, len(ids))
	for _, id := range ids {
		i := slices.IndexFunc(a.Runs, func(e reproEntry) bool { return e.Run.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("--run %s: not a run of experiment %s (%s) that you may read", clip(id), a.Experiment.Name, a.Experiment.ID)
		}
		out = append(out, a.Runs[i])
	}
	return out, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return strconv.Quote(s[:64] + "…")
	}
	return strconv.Quote(s)
}

// reproPlanRuns writes the selection's specs and audit.json.
func reproPlanRuns(ctx context.Context, c *hubClient, a *reproAudit, runs []string, filter, dir string, w io.Writer) error {
	var ids []string
	switch {
	case len(runs) > 0:
		picked, err := a.pick(runs)
		if err != nil {
			return err
		}
		for _, e := range picked {
			ids = append(ids, e.Run.ID)
		}
	case filter != "":
		found, err := reproSearch(ctx, c, a.Experiment.ProjectKey, []string{a.Experiment.ID}, filter)
		if err != nil {
			return err
		}
		for _, r := range found {
			ids = append(ids, r.ID)
		}
	default:
		for _, e := range a.Runs {
			if e.Run.Status == "FINISHED" {
				ids = append(ids, e.Run.ID)
			}
		}
	}
	if len(ids) == 0 {
		return errors.New("no run selected: the experiment has no finished run, or none matches")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, _ := a.pick(ids)
	for _, e := range entries {
		var spec struct{ ReproduceSpec json.RawMessage }
		if err := c.do(ctx, reproSpecQuery, map[string]any{"r": e.Run.ID}, &spec); err != nil {
			return err
		}
		if err := writeJSON(filepath.Join(dir, e.Run.ID+".json"), spec.ReproduceSpec); err != nil {
			return err
		}
	}
	plan := reproPlan{Format: reproAuditFormat, ProjectKey: a.Experiment.ProjectKey, ExperimentID: a.Experiment.ID, Runs: ids, PlannedAt: time.Now().UTC()}
	b, err := json.Marshal(plan)
	if err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "audit.json"), b); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d runs of %s selected; specs in %s\n", len(entries), a.Experiment.Name, dir)
	for _, e := range entries {
		state := "complete"
		if !e.Complete {
			state = "missing " + strings.Join(e.Missing, ", ")
		}
		fmt.Fprintf(w, "  %s  %s  %s\n", e.Run.ID, e.Run.Name, state)
	}
	fmt.Fprintf(w, "Rerun each with the tag %s=<run id> (the spec's rerunTags), then: hubctl repro record\n", governance.ReproducesTag)
	return nil
}

// writeJSON writes raw JSON indented.
func writeJSON(path string, raw []byte) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func readReproPlan(dir string) (reproPlan, error) {
	var p reproPlan
	b, err := os.ReadFile(filepath.Join(dir, "audit.json"))
	if err != nil {
		return p, fmt.Errorf("--plan: %w", err)
	}
	if err := json.Unmarshal(b, &p); err != nil || p.Format != reproAuditFormat {
		return p, fmt.Errorf("--plan: %s/audit.json is not a plan of hubctl repro plan (format %s)", dir, reproAuditFormat)
	}
	return p, nil
}

type reproRun struct {
	ID, Name, Status string
	Tags             []struct{ Key, Value string }
}

// reproSearch pages through searchRuns.
func reproSearch(ctx context.Context, c *hubClient, project string, experiments []string, filter string) ([]reproRun, error) {
	var out []reproRun
	vars := map[string]any{"k": project, "f": filter}
	if experiments != nil {
		vars["e"] = experiments
	}
	for {
		var res struct {
			SearchRuns struct {
				Edges    []struct{ Node reproRun }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		if err := c.do(ctx, reproSearchQuery, vars, &res); err != nil {
			return nil, err
		}
		for _, e := range res.SearchRuns.Edges {
			out = append(out, e.Node)
		}
		if !res.SearchRuns.PageInfo.HasNextPage {
			return out, nil
		}
		vars["after"] = res.SearchRuns.PageInfo.EndCursor
	}
}

// reproRecord records a reproduction for each finished rerun in the
// project that names a run of the experiment.
func reproRecord(ctx context.Context, c *hubClient, a *reproAudit, tol, rel float64, w io.Writer) error {
	reruns, err := reproSearch(ctx, c, a.Experiment.ProjectKey, nil, "tags."+governance.ReproducesTag+" IS NOT NULL")
	if err != nil {
		return err
	}
	recorded, skipped := 0, 0
	for _, r := range reruns {
		original := ""
		for _, t := range r.Tags {
			if t.Key == governance.ReproducesTag {
				original = t.Value
			}
		}
		i := slices.IndexFunc(a.Runs, func(e reproEntry) bool { return e.Run.ID == original })
		if i < 0 {
			continue // a rerun of another experiment's run
		}
		e := a.Runs[i]
		if latest := e.Run.Reproducibility.LatestReproduction; latest != nil && latest.ReproductionRun.ID == r.ID {
			skipped++
			continue
		}
		if r.Status != "FINISHED" {
			fmt.Fprintf(w, "%s  %s: rerun %s is %s, not finished; not compared yet\n", e.Run.ID, e.Run.Name, r.ID, r.Status)
			continue
		}
		var res struct {
			RecordReproduction struct {
				Reproduction struct {
					ID, Status string
					Metrics    []reproMetric
				}
			}
		}
		in := map[string]any{"originalRunId": original, "reproductionRunId": r.ID, "tolerance": tol, "relativeTolerance": rel}
		if err := c.do(ctx, reproRecordQuery, map[string]any{"in": in}, &res); err != nil {
			return fmt.Errorf("%s reproduced by %s: %w", original, r.ID, err)
		}
		rep := res.RecordReproduction.Reproduction
		fmt.Fprintf(w, "%s  %s: %s by %s (%s)\n", e.Run.ID, e.Run.Name, rep.Status, r.ID, metricsLine(rep.Metrics))
		recorded++
	}
	fmt.Fprintf(w, "%d reproductions recorded, %d already recorded\n", recorded, skipped)
	return nil
}

// metricsLine summarises metric comparisons: key original→reproduced.
func metricsLine(ms []reproMetric) string {
	num := func(f *float64) string {
		if f == nil {
			return "—"
		}
		return strconv.FormatFloat(*f, 'g', 6, 64)
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		mark := "ok"
		if m.Status != "REPRODUCED" {
			mark = "DIVERGED"
		}
		parts[i] = fmt.Sprintf("%s %s→%s %s", m.Key, num(m.Original), num(m.Reproduced), mark)
	}
	return strings.Join(parts, "; ")
}

// reproReport writes the outcome table of the selection and reports
// whether every selected run was reproduced.
func reproReport(a *reproAudit, runs []string, format string, w io.Writer) (bool, error) {
	entries, err := a.pick(runs)
	if err != nil {
		return false, err
	}
	counts := map[string]int{}
	complete := 0
	for _, e := range entries {
		counts[e.Status]++
		if e.Complete {
			complete++
		}
	}
	ok := len(entries) > 0 && counts["REPRODUCED"] == len(entries)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return ok, enc.Encode(map[string]any{"experiment": a.Experiment, "runs": entries, "summary": map[string]int{
			"selected": len(entries), "complete": complete, "reproduced": counts["REPRODUCED"], "diverged": counts["DIVERGED"],
			"notAttempted": counts["NOT_ATTEMPTED"]}})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Reproducibility audit: %s\n\nProject %s, experiment %s. %d runs selected: %d reproduced, %d diverged, %d not attempted; %d record everything a rerun needs.\n\n",
		mdCell(a.Experiment.Name), mdCell(a.Experiment.ProjectKey), a.Experiment.ID, len(entries), counts["REPRODUCED"], counts["DIVERGED"], counts["NOT_ATTEMPTED"], complete)
	b.WriteString("| Run | ID | Complete | Missing | Outcome | Reproduced by | Tolerance | Metrics |\n|---|---|---|---|---|---|---|---|\n")
	for _, e := range entries {
		by, tol, metrics := "—", "—", "—"
		if r := e.Run.Reproducibility.LatestReproduction; r != nil {
			by = mdCell(r.ReproductionRun.Name) + " (" + r.ReproductionRun.ID + ")"
			tol = fmt.Sprintf("%g abs, %g rel", r.Tolerance, r.RelativeTolerance)
			metrics = mdCell(metricsLine(r.Metrics))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdCell(e.Run.Name), e.Run.ID, yesNoWord(e.Complete),
			mdCell(orNone(strings.Join(e.Missing, ", "))), e.Status, by, tol, metrics)
	}
	_, err = io.WriteString(w, b.String())
	return ok, err
}
