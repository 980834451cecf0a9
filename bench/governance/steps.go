package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// The steps of this file are the measured series, in the order run takes
// them. Each adds its rows (and profiles) to the report.

// requestAndCancel measures requestPromotion on random model versions and
// on model versions downstream of hubs, then cancelPromotion of the same
// requests.
func (b *bench) requestAndCancel(ctx context.Context, s *sample, rep *report) error {
	progress("requestPromotion and cancelPromotion")
	var cancels []time.Duration
	for _, set := range []struct {
		name string
		mvs  []mv
	}{{"random model versions", s.randomMVs}, {"model versions downstream of hubs", s.hubMVs}} {
		ids, err := b.requestSeries(ctx, set.name, set.mvs, rep)
		if err != nil {
			return err
		}
		for i, id := range ids {
			took, err := b.cancel(ctx, id)
			if err != nil {
				return err
			}
			if i >= b.cfg.warmup {
				cancels = append(cancels, took)
			}
		}
	}
	rep.add(timed("cancelPromotion (the requests above)", cancels, ""))
	return nil
}

// requestSeries requests a promotion of each of mvs, measuring all but the
// warm-up, and returns the requests' IDs.
func (b *bench) requestSeries(ctx context.Context, name string, mvs []mv, rep *report) ([]string, error) {
	var lat []time.Duration
	var ids []string
	status := map[string]int{}
	upstream := []int{}
	for i, m := range mvs {
		req, took, err := b.request(ctx, m)
		if err != nil {
			return nil, err
		}
		ids = append(ids, req.ID)
		if i < b.cfg.warmup {
			continue
		}
		lat = append(lat, took)
		status[req.Status]++
		for _, c := range req.Checks {
			if c.Name == "UPSTREAM_VALIDATIONS" {
				upstream = append(upstream, len(c.EvidenceIDs))
			}
		}
	}
	rep.add(timed("requestPromotion, "+name, lat,
		fmt.Sprintf("%d PENDING, %d BLOCKED; upstream dataset versions per request: median %d, max %d",
			status["PENDING"], status["BLOCKED"], median(upstream), slices.Max(upstream))))
	return ids, nil
}

// approve measures approvePromotion that completes a promotion: every
// dataset version upstream of mvs gets a passing validation first
// (unmeasured), so the requests are PENDING. It returns the completed
// requests.
func (b *bench) approve(ctx context.Context, mvs []mv, rep *report) ([]string, error) {
	progress("approvePromotion")
	if err := b.validateUpstream(ctx, mvs); err != nil {
		return nil, err
	}
	var approved []string
	var approveLat []time.Duration
	for i, m := range mvs {
		req, _, err := b.request(ctx, m)
		if err != nil {
			return nil, err
		}
		if req.Status != "PENDING" {
			return nil, fmt.Errorf("request %s for %s is %s after its upstream data passed: %+v", req.ID, m.ID, req.Status, req.Checks)
		}
		var out struct {
			ApprovePromotion struct {
				Promoted         bool
				PromotionRequest struct{ Status string } `json:"promotionRequest"`
			} `json:"approvePromotion"`
		}
		took, _, err := b.do(ctx, fmt.Sprintf("bench-governance-approver-%d", i), `mutation($id: ID!) {
			approvePromotion(input: {promotionRequestId: $id, comment: "bench"}) { promoted promotionRequest { status } } }`,
			map[string]any{"id": req.ID}, &out)
		if err != nil {
			return nil, fmt.Errorf("approvePromotion %s: %w", req.ID, err)
		}
		if !out.ApprovePromotion.Promoted {
			return nil, fmt.Errorf("approvePromotion %s did not promote (%s)", req.ID, out.ApprovePromotion.PromotionRequest.Status)
		}
		delete(b.open, req.ID)
		approved = append(approved, req.ID)
		if i >= b.cfg.warmup {
			approveLat = append(approveLat, took)
		}
	}
	rep.add(timed("approvePromotion completing a promotion (1 approval required)", approveLat,
		"checks evaluated again, version moved, request closed, events appended"))
	return approved, nil
}

// validateUpstream records a passing validation on every dataset version
// upstream of mvs that has not passed yet.
func (b *bench) validateUpstream(ctx context.Context, mvs []mv) error {
	validated := 0
	for _, m := range mvs {
		dvs, err := b.graphs.UnvalidatedUpstream(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, dv := range dvs {
			if _, _, err := b.validate(ctx, dv); err != nil {
				return err
			}
			validated++
		}
	}
	fmt.Printf("recorded passing validations on %d upstream dataset versions of the versions to approve\n", validated)
	return nil
}

// evidencePacks measures evidencePack of the completed requests.
func (b *bench) evidencePacks(ctx context.Context, approved []string, rep *report) error {
	progress("evidencePack")
	var packLat []time.Duration
	var packSizes []int
	for i, id := range approved {
		var out struct {
			EvidencePack json.RawMessage `json:"evidencePack"`
		}
		took, _, err := b.do(ctx, adminSubject, `query($id: ID!) { evidencePack(promotionRequestId: $id) }`, map[string]any{"id": id}, &out)
		if err != nil {
			return fmt.Errorf("evidencePack %s: %w", id, err)
		}
		if i >= b.cfg.warmup {
			packLat = append(packLat, took)
			packSizes = append(packSizes, len(out.EvidencePack))
		}
	}
	rep.add(timed("evidencePack of a completed request", packLat,
		fmt.Sprintf("JSON median %s, max %s", kib(median(packSizes)), kib(slices.Max(packSizes)))))
	return nil
}

// validateRandom measures a validation result on typical dataset
// versions, with no open requests, and profiles the re-evaluation
// statement on the one whose validation took longest.
func (b *bench) validateRandom(ctx context.Context, dvs []string, rep *report) error {
	progress("recordValidationResult on random dataset versions")
	var dvLat []time.Duration
	var dvFailure error
	var slowest string
	var slowestTook time.Duration
	for i, dv := range dvs {
		took, _, err := b.validate(ctx, dv)
		if err != nil {
			dvFailure = err
			break
		}
		if i >= b.cfg.warmup {
			dvLat = append(dvLat, took)
		}
		if took > slowestTook {
			slowest, slowestTook = dv, took
		}
	}
	dvNote := "typical dataset versions"
	if dvFailure != nil {
		dvNote += "; fails: " + cause(dvFailure)
	}
	rep.add(timed("recordValidationResult on random dataset versions, no open requests", dvLat, dvNote))
	if slowest != "" {
		prof, err := b.profileReevaluation(ctx, slowest)
		if err != nil {
			return err
		}
		rep.profiles = append(rep.profiles, fmt.Sprintf("the statement, the random dataset version whose validation took longest (%s), no open requests:\n%s",
			ms(slowestTook), prof))
	}
	return nil
}

// reevaluationCase is a number of open requests on model versions
// downstream of the hub, or not.
type reevaluationCase struct {
	name string
	mvs  []mv
}

// reevaluationCases measures what open requests add to a validation
// result on the hub: none, then K not downstream of it and K downstream
// of it for each K.
func (b *bench) reevaluationCases(ctx context.Context, s *sample, rep *report) error {
	cases := []reevaluationCase{{"no open requests", nil}}
	for _, k := range b.cfg.ks {
		cases = append(cases, reevaluationCase{fmt.Sprintf("%d open requests NOT downstream of it", k), s.elsewhereMVs[:k]},
			reevaluationCase{fmt.Sprintf("%d open requests downstream of it", k), s.belowMVs[:k]})
	}
	for _, c := range cases {
		if err := b.reevaluationCase(ctx, s, c, rep); err != nil {
			return err
		}
	}
	return nil
}

// reevaluationCase opens the case's requests, measures validations of the
// hub and the re-evaluation statement alone, then cancels the requests.
func (b *bench) reevaluationCase(ctx context.Context, s *sample, c reevaluationCase, rep *report) error {
	progress("recordValidationResult on the hub, " + c.name)
	var ids []string
	for _, m := range c.mvs {
		req, _, err := b.request(ctx, m)
		if err != nil {
			return err
		}
		ids = append(ids, req.ID)
	}
	// Which requests the plan reads: PROFILE with a dataset version
	// that does not exist shows it cheaply.
	probe, err := b.planProbe(ctx)
	if err != nil {
		return err
	}
	// One unmeasured call, then up to --validations measured ones
	// within --case-budget. A call that fails (the 30 s transaction
	// timeout) ends the series: it is the result.
	lat, failure := series(b.cfg.nValidations, b.cfg.caseBudget, func() (time.Duration, error) {
		took, runStatus, err := b.validate(ctx, s.hub)
		if err == nil && runStatus != "PASSED" {
			return 0, fmt.Errorf("recordValidationResult on %s: status %s, want PASSED", s.hub, runStatus)
		}
		return took, err
	})
	rawLat, rawFailure := series(b.cfg.nValidations, b.cfg.caseBudget, func() (time.Duration, error) {
		return b.rawReevaluation(ctx, s.hub)
	})
	note := "plan: " + probe + "; "
	if failure != nil {
		note += fmt.Sprintf("fails: %s; ", cause(failure))
	}
	if rawFailure != nil {
		note += fmt.Sprintf("statement alone fails: %s", cause(rawFailure))
	} else {
		note += fmt.Sprintf("statement alone: %d calls, p50 %s, p99 %s", len(rawLat), ms(pctl(rawLat, 0.5)), ms(pctl(rawLat, 0.99)))
		prof, err := b.profileReevaluation(ctx, s.hub)
		if err != nil {
			return err
		}
		rep.profiles = append(rep.profiles, fmt.Sprintf("the statement, hub %d, %s:\n%s", b.cfg.hubIndex, c.name, prof))
	}
	rep.add(timed(fmt.Sprintf("recordValidationResult on hub %d (%d model versions downstream), %s", b.cfg.hubIndex, s.downstream, c.name), lat, note))
	_, err = b.cancelAll(ctx, ids)
	return err
}

// verifyAuditLog measures verifyAuditLog over the whole event log.
func (b *bench) verifyAuditLog(ctx context.Context, project string, rep *report) error {
	progress("verifyAuditLog")
	var verifyLat []time.Duration
	var checked int
	for range b.cfg.verifyRuns {
		var out struct {
			VerifyAuditLog struct {
				Ok      bool
				Checked int
				HeadSeq int `json:"headSeq"`
			} `json:"verifyAuditLog"`
		}
		took, _, err := b.do(ctx, adminSubject, `query($p: String!) { verifyAuditLog(projectKey: $p) { ok checked headSeq } }`,
			map[string]any{"p": project}, &out)
		if err != nil {
			return fmt.Errorf("verifyAuditLog: %w", err)
		}
		if !out.VerifyAuditLog.Ok {
			return fmt.Errorf("verifyAuditLog: the chain is broken: %+v", out.VerifyAuditLog)
		}
		checked = out.VerifyAuditLog.Checked
		verifyLat = append(verifyLat, took)
	}
	slices.Sort(verifyLat)
	rep.add(row{name: "verifyAuditLog, the whole event log", calls: len(verifyLat), p50: pctl(verifyLat, 0.5), p99: verifyLat[len(verifyLat)-1],
		note: fmt.Sprintf("%d events; %.0f events/s at the median (p99 column: slowest)", checked, float64(checked)/pctl(verifyLat, 0.5).Seconds())})
	return nil
}
