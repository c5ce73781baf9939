package table

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
)

// utHeader is the part of the header the growth tests compare.
type utHeader struct {
	Count     int
	B         uint8
	Growing   bool
	SameSize  bool
	Nevacuate uintptr
	NOld      uintptr // regular buckets of the old array while growing
	OldLen    int     // len(oldbuckets), spares included
	Noverflow uint16
}

func utHeaderOf[K comparable, V any](m *Map[K, V]) utHeader {
	h := utHeader{
		Count: m.count, B: m.logB, Growing: m.oldArray() != nil,
		SameSize: m.flags&flagSameSizeGrow != 0, Nevacuate: m.evacMark(),
		OldLen: len(m.oldArray()), Noverflow: m.noverflow,
	}
	if h.Growing {
		h.NOld = m.noldbuckets()
	}
	return h
}

// utInside reports whether b lies in arr (any of its buckets).
func utInside[K comparable, V any](arr []bucket.Bucket[K, V], b *bucket.Bucket[K, V]) bool {
	for i := range arr {
		if &arr[i] == b {
			return true
		}
	}
	return false
}

// utSamePtrs requires got to hold exactly the pointers of want, in order
// (require.Equal would compare the buckets they point to).
func utSamePtrs[T any](t *testing.T, want, got []*T) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.Same(t, want[i], got[i], "element %d", i)
	}
}

// ---------------------------------------------------------------------------
// 2. The inserts that start the first five growths of New(0).

func TestGrowthFirstFiveGrowths(t *testing.T) {
	// hashGrow starts when overLoadFactor(count+1, B), i.e. count+1 > 8 &&
	// count+1 > 13*(2^B/2):
	//   B=0: count+1 > 8        -> the 9th insert
	//   B=1: count+1 > 13       -> the 14th
	//   B=2: count+1 > 26       -> the 27th
	//   B=3: count+1 > 52       -> the 53rd
	//   B=4: count+1 > 104      -> the 105th
	// Insert n puts key n-1 (Identity hash: bucket = key & mask), so old
	// bucket o holds the keys k < n-1 with k&oldmask == o, ascending.
	//
	// The triggering insert then runs growWork for its key: evacuate(the
	// old bucket of key n-1), then evacuate(nevacuate = 0), and
	// advanceEvacuationMark moves nevacuate over evacuated buckets.
	//   n=9:   old size 1; key 8 -> old 0; evacuating 0 ends the growth
	//          (nevacuate 1 == newbit), growWork stops: nevacuate 1.
	//   n=14:  old size 2; key 13 -> old 1 (1 != nevacuate 0, no advance);
	//          then 0 -> nevacuate 1, old 1 evacuated -> 2 == newbit: done.
	//   n=27:  old size 4; key 26 -> old 2; then 0 -> nevacuate 1 (old 1
	//          not evacuated): growing, evacuated {0, 2}.
	//   n=53:  old size 8; key 52 -> old 4; then 0 -> nevacuate 1.
	//   n=105: old size 16; key 104 -> old 8; then 0 -> nevacuate 1.
	// Between growths, nevacuate keeps its final value (the old size).
	// oldbuckets of B=4 (int->int, 144-byte buckets) has 18 buckets:
	// 17*144 = 2448 -> 2688-byte class -> 18.
	type trigger struct {
		n             int
		before, after utHeader
		evacuated     []int // old buckets evacuated after the insert
	}
	triggers := []trigger{
		{9, utHeader{Count: 8, B: 0}, utHeader{Count: 9, B: 1, Nevacuate: 1}, []int{0}},
		{14, utHeader{Count: 13, B: 1, Nevacuate: 1}, utHeader{Count: 14, B: 2, Nevacuate: 2}, []int{0, 1}},
		{27, utHeader{Count: 26, B: 2, Nevacuate: 2},
			utHeader{Count: 27, B: 3, Growing: true, Nevacuate: 1, NOld: 4, OldLen: 4}, []int{0, 2}},
		{53, utHeader{Count: 52, B: 3, Nevacuate: 4},
			utHeader{Count: 53, B: 4, Growing: true, Nevacuate: 1, NOld: 8, OldLen: 8}, []int{0, 4}},
		{105, utHeader{Count: 104, B: 4, Nevacuate: 8},
			utHeader{Count: 105, B: 5, Growing: true, Nevacuate: 1, NOld: 16, OldLen: 18}, []int{0, 8}},
	}
	m := utNewID[int, int](0)
	n := 0
	for _, tr := range triggers {
		for n+1 < tr.n {
			n++
			m.Put(n-1, n-1)
		}
		require.Equal(t, tr.before, utHeaderOf(m), "just before insert %d", tr.n)
		oldB := m.logB
		old := m.array()
		n++
		m.Put(n-1, n-1)
		require.Equal(t, tr.after, utHeaderOf(m), "just after insert %d", tr.n)
		if tr.after.Growing {
			require.Same(t, &old[0], &m.oldArray()[0])
		}
		utCheckSplit(t, m, old, oldB, n, tr.evacuated)
		utInv(t, m)
	}
}

// utCheckSplit checks the old and new arrays after a doubling from oldB
// with Identity keys 0..n-1 inserted in order: the old buckets in evac are
// evacuated (slot marks 2/3 by the new bit, 4 for empty), the others
// untouched; a new bucket holds its keys (ascending) if its old bucket was
// evacuated, else nothing.
func utCheckSplit(t *testing.T, m *Map[int, int], old []bucket.Bucket[int, int], oldB uint8, n int, evac []int) {
	t.Helper()
	oldN, newN := 1<<oldB, 1<<(oldB+1)
	isEvac := map[int]bool{}
	for _, o := range evac {
		isEvac[o] = true
	}
	for o := 0; o < oldN; o++ {
		var keys []int // old bucket o: keys before the last insert
		for k := 0; k < n-1; k++ {
			if k&(oldN-1) == o {
				keys = append(keys, k)
			}
		}
		require.LessOrEqual(t, len(keys), 8)
		var want [8]uint8
		for i := range want {
			switch {
			case isEvac[o] && i < len(keys):
				want[i] = bucket.EvacuatedX + uint8(keys[i]>>oldB&1)
			case isEvac[o]:
				want[i] = bucket.EvacuatedEmpty
			case i < len(keys):
				want[i] = 5
			}
		}
		require.Equal(t, want, old[o].Tophash, "old bucket %d", o)
		require.Equal(t, isEvac[o], old[o].Evacuated(), "old bucket %d", o)
	}
	for j := 0; j < newN; j++ {
		var keys []int
		if isEvac[j&(oldN-1)] {
			for k := 0; k < n; k++ {
				if k&(newN-1) == j {
					keys = append(keys, k)
				}
			}
		}
		require.Equal(t, keys, utChainKeys(&m.array()[j]), "new bucket %d", j)
		if keys == nil {
			require.Equal(t, [8]uint8{}, m.array()[j].Tophash, "new bucket %d", j)
		}
	}
}

// ---------------------------------------------------------------------------
// 3. Same-size growth.

func TestGrowthSameSize(t *testing.T) {
	m := utNewID[int, int](14) // hint 14 -> B = 2, 4 buckets, no spares
	require.Equal(t, uint8(2), m.logB)
	// Threshold: tooManyOverflowBuckets(noverflow, 2) is noverflow >= 2^2.
	// Load limit: count+1 > 26 would double instead.
	// For each bucket b, insert 9 keys b+4j (j=0..8): eight fill it and
	// the ninth takes an overflow bucket; for buckets 0..2 then delete
	// j=1..5 so the count stays low.
	for b := 0; b < 4; b++ {
		for j := 0; j < 9; j++ {
			m.Put(b+4*j, b+4*j)
		}
		require.Equal(t, uint16(b+1), m.noverflow)
		require.False(t, m.growing(), "bucket %d", b)
		if b < 3 {
			for j := 1; j <= 5; j++ {
				m.Delete(b + 4*j)
			}
		}
	}
	// count: 3*(9-5) + 9 = 21; 21+1 <= 26, under the load factor.
	require.Equal(t, utHeader{Count: 21, B: 2, Noverflow: 4}, utHeaderOf(m))
	require.Equal(t, [][8]uint8{{5, 1, 1, 1, 1, 1, 5, 5}, {5, 0, 0, 0, 0, 0, 0, 0}}, utTophash(&m.array()[0]))
	utInv(t, m)
	old := m.array()

	// The next insert of a new key starts a same-size growth: noverflow 4
	// >= 2^2. Key 36 -> bucket 0: growWork evacuates old 0 (== nevacuate:
	// -> 1, old 1 not evacuated) and then old 1 (-> 2). The chains are
	// packed: 0 [0 24 28][32] -> [0 24 28 32], then 36 is appended.
	m.Put(36, 36)
	require.Equal(t, utHeader{Count: 22, B: 2, Growing: true, SameSize: true,
		Nevacuate: 2, NOld: 4, OldLen: 4, Noverflow: 0}, utHeaderOf(m))
	require.Same(t, &old[0], &m.oldArray()[0])
	require.Equal(t, [][8]uint8{{2, 4, 4, 4, 4, 4, 2, 2}, {2, 4, 4, 4, 4, 4, 4, 4}}, utTophash(&old[0]))
	require.Equal(t, [][8]uint8{{2, 4, 4, 4, 4, 4, 2, 2}, {2, 4, 4, 4, 4, 4, 4, 4}}, utTophash(&old[1]))
	require.Equal(t, [][8]uint8{{5, 1, 1, 1, 1, 1, 5, 5}, {5, 0, 0, 0, 0, 0, 0, 0}}, utTophash(&old[2]))
	require.Equal(t, [][8]uint8{{5, 5, 5, 5, 5, 5, 5, 5}, {5, 0, 0, 0, 0, 0, 0, 0}}, utTophash(&old[3]))
	require.Equal(t, []int{0, 24, 28, 32, 36}, utChainKeys(&m.array()[0]))
	require.Equal(t, []int{1, 25, 29, 33}, utChainKeys(&m.array()[1]))
	require.Nil(t, utChainKeys(&m.array()[2]))
	require.Nil(t, utChainKeys(&m.array()[3]))
	require.Equal(t, 30, m.At(30), "read from the old bucket 2")
	utInv(t, m)

	// Any write advances it: delete an absent key of bucket 3. growWork
	// evacuates old 3 (9 entries: 8 + 1 in a new overflow bucket, so
	// noverflow 1), then old 2 (== nevacuate: -> 3; 3 is evacuated -> 4 ==
	// the old size: the growth ends, sameSizeGrow cleared).
	m.Delete(403)
	require.Equal(t, utHeader{Count: 22, B: 2, Nevacuate: 4, Noverflow: 1}, utHeaderOf(m))
	require.Zero(t, m.flags&flagSameSizeGrow)
	require.Equal(t, [][8]uint8{{5, 5, 5, 5, 5, 0, 0, 0}}, utTophash(&m.array()[0]))
	require.Equal(t, [][8]uint8{{5, 5, 5, 5, 0, 0, 0, 0}}, utTophash(&m.array()[1]))
	require.Equal(t, []int{2, 26, 30, 34}, utChainKeys(&m.array()[2]))
	require.Equal(t, [][8]uint8{{5, 5, 5, 5, 5, 5, 5, 5}, {5, 0, 0, 0, 0, 0, 0, 0}}, utTophash(&m.array()[3]))
	require.Equal(t, []int{3, 7, 11, 15, 19, 23, 27, 31, 35}, utChainKeys(&m.array()[3]))
	utInv(t, m)
}

// utSameSizeOverloaded builds, with Identity keys, a B=4 table in the middle
// of a same-size growth whose count (105) is over the load limit (104),
// which only a same-size growth allows.
func utSameSizeOverloaded(t *testing.T) *Map[int, int] {
	m := utNewID[int, int](100) // hint 100 -> B = 4; limit 13*8 = 104
	require.Equal(t, uint8(4), m.logB)
	// Buckets 0..14: 9 keys b+16j (an overflow bucket each), then delete
	// j=0..2, leaving 6. Count at most 14*6+9 = 93 meanwhile.
	for b := 0; b < 15; b++ {
		for j := 0; j < 9; j++ {
			m.Put(b+16*j, b+16*j)
		}
		for j := 0; j < 3; j++ {
			m.Delete(b + 16*j)
		}
	}
	require.Equal(t, utHeader{Count: 90, B: 4, Noverflow: 15}, utHeaderOf(m))
	// Bucket 15: 9 keys; the ninth makes noverflow 16 (no growth check
	// fires on it: noverflow was 15 < 16 and 99 <= 104).
	for j := 0; j < 9; j++ {
		m.Put(15+16*j, 15+16*j)
	}
	require.Equal(t, utHeader{Count: 99, B: 4, Noverflow: 16}, utHeaderOf(m))
	// Key 144 (bucket 0) is new: 100 <= 104 but noverflow 16 >= 2^4, so a
	// same-size growth; growWork evacuates old 0 (-> nevacuate 1) and old
	// 1 (-> 2).
	m.Put(144, 144)
	require.Equal(t, utHeader{Count: 100, B: 4, Growing: true, SameSize: true,
		Nevacuate: 2, NOld: 16, OldLen: 18}, utHeaderOf(m))
	// Five more new keys into bucket 0: while growing no growth can start,
	// whatever the load. Each write evacuates old 0 (already done) and
	// old nevacuate: 2, 3, 4, 5, 6 -> nevacuate 7. Bucket 0 gets 48..224
	// (12 keys): one overflow bucket, the array's first spare.
	for k := 160; k <= 224; k += 16 {
		m.Put(k, k)
	}
	require.Equal(t, utHeader{Count: 105, B: 4, Growing: true, SameSize: true,
		Nevacuate: 7, NOld: 16, OldLen: 18, Noverflow: 1}, utHeaderOf(m))
	require.Same(t, &m.array()[16], m.array()[0].Overflow())
	utInv(t, m)
	return m
}

func TestGrowthSameSizeOverLoad(t *testing.T) {
	m := utSameSizeOverloaded(t)
	// Finish the growth with deletes of absent keys of bucket 0: each
	// evacuates one old bucket in order; 7..15 takes 9 writes.
	for i := 0; i < 9; i++ {
		require.True(t, m.growing())
		require.Equal(t, uintptr(7+i), m.evacMark())
		m.Delete(16 * (100 + i))
	}
	require.Equal(t, utHeader{Count: 105, B: 4, Nevacuate: 16, Noverflow: 2}, utHeaderOf(m))
	utInv(t, m)
	// Now over the load factor and not growing: the next new key doubles.
	m.Put(1000, 1000)
	require.Equal(t, uint8(5), m.logB)
	require.True(t, m.growing())
	require.False(t, m.sameSizeGrow())
	utInv(t, m)
}

// ---------------------------------------------------------------------------
// 8. Preallocated overflow buckets.

func TestGrowthSparesInt64B4(t *testing.T) {
	// int64 -> int64: bucket = 8 tophash + 8*8 keys + 8*8 elems + 8 link
	// = 144 bytes, pointer-free. B = 4: 2^4 + 2^(4-4) = 17 buckets = 2448
	// bytes; Go 1.23 size classes ... 2304, 2688 ...: 2688/144 = 18.67 ->
	// 18 buckets, so 18 - 16 = 2 spares. On 32-bit the link is 4 bytes:
	// 140-byte buckets, 17*140 = 2380 bytes, the same class: 2688/140 =
	// 19.2 -> 19 buckets, 3 spares.
	m := utNewID[int64, int64](100)
	size, n := utWidth[uintptr](144, 140), utWidth[uintptr](18, 19)
	require.Equal(t, uint8(4), m.logB)
	require.Equal(t, size, unsafe.Sizeof(bucket.Bucket[int64, int64]{}))
	require.False(t, m.hasPointers())
	require.Equal(t, n, grow.ArrayLen(4, size, true))
	require.Len(t, m.array(), int(n))
	require.Equal(t, uintptr(16), m.nextSpare())

	fill := func(b, from, to int64) { // keys b+16j, j in [from, to)
		for j := from; j < to; j++ {
			m.Put(b+16*j, j)
		}
	}
	// First overflow: bucket 3's ninth key -> spare #0, index 16.
	fill(3, 0, 9)
	o1 := m.array()[3].Overflow()
	require.Same(t, &m.array()[16], o1)
	require.Equal(t, uintptr(17), m.nextSpare())
	require.Equal(t, uint16(1), m.noverflow)
	require.Empty(t, m.overflow.list, "spares live in the array; nothing to keep alive")
	// Second: bucket 7 -> spare #1, index 17 (order of need, not of bucket).
	fill(7, 0, 9)
	o2 := m.array()[7].Overflow()
	require.Same(t, &m.array()[17], o2)
	require.Equal(t, uintptr(18), m.nextSpare())
	require.Equal(t, uint16(2), m.noverflow)
	// Third: bucket 3 again, its chain's second overflow: spares are used
	// up, so it is allocated outside the array and kept in m.overflow.list.
	// (On 32-bit it takes the third spare, index 18.)
	fill(3, 9, 17) // 7 fill o1's slots 1..7, the 8th needs a new bucket
	o3 := o1.Overflow()
	require.NotNil(t, o3)
	var allocated []*bucket.Bucket[int64, int64]
	if n == 18 {
		require.False(t, utInside(m.array(), o3))
		allocated = append(allocated, o3)
	} else {
		require.Same(t, &m.array()[18], o3)
	}
	require.NotNil(t, m.overflow)
	utSamePtrs(t, allocated, m.overflow.list)
	require.Equal(t, n, m.nextSpare())
	require.Equal(t, uint16(3), m.noverflow)
	// Fourth: bucket 11, allocated.
	fill(11, 0, 9)
	o4 := m.array()[11].Overflow()
	require.False(t, utInside(m.array(), o4))
	utSamePtrs(t, append(allocated, o4), m.overflow.list)
	require.Equal(t, uint16(4), m.noverflow)
	require.Equal(t, 9+9+8+9, m.count)
	require.False(t, m.growing())
	utInv(t, m)

	// Clear makes the spares available again (makeBucketArray on the
	// dirty array), from index 16.
	m.Clear()
	require.Equal(t, uintptr(16), m.nextSpare())
	require.Empty(t, m.overflow.list, "the array's list, emptied")
	fill(5, 0, 9)
	require.Same(t, &m.array()[16], m.array()[5].Overflow())
	require.Equal(t, uint16(1), m.noverflow)
	utInv(t, m)
}

// utSpares checks that a table of 2^B buckets hands out its spare buckets
// in order, then allocates: overflow number o goes to bucket o's chain.
func utSpares[K hash.Integer, V any](t *testing.T, hint int, wantB uint8, wantSize uintptr, pointerFree bool, wantLen uintptr) {
	t.Helper()
	m := utNewID[K, V](hint)
	n := uintptr(1) << wantB
	require.Equal(t, wantB, m.logB)
	require.Equal(t, wantSize, unsafe.Sizeof(bucket.Bucket[K, V]{}))
	require.Equal(t, !pointerFree, m.hasPointers())
	require.Equal(t, wantLen, grow.ArrayLen(wantB, wantSize, pointerFree), "grow.ArrayLen vs hand computation")
	require.Equal(t, wantLen, uintptr(len(m.array())))
	spare := int(wantLen - n)
	var allocated []*bucket.Bucket[K, V]
	for o := 0; o < spare+2; o++ {
		for j := 0; j < 9; j++ {
			var v V
			m.Put(K(uintptr(o)+n*uintptr(j)), v)
		}
		ovf := m.array()[o].Overflow()
		require.NotNil(t, ovf)
		require.Equal(t, uint16(o+1), m.noverflow)
		if o < spare {
			require.Same(t, &m.array()[n+uintptr(o)], ovf, "overflow %d", o)
			require.Equal(t, n+uintptr(o)+1, m.nextSpare())
			require.Empty(t, m.overflow.list)
		} else {
			require.False(t, utInside(m.array(), ovf), "overflow %d", o)
			allocated = append(allocated, ovf)
			utSamePtrs(t, allocated, m.overflow.list)
			require.Equal(t, wantLen, m.nextSpare())
		}
	}
	require.False(t, m.growing())
	utInv(t, m)
}

// Each case gives its figures for a 64-bit platform, then for a 32-bit one,
// where the overflow link is 4 bytes and 8-byte keys and elems 4-aligned.
func TestGrowthSparesOtherSizes(t *testing.T) {
	// int64 -> int64, B = 5 (hint 200: 104 < 200 <= 208): 32 + 2 = 34
	// buckets * 144 = 4896 bytes -> class 5376; 5376/144 = 37.33 -> 37
	// buckets, 5 spares. 32-bit: 34 * 140 = 4760 -> class 4864; 4864/140
	// = 34.7 -> 34 buckets, 2 spares.
	utSpares[int64, int64](t, 200, 5, utWidth[uintptr](144, 140), true, utWidth[uintptr](37, 34))
	// int64 -> int64, B = 8 (hint 1000): 256 + 16 = 272 * 144 = 39168
	// bytes, above the largest small size class (32768): whole 8 KiB
	// pages, 5 pages = 40960; 40960/144 = 284.4 -> 284 buckets, 28 spares.
	// 32-bit: 272 * 140 = 38080, 5 pages; 40960/140 = 292.6 -> 292
	// buckets, 36 spares.
	utSpares[int64, int64](t, 1000, 8, utWidth[uintptr](144, 140), true, utWidth[uintptr](284, 292))
	// int32 -> int8: 8 + 32 + 8 + 8 = 56 bytes. B = 6 (hint 400: 208 <
	// 400 <= 416): 64 + 4 = 68 * 56 = 3808 -> class 4096; 4096/56 = 73.1
	// -> 73 buckets, 9 spares. 32-bit: 8 + 32 + 8 + 4 = 52 bytes; 68 * 52
	// = 3536 -> class 4096; 4096/52 = 78.8 -> 78 buckets, 14 spares.
	utSpares[int32, int8](t, 400, 6, utWidth[uintptr](56, 52), true, utWidth[uintptr](73, 78))
	// int64 -> string (has pointers): 8 + 64 + 128 + 8 = 208 bytes. B = 4:
	// 17 * 208 = 3536 bytes; pointerful objects over 512 bytes (128 on
	// 32-bit) carry an 8-byte malloc header: 3544 -> class 4096, usable
	// 4096-8 = 4088;
	// 4088/208 = 19.65 -> 19 buckets, 3 spares. 32-bit: 8 + 64 + 64 + 4 =
	// 140 bytes; 17 * 140 = 2380, + 8 = 2388 -> class 2688, usable 2680;
	// 2680/140 = 19.1 -> 19 buckets, 3 spares.
	utSpares[int64, string](t, 100, 4, utWidth[uintptr](208, 140), false, 19)
	// uint8 -> uint8: 8 + 8 + 8 + 8 = 32 bytes, pointer-free. B = 4: 17 *
	// 32 = 544 -> class 576 (no malloc header without pointers): 576/32 =
	// 18 buckets, 2 spares. (With a header it would be 568/32 -> 17.)
	// 32-bit: 8 + 8 + 8 + 4 = 28 bytes; 17 * 28 = 476 -> class 480;
	// 480/28 = 17.1 -> 17 buckets, 1 spare. (With a header: 504/28 = 18.)
	utSpares[uint8, uint8](t, 100, 4, utWidth[uintptr](32, 28), true, utWidth[uintptr](18, 17))
	// uint16 -> *int (has pointers): 8 + 16 + 64 + 8 = 96 bytes. B = 5:
	// 34 * 96 = 3264 bytes, + 8 header = 3272 -> class 3456, usable 3448;
	// 3448/96 = 35.9 -> 35 buckets, 3 spares. (Without the header:
	// 3456/96 = 36, 4 spares.) 32-bit: 8 + 16 + 32 + 4 = 60 bytes; 34 *
	// 60 = 2040, + 8 = 2048 -> class 2048, usable 2040: 34 buckets, 2
	// spares.
	utSpares[uint16, *int](t, 200, 5, utWidth[uintptr](96, 60), false, utWidth[uintptr](35, 34))
	// The same, B = 4 (hint 100): 17 * 96 = 1632, + 8 = 1640 -> class
	// 1792, usable 1784; 1784/96 = 18.6 -> 18 buckets, 2 spares. 32-bit:
	// 17 * 60 = 1020, + 8 = 1028 -> class 1152, usable 1144; 1144/60 =
	// 19.1 -> 19 buckets, 3 spares. (Without the header: 1024/60 -> 17.)
	utSpares[uint16, *int](t, 100, 4, utWidth[uintptr](96, 60), false, utWidth[uintptr](18, 19))
	// B < 4: no spares at all (B = 3, int64 -> int64).
	utSpares[int64, int64](t, 52, 3, utWidth[uintptr](144, 140), true, 8)
}

// ---------------------------------------------------------------------------
// 11. Iteration and growth.

func TestGrowthIterateDuringGrowth(t *testing.T) {
	m := utNewID[int, int](0)
	for k := 0; k < 53; k++ { // the 53rd insert starts B=3 -> 4
		m.Put(k, k)
	}
	require.Equal(t, utHeader{Count: 53, B: 4, Growing: true, Nevacuate: 1, NOld: 8, OldLen: 8}, utHeaderOf(m))
	ref := map[int]int{}
	for k := 0; k < 53; k++ {
		ref[k] = k
	}
	deleted := map[int]bool{}
	seen := map[int]int{}
	step, growingYields := 0, 0
	lastNev := m.evacMark()
	for k, v := range m.All() {
		if step == 0 {
			require.Equal(t, uint32(flagIterator|flagOldIterator), m.runtimeFlags())
		}
		seen[k]++
		require.False(t, deleted[k], "key %d yielded after its delete", k)
		require.Equal(t, ref[k], v, "key %d: latest value", k)
		if m.growing() {
			growingYields++
		}
		if step < 12 {
			// A new key, an update and a delete: each write evacuates.
			nk := 1000 + step
			m.Put(nk, nk)
			ref[nk] = nk
			u := (step*11 + 5) % 53
			if !deleted[u] {
				m.Put(u, -u)
				ref[u] = -u
			}
			d := (step*7 + 20) % 53
			if d != u && !deleted[d] {
				m.Delete(d)
				deleted[d] = true
				delete(ref, d)
			}
			if m.growing() {
				require.Greater(t, m.evacMark(), lastNev, "each write advances the growth")
				lastNev = m.evacMark()
			}
		}
		step++
	}
	// Writes during steps 0 and 1 (nevacuate 1 -> 6 -> done) end it.
	require.Equal(t, 2, growingYields, "the growth was under way during the loop")
	require.False(t, m.growing(), "and ended during it")
	for k := 0; k < 53; k++ {
		if deleted[k] {
			require.LessOrEqual(t, seen[k], 1, "key %d", k)
		} else {
			require.Equal(t, 1, seen[k], "pre-existing key %d yielded exactly once", k)
		}
	}
	for k, c := range seen {
		require.LessOrEqual(t, c, 1, "key %d", k)
	}
	utInv(t, m)
}

func TestGrowthIteratorFlags(t *testing.T) {
	m := utNewID[int, int](0)
	for k := 0; k < 52; k++ {
		m.Put(k, k)
	}
	require.Equal(t, utHeader{Count: 52, B: 3, Nevacuate: 4}, utHeaderOf(m))
	require.Zero(t, m.runtimeFlags())
	seen := map[int]int{}
	first := true
	for k := range m.Keys() {
		seen[k]++
		if first {
			first = false
			// mapiterinit sets iterator|oldIterator.
			require.Equal(t, uint32(flagIterator|flagOldIterator), m.runtimeFlags())
			// The 53rd insert starts a growth: hashGrow clears iterator
			// and, since it was set, sets oldIterator.
			m.Put(52, 52)
			require.True(t, m.growing())
			require.Equal(t, uint8(4), m.logB)
			require.Equal(t, uint32(flagOldIterator), m.runtimeFlags())
		}
	}
	for k := 0; k < 52; k++ {
		require.Equal(t, 1, seen[k], "key %d", k)
	}
	require.LessOrEqual(t, seen[52], 1)
	require.Equal(t, uint32(flagOldIterator), m.runtimeFlags(), "flags stay after the loop")
	for m.growing() {
		m.Delete(-1)
	}
	require.Equal(t, uint32(flagOldIterator), m.runtimeFlags(), "and after the growth ends")
	for range m.All() {
		break
	}
	require.Equal(t, uint32(flagIterator|flagOldIterator), m.runtimeFlags())
	utInv(t, m)
}

// ---------------------------------------------------------------------------
// Clone while growing.

func TestGrowthCloneDuringDoubling(t *testing.T) {
	m := utNewID[int, int](0)
	for k := 0; k < 27; k++ { // the 27th insert starts B=2 -> 3
		m.Put(k, k*3)
	}
	before := utHeaderOf(m)
	require.Equal(t, utHeader{Count: 27, B: 3, Growing: true, Nevacuate: 1, NOld: 4, OldLen: 4}, before)
	view := m.Inspect()

	c := m.Clone()
	require.Equal(t, before, utHeaderOf(m), "Clone does not advance the source's growth")
	require.Equal(t, view, m.Inspect())
	require.Equal(t, m.seed, c.seed)
	// hint 27 -> B = 3 (26 < 27 <= 52): the new array's chains (0, 2, 4, 6
	// evacuated) are copied, then old buckets 1 and 3, not evacuated,
	// spread over 1/5 and 3/7 key by key. Each bucket ends up with its
	// keys in ascending order.
	require.Equal(t, utHeader{Count: 27, B: 3}, utHeaderOf(c))
	require.Zero(t, c.runtimeFlags())
	for j := 0; j < 8; j++ {
		var want []int
		for k := 0; k < 27; k++ {
			if k&7 == j {
				want = append(want, k)
			}
		}
		require.Equal(t, want, utChainKeys(&c.array()[j]), "bucket %d", j)
	}
	for k := 0; k < 27; k++ {
		require.Equal(t, k*3, c.At(k))
	}
	// Independent, and the source goes on growing on its own.
	c.Put(1, -1)
	m.Put(3, -3)
	require.Equal(t, 3, m.At(1))
	require.Equal(t, 9, c.At(3))
	utInv(t, m)
	utInv(t, c)
}

func TestGrowthCloneDuringSameSize(t *testing.T) {
	m := utSameSizeOverloaded(t)
	before := utHeaderOf(m)
	view := m.Inspect()

	c := m.Clone()
	require.Equal(t, before, utHeaderOf(m))
	require.Equal(t, view, m.Inspect())
	require.Equal(t, m.seed, c.seed)
	// count 105 is over the load limit of B = 4, so the hint is capped at
	// 13*(16/2) = 104 (issue 69110): B = 4, not 5. Each destination
	// bucket gets the new array's chain, then the old chain if it is not
	// evacuated (7..15): bucket 0 holds 16j for j=3..14 (12 keys: one
	// overflow), 1..14 hold b+16j for j=3..8, 15 holds 15+16j for j=0..8
	// (one overflow). The two overflows take the two spares.
	require.Equal(t, utHeader{Count: 105, B: 4, Noverflow: 2}, utHeaderOf(c))
	require.Len(t, c.array(), 18)
	require.Same(t, &c.array()[16], c.array()[0].Overflow())
	require.Same(t, &c.array()[17], c.array()[15].Overflow())
	for b := 0; b < 16; b++ {
		var want []int
		switch b {
		case 0:
			for j := 3; j <= 14; j++ {
				want = append(want, 16*j)
			}
		case 15:
			for j := 0; j <= 8; j++ {
				want = append(want, 15+16*j)
			}
		default:
			for j := 3; j <= 8; j++ {
				want = append(want, b+16*j)
			}
		}
		require.Equal(t, want, utChainKeys(&c.array()[b]), "bucket %d", b)
	}
	utInv(t, c)
	// The clone is overloaded too: its next new key doubles it.
	c.Put(5000, 1)
	require.Equal(t, uint8(5), c.logB)
	require.True(t, c.growing())
	require.False(t, m.Has(5000))
	utInv(t, c)
	utInv(t, m)
}

// An insert starts one growth at most. Here every key hashes alike, so
// they all share one chain, which no growth shortens; the table is
// rebuilt at its first overflow bucket, and evacuated at once: a growth
// ends within the insert that starts it and leaves the table due for
// another. An insert that started growths until none was due would never
// end.
func TestInsertStartsOneGrowth(t *testing.T) {
	same := hash.Func[int](func(int, uint64) uint64 { return 0 })
	m := New[int, int](0, WithHasher[int](same), WithOverflowThreshold(0), WithEvacuationPace(0))
	for i := range 100 {
		before := m.Stats().Events
		m.Put(i, i)
		after := m.Stats().Events
		require.LessOrEqual(t, after.Growths+after.SameSizeGrowths-before.Growths-before.SameSizeGrowths, 1, "insert %d", i)
		require.False(t, m.growing(), "pace 0 ends every growth within its insert")
		require.NoError(t, m.checkInvariants())
	}
	require.Equal(t, 100, m.Len())
	require.Greater(t, m.Stats().Events.SameSizeGrowths, 50, "the chain overflows at every insert past the first bucket's eight")
	for i := range 100 {
		require.Equal(t, i, m.At(i))
	}
}
