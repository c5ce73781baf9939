package table

import (
	"bytes"
	"runtime/trace"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRuntimeTrace: with the execution tracer on, a growth shows as two
// log messages and each write's evacuation, Clear and Shrink as regions.
// The trace's string table holds their names and messages verbatim.
func TestRuntimeTrace(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, trace.Start(&buf), "is the test binary already tracing (-test.trace)?")
	m := New[int, int](0, WithSeed(1))
	for i := range 100 {
		m.Put(i, i) // 100 entries: B 0 -> 4, the last growth done by the 100th write or not
	}
	for m.Stats().Growing {
		m.Put(-1, 0) // finish the growth
		m.Delete(-1)
	}
	for i := range 90 {
		m.Delete(i)
	}
	m.Shrink()
	m.Clear()
	trace.Stop()
	for _, want := range []string{
		"hmap", "grow start: B 0 -> 1 (doubling), 8 entries", "grow done: B 1, 8 entries",
		"grow start: B 3 -> 4 (doubling), 52 entries",
		"hmap.evacuate", "hmap.shrink", "hmap.clear",
	} {
		require.True(t, bytes.Contains(buf.Bytes(), []byte(want)), "the trace has no %q", want)
	}
}

// With the tracer off the hooks allocate nothing, even for counts that
// would need boxing (above 255) to format: they format only when tracing.
func TestRuntimeTraceOffAllocatesNothing(t *testing.T) {
	require.False(t, trace.IsEnabled())
	require.Zero(t, testing.AllocsPerRun(100, func() {
		endRegion(traceRegion("hmap.evacuate"))
		traceGrowStart(20, 21, 6_815_745)
		traceGrowDone(21, 6_815_746)
	}))
}
