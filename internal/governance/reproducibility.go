package governance

import (
	"cmp"
	"math"
	"slices"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

// Reproducibility says whether a run records everything a rerun needs.
type Reproducibility struct {
	RunID    string
	Complete bool
	// Missing lists what is not recorded, one item each.
	Missing []string
}

// ReproducibilityOf says whether a run records everything a rerun needs,
// and lists what it misses: code.commit, code.clean (the tree was dirty),
// environment (neither an image digest nor a lockfile hash), seed, params
// (none logged), inputs (none linked), and "input <id> digest" for an
// input without one.
func ReproducibilityOf(st *store.RunState) *Reproducibility {
	r := st.Run
	missing := []string{}
	if r.Code == nil || r.Code.Commit == "" {
		missing = append(missing, "code.commit")
	} else if r.Code.Dirty {
		missing = append(missing, "code.clean")
	}
	if e := r.Environment; e == nil || (deref(e.ImageDigest) == "" && deref(e.LockfileHash) == "") {
		missing = append(missing, "environment")
	}
	if r.Seed == nil {
		missing = append(missing, "seed")
	}
	if len(r.Params) == 0 {
		missing = append(missing, "params")
	}
	if len(st.Inputs) == 0 {
		missing = append(missing, "inputs")
	}
	for _, in := range st.Inputs {
		if in.Digest == "" {
			missing = append(missing, "input "+in.ID+" digest")
		}
	}
	return &Reproducibility{RunID: r.ID, Complete: len(missing) == 0, Missing: missing}
}

// ReproductionOf is the rule of which runs a reproduction compares: two
// distinct FINISHED runs of one project, the original with metrics to
// compare, within tolerances that are finite and not negative.
func ReproductionOf(orig, rerun *store.Run, originalMetrics int, atol, rtol float64) error {
	for _, t := range []struct {
		field string
		v     float64
	}{{"tolerance", atol}, {"relativeTolerance", rtol}} {
		if math.IsNaN(t.v) || math.IsInf(t.v, 0) || t.v < 0 {
			return errs.Invalidf("%s: must be a finite number ≥ 0, got %v", t.field, t.v)
		}
	}
	switch {
	case orig.ID == rerun.ID:
		return errs.Invalidf("reproductionRunId: a run cannot reproduce itself")
	case orig.ProjectKey != rerun.ProjectKey:
		return errs.Invalidf("reproductionRunId: run %s is in project %s, the original in %s", rerun.ID, errs.Quote(rerun.ProjectKey), errs.Quote(orig.ProjectKey))
	case orig.Status != store.StatusFinished:
		return errs.Invalidf("originalRunId: run %s is %s; only a FINISHED run can be reproduced", orig.ID, orig.Status)
	case rerun.Status != store.StatusFinished:
		return errs.Invalidf("reproductionRunId: run %s is %s; it must be FINISHED", rerun.ID, rerun.Status)
	case originalMetrics == 0:
		return errs.Invalidf("originalRunId: run %s has no metrics to compare", orig.ID)
	}
	return nil
}

// Compare compares the original's final metrics with the rerun's: each of
// the original's metrics is REPRODUCED when the rerun has it within the
// tolerance, |b − a| ≤ atol + rtol·|a| (numpy's isclose), else DIVERGED
// (also when the rerun lacks it). The rerun's extra metrics are ignored.
func Compare(original, rerun []*store.Metric, atol, rtol float64) ([]store.MetricComparison, store.ReproductionStatus) {
	byKey := make(map[string]float64, len(rerun))
	for _, m := range rerun {
		byKey[m.Key] = m.Latest.Value
	}
	out := make([]store.MetricComparison, 0, len(original))
	status := store.Reproduced
	for _, m := range original {
		a := m.Latest.Value
		c := store.MetricComparison{Key: m.Key, Original: &a, Status: store.Diverged}
		if b, ok := byKey[m.Key]; ok {
			d := math.Abs(b - a)
			c.Reproduced, c.Difference = &b, &d
			if d <= atol+rtol*math.Abs(a) || (math.IsNaN(a) && math.IsNaN(b)) {
				c.Status = store.Reproduced
			}
		}
		if c.Status == store.Diverged {
			status = store.Diverged
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y store.MetricComparison) int { return cmp.Compare(x.Key, y.Key) })
	return out, status
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
