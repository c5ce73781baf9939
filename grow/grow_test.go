package grow_test

import (
	"math"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/grow"
)

// runtimeOverLoad is the Go 1.23 rule, written out independently.
func runtimeOverLoad(count int, B uint8) bool {
	return count > 8 && uint64(count) > 13*((uint64(1)<<B)/2)
}

func TestOverLoadMatchesRuntime(t *testing.T) {
	p := grow.Default()
	for B := uint8(0); B < 24; B++ {
		limit := 13 << B >> 1 // 6.5 * 2^B
		for _, c := range []int{0, 1, 8, 9, 12, 13, 14, limit - 1, limit, limit + 1, 2 * limit} {
			require.Equal(t, runtimeOverLoad(c, B), p.OverLoad(c, B), "count %d B %d", c, B)
		}
	}
}

func TestBForHint(t *testing.T) {
	p := grow.Default()
	for hint, want := range map[int]uint8{
		-5: 0, 0: 0, 8: 0, 9: 1, 13: 1, 14: 2, 26: 2, 27: 3,
		100: 4, 1000: 8, 1 << 20: 18,
	} {
		require.Equal(t, want, p.BForHint(hint), "hint %d", hint)
	}
}

func TestOtherLoadFactors(t *testing.T) {
	// 4 per bucket: 2^3 buckets hold 32 entries.
	p := grow.Policy{LoadNum: 4, LoadDen: 1, OverflowLog: 15, Pace: 1}
	require.False(t, p.OverLoad(32, 3))
	require.True(t, p.OverLoad(33, 3))
	// 8 per bucket (full): B = 0 still takes 8.
	p = grow.Policy{LoadNum: 8, LoadDen: 1, OverflowLog: 15, Pace: 1}
	require.False(t, p.OverLoad(8, 0))
	require.True(t, p.OverLoad(9, 0))
	require.False(t, p.OverLoad(64, 3))
	require.True(t, p.OverLoad(65, 3))
	// 3/4 per bucket, a denominator that does not divide small 2^B.
	p = grow.Policy{LoadNum: 3, LoadDen: 4, OverflowLog: 15, Pace: 1}
	require.False(t, p.OverLoad(24, 5)) // 32 buckets * 0.75 = 24
	require.True(t, p.OverLoad(25, 5))
}

func TestTooManyOverflow(t *testing.T) {
	p := grow.Default()
	for B := uint8(0); B < 20; B++ {
		limit := uint16(1) << min(B, 15)
		require.False(t, p.TooManyOverflow(limit-1, B), "B %d", B)
		require.True(t, p.TooManyOverflow(limit, B), "B %d", B)
	}
}

func TestCountOverflow(t *testing.T) {
	for B := uint8(0); B < 16; B++ {
		require.Equal(t, uint16(6), grow.CountOverflow(5, B, 0xffffffff))
	}
	// B = 16 counts one in 2, by the low bit; B = 18 one in 8.
	require.Equal(t, uint16(6), grow.CountOverflow(5, 16, 2))
	require.Equal(t, uint16(5), grow.CountOverflow(5, 16, 1))
	require.Equal(t, uint16(6), grow.CountOverflow(5, 18, 8))
	require.Equal(t, uint16(5), grow.CountOverflow(5, 18, 4))
}

func TestRoundUpSize(t *testing.T) {
	cases := []struct {
		size        uintptr
		pointerFree bool
		want        uintptr
	}{
		{1, true, 8},
		{2448, true, 2688}, // 17 buckets of map[int64]int64
		{2688, true, 2688},
		{600, true, 640},
		{600, false, 632},     // 8-byte malloc header: 608 -> 640 - 8
		{32760, true, 32768},  // largest small object
		{32761, true, 32768},  // large: whole 8 KiB pages
		{32769, true, 40960},  //
		{32769, false, 40960}, // (no header on large objects)
		{40960, true, 40960},
	}
	for _, c := range cases {
		require.Equal(t, c.want, grow.RoundUpSize(c.size, c.pointerFree), "size %d pointerFree %v", c.size, c.pointerFree)
	}
}

// TestRoundUpSizeHeaderThreshold: an object with pointers carries the
// malloc header above pointer size * pointer bits, 512 bytes with 64-bit
// pointers and 128 with 32-bit ones (Go 1.23 runtime/mbitmap.go:
// minSizeForMallocHeader). Go 1.23 on 386 gives a []*int of 54 elements
// (216 bytes) a capacity of 54: the 224-byte class less the header.
func TestRoundUpSizeHeaderThreshold(t *testing.T) {
	want := map[uintptr]uintptr{512: 512, 513: 568, 216: 224, 129: 144, 128: 128} // 64-bit
	if bits.UintSize == 32 {
		want = map[uintptr]uintptr{512: 568, 513: 568, 216: 216, 129: 136, 128: 128}
	}
	for size, w := range want {
		require.Equal(t, w, grow.RoundUpSize(size, false), "size %d with pointers", size)
	}
}

func TestArrayLen(t *testing.T) {
	// Below B = 4 there are no spares.
	for B := uint8(0); B < 4; B++ {
		require.Equal(t, uintptr(1)<<B, grow.ArrayLen(B, 144, true))
	}
	// map[int64]int64, B = 4: 17*144 = 2448 rounds to 2688 = 18 buckets.
	require.Equal(t, uintptr(18), grow.ArrayLen(4, 144, true))
	require.Equal(t, uintptr(2), grow.Spare(4, 144, true))
	// B = 8: 256+16 = 272 buckets = 39168 bytes, a large object:
	// 40960 bytes = 284 buckets, 28 spares.
	require.Equal(t, uintptr(284), grow.ArrayLen(8, 144, true))
	// map[int64]string (208 bytes, with pointers), B = 4: 17*208 = 3536,
	// +8 header = 3544, class 4096, minus the header: 4088/208 = 19.
	require.Equal(t, uintptr(19), grow.ArrayLen(4, 208, false))
}

func TestValidate(t *testing.T) {
	require.NoError(t, grow.Default().Validate())
	bad := map[string]grow.Policy{
		"load factor 0/2 out of range: want a ratio in (0, 8]":  {LoadNum: 0, LoadDen: 2, OverflowLog: 15, Pace: 1},
		"load factor 17/2 out of range: want a ratio in (0, 8]": {LoadNum: 17, LoadDen: 2, OverflowLog: 15, Pace: 1},
		"load factor 1/0 out of range":                          {LoadNum: 1, LoadDen: 0, OverflowLog: 15, Pace: 1},
		"overflow threshold 2^16 out of range":                  {LoadNum: 13, LoadDen: 2, OverflowLog: 16, Pace: 1},
		"evacuation pace -1 out of range":                       {LoadNum: 13, LoadDen: 2, OverflowLog: 15, Pace: -1},
	}
	for msg, p := range bad {
		err := p.Validate()
		require.Error(t, err, msg)
		require.Contains(t, err.Error(), msg)
	}
	require.NoError(t, grow.Policy{LoadNum: 8, LoadDen: 1, Pace: 0}.Validate())
}

// MaxCount is the largest count OverLoad accepts, by its definition
// (count*den <= num*2^B, and 8 in any table), and the runtime's limit for
// the default policy.
func TestMaxCount(t *testing.T) {
	def := grow.Default()
	require.Equal(t, 8, def.MaxCount(0))
	for B := uint8(1); B < 40; B++ {
		want := min(13*(int64(1)<<B/2), math.MaxInt) // MaxCount stops at MaxInt
		require.Equal(t, int(want), def.MaxCount(B), "B=%d", B)
	}
	for _, p := range []grow.Policy{
		{LoadNum: 13, LoadDen: 2}, {LoadNum: 8, LoadDen: 1}, {LoadNum: 1, LoadDen: 1},
		{LoadNum: 3, LoadDen: 2}, {LoadNum: 1, LoadDen: 65536}, {LoadNum: 65535, LoadDen: 65536},
	} {
		for B := uint8(0); B < 20; B++ {
			want := 8
			for n := 9; int64(n)*int64(p.LoadDen) <= int64(p.LoadNum)<<B; n++ { // int64: no overflow on 32-bit
				want = n
			}
			require.Equal(t, want, p.MaxCount(B), "%d/%d B=%d", p.LoadNum, p.LoadDen, B)
			require.False(t, p.OverLoad(want, B))
			require.True(t, p.OverLoad(want+1, B))
		}
	}
	require.Equal(t, math.MaxInt, def.MaxCount(63))
	require.Equal(t, math.MaxInt, def.MaxCount(200))
}

// A table of one bucket has the same thresholds under every valid policy,
// the OneBucket constants, which tables use without asking their policy.
func TestOneBucketSameUnderEveryPolicy(t *testing.T) {
	for _, p := range []grow.Policy{
		grow.Default(),
		{LoadNum: 1, LoadDen: 1 << 16, OverflowLog: 0, Pace: 0},
		{LoadNum: 8, LoadDen: 1, OverflowLog: 15, Pace: 1},
		{LoadNum: 1 << 16, LoadDen: 1 << 13, OverflowLog: 7, Pace: 3},
	} {
		require.NoError(t, p.Validate())
		require.Equal(t, 8, p.MaxCount(0), "%+v", p)
		require.Equal(t, grow.OneBucketMaxCount, p.MaxCount(0), "%+v", p)
		require.Equal(t, uint16(1), p.OverflowLimit(0), "%+v", p)
		require.Equal(t, uint16(grow.OneBucketOverflowLimit), p.OverflowLimit(0), "%+v", p)
		for hint := range 9 {
			require.Zero(t, p.BForHint(hint), "%+v hint %d", p, hint)
		}
		require.NotZero(t, p.BForHint(9), "%+v", p)
	}
}
