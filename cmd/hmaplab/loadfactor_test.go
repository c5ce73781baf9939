package main

import (
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLoadFactorMatchesGoTable rebuilds the table of Go 1.23's
// runtime/map.go and checks every row within the tolerances: ±0.5 points
// of %overflow, ±0.2 bytes per entry, ±0.1 entries compared.
func TestLoadFactorMatchesGoTable(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		r := loadFactorRun(loadFactorConfig{seed: seed, b: 13, tables: 8})
		tb := r.Table
		require.Len(t, tb.Rows, len(goMapTable))
		lf := tb.col("load_factor")
		for i, g := range goMapTable {
			require.Equal(t, g[0], lf[i])
			require.InDelta(t, g[1], tb.col("overflow_pct")[i], tolOverflow, "seed %d, load factor %.1f: %%overflow", seed, g[0])
			// The Go table's bytes, for this platform's bucket (the
			// same figures with 64-bit pointers).
			goBytes := tb.col("go_bytes_per_entry")[i]
			if bits.UintSize == 64 {
				require.Equal(t, g[2], goBytes)
			}
			require.InDelta(t, goBytes, tb.col("bytes_per_entry")[i], tolBytes, "seed %d, load factor %.1f: bytes/entry", seed, g[0])
			require.InDelta(t, g[3], tb.col("hitprobe")[i], tolProbe, "seed %d, load factor %.1f: hitprobe", seed, g[0])
			require.InDelta(t, g[4], tb.col("missprobe")[i], tolProbe, "seed %d, load factor %.1f: missprobe", seed, g[0])
			// The model and the Go table agree with each other as closely.
			require.InDelta(t, g[1], tb.col("poisson_overflow_pct")[i], tolOverflow)
			require.InDelta(t, goBytes, tb.col("poisson_bytes_per_entry")[i], tolBytes)
		}
		for _, c := range r.Claims {
			require.Equal(t, holds, c.Verdict, "%s: %s", c.Claim, c.Measured)
		}
	}
}

// TestLoadFactorDeterministic: the same seed gives the same table; another
// seed another.
func TestLoadFactorDeterministic(t *testing.T) {
	c := loadFactorConfig{seed: 7, b: 8, tables: 2}
	a, b := loadFactorRun(c), loadFactorRun(c)
	require.Equal(t, a.Table.Rows, b.Table.Rows)
	c.seed = 8
	require.NotEqual(t, a.Table.Rows, loadFactorRun(c).Table.Rows)
}

// TestLoadFactorSmallTablesMiss: a table too small to average out the
// chance is reported outside the tolerances, not forced into them.
func TestLoadFactorSmallTablesMiss(t *testing.T) {
	r := loadFactorRun(loadFactorConfig{seed: 1, b: 4, tables: 1})
	miss := 0
	for _, row := range r.Table.Rows {
		if !row[len(row)-1].(bool) {
			miss++
		}
	}
	require.Positive(t, miss, "16 buckets cannot match the Go table to half a point")
	require.Equal(t, refuted, r.Claims[1].Verdict)
}

func TestLoadFactorOutputs(t *testing.T) {
	res := checkOutputs(t, "loadfactor", "-B", "6", "-tables", "2")
	require.Len(t, res.Table, len(goMapTable))
	require.EqualValues(t, 20.90, res.Table[5]["go_overflow_pct"])
}

func TestLoadFactorFlagErrors(t *testing.T) {
	requireUsageErrors(t, "loadfactor",
		usageCase{[]string{"-B", "3"}, "-B 3 out of range: want 4 to 20"},
		usageCase{[]string{"-B", "21"}, "-B 21 out of range: want 4 to 20"},
		usageCase{[]string{"-tables", "0"}, "-tables 0 out of range: want 1 to 1000"},
	)
}
