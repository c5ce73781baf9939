package table

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// recorder collects tracer events as strings, in order.
type recorder struct{ log []string }

func (r *recorder) tracer() *Tracer {
	return &Tracer{
		GrowStart:         func(e GrowEvent) { r.log = append(r.log, fmt.Sprintf("start %+v", e)) },
		BucketEvacuated:   func(e EvacuateEvent) { r.log = append(r.log, fmt.Sprintf("evac %+v", e)) },
		GrowDone:          func(e GrowEvent) { r.log = append(r.log, fmt.Sprintf("done %+v", e)) },
		OverflowAllocated: func(e OverflowEvent) { r.log = append(r.log, fmt.Sprintf("ovf %+v", e)) },
		Reseed:            func(e ReseedEvent) { r.log = append(r.log, fmt.Sprintf("reseed clear=%v", e.Clear)) },
	}
}

// TestStatsFirstGrowths follows identity-hashed keys 0..13 through the
// first two growths of a default map, event by event:
//
//   - keys 0..7 fill the single bucket.
//   - key 8, the 9th entry, exceeds 8 per bucket: doubling to B=1. The
//     write touches old bucket 0 (the only one): evens 0,2,4,6 go to X
//     (bucket 0), odds to Y (bucket 1); nevacuate reaches 1, the growth is
//     done within the same write.
//   - keys 9..12: buckets hold 7 and 6 entries, 13 in all.
//   - key 13, the 14th entry, exceeds 6.5*2: doubling to B=2. The write
//     touches old bucket 13&1 = 1 (1,3,5,7,9,11: bit 1 alternates X,Y,...
//     so 3 and 3), then paces old bucket 0 (0,2,...,12: X Y X Y X Y X, so
//     4 and 3); nevacuate advances over both, 2, and the growth is done.
func TestStatsFirstGrowths(t *testing.T) {
	var rec recorder
	m := New[uint64, uint64](0, WithHasher(hash.Identity[uint64]{}), WithSeed(1), WithTracer(rec.tracer()))
	s := m.Stats()
	require.Equal(t, Stats{Seed: m.seed, Probes: Probes{Enabled: probesEnabled}}, s, "a new map with no hint has nothing")

	for k := range uint64(8) {
		m.Put(k, k)
	}
	require.Empty(t, rec.log)
	m.Put(8, 8)
	require.Equal(t, []string{
		"start {OldB:0 NewB:1 SameSize:false Count:8 Overflow:0 BytesAllocated:288 BytesReleased:0 BytesHeld:432}",
		"evac {OldBucket:0 X:0 Y:1 ToX:4 ToY:4 Paced:false Nevacuate:1}",
		"done {OldB:0 NewB:1 SameSize:false Count:8 Overflow:0 BytesAllocated:0 BytesReleased:144 BytesHeld:288}",
	}, rec.log)
	rec.log = nil
	for k := uint64(9); k < 14; k++ {
		m.Put(k, k)
	}
	require.Equal(t, []string{
		"start {OldB:1 NewB:2 SameSize:false Count:13 Overflow:0 BytesAllocated:576 BytesReleased:0 BytesHeld:864}",
		"evac {OldBucket:1 X:1 Y:3 ToX:3 ToY:3 Paced:false Nevacuate:0}",
		"evac {OldBucket:0 X:0 Y:2 ToX:4 ToY:3 Paced:true Nevacuate:2}",
		"done {OldB:1 NewB:2 SameSize:false Count:13 Overflow:0 BytesAllocated:0 BytesReleased:288 BytesHeld:576}",
	}, rec.log)

	s = m.Stats()
	require.Equal(t, 14, s.Count)
	require.Equal(t, uint8(2), s.B)
	require.Equal(t, 4, s.Buckets)
	require.Equal(t, 0, s.SpareBuckets) // B < 4: no spares
	require.False(t, s.Growing)
	require.Equal(t, 2, s.Nevacuate) // the runtime leaves it at the old size
	require.Equal(t, 0, s.OldBuckets)
	require.Equal(t, 3.5, s.LoadFactor)
	require.Equal(t, 4*144, s.BytesAllocated) // 576 is a size class
	require.Equal(t, 576.0/14, s.BytesPerEntry)
	require.Equal(t, Events{Growths: 2, BucketsEvacuated: 3, MovedX: 11, MovedY: 10}, s.Events)
	require.Equal(t, Shape{ChainLengths: []int{0, 4}, SlotsUsed: [9]int{3: 2, 4: 2}}, m.Shape())
	require.NoError(t, m.checkInvariants())

	// With room for 9 from the start, the 14th insert is the first growth.
	h := New[uint64, uint64](9, WithHasher(hash.Identity[uint64]{}))
	for k := range uint64(14) {
		h.Put(k, k)
	}
	require.Equal(t, 1, h.Stats().Events.Growths)
	require.Equal(t, uint8(2), h.Stats().B)
}

// utOvfLog is the tracer's account of the four overflow buckets that keys
// 0, 16, 32, ... take in bucket 0 of a table of hint 100 (B=4): the
// array's spares, then allocations. On 32-bit platforms its smaller
// buckets leave three spares, not two (see TestGrowthSparesInt64B4).
var utOvfLog = utWidth([]string{
	"ovf {Bucket:0 ChainLen:2 Spare:true SparesLeft:1 Overflow:1}",
	"ovf {Bucket:0 ChainLen:3 Spare:true SparesLeft:0 Overflow:2}",
	"ovf {Bucket:0 ChainLen:4 Spare:false SparesLeft:0 Overflow:3}",
	"ovf {Bucket:0 ChainLen:5 Spare:false SparesLeft:0 Overflow:4}",
}, []string{
	"ovf {Bucket:0 ChainLen:2 Spare:true SparesLeft:2 Overflow:1}",
	"ovf {Bucket:0 ChainLen:3 Spare:true SparesLeft:1 Overflow:2}",
	"ovf {Bucket:0 ChainLen:4 Spare:true SparesLeft:0 Overflow:3}",
	"ovf {Bucket:0 ChainLen:5 Spare:false SparesLeft:0 Overflow:4}",
})

// TestStatsOverflow: keys 0, 16, 32, ... share bucket 0 of a 16-bucket table
// (hint 100: B=4). Its array has 18 buckets (17*144 = 2448 rounds up to the
// 2688-byte class), so two spares; the 9th, 17th, 25th and 33rd keys each
// need an overflow bucket: two spares, then two allocations. On 32-bit the
// array has 19 buckets (17*140 = 2380, the same class): three spares, then
// one allocation, of a 140-byte bucket rounded up to 144 bytes.
func TestStatsOverflow(t *testing.T) {
	var rec recorder
	m := New[uint64, uint64](100, WithHasher(hash.Identity[uint64]{}), WithTracer(rec.tracer()))
	spares := utWidth(2, 3)
	require.Equal(t, spares, m.Stats().SpareBuckets)
	for k := range uint64(40) {
		m.Put(k*16, k)
	}
	require.Equal(t, utOvfLog, rec.log)
	s := m.Stats()
	require.Equal(t, uint16(4), s.Noverflow)
	require.Equal(t, 4, s.OverflowBuckets)
	require.Equal(t, 0, s.SpareBuckets)
	require.Equal(t, 2.5, s.LoadFactor)
	require.Equal(t, 2688+(4-spares)*144, s.BytesAllocated)
	require.Equal(t, Events{OverflowFromSpare: spares, OverflowAllocated: 4 - spares}, s.Events)
	require.Equal(t, Shape{ChainLengths: []int{0, 15, 0, 0, 0, 1}, SlotsUsed: [9]int{0: 15, 8: 5}}, m.Shape())

	// Deleting leaves EmptyOne holes before the chain's end.
	m.Delete(0)
	m.Delete(16)
	require.Equal(t, 2, m.Shape().EmptyOne)
}

// TestStatsSameSizeGrowth: with the overflow threshold at 2^2, the fourth
// overflow bucket of the test above makes the next new key (the 34th) start
// a same-size growth. That write evacuates old bucket 0 (its 33 entries all
// go to X, whose chain again needs 4 overflow buckets: the new array's two
// spares and two allocations, or three and one on 32-bit), then paces old
// bucket 1 (empty); nevacuate stops at 2, bucket 2 not being evacuated.
func TestStatsSameSizeGrowth(t *testing.T) {
	var rec recorder
	m := New[uint64, uint64](100, WithHasher(hash.Identity[uint64]{}), WithOverflowThreshold(2), WithTracer(rec.tracer()))
	for k := range uint64(33) {
		m.Put(k*16, k)
	}
	require.Equal(t, uint16(4), m.Stats().Noverflow)
	require.False(t, m.Stats().Growing)
	rec.log = nil
	m.Put(33*16, 33)
	// Held as the growth starts: the old array, its allocated overflow
	// buckets and the new array, 2688 + 2*144 + 2688 (on 32-bit, 2688 +
	// 144 + 2688).
	want := []string{utWidth(
		"start {OldB:4 NewB:4 SameSize:true Count:33 Overflow:4 BytesAllocated:2688 BytesReleased:0 BytesHeld:5664}",
		"start {OldB:4 NewB:4 SameSize:true Count:33 Overflow:4 BytesAllocated:2688 BytesReleased:0 BytesHeld:5520}",
	)}
	want = append(want, utOvfLog...)
	want = append(want,
		"evac {OldBucket:0 X:0 Y:-1 ToX:33 ToY:0 Paced:false Nevacuate:1}",
		"evac {OldBucket:1 X:1 Y:-1 ToX:0 ToY:0 Paced:true Nevacuate:2}",
	)
	require.Equal(t, want, rec.log)
	s := m.Stats()
	require.True(t, s.Growing)
	require.True(t, s.SameSizeGrow)
	require.Equal(t, uint8(4), s.B)
	require.Equal(t, 16, s.OldBuckets)
	require.Equal(t, 2, s.Nevacuate)
	require.Equal(t, 4, s.OverflowBuckets)
	require.Equal(t, 4, s.OldOverflowBuckets)
	require.Equal(t, 1, s.Events.SameSizeGrowths)
	require.Equal(t, 0, s.Events.Growths)
	require.Equal(t, 33, s.Events.MovedX)
	require.Equal(t, 0, s.Events.MovedY)
	// Both arrays are held while growing: 2 arrays of 2688 bytes, 4
	// allocated overflow buckets (2 on 32-bit).
	require.Equal(t, 2*2688+utWidth(4, 2)*144, s.BytesAllocated)
	require.NoError(t, m.checkInvariants())

	// Each further write evacuates the bucket at nevacuate: key k touches
	// old bucket k, already evacuated, and paces bucket k+2. Key 14 paces
	// bucket 15, the last: the growth is done. But the rebuilt chain of
	// bucket 0 again holds 4 overflow buckets, so the same write, inserting
	// a new key, starts another same-size growth at once (touching old
	// bucket 14, then pacing 0) — why the default threshold is 2^min(B, 15).
	rec.log = nil
	for k := uint64(1); k <= 14; k++ {
		m.Put(k, k) // keys 1..14 go to buckets 1..14
	}
	s = m.Stats()
	require.Equal(t, 2, s.Events.SameSizeGrowths)
	require.Equal(t, 16+2, s.Events.BucketsEvacuated)
	require.True(t, s.Growing)
	require.Equal(t, 1, s.Nevacuate)
	var done, restart int
	for i, l := range rec.log {
		if strings.HasPrefix(l, "done {OldB:4 NewB:4 SameSize:true Count:47") {
			done = i
		}
		if strings.HasPrefix(l, "start {OldB:4 NewB:4 SameSize:true Count:47 Overflow:4 ") {
			restart = i
		}
	}
	require.Positive(t, done, "%q", rec.log)
	require.Equal(t, done+1, restart, "the growth restarts right after it ends")
	require.NoError(t, m.checkInvariants())
}

func TestStatsReseedsClearsIterators(t *testing.T) {
	var rec recorder
	m := New[int, int](0, WithSeed(7), WithTracer(rec.tracer()))
	seed0 := m.Stats().Seed
	m.Put(1, 1)
	m.Put(2, 2)
	m.Delete(1)
	require.Equal(t, 0, m.Stats().Events.Reseeds, "not empty yet")
	m.Delete(2)
	require.Equal(t, 1, m.Stats().Events.Reseeds)
	require.NotEqual(t, seed0, m.Stats().Seed)
	m.Delete(3) // on an empty map: nothing
	m.Clear()   // likewise
	require.Equal(t, Events{Reseeds: 1}, m.Stats().Events)
	m.Put(3, 3)
	m.Clear()
	require.Equal(t, Events{Reseeds: 2, Clears: 1}, m.Stats().Events)
	require.Equal(t, []string{"reseed clear=false", "reseed clear=true"}, rec.log)

	require.False(t, m.Stats().Iterator)
	m.Put(4, 4)
	for range m.All() {
		break
	}
	s := m.Stats()
	require.True(t, s.Iterator)
	require.True(t, s.OldIterator)
	// An iteration of an empty map marks nothing.
	e := New[int, int](0)
	for range e.All() {
	}
	require.False(t, e.Stats().Iterator)
}

func TestStatsProbes(t *testing.T) {
	m := New[uint64, int](0, WithHasher(hash.Constant[uint64]{Value: 1 << 60}))
	for k := range uint64(8) {
		m.Put(k, 0)
	}
	m.Get(3) // compares keys 0..3: 1 hit, 3 false positives
	m.Get(99)
	p := m.Stats().Probes
	if !probesEnabled {
		require.Equal(t, Probes{}, p, "no counting without -tags hmapprobe")
		return
	}
	require.Equal(t, Probes{
		Enabled: true, Lookups: 2, Hits: 1, Misses: 1,
		KeysComparedHit: 4, KeysComparedMiss: 8, FalsePositives: 3 + 8,
		BucketsVisited: 2,
	}, p)
}

// TestPanickingTracer: a tracer that panics on every event cannot lose or
// corrupt anything: each write completes, the panic leaves it, and the
// map's contents stay those of the model.
func TestPanickingTracer(t *testing.T) {
	boom := func() { panic("tracer says no") }
	tr := &Tracer{
		GrowStart:         func(GrowEvent) { boom() },
		BucketEvacuated:   func(EvacuateEvent) { boom() },
		GrowDone:          func(GrowEvent) { boom() },
		OverflowAllocated: func(OverflowEvent) { boom() },
		Reseed:            func(ReseedEvent) { boom() },
	}
	m := New[int, int](0, WithTracer(tr), WithSeed(3), WithOverflowThreshold(3))
	model := map[int]int{}
	r := rand.New(rand.NewPCG(1, 2))
	panics := 0
	try := func(f func()) {
		defer func() {
			if v := recover(); v != nil {
				require.Equal(t, "tracer says no", v)
				panics++
			}
		}()
		f()
	}
	for i := range 20000 {
		k := r.IntN(2000)
		switch op := r.IntN(10); {
		case op < 6:
			try(func() { m.Put(k, i) })
			model[k] = i
		case op < 9:
			try(func() { m.Delete(k) })
			delete(model, k)
		case i%500 == 0:
			try(func() { m.Clear() })
			clear(model)
		default:
			// Ptr delivers its events before returning: if the tracer
			// panics, the key is present but the caller's update
			// through the pointer never runs.
			updated := false
			try(func() { *m.Ptr(k) += 1; updated = true })
			if updated {
				model[k]++
			} else {
				model[k] += 0
			}
		}
		require.Equal(t, len(model), m.Len())
		if i%1000 == 0 {
			require.NoError(t, m.checkInvariants())
		}
	}
	require.Greater(t, panics, 50, "the tracer was called")
	require.NoError(t, m.checkInvariants())
	n := 0
	for k, v := range m.All() {
		want, ok := model[k]
		require.True(t, ok, "key %d is not in the model", k)
		require.Equal(t, want, v, "key %d", k)
		n++
	}
	require.Equal(t, len(model), n)
}

// TestTracerMayWrite: a tracer can write to the map it watches; its
// writes' events are delivered after the current ones.
func TestTracerMayWrite(t *testing.T) {
	var m *Map[int, int]
	var log []string
	m = New[int, int](0, WithTracer(&Tracer{
		GrowStart: func(e GrowEvent) {
			log = append(log, fmt.Sprintf("grow to %d", e.NewB))
			if e.NewB == 1 {
				m.Put(-1, -1) // inside the event of the first growth
			}
		},
	}))
	for i := range 14 {
		m.Put(i, i)
	}
	require.Equal(t, 15, m.Len())
	require.Equal(t, -1, m.At(-1))
	require.Equal(t, []string{"grow to 1", "grow to 2"}, log)
	require.NoError(t, m.checkInvariants())
}

// viewOverflow counts the overflow buckets of a view's chains.
func viewOverflow[K comparable, V any](chains []Chain[K, V]) int {
	n := 0
	for _, c := range chains {
		n += len(c) - 1
	}
	return n
}

// TestStatsAgreeWithInspect: every exact counter of Stats matches what
// Inspect shows, after every write. In particular, once evacuation has
// unlinked an old chain's overflow buckets (pointer-holding buckets, no
// iterator), OldOverflowBuckets no longer counts them.
func TestStatsAgreeWithInspect(t *testing.T) {
	m := New[string, int64](0)
	sawOld := false
	check := func(when string) {
		v := m.Inspect()
		require.Equal(t, viewOverflow(v.Buckets), v.OverflowBuckets, when)
		require.Equal(t, viewOverflow(v.OldBuckets), v.OldOverflowBuckets, when)
		full := 0
		for _, arr := range [][]Chain[string, int64]{v.Buckets, v.OldBuckets} {
			for _, c := range arr {
				for i := range c {
					full += c[i].Full()
				}
			}
		}
		require.Equal(t, full, v.Count, when)
		if v.OldOverflowBuckets > 0 {
			sawOld = true
		}
	}
	for i := range 5000 {
		m.Put(strconv.Itoa(i), int64(i))
		check(fmt.Sprintf("after inserting %d", i))
	}
	require.True(t, sawOld, "no growth with old overflow buckets")
	for i := 0; i < 5000; i += 3 {
		m.Delete(strconv.Itoa(i))
		check(fmt.Sprintf("after deleting %d", i))
	}
}

// The reproduction: the first growth with old overflow buckets,
// then one more insert.
func TestStatsOldOverflowAfterUnlink(t *testing.T) {
	for seed := range uint64(50) {
		m := New[string, int64](0, WithSeed(seed))
		i := 0
		for ; !(m.Stats().Growing && m.Stats().OldOverflowBuckets > 0); i++ {
			require.Less(t, i, 10000)
			m.Put(strconv.Itoa(i), int64(i))
		}
		m.Put(strconv.Itoa(i), int64(i))
		require.Equal(t, viewOverflow(m.Inspect().OldBuckets), m.Stats().OldOverflowBuckets, "seed %d", seed)
	}
}

// A tracer that watches only the end of growths costs no more memory than
// none: the events nobody receives are neither built nor queued.
func TestTracerQueuesOnlyWatchedEvents(t *testing.T) {
	// (With -tags hmapdebug every write checks the whole table: fewer.)
	n, growths := 1<<16, 14
	if debugInvariants {
		n, growths = 1<<11, 9
	}
	// TotalAlloc counts the whole process's allocations, the runtime's
	// own and those of goroutines other tests left behind: they only add,
	// so each figure is the least of three fills. The seed is fixed so
	// that every fill builds the same chains (with -tags hmapdebug the
	// invariant checker's allocations follow their shape).
	fill := func(opts ...Option) uint64 {
		least := uint64(math.MaxUint64)
		for range 3 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			m := New[int, int](0, append(opts, WithEvacuationPace(0), WithSeed(1))...)
			for i := range n {
				m.Put(i, i)
			}
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(m)
			least = min(least, after.TotalAlloc-before.TotalAlloc)
		}
		return least
	}
	done := 0
	plain := fill()
	traced := fill(WithTracer(&Tracer{GrowDone: func(GrowEvent) { done++ }}))
	require.Equal(t, 3*growths, done, "one GrowDone per doubling")
	// The GrowDone events' queue: a few hundred bytes.
	require.Less(t, traced, plain+plain/100, "with the tracer %d bytes, without %d", traced, plain)
}
