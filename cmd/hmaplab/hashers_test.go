package main

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChiSquareSF checks the chi-square survival function against
// published critical values and closed forms.
func TestChiSquareSF(t *testing.T) {
	for _, tc := range []struct{ x, df, p, tol float64 }{
		{18.307, 10, 0.05, 1e-4},
		{3.841, 1, 0.05, 1e-4},
		{13.277, 4, 0.01, 1e-4},
		{6.635, 1, 0.01, 1e-4},
		{293.2478, 255, 0.05, 1e-4},
		{100, 100, 0.48119, 1e-4},
		{0, 7, 1, 0},
	} {
		require.InDelta(t, tc.p, chiSquareSF(tc.x, tc.df), tc.tol, "χ²(%v) > %v", tc.df, tc.x)
	}
	for _, x := range []float64{1e-3, 0.1, 0.7, 1, 2, 5, 10, 30, 80} {
		// df = 2: Q(1, x/2) = e^(-x/2); df = 1: Q(1/2, x/2) = erfc(√(x/2)).
		require.InEpsilon(t, math.Exp(-x/2), chiSquareSF(x, 2), 1e-10, "df 2, x %v", x)
		require.InEpsilon(t, math.Erfc(math.Sqrt(x/2)), chiSquareSF(x, 1), 1e-9, "df 1, x %v", x)
	}
	// Far in either tail: no negative p-values, no values above 1.
	require.Less(t, chiSquareSF(1e6, 10), 1e-300)
	require.Equal(t, 1.0, chiSquareSF(1e-9, 4095))
}

// TestKolmogorov checks the Kolmogorov distribution's tail and the KS
// statistic of samples uniform and not.
func TestKolmogorov(t *testing.T) {
	require.InDelta(t, 0.26999967, kolmogorovQ(1), 1e-6)
	require.InDelta(t, 0.0494, kolmogorovQ(1.36), 1e-3)
	require.InDelta(t, 0.0100, kolmogorovQ(1.628), 2e-4)
	require.InDelta(t, 0.96394, kolmogorovQ(0.5), 1e-4)
	// Both forms agree where they meet.
	require.InDelta(t, kolmogorovQ(1.1799999), kolmogorovQ(1.18), 1e-6)

	even := make([]float64, 100)
	for i := range even {
		even[i] = (float64(i) + 0.5) / 100
	}
	d, p := ksUniform(even)
	require.InDelta(t, 0.005, d, 1e-12)
	require.Greater(t, p, 0.999)
	d, p = ksUniform(make([]float64, 50)) // all zero
	require.Equal(t, 1.0, d)
	require.Less(t, p, 1e-12)
}

// TestPoissonBins: every bin expects 5 buckets or more, and they add up
// to the table.
func TestPoissonBins(t *testing.T) {
	for _, b := range []int{8, 12, 16} {
		lo, e := poissonBins(hashersLoad, 1<<b)
		require.Equal(t, 0, lo[0])
		require.True(t, slices.IsSorted(lo))
		sum := 0.0
		for _, x := range e {
			require.GreaterOrEqual(t, x, 5.0, "B %d", b)
			sum += x
		}
		require.InDelta(t, float64(int(1)<<b), sum, 1e-6)
	}
}

// hashersTestRows measures every (hasher, family) once for the tests
// that read them: 2^8 buckets, 100 seeds (0.1 s).
var hashersTestRows = sync.OnceValue(func() []hashersRow {
	c := hashersConfig{seed: 1, b: 8, seeds: 100, mask: defaultHashersMask}
	var rows []hashersRow
	for _, h := range hashersNames {
		for _, f := range hashersFamilies() {
			rows = append(rows, hashersMeasure(c, f, h, c.mask, hashersSeeds(c.seed, c.seeds)))
		}
	}
	return rows
})

// hashersRuntimeAlpha is the KS p-value below which a row of the runtime's
// hash must be too regular to pass: about one run in 200,000 falls below
// it by chance over five rows.
const hashersRuntimeAlpha = 1e-6

// TestHashersGoodSpreadLikeChance: for seeded and xxh3 (reproducible) the
// per-seed p-values are uniform (KS p > 0.01) and fewer than 5% of seeds
// fall below 0.01, for every family. The runtime's hash changes with the
// process, so every run of the test meets another hash, and a threshold
// fails at its own false-positive rate per run: at Bonferroni's correction
// over the pairs (KS p 0.01/15 for each of five rows) it failed 4 runs in
// 1,500, with dispersions near 1. It is held to hashersRuntimeAlpha.
func TestHashersGoodSpreadLikeChance(t *testing.T) {
	for _, r := range hashersTestRows() {
		switch r.hasher {
		case "seeded", "xxh3":
			require.True(t, r.passes(), "%s/%s: KS p %.3g, %.0f%% of seeds below 0.01", r.hasher, r.family, r.ksP, 100*r.reject)
		case "runtime":
			// The runtime's hash depends on the process and the
			// architecture: on arm64 its AES hash of sequential int64
			// keys is more even than chance (the chi-square p-values are
			// near 0 for being too regular), which is no defect in a map.
			// It must never clump.
			require.LessOrEqual(t, r.dispPerDF, 1.05, "%s/%s dispersion", r.hasher, r.family)
			require.LessOrEqual(t, r.maxKeys, r.expectedMax+3, "%s/%s fullest bucket", r.hasher, r.family)
			if !r.applies || r.ksP <= hashersRuntimeAlpha || r.reject >= 2*hashersMaxReject {
				// Too regular: the median over 100 seeds of a dispersion
				// with 255 degrees of freedom has a standard deviation of
				// about 0.011 under chance, so 0.95 is more than four below
				// 1. (0.9 failed on arm64 at 0.915, regular all the same.)
				require.Less(t, r.dispPerDF, 0.95, "%s/%s fails the test without being too regular: KS p %.3g", r.hasher, r.family, r.ksP)
				t.Logf("%s/%s is more even than chance here: dispersion %.3f", r.hasher, r.family, r.dispPerDF)
			}
			continue
		default:
			continue
		}
		require.InDelta(t, 1, r.dispPerDF, 0.05, "%s/%s dispersion", r.hasher, r.family)
		require.Greater(t, r.topKSP, 1e-4, "%s/%s tophash", r.hasher, r.family)
		require.InDelta(t, 100*poissonTail(hashersLoad, 8), r.overflowPct, 1, "%s/%s %%overflow", r.hasher, r.family)
	}
}

// TestHashersWeak: identity on sequential keys is too regular (every
// bucket 6 or 7 keys: dispersion near 0, p near 1) with one tophash;
// identity on pointer-like keys and the masked hasher clump for every
// seed; identity does not apply to strings and structs.
func TestHashersWeak(t *testing.T) {
	rows := hashersTestRows()
	seq := hashersFind(rows, "identity", "seq int64")
	require.Greater(t, seq.dispP, 0.999)
	require.Less(t, seq.dispPerDF, 0.1)
	require.Equal(t, 7.0, seq.maxKeys) // 1664 keys over 256 buckets: 6 or 7 each
	require.Equal(t, 0.0, seq.overflowPct)
	require.Less(t, seq.topMedianP, 1e-100, "every key's top byte is 0")
	require.Equal(t, "too regular, tophash clumped", seq.spread)
	for _, f := range []struct {
		name string
		max  float64
	}{{"ptr16", 1664 / 16}, {"ptr64", 1664 / 4}} {
		r := hashersFind(rows, "identity", f.name)
		require.Equal(t, 1.0, r.reject, f.name)
		require.Less(t, r.medianP, 1e-100, f.name)
		require.Equal(t, f.max, r.maxKeys, "%s: the reachable buckets hold n/reachable keys each", f.name)
		require.Contains(t, r.spread, "clumped")
	}
	require.True(t, hashersFind(rows, "identity", "random int64").passes())
	for _, f := range []string{"prefix string", "struct16"} {
		require.False(t, hashersFind(rows, "identity", f).applies, f)
	}
	for _, f := range hashersFamilies() {
		r := hashersFind(rows, "masked", f.name())
		require.Equal(t, 4, r.bucketBits)
		require.Equal(t, 1.0, r.reject, "masked/%s", f.name())
		require.InDelta(t, r.expectedMax, r.maxKeys, 0.05*r.expectedMax, "masked/%s", f.name())
	}
}

// TestHashersRun checks the sweep and the claims of a small run.
func TestHashersRun(t *testing.T) {
	res := hashersRun(hashersConfig{seed: 1, b: 8, seeds: 30, mask: defaultHashersMask})
	tb := res.Table
	bits, chi, mx := tb.col("bucket_bits"), tb.col("chi2_per_df"), tb.col("max_keys")
	// The sweep is the last 9 rows: 8 bits kept down to 0.
	sw := len(tb.Rows) - 9
	require.Equal(t, len(hashersNames)*len(hashersFamilies()), sw)
	for i := sw; i < len(tb.Rows); i++ {
		require.Equal(t, "masked-sweep", tb.Rows[i][0])
		require.Equal(t, float64(8-(i-sw)), bits[i])
		if i > sw {
			require.Greater(t, chi[i], chi[i-1], "chi-square grows as bits drop")
			require.Greater(t, mx[i], mx[i-1], "the fullest bucket grows as bits drop")
		}
	}
	require.Less(t, chi[sw], 1.5)
	require.Greater(t, chi[sw+1], 100.0, "one bit less is caught")
	require.Equal(t, 1664.0, mx[len(mx)-1], "no bit kept: every key in one bucket")

	verdicts := map[string]string{}
	for _, c := range res.Claims {
		verdicts[c.Claim] = c.Verdict
	}
	require.Contains(t, []string{holds, partly}, verdicts["a good hasher's bucket counts are Poisson for every seed: chi-square p-value above 0.01"])
	require.Equal(t, refuted, verdicts["the seed changes collision statistics"])
	require.Equal(t, partly, verdicts["the identity is a fine hash for integer keys"])
	require.Equal(t, holds, verdicts["a hash that keeps fewer than B low bits fails the chi-square test for every seed, even with one bit missing"])
}

// TestHashersDeterministic: the reproducible hashers' rows repeat for a
// seed and change with it.
func TestHashersDeterministic(t *testing.T) {
	c := hashersConfig{seed: 3, b: 8, seeds: 5, mask: defaultHashersMask}
	// Rows print alike or not: the n/a rows hold NaNs, which equal
	// nothing.
	repro := func(r *result) []string {
		var rows []string
		for _, row := range r.Table.Rows {
			if row[3] == true {
				rows = append(rows, fmt.Sprint(row...))
			}
		}
		return rows
	}
	a, b := repro(hashersRun(c)), repro(hashersRun(c))
	require.Len(t, a, len(hashersNames)*len(hashersFamilies())-len(hashersFamilies())+9)
	require.Equal(t, a, b)
	c.seed = 4
	require.NotEqual(t, a, repro(hashersRun(c)))
}

func TestHashersOutputs(t *testing.T) {
	res := checkOutputs(t, "hashers", "-B", "8", "-seeds", "5")
	require.Len(t, res.Table, len(hashersNames)*len(hashersFamilies())+9)
	require.Equal(t, "n/a", res.Table[len(hashersFamilies())*3+2]["spread"]) // identity on strings
	require.Len(t, res.Claims, 4)
}

func TestHashersFlagErrors(t *testing.T) {
	requireUsageErrors(t, "hashers",
		usageCase{[]string{"-B", "7"}, "-B 7 out of range: want 8 to 16"},
		usageCase{[]string{"-B", "17"}, "-B 17 out of range: want 8 to 16"},
		usageCase{[]string{"-seeds", "4"}, "-seeds 4 out of range: want 5 to 1000"},
		usageCase{[]string{"-seeds", "1001"}, "-seeds 1001 out of range: want 5 to 1000"},
		usageCase{[]string{"-mask", "0xfg"}, `invalid value "0xfg" for flag -mask`},
	)
}
