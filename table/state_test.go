package table

// Internal unit tests asserting exact header and bucket states against the
// rules of the Go 1.23 runtime (runtime/map.go). Every expected value below
// is derived by hand from those rules; the comments show the arithmetic.
//
// Helpers shared by state_test.go, growth_test.go, evacuate_test.go and
// misuse_test.go are prefixed with "ut" to stay clear of other test files of
// the package.

import (
	"math"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
)

// utNewID returns a map whose hash of a key is the key itself (bucket = key
// & (2^B-1), tophash = top byte of the key, +5 if below 5) and whose random
// choices come from a fixed sequence.
func utNewID[K hash.Integer, V any](hint int) *Map[K, V] {
	return New[K, V](hint, WithHasher[K](hash.Identity[K]{}), WithSeed(1))
}

// utKey crafts an Identity key with top byte top and low bits low. A
// 32-bit table's hash is the hasher's top byte and low 24 bits, so there
// too top is the key's tophash, and low (below 2^24) picks its bucket.
func utKey(top uint8, low uint64) uint64 { return uint64(top)<<56 | low }

// utWidth returns v64 on a 64-bit platform and v32 on a 32-bit one. A
// bucket ends with a pointer-wide overflow link, and 8-byte keys and elems
// are 4-aligned on 32-bit platforms, so a bucket is smaller there (140
// bytes for int64 -> int64, not 144): an array rounded up to a malloc size
// class holds another number of spare buckets.
func utWidth[T any](v64, v32 T) T {
	if ptrBits == 64 {
		return v64
	}
	return v32
}

func utInv[K comparable, V any](t *testing.T, m *Map[K, V]) {
	t.Helper()
	require.NoError(t, m.checkInvariants())
}

// utChain returns the buckets of the chain that starts at head.
func utChain[K comparable, V any](head *bucket.Bucket[K, V]) []*bucket.Bucket[K, V] {
	var c []*bucket.Bucket[K, V]
	for b := head; b != nil; b = b.Overflow() {
		c = append(c, b)
	}
	return c
}

// utTophash returns the tophash bytes of every bucket of a chain.
func utTophash[K comparable, V any](head *bucket.Bucket[K, V]) [][8]uint8 {
	var out [][8]uint8
	for _, b := range utChain(head) {
		out = append(out, b.Tophash)
	}
	return out
}

// utChainKeys returns the keys of the full slots of a chain, in chain and
// slot order.
func utChainKeys[K comparable, V any](head *bucket.Bucket[K, V]) []K {
	var out []K
	for _, b := range utChain(head) {
		for i, t := range b.Tophash {
			if t >= asm.MinTopHash {
				out = append(out, b.Keys[i])
			}
		}
	}
	return out
}

// utSplitMix returns the n-th value (n >= 1) of the SplitMix64 sequence for
// seed, written out here independently of package hash: state advances by
// the golden gamma, then the finaliser mixes it.
func utSplitMix(seed uint64, n int) uint64 {
	z := seed + uint64(n)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// ---------------------------------------------------------------------------
// 1. Size hints.

// utOverLoad is the runtime's overLoadFactor written out for the tests:
// count > bucketCnt && count > loadFactorNum*(2^B/loadFactorDen).
func utOverLoad(count int, B uint8) bool {
	return count > 8 && uint64(count) > 13*((uint64(1)<<B)/2)
}

func TestStateHintSizing(t *testing.T) {
	// makemap picks the smallest B with !overLoadFactor(hint, B):
	//   0, 8   -> 0 (count <= 8 never overloads)
	//   9      -> 1 (B=0: 9 > 13*0; B=1: 9 <= 13*1)
	//   13     -> 1 (13 <= 13)
	//   14     -> 2 (14 > 13; 14 <= 13*2 = 26)
	//   100    -> 4 (13*4 = 52 < 100 <= 13*8 = 104)
	//   1000   -> 8 (13*64 = 832 < 1000 <= 13*128 = 1664)
	//   1<<20  -> 18 (13*2^16 = 851968 < 1048576 <= 13*2^17 = 1703936)
	cases := []struct {
		hint int
		B    uint8
	}{{0, 0}, {8, 0}, {9, 1}, {13, 1}, {14, 2}, {100, 4}, {1000, 8}, {1 << 20, 18}}
	for _, c := range cases {
		// Check the table itself against the rule: B is enough, B-1 is not.
		require.False(t, utOverLoad(c.hint, c.B), "hint %d B %d", c.hint, c.B)
		if c.B > 0 {
			require.True(t, utOverLoad(c.hint, c.B-1), "hint %d B-1 %d", c.hint, c.B-1)
		}
		// A small bucket type keeps the 1<<20 case at a few MB.
		m := New[uint8, struct{}](c.hint, WithSeed(1))
		require.Equal(t, c.B, m.logB, "hint %d", c.hint)
		require.Zero(t, m.count)
		if c.B == 0 {
			// B = 0: the bucket is allocated by the first write.
			require.Nil(t, m.array(), "hint %d", c.hint)
		} else {
			require.GreaterOrEqual(t, len(m.array()), 1<<c.B, "hint %d", c.hint)
			require.Equal(t, uintptr(1)<<c.B, m.nextSpare(), "hint %d", c.hint)
		}
		require.Nil(t, m.oldArray())
		utInv(t, m)
	}

	// Exact array length for one case: hint 100 on int64->int64 gives
	// B=4; 16+2^(4-4) = 17 buckets of 144 bytes = 2448 bytes, rounded up to
	// the 2688-byte size class, holds 2688/144 = 18 buckets. On 32-bit:
	// 17*140 = 2380 bytes, the same class, 2688/140 = 19.2 -> 19 buckets.
	m := New[int64, int64](100, WithSeed(1))
	require.Equal(t, uint8(4), m.logB)
	require.Len(t, m.array(), utWidth(18, 19))
	require.Equal(t, uintptr(16), m.nextSpare())
}

func TestStateLazyFirstBucket(t *testing.T) {
	m := New[int, int](0, WithHasher[int](hash.Identity[int]{}), WithSeed(1))
	require.Nil(t, m.array())
	require.Equal(t, uint8(0), m.logB)
	utInv(t, m)
	// Reads and deletes on the empty map allocate nothing.
	_, ok := m.Get(3)
	require.False(t, ok)
	m.Delete(3)
	require.Nil(t, m.array())

	m.Put(3, 30)
	require.Len(t, m.array(), 1, "mapassign allocates one bucket for B=0")
	require.Equal(t, uintptr(1), m.nextSpare())
	require.Equal(t, [8]uint8{5, 0, 0, 0, 0, 0, 0, 0}, m.array()[0].Tophash)
	require.Equal(t, 1, m.count)
	utInv(t, m)

	// The zero Map: no buckets, no hasher, until the first write.
	var z Map[int, int]
	require.Nil(t, z.buckets)
	require.Nil(t, z.hashfn)
	_, ok = z.Get(1)
	require.False(t, ok)
	z.Delete(1)
	require.Nil(t, z.buckets)
	require.Nil(t, z.hashfn, "a read or delete does not initialise the zero Map")
	utInv(t, &z)
	z.Put(1, 10)
	require.Len(t, z.array(), 1)
	require.Equal(t, uint8(0), z.logB)
	v, ok := z.Get(1)
	require.True(t, ok)
	require.Equal(t, 10, v)
	utInv(t, &z)
}

func TestStateNegativeAndHugeHint(t *testing.T) {
	require.PanicsWithError(t, "makemap: size out of range", func() { New[int, int](-1) })
	require.PanicsWithError(t, "makemap: size out of range", func() { New[int, int](math.MinInt) })

	// makemap ignores a hint whose buckets could not be allocated:
	// hint*bucketsize > maxAlloc (2^48 on 64-bit platforms), or the
	// product overflows. On 64-bit, 144 * (2^48/144 + 1) > 2^48 and
	// 144 * MaxInt overflows a uintptr; on 32-bit both overflow.
	size := unsafe.Sizeof(bucket.Bucket[int64, int64]{})
	if ptrBits == 64 {
		require.Equal(t, uintptr(144), size)
	}
	for _, hint := range []int{int(maxAlloc/size) + 1, math.MaxInt} {
		m := New[int64, int64](hint, WithSeed(1))
		require.Equal(t, uint8(0), m.logB, "hint %d", hint)
		require.Nil(t, m.array())
		utInv(t, m)
	}
}

// ---------------------------------------------------------------------------
// 6. emptyRest propagation.

func TestStateEmptyRestInOneBucket(t *testing.T) {
	m := utNewID[uint64, int](0) // B = 0: one bucket, every key in it
	keys := make([]uint64, 8)
	for i := range keys {
		keys[i] = utKey(uint8(0x10+i), uint64(i))
		m.Put(keys[i], i)
	}
	require.Equal(t, uint8(0), m.logB)
	b := &m.array()[0]
	require.Equal(t, [8]uint8{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17}, b.Tophash)

	steps := []struct {
		del  int
		want [8]uint8
		why  string
	}{
		// Last slot: nothing follows (no overflow) -> emptyRest.
		{7, [8]uint8{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0}, "last slot"},
		// Middle slot: slot 4 is full -> emptyOne.
		{3, [8]uint8{0x10, 0x11, 0x12, 1, 0x14, 0x15, 0x16, 0}, "middle slot"},
		// Slot 6: slot 7 is emptyRest -> 6 becomes emptyRest; slot 5 full, stop.
		{6, [8]uint8{0x10, 0x11, 0x12, 1, 0x14, 0x15, 0, 0}, "before emptyRest"},
		{5, [8]uint8{0x10, 0x11, 0x12, 1, 0x14, 0, 0, 0}, "before emptyRest"},
		// Slot 4: becomes emptyRest, and the emptyOne at 3 before it too;
		// slot 2 is full, stop.
		{4, [8]uint8{0x10, 0x11, 0x12, 0, 0, 0, 0, 0}, "absorbs the emptyOne run"},
		// Slot 0: slot 1 full -> emptyOne.
		{0, [8]uint8{1, 0x11, 0x12, 0, 0, 0, 0, 0}, "first slot"},
		{2, [8]uint8{1, 0x11, 0, 0, 0, 0, 0, 0}, "before emptyRest"},
		// Slot 1: emptyRest, then slot 0 (emptyOne) too; slot 0 of the
		// head bucket ends the walk.
		{1, [8]uint8{0, 0, 0, 0, 0, 0, 0, 0}, "back to the head"},
	}
	for n, s := range steps {
		m.Delete(keys[s.del])
		require.Equal(t, s.want, b.Tophash, "step %d: delete slot %d (%s)", n, s.del, s.why)
		require.Equal(t, 7-n, m.count)
		// Deleted slots are cleared.
		require.Zero(t, b.Keys[s.del])
		require.Zero(t, b.Elems[s.del])
		utInv(t, m)
	}
}

func TestStateEmptyRestAcrossChain(t *testing.T) {
	m := utNewID[uint64, int](9) // hint 9 -> B = 1
	require.Equal(t, uint8(1), m.logB)
	// Nine keys with an even low bit all go to bucket 0: eight fill it,
	// the ninth goes to slot 0 of an overflow bucket.
	keys := make([]uint64, 9)
	for i := range keys {
		keys[i] = utKey(uint8(0x20+i), uint64(i)<<1)
		m.Put(keys[i], i)
	}
	head := &m.array()[0]
	require.Equal(t, [][8]uint8{
		{0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27},
		{0x28, 0, 0, 0, 0, 0, 0, 0},
	}, utTophash(head))
	require.Equal(t, uint16(1), m.noverflow)
	ovf := head.Overflow()

	// Slot 7 of the head: the next bucket's slot 0 is full -> emptyOne.
	m.Delete(keys[7])
	require.Equal(t, [8]uint8{0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 1}, head.Tophash)
	// Slot 5: slot 6 full -> emptyOne.
	m.Delete(keys[5])
	require.Equal(t, [8]uint8{0x20, 0x21, 0x22, 0x23, 0x24, 1, 0x26, 1}, head.Tophash)
	// Slot 6: slot 7 is emptyOne, not emptyRest -> emptyOne.
	m.Delete(keys[6])
	require.Equal(t, [8]uint8{0x20, 0x21, 0x22, 0x23, 0x24, 1, 1, 1}, head.Tophash)
	utInv(t, m)

	// The only entry of the overflow bucket: its slot 0 becomes emptyRest
	// (slot 1 is emptyRest), then the walk moves back to the head's slot
	// 7 and turns the emptyOne run 7, 6, 5 into emptyRest; slot 4 is full.
	m.Delete(keys[8])
	require.Equal(t, [][8]uint8{
		{0x20, 0x21, 0x22, 0x23, 0x24, 0, 0, 0},
		{0, 0, 0, 0, 0, 0, 0, 0},
	}, utTophash(head))
	require.Same(t, ovf, head.Overflow(), "the empty overflow bucket stays linked")
	require.Equal(t, uint16(1), m.noverflow)
	require.Equal(t, 5, m.count)
	utInv(t, m)

	// An insert takes the first empty slot of the chain (slot 5), where
	// the scan also stops (emptyRest).
	k := utKey(0x30, 18)
	m.Put(k, 30)
	require.Equal(t, [8]uint8{0x20, 0x21, 0x22, 0x23, 0x24, 0x30, 0, 0}, head.Tophash)
	require.Equal(t, k, head.Keys[5])
	require.Equal(t, [8]uint8{}, ovf.Tophash)
	utInv(t, m)

	// With holes, an insert takes the first one (mapassign remembers the
	// first empty slot it passes), and the next insert the next one.
	m.Delete(keys[1])
	m.Delete(keys[3])
	require.Equal(t, [8]uint8{0x20, 1, 0x22, 1, 0x24, 0x30, 0, 0}, head.Tophash)
	for i, want := range [][8]uint8{
		{0x20, 0x31, 0x22, 1, 0x24, 0x30, 0, 0},
		{0x20, 0x31, 0x22, 0x32, 0x24, 0x30, 0, 0},
		{0x20, 0x31, 0x22, 0x32, 0x24, 0x30, 0x33, 0},
	} {
		m.Put(utKey(uint8(0x31+i), uint64(20+2*i)), i)
		require.Equal(t, want, head.Tophash, "insert %d", i)
	}
	require.Equal(t, [8]uint8{}, ovf.Tophash)
	require.Equal(t, 7, m.count) // 5 + 1 - 2 + 3
	utInv(t, m)
}

// ---------------------------------------------------------------------------
// 7. Reseeding.

func TestStateReseed(t *testing.T) {
	const seed = 42
	// The map draws: #1 at creation, #2 when the delete empties it, #3 on
	// the clear, #4 for the iteration's start, #5 on the last delete.
	s := func(n int) uint32 { return uint32(utSplitMix(seed, n)) }
	require.NotEqual(t, s(1), s(2))
	require.NotEqual(t, s(2), s(3))
	require.NotEqual(t, s(3), s(5))

	m := New[int, int](0, WithHasher[int](hash.Identity[int]{}), WithSeed(seed))
	require.Equal(t, s(1), m.seed, "seed drawn at creation")
	m.Put(1, 1)
	m.Put(2, 2)
	m.Put(3, 3)
	require.Equal(t, s(1), m.seed, "inserts do not reseed")
	m.Delete(2)
	require.Equal(t, s(1), m.seed, "deleting a non-last entry does not reseed")
	m.Delete(99)
	require.Equal(t, s(1), m.seed, "deleting an absent key does not reseed")
	m.Delete(1)
	require.Equal(t, s(1), m.seed)
	m.Delete(3)
	require.Zero(t, m.count)
	require.Equal(t, s(2), m.seed, "the delete that empties the map reseeds")
	m.Delete(3)
	m.Delete(4)
	require.Equal(t, s(2), m.seed, "delete on an empty map does not reseed")
	m.Put(4, 4)
	require.Equal(t, s(2), m.seed)
	m.Clear()
	require.Zero(t, m.count)
	require.Equal(t, s(3), m.seed, "clear of a non-empty map reseeds")
	m.Clear()
	require.Equal(t, s(3), m.seed, "clear of an empty map returns early")
	for range m.All() {
		t.Fatal("empty map yields nothing")
	}
	require.Equal(t, s(3), m.seed, "an iteration of an empty map draws nothing")
	m.Put(5, 5)
	n := 0
	for range m.All() { // draws #4 for its start
		n++
	}
	require.Equal(t, 1, n)
	m.Delete(5)
	require.Equal(t, s(5), m.seed)
	utInv(t, m)
}

func TestStateReseedLockstep(t *testing.T) {
	// Two maps with the same seed and the same operations have the same
	// seed at every step, whatever the hasher (here the runtime's, which
	// is not reproducible across processes, but the seeds are).
	a := New[string, int](0, WithSeed(7))
	b := New[string, int](0, WithSeed(7))
	c := New[string, int](0, WithSeed(8))
	require.NotEqual(t, a.seed, c.seed)
	seen := map[uint32]bool{a.seed: true}
	keys := []string{"a", "b", "c", "d"}
	for round := 0; round < 5; round++ {
		for _, k := range keys {
			a.Put(k, round)
			b.Put(k, round)
			require.Equal(t, a.seed, b.seed)
		}
		for _, k := range keys {
			a.Delete(k)
			b.Delete(k)
			require.Equal(t, a.seed, b.seed)
		}
		require.False(t, seen[a.seed], "a fresh seed each time the map empties")
		seen[a.seed] = true
		a.Put("x", 1)
		b.Put("x", 1)
		a.Clear()
		b.Clear()
		require.Equal(t, a.seed, b.seed)
		require.False(t, seen[a.seed])
		seen[a.seed] = true
	}
	utInv(t, a)
	utInv(t, b)
}

// ---------------------------------------------------------------------------
// Clear.

func TestStateClearResetsGrowth(t *testing.T) {
	m := utNewID[int, int](0)
	for k := 0; k < 27; k++ { // the 27th insert starts growing B=2 -> 3
		m.Put(k, k)
	}
	require.True(t, m.growing())
	require.Equal(t, uint8(3), m.logB)
	arr := m.array()
	m.Clear()
	// mapclear: oldbuckets nil, nevacuate 0, noverflow 0, count 0, same B,
	// same array reused and zeroed, spares handed out from 2^B again.
	require.Equal(t, uint8(3), m.logB)
	require.Nil(t, m.oldArray())
	require.Zero(t, m.evacMark())
	require.Zero(t, m.noverflow)
	require.Zero(t, m.count)
	require.Equal(t, uintptr(8), m.nextSpare())
	require.Same(t, &arr[0], &m.array()[0], "the array is reused")
	for i := range m.array() {
		require.Equal(t, [8]uint8{}, m.array()[i].Tophash)
		require.Nil(t, m.array()[i].Overflow())
	}
	require.Zero(t, m.flags&flagSameSizeGrow)
	utInv(t, m)
	m.Put(9, 9)
	require.Equal(t, [8]uint8{5}, m.array()[1].Tophash)
	utInv(t, m)
}

// ---------------------------------------------------------------------------
// 9. NaN and signed zeros.

func TestStateNaNKeys(t *testing.T) {
	m := New[float64, int](0, WithSeed(3))
	nan := math.NaN()
	for i := 1; i <= 3; i++ {
		m.Put(nan, i)
		require.Equal(t, i, m.Len(), "every Put(NaN) adds an entry")
	}
	_, ok := m.Get(nan)
	require.False(t, ok, "no lookup finds a NaN")
	require.False(t, m.Has(nan))
	m.Delete(nan)
	require.Equal(t, 3, m.Len(), "Delete(NaN) is a no-op")
	m.Put(1.5, 15)
	require.Equal(t, 4, m.Len())

	nans, vals := 0, map[int]bool{}
	for k, v := range m.All() {
		if k != k {
			nans++
			vals[v] = true
		}
	}
	require.Equal(t, 3, nans, "iteration sees every NaN")
	require.Equal(t, map[int]bool{1: true, 2: true, 3: true}, vals)
	utInv(t, m)

	m.Clear()
	require.Zero(t, m.Len())
	for range m.All() {
		t.Fatal("clear removes NaNs")
	}
	utInv(t, m)

	// Enough NaNs to grow the table several times (NaN hashes are random,
	// so only counts are asserted).
	for i := 0; i < 40; i++ {
		m.Put(nan, i)
	}
	require.Equal(t, 40, m.Len())
	nans = 0
	for k := range m.Keys() {
		require.True(t, k != k)
		nans++
	}
	require.Equal(t, 40, nans)
	utInv(t, m)
}

func TestStateSignedZeroKeys(t *testing.T) {
	negZero := math.Copysign(0, -1)
	require.True(t, math.Signbit(negZero))

	m := New[float64, int](0, WithSeed(3))
	m.Put(0, 1)
	m.Put(negZero, 2)
	require.Equal(t, 1, m.Len(), "+0 and -0 are one key")
	k, e := m.find(0)
	require.NotNil(t, k)
	require.True(t, math.Signbit(*k), "the stored key is the last one written (-0)")
	require.Equal(t, 2, *e)
	for k := range m.Keys() {
		require.True(t, math.Signbit(k))
	}
	utInv(t, m)

	m2 := New[float64, int](0, WithSeed(3))
	m2.Put(negZero, 1)
	m2.Put(0, 2)
	require.Equal(t, 1, m2.Len())
	k, e = m2.find(negZero)
	require.NotNil(t, k)
	require.False(t, math.Signbit(*k), "the stored key is +0")
	require.Equal(t, 2, *e)
	utInv(t, m2)
}

// TestStateIdenticalSixteenByteKeys covers the shortcut an update takes for
// 16-byte keys whose two words are the stored key's: it may skip the
// comparison only for strings and regular memory. An interface or a
// complex128 holding NaN is identical to itself and equal to nothing, so
// each Put of it adds an entry, as in the builtin map. (NaN hashes at
// random, so a Put meets an identical NaN only when the tophash bytes
// collide: it takes a few thousand Puts to see it happen.)
func TestStateIdenticalSixteenByteKeys(t *testing.T) {
	const n = 3000
	nan := any(math.NaN()) // one boxed NaN: the same two words each time
	mi := New[any, int](0, WithSeed(3))
	bi := map[any]int{}
	cnan := complex(math.NaN(), 0)
	mc := New[complex128, int](0, WithSeed(3))
	bc := map[complex128]int{}
	for i := range n {
		mi.Put(nan, i)
		bi[nan] = i
		mc.Put(cnan, i)
		bc[cnan] = i
	}
	require.Equal(t, len(bi), mi.Len(), "any(NaN)")
	require.Equal(t, n, mi.Len())
	require.Equal(t, len(bc), mc.Len(), "complex NaN")
	utInv(t, mi)
	utInv(t, mc)

	// A string: the very same one updates in place; an equal copy
	// elsewhere updates too and becomes the stored key, as in the runtime.
	s := strings.Repeat("k", 20)
	ms := New[string, int](0, WithSeed(3))
	ms.Put(s, 1)
	ms.Put(s, 2)
	k, e := ms.find(s)
	require.Equal(t, 1, ms.Len())
	require.Equal(t, 2, *e)
	require.Same(t, unsafe.StringData(s), unsafe.StringData(*k))
	c := strings.Clone(s)
	ms.Put(c, 3)
	k, e = ms.find(s)
	require.Equal(t, 1, ms.Len())
	require.Equal(t, 3, *e)
	require.Same(t, unsafe.StringData(c), unsafe.StringData(*k), "the copy is the stored key now")
	// A string of the same address but shorter is another key.
	ms.Put(s[:10], 4)
	require.Equal(t, 2, ms.Len())
	utInv(t, ms)

	// Regular memory: identical words are equal keys.
	type pair struct{ A, B int64 }
	mp := New[pair, int](0, WithSeed(3))
	mp.Put(pair{1, 2}, 1)
	mp.Put(pair{1, 2}, 2)
	mp.Put(pair{2, 1}, 3)
	require.Equal(t, 2, mp.Len())
	v, _ := mp.Get(pair{1, 2})
	require.Equal(t, 2, v)
	utInv(t, mp)
}

// ---------------------------------------------------------------------------
// Clone.

func TestStateCloneBasic(t *testing.T) {
	m := utNewID[int, int](0)
	for k := 0; k < 20; k++ { // B grows 0 -> 1 (9th) -> 2 (14th)
		m.Put(k, k*10)
	}
	require.Equal(t, uint8(2), m.logB)
	require.False(t, m.growing())
	m.Delete(4) // bucket 0 = [0, emptyOne, 8, 12, 16]
	require.Equal(t, [8]uint8{5, 1, 5, 5, 5, 0, 0, 0}, m.array()[0].Tophash)

	c := m.Clone()
	require.Equal(t, m.seed, c.seed, "same seed, so the same layout")
	require.Equal(t, 19, c.count)
	// hint 19 -> B = 2 (13 < 19 <= 26): the same size; each source chain
	// is packed into the same bucket index, in order (moveToBmap).
	require.Equal(t, uint8(2), c.logB)
	require.False(t, c.growing())
	require.Zero(t, c.evacMark())
	require.Zero(t, c.runtimeFlags())
	require.Equal(t, [8]uint8{5, 5, 5, 5, 0, 0, 0, 0}, c.array()[0].Tophash)
	require.Equal(t, []int{0, 8, 12, 16}, utChainKeys(&c.array()[0]))
	require.Equal(t, []int{1, 5, 9, 13, 17}, utChainKeys(&c.array()[1]))
	require.Equal(t, []int{2, 6, 10, 14, 18}, utChainKeys(&c.array()[2]))
	require.Equal(t, []int{3, 7, 11, 15, 19}, utChainKeys(&c.array()[3]))
	for k := 0; k < 20; k++ {
		v, ok := c.Get(k)
		require.Equal(t, k != 4, ok, "key %d", k)
		if ok {
			require.Equal(t, k*10, v)
		}
	}

	// Independent.
	c.Put(100, 1)
	c.Put(5, -5)
	m.Delete(3)
	m.Put(6, -6)
	require.False(t, m.Has(100))
	require.Equal(t, 50, m.At(5))
	require.True(t, c.Has(3))
	require.Equal(t, 60, c.At(6))
	utInv(t, m)
	utInv(t, c)
}

func TestStateCloneSmallerTable(t *testing.T) {
	m := utNewID[int, int](52) // B = 3
	for _, k := range []int{7, 2, 5, 0, 4} {
		m.Put(k, k)
	}
	c := m.Clone()
	// hint 5 -> B = 0: one bucket, filled from source buckets 0..7 in
	// order, each chain in slot order.
	require.Equal(t, uint8(0), c.logB)
	require.Len(t, c.array(), 1)
	require.Equal(t, [8]uint8{5, 5, 5, 5, 5, 0, 0, 0}, c.array()[0].Tophash)
	require.Equal(t, []int{0, 2, 4, 5, 7}, utChainKeys(&c.array()[0]))
	require.Equal(t, m.seed, c.seed)
	utInv(t, c)
}

func TestStateCloneOneBucketCopiedWhole(t *testing.T) {
	m := utNewID[uint64, int](0)
	for i := 0; i < 6; i++ {
		m.Put(utKey(uint8(0x40+i), uint64(i)), i)
	}
	m.Delete(utKey(0x42, 2))
	want := [8]uint8{0x40, 0x41, 1, 0x43, 0x44, 0x45, 0, 0}
	require.Equal(t, want, m.array()[0].Tophash)
	c := m.Clone()
	// B = 0 source: the runtime copies the bucket as is, holes included.
	require.Equal(t, want, c.array()[0].Tophash)
	require.Equal(t, m.array()[0].Keys, c.array()[0].Keys)
	require.Equal(t, 5, c.count)
	require.NotSame(t, &m.array()[0], &c.array()[0])
	utInv(t, c)
}

func TestStateCloneEmpty(t *testing.T) {
	var z Map[int, int]
	c := z.Clone()
	require.Zero(t, c.Len())
	require.Nil(t, c.array())
	c.Put(1, 2)
	require.Equal(t, 2, c.At(1))
	require.Zero(t, z.Len())
	require.Nil(t, z.buckets)
	utInv(t, &z)
	utInv(t, c)

	// An empty map of any size clones to B = 0 (hint 0), same seed.
	m := utNewID[int, int](1000)
	require.Equal(t, uint8(8), m.logB)
	c = m.Clone()
	require.Equal(t, uint8(0), c.logB)
	require.Nil(t, c.array())
	require.Equal(t, m.seed, c.seed)
	c.Put(3, 3)
	require.Zero(t, m.Len())
	utInv(t, m)
	utInv(t, c)
}
