package quality

import (
	"math"
)

// ksExactMaxN is the largest sample size for which the two-sample KS
// p-value is computed exactly, as scipy.stats.ks_2samp's "auto" mode does.
const ksExactMaxN = 10000

func ksMethod(n1, n2 int) string {
	if max(n1, n2) <= ksExactMaxN {
		return "exact"
	}
	return "asymptotic"
}

// ks2samp returns the two-sided two-sample Kolmogorov-Smirnov statistic
// D = sup|F1(x) - F2(x)| of sorted samples a and b, and its p-value:
// exact (the probability that a uniformly random lattice path leaves the
// band |i/n1 - j/n2| < D, Hodges 1957) when both samples have at most
// 10,000 values, else from Kolmogorov's limiting distribution with
// Stephens' correction, lambda = (sqrt(en) + 0.12 + 0.11/sqrt(en)) * D,
// en = n1*n2/(n1+n2).
func ks2samp(a, b []float64) (d, p float64) {
	n1, n2 := len(a), len(b)
	// dn is D * n1 * n2, an integer, so the band test below is exact.
	var dn int64
	i, j := 0, 0
	for i < n1 && j < n2 {
		x := min(a[i], b[j])
		for i < n1 && a[i] == x {
			i++
		}
		for j < n2 && b[j] == x {
			j++
		}
		diff := int64(i)*int64(n2) - int64(j)*int64(n1)
		if diff < 0 {
			diff = -diff
		}
		dn = max(dn, diff)
	}
	d = float64(dn) / (float64(n1) * float64(n2))
	if dn == 0 {
		return 0, 1
	}
	if ksMethod(n1, n2) == "exact" {
		return d, ksExactP(n1, n2, dn)
	}
	en := float64(n1) * float64(n2) / float64(n1+n2)
	s := math.Sqrt(en)
	return d, kolmogorovQ((s + 0.12 + 0.11/s) * d)
}

// ksExactP is P(D >= dn/(m*n)) under the null hypothesis: one minus the
// probability that a random monotone path from (0,0) to (m,n) keeps
// |i*n - j*m| < dn at every lattice point. The path probabilities are
// propagated directly (a step right from (i,j) has probability
// (m-i)/(m+n-i-j)), which avoids the overflow of counting paths.
func ksExactP(m, n int, dn int64) float64 {
	// row[j] is the probability of reaching (i, j) inside the band.
	row := make([]float64, n+1)
	inside := func(i, j int) bool {
		v := int64(i)*int64(n) - int64(j)*int64(m)
		if v < 0 {
			v = -v
		}
		return v < dn
	}
	row[0] = 1
	for j := 1; j <= n; j++ {
		if !inside(0, j) {
			row[j] = 0
			continue
		}
		// from (0, j-1) a step up has probability (n-j+1)/(m+n-j+1)
		row[j] = row[j-1] * float64(n-j+1) / float64(m+n-j+1)
	}
	for i := 1; i <= m; i++ {
		for j := 0; j <= n; j++ {
			var pr float64
			// from (i-1, j): a step right
			pr = row[j] * float64(m-i+1) / float64(m+n-i-j+1)
			if j > 0 {
				// from (i, j-1): a step up
				pr += row[j-1] * float64(n-j+1) / float64(m+n-i-j+1)
			}
			if !inside(i, j) {
				pr = 0
			}
			row[j] = pr
		}
	}
	p := 1 - row[n]
	return min(max(p, 0), 1)
}

// kolmogorovQ is the survival function of the Kolmogorov distribution,
// Q(l) = 2 * sum_{k>=1} (-1)^(k-1) exp(-2 k^2 l^2), using the dual series
// for small l where the first converges slowly.
func kolmogorovQ(l float64) float64 {
	if l <= 0 {
		return 1
	}
	if l < 1.18 {
		// Q = 1 - sqrt(2 pi)/l * sum_{k>=1} exp(-(2k-1)^2 pi^2 / (8 l^2))
		w := math.Sqrt(2*math.Pi) / l
		s := 0.0
		for k := 1; k <= 20; k++ {
			t := math.Exp(-float64((2*k-1)*(2*k-1)) * math.Pi * math.Pi / (8 * l * l))
			s += t
			if t < 1e-17 {
				break
			}
		}
		return min(max(1-w*s, 0), 1)
	}
	s, sign := 0.0, 1.0
	for k := 1; k <= 100; k++ {
		t := math.Exp(-2 * float64(k*k) * l * l)
		s += sign * t
		sign = -sign
		if t < 1e-17 {
			break
		}
	}
	return min(max(2*s, 0), 1)
}
