package evidence

import "fmt"

// recorded is the artifact an audit event records: its file and digest.
type recorded struct {
	run, path, sha256 string
	size              int64
	seq               int64
	where             string
}

// artifactEvents returns the run artifacts the pack's audit events record
// (earlier events first, then the chain's, so a later recording of a path
// comes after an earlier one). A logged model's files are recorded with
// its ID and are not a run's.
func (v *verifier) artifactEvents() []recorded {
	var out []recorded
	for _, list := range []struct {
		name   string
		events []Event
	}{{"audit.earlier", v.p.Audit.Earlier}, {"audit.events", v.p.Audit.Events}} {
		for i, e := range list.events {
			if e.Kind != kindRunLineageChanged {
				continue
			}
			path, ok := e.Payload["artifact"].(string)
			if _, model := e.Payload["loggedModelId"]; !ok || model {
				continue
			}
			sum, _ := e.Payload["sha256"].(string)
			size, _ := payloadInt(e.Payload["size"])
			out = append(out, recorded{run: e.TargetID, path: path, sha256: sum, size: size, seq: e.Seq,
				where: fmt.Sprintf("%s[%d]", list.name, i)})
		}
	}
	return out
}

// payloadInt reads a whole number from a payload (float64 once decoded
// from JSON, an integer when the hub built it).
func payloadInt(x any) (int64, bool) {
	switch n := x.(type) {
	case float64:
		return int64(n), float64(int64(n)) == n
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

// coveredRuns are the runs whose artifacts the pack lists: the training
// run and the runs of the lineage.
func (v *verifier) coveredRuns() map[string]bool {
	runs := map[string]bool{}
	if v.p.TrainingRun != nil {
		runs[v.p.TrainingRun.ID] = true
	}
	for _, n := range v.p.Lineage.Nodes {
		if n.Kind == nodeRun {
			runs[n.ID] = true
		}
	}
	return runs
}

// runArtifacts checks each listed artifact against the audit event that
// recorded it, and that every artifact recorded for a covered run is
// listed. Packs before format 3 have no artifacts to check.
func (v *verifier) runArtifacts() {
	if !hasArtifacts(v.p.Format) {
		if len(v.p.RunArtifacts) > 0 {
			v.add("runArtifacts", "a %s pack carries no run artifacts (they came with %s), but this one lists %d", v.p.Format, FormatV3, len(v.p.RunArtifacts))
		}
		return
	}
	covered := v.coveredRuns()
	last := map[[2]string]recorded{}
	for _, r := range v.artifactEvents() {
		if prev, ok := last[[2]string{r.run, r.path}]; !ok || r.seq > prev.seq {
			last[[2]string{r.run, r.path}] = r
		}
	}
	listed := map[[2]string]bool{}
	for i, a := range v.p.RunArtifacts {
		where := fmt.Sprintf("runArtifacts[%d]", i)
		key := [2]string{a.RunID, a.Path}
		r, ok := last[key]
		switch {
		case listed[key]:
			v.add(where, "%s of run %s is listed more than once", a.Path, a.RunID)
		case !covered[a.RunID]:
			v.add(where, "run %s is neither the training run nor a run of the lineage", a.RunID)
		case !isSHA256(a.SHA256):
			v.add(where, "%s of run %s: sha256 %q is not a sha256 (64 lowercase hex characters)", a.Path, a.RunID, a.SHA256)
		case !ok:
			v.add(where, "%s of run %s: no %s event in the audit records this file, so its digest cannot be checked", a.Path, a.RunID, kindRunLineageChanged)
		case r.sha256 != a.SHA256:
			v.add(where, "%s of run %s has sha256 %s, but the audit recorded %s for it (seq %d)", a.Path, a.RunID, a.SHA256, r.sha256, r.seq)
		case r.size != a.Size:
			v.add(where, "%s of run %s has %d bytes, but the audit recorded %d for it (seq %d)", a.Path, a.RunID, a.Size, r.size, r.seq)
		}
		listed[key] = true
	}
	for _, r := range v.artifactEvents() {
		key := [2]string{r.run, r.path}
		if covered[r.run] && !listed[key] && last[key].seq == r.seq {
			v.add(r.where, "seq %d records artifact %s of run %s (sha256 %s), which runArtifacts does not list", r.seq, r.path, r.run, r.sha256)
		}
	}
}

// RunArtifactProblems is the part of Verify that checks p's run artifacts
// against its audit events: the hub checks a pack it gathered with it, to
// gather again when an artifact was recorded between the reads.
func RunArtifactProblems(p *Pack) []Problem {
	v := &verifier{p: p}
	v.runArtifacts()
	return v.problems
}
