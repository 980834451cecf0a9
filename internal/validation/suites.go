package validation

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
)

// ParseDefinition parses a suite definition, YAML or JSON text, for the
// suite named name into what the store writes: the canonical JSON (whose
// name is name, whatever the text says), the rule count, the dataset
// version IDs the rules refer to and the dataset the definition says it
// is written for. Whether those exist, and match the suite's dataset, is
// checked by the write.
//
// Its errors are errs.Invalid and name the field: the text's limits
// (store.CheckSuiteDefinition), then every problem the engine finds, by
// rule index and field ("definition: rules[2].min: …"), then a reference
// that is not a dataset version ID. A write checks the suite's name before
// its definition, so when both are wrong the name's problem is the one
// reported.
func ParseDefinition(name, text string) (store.SuiteDefinition, error) {
	def, err := parseDefinition(name, text)
	if err != nil {
		if nerr := store.CheckSuiteName("name", name); nerr != nil {
			return store.SuiteDefinition{}, nerr
		}
		return store.SuiteDefinition{}, err
	}
	return def, nil
}

func parseDefinition(name, text string) (store.SuiteDefinition, error) {
	if err := store.CheckSuiteDefinition(text); err != nil {
		return store.SuiteDefinition{}, err
	}
	suite, err := quality.ParseSuite([]byte(text))
	if err != nil {
		// A *quality.SuiteError names the rule index and field of every
		// problem.
		return store.SuiteDefinition{}, errs.Invalidf("definition: %s", strings.TrimPrefix(err.Error(), "invalid suite: "))
	}
	suite.Name = name
	def := store.SuiteDefinition{Name: name, RuleCount: len(suite.Rules)}
	if ds := suite.Dataset; ds != nil {
		def.Dataset = &store.SuiteDataset{Namespace: ds.Namespace, Name: ds.Name}
	}
	for i, r := range suite.Rules {
		if r.Reference != "" {
			def.References = append(def.References, store.SuiteReference{Rule: i, DatasetVersionID: r.Reference})
		}
	}
	if err := def.Check(); err != nil {
		return store.SuiteDefinition{}, err
	}
	canon, err := json.Marshal(suite)
	if err != nil {
		return store.SuiteDefinition{}, fmt.Errorf("encode suite: %w", err)
	}
	def.Text = string(canon)
	return def, nil
}

// DefinitionCheck is what the parser says of a definition an editor
// holds: the rules it counts, or every problem, as createValidationSuite
// would report them.
type DefinitionCheck struct {
	RuleCount int
	// Problems name the rule index (-1: the suite as a whole) and field.
	Problems []quality.Problem
}

// MaxCheckProblems bounds the problems CheckDefinition lists; a last one
// counts the rest.
const MaxCheckProblems = 100

// CheckDefinition parses text as ParseDefinition does, writing nothing
// and returning the problems one by one rather than as one error. Whether
// the references exist is not checked: that needs the graph (and the
// caller's access to it), which the write does.
func CheckDefinition(text string) DefinitionCheck {
	if err := store.CheckSuiteDefinition(text); err != nil {
		return DefinitionCheck{Problems: []quality.Problem{{Rule: -1, Msg: err.Error()}}}
	}
	suite, err := quality.ParseSuite([]byte(text))
	var se *quality.SuiteError
	switch {
	case errors.As(err, &se):
		ps := se.Problems
		if len(ps) > MaxCheckProblems {
			more := len(ps) - MaxCheckProblems
			ps = append(ps[:MaxCheckProblems:MaxCheckProblems], quality.Problem{Rule: -1, Msg: fmt.Sprintf("and %d more problems", more)})
		}
		return DefinitionCheck{Problems: ps}
	case err != nil:
		return DefinitionCheck{Problems: []quality.Problem{{Rule: -1, Msg: err.Error()}}}
	}
	out := DefinitionCheck{RuleCount: len(suite.Rules)}
	for i, r := range suite.Rules {
		if r.Reference == "" {
			continue
		}
		ref := store.SuiteDefinition{References: []store.SuiteReference{{Rule: i, DatasetVersionID: r.Reference}}}
		if err := ref.Check(); err != nil {
			out.Problems = append(out.Problems, quality.Problem{Rule: i, Field: "reference", Msg: fmt.Sprintf("%s is not a dataset version ID (dsv_…); in the hub a reference names a registered version", errs.Quote(r.Reference))})
		}
	}
	return out
}
