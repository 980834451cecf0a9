package lineage_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/lineage"
	"github.com/exphub/exphub/internal/store"
)

func idOf(k store.Kind) string { return store.IDPrefix(k) + uuid.NewString() }

// upstreamOf is the closure the store would read: statuses, upstream
// neighbours as [node, its upstream neighbour] and distances.
func upstreamOf(status map[string]store.ValidationStatus, in [][2]string, dist map[string]int) *store.UpstreamQuality {
	u := &store.UpstreamQuality{Status: status, In: map[string][]string{}, Dist: dist, Visible: map[string]bool{}}
	for id := range status {
		u.Visible[id] = true
	}
	for _, e := range in {
		u.In[e[0]] = append(u.In[e[0]], e[1])
	}
	return u
}

func TestHealthOf(t *testing.T) {
	failed, atRiskV, passed, warned, never := idOf(dsv), idOf(dsv), idOf(dsv), idOf(dsv), idOf(dsv)
	riskyRun, okRun, lonelyRun, okModel, riskyModel := idOf(run), idOf(run), idOf(run), idOf(mv), idOf(mv)
	hidden, dataset := idOf(dsv), idOf(store.KindDataset)
	// failed → riskyRun → atRiskV (itself passed) → riskyModel;
	// passed → okRun → okModel; warned and never stand alone.
	u := upstreamOf(map[string]store.ValidationStatus{
		failed: store.ValidationFailed, riskyRun: "", atRiskV: store.ValidationPassed, riskyModel: "",
		passed: store.ValidationPassed, okRun: "", okModel: "", warned: store.ValidationWarned, never: "", lonelyRun: "", dataset: "",
	}, [][2]string{{riskyRun, failed}, {atRiskV, riskyRun}, {riskyModel, atRiskV}, {okRun, passed}, {okModel, okRun}}, nil)
	ids := []string{failed, atRiskV, passed, warned, never, riskyRun, okRun, lonelyRun, okModel, riskyModel, hidden, dataset, "redacted:x:UPSTREAM"}
	got := lineage.HealthOf(ids, u)
	want := map[string]lineage.Health{failed: lineage.HealthFailed, atRiskV: lineage.HealthAtRisk, passed: lineage.HealthOK, warned: lineage.HealthWarn,
		never: lineage.HealthUnknown, riskyRun: lineage.HealthAtRisk, okRun: lineage.HealthOK, lonelyRun: lineage.HealthUnknown, okModel: lineage.HealthOK,
		riskyModel: lineage.HealthAtRisk, hidden: lineage.HealthUnknown, dataset: lineage.HealthUnknown, "redacted:x:UPSTREAM": lineage.HealthUnknown}
	for id, h := range want {
		if got[id] != h {
			t.Errorf("%s: %s, want %s", id, got[id], h)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d answers for %d ids", len(got), len(want))
	}

	// A failure travels MaxDepth hops down, no further; ERROR fails too.
	chain := make([]string, lineage.MaxDepth+2)
	status := map[string]store.ValidationStatus{}
	var in [][2]string
	for i := range chain {
		chain[i] = idOf(dsv)
		status[chain[i]] = ""
		if i > 0 {
			in = append(in, [2]string{chain[i], chain[i-1]})
		}
	}
	status[chain[0]] = store.ValidationError
	far := lineage.HealthOf(chain, upstreamOf(status, in, nil))
	if far[chain[0]] != lineage.HealthFailed || far[chain[lineage.MaxDepth]] != lineage.HealthAtRisk || far[chain[lineage.MaxDepth+1]] != lineage.HealthUnknown {
		t.Errorf("chain: %s, %s at %d hops, %s beyond", far[chain[0]], far[chain[lineage.MaxDepth]], lineage.MaxDepth, far[chain[lineage.MaxDepth+1]])
	}
}

func TestIssues(t *testing.T) {
	a, b, c, d := "dsv_c", "dsv_b", "dsv_a", "dsv_d"
	u := upstreamOf(map[string]store.ValidationStatus{a: store.ValidationFailed, b: store.ValidationError, c: store.ValidationFailed, d: store.ValidationPassed},
		nil, map[string]int{a: 2, b: 1, c: 1, d: 0})
	var got []string
	for _, is := range lineage.Issues(u) {
		got = append(got, fmt.Sprintf("%s %s @%d", is.DatasetVersionID, is.Status, is.Distance))
		if is.Runs != nil {
			t.Errorf("%s has runs before they were read", is.DatasetVersionID)
		}
	}
	// Nearest first, by ID at one distance; passed versions are no issue.
	if want := []string{"dsv_a FAILED @1", "dsv_b ERROR @1", "dsv_c FAILED @2"}; !slices.Equal(got, want) {
		t.Errorf("issues %v, want %v", got, want)
	}

	many := map[string]store.ValidationStatus{}
	dist := map[string]int{}
	for i := range lineage.MaxQualityIssues + 50 {
		id := fmt.Sprintf("dsv_%03d", i)
		many[id], dist[id] = store.ValidationFailed, i%7
	}
	capped := lineage.Issues(upstreamOf(many, nil, dist))
	if len(capped) != lineage.MaxQualityIssues {
		t.Fatalf("%d issues, want the nearest %d", len(capped), lineage.MaxQualityIssues)
	}
	if last := capped[len(capped)-1]; last.Distance != 4 || !slices.IsSortedFunc(capped, func(x, y lineage.QualityIssue) int { return x.Distance - y.Distance }) {
		t.Errorf("not the nearest: last at %d", last.Distance)
	}
	if lineage.Issues(upstreamOf(map[string]store.ValidationStatus{d: store.ValidationPassed}, nil, nil)) != nil {
		t.Error("issues without a failure")
	}
}

func ptr(n int) *int { return &n }

func TestRequestCheck(t *testing.T) {
	cases := []struct {
		name   string
		req    lineage.Request
		want   lineage.Bounds
		budget int
		field  string // the argument an error names; "" means accepted
	}{
		{"defaults", lineage.Request{}, lineage.Bounds{Depth: lineage.DefaultDepth, MaxNodes: lineage.DefaultMaxNodes}, lineage.DefaultMaxNodes, ""},
		{"depth 0", lineage.Request{Depth: ptr(0)}, lineage.Bounds{Depth: 0, MaxNodes: 500}, 500, ""},
		{"depth at maximum", lineage.Request{Depth: ptr(lineage.MaxDepth)}, lineage.Bounds{Depth: lineage.MaxDepth, MaxNodes: 500}, 500, ""},
		{"depth above maximum", lineage.Request{Depth: ptr(lineage.MaxDepth + 1)}, lineage.Bounds{}, 0, "depth"},
		{"depth negative", lineage.Request{Depth: ptr(-1)}, lineage.Bounds{}, 0, "depth"},
		{"maxNodes 1", lineage.Request{MaxNodes: ptr(1)}, lineage.Bounds{Depth: 3, MaxNodes: 1}, 1, ""},
		{"maxNodes at maximum", lineage.Request{MaxNodes: ptr(lineage.MaxNodes)}, lineage.Bounds{Depth: 3, MaxNodes: lineage.MaxNodes}, lineage.MaxNodes, ""},
		{"maxNodes above maximum", lineage.Request{MaxNodes: ptr(lineage.MaxNodes + 1)}, lineage.Bounds{}, 0, "maxNodes"},
		{"maxNodes 0", lineage.Request{MaxNodes: ptr(0)}, lineage.Bounds{}, 0, "maxNodes"},
		{"depth before maxNodes", lineage.Request{Depth: ptr(-1), MaxNodes: ptr(0)}, lineage.Bounds{}, 0, "depth"},
		{"kinds walk ten times further", lineage.Request{Kinds: []store.Kind{run}},
			lineage.Bounds{Depth: 3, MaxNodes: 500, Kinds: []store.Kind{run}}, 5_000, ""},
		{"up to MaxWalk", lineage.Request{MaxNodes: ptr(lineage.MaxNodes), Kinds: []store.Kind{store.KindDataset}},
			lineage.Bounds{Depth: 3, MaxNodes: lineage.MaxNodes, Kinds: []store.Kind{store.KindDataset}}, lineage.MaxWalk, ""},
		{"not a lineage kind", lineage.Request{Kinds: []store.Kind{run, store.KindPolicy}}, lineage.Bounds{}, 0, "kinds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.req.Check()
			if c.field != "" {
				if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.field+":") {
					t.Fatalf("want errs.Invalid naming %s, got %v", c.field, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Depth != c.want.Depth || b.MaxNodes != c.want.MaxNodes || !slices.Equal(b.Kinds, c.want.Kinds) || b.Budget() != c.budget {
				t.Errorf("bounds %+v budget %d, want %+v budget %d", b, b.Budget(), c.want, c.budget)
			}
		})
	}
}

// The store formats a walk's depth into Cypher only within its own bound.
func TestMaximaWithinTheStoresBounds(t *testing.T) {
	if lineage.MaxDepth > store.MaxWalkDepth || lineage.MaxImpactDepth > store.MaxWalkDepth {
		t.Errorf("depths %d and %d, the store walks at most %d", lineage.MaxDepth, lineage.MaxImpactDepth, store.MaxWalkDepth)
	}
	if lineage.MaxWalk < 10*lineage.DefaultMaxNodes || lineage.MaxImpactNodes < lineage.MaxWalk {
		t.Errorf("walk budgets: %d, %d", lineage.MaxWalk, lineage.MaxImpactNodes)
	}
}
