package concurrent

import (
	"bytes"
	"runtime/trace"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRuntimeTraceRange: with the execution tracer on, Range and All are
// regions holding the count of entries they visited, a stopped iteration's
// included.
func TestRuntimeTraceRange(t *testing.T) {
	m := New[int, int](0)
	for i := range 1234 {
		m.Store(i, i)
	}
	var buf bytes.Buffer
	require.NoError(t, trace.Start(&buf), "is the test binary already tracing (-test.trace)?")
	n := 0
	m.Range(func(int, int) bool { n++; return true })
	for range m.All() {
		break
	}
	trace.Stop()
	require.Equal(t, 1234, n)
	for _, want := range []string{"hmap.range", "range: 1234 entries", "range: 1 entry"} {
		require.True(t, bytes.Contains(buf.Bytes(), []byte(want)), "the trace has no %q", want)
	}
}
