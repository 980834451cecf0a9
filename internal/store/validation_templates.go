package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
)

// A validation template is a suite written once with parameters, shared
// by the datasets it is applied to. Applying it to a dataset makes a
// suite that stays linked to it (templateId, templateVersion,
// templateParams on the suite); a new template version renders every
// linked suite again in the same transaction, each a new suite version.
// The store keeps templates and links; the validation domain renders a
// template with a suite's parameters (the store cannot parse suites).
//
//	(:ValidationTemplate {id, projectKey, name, version, text, params, ...})
//	(:ValidationSuite {templateId, templateVersion, templateParams})

// The events of templates (target: the template's ID).
const (
	EventValidationTemplateCreated EventKind = "VALIDATION_TEMPLATE_CREATED"
	EventValidationTemplateUpdated EventKind = "VALIDATION_TEMPLATE_UPDATED"
)

func init() {
	EventKinds = append(EventKinds, EventValidationTemplateCreated, EventValidationTemplateUpdated)
}

// TemplateParam is a parameter a template declares; Default, when set,
// is used where a suite gives no value.
type TemplateParam struct {
	Name    string  `json:"name"`
	Default *string `json:"default,omitempty"`
}

// DatasetSelector says which datasets a template is for: glob patterns
// (path.Match) of their namespace and name; "" matches any.
type DatasetSelector struct {
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	// FeatureView, when set, keeps the data sources of the Feast feature
	// views whose name it matches.
	FeatureView string `json:"featureView,omitempty"`
	// Tags, when set, keeps the datasets that carry every one of them:
	// "key" or "key=value".
	Tags []string `json:"tags,omitempty"`
}

// Equal reports whether s and o select alike.
func (s DatasetSelector) Equal(o DatasetSelector) bool {
	return s.Namespace == o.Namespace && s.Name == o.Name && s.FeatureView == o.FeatureView && slices.Equal(s.Tags, o.Tags)
}

// MaxSelectorTags bounds the tags a selector names.
const MaxSelectorTags = 20

// ValidationTemplate is a template at its latest version.
type ValidationTemplate struct {
	ID, ProjectKey, Name, Description string
	// Version is 1 at creation and grows with each change.
	Version int64
	// Text is the suite definition with ${param} placeholders.
	Text     string
	Params   []TemplateParam
	Selector DatasetSelector
	// AutoApply: validation on arrival makes a suite of the template, with
	// its parameters' defaults, on each dataset its selector matches when
	// a version of the dataset is registered.
	AutoApply bool
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	UpdatedBy string
}

// SuiteTemplateLink is what ties a suite to the template it was made
// from: the template version it was last rendered from, with its
// parameter values.
type SuiteTemplateLink struct {
	TemplateID string
	Version    int64
	Params     map[string]string
}

func decodeValidationTemplate(m map[string]any) (*ValidationTemplate, error) {
	p := props{m: m}
	t := &ValidationTemplate{ID: p.str("id"), ProjectKey: p.str("projectKey"), Name: p.str("name"), Description: deref(p.optStr("description")),
		Version: p.int("version"), Text: p.str("text"), CreatedAt: p.time("createdAt"), CreatedBy: p.str("createdBy"),
		UpdatedAt: p.time("updatedAt"), UpdatedBy: p.str("updatedBy")}
	if p.err != nil {
		return nil, p.err
	}
	t.AutoApply, _ = m["autoApply"].(bool)
	if err := json.Unmarshal([]byte(p.str("params")), &t.Params); err != nil {
		return nil, fmt.Errorf("template %s: params: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(p.str("selector")), &t.Selector); err != nil {
		return nil, fmt.Errorf("template %s: selector: %w", t.ID, err)
	}
	return t, p.err
}

// suiteLink reads a suite's template link; nil when it has none.
func suiteLink(m map[string]any) (*SuiteTemplateLink, error) {
	id, _ := m["templateId"].(string)
	if id == "" {
		return nil, nil
	}
	p := props{m: m}
	l := &SuiteTemplateLink{TemplateID: id, Version: p.int("templateVersion")}
	if err := json.Unmarshal([]byte(p.str("templateParams")), &l.Params); err != nil {
		return nil, fmt.Errorf("suite %v: templateParams: %w", m["id"], err)
	}
	return l, p.err
}

const templatePrefix = "vt_"

// IsTemplateID reports whether id is a well-formed template ID.
func IsTemplateID(id string) bool {
	rest, ok := strings.CutPrefix(id, templatePrefix)
	_, err := uuid.Parse(rest)
	return ok && err == nil && len(rest) == 36
}

func checkTemplateID(field, id string) error {
	if !IsTemplateID(id) {
		return invalid("%s: %s is not a validation template ID", field, errs.Quote(id))
	}
	return nil
}

// The bounds of templates.
const (
	MaxTemplateParams     = 50
	MaxTemplateParamValue = 1_000
	// MaxTemplateSuites bounds the suites one template has: a new version
	// renders them all in one transaction.
	MaxTemplateSuites = 500
)

// ValidationTemplateInput is a template's content. The validation
// domain checks it (placeholders declared, patterns well-formed); the
// store checks the limits.
type ValidationTemplateInput struct {
	ProjectKey, Name, Description string
	Text                          string
	Params                        []TemplateParam
	Selector                      DatasetSelector
	AutoApply                     bool
}

func (in ValidationTemplateInput) check() error {
	if err := checkProjectKey("projectKey", in.ProjectKey); err != nil {
		return err
	}
	if err := CheckSuiteName("name", in.Name); err != nil {
		return err
	}
	if err := checkText("description", in.Description, MaxNameLen*4, false); err != nil {
		return err
	}
	if err := CheckSuiteDefinition(in.Text); err != nil {
		return err
	}
	if err := CheckTemplateParams(in.Params); err != nil {
		return err
	}
	for field, v := range map[string]string{"selector.namespace": in.Selector.Namespace, "selector.name": in.Selector.Name,
		"selector.featureView": in.Selector.FeatureView} {
		if err := checkText(field, v, MaxNameLen*4, false); err != nil {
			return err
		}
	}
	if len(in.Selector.Tags) > MaxSelectorTags {
		return invalid("selector.tags: at most %d, got %d", MaxSelectorTags, len(in.Selector.Tags))
	}
	for i, tag := range in.Selector.Tags {
		if err := checkText(fmt.Sprintf("selector.tags[%d]", i), tag, MaxNameLen, true); err != nil {
			return err
		}
	}
	return nil
}

// CheckTemplateParams checks a template's declared parameters against
// the store's limits: how many, their names' length, none declared
// twice, and each default a value (CheckTemplateValue).
func CheckTemplateParams(params []TemplateParam) error {
	if len(params) > MaxTemplateParams {
		return invalid("params: at most %d, got %d", MaxTemplateParams, len(params))
	}
	seen := map[string]bool{}
	for i, p := range params {
		if err := checkText(fmt.Sprintf("params[%d].name", i), p.Name, MaxNameLen, true); err != nil {
			return err
		}
		if seen[p.Name] {
			return invalid("params[%d].name: %s is declared twice", i, errs.Quote(p.Name))
		}
		seen[p.Name] = true
		if p.Default != nil {
			if err := CheckTemplateValue(fmt.Sprintf("params[%d].default", i), *p.Default); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckTemplateValue checks a parameter's value: one line, bounded.
func CheckTemplateValue(field, v string) error {
	if len(v) > MaxTemplateParamValue {
		return invalid("%s: at most %d bytes, got %d", field, MaxTemplateParamValue, len(v))
	}
	if strings.ContainsAny(v, "\r\n") {
		return invalid("%s: a value is one line (a number, a word, or a [flow, list])", field)
	}
	return checkText(field, v, MaxTemplateParamValue, false)
}

func (in ValidationTemplateInput) props() (map[string]any, error) {
	params := in.Params
	if params == nil {
		params = []TemplateParam{}
	}
	pj, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	sj, err := json.Marshal(in.Selector)
	if err != nil {
		return nil, err
	}
	return map[string]any{"description": in.Description, "text": in.Text, "params": string(pj), "selector": string(sj), "autoApply": in.AutoApply}, nil
}

// CreateValidationTemplate stores a template, at version 1, in its
// project; a name already used there is errs.Conflict.
func (s *Store) CreateValidationTemplate(ctx context.Context, actor string, in ValidationTemplateInput) (*ValidationTemplate, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	set, err := in.props()
	if err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*ValidationTemplate, error) {
		rec, err := tx.single(`
			MATCH (p:Project {key: $key}) `+lockClause("p")+`
			WITH p
			OPTIONAL MATCH (t:ValidationTemplate {projectKey: $key, name: $name})
			RETURN t IS NOT NULL AS dup`, map[string]any{"key": in.ProjectKey, "name": in.Name})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("projectKey: project %s: %w", errs.Quote(in.ProjectKey), errs.NotFound)
		}
		if dup, err := recBool(rec, "dup"); err != nil || dup {
			return nil, orErr(err, conflict("name: project %s already has a validation template named %s; update it instead", in.ProjectKey, errs.Quote(in.Name)))
		}
		now := s.now().UTC()
		id := templatePrefix + uuid.Must(uuid.NewV7()).String()
		rec, err = tx.single(`
			CREATE (t:ValidationTemplate {id: $id, projectKey: $key, name: $name, version: 1, createdAt: $now, createdBy: $actor,
			                              updatedAt: $now, updatedBy: $actor})
			SET t += $set
			RETURN t{.*} AS t`, map[string]any{"id": id, "key": in.ProjectKey, "name": in.Name, "now": now, "actor": actor, "set": set})
		if err != nil {
			return nil, err
		}
		t, err := recDecode(rec, "t", decodeValidationTemplate)
		if err != nil {
			return nil, err
		}
		return t, s.appendEvents(tx, actor, eventDraft{EventValidationTemplateCreated, t.ProjectKey, t.ID,
			map[string]any{"name": t.Name, "version": t.Version}})
	})
}

// ValidationTemplatesOf lists a project's templates by name.
func (s *Store) ValidationTemplatesOf(ctx context.Context, projectKey string) ([]*ValidationTemplate, error) {
	if err := checkProjectKey("projectKey", projectKey); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) ([]*ValidationTemplate, error) {
		recs, err := tx.run(`MATCH (t:ValidationTemplate {projectKey: $key}) WHERE t.name IS NOT NULL RETURN t{.*} AS t ORDER BY t.name LIMIT $limit`,
			map[string]any{"key": projectKey, "limit": MaxTemplatesPerProject})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "t", decodeValidationTemplate)
	})
}

// AutoApplyTemplates returns the templates of the projects that apply
// themselves on arrival (ValidationTemplate.AutoApply), by project and
// name.
func (s *Store) AutoApplyTemplates(ctx context.Context, projectKeys []string) ([]*ValidationTemplate, error) {
	if len(projectKeys) == 0 {
		return nil, nil
	}
	return read(ctx, s, func(tx *txn) ([]*ValidationTemplate, error) {
		recs, err := tx.run(`UNWIND $keys AS key MATCH (t:ValidationTemplate {projectKey: key}) WHERE t.name IS NOT NULL AND t.autoApply = true
			RETURN t{.*} AS t ORDER BY t.projectKey, t.name LIMIT $limit`, map[string]any{"keys": projectKeys, "limit": MaxTemplatesPerProject * len(projectKeys)})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "t", decodeValidationTemplate)
	})
}

// MaxTemplatesPerProject bounds the templates listed for a project.
const MaxTemplatesPerProject = 200

// ValidationTemplateByID returns a template; errs.NotFound when there is
// none.
func (s *Store) ValidationTemplateByID(ctx context.Context, id string) (*ValidationTemplate, error) {
	if err := checkTemplateID("templateId", id); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*ValidationTemplate, error) {
		rec, err := tx.single(`MATCH (t:ValidationTemplate {id: $id}) RETURN t{.*} AS t`, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("templateId: validation template %s: %w", errs.Quote(id), errs.NotFound)
		}
		return recDecode(rec, "t", decodeValidationTemplate)
	})
}

// SuitesOfTemplate lists the suites linked to a template (at most
// MaxTemplateSuites), oldest first.
func (s *Store) SuitesOfTemplate(ctx context.Context, id string) ([]*ValidationSuite, error) {
	if err := checkTemplateID("templateId", id); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) ([]*ValidationSuite, error) {
		recs, err := tx.run(`MATCH (s:ValidationSuite {templateId: $id}) RETURN s{.*} AS s ORDER BY s.createdAt, s.id LIMIT $limit`,
			map[string]any{"id": id, "limit": MaxTemplateSuites})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "s", decodeValidationSuite)
	})
}

// RenderSuite renders a template for a linked suite: the definition the
// suite gets from the template's text with the suite's parameters.
type RenderSuite func(t *ValidationTemplate, suiteName string, params map[string]string) (SuiteDefinition, error)

// TemplateUpdate is what UpdateValidationTemplate did.
type TemplateUpdate struct {
	Template *ValidationTemplate
	Changed  bool
	// Suites are the linked suites rendered at the new version.
	Suites []*ValidationSuite
}

// UpdateValidationTemplate replaces a template's content (its name stays)
// and, when it changed, bumps its version and renders every linked suite
// again with render, each a new suite version linked to the new template
// version, all in one transaction. A suite the new version cannot be
// rendered for (a parameter it lacks) is errs.Invalid naming the suite,
// and nothing is written.
func (s *Store) UpdateValidationTemplate(ctx context.Context, actor, id string, in ValidationTemplateInput, render RenderSuite) (TemplateUpdate, error) {
	if err := checkTemplateID("templateId", id); err != nil {
		return TemplateUpdate{}, err
	}
	return write(ctx, s, func(tx *txn) (TemplateUpdate, error) {
		rec, err := tx.single(`MATCH (t:ValidationTemplate {id: $id}) `+lockClause("t")+` RETURN t{.*} AS t`, map[string]any{"id": id})
		if err != nil {
			return TemplateUpdate{}, err
		}
		if rec == nil {
			return TemplateUpdate{}, fmt.Errorf("templateId: validation template %s: %w", errs.Quote(id), errs.NotFound)
		}
		old, err := recDecode(rec, "t", decodeValidationTemplate)
		if err != nil {
			return TemplateUpdate{}, err
		}
		in.ProjectKey, in.Name = old.ProjectKey, old.Name
		if err := in.check(); err != nil {
			return TemplateUpdate{}, err
		}
		if in.Text == old.Text && in.Description == old.Description && in.Selector.Equal(old.Selector) && in.AutoApply == old.AutoApply &&
			slices.EqualFunc(in.Params, old.Params, func(a, b TemplateParam) bool {
				return a.Name == b.Name && (a.Default == nil) == (b.Default == nil) && (a.Default == nil || *a.Default == *b.Default)
			}) {
			return TemplateUpdate{Template: old}, nil
		}
		set, err := in.props()
		if err != nil {
			return TemplateUpdate{}, err
		}
		now := s.now().UTC()
		set["version"], set["updatedAt"], set["updatedBy"] = old.Version+1, now, actor
		if rec, err = tx.single(`MATCH (t:ValidationTemplate {id: $id}) SET t += $set RETURN t{.*} AS t`, map[string]any{"id": id, "set": set}); err != nil {
			return TemplateUpdate{}, err
		}
		t, err := recDecode(rec, "t", decodeValidationTemplate)
		if err != nil {
			return TemplateUpdate{}, err
		}
		out := TemplateUpdate{Template: t, Changed: true}
		drafts := []eventDraft{{EventValidationTemplateUpdated, t.ProjectKey, t.ID, map[string]any{"name": t.Name, "version": t.Version}}}
		recs, err := tx.run(`
			MATCH (s:ValidationSuite {templateId: $id}) `+lockClause("s")+`
			WITH s
			MATCH (d:Dataset {id: s.datasetId})
			RETURN s{.*} AS s, d{.*} AS d ORDER BY s.createdAt, s.id`, map[string]any{"id": id})
		if err != nil {
			return TemplateUpdate{}, err
		}
		for _, rec := range recs {
			vs, err := recDecode(rec, "s", decodeValidationSuite)
			if err != nil {
				return TemplateUpdate{}, err
			}
			d, err := recDecode(rec, "d", decodeDataset)
			if err != nil {
				return TemplateUpdate{}, err
			}
			def, err := render(t, vs.Name, vs.Template.Params)
			if err != nil {
				return TemplateUpdate{}, fmt.Errorf("suite %s of dataset %s %s: %w", errs.Quote(vs.Name), d.Namespace, d.Name, err)
			}
			if err := def.checkWrite(vs.Name); err != nil {
				return TemplateUpdate{}, err
			}
			if err := checkSuiteTarget(tx, def, d); err != nil {
				return TemplateUpdate{}, err
			}
			sset := map[string]any{"templateVersion": t.Version, "updatedAt": now, "updatedBy": actor}
			if def.Text != vs.Definition {
				sset["version"], sset["definition"], sset["ruleCount"] = vs.Version+1, def.Text, int64(def.RuleCount)
			}
			rec, err := tx.single(`MATCH (s:ValidationSuite {id: $id}) SET s += $set RETURN s{.*} AS s`, map[string]any{"id": vs.ID, "set": sset})
			if err != nil {
				return TemplateUpdate{}, err
			}
			if vs, err = recDecode(rec, "s", decodeValidationSuite); err != nil {
				return TemplateUpdate{}, err
			}
			out.Suites = append(out.Suites, vs)
			drafts = append(drafts, eventDraft{EventValidationSuiteUpdated, vs.ProjectKey, vs.ID,
				map[string]any{"datasetId": vs.DatasetID, "name": vs.Name, "version": vs.Version, "rules": vs.RuleCount, "onArrival": vs.OnArrival,
					"templateId": t.ID, "templateVersion": t.Version}})
		}
		return out, s.appendEvents(tx, actor, drafts...)
	})
}

// linkProps are a new suite's template properties; none without a link.
func (l *SuiteTemplateLink) linkProps() (map[string]any, error) {
	if l == nil {
		return map[string]any{}, nil
	}
	params := l.Params
	if params == nil {
		params = map[string]string{}
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	return map[string]any{"templateId": l.TemplateID, "templateVersion": l.Version, "templateParams": string(b)}, nil
}

// checkLink checks, in a suite's creation, that its template is of the
// dataset's project, at the version the suite was rendered from, and has
// room for one more suite.
func checkLink(tx *txn, l *SuiteTemplateLink, d *Dataset) error {
	if l == nil {
		return nil
	}
	rec, err := tx.single(`
		MATCH (t:ValidationTemplate {id: $id}) `+lockClause("t")+`
		RETURN t.projectKey AS projectKey, t.version AS version, COUNT { (s:ValidationSuite {templateId: $id}) } AS suites`,
		map[string]any{"id": l.TemplateID})
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("templateId: validation template %s: %w", errs.Quote(l.TemplateID), errs.NotFound)
	}
	key, err := recStr(rec, "projectKey")
	if err != nil {
		return err
	}
	if key != d.ProjectKey {
		return invalid("datasetId: dataset %s %s is not in the template's project", d.Namespace, d.Name)
	}
	if v, err := recInt(rec, "version"); err != nil || v != l.Version {
		return orErr(err, conflict("templateId: the template is at version %d now, not %d: apply it again", v, l.Version))
	}
	if n, err := recInt(rec, "suites"); err != nil || n >= MaxTemplateSuites {
		return orErr(err, invalid("templateId: the template has %d suites, the most one may have", n))
	}
	return nil
}

// withLink adds a link's parameters to an event payload.
func withLink(p map[string]any, l *SuiteTemplateLink) map[string]any {
	if l != nil {
		p = maps.Clone(p)
		p["templateId"], p["templateVersion"] = l.TemplateID, l.Version
	}
	return p
}

// DatasetsMatching returns up to limit datasets of a project for which
// match holds, oldest first; it reads at most 10,000 of them, with their
// facets only when facets says so.
func (s *Store) DatasetsMatching(ctx context.Context, projectKey string, limit int, facets bool, match func(*Dataset) bool) ([]*Dataset, error) {
	if err := checkProjectKey("projectKey", projectKey); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) ([]*Dataset, error) {
		recs, err := tx.run(`MATCH (d:Dataset {projectKey: $key})
			RETURN d{.id, .projectKey, .namespace, .name, .description, .createdAt, .createdBy, .feastKind, facets: CASE WHEN $facets THEN d.facets END} AS d
			ORDER BY d.createdAt, d.id LIMIT 10000`, map[string]any{"key": projectKey, "facets": facets})
		if err != nil {
			return nil, err
		}
		all, err := recsDecode(recs, "d", decodeDataset)
		if err != nil {
			return nil, err
		}
		var out []*Dataset
		for _, d := range all {
			if match(d) {
				out = append(out, d)
				if len(out) == limit {
					break
				}
			}
		}
		return out, nil
	})
}
