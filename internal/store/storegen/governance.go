package storegen

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/exphub/exphub/internal/store"
)

// The reads of this file serve bench/governance: finding the projects,
// model versions and open requests of a generated graph, the lineage
// around its hubs, and timing and profiling the store's re-evaluation
// statement on its own.

// walkTimeout bounds the lineage walks of a benchmark's setup. A walk from
// a hub of the million-node graph crosses over a hundred thousand nodes,
// and a benchmark that stops in its setup measures nothing, so the bound
// is far above readTimeout.
const walkTimeout = 10 * time.Minute

// ModelVersion is a model version of a generated graph and its stage.
type ModelVersion struct{ ID, Stage string }

// ProjectKeys returns the keys of the projects whose keys start with
// prefix+"-", in order.
func (gs *Graphs) ProjectKeys(ctx context.Context, prefix string) ([]string, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) ([]string, error) {
		recs, err := run(ctx, tx, `MATCH (p:Project) WHERE p.key STARTS WITH $p RETURN p.key AS id ORDER BY id`,
			map[string]any{"p": prefix + "-"})
		if err != nil {
			return nil, err
		}
		return recStrs(recs, "id")
	})
}

// OpenPromotionRequests returns the IDs of the open promotion requests of
// the projects whose keys start with prefix+"-", in order.
func (gs *Graphs) OpenPromotionRequests(ctx context.Context, prefix string) ([]string, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) ([]string, error) {
		recs, err := run(ctx, tx, `MATCH (r:PromotionRequest {open: true}) WHERE r.projectKey STARTS WITH $p RETURN r.id AS id ORDER BY id`,
			map[string]any{"p": prefix + "-"})
		if err != nil {
			return nil, err
		}
		return recStrs(recs, "id")
	})
}

// ModelVersions returns the model versions of the projects whose keys
// start with prefix+"-", with their stages, in ID order.
func (gs *Graphs) ModelVersions(ctx context.Context, prefix string) ([]ModelVersion, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) ([]ModelVersion, error) {
		recs, err := run(ctx, tx, `MATCH (m:ModelVersion) WHERE m.projectKey STARTS WITH $p RETURN m.id AS id, m.stage AS stage ORDER BY id`,
			map[string]any{"p": prefix + "-"})
		if err != nil {
			return nil, err
		}
		return recModelVersions(recs)
	})
}

// ModelVersionsDownstream returns the model versions within 50 lineage
// hops downstream of dataset version id, with their stages, in ID order.
func (gs *Graphs) ModelVersionsDownstream(ctx context.Context, id string) ([]ModelVersion, error) {
	return readWithin(ctx, gs, walkTimeout, func(tx neo4j.ManagedTransaction) ([]ModelVersion, error) {
		recs, err := run(ctx, tx, `
			MATCH (:DatasetVersion {id: $id})-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..50]->(m:ModelVersion)
			WITH DISTINCT m RETURN m.id AS id, m.stage AS stage ORDER BY id`, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		return recModelVersions(recs)
	})
}

// UnvalidatedUpstream returns the IDs of the dataset versions within 50
// lineage hops upstream of model version id whose quality status is not
// PASSED, in order: those a promotion of it waits for.
func (gs *Graphs) UnvalidatedUpstream(ctx context.Context, id string) ([]string, error) {
	return readWithin(ctx, gs, walkTimeout, func(tx neo4j.ManagedTransaction) ([]string, error) {
		recs, err := run(ctx, tx, `
			MATCH (dv:DatasetVersion)-[:CONSUMED_BY|PRODUCED|DERIVED_INTO*1..50]->(:ModelVersion {id: $id})
			WITH DISTINCT dv WHERE coalesce(dv.qualityStatus, '') <> 'PASSED'
			RETURN dv.id AS id ORDER BY id`, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		return recStrs(recs, "id")
	})
}

// RequestCounts counts the promotion requests of the whole database.
type RequestCounts struct{ Total, Open int64 }

// CountPromotionRequests counts every promotion request in the database
// and the open ones: what the re-evaluation statement's plan may read.
func (gs *Graphs) CountPromotionRequests(ctx context.Context) (RequestCounts, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) (RequestCounts, error) {
		rec, err := one(run(ctx, tx, `MATCH (r:PromotionRequest) RETURN count(r) AS n, count(CASE WHEN r.open THEN 1 END) AS open`, nil))
		if err != nil {
			return RequestCounts{}, err
		}
		n, err := recInt(rec, "n")
		if err != nil {
			return RequestCounts{}, err
		}
		open, err := recInt(rec, "open")
		return RequestCounts{Total: n, Open: open}, err
	})
}

// Reevaluate runs the store's re-evaluation statement
// (store.ReevaluationQuery, the store's own text, so it shares the store's
// cached plan) for dataset version id on its own, in a read transaction
// that may run for timeout, and returns the number of open requests it
// found.
func (gs *Graphs) Reevaluate(ctx context.Context, id string, timeout time.Duration) (int, error) {
	return readWithin(ctx, gs, timeout, func(tx neo4j.ManagedTransaction) (int, error) {
		recs, err := run(ctx, tx, store.ReevaluationQuery(), map[string]any{"id": id})
		return len(recs), err
	})
}

// ReevaluationProfile is one run of the re-evaluation statement under
// PROFILE.
type ReevaluationProfile struct {
	// Rows is the number of open requests the statement found.
	Rows int
	// Plan is the profiled plan, nil when the server sent none.
	Plan neo4j.ProfiledPlan
}

// ProfileReevaluation runs the store's re-evaluation statement for
// dataset version id under PROFILE, as Reevaluate runs it, and returns
// its rows and plan.
func (gs *Graphs) ProfileReevaluation(ctx context.Context, id string, timeout time.Duration) (ReevaluationProfile, error) {
	return readWithin(ctx, gs, timeout, func(tx neo4j.ManagedTransaction) (ReevaluationProfile, error) {
		res, err := tx.Run(ctx, "PROFILE "+store.ReevaluationQuery(), map[string]any{"id": id})
		if err != nil {
			return ReevaluationProfile{}, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return ReevaluationProfile{}, err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return ReevaluationProfile{}, err
		}
		return ReevaluationProfile{Rows: len(recs), Plan: sum.Profile()}, nil
	})
}

// ServerVersion returns the version and edition of the Neo4j server, as
// "5.26.0 enterprise".
func (gs *Graphs) ServerVersion(ctx context.Context) (string, error) {
	return read(ctx, gs, func(tx neo4j.ManagedTransaction) (string, error) {
		rec, err := one(run(ctx, tx, `CALL dbms.components() YIELD versions, edition RETURN versions[0] + ' ' + edition AS v`, nil))
		if err != nil {
			return "", err
		}
		return recStr(rec, "v")
	})
}

// recModelVersions reads the id and stage columns of every record.
func recModelVersions(recs []*neo4j.Record) ([]ModelVersion, error) {
	out := make([]ModelVersion, len(recs))
	for i, rec := range recs {
		id, err := recStr(rec, "id")
		if err != nil {
			return nil, err
		}
		stage, err := recStr(rec, "stage")
		if err != nil {
			return nil, err
		}
		out[i] = ModelVersion{ID: id, Stage: stage}
	}
	return out, nil
}
