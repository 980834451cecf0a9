package store

import (
	"strings"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
)

// Kind names the type of a node in the graph.
type Kind string

// The node kinds. Their string values are the GraphQL NodeKind values.
const (
	KindProject        Kind = "PROJECT"
	KindExperiment     Kind = "EXPERIMENT"
	KindRun            Kind = "RUN"
	KindDataset        Kind = "DATASET"
	KindDatasetVersion Kind = "DATASET_VERSION"
	KindModel          Kind = "MODEL"
	KindModelVersion   Kind = "MODEL_VERSION"
	// KindJob is a pipeline step (an OpenLineage job); like an experiment
	// it has runs.
	KindJob Kind = "JOB"
	// KindValidationSuite and KindValidationRun are data-quality nodes;
	// they hang off datasets and their versions and are never part of a
	// lineage walk.
	KindValidationSuite Kind = "VALIDATION_SUITE"
	KindValidationRun   Kind = "VALIDATION_RUN"
	// Governance nodes: they hang off projects, model versions and runs
	// and are never part of a lineage walk either.
	KindPromotionRequest Kind = "PROMOTION_REQUEST"
	KindBiasCheck        Kind = "BIAS_CHECK"
	KindPolicy           Kind = "POLICY"
	KindReproduction     Kind = "REPRODUCTION"
	KindSignOff          Kind = "SIGN_OFF"
	// KindRedacted marks a lineage node of a project the caller may not read.
	KindRedacted Kind = "REDACTED"
)

// kinds maps each kind to its ID prefix and Neo4j label. Labels in Cypher
// come only from this table.
var kinds = []struct {
	kind   Kind
	prefix string
	label  string
}{
	{KindProject, "prj_", "Project"},
	{KindExperiment, "exp_", "Experiment"},
	{KindRun, "run_", "Run"},
	{KindDataset, "ds_", "Dataset"},
	{KindDatasetVersion, "dsv_", "DatasetVersion"},
	{KindModel, "mdl_", "Model"},
	{KindModelVersion, "mv_", "ModelVersion"},
	{KindJob, "job_", "Job"},
	{KindValidationSuite, "vs_", "ValidationSuite"},
	{KindValidationRun, "vr_", "ValidationRun"},
	{KindPromotionRequest, "pr_", "PromotionRequest"},
	{KindBiasCheck, "bc_", "BiasCheck"},
	{KindPolicy, "pol_", "Policy"},
	{KindReproduction, "rep_", "Reproduction"},
	{KindSignOff, "so_", "SignOff"},
}

// IDPrefix returns the prefix that starts every global ID of kind k
// ("run_" for KindRun), or "" for a kind that has no nodes of its own
// (KindRedacted, or a value that is not a kind).
func IDPrefix(k Kind) string {
	for _, e := range kinds {
		if e.kind == k {
			return e.prefix
		}
	}
	return ""
}

// Label returns the Neo4j label of the nodes of kind k ("Run" for
// KindRun), or "" for a kind that has no nodes of its own. Its result is
// safe to write into Cypher text: it comes only from the kinds table.
func Label(k Kind) string {
	for _, e := range kinds {
		if e.kind == k {
			return e.label
		}
	}
	return ""
}

func (k Kind) label() string {
	for _, e := range kinds {
		if e.kind == k {
			return e.label
		}
	}
	return string(k)
}

func kindOfLabel(label string) (Kind, bool) {
	for _, e := range kinds {
		if e.label == label {
			return e.kind, true
		}
	}
	return "", false
}

// newID returns a fresh global ID for kind: a prefix naming the kind and a
// time-ordered UUIDv7, so IDs sort in creation order.
func newID(k Kind) string {
	for _, e := range kinds {
		if e.kind == k {
			return e.prefix + uuid.Must(uuid.NewV7()).String()
		}
	}
	panic("store: unknown kind " + string(k))
}

// KindOf returns the kind a global ID names. It reports false for anything
// that is not a well-formed exphub ID, so callers can answer
// BAD_USER_INPUT without a database round-trip.
func KindOf(id string) (Kind, bool) {
	for _, e := range kinds {
		if rest, ok := strings.CutPrefix(id, e.prefix); ok {
			if _, err := uuid.Parse(rest); err != nil || len(rest) != 36 {
				return "", false
			}
			return e.kind, true
		}
	}
	return "", false
}

// checkID validates that id is a well-formed ID of kind want; field names
// the input field for the error message.
func checkID(field, id string, want ...Kind) error {
	k, ok := KindOf(id)
	if !ok {
		return invalid("%s: %s is not a valid ID", field, errs.Quote(id))
	}
	for _, w := range want {
		if k == w {
			return nil
		}
	}
	names := make([]string, len(want))
	for i, w := range want {
		names[i] = w.label()
	}
	return invalid("%s: %s is a %s ID, expected %s", field, errs.Quote(id), k.label(), strings.Join(names, " or "))
}
