package evidence

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/exphub/exphub/internal/hashchain"
)

// RenderMarkdown writes a report of p for a compliance reviewer as
// Markdown (GitHub flavoured: tables). It opens with the outcome of
// verification — problems is what Verify(p) returned — and then shows the
// request, policy, checks, approvals, model version and training run,
// lineage, validations, bias checks, reproducibility, run artifacts and the
// audit trail.
// Text from the pack is escaped: it cannot break a table or add markup.
func RenderMarkdown(w io.Writer, p *Pack, problems []Problem) error {
	v := view(p, problems)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n> **%s**\n", mdText(v.Title), mdText(v.Subtitle), mdText(v.Banner))
	if len(v.Problems) > 0 {
		b.WriteString(">\n")
		for _, pr := range v.Problems {
			fmt.Fprintf(&b, "> - **%s**: %s\n", mdText(pr.Where), mdText(pr.Message))
		}
	}
	for _, s := range v.Sections {
		fmt.Fprintf(&b, "\n## %s\n", mdText(s.Title))
		for _, bl := range s.Blocks {
			if bl.Heading != "" {
				fmt.Fprintf(&b, "\n### %s\n", mdText(bl.Heading))
			}
			if len(bl.Facts) > 0 {
				b.WriteString("\n")
				for _, f := range bl.Facts {
					fmt.Fprintf(&b, "- **%s:** %s\n", mdText(f.Label), mdText(f.Value))
				}
			}
			if t := bl.Table; t != nil {
				b.WriteString("\n")
				mdRow(&b, t.Header)
				b.WriteString("|" + strings.Repeat(" --- |", len(t.Header)) + "\n")
				for _, row := range t.Rows {
					mdRow(&b, row)
				}
			}
			if bl.Note != "" {
				fmt.Fprintf(&b, "\n%s\n", mdText(bl.Note))
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// mdRow writes one table row.
func mdRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + mdText(c) + " |")
	}
	b.WriteString("\n")
}

// mdEscaper backslash-escapes the characters that would make text from the
// pack into Markdown structure or raw HTML (a pipe ends a table cell, < opens
// a tag, * and ` start emphasis and code, [ ] a link), and turns line breaks
// into <br>, so a value stays in its table cell or list item.
var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "`", "\\`", "*", "\\*", "[", "\\[", "]", "\\]", "<", "\\<", ">", "\\>", "|", "\\|", "&", "\\&",
	"\r\n", "<br>", "\n", "<br>", "\r", "<br>",
)

// mdText escapes text for a Markdown paragraph, list item or table cell.
func mdText(s string) string { return mdEscaper.Replace(s) }

// RenderHTML writes the report RenderMarkdown writes as one self-contained
// HTML page (inline CSS, no scripts, nothing fetched). Text from the pack is
// escaped by html/template.
func RenderHTML(w io.Writer, p *Pack, problems []Problem) error {
	// Render into a buffer first, so a template error leaves w untouched.
	var b bytes.Buffer
	if err := htmlReport.Execute(&b, view(p, problems)); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	if _, err := b.WriteTo(w); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

var htmlReport = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:75rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem;margin-top:2rem}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
.note{color:#59636e}
.banner{padding:.75rem 1rem;border-radius:6px;margin:1rem 0;font-weight:600}
.ok{background:#dafbe1;border:1px solid #4ac26b}
.bad{background:#ffebe9;border:1px solid #ff8182}
.banner ul{font-weight:400;margin:.5rem 0 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dt{font-weight:600}
dd{margin:0}
table{border-collapse:collapse;margin:.5rem 0;width:100%}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
dd,td{white-space:pre-wrap;overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
@media print{body{margin:0;max-width:none}.banner{border-width:2px}}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="note">{{.Subtitle}}</p>
<div class="banner {{if .Consistent}}ok{{else}}bad{{end}}">{{.Banner}}
{{- with .Problems}}
<ul>
{{- range .}}
<li><code>{{.Where}}</code>: {{.Message}}</li>
{{- end}}
</ul>
{{- end}}
</div>
{{- range .Sections}}
<section>
<h2>{{.Title}}</h2>
{{- range .Blocks}}
{{- with .Heading}}
<h3>{{.}}</h3>
{{- end}}
{{- with .Facts}}
<dl>
{{- range .}}
<dt>{{.Label}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- end}}
{{- with .Table}}
<table>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- with .Note}}
<p class="note">{{.}}</p>
{{- end}}
{{- end}}
</section>
{{- end}}
</body>
</html>
`))

// reportView is a pack laid out for reading: the facts in report order,
// formatted, and nothing left to decide. RenderMarkdown and RenderHTML
// both draw it, so they show the same report.
type reportView struct {
	Title    string
	Subtitle string
	// Consistent is true when Verify found no problem; Banner says so, or
	// how many problems there are, which Problems lists.
	Consistent bool
	Banner     string
	Problems   []Problem
	Sections   []section
}

// section is one titled part of the report.
type section struct {
	Title  string
	Blocks []block
}

// block is an optional heading followed by facts, a table and a note, each
// optional.
type block struct {
	Heading string
	Facts   []fact
	Table   *table
	Note    string
}

// fact is a labelled value.
type fact struct{ Label, Value string }

// table is a header and rows of cells.
type table struct {
	Header []string
	Rows   [][]string
}

// view lays out p and the problems Verify found in it.
func view(p *Pack, problems []Problem) reportView {
	r := &p.Request
	v := reportView{
		Title:      fmt.Sprintf("Evidence: %s v%d → %s", orDash(p.ModelVersion.Model), p.ModelVersion.Version, orDash(r.TargetStage)),
		Subtitle:   fmt.Sprintf("Promotion request %s, project %s. Pack generated %s by %s.", orDash(r.ID), orDash(r.ProjectKey), formatTime(p.GeneratedAt), orDash(p.GeneratedBy)),
		Consistent: len(problems) == 0,
		Problems:   problems,
	}
	first, last := p.Audit.ChainSpan()
	if v.Consistent {
		v.Banner = fmt.Sprintf("✔ Verified offline: the pack is consistent (%d audit events, chain seq %d..%d, head %d).", len(p.Audit.Events), first, last, p.Audit.Head.Seq)
	} else {
		v.Banner = fmt.Sprintf("✘ Verification found %d problem%s: do not rely on this pack.", len(problems), plural(len(problems)))
	}
	v.Sections = []section{
		summarySection(p),
		policySection(&p.Policy),
		{Title: "Checks", Blocks: []block{checksBlock(r.Checks)}},
		{Title: "Approvals", Blocks: []block{approvalsBlock(r.Approvals)}},
		modelSection(p),
		lineageSection(&p.Lineage),
		{Title: "Validations", Blocks: []block{validationsBlock(p)}},
		{Title: "Bias checks", Blocks: biasBlocks(p.BiasChecks)},
		{Title: "Reproducibility", Blocks: reproductionBlocks(p.Reproduction)},
		{Title: "Run artifacts", Blocks: []block{runArtifactsBlock(p)}},
		{Title: "Compliance sign-offs", Blocks: []block{signOffsBlock(p.SignOffs)}},
		auditSection(&p.Audit),
	}
	return v
}

func summarySection(p *Pack) section {
	r := &p.Request
	closed := "—"
	if r.ClosedAt != nil {
		closed = formatTime(*r.ClosedAt)
	}
	return section{Title: "Summary", Blocks: []block{{Facts: []fact{
		{"Status", r.Status},
		{"Stage", orDash(r.FromStage) + " → " + orDash(r.TargetStage)},
		{"Requested by", r.RequestedBy},
		{"Requested at", formatTime(r.RequestedAt)},
		{"Trained by", orDash(r.TrainedBy)},
		{"Policy version", strconv.FormatInt(r.PolicyVersion, 10)},
		{"Approvals", fmt.Sprintf("%d/%d", len(r.ApprovedBy()), p.Policy.RequiredApprovals)},
		{"Checks evaluated at", formatTime(r.CheckedAt)},
		{"Closed at", closed},
		{"Replaced in production", orDash(strings.Join(replaced(p), ", "))},
		{"Justification", r.Justification},
	}}}}
}

// replaced are the model versions the request took out of production, as
// its PROMOTION_COMPLETED event (hash-chained, in the pack) records them:
// what a rollback or an upgrade replaced.
func replaced(p *Pack) []string {
	var out []string
	for _, e := range p.Audit.Events {
		if e.Kind != kindPromotionCompleted || e.TargetID != p.Request.ID {
			continue
		}
		ids, _ := e.Payload["archived"].([]any)
		for _, id := range ids {
			if s, ok := id.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func modelSection(p *Pack) section {
	mv := &p.ModelVersion
	s := section{Title: "Model version and training run", Blocks: []block{{Heading: "Model version", Facts: []fact{
		{"ID", mv.ID},
		{"Model", fmt.Sprintf("%s v%d", mv.Model, mv.Version)},
		{"URI", orDash(mv.URI)},
		{"Stage", mv.Stage},
		{"Registered", formatTime(mv.CreatedAt) + " by " + orDash(mv.CreatedBy)},
	}}}}
	run := p.TrainingRun
	if run == nil {
		s.Blocks = append(s.Blocks, block{Heading: "Training run", Note: "The pack names no training run."})
		return s
	}
	ended, seed := "—", "not recorded"
	if run.EndedAt != nil {
		ended = formatTime(*run.EndedAt)
	}
	if run.Seed != nil {
		seed = strconv.FormatInt(*run.Seed, 10)
	}
	code := make([]string, 0, len(run.Code))
	for _, k := range slices.Sorted(maps.Keys(run.Code)) {
		code = append(code, k+"="+formatAny(run.Code[k]))
	}
	env := make([]string, 0, len(run.Environment))
	for _, k := range slices.Sorted(maps.Keys(run.Environment)) {
		env = append(env, k+"="+run.Environment[k])
	}
	s.Blocks = append(s.Blocks,
		block{Heading: "Training run", Facts: []fact{
			{"ID", run.ID},
			{"Name", orDash(run.Name)},
			{"Experiment", orDash(run.ExperimentID)},
			{"Status", run.Status},
			{"Started", formatTime(run.StartedAt) + " by " + orDash(run.CreatedBy)},
			{"Ended", ended},
			{"Code", listOrNone(code)},
			{"Environment", listOrNone(env)},
			{"Seed", seed},
			{"Inputs", listOrNone(run.Inputs)},
		}},
		mapBlock("Parameters", "No parameters recorded.", run.Params, func(s string) string { return s }),
		mapBlock("Final metrics", "No metrics recorded.", run.Metrics, formatFloat),
	)
	return s
}

func lineageSection(l *Lineage) section {
	nodes := slices.Clone(l.Nodes)
	slices.SortStableFunc(nodes, func(a, b LineageNode) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	rows := make([][]string, len(nodes))
	hidden := 0
	for i, n := range nodes {
		distance := strconv.Itoa(n.Distance)
		if n.ThroughHidden {
			distance, hidden = "through hidden projects", hidden+1
		}
		rows[i] = []string{distance, n.Kind, orDash(n.Name), n.ID, short(n.Digest), orDash(n.QualityStatus)}
	}
	b := tableBlock("", "The pack has no lineage.", []string{"Distance", "Kind", "Name", "ID", "Digest", "Quality"}, rows)
	b.Note = fmt.Sprintf("%d node%s, %d edge%s.", len(l.Nodes), plural(len(l.Nodes)), len(l.Edges), plural(len(l.Edges)))
	if l.Truncated {
		b.Note += " The walk was truncated: the lineage does not reach the raw data."
	}
	if hidden > 0 {
		b.Note += fmt.Sprintf(" %d dataset version%s the checks cite lie upstream only through projects this pack's reader may not read: listed without edges.", hidden, plural(hidden))
	}
	return section{Title: "Lineage (nearest first)", Blocks: []block{b}}
}

func validationsBlock(p *Pack) block {
	rows := make([][]string, len(p.Validations))
	for i, val := range p.Validations {
		suite := val.SuiteName
		if val.SuiteVersion != nil {
			suite += fmt.Sprintf(" v%d", *val.SuiteVersion)
		}
		finished := "—"
		if val.FinishedAt != nil {
			finished = formatTime(*val.FinishedAt)
		}
		rows[i] = []string{val.ID, datasetName(p, val.DatasetVersionID), suite, val.Status, strconv.Itoa(val.Failed), orDash(val.Engine), short(val.SHA256), finished}
	}
	return tableBlock("", "No validations.", []string{"ID", "Dataset version", "Suite", "Status", "Failed rules", "Engine", "SHA-256", "Finished"}, rows)
}

// datasetName is a dataset version's name and ID when the lineage has it,
// else its ID.
func datasetName(p *Pack, id string) string {
	for _, n := range p.Lineage.Nodes {
		if n.ID == id && n.Name != "" {
			return n.Name + " (" + id + ")"
		}
	}
	return id
}

// runArtifactsBlock lists the files of the covered runs with their full
// digests, which a reviewer can compare with the files they hold.
func runArtifactsBlock(p *Pack) block {
	if !hasArtifacts(p.Format) {
		return block{Note: "This pack's format (" + p.Format + ") predates run artifacts: it lists none."}
	}
	rows := make([][]string, len(p.RunArtifacts))
	for i, a := range p.RunArtifacts {
		rows[i] = []string{a.RunID, a.Path, strconv.FormatInt(a.Size, 10), a.SHA256}
	}
	return tableBlock("", "The covered runs have no artifacts.", []string{"Run", "Path", "Bytes", "SHA-256"}, rows)
}

func auditSection(a *Audit) section {
	rows := make([][]string, 0, len(a.Earlier)+len(a.Events))
	for _, e := range a.Earlier {
		rows = append(rows, []string{strconv.FormatInt(e.Seq, 10) + " (before the chain)", formatTime(e.At), e.Actor, e.Kind, e.TargetID, short(e.Hash)})
	}
	for _, e := range a.Events {
		rows = append(rows, []string{strconv.FormatInt(e.Seq, 10), formatTime(e.At), e.Actor, e.Kind, e.TargetID, short(e.Hash)})
	}
	trail := tableBlock("", "The pack has no audit events.", []string{"Seq", "Time", "Actor", "Kind", "Target", "Hash"}, rows)
	link := func(l Link) string {
		return fmt.Sprintf("seq %d, prevHash %s, hash %s", l.Seq, orDash(l.PrevHash), orDash(l.Hash))
	}
	chain := block{Heading: "Hash chain", Note: "Compare the head with verifyAuditLog's headHash on the live hub."}
	if len(a.Chain) > 0 {
		chain.Facts = []fact{
			{"Links", strconv.Itoa(len(a.Chain))},
			{"First link", link(a.Chain[0])},
			{"Last link", link(a.Chain[len(a.Chain)-1])},
		}
	}
	chain.Facts = append(chain.Facts, fact{"Head", link(a.Head)})
	return section{Title: "Audit trail", Blocks: []block{trail, chain, checkpointBlock(a.Anchor)}}
}

// checkpointBlock shows the signed checkpoints the chain is anchored to;
// whether their signatures verify is among the problems when the report
// was made with the operator's public key (hubctl evidence render
// --public-key).
func checkpointBlock(an *Anchor) block {
	b := block{Heading: "Signed checkpoint"}
	if an == nil {
		b.Note = "No checkpoint: the hub signed none after the pack's last event (or signs none). The events are checked against each other and their hashes, not against a signed log head."
		return b
	}
	b.Note = "The accumulator of the links from the checkpoint before the chain to the one after it must match the signed one; check the signature with the operator's public key (hubctl evidence verify --public-key FILE)."
	cp := func(c *hashchain.Checkpoint) string {
		return fmt.Sprintf("seq %d, hash %s, signed %s", c.Seq, short(c.Hash), c.At)
	}
	from := "the log's first event (no checkpoint before the chain)"
	if an.From != nil {
		from = cp(an.From)
	}
	b.Facts = []fact{{"From", from}, {"To", cp(&an.To)}, {"Key ID", an.To.KeyID},
		{"Links outside the chain", fmt.Sprintf("%d before, %d after", len(an.Before), len(an.After))}}
	return b
}
