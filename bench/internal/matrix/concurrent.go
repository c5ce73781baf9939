package matrix

import (
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The concurrent benchmarks measure maps that many goroutines share, with
// int64 keys and values: package concurrent against sync.Map in package
// bench, and also against xsync in bench/peers. Their names:
//
//	BenchmarkConcurrent/size=1M/mix=90-10/impl=hmap-concurrent      (run with -cpu 1,2)
//	BenchmarkConcurrentGrowth/size=1M/impl=syncmap
//	BenchmarkConcurrentIterate/size=1M/impl=hmap-snapshot
//	BenchmarkConcurrentLen/size=1M/impl=xsync
//	BenchmarkConcurrentMemory/size=1M/impl=hmap-concurrent
//
// As for the single-goroutine matrix, the adapter writes the loop over its
// concrete map (ConcMapper.Ops), so that a map's operations are direct
// calls; the driver calls the adapter once per batch of operations.

// ConcMapper is what a concurrent map under test provides. Load, Store and
// Delete are used outside the timed loops and by the growth benchmark,
// where the clock read after each call dwarfs an indirect call.
type ConcMapper interface {
	Load(k int64) (int64, bool)
	Store(k, v int64)
	Delete(k int64)
	// Ops runs the next n operations of w's stream, in a plain loop:
	//
	//	for range n {
	//		switch k, op := w.Next(); op {
	//		case OpLoad:   v, _ := m.Load(k); w.Sink += v
	//		case OpStore:  m.Store(k, k)
	//		case OpDelete: m.Delete(k)
	//		}
	//	}
	Ops(w *Worker, n int)
	// Iterate visits every entry and returns how many it visited.
	Iterate() int
	// Len returns the number of entries, or -1 if the map cannot tell
	// without visiting them (sync.Map).
	Len() int
}

// ConcImpl is one concurrent map implementation bound to a name.
type ConcImpl struct {
	Name string
	New  func(hint int) ConcMapper
}

// mixes are the read/write mixes of BenchmarkConcurrent, as reads per 100
// operations; the writes are half Store, half Delete.
var mixes = []struct {
	Name  string
	Reads int
}{{"100-0", 100}, {"99-1", 99}, {"90-10", 90}, {"50-50", 50}}

// concSizes are the map sizes of the concurrent benchmarks.
var concSizes = []int{1 << 10, 1 << 20}

// Op is one operation of a Worker's stream.
type Op uint8

const (
	OpLoad Op = iota
	OpStore
	OpDelete
)

// Worker is one goroutine's stream of operations on a map holding the keys
// [0, size). Keys are uniform over the map. The writes alternate: a Delete
// of a key, then (at the next write) a Store of that same key, so every
// Delete finds its key present unless another goroutine raced for it, and
// the map stays full but for at most one key per goroutine. Finish puts
// that last key back.
type Worker struct {
	x       uint64 // xorshift state, never 0
	mask    uint64
	reads   uint64 // a draw whose top 16 bits are below reads is a Load
	pending int64  // the key the last Delete removed; -1 if none
	Sink    int64  // what Loads read, so that they are not optimised away
}

var workerSeeds atomic.Uint64

// NewWorker returns a stream over size keys (a power of 2) with the given
// reads per 100. Every call gets a different seed.
func NewWorker(size, reads int) *Worker {
	return &Worker{
		x:       workerSeeds.Add(0x9e3779b97f4a7c15) | 1,
		mask:    uint64(size - 1),
		reads:   uint64(reads) << 16 / 100,
		pending: -1,
	}
}

// Next returns the next operation and its key.
func (w *Worker) Next() (int64, Op) {
	x := w.x
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	w.x = x
	if x>>48 < w.reads {
		return int64(x & w.mask), OpLoad
	}
	if k := w.pending; k >= 0 {
		w.pending = -1
		return k, OpStore
	}
	k := int64(x & w.mask)
	w.pending = k
	return k, OpDelete
}

// Finish stores back the key a last unpaired Delete removed.
func (w *Worker) Finish(m ConcMapper) {
	if w.pending >= 0 {
		m.Store(w.pending, w.pending)
		w.pending = -1
	}
}

// concBatch is how many operations the driver hands an adapter at once.
const concBatch = 256

// warm holds the filled maps of BenchmarkConcurrent across its runs (-count,
// -cpu): a run leaves its map full again, so the next can reuse it and
// skip a fill that for sync.Map at 1M takes longer than the measurement.
var warm sync.Map // "impl/size" → ConcMapper

func warmMap(b *testing.B, im ConcImpl, size int) ConcMapper {
	key := im.Name + "/" + SizeName(size)
	if m, ok := warm.Load(key); ok {
		return m.(ConcMapper)
	}
	b.StopTimer()
	m := im.New(0)
	for k := range int64(size) {
		m.Store(k, k)
	}
	warm.Store(key, m)
	runtime.GC()
	b.StartTimer()
	return m
}

// RunConcurrent runs BenchmarkConcurrent: every size, mix and impl, as
// size=N/mix=R-W/impl=NAME, in b.RunParallel (one goroutine per P: run
// with -cpu 1,2 for the scaling). ns/op is wall time per operation over
// all goroutines, so throughput ratios are inverse ns/op ratios. The 100-0
// mix (reads only) shows how reads scale.
func RunConcurrent(b *testing.B, impls ...ConcImpl) {
	for _, size := range concSizes {
		b.Run("size="+SizeName(size), func(b *testing.B) {
			for _, mix := range mixes {
				b.Run("mix="+mix.Name, func(b *testing.B) {
					for _, im := range impls {
						b.Run("impl="+im.Name, func(b *testing.B) {
							runMix(b, im, size, mix.Reads)
						})
					}
				})
			}
		})
	}
}

func runMix(b *testing.B, im ConcImpl, size, reads int) {
	m := warmMap(b, im, size)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := NewWorker(size, reads)
		for {
			n := 0
			for n < concBatch && pb.Next() {
				n++
			}
			if n == 0 {
				break
			}
			m.Ops(w, n)
		}
		w.Finish(m)
	})
	b.StopTimer()
	if l := m.Len(); l >= 0 && l != size {
		b.Fatalf("%s holds %d entries after the mix, want %d", im.Name, l, size)
	}
}

// RunConcurrentGrowth runs BenchmarkConcurrentGrowth: each impl fills an
// empty map with keys 0..n-1, one Store at a time, while one other
// goroutine loads random keys among those already stored. The clock is read
// after every Store; it reports the 50th and 99.9th percentiles and the
// maximum of the single-Store latencies over all fills (p50-ns, p99.9-ns,
// max-ns), ns/op as the time of a whole fill, and the reader's loads per
// second (reads/s). The heap is collected before each fill and the
// collector is off during it, so that the tail is the map's own work (a
// sync.Map allocates on every Store and would otherwise show collections).
func RunConcurrentGrowth(b *testing.B, n int, impls ...ConcImpl) {
	b.Run("size="+SizeName(n), func(b *testing.B) {
		for _, im := range impls {
			b.Run("impl="+im.Name, func(b *testing.B) {
				var all []time.Duration
				var reads float64
				for range b.N {
					lat, r := fillWithReader(b, im, n)
					all = append(all, lat...)
					reads += r
				}
				b.StopTimer()
				slices.Sort(all)
				b.ReportMetric(quantileNs(all, 0.50), "p50-ns")
				b.ReportMetric(quantileNs(all, 0.999), "p99.9-ns")
				b.ReportMetric(quantileNs(all, 1), "max-ns")
				b.ReportMetric(reads/float64(b.N), "reads/s")
			})
		}
	})
}

func fillWithReader(b *testing.B, im ConcImpl, n int) ([]time.Duration, float64) {
	b.StopTimer()
	lat := make([]time.Duration, n)
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	m := im.New(0)
	var stored atomic.Int64 // keys [0, stored) are in the map
	var stop atomic.Bool
	var loads int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		x := workerSeeds.Add(0x9e3779b97f4a7c15) | 1
		for !stop.Load() {
			hi := uint64(stored.Load())
			if hi == 0 {
				runtime.Gosched()
				continue
			}
			for range 64 {
				x ^= x << 13
				x ^= x >> 7
				x ^= x << 17
				if _, ok := m.Load(int64(x % hi)); !ok {
					panic("growth with reader: a stored key is missing")
				}
				loads++
			}
		}
	}()
	b.StartTimer()
	start := time.Now()
	prev := time.Duration(0)
	for k := range int64(n) {
		m.Store(k, k)
		stored.Store(k + 1)
		now := time.Since(start)
		lat[k] = now - prev
		prev = now
	}
	b.StopTimer()
	stop.Store(true)
	wg.Wait()
	if l := m.Len(); l >= 0 && l != n {
		b.Fatalf("%s holds %d entries after the fill, want %d", im.Name, l, n)
	}
	return lat, float64(loads) / prev.Seconds()
}

// RunConcurrentIterate runs BenchmarkConcurrentIterate: a full iteration of
// a quiet map of n entries (for hmap-snapshot, taking a snapshot,
// iterating it and closing it), reported per entry as ns/entry.
func RunConcurrentIterate(b *testing.B, n int, impls ...ConcImpl) {
	b.Run("size="+SizeName(n), func(b *testing.B) {
		for _, im := range impls {
			b.Run("impl="+im.Name, func(b *testing.B) {
				m := warmMap(b, im, n)
				b.ResetTimer()
				for range b.N {
					if got := m.Iterate(); got != n {
						b.Fatalf("%s: iteration visited %d entries, want %d", im.Name, got, n)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
			})
		}
	})
}

// RunConcurrentLen runs BenchmarkConcurrentLen: Len of a quiet map of n
// entries, for the impls that have one.
func RunConcurrentLen(b *testing.B, n int, impls ...ConcImpl) {
	b.Run("size="+SizeName(n), func(b *testing.B) {
		for _, im := range impls {
			b.Run("impl="+im.Name, func(b *testing.B) {
				m := warmMap(b, im, n)
				if m.Len() < 0 {
					b.Skipf("%s has no Len", im.Name)
				}
				b.ResetTimer()
				s := 0
				for range b.N {
					s += m.Len()
				}
				if s != b.N*n {
					b.Fatalf("%s: Len is not %d", im.Name, n)
				}
			})
		}
	})
}

// RunConcurrentMemory runs BenchmarkConcurrentMemory: the live heap a map
// holds after n Stores into an empty map (B/entry), after every key is
// then deleted (MB-after-delete), and, for a map that has a Shrink method
// (which a map that shrinks by itself does not need), after it is called
// then (MB-after-shrink). Readings are taken after two full collections.
func RunConcurrentMemory(b *testing.B, n int, impls ...ConcImpl) {
	b.Run("size="+SizeName(n), func(b *testing.B) {
		for _, im := range impls {
			b.Run("impl="+im.Name, func(b *testing.B) {
				var full, empty, shrunk float64
				canShrink := false
				for range b.N {
					before := heapNow()
					m := im.New(0)
					for k := range int64(n) {
						m.Store(k, k)
					}
					mid := heapNow()
					for k := range int64(n) {
						m.Delete(k)
					}
					after := heapNow()
					full += growth(before.bytes, mid.bytes)
					empty += growth(before.bytes, after.bytes)
					if s, ok := m.(interface{ Shrink() }); ok {
						s.Shrink()
						shrunk += growth(before.bytes, heapNow().bytes)
						canShrink = true
					}
					runtime.KeepAlive(m)
				}
				b.ReportMetric(full/float64(b.N)/float64(n), "B/entry")
				b.ReportMetric(empty/float64(b.N)/(1<<20), "MB-after-delete")
				if canShrink {
					b.ReportMetric(shrunk/float64(b.N)/(1<<20), "MB-after-shrink")
				}
			})
		}
	})
}
