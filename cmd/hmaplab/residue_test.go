package main

import (
	"math"
	"testing"

	"github.com/hmaplab/hmap/table"
	"github.com/stretchr/testify/require"
)

// residueCell returns column col of the row of tb for (pct, impl).
func residueCell(t *testing.T, tb *dataTable, pct int, impl, col string) float64 {
	t.Helper()
	vals := tb.col(col)
	for i, r := range tb.Rows {
		if r[0] == pct && r[1] == impl {
			return vals[i]
		}
	}
	t.Fatalf("no row for %d%% %s", pct, impl)
	return math.NaN()
}

// TestResidueKeepsMemory: deleting every entry leaves hmap's bytes exactly
// as they were (counted), and the builtin map's heap within a few percent
// (measured); Shrink brings hmap down to the size of a map made for the
// entries left.
func TestResidueKeepsMemory(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	r := residueRun(residueConfig{seed: 1, n: n, step: 50})
	tb := r.Table
	require.Len(t, tb.Rows, 3*3)

	full := residueCell(t, tb, 100, residueHmap, "stats_bytes_full")
	require.Greater(t, full, float64(n*16))
	require.Equal(t, full, residueCell(t, tb, 100, residueHmap, "stats_bytes_after_delete"))
	require.Equal(t, full, residueCell(t, tb, 50, residueHmap, "stats_bytes_after_delete"))
	require.Equal(t, 0.0, residueCell(t, tb, 50, residueHmap, "reinsert_growths"), "re-inserting reuses the buckets")

	// Shrink: nothing left at 100%; at 50% the buckets of a map made for
	// n/2 entries, and the bytes of its array plus the overflow buckets the
	// rebuild linked beyond its spares.
	require.Equal(t, 0.0, residueCell(t, tb, 100, residueShrink, "stats_bytes_after_delete"))
	require.Less(t, residueCell(t, tb, 100, residueShrink, "bytes_after_delete"), 1024.0, "the header only")
	fresh := table.New[int64, int64](n / 2).Stats()
	require.Equal(t, float64(fresh.Buckets), residueCell(t, tb, 50, residueShrink, "buckets_after_delete"))
	require.Equal(t, float64(fresh.BytesAllocated), residueCell(t, tb, 50, residueShrink, "fresh_bytes"))
	shrunk := residueCell(t, tb, 50, residueShrink, "stats_bytes_after_delete")
	require.GreaterOrEqual(t, shrunk, float64(fresh.BytesAllocated))
	require.Less(t, shrunk, 1.15*float64(fresh.BytesAllocated))
	require.Less(t, shrunk, 0.6*full)
	require.Positive(t, residueCell(t, tb, 50, residueShrink, "reinsert_growths"), "a shrunk map grows back")

	// The builtin map, measured: within 2% of unchanged.
	bf := residueCell(t, tb, 100, residueBuiltin, "bytes_full")
	require.Greater(t, bf, float64(n*16))
	require.InDelta(t, bf, residueCell(t, tb, 100, residueBuiltin, "bytes_after_delete"), 0.02*bf)
	require.InDelta(t, bf, residueCell(t, tb, 50, residueBuiltin, "bytes_after_delete"), 0.02*bf)

	require.Len(t, r.Claims, 1)
	require.Equal(t, holds, r.Claims[0].Verdict, r.Claims[0].Measured)
}

// TestResidueDeterministic: hmap's counted bytes and growths repeat for a
// seed.
func TestResidueDeterministic(t *testing.T) {
	c := residueConfig{seed: 3, n: 5_000, step: 50}
	a, b := residueRun(c).Table, residueRun(c).Table
	for _, col := range []string{"stats_bytes_full", "stats_bytes_after_delete", "stats_bytes_after_reinsert", "buckets_after_delete", "reinsert_growths"} {
		x, y := a.col(col), b.col(col)
		for i := range x {
			if math.IsNaN(x[i]) {
				require.True(t, math.IsNaN(y[i]), "%s row %d", col, i)
				continue
			}
			require.Equal(t, x[i], y[i], "%s row %d", col, i)
		}
	}
}

func TestResidueOutputs(t *testing.T) {
	res := checkOutputs(t, "residue", "-n", "2000", "-step", "100")
	require.Len(t, res.Table, 2*3)
	require.Len(t, res.Claims, 1)
}

func TestResidueFlagErrors(t *testing.T) {
	requireUsageErrors(t, "residue",
		usageCase{[]string{"-n", "999"}, "-n 999 out of range: want 1000 to 20000000"},
		usageCase{[]string{"-n", "20000001"}, "-n 20000001 out of range: want 1000 to 20000000"},
		usageCase{[]string{"-step", "0"}, "-step 0 out of range: want 1 to 100, a divisor of 100"},
		usageCase{[]string{"-step", "101"}, "-step 101 out of range: want 1 to 100, a divisor of 100"},
		usageCase{[]string{"-step", "30"}, "-step 30 out of range: want 1 to 100, a divisor of 100"},
	)
}
