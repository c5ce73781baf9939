package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// hintCell returns column col of the row of t for (n, elem, impl, hinted,
// gogc).
func hintCell(t *testing.T, tb *dataTable, n int, elem, impl string, hinted bool, gogc int, col string) float64 {
	t.Helper()
	vals := tb.col(col)
	for i, r := range tb.Rows {
		if r[0] == n && r[1] == elem && r[2] == impl && r[3] == hinted && r[4] == gogc {
			return vals[i]
		}
	}
	t.Fatalf("no row for n=%d %s %s hinted=%v gogc=%d", n, elem, impl, hinted, gogc)
	return math.NaN()
}

var hintSmall = hintConfig{seed: 1, ns: []int{100, 10_000}, gogcs: []int{10, 100}, measured: 10_000}

// TestHintSavesAllocations: a hinted hmap allocates its array once, an
// unhinted one every array on the way up; the finished tables are the same.
// Counts, so the bounds are tight, but the runtime may allocate a few bytes
// of its own meanwhile: the bound on the hinted count takes the least of
// three runs, as the runtime's allocations only add to it (one run under
// qemu-user counted 14 for a map of 10,000 built once, where runs count
// 8).
func TestHintSavesAllocations(t *testing.T) {
	tb := hintRun(hintSmall).Table
	reruns := []*dataTable{hintRun(hintSmall).Table, hintRun(hintSmall).Table}
	for _, gogc := range hintSmall.gogcs {
		for _, elem := range []string{hintScalar, hintPointer} {
			for _, n := range hintSmall.ns {
				ua := hintCell(t, tb, n, elem, "hmap", false, gogc, "allocs_per_map")
				ha := hintCell(t, tb, n, elem, "hmap", true, gogc, "allocs_per_map")
				ub := hintCell(t, tb, n, elem, "hmap", false, gogc, "bytes_per_map")
				hb := hintCell(t, tb, n, elem, "hmap", true, gogc, "bytes_per_map")
				require.Less(t, ha, ua, "n=%d %s: allocations", n, elem)
				require.Less(t, hb, ub, "n=%d %s: bytes", n, elem)
				// Hinted: the header, its extra and the array, nothing else.
				least := ha
				for _, rt := range reruns {
					least = min(least, hintCell(t, rt, n, elem, "hmap", true, gogc, "allocs_per_map"))
				}
				require.LessOrEqual(t, least, 9.0, "n=%d %s", n, elem)
				// Unhinted: the arrays on the way up add about as much again.
				require.Greater(t, ub, 1.8*hb, "n=%d %s", n, elem)
				// A hinted map's allocation is its array, within a header.
				stats := hintCell(t, tb, n, elem, "hmap", true, gogc, "stats_bytes")
				require.InDelta(t, stats, hb, 600, "n=%d %s", n, elem)
			}
			// The hint changes the building, not the finished table.
			require.Equal(t, hintCell(t, tb, 10_000, elem, "hmap", false, gogc, "stats_bytes"),
				hintCell(t, tb, 10_000, elem, "hmap", true, gogc, "stats_bytes"))
			// The builtin map saves too.
			require.Less(t, hintCell(t, tb, 10_000, elem, "builtin", true, gogc, "bytes_per_map"),
				hintCell(t, tb, 10_000, elem, "builtin", false, gogc, "bytes_per_map"))
		}
	}
}

// TestHintScannable: pointer-free buckets are not scanned, hinted or not;
// pointer buckets are, hinted or not. Measured, so bounds: at 10000
// entries the header is well under 1% of the map.
func TestHintScannable(t *testing.T) {
	r := hintRun(hintConfig{seed: 2, ns: []int{10_000}, gogcs: []int{100}, measured: 100_000})
	tb := r.Table
	for _, impl := range []string{"hmap", "builtin"} {
		for _, hinted := range []bool{false, true} {
			heap := hintCell(t, tb, 10_000, hintScalar, impl, hinted, 100, "heap_bytes_per_map")
			require.Greater(t, heap, 10_000*16.0, "%s hinted=%v: the map holds its entries", impl, hinted)
			require.Less(t, hintCell(t, tb, 10_000, hintScalar, impl, hinted, 100, "scannable_bytes_per_map"), 0.01*heap,
				"%s hinted=%v: pointer-free buckets are noscan", impl, hinted)
			ptr := hintCell(t, tb, 10_000, hintPointer, impl, hinted, 100, "scannable_pct")
			require.Greater(t, ptr, 90.0, "%s hinted=%v: pointer buckets are scanned", impl, hinted)
		}
	}
	require.Len(t, r.Claims, 1)
	require.Equal(t, refuted, r.Claims[0].Verdict, r.Claims[0].Measured)
}

// TestHintRestoresGOGC: the run sets GOGC as it goes and puts back what
// it found.
func TestHintRestoresGOGC(t *testing.T) {
	prev := debug.SetGCPercent(37)
	defer debug.SetGCPercent(prev)
	hintRun(hintConfig{seed: 1, ns: []int{100}, gogcs: []int{10, 200}, measured: 1_000})
	require.Equal(t, 37, debug.SetGCPercent(37))
}

// TestHintDeterministic: hmap's counts repeat for a seed. The allocation
// figures are rounded: the runtime allocates a little of its own now and
// then, spread over the maps of a row.
func TestHintDeterministic(t *testing.T) {
	c := hintConfig{seed: 5, ns: []int{1000}, gogcs: []int{100}, measured: 4_000}
	a, b := hintRun(c).Table, hintRun(c).Table
	for _, elem := range []string{hintScalar, hintPointer} {
		for _, hinted := range []bool{false, true} {
			require.Equal(t, hintCell(t, a, 1000, elem, "hmap", hinted, 100, "stats_bytes"),
				hintCell(t, b, 1000, elem, "hmap", hinted, 100, "stats_bytes"))
			require.Equal(t, math.Round(hintCell(t, a, 1000, elem, "hmap", hinted, 100, "allocs_per_map")),
				math.Round(hintCell(t, b, 1000, elem, "hmap", hinted, 100, "allocs_per_map")))
		}
	}
}

func TestHintOutputs(t *testing.T) {
	res := checkOutputs(t, "hint", "-n", "100,1000", "-gogc", "100", "-measured", "1000")
	require.Len(t, res.Table, 2*2*2*2) // n × elem × impl × hinted
	require.Len(t, res.Claims, 1)
}

func TestHintFlagErrors(t *testing.T) {
	requireUsageErrors(t, "hint",
		usageCase{[]string{"-n", "0"}, "-n 0 out of range: want 1 to 10000000"},
		usageCase{[]string{"-n", "100,10000001"}, "-n 10000001 out of range: want 1 to 10000000"},
		usageCase{[]string{"-n", "1e3"}, `-n "1e3": want comma-separated integers, each 1 to 10000000`},
		usageCase{[]string{"-gogc", "0"}, "-gogc 0 out of range: want 1 to 10000"},
		usageCase{[]string{"-gogc", "10,10001"}, "-gogc 10001 out of range: want 1 to 10000"},
		usageCase{[]string{"-gogc", ""}, `-gogc "": want comma-separated integers, each 1 to 10000`},
		usageCase{[]string{"-measured", "999"}, "-measured 999 out of range: want 1000 to 16777216"},
		usageCase{[]string{"-measured", "16777217"}, "-measured 16777217 out of range: want 1000 to 16777216"},
	)
}
