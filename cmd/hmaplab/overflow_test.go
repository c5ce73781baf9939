package main

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// smallOverflow is 2^16 buckets filled to load factor 8: 30 ms.
var smallOverflow = overflowConfig{seed: 1, keys: 8 << 16}

// overflowRowAt returns the row of t whose load factor is lf.
func overflowRowAt(t *testing.T, tb *dataTable, lf float64) int {
	t.Helper()
	for i, v := range tb.col("load_factor") {
		if math.Abs(v-lf) < 1e-9 {
			return i
		}
	}
	t.Fatalf("no row at load factor %.2f", lf)
	return -1
}

func TestOverflowB(t *testing.T) {
	for _, tc := range []struct{ keys, b int }{
		{8, 0}, {9, 1}, {16, 1}, {17, 2}, {8 << 22, 22}, {8<<22 + 1, 23}, {1_000_000_000, 27},
	} {
		require.Equal(t, tc.b, overflowB(tc.keys), "keys %d", tc.keys)
	}
}

// TestOverflowMatchesPoisson: at 2^16 buckets the measured share is within
// 4 standard errors of the Poisson tail, and the chain fractions add up.
func TestOverflowMatchesPoisson(t *testing.T) {
	r := overflowRun(smallOverflow)
	tb := r.Table
	require.Len(t, tb.Rows, 76) // 0.5 to 8.0 by 0.1
	require.Equal(t, 8<<16, int(tb.col("keys")[75]))
	for _, lf := range []float64{4.0, 6.5, 8.0} {
		i := overflowRowAt(t, tb, lf)
		require.Less(t, math.Abs(tb.col("z")[i]), 4.0, "load factor %.1f: %.3f%% against Poisson %.3f%%",
			lf, tb.col("overflow_pct")[i], tb.col("poisson_overflow_pct")[i])
		require.InDelta(t, lf/8, tb.col("alpha")[i], 1e-12)
	}
	for i := range tb.Rows {
		sum := tb.col("chain1")[i] + tb.col("chain2")[i] + tb.col("chain3")[i] + tb.col("chain4plus")[i]
		require.InDelta(t, 1, sum, 1e-12, "row %d", i)
		// A chain of 2 or more buckets is exactly an overflowing bucket.
		require.InDelta(t, tb.col("overflow_pct")[i], 100*(1-tb.col("chain1")[i]), 1e-9)
	}
	// The share only grows as keys are added.
	ovf := tb.col("overflow_pct")
	for i := 1; i < len(ovf); i++ {
		require.GreaterOrEqual(t, ovf[i], ovf[i-1])
	}
	for _, lf := range []float64{0.5, 3, 6.5, 8, 12} {
		p := poissonChains(lf)
		require.InDelta(t, 1, p[0]+p[1]+p[2]+p[3], 1e-12)
	}
}

// TestOverflowClaims: the blog's figures are refuted (6.5 overflows about
// 20.8%, not 4.3%), Go's own figure holds, and there is no knee at 0.92.
func TestOverflowClaims(t *testing.T) {
	r := overflowRun(smallOverflow)
	require.Len(t, r.Claims, 3)
	require.Equal(t, blogOverflowClaim, r.Claims[0].Claim)
	require.Equal(t, refuted, r.Claims[0].Verdict, r.Claims[0].Measured)
	require.Contains(t, r.Claims[0].Measured, "1 of 3 parts right")
	at65 := r.Table.col("overflow_pct")[overflowRowAt(t, r.Table, 6.5)]
	require.InDelta(t, 20.8, at65, 0.6)
	require.Equal(t, holds, r.Claims[1].Verdict, r.Claims[1].Measured)
	require.Equal(t, blogKneeClaim, r.Claims[2].Claim)
	require.Equal(t, refuted, r.Claims[2].Verdict, r.Claims[2].Measured)

	pts, b, _ := overflowSimulate(smallOverflow)
	ka := findKnee(pts, 1<<b)
	require.True(t, ka.ok)
	require.InDelta(t, 0.56, ka.poissonAlpha, 0.02, "the Poisson tail's maximum curvature")
	require.InDelta(t, ka.poissonAlpha, ka.alpha, 0.08, "the data's")
	require.Less(t, ka.kappaAt92, ka.kappa/4)
	// The slope keeps rising gently through the claimed range.
	require.True(t, ka.slopesOK[0] && ka.slopesOK[1] && ka.slopesOK[2])
	require.Less(t, ka.slopes[1]/ka.slopes[0], 1.15)
}

// TestOverflowPartialSweep: keys that do not fill 8·2^B end the sweep with
// an off-grid checkpoint; claims the data cannot reach are left out.
func TestOverflowPartialSweep(t *testing.T) {
	r := overflowRun(overflowConfig{seed: 3, keys: 100}) // 16 buckets, load factor 6.25
	tb := r.Table
	last := len(tb.Rows) - 1
	require.Equal(t, 100, int(tb.col("keys")[last]))
	require.Equal(t, 16, int(tb.col("buckets")[last]))
	require.InDelta(t, 6.25, tb.col("load_factor")[last], 1e-12)
	require.InDelta(t, 6.2, tb.col("load_factor")[last-1], 0.05)      // 99 keys: the nearest count
	require.Len(t, r.Claims, 1, "only the part below 6.2 is reached") // no 6.5, no knee
	require.Contains(t, r.Notes[len(r.Notes)-1], "The knee claim is not tested")
}

func TestOverflowDeterministic(t *testing.T) {
	c := overflowConfig{seed: 7, keys: 8 << 10}
	a, b := overflowRun(c), overflowRun(c)
	require.Equal(t, a.Table.Rows, b.Table.Rows)
	require.Equal(t, a.Claims, b.Claims)
	c.seed = 8
	require.NotEqual(t, a.Table.Rows, overflowRun(c).Table.Rows)
}

func TestOverflowOutputs(t *testing.T) {
	res := checkOutputs(t, "overflow", "-keys", "65536")
	require.Len(t, res.Table, 76)
	require.EqualValues(t, 8192, res.Table[0]["buckets"])
	require.Len(t, res.Claims, 3)
}

func TestOverflowFlagErrors(t *testing.T) {
	requireUsageErrors(t, "overflow",
		usageCase{[]string{"-keys", "7"}, "-keys 7 out of range: want 8 to 1073741824"},
		usageCase{[]string{"-keys", "1073741825"}, "-keys 1073741825 out of range: want 8 to 1073741824"},
		usageCase{[]string{"-keys", "x"}, `invalid value "x" for flag -keys`},
	)
}
