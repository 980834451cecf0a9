package mlflow

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
)

func TestRunIDRoundTrip(t *testing.T) {
	hub := "run_0190f2a4-7c1e-7b3a-9d2e-0123456789ab"
	id := RunID(hub)
	if id != "0190f2a47c1e7b3a9d2e0123456789ab" {
		t.Fatalf("RunID = %q", id)
	}
	back, err := HubRunID(id)
	if err != nil || back != hub {
		t.Fatalf("HubRunID = %q, %v", back, err)
	}
	for _, bad := range []string{"", "run_x", "0190f2a47c1e7b3a9d2e0123456789a", "0190f2a47c1e7b3a9d2e0123456789ag", hub} {
		if _, err := HubRunID(bad); !errors.Is(err, errs.NotFound) {
			t.Errorf("HubRunID(%q) = %v, want not found", bad, err)
		}
	}
}

func TestPlace(t *testing.T) {
	cases := []struct {
		name, def, pk, exp string
		bad                bool
	}{
		{"gbm", "ml", "ml", "gbm", false},
		{"fraud/gbm", "ml", "fraud", "gbm", false},
		{"fraud/gbm/v2", "ml", "fraud", "gbm/v2", false},
		{"gbm", "", "", "", true},
		{"/gbm", "ml", "", "", true},
		{"fraud/", "ml", "", "", true},
		{"  ", "ml", "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pk, exp, err := Place(tc.name, tc.def)
			if tc.bad {
				if !errors.Is(err, errs.Invalid) {
					t.Fatalf("Place = %q %q %v, want invalid", pk, exp, err)
				}
				return
			}
			if err != nil || pk != tc.pk || exp != tc.exp {
				t.Fatalf("Place = %q %q %v, want %q %q", pk, exp, err, tc.pk, tc.exp)
			}
			if n := Name(&store.Experiment{ProjectKey: pk, Name: exp}, tc.def); n != tc.name {
				t.Errorf("Name = %q, want %q back", n, tc.name)
			}
		})
	}
}

func TestNameFilter(t *testing.T) {
	cases := []struct {
		filter string
		name   string
		want   bool
	}{
		{"", "x", true},
		{"name = 'x'", "x", true},
		{"name='x'", "x", false}, // MLflow's experiments filter has spaces; model-version filters do not reach here
		{"name LIKE 'research-exp%r1'", "research-exp-abc-r1", true},
		{"name LIKE 'research-exp%r1'", "research-exp-abc-r2", false},
		{"name ILIKE 'RES%'", "research", true},
		{"name LIKE 'a_c' and name != 'abc'", "abc", false},
		{"name LIKE 'a_c' AND name != 'abc'", "axc", true},
	}
	for _, tc := range cases {
		match, err := NameFilter(tc.filter)
		if err != nil {
			if tc.want {
				t.Errorf("NameFilter(%q): %v", tc.filter, err)
			}
			continue
		}
		if got := match(tc.name); got != tc.want {
			t.Errorf("NameFilter(%q)(%q) = %v, want %v", tc.filter, tc.name, got, tc.want)
		}
	}
	for _, bad := range []string{"tags.x = 'y'", "name > 'a'", "name = x", "name"} {
		if _, err := NameFilter(bad); !errors.Is(err, errs.Invalid) {
			t.Errorf("NameFilter(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestBatch(t *testing.T) {
	pt := func(v float64) store.MetricPoint { return store.MetricPoint{Key: "m", Value: v} }
	if err := Batch([]store.MetricPoint{pt(1)}, []store.KeyValue{{Key: "a", Value: "1"}, {Key: "a", Value: "1"}}, nil); err != nil {
		t.Errorf("a repeated identical param: %v", err)
	}
	for name, err := range map[string]error{
		"NaN":        Batch([]store.MetricPoint{pt(math.NaN())}, nil, nil),
		"+Inf":       Batch([]store.MetricPoint{pt(math.Inf(1))}, nil, nil),
		"-Inf":       Batch([]store.MetricPoint{pt(math.Inf(-1))}, nil, nil),
		"1001":       Batch(make([]store.MetricPoint, MaxBatchMetrics+1), nil, nil),
		"101":        Batch(nil, make([]store.KeyValue, 60), make([]store.KeyValue, 41)),
		"param diff": Batch(nil, []store.KeyValue{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}, nil),
	} {
		if !errors.Is(err, errs.Invalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

// A batch's fingerprint is the sha256 of the same bytes it has always
// hashed, so a retry sent across an upgrade is still recognised; the
// oracle is the fmt spelling of those bytes.
func TestFingerprintHashesTheSameBytes(t *testing.T) {
	oracle := func(metrics []store.MetricPoint, params, tags []store.KeyValue) string {
		h := sha256.New()
		for _, m := range metrics {
			fmt.Fprintf(h, "m\x00%s\x00%x\x00%d\x00%d\n", m.Key, math.Float64bits(m.Value), m.Step, m.Timestamp.UnixMilli())
		}
		for _, p := range params {
			fmt.Fprintf(h, "p\x00%s\x00%s\n", p.Key, p.Value)
		}
		for _, kv := range tags {
			fmt.Fprintf(h, "t\x00%s\x00%s\n", kv.Key, kv.Value)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return string(b)
	}
	values := []float64{0, math.Copysign(0, -1), 1e-300, -2.5, math.MaxFloat64, math.Inf(1)}
	seen := map[string]bool{}
	for range 300 {
		var ms []store.MetricPoint
		for range r.IntN(4) {
			v := values[r.IntN(len(values))]
			if r.IntN(2) == 0 {
				v = r.NormFloat64() * 1e6
			}
			ms = append(ms, store.MetricPoint{Key: word(), Value: v, Step: r.Int64N(1<<40) - 1<<39,
				Timestamp: time.UnixMilli(r.Int64N(1 << 42)).UTC()})
		}
		var ps, ts []store.KeyValue
		for range r.IntN(3) {
			ps = append(ps, store.KeyValue{Key: word(), Value: word()})
		}
		for range r.IntN(3) {
			ts = append(ts, store.KeyValue{Key: word(), Value: word()})
		}
		got, want := Fingerprint(ms, ps, ts), oracle(ms, ps, ts)
		if got != want {
			t.Fatalf("Fingerprint(%v, %v, %v) = %s, want %s", ms, ps, ts, got, want)
		}
		seen[got] = true
	}
	if len(seen) < 250 {
		t.Fatalf("only %d distinct fingerprints of 300 batches", len(seen))
	}
}
