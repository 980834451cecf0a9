package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

const reportUsage = `usage: hubctl report --project KEY [--experiment ID|NAME] [--since TIME|AGE] [--until TIME] [--format md|html|json] [-o FILE] [--url URL] [--token-env EXPHUB_TOKEN]

Writes the governance report of a project, or of one of its experiments,
over a period: the figures the hub computes over everything in scope
(reproducibility rate, validation coverage, decisions and their lead
time), the runs of the experiment with what each misses for a rerun and
its newest reproduction, the promotion requests made in the period with
their checks and decisions, and the model versions in production.

--since and --until take RFC 3339 times (2026-01-31T00:00:00Z) or a date
(2026-01-31); --since also takes an age (30d, 12h: that long before now).
Without --since the period starts at the beginning; without --until it ends
now. The token in $EXPHUB_TOKEN must be an auditor's, approver's or
admin's of the project.
`

// reportData is what the report shows, as the hub answered it.
type reportData struct {
	Report struct {
		ProjectKey  string     `json:"projectKey"`
		Since       *time.Time `json:"since"`
		Until       time.Time  `json:"until"`
		GeneratedAt time.Time  `json:"generatedAt"`
		Experiment  *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"experiment"`
		Figures struct {
			Runs                int      `json:"runs"`
			ReproducibleRuns    int      `json:"reproducibleRuns"`
			ReproducibilityRate *float64 `json:"reproducibilityRate"`
			ReproducedRuns      int      `json:"reproducedRuns"`
			DivergedRuns        int      `json:"divergedRuns"`
			DatasetVersionsUsed int      `json:"datasetVersionsUsed"`
			ValidatedVersions   int      `json:"validatedVersions"`
			ValidationCoverage  *float64 `json:"validationCoverage"`
			FailingVersions     int      `json:"failingVersions"`
			VersionsWithDigest  int      `json:"versionsWithDigest"`
			PromotionRequests   int      `json:"promotionRequests"`
			Approved            int      `json:"approved"`
			Rejected            int      `json:"rejected"`
			Cancelled           int      `json:"cancelled"`
			Open                int      `json:"open"`
			LeadTimeMean        *float64 `json:"leadTimeMeanSeconds"`
			LeadTimeP50         *float64 `json:"leadTimeP50Seconds"`
			LeadTimeP90         *float64 `json:"leadTimeP90Seconds"`
		} `json:"figures"`
		InProduction []struct {
			ID        string    `json:"id"`
			Version   int       `json:"version"`
			CreatedAt time.Time `json:"createdAt"`
			Model     struct {
				Name string `json:"name"`
			} `json:"model"`
		} `json:"inProduction"`
		// SignOffs are the sign-offs of the project's earlier reports.
		SignOffs []struct {
			Decision string    `json:"decision"`
			Findings *string   `json:"findings"`
			SignedBy string    `json:"signedBy"`
			SignedAt time.Time `json:"signedAt"`
			Digest   string    `json:"digest"`
		} `json:"signOffs"`
	} `json:"governanceReport"`
	// Runs are the experiment's (with --experiment), newest first.
	Runs []reportRun `json:"runs,omitempty"`
	// Requests are those made in the period, newest first (of the
	// project's newest reportRequests).
	Requests []reportRequest `json:"promotionRequests"`
}

type reportRun struct {
	Run struct {
		ID        string    `json:"id"`
		Name      string    `json:"name"`
		Status    string    `json:"status"`
		StartedAt time.Time `json:"startedAt"`
	} `json:"run"`
	Complete bool     `json:"complete"`
	Missing  []string `json:"missing"`
	Status   string   `json:"status"`
}

type reportRequest struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"`
	TargetStage  string     `json:"targetStage"`
	RequestedBy  string     `json:"requestedBy"`
	RequestedAt  time.Time  `json:"requestedAt"`
	ClosedAt     *time.Time `json:"closedAt"`
	ModelVersion struct {
		Version int `json:"version"`
		Model   struct {
			Name string `json:"name"`
		} `json:"model"`
	} `json:"modelVersion"`
	Checks []struct {
		Name    string `json:"name"`
		Verdict string `json:"verdict"`
	} `json:"checks"`
	Approvals []struct {
		Actor    string `json:"actor"`
		Decision string `json:"decision"`
	} `json:"approvals"`
}

// reportRequests is how many of the project's newest promotion requests
// the report reads to find those of the period.
const reportRequests = 100

const reportQuery = `query Report($k: String!, $e: ID, $since: Time, $until: Time, $first: Int!) {
  governanceReport(projectKey: $k, experimentId: $e, since: $since, until: $until) {
    projectKey since until generatedAt
    experiment { id name }
    figures {
      runs reproducibleRuns reproducibilityRate reproducedRuns divergedRuns
      datasetVersionsUsed validatedVersions validationCoverage failingVersions versionsWithDigest
      promotionRequests approved rejected cancelled open leadTimeMeanSeconds leadTimeP50Seconds leadTimeP90Seconds
    }
    inProduction { id version createdAt model { name } }
    signOffs { decision findings signedBy signedAt digest }
  }
  promotionRequests(projectKey: $k, first: $first) {
    edges { node {
      id status targetStage requestedBy requestedAt closedAt
      modelVersion { version model { name } }
      checks { name verdict }
      approvals { actor decision }
    } }
  }
}`

const reportRunsQuery = `query ReportRuns($e: ID!) {
  reproducibilityAudit(experimentId: $e) { runs { run { id name status startedAt } complete missing status } }
}`

// resolveExperiment returns the ID of the experiment named by ID or by
// name in the project; "" stays "".
func resolveExperiment(ctx context.Context, c *hubClient, project, experiment string) (string, error) {
	if experiment == "" || strings.HasPrefix(experiment, "exp_") {
		return experiment, nil
	}
	var found struct {
		Project *struct {
			Experiments struct {
				Edges []struct{ Node struct{ ID, Name string } }
			}
		}
	}
	if err := c.do(ctx, experimentByNameQuery, map[string]any{"k": project, "n": experiment}, &found); err != nil {
		return "", err
	}
	if found.Project != nil {
		for _, e := range found.Project.Experiments.Edges {
			if e.Node.Name == experiment {
				return e.Node.ID, nil
			}
		}
	}
	return "", fmt.Errorf("--experiment: no experiment named %q in project %s that you may read", experiment, project)
}

const experimentByNameQuery = `query ExperimentByName($k: String!, $n: String!) {
  project(key: $k) { experiments(filter: {nameContains: $n}, first: 50) { edges { node { id name } } } }
}`

func runReport(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := evidenceFlags("report", stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), reportUsage); fs.PrintDefaults() }
	project := fs.String("project", "", "the project's `KEY`")
	experiment := fs.String("experiment", "", "one experiment of the project, by `ID or name`")
	since := fs.String("since", "", "start of the period: an RFC 3339 `TIME`, a date, or an age such as 30d")
	until := fs.String("until", "", "end of the period: an RFC 3339 `TIME` or a date (default now)")
	format := fs.String("format", "md", "md, html or json")
	out := fs.String("o", "", "write the report to `FILE` instead of standard output")
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the hub's GraphQL endpoint")
	tokenEnv := fs.String("token-env", "EXPHUB_TOKEN", "environment variable holding the bearer token")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	now := time.Now().UTC()
	vars := map[string]any{"k": *project, "first": reportRequests}
	var problem string
	switch {
	case fs.NArg() > 0:
		problem = fmt.Sprintf("unexpected argument %q", fs.Arg(0))
	case *project == "":
		problem = "--project is required"
	case *format != "md" && *format != "html" && *format != "json":
		problem = fmt.Sprintf("--format %q: want md, html or json", *format)
	case getenv(*tokenEnv) == "":
		problem = fmt.Sprintf("$%s holds no token", *tokenEnv)
	}
	for _, t := range []struct {
		flag, value string
		age         bool
	}{{"since", *since, true}, {"until", *until, false}} {
		if problem != "" || t.value == "" {
			continue
		}
		at, err := parseReportTime(t.value, t.age, now)
		if err != nil {
			problem = fmt.Sprintf("--%s: %v", t.flag, err)
			continue
		}
		vars[t.flag] = at.Format(time.RFC3339Nano)
	}
	if problem != "" {
		fmt.Fprintf(stderr, "hubctl report: %s\n%s", problem, reportUsage)
		return exitUsage
	}
	c := newHubClient(pushTarget{url: *url, token: getenv(*tokenEnv)})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	data, err := fetchReport(ctx, c, vars, *experiment)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl report: %v\n", err)
		return exitError
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "hubctl report: %v\n", err)
			return exitError
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(data)
	case "html":
		err = reportHTML.Execute(w, newReportView(data))
	default:
		err = writeReportMarkdown(w, newReportView(data))
	}
	if err != nil {
		fmt.Fprintf(stderr, "hubctl report: %v\n", err)
		return exitError
	}
	return exitOK
}

// parseReportTime reads an RFC 3339 time, a date, or (age) an age before
// now such as 30d or 12h.
func parseReportTime(v string, age bool, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if age {
		if days, ok := strings.CutSuffix(v, "d"); ok {
			if n, err := strconv.Atoi(days); err == nil && n >= 0 {
				return now.AddDate(0, 0, -n), nil
			}
		} else if d, err := time.ParseDuration(v); err == nil && d >= 0 {
			return now.Add(-d), nil
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time, a date or an age (30d, 12h)", v)
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time or a date", v)
}

// fetchReport asks the hub for the report, the experiment's runs, and
// the period's promotion requests; an experiment named rather than given
// by ID is looked up in the project by its exact name.
func fetchReport(ctx context.Context, c *hubClient, vars map[string]any, experiment string) (*reportData, error) {
	experiment, err := resolveExperiment(ctx, c, vars["k"].(string), experiment)
	if err != nil {
		return nil, err
	}
	if experiment != "" {
		vars["e"] = experiment
	}
	var res struct {
		reportData
		PromotionRequests struct {
			Edges []struct{ Node reportRequest }
		} `json:"promotionRequests"`
	}
	if err := c.do(ctx, reportQuery, vars, &res); err != nil {
		return nil, err
	}
	data := res.reportData
	r := &data.Report
	for _, e := range res.PromotionRequests.Edges {
		q := e.Node
		if (r.Since == nil || !q.RequestedAt.Before(*r.Since)) && q.RequestedAt.Before(r.Until) {
			data.Requests = append(data.Requests, q)
		}
	}
	if r.Experiment != nil {
		var audit struct {
			ReproducibilityAudit struct{ Runs []reportRun }
		}
		if err := c.do(ctx, reportRunsQuery, map[string]any{"e": r.Experiment.ID}, &audit); err != nil {
			return nil, err
		}
		for _, run := range audit.ReproducibilityAudit.Runs {
			if (r.Since == nil || !run.Run.StartedAt.Before(*r.Since)) && run.Run.StartedAt.Before(r.Until) {
				data.Runs = append(data.Runs, run)
			}
		}
	}
	if data.Requests == nil {
		data.Requests = []reportRequest{}
	}
	return &data, nil
}

// reportView is the report as text, for both renderers.
type reportView struct {
	Title, Period, Generated string
	Figures                  [][2]string
	Runs                     [][]string
	Requests                 [][]string
	Production               [][]string
	SignOffs                 [][]string
	WithRuns                 bool
}

func newReportView(d *reportData) *reportView {
	r, f := &d.Report, &d.Report.Figures
	v := &reportView{Title: "Governance report: project " + r.ProjectKey, Generated: r.GeneratedAt.UTC().Format(time.RFC3339), WithRuns: r.Experiment != nil}
	if r.Experiment != nil {
		v.Title += ", experiment " + r.Experiment.Name
	}
	from := "the beginning"
	if r.Since != nil {
		from = r.Since.UTC().Format(time.RFC3339)
	}
	v.Period = from + " to " + r.Until.UTC().Format(time.RFC3339)
	v.Figures = [][2]string{
		{"Runs started", strconv.Itoa(f.Runs)},
		{"Reproducible (everything a rerun needs recorded)", fmt.Sprintf("%d (%s)", f.ReproducibleRuns, percent(f.ReproducibilityRate))},
		{"Reproduced / diverged (newest reproduction)", fmt.Sprintf("%d / %d", f.ReproducedRuns, f.DivergedRuns)},
		{"Dataset versions read", strconv.Itoa(f.DatasetVersionsUsed)},
		{"Validated", fmt.Sprintf("%d (%s); %d failing", f.ValidatedVersions, percent(f.ValidationCoverage), f.FailingVersions)},
		{"With a sha256 digest", strconv.Itoa(f.VersionsWithDigest)},
		{"Promotion requests", fmt.Sprintf("%d: %d approved, %d rejected, %d cancelled, %d open", f.PromotionRequests, f.Approved, f.Rejected, f.Cancelled, f.Open)},
		{"Lead time, request to decision", fmt.Sprintf("mean %s, p50 %s, p90 %s", seconds(f.LeadTimeMean), seconds(f.LeadTimeP50), seconds(f.LeadTimeP90))},
	}
	for _, run := range d.Runs {
		missing := "—"
		if len(run.Missing) > 0 {
			missing = strings.Join(run.Missing, ", ")
		}
		v.Runs = append(v.Runs, []string{run.Run.Name, run.Run.Status, run.Run.StartedAt.UTC().Format(time.RFC3339), yesNoWord(run.Complete), missing, strings.ToLower(run.Status)})
	}
	for _, q := range d.Requests {
		checks := make([]string, len(q.Checks))
		for i, c := range q.Checks {
			checks[i] = c.Name + " " + c.Verdict
		}
		decisions := make([]string, len(q.Approvals))
		for i, a := range q.Approvals {
			decisions[i] = a.Actor + " " + strings.ToLower(a.Decision)
		}
		v.Requests = append(v.Requests, []string{fmt.Sprintf("%s v%d → %s", q.ModelVersion.Model.Name, q.ModelVersion.Version, q.TargetStage), q.Status,
			q.RequestedBy, q.RequestedAt.UTC().Format(time.RFC3339), orNone(strings.Join(checks, ", ")), orNone(strings.Join(decisions, ", "))})
	}
	for _, mv := range r.InProduction {
		v.Production = append(v.Production, []string{fmt.Sprintf("%s v%d", mv.Model.Name, mv.Version), mv.ID, mv.CreatedAt.UTC().Format(time.RFC3339)})
	}
	for _, so := range r.SignOffs {
		findings := ""
		if so.Findings != nil {
			findings = *so.Findings
		}
		v.SignOffs = append(v.SignOffs, []string{strings.ToLower(so.Decision), so.SignedBy, so.SignedAt.UTC().Format(time.RFC3339), so.Digest, orNone(findings)})
	}
	return v
}

func percent(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*p*100, 'f', 1, 64) + "%"
}

func seconds(s *float64) string {
	if s == nil {
		return "n/a"
	}
	return (time.Duration(*s) * time.Second).Round(time.Second).String()
}

func yesNoWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// mdCell escapes a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", `\<`, ">", `\>`).Replace(s)
}

func writeReportMarkdown(w io.Writer, v *reportView) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nPeriod: %s. Generated %s.\n\n## Figures\n\n| | |\n|---|---|\n", mdCell(v.Title), v.Period, v.Generated)
	for _, f := range v.Figures {
		fmt.Fprintf(&b, "| %s | %s |\n", mdCell(f[0]), mdCell(f[1]))
	}
	table := func(title, none string, header []string, rows [][]string) {
		fmt.Fprintf(&b, "\n## %s\n\n", title)
		if len(rows) == 0 {
			fmt.Fprintf(&b, "%s\n", none)
			return
		}
		fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
		for _, r := range rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = mdCell(c)
			}
			fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	if v.WithRuns {
		table("Runs", "No run started in the period.", []string{"Run", "Status", "Started", "Reproducible", "Missing", "Reproduction"}, v.Runs)
	}
	table("Promotion requests", "No promotion request was made in the period.", []string{"Request", "Status", "By", "At", "Checks", "Decisions"}, v.Requests)
	table("In production", "No model version is in production.", []string{"Model version", "ID", "Registered"}, v.Production)
	table("Sign-offs of earlier reports", "No report of this project was signed off.", []string{"Decision", "By", "At", "SHA-256 of the report", "Findings"}, v.SignOffs)
	_, err := io.WriteString(w, b.String())
	return err
}

var reportHTML = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #101828; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d0d5dd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
@media print { body { margin: 0; } }
</style></head><body>
<h1>{{.Title}}</h1>
<p>Period: {{.Period}}. Generated {{.Generated}}.</p>
<h2>Figures</h2>
<table>{{range .Figures}}<tr><th scope="row">{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}</table>
{{if .WithRuns}}<h2>Runs</h2>
{{if .Runs}}<table><tr><th>Run</th><th>Status</th><th>Started</th><th>Reproducible</th><th>Missing</th><th>Reproduction</th></tr>
{{range .Runs}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>{{else}}<p>No run started in the period.</p>{{end}}{{end}}
<h2>Promotion requests</h2>
{{if .Requests}}<table><tr><th>Request</th><th>Status</th><th>By</th><th>At</th><th>Checks</th><th>Decisions</th></tr>
{{range .Requests}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>{{else}}<p>No promotion request was made in the period.</p>{{end}}
<h2>In production</h2>
{{if .Production}}<table><tr><th>Model version</th><th>ID</th><th>Registered</th></tr>
{{range .Production}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>{{else}}<p>No model version is in production.</p>{{end}}
<h2>Sign-offs of earlier reports</h2>
{{if .SignOffs}}<table><tr><th>Decision</th><th>By</th><th>At</th><th>SHA-256 of the report</th><th>Findings</th></tr>
{{range .SignOffs}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>{{else}}<p>No report of this project was signed off.</p>{{end}}
</body></html>
`))
