package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/exphub/exphub/internal/errs"
)

// SuiteDefinition is a suite definition as the validation domain parsed
// it (validation.ParseDefinition): the text a suite keeps and what a write
// checks against the graph.
type SuiteDefinition struct {
	// Name is the suite's name, which Text carries.
	Name string
	// Text is the canonical JSON of the suite; its runs keep a copy.
	Text string
	// RuleCount is the number of rules.
	RuleCount int
	// References are the dataset version IDs the rules read besides the
	// data (referential_integrity, distribution_drift), in rule order.
	References []SuiteReference
	// Dataset is the dataset the definition says it is written for; nil
	// when it names none.
	Dataset *SuiteDataset
}

// SuiteReference is a dataset version a suite's rule refers to.
type SuiteReference struct {
	// Rule is the index of the rule in the suite.
	Rule             int
	DatasetVersionID string
}

// SuiteDataset names a dataset in OpenLineage naming.
type SuiteDataset struct {
	Namespace, Name string
}

// VersionIDs returns the dataset version IDs d's rules refer to, in rule
// order, so a caller can check access to them before writing.
func (d SuiteDefinition) VersionIDs() []string {
	ids := make([]string, len(d.References))
	for i, r := range d.References {
		ids[i] = r.DatasetVersionID
	}
	return ids
}

// Check reports, as a write would, a reference of d that is not a
// dataset version ID (errs.Invalid naming the rule); whether the versions
// exist is checked in the write.
func (d SuiteDefinition) Check() error {
	for _, r := range d.References {
		if k, ok := KindOf(r.DatasetVersionID); !ok || k != KindDatasetVersion {
			return invalid("definition: rules[%d].reference: %s is not a dataset version ID (dsv_…); in the hub a reference names a registered version", r.Rule, errs.Quote(r.DatasetVersionID))
		}
	}
	return nil
}

// checkWrite checks d before a write of the suite named name.
func (d SuiteDefinition) checkWrite(name string) error {
	if d.Text == "" || !json.Valid([]byte(d.Text)) {
		return fmt.Errorf("definition: not a parsed definition (see validation.ParseDefinition)")
	}
	if d.Name != name {
		return fmt.Errorf("definition: parsed for a suite named %s, written to the suite named %s", errs.Quote(d.Name), errs.Quote(name))
	}
	return d.Check()
}

// CheckSuiteName checks the name of a suite (or, with field "suiteName",
// of a recorded result's suite) as a write does, first of its fields. A
// caller that parses a document before writing calls it to report a bad
// name first, as the write would.
func CheckSuiteName(field, name string) error { return checkText(field, name, MaxNameLen, true) }

// CheckSuiteDefinition checks the text of a suite definition against the
// store's limits (MaxSuiteDefinitionLen, UTF-8, no control characters);
// the validation domain calls it before parsing the text.
func CheckSuiteDefinition(text string) error {
	return checkText("definition", text, MaxSuiteDefinitionLen, true)
}

// CheckValidationResult checks the text of a recorded result against the
// store's limits (MaxValidationResultLen, UTF-8, no control characters);
// the validation domain calls it before parsing the text.
func CheckValidationResult(text string) error {
	return checkText("result", text, MaxValidationResultLen, true)
}

// checkSuiteTarget checks, inside a write, that the suite's dataset
// reference (when the definition names one) is the dataset it is attached
// to, and that its references exist.
func checkSuiteTarget(tx *txn, def SuiteDefinition, d *Dataset) error {
	if ds := def.Dataset; ds != nil && (ds.Namespace != d.Namespace || ds.Name != d.Name) {
		return invalid("definition: dataset: the suite is written for %s %s, not for dataset %s %s", ds.Namespace, ds.Name, d.Namespace, d.Name)
	}
	refs := def.VersionIDs()
	if len(refs) == 0 {
		return nil
	}
	rec, err := tx.single(`UNWIND range(0, size($ids) - 1) AS i
		OPTIONAL MATCH (v:DatasetVersion {id: $ids[i]}) WITH i, v WHERE v IS NULL RETURN collect(i) AS missing`,
		map[string]any{"ids": refs})
	if err != nil {
		return err
	}
	missing, _, err := getList(rec, "missing")
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		i, _ := missing[0].(int64)
		return fmt.Errorf("definition: reference %s: dataset version %w", errs.Quote(refs[i]), errs.NotFound)
	}
	return nil
}

// ErrSuiteNameTaken marks (beside errs.Conflict) a suite whose dataset
// has a suite of that name already. Its text is empty: the conflict's
// message says it.
var ErrSuiteNameTaken = errors.New("")

// CreateValidationSuiteInput holds the fields of a new suite.
type CreateValidationSuiteInput struct {
	DatasetID string
	Name      string
	// Definition is the suite parsed for Name (validation.ParseDefinition).
	Definition SuiteDefinition
	// ManualOnly: the suite runs only when asked, not on arrival.
	ManualOnly bool
	// Template links the suite to the template version it was rendered
	// from; nil for a suite written by hand.
	Template *SuiteTemplateLink
}

// CreateValidationSuite attaches a new suite, at version 1, to a dataset.
// A reference that is not a dataset version ID or a definition written for
// another dataset is errs.Invalid naming the rule or field; a name already
// used by a suite of the dataset is errs.Conflict; an unknown dataset or
// reference is errs.NotFound; a dataset with MaxSuitesPerDataset suites
// already is errs.Invalid. Nothing is written then.
func (s *Store) CreateValidationSuite(ctx context.Context, actor string, in CreateValidationSuiteInput) (*ValidationSuite, error) {
	if err := checkID("datasetId", in.DatasetID, KindDataset); err != nil {
		return nil, err
	}
	if err := CheckSuiteName("name", in.Name); err != nil {
		return nil, err
	}
	if err := in.Definition.checkWrite(in.Name); err != nil {
		return nil, err
	}
	def := in.Definition
	link, err := in.Template.linkProps()
	if err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) (*ValidationSuite, error) {
		// The dataset's lock serialises suites created at once, so a
		// duplicate name is a CONFLICT that names it.
		rec, err := tx.single(`
			MATCH (d:Dataset {id: $datasetId}) `+lockClause("d")+`
			WITH d
			OPTIONAL MATCH (d)-[:HAS_SUITE]->(dup:ValidationSuite {name: $name})
			RETURN d{.*} AS d, dup IS NOT NULL AS dup, COUNT { (d)-[:HAS_SUITE]->() } AS suites`, map[string]any{"datasetId": in.DatasetID, "name": in.Name})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("datasetId: %w", notFound(KindDataset, in.DatasetID))
		}
		dm, err := recMap(rec, "d")
		if err != nil {
			return nil, err
		}
		d, err := decodeDataset(dm)
		if err != nil {
			return nil, err
		}
		if dup, err := recBool(rec, "dup"); err != nil || dup {
			return nil, orErr(err, fmt.Errorf("%w%w", ErrSuiteNameTaken, conflict("name: dataset %s %s already has a suite named %s; update it instead", d.Namespace, d.Name, errs.Quote(in.Name))))
		}
		if n, err := recInt(rec, "suites"); err != nil || n >= MaxSuitesPerDataset {
			return nil, orErr(err, invalid("datasetId: dataset %s %s already has %d suites, the most a dataset may have; add rules to one of them instead", d.Namespace, d.Name, n))
		}
		if err := checkSuiteTarget(tx, def, d); err != nil {
			return nil, err
		}
		if err := checkLink(tx, in.Template, d); err != nil {
			return nil, err
		}
		rec, err = tx.single(`
			MATCH (d:Dataset {id: $datasetId})
			CREATE (s:ValidationSuite:Node {id: $id, projectKey: d.projectKey, datasetId: d.id, name: $name, displayName: $name,
			        version: 1, definition: $definition, ruleCount: $ruleCount, manualOnly: $manual,
			        createdAt: $now, createdBy: $actor, updatedAt: $now, updatedBy: $actor})
			SET s += $link
			CREATE (d)-[:HAS_SUITE]->(s)
			RETURN s{.*} AS s`,
			map[string]any{"datasetId": d.ID, "id": newID(KindValidationSuite), "name": in.Name, "definition": def.Text,
				"ruleCount": int64(def.RuleCount), "now": s.now().UTC(), "actor": actor, "manual": manualOnly(in.ManualOnly), "link": link})
		if err != nil {
			return nil, err
		}
		vs, err := recDecode(rec, "s", decodeValidationSuite)
		if err != nil {
			return nil, err
		}
		return vs, s.appendEvents(tx, actor, eventDraft{EventValidationSuiteCreated, vs.ProjectKey, vs.ID,
			withLink(map[string]any{"datasetId": vs.DatasetID, "name": vs.Name, "version": vs.Version, "rules": vs.RuleCount, "onArrival": vs.OnArrival}, vs.Template)})
	})
}

// UpdateValidationSuite replaces a suite's definition and bumps its
// version; runs already made keep the version they used. A suite made
// from a template stops following it. def is parsed
// for the suite's name (names do not change). A definition equal to the
// current one (after canonicalisation) changes nothing and reports
// changed=false, with no event. Errors as CreateValidationSuite.
func (s *Store) UpdateValidationSuite(ctx context.Context, actor, suiteID string, def SuiteDefinition) (*ValidationSuite, bool, error) {
	return s.changeSuite(ctx, suiteID, func(tx *txn, old *ValidationSuite, d *Dataset) (map[string]any, error) {
		if err := def.checkWrite(old.Name); err != nil {
			return nil, err
		}
		if err := checkSuiteTarget(tx, def, d); err != nil {
			return nil, err
		}
		if def.Text == old.Definition {
			return nil, nil
		}
		// A suite edited by hand no longer follows its template.
		return map[string]any{"version": old.Version + 1, "definition": def.Text, "ruleCount": int64(def.RuleCount),
			"updatedAt": s.now().UTC(), "updatedBy": actor, "templateId": nil, "templateVersion": nil, "templateParams": nil}, nil
	}, actor)
}

// changeSuite changes a suite in a write: change sees it locked (so
// concurrent changes number versions without gaps or repeats), with its
// dataset, and returns the properties to set, nil for no change. A change
// appends VALIDATION_SUITE_UPDATED; the suite is returned as it is after.
func (s *Store) changeSuite(ctx context.Context, suiteID string, change func(tx *txn, old *ValidationSuite, d *Dataset) (map[string]any, error), actor string) (*ValidationSuite, bool, error) {
	if err := checkID("suiteId", suiteID, KindValidationSuite); err != nil {
		return nil, false, err
	}
	type result struct {
		s       *ValidationSuite
		changed bool
	}
	res, err := write(ctx, s, func(tx *txn) (result, error) {
		rec, err := tx.single(`
			MATCH (s:ValidationSuite {id: $id}) `+lockClause("s")+`
			WITH s
			MATCH (d:Dataset {id: s.datasetId})
			RETURN s{.*} AS s, d{.*} AS d`, map[string]any{"id": suiteID})
		if err != nil {
			return result{}, err
		}
		if rec == nil {
			return result{}, fmt.Errorf("suiteId: %w", notFound(KindValidationSuite, suiteID))
		}
		old, err := recDecode(rec, "s", decodeValidationSuite)
		if err != nil {
			return result{}, err
		}
		d, err := recDecode(rec, "d", decodeDataset)
		if err != nil {
			return result{}, err
		}
		set, err := change(tx, old, d)
		if err != nil || set == nil {
			return result{old, false}, err
		}
		rec, err = tx.single(`MATCH (s:ValidationSuite {id: $id}) SET s += $set RETURN s{.*} AS s`, map[string]any{"id": suiteID, "set": set})
		if err != nil {
			return result{}, err
		}
		vs, err := recDecode(rec, "s", decodeValidationSuite)
		if err != nil {
			return result{}, err
		}
		return result{vs, true}, s.appendEvents(tx, actor, eventDraft{EventValidationSuiteUpdated, vs.ProjectKey, vs.ID,
			map[string]any{"datasetId": vs.DatasetID, "name": vs.Name, "version": vs.Version, "rules": vs.RuleCount, "onArrival": vs.OnArrival}})
	})
	return res.s, res.changed, err
}

// ValidationSuitesByIDs returns suites by ID.
func (s *Store) ValidationSuitesByIDs(ctx context.Context, ids []string) (map[string]*ValidationSuite, error) {
	return byIDs(ctx, s, KindValidationSuite, ids, decodeValidationSuite, func(v *ValidationSuite) string { return v.ID })
}

// ValidationSuites lists a dataset's suites, newest first.
func (s *Store) ValidationSuites(ctx context.Context, datasetID string, page Page) (Conn[*ValidationSuite], error) {
	return listPage(ctx, s, "validationSuites", page, `
			CALL { MATCH (:Dataset {id: $id})-[:HAS_SUITE]->(s) RETURN count(s) AS total }
			CALL {
			  MATCH (:Dataset {id: $id})-[:HAS_SUITE]->(s) WHERE $after IS NULL OR s.id < $after
			  WITH s ORDER BY s.id DESC LIMIT $limit
			  RETURN collect(s{.*}) AS items
			}
			RETURN total, items`,
		map[string]any{"id": datasetID}, afterID, decodeValidationSuite, func(v *ValidationSuite) (any, string) { return nil, v.ID })
}
