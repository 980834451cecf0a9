package mlflowimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Tags the import writes on what it copies. SourceRunTag names the source
// run of a hub run, so a later import finds it; CompleteTag says every
// param, metric point, tag and input of the run was copied.
const (
	SourceRunTag        = "exphub.import.sourceRunId"
	SourceVersionTag    = "exphub.import.sourceVersion"
	SourceExperimentTag = "exphub.import.source"
	CompleteTag         = "exphub.import.complete"
	parentTag           = "mlflow.parentRunId"
)

// Options say what to copy and where.
type Options struct {
	From, To *Client
	// Experiments are the source experiments to copy, by name; empty: all
	// active ones.
	Experiments []string
	// Project, when set, places experiments whose name has no project in
	// the hub project of that key ("project/name"); otherwise such names
	// land in the hub's default MLflow project.
	Project string
	// BatchSize is the most metric points per log-batch (the hub takes at
	// most 1,000); 0 is 1,000.
	BatchSize int
	// Progress receives a line per run copied; nil: none.
	Progress io.Writer
	// OnBatch, when set, is called after each batch written to the hub.
	OnBatch func()
	// NoModels leaves registered models out.
	NoModels bool
}

// Summary is what an import did.
type Summary struct {
	Experiments struct{ Created, Existing int }
	Runs        struct {
		// Copied runs were created in the hub; Resumed ones existed (an
		// import stopped in them, or they were still running when copied)
		// and got what they lacked; Updated ones only got their end;
		// Unchanged ones were complete already.
		Copied, Resumed, Updated, Unchanged int
	}
	MetricPoints, Params, Tags, Inputs int
	Models                             struct{ Created, Existing int }
	// Versions copied now, and found copied before.
	Versions struct{ Copied, Unchanged int }
	// Aliases set now, and found set before.
	Aliases struct{ Set, Unchanged int }
	// Skipped lists what was not copied, and why.
	Skipped []string
}

// Import copies what opts says. It stops at the first error (a later import
// resumes from there) and returns what it did so far.
func Import(ctx context.Context, opts Options) (*Summary, error) {
	if opts.BatchSize <= 0 || opts.BatchSize > 1000 {
		opts.BatchSize = 1000
	}
	im := &importer{Options: opts, sum: &Summary{}, runs: map[string]string{}}
	exps, err := im.sources(ctx)
	if err != nil {
		return im.sum, err
	}
	for n, e := range exps {
		if err := im.experiment(ctx, e, n+1, len(exps)); err != nil {
			return im.sum, fmt.Errorf("experiment %s: %w", show(e.Name), err)
		}
	}
	if !im.NoModels {
		if err := im.models(ctx); err != nil {
			return im.sum, err
		}
	}
	return im.sum, nil
}

type importer struct {
	Options
	sum *Summary
	// runs maps a copied source run's id to its hub run's.
	runs map[string]string
}

func (im *importer) progress(format string, args ...any) {
	if im.Progress != nil {
		fmt.Fprintf(im.Progress, format+"\n", args...)
	}
}

func (im *importer) sources(ctx context.Context) ([]Experiment, error) {
	if len(im.Experiments) == 0 {
		return im.From.Experiments(ctx)
	}
	var out []Experiment
	for _, name := range im.Experiments {
		e, err := im.From.ExperimentByName(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("the source has no experiment %q: %w", name, err)
		}
		out = append(out, *e)
	}
	return out, nil
}

// destName is the hub name of a source experiment or model, and false
// when it has none: with a project given, every name lands in it, and a
// source name that names a project of its own ("team/x") is not copied
// (a source server does not choose the hub projects an import writes).
func (im *importer) destName(name string) (string, bool) {
	if im.Project == "" {
		return name, true
	}
	if strings.Contains(name, "/") {
		return "", false
	}
	return im.Project + "/" + name, true
}

func (im *importer) experiment(ctx context.Context, src Experiment, n, of int) error {
	name, ok := im.destName(src.Name)
	if !ok {
		im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("experiment %s: its name names a project, and --project %s was given", show(src.Name), im.Project))
		return nil
	}
	dest, err := im.To.ExperimentByName(ctx, name)
	var destID string
	switch {
	case err == nil:
		destID = dest.ID
		im.sum.Experiments.Existing++
	case NotFound(err):
		var tags []KV
		for _, t := range src.Tags {
			if !strings.HasPrefix(t.Key, "mlflow.") {
				tags = append(tags, t)
			}
		}
		tags = append(tags, KV{SourceExperimentTag, strings.TrimRight(im.From.Base, "/") + "#/experiments/" + src.ID})
		if destID, err = im.To.CreateExperiment(ctx, name, tags); err != nil {
			return fmt.Errorf("creating %s in the hub: %w", show(name), err)
		}
		im.sum.Experiments.Created++
	default:
		return fmt.Errorf("looking up %s in the hub: %w", show(name), err)
	}
	srcRuns, err := im.From.Runs(ctx, src.ID)
	if err != nil {
		return err
	}
	destRuns, err := im.To.Runs(ctx, destID)
	if err != nil {
		return err
	}
	copied := map[string]*Run{} // source run id → its hub run
	for i := range destRuns {
		if id, ok := destRuns[i].Tag(SourceRunTag); ok {
			if _, dup := copied[id]; !dup {
				copied[id] = &destRuns[i]
			}
		}
	}
	bySource := map[string]*Run{}
	for i := range srcRuns {
		bySource[srcRuns[i].Info.RunID] = &srcRuns[i]
	}
	im.progress("experiment %s → %s (%d of %d): %d runs, %d copied before", show(src.Name), show(name), n, of, len(srcRuns), len(copied))
	done := map[string]bool{}
	var visit func(r *Run, depth int) error
	visit = func(r *Run, depth int) error {
		if done[r.Info.RunID] {
			return nil
		}
		done[r.Info.RunID] = true
		// A parent first, so the child can name its hub id.
		if p, ok := r.Tag(parentTag); ok && depth < 100 {
			if parent := bySource[p]; parent != nil {
				if err := visit(parent, depth+1); err != nil {
					return err
				}
			}
		}
		return im.run(ctx, destID, r, copied)
	}
	for i := range srcRuns {
		if err := visit(&srcRuns[i], 0); err != nil {
			return fmt.Errorf("run %s: %w", show(srcRuns[i].Info.RunID), err)
		}
	}
	for src, dest := range copied {
		im.runs[src] = dest.Info.RunID
	}
	return nil
}

func terminal(status string) bool {
	return status == "FINISHED" || status == "FAILED" || status == "KILLED"
}

// run copies one source run (listed by runs/search, which carries its
// params, tags and latest metrics) into the hub experiment destID.
func (im *importer) run(ctx context.Context, destID string, src *Run, copied map[string]*Run) error {
	dest := copied[src.Info.RunID]
	if dest != nil {
		if _, complete := dest.Tag(CompleteTag); complete {
			if dest.Info.Status == src.Info.Status {
				im.sum.Runs.Unchanged++
				return nil
			}
			// An import stopped between marking it complete and ending it.
			if err := im.To.UpdateRun(ctx, dest.Info.RunID, src.Info.Status, int64(src.Info.EndTime)); err != nil {
				return err
			}
			im.sum.Runs.Updated++
			im.progress("  %s (%s): now %s", show(src.Info.RunName), show(src.Info.RunID), show(src.Info.Status))
			return nil
		}
	}
	resumed := dest != nil
	var tags []KV
	for _, t := range src.Data.Tags {
		switch {
		case t.Key == parentTag:
			if p := copied[t.Value]; p != nil {
				tags = append(tags, KV{parentTag, p.Info.RunID})
			} else {
				im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("run %s: its parent %s is not among the copied runs; the parent link is left out", show(src.Info.RunID), show(t.Value)))
			}
		case strings.HasPrefix(t.Key, "exphub.import."):
		default:
			tags = append(tags, t)
		}
	}
	if dest == nil {
		info, err := im.To.CreateRun(ctx, destID, src.Info.RunName, int64(src.Info.StartTime), []KV{{SourceRunTag, src.Info.RunID}})
		if err != nil {
			return err
		}
		dest = &Run{Info: *info}
		dest.Data.Tags = []KV{{SourceRunTag, src.Info.RunID}}
		copied[src.Info.RunID] = dest
	}
	// Params and tags: idempotent, in batches of at most 100 together.
	kvs := append(slices.Clone(src.Data.Params), tags...)
	for start := 0; start < len(kvs); start += 100 {
		end := min(start+100, len(kvs))
		np := max(0, min(end, len(src.Data.Params))-start)
		if err := im.To.LogBatch(ctx, dest.Info.RunID, nil, kvs[start:start+np], kvs[start+np:end]); err != nil {
			return err
		}
		im.batch()
	}
	im.sum.Params += len(src.Data.Params)
	im.sum.Tags += len(tags)
	if err := im.metrics(ctx, src, dest, resumed); err != nil {
		return err
	}
	if len(src.Inputs.DatasetInputs) == 0 {
		// runs/search leaves inputs out on some servers: read the run.
		full, err := im.From.GetRun(ctx, src.Info.RunID)
		if err != nil {
			return err
		}
		src.Inputs = full.Inputs
	}
	if len(src.Inputs.DatasetInputs) > 0 {
		if err := im.To.LogInputs(ctx, dest.Info.RunID, src.Inputs.DatasetInputs); err != nil {
			return err
		}
		im.sum.Inputs += len(src.Inputs.DatasetInputs)
	}
	// A run that has ended is marked complete, then ended: metrics are
	// refused once a run ended, and a complete run is never written again
	// but for its status. One still running stays open and unmarked: the
	// next import copies what it logged since.
	if terminal(src.Info.Status) {
		if err := im.To.LogBatch(ctx, dest.Info.RunID, nil, nil, []KV{{CompleteTag, "true"}}); err != nil {
			return err
		}
		if err := im.To.UpdateRun(ctx, dest.Info.RunID, src.Info.Status, int64(src.Info.EndTime)); err != nil {
			return err
		}
	}
	if resumed {
		im.sum.Runs.Resumed++
	} else {
		im.sum.Runs.Copied++
	}
	im.progress("  %s (%s → %s): %s, %d params, %d metrics", show(src.Info.RunName), show(src.Info.RunID), dest.Info.RunID, show(src.Info.Status),
		len(src.Data.Params), len(src.Data.Metrics))
	return nil
}

func (im *importer) batch() {
	if im.OnBatch != nil {
		im.OnBatch()
	}
}

// point identifies a metric point for the comparison of histories.
type point struct {
	step, ts int64
	value    float64
}

// metrics copies the full history of each of the run's metrics. A resumed
// run may hold part of it: only the points it lacks are sent, as many
// times as the source has them.
func (im *importer) metrics(ctx context.Context, src, dest *Run, resumed bool) error {
	for _, m := range src.Data.Metrics {
		hist, err := im.From.History(ctx, src.Info.RunID, m.Key)
		if err != nil {
			return err
		}
		have := map[point]int{}
		if resumed {
			got, err := im.To.History(ctx, dest.Info.RunID, m.Key)
			if err != nil && !NotFound(err) {
				return err
			}
			for _, p := range got {
				have[point{int64(p.Step), int64(p.Timestamp), float64(p.Value)}]++
			}
		}
		var send []Metric
		nonFinite := 0
		for _, p := range hist {
			v := float64(p.Value)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				nonFinite++
				continue
			}
			k := point{int64(p.Step), int64(p.Timestamp), v}
			if have[k] > 0 {
				have[k]--
				continue
			}
			p.Key = m.Key
			send = append(send, p)
		}
		if nonFinite > 0 {
			im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("run %s, metric %s: %d points that are NaN or infinite (the hub keeps finite values only)",
				show(src.Info.RunID), show(m.Key), nonFinite))
		}
		for start := 0; start < len(send); start += im.BatchSize {
			chunk := send[start:min(start+im.BatchSize, len(send))]
			if err := im.To.LogBatch(ctx, dest.Info.RunID, chunk, nil, nil); err != nil {
				return err
			}
			im.sum.MetricPoints += len(chunk)
			im.batch()
		}
	}
	return nil
}

// models copies every registered model, its versions (each linked to the
// hub copy of its run, when that run was copied) and its aliases. An
// alias the hub governs (production, or one the project's policy names)
// is not set: the hub opens a promotion request instead, which the
// summary names.
func (im *importer) models(ctx context.Context) error {
	models, err := im.From.RegisteredModels(ctx)
	if err != nil {
		return err
	}
	for _, m := range models {
		if err := im.model(ctx, m); err != nil {
			return fmt.Errorf("registered model %s: %w", show(m.Name), err)
		}
	}
	return nil
}

func (im *importer) model(ctx context.Context, m RegisteredModel) error {
	name, ok := im.destName(m.Name)
	if !ok {
		im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("model %s: its name names a project, and --project %s was given", show(m.Name), im.Project))
		return nil
	}
	if strings.ContainsAny(m.Name, `'"\`) {
		im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("model %s: a name with a quote or backslash is not copied (a filter cannot name it)", show(m.Name)))
		return nil
	}
	if _, err := im.To.RegisteredModel(ctx, name); NotFound(err) {
		if err := im.To.CreateRegisteredModel(ctx, name, m.Description, m.Tags); err != nil {
			return err
		}
		im.sum.Models.Created++
	} else if err != nil {
		return err
	} else {
		im.sum.Models.Existing++
	}
	src, err := im.From.ModelVersions(ctx, m.Name)
	if err != nil {
		return err
	}
	dest, err := im.To.ModelVersions(ctx, name)
	if err != nil {
		return err
	}
	copied := map[string]string{} // source version → hub version
	for _, v := range dest {
		if sv, ok := v.Tag(SourceVersionTag); ok {
			copied[sv] = v.Version
		}
	}
	slices.SortFunc(src, func(a, b ModelVersion) int { return cmpVersion(a.Version, b.Version) })
	for _, v := range src {
		if _, ok := copied[v.Version]; ok {
			im.sum.Versions.Unchanged++
			continue
		}
		runID := ""
		if v.RunID != "" {
			if runID = im.runs[v.RunID]; runID == "" {
				im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("model %s version %s: its run %s was not copied; the version is copied without it",
					show(m.Name), show(v.Version), show(v.RunID)))
			}
		}
		// A source naming a source run (runs:/<id>/path) names its hub copy.
		source := v.Source
		if rest, ok := strings.CutPrefix(source, "runs:/"); ok {
			id, path, _ := strings.Cut(rest, "/")
			hub := im.runs[id]
			if hub == "" {
				im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("model %s version %s: its source names run %s, which was not copied",
					show(m.Name), show(v.Version), show(id)))
				continue
			}
			source = "runs:/" + hub + "/" + path
		}
		tags := append(slices.Clone(v.Tags), KV{SourceVersionTag, v.Version})
		got, err := im.To.CreateModelVersion(ctx, name, source, runID, v.Description, tags)
		if NotFound(err) {
			// The hub checks that a source naming a run, a logged model or
			// their files names one of the model's project; those of the
			// source server are not in the hub.
			im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("model %s version %s: the hub refused its source %s: %s",
				show(m.Name), show(v.Version), show(v.Source), clip(err.Error())))
			continue
		}
		if err != nil {
			return err
		}
		copied[v.Version] = got.Version
		im.sum.Versions.Copied++
		im.progress("  model %s version %s → %s version %s", show(m.Name), show(v.Version), show(name), got.Version)
	}
	if len(m.Aliases) == 0 {
		return nil
	}
	now, err := im.To.RegisteredModel(ctx, name)
	if err != nil {
		return err
	}
	for _, a := range m.Aliases {
		want, ok := copied[a.Version]
		if !ok {
			im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("model %s alias %s: its version %s was not copied", show(m.Name), show(a.Alias), show(a.Version)))
			continue
		}
		if slices.ContainsFunc(now.Aliases, func(x Alias) bool { return strings.EqualFold(x.Alias, a.Alias) && x.Version == want }) {
			im.sum.Aliases.Unchanged++
			continue
		}
		err := im.To.SetAlias(ctx, name, a.Alias, want)
		var e *APIError
		switch {
		case err == nil:
			im.sum.Aliases.Set++
		case errors.As(err, &e) && e.Code == "PERMISSION_DENIED":
			// A governed alias: the hub answered with the promotion
			// request it opened (or the one already open).
			im.sum.Skipped = append(im.sum.Skipped, fmt.Sprintf("model %s alias %s → version %s: %s", show(name), show(a.Alias), want, e.Message))
		default:
			return err
		}
	}
	return nil
}

// cmpVersion orders version numbers as numbers.
func cmpVersion(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// Print writes a summary for people.
func (s *Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "experiments: %d created, %d already in the hub\n", s.Experiments.Created, s.Experiments.Existing)
	fmt.Fprintf(w, "runs: %d copied, %d resumed, %d updated, %d unchanged\n", s.Runs.Copied, s.Runs.Resumed, s.Runs.Updated, s.Runs.Unchanged)
	fmt.Fprintf(w, "copied: %d metric points, %d params, %d tags, %d dataset inputs\n", s.MetricPoints, s.Params, s.Tags, s.Inputs)
	fmt.Fprintf(w, "registered models: %d created, %d already in the hub; versions: %d copied, %d unchanged; aliases: %d set, %d unchanged\n",
		s.Models.Created, s.Models.Existing, s.Versions.Copied, s.Versions.Unchanged, s.Aliases.Set, s.Aliases.Unchanged)
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, "skipped (%d):\n", len(s.Skipped))
		for _, x := range s.Skipped {
			fmt.Fprintf(w, "  %s\n", x)
		}
	}
}

// show is a name a source server chose, as the import prints it: quoted,
// at most 200 bytes, control characters escaped.
func show(s string) string { return strconv.Quote(clip(s)) }
