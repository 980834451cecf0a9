package governance

import (
	"github.com/exphub/exphub/internal/store"
)

// ReproduceSpec is everything needed to rerun a run.
type ReproduceSpec struct {
	Format      string            `json:"format"`
	Run         SpecRun           `json:"run"`
	Code        *SpecCode         `json:"code"`
	Environment map[string]string `json:"environment"`
	Seed        *int64            `json:"seed"`
	Params      map[string]string `json:"params"`
	Inputs      []SpecInput       `json:"inputs"`
	// HiddenInputs counts the inputs in projects the reader may not read:
	// they are needed too, and not listed.
	HiddenInputs int `json:"hiddenInputs,omitempty"`
	// Metrics are the final values a rerun should reproduce.
	Metrics  map[string]float64 `json:"metrics"`
	Complete bool               `json:"complete"`
	Missing  []string           `json:"missing"`
	// RerunTags are the tags a rerun carries so that a reproducibility
	// audit pairs it with this run (ReproducesTag).
	RerunTags map[string]string `json:"rerunTags"`
}

// ReproducesTag on a run names the run it reruns: hubctl repro record and
// the explorer's audit pair the two.
const ReproducesTag = "exphub.reproduces"

// SpecRun identifies the run a spec reproduces.
type SpecRun struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ProjectKey   string `json:"projectKey"`
	ExperimentID string `json:"experimentId"`
	Status       string `json:"status"`
}

// SpecCode is the code a run executed.
type SpecCode struct {
	Repo   string `json:"repo"`
	Commit string `json:"commit"`
	Dirty  bool   `json:"dirty"`
}

// SpecInput is one input of a run.
type SpecInput struct {
	DatasetVersionID string `json:"datasetVersionId"`
	Version          string `json:"version"`
	URI              string `json:"uri"`
	SHA256           string `json:"sha256"`
}

// ReproduceSpecFormat names the reproduce spec's format and version.
const ReproduceSpecFormat = "exphub.reproduce/v1"

// Spec is the document a rerun of st starts from, as a reader with scope
// sees it: inputs of projects outside scope are counted, not listed.
func Spec(st *store.RunState, metrics []*store.Metric, scope store.Scope) *ReproduceSpec {
	r := st.Run
	rep := ReproducibilityOf(st)
	spec := &ReproduceSpec{Format: ReproduceSpecFormat, Run: SpecRun{ID: r.ID, Name: r.Name, ProjectKey: r.ProjectKey,
		ExperimentID: r.ExperimentID, Status: string(r.Status)}, Environment: r.Environment.Map(), Seed: r.Seed,
		Params: r.ParamMap(), Inputs: []SpecInput{}, Metrics: store.FinalValues(metrics), Missing: rep.Missing, Complete: rep.Complete,
		RerunTags: map[string]string{ReproducesTag: r.ID}}
	if r.Code != nil {
		spec.Code = &SpecCode{Repo: r.Code.Repo, Commit: r.Code.Commit, Dirty: r.Code.Dirty}
	}
	for _, in := range st.Inputs {
		if !scope.Allows(in.ProjectKey) {
			spec.HiddenInputs++
			continue
		}
		spec.Inputs = append(spec.Inputs, SpecInput{DatasetVersionID: in.ID, Version: in.Version, URI: in.URI, SHA256: in.Digest})
	}
	return spec
}
