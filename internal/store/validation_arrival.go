package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// Validation on arrival follows the event log from a cursor kept in the
// graph (a LogCursor node): every DATASET_VERSION_REGISTERED event after
// it is a version whose dataset's on-arrival suites must run. The cursor
// moves in the transaction that starts the runs, so a registration is
// either still after the cursor (pending, visible through
// ArrivalBacklog) or has its runs recorded: none is lost when a server
// stops, and none is started twice when replicas race (the cursor is
// compared and set under its lock).

// ArrivalFeed is what a server's validation on arrival follows: the
// registrations of every project, or of some. Each feed has a cursor of
// its own, named after its projects, so changing the projects starts a
// new cursor at the log's head.
type ArrivalFeed struct {
	// ProjectKeys limits the feed to these projects; none: every project.
	ProjectKeys []string
}

// cursor is the name of the feed's LogCursor.
func (f ArrivalFeed) cursor() string {
	if len(f.ProjectKeys) == 0 {
		return "validation-arrival"
	}
	keys := slices.Clone(f.ProjectKeys)
	slices.Sort(keys)
	return "validation-arrival:" + strings.Join(slices.Compact(keys), ",")
}

func (f ArrivalFeed) params() map[string]any {
	keys := f.ProjectKeys
	if keys == nil {
		keys = []string{}
	}
	return map[string]any{"cursor": f.cursor(), "feedKeys": keys}
}

// check validates the feed's project keys.
func (f ArrivalFeed) check() error {
	for _, k := range f.ProjectKeys {
		if err := checkProjectKey("projectKeys", k); err != nil {
			return err
		}
	}
	return nil
}

// OpenArrivalFeed makes the feed's cursor, at the log's head, unless it
// exists: a feed started for the first time does not validate the
// history before it.
func (s *Store) OpenArrivalFeed(ctx context.Context, f ArrivalFeed) error {
	if err := f.check(); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		_, err := tx.run(`MATCH (h:EventLog {name: 'main'}) MERGE (c:LogCursor {name: $cursor}) ON CREATE SET c.seq = h.seq`, f.params())
		return struct{}{}, err
	})
	return err
}

// errNoCursor is returned for a feed that was not opened.
var errNoCursor = fmt.Errorf("%w: the validation-on-arrival cursor is missing (OpenArrivalFeed)", errs.Unavailable)

// Arrival is a registered dataset version and the suites that apply to
// it on arrival.
type Arrival struct {
	// Seq is the registration's position in the log.
	Seq              int64
	ProjectKey       string
	DatasetVersionID string
	// DatasetID is the version's dataset ("" when the version is gone).
	DatasetID string
	// SuiteIDs are the dataset's suites that run on arrival and existed
	// when the version was registered, by ID; none when no suite applies
	// (the cursor passes it all the same).
	SuiteIDs []string
	// Templates are the IDs of the templates the dataset's suites follow
	// (whenever they were made): a template applying itself on arrival
	// makes no second suite.
	Templates []string
	// Suites is how many suites the dataset has (at most
	// MaxSuitesPerDataset).
	Suites int
}

// ArrivalPage is what PendingArrivals read.
type ArrivalPage struct {
	// From is the cursor's position when read; StartArrivalRuns moves it
	// only from there.
	From int64
	// Arrivals are the registrations after From, in log order.
	Arrivals []Arrival
	// Through is how far the page covers the log: the cursor may move
	// there once the arrivals' runs are started.
	Through int64
	// More: the log may hold more after Through than the page read.
	More bool
	// Head is the log's head when the page was read.
	Head int64
}

// arrivalScan is how many events of the log PendingArrivals reads at
// most, of any kind.
const arrivalScan = 1_000

// PendingArrivals reads up to limit registrations after the arrival
// cursor, with the suites that apply to each. It reads the log's events
// in order and stops at a gap: sequence numbers have none, so a gap is a
// writer's commit this read raced (Neo4j reads are read-committed, not a
// snapshot), and what follows it is read at the next call.
func (s *Store) PendingArrivals(ctx context.Context, f ArrivalFeed, limit int) (ArrivalPage, error) {
	if limit < 1 || limit > MaxEventPage {
		return ArrivalPage{}, invalid("limit: must be between 1 and %d, got %d", MaxEventPage, limit)
	}
	if err := f.check(); err != nil {
		return ArrivalPage{}, err
	}
	return read(ctx, s, func(tx *txn) (ArrivalPage, error) {
		var page ArrivalPage
		rec, err := tx.single(`MATCH (c:LogCursor {name: $cursor}), (h:EventLog {name: 'main'}) RETURN c.seq AS from, h.seq AS head`, f.params())
		if err != nil {
			return page, err
		}
		if rec == nil {
			return page, errNoCursor
		}
		if page.From, err = recInt(rec, "from"); err != nil {
			return page, err
		}
		if page.Head, err = recInt(rec, "head"); err != nil {
			return page, err
		}
		recs, err := tx.run(`
			MATCH (e:Event) WHERE e.seq > $from AND e.seq <= $from + $scan
			RETURN e.seq AS seq, e.kind = $kind AND (size($feedKeys) = 0 OR e.projectKey IN $feedKeys) AS arrival,
			       e.projectKey AS projectKey, e.targetId AS version, e.at AS at
			ORDER BY seq`, with(f.params(), map[string]any{"from": page.From, "scan": arrivalScan, "kind": string(EventDatasetVersionRegister)}))
		if err != nil {
			return page, err
		}
		page.Through = page.From
		var rows []map[string]any
		for _, rec := range recs {
			seq, err := recInt(rec, "seq")
			if err != nil {
				return page, err
			}
			if seq != page.Through+1 {
				page.More = true
				break
			}
			page.Through = seq
			if arrival, _ := rec.Get("arrival"); arrival != true {
				continue
			}
			a := Arrival{Seq: seq}
			if a.ProjectKey, err = recStr(rec, "projectKey"); err != nil {
				return page, err
			}
			if a.DatasetVersionID, err = recStr(rec, "version"); err != nil {
				return page, err
			}
			at, _ := rec.Get("at")
			rows = append(rows, map[string]any{"version": a.DatasetVersionID, "at": at})
			page.Arrivals = append(page.Arrivals, a)
			if len(page.Arrivals) == limit {
				page.More = true
				break
			}
		}
		if len(recs) == arrivalScan {
			page.More = true
		}
		if len(rows) == 0 {
			return page, nil
		}
		// The suites of each version's dataset that run on arrival and
		// existed when it was registered.
		recs, err = tx.run(`
			UNWIND range(0, size($rows) - 1) AS i
			WITH i, $rows[i] AS a
			OPTIONAL MATCH (v:DatasetVersion {id: a.version})
			CALL { WITH v, a
			       OPTIONAL MATCH (:Dataset {id: v.datasetId})-[:HAS_SUITE]->(s:ValidationSuite)
			       WITH s, a ORDER BY s.createdAt, s.id
			       RETURN collect(CASE WHEN `+suiteApplied("a.at")+` THEN s.id END) AS suites,
			              collect(DISTINCT s.templateId) AS templates, count(s) AS suiteCount }
			RETURN i, v.datasetId AS dataset, suites, templates, suiteCount ORDER BY i`, map[string]any{"rows": rows})
		if err != nil {
			return page, err
		}
		for i, rec := range recs {
			a := &page.Arrivals[i]
			if a.SuiteIDs, err = recStrs(rec, "suites"); err != nil {
				return page, err
			}
			if a.Templates, err = recStrs(rec, "templates"); err != nil {
				return page, err
			}
			all, err := recInt(rec, "suiteCount")
			if err != nil {
				return page, err
			}
			a.Suites = int(all)
			if d, ok := rec.Get("dataset"); ok && d != nil {
				if a.DatasetID, err = recStr(rec, "dataset"); err != nil {
					return page, err
				}
			}
		}
		return page, nil
	})
}

// ArrivalRun is one run StartArrivalRuns starts.
type ArrivalRun struct {
	SuiteID, DatasetVersionID string
}

// ActorArrival is the actor of the runs validation on arrival starts.
const ActorArrival = "exphub:validation-on-arrival"

// StartArrivalRuns starts runs (each as StartValidationRun, with trigger
// ARRIVAL) and moves the arrival cursor from from to through, in one
// transaction. A cursor no longer at from (another replica moved it) is
// errs.Conflict and nothing is written. A run whose suite or version was
// deleted, or whose suite was set to run only when asked since, is left
// out: the registration has been looked at.
func (s *Store) StartArrivalRuns(ctx context.Context, f ArrivalFeed, from, through int64, runs []ArrivalRun, deadline time.Time) ([]*ValidationRun, error) {
	if through < from {
		return nil, invalid("through: %d is before the cursor's %d", through, from)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx *txn) ([]*ValidationRun, error) {
		rec, err := tx.single(`MATCH (c:LogCursor {name: $cursor}) `+lockClause("c")+` RETURN c.seq AS seq`, f.params())
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, errNoCursor
		}
		at, err := recInt(rec, "seq")
		if err != nil {
			return nil, err
		}
		if at != from {
			return nil, conflict("the validation-on-arrival cursor is at %d, not %d: another replica moved it", at, from)
		}
		// Suites deleted or set to run only when asked since the page was
		// read are left out.
		ids := make([]string, len(runs))
		for i, r := range runs {
			ids[i] = r.SuiteID
		}
		rec, err = tx.single(`UNWIND $ids AS id MATCH (s:ValidationSuite {id: id}) WHERE s.manualOnly IS NULL RETURN collect(DISTINCT s.id) AS on`,
			map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		on, err := recStrs(rec, "on")
		if err != nil {
			return nil, err
		}
		var started []*ValidationRun
		for _, r := range runs {
			if !slices.Contains(on, r.SuiteID) {
				continue
			}
			run, _, err := s.startRun(tx, ActorArrival, StartValidationRunInput{SuiteID: r.SuiteID, DatasetVersionID: r.DatasetVersionID, Deadline: deadline}, TriggerArrival)
			if errors.Is(err, errs.NotFound) {
				continue // the version was deleted
			}
			if err != nil {
				return nil, err
			}
			started = append(started, run)
		}
		_, err = tx.run(`MATCH (c:LogCursor {name: $cursor}) SET c.seq = $through`, with(f.params(), map[string]any{"through": through}))
		return started, err
	})
}

// suiteApplied is the condition on a suite s of a version's dataset that
// runs on the version's registration at time at: it runs on arrival and
// existed then.
func suiteApplied(at string) string { return "s.manualOnly IS NULL AND s.createdAt <= " + at }

// awaitsSuite holds for a registration event e (after the cursor) of the
// feed whose version's dataset has a suite that applies to it.
var awaitsSuite = `(size($feedKeys) = 0 OR e.projectKey IN $feedKeys)
			  AND EXISTS { MATCH (v:DatasetVersion {id: e.targetId}), (:Dataset {id: v.datasetId})-[:HAS_SUITE]->(s:ValidationSuite)
			               WHERE ` + suiteApplied("e.at") + ` }`

// ArrivalBacklog counts the registrations of a project's dataset
// versions that wait for validation on arrival: after the cursor, on a
// dataset with a suite that runs on arrival.
func (s *Store) ArrivalBacklog(ctx context.Context, f ArrivalFeed, projectKey string) (int, error) {
	if err := checkProjectKey("projectKey", projectKey); err != nil {
		return 0, err
	}
	if err := f.check(); err != nil {
		return 0, err
	}
	return read(ctx, s, func(tx *txn) (int, error) {
		rec, err := tx.single(`
			MATCH (c:LogCursor {name: $cursor})
			OPTIONAL MATCH (e:Event) WHERE e.projectKey = $key AND e.seq > c.seq AND e.kind = $kind
			  AND `+awaitsSuite+`
			RETURN count(e) AS n`,
			with(f.params(), map[string]any{"key": projectKey, "kind": string(EventDatasetVersionRegister)}))
		if err != nil || rec == nil {
			return 0, err
		}
		n, err := recInt(rec, "n")
		return int(n), err
	})
}

// AwaitingArrival reports which of the versions wait for validation on
// arrival (as ArrivalBacklog counts them).
func (s *Store) AwaitingArrival(ctx context.Context, f ArrivalFeed, versionIDs []string) (map[string]bool, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (map[string]bool, error) {
		recs, err := tx.run(`
			MATCH (c:LogCursor {name: $cursor})
			UNWIND $ids AS id
			MATCH (e:Event {targetId: id}) WHERE e.kind = $kind AND e.seq > c.seq
			  AND `+awaitsSuite+`
			RETURN DISTINCT id`,
			with(f.params(), map[string]any{"ids": versionIDs, "kind": string(EventDatasetVersionRegister)}))
		if err != nil {
			return nil, err
		}
		out := make(map[string]bool, len(recs))
		for _, rec := range recs {
			id, err := recStr(rec, "id")
			if err != nil {
				return nil, err
			}
			out[id] = true
		}
		return out, nil
	})
}

// SetValidationSuiteOnArrival turns a suite's validation on arrival on or
// off; the definition and its version do not change. Setting what is
// already set changes nothing and reports changed=false, with no event.
func (s *Store) SetValidationSuiteOnArrival(ctx context.Context, actor, suiteID string, on bool) (*ValidationSuite, bool, error) {
	return s.changeSuite(ctx, suiteID, func(_ *txn, old *ValidationSuite, _ *Dataset) (map[string]any, error) {
		if old.OnArrival == on {
			return nil, nil
		}
		return map[string]any{"manualOnly": manualOnly(!on), "updatedAt": s.now().UTC(), "updatedBy": actor}, nil
	}, actor)
}

// manualOnly is the stored manualOnly property: true, or absent (null).
func manualOnly(manual bool) any {
	if manual {
		return true
	}
	return nil
}

// with returns p with the entries of q added.
func with(p, q map[string]any) map[string]any {
	maps.Copy(p, q)
	return p
}
