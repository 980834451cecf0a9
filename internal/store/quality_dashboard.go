package store

import (
	"context"
	"time"
)

// Bounds of a project's data-quality figures.
const (
	// MaxQualityDays is the longest period of the pass rate, in days.
	MaxQualityDays = 90
	// MaxSlowSuites is how many of the slowest suites are listed.
	MaxSlowSuites = 5
	// MaxFailingVersions is how many failing dataset versions are listed.
	MaxFailingVersions = 20
	// MaxDashboardModels is how many of a project's newest model versions
	// are checked for risk.
	MaxDashboardModels = 200
	// MaxModelsAtRisk is how many of those at risk are listed.
	MaxModelsAtRisk = 20
	// MaxDashboardVersions is how many of a project's newest dataset
	// versions that do not fail themselves are checked for risk.
	MaxDashboardVersions = 200
	// MaxDatasetsAtRisk is how many of those at risk are listed.
	MaxDatasetsAtRisk = 20
)

// QualityDay is one day of validation runs.
type QualityDay struct {
	Day          time.Time
	Runs, Passed int
}

// SuiteTiming is how long a suite's runs took.
type SuiteTiming struct {
	SuiteID                 string
	Runs                    int
	MeanSeconds, MaxSeconds float64
}

// QualityFigures are a project's data-quality figures, computed in Neo4j
// over all its datasets, versions and validation runs.
type QualityFigures struct {
	ProjectKey                                   string
	Datasets, DatasetsWithSuites                 int
	Versions, ValidatedVersions, FailingVersions int
	// Days are the days since the period's start on which runs finished,
	// oldest first.
	Days []QualityDay
	// SlowestSuites are the suites with the longest mean run in the
	// period, slowest first.
	SlowestSuites []SuiteTiming
	// Failing are the newest failing dataset versions (FAILED or ERROR).
	Failing []string
	// Models are the project's newest model versions, to check for risk.
	Models []string
	// NotFailing are the project's newest dataset versions that do not
	// fail themselves (no status, PASSED or WARNED), to check for risk.
	NotFailing []string
}

// QualityFigures computes a project's data-quality figures since a time,
// in one read transaction.
func (s *Store) QualityFigures(ctx context.Context, projectKey string, since time.Time) (*QualityFigures, error) {
	params := map[string]any{"k": projectKey, "since": since.UTC(), "slow": MaxSlowSuites, "failing": MaxFailingVersions, "models": MaxDashboardModels, "versions": MaxDashboardVersions}
	return read(ctx, s, func(tx *txn) (*QualityFigures, error) {
		out := &QualityFigures{ProjectKey: projectKey, Days: []QualityDay{}, SlowestSuites: []SuiteTiming{}, Failing: []string{}, Models: []string{}, NotFailing: []string{}}
		counts, err := tx.single(`
			CALL { MATCH (d:Dataset {projectKey: $k})
			       RETURN count(d) AS datasets, count(CASE WHEN EXISTS { (d)-[:HAS_SUITE]->(:ValidationSuite) } THEN 1 END) AS suited }
			CALL { MATCH (v:DatasetVersion:Node {projectKey: $k})
			       RETURN count(v) AS versions, count(CASE WHEN coalesce(v.qualityStatus, '') <> '' THEN 1 END) AS validated,
			              count(CASE WHEN v.qualityStatus IN ['FAILED', 'ERROR'] THEN 1 END) AS failing }
			RETURN datasets, suited, versions, validated, failing`, params)
		if err != nil {
			return nil, err
		}
		c := props{m: counts.AsMap()}
		out.Datasets, out.DatasetsWithSuites = int(c.int("datasets")), int(c.int("suited"))
		out.Versions, out.ValidatedVersions, out.FailingVersions = int(c.int("versions")), int(c.int("validated")), int(c.int("failing"))
		if c.err != nil {
			return nil, c.err
		}
		days, err := tx.run(`
			MATCH (r:ValidationRun {projectKey: $k}) WHERE r.status <> 'RUNNING' AND r.finishedAt >= $since
			WITH date(r.finishedAt) AS day, r.status AS status
			RETURN datetime({date: day}) AS day, count(*) AS runs, count(CASE WHEN status = 'PASSED' THEN 1 END) AS passed
			ORDER BY day`, params)
		if err != nil {
			return nil, err
		}
		for _, rec := range days {
			p := props{m: rec.AsMap()}
			out.Days = append(out.Days, QualityDay{Day: p.time("day"), Runs: int(p.int("runs")), Passed: int(p.int("passed"))})
			if p.err != nil {
				return nil, p.err
			}
		}
		slow, err := tx.run(`
			MATCH (r:ValidationRun {projectKey: $k})
			WHERE r.status <> 'RUNNING' AND r.finishedAt >= $since AND r.startedAt IS NOT NULL AND r.suiteId IS NOT NULL
			WITH r.suiteId AS suite, duration.inSeconds(r.startedAt, r.finishedAt).milliseconds / 1000.0 AS secs
			WITH suite, count(*) AS runs, avg(secs) AS mean, max(secs) AS slowest
			RETURN suite, runs, mean, slowest ORDER BY mean DESC, suite LIMIT $slow`, params)
		if err != nil {
			return nil, err
		}
		for _, rec := range slow {
			p := props{m: rec.AsMap()}
			out.SlowestSuites = append(out.SlowestSuites, SuiteTiming{SuiteID: p.str("suite"), Runs: int(p.int("runs")),
				MeanSeconds: *optFloat(&p, "mean"), MaxSeconds: *optFloat(&p, "slowest")})
			if p.err != nil {
				return nil, p.err
			}
		}
		ids, err := tx.run(`
			CALL { MATCH (v:DatasetVersion:Node {projectKey: $k}) WHERE v.qualityStatus IN ['FAILED', 'ERROR']
			       RETURN v.id AS id, 'failing' AS what ORDER BY v.createdAt DESC, v.id LIMIT $failing
			       UNION ALL
			       MATCH (m:ModelVersion {projectKey: $k})
			       RETURN m.id AS id, 'model' AS what ORDER BY m.createdAt DESC, m.id LIMIT $models
			       UNION ALL
			       MATCH (v:DatasetVersion:Node {projectKey: $k}) WHERE NOT coalesce(v.qualityStatus, '') IN ['FAILED', 'ERROR']
			       RETURN v.id AS id, 'version' AS what ORDER BY v.createdAt DESC, v.id LIMIT $versions }
			RETURN id, what`, params)
		if err != nil {
			return nil, err
		}
		for _, rec := range ids {
			p := props{m: rec.AsMap()}
			switch p.str("what") {
			case "failing":
				out.Failing = append(out.Failing, p.str("id"))
			case "model":
				out.Models = append(out.Models, p.str("id"))
			default:
				out.NotFailing = append(out.NotFailing, p.str("id"))
			}
			if p.err != nil {
				return nil, p.err
			}
		}
		return out, nil
	})
}
