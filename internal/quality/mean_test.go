package quality

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The mean is the correctly rounded mean of the values as parsed: the
// exact sum (big.Float, wide enough that no addition rounds) divided by
// the count, rounded once. Each case mixes magnitudes so that a running
// mean would drift.
func TestMeanIsCorrectlyRounded(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0))
			var b strings.Builder
			b.WriteString("x\n")
			exact := new(big.Float).SetPrec(4096)
			const n = 20000
			for range n {
				x := (rng.Float64() - 0.3) * math.Pow(10, float64(rng.IntN(9)-3))
				text := strconv.FormatFloat(x, 'g', -1, 64)
				b.WriteString(text + "\n")
				exact.Add(exact, new(big.Float).SetFloat64(x))
			}
			want, _ := new(big.Float).SetPrec(4096).Quo(exact, big.NewFloat(n)).Float64()
			p := filepath.Join(t.TempDir(), "x.csv")
			if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			suite := mustSuite(t, `{"name": "s", "rules": [{"type": "aggregate_between", "aggregate": "mean", "column": "x", "min": -1e12, "max": 1e12}]}`)
			res, err := New(Options{}).Run(t.Context(), suite, Source{URI: p})
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := res.Rules[0].Observed.(float64); !ok || got != want {
				t.Errorf("mean %v, want the correctly rounded %v (%v)", res.Rules[0].Observed, want, res.Rules[0].Message)
			}
		})
	}
}
