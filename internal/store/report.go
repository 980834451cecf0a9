package store

import (
	"context"
	"fmt"
	"time"
)

// ReportScope is what a governance report covers: a project, or one of
// its experiments, over a period. Runs count by when they started,
// promotion requests by when they were made; a zero Since is from the
// beginning.
type ReportScope struct {
	ProjectKey   string
	ExperimentID string // "" for the whole project
	Since, Until time.Time
}

// ReportFigures are a governance report's whole-scope figures, computed in
// Neo4j over every run, dataset version and promotion request in scope.
type ReportFigures struct {
	Runs int64
	// ReproducibleRuns record everything a rerun needs (the rule of
	// governance.ReproducibilityOf: a clean commit, an image digest or a
	// lockfile hash, a seed, params, inputs all with a digest).
	ReproducibleRuns int64
	// ReproducedRuns and DivergedRuns have a newest reproduction that
	// matched, or did not.
	ReproducedRuns, DivergedRuns int64
	// VersionsUsed are the dataset versions the runs read; Validated of
	// them have a validation result, Failing a FAILED or ERROR one, and
	// WithDigest a sha256 digest the hub checked or was given.
	VersionsUsed, ValidatedVersions, FailingVersions, VersionsWithDigest int64
	// Requests made in the period, Decided of them approved or rejected.
	Requests, Approved, Rejected, Cancelled, Open int64
	// LeadTime is from request to decision over the decided requests, in
	// seconds; nil when none was decided.
	LeadTimeMean, LeadTimeP50, LeadTimeP90 *float64
}

// reportRuns is the runs of a scope, as a Cypher fragment over $project,
// $experiment (empty for all), $since and $until, binding r.
const reportRuns = `
	MATCH (r:Run:Node {projectKey: $project})
	WHERE ($experiment = '' OR r.experimentId = $experiment)
	  AND r.startedAt >= $since AND r.startedAt < $until`

// GovernanceFigures computes a report's figures in Neo4j, in one read
// transaction: the runs and their reproducibility, the dataset versions
// they read and their validations, and the promotion requests made in the
// period with their lead times.
func (s *Store) GovernanceFigures(ctx context.Context, scope ReportScope) (*ReportFigures, error) {
	params := map[string]any{"project": scope.ProjectKey, "experiment": scope.ExperimentID,
		"since": scope.Since.UTC(), "until": scope.Until.UTC()}
	return read(ctx, s, func(tx *txn) (*ReportFigures, error) {
		out := &ReportFigures{}
		runs, err := tx.single(reportRuns+`
			OPTIONAL MATCH (dv:DatasetVersion)-[:CONSUMED_BY]->(r)
			WITH r, count(dv) AS inputs, count(CASE WHEN dv IS NOT NULL AND coalesce(dv.digest, '') = '' THEN 1 END) AS undigested
			OPTIONAL MATCH (rep:Reproduction {originalRunId: r.id})
			WITH r, inputs, undigested, rep ORDER BY rep.id DESC
			WITH r, inputs, undigested, collect(rep)[0] AS latest
			WITH r, latest,
			     r.codeRepo IS NOT NULL AND coalesce(r.codeCommit, '') <> '' AND NOT coalesce(r.codeDirty, false)
			     AND (coalesce(r.envImageDigest, '') <> '' OR coalesce(r.envLockfileHash, '') <> '')
			     AND r.seed IS NOT NULL AND size(coalesce(r.paramKeys, [])) > 0
			     AND inputs > 0 AND undigested = 0 AS complete
			RETURN count(r) AS runs, count(CASE WHEN complete THEN 1 END) AS reproducible,
			       count(CASE WHEN latest.status = 'REPRODUCED' THEN 1 END) AS reproduced,
			       count(CASE WHEN latest.status = 'DIVERGED' THEN 1 END) AS diverged`, params)
		if err != nil {
			return nil, err
		}
		versions, err := tx.single(reportRuns+`
			MATCH (dv:DatasetVersion)-[:CONSUMED_BY]->(r)
			WITH DISTINCT dv
			RETURN count(dv) AS used, count(CASE WHEN coalesce(dv.qualityStatus, '') <> '' THEN 1 END) AS validated,
			       count(CASE WHEN dv.qualityStatus IN ['FAILED', 'ERROR'] THEN 1 END) AS failing,
			       count(CASE WHEN coalesce(dv.digest, '') <> '' THEN 1 END) AS digested`, params)
		if err != nil {
			return nil, err
		}
		requests, err := tx.single(`
			MATCH (q:PromotionRequest {projectKey: $project})
			WHERE q.requestedAt >= $since AND q.requestedAt < $until
			  AND ($experiment = '' OR EXISTS {
			        MATCH (r:Run {experimentId: $experiment})-[:PRODUCED]->(:ModelVersion {id: q.modelVersionId}) })
			WITH q, CASE WHEN q.status IN ['APPROVED', 'REJECTED'] AND q.closedAt IS NOT NULL
			             THEN duration.inSeconds(q.requestedAt, q.closedAt).seconds END AS lead
			RETURN count(q) AS requests,
			       count(CASE WHEN q.status = 'APPROVED' THEN 1 END) AS approved,
			       count(CASE WHEN q.status = 'REJECTED' THEN 1 END) AS rejected,
			       count(CASE WHEN q.status = 'CANCELLED' THEN 1 END) AS cancelled,
			       count(CASE WHEN q.status IN ['PENDING', 'BLOCKED'] THEN 1 END) AS open,
			       avg(lead) AS mean, percentileCont(lead, 0.5) AS p50, percentileCont(lead, 0.9) AS p90`, params)
		if err != nil {
			return nil, err
		}
		r, v, q := props{m: runs.AsMap()}, props{m: versions.AsMap()}, props{m: requests.AsMap()}
		out.Runs, out.ReproducibleRuns, out.ReproducedRuns, out.DivergedRuns = r.int("runs"), r.int("reproducible"), r.int("reproduced"), r.int("diverged")
		out.VersionsUsed, out.ValidatedVersions, out.FailingVersions, out.VersionsWithDigest = v.int("used"), v.int("validated"), v.int("failing"), v.int("digested")
		out.Requests, out.Approved, out.Rejected, out.Cancelled, out.Open = q.int("requests"), q.int("approved"), q.int("rejected"), q.int("cancelled"), q.int("open")
		out.LeadTimeMean, out.LeadTimeP50, out.LeadTimeP90 = optFloat(&q, "mean"), optFloat(&q, "p50"), optFloat(&q, "p90")
		for _, p := range []props{r, v, q} {
			if p.err != nil {
				return nil, p.err
			}
		}
		return out, nil
	})
}

// optFloat reads a number that may be null (Neo4j answers an integer
// for an aggregate over integers that lands on one of them).
func optFloat(p *props, key string) *float64 {
	switch v := p.m[key].(type) {
	case nil:
		return nil
	case int64:
		f := float64(v)
		return &f
	}
	f := floatOf(p, key)
	return &f
}

// MaxReportProduction bounds the model versions a report lists as in
// production.
const MaxReportProduction = 100

// ProductionVersionIDs lists the model versions of a report's scope in
// PRODUCTION now (an experiment's: those its runs produced), most
// recently registered first, at most MaxReportProduction.
func (s *Store) ProductionVersionIDs(ctx context.Context, scope ReportScope) ([]string, error) {
	return read(ctx, s, func(tx *txn) ([]string, error) {
		recs, err := tx.run(`
			MATCH (v:ModelVersion {projectKey: $project, stage: 'PRODUCTION'})
			WHERE $experiment = '' OR EXISTS { MATCH (:Run {experimentId: $experiment})-[:PRODUCED]->(v) }
			RETURN v.id AS id ORDER BY v.createdAt DESC, v.id DESC LIMIT $limit`,
			map[string]any{"project": scope.ProjectKey, "experiment": scope.ExperimentID, "limit": MaxReportProduction})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(recs))
		for _, rec := range recs {
			id, _ := rec.Get("id")
			s, ok := id.(string)
			if !ok {
				return nil, fmt.Errorf("production version id: got %T", id)
			}
			out = append(out, s)
		}
		return out, nil
	})
}
