package concurrent

import (
	"io"
	"maps"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/hmaplab/hmap/hash"
	"github.com/stretchr/testify/require"
)

// segments returns which of t's segments are allocated.
func segments[K comparable, V any](t *table[K, V]) []bool {
	var s []bool
	for j := range uintptr(1) << t.segBits {
		s = append(s, t.at(j) != nil) // bucket j starts segment j
	}
	return s
}

func TestSegmentLayout(t *testing.T) {
	for _, c := range []struct{ B, bits uint8 }{{0, 0}, {3, 0}, {minSegmentedB - 1, 0},
		{minSegmentedB, segmentBits}, {18, segmentBits}, {40, segmentBits}} {
		require.Equal(t, c.bits, segmentBitsFor(c.B), "B=%d", c.B)
	}
	// Every bucket index maps to its segment, i mod 2^segBits, and its
	// position there, i / 2^segBits, with no two buckets at one address.
	m := New[int, int](0)
	for _, B := range []uint8{0, 4, minSegmentedB - 1, minSegmentedB, minSegmentedB + 2} {
		tb := m.newTable(B, m.root.Load().lin, false)
		require.NoError(t, checkSegments(tb))
		nsegs := uintptr(1) << tb.segBits
		size := unsafe.Sizeof(slot[int, int]{})
		seen := make(map[*slot[int, int]]bool)
		for i := uintptr(0); i < uintptr(tb.len()); i++ {
			b := tb.bucket(i | 0x5a<<B) // bits above the index are ignored
			require.Same(t, tb.at(i), b, "B=%d bucket %d", B, i)
			require.Equal(t, unsafe.Add(tb.segs[i%nsegs], i/nsegs*size), unsafe.Pointer(b), "B=%d bucket %d", B, i)
			require.False(t, seen[b], "B=%d: bucket %d at the address of another", B, i)
			seen[b] = true
		}
	}
}

// A growth allocates its new table's segments as evacuations reach them:
// the write that starts it allocates no whole array, and every segment is
// there once the growth is done.
func TestGrowthAllocatesSegmentsLazily(t *testing.T) {
	// Identity hashing: key k is in bucket k mod 2^B. Pace 1: each write
	// moves its own key's old bucket and the next one in order.
	m := New[int, int](6000, WithHasher[int](hash.Identity[int]{}), WithEvacuationPace(1))
	require.EqualValues(t, minSegmentedB, m.Stats().B)
	old := m.root.Load()
	all := []bool{true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true}
	require.Equal(t, all, segments(old))
	k := 0
	for ; !m.Stats().Growing; k++ {
		m.Store(k, k)
	}
	nt := m.root.Load()
	require.EqualValues(t, minSegmentedB+1, nt.B)
	require.Equal(t, make([]bool, maxSegments), segments(nt), "a growth starts with no segment")
	n := uintptr(old.len())
	// The write that started the growth ran on the old table; the next
	// moves old bucket k mod n, its key's, into new buckets k mod n and
	// that plus n, both in segment k mod 16, then old bucket 0 (the
	// cursor), into segment 0.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m.Store(k, k)
	runtime.ReadMemStats(&after)
	want := make([]bool, maxSegments)
	want[uintptr(k)%maxSegments], want[0] = true, true
	require.Equal(t, want, segments(nt), "key %d", k)
	segBytes := uintptr(nt.len()) / maxSegments * unsafe.Sizeof(slot[int, int]{}) // not segLen: the figure it checks
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(3*segBytes),
		"the first write of the growth allocated %d bytes; a segment is %d, the array %d",
		after.TotalAlloc-before.TotalAlloc, segBytes, uintptr(nt.len())*unsafe.Sizeof(slot[int, int]{}))
	require.NoError(t, checkInvariants(m))

	// Writes to old bucket 1 only: the cursor moves the old buckets in
	// order, and each segment is allocated when the first of its old
	// buckets moves.
	for m.Stats().Growing {
		k += int(n)
		m.Store(1+k-k%int(n), k)
		cursor := nt.nevacuate.Load()
		for j, ok := range segments(nt) {
			moved := false // has an old bucket moved into segment j?
			for oi := uintptr(j); oi < n; oi += maxSegments {
				if old.at(oi).body.Load().isMarker() {
					moved = true
					break
				}
			}
			require.Equal(t, moved, ok, "segment %d, cursor at %d", j, cursor)
		}
		if cursor%64 == 0 {
			require.NoError(t, checkInvariants(m))
		}
	}
	require.NoError(t, checkInvariants(m))
	require.Equal(t, all, segments(nt))
}

// What reads every bucket of a growing table (Inspect, InspectBucket,
// Render, a snapshot's iteration and its Close) reads a bucket whose
// segment is not allocated as empty.
func TestGrowingTableReadsMissingSegments(t *testing.T) {
	m := New[int, int](6000, WithHasher[int](hash.Identity[int]{}), WithEvacuationPace(1))
	want := make(map[int]int)
	for k := 0; !m.Stats().Growing; k++ {
		m.Store(k, k)
		want[k] = k
	}
	m.Store(3, -3) // moves old buckets 3 and 0 (segments 3 and 0)
	want[3] = -3
	nt := m.root.Load()
	require.True(t, nt.at(5) == nil, "segment 5 is not allocated yet")

	s := m.Snapshot()
	v := m.Inspect()
	require.True(t, v.Growing)
	require.Equal(t, len(want), v.Count)
	for i := uintptr(5); i < uintptr(nt.len()); i += maxSegments { // segment 5's buckets
		require.Empty(t, v.Buckets[i].Bodies, "bucket %d", i)
		c, ok := m.InspectBucket(int(i))
		require.True(t, ok)
		require.Empty(t, c.Bodies)
	}
	require.NoError(t, m.Render(io.Discard, RenderOptions{}))
	require.NoError(t, v.Render(io.Discard, RenderOptions{MaxBuckets: 1 << 12}))
	require.Equal(t, len(want), s.Inspect().Count)

	m.Store(-1, 1) // a write while the snapshot is alive: moves old bucket 1023 and the next
	require.Equal(t, want, maps.Collect(s.All()))
	for k, v := range want {
		got, ok := s.Get(k)
		require.True(t, ok)
		require.Equal(t, v, got)
	}
	s.Close() // sweeps both tables
	want[-1] = 1
	require.Equal(t, want, contents(t, m))
	require.NoError(t, checkInvariants(m))
}

// Writers on many goroutines through growths of segmented tables: the
// evacuations that need one segment at once allocate it once (run with
// -race).
func TestSegmentsConcurrentGrowth(t *testing.T) {
	m := New[int, int](0, WithEvacuationPace(1))
	const writers, per = 8, 4000 // to 32,000 entries: B 13
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				k := i*writers + w
				m.Store(k, k)
				if v, ok := m.Load(k); !ok || v != k {
					t.Errorf("Load(%d) = %d, %v after its Store", k, v, ok)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, writers*per, m.Len())
	for k := range writers * per {
		v, ok := m.Load(k)
		require.True(t, ok, "key %d", k)
		require.Equal(t, k, v)
	}
	require.NoError(t, checkInvariants(m))
}

// The table's layout: the fields a Load reads in the first cache line,
// the segments from the second, nevacuate in a line of its own, and a
// whole number of lines (a size class whose objects start on a line).
func TestTableLayout(t *testing.T) {
	var tb table[int, int]
	require.EqualValues(t, cacheLine, unsafe.Offsetof(tb.segs), "the segments start the second line")
	for name, off := range map[string]uintptr{"jmask": unsafe.Offsetof(tb.jmask), "kmask": unsafe.Offsetof(tb.kmask),
		"kmul": unsafe.Offsetof(tb.kmul), "mask": unsafe.Offsetof(tb.mask),
		"wseed": unsafe.Offsetof(tb.wseed), "old": unsafe.Offsetof(tb.old), "segBits": unsafe.Offsetof(tb.segBits)} {
		require.Less(t, off, uintptr(cacheLine), "%s is not in the first line", name)
	}
	require.Zero(t, unsafe.Offsetof(tb.nevacuate)%cacheLine, "nevacuate starts a line")
	require.Less(t, unsafe.Offsetof(tb.lin), unsafe.Offsetof(tb.nevacuate))
	require.Zero(t, unsafe.Sizeof(tb)%cacheLine)
	if ptrBytes != 8 {
		return // 32-bit: an object of pointers over 128 bytes has a header before it
	}
	require.EqualValues(t, 320, unsafe.Sizeof(tb))
	// Allocated, each table starts on a line.
	m := New[int, int](0)
	for range 8 {
		require.Zero(t, uintptr(unsafe.Pointer(m.newTable(3, m.root.Load().lin, false)))%cacheLine)
	}
}

// A hasher that panics in the middle of an evacuation into a table of
// segments leaves the segments it reached allocated and the old bucket
// unmoved; everything that reads the growing table still reads it whole.
func TestSegmentedEvacuationPanics(t *testing.T) {
	var armed atomic.Int64
	armed.Store(-1)
	panicky := hash.Func[int](func(k int, _ uint64) uint64 {
		if a := armed.Load(); a >= 0 && k == int(a) {
			panic("hasher")
		}
		return uint64(k)
	})
	m := New[int, int](6000, WithHasher[int](panicky), WithEvacuationPace(1))
	require.EqualValues(t, minSegmentedB, m.Stats().B)
	want := map[int]int{}
	for k := 0; !m.Stats().Growing; k++ {
		m.Store(k, k)
		want[k] = k
	}
	nt := m.root.Load()
	o := nt.old.Load()
	n := o.len()
	// Old bucket 700 moves to new buckets 700 and 1724, in segment 12;
	// its second key panics.
	victim := 700 + n
	require.Contains(t, want, victim)
	armed.Store(int64(victim))
	require.PanicsWithValue(t, "hasher", func() { m.Store(700+100*n, 1) })
	armed.Store(-1)
	require.NotNil(t, nt.at(700), "the segment was allocated before the panic")
	require.NotNil(t, nt.at(700+uintptr(n)))
	require.False(t, o.at(700).body.Load().isMarker(), "old bucket 700 has not moved")
	require.NoError(t, checkInvariants(m))
	for k, v := range want {
		got, ok := m.Load(k)
		require.True(t, ok, "key %d", k)
		require.Equal(t, v, got)
	}
	v := m.Inspect()
	require.True(t, v.Growing)
	require.Equal(t, len(want), v.Count)
	require.NoError(t, v.Render(io.Discard, RenderOptions{MaxBuckets: 1 << 12}))
	s := m.Snapshot()
	require.Equal(t, want, maps.Collect(s.All()))
	for i := range nt.len() {
		_, ok := m.InspectBucket(i)
		require.True(t, ok)
	}
	m.Shrink() // completes the growth, moving old bucket 700 again
	s.Close()
	require.Equal(t, want, maps.Collect(m.All()))
	require.NoError(t, checkInvariants(m))
}

// Readers load keys that other goroutines write, while writers fill and
// empty a map through growths and Shrinks of tables of segments, with
// snapshots, views, Clear and Locate running beside them (run with
// -race).
func TestSegmentedConcurrentMix(t *testing.T) {
	const keys, writers = 30000, 3 // to B 13, in segments
	for round := range 3 {
		opts := []Option{WithEvacuationPace(1 + round%2)}
		if round == 2 {
			opts = append(opts, WithHasher[int](hash.Identity[int]{}))
		}
		m := New[int, int](0, opts...)
		var stop atomic.Bool
		var passes atomic.Int64 // writers' passes over the keys done
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					for k := w; k < keys; k += writers {
						m.Store(k, k)
					}
					for k := w; k < keys; k += writers {
						m.Delete(k)
					}
					if w == 0 {
						m.Shrink()
					}
					passes.Add(1)
				}
			}()
		}
		for r := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(r), 9))
				for !stop.Load() {
					k := rng.IntN(keys)
					if v, ok := m.Load(k); ok && v != k {
						t.Errorf("Load(%d) = %d", k, v)
						return
					}
					m.Locate(k)
					if rng.IntN(200) == 0 {
						m.InspectBucket(rng.IntN(1 << 14))
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(7, 9))
			for !stop.Load() {
				s := m.Snapshot()
				n := 0
				for k, v := range s.All() {
					if k != v {
						t.Errorf("snapshot: %d = %d", k, v)
					}
					n++
				}
				if n != s.Len() {
					t.Errorf("snapshot: All yields %d, Len %d", n, s.Len())
				}
				for range 100 {
					k := rng.IntN(2 * keys)
					if v, ok := s.Get(k); ok && v != k {
						t.Errorf("snapshot: Get(%d) = %d", k, v)
					}
				}
				if rng.IntN(4) == 0 {
					_ = s.Inspect()
				}
				s.Close()
				switch rng.IntN(60) {
				case 0, 1, 2, 3, 4, 5:
					_ = m.Inspect()
				case 6, 7:
					m.Shrink()
				case 8:
					m.Clear()
				}
			}
		}()
		for passes.Load() < 4*writers && !t.Failed() {
			runtime.Gosched()
		}
		stop.Store(true)
		wg.Wait()
		require.NoError(t, checkInvariants(m))
		st := m.Stats()
		require.Positive(t, st.Events.Growths)
		t.Logf("round %d: B=%d, %d entries, %d growths, %d shrinks, %d snapshots", round, st.B, m.Len(),
			st.Events.Growths, st.Events.Shrinks, st.Events.Snapshots)
	}
}
