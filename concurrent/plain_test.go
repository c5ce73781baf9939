package concurrent

import (
	"maps"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/rt"
)

// contents returns what m holds, read through the table (not through
// Load), with checkInvariants' verdict.
func contents(t *testing.T, m *Map[int, int]) map[int]int {
	t.Helper()
	require.NoError(t, checkInvariants(m))
	return maps.Collect(m.All())
}

// writePlain takes a Store or Delete that needs nothing but the chain
// changed, helping a growth under way first, and declines, changing
// nothing else, every other: a live snapshot, a tracer, and a table that a
// growth replaced after the caller loaded it.
func TestWritePlainDeclines(t *testing.T) {
	fill := func(m *Map[int, int], n int) map[int]int {
		want := map[int]int{}
		for k := range n {
			m.Store(k, -k)
			want[k] = -k
		}
		return want
	}
	// writes tries a Store of a new key, a Store of a present one and a
	// Delete of a present one through writePlain on table tb, and returns
	// what it reported for each.
	writes := func(m *Map[int, int], tb *table[int, int], absent, present int) [3]bool {
		return [3]bool{
			m.writePlain(tb, absent, 1, plainStore, nil),
			m.writePlain(tb, present, 2, plainStore, nil),
			m.writePlain(tb, present, 0, plainDelete, nil),
		}
	}
	// others tries a LoadOrStore of a new key through writePlain, and
	// Deletes of an absent and of a present key through deletePlain, on
	// table tb, and returns what they reported.
	others := func(m *Map[int, int], tb *table[int, int], absent, present int) [3]bool {
		_, delAbsent := m.deletePlain(tb, absent+1)
		_, delPresent := m.deletePlain(tb, present)
		return [3]bool{m.writePlain(tb, absent, 3, plainLoadOrStore, nil), delAbsent, delPresent}
	}

	t.Run("quiet map", func(t *testing.T) {
		m := New[int, int](0)
		want := fill(m, 100)
		require.Equal(t, [3]bool{true, true, true}, writes(m, m.root.Load(), 1000, 7))
		want[1000] = 1
		delete(want, 7)
		require.Equal(t, want, contents(t, m))
		require.Equal(t, [3]bool{true, true, true}, others(m, m.root.Load(), 2000, 8))
		want[2000] = 3
		delete(want, 8)
		require.Equal(t, want, contents(t, m))
	})

	t.Run("snapshot alive", func(t *testing.T) {
		m := New[int, int](0)
		want := fill(m, 100)
		s := m.Snapshot()
		require.Equal(t, [3]bool{}, writes(m, m.root.Load(), 1000, 7))
		require.Equal(t, [3]bool{}, others(m, m.root.Load(), 2000, 8))
		require.Equal(t, want, contents(t, m))
		s.Close()
		require.Equal(t, [3]bool{true, true, true}, writes(m, m.root.Load(), 1000, 7))
		require.Equal(t, [3]bool{true, true, true}, others(m, m.root.Load(), 2000, 8))
	})

	t.Run("tracer", func(t *testing.T) {
		m := New[int, int](0, WithTracer(&Tracer{}))
		want := fill(m, 100)
		require.Equal(t, [3]bool{}, writes(m, m.root.Load(), 1000, 7))
		require.Equal(t, [3]bool{}, others(m, m.root.Load(), 2000, 8))
		require.Equal(t, want, contents(t, m))
	})

	t.Run("growing", func(t *testing.T) {
		m := New[int, int](0, WithEvacuationPace(1))
		want := map[int]int{}
		for k := 0; !m.Stats().Growing || m.Stats().B < 6; k++ {
			m.Store(k, -k)
			want[k] = -k
		}
		moved := m.Stats().Evacuated
		require.Equal(t, [3]bool{true, true, true}, writes(m, m.root.Load(), -1, 0))
		want[-1] = 1
		delete(want, 0)
		require.Equal(t, want, contents(t, m))
		// deletePlain stands aside while a growth is under way.
		require.Equal(t, [3]bool{true, false, false}, others(m, m.root.Load(), -3, 1))
		want[-3] = 3
		require.Equal(t, want, contents(t, m))
		require.Greater(t, m.Stats().Evacuated, moved, "the writes helped the growth")
	})

	t.Run("growth ended by a plain write", func(t *testing.T) {
		m := New[int, int](0, WithEvacuationPace(1))
		k := 0
		for ; !m.Stats().Growing; k++ {
			m.Store(k, -k)
		}
		for ; m.Stats().Growing; k++ {
			require.True(t, m.writePlain(m.root.Load(), k, -k, plainStore, nil))
		}
		require.Nil(t, m.root.Load().old.Load(), "the old table is dropped")
		require.NoError(t, checkInvariants(m))
		require.Equal(t, k, m.Len())
	})

	t.Run("replaced table", func(t *testing.T) {
		// Identity hashing: key k sits in bucket k of the old table, so
		// the write finds the marker its evacuation left.
		m := New[int, int](0, WithHasher[int](hash.Identity[int]{}), WithEvacuationPace(0))
		old := m.root.Load()
		want := map[int]int{}
		for k := 0; m.root.Load() == old || m.Stats().Growing; k++ {
			m.Store(k, -k)
			want[k] = -k
		}
		require.Equal(t, [3]bool{}, writes(m, old, 1000, 0))
		require.Equal(t, [3]bool{}, others(m, old, 2000, 1))
		require.Equal(t, want, contents(t, m))
		require.Equal(t, [3]bool{true, true, true}, writes(m, m.root.Load(), 1000, 0))
		require.Equal(t, [3]bool{true, true, true}, others(m, m.root.Load(), 2000, 1))
	})
}

// Store and Delete through writePlain keep the count, the overflow count
// and the chains as the general way keeps them: filling one bucket past
// a body, then emptying it, drops the chain and its overflow bodies.
func TestWritePlainChains(t *testing.T) {
	// Constant hashing: every key in one bucket, under one tophash.
	h := uint64(1 << 60)
	m := New[int, int](64, WithHasher[int](hash.Constant[int]{Value: h}))
	for k := range 20 {
		m.Store(k, k)
		require.NoError(t, checkInvariants(m))
	}
	require.Equal(t, 20, m.Len())
	require.Equal(t, 2, m.Stats().OverflowBuckets, "20 entries: three bodies")
	for k := range 20 {
		m.Store(k, k+1) // in place
	}
	for k := range 20 {
		v, ok := m.Load(k)
		require.True(t, ok)
		require.Equal(t, k+1, v)
	}
	for k := range 20 {
		m.Delete(k)
		require.NoError(t, checkInvariants(m))
	}
	require.Equal(t, 0, m.Len())
	require.Equal(t, 0, m.Stats().OverflowBuckets)
	require.Nil(t, m.root.Load().bucket(rt.TableHash(h)).body.Load(), "the emptied chain is dropped")
}

// A stripe is two cache lines, so that its index is a shift and stripes
// share no line (the array's allocation is aligned to its size).
func TestStripeSize(t *testing.T) {
	require.EqualValues(t, 128, unsafe.Sizeof(stripe{}))
	for _, n := range []int{8, 16, 32, 64} {
		s := make([]stripe, n)
		require.Zero(t, uintptr(unsafe.Pointer(&s[0]))%128, "%d stripes", n)
	}
}

// A LoadOrStore whose Load missed stores the plain way; if the key is
// present by the time it holds the bucket's lock, it returns the value
// stored meanwhile, and leaves it. Here the test holds the lock while
// the LoadOrStore waits for it, and puts the key in the place of another
// key of its bucket (what a Delete of that one and a Store of the key
// would do).
func TestLoadOrStoreFindsKeyStoredMeanwhile(t *testing.T) {
	m := New[int, int](0)
	const n = 20
	for k := range n {
		m.Store(k, k)
	}
	const victim = 3
	b, q, i := bucketOf(m, victim)
	key := n // absent, in victim's bucket
	for ; ; key++ {
		if kb, _, _ := bucketOf(m, key); kb == b {
			break
		}
	}

	contention := m.Stats().Events.LockContention
	b.mu.Lock()
	type result struct {
		v      int
		loaded bool
	}
	res := make(chan result)
	go func() {
		v, loaded := m.LoadOrStore(key, 1)
		res <- result{v, loaded}
	}()
	for m.Stats().Events.LockContention == contention {
		runtime.Gosched()
	}
	top := m.Locate(key).Tophash
	q.slots[i].Store(&entry[int, int]{key, 7})
	q.tophash.Store(q.tophash.Load()&^(0xff<<(8*i)) | uint64(top)<<(8*i))
	b.mu.Unlock()
	r := <-res

	require.Equal(t, result{7, true}, r, "LoadOrStore of a key stored while it waited")
	v, ok := m.Load(key)
	require.True(t, ok)
	require.Equal(t, 7, v)
	require.Equal(t, n, m.Len())
	require.NoError(t, checkInvariants(m))
}

// Swap takes the plain way when nothing asks for the general one, and
// reports what it replaced: a present key's value, or nothing for an
// absent key. Where the map writes values in place, a Swap of a present
// key allocates nothing; with a snapshot alive it takes the general way,
// and the snapshot keeps the value it saw.
func TestSwapPlain(t *testing.T) {
	m := New[int, int](0)
	for k := range 100 {
		m.Store(k, -k)
	}
	var sw swapped[int]
	require.True(t, m.writePlain(m.root.Load(), 7, 70, plainStore, &sw))
	require.Equal(t, swapped[int]{prev: -7, loaded: true}, sw)
	sw = swapped[int]{}
	require.True(t, m.writePlain(m.root.Load(), 1000, 1, plainStore, &sw))
	require.Equal(t, swapped[int]{}, sw, "an absent key")

	prev, loaded := m.Swap(8, 80)
	require.Equal(t, []any{-8, true}, []any{prev, loaded})
	prev, loaded = m.Swap(2000, 2)
	require.Equal(t, []any{0, false}, []any{prev, loaded})
	want := 0.0
	if !m.inplace {
		want = 1 // a new entry (32-bit platforms)
	}
	v := 0
	require.Equal(t, want, testing.AllocsPerRun(100, func() { v++; m.Swap(9, v) }))

	s := m.Snapshot()
	sw = swapped[int]{}
	require.False(t, m.writePlain(m.root.Load(), 10, 100, plainStore, &sw), "a snapshot is alive")
	require.Equal(t, swapped[int]{}, sw)
	prev, loaded = m.Swap(10, 100)
	require.Equal(t, []any{-10, true}, []any{prev, loaded})
	got, _ := s.Get(10)
	require.Equal(t, -10, got, "the snapshot's value")
	s.Close()

	w := map[int]int{7: 70, 8: 80, 9: v, 10: 100, 1000: 1, 2000: 2}
	for k := range 100 {
		if _, ok := w[k]; !ok {
			w[k] = -k
		}
	}
	require.Equal(t, w, contents(t, m))
}

// Swap reports what it replaced while a growth moves the keys under it,
// and for values of pointers.
func TestSwapGrowingAndPointers(t *testing.T) {
	m := New[int, int](0, WithEvacuationPace(1))
	k := 0
	for ; !m.Stats().Growing; k++ {
		m.Store(k, -k)
	}
	for i := 0; i < k; i++ {
		prev, loaded := m.Swap(i, i)
		require.True(t, loaded, "key %d", i)
		require.Equal(t, -i, prev, "key %d", i)
		require.NoError(t, checkInvariants(m))
	}
	require.False(t, m.Stats().Growing, "the Swaps moved the growth on to its end")

	p := New[string, *int](0)
	one, two := new(int), new(int)
	p.Store("a", one)
	prev, loaded := p.Swap("a", two)
	require.True(t, loaded)
	require.Same(t, one, prev)
	got, _ := p.Load("a")
	require.Same(t, two, got)
	prev, loaded = p.Swap("b", one)
	require.False(t, loaded)
	require.Nil(t, prev)
}
