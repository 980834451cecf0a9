package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// txTimeout is the store's transaction timeout; the re-evaluation
// statement run here on its own gets the same.
const txTimeout = 30 * time.Second

// rawReevaluation runs the re-evaluation statement once on its own,
// outside any request of the store, with a transaction timeout.
func (b *bench) rawReevaluation(ctx context.Context, dv string) (time.Duration, error) {
	t0 := time.Now()
	if _, err := b.graphs.Reevaluate(ctx, dv, txTimeout); err != nil {
		return 0, fmt.Errorf("re-evaluation statement: %w", err)
	}
	return time.Since(t0), nil
}

// profileReevaluation runs the re-evaluation statement under PROFILE with
// dv and returns its operators.
func (b *bench) profileReevaluation(ctx context.Context, dv string) (string, error) {
	counts, err := b.graphs.CountPromotionRequests(ctx)
	if err != nil {
		return "", err
	}
	t0 := time.Now()
	res, err := b.graphs.ProfileReevaluation(ctx, dv, txTimeout)
	if err != nil {
		return "", fmt.Errorf("PROFILE of the re-evaluation statement: %w", err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "  dataset version %s; %d rows returned in %s; %d open of %d requests in the database\n", dv, res.Rows,
		ms(time.Since(t0)), counts.Open, counts.Total)
	if p := res.Plan; p != nil {
		total := profile(&sb, p, 1)
		fmt.Fprintf(&sb, "  total db hits: %d\n", total)
	}
	return sb.String(), nil
}

// planProbe profiles the re-evaluation statement with a dataset version
// that does not exist and says which promotion requests the plan reads:
// the open ones (an index seek on open = true) or every request ever made
// (an index scan, with the open filter applied later). The statement this
// replaced flipped between the two as the statistics changed.
func (b *bench) planProbe(ctx context.Context) (string, error) {
	res, err := b.graphs.ProfileReevaluation(ctx, "dsv_bench-governance-probe", txTimeout)
	if err != nil {
		return "", fmt.Errorf("plan probe: %w", err)
	}
	counts, err := b.graphs.CountPromotionRequests(ctx)
	if err != nil {
		return "", err
	}
	var leaf string
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		details, _ := p.Arguments()["Details"].(string)
		if leaf == "" && strings.Contains(details, "PromotionRequest") {
			op, _, _ := strings.Cut(p.Operator(), "@")
			leaf = fmt.Sprintf("%s `%s` → %d rows", op, details, p.Records())
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	if p := res.Plan; p != nil {
		walk(p)
	}
	return fmt.Sprintf("%s (%d open of %d requests in the database)", leaf, counts.Open, counts.Total), nil
}

// slowCall is how long a first call must take to be measured.
const slowCall = 5 * time.Second

// series makes one unmeasured call (measured when slower than slowCall),
// then measures up to n calls, fewer when they take more than budget
// altogether (at least one). It stops at the first error and returns it
// with the sorted timings.
func series(n int, budget time.Duration, call func() (time.Duration, error)) ([]time.Duration, error) {
	first, err := call()
	if err != nil {
		return nil, err
	}
	var lat []time.Duration
	var spent time.Duration
	// A call of seconds is measured from the first: warming up is
	// negligible at that scale.
	if first > slowCall {
		lat, spent = append(lat, first), first
	}
	for len(lat) < n && (len(lat) == 0 || spent < budget) {
		took, err := call()
		if err != nil {
			return lat, err
		}
		lat = append(lat, took)
		spent += took
	}
	slices.Sort(lat)
	return lat, nil
}

func timed(name string, lat []time.Duration, note string) row {
	slices.Sort(lat)
	if len(lat) == 0 {
		return row{name: name, note: note}
	}
	return row{name: name, calls: len(lat), p50: pctl(lat, 0.5), p99: pctl(lat, 0.99), note: note}
}

// pctl reads a percentile of sorted durations.
func pctl(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
