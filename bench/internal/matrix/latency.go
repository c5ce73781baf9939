package matrix

import (
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
	"time"
)

// RunGrowthLatency runs BenchmarkGrowthLatency's cells of one key and elem
// type: each impl fills an empty map with n keys, one Put at a time, and
// the clock is read after every Put. Each b.N iteration is one fill. It
// reports the 50th, 99th and 99.9th percentile and the maximum of the
// single-insert latencies over all fills (p50-ns, p99-ns, p99.9-ns,
// max-ns); ns/op is the time of a whole fill, clock reads included.
//
// Before each fill the heap is collected, and the collector is off during
// the fill, so that the tail shows the map's growth work rather than
// garbage collection. A growth that evacuates the whole old array at once
// (hmap with pace 0) shows up as one insert taking as long as copying the
// table; incremental evacuation spreads that work over the inserts that
// follow.
//
// The insert that starts a growth also allocates the new array, and what
// that costs depends on the heap: memory the heap reuses must be zeroed
// there and then (milliseconds for the 19 MB array of the last growth),
// memory fresh from the operating system is zero already and costs page
// faults as it is first touched, spread over the inserts that fill it.
// Both cases are measured: heap=reused collects the heap before a fill,
// heap=fresh also returns the freed memory to the operating system, as in
// the first fill of a process.
func RunGrowthLatency[K comparable, V any](b *testing.B, v Variant[K, V], n int, impls ...Impl[K, V]) {
	b.Run("key="+v.Key+"/elem="+v.Elem+"/size="+SizeName(n), func(b *testing.B) {
		d := newData(v, n)
		for _, heap := range []string{"reused", "fresh"} {
			b.Run("heap="+heap, func(b *testing.B) {
				for _, im := range impls {
					runLatency(b, im, d, heap == "fresh")
				}
			})
		}
	})
}

func runLatency[K comparable, V any](b *testing.B, im Impl[K, V], d *data[K, V], fresh bool) {
	b.Run("impl="+im.Name, func(b *testing.B) {
		var all []time.Duration
		b.ResetTimer()
		for range b.N {
			all = append(all, im.latency(d, fresh)...)
		}
		b.StopTimer()
		slices.Sort(all)
		b.ReportMetric(quantileNs(all, 0.50), "p50-ns")
		b.ReportMetric(quantileNs(all, 0.99), "p99-ns")
		b.ReportMetric(quantileNs(all, 0.999), "p99.9-ns")
		b.ReportMetric(quantileNs(all, 1), "max-ns")
	})
}

// quantileNs is the q-quantile of sorted latencies, in ns; q = 1 is the
// largest.
func quantileNs(sorted []time.Duration, q float64) float64 {
	return float64(sorted[min(len(sorted)-1, int(q*float64(len(sorted))))].Nanoseconds())
}

// fillTimed fills an empty map with d's keys, one at a time, and returns
// the duration of each Put. With fresh, the heap's free memory is first
// returned to the operating system.
func fillTimed[M Mapper[K, V, M], K comparable, V any](d *data[K, V], fresh bool, newMap func(int) M) []time.Duration {
	n := d.n
	lat := make([]time.Duration, n)
	if fresh {
		debug.FreeOSMemory()
	} else {
		runtime.GC()
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	m := newMap(0)
	// One monotonic clock read per insert (time.Since reads only that
	// clock): each latency runs from the end of the previous Put to the
	// end of this one, the loop's few instructions included.
	start := time.Now()
	prev := time.Duration(0)
	for i := range n {
		m.Put(d.keys[i:i+1], d.elems[i:i+1])
		now := time.Since(start)
		lat[i] = now - prev
		prev = now
	}
	if m.Len() != n {
		panic("growth latency: map lost entries")
	}
	return lat
}
