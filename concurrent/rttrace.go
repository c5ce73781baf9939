package concurrent

import (
	"context"
	"fmt"
	"runtime/trace"
)

// With the execution tracer on, every iteration of a Map (Range, All)
// is a region "hmap.range" in `go tool trace`, holding a log message in
// category "hmap" with the number of entries it visited: which goroutine
// walked the map, for how long, over how many entries. With the tracer
// off an iteration pays one atomic load.

// traceRange yields s's entries to yield inside a region, counting them.
func traceRange[K comparable, V any](s *Snapshot[K, V], yield func(K, V) bool) {
	ctx := context.Background()
	r := trace.StartRegion(ctx, "hmap.range")
	n := 0
	defer func() {
		unit := "entries"
		if n == 1 {
			unit = "entry"
		}
		trace.Log(ctx, "hmap", fmt.Sprintf("range: %d %s", n, unit))
		r.End()
	}()
	s.All()(func(k K, v V) bool {
		n++
		return yield(k, v)
	})
}
