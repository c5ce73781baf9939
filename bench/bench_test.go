package bench_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hmaplab/hmap/bench/internal/matrix"
	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/table"
)

// BenchmarkMap is the matrix, hmap with default options against the
// builtin map: BenchmarkMap/key=K/elem=V/size=N/op=OP/impl=hmap|builtin.
func BenchmarkMap(b *testing.B) {
	matrix.Run(b, matrix.Int64Int64, matrix.HmapImpl[int64, int64]("hmap"), matrix.BuiltinImpl[int64, int64]())
	matrix.Run(b, matrix.StringInt64, matrix.HmapImpl[string, int64]("hmap"), matrix.BuiltinImpl[string, int64]())
	matrix.Run(b, matrix.Struct16Int64, matrix.HmapImpl[matrix.Struct16, int64]("hmap"), matrix.BuiltinImpl[matrix.Struct16, int64]())
	matrix.Run(b, matrix.Int64Ptr, matrix.HmapImpl[int64, *int64]("hmap"), matrix.BuiltinImpl[int64, *int64]())
}

// BenchmarkGrowthLatency fills an empty map with 1M int64 keys one at a
// time: hmap with the default evacuation pace (1), hmap evacuating the
// whole old array when a growth starts (pace 0), and the builtin map.
func BenchmarkGrowthLatency(b *testing.B) {
	matrix.RunGrowthLatency(b, matrix.Int64Int64, 1<<20,
		matrix.HmapImpl[int64, int64]("hmap"),
		matrix.HmapImpl[int64, int64]("hmap-pace0", table.WithEvacuationPace(0)),
		matrix.BuiltinImpl[int64, int64]())
}

// BenchmarkMemory measures bytes per entry of a filled map, for every
// variant and size of the matrix.
func BenchmarkMemory(b *testing.B) {
	matrix.RunMemory(b, matrix.Int64Int64, matrix.HmapImpl[int64, int64]("hmap"), matrix.BuiltinImpl[int64, int64]())
	matrix.RunMemory(b, matrix.StringInt64, matrix.HmapImpl[string, int64]("hmap"), matrix.BuiltinImpl[string, int64]())
	matrix.RunMemory(b, matrix.Struct16Int64, matrix.HmapImpl[matrix.Struct16, int64]("hmap"), matrix.BuiltinImpl[matrix.Struct16, int64]())
	matrix.RunMemory(b, matrix.Int64Ptr, matrix.HmapImpl[int64, *int64]("hmap"), matrix.BuiltinImpl[int64, *int64]())
}

var sink int

// BenchmarkAdapter measures what the driver costs: get-hit on a 1K int64
// map, once through package matrix (via=matrix) and once as a plain loop
// over the concrete map (via=direct), looking up the same keys in the same
// order. The two should agree within noise, for hmap and for the builtin
// map alike.
func BenchmarkAdapter(b *testing.B) {
	const n = 1 << 10
	keys := make([]int64, n)
	for i := range keys {
		keys[i] = matrix.Int64Key(i)
	}
	probe := matrix.HitProbe(matrix.Int64Int64, n)
	mask := len(probe) - 1 // a power of two
	b.Run("key=int64/elem=int64/size=1K/op=get-hit/impl=hmap/via=direct", func(b *testing.B) {
		m := table.New[int64, int64](0)
		for i, k := range keys {
			m.Put(k, int64(i))
		}
		b.ReportAllocs()
		b.ResetTimer()
		hits := 0
		for i := 0; i < b.N; i++ {
			if _, ok := m.Get(probe[i&mask]); ok {
				hits++
			}
		}
		sink = hits
	})
	b.Run("key=int64/elem=int64/size=1K/op=get-hit/impl=builtin/via=direct", func(b *testing.B) {
		m := map[int64]int64{}
		for i, k := range keys {
			m[k] = int64(i)
		}
		b.ReportAllocs()
		b.ResetTimer()
		hits := 0
		for i := 0; i < b.N; i++ {
			if _, ok := m[probe[i&mask]]; ok {
				hits++
			}
		}
		sink = hits
	})
	matrix.RunOne(b, matrix.Int64Int64, n, "get-hit", "via=matrix",
		matrix.HmapImpl[int64, int64]("hmap"), matrix.BuiltinImpl[int64, int64]())
}

// BenchmarkProbePeriod shows why the matrix's per-op cells do not replay a
// short sequence of keys (see probeSpan in package matrix): get-hit on a
// 1K int64 map, with the keys looked up in a random sequence that repeats
// every period keys (none: does not repeat within the 1M keys of a run),
// for hmap and the builtin map.
func BenchmarkProbePeriod(b *testing.B) {
	const n = 1 << 10
	keys := make([]int64, n)
	for i := range keys {
		keys[i] = matrix.Int64Key(i)
	}
	hm := table.New[int64, int64](0)
	bm := map[int64]int64{}
	for i, k := range keys {
		hm.Put(k, int64(i))
		bm[k] = int64(i)
	}
	r := rand.New(rand.NewPCG(1, 2))
	probe := make([]int64, 1<<20)
	for _, period := range []int{1 << 10, 1 << 12, 1 << 14, 0} {
		for i := range probe {
			if period > 0 && i >= period {
				probe[i] = probe[i%period]
			} else {
				probe[i] = keys[r.IntN(n)]
			}
		}
		name := "period=" + strconv.Itoa(period)
		if period == 0 {
			name = "period=none"
		}
		mask := len(probe) - 1
		b.Run(name+"/impl=hmap", func(b *testing.B) {
			hits := 0
			for i := 0; i < b.N; i++ {
				if _, ok := hm.Get(probe[i&mask]); ok {
					hits++
				}
			}
			sink = hits
		})
		b.Run(name+"/impl=builtin", func(b *testing.B) {
			hits := 0
			for i := 0; i < b.N; i++ {
				if _, ok := bm[probe[i&mask]]; ok {
					hits++
				}
			}
			sink = hits
		})
	}
}

// The concurrent map (package concurrent) against sync.Map; bench/peers
// adds xsync. hmap-probes is package concurrent with WithProbeCounting, to
// show what counting probes costs reads.
var concImpls = []matrix.ConcImpl{
	matrix.ConcHmapImpl("hmap-concurrent"),
	matrix.ConcHmapImpl("hmap-probes", concurrent.WithProbeCounting(64)),
	matrix.SyncMapImpl(),
}

// BenchmarkConcurrent is the read/write mix matrix:
// BenchmarkConcurrent/size=N/mix=R-W/impl=NAME; run with -cpu 1,2.
func BenchmarkConcurrent(b *testing.B) { matrix.RunConcurrent(b, concImpls...) }

// BenchmarkConcurrentGrowth fills an empty map to 1M entries, one Store at
// a time, with one concurrent reader, and reports the Store latencies.
func BenchmarkConcurrentGrowth(b *testing.B) {
	matrix.RunConcurrentGrowth(b, 1<<20, matrix.ConcHmapImpl("hmap-concurrent"), matrix.SyncMapImpl())
}

// BenchmarkConcurrentIterate iterates a quiet 1M-entry map: through a
// snapshot, through All, and sync.Map's Range.
func BenchmarkConcurrentIterate(b *testing.B) {
	matrix.RunConcurrentIterate(b, 1<<20, matrix.ConcHmapSnapshotImpl("hmap-snapshot"), matrix.ConcHmapImpl("hmap-concurrent"), matrix.SyncMapImpl())
}

// BenchmarkConcurrentLen is Len of a 1M-entry map.
func BenchmarkConcurrentLen(b *testing.B) {
	matrix.RunConcurrentLen(b, 1<<20, matrix.ConcHmapImpl("hmap-concurrent"))
}

// BenchmarkConcurrentMemory is the heap per entry of a 1M-entry map, and
// what is left after deleting every key.
func BenchmarkConcurrentMemory(b *testing.B) {
	matrix.RunConcurrentMemory(b, 1<<20, matrix.ConcHmapImpl("hmap-concurrent"), matrix.SyncMapImpl())
}

// BenchmarkSnapshot measures snapshots of a 1M-entry concurrent map under
// a 90/10 load: the benchmark goroutine runs the load (ns/op is per
// operation of it) while a second goroutine takes snapshots back to back
// (snap=back-to-back: take, close, take again; snap=export: take, iterate
// every entry, close) or does nothing (snap=none). Comparing ns/op across
// the snap column gives the throughput the load loses to the snapshots;
// create-p50-ns and create-max-ns are the times to take one, snaps/s how
// many were taken.
func BenchmarkSnapshot(b *testing.B) {
	const size = 1 << 20
	m := concurrent.New[int64, int64](0)
	for k := range int64(size) {
		m.Store(k, k)
	}
	load := matrix.ConcHmap{M: m}
	for _, mode := range []string{"none", "back-to-back", "export"} {
		b.Run("size=1M/mix=90-10/snap="+mode, func(b *testing.B) {
			var stop atomic.Bool
			var created []time.Duration
			done := make(chan struct{})
			go func() {
				defer close(done)
				for mode != "none" && !stop.Load() {
					t0 := time.Now()
					s := m.Snapshot()
					created = append(created, time.Since(t0))
					if mode == "export" {
						for range s.All() {
						}
					}
					s.Close()
				}
			}()
			w := matrix.NewWorker(size, 90)
			b.ResetTimer()
			for i := 0; i < b.N; i += 256 {
				load.Ops(w, min(256, b.N-i))
			}
			b.StopTimer()
			stop.Store(true)
			<-done
			w.Finish(load)
			if len(created) > 0 {
				slices.Sort(created)
				b.ReportMetric(float64(created[len(created)/2].Nanoseconds()), "create-p50-ns")
				b.ReportMetric(float64(created[len(created)-1].Nanoseconds()), "create-max-ns")
			}
			b.ReportMetric(float64(len(created))/b.Elapsed().Seconds(), "snaps/s")
		})
	}
}
