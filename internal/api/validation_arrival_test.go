package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/api"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/validation"
)

// TestValidationOnArrivalThroughGraphQL: versions registered through
// GraphQL onto a dataset with an on-arrival suite show as awaiting (on
// the version and in the dashboard's count) until a follower takes them,
// then each has one run whose trigger is ARRIVAL; a suite turned off
// through GraphQL does not run on the next version.
func TestValidationOnArrivalThroughGraphQL(t *testing.T) {
	st := neo4jtest.Store(t)
	key, d := newDataset(t, st, "varr")
	feed := &store.ArrivalFeed{ProjectKeys: []string{key}}
	if err := st.OpenArrivalFeed(t.Context(), *feed); err != nil {
		t.Fatal(err)
	}
	runner := validation.New(st, validation.Options{Concurrency: 1, MaxQueued: 2, FileRoots: []string{t.TempDir(), "/tmp"}})
	t.Cleanup(runner.Stop)
	h := newHub(t, func(o *api.Options) { o.Store, o.Validations, o.Data, o.Arrivals = st, runner, runner, feed })
	owner := token(t, "carol", map[string]auth.Role{key: auth.RoleContributor})
	suiteID := createSuite(t, h, owner, d.ID, "basic", ordersSuite)

	path, sum := writeData(t, "orders.csv", ordersCSV)
	var versions []string
	for _, label := range []string{"v1", "v2", "v3"} {
		var out struct {
			RegisterDatasetVersion struct{ DatasetVersion struct{ ID string } }
		}
		h.gql(t, owner, `mutation($d: ID!, $l: String!, $u: String!, $s: String!) {
			registerDatasetVersion(input: {datasetId: $d, version: $l, uri: $u, digest: $s}) { datasetVersion { id } } }`,
			map[string]any{"d": d.ID, "l": label, "u": path, "s": sum}).ok(t, &out)
		versions = append(versions, out.RegisterDatasetVersion.DatasetVersion.ID)
	}
	type state struct {
		QualityDashboard struct{ AwaitingValidation int }
		Node             struct{ AwaitingValidation bool }
		ValidationRuns   struct {
			TotalCount int
			Edges      []struct {
				Node struct{ Status, Trigger string }
			}
		}
	}
	read := func() state {
		var s state
		h.gql(t, owner, `query($k: String!, $v: ID!, $d: ID!) {
			qualityDashboard(projectKey: $k) { awaitingValidation }
			node(id: $v) { ... on DatasetVersion { awaitingValidation } }
			validationRuns(datasetId: $d) { totalCount edges { node { status trigger } } } }`,
			map[string]any{"k": key, "v": versions[0], "d": d.ID}).ok(t, &s)
		return s
	}
	if s := read(); s.QualityDashboard.AwaitingValidation != 3 || !s.Node.AwaitingValidation || s.ValidationRuns.TotalCount != 0 {
		t.Fatalf("before anyone follows: %+v; want 3 awaiting, the version awaiting, no runs", s)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go runner.FollowArrivals(ctx, st, *feed, 10*time.Millisecond)
	var last state
	if !testwait.Until(5*time.Minute, func() bool {
		last = read()
		finished := 0
		for _, e := range last.ValidationRuns.Edges {
			if e.Node.Status != "RUNNING" {
				finished++
			}
		}
		return last.QualityDashboard.AwaitingValidation == 0 && finished == 3
	}) {
		t.Fatalf("the three versions were never validated: %+v", last)
	}
	if last.Node.AwaitingValidation || last.ValidationRuns.TotalCount != 3 {
		t.Fatalf("after: %+v", last)
	}
	for _, e := range last.ValidationRuns.Edges {
		if e.Node.Trigger != "ARRIVAL" || e.Node.Status != "FAILED" { // ordersCSV has a null id
			t.Errorf("run %+v: want trigger ARRIVAL, status FAILED", e.Node)
		}
	}

	var off struct {
		SetValidationSuiteOnArrival struct {
			ValidationSuite struct{ OnArrival bool }
			Changed         bool
		}
	}
	h.gql(t, owner, `mutation($s: ID!) { setValidationSuiteOnArrival(input: {suiteId: $s, onArrival: false}) { validationSuite { onArrival } changed } }`,
		map[string]any{"s": suiteID}).ok(t, &off)
	if off.SetValidationSuiteOnArrival.ValidationSuite.OnArrival || !off.SetValidationSuiteOnArrival.Changed {
		t.Fatalf("turning it off: %+v", off)
	}
	v4 := registerVersion(t, st, d, "v4", path, sum)
	if !testwait.Until(time.Minute, func() bool {
		return neo4jtest.Count(t, `MATCH (c:LogCursor {name: 'validation-arrival:' + $k}), (e:Event {targetId: $v}) WHERE c.seq >= e.seq RETURN count(*) AS n`,
			map[string]any{"v": v4.ID, "k": key}) == 1
	}) {
		t.Fatal("the follower never passed the fourth registration")
	}
	if s := read(); s.ValidationRuns.TotalCount != 3 {
		t.Fatalf("%d runs after the suite was turned off, want 3", s.ValidationRuns.TotalCount)
	}
}
