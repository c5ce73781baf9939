package concurrent

import (
	"io"
	"maps"
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"github.com/hmaplab/hmap/hash"
	"github.com/stretchr/testify/require"
)

// segments returns which of t's segments are allocated.
func segments[K comparable, V any](t *table[K, V]) []bool {
	var s []bool
	for i := uintptr(0); i < uintptr(t.len()); i += t.segMask + 1 {
		s = append(s, t.at(i) != nil)
	}
	return s
}

func TestSegmentShift(t *testing.T) {
	for _, c := range []struct{ B, shift uint8 }{{0, 0}, {3, 3}, {minSegmentedB - 1, minSegmentedB - 1},
		{minSegmentedB, minSegmentedB - segmentBits}, {18, 14}, {40, 36}} {
		require.Equal(t, c.shift, segmentShift(c.B), "B=%d", c.B)
	}
	// Every bucket index maps to its segment and offset, with no two
	// buckets at one address.
	m := New[int, int](0)
	for _, B := range []uint8{0, 4, minSegmentedB - 1, minSegmentedB, minSegmentedB + 2} {
		tb := m.newTable(B, m.root.Load().lin, false)
		require.NoError(t, checkSegments(tb))
		seen := make(map[*slot[int, int]]bool)
		for i := uintptr(0); i < uintptr(tb.len()); i++ {
			b := tb.bucket(i | 0x5a<<B) // bits above the index are ignored
			require.Same(t, tb.at(i), b, "B=%d bucket %d", B, i)
			require.Equal(t, tb.segs[i>>tb.segShift], unsafe.Pointer(tb.bucket(i&^tb.segMask)), "B=%d bucket %d", B, i)
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
	require.Equal(t, []bool{true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true}, segments(old))
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
	// that plus n, segments j and j+8, then old bucket 0 (the cursor),
	// into segments 0 and 8.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m.Store(k, k)
	runtime.ReadMemStats(&after)
	j := (uintptr(k) & (n - 1)) >> nt.segShift
	want := make([]bool, maxSegments)
	want[j], want[j+maxSegments/2], want[0], want[maxSegments/2] = true, true, true, true
	require.Equal(t, want, segments(nt), "key %d", k)
	segBytes := (nt.segMask + 1) * unsafe.Sizeof(slot[int, int]{})
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(5*segBytes),
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
		for i, ok := range segments(nt) {
			moved := false // has an old bucket moved into segment i?
			for oi := uintptr(0); oi < n; oi++ {
				if old.at(oi).body.Load().isMarker() && ((oi>>nt.segShift) == uintptr(i) || (oi+n)>>nt.segShift == uintptr(i)) {
					moved = true
					break
				}
			}
			require.Equal(t, moved, ok, "segment %d, cursor at %d", i, cursor)
		}
		if cursor%64 == 0 {
			require.NoError(t, checkInvariants(m))
		}
	}
	require.NoError(t, checkInvariants(m))
	require.Equal(t, []bool{true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true}, segments(nt))
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
	m.Store(3, -3) // moves old buckets 3 and 0 (segments 0 and 8)
	want[3] = -3
	nt := m.root.Load()
	require.True(t, nt.at(5*(nt.segMask+1)) == nil, "segment 5 is not allocated yet")

	s := m.Snapshot()
	v := m.Inspect()
	require.True(t, v.Growing)
	require.Equal(t, len(want), v.Count)
	for i := 5 * (nt.segMask + 1); i < 6*(nt.segMask+1); i++ {
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
