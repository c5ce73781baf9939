package table

import (
	"context"
	"fmt"
	"runtime/trace"
)

// With the execution tracer on (go test -trace, trace.Start, or
// net/http/pprof's /debug/pprof/trace), a map marks its rare and costly
// moments in the trace, so that `go tool trace` shows which goroutine paid
// for them and for how long:
//
//   - log messages in category "hmap" when a growth starts and when it ends,
//     with its kind, sizes and entries;
//   - regions "hmap.evacuate" around each write's share of a growth (all of
//     it, with pace 0), "hmap.clear" around Clear and "hmap.shrink" around
//     Shrink.
//
// A growth spans many writes, on any goroutine, so it is two log messages
// rather than a region, which must begin and end on one goroutine. With
// the tracer off each of these moments costs one atomic load; lookups, and
// writes to a map that is not growing, pay nothing.

const traceCategory = "hmap"

// traceGrowStart logs the start of a growth, if tracing is on. Its
// arguments are typed, not ...any, so that a caller boxes nothing while
// tracing is off.
func traceGrowStart(oldB, newB uint8, count int) {
	if !trace.IsEnabled() {
		return
	}
	kind := "doubling"
	if oldB == newB {
		kind = "same size"
	}
	trace.Log(context.Background(), traceCategory, fmt.Sprintf("grow start: B %d -> %d (%s), %d entries", oldB, newB, kind, count))
}

// traceGrowDone logs the end of a growth, if tracing is on.
func traceGrowDone(B uint8, count int) {
	if trace.IsEnabled() {
		trace.Log(context.Background(), traceCategory, fmt.Sprintf("grow done: B %d, %d entries", B, count))
	}
}

// traceRegion starts a region named name if tracing is on, and returns
// nil otherwise; endRegion ends what it returned.
func traceRegion(name string) *trace.Region {
	if !trace.IsEnabled() {
		return nil
	}
	return trace.StartRegion(context.Background(), name)
}

func endRegion(r *trace.Region) {
	if r != nil {
		r.End()
	}
}
