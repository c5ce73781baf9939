// Package matrix is the benchmark driver shared by package bench (hmap and
// the builtin map) and the nested module bench/peers (other hash map
// libraries). It is support code for benchmarks only: it imports testing
// and is of no use in a program.
//
// A benchmark names one matrix cell by sub-benchmark parts of the form
// key=value, so that benchstat can put any part in columns:
//
//	BenchmarkMap/key=int64/elem=int64/size=1K/op=get-hit/impl=hmap
//	BenchmarkGrowthLatency/key=int64/elem=int64/size=1M/impl=hmap-pace0
//	BenchmarkMemory/key=string/elem=int64/size=64K/impl=builtin
//
// # Adapters and the cost of measuring through them
//
// Every implementation, the builtin map included, is measured through the
// same kind of adapter: a small value type satisfying [Mapper], bound to a
// name by [NewImpl]. The driver's functions are generic in the adapter
// type, and Go compiles a generic function once per GC shape with a
// dictionary: a method call on a type parameter is an indirect call that is
// never inlined, whatever the adapter's type. A driver calling m.Get once
// per lookup would add that call (a few nanoseconds) to every operation of
// every implementation, and pull all ratios towards 1.
//
// So the adapter's methods take a whole batch: Lookup looks up every key of
// a slice, Put stores a slice of entries, and so on. Each adapter writes
// the loop itself, over its concrete map, where the map's own operation is
// a direct call (inlined where the map's code allows it, as in a program).
// The driver makes one indirect call per batch of [ProbeLen] operations
// (one per pass over the keys of a map of 64K or 1M entries; three per
// cycle of ten in mixed), for every implementation alike.
// BenchmarkAdapter in package bench compares the driver's get-hit loop with
// a hand-written one for hmap and the builtin map; the difference is within
// the noise of the machine.
//
// Adapters index the slice (m[keys[i]]) rather than range over copies of
// its elements (for _, k := range keys { m[k] }). For keys passed in
// memory, such as a 16-byte struct, the copy goes to the same stack slot at
// every iteration, and the processor then no longer overlaps the cache
// misses of successive lookups: the builtin map's get-hit on 1M struct
// keys took 4 times longer (about 260 ns instead of 65 ns) written that
// way.
package matrix

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Mapper is what an implementation provides to the driver. M is the
// adapter type itself (Clone returns one). Each batch method applies its
// operation to the slice elements in order; adapters must write these
// loops in the same plain way (see the package doc).
type Mapper[K comparable, V any, M any] interface {
	// Lookup looks up every key and returns how many were present.
	Lookup(keys []K) int
	// Put stores elems[i] under keys[i] for every i, in order.
	Put(keys []K, elems []V)
	// Delete deletes every key.
	Delete(keys []K)
	// DeleteReinsert deletes keys[i] and stores it again with elems[i],
	// for every i in order.
	DeleteReinsert(keys []K, elems []V)
	// Iterate visits every entry, reading its key and elem (for k, v :=
	// range m, using both), and returns the number of entries visited.
	Iterate() int
	// Clone returns a copy of the map (maps.Clone for the builtin map).
	Clone() M
	// Clear removes every entry (clear(m) for the builtin map).
	Clear()
	// Len returns the number of entries.
	Len() int
}

// sizes are the map sizes of the matrix, in entries.
var sizes = []int{8, 1 << 10, 1 << 16, 1 << 20}

// SizeName is the name of a size in benchmark names: 8, 1K, 64K, 1M.
func SizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "M"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "K"
	}
	return strconv.Itoa(n)
}

// The operations of BenchmarkMap, in the order they run for each size.
// The first ones share one map per implementation, built once per size;
// mixed changes which keys it holds, so it runs last.
//
//	get-hit          look up a present key (per op)
//	get-miss         look up an absent key (per op)
//	set-update       store a new elem under a present key (per op)
//	delete-reinsert  delete a present key, then store it again (per op: the pair)
//	insert-grow      fill an empty map, growing from 0 (per op: the whole map)
//	insert-presized  fill a map made with the size as hint (per op: the whole map, the make included)
//	iterate          range over every entry (per op: the whole map)
//	clone            copy the map (per op: the whole map)
//	clear            clear a full map (per op: the whole map; refilling it is not timed)
//	mixed            80% get-hit, 10% delete, 10% insert of a new key, at steady size (per op)
//
// Whole-map operations also report ns/entry, the time per op divided by
// the size.
var ops = []string{
	"get-hit", "get-miss", "set-update", "delete-reinsert",
	"insert-grow", "insert-presized", "iterate", "clone", "clear", "mixed",
}

// WholeMap reports whether op's unit is a whole map rather than one
// operation.
func WholeMap(op string) bool {
	switch op {
	case "insert-grow", "insert-presized", "iterate", "clone", "clear":
		return true
	}
	return false
}

// ProbeLen is the length of the batches the per-op benchmarks hand to an
// adapter, walking the probe sequence (see probeSpan).
const ProbeLen = 4096

// batch returns the length of the batch that starts at probe[at]: ProbeLen
// keys, or the rest of the sequence. (A map of probeSpan entries or more,
// 64K or 1M, is probed in one pass of its keys, as one batch.)
func batch[K any](probe []K, at int) int {
	if len(probe) >= probeSpan {
		return len(probe) - at
	}
	return min(ProbeLen, len(probe)-at)
}

// Impl is one implementation bound to a key and elem type, ready for Run,
// RunGrowthLatency and RunMemory.
type Impl[K comparable, V any] struct {
	Name string
	// the driver's functions, instantiated for the adapter type
	op      func(b *testing.B, op string, d *data[K, V], st *state)
	latency func(d *data[K, V], fresh bool) []time.Duration
	memory  func(d *data[K, V], copies int) (keep any, tableBytes, held int)
}

// state is what one implementation keeps between the operations of one
// size: the map they share and, for mixed, where its window of live keys
// starts.
type state struct {
	m     any
	lo    int
	built bool
}

// NewImpl binds an adapter constructor to a name. newMap(hint) returns an
// empty map with room for hint entries, as make(map[K]V, hint) does.
func NewImpl[M Mapper[K, V, M], K comparable, V any](name string, newMap func(hint int) M) Impl[K, V] {
	return Impl[K, V]{
		Name: name,
		op: func(b *testing.B, op string, d *data[K, V], st *state) {
			runOp(b, op, d, st, newMap)
		},
		latency: func(d *data[K, V], fresh bool) []time.Duration {
			return fillTimed(d, fresh, newMap)
		},
		memory: func(d *data[K, V], copies int) (any, int, int) {
			return fillCopies(d, copies, newMap)
		},
	}
}

// Run runs BenchmarkMap's cells of one key and elem type: every size, every
// op, every impl, as key=K/elem=V/size=N/op=OP/impl=NAME.
func Run[K comparable, V any](b *testing.B, v Variant[K, V], impls ...Impl[K, V]) {
	b.Run("key="+v.Key+"/elem="+v.Elem, func(b *testing.B) {
		for _, size := range sizes {
			b.Run("size="+SizeName(size), func(b *testing.B) {
				d := newData(v, size)
				states := make([]state, len(impls))
				for _, op := range ops {
					b.Run("op="+op, func(b *testing.B) {
						for i, im := range impls {
							b.Run("impl="+im.Name, func(b *testing.B) {
								b.ReportAllocs()
								im.op(b, op, d, &states[i])
							})
						}
					})
				}
			})
		}
	})
}

// shared returns the map the read-mostly ops share, building it on first
// use.
func shared[M Mapper[K, V, M], K comparable, V any](b *testing.B, d *data[K, V], st *state, newMap func(int) M) M {
	if !st.built {
		b.StopTimer()
		m := newMap(0)
		m.Put(d.keys[:d.n], d.elems[:d.n])
		st.m, st.lo, st.built = m, 0, true
		runtime.GC()
		b.StartTimer()
	}
	return st.m.(M)
}

// runOp runs one cell. The per-op cases hand the adapter batches of
// ProbeLen keys; b.N counts operations. The whole-map cases count maps.
func runOp[M Mapper[K, V, M], K comparable, V any](b *testing.B, op string, d *data[K, V], st *state, newMap func(int) M) {
	n := d.n
	switch op {
	case "get-hit", "get-miss":
		m := shared(b, d, st, newMap)
		probe := d.hitProbe
		want := b.N
		if op == "get-miss" {
			probe, want = d.missProbe, 0
		}
		b.ResetTimer()
		hits := 0
		for done, at := 0, 0; done < b.N; {
			c := min(batch(probe, at), b.N-done)
			hits += m.Lookup(probe[at : at+c])
			done += c
			at = (at + c) % len(probe)
		}
		b.StopTimer()
		if hits != want {
			b.Fatalf("%s: %d of %d lookups found their key, want %d", op, hits, b.N, want)
		}
	case "set-update", "delete-reinsert":
		m := shared(b, d, st, newMap)
		b.ResetTimer()
		for done, at := 0, 0; done < b.N; {
			c := min(batch(d.hitProbe, at), b.N-done)
			if op == "set-update" {
				m.Put(d.hitProbe[at:at+c], d.probeElems[at:at+c])
			} else {
				m.DeleteReinsert(d.hitProbe[at:at+c], d.probeElems[at:at+c])
			}
			done += c
			at = (at + c) % len(d.hitProbe)
		}
		b.StopTimer()
		if m.Len() != n {
			b.Fatalf("%s: Len %d, want %d", op, m.Len(), n)
		}
	case "insert-grow", "insert-presized":
		hint := 0
		if op == "insert-presized" {
			hint = n
		}
		var m M
		if n >= restSize {
			m = newMap(hint) // warm-up: see restSize
			m.Put(d.keys[:n], d.elems[:n])
		}
		b.ResetTimer()
		for range b.N {
			if n >= restSize {
				collectUntimed(b)
			}
			m = newMap(hint)
			m.Put(d.keys[:n], d.elems[:n])
		}
		b.StopTimer()
		if m.Len() != n {
			b.Fatalf("%s: Len %d, want %d", op, m.Len(), n)
		}
		perEntry(b, b.Elapsed(), n)
	case "iterate":
		m := shared(b, d, st, newMap)
		b.ResetTimer()
		seen := 0
		for range b.N {
			seen += m.Iterate()
		}
		b.StopTimer()
		if seen != b.N*n {
			b.Fatalf("iterate: %d entries visited, want %d", seen, b.N*n)
		}
		perEntry(b, b.Elapsed(), n)
	case "clone":
		m := shared(b, d, st, newMap)
		var c M
		if n >= restSize {
			c = m.Clone() // warm-up: see restSize
		}
		b.ResetTimer()
		for range b.N {
			if n >= restSize {
				collectUntimed(b)
			}
			c = m.Clone()
		}
		b.StopTimer()
		if c.Len() != n {
			b.Fatalf("clone: Len %d, want %d", c.Len(), n)
		}
		perEntry(b, b.Elapsed(), n)
	case "clear":
		runClear(b, d, newMap)
	case "mixed":
		runMixed(b, d, st, newMap)
	default:
		b.Fatalf("unknown op %q", op)
	}
}

// restSize is the size from which a whole-map op that builds a map
// (insert-grow, insert-presized, clone) is measured in a steady state: one
// untimed op first, then each timed op starts with the collector at rest
// and the previous op's memory free for reuse. Such an op allocates tens
// of megabytes at 1M entries, the same bytes for every implementation of
// the same layout, and it is one op per run: whether a collection cycle
// fell into it (its allocations then pay mark assists), or whether its
// memory came fresh from the kernel (a page fault per 4 KiB), decided the
// figure (clone at 1M varied by ±62%, and by 5x between runs), not the
// implementation. Below it, many ops make one run and these average out.
const restSize = 1 << 16

// collectUntimed collects the heap with the timer stopped, so that the op
// that follows starts with no cycle under way and the memory of the
// previous op's map (no longer live: the op's result is assigned after)
// free for reuse.
func collectUntimed(b *testing.B) {
	b.StopTimer()
	runtime.GC()
	b.StartTimer()
}

// perEntry reports the time of a whole-map op per entry.
func perEntry(b *testing.B, elapsed time.Duration, n int) {
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
}

// runClear times Clear on full maps. Refilling a cleared map costs far more
// than clearing it, so the refill cannot be left out of the benchmark's
// own timer (the framework would raise b.N until the untimed refills took
// minutes). Instead the benchmark's timer runs throughout, so that b.N
// stays small, and the clears alone are timed with the clock and reported
// as ns/op, overriding the framework's figure; allocs/op and B/op are
// measured around the clears alone too. For small maps each round clears
// several maps, to keep the clock's cost out of the figure.
func runClear[M Mapper[K, V, M], K comparable, V any](b *testing.B, d *data[K, V], newMap func(int) M) {
	n := d.n
	maps := make([]M, max(1, 8192/n))
	for i := range maps {
		maps[i] = newMap(n)
	}
	var spent time.Duration
	var before, after runtime.MemStats
	var mallocs, bytes uint64
	b.ResetTimer()
	for range b.N {
		for _, m := range maps {
			m.Put(d.keys[:n], d.elems[:n])
		}
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		for _, m := range maps {
			m.Clear()
		}
		spent += time.Since(t0)
		runtime.ReadMemStats(&after)
		mallocs += after.Mallocs - before.Mallocs
		bytes += after.TotalAlloc - before.TotalAlloc
	}
	b.StopTimer()
	if maps[0].Len() != 0 {
		b.Fatalf("clear: Len %d after Clear", maps[0].Len())
	}
	cleared := float64(b.N) * float64(len(maps))
	b.ReportMetric(float64(spent.Nanoseconds())/cleared, "ns/op")
	b.ReportMetric(float64(spent.Nanoseconds())/cleared/float64(n), "ns/entry")
	b.ReportMetric(float64(mallocs)/cleared, "allocs/op")
	b.ReportMetric(float64(bytes)/cleared, "B/op")
}

// runMixed runs cycles of 8 lookups of random live keys, 1 delete of the
// oldest key and 1 insert of a new one. The live keys are a window of n
// keys sliding over the 2n keys of d.keys (as a ring); the lookups pick
// their keys at random offsets within the window. b.N counts operations.
func runMixed[M Mapper[K, V, M], K comparable, V any](b *testing.B, d *data[K, V], st *state, newMap func(int) M) {
	n := d.n
	m := shared(b, d, st, newMap)
	ring := len(d.keys) - 1 // len is 2n, a power of two
	lo := st.lo
	var gets [8]K
	var one [1]K
	var elem [1]V
	hits := 0
	b.ResetTimer()
	for done := 0; done < b.N; done += 10 {
		for j := range gets {
			gets[j] = d.keys[(lo+d.offsets[(done+j)&(ProbeLen-1)])&ring]
		}
		hits += m.Lookup(gets[:])
		one[0] = d.keys[lo&ring]
		m.Delete(one[:])
		one[0] = d.keys[(lo+n)&ring]
		elem[0] = d.elems[lo&(n-1)]
		m.Put(one[:], elem[:])
		lo++
	}
	b.StopTimer()
	st.lo = lo
	cycles := (b.N + 9) / 10
	if hits != 8*cycles || m.Len() != n {
		b.Fatalf("mixed: %d hits of %d lookups, Len %d (want %d)", hits, 8*cycles, m.Len(), n)
	}
}

// RunOne runs one cell of BenchmarkMap's kind for each impl, named
// key=K/elem=V/size=N/op=OP/impl=NAME followed by /suffix if suffix is not
// empty.
func RunOne[K comparable, V any](b *testing.B, v Variant[K, V], n int, op, suffix string, impls ...Impl[K, V]) {
	d := newData(v, n)
	for _, im := range impls {
		name := "key=" + v.Key + "/elem=" + v.Elem + "/size=" + SizeName(n) + "/op=" + op + "/impl=" + im.Name
		if suffix != "" {
			name += "/" + suffix
		}
		var st state
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			im.op(b, op, d, &st)
		})
	}
}
