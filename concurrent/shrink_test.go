package concurrent

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
)

// After deleting most keys, Shrink gives the bucket array back: the old
// array is collected, the table has the size New would give the entries
// left, and they are all there.
func TestShrinkGivesArrayBack(t *testing.T) {
	const n, keep = 100_000, 10
	// The identity hasher puts key k in bucket k mod 2^B, alone in its
	// chain once the others are deleted.
	m := New[int, int](0, WithHasher[int](hash.Identity[int]{}))
	for i := range n {
		m.Store(i, i)
	}
	for i := keep; i < n; i++ {
		m.Delete(i)
	}
	st := m.Stats()
	require.EqualValues(t, 14, st.B) // 100K entries at 6.5 per bucket
	old := m.root.Load()
	var freed atomic.Int64 // segments of the old array collected
	segs := 0
	for j := range uintptr(1) << old.segBits {
		runtime.SetFinalizer(old.at(j), func(*slot[int, int]) { freed.Add(1) }) // bucket j starts segment j
		segs++
	}
	require.Equal(t, maxSegments, segs)
	old = nil

	before, after := m.Shrink()
	p := grow.Default()
	require.Equal(t, p.BForHint(keep), m.Stats().B)
	require.Equal(t, 1, m.Stats().Events.Shrinks)
	// Every chain is one body, its bucket's first: the array is all.
	require.Equal(t, tableBytes[int, int](1<<14, 0), before, "one body per chain left, in the array")
	require.Equal(t, tableBytes[int, int](1<<p.BForHint(keep), 0), after, "even keys, odd keys, in the array")
	for i := range keep {
		v, ok := m.Load(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
	require.Equal(t, keep, m.Len())
	require.NoError(t, checkInvariants(m))
	for range 100 {
		runtime.GC()
		if freed.Load() == int64(segs) {
			return
		}
	}
	t.Fatalf("%d of the old bucket array's %d segments are still reachable after Shrink", int64(segs)-freed.Load(), segs)
}

// A table already at its size with packed chains is left alone.
func TestShrinkNothingToDo(t *testing.T) {
	m := New[int, int](0)
	for i := range 50 {
		m.Store(i, i)
	}
	tb := m.root.Load()
	before, after := m.Shrink()
	require.Equal(t, before, after)
	require.Same(t, tb, m.root.Load())
	require.Zero(t, m.Stats().Events.Shrinks)

	var nilMap *Map[int, int]
	b, a := nilMap.Shrink()
	require.Zero(t, b+a)
	var zero Map[string, int]
	zero.Shrink()
	zero.Store("a", 1)
	require.Equal(t, 1, zero.Len())
}

// Chains with holes are packed even when the size stays: with a constant
// hasher every key shares one chain, and deleting every other key leaves
// holes in it.
func TestShrinkPacksChains(t *testing.T) {
	m := New[int, int](0, WithHasher[int](hash.Constant[int]{Value: 7 << 56}))
	for i := range 64 {
		m.Store(i, i)
	}
	for i := 0; i < 64; i += 2 {
		m.Delete(i)
	}
	require.Equal(t, 7, m.Stats().OverflowBuckets)
	m.Shrink()
	require.Equal(t, 3, m.Stats().OverflowBuckets) // 32 entries: 4 full bodies
	require.NoError(t, checkInvariants(m))
	for i := 1; i < 64; i += 2 {
		v, ok := m.Load(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
}

// Shrink during a growth completes it first.
func TestShrinkDuringGrowth(t *testing.T) {
	m := New[int, int](0)
	k := 0
	for ; !m.Stats().Growing; k++ {
		m.Store(k, k)
	}
	old := m.Stats()
	m.Shrink()
	st := m.Stats()
	require.False(t, st.Growing)
	require.Equal(t, old.B, st.B, "the entries need the new size")
	require.Equal(t, old.OldBuckets, st.Events.BucketsEvacuated)
	require.Equal(t, k, st.Count)
	require.NoError(t, checkInvariants(m))
	for i := range k {
		v, ok := m.Load(i)
		require.True(t, ok)
		require.Equal(t, i, v)
	}
}

// A snapshot taken before Shrink keeps its view; one taken after sees the
// new table. NaN keys move too.
func TestShrinkUnderSnapshot(t *testing.T) {
	m := New[float64, int](0)
	for i := range 1000 {
		m.Store(float64(i), i)
	}
	m.Store(math.NaN(), -1)
	for i := 10; i < 1000; i++ {
		m.Delete(float64(i))
	}
	s := m.Snapshot()
	m.Shrink()
	m.Store(0, 100)
	m.Delete(1)
	want := map[float64]int{}
	for i := range 10 {
		want[float64(i)] = i
	}
	got, nan := map[float64]int{}, 0
	for k, v := range s.All() {
		if k != k {
			nan++
			continue
		}
		got[k] = v
	}
	require.Equal(t, want, got)
	require.Equal(t, 1, nan)
	require.Equal(t, 11, s.Len())
	v, ok := s.Get(1)
	require.True(t, ok)
	require.Equal(t, 1, v)
	s.Close()
	require.Equal(t, 10, m.Len())
	nan = 0
	for k := range m.All() {
		if k != k {
			nan++
		}
	}
	require.Equal(t, 1, nan)
	require.NoError(t, checkInvariants(m))
}

// A hasher that panics while Shrink hashes the keys leaves the map as it
// was, with every bucket unlocked.
func TestShrinkHasherPanics(t *testing.T) {
	armed := new(atomic.Bool)
	m := New[int, any](0, WithHasher[int](panicky{armed: armed, inner: hash.NewSeeded[int]()}))
	for k := range 2000 {
		m.Store(k, k)
	}
	for k := 300; k < 2000; k++ {
		m.Delete(k)
	}
	tb := m.root.Load()
	armed.Store(true)
	require.Panics(t, func() { m.Shrink() })
	armed.Store(false)
	require.Same(t, tb, m.root.Load())
	require.Equal(t, 300, m.Len())
	finishes(t, "Store after the panic", func() {
		for k := range 2000 {
			m.Store(k, k)
		}
	})
	require.NoError(t, checkInvariants(m))
	require.Equal(t, 2000, m.Len())
}

// Shrink while other goroutines write and read keys of their own: each
// sees its keys as it left them, and no entry is lost.
func TestShrinkConcurrent(t *testing.T) {
	const workers, keys, rounds = 4, 4000, 8000
	m := New[int, int](0)
	var writers sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		writers.Add(1)
		go func() {
			defer writers.Done()
			errs[w] = shrinkWorker(m, w*keys, keys, rounds, uint64(w))
		}()
	}
	stop, calls := make(chan struct{}), make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				calls <- n
				return
			default:
			}
			m.Shrink()
			n++
			runtime.Gosched()
		}
	}()
	writers.Wait()
	close(stop)
	n := <-calls
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, checkInvariants(m))
	t.Logf("%d calls to Shrink, %d rebuilt the table", n, m.Stats().Events.Shrinks)
}

// shrinkWorker fills keys [base, base+keys), then deletes most of them
// with stores and loads in between, checking every Load against its own
// model: no other goroutine writes these keys.
func shrinkWorker(m *Map[int, int], base, keys, rounds int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	model := map[int]int{}
	for k := base; k < base+keys; k++ {
		m.Store(k, k)
		model[k] = k
	}
	for i := range rounds {
		k := base + rng.IntN(keys)
		switch r := rng.IntN(10); {
		case r < 2:
			m.Store(k, i)
			model[k] = i
		case r < 7:
			m.Delete(k)
			delete(model, k)
		default:
			v, ok := m.Load(k)
			if mv, mok := model[k]; v != mv || ok != mok {
				return fmt.Errorf("Load(%d) = %d, %v; model %d, %v", k, v, ok, mv, mok)
			}
		}
	}
	for k := base; k < base+keys; k++ {
		v, ok := m.Load(k)
		if mv, mok := model[k]; v != mv || ok != mok {
			return fmt.Errorf("at the end, Load(%d) = %d, %v; model %d, %v", k, v, ok, mv, mok)
		}
	}
	return nil
}

// A table can hold more entries than its load factor allows: an insert
// tests only its own stripe's count against the stripe's share of the
// threshold, so inserts that spread over the other stripes, each under its
// share, start no growth while one stripe is over. Shrink then leaves the
// size as it is (a growth is the writes' to make), and so never returns
// more bytes than it found.
func TestShrinkNeverGrows(t *testing.T) {
	m := New[int, int](100, WithHasher[int](hash.Identity[int]{}))
	tb := m.root.Load()
	require.EqualValues(t, 4, tb.B)
	nstripes := len(tb.lin.stripes)
	key := func(stripe, i int) int { return stripe<<stripeShift | i } // the identity: stripe from the high half
	for i := range 60 {
		m.Store(key(1, i), i) // stripe 1 over its share; 60 entries in all start no growth
	}
	for s := range nstripes {
		if s == 1 {
			continue
		}
		for i := range int(tb.stripeMax) {
			m.Store(key(s, i), i) // each under its share: no insert sums the stripes
		}
	}
	m.Delete(key(1, 0)) // a hole in bucket 0's first body, with bodies after it: Shrink would pack
	require.Same(t, tb, m.root.Load(), "no growth started")
	require.Greater(t, m.Len(), tb.maxCount, "the table is over its load factor")
	require.NotNil(t, tb.at(0).first.overflow.Load())
	before, after := m.Shrink()
	require.LessOrEqual(t, after, before)
	require.EqualValues(t, 4, m.Stats().B, "Shrink grew the table")
	require.NoError(t, checkInvariants(m))
}
