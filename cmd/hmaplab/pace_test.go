package main

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// paceCountColumns are the deterministic columns of the pace table.
var paceCountColumns = []string{"pace", "growths", "evac_max", "evac_mean", "moved_max", "mark_max",
	"writes", "writes_naive", "writes_model", "peak_bytes", "alloc_bytes", "grow_inserts"}

func paceCountsOf(r *result) map[string][]float64 {
	m := map[string][]float64{}
	for _, c := range paceCountColumns {
		m[c] = r.Table.col(c)
	}
	return m
}

// TestPaceCounts checks the deterministic counts of 2^14 keys exactly, and
// what the code dictates of them: 12 growths, the largest from 2^11
// buckets; pace 0 moves all 2048 old buckets (13312 entries, 6.5 per
// bucket) in the one write that starts it; pace p moves at most the
// touched bucket and p more; the peak is the same at every pace.
func TestPaceCounts(t *testing.T) {
	r := paceRun(paceConfig{seed: 1, n: 1 << 14, paces: []int{0, 1, 2, 4, 8, 64}, reps: 1})
	got := paceCountsOf(r)
	// The most the arrays held at a growth's start: the same at every pace.
	peak := got["peak_bytes"][0]
	if bits.UintSize == 64 {
		require.Equal(t, 987568.0, peak)
		require.Equal(t, 630784.0, got["alloc_bytes"][0])
	}
	for col, want := range map[string][]float64{
		"pace":         {0, 1, 2, 4, 8, 64},
		"growths":      {12, 12, 12, 12, 12, 12},
		"evac_max":     {2048, 2, 3, 5, 9, 65},
		"moved_max":    {13312, 26, 35, 52, 80, 457},
		"mark_max":     {2048, 9, 9, 10, 14, 67},
		"writes":       {1, 1410, 836, 457, 241, 32},
		"writes_naive": {1, 1024, 683, 410, 228, 32},
		"peak_bytes":   slices.Repeat([]float64{peak}, 6),
		"alloc_bytes":  slices.Repeat([]float64{float64(tradeoffArrayBytes(12))}, 6), // 630784 with 64-bit pointers
		"grow_inserts": {12, 2827, 1679, 918, 487, 69},
	} {
		require.Equal(t, want, got[col], "column %s", col)
	}
	require.Equal(t, 4095.0/12, got["evac_mean"][0], "pace 0: 2^0+...+2^11 buckets over 12 growths")

	const oldN = 2048
	for i, p := range got["pace"] {
		if p == 0 {
			require.Equal(t, 1.0, got["writes"][i], "pace 0 finishes a growth in the write that starts it")
			require.Equal(t, got["growths"][i], got["grow_inserts"][i], "pace 0: only the growth-starting inserts grow")
			continue
		}
		require.Equal(t, p+1, got["evac_max"][i], "pace %v: the touched bucket and %v more", p, p)
		// The pace's buckets, and the touched one when still unmoved;
		// growths smaller than the pace (and a growth's last write) move
		// fewer.
		require.Less(t, got["evac_mean"][i], p+1)
		if p <= 4 {
			require.Greater(t, got["evac_mean"][i], p, "pace %v", p)
		}
		// Between every write moving p+1 buckets and every write moving p,
		// and within 2% of the model.
		w := got["writes"][i]
		require.GreaterOrEqual(t, w, math.Ceil(oldN/(p+1)))
		require.LessOrEqual(t, w, math.Ceil(oldN/p))
		require.InEpsilon(t, paceWritesModel(oldN, int(p)), w, 0.02, "pace %v", p)
		require.Equal(t, paceWritesModel(oldN, int(p)), got["writes_model"][i])
	}

	require.Len(t, r.Claims, 2)
	require.Equal(t, holds, r.Claims[0].Verdict, r.Claims[0].Measured)
	require.Contains(t, r.Claims[0].Measured, "at most 2 old buckets")
	// The second claim is measured: its verdict is any of the three.
	require.Contains(t, []string{holds, partly, refuted}, r.Claims[1].Verdict)
	require.Contains(t, strings.Join(r.Notes, "\n"), fmt.Sprintf("Peak bytes are the same at every pace, %d", int(peak)))
}

// TestPaceLatencyColumns: every insert is timed once, in one class or
// the other, and the quantiles are ordered. No duration is asserted.
func TestPaceLatencyColumns(t *testing.T) {
	r := paceRun(paceConfig{seed: 3, n: 1 << 12, paces: []int{0, 1, 4}, reps: 2})
	tb := r.Table
	for i := range tb.Rows {
		for _, cls := range []string{"grow", "steady"} {
			p50, p99, p999, mx := tb.col(cls + "_p50_ns")[i], tb.col(cls + "_p99_ns")[i], tb.col(cls + "_p999_ns")[i], tb.col(cls + "_max_ns")[i]
			require.True(t, 0 <= p50 && p50 <= p99 && p99 <= p999 && p999 <= mx, "%s row %d: %v %v %v %v", cls, i, p50, p99, p999, mx)
		}
		require.LessOrEqual(t, tb.col("start_max_ns")[i], tb.col("grow_max_ns")[i])
		require.Positive(t, tb.col("total_ms")[i])
	}
	require.True(t, math.IsNaN(tb.col("evac_ins_max_ns")[0]), "pace 0: no insert evacuates without starting a growth")
	require.False(t, math.IsNaN(tb.col("evac_ins_max_ns")[1]))
	var js bytes.Buffer
	require.NoError(t, r.emit(&labFlags{format: "json"}, &js))
	require.Contains(t, js.String(), `"evac_ins_max_ns": null`, "NaN is null in JSON")
}

// TestPaceDeterministic: the same seed gives the same counts; another
// seed other keys, and another count of writes.
func TestPaceDeterministic(t *testing.T) {
	c := paceConfig{seed: 7, n: 1 << 12, paces: []int{0, 1, 8}, reps: 1}
	a := paceCountsOf(paceRun(c))
	require.Equal(t, a, paceCountsOf(paceRun(c)))
	c.seed = 8
	require.NotEqual(t, a, paceCountsOf(paceRun(c)))
}

// TestPaceClaimsNeedPaces: the claims are made only when the paces they
// compare are measured.
func TestPaceClaimsNeedPaces(t *testing.T) {
	r := paceRun(paceConfig{seed: 1, n: 1 << 10, paces: []int{0, 4}, reps: 1})
	require.Empty(t, r.Claims)
	require.Contains(t, strings.Join(r.Notes, "\n"), "The claims need pace 1")
	r = paceRun(paceConfig{seed: 1, n: 1 << 10, paces: []int{1}, reps: 1})
	require.Len(t, r.Claims, 1)
	require.Equal(t, holds, r.Claims[0].Verdict)
}

func TestPaceWritesModel(t *testing.T) {
	require.Equal(t, 1.0, paceWritesModel(1<<20, 0))
	require.Equal(t, 1.0, paceWritesNaive(1<<20, 0))
	require.InDelta(t, 1024*math.Ln2, paceWritesModel(1024, 1), 1e-9)
	require.Equal(t, 512.0, paceWritesNaive(1024, 1))
	require.Equal(t, 1.0, paceWritesModel(16, 100), "a pace past the table's size: one write")
}

func TestParsePaces(t *testing.T) {
	ps, err := parsePaces("8, 1,0")
	require.NoError(t, err)
	require.Equal(t, []int{0, 1, 8}, ps)
	require.Equal(t, "0,1,8", formatPaces(ps))
}

// TestPaceOutputs leaves pace 0 out, so that the one claim made is the
// counted one: checkOutputs compares verdicts across separate runs, and
// the second claim's is measured, free to differ from run to run.
func TestPaceOutputs(t *testing.T) {
	res := checkOutputs(t, "pace", "-n", "4096", "-paces", "1,8", "-reps", "1")
	require.Len(t, res.Table, 2)
	require.EqualValues(t, 351, res.Table[0]["writes"])
	require.Len(t, res.Claims, 1)
	require.Equal(t, holds, res.Claims[0].Verdict)
}

func TestPaceFlagErrors(t *testing.T) {
	requireUsageErrors(t, "pace",
		usageCase{[]string{"-reps", "0"}, "-reps 0 out of range: want 1 to 20"},
		usageCase{[]string{"-reps", "21"}, "-reps 21 out of range: want 1 to 20"},
		usageCase{[]string{"-n", "63"}, "-n 63 out of range: want 64 to 16777216"},
		usageCase{[]string{"-n", "16777217"}, "-n 16777217 out of range: want 64 to 16777216"},
		usageCase{[]string{"-paces", "1,x"}, `-paces "1,x": "x" is not an integer`},
		usageCase{[]string{"-paces", ""}, `-paces "": "" is not an integer`},
		usageCase{[]string{"-paces", "0,-1"}, `-paces "0,-1": pace -1 out of range: want 0 to 65536`},
		usageCase{[]string{"-paces", "65537"}, `-paces "65537": pace 65537 out of range: want 0 to 65536`},
		usageCase{[]string{"-paces", "1,2,1"}, `-paces "1,2,1": pace 1 given twice`},
		usageCase{[]string{"-paces", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"}, "17 paces: want 1 to 16"},
	)
}
