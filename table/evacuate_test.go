package table

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
)

// utEvacuate evacuates old bucket i out of turn, as a write touching it
// would before evacuating bucket nevacuate.
func utEvacuate[K comparable, V any](m *Map[K, V], i uintptr) { m.evacuate(i, false) }

// ---------------------------------------------------------------------------
// 4. The X/Y split of one old chain.

func TestEvacuateSplitXY(t *testing.T) {
	m := utNewID[uint64, uint64](52) // hint 52 -> B = 3 (26 < 52 <= 52)
	require.Equal(t, uint8(3), m.logB)

	// An old chain in bucket 5 of 18 keys (8 + 8 + 2 slots). Low bits:
	// i<<4 | y<<3 | 5: bucket 5 for B = 3; after doubling, bit 3 (the new
	// bit, 8) sends key i to X (new bucket 5) if y = 0, Y (13) if y = 1.
	// Top bytes 0x20+i make every slot's tophash tell which key it is;
	// key 9 has top byte 0x02, stored as 0x02+5 = 7; key 17 has 0xff.
	ys := []uint64{0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0}
	top := func(i int) uint8 {
		switch i {
		case 9:
			return 0x02
		case 17:
			return 0xff
		}
		return uint8(0x20 + i)
	}
	key := func(i int) uint64 { return utKey(top(i), uint64(i)<<4|ys[i]<<3|5) }
	for i := range ys {
		m.Put(key(i), uint64(1000+i))
	}
	// Delete one X key (3, slot 3 of the head) and one Y key (12, slot 4
	// of the first overflow bucket): emptyOne, as full slots follow.
	m.Delete(key(3))
	m.Delete(key(12))
	old5 := &m.array()[5]
	require.Equal(t, [][8]uint8{
		{0x20, 0x21, 0x22, 1, 0x24, 0x25, 0x26, 0x27},
		{0x28, 7, 0x2a, 0x2b, 1, 0x2d, 0x2e, 0x2f},
		{0x30, 0xff, 0, 0, 0, 0, 0, 0},
	}, utTophash(old5))
	require.Equal(t, uint16(2), m.noverflow)

	// 36 other keys, 6 in each of buckets 0, 1, 2, 3, 4, 6: count 52.
	for _, b := range []uint64{0, 1, 2, 3, 4, 6} {
		for j := uint64(0); j < 6; j++ {
			m.Put(utKey(0x10, j<<3|b), b)
		}
	}
	require.Equal(t, utHeader{Count: 52, B: 3, Noverflow: 2}, utHeaderOf(m))

	// The 53rd insert (bucket 2) doubles: growWork evacuates old 2, then
	// old 0 (nevacuate -> 1). Old 5 is untouched.
	m.Put(utKey(0x10, 100<<3|2), 2)
	require.Equal(t, utHeader{Count: 53, B: 4, Growing: true, Nevacuate: 1, NOld: 8, OldLen: 8}, utHeaderOf(m))
	require.Same(t, old5, &m.oldArray()[5])
	require.False(t, old5.Evacuated())
	// B = 4, uint64 -> uint64: 18 buckets, spares at 16 and 17 (19
	// buckets on 32-bit, spares 16..18; see TestGrowthSparesInt64B4).
	require.Len(t, m.array(), utWidth(18, 19))
	require.Equal(t, uintptr(16), m.nextSpare())
	utInv(t, m)

	// A delete of an absent key of old bucket 5 evacuates it (then old 1,
	// nevacuate 1 -> 2, and 2 is evacuated -> 3).
	m.Delete(utKey(0x55, 999<<4|5))
	require.Equal(t, utHeader{Count: 53, B: 4, Growing: true, Nevacuate: 3, NOld: 8, OldLen: 8, Noverflow: 1}, utHeaderOf(m))

	// Old chain: full slots marked evacuatedX (2) or evacuatedY (3) by
	// their key's y, empty ones (deleted or never used) evacuatedEmpty (4).
	require.Equal(t, [][8]uint8{
		{2, 3, 3, 4, 2, 3, 2, 3}, // keys 0..7, 3 deleted
		{2, 2, 3, 2, 4, 3, 2, 2}, // keys 8..15, 12 deleted
		{3, 2, 4, 4, 4, 4, 4, 4}, // keys 16, 17
	}, utTophash(old5))
	// Pointer-free buckets keep their keys (the runtime clears only
	// buckets with pointers).
	for i, b := range utChain(old5) {
		for s := 0; s < 8; s++ {
			if n := i*8 + s; n < len(ys) && n != 3 && n != 12 {
				require.Equal(t, key(n), b.Keys[s], "old key %d", n)
			}
		}
	}

	// X = new bucket 5: keys 0 4 6 8 9 11 14 15, then 17 in an overflow
	// bucket (the ninth X key), the array's first spare. Y = new bucket
	// 13: keys 1 2 5 7 10 13 16, then emptyRest. Order kept in each half.
	xKeys := []int{0, 4, 6, 8, 9, 11, 14, 15, 17}
	yKeys := []int{1, 2, 5, 7, 10, 13, 16}
	var wantX, wantY []uint64
	for _, i := range xKeys {
		wantX = append(wantX, key(i))
	}
	for _, i := range yKeys {
		wantY = append(wantY, key(i))
	}
	require.Equal(t, [][8]uint8{
		{0x20, 0x24, 0x26, 0x28, 7, 0x2b, 0x2e, 0x2f},
		{0xff, 0, 0, 0, 0, 0, 0, 0},
	}, utTophash(&m.array()[5]))
	require.Equal(t, wantX, utChainKeys(&m.array()[5]))
	require.Same(t, &m.array()[16], m.array()[5].Overflow())
	require.Equal(t, [][8]uint8{
		{0x21, 0x22, 0x25, 0x27, 0x2a, 0x2d, 0x30, 0},
	}, utTophash(&m.array()[13]))
	require.Equal(t, wantY, utChainKeys(&m.array()[13]))
	for i := range ys {
		v, ok := m.Get(key(i))
		require.Equal(t, i != 3 && i != 12, ok, "key %d", i)
		if ok {
			require.Equal(t, uint64(1000+i), v)
		}
	}
	utInv(t, m)
}

// With pointers in the bucket, evacuation clears the old head bucket's keys,
// elems and overflow link (not its tophash: the marks), unless an iterator
// may still read the old array.
func TestEvacuateClearsPointerfulOldBucket(t *testing.T) {
	build := func(iterate bool) (m *Map[int, *int], head *bucket.Bucket[int, *int], ovf *bucket.Bucket[int, *int]) {
		m = utNewID[int, *int](9) // B = 1
		require.True(t, m.hasPointers())
		// Bucket 0: keys 0, 2, ..., 16 (8 + 1 in an overflow bucket);
		// bucket 1: 1, 3, 5, 7. Count 13, the limit for B = 1.
		for k := 0; k <= 16; k += 2 {
			m.Put(k, new(int))
		}
		for k := 1; k <= 7; k += 2 {
			m.Put(k, new(int))
		}
		if iterate {
			for range m.All() {
				break
			}
		}
		head = &m.array()[0]
		ovf = head.Overflow()
		require.NotNil(t, ovf)
		// The 14th insert, key 9 (old bucket 1), doubles; growWork
		// evacuates old 1, then old 0, which ends the growth.
		m.Put(9, new(int))
		require.Equal(t, utHeader{Count: 14, B: 2, Nevacuate: 2}, utHeaderOf(m))
		return m, head, ovf
	}
	// Old bucket 0, B 1 -> 2: key k goes to Y if k&2 != 0.
	marksHead := [8]uint8{2, 3, 2, 3, 2, 3, 2, 3} // 0 2 4 6 8 10 12 14
	marksOvf := [8]uint8{2, 4, 4, 4, 4, 4, 4, 4}  // 16
	m, head, ovf := build(false)
	require.Equal(t, marksHead, head.Tophash)
	require.Equal(t, [8]int{}, head.Keys, "keys cleared")
	require.Equal(t, [8]*int{}, head.Elems, "elems cleared")
	require.Nil(t, head.Overflow(), "overflow link cleared")
	require.Equal(t, marksOvf, ovf.Tophash, "only the head bucket is cleared")
	require.Equal(t, 16, ovf.Keys[0])
	utInv(t, m)

	m, head, ovf = build(true)
	require.Equal(t, uint32(flagOldIterator), m.runtimeFlags())
	require.Equal(t, marksHead, head.Tophash)
	require.Equal(t, [8]int{0, 2, 4, 6, 8, 10, 12, 14}, head.Keys, "an iterator may read them")
	require.NotNil(t, head.Elems[0])
	require.Same(t, ovf, head.Overflow())
	require.Equal(t, marksOvf, ovf.Tophash)
	utInv(t, m)
}

// A NaN's hash cannot be recomputed, so while an iterator may be walking
// the table evacuate sends it by the low bit of its old tophash (as the
// iterator's filter does) and gives it a fresh tophash; otherwise it goes
// by its new hash like any key and keeps its tophash.
func TestEvacuateNaNs(t *testing.T) {
	build := func(iterate bool) (*Map[float64, int], []bucket.Bucket[float64, int]) {
		// NaN i (i = 0..3) first hashes to top byte 0x20+i, bucket 1 of
		// 4, with the new bit (4) the opposite of the top byte's low bit;
		// when evacuated it rehashes to top byte 0x60+i, again with the
		// new bit opposite to 0x20+i's low bit. Other keys hash to
		// themselves.
		var nanHashes []uint64
		for i := uint64(0); i < 4; i++ {
			nanHashes = append(nanHashes, (0x20+i)<<56|((0x20+i)&1^1)<<2|1)
		}
		for i := uint64(0); i < 4; i++ {
			nanHashes = append(nanHashes, (0x60+i)<<56|((0x20+i)&1^1)<<2|1)
		}
		next := 0
		f := func(k float64, _ uint64) uint64 {
			if k != k {
				next++
				return nanHashes[next-1]
			}
			return uint64(k)
		}
		m := New[float64, int](14, WithHasher[float64](hash.Func[float64](f)), WithSeed(1)) // B = 2
		nan := math.NaN()
		for i := 0; i < 4; i++ {
			m.Put(nan, i)
		}
		require.Equal(t, [8]uint8{0x20, 0x21, 0x22, 0x23}, m.array()[1].Tophash)
		// 22 keys k%4 != 1 (buckets 0, 2, 3; none in 1): count 26.
		for k := 0; m.count < 26; k++ {
			if k%4 != 1 {
				m.Put(float64(k), k)
			}
		}
		// Key 102 (old 2) doubles: old 2 and old 0 are evacuated.
		m.Put(102, 102)
		require.Equal(t, utHeader{Count: 27, B: 3, Growing: true, Nevacuate: 1, NOld: 4, OldLen: 4}, utHeaderOf(m))
		require.Equal(t, 4, next, "NaNs hashed once each so far")
		if iterate {
			for range m.All() {
				break
			}
			require.Equal(t, uint32(flagIterator|flagOldIterator), m.runtimeFlags())
		}
		// Delete 5 (absent, old 1): evacuates the NaNs' bucket (then old
		// 3, which ends the growth).
		old := m.oldArray()
		m.Delete(5)
		require.Equal(t, 8, next, "each NaN rehashed once by evacuate")
		require.Equal(t, utHeader{Count: 27, B: 3, Nevacuate: 4}, utHeaderOf(m))
		return m, old
	}

	// With an iterator: NaN i to Y iff (0x20+i)&1, with tophash 0x60+i.
	m, old := build(true)
	require.Equal(t, [8]uint8{2, 3, 2, 3, 4, 4, 4, 4}, old[1].Tophash)
	require.Equal(t, [8]uint8{0x60, 0x62}, m.array()[1].Tophash)
	require.Equal(t, [8]uint8{0x61, 0x63}, m.array()[5].Tophash)
	require.Equal(t, []int{0, 2}, m.array()[1].Elems[:2])
	require.Equal(t, []int{1, 3}, m.array()[5].Elems[:2])
	utInv(t, m)

	// Without: by the new hash's bit 4, the opposite; tophash kept.
	m, old = build(false)
	require.Equal(t, [8]uint8{3, 2, 3, 2, 4, 4, 4, 4}, old[1].Tophash)
	require.Equal(t, [8]uint8{0x21, 0x23}, m.array()[1].Tophash)
	require.Equal(t, [8]uint8{0x20, 0x22}, m.array()[5].Tophash)
	require.Equal(t, []int{1, 3}, m.array()[1].Elems[:2])
	require.Equal(t, []int{0, 2}, m.array()[5].Elems[:2])
	require.Equal(t, 27, m.Len())
	utInv(t, m)
}

// ---------------------------------------------------------------------------
// 5. The evacuation mark.

func TestEvacuateMarkSkipsEvacuated(t *testing.T) {
	m := utNewID[int, int](52) // B = 3
	for k := 0; k < 52; k++ {
		m.Put(k, k)
	}
	evacuated := func() []int {
		var out []int
		for i := 0; i < int(m.noldbuckets()); i++ {
			if m.oldArray()[i].Evacuated() {
				out = append(out, i)
			}
		}
		return out
	}
	// Key 55: new (count 53 > 52, B 3 -> 4), bucket 55&15 = 7, old 7.
	// growWork: evacuate 7 (not nevacuate), then 0 (-> nevacuate 1).
	m.Put(55, 55)
	require.Equal(t, utHeader{Count: 53, B: 4, Growing: true, Nevacuate: 1, NOld: 8, OldLen: 8}, utHeaderOf(m))
	require.Equal(t, []int{0, 7}, evacuated())

	// Update key 4 (old 4): evacuate 4, then 1 (-> 2; 2 not evacuated).
	m.Put(4, 40)
	require.Equal(t, uintptr(2), m.evacMark())
	require.Equal(t, []int{0, 1, 4, 7}, evacuated())

	// Update key 3 (old 3): evacuate 3, then 2 (== nevacuate -> 3, and
	// 3, 4 are evacuated -> 5): the mark jumps over the run 3..4.
	m.Put(3, 30)
	require.Equal(t, uintptr(5), m.evacMark())
	require.Equal(t, []int{0, 1, 2, 3, 4, 7}, evacuated())
	utInv(t, m)

	// Delete key 6 (old 6): evacuate 6, then 5 (-> 6, 6 and 7 evacuated
	// -> 8 == the old size): the growth ends.
	m.Delete(6)
	require.Equal(t, utHeader{Count: 52, B: 4, Nevacuate: 8}, utHeaderOf(m))
	require.Nil(t, m.oldArray())
	require.Zero(t, m.flags&flagSameSizeGrow)
	utInv(t, m)

	// nevacuate keeps its final value (only hashGrow and mapclear reset it).
	m.Put(100, 100)
	m.Delete(0)
	require.Equal(t, uintptr(8), m.evacMark())
	m.Clear()
	require.Zero(t, m.evacMark())
	utInv(t, m)
}

func TestEvacuateMarkStepCap(t *testing.T) {
	// advanceEvacuationMark looks at most 1024 buckets past the one it
	// just passed. That needs an old array of more than 1026 buckets: B =
	// 11 (2048), filled to its limit of 13*1024 = 13312 entries, so that
	// the next insert doubles. Under -tags hmapdebug every write checks
	// the whole table, which makes 13k inserts take many seconds; there a
	// load factor of 1/64 gives the same B = 11 table at 32 entries (the
	// mark does not depend on the load factor).
	n, opts := 13312, []Option{WithHasher[int](hash.Identity[int]{}), WithSeed(1)}
	if debugInvariants {
		n, opts = 32, append(opts, WithLoadFactor(1, 64))
	}
	m := New[int, int](n, opts...)
	require.Equal(t, uint8(11), m.logB)
	for k := 0; k < n; k++ {
		m.Put(k, k)
	}
	require.False(t, m.growing())
	// Key 16383: new, old bucket 2047. growWork: evacuate 2047, then 0.
	m.Put(16383, 1)
	// The old array (B = 11, int -> int) has 2048 + 128 = 2176 buckets *
	// 144 = 313344 bytes, a large object: 39 pages = 319488 bytes, so
	// 319488/144 = 2218 buckets. On 32-bit a bucket is 8 + 32 + 32 + 4 =
	// 76 bytes: 2176*76 = 165376 bytes, 21 pages = 172032 bytes, so
	// 172032/76 = 2263 buckets.
	require.Equal(t, utHeader{Count: n + 1, B: 12, Growing: true, Nevacuate: 1, NOld: 2048, OldLen: utWidth(2218, 2263)}, utHeaderOf(m))

	// Evacuate 2..1030 out of turn: nevacuate stays 1.
	for i := uintptr(2); i <= 1030; i++ {
		utEvacuate(m, i)
	}
	require.Equal(t, uintptr(1), m.evacMark())
	// Evacuating 1 moves the mark to 2, then over evacuated buckets, but
	// stops at 2+1024 = 1026 though 1026..1030 are evacuated.
	utEvacuate(m, 1)
	require.Equal(t, uintptr(1026), m.evacMark())
	utInv(t, m)
	// The next write (key 5: old 5, done) evacuates bucket nevacuate =
	// 1026: already done, so only the mark moves: 1027, then over
	// 1027..1030 to 1031.
	m.Put(5, 50)
	require.Equal(t, uintptr(1031), m.evacMark())
	utInv(t, m)
}
