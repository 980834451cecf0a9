package openlineage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// rawFacets keeps every facet as its JSON text: known and unknown alike,
// so nothing a producer sends is dropped unseen. A deletion becomes "" (the
// store removes the facet); a facet over MaxFacetBytes is kept as a marker
// saying how large it was.
func (e *Event) rawFacets(f map[string]any, k *keeper) (store.Facets, error) {
	if len(f) == 0 {
		return nil, nil
	}
	out := make(store.Facets, len(f))
	for name, v := range f {
		if deleted(v) {
			out[k.keep(name)] = ""
			continue
		}
		text := e.facetText(v)
		if len(text) > MaxFacetBytes {
			text = fmt.Sprintf(`{"_exphubTruncated":true,"bytes":%d}`, len(text))
		}
		out[k.keep(name)] = text
	}
	return out, nil
}

// facetText is a facet's JSON text (as json.Marshal writes it): cut out
// of the event's canonical text when Parse noted where it is.
func (e *Event) facetText(v any) string {
	if m, ok := v.(map[string]any); ok {
		if sp, ok := e.spans[mapID(m)]; ok {
			return e.canonical[sp.start:sp.end]
		}
	}
	return canonicalJSON(v)
}

// The strings of a decoded event share one copy of its text (decodeFast),
// so the strings a mapped event keeps are copied out of it, lest a queued
// event hold all of it: into one buffer per event (keeper), which costs
// one allocation or a few instead of one per string.
type keeper struct{ b strings.Builder }

// keep returns a copy of s. The copies share k's buffer: a Builder never
// changes what it wrote, and when it grows the copies made keep the old
// buffer.
func (k *keeper) keep(s string) string {
	if s == "" {
		return ""
	}
	start := k.b.Len()
	k.b.WriteString(s)
	return k.b.String()[start:]
}

// Mapped is an event as the store writes it, for a project and caller.
func (e *Event) Mapped(project, actor string) (store.LineageEvent, error) {
	out := store.LineageEvent{Hash: e.Hash, ProjectKey: project, Actor: actor, Time: e.Time}
	k := &keeper{}
	k.b.Grow(4 << 10)
	if e.Kind == RunEvent {
		out.Type = k.keep(e.Type)
		if i := slices.Index(EventTypes, e.Type); i >= 0 {
			out.Type = EventTypes[i] // the constant, not a copy
		}
	}
	suite := "openlineage"
	if e.Job != nil {
		j := &store.LineageJob{Namespace: k.keep(e.Job.Namespace), Name: k.keep(e.Job.Name)}
		var err error
		if j.Facets, err = e.rawFacets(e.Job.Facets, k); err != nil {
			return out, err
		}
		if doc, ok := e.Job.Facets["documentation"].(map[string]any); ok && !deleted(doc) {
			d, _ := doc["description"].(string)
			d = k.keep(d)
			j.Description = &d
		}
		if sc, ok := e.Job.Facets["sourceCodeLocation"].(map[string]any); ok && !deleted(sc) {
			j.Code = codeRef(sc, k)
		}
		out.Job = j
		suite = j.Name
		if len(suite) > store.MaxNameLen {
			suite = suite[:store.MaxNameLen]
		}
	}
	if e.Kind == RunEvent {
		r := &store.LineageRun{ExternalID: k.keep(e.RunID)}
		var err error
		if r.Facets, err = e.rawFacets(e.RunFacet, k); err != nil {
			return out, err
		}
		if em, ok := e.RunFacet["errorMessage"].(map[string]any); ok {
			msg, _ := em["message"].(string)
			msg = k.keep(msg)
			r.ErrorMessage = &msg
		}
		if pe, ok := e.RunFacet["processing_engine"].(map[string]any); ok {
			name, _ := pe["name"].(string)
			version, _ := pe["version"].(string)
			platform := k.keep(strings.TrimSpace(name + " " + version))
			r.Platform = &platform
		}
		if nt, ok := e.RunFacet["nominalTime"].(map[string]any); ok {
			if t, err := dateTime(nt, "", "nominalStartTime", true); err == nil {
				r.NominalStart = &t
			}
		}
		if parent, ok := e.RunFacet["parent"].(map[string]any); ok {
			pr, _ := parent["run"].(map[string]any)
			pj, _ := parent["job"].(map[string]any)
			id, _ := pr["runId"].(string)
			ns, _ := pj["namespace"].(string)
			name, _ := pj["name"].(string)
			r.ParentExternalID = k.keep(strings.ToLower(id))
			if out.Job != nil && (ns != out.Job.Namespace || name != out.Job.Name) {
				out.Job.Parent = &store.LineageJobRef{Namespace: k.keep(ns), Name: k.keep(name)}
			}
		}
		if sc, ok := e.Job.Facets["sourceCodeLocation"].(map[string]any); ok && !deleted(sc) {
			r.Code = codeRef(sc, k)
		}
		out.Run = r
	}
	for _, side := range []struct {
		in  []Dataset
		out *[]store.LineageDataset
	}{{e.Inputs, &out.Inputs}, {e.Outputs, &out.Outputs}} {
		for _, d := range side.in {
			m, err := e.mappedDataset(d, suite, k)
			if err != nil {
				return out, err
			}
			*side.out = append(*side.out, m)
		}
	}
	if e.Dataset != nil {
		m, err := e.mappedDataset(*e.Dataset, suite, k)
		if err != nil {
			return out, err
		}
		out.Datasets = []store.LineageDataset{m}
	}
	return out, checkWork(out)
}

// checkWork refuses an event whose datasets together ask for more work
// than one event may: schema fields, column lineage inputs, datasets with
// assertions (each is a validation run and a re-evaluation).
func checkWork(e store.LineageEvent) error {
	fields, edges, asserted := 0, 0, 0
	for _, list := range [][]store.LineageDataset{e.Inputs, e.Outputs, e.Datasets} {
		for _, d := range list {
			fields += len(d.Schema)
			for _, c := range d.Columns {
				edges += len(c.From)
			}
			if d.Assertions != nil {
				asserted++
			}
		}
	}
	switch {
	case fields > MaxEventSchemaFields:
		return errs.Invalidf("inputs, outputs: %d schema fields in all, at most %d per event", fields, MaxEventSchemaFields)
	case edges > MaxEventColumnEdges:
		return errs.Invalidf("outputs: %d column lineage input fields in all, at most %d per event", edges, MaxEventColumnEdges)
	case asserted > MaxAssertedDatasets:
		return errs.Invalidf("inputs: %d datasets with dataQualityAssertions, at most %d per event", asserted, MaxAssertedDatasets)
	}
	return nil
}

// codeRef reads a sourceCodeLocation facet: the repository (repoUrl, else
// url) and the version, taken as the commit.
func codeRef(sc map[string]any, k *keeper) *store.CodeRef {
	repo, _ := sc["repoUrl"].(string)
	if repo == "" {
		repo, _ = sc["url"].(string)
	}
	version, _ := sc["version"].(string)
	return &store.CodeRef{Repo: k.keep(repo), Commit: k.keep(version)}
}

func (e *Event) mappedDataset(d Dataset, suite string, k *keeper) (store.LineageDataset, error) {
	out := store.LineageDataset{Namespace: k.keep(d.Namespace), Name: k.keep(d.Name), URI: store.LineageSourceURI(d.Namespace, d.Name)}
	var err error
	if out.Facets, err = e.rawFacets(d.Facets, k); err != nil {
		return out, err
	}
	if out.IOFacets, err = e.rawFacets(d.IOFacets, k); err != nil {
		return out, err
	}
	if v, ok := d.Facets["version"].(map[string]any); ok && !deleted(v) {
		version, _ := v["datasetVersion"].(string)
		out.Version = k.keep(version)
	}
	// What Parse read of the schema and the column lineage, unless d
	// did not come from Parse.
	schema, edges := d.schema, d.edges
	if !d.checked {
		if s, ok := d.Facets["schema"].(map[string]any); ok && !deleted(s) {
			if schema, err = schemaFields(s, "", 0, new(int)); err != nil {
				return out, err
			}
		}
		if cl, ok := d.Facets["columnLineage"].(map[string]any); ok && !deleted(cl) {
			if edges, err = columnLineage(cl, ""); err != nil {
				return out, err
			}
		}
	}
	if len(schema) > 0 {
		out.Schema = make([]store.SchemaField, len(schema))
		for i, f := range schema {
			f.Name, f.Type = k.keep(f.Name), k.keep(f.Type)
			out.Schema[i] = f
		}
	}
	if len(edges) > 0 {
		byColumn := make(map[string]int, len(edges))
		for _, ce := range edges {
			i, ok := byColumn[ce.output]
			if !ok {
				i = len(out.Columns)
				byColumn[ce.output] = i
				out.Columns = append(out.Columns, store.ColumnDerivation{Column: k.keep(ce.output)})
			}
			out.Columns[i].From = append(out.Columns[i].From, store.ColumnSource{Namespace: k.keep(ce.namespace),
				Name: k.keep(ce.name), Column: k.keep(ce.field), Transformations: ce.transformations})
		}
	}
	var rowCount *int64
	for _, f := range []map[string]any{d.IOFacets, d.Facets} {
		m, ok := f["dataQualityMetrics"].(map[string]any)
		if !ok || deleted(m) {
			continue
		}
		out.Statistics = e.facetText(m)
		var err error
		if rowCount, err = integer(m, "", "rowCount"); err != nil {
			return out, err
		}
		break
	}
	if s, ok := d.IOFacets["outputStatistics"].(map[string]any); ok && rowCount == nil {
		if rowCount, err = integer(s, "", "rowCount"); err != nil {
			return out, err
		}
	}
	out.RowCount = rowCount
	for _, f := range []map[string]any{d.IOFacets, d.Facets} {
		a, ok := f["dataQualityAssertions"].(map[string]any)
		if !ok || deleted(a) {
			continue
		}
		list, err := assertions(a, "")
		if err != nil {
			return out, err
		}
		for i := range list {
			list[i].name, list[i].column, list[i].severity = k.keep(list[i].name), k.keep(list[i].column), k.keep(list[i].severity)
		}
		outcome, err := Outcome(suite, list, rowCount)
		if err != nil {
			return out, err
		}
		out.Assertions, out.AssertionSuite = &outcome, suite
		break
	}
	return out, nil
}

// Outcome is what a producer's assertions say of a dataset version, as a
// validation result: each assertion a rule (its name the assertion's), a
// failed one FAILED unless its severity is "warn" (then WARNED), passed
// otherwise. The run's status is the worst of its rules'.
func Outcome(suite string, list []assertion, rowCount *int64) (store.ValidationOutcome, error) {
	res := &quality.Result{Engine: store.EngineOpenLineage, Suite: suite, Status: quality.StatusPassed}
	for i, a := range list {
		rr := quality.RuleResult{Index: i, Type: "openlineage_assertion", Name: a.name, Column: a.column,
			Severity: quality.SeverityError, Verdict: quality.VerdictPassed, Observed: a.success}
		if strings.EqualFold(a.severity, "warn") || strings.EqualFold(a.severity, "warning") {
			rr.Severity = quality.SeverityWarn
		}
		res.Statistics.Evaluated++
		if a.success {
			res.Statistics.Passed++
		} else {
			rr.Verdict = quality.VerdictFailed
			res.Statistics.Failed++
			switch {
			case rr.Severity == quality.SeverityError:
				res.Status = quality.StatusFailed
			case res.Status == quality.StatusPassed:
				res.Status = quality.StatusWarned
			}
		}
		res.Rules = append(res.Rules, rr)
	}
	if n := res.Statistics.Evaluated; n > 0 {
		res.Statistics.SuccessPercent = 100 * float64(res.Statistics.Passed) / float64(n)
	}
	out, err := validation.Outcome(res)
	if err != nil {
		return out, err
	}
	out.RowCount = rowCount
	out.Engine = store.EngineOpenLineage
	return out, nil
}
